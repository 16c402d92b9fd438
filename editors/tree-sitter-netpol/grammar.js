/**
 * @file tree-sitter grammar for netpol, the policy language of netpolc.
 * @license Apache-2.0
 *
 * It follows grammar/netpol.pest rule by rule (the pest rule names are kept
 * where they make sense as node names). That file is the language's
 * definition; this one is for highlighting and editor structure.
 * tests/it/editors.rs checks that the keywords agree.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/** `rule (, rule)*` */
const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));
/** `[rule (, rule)* ,?]` */
const commaSepTrailing = (rule) => optional(seq(rule, repeat(seq(',', rule)), optional(',')));

module.exports = grammar({
  name: 'netpol',

  extras: ($) => [/\s/, $.comment],

  // `service a in namespace x, services with ...`: a `,` after a namespace
  // continues the name list or starts the next service; the next token decides.
  conflicts: ($) => [[$._name_list], [$._aws_strings]],

  rules: {
    // A whole `.netpol` file.
    source_file: ($) => repeat($._item),

    _item: ($) =>
      choice($.silence, $.import, $.const_definition, $.category, $.namespace, $.cluster_policy, $.inventory, $.cilium, $.cidr_groups, $.expect),

    // `silence W0106, W0109 "reason"`: no such warning on what follows.
    silence: ($) => seq('silence', commaSep1($.lint_code), optional(field('reason', $.string))),

    // A warning code such as `W0106`.
    lint_code: (_) => /[A-Za-z][A-Za-z0-9]*/,

    // `cluster namespaces { shop, checkout tier=app }`: the namespace inventory.
    inventory: ($) => seq('cluster', 'namespaces', '{', commaSepTrailing($.inventory_entry), '}'),

    inventory_entry: ($) => seq(repeat($.silence), field('name', $.name), optional(field('labels', $._selector))),

    // `cidr groups`: every CIDR constant a `cidr` peer uses becomes a CiliumCIDRGroup.
    cidr_groups: (_) => seq('cidr', 'groups'),

    // `cilium 1.19`: the Cilium version the repository targets.
    cilium: ($) => seq('cilium', field('version', $.cilium_version)),

    // A Cilium version, `MAJOR.MINOR`.
    cilium_version: (_) => /[0-9]+\.[0-9]+/,

    // `import "path/to/file.netpol"`.
    import: ($) => seq('import', field('path', $.string)),

    // `const NAME = value`.
    const_definition: ($) =>
      seq(
        'const',
        field('name', $.identifier),
        '=',
        optional('group'),
        field('value', $._value),
        optional($.group_labels),
      ),

    // `label tier=storage, zone=a`: a CIDR group's labels.
    group_labels: ($) => seq('label', commaSep1($.selector_eq)),

    // `category NAME(params) [sentence ...] { body }`.
    category: ($) =>
      seq(
        'category',
        field('name', $.identifier),
        optional(field('parameters', $.parameters)),
        optional(field('sentence', $.sentence_declaration)),
        field('body', $.body),
      ),

    // `sentence allow storage from $cidrs port $ports`: the rule sentence that
    // stands for a `use` of the category.
    sentence_declaration: ($) =>
      seq(
        'sentence',
        field('verb', $.verb),
        field('word', $.sentence_word),
        optional(field('slot', $.const_ref)),
        repeat($.sentence_declaration_clause),
      ),

    // `in namespace $namespace`: clause words and the parameter they fill.
    sentence_declaration_clause: ($) => seq(repeat1($._sentence_keyword), field('parameter', $.const_ref)),

    parameters: ($) => seq('(', commaSepTrailing($.parameter), ')'),

    // `name: type = default`.
    parameter: ($) =>
      seq(field('name', $.identifier), ':', field('type', $.type), optional(seq('=', field('default', $._value)))),

    type: (_) => choice('cidrs', 'cidr', 'ports', 'port', 'strings', 'string', 'selector'),

    // `system namespace NAME { body }`.
    namespace: ($) =>
      seq(optional('system'), 'namespace', field('name', $.name), field('body', $.body)),

    // `cluster policy NAME { policy body }`.
    cluster_policy: ($) => seq('cluster', 'policy', field('name', $.name), field('body', $.policy_body)),

    // The body of a namespace or category: policies and policy statements.
    body: ($) => seq('{', repeat(choice($.silence, $.policy, $.expect, $._policy_item)), '}'),

    // `policy NAME { policy body }`.
    policy: ($) => seq('policy', field('name', $.name), field('body', $.policy_body)),

    policy_body: ($) => seq('{', repeat(choice($.silence, $._policy_item)), '}'),

    _policy_item: ($) =>
      choice($.use, $.select, $.description, $.label, $.default_deny, $.no_default_deny, $.rule, $.sentence, $.metadata, $.log, $.spec),

    // `use NAME` or `use NAME(arg: value, ...)`.
    use: ($) => seq('use', field('category', $.identifier), optional(field('arguments', $.arguments))),

    arguments: ($) => seq('(', commaSepTrailing($.argument), ')'),

    // A positional argument (`value` alone) parses, as in netpolc, which
    // refuses it in sema (E0309) naming the parameters.
    argument: ($) => seq(optional(seq(field('name', $.identifier), ':')), field('value', $._value)),

    // `description "text"`.
    description: ($) => seq('description', $._string_or_ref),

    // `label key=value`.
    label: ($) => seq('label', field('key', $.label_key), '=', field('value', $._label_value)),
    // `log "text"`: the rule's `log.value`.
    log: ($) => seq('log', $._string_or_ref),
    // `spec { ... }`: one rule set of the object's `specs`.
    spec: ($) => seq('spec', $.policy_body),

    // `metadata label key=value`, `metadata annotation key="text"`.
    metadata: ($) =>
      seq('metadata', choice('label', 'annotation'), field('key', $.label_key), '=', field('value', $._label_value)),

    // `default deny ingress, egress`.
    default_deny: ($) => seq('default', 'deny', commaSep1($.direction)),

    // `no default deny egress`.
    no_default_deny: ($) => seq('no', 'default', 'deny', commaSep1($.direction)),

    direction: (_) => choice('ingress', 'egress'),

    // -------------------------------------------------------------------
    // Subjects
    // -------------------------------------------------------------------

    // `select pods app=web in namespace a`, `select all nodes`, `select nodes SELECTOR`,
    // `select everything`.
    select: ($) =>
      seq('select', choice($.subject_pods, $.subject_all_nodes, $.subject_nodes, $.subject_everything)),

    subject_pods: ($) => seq('pods', optional($._selector), optional($.scope)),

    subject_all_nodes: (_) => seq('all', 'nodes'),

    subject_nodes: ($) => seq('nodes', $._selector),
    subject_everything: (_) => 'everything',

    // `in all namespaces [except a, b]`, `in namespaces with SELECTOR`, `in namespace a, b`.
    scope: ($) => seq('in', choice($.scope_all, $.scope_labelled, $.scope_named)),

    scope_all: ($) => seq('all', 'namespaces', optional(seq('except', $._name_list))),

    scope_labelled: ($) => seq('namespaces', 'with', $._selector),

    scope_named: ($) => seq('namespace', $._name_list),

    _name_list: ($) => commaSep1(choice(alias($.name, $.namespace_name), $.const_ref)),

    // -------------------------------------------------------------------
    // Rules
    // -------------------------------------------------------------------

    // `allow|deny from|to PEER [port ...|icmp ...] [L7 ...]`.
    rule: ($) =>
      seq(
        field('verb', $.verb),
        field('way', $.way),
        field('peer', $._peer),
        optional($.ports),
        optional($.sni),
        repeat($.tls),
        optional($.listener),
        optional($.icmps),
        optional($.authentication),
        repeat($._l7),
      ),

    verb: (_) => choice('allow', 'deny'),

    // `allow dns`, `allow storage from $IPS port 2049/tcp`: a rule sentence,
    // a `use` of the category that declares it. `from` and `to` after the
    // verb make a rule instead (a string token wins over the word's regexp).
    sentence: ($) =>
      seq(
        field('verb', $.verb),
        field('word', $.sentence_word),
        optional(field('values', $.sentence_values)),
        repeat($.sentence_clause),
      ),

    // The word of a sentence: `dns`, `kube-apiserver`.
    sentence_word: (_) => /[A-Za-z][A-Za-z0-9_-]*/,

    // `from $IPS`, `from pods app=prometheus`, `in namespace monitoring`.
    sentence_clause: ($) => seq(repeat1($._sentence_keyword), field('values', $.sentence_values)),

    _sentence_keyword: (_) => choice('from', 'to', 'port', 'pods', 'in', 'namespace'),

    sentence_values: ($) => commaSep1($._sentence_value),

    // A value of a sentence. A bare word, CIDR or port is one `sentence_value`
    // token (the label key's characters cover them all); `key=value` is a
    // selector.
    _sentence_value: ($) =>
      choice($.list, $.selector, $.string, $.const_ref, $.selector_eq, alias($.label_key, $.sentence_value)),

    way: (_) => choice('from', 'to'),

    _peer: ($) =>
      choice(
        $.peer_pods,
        $.peer_namespace,
        $.peer_namespaces,
        $.peer_entity,
        $.peer_cidr_groups,
        $.peer_cidr,
        $.peer_fqdn,
        $.peer_service,
        $.peer_services,
        $.peer_service_list,
        $.peer_nodes,
        $.peer_aws,
        'anywhere',
        'everything',
      ),

    peer_pods: ($) => seq('pods', optional(commaSep1($._selector)), optional($.scope)),

    peer_namespace: ($) => seq('namespace', $._name_list),

    peer_namespaces: ($) => seq('namespaces', 'with', $._selector),

    peer_entity: ($) => seq('entity', commaSep1($.entity)),

    entity: ($) => $._name_token,

    peer_cidr: ($) => seq('cidr', commaSep1($.cidr_item)),

    cidr_item: ($) =>
      seq(choice($.cidr_list, $._cidr_or_ref), optional(seq('except', choice($.cidr_list, $._cidr_or_ref)))),

    cidr_list: ($) => seq('[', commaSepTrailing($._cidr_or_ref), ']'),

    peer_fqdn: ($) => seq('fqdn', commaSep1($._string_or_ref)),

    peer_service: ($) => seq('service', choice(alias($.name, $.service_name), $.const_ref), optional($.scope)),

    peer_services: ($) => seq('services', 'with', $._selector, optional($.scope)),

    // `service a in namespace x, services with env=staging in all namespaces`:
    // several services in one rule.
    peer_service_list: ($) =>
      seq(
        choice($.peer_service, $.peer_services),
        repeat1(seq(',', choice($.peer_service, $.peer_services))),
      ),

    // `cidr groups with SELECTOR, ...`: CiliumCIDRGroups by their labels.
    peer_cidr_groups: ($) => seq('cidr', 'groups', 'with', commaSep1($._selector)),

    // `nodes SELECTOR, ...`: nodes by their labels.
    peer_nodes: ($) => seq('nodes', commaSep1($._selector)),

    // `aws groups "sg-1", aws groups named "web" with team=db in region "r"`:
    // AWS groups (`fromGroups`/`toGroups`), one `aws` entry per group.
    peer_aws: ($) => seq($.aws_group, repeat(seq(',', $.aws_group))),

    aws_group: ($) =>
      seq(
        'aws',
        optional(
          choice(
            seq($.aws_ids, optional($.aws_names)),
            seq($.aws_names, optional($.aws_ids)),
          ),
        ),
        optional(seq('with', $._selector)),
        optional(seq('in', 'region', $._string_or_ref)),
      ),

    aws_ids: ($) => seq('groups', $._aws_strings),

    aws_names: ($) => seq('groups', 'named', $._aws_strings),

    // A `,` after a string continues the list or starts the next `aws`
    // entry; the next token decides (a conflict below).
    _aws_strings: ($) => seq($._string_or_ref, repeat(seq(',', $._string_or_ref))),

    // `anywhere` (no peer restriction) and `everything` (the `all` entity) are
    // keywords of `_peer`, with no node of their own.

    // `port 80/tcp, 8000-8999/tcp, $PORTS`.
    ports: ($) => seq('port', commaSep1(choice($.port, $.const_ref))),

    // `listener "proxy" in cluster "egress-proxy" priority 10`: a custom
    // Envoy listener.
    listener: ($) =>
      seq(
        'listener',
        field('name', $._string_or_ref),
        'in',
        optional(field('kind', choice('cluster', 'namespace'))),
        field('config', $._string_or_ref),
        optional(seq('priority', field('priority', $.number))),
      ),

    // `terminate tls secret "ns/name" [ca "K"] [certificate "K"] [key "K"]`,
    // or `originate tls ...`: the TLS the proxy ends or starts.
    tls: ($) =>
      seq(
        field('side', choice('terminate', 'originate')),
        'tls',
        'secret',
        field('secret', $._string_or_ref),
        repeat(seq(field('item', choice('ca', 'certificate', 'key')), $._string_or_ref)),
      ),

    // `sni "api.stripe.com", "*.stripe.com"`: TLS server names.
    sni: ($) => seq('sni', commaSep1($._string_or_ref)),

    // `authentication required`: mutual authentication.
    authentication: ($) => seq('authentication', $.name),

    // `icmp EchoRequest, ipv6 PacketTooBig, 8`.
    icmps: ($) => seq('icmp', commaSep1($.icmp_item)),

    icmp_item: ($) => seq(optional(choice('ipv4', 'ipv6')), $.icmp_type),

    icmp_type: (_) => /[0-9]+|[A-Za-z][A-Za-z0-9]*/,

    _l7: ($) => choice($.http, $.grpc, $.kafka, $.dns, $.generic),

    // `http [METHOD | method "regex"] ["/path"] [host "h"] [header "K: v"]...`.
    http: ($) =>
      seq(
        'http',
        optional(choice($.http_method, seq('method', field('method', $._string_or_ref)))),
        optional(field('path', $._string_or_ref)),
        optional(seq('host', field('host', $._string_or_ref))),
        repeat(choice($.header_match, seq('header', field('header', $._string_or_ref)))),
      ),

    // `header "Name" = "v" | secret "ns/name" [fallback "v"] [mismatch ACTION]`, or
    // `header "Name" mismatch ACTION`: a header match (`headerMatches`).
    header_match: ($) =>
      prec(
        1,
        seq(
          'header',
          field('name', $._string_or_ref),
          choice(
            seq(
              '=',
              choice(
                seq(
                  'secret',
                  field('secret', $._string_or_ref),
                  optional(seq('fallback', field('value', $._string_or_ref))),
                ),
                field('value', $._string_or_ref),
              ),
              optional(seq('mismatch', field('mismatch', $.name))),
            ),
            seq('mismatch', field('mismatch', $.name)),
          ),
        ),
      ),

    http_method: (_) => /[A-Z]+/,

    // `grpc "package.Service/Method"`.
    grpc: ($) => seq('grpc', $._string_or_ref),

    // `kafka produce topic "orders"`.
    kafka: ($) =>
      seq(
        'kafka',
        optional(choice('produce', 'consume', seq('apikey', alias($._name_token, $.kafka_apikey)))),
        optional(seq('topic', field('topic', $._string_or_ref))),
        optional(seq('client', field('client', $._string_or_ref))),
        optional(seq('version', field('version', $.number))),
      ),

    // `dns "*.example.com", "api.example.com"`.
    dns: ($) => seq('dns', commaSep1($._string_or_ref)),

    // `l7 "r2d2" "cmd" = "READ", "file" = "/public/.*"`: a generic L7 rule.
    generic: ($) =>
      seq('l7', field('proto', $._string_or_ref), optional(commaSep1($.generic_pair))),

    // `"key" = "value"`.
    generic_pair: ($) => seq(field('key', $._string_or_ref), '=', field('value', $._string_or_ref)),

    // -------------------------------------------------------------------
    // Expectations
    // -------------------------------------------------------------------

    // `expect allow|deny from A to B port P [L7 request]`: a flow the
    // policies must allow or deny; not inside a `policy` block.
    expect: ($) => seq('expect', field('verb', $.verb), $.flow),

    // `from A to B port 8080/tcp [http "GET /x"]`.
    flow: ($) =>
      seq(
        'from',
        field('from', $._endpoint),
        'to',
        field('to', $._endpoint),
        optional(choice($.flow_port, $.flow_icmp)),
        optional(choice($.flow_http, $.flow_dns, $.kafka)),
      ),

    _endpoint: ($) =>
      choice(
        $.endpoint_pods,
        $.endpoint_namespace,
        $.endpoint_node,
        $.endpoint_entity,
        $.endpoint_cidr,
        $.endpoint_fqdn,
      ),

    // `pods [LABELS] [with account NAME] [in namespace NAME]`.
    endpoint_pods: ($) =>
      seq(
        'pods',
        optional($._selector),
        optional(seq('with', 'account', field('account', choice($.name, $.const_ref)))),
        optional(seq('in', 'namespace', choice(alias($.name, $.namespace_name), $.const_ref))),
      ),

    endpoint_namespace: ($) => seq('namespace', choice(alias($.name, $.namespace_name), $.const_ref)),

    endpoint_node: ($) => seq('node', optional($._selector)),

    endpoint_entity: ($) => seq('entity', $.entity),

    endpoint_cidr: ($) => seq('cidr', $._cidr_or_ref),

    endpoint_fqdn: ($) => seq('fqdn', choice($._string_or_ref, $.name)),

    flow_port: ($) => seq('port', choice($.port, $.const_ref)),

    flow_icmp: ($) => seq('icmp', $.icmp_item),

    // `http "GET /path" [host "h"] [header "K: v"]...`.
    flow_http: ($) =>
      seq(
        'http',
        field('request', $._string_or_ref),
        optional(seq('host', field('host', $._string_or_ref))),
        repeat(seq('header', field('header', $._string_or_ref))),
      ),

    // `dns "api.example.com"`.
    flow_dns: ($) => seq('dns', $._string_or_ref),

    // -------------------------------------------------------------------
    // Selectors
    // -------------------------------------------------------------------

    _selector: ($) => choice($.selector, $.selector_eq, $.const_ref),

    // `{ app=web, tier in (a, b), !canary }`.
    selector: ($) =>
      seq(
        '{',
        commaSepTrailing(
          choice(
            $.selector_in,
            $.selector_notin,
            $.selector_ne,
            $.selector_eq,
            $.selector_not_exists,
            $.selector_exists,
            $.const_ref,
          ),
        ),
        '}',
      ),

    selector_eq: ($) => seq(field('key', $.label_key), '=', field('value', $._label_value)),

    selector_ne: ($) => seq(field('key', $.label_key), '!=', field('value', $._label_value)),

    selector_in: ($) =>
      seq(field('key', $.label_key), 'in', '(', commaSep1($._label_value), optional(','), ')'),

    selector_notin: ($) =>
      seq(field('key', $.label_key), 'notin', '(', commaSep1($._label_value), optional(','), ')'),

    selector_exists: ($) => field('key', $.label_key),

    selector_not_exists: ($) => seq('!', field('key', $.label_key)),

    // A label key, with an optional source (`k8s:`) and prefix (`example.com/`).
    label_key: (_) => /[A-Za-z0-9_][A-Za-z0-9._\/:-]*/,

    _label_value: ($) => choice($.string, $.const_ref, $.label_value),

    label_value: (_) => /[A-Za-z0-9._-]+/,

    // -------------------------------------------------------------------
    // Values
    // -------------------------------------------------------------------

    _value: ($) => choice($.list, $.selector, $.string, $.cidr, $.port, $.const_ref),

    list: ($) => seq('[', commaSepTrailing($._value), ']'),

    _cidr_or_ref: ($) => choice($.cidr, $.const_ref),

    _string_or_ref: ($) => choice($.string, $.const_ref),

    // `80`, `80/tcp`, `8000-8999/tcp`, `http/tcp`.
    port: ($) =>
      seq(
        $.port_number,
        optional(seq(token.immediate('-'), alias($._port_number_immediate, $.port_number))),
        optional(seq(token.immediate('/'), $.protocol)),
      ),

    port_number: (_) => /[0-9]+|[A-Za-z][A-Za-z0-9-]*/,

    _port_number_immediate: (_) => token.immediate(/[0-9]+|[A-Za-z][A-Za-z0-9-]*/),

    protocol: (_) => token.immediate(/[tT][cC][pP]|[uU][dD][pP]|[sS][cC][tT][pP]|[aA][nN][yY]|[vV][rR][rR][pP]|[iI][gG][mM][pP]|[gG][rR][eE]|[iI][pP][iI][pP]|[iI][pP][vV]6|[eE][sS][pP]|[aA][hH]/),

    // An IPv4 or IPv6 address with an optional prefix length.
    cidr: (_) =>
      token(
        choice(
          /[0-9]+(\.[0-9]+){3}(\/[0-9]+)?/,
          /[0-9a-fA-F]*(:[0-9a-fA-F]*){1,8}(\.[0-9]+){0,3}(\/[0-9]+)?/,
        ),
      ),

    number: (_) => /[0-9]+/,

    // `"text"` with `\"`, `\\`, `\n` and `\t` escapes.
    string: ($) =>
      seq('"', repeat(choice(alias(token.immediate(prec(1, /[^"\\\n]+/)), $.string_content), $.escape_sequence)), token.immediate('"')),

    escape_sequence: (_) => token.immediate(/\\["\\nt]/),

    // `$NAME`: a constant or parameter.
    const_ref: (_) => /\$[A-Za-z_][A-Za-z0-9_]*/,

    // Constant, category, parameter and argument names. Preferred over a
    // named port where both could start an argument (`use f(port: 80/tcp)`).
    identifier: (_) => token(prec(1, /[A-Za-z_][A-Za-z0-9_]*/)),

    // Namespace, policy, entity and service names.
    name: ($) => $._name_token,

    _name_token: (_) => /[A-Za-z0-9][A-Za-z0-9._-]*/,

    // `#` to the end of the line; `##` is a doc comment.
    comment: (_) => token(seq('#', /.*/)),
  },
});
