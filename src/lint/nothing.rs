//! W0125: a selector whose namespace part matches no namespace of the
//! inventory, so the rule (or the cluster-wide policy) selects nothing.
//!
//! With `cluster namespaces { ... }` netpolc knows every namespace of the
//! cluster and its labels. A peer `pods in namespaces with team=x` (or a
//! cluster-wide policy's `select`) whose namespace requirements no listed
//! namespace meets matches no pod today. A selector that names a namespace
//! with a `namespace` block of its own is left to W0116, which already says
//! that the block's namespace is not in the inventory. Without an
//! inventory, nothing is said.

use super::repo::Repo;
use super::select::{Namespace, Tri, may_select};
use crate::diag::{Diagnostic, report};
use crate::hash::{HashMap, HashMapExt};
use crate::ir::{self, PeerRef};
use crate::sema::SYSTEM_NAMESPACES;
use crate::source::Span;

/// The namespace key Cilium puts on every pod.
const NAMESPACE_KEY: &str = "io.kubernetes.pod.namespace";
/// The prefix of the namespace labels Cilium copies onto every pod.
const NAMESPACE_LABELS: &str = "io.cilium.k8s.namespace.labels.";

/// W0125.
pub fn check<'a>(repo: &'a Repo<'a>, diags: &mut Vec<Diagnostic>) {
    let Some(inventory) = &repo.program.inventory else {
        return;
    };
    let mut known: HashMap<&ir::Selector, bool> = HashMap::new();
    let mut empty = |selector: &'a ir::Selector| -> bool {
        if let Some(answer) = known.get(selector) {
            return *answer;
        }
        let answer = namespace_part(selector).next().is_some()
            && !names_a_namespace_block(repo, selector)
            && inventory
                .namespaces
                .keys()
                .all(|name| may_select(selector, &Namespace::lookup(repo, name)) == Tri::No);
        known.insert(selector, answer);
        answer
    };
    let mut found: Vec<(Span, &ir::Selector, bool)> = Vec::new();
    for inst in &repo.instances {
        if inst.namespace.is_none() {
            if let ir::Subject::Pods(subject) = &inst.spec().subject {
                if empty(subject) {
                    found.push((inst.name_span, subject, true));
                }
            }
        }
        let spec: &'a ir::PolicySpec = inst.spec();
        for rule in spec.rules() {
            let PeerRef::Endpoints(selectors) = rule.peer else {
                continue;
            };
            if let Some(selector) = selectors.iter().find(|selector| empty(selector)) {
                found.push((repo.peer_span(rule.origin, inst), selector, false));
            }
        }
    }
    for (span, selector, subject) in found {
        let what: Vec<String> = namespace_part(selector).collect();
        diags.push(
            report::selects_no_namespace(span, &what.join(", "), subject).help(
                "check the namespace labels against `cluster namespaces`: fix the selector, or add the namespace (with its labels) to the inventory",
            ),
        );
    }
}

/// The selector's requirements on the namespace, in words.
fn namespace_part(selector: &ir::Selector) -> impl Iterator<Item = String> + '_ {
    let labels = selector.match_labels.iter().filter_map(|(key, value)| {
        match namespace_key(key.as_str())? {
            "namespace" => Some(format!("namespace {value}")),
            key => Some(format!("{key}={value}")),
        }
    });
    let expressions = selector.match_expressions.iter().filter_map(|expression| {
        let key = namespace_key(expression.key.as_str())?;
        let values: Vec<&str> = expression
            .values
            .iter()
            .map(|value| value.as_str())
            .collect();
        Some(match expression.operator {
            ir::Operator::In => format!("{key} in ({})", values.join(", ")),
            ir::Operator::NotIn => format!("{key} notin ({})", values.join(", ")),
            ir::Operator::Exists => key.to_owned(),
            ir::Operator::DoesNotExist => format!("!{key}"),
        })
    });
    labels.chain(expressions)
}

/// A namespace requirement's key in words: `namespace` for the pod's
/// namespace, the namespace label's own key otherwise; `None` for a pod
/// label.
fn namespace_key(key: &str) -> Option<&str> {
    let key = key
        .strip_prefix("k8s:")
        .or_else(|| key.strip_prefix("any:"))
        .unwrap_or(key);
    if key == NAMESPACE_KEY {
        return Some("namespace");
    }
    key.strip_prefix(NAMESPACE_LABELS)
}

/// Whether the selector names, by name, a namespace that has a `namespace`
/// block (W0116 speaks for it), or a system namespace (which an inventory
/// may leave out: ADR-003 gives them no policy).
fn names_a_namespace_block(repo: &Repo<'_>, selector: &ir::Selector) -> bool {
    super::select::names_namespaces(selector)
        .iter()
        .any(|name| repo.program.namespaces.contains_key(*name) || SYSTEM_NAMESPACES.contains(name))
}
