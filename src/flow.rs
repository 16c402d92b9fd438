//! The flow engine: decides, offline and exactly as Cilium's policy engine
//! does (v1.19), whether a flow `A → B : port/protocol` passes the policies
//! of a checked [`Program`], and which rules decide it on each side.
//!
//! ```text
//! ir::Program ──Engine::new──▶ Engine ──decide(&World, &Flow)──▶ Answer
//!                               (policies by namespace,         (egress side, ingress side,
//!                                CCNPs, CIDR groups)             verdict, deciding rules)
//! ```
//!
//! - [`World`]: the cluster a flow runs in: namespaces and their labels,
//!   pods, nodes, outside addresses (with the DNS names they answer for),
//!   and the agent options that change verdicts.
//! - [`Engine::decide`]: egress is decided by the policies that select the
//!   source, ingress by those that select the destination; the flow passes
//!   only when both pass (docs/cilium-semantics.md, "Flow verdicts").
//! - [`check_expectations`]: the `expect` statements of the program, as
//!   diagnostics.
//!
//! **Invariant:** like the rest of the library, no IO and no panic; the
//! same program, world and flow give the same answer.

mod answer;
mod decide;
mod expect;
pub mod graph;
mod identity;
mod l7;
mod ports;
mod select;
#[cfg(test)]
mod tests;
mod universe;
mod world;

pub use answer::*;
pub use universe::{Change, End, FlowDiff, Ports, Universe, flow_diff, flow_diff_exhaustive};
pub use world::*;

use crate::diag::Diagnostic;
use crate::ir::{Direction, FlowSpec, Program};
use crate::source::{FileId, SourceMap};

/// A flow between two endpoints of a [`World`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The source.
    pub from: EndpointId,
    /// The destination.
    pub to: EndpointId,
    /// The protocol.
    pub protocol: crate::ir::FlowProtocol,
    /// The destination port; the ICMP type for ICMP and ICMPv6.
    pub port: u16,
    /// The L7 request, if any.
    pub request: Option<crate::ir::Request>,
}

/// A pod as one end of [`Engine::decide_pods`]: its identity, which
/// borrows the pod.
pub(crate) struct PodEnd<'w>(identity::Identity<'w>);

impl<'w> PodEnd<'w> {
    /// `pod` in `world`'s cluster, its namespace carrying
    /// `namespace_labels` (in key order, as [`World::namespaces`] holds
    /// them) instead of what `world` says of it. Named ports: the
    /// destination's own on the ingress side; on the egress side those of
    /// `world`'s pods, to which the two ends are not added.
    pub(crate) fn new(
        world: &'w World,
        pod: &'w Pod,
        namespace_labels: impl Iterator<Item = (&'w str, &'w str)>,
    ) -> PodEnd<'w> {
        PodEnd(identity::pod_identity_in(
            &world.cluster,
            pod,
            namespace_labels,
        ))
    }
}

/// A program prepared for deciding flows. A CiliumNetworkPolicy only ever
/// selects pods of its own namespace, so the program's namespace map is the
/// index a decide needs: a decide reads the policies of the two ends'
/// namespaces and the cluster-wide ones, never every policy.
#[derive(Debug)]
pub struct Engine<'p> {
    program: &'p Program,
}

impl<'p> Engine<'p> {
    /// Prepares `program` for [`Engine::decide`].
    pub fn new(program: &'p Program) -> Engine<'p> {
        Engine { program }
    }

    /// The program the engine decides for.
    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// Decides `flow` in `world`: the source's egress, the destination's
    /// ingress, and the verdict of both (with the L7 request, if any).
    ///
    /// Cost: the policies of the two ends' namespaces and the cluster-wide
    /// ones, never every policy of the program.
    pub fn decide(&self, world: &World, flow: &Flow) -> Answer {
        let mut assumptions = world.assumptions.clone();
        let mut identity = |id: EndpointId| {
            identity::identity(world, id).unwrap_or_else(|| {
                assumptions.push(format!(
                    "{id:?} is not an endpoint of the world: taken as an address outside the cluster"
                ));
                identity::unknown()
            })
        };
        let source = identity(flow.from);
        let destination = identity(flow.to);
        self.decide_between(world, flow, &source, &destination, assumptions)
    }

    /// [`Engine::decide`] between two pods that no world holds, as the
    /// lints decide their representative pods: the same answer as
    /// [`Engine::decide`] in `world` (its pods, namespaces and assumptions
    /// aside) with the two pods added, without copying either pod or any
    /// namespace's labels. The ends come from [`PodEnd::new`], built once
    /// for many flows.
    pub(crate) fn decide_pods(
        &self,
        world: &World,
        from: &PodEnd<'_>,
        to: &PodEnd<'_>,
        protocol: crate::ir::FlowProtocol,
        port: u16,
        request: Option<crate::ir::Request>,
    ) -> Answer {
        let flow = Flow {
            from: EndpointId::Pod(0),
            to: EndpointId::Pod(1),
            protocol,
            port,
            request,
        };
        self.decide_between(world, &flow, &from.0, &to.0, Vec::new())
    }

    /// [`Engine::decide`] with the identities of the two ends already
    /// built, for callers that decide many flows between the same ends.
    pub(crate) fn decide_between(
        &self,
        world: &World,
        flow: &Flow,
        source: &identity::Identity<'_>,
        destination: &identity::Identity<'_>,
        mut assumptions: Vec<String>,
    ) -> Answer {
        let cluster_ports = decide::ClusterPorts::of(world);
        let (egress, mut unsupported) = decide::side(
            self.program,
            &decide::SideInput {
                world,
                direction: Direction::Egress,
                subject: source,
                peer: destination,
                flow,
                named: &cluster_ports,
            },
        );
        let own_ports = decide::OwnPorts(match destination.kind {
            identity::Kind::Pod(pod) => Some(pod),
            _ => None,
        });
        let (ingress, ingress_unsupported) = decide::side(
            self.program,
            &decide::SideInput {
                world,
                direction: Direction::Ingress,
                subject: destination,
                peer: source,
                flow,
                named: &own_ports,
            },
        );
        unsupported.extend(ingress_unsupported);
        for flag in egress.agent_flags.iter().chain(&ingress.agent_flags) {
            if !assumptions.contains(flag) {
                assumptions.push(flag.clone());
            }
        }
        let refused = |side: &Side| {
            matches!(side.verdict, SideVerdict::Deny | SideVerdict::DefaultDeny)
                || side.l7_allowed == Some(false)
        };
        let verdict = if refused(&egress) || refused(&ingress) {
            FlowVerdict::Denied
        } else if egress.verdict == SideVerdict::FqdnUnsupported {
            FlowVerdict::FqdnUnsupported
        } else {
            FlowVerdict::Allowed
        };
        Answer {
            egress,
            ingress,
            verdict,
            unsupported,
            assumptions,
        }
    }

    /// Decides a flow described in the language's words: builds the world
    /// of the program's inventory with the two ends added
    /// ([`World::for_program`], [`World::add`]) and decides it. The answer's
    /// `assumptions` say what the description left open.
    ///
    /// Only the namespaces of the two ends are copied into the world, so a
    /// description costs the same on a program of 10,000 namespaces as on
    /// one of ten.
    pub fn decide_spec(&self, spec: &FlowSpec) -> Answer {
        let mut world = World::for_ends(self.program, &[&spec.from, &spec.to]);
        let from = world.add(&spec.from);
        let to = world.add(&spec.to);
        let flow = Flow {
            from,
            to,
            protocol: spec.protocol,
            port: spec.port,
            request: spec.request.clone(),
        };
        self.decide(&world, &flow)
    }
}

/// Checks every `expect` statement of `program`: an error (E0801) for each
/// expectation that does not hold, pointing at the expectation and at the
/// rule that decided the flow.
pub fn check_expectations(program: &Program) -> Vec<Diagnostic> {
    expect::check(program)
}

/// Which namespaces a flow given to [`parse_flow`] may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespaces {
    /// Those of the repository (E0802 for another): the inventory's, or
    /// without one those it declares or names, `default` and the `kube-`
    /// system namespaces. A name outside them is most likely a typo.
    Known,
    /// Any namespace: for policies imported from YAML (`trace --yaml`),
    /// which say nothing of the cluster's other namespaces. A namespace no
    /// policy names is one without labels but its name.
    Any,
}

/// Parses and checks a flow written alone in `file` (`from A to B port P
/// [http "LINE"] [dns "NAME"]`, grammar rule `flow_only`), as `netpolc
/// trace` builds it from its arguments: its namespaces must be those
/// `namespaces` allows (E0802), and no `$NAME` is in scope. The errors are
/// coded diagnostics pointing into `file`; empty only when the map has no
/// such file.
pub fn parse_flow(
    sources: &SourceMap,
    file: FileId,
    program: &Program,
    namespaces: Namespaces,
) -> Result<FlowSpec, Vec<Diagnostic>> {
    match crate::syntax::parse_flow(sources, file) {
        Ok(Some(flow)) => crate::sema::flow_spec(&flow, program, namespaces == Namespaces::Any),
        Ok(None) => Err(Vec::new()),
        Err(diag) => Err(vec![*diag]),
    }
}

/// A flow in the language's words, as `expect` and `netpolc trace` write
/// it: `from pods app=web in namespace shop to entity world port 443/tcp`.
pub fn describe_flow(spec: &FlowSpec) -> String {
    expect::describe(spec)
}
