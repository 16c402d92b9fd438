//! Cilium agent rules (E04xx): what the agent's `Sanitize()` would reject
//! after the API server has stored the policy (docs/cilium-semantics.md §4). The CRD
//! schema does not catch these, so netpolc must.
//!
//! Every rule of docs/cilium-semantics.md §4, and where it is enforced. "By
//! construction" means the language cannot say it, so no policy netpolc
//! emits can break it; "not expressible" means the field does not exist in
//! the language (and `netpolc import` refuses it).
//!
//! | §4 | agent rule | enforced by |
//! |----|------------|-------------|
//! | 1 | a rule with no non-empty section | E0401 |
//! | 2 | both or neither of endpoint and node selector | E0414 (two `select`s); neither: by construction (`{}` by default in a namespace, E0503 cluster-wide) |
//! | 3 | selector not a valid label selector (after Cilium's key prefix) | E0205 |
//! | 4 | node selector in a CNP | E0409; no name or no spec: by construction (E0206 validates names) |
//! | 5 | several peer kinds in one rule | by construction: a rule has one peer |
//! | 6 | `toPorts` with any one peer | allowed |
//! | 7 | `fromNodes`/`toNodes` without the agent flag | not expressible |
//! | 8 | an entity outside the mapping | E0207 (and E0501 for `all`, said `everything`) |
//! | 9 | malformed CIDR; CIDR rule with 0 or 2 of cidr/group ref/group selector; `except` outside its CIDR | E0202; by construction; E0203 |
//! | 10 | `icmps` with `toPorts`; more than 40 ICMP fields; a family other than IPv4/IPv6 | E0408; E0407; by construction (`ipv4`/`ipv6`), E0209 for a type not in its family |
//! | 11 | more than 40 ports in a port rule | E0406 |
//! | 12 | empty or unparsable port; VRRP/IGMP with a port; unknown protocol | by construction (grammar); E0204; not expressible; E0001 |
//! | 13 | L7 on a port whose protocol is not TCP (DNS: TCP, UDP or ANY) | E0402 |
//! | 14 | L7 on port 0 | E0403 |
//! | 15 | DNS rules with a port range | E0404 |
//! | 16 | DNS rules without a port; DNS rules on ingress | E0403; E0404 |
//! | 17 | more than one L7 kind in a port rule; `l7` without `l7proto` | E0405; not expressible |
//! | 18 | L7 on host ingress; HTTP or Kafka on host egress | E0412 |
//! | 19 | `serverNames` with L7 but no `terminatingTLS`; empty server name | E0218; E0216 |
//! | 20 | `listener` on ingress or with L7 | not expressible |
//! | 21 | FQDN with both name and pattern; bad characters; over 255 characters | by construction (`*` decides); E0208 |
//! | 22 | HTTP path or method not a Go regexp; header match without a name; bad `mismatch`; secret without a name | E0211; E0213 (empty name); E0223; E0224 |
//! | 23 | Kafka: role with apiKey; unknown apiKey; unknown role; apiVersion out of range; bad topic | by construction (one of); E0212; by construction; E0212; E0212 |
//! | 24 | `l7` with an empty key | not expressible |
//!
//! Deny rules cannot carry L7 (E0410) or FQDN peers (E0411); service peers
//! exist only on egress (E0413): `place.rs` reports these, where a rule gets
//! the IR type of its list. Version-dependent features are checked in
//! `versions.rs` (E0421).

use super::rules::Lowered;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::Span;

/// Cilium's limit on ports in one port rule, and on ICMP fields.
pub const MAX_PORTS: usize = 40;

/// Checks one lowered rule.
pub fn check_rule(rule: &ast::Rule, built: &Lowered, diags: &mut Vec<Diagnostic>) {
    let ports_span = rule.ports.as_ref().map_or(rule.span, |ports| ports.span);
    let ingress = rule.direction.node == ast::Direction::Ingress;
    let deny = rule.verb.node == ast::Verb::Deny;
    if let (Some(ports), Some(icmps)) = (&rule.ports, &rule.icmps) {
        diags.push(
            report::port_and_icmp(icmps.span)
                .secondary(ports.span, "`port` here")
                .note("Cilium drops a rule that has both `toPorts` and `icmps`")
                .help("write one rule for the ports and one for ICMP"),
        );
    }
    if built.ports.len() > MAX_PORTS {
        diags.push(report::too_many_ports(
            ports_span,
            &built.ports.len(),
            &MAX_PORTS,
        ));
    }
    if built.icmps.len() > MAX_PORTS {
        let span = rule.icmps.as_ref().map_or(rule.span, |icmps| icmps.span);
        diags.push(report::too_many_icmp_types(
            span,
            &built.icmps.len(),
            &MAX_PORTS,
        ));
    }
    let Some(l7) = built.l7.as_deref() else {
        return;
    };
    let l7_span = rule.l7.first().map_or(rule.span, ast::L7::span);
    if deny {
        // E0410, reported where the rule is placed in its list (`place`).
        return;
    }
    if matches!(l7, ir::L7::Listener(_)) {
        // E0225 and E0226, reported where `listener` is lowered.
        return;
    }
    let kind = match l7 {
        ir::L7::Http(_) => "HTTP",
        ir::L7::Kafka(_) => "Kafka",
        ir::L7::Dns(_) => "DNS",
        ir::L7::Listener(_) => "listener",
        ir::L7::Generic(_) => "generic L7",
    };
    if matches!(l7, ir::L7::Dns(_)) && ingress {
        diags.push(report::misplaced_dns_rule(
            l7_span,
            report::MisplacedDnsRule::Ingress,
        ));
        return;
    }
    if built.ports.is_empty() {
        let mut diag = report::l7_needs_port(l7_span, report::L7NeedsPort::Missing { kind: &kind })
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
        if *port.port() == ir::Port::Number(0) {
            diags.push(report::l7_needs_port(
                ports_span,
                report::L7NeedsPort::PortZero { kind: &kind },
            ));
            return;
        }
    }
    match l7 {
        ir::L7::Dns(_) => {
            if built.ports.iter().any(|port| port.end_port().is_some()) {
                diags.push(report::misplaced_dns_rule(
                    ports_span,
                    report::MisplacedDnsRule::PortRange,
                ));
            }
            if built
                .ports
                .iter()
                .any(|port| port.protocol() == ir::Protocol::Sctp)
            {
                diags.push(report::l7_needs_tcp(ports_span, report::L7NeedsTcp::Dns));
            }
        }
        ir::L7::Listener(_) | ir::L7::Generic(_) => {}
        ir::L7::Http(_) | ir::L7::Kafka(_) => {
            if let Some(port) = built
                .ports
                .iter()
                .find(|port| port.protocol() != ir::Protocol::Tcp)
            {
                let shown = match port.port() {
                    ir::Port::Number(n) => n.to_string(),
                    ir::Port::Name(name) => name.to_string(),
                };
                diags.push(
                    report::l7_needs_tcp(ports_span, report::L7NeedsTcp::Tcp { kind: &kind })
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
pub fn check_subject_rules(
    subject: &ir::Subject,
    select_span: Span,
    ingress: &[ir::IngressRule],
    egress: &[ir::EgressRule],
    diags: &mut Vec<Diagnostic>,
) {
    if !matches!(subject, ir::Subject::Nodes(_)) {
        return;
    }
    let offending = ingress
        .iter()
        .find(|rule| rule.l7.is_some())
        .map(|rule| &rule.origin)
        .or_else(|| {
            egress
                .iter()
                .find(|rule| matches!(rule.l7.as_deref(), Some(ir::L7::Http(_) | ir::L7::Kafka(_))))
                .map(|rule| &rule.origin)
        });
    if let Some(origin) = offending {
        diags.push(
            report::host_firewall_l7(origin.span)
                .secondary(select_span, "the policy selects nodes here")
                .note(
                    "Cilium allows no L7 rules on host ingress, and only DNS rules on host egress",
                )
                .help("remove the L7 part, or apply it to pods instead of nodes"),
        );
    }
}

/// A policy must allow or deny something (agent rule: a rule with no
/// non-empty section is invalid).
pub fn check_not_empty(
    spec: &ir::PolicySpec,
    name_span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<()> {
    if !spec.has_no_rules() {
        return Some(());
    }
    diags.push(report::policy_allows_nothing(name_span));
    None
}
