//! TLS server names, `sni` (E0216-E0219).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0216`: a server name that no Cilium version's CRD accepts.
pub fn invalid_server_name(span: Span, name: &str) -> Diagnostic {
    let message = if name.is_empty() {
        "a TLS server name is empty".to_owned()
    } else {
        format!("`{name}` is not a valid TLS server name")
    };
    Diagnostic::new(Code::E0216, span, message)
}

/// `E0217`: the same server name twice in one rule.
pub fn duplicate_server_name(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0217,
        span,
        format!("the server name `{name}` is listed twice"),
    )
    .label("listed again here")
    .note("Cilium's `serverNames` is a set: the API server refuses a policy that repeats a name")
    .help("remove the second one")
}

/// `E0218`: `sni` together with L7 rules.
pub fn server_names_with_l7(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0218,
        span,
        "TLS server names cannot be combined with L7 rules",
    )
    .label("L7 rule on a port rule with `sni`")
    .note("Cilium refuses `serverNames` with L7 rules unless its proxy terminates TLS: without that, the proxy sees only encrypted bytes")
    .help("add `terminate tls secret \"NAMESPACE/NAME\"` (and `originate tls ...`) to read the requests inside TLS, or write the L7 rules and the `sni` restriction as two `allow` rules")
}

/// Where `sni` was written without a place for it.
#[derive(Clone, Copy, Debug)]
pub enum MisplacedServerNames {
    /// On a rule without `port`.
    NoPort,
    /// On a `deny` rule.
    Deny,
}

/// `E0219`: `sni` on a rule without ports, or on a deny rule.
pub fn misplaced_server_names(span: Span, place: MisplacedServerNames) -> Diagnostic {
    let diag = |message: &str| Diagnostic::new(Code::E0219, span, message.to_owned());
    match place {
        MisplacedServerNames::NoPort => diag("`sni` needs a port")
            .label("server names without a port")
            .note("Cilium attaches server names to a port rule (`toPorts[].serverNames`)")
            .help("add `port 443/tcp` (or the right port) before `sni`"),
        MisplacedServerNames::Deny => diag("a `deny` rule cannot restrict TLS server names")
            .label("server names on a deny rule")
            .note("Cilium's deny rules match on L3 and L4 only: their port rules have no `serverNames`")
            .help("deny the port without `sni`, or allow only the server names you want"),
    }
}
