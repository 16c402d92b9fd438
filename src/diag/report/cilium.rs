//! What Cilium accepts in a policy and a rule (E040x, E041x).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0401`: policy allows and denies nothing.
pub fn policy_allows_nothing(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0401, span, "this policy allows and denies nothing")
        .label("no rules")
        .note(
            "Cilium rejects a policy without any ingress, ingress deny, egress or egress deny rule",
        )
        .help("add a rule, or `default deny ingress` to deny all ingress on purpose")
}

/// What [`l7_needs_tcp`] reports.
pub enum L7NeedsTcp<'a> {
    /// "DNS rules need TCP, UDP or any protocol"
    Dns,
    /// "{kind} rules need TCP ports"
    Tcp {
        /// The `kind` in the message.
        kind: &'a dyn fmt::Display,
    },
}

/// `E0402`: L7 rule on a port that is not TCP.
pub fn l7_needs_tcp(span: Span, problem: L7NeedsTcp<'_>) -> Diagnostic {
    match problem {
        L7NeedsTcp::Dns => Diagnostic::new(
            Code::E0402,
            span,
            "DNS rules need TCP, UDP or any protocol".to_owned(),
        )
        .label("SCTP port with a DNS rule")
        .help("write `port 53` (TCP and UDP) or `port 53/udp`"),
        L7NeedsTcp::Tcp { kind } => {
            Diagnostic::new(Code::E0402, span, format!("{kind} rules need TCP ports"))
        }
    }
}

/// What [`l7_needs_port`] reports.
pub enum L7NeedsPort<'a> {
    /// "{kind} rules need a `port`"
    Missing {
        /// The `kind` in the message.
        kind: &'a dyn fmt::Display,
    },
    /// "{kind} rules need a specific port, not port 0"
    PortZero {
        /// The `kind` in the message.
        kind: &'a dyn fmt::Display,
    },
}

/// `E0403`: L7 rule without a specific port.
pub fn l7_needs_port(span: Span, problem: L7NeedsPort<'_>) -> Diagnostic {
    match problem {
        L7NeedsPort::Missing { kind } => {
            Diagnostic::new(Code::E0403, span, format!("{kind} rules need a `port`"))
        }
        L7NeedsPort::PortZero { kind } => Diagnostic::new(
            Code::E0403,
            span,
            format!("{kind} rules need a specific port, not port 0"),
        )
        .label("port 0 means every port")
        .note("Cilium drops L7 rules on port 0")
        .help("name the port the service listens on"),
    }
}

/// What [`misplaced_dns_rule`] reports.
pub enum MisplacedDnsRule {
    /// "DNS rules exist only in egress rules"
    Ingress,
    /// "DNS rules cannot use a port range"
    PortRange,
}

/// `E0404`: DNS rule in the wrong place.
pub fn misplaced_dns_rule(span: Span, problem: MisplacedDnsRule) -> Diagnostic {
    match problem {
        MisplacedDnsRule::Ingress => Diagnostic::new(Code::E0404, span, "DNS rules exist only in egress rules".to_owned())
        .label("DNS rule on an ingress rule")
        .note("the DNS proxy inspects the queries a pod sends")
        .help("write `allow to pods k8s-app=kube-dns in namespace kube-system port 53 dns \"*\"`, or `allow dns`"),
        MisplacedDnsRule::PortRange => Diagnostic::new(Code::E0404, span, "DNS rules cannot use a port range".to_owned())
        .label("port range with a DNS rule")
        .note("Cilium drops DNS rules whose port has an `endPort`")
        .help("write `port 53`"),
    }
}

/// `E0405`: more than one kind of L7 rule in one rule.
pub fn mixed_l7_rules(
    span: Span,
    first: &dyn fmt::Display,
    other: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0405,
        span,
        format!("one rule mixes {first} and {other} rules"),
    )
}

/// `E0406`: more than 40 ports in one rule.
pub fn too_many_ports(
    span: Span,
    count: &dyn fmt::Display,
    limit: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0406,
        span,
        format!("this rule lists {count} ports, more than Cilium's {limit}"),
    )
    .label("too many ports")
    .help("use port ranges such as `8000-8999/tcp`, or split the rule")
}

/// `E0407`: more than 40 ICMP types in one rule.
pub fn too_many_icmp_types(
    span: Span,
    count: &dyn fmt::Display,
    limit: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0407,
        span,
        format!("this rule lists {count} ICMP types, more than Cilium's {limit}"),
    )
    .label("too many ICMP types")
    .help("split the rule")
}

/// `E0408`: `port` and `icmp` in one rule.
pub fn port_and_icmp(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0408, span, "one rule has both `port` and `icmp`").label("`icmp` here")
}

/// `E0409`: node selector in a namespace policy.
pub fn namespace_policy_selects_nodes(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0409,
        span,
        format!("a policy of namespace `{name}` cannot select nodes"),
    )
        .label("node selector in a namespace policy")
        .note("the host firewall is configured only by CiliumClusterwideNetworkPolicies; Cilium drops a CiliumNetworkPolicy with a node selector")
        .help("move this policy into a `cluster policy` block")
}

/// `E0410`: deny rule with L7.
pub fn deny_with_l7(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0410, span, "deny rules cannot have L7 rules")
        .label("L7 rule on a deny rule")
        .note("Cilium's deny rules match on L3 and L4 only")
        .help("deny the whole port, or allow only the requests that are wanted")
}

/// `E0411`: FQDN peer outside an egress allow rule.
pub fn misplaced_fqdn_peer(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0411,
        span,
        "FQDN peers exist only in egress allow rules",
    )
}

/// `E0412`: L7 rule on the host firewall.
pub fn host_firewall_l7(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0412,
        span,
        "the host firewall cannot have this L7 rule",
    )
    .label("L7 rule in a node policy")
}

/// `E0413`: service peer outside an egress rule.
pub fn misplaced_service_peer(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0413,
        span,
        "service peers exist only in egress rules",
    )
    .label("a service in an ingress rule")
    .help("match the clients with `pods ...` instead")
}

/// What [`pods_and_nodes`] reports.
pub enum PodsAndNodes {
    /// "this `use` brings a second `select` into the policy"
    SecondSelectFromUse,
    /// "a policy has one `select`"
    SecondSelect,
}

/// `E0414`: policy selects both pods and nodes.
pub fn pods_and_nodes(span: Span, problem: PodsAndNodes) -> Diagnostic {
    match problem {
        PodsAndNodes::SecondSelectFromUse => Diagnostic::new(Code::E0414, span, {
            "this `use` brings a second `select` into the policy".to_owned()
        })
        .label("the category selects its own endpoints"),
        PodsAndNodes::SecondSelect => {
            Diagnostic::new(Code::E0414, span, "a policy has one `select`".to_owned())
                .label("second `select`")
        }
    }
}

/// `E0415`: `default deny` and `no default deny` in one policy.
pub fn deny_and_no_deny(span: Span, direction: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0415,
        span,
        format!(
            "this policy says both `default deny {direction}` and `no default deny {direction}`"
        ),
    )
}
