//! pest errors to E00xx diagnostics, in the user's words.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::MAX_NESTING;
use super::grammar::Rule;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::source::{FileId, Span};

/// What a grammar rule is called in messages.
pub fn describe(kind: Rule) -> &'static str {
    match kind {
        Rule::EOI => "end of file",
        Rule::item
        | Rule::import
        | Rule::const_def
        | Rule::category
        | Rule::namespace
        | Rule::cluster_policy => {
            "`import`, `const`, `category`, `namespace`, `cluster policy` or `cilium`"
        }
        Rule::cilium | Rule::kw_cilium => "`cilium`",
        Rule::cidr_groups | Rule::kw_groups => "`cidr groups`",
        Rule::group_labels => "`label`",
        Rule::kw_group => "`group`",
        Rule::cilium_version => "a Cilium version such as `1.19`",
        Rule::kw_system => "`system`",
        Rule::kw_cluster => "`cluster`",
        Rule::policy | Rule::kw_policy => "`policy`",
        Rule::use_stmt | Rule::kw_use => "`use`",
        Rule::select | Rule::kw_select => "`select`",
        Rule::description | Rule::kw_description => "`description`",
        Rule::label | Rule::kw_label => "`label`",
        Rule::metadata | Rule::kw_metadata => "`metadata`",
        Rule::kw_annotation => "`annotation`",
        Rule::log | Rule::kw_log => "`log`",
        Rule::spec_block | Rule::kw_spec => "`spec`",
        Rule::default_deny | Rule::kw_default => "`default deny`",
        Rule::no_default_deny | Rule::kw_no => "`no default deny`",
        Rule::silence | Rule::kw_silence => "`silence`",
        Rule::lint_code => "a warning code such as `W0106`",
        Rule::inventory => "`cluster namespaces`",
        Rule::inventory_entry => "a namespace name",
        Rule::rule | Rule::verb | Rule::kw_allow => "a rule (`allow` or `deny`)",
        Rule::kw_deny => "`deny`",
        Rule::way | Rule::kw_from | Rule::kw_to => "`from` or `to`",
        Rule::direction | Rule::kw_ingress | Rule::kw_egress => "`ingress` or `egress`",
        Rule::subject
        | Rule::subject_pods
        | Rule::subject_nodes
        | Rule::subject_all_nodes
        | Rule::subject_everything => "`pods`, `nodes`, `all nodes` or `everything`",
        Rule::scope | Rule::kw_in => "`in`",
        Rule::scope_all | Rule::scope_labelled | Rule::scope_named => {
            "`namespace NAME`, `namespaces with SELECTOR` or `all namespaces`"
        }
        Rule::peer
        | Rule::peer_pods
        | Rule::peer_namespace
        | Rule::peer_namespaces
        | Rule::peer_entity
        | Rule::peer_cidr
        | Rule::peer_fqdn
        | Rule::peer_service
        | Rule::peer_services
        | Rule::peer_anywhere
        | Rule::peer_everything
        | Rule::peer_nodes
        | Rule::peer_service_list
        | Rule::peer_cidr_groups
        | Rule::peer_aws
        | Rule::kw_aws => {
            "a peer (`pods`, `namespace`, `namespaces`, `entity`, `cidr`, `fqdn`, `service`, `services`, `nodes`, `aws`, `anywhere` or `everything`)"
        }
        Rule::aws_group => "an AWS group (`aws groups \"sg-...\"`)",
        Rule::aws_ids => "`groups` (security group ids)",
        Rule::aws_names | Rule::kw_named => "`groups named` (security group names)",
        Rule::aws_labels => "`with` (ENI labels)",
        Rule::aws_region | Rule::kw_region => "`in region`",
        Rule::ports | Rule::kw_port => "`port`",
        Rule::icmps | Rule::kw_icmp => "`icmp`",
        Rule::icmp_item | Rule::icmp_type => "an ICMP type such as `EchoRequest` or `8`",
        Rule::http | Rule::kw_http => "`http`",
        Rule::grpc | Rule::kw_grpc => "`grpc`",
        Rule::kafka | Rule::kw_kafka => "`kafka`",
        Rule::dns | Rule::kw_dns => "`dns`",
        Rule::sni | Rule::kw_sni => "`sni`",
        Rule::authentication | Rule::kw_authentication => "`authentication`",
        Rule::listener | Rule::kw_listener => "`listener`",
        Rule::tls => "`terminate tls`, `originate tls`",
        Rule::kw_terminate => "`terminate`",
        Rule::kw_originate => "`originate`",
        Rule::kw_tls => "`tls`",
        Rule::tls_item => "`ca`, `certificate` or `key`",
        Rule::kw_ca => "`ca`",
        Rule::kw_certificate => "`certificate`",
        Rule::kw_key => "`key`",
        Rule::kw_fallback => "`fallback`",
        Rule::generic | Rule::kw_l7 => "`l7`",
        Rule::generic_pair => "a `\"key\" = \"value\"` pair",
        Rule::listener_kind => "`cluster` or `namespace`",
        Rule::kw_priority => "`priority`",
        Rule::header_match => "`header`",
        Rule::header_secret | Rule::kw_secret => "`secret`",
        Rule::header_mismatch | Rule::kw_mismatch => "`mismatch`",
        Rule::http_method | Rule::http_method_re | Rule::kw_method => {
            "an HTTP method such as `GET`"
        }
        Rule::kw_host => "`host`",
        Rule::kw_header => "`header`",
        Rule::kafka_role | Rule::kw_produce | Rule::kw_consume => "`produce` or `consume`",
        Rule::kafka_apikey | Rule::kw_apikey => "`apikey`",
        Rule::kw_topic => "`topic`",
        Rule::kw_client => "`client`",
        Rule::kw_version => "`version`",
        Rule::selector_list | Rule::selector | Rule::selector_braced => {
            "a label selector such as `app=web` or `{ app=web, tier in (a, b) }`"
        }
        Rule::sel_eq
        | Rule::sel_ne
        | Rule::sel_in
        | Rule::sel_notin
        | Rule::sel_exists
        | Rule::sel_not_exists => "a selector term such as `app=web`",
        Rule::label_key => "a label key",
        Rule::label_value | Rule::bare_value => "a label value",
        Rule::value => "a value (CIDR, port, string, list, selector or `$NAME`)",
        Rule::list => "a list `[...]`",
        Rule::cidr_or_ref | Rule::cidr | Rule::ipv4 | Rule::ipv6 | Rule::cidr_item => {
            "a CIDR such as `10.0.0.0/8`"
        }
        Rule::cidr_list => "a list of CIDRs `[...]`",
        Rule::port_or_ref | Rule::port | Rule::port_number => "a port such as `443/tcp`",
        Rule::protocol => "a protocol (`tcp`, `udp`, `sctp` or `any`)",
        Rule::string_or_ref | Rule::string | Rule::string_inner => "a string `\"...\"`",
        Rule::name_or_ref | Rule::name | Rule::name_list => "a name",
        Rule::const_ref => "a `$NAME`",
        Rule::ident => "a name",
        Rule::number => "a number",
        Rule::params | Rule::param => "a parameter `name: type`",
        Rule::ty
        | Rule::kw_ty_cidr
        | Rule::kw_ty_cidrs
        | Rule::kw_ty_port
        | Rule::kw_ty_ports
        | Rule::kw_ty_string
        | Rule::kw_ty_strings
        | Rule::kw_ty_selector => {
            "a type (`cidr`, `cidrs`, `port`, `ports`, `string`, `strings` or `selector`)"
        }
        Rule::args | Rule::arg => "an argument `name: value`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::eq => "`=`",
        Rule::ne => "`!=`",
        Rule::bang => "`!`",
        Rule::dash => "`-`",
        Rule::slash => "`/`",
        Rule::quote => "`\"`",
        Rule::kw_import => "`import`",
        Rule::kw_const => "`const`",
        Rule::kw_category => "`category`",
        Rule::kw_namespace => "`namespace`",
        Rule::kw_namespaces => "`namespaces`",
        Rule::kw_pods => "`pods`",
        Rule::kw_nodes => "`nodes`",
        Rule::kw_all => "`all`",
        Rule::kw_with => "`with`",
        Rule::kw_except => "`except`",
        Rule::kw_entity => "`entity`",
        Rule::kw_cidr => "`cidr`",
        Rule::kw_fqdn => "`fqdn`",
        Rule::kw_service => "`service`",
        Rule::kw_services => "`services`",
        Rule::kw_anywhere => "`anywhere`",
        Rule::kw_everything => "`everything`",
        Rule::kw_ipv4 => "`ipv4`",
        Rule::kw_ipv6 => "`ipv6`",
        Rule::kw_notin => "`notin`",
        Rule::sentence_word => "a rule sentence such as `dns`",
        Rule::sentence => "a rule sentence such as `allow dns`",
        Rule::sentence_decl | Rule::kw_sentence => "`sentence`",
        Rule::sentence_clause | Rule::sentence_decl_clause | Rule::sentence_kw => {
            "a sentence clause (`from`, `to`, `port`, `pods`, `in` or `namespace`)"
        }
        Rule::sentence_values | Rule::sentence_value | Rule::sentence_stop => {
            "a value (CIDR, port, string, list, selector, name or `$NAME`)"
        }
        Rule::file | Rule::body_item | Rule::policy_item | Rule::sel_term | Rule::l7 => {
            "a statement"
        }
        Rule::expect | Rule::kw_expect => "`expect`",
        Rule::flow | Rule::flow_only => "a flow (`from A to B port P`)",
        Rule::endpoint
        | Rule::endpoint_pods
        | Rule::endpoint_namespace
        | Rule::endpoint_node
        | Rule::endpoint_entity
        | Rule::endpoint_cidr
        | Rule::endpoint_fqdn => {
            "a flow end (`pods`, `namespace`, `node`, `entity`, `cidr` or `fqdn`)"
        }
        Rule::endpoint_account | Rule::kw_account => "`with account NAME`",
        Rule::endpoint_in => "`in namespace NAME`",
        Rule::kw_node => "`node`",
        Rule::flow_port => "`port`",
        Rule::flow_icmp => "`icmp`",
        Rule::flow_http => "`http`",
        Rule::flow_dns => "`dns`",
        Rule::flow_request => "an L7 request (`http`, `dns` or `kafka`)",
        Rule::keyword => "a keyword",
        Rule::WHITESPACE | Rule::COMMENT | Rule::ident_char => "a character",
    }
}

/// Converts a pest error.
pub fn convert(file: FileId, text: &str, err: &Error<Rule>) -> Diagnostic {
    if let Some(diag) = unterminated_string(file, text) {
        return diag;
    }
    let start = match err.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    let end = next_token_end(text, start);
    let span = Span::new(file, start, end);
    let found = match text.get(start..end) {
        Some("") | None => "end of file".to_owned(),
        Some(token) => format!("`{token}`"),
    };
    let ErrorVariant::ParsingError { positives, .. } = &err.variant else {
        return report::syntax_error(
            span,
            report::SyntaxError::Unexpected {
                expected: &[],
                found: &found,
            },
        )
        .label("unexpected here");
    };
    if let Some(diag) = known_slip(file, text, start, positives) {
        return diag;
    }
    let mut expected: Vec<&str> = positives.iter().map(|kind| describe(*kind)).collect();
    expected.sort_unstable();
    expected.dedup();
    let label = match expected.as_slice() {
        [one] => format!("expected {}", one.split(" (").next().unwrap_or(one)),
        _ => "unexpected here".to_owned(),
    };
    let diag = report::syntax_error(
        span,
        report::SyntaxError::Unexpected {
            expected: &expected,
            found: &found,
        },
    )
    .label(label);
    let after_colon = text
        .get(..start)
        .is_some_and(|before| before.trim_end().ends_with(':'));
    match help_for(positives, text.get(start..end).unwrap_or(""), after_colon) {
        Some(help) => diag.help(help),
        None => diag,
    }
}

/// Slips whose fix is known well enough to say instead of the expected
/// tokens: an unquoted string, a `{` never closed, a set selector without
/// braces.
fn known_slip(file: FileId, text: &str, start: usize, expected: &[Rule]) -> Option<Diagnostic> {
    let wants = |kind: Rule| expected.contains(&kind);
    let rest = text.get(start..).unwrap_or("");
    // A block keyword where a `}` is expected, or read as a label key
    // (`allow from pods` followed by `policy q {`).
    let block_at = if rest.trim().is_empty() || starts_block_keyword(rest) {
        wants(Rule::rbrace).then_some(start)
    } else {
        previous_word(text, start)
            .filter(|&at| wants(Rule::eq) && starts_block_keyword(text.get(at..).unwrap_or("")))
    };
    if let Some(block_at) = block_at {
        if let Some(open) = innermost_open_brace(text, block_at) {
            let diag = report::syntax_error(
                Span::new(file, open, open + 1),
                report::SyntaxError::UnclosedBrace,
            );
            let diag = if rest.trim().is_empty() {
                diag.secondary(
                    Span::new(file, text.len(), text.len()),
                    "the file ends before its `}`",
                )
            } else {
                let end = next_token_end(text, block_at);
                diag.secondary(Span::new(file, block_at, end), "a new block starts here")
            };
            return Some(diag.help("add the missing `}` where the block ends"));
        }
    }
    if wants(Rule::string_or_ref) || wants(Rule::string) {
        if let Some(diag) = unquoted(file, text, start) {
            return Some(diag);
        }
    }
    set_selector_without_braces(file, text, start)
}

/// True when `rest` starts with a keyword that begins an item or a block,
/// which cannot come where a `}` is expected.
fn starts_block_keyword(rest: &str) -> bool {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    matches!(
        word.as_str(),
        "policy" | "namespace" | "category" | "cluster" | "const" | "import" | "system" | "cilium"
    )
}

/// The offset of the word that ends just before `start`, past white space.
fn previous_word(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?.trim_end();
    let at = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    (at < before.len()).then_some(at)
}

/// The byte offset of the innermost `{` still open at `end`, skipping
/// strings and comments; `None` when the innermost open bracket is not a `{`.
fn innermost_open_brace(text: &str, end: usize) -> Option<usize> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for (index, c) in brackets(text.get(..end).unwrap_or("")) {
        if matches!(c, '{' | '[' | '(') {
            stack.push((c, index));
        } else {
            stack.pop();
        }
    }
    match stack.last() {
        Some(('{', index)) => Some(*index),
        _ => None,
    }
}

/// The brackets of a source text outside strings and comments, with their
/// byte offsets.
///
/// Reads bytes, not chars: every character that matters here is ASCII, and
/// no byte of a multi-byte UTF-8 character is an ASCII byte, so the result
/// is the same (an escape's `\\` skips the first byte of the character after
/// it, whose other bytes change nothing) without decoding the text.
fn brackets(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_comment = false;
    let mut in_string = false;
    let mut escaped = false;
    text.bytes().enumerate().filter_map(move |(index, b)| {
        if in_comment {
            in_comment = b != b'\n';
        } else if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' || b == b'\n' {
                in_string = false;
            }
        } else {
            match b {
                b'#' => in_comment = true,
                b'"' => in_string = true,
                b'{' | b'[' | b'(' | b'}' | b']' | b')' => return Some((index, char::from(b))),
                _ => {}
            }
        }
        None
    })
}

/// An HTTP path, DNS pattern, FQDN or other string written without quotes.
fn unquoted(file: FileId, text: &str, start: usize) -> Option<Diagnostic> {
    let rest = text.get(start..).unwrap_or("");
    let token = rest
        .split(|c: char| c.is_whitespace() || c == '"' || c == '#')
        .next()
        .unwrap_or("")
        .trim_end_matches(',');
    if token.is_empty() || token.starts_with('$') {
        return None;
    }
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let before = text.get(line_start..start)?;
    let (keyword_at, keyword) = last_string_keyword(before)?;
    let what = match keyword {
        "http" if token.starts_with('/') => "an HTTP path",
        "dns" => "a DNS pattern",
        "fqdn" => "an FQDN",
        "http" | "host" | "header" | "grpc" | "topic" | "client" | "method" | "description" => {
            "this value"
        }
        _ => return None,
    };
    if what == "this value"
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        // A bare word here is more likely a misplaced keyword than a string.
        return None;
    }
    let written = before.get(keyword_at..).unwrap_or("").trim_end();
    let span = Span::new(file, start, start + token.len());
    Some(
        report::syntax_error(span, report::SyntaxError::UnquotedString { what: &what })
            .help(format!("write `{written} \"{token}\"`"))
            .suggest(span, format!("\"{token}\""), "Quote it"),
    )
}

/// The last keyword before a string on this line, with its offset.
fn last_string_keyword(before: &str) -> Option<(usize, &str)> {
    let mut best: Option<(usize, &str)> = None;
    for keyword in [
        "http",
        "dns",
        "fqdn",
        "host",
        "header",
        "grpc",
        "topic",
        "client",
        "method",
        "description",
    ] {
        let mut from = 0;
        while let Some(found) = before.get(from..).and_then(|tail| tail.find(keyword)) {
            let at = from + found;
            let end = at + keyword.len();
            let boundary_before = before
                .get(..at)
                .unwrap_or("")
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
            let boundary_after = before
                .get(end..)
                .unwrap_or("")
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
            if boundary_before && boundary_after && best.is_none_or(|(b, _)| at > b) {
                best = Some((at, keyword));
            }
            from = end;
        }
    }
    best
}

/// `tier in (a, b)` where only `key=value` may stand without braces.
fn set_selector_without_braces(file: FileId, text: &str, start: usize) -> Option<Diagnostic> {
    let rest = text.get(start..).unwrap_or("");
    let operator = ["notin", "in", "!="]
        .into_iter()
        .find(|op| rest.starts_with(op))?;
    let before = text.get(..start)?.trim_end();
    let key_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || ".-_/:".contains(c)))
        .map_or(0, |i| i + 1);
    let key = before.get(key_start..)?;
    if key.is_empty() || key.ends_with(':') {
        return None;
    }
    let end = if operator == "!=" {
        start
            + rest
                .find(|c: char| c.is_whitespace() || ",}#".contains(c))
                .unwrap_or(rest.len())
    } else {
        let after = rest.get(operator.len()..)?;
        if !after.trim_start().starts_with('(') {
            return None;
        }
        start + operator.len() + after.find(')')? + 1
    };
    let term = text.get(key_start..end)?;
    let term = term
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")");
    Some(
        report::syntax_error(
            Span::new(file, key_start, end),
            report::SyntaxError::SetSelectorOutsideBraces,
        )
        .label(format!("`{operator}` needs braces around the selector"))
        .note("only `key=value` may be written without braces")
        .help(format!("write `{{ {term} }}`")),
    )
}

/// Common slips with a known fix.
fn help_for(expected: &[Rule], found: &str, after_colon: bool) -> Option<String> {
    let wants = |kind: Rule| expected.contains(&kind);
    if found.is_empty() && wants(Rule::rbrace) {
        return Some("a block is not closed: add the missing `}`".to_owned());
    }
    if after_colon && wants(Rule::eq) {
        return Some("selectors use `=`: write `{ key=value }`".to_owned());
    }
    if wants(Rule::way) && (found == "ingress" || found == "egress") {
        return Some("write `allow from ...` for ingress and `allow to ...` for egress".to_owned());
    }
    if wants(Rule::peer) && found.parse::<u16>().is_ok() {
        return Some(
            "name the peer first, then the port: `allow from anywhere port 80/tcp`".to_owned(),
        );
    }
    if wants(Rule::protocol)
        || (found.starts_with(|c: char| c.is_ascii_digit()) && wants(Rule::port))
    {
        return Some(
            "write ports as `443/tcp`, `53/udp`, `8000-8999/tcp` or `53` (any protocol)".to_owned(),
        );
    }
    if wants(Rule::rbrace) && found == ":" {
        return Some("selectors use `=`: write `{ app=web }`".to_owned());
    }
    None
}

/// The end of the token starting at `start`: up to the next white space or
/// punctuation, at least one character.
fn next_token_end(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or("");
    let mut end = start;
    for (offset, c) in rest.char_indices() {
        if offset > 0 && (c.is_whitespace() || "{}[](),\"#".contains(c)) {
            break;
        }
        end = start + offset + c.len_utf8();
        if offset == 0 && "{}[](),\"#".contains(c) {
            break;
        }
    }
    end
}

/// Finds a string that runs to the end of its line.
fn unterminated_string(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut in_comment = false;
    let mut string_start = None;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        match string_start {
            Some(start) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    string_start = None;
                } else if c == '\n' {
                    return Some(unterminated(file, start, index));
                }
            }
            None if c == '#' => in_comment = true,
            None if c == '"' => string_start = Some(index),
            None => {}
        }
    }
    string_start.map(|start| unterminated(file, start, text.len()))
}

fn unterminated(file: FileId, start: usize, end: usize) -> Diagnostic {
    report::unterminated_string(Span::new(file, start, end))
}

/// Rejects brackets nested deeper than [`MAX_NESTING`] before pest, whose
/// recursion would otherwise grow with the depth.
pub fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    for (index, c) in brackets(text) {
        if !matches!(c, '{' | '[' | '(') {
            depth = depth.saturating_sub(1);
            continue;
        }
        depth += 1;
        if depth > MAX_NESTING {
            return Some(report::nesting_too_deep(
                Span::new(file, index, index + 1),
                &MAX_NESTING,
            ));
        }
    }
    None
}
