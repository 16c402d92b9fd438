//! Namespace terms of a selector: which part of a Cilium label selector
//! `.netpol` writes as a scope (`in namespace shop`, `in all namespaces
//! except kube-system`, `in namespaces with team=a`).
//!
//! sema adds these terms back when it lowers the scope (`sema/rules.rs`), in
//! the spelling `k8s:io.kubernetes.pod.namespace` and
//! `io.cilium.k8s.namespace.labels.KEY`; Cilium reads every source spelling
//! of these keys as the same key (SEMANTICS.md §5.1).

use super::model::{Expression, Selector};
use crate::ir::Operator;

/// The label that holds a pod's namespace, without its source.
const NAMESPACE_KEY: &str = "io.kubernetes.pod.namespace";

/// The prefix of the labels a pod gets from its namespace, without a source.
const NAMESPACE_LABELS: &str = "io.cilium.k8s.namespace.labels.";

/// A key without a `k8s:` or `any:` source.
fn bare(key: &str) -> &str {
    key.strip_prefix("k8s:")
        .or_else(|| key.strip_prefix("any:"))
        .unwrap_or(key)
}

/// True for any spelling of the pod namespace key.
pub fn is_namespace_key(key: &str) -> bool {
    bare(key) == NAMESPACE_KEY
}

/// True for any spelling of a namespace-label key.
pub fn is_namespace_label_key(key: &str) -> bool {
    namespace_label(key).is_some()
}

/// The namespace label a key stands for, for a namespace-label key.
fn namespace_label(key: &str) -> Option<&str> {
    bare(key).strip_prefix(NAMESPACE_LABELS)
}

/// True when the selector says which namespace its pods are in.
pub fn names_pod_namespace(selector: &Selector) -> bool {
    selector.keys().any(is_namespace_key)
}

/// The namespaces a selector's scope covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// No namespace term.
    Unscoped,
    /// `in namespace a, b`.
    Named(Vec<String>),
    /// `in all namespaces except a, b` (`Exists` and `NotIn`).
    AllExcept(Vec<String>),
    /// `in all namespaces` written out (`Exists`).
    All,
    /// `in namespaces with SELECTOR`: namespace labels, keys without the prefix.
    Labelled(Selector),
}

/// Splits a selector into the terms `.netpol` writes before `in` and its
/// scope; `None` when the namespace terms do not make one scope (two of
/// them, `DoesNotExist`, a repeated name, or both kinds of key).
pub fn split(selector: &Selector) -> Option<(Selector, Scope)> {
    let mut rest = Selector::default();
    let mut named: Vec<Scope> = Vec::new();
    let mut labelled = Selector::default();
    for (key, value) in &selector.labels {
        if is_namespace_key(key) {
            named.push(Scope::Named(vec![value.clone()]));
        } else if let Some(label) = namespace_label(key) {
            labelled.labels.push((label.to_owned(), value.clone()));
        } else {
            rest.labels.push((key.clone(), value.clone()));
        }
    }
    for expression in &selector.expressions {
        if is_namespace_key(&expression.key) {
            let mut distinct = expression.values.clone();
            distinct.sort();
            distinct.dedup();
            if distinct.len() != expression.values.len() {
                return None;
            }
            named.push(match expression.operator {
                Operator::In => Scope::Named(expression.values.clone()),
                Operator::NotIn => Scope::AllExcept(expression.values.clone()),
                Operator::Exists => Scope::All,
                Operator::DoesNotExist => return None,
            });
        } else if let Some(label) = namespace_label(&expression.key) {
            labelled.expressions.push(Expression {
                key: label.to_owned(),
                ..expression.clone()
            });
        } else {
            rest.expressions.push(expression.clone());
        }
    }
    // A scope names namespaces bare, so each name must be one.
    let bare_names = |names: &[String]| {
        names.iter().all(|name| {
            name.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    };
    if named.iter().any(|scope| matches!(scope, Scope::Named(names) | Scope::AllExcept(names) if !bare_names(names))) {
        return None;
    }
    // sema writes `in all namespaces except a` as `Exists` and `NotIn [a]`
    // (pods only); a bare `NotIn` also matches endpoints without a
    // namespace, which no scope says, so it stays written out.
    let scope = match (named.as_slice(), labelled.is_empty()) {
        ([], true) => Scope::Unscoped,
        ([], false) => Scope::Labelled(labelled),
        ([Scope::AllExcept(_)], true) => return None,
        ([one], true) => one.clone(),
        ([Scope::All, Scope::AllExcept(names)] | [Scope::AllExcept(names), Scope::All], true) => {
            Scope::AllExcept(names.clone())
        }
        _ => return None,
    };
    Some((rest, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(labels: &[(&str, &str)], expressions: &[(&str, Operator, &[&str])]) -> Selector {
        Selector {
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            expressions: expressions
                .iter()
                .map(|(key, operator, values)| Expression {
                    key: (*key).to_owned(),
                    operator: *operator,
                    values: values.iter().map(|v| (*v).to_owned()).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn splits_every_spelling_of_the_namespace_key() {
        for key in [
            "io.kubernetes.pod.namespace",
            "k8s:io.kubernetes.pod.namespace",
            "any:io.kubernetes.pod.namespace",
        ] {
            let (rest, scope) = split_ok(&sel(&[(key, "shop"), ("app", "web")], &[]));
            assert_eq!(rest, sel(&[("app", "web")], &[]));
            assert_eq!(scope, Scope::Named(vec!["shop".to_owned()]));
        }
        let (_, scope) = split_ok(&sel(
            &[],
            &[
                ("io.kubernetes.pod.namespace", Operator::Exists, &[]),
                (
                    "io.kubernetes.pod.namespace",
                    Operator::NotIn,
                    &["kube-system"],
                ),
            ],
        ));
        assert_eq!(scope, Scope::AllExcept(vec!["kube-system".to_owned()]));
        // A bare `NotIn` also matches endpoints without a namespace label,
        // which `in all namespaces except` no longer says.
        assert_eq!(
            split(&sel(
                &[],
                &[(
                    "io.kubernetes.pod.namespace",
                    Operator::NotIn,
                    &["kube-system"]
                )],
            )),
            None
        );
        let (rest, scope) = split_ok(&sel(
            &[("k8s:io.cilium.k8s.namespace.labels.team", "a")],
            &[],
        ));
        assert!(rest.is_empty());
        assert_eq!(scope, Scope::Labelled(sel(&[("team", "a")], &[])));
    }

    #[test]
    fn mixed_namespace_terms_do_not_split() {
        assert_eq!(
            split(&sel(
                &[
                    ("io.kubernetes.pod.namespace", "a"),
                    ("io.cilium.k8s.namespace.labels.x", "y")
                ],
                &[]
            )),
            None
        );
        assert_eq!(
            split(&sel(
                &[("io.kubernetes.pod.namespace", "a")],
                &[("io.kubernetes.pod.namespace", Operator::Exists, &[])]
            )),
            None
        );
        assert_eq!(
            split(&sel(
                &[],
                &[("io.kubernetes.pod.namespace", Operator::DoesNotExist, &[])]
            )),
            None
        );
    }

    /// `split`, with a sentinel scope that no assertion expects when it fails.
    fn split_ok(selector: &Selector) -> (Selector, Scope) {
        split(selector).unwrap_or((
            Selector::default(),
            Scope::Named(vec!["<no split>".to_owned()]),
        ))
    }
}
