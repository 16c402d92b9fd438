//! Safety (E05xx): what is dangerous to write by accident must be said on
//! purpose: `everything` as a peer, policies for system namespaces,
//! cluster-wide policies over every namespace, and the empty rule that only
//! turns a direction to default deny.

use super::rules::{Lowered, Peer};
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::Span;

/// Namespaces whose policies must be marked `system`.
pub const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// A policy for a system namespace needs `system namespace`.
pub fn check_namespace(decl: &ast::NamespaceDecl, name: &str, diags: &mut Vec<Diagnostic>) {
    if decl.system.is_none() && SYSTEM_NAMESPACES.contains(&name) {
        diags.push(
            report::system_namespace_policy(decl.name.span, &name)
                .help(format!("write `system namespace {name} {{` if you mean it")),
        );
    }
}

/// `entity all` is `everything`, said on purpose.
pub fn entity_all(span: Span, diags: &mut Vec<Diagnostic>) {
    diags.push(report::entity_all(span));
}

/// A cluster-wide policy without `select`.
pub fn missing_cluster_select(span: Span, diags: &mut Vec<Diagnostic>) {
    diags.push(report::cluster_policy_everywhere(
        span,
        report::ClusterPolicyEverywhere::Unsaid,
    ));
}

/// A cluster-wide `select pods ...` without a namespace scope.
pub fn unscoped_cluster_select(span: Span, diags: &mut Vec<Diagnostic>) {
    diags.push(report::cluster_policy_everywhere(
        span,
        report::ClusterPolicyEverywhere::EveryNamespace,
    ));
}

/// A cluster-wide pod or service peer without a namespace scope.
pub fn unscoped_cluster_peer(span: Span, what: &str, diags: &mut Vec<Diagnostic>) {
    let note = if what == "pods" {
        "in a cluster-wide policy a pod selector without a namespace matches pods of every namespace, where a namespace policy would mean its own namespace"
    } else {
        "a service peer without a namespace matches its services in every namespace"
    };
    diags.push(
        report::unscoped_cluster_peer(span, &what)
            .note(note)
            .help("add `in namespace NAME`, `in namespaces with LABELS` or `in all namespaces`"),
    );
}

/// Rules that would allow nothing: the empty rule must be `default deny`.
pub fn check_rule(rule: &ast::Rule, built: &Lowered, diags: &mut Vec<Diagnostic>) {
    let empty_peer = match &built.peer {
        Peer::Anywhere => built.ports.is_empty() && built.icmps.is_empty() && built.l7.is_none(),
        Peer::Endpoints(list) => list.is_empty(),
        // The `none` entity selects nothing: a rule whose only peer it is
        // allows nothing, like an empty list.
        Peer::Entities(list) => list.iter().all(|entity| *entity == ir::Entity::None),
        Peer::Cidrs(list) => list.is_empty(),
        Peer::CidrGroups(peer) => peer.groups().is_empty() && peer.selectors().is_empty(),
        Peer::Fqdns(list) => list.is_empty(),
        Peer::Services(list) => list.is_empty(),
        Peer::Nodes(list) => list.is_empty(),
        Peer::Groups(list) => list.is_empty(),
    };
    if !empty_peer {
        return;
    }
    let direction = match rule.direction.node {
        ast::Direction::Ingress => "ingress",
        ast::Direction::Egress => "egress",
    };
    let anywhere = matches!(built.peer, Peer::Anywhere);
    let none = matches!(&built.peer, Peer::Entities(list) if !list.is_empty());
    diags.push(report::allows_nothing(
        rule.peer.span,
        if anywhere {
            report::EmptyPeer::Anywhere
        } else if none {
            report::EmptyPeer::NoneEntity
        } else {
            report::EmptyPeer::EmptyList
        },
        direction,
    ));
}

/// Where a statement about one direction was said, per direction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Said {
    ingress: Option<Span>,
    egress: Option<Span>,
}

impl Said {
    /// The place of a direction.
    pub fn at(&mut self, direction: ast::Direction) -> &mut Option<Span> {
        match direction {
            ast::Direction::Ingress => &mut self.ingress,
            ast::Direction::Egress => &mut self.egress,
        }
    }

    /// `enableDefaultDeny` from where `no default deny` was said: `false`
    /// for each such direction.
    pub fn switches(&self) -> ir::DefaultDeny {
        ir::DefaultDeny {
            ingress: self.ingress.map(|_| false),
            egress: self.egress.map(|_| false),
        }
    }

    /// Takes what a used category said, pointing at the `use`, where this
    /// policy said nothing yet.
    pub fn merge(&mut self, other: Said, use_span: Span) {
        self.ingress = self.ingress.or(other.ingress.map(|_| use_span));
        self.egress = self.egress.or(other.egress.map(|_| use_span));
    }
}

/// E0415: `default deny` and `no default deny` for one direction of one
/// policy. Cilium would write `enableDefaultDeny: false` and leave the
/// pods open, the opposite of the `default deny` the user also wrote.
/// Returns false when it reported an error.
pub fn check_default_deny_switches(
    deny_said: &Said,
    no_deny_said: &Said,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    let pairs = [
        (deny_said.ingress, no_deny_said.ingress, "ingress"),
        (deny_said.egress, no_deny_said.egress, "egress"),
    ];
    for (deny, no_deny, direction) in pairs {
        if let (Some(deny), Some(no_deny)) = (deny, no_deny) {
            ok = false;
            diags.push(
                report::deny_and_no_deny(no_deny, &direction)
                .label(format!("turns {direction} default deny off"))
                .secondary(deny, format!("asks for default deny of {direction} here"))
                .note(format!("Cilium would write `enableDefaultDeny: {{{direction}: false}}`, so the pods stay open to every {direction} flow the policy does not deny"))
                .help(format!("keep `default deny {direction}` to lock the pods down, or `no default deny {direction}` for a staged rollout, not both")),
            );
        }
    }
    ok
}
