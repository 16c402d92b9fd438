//! Custom Envoy listeners, `listener` (E0225-E0228).

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// Where `listener` was written without a place for it.
#[derive(Clone, Copy, Debug)]
pub enum MisplacedListener {
    /// On a rule without `port`.
    NoPort,
    /// On a `deny` rule.
    Deny,
    /// On an ingress (`from`) rule.
    Ingress,
}

/// `E0225`: `listener` on a rule without ports, a deny rule or an ingress
/// rule.
pub fn misplaced_listener(span: Span, place: MisplacedListener) -> Diagnostic {
    let diag = |message: &str| Diagnostic::new(Code::E0225, span, message.to_owned());
    match place {
        MisplacedListener::NoPort => diag("`listener` needs a port")
            .label("listener without a port")
            .note("Cilium attaches a listener to a port rule (`toPorts[].listener`)")
            .help("add the port the listener takes, such as `port 80/tcp`, before `listener`"),
        MisplacedListener::Deny => diag("a `deny` rule cannot redirect to a listener")
            .label("listener on a deny rule")
            .note(
                "Cilium's deny rules match on L3 and L4 only: their port rules have no `listener`",
            )
            .help("redirect with an `allow` rule"),
        MisplacedListener::Ingress => diag("`listener` works on egress rules only")
            .label("listener on an ingress rule")
            .note("the Cilium agent refuses a policy with a listener on an ingress rule")
            .help("write the listener on the client's egress rule (`allow to ...`)"),
    }
}

/// `E0226`: `listener` together with L7 rules or server names.
pub fn listener_with_l7(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0226,
        span,
        "an Envoy listener cannot be combined with L7 rules",
    )
    .label("L7 rule on a port rule with `listener`")
    .note("the Cilium agent refuses a port rule with both a listener and L7 rules: the listener decides what the proxy does")
    .help("write the L7 rules in the listener's Envoy config, or as another `allow` rule")
}

/// `E0227`: a listener priority outside 1..=100.
pub fn listener_priority(span: Span, written: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0227,
        span,
        format!("listener priority `{written}` is out of range"),
    )
    .label("not in 1..100")
    .note("Cilium's CRD accepts a listener priority from 1 to 100")
    .help("write a priority from 1 (first) to 100, or leave it out")
}

/// `E0228`: an empty listener or Envoy config name.
pub fn empty_listener_name(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0228,
        span,
        "an Envoy listener needs a name".to_owned(),
    )
    .label("empty name")
    .note("Cilium's CRD refuses an empty listener name or Envoy config name (`minLength: 1`)")
    .help("write the names as the CiliumEnvoyConfig defines them")
}

/// `E0229`: a generic L7 rule (`l7`) that cannot be written: protocols that
/// differ within one rule, an empty protocol, an empty or repeated key.
pub fn invalid_generic_l7(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(Code::E0229, span, message)
}
