; Highlights for netpol. Capture names are the common ones of tree-sitter,
; Neovim and Zed; see editors/README.md for Helix.

; Comments. `##` starts a doc comment.
(comment) @comment

((comment) @comment.documentation
  (#match? @comment.documentation "^##"))

; Keywords: with the ones below (`cidr`, `port` and the parameter types), the
; `keyword` rule of grammar/netpol.pest, checked by tests/it/editors.rs.
[
  "import" "const" "category" "namespaces" "namespace" "system" "cluster"
  "policy" "use" "select" "description" "label" "default" "deny" "no"
  "ingress" "egress" "allow" "from" "to" "pods" "nodes" "all" "in"
  "with" "except" "entity" "fqdn" "services" "service" "anywhere"
  "everything" "icmp" "ipv4" "ipv6" "http" "method" "host"
  "header" "grpc" "kafka" "produce" "consume" "apikey" "topic" "client"
  "version" "dns" "sni" "metadata" "annotation" "log" "spec" "notin" "cilium" "group" "groups" "silence" "sentence"
  "expect" "account" "node" "authentication"
  "aws" "named" "region"
  "secret" "mismatch" "listener" "priority" "l7"
  "terminate" "originate" "tls" "ca" "certificate" "key" "fallback"
] @keyword

(endpoint_cidr "cidr" @keyword)
(flow_port "port" @keyword)

(peer_cidr "cidr" @keyword)
(ports "port" @keyword)
(sentence_clause "port" @keyword)
(sentence_declaration_clause "port" @keyword)

; Parameter types.
(type ["cidrs" "cidr" "ports" "port" "strings" "string" "selector"] @type.builtin)

; Definitions and references.
(const_definition name: (identifier) @constant)
(const_ref) @constant

(category name: (identifier) @type)
(use category: (identifier) @type)
; A rule sentence's word names the category it uses: `allow dns`.
(sentence_word) @type

(parameter name: (identifier) @variable.parameter)
(argument name: (identifier) @variable.parameter)

(namespace name: (name) @module)
(inventory_entry name: (name) @module)
(lint_code) @constant
(namespace_name) @module

(policy name: (name) @function)
(cluster_policy name: (name) @function)

(service_name) @string.special

; Built-in names.
(entity) @constant.builtin
(protocol) @constant.builtin
(http_method) @constant.builtin
(icmp_type) @constant.builtin
(kafka_apikey) @constant.builtin

; Numbers: CIDRs, ports, versions.
(cidr) @number
(port_number) @number
(number) @number
(cilium_version) @number
; A sentence's bare values: CIDRs and ports are numbers; names stay plain.
((sentence_value) @number
  (#match? @number "^[0-9]|:"))

; Label selectors.
(label_key) @property
(label_value) @string

; Strings.
(string) @string
(escape_sequence) @string.escape

; Operators and punctuation.
["=" "!=" "!"] @operator
(port "-" @operator)
(port "/" @punctuation.delimiter)
["," ":"] @punctuation.delimiter
["{" "}" "(" ")" "[" "]"] @punctuation.bracket
