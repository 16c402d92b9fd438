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
}

/// `E0502`: policy for a system namespace must be said on purpose.
pub fn system_namespace_policy(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0502,
        span,
        format!("policies for `{name}` must be marked `system`"),
    )
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
    let message = match problem {
        ClusterPolicyEverywhere::Unsaid => {
            "this cluster policy does not say what it selects".to_owned()
        }
        ClusterPolicyEverywhere::EveryNamespace => {
            "this cluster policy selects pods in every namespace without saying so".to_owned()
        }
    };
    Diagnostic::new(Code::E0503, span, message)
}

/// `E0504`: rule that allows nothing must be said on purpose.
pub fn allows_nothing(span: Span, message: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::E0504, span, format!("{message}"))
}

/// `E0505`: pod peer in a cluster-wide policy without a namespace.
pub fn unnamespaced_pod_peer(span: Span, what: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0505,
        span,
        format!("this `{what}` peer matches every namespace without saying so"),
    )
}
