//! W0105: an HTTP or Kafka rule on a peer that is everyone.
//!
//! An L7 rule sends the port's traffic through Cilium's Envoy proxy. On a
//! broad peer (`anywhere`, `everything`, the `world`, `cluster` or `all`
//! entity, `0.0.0.0/0`, or every pod of every namespace) that is every
//! request of every client: latency and proxy CPU on all of it, and a proxy
//! restart drops every connection. DNS rules are not counted: the DNS proxy
//! is how `fqdn` rules work. Nor are TLS server names (`sni`): the proxy
//! reads only the handshake, and naming the servers is how egress to the
//! `world` on 443 is narrowed.

use super::repo::Repo;
use super::select;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;

/// W0105.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in &repo.instances {
        let spec = inst.spec();
        for rule in spec
            .rules()
            .filter(|rule| rule.kind.verdict == ir::Verdict::Allow)
        {
            let way = match rule.kind.direction {
                ir::Direction::Ingress => "from",
                ir::Direction::Egress => "to",
            };
            let kind = match rule.l7 {
                Some(ir::L7::Http(_)) => "HTTP",
                Some(ir::L7::Kafka(_)) => "Kafka",
                Some(ir::L7::Dns(_) | ir::L7::Listener(_) | ir::L7::Generic(_)) | None => continue,
            };
            let Some(peer) = broad_peer(repo, rule.peer) else {
                continue;
            };
            diags.push(
                report::l7_on_broad_peer(repo.peer_span(rule.origin, inst), &kind, &way, &peer)
                    .label(format!("L7 rule on {peer}"))
                    .note("an L7 rule sends all the traffic of its port through Cilium's Envoy proxy; with a broad peer that is every client's every request, with the proxy's latency and CPU cost, and a proxy restart drops them all")
                    .help("narrow the peer to the clients the L7 rule is about, and allow the others on L3/L4 only if they need the port"),
            );
        }
    }
}

/// How a broad peer is described, or `None` for a narrow one.
fn broad_peer(repo: &Repo<'_>, peer: ir::PeerRef<'_>) -> Option<String> {
    match peer {
        ir::PeerRef::Anywhere => Some("`anywhere`".to_owned()),
        ir::PeerRef::Entities(entities) => entities
            .iter()
            .find(|entity| {
                matches!(
                    entity,
                    ir::Entity::All | ir::Entity::World | ir::Entity::Cluster
                )
            })
            .map(|entity| match entity {
                ir::Entity::All => "`everything`".to_owned(),
                other => format!("`entity {}`", other.as_str()),
            }),
        ir::PeerRef::Cidrs(cidrs) => cidrs
            .iter()
            .find(|rule| rule.cidr().prefix_len() == 0)
            .map(|rule| format!("`{}`", rule.cidr())),
        ir::PeerRef::CidrGroups(peer) => peer
            .cidrs()
            .iter()
            .map(ir::CidrRule::cidr)
            .chain(
                peer.groups()
                    .iter()
                    .filter_map(|name| repo.program.cidr_groups.get(name))
                    .flat_map(|group| group.cidrs.iter().copied()),
            )
            .chain(
                repo.program
                    .cidr_groups
                    .values()
                    .filter(|group| peer.selectors().iter().any(|s| group.selected_by(s)))
                    .flat_map(|group| group.cidrs.iter().copied()),
            )
            .find(|cidr| cidr.prefix_len() == 0)
            .map(|cidr| format!("`{cidr}`")),
        ir::PeerRef::Endpoints(selectors) => selectors
            .iter()
            .any(select::selects_all_namespaces)
            .then(|| "every pod of every namespace".to_owned()),
        ir::PeerRef::Fqdns(_)
        | ir::PeerRef::Services(_)
        | ir::PeerRef::Nodes(_)
        | ir::PeerRef::Groups(_) => None,
    }
}
