//! Node and service peers (E0230-E0239).

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0230`: a `nodes` selector that names a label only pods have (the pod
/// namespace, a namespace label, the service account).
pub fn node_selector_pod_label(span: Span, key: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0230,
        span,
        format!("a node selector names `{key}`, a label no node has"),
    )
    .label("only pods carry this label")
    .note("`nodes` (Cilium `fromNodes`/`toNodes`) matches the labels of the Kubernetes Node object; namespaces and service accounts are labels of pods, so the selector matches nothing")
    .help("select nodes by their own labels (`nodes node-role.kubernetes.io/control-plane=\"\"`), or select pods with `pods ... in namespace NS`")
}
