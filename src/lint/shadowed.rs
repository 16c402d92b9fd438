//! W0124: an allow rule that a deny rule refuses entirely.
//!
//! Cilium checks deny rules first, and a deny wins over every allow. An
//! allow rule is shadowed when a deny rule of the same direction, in a
//! policy that selects every pod the allow rule's policy selects (the same
//! policy, or one covering it, [`Pods::covered_by`]), covers its peer and
//! its ports. The check is conservative: it warns only when the cover is
//! certain from the selectors alone (every requirement of the deny peer
//! follows from one of the allow peer's, with a namespaced policy's own
//! namespace as an implicit requirement of a peer that names none; entities
//! by name or `all`; CIDRs by containment, with no exception of the deny rule
//! inside the allowed CIDR; ports by number, range or protocol).

use ipnet::IpNet;

use super::repo::{Inst, Repo};
use super::select::{self, NAMESPACE_KEY, Pods, Req, Tri, implies, is_namespace_key};
use crate::diag::{Diagnostic, report};
use crate::ir::{self, Entity, PeerRef, Port, Protocol, RuleRef, Verdict};

/// W0124.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in &repo.instances {
        let spec = inst.spec();
        if spec.ingress.is_empty() && spec.egress.is_empty() {
            continue;
        }
        // The policies with deny rules that could apply to these pods: this
        // one, its namespace's and the cluster-wide ones. Whether they cover
        // all of its pods is asked only for a deny rule that shadows a rule.
        let pods = Pods::of(repo, inst);
        let mut candidates: Vec<&Inst<'_>> = vec![inst];
        candidates.extend(repo.neighbours(inst, pods.namespace_names()));
        candidates.retain(|other| {
            !other.spec().ingress_deny.is_empty() || !other.spec().egress_deny.is_empty()
        });
        if candidates.is_empty() {
            continue;
        }
        let mut covers: Vec<Option<bool>> = vec![None; candidates.len()];
        let allows = spec.rules().filter(|rule| {
            // The empty rule allows nothing: it only enforces the direction.
            rule.kind.verdict == Verdict::Allow
                && !(matches!(rule.peer, PeerRef::Anywhere)
                    && rule.ports.is_empty()
                    && rule.icmps.is_empty())
        });
        for allow in allows {
            let mut shadow = None;
            for (at, other) in candidates.iter().enumerate() {
                let deny = other.spec().rules().find(|deny| {
                    deny.kind.verdict == Verdict::Deny
                        && deny.kind.direction == allow.kind.direction
                        && shadows(deny, other, &allow, inst)
                });
                let Some(deny) = deny else {
                    continue;
                };
                let covered = match covers.get(at).copied().flatten() {
                    Some(known) => known,
                    None => {
                        let known = std::ptr::eq(other.policy, inst.policy)
                            || pods.covered_by(other) == Tri::Yes;
                        if let Some(slot) = covers.get_mut(at) {
                            *slot = Some(known);
                        }
                        known
                    }
                };
                if covered {
                    shadow = Some((*other, deny));
                    break;
                }
            }
            let Some((other, deny)) = shadow else {
                continue;
            };
            let mut diag = report::allow_shadowed_by_deny(repo.rule_span(allow.origin, inst));
            let at = repo.rule_span(deny.origin, other);
            if repo.is_user(at) {
                diag = diag.secondary(at, "this deny rule refuses all of it");
            }
            if !std::ptr::eq(other.policy, inst.policy) {
                diag = diag.note(format!(
                    "the deny rule is in {}, which selects every pod of {}",
                    other.describe(),
                    inst.describe()
                ));
            }
            diags.push(diag.help(
                "remove the allow rule, or narrow the deny rule so that it leaves this traffic out",
            ));
        }
    }
}

/// Whether deny rule `deny` of `deny_inst` refuses every flow allow rule
/// `allow` of `allow_inst` allows.
fn shadows(
    deny: &RuleRef<'_>,
    deny_inst: &Inst<'_>,
    allow: &RuleRef<'_>,
    allow_inst: &Inst<'_>,
) -> bool {
    peer_covers(deny.peer, deny_inst, allow.peer, allow_inst) && ports_cover(deny, allow)
}

fn peer_covers(
    deny: PeerRef<'_>,
    deny_inst: &Inst<'_>,
    allow: PeerRef<'_>,
    allow_inst: &Inst<'_>,
) -> bool {
    match (deny, allow) {
        // A deny rule without a peer but with ports refuses every peer on
        // them; without ports it is the empty rule and refuses nothing
        // (checked by the ports).
        (PeerRef::Anywhere, _) => true,
        (PeerRef::Entities(entities), _) if entities.contains(&Entity::All) => true,
        (PeerRef::Entities(denied), PeerRef::Entities(allowed)) => {
            allowed.iter().all(|entity| denied.contains(entity))
        }
        (PeerRef::Endpoints(denied), PeerRef::Endpoints(allowed)) => {
            allowed.iter().all(|allowed| {
                denied
                    .iter()
                    .any(|denied| selector_covers(denied, deny_inst, allowed, allow_inst))
            })
        }
        (PeerRef::Cidrs(denied), PeerRef::Cidrs(allowed)) => allowed.iter().all(|allowed| {
            denied
                .iter()
                .any(|denied| cidr_covers(denied, allowed.cidr()))
        }),
        _ => false,
    }
}

fn cidr_covers(deny: &ir::CidrRule, allowed: IpNet) -> bool {
    deny.cidr().contains(&allowed)
        && !deny
            .except()
            .iter()
            .any(|hole| allowed.contains(hole) || hole.contains(&allowed))
}

/// The requirements of a peer selector, with a namespaced policy's
/// namespace added when the selector names none (Cilium scopes it there).
fn reqs<'a>(selector: &'a ir::Selector, inst: &Inst<'a>) -> Vec<Req<'a>> {
    let mut out = select::reqs(selector);
    let names_namespace = out.iter().any(|req| is_namespace_key(req.key));
    if let (Some(namespace), false) = (inst.namespace, names_namespace) {
        out.push(Req {
            key: NAMESPACE_KEY,
            operator: ir::Operator::In,
            values: vec![namespace],
        });
    }
    out
}

/// Whether every pod `allowed` selects is selected by `denied`.
fn selector_covers(
    denied: &ir::Selector,
    deny_inst: &Inst<'_>,
    allowed: &ir::Selector,
    allow_inst: &Inst<'_>,
) -> bool {
    let known = reqs(allowed, allow_inst);
    reqs(denied, deny_inst)
        .iter()
        .all(|req| known.iter().any(|known| implies(known, req)))
}

/// Whether the deny rule's ports and ICMP types cover the allow rule's.
fn ports_cover(deny: &RuleRef<'_>, allow: &RuleRef<'_>) -> bool {
    let deny_all = deny.ports.is_empty() && deny.icmps.is_empty();
    if deny_all {
        // Without a peer and without ports the deny rule is empty.
        return !matches!(deny.peer, PeerRef::Anywhere);
    }
    if allow.ports.is_empty() && allow.icmps.is_empty() {
        // Every port: only a deny of port 0 on every protocol covers it.
        return deny
            .ports
            .iter()
            .any(|port| *port.port() == Port::Number(0) && port.protocol() == Protocol::Any);
    }
    allow
        .ports
        .iter()
        .all(|allowed| deny.ports.iter().any(|denied| port_covers(denied, allowed)))
        && allow
            .icmps
            .iter()
            .all(|allowed| deny.icmps.contains(allowed))
}

fn port_covers(denied: &ir::PortSpec, allowed: &ir::PortSpec) -> bool {
    let protocol = denied.protocol() == Protocol::Any || denied.protocol() == allowed.protocol();
    if !protocol {
        return false;
    }
    match (denied.port(), allowed.port()) {
        (Port::Number(0), _) => true,
        (Port::Number(start), Port::Number(first)) if *first != 0 => {
            let end = denied.end_port().unwrap_or(*start);
            let last = allowed.end_port().unwrap_or(*first);
            *start <= *first && last <= end
        }
        (Port::Name(denied), Port::Name(allowed)) => denied == allowed,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{cidr_covers, port_covers};
    use crate::ir::{CidrRule, Port, PortSpec, Protocol};

    fn port(number: u16, protocol: Protocol) -> PortSpec {
        PortSpec::single(Port::Number(number), protocol)
    }

    fn range(start: u16, end: u16) -> PortSpec {
        PortSpec::range(start, end, Protocol::Tcp).unwrap()
    }

    #[test]
    fn deny_ports_cover_allow_ports() {
        assert!(port_covers(
            &port(0, Protocol::Any),
            &port(22, Protocol::Udp)
        ));
        assert!(port_covers(
            &port(22, Protocol::Any),
            &port(22, Protocol::Tcp)
        ));
        assert!(port_covers(
            &port(22, Protocol::Tcp),
            &port(22, Protocol::Tcp)
        ));
        assert!(!port_covers(
            &port(22, Protocol::Tcp),
            &port(22, Protocol::Udp)
        ));
        assert!(!port_covers(
            &port(22, Protocol::Tcp),
            &port(23, Protocol::Tcp)
        ));
        assert!(!port_covers(
            &port(22, Protocol::Tcp),
            &port(22, Protocol::Any)
        ));
        // Every port is covered by port 0 only.
        assert!(!port_covers(
            &port(22, Protocol::Tcp),
            &port(0, Protocol::Tcp)
        ));
        assert!(port_covers(&range(1, 1024), &range(80, 443)));
        assert!(port_covers(&range(1, 1024), &port(443, Protocol::Tcp)));
        assert!(!port_covers(&range(1, 1024), &range(1000, 2000)));
        assert!(!port_covers(&range(80, 443), &range(1, 1024)));
        assert!(!port_covers(&port(80, Protocol::Tcp), &range(80, 443)));
    }

    #[test]
    fn deny_cidrs_cover_allow_cidrs() {
        let net = |text: &str| text.parse::<ipnet::IpNet>().unwrap();
        let deny = CidrRule::new(net("10.0.0.0/8"), Vec::new()).unwrap();
        let deny_with_hole = CidrRule::new(net("10.0.0.0/8"), vec![net("10.1.2.0/24")]).unwrap();
        assert!(cidr_covers(&deny, net("10.1.0.0/16")));
        assert!(cidr_covers(&deny, net("10.0.0.0/8")));
        assert!(!cidr_covers(&deny, net("192.168.0.0/16")));
        // An exception inside the allowed CIDR lets part of it through.
        assert!(!cidr_covers(&deny_with_hole, net("10.1.0.0/16")));
        assert!(cidr_covers(&deny_with_hole, net("10.2.0.0/16")));
    }
}
