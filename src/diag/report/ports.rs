//! Port-level fields and authentication: `authentication` (E0220, E0221).

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0220`: `authentication` on a `deny` rule.
pub fn authentication_on_deny(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0220,
        span,
        "a `deny` rule cannot require authentication",
    )
    .label("authentication on a deny rule")
    .note("Cilium's deny rules have no `authentication` field: the API server refuses it, and the agent's decoder drops it")
    .help("remove `authentication`, or require it on the `allow` rule that admits the traffic")
}

/// `E0221`: an authentication mode Cilium does not know.
pub fn unknown_authentication_mode(span: Span, mode: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0221,
        span,
        format!("`{mode}` is not an authentication mode"),
    )
    .label("unknown mode")
    .note("Cilium's `authentication.mode` is one of `required`, `disabled` and `test-always-fail`")
}
