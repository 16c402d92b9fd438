//! The object's `metadata` labels and annotations (E0240-E0241), and the
//! rule's `log` (E0242).

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0240`: a `metadata label` or `metadata annotation` key that Kubernetes
/// refuses; `why` says which part is wrong.
pub fn invalid_metadata_key(span: Span, what: &str, key: &str, why: &str) -> Diagnostic {
    let mut diag = Diagnostic::new(
        Code::E0240,
        span,
        format!("`{key}` is not a valid {what} key"),
    )
    .label(format!("invalid {what} key"))
    .note(why.to_owned())
    .note("a key is an optional DNS subdomain prefix and `/`, then a name of 1 to 63 letters, digits, `-`, `_` and `.` that starts and ends with a letter or digit");
    if key.contains(':') {
        diag = diag.help("object labels have no Cilium source: leave out `k8s:` and the like");
    }
    diag
}

/// `E0241`: one `metadata` key given two different values.
pub fn metadata_key_twice(span: Span, what: &str, key: &str, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0241,
        span,
        format!("the {what} `{key}` is given two different values"),
    )
    .label("second value")
    .secondary(first, "first value")
    .note("`metadata` is a map: an object carries one value per key")
    .help("keep one of the two")
}

/// `E0242`: a `log` value the CRD refuses; `why` says how.
pub fn invalid_log_value(span: Span, why: &str) -> Diagnostic {
    Diagnostic::new(Code::E0242, span, "invalid `log` value")
        .label(why.to_owned())
        .note("Cilium's `log.value` is at most 32 printable characters: no control, formatting or private-use character")
        .help("keep `log` to a short tag; `description` holds longer text")
}
