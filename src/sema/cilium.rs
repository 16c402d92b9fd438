//! Cilium agent rules (E04xx): what the agent's `Sanitize()` would reject
//! after the API server has stored the policy (SEMANTICS.md §4). The CRD
//! schema does not catch these, so netpolc must.

use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;

/// Cilium's limit on ports in one port rule, and on ICMP fields.
pub const MAX_PORTS: usize = 40;

/// Checks one lowered rule.
pub fn check_rule(rule: &ast::Rule, built: &ir::Rule, diags: &mut Vec<Diagnostic>) {
    let ports_span = rule.ports.as_ref().map_or(rule.span, |ports| ports.span);
    let ingress = rule.direction.node == ast::Direction::Ingress;
    let deny = rule.verb.node == ast::Verb::Deny;
    if let (Some(ports), Some(icmps)) = (&rule.ports, &rule.icmps) {
        diags.push(
            Diagnostic::new(Code::E0408, icmps.span, "one rule has both `port` and `icmp`")
                .label("`icmp` here")
                .secondary(ports.span, "`port` here")
                .note("Cilium drops a rule that has both `toPorts` and `icmps`")
                .help("write one rule for the ports and one for ICMP"),
        );
    }
    if built.ports.len() > MAX_PORTS {
        diags.push(
            Diagnostic::new(Code::E0406, ports_span, format!("this rule lists {} ports, more than Cilium's {MAX_PORTS}", built.ports.len()))
                .label("too many ports")
                .help("use port ranges such as `8000-8999/tcp`, or split the rule"),
        );
    }
    if built.icmps.len() > MAX_PORTS {
        let span = rule.icmps.as_ref().map_or(rule.span, |icmps| icmps.span);
        diags.push(
            Diagnostic::new(Code::E0407, span, format!("this rule lists {} ICMP types, more than Cilium's {MAX_PORTS}", built.icmps.len()))
                .label("too many ICMP types")
                .help("split the rule"),
        );
    }
    if let ir::Peer::Fqdns(_) = built.peer {
        if ingress || deny {
            diags.push(
                Diagnostic::new(Code::E0411, rule.peer.span, "FQDN peers exist only in egress allow rules")
                    .label(if ingress { "an ingress rule" } else { "a deny rule" })
                    .note("Cilium learns the IPs of names from the DNS answers its proxy sees, so it can only allow traffic to them")
                    .help(if deny {
                        "deny by CIDR instead, or allow only the names that are wanted"
                    } else {
                        "match the sources by `cidr` or `entity`"
                    }),
            );
        }
    }
    if let ir::Peer::Services(_) = built.peer {
        if ingress {
            diags.push(
                Diagnostic::new(Code::E0413, rule.peer.span, "service peers exist only in egress rules")
                    .label("a service in an ingress rule")
                    .help("match the clients with `pods ...` instead"),
            );
        }
    }
    let Some(l7) = &built.l7 else {
        return;
    };
    let l7_span = rule.l7.first().map_or(rule.span, ast::L7::span);
    if deny {
        diags.push(
            Diagnostic::new(Code::E0410, l7_span, "deny rules cannot have L7 rules")
                .label("L7 rule on a deny rule")
                .note("Cilium's deny rules match on L3 and L4 only")
                .help("deny the whole port, or allow only the requests that are wanted"),
        );
        return;
    }
    let kind = match l7 {
        ir::L7::Http(_) => "HTTP",
        ir::L7::Kafka(_) => "Kafka",
        ir::L7::Dns(_) => "DNS",
    };
    if matches!(l7, ir::L7::Dns(_)) && ingress {
        diags.push(
            Diagnostic::new(Code::E0404, l7_span, "DNS rules exist only in egress rules")
                .label("DNS rule on an ingress rule")
                .note("the DNS proxy inspects the queries a pod sends")
                .help("write `allow to pods k8s-app=kube-dns in namespace kube-system port 53 dns \"*\"`, or `use allow_dns`"),
        );
        return;
    }
    if built.ports.is_empty() {
        let mut diag = Diagnostic::new(Code::E0403, l7_span, format!("{kind} rules need a `port`"))
            .label(format!("{kind} rule without a port"))
            .note("Cilium attaches L7 rules to a port rule");
        diag = if matches!(l7, ir::L7::Dns(_)) {
            diag.help("add `port 53` before `dns`")
        } else {
            diag.help("add `port 80/tcp` (or the right port) before the L7 rule")
        };
        diags.push(diag);
        return;
    }
    for port in &built.ports {
        if port.port == ir::Port::Number(0) {
            diags.push(
                Diagnostic::new(Code::E0403, ports_span, format!("{kind} rules need a specific port, not port 0"))
                    .label("port 0 means every port")
                    .note("Cilium drops L7 rules on port 0")
                    .help("name the port the service listens on"),
            );
            return;
        }
    }
    match l7 {
        ir::L7::Dns(_) => {
            if built.ports.iter().any(|port| port.end_port.is_some()) {
                diags.push(
                    Diagnostic::new(Code::E0404, ports_span, "DNS rules cannot use a port range")
                        .label("port range with a DNS rule")
                        .note("Cilium drops DNS rules whose port has an `endPort`")
                        .help("write `port 53`"),
                );
            }
            if built.ports.iter().any(|port| port.protocol == ir::Protocol::Sctp) {
                diags.push(
                    Diagnostic::new(Code::E0402, ports_span, "DNS rules need TCP, UDP or any protocol")
                        .label("SCTP port with a DNS rule")
                        .help("write `port 53` (TCP and UDP) or `port 53/udp`"),
                );
            }
        }
        ir::L7::Http(_) | ir::L7::Kafka(_) => {
            if let Some(port) = built.ports.iter().find(|port| port.protocol != ir::Protocol::Tcp) {
                let shown = match &port.port {
                    ir::Port::Number(n) => n.to_string(),
                    ir::Port::Name(name) => name.clone(),
                };
                diags.push(
                    Diagnostic::new(Code::E0402, ports_span, format!("{kind} rules need TCP ports"))
                        .label(format!("port `{shown}` is not `/tcp`"))
                        .note("Cilium drops L7 rules on a port whose protocol is not TCP; a port without a protocol means any protocol")
                        .help(format!("write `{shown}/tcp`")),
                );
            }
        }
    }
}

/// Checks the rules that depend on the subject: no L7 on the host firewall
/// (only DNS on host egress).
pub fn check_subject_rules(subject: &ir::Subject, select_span: Span, ingress: &[ir::Rule], egress: &[ir::Rule], diags: &mut Vec<Diagnostic>) {
    if !matches!(subject, ir::Subject::Nodes(_)) {
        return;
    }
    let offending = ingress
        .iter()
        .find(|rule| rule.l7.is_some())
        .or_else(|| egress.iter().find(|rule| matches!(rule.l7, Some(ir::L7::Http(_) | ir::L7::Kafka(_)))));
    if let Some(rule) = offending {
        diags.push(
            Diagnostic::new(Code::E0412, rule.origin.span, "the host firewall cannot have this L7 rule")
                .label("L7 rule in a node policy")
                .secondary(select_span, "the policy selects nodes here")
                .note("Cilium allows no L7 rules on host ingress, and only DNS rules on host egress")
                .help("remove the L7 part, or apply it to pods instead of nodes"),
        );
    }
}

/// A policy must allow or deny something (agent rule: a rule with no
/// non-empty section is invalid).
pub fn check_not_empty(spec: &ir::PolicySpec, name_span: Span, diags: &mut Vec<Diagnostic>) -> Option<()> {
    if !(spec.ingress.is_empty() && spec.ingress_deny.is_empty() && spec.egress.is_empty() && spec.egress_deny.is_empty()) {
        return Some(());
    }
    diags.push(
        Diagnostic::new(Code::E0401, name_span, "this policy allows and denies nothing")
            .label("no rules")
            .note("Cilium rejects a policy without any ingress, ingress deny, egress or egress deny rule")
            .help("add a rule, or `default deny ingress` to deny all ingress on purpose"),
    );
    None
}
