//! Policies that must be said on purpose (E05xx).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0501`: `entity all` must be said on purpose.
pub fn entity_all(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0501,
        span,
        "`entity all` allows every peer, the internet included",
    )
    .label("every identity, `world` included")
    .help("write `everything` instead of `entity all` if you mean it")
}

/// `E0502`: policy for a system namespace must be said on purpose.
pub fn system_namespace_policy(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0502,
        span,
        format!("policies for `{name}` must be marked `system`"),
    )
        .label("a system namespace")
        .note("restricting core cluster components can break the cluster itself (DNS, the API server, CNI)")
}

/// What [`cluster_policy_everywhere`] reports.
pub enum ClusterPolicyEverywhere {
    /// "this cluster policy does not say what it selects"
    Unsaid,
    /// "this cluster policy selects pods in every namespace without saying so"
    EveryNamespace,
}

/// `E0503`: cluster-wide policy over every namespace must be said on purpose.
pub fn cluster_policy_everywhere(span: Span, problem: ClusterPolicyEverywhere) -> Diagnostic {
    match problem {
        ClusterPolicyEverywhere::Unsaid => Diagnostic::new(Code::E0503, span, {
            "this cluster policy does not say what it selects".to_owned()
        })
        .label("no `select`")
        .note("a cluster-wide policy applies to endpoints in every namespace, kube-system included")
        .help("add `select pods ... in namespace NAME`, `select pods in all namespaces` or `select all nodes`"),
        ClusterPolicyEverywhere::EveryNamespace => Diagnostic::new(Code::E0503, span, {
            "this cluster policy selects pods in every namespace without saying so".to_owned()
        })
        .label("no namespace scope")
        .note("in a cluster-wide policy a pod selector matches every namespace, kube-system included")
        .help("add `in all namespaces` if you mean it, or `in namespace NAME` / `in namespaces with LABELS`"),
    }
}

/// The peer of a rule that allows nothing, for [`allows_nothing`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmptyPeer {
    /// `anywhere` without a port or ICMP type.
    Anywhere,
    /// Only the `none` entity.
    NoneEntity,
    /// A list that came out empty.
    EmptyList,
}

/// `E0504`: rule that allows nothing must be said on purpose.
pub fn allows_nothing(span: Span, peer: EmptyPeer, direction: &str) -> Diagnostic {
    let (message, label, help) = match peer {
        EmptyPeer::Anywhere => (
            format!(
                "`anywhere` without a port allows nothing and turns {direction} to default deny"
            ),
            "no port or ICMP type",
            format!(
                "add `port ...`, write `everything` to allow all, or write `default deny {direction}` if you mean to deny"
            ),
        ),
        EmptyPeer::NoneEntity => (
            format!(
                "`entity none` selects nothing, so the rule allows nothing and turns {direction} to default deny"
            ),
            "the `none` entity",
            format!(
                "name the peer the rule is for, or write `default deny {direction}` if you mean to deny"
            ),
        ),
        EmptyPeer::EmptyList => (
            format!(
                "this peer list is empty, so the rule allows nothing and turns {direction} to default deny"
            ),
            "empty list",
            format!(
                "give the list a value, or write `default deny {direction}` if you mean to deny"
            ),
        ),
    };
    Diagnostic::new(Code::E0504, span, message)
        .label(label)
        .note("Cilium reads a rule without a peer or port as \"select, allow nothing\"")
        .help(help)
}

/// `E0505`: pod peer in a cluster-wide policy without a namespace.
pub fn unscoped_cluster_peer(span: Span, what: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0505,
        span,
        format!("this `{what}` peer matches every namespace without saying so"),
    )
    .label("no namespace scope")
}
