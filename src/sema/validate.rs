//! Literal checks: each turns text into a proof type or reports an E02xx.

use std::str::FromStr;

use ipnet::IpNet;

use super::proof::CHECKED;
use super::suggest;
use super::values::parse_cidr;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::Span;

/// A CIDR or IP literal, in canonical form (no host bits).
pub fn cidr(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<IpNet> {
    let Some(net) = parse_cidr(text) else {
        let mut diag = report::invalid_cidr(span, report::InvalidCidr::NotCidr { text: &text })
            .label("not an IP address or CIDR");
        diag = match text.split_once('/') {
            Some((_, prefix))
                if prefix.parse::<u8>().is_ok_and(|p| p > 32) && !text.contains(':') =>
            {
                diag.note("an IPv4 prefix length is at most 32")
            }
            _ => diag.note("write an address such as `10.0.0.1` or a CIDR such as `10.0.0.0/8`"),
        };
        diags.push(diag);
        return None;
    };
    if net.trunc() != net {
        diags.push(
            report::invalid_cidr(span, report::InvalidCidr::HostBits { text: &text })
                .label("the address is not the start of its prefix")
                .note("a typo in a CIDR silently allows the wrong range, so netpolc does not round it")
                .help(format!("did you mean `{}`?", net.trunc())),
        );
        return None;
    }
    Some(net)
}

/// A port literal.
pub fn port(lit: &ast::PortLit, diags: &mut Vec<Diagnostic>) -> Option<ir::PortSpec> {
    let protocol = match lit.protocol.as_ref().map(|p| p.node.to_ascii_lowercase()) {
        None => ir::Protocol::Any,
        Some(p) if p == "tcp" => ir::Protocol::Tcp,
        Some(p) if p == "udp" => ir::Protocol::Udp,
        Some(p) if p == "sctp" => ir::Protocol::Sctp,
        Some(_) => ir::Protocol::Any,
    };
    let number = |text: &crate::source::Spanned<String>,
                  diags: &mut Vec<Diagnostic>|
     -> Option<u16> {
        match text.node.parse::<u32>() {
            Ok(n) if n <= 65535 && !(text.node.len() > 1 && text.node.starts_with('0')) => {
                u16::try_from(n).ok()
            }
            Ok(_) if text.node.starts_with('0') => {
                diags.push(
                    report::invalid_port(text.span, report::InvalidPort::LeadingZero { text: &text.node })
                        .label("leading zero")
                        .note("Cilium reads ports as Go integer literals, where a leading zero means octal")
                        .help(format!("write `{}`", text.node.trim_start_matches('0'))),
                );
                None
            }
            _ => {
                diags.push(
                    report::invalid_port(
                        text.span,
                        report::InvalidPort::OutOfRange { text: &text.node },
                    )
                    .label("not a port number")
                    .note("ports are numbers from 0 to 65535"),
                );
                None
            }
        }
    };
    let start = &lit.start;
    if !start.node.starts_with(|c: char| c.is_ascii_digit()) {
        if lit.end.is_some() {
            diags.push(
                report::invalid_port(lit.span, report::InvalidPort::NamedRange)
                    .label("named port in a range")
                    .help("write the range with numbers, such as `8000-8999/tcp`"),
            );
            return None;
        }
        let name = start.node.to_ascii_lowercase();
        if !valid_service_name(&name) {
            diags.push(
                report::invalid_port(start.span, report::InvalidPort::BadName { start: &start.node })
                    .label("not an IANA service name")
                    .note("a port name has at most 15 letters, digits and single `-`, with at least one letter"),
            );
            return None;
        }
        return Some(ir::PortSpec::single(
            ir::Port::Name(ir::PortName::new(name, CHECKED)),
            protocol,
        ));
    }
    if lit
        .end
        .as_ref()
        .is_some_and(|end| !end.node.starts_with(|c: char| c.is_ascii_digit()))
    {
        diags.push(
            report::invalid_port(lit.span, report::InvalidPort::NamedRange)
                .label("named port in a range")
                .help("write the range with numbers, such as `8000-8999/tcp`"),
        );
        return None;
    }
    let first = number(start, diags)?;
    let end_port = match &lit.end {
        None => None,
        Some(end) => {
            let last = number(end, diags)?;
            if last <= first {
                // `PortSpec::range` refuses this too; the check says why.
                diags.push(
                    report::invalid_port(
                        lit.span,
                        report::InvalidPort::EmptyRange {
                            first: &first,
                            last: &last,
                        },
                    )
                    .label("the end must be above the start")
                    .note("Cilium silently uses only the first port of such a range")
                    .help(if last == first {
                        format!("write the single port `{first}`")
                    } else {
                        format!("write `{last}-{first}`")
                    }),
                );
                return None;
            }
            Some(last)
        }
    };
    match end_port {
        None => Some(ir::PortSpec::single(ir::Port::Number(first), protocol)),
        Some(last) => ir::PortSpec::range(first, last, protocol),
    }
}

fn valid_service_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 15
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && name.chars().any(|c| c.is_ascii_alphabetic())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Cilium's label sources that a selector key may start with.
const LABEL_SOURCES: &[&str] = &[
    "k8s",
    "any",
    "reserved",
    "container",
    "unspec",
    "cidr",
    "fqdn",
];

/// A selector label key, checked as Kubernetes and Cilium check it.
pub fn label_key(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::LabelKey> {
    let fail = |diags: &mut Vec<Diagnostic>, why: &str| {
        diags.push(
            report::invalid_label_selector(span, report::InvalidLabelSelector::Key { text: &text })
                .label("invalid label key")
                .note(why.to_owned())
                .note("a key is an optional `source:` (`k8s:`, `any:`, `reserved:`), an optional DNS prefix and `/`, and a name of at most 63 characters"),
        );
        None
    };
    let (source, rest) = match text.split_once(':') {
        Some((source, rest)) => {
            if !LABEL_SOURCES.contains(&source) {
                diags.push(
                    report::invalid_label_selector(
                        span,
                        report::InvalidLabelSelector::Key { text: &text },
                    )
                    .label("invalid label key")
                    .note(format!(
                        "`{source}:` would be a Cilium label source, and `{source}` is not one"
                    ))
                    .help(format!(
                        "selectors use `=`: did you mean `{source}={rest}`?"
                    )),
                );
                return None;
            }
            (source, rest)
        }
        None => ("any", text),
    };
    let (prefix, name) = match rest.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, rest),
    };
    if name.is_empty() || name.len() > 63 {
        return fail(diags, "the name part must have 1 to 63 characters");
    }
    if !is_qualified_name(name) {
        return fail(
            diags,
            "the name part must start and end with a letter or digit and hold only letters, digits, `-`, `_` and `.`",
        );
    }
    match prefix {
        Some(prefix) => {
            if prefix.is_empty() || !is_dns_subdomain(prefix) {
                return fail(
                    diags,
                    "the prefix before `/` must be a lower-case DNS subdomain",
                );
            }
            if source.len() + 1 + prefix.len() > 253 {
                return fail(
                    diags,
                    "the prefix is too long once Cilium adds the source to it",
                );
            }
        }
        None => {
            // Cilium validates `<source>.<name>` as the name part.
            if source.len() + 1 + name.len() > 63 {
                return fail(
                    diags,
                    &format!(
                        "Cilium checks the key as `{source}.{name}`, which is longer than 63 characters"
                    ),
                );
            }
        }
    }
    Some(ir::LabelKey::new(text, CHECKED))
}

/// A label value.
pub fn label_value(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::LabelValue> {
    if text.is_empty() || (text.len() <= 63 && is_qualified_name(text)) {
        return Some(ir::LabelValue::new(text, CHECKED));
    }
    diags.push(
        report::invalid_label_selector(span, report::InvalidLabelSelector::Value { text: &text })
            .label("invalid label value")
            .note("a label value has at most 63 letters, digits, `-`, `_` and `.`, and starts and ends with a letter or digit"),
    );
    None
}

fn is_qualified_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    matches!((bytes.first(), bytes.last()), (Some(first), Some(last)) if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A DNS-1123 label: lower-case letters, digits and `-`, at most 63.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253.
pub fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(is_dns_label)
}

/// A namespace name.
pub fn namespace_name(
    text: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::NamespaceName> {
    if is_dns_label(text) {
        return Some(ir::NamespaceName::new(text, CHECKED));
    }
    diags.push(
        report::invalid_name(span, report::InvalidName::Namespace { text: &text })
            .label("invalid namespace name")
            .note("a namespace name is a DNS-1123 label: at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit")
            .help_opt((text.to_ascii_lowercase() != text && is_dns_label(&text.to_ascii_lowercase())).then(|| format!("write `{}`", text.to_ascii_lowercase()))),
    );
    None
}

/// A service name, a DNS-1123 label.
pub fn service_name(
    text: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::ServiceName> {
    if is_dns_label(text) {
        return Some(ir::ServiceName::new(text, CHECKED));
    }
    diags.push(
        report::invalid_name(span, report::InvalidName::Service { text: &text })
            .label("invalid service name")
            .note("a service name is a DNS-1123 label: lower-case letters, digits and `-`"),
    );
    None
}

/// A policy name (of a `policy` block, in a namespace or a category).
pub fn policy_name(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::PolicyName> {
    object_name("policy", text, span, diags).map(|name| ir::PolicyName::new(name, CHECKED))
}

/// A Kubernetes object name: a DNS-1123 subdomain.
fn object_name(what: &str, text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if is_dns_subdomain(text) {
        return Some(text.to_owned());
    }
    let fixed = text.to_ascii_lowercase().replace('_', "-");
    diags.push(
        report::invalid_name(span, report::InvalidName::Object { text: &text, what: &what })
            .label(format!("invalid {what} name"))
            .note("Kubernetes object names are DNS-1123 subdomains: lower-case letters, digits, `-` and `.`, at most 253 characters")
            .help_opt(is_dns_subdomain(&fixed).then(|| format!("write `{fixed}`"))),
    );
    None
}

/// An entity name.
pub fn entity(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::Entity> {
    if let Some((entity, _)) = ir::Entity::NAMES.iter().find(|(_, name)| *name == text) {
        return Some(*entity);
    }
    let names = ir::Entity::NAMES.iter().map(|(_, name)| *name);
    let mut diag = report::unknown_entity(span, &text)
        .label("not a Cilium entity")
        .help_opt(suggest::did_you_mean(text, names, str::to_owned));
    if text == "world-ipv4" || text == "world-ipv6" {
        diag = diag.note("the Cilium CRD schema rejects `world-ipv4` and `world-ipv6`; use `world` with a `cidr` rule");
    } else {
        diag = diag.note("entities are all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none and kube-apiserver");
    }
    diags.push(diag);
    None
}

/// A `toFQDNs` or DNS-rule entry: `matchPattern` when it has `*`.
pub fn fqdn(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::FqdnSelector> {
    let lowered = text.trim_end_matches('.');
    let fail = |diags: &mut Vec<Diagnostic>, why: String| {
        diags.push(
            report::invalid_fqdn(span, report::InvalidFqdn::Invalid { text: &text })
                .label("invalid FQDN")
                .note(why),
        );
        None
    };
    if text.is_empty() {
        diags.push(
            report::invalid_fqdn(span, report::InvalidFqdn::Empty)
                .label("empty string")
                .help("write a name such as `\"api.example.com\"` or a pattern such as `\"*.example.com\"`"),
        );
        return None;
    }
    if text.len() > 255 {
        return fail(diags, "Cilium allows at most 255 characters".to_owned());
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*')))
    {
        return fail(
            diags,
            format!("`{bad}` is not allowed; names use letters, digits, `-`, `_`, `.` and `*`"),
        );
    }
    if text != "*" && lowered.split('.').any(str::is_empty) {
        return fail(
            diags,
            "a name has no empty labels (no `..`, no leading `.`)".to_owned(),
        );
    }
    if text.strip_prefix("**.").unwrap_or(text).contains("**") {
        diags.push(
            report::invalid_fqdn(span, report::InvalidFqdn::DoubleStar { text: &text })
            .label("`**` that is not a leading `**.`")
            .note("Cilium matches several labels only with a leading `**.` (`**.example.com`); anywhere else `**` matches like `*`, which never crosses a `.`")
            .help("write `*` to match within one label, or start the pattern with `**.` to match one or more labels"),
        );
        return None;
    }
    if text.contains('*') {
        Some(ir::FqdnSelector::Pattern(ir::FqdnPattern::new(
            text, CHECKED,
        )))
    } else {
        Some(ir::FqdnSelector::Name(ir::FqdnName::new(text, CHECKED)))
    }
}

/// IPv4 ICMP type names Cilium knows, with their numbers.
const ICMP_V4: &[(&str, u8)] = &[
    ("EchoReply", 0),
    ("DestinationUnreachable", 3),
    ("Redirect", 5),
    ("Echo", 8),
    ("EchoRequest", 8),
    ("RouterAdvertisement", 9),
    ("RouterSelection", 10),
    ("TimeExceeded", 11),
    ("ParameterProblem", 12),
    ("Timestamp", 13),
    ("TimestampReply", 14),
    ("Photuris", 40),
    ("ExtendedEchoRequest", 42),
    ("ExtendedEchoReply", 43),
];

/// IPv6 ICMP type names Cilium knows, with their numbers.
const ICMP_V6: &[(&str, u8)] = &[
    ("DestinationUnreachable", 1),
    ("PacketTooBig", 2),
    ("TimeExceeded", 3),
    ("ParameterProblem", 4),
    ("EchoRequest", 128),
    ("EchoReply", 129),
    ("MulticastListenerQuery", 130),
    ("MulticastListenerReport", 131),
    ("MulticastListenerDone", 132),
    ("RouterSolicitation", 133),
    ("RouterAdvertisement", 134),
    ("NeighborSolicitation", 135),
    ("NeighborAdvertisement", 136),
    ("RedirectMessage", 137),
    ("RouterRenumbering", 138),
    ("ICMPNodeInformationQuery", 139),
    ("ICMPNodeInformationResponse", 140),
    ("InverseNeighborDiscoverySolicitation", 141),
    ("InverseNeighborDiscoveryAdvertisement", 142),
    ("HomeAgentAddressDiscoveryRequest", 144),
    ("HomeAgentAddressDiscoveryReply", 145),
    ("MobilePrefixSolicitation", 146),
    ("MobilePrefixAdvertisement", 147),
    ("DuplicateAddressRequestCodeSuffix", 157),
    ("DuplicateAddressConfirmationCodeSuffix", 158),
    ("ExtendedEchoRequest", 160),
    ("ExtendedEchoReply", 161),
];

/// ICMP type names that Cilium's Go code knows but the CRD's `type` pattern
/// spells differently, so the API server refuses them: the pattern of every
/// CRD from 1.16 to main has `ExtendedEcho Reply` (with a space) where the
/// agent's table has `ExtendedEchoReply`. These are emitted as numbers.
pub const CRD_MISSPELT_ICMP_NAMES: &[&str] = &["ExtendedEchoReply"];

/// The number of an ICMP type name of a family.
pub fn icmp_number(family: ir::IcmpFamily, name: &str) -> Option<u8> {
    let table = match family {
        ir::IcmpFamily::V4 => ICMP_V4,
        ir::IcmpFamily::V6 => ICMP_V6,
    };
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, number)| *number)
}

/// An ICMP type of a family.
pub fn icmp(item: &ast::IcmpItem, diags: &mut Vec<Diagnostic>) -> Option<ir::IcmpType> {
    let family = match item.family.as_ref().map(|f| f.node) {
        Some(ast::IcmpFamily::V6) => ir::IcmpFamily::V6,
        _ => ir::IcmpFamily::V4,
    };
    let text = &item.kind.node;
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return match text.parse::<u8>() {
            Ok(n) => Some(ir::IcmpType {
                family,
                kind: ir::IcmpKind::Number(n),
            }),
            Err(_) => {
                diags.push(
                    report::invalid_icmp_type(
                        item.kind.span,
                        report::InvalidIcmpType::OutOfRange { text: &text },
                    )
                    .label("not an ICMP type")
                    .note("ICMP types are numbers from 0 to 255 or names such as `EchoRequest`"),
                );
                None
            }
        };
    }
    let (table, other, family_word, other_word) = match family {
        ir::IcmpFamily::V4 => (ICMP_V4, ICMP_V6, "IPv4", "ipv6"),
        ir::IcmpFamily::V6 => (ICMP_V6, ICMP_V4, "IPv6", "ipv4"),
    };
    if let Some((name, number)) = table.iter().find(|(name, _)| name == text) {
        // The CRD's pattern misspells some names, so the API server would
        // refuse them as Cilium's Go code spells them: write the number.
        let kind = if CRD_MISSPELT_ICMP_NAMES.contains(name) {
            ir::IcmpKind::Number(*number)
        } else {
            ir::IcmpKind::Name(ir::IcmpName::new(text.clone(), CHECKED))
        };
        return Some(ir::IcmpType { family, kind });
    }
    let mut diag = report::invalid_icmp_type(
        item.kind.span,
        report::InvalidIcmpType::NotInFamily {
            text: &text,
            family_word: &family_word,
        },
    )
    .label(format!("not in Cilium's {family_word} table"));
    if other.iter().any(|(name, _)| name == text) {
        diag = diag.help(format!(
            "`{text}` is an {} type: write `{other_word} {text}`",
            if family_word == "IPv4" {
                "IPv6"
            } else {
                "IPv4"
            }
        ));
    } else {
        diag = diag.help_opt(suggest::did_you_mean(
            text,
            table.iter().map(|(name, _)| *name),
            str::to_owned,
        ));
    }
    diags.push(diag);
    None
}

/// An HTTP `method`, `path` or `host` regexp: Go's `regexp` must accept it
/// (the Cilium agent compiles `method` and `path` with it and drops the
/// policy when one fails) and so must C++ RE2 (Envoy compiles all three).
/// `literal` says the value was written as a string literal, so the label
/// can point at the offending characters inside it.
pub fn http_regex(
    what: &str,
    text: &str,
    span: Span,
    literal: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::HttpRegex> {
    use crate::goregexp::{Refusal, check_emit};
    let compiler = if what == "host" {
        "Envoy compiles the host as an RE2 regular expression (netpolc checks it with Go's stricter rules) and rejects the configuration when it fails"
    } else {
        "the Cilium agent compiles it with Go's `regexp` package and drops the whole policy when it fails"
    };
    // A hostile pattern can be megabytes long: the headline shows its start.
    let shown = shorten(text);
    let diag = match check_emit(text) {
        Ok(()) => return Some(ir::HttpRegex::new(text, CHECKED)),
        Err(Refusal::Go(error)) => {
            let expr = text.get(error.start..error.end).unwrap_or(text);
            let expr = &shorten(expr);
            report::invalid_http_regex(inner_span(span, literal, text, error.start, error.end), report::InvalidHttpRegex::Invalid { what: &what, shown: &shown })
            .label(regex_label(error.kind))
            .note(format!("{compiler}; Go says \"{}\"", go_message(error.kind, expr)))
            .help_opt(regex_help(
                error.kind,
                expr,
                text.get(error.end..).unwrap_or(""),
            ))
        }
        Err(Refusal::Re2(error)) => report::invalid_http_regex(inner_span(span, literal, text, error.start, error.end), report::InvalidHttpRegex::NotRe2 { what: &what, shown: &shown, written: &error.written })
        .label("a class name Go accepts and RE2 does not")
        .note("Go's `regexp` accepts it, but Envoy matches HTTP rules with C++ RE2, which knows Unicode classes only by their exact table names, and rejects the configuration")
        .help_opt(error.exact.map(|exact| format!("write `{exact}`"))),
    };
    diags.push(diag);
    None
}

/// `text`, or its first 60 characters and an ellipsis.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// The span of bytes `start..end` of `text` inside the string literal at
/// `span`, when the literal's escapes allow mapping them (else `span`).
fn inner_span(span: Span, literal: bool, text: &str, start: usize, end: usize) -> Span {
    // Bytes in the source for each character: `"`, `\` and newline are
    // written escaped; a tab may be written either way, so give up on tabs.
    let written = |part: &str| -> usize {
        part.chars()
            .map(|c| match c {
                '"' | '\\' | '\n' => 2,
                c => c.len_utf8(),
            })
            .sum()
    };
    let range = span.range();
    if !literal || text.contains('\t') || range.len() != written(text) + 2 {
        return span;
    }
    let (Some(before), Some(inside)) = (text.get(..start), text.get(start..end.max(start))) else {
        return span;
    };
    let from = range.start + 1 + written(before);
    let to = from + written(inside).max(1);
    Span::new(span.file, from, to.min(range.end - 1).max(from + 1))
}

/// Go's message for an error, with its `Expr` where that is not the whole
/// pattern (already in the headline).
fn go_message(kind: crate::goregexp::ErrorKind, expr: &str) -> String {
    use crate::goregexp::ErrorKind as K;
    match kind {
        K::MissingParen
        | K::UnexpectedParen
        | K::TrailingBackslash
        | K::NestingDepth
        | K::Large => kind.go_text().to_owned(),
        _ => format!("{}: `{expr}`", kind.go_text()),
    }
}

/// The primary label for a Go regexp error.
fn regex_label(kind: crate::goregexp::ErrorKind) -> &'static str {
    use crate::goregexp::ErrorKind as K;
    match kind {
        K::InvalidCharRange => "invalid character class or range",
        K::InvalidEscape => "invalid escape",
        K::InvalidNamedCapture => "invalid named group",
        K::InvalidPerlOp => "unsupported group or flag",
        K::InvalidRepeatOp => "a repetition of a repetition",
        K::InvalidRepeatSize => "invalid repeat count",
        K::InvalidUtf8 => "invalid UTF-8",
        K::MissingBracket => "this class is not closed",
        K::MissingParen => "this group is not closed",
        K::MissingRepeatArgument => "nothing to repeat",
        K::TrailingBackslash => "a backslash at the end",
        K::UnexpectedParen => "no group to close",
        K::NestingDepth => "nested more than 1000 levels deep",
        K::Large => "too large for Go",
    }
}

/// A fix for a Go regexp error, given the offending text.
fn regex_help(kind: crate::goregexp::ErrorKind, expr: &str, after: &str) -> Option<String> {
    use crate::goregexp::ErrorKind as K;
    let help = match kind {
        K::InvalidRepeatSize => {
            let counts: Vec<u32> = expr
                .trim_matches(|c| c == '{' || c == '}')
                .split(',')
                .filter_map(|count| count.parse().ok())
                .collect();
            match counts.as_slice() {
                [min, max] if min > max && *min <= 1000 => {
                    format!("write the smaller count first: `{{{max},{min}}}`")
                }
                _ => "Go limits a repeat count to 1000, and the product of nested repeat counts to 1000 too".to_owned(),
            }
        }
        K::InvalidRepeatOp => {
            "Go does not repeat a repetition: drop one operator, or group the first one as `(?:a*)`"
                .to_owned()
        }
        K::MissingRepeatArgument => {
            let operator = expr.chars().next().unwrap_or('*');
            format!("write `\\{operator}` to match a literal `{operator}`")
        }
        K::InvalidPerlOp => match expr.get(..3) {
            Some("(?=" | "(?!") => "Go does not support look-ahead".to_owned(),
            Some("(?>") => "Go does not support atomic groups".to_owned(),
            Some("(?P") => "Go does not support back-references".to_owned(),
            Some("(?'") => "name a group as `(?P<name>...)`".to_owned(),
            _ => "Go knows only the flags `i`, `m`, `s` and `U`, as in `(?i)` or `(?i:...)`"
                .to_owned(),
        },
        K::InvalidNamedCapture => match expr.get(..4) {
            Some("(?<=" | "(?<!") => "Go does not support look-behind".to_owned(),
            _ => "a group name is letters, digits and `_`: `(?P<name>...)`".to_owned(),
        },
        K::InvalidEscape => escape_help(expr, after),
        K::InvalidCharRange => {
            if expr.starts_with("\\p") || expr.starts_with("\\P") {
                let name = expr
                    .get(2..)
                    .unwrap_or("")
                    .trim_matches(|c| c == '{' || c == '}');
                match name.split_once('=') {
                    Some((_, value)) => format!("Go has no `name=value` classes: write `\\p{{{value}}}`"),
                    None => "Go knows general categories (`\\p{L}`, `\\p{Lu}`), scripts (`\\p{Greek}`) and `\\p{Any}`".to_owned(),
                }
            } else if expr.starts_with("[:") {
                "Go knows the POSIX classes `[:alnum:]`, `[:alpha:]`, `[:ascii:]`, `[:blank:]`, `[:cntrl:]`, `[:digit:]`, `[:graph:]`, `[:lower:]`, `[:print:]`, `[:punct:]`, `[:space:]`, `[:upper:]`, `[:word:]` and `[:xdigit:]`".to_owned()
            } else if expr.ends_with('-') || expr.contains("--") {
                "write `\\-` for a literal `-` in a class".to_owned()
            } else {
                "write a range from low to high, as `a-z`".to_owned()
            }
        }
        K::MissingBracket => {
            "close the class with `]`, or write `\\[` to match a literal `[`".to_owned()
        }
        K::MissingParen => {
            "close the group with `)`, or write `\\(` to match a literal `(`".to_owned()
        }
        K::UnexpectedParen => "write `\\)` to match a literal `)`".to_owned(),
        K::TrailingBackslash => "write `\\\\` to match a literal backslash".to_owned(),
        K::NestingDepth => "Go limits nesting to 1000 levels".to_owned(),
        K::Large => {
            "Go limits a compiled regular expression to about 3.3 million instructions".to_owned()
        }
        K::InvalidUtf8 => return None,
    };
    Some(help)
}

/// A fix for an escape Go does not know; `after` is the text after it.
fn escape_help(expr: &str, after: &str) -> String {
    let letter = expr.chars().nth(1).unwrap_or(' ');
    match letter {
        'u' => {
            let braced = after.strip_prefix('{').and_then(|rest| rest.split_once('}'));
            let hex = match braced {
                Some((digits, _)) => digits,
                None => after.get(..4).unwrap_or(""),
            };
            let hex = if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                hex
            } else {
                "0041"
            };
            format!("Go has no `\\u` escape: write `\\x{{{hex}}}`")
        }
        '1'..='9' | 'k' | 'g' => "Go does not support back-references".to_owned(),
        'x' => "a hex escape is `\\x41` or `\\x{41}`, at most `\\x{10FFFF}`".to_owned(),
        'Z' => "write `\\z` for the end of the text".to_owned(),
        'e' => "write `\\x1B` for escape".to_owned(),
        'C' => "Go does not support `\\C`; write `.` or `(?s:.)`".to_owned(),
        _ => "Go knows `\\a \\f \\t \\n \\r \\v`, octal `\\123`, hex `\\x7F`, `\\d \\s \\w`, `\\pL`, `\\A \\z \\b \\B` and `\\Q...\\E`; a backslash before punctuation matches it literally".to_owned(),
    }
}

/// Kafka API keys Cilium accepts.
pub const KAFKA_API_KEYS: &[&str] = &[
    "produce",
    "fetch",
    "offsets",
    "metadata",
    "leaderandisr",
    "stopreplica",
    "updatemetadata",
    "controlledshutdown",
    "offsetcommit",
    "offsetfetch",
    "findcoordinator",
    "joingroup",
    "heartbeat",
    "leavegroup",
    "syncgroup",
    "describegroups",
    "listgroups",
    "saslhandshake",
    "apiversions",
    "createtopics",
    "deletetopics",
    "deleterecords",
    "initproducerid",
    "offsetforleaderepoch",
    "addpartitionstotxn",
    "addoffsetstotxn",
    "endtxn",
    "writetxnmarkers",
    "txnoffsetcommit",
    "describeacls",
    "createacls",
    "deleteacls",
    "describeconfigs",
    "alterconfigs",
];

/// A Kafka topic.
pub fn kafka_topic(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::KafkaTopic> {
    if !text.is_empty()
        && text.len() <= 255
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Some(ir::KafkaTopic::new(text, CHECKED));
    }
    diags.push(
        report::invalid_kafka_rule(span, report::InvalidKafkaRule::Topic { text: &text })
            .label("invalid topic")
            .note("Kafka topics have 1 to 255 letters, digits, `.`, `_` and `-`"),
    );
    None
}

/// A string that must not be empty, such as an HTTP header.
pub fn non_empty(
    what: &str,
    text: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::NonEmptyText> {
    if !text.trim().is_empty() {
        return Some(ir::NonEmptyText::new(text, CHECKED));
    }
    diags.push(
        report::invalid_string(span, report::InvalidString::Empty { what: &what })
            .label("empty string")
            .help(format!("write the {what} or remove it")),
    );
    None
}

/// A policy `description`: any string the language can write. The lexer has
/// already refused what a reviewer could not see (E0006, bidirectional
/// controls), and emit quotes the rest.
pub fn description(text: String) -> ir::Description {
    ir::Description::new(text, CHECKED)
}

/// Parses a number for Kafka `version`.
pub fn kafka_version(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<u16> {
    match u16::from_str(text) {
        Ok(n) if n <= 32767 => Some(n),
        _ => {
            diags.push(
                report::invalid_kafka_rule(
                    span,
                    report::InvalidKafkaRule::ApiVersion { text: &text },
                )
                .label("not an API version")
                .note("Kafka API versions are numbers from 0 to 32767"),
            );
            None
        }
    }
}
