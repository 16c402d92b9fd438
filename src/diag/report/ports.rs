//! Port-level fields and authentication: `authentication` (E0220, E0221),
//! VRRP and IGMP ports (E0222), HTTP header matches (E0223, E0224).

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

/// `E0222`: VRRP or IGMP with a port other than 0.
pub fn port_on_portless_protocol(span: Span, protocol: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0222,
        span,
        format!("`{protocol}` has no ports: write it as `0/{protocol}`"),
    )
    .label("a port or range with a protocol that has none")
    .note(format!(
        "Cilium refuses {} with a port other than \"0\": the protocol carries no port numbers",
        protocol.to_ascii_uppercase()
    ))
    .help(format!("write `port 0/{protocol}`"))
}

/// `E0223`: a header match's `mismatch` that is not an action.
pub fn unknown_mismatch_action(span: Span, action: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0223,
        span,
        format!("`{action}` is not a header mismatch action"),
    )
    .label("unknown action")
    .note("Cilium's `headerMatches[].mismatch` is one of `LOG`, `ADD`, `DELETE` and `REPLACE`")
    .help("write `mismatch log`, `mismatch add`, `mismatch delete` or `mismatch replace`, or leave it out to refuse the request")
}

/// `E0224`: a secret reference that is not `name` or `namespace/name`.
pub fn invalid_secret_ref(span: Span, text: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0224,
        span,
        format!("`{text}` is not a secret: write `name` or `namespace/name`"),
    )
    .label("invalid secret reference")
    .note("Cilium refuses a secret without a name; the namespace, when given, is the secret's namespace")
    .help("write `secret \"name\"` or `secret \"namespace/name\"`")
}
