//! The fixed words completion offers: statement starts, peers, protocols,
//! types, L7 lines.

use super::*;

/// Statements of the file's top level.
pub(super) const TOP: &[&str] = &[
    "import",
    "const",
    "category",
    "namespace",
    "system namespace",
    "cluster policy",
    "cluster namespaces",
    "cilium",
    "cidr groups",
    "silence",
    "expect",
];
/// Statements of a namespace or category body (a policy body: all but `policy`).
pub(super) const BODY: &[&str] = &[
    "policy",
    "select",
    "allow",
    "deny",
    "use",
    "description",
    "label",
    "metadata label",
    "metadata annotation",
    "log",
    "spec",
    "default deny",
    "no default deny",
    "silence",
    "expect",
];
/// The words that start a statement of a body.
pub(super) const STATEMENT_WORDS: &[&str] = &[
    "policy",
    "select",
    "allow",
    "deny",
    "use",
    "description",
    "label",
    "metadata",
    "log",
    "spec",
    "default",
    "no",
    "silence",
    "expect",
];
/// What a rule's peer starts with.
pub(super) const PEERS: &[&str] = &[
    "pods",
    "namespace",
    "namespaces",
    "entity",
    "cidr",
    "fqdn",
    "service",
    "services",
    "anywhere",
    "everything",
    "nodes",
    "aws",
];
/// What an end of an `expect`'s flow starts with.
pub(super) const ENDPOINTS: &[&str] = &["pods", "namespace", "node", "entity", "cidr", "fqdn"];
/// The L7 request of a flow.
pub(super) const REQUESTS: &[&str] = &["http", "dns", "kafka"];
/// What may follow `select`.
pub(super) const SUBJECTS: &[&str] = &["pods", "all", "nodes", "everything"];
/// Port protocols.
pub(super) const PROTOCOLS: &[&str] = &[
    "tcp", "udp", "sctp", "any", "vrrp", "igmp", "gre", "ipip", "ipv6", "esp", "ah",
];
/// Parameter types.
pub(super) const TYPES: &[&str] = &[
    "cidr", "cidrs", "port", "ports", "string", "strings", "selector",
];
/// L7 rule lines.
pub(super) const L7: &[&str] = &["http", "grpc", "kafka", "dns", "l7"];
/// What may follow `kafka`.
pub(super) const KAFKA: &[&str] = &["produce", "consume", "apikey", "topic", "client", "version"];
/// Words after which a rule needs a value, not another keyword.
pub(super) const NEEDS_VALUE: &[&str] = &[
    "port",
    "cidr",
    "fqdn",
    "service",
    "http",
    "grpc",
    "dns",
    "sni",
    "listener",
    "priority",
    "topic",
    "client",
    "version",
    "method",
    "host",
    "header",
    "apikey",
    "except",
    "with",
    "ipv4",
    "ipv6",
    "named",
    "region",
    "secret",
    "ca",
    "certificate",
    "key",
];
/// The words of sentence clauses.
pub(super) const CLAUSE_WORDS: &[&str] = &["from", "to", "port", "pods", "in", "namespace"];

pub(super) fn words(list: &[&str], kind: CompletionKind) -> Vec<Completion> {
    list.iter().map(|word| item(word, kind)).collect()
}

pub(super) fn item(label: &str, kind: CompletionKind) -> Completion {
    Completion {
        label: label.to_owned(),
        kind,
        detail: None,
        documentation: None,
        insert_text: None,
    }
}
