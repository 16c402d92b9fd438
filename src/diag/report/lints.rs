//! Warnings (W01xx).

use std::fmt;

use ipnet::IpNet;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `W0101`: `fqdn` peer without a DNS rule that matches it.
///
/// `names` are the FQDN names and patterns no DNS rule matches, each already
/// in backquotes.
pub fn fqdn_without_dns(span: Span, names: &[String]) -> Diagnostic {
    Diagnostic::new(
        Code::W0101,
        span,
        format!("no DNS rule on these pods matches {}", names.join(", ")),
    )
        .label("this `fqdn` rule never matches")
        .note("Cilium learns the addresses of an `fqdn` peer from the DNS answers its proxy sees; the proxy sees a lookup only when a DNS rule on the same pods has a pattern that matches the name")
}

/// `W0102`: policy with only deny rules in a direction.
pub fn deny_only(
    span: Span,
    policy: &dyn fmt::Display,
    direction: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0102,
        span,
        format!(
            "{policy} only denies {direction}, so it also turns all other {direction} of its pods to default deny"
        ),
    )
}

/// `W0103`: cluster-wide policy over a system namespace.
pub fn system_namespace_selected(
    span: Span,
    policy: &dyn fmt::Display,
    system: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0103,
        span,
        format!("{policy} selects pods in `{system}`"),
    )
}

/// `W0104`: very broad FQDN pattern.
pub fn broad_fqdn_pattern(
    span: Span,
    pattern: &dyn fmt::Display,
    why: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0104,
        span,
        format!("the FQDN pattern `{pattern}` {why}"),
    )
        .label("a very broad pattern")
        .note("every address the pods look up under a broad pattern becomes an identity and a policy-map entry on each selected endpoint, so the map grows with the pods' traffic (cilium/cilium#17699)")
        .help("list the names the pods need, or a pattern under the provider's own domain such as `*.example.com`; to allow all egress on purpose, write `allow to entity world`")
}

/// `W0105`: L7 rule on a broad peer.
pub fn l7_on_broad_peer(
    span: Span,
    kind: &dyn fmt::Display,
    way: &dyn fmt::Display,
    peer: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0105,
        span,
        format!("{kind} rule {way} {peer}: every request goes through the proxy"),
    )
}

/// The code [`repeated_literal`] reports, for asking whether a `silence`
/// covers a place before the diagnostic is built.
pub const REPEATED_LITERAL: Code = Code::W0106;

/// `W0106`: the same literal written in several places.
pub fn repeated_literal(
    span: Span,
    shown: &dyn fmt::Display,
    count: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0106,
        span,
        format!("`{shown}` is written in {count} places"),
    )
        .label("written out here")
        .note("when the value changes, every place must change with it; a constant changes them all at once")
}

/// `W0107`: CIDR inside another of the same list.
///
/// `inner` is the entry at `span`; `outer` the one of the same list that
/// covers it, which may be equal to it.
pub fn nested_cidr(span: Span, inner: IpNet, outer: IpNet) -> Diagnostic {
    let (message, label) = if inner == outer {
        (format!("`{inner}` is in this list twice"), "listed again")
    } else {
        (
            format!("`{inner}` is inside `{outer}`, which the same list allows"),
            "inside another entry",
        )
    };
    Diagnostic::new(Code::W0107, span, message).label(label)
}

/// `W0108`: the same rule twice in a policy.
pub fn duplicate_rule(span: Span, policy: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::W0108, span, format!("{policy} has this rule twice"))
        .label("the same rule again")
        .help("remove one of the two")
}

/// `W0109`: unused constant.
pub fn unused_constant(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0109,
        span,
        format!("the constant `{name}` is never used"),
    )
    .label("defined here, used nowhere")
}

/// `W0110`: unused category.
pub fn unused_category(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0110,
        span,
        format!("the category `{name}` is never used"),
    )
    .label("defined here, used nowhere")
}

/// `W0111`: unused import.
pub fn unused_import(span: Span, path: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0111,
        span,
        format!("nothing from `{path}` is used in this file"),
    )
        .label("unused import")
        .note("namespaces and cluster policies are global; an import only makes constants and categories visible")
        .help("remove the import")
}

/// `W0112`: selector label one typo away from another.
pub fn label_typo(
    span: Span,
    shown: &dyn fmt::Display,
    fixed: &dyn fmt::Display,
    common: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0112,
        span,
        format!("{shown} is written once, and is close to {fixed}, {common}"),
    )
}

/// `W0113`: policy map may overflow.
pub fn map_overflow(
    span: Span,
    policy: &dyn fmt::Display,
    total: &dyn fmt::Display,
    map_size: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0113,
        span,
        format!(
            "the endpoints of {policy} need about {total} policy-map entries, more than half of Cilium's default {map_size}"
        ),
    )
        .label("estimated from the rules that select these endpoints")
}

/// `W0114`: namespace in the inventory without a policy.
pub fn namespace_without_policy(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0114,
        span,
        format!("the namespace `{name}` has no policy"),
    )
        .label("listed in the inventory")
        .note("without a policy, Cilium lets every pod of the namespace send and receive anything that no cluster policy restricts")
}

/// `W0115`: `silence` that silences nothing.
pub fn useless_silence(span: Span, code: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0115,
        span,
        format!("`silence {code}` silences nothing"),
    )
}

/// `W0116`: namespace not in the inventory.
pub fn namespace_not_in_inventory(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0116,
        span,
        format!("the namespace `{name}` is not in the inventory"),
    )
    .label("not listed in `cluster namespaces`")
    .note("policies for a namespace the cluster does not have select nothing")
}

/// `W0117`: invisible formatting character in a string.
pub fn invisible_character(span: Span, c: u32, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0117,
        span,
        format!("this string holds the invisible character U+{c:04X} {name}"),
    )
        .label("invisible here")
        .note("the string looks like one without it, but Cilium and netpolc compare the characters, so it does not match what it seems to")
}

/// The rule [`infra_without_port`] reports.
pub enum InfraRule<'a> {
    /// An egress rule to a shared-infrastructure entity.
    AllowTo {
        /// The entity's name.
        entity: &'a str,
        /// Which ports it serves, as a phrase (`"of the API server"`).
        ports: &'a str,
    },
    /// An ingress rule of a host policy from a shared-infrastructure entity.
    AllowFrom {
        /// The entity's name.
        entity: &'a str,
        /// Who that entity is, as a phrase.
        who: &'a str,
        /// What the policy selects, as a phrase.
        subject: &'a str,
    },
    /// Any other ingress rule of a host policy.
    IntoNodes,
}

/// `W0118`: allow rule without a port to or from shared infrastructure.
pub fn infra_without_port(span: Span, rule: InfraRule<'_>) -> Diagnostic {
    let message = match rule {
        InfraRule::AllowTo { entity, ports } => {
            format!("`allow to entity {entity}` without a port reaches every port {ports}")
        }
        InfraRule::AllowFrom {
            entity,
            who,
            subject,
        } => format!(
            "`allow from entity {entity}` without a port lets {who} reach every port of {subject}"
        ),
        InfraRule::IntoNodes => "this rule lets its peer reach every port of the selected nodes: SSH, the kubelet, and everything else they listen on".to_owned(),
    };
    Diagnostic::new(Code::W0118, span, message)
        .label("no `port` on shared infrastructure")
        .note("the API server, the nodes and the cluster serve every workload; a rule without `port` reaches all of their ports, such as etcd (2379/tcp), the kubelet (10250/tcp) and SSH (22/tcp) on the control-plane nodes")
        .help("add `port ...` with what the pods need (the API server listens on 443/tcp or 6443/tcp), or `silence W0118 \"reason\"` on the line before the rule where every port is meant")
}
