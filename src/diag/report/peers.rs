//! Node peers, CIDR group labels and selectors, AWS groups (E0230-E0239).

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

/// What is wrong with a `label` clause of a constant.
#[derive(Clone, Copy, Debug)]
pub enum InvalidGroupLabels<'a> {
    /// The constant is not a CIDR group.
    NotAGroup {
        /// The constant.
        name: &'a str,
    },
    /// A key with a Cilium source prefix (`k8s:`).
    Source {
        /// The key.
        key: &'a str,
    },
}

/// `E0231`: a `label` clause on a constant that is not a CIDR group, or a
/// group label with a source prefix.
pub fn invalid_group_labels(span: Span, what: InvalidGroupLabels<'_>) -> Diagnostic {
    match what {
        InvalidGroupLabels::NotAGroup { name } => Diagnostic::new(
            Code::E0231,
            span,
            format!("`{name}` has labels but is not a CIDR group"),
        )
        .label("labels of a constant that is not written as a CiliumCIDRGroup")
        .note("labels belong to the CiliumCIDRGroup netpolc writes for a `group` constant, so that `cidr groups with SELECTOR` can select it")
        .help("write `group` before the CIDRs (`const NAME = group [...] label k=v`), or remove the labels"),
        InvalidGroupLabels::Source { key } => Diagnostic::new(
            Code::E0231,
            span,
            format!("the CIDR group label `{key}` has a source prefix"),
        )
        .label("a Kubernetes object label")
        .note("group labels are the CiliumCIDRGroup's `metadata.labels`: Kubernetes label keys, which have no Cilium source such as `k8s:`")
        .help("write the key without its source"),
    }
}

/// `W0127`: a `cidr groups with SELECTOR` that selects no CIDR group the
/// repository writes.
pub fn unmatched_group_selector(span: Span, selector: &str) -> Diagnostic {
    Diagnostic::new(
        Code::W0127,
        span,
        format!("`cidr groups with {selector}` selects no CIDR group of this repository"),
    )
    .label("no `group` constant has these labels")
    .note("the rule selects only the CiliumCIDRGroups made elsewhere in the cluster, if any")
    .help("give a group the labels (`const NAME = group [...] label k=v`), fix the selector, or `silence W0127 \"reason\"` when the groups are made outside the repository")
}

/// `E0232`: an `aws` group with no security group id, no name and no label.
pub fn empty_aws_group(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0232,
        span,
        "this AWS group names no security group and no label",
    )
    .label("an `aws` entry with nothing to select by")
    .note("Cilium resolves an AWS group (`fromGroups`/`toGroups`) by asking AWS for the network interfaces that match its security groups and labels; with none of them the group says nothing about which addresses it means")
    .help("name the security groups (`aws groups \"sg-0123\"` or `aws groups named \"web\"`) or the ENI labels (`aws with team=db`)")
}

/// `E0233`: `aws with SELECTOR` using an expression (`in`, `notin`, `!key`,
/// a bare key) where AWS labels are plain `key=value` pairs.
pub fn aws_labels_not_equality(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0233,
        span,
        "AWS group labels must be plain `key=value` pairs",
    )
    .label("an expression, not `key=value`")
    .note("`aws.labels` in a CiliumNetworkPolicy is a map of label to value, all of which the network interface must carry; there is no `in`, `notin` or existence test")
    .help("write each label as `key=value`, e.g. `aws with {team=db, env=prod}`")
}
