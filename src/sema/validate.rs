//! Literal checks: each turns text into a proof type or reports an E02xx.

mod http;
mod icmp;

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

pub use http::http_regex;
pub use icmp::{icmp, icmp_number};

/// A CIDR or IP literal, in canonical form (no host bits).
pub fn cidr(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<IpNet> {
    let Some(net) = parse_cidr(text) else {
        let mut diag = report::invalid_cidr(span, report::InvalidCidr::NotCidr { text: &text });
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
        Some(p) if p == "vrrp" => ir::Protocol::Vrrp,
        Some(p) if p == "igmp" => ir::Protocol::Igmp,
        Some(p) if p == "gre" => ir::Protocol::Gre,
        Some(p) if p == "ipip" => ir::Protocol::Ipip,
        Some(p) if p == "ipv6" => ir::Protocol::Ipv6,
        Some(p) if p == "esp" => ir::Protocol::Esp,
        Some(p) if p == "ah" => ir::Protocol::Ah,
        Some(_) => ir::Protocol::Any,
    };
    if protocol.is_portless() && (lit.start.node != "0" || lit.end.is_some()) {
        let name = protocol.as_crd().to_ascii_lowercase();
        diags.push(report::port_on_portless_protocol(lit.span, &name));
        return None;
    }
    let number =
        |text: &crate::source::Spanned<String>, diags: &mut Vec<Diagnostic>| -> Option<u16> {
            match text.node.parse::<u32>() {
                Ok(n) if n <= 65535 && !(text.node.len() > 1 && text.node.starts_with('0')) => {
                    u16::try_from(n).ok()
                }
                Ok(_) if text.node.starts_with('0') => {
                    diags.push(
                        report::invalid_port(
                            text.span,
                            report::InvalidPort::LeadingZero { text: &text.node },
                        )
                        .help(format!("write `{}`", text.node.trim_start_matches('0'))),
                    );
                    None
                }
                _ => {
                    diags.push(report::invalid_port(
                        text.span,
                        report::InvalidPort::OutOfRange { text: &text.node },
                    ));
                    None
                }
            }
        };
    let start = &lit.start;
    if !start.node.starts_with(|c: char| c.is_ascii_digit()) {
        if lit.end.is_some() {
            diags.push(report::invalid_port(
                lit.span,
                report::InvalidPort::NamedRange,
            ));
            return None;
        }
        let name = start.node.to_ascii_lowercase();
        if !valid_service_name(&name) {
            diags.push(report::invalid_port(
                start.span,
                report::InvalidPort::BadName { name: &start.node },
            ));
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
        diags.push(report::invalid_port(
            lit.span,
            report::InvalidPort::NamedRange,
        ));
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

/// Which map of `metadata` a key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataMap {
    /// `metadata.labels`.
    Labels,
    /// `metadata.annotations`.
    Annotations,
}

impl MetadataMap {
    /// The words for one entry, in messages.
    pub fn what(self) -> &'static str {
        match self {
            MetadataMap::Labels => "metadata label",
            MetadataMap::Annotations => "annotation",
        }
    }
}

/// A key of `metadata.labels` or `metadata.annotations`, checked as the API
/// server checks it (`IsQualifiedName`; for an annotation, of the key in
/// lower case). Unlike a selector key it has no Cilium `source:`.
pub fn metadata_key(
    text: &str,
    span: Span,
    map: MetadataMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::MetadataKey> {
    let checked = match map {
        MetadataMap::Labels => text.to_owned(),
        MetadataMap::Annotations => text.to_ascii_lowercase(),
    };
    let (prefix, name) = match checked.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, checked.as_str()),
    };
    let why = if name.is_empty() || name.len() > 63 {
        Some("the name part must have 1 to 63 characters")
    } else if !is_qualified_name(name) {
        Some(
            "the name part must start and end with a letter or digit and hold only letters, digits, `-`, `_` and `.`",
        )
    } else if prefix.is_some_and(|prefix| prefix.is_empty() || !is_dns_subdomain(prefix)) {
        Some("the prefix before `/` must be a lower-case DNS subdomain of at most 253 characters")
    } else {
        None
    };
    match why {
        Some(why) => {
            diags.push(report::invalid_metadata_key(span, map.what(), text, why));
            None
        }
        None => Some(ir::MetadataKey::new(text, CHECKED)),
    }
}

/// A rule's `log` value: at most 32 characters, none of them a control,
/// formatting or private-use character (the CRD's `maxLength: 32` and
/// `^\PC*$`; an unassigned code point is left to the API server).
pub fn log_value(text: String, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::LogValue> {
    let count = text.chars().count();
    let unprintable = text.chars().find(|&c| {
        crate::diag::escape::needs_escape(c)
            || matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
    });
    let why = match unprintable {
        Some(c) => format!("holds the unprintable character U+{:04X}", u32::from(c)),
        None if count > 32 => format!("{count} characters, over 32"),
        None => return Some(ir::LogValue::new(text, CHECKED)),
    };
    diags.push(report::invalid_log_value(span, &why));
    None
}

/// An annotation value: any string the language can write.
pub fn annotation_value(text: String) -> ir::AnnotationValue {
    ir::AnnotationValue::new(text, CHECKED)
}

/// A label value.
pub fn label_value(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::LabelValue> {
    if text.is_empty() || (text.len() <= 63 && is_qualified_name(text)) {
        return Some(ir::LabelValue::new(text, CHECKED));
    }
    diags.push(report::invalid_label_selector(
        span,
        report::InvalidLabelSelector::Value { text: &text },
    ));
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
        report::invalid_name(span, report::InvalidName::Namespace { text: &text }).help_opt(
            (text.to_ascii_lowercase() != text && is_dns_label(&text.to_ascii_lowercase()))
                .then(|| format!("write `{}`", text.to_ascii_lowercase())),
        ),
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
    diags.push(report::invalid_name(
        span,
        report::InvalidName::Service { text: &text },
    ));
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
    let mut diag = suggest::did_you_mean_at(
        report::unknown_entity(span, &text),
        span,
        text,
        names,
        str::to_owned,
    );
    if text == "world-ipv4" || text == "world-ipv6" {
        diag = diag.note("the Cilium CRD schema rejects `world-ipv4` and `world-ipv6`; use `world` with a `cidr` rule");
    } else {
        diag = diag.note("entities are all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none and kube-apiserver");
    }
    diags.push(diag);
    None
}

/// A `toFQDNs` or DNS-rule entry: `matchPattern` when it has `*`.
/// Which CRD pattern a TLS server name is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerNameRule {
    /// 1.14 to 1.19: `^(\*?\*\.)?([-a-zA-Z0-9_]+\.?)+$`, a `*.` or `**.`
    /// prefix only. The CRDs before 1.18 have no pattern; netpolc keeps to
    /// 1.18's, the prefix wildcards that Cilium's matcher understood then,
    /// so the policy still applies after an upgrade.
    Prefix,
    /// 1.20 (main): `^([-a-zA-Z0-9_*]+[.]?)+$`, `*` anywhere.
    Main,
}

/// Checks a TLS server name against a CRD pattern, with the reason it fails.
pub fn server_name(text: &str, rule: ServerNameRule) -> Result<(), String> {
    if text.is_empty() {
        return Err("a server name is not empty".to_owned());
    }
    if text.len() > 255 {
        return Err("Cilium allows at most 255 characters".to_owned());
    }
    let body = match rule {
        ServerNameRule::Main => text,
        ServerNameRule::Prefix => text
            .strip_prefix("**.")
            .or_else(|| text.strip_prefix("*."))
            .unwrap_or(text),
    };
    let star = rule == ServerNameRule::Main;
    if let Some(bad) = body.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') || (star && *c == '*'))
    }) {
        return Err(if bad == '*' {
            "before Cilium 1.20, `*` may only start the name, as `*.` or `**.`".to_owned()
        } else {
            format!("`{bad}` is not allowed; names use letters, digits, `-`, `_`, `.` and `*`")
        });
    }
    if body
        .strip_suffix('.')
        .unwrap_or(body)
        .split('.')
        .any(str::is_empty)
    {
        return Err("a name has no empty labels (no `..`, no leading `.`)".to_owned());
    }
    Ok(())
}

pub fn fqdn(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::FqdnSelector> {
    let lowered = text.trim_end_matches('.');
    let fail = |diags: &mut Vec<Diagnostic>, why: String| {
        diags.push(
            report::invalid_fqdn(span, report::InvalidFqdn::Invalid { text: &text }).note(why),
        );
        None
    };
    if text.is_empty() {
        diags.push(report::invalid_fqdn(span, report::InvalidFqdn::Empty));
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
        diags.push(report::invalid_fqdn(
            span,
            report::InvalidFqdn::DoubleStar { text: &text },
        ));
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
    diags.push(report::invalid_kafka_rule(
        span,
        report::InvalidKafkaRule::Topic { text: &text },
    ));
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
            diags.push(report::invalid_kafka_rule(
                span,
                report::InvalidKafkaRule::ApiVersion { text: &text },
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::{ServerNameRule, server_name};

    /// `server_name` against the CRDs' own patterns (`serverNames.items` of
    /// CiliumNetworkPolicy: v1.18 and v1.19, then main), with their
    /// `maxLength: 255`, on names chosen at the edges of each pattern.
    #[test]
    fn server_names_follow_the_crd_patterns() {
        let prefix = Regex::new(r"^(\*?\*\.)?([-a-zA-Z0-9_]+\.?)+$").unwrap();
        let main = Regex::new(r"^([-a-zA-Z0-9_*]+[.]?)+$").unwrap();
        let long = format!("{}.com", "a".repeat(252));
        let too_long = format!("{}.com", "a".repeat(253));
        let names = [
            "api.stripe.com",
            "api.stripe.com.",
            "stripe",
            "*.stripe.com",
            "**.stripe.com",
            "***.stripe.com",
            "*stripe.com",
            "api-*.stripe.com",
            "sub*.stripe.com",
            "*",
            "**",
            "*.",
            ".",
            "",
            "a..b",
            ".stripe.com",
            "stripe.com..",
            "under_score.example",
            "-dash.example",
            "api.stripe.com/v1",
            "api stripe",
            "ümlaut.example",
            long.as_str(),
            too_long.as_str(),
        ];
        for name in names {
            for (rule, pattern) in [
                (ServerNameRule::Prefix, &prefix),
                (ServerNameRule::Main, &main),
            ] {
                let crd = name.len() <= 255 && pattern.is_match(name);
                assert_eq!(
                    server_name(name, rule).is_ok(),
                    crd,
                    "{name:?} under {rule:?}: the CRD says {crd}"
                );
            }
        }
    }
}
