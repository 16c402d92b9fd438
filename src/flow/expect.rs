//! `expect` statements decided by the engine: an E0801 for each that does
//! not hold, pointing at the expectation and at what decided the flow.

use std::collections::BTreeMap;

use super::{Answer, Decider, Engine, FlowVerdict, Side, SideVerdict};
use crate::diag::{Diagnostic, report};
use crate::ir::{
    EndpointSpec, Expectation, Expected, FlowProtocol, FlowSpec, LabelKey, LabelValue, Program,
    Request,
};
use crate::syntax::quote;

/// The most rules and policies shown for one side.
const SHOWN: usize = 2;

/// Every expectation of `program` that does not hold, as an E0801. Each
/// flow is decided in a world of its own ([`Engine::decide_spec`]: the
/// program's namespaces of its two ends, and the ends).
pub fn check(program: &Program) -> Vec<Diagnostic> {
    if program.expectations.is_empty() {
        return Vec::new();
    }
    let engine = Engine::new(program);
    program
        .expectations
        .iter()
        .filter_map(|expectation| failure(expectation, &engine.decide_spec(&expectation.flow)))
        .collect()
}

/// Whether the answer is what the expectation says.
fn holds(expected: Expected, verdict: FlowVerdict) -> bool {
    matches!(
        (expected, verdict),
        (Expected::Allow, FlowVerdict::Allowed) | (Expected::Deny, FlowVerdict::Denied)
    )
}

fn failure(expectation: &Expectation, answer: &Answer) -> Option<Diagnostic> {
    if holds(expectation.expected, answer.verdict) {
        return None;
    }
    let flow = &expectation.flow;
    let expected = match expectation.expected {
        Expected::Allow => "allow",
        Expected::Deny => "deny",
    };
    let outcome = match answer.verdict {
        FlowVerdict::FqdnUnsupported => "only the agent's DNS cache could decide it",
        FlowVerdict::Allowed => "they allow it",
        FlowVerdict::Denied => "they deny it",
    };
    let mut diag = report::expectation_failed(
        expectation.origin.span,
        &expected,
        &format!("`{}`", describe(flow)),
        &outcome,
    )
    .label(format!("expected `{expected}`"));
    let sides = [
        ("egress", "source", &answer.egress),
        ("ingress", "destination", &answer.ingress),
    ];
    match expectation.expected {
        Expected::Allow => {
            let mut helps = Vec::new();
            for (direction, end, side) in sides {
                let (next, help) = refused(diag, direction, end, side, flow);
                diag = next;
                helps.extend(help);
            }
            helps.dedup();
            if !helps.is_empty() {
                diag = diag.help(helps.join("; and "));
            }
            if answer.verdict == FlowVerdict::FqdnUnsupported {
                diag = fqdn_unsupported(diag, &answer.egress);
            }
        }
        Expected::Deny if answer.verdict == FlowVerdict::FqdnUnsupported => {
            diag = fqdn_unsupported(diag, &answer.egress);
        }
        Expected::Deny => {
            for (direction, end, side) in sides {
                diag = admitted(diag, direction, end, side);
            }
            diag = diag.help(
                "narrow the rules that allow it, or add a `deny` rule for this flow (deny wins over any allow)",
            );
        }
    }
    if let (Some(category), Some(namespace)) = (
        expectation.origin.categories.first(),
        &expectation.namespace,
    ) {
        diag = diag.note(format!(
            "this expectation comes from the category `{category}`, checked here for the namespace `{namespace}`"
        ));
    }
    for unsupported in &answer.unsupported {
        diag = diag.note(format!(
            "netpolc does not model {unsupported}; this answer may be wrong"
        ));
    }
    Some(diag)
}

/// Why the engine cannot decide: the source's egress would be default
/// deny, but `toFQDNs` rules cover the port, and whether the destination's
/// address is one their names resolved to is known only to the agent.
fn fqdn_unsupported(mut diag: Diagnostic, egress: &Side) -> Diagnostic {
    for policy in egress.fqdn_rules.iter().take(SHOWN) {
        diag = diag.secondary(
            policy.origin,
            format!("{policy} has `fqdn` rules for this port"),
        );
    }
    diag.note("the source's egress allows the port to `fqdn` names only, and nothing says which names the destination's address answers for")
        .help("name the destination with `fqdn \"NAME\"` to test an `fqdn` rule, or use another port or destination")
}

/// Explains why `side` refuses a flow expected to pass (nothing when it
/// passes), with what would make it pass.
fn refused(
    diag: Diagnostic,
    direction: &str,
    end: &str,
    side: &Side,
    flow: &FlowSpec,
) -> (Diagnostic, Option<String>) {
    let mut help = None;
    let diag = refused_labels(diag, direction, end, side, flow, &mut help);
    (diag, help)
}

fn refused_labels(
    mut diag: Diagnostic,
    direction: &str,
    end: &str,
    side: &Side,
    flow: &FlowSpec,
    help: &mut Option<String>,
) -> Diagnostic {
    match side.verdict {
        SideVerdict::Deny => {
            for decider in side.deciders.iter().take(SHOWN) {
                diag = match decider {
                    Decider::Rule { policy, origin, .. } => diag.secondary(
                        origin.span,
                        format!(
                            "this {direction} deny rule of {policy}{} matches the flow",
                            through(&origin.categories)
                        ),
                    ),
                    other => diag.note(format!("{direction} is denied by {other}")),
                };
            }
            *help = Some(format!(
                "deny wins over any allow: remove or narrow the {direction} deny rule"
            ));
            diag
        }
        SideVerdict::DefaultDeny => {
            for policy in side.enforcing.iter().take(SHOWN) {
                diag = diag.secondary(
                    policy.origin,
                    format!("{policy} selects the {end} for {direction}, so its {direction} is default deny"),
                );
            }
            if side.enforcing.len() > SHOWN {
                diag = diag.note(format!(
                    "{} more policies select the {end} for {direction}",
                    side.enforcing.len() - SHOWN
                ));
            }
            // The right peer on the wrong port says most; a rule of another
            // peer on the right port, once.
            let (wrong_port, wrong_peer): (Vec<_>, Vec<_>) = side
                .near_misses
                .iter()
                .partition(|miss| miss.why.starts_with("port "));
            let shown: Vec<_> = if wrong_port.is_empty() {
                wrong_peer.into_iter().take(1).collect()
            } else {
                wrong_port.into_iter().take(SHOWN).collect()
            };
            for miss in shown {
                diag = match &miss.rule {
                    Decider::Rule { origin, .. } => {
                        diag.secondary(origin.span, format!("almost: {}", miss.why))
                    }
                    other => diag.note(format!("{other} almost matched: {}", miss.why)),
                };
            }
            *help = Some(allow_help(direction, flow));
            diag.note(format!(
                "no {direction} allow rule of these policies matches the flow"
            ))
        }
        SideVerdict::Allow if side.l7_allowed == Some(false) => {
            for decider in side.deciders.iter().take(SHOWN) {
                if let Decider::Rule { policy, origin, .. } = decider {
                    diag = diag.secondary(
                        origin.span,
                        format!("the L7 rules of this rule of {policy} refuse the request"),
                    );
                }
            }
            *help = Some(
                "add an L7 rule that admits the request, or drop the request from the expectation"
                    .to_owned(),
            );
            diag
        }
        SideVerdict::Allow | SideVerdict::NoPolicy | SideVerdict::FqdnUnsupported => diag,
    }
}

/// Explains how `side` lets a flow expected to be denied pass.
fn admitted(mut diag: Diagnostic, direction: &str, end: &str, side: &Side) -> Diagnostic {
    match side.verdict {
        SideVerdict::Allow => {
            for decider in side.deciders.iter().take(SHOWN) {
                diag = match decider {
                    Decider::Rule { policy, origin, .. } => diag.secondary(
                        origin.span,
                        format!("this rule of {policy}{} allows the {direction}", through(&origin.categories)),
                    ),
                    Decider::AllowAny(_) => diag.note(format!(
                        "every policy that selects the {end} for {direction} says `no default deny`, so Cilium allows the rest ({decider})"
                    )),
                    Decider::AllowLocalhost => diag.note(format!(
                        "the local host may reach its node's pods ({decider})"
                    )),
                };
            }
            diag
        }
        SideVerdict::NoPolicy => diag.note(format!(
            "no policy selects the {end} for {direction}, so its {direction} is not enforced"
        )),
        SideVerdict::Deny | SideVerdict::DefaultDeny | SideVerdict::FqdnUnsupported => diag,
    }
}

fn through(categories: &[String]) -> String {
    match categories.first() {
        Some(category) => format!(" (through the category `{category}`)"),
        None => String::new(),
    }
}

/// What would allow the flow on a side that is default deny.
fn allow_help(direction: &str, flow: &FlowSpec) -> String {
    let port = port_words(flow);
    if direction == "egress" {
        let owner = match &flow.from {
            EndpointSpec::Pod(pod) => format!(" in the namespace `{}`", pod.namespace),
            _ => String::new(),
        };
        format!(
            "add `allow to {} {port}` to a policy{owner} that selects the source",
            peer_words(&flow.to)
        )
    } else {
        let owner = match &flow.to {
            EndpointSpec::Pod(pod) => format!(" in the namespace `{}`", pod.namespace),
            _ => String::new(),
        };
        format!(
            "add `allow from {} {port}` to a policy{owner} that selects the destination",
            peer_words(&flow.from)
        )
    }
}

/// An end as a rule's peer.
fn peer_words(end: &EndpointSpec) -> String {
    match end {
        EndpointSpec::Pod(pod) if pod.labels.is_empty() => {
            format!("namespace {}", pod.namespace)
        }
        EndpointSpec::Pod(pod) => {
            format!(
                "pods {} in namespace {}",
                labels(&pod.labels),
                pod.namespace
            )
        }
        EndpointSpec::Node(_) => "entity host, remote-node".to_owned(),
        EndpointSpec::Entity(entity) => format!("entity {}", entity_name(*entity)),
        EndpointSpec::Address(address) => {
            let bits = if address.is_ipv4() { 32 } else { 128 };
            format!("cidr {address}/{bits}")
        }
        EndpointSpec::Fqdn(name) => format!("fqdn \"{}\"", name.as_str()),
    }
}

fn entity_name(entity: crate::ir::Entity) -> &'static str {
    crate::ir::Entity::NAMES
        .iter()
        .find(|(known, _)| *known == entity)
        .map_or("?", |(_, name)| *name)
}

fn labels(labels: &BTreeMap<LabelKey, LabelValue>) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .map(|(key, value)| {
            let value = value.as_str();
            if !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            {
                format!("{}={value}", key.as_str())
            } else {
                format!("{}=\"{value}\"", key.as_str())
            }
        })
        .collect();
    match pairs.as_slice() {
        [one] => one.clone(),
        _ => format!("{{ {} }}", pairs.join(", ")),
    }
}

/// An end in the words of a flow.
fn end_words(end: &EndpointSpec) -> String {
    match end {
        EndpointSpec::Pod(pod) => {
            let mut words = String::from("pods");
            if !pod.labels.is_empty() {
                words.push(' ');
                words.push_str(&labels(&pod.labels));
            }
            if let Some(account) = &pod.service_account {
                words.push_str(" with account ");
                words.push_str(account.as_str());
            }
            if pod.labels.is_empty() && pod.service_account.is_none() {
                return format!("namespace {}", pod.namespace);
            }
            words.push_str(" in namespace ");
            words.push_str(pod.namespace.as_str());
            words
        }
        EndpointSpec::Node(node) if node.is_empty() => "node".to_owned(),
        EndpointSpec::Node(node) => format!("node {}", labels(node)),
        EndpointSpec::Address(address) => format!("cidr {address}"),
        other => peer_words(other),
    }
}

/// `port 8080/tcp`, `icmp 8`, `icmp ipv6 128`, `port 0/vrrp`.
fn port_words(flow: &FlowSpec) -> String {
    match flow.protocol {
        FlowProtocol::Icmp => format!("icmp {}", flow.port),
        FlowProtocol::Icmpv6 => format!("icmp ipv6 {}", flow.port),
        protocol => format!("port {}/{}", flow.port, protocol.word()),
    }
}

/// The flow in the words `expect` uses.
pub fn describe(flow: &FlowSpec) -> String {
    let mut words = format!("from {} to {}", end_words(&flow.from), end_words(&flow.to));
    let port = port_words(flow);
    if !port.is_empty() {
        words.push(' ');
        words.push_str(&port);
    }
    match &flow.request {
        None => {}
        Some(Request::Http(http)) => {
            words.push_str(" http ");
            words.push_str(&quote(&format!("{} {}", http.method, http.path)));
        }
        Some(Request::Dns(name)) => {
            words.push_str(" dns ");
            words.push_str(&quote(name));
        }
        Some(Request::Kafka(kafka)) => {
            words.push_str(&format!(" kafka apikey {}", kafka.api_key));
            if let Some(topic) = &kafka.topic {
                words.push_str(" topic ");
                words.push_str(&quote(topic));
            }
        }
    }
    words
}

#[cfg(test)]
mod tests;
