//! TLS interception, `terminate tls` and `originate tls` (E0234-E0236).

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// Where a `tls` clause was written without a place for it.
#[derive(Clone, Copy, Debug)]
pub enum MisplacedTls {
    /// On a rule without `port`.
    NoPort,
    /// On a `deny` rule.
    Deny,
}

/// `E0234`: `terminate tls` or `originate tls` on a rule without ports, or
/// on a deny rule.
pub fn misplaced_tls(span: Span, clause: &str, place: MisplacedTls) -> Diagnostic {
    let diag = |message: String| Diagnostic::new(Code::E0234, span, message);
    match place {
        MisplacedTls::NoPort => diag(format!("`{clause} tls` needs a port"))
            .label("TLS without a port")
            .note("Cilium attaches TLS contexts to a port rule (`toPorts[].terminatingTLS` and `originatingTLS`)")
            .help("add `port 443/tcp` (or the right port) before the TLS clause"),
        MisplacedTls::Deny => diag(format!("a `deny` rule cannot `{clause} tls`"))
            .label("TLS on a deny rule")
            .note("Cilium's deny rules match on L3 and L4 only: they send nothing to the proxy, which is what ends and starts TLS")
            .help("deny the port without the TLS clause"),
    }
}

/// `E0235`: a TLS clause on a rule without L7 rules, which the agent ignores.
pub fn tls_without_l7(span: Span, clause: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0235,
        span,
        format!("`{clause} tls` has no effect without L7 rules"),
    )
    .label("TLS on a port rule without L7 rules")
    .note("the agent reads `terminatingTLS` and `originatingTLS` only on a port rule with L7 rules: the proxy ends TLS to read the requests inside, and without rules it has nothing to read")
    .help("add the L7 rules the decrypted traffic must match, such as `http \"/api/.*\"` (a bare `http` allows every request)")
}

/// `E0236`: the same TLS clause, or the same item of one, twice in a rule.
pub fn repeated_tls(span: Span, first: Span, what: &str) -> Diagnostic {
    Diagnostic::new(Code::E0236, span, format!("{what} is given twice"))
        .label("given again here")
        .secondary(first, "first given here")
        .note("a port rule has one `terminatingTLS` and one `originatingTLS`, each with one secret and at most one of each item")
        .help("remove one of them")
}
