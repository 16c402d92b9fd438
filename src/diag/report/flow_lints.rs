//! Warnings about flows, decided at both ends (W0121–W0125).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// The code [`egress_refused_by_ingress`] reports, for asking whether a
/// `silence` covers a place before the diagnostic is built.
pub const EGRESS_REFUSED_BY_INGRESS: Code = Code::W0121;

/// The code [`ingress_refused_by_egress`] reports (see
/// [`EGRESS_REFUSED_BY_INGRESS`]).
pub const INGRESS_REFUSED_BY_EGRESS: Code = Code::W0122;

/// The code [`fqdn_lookup_refused`] reports (see
/// [`EGRESS_REFUSED_BY_INGRESS`]).
pub const FQDN_LOOKUP_REFUSED: Code = Code::W0123;

/// `W0121`: an egress rule allows a flow that the destination's ingress
/// refuses. `flow` says which, in words.
pub fn egress_refused_by_ingress(span: Span, flow: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0121,
        span,
        format!("this rule allows {flow}, but the destination's ingress refuses it"),
    )
    .label("egress allowed here")
    .note("a flow passes only when the source's egress and the destination's ingress both allow it")
}

/// `W0122`: an ingress rule allows a flow that the source's egress refuses.
pub fn ingress_refused_by_egress(span: Span, flow: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::W0122,
        span,
        format!("this rule allows {flow}, but the source's egress refuses it"),
    )
    .label("ingress allowed here")
    .note("a flow passes only when the source's egress and the destination's ingress both allow it")
}

/// `W0123`: the DNS lookups of an `fqdn` peer's names (`names`, each in
/// backquotes) are refused on their way to kube-dns; `why` says where.
pub fn fqdn_lookup_refused(
    span: Span,
    names: &dyn fmt::Display,
    why: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::W0123,
        span,
        format!("the pods cannot look up {names}: {why}"),
    )
    .label("this `fqdn` rule never matches")
    .note("Cilium learns the addresses of an `fqdn` peer from the DNS answers its proxy sees; a lookup that never reaches kube-dns gives none")
}

/// `W0124`: an allow rule every flow of which a deny rule refuses.
pub fn allow_shadowed_by_deny(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::W0124,
        span,
        "a deny rule refuses everything this rule allows",
    )
    .label("this rule never allows anything")
    .note("Cilium checks deny rules first, and a deny wins over every allow")
}

/// `W0125`: a selector whose namespace part (`what`, in words) matches no
/// namespace of the inventory; `subject` for a cluster-wide policy's
/// `select`.
pub fn selects_no_namespace(span: Span, what: &dyn fmt::Display, subject: bool) -> Diagnostic {
    let (message, label) = if subject {
        (
            format!("this policy selects no pod: no namespace of the inventory matches `{what}`"),
            "this policy selects nothing",
        )
    } else {
        (
            format!("this peer matches no pod: no namespace of the inventory matches `{what}`"),
            "this rule matches nothing",
        )
    };
    Diagnostic::new(Code::W0125, span, message).label(label)
}
