//! W0118: an allow rule with no port to or from shared infrastructure.
//!
//! The API server, the nodes and the cluster as a whole are shared by every
//! workload. A rule that reaches them without `port` opens every port they
//! listen on, not only the one the pods need: `entity kube-apiserver` is the
//! control-plane nodes' address in a cluster that runs its own control
//! plane, so a port-less rule also reaches etcd (2379/tcp), the kubelet
//! (10250/tcp) and SSH (22/tcp) there. The same holds for `entity host`,
//! `entity remote-node` and `entity cluster`, and for ingress to nodes
//! selected by a host policy. Ingress from these into pods is not counted:
//! the kubelet probes pods on whatever ports they declare. Silenced where
//! every port is meant.

use super::repo::{Inst, Repo};
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;

/// W0118.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in &repo.instances {
        let spec = inst.spec();
        let host_policy = matches!(spec.subject, ir::Subject::Nodes(_));
        for rule in spec
            .rules()
            .filter(|rule| rule.kind.verdict == ir::Verdict::Allow)
        {
            let ingress = rule.kind.direction == ir::Direction::Ingress;
            if !rule.ports.is_empty() || !rule.icmps.is_empty() || rule.l7.is_some() {
                continue;
            }
            let subject = if host_policy {
                "the selected nodes"
            } else {
                "the selected pods"
            };
            match (shared_entity(rule.peer), ingress) {
                (Some(entity), false) => warn(
                    repo,
                    inst,
                    rule.origin,
                    diags,
                    report::InfraRule::AllowTo {
                        entity: entity.name,
                        ports: entity.ports,
                    },
                ),
                (Some(entity), true) if host_policy => warn(
                    repo,
                    inst,
                    rule.origin,
                    diags,
                    report::InfraRule::AllowFrom {
                        entity: entity.name,
                        who: entity.who,
                        subject,
                    },
                ),
                (_, true) if host_policy => {
                    warn(repo, inst, rule.origin, diags, report::InfraRule::IntoNodes)
                }
                (_, _) => {}
            }
        }
    }
}

fn warn(
    repo: &Repo<'_>,
    inst: &Inst<'_>,
    rule: &ir::RuleOrigin,
    diags: &mut Vec<Diagnostic>,
    what: report::InfraRule<'_>,
) {
    diags.push(report::infra_without_port(repo.peer_span(rule, inst), what));
}

/// A shared-infrastructure entity: its name, whose ports a port-less egress
/// rule reaches, and who a port-less ingress rule lets in.
struct Shared {
    name: &'static str,
    ports: &'static str,
    who: &'static str,
}

/// The first shared-infrastructure entity of a peer.
fn shared_entity(peer: ir::PeerRef<'_>) -> Option<Shared> {
    let ir::PeerRef::Entities(entities) = peer else {
        return None;
    };
    entities.iter().find_map(|entity| {
        let (name, ports, who) = match entity {
            ir::Entity::KubeApiserver => (
                "kube-apiserver",
                "of the API server's addresses, the control-plane nodes in a cluster that runs its own control plane",
                "the API server's addresses",
            ),
            ir::Entity::Host => ("host", "of the local node", "the local node"),
            ir::Entity::RemoteNode => ("remote-node", "of every other node", "every other node"),
            ir::Entity::Cluster => (
                "cluster",
                "of every pod and node of the cluster",
                "every pod and node of the cluster",
            ),
            _ => return None,
        };
        Some(Shared { name, ports, who })
    })
}
