//! Selectors as `.netpol` text: subjects (`select ...`), pod peers with
//! their scope, and selector terms.
//!
//! **Invariant:** a namespace term is written as a scope (`in namespace
//! shop`) only where sema lowers that scope to the same terms (`scope.rs`);
//! otherwise the selector is written out term by term, keeping each key's
//! spelling.

use std::fmt::Write as _;

use super::model::{Expression, Kind, Selector, Subject};
use super::print::quote;
use super::scope::{self, Scope, names_pod_namespace};
use crate::ir::Operator;

/// The subject after `select`.
pub fn subject(subject: &Subject, kind: Kind) -> String {
    match (subject, kind) {
        (Subject::Nodes(selector), _) if selector.is_empty() => "all nodes".to_owned(),
        (Subject::Nodes(selector), _) => format!("nodes {}", self::selector(selector)),
        (Subject::Pods(selector), Kind::Cnp) if selector.is_empty() => "pods".to_owned(),
        (Subject::Pods(selector), Kind::Cnp) => format!("pods {}", self::selector(selector)),
        (Subject::Pods(selector), Kind::Ccnp) if selector.is_empty() => "everything".to_owned(),
        (Subject::Pods(selector), Kind::Ccnp) => {
            let scoped = scope::split(selector).and_then(|(rest, scope)| {
                let text = match scope {
                    // A `reserved:` key selects Cilium's own endpoints, which
                    // have no namespace: written out as it is.
                    Scope::Unscoped if selects_reserved(selector) => return None,
                    Scope::Unscoped => "in all namespaces".to_owned(),
                    Scope::All => "in all namespaces".to_owned(),
                    Scope::Named(names) => format!("in namespace {}", names.join(", ")),
                    Scope::AllExcept(names) => {
                        format!("in all namespaces except {}", names.join(", "))
                    }
                    Scope::Labelled(labels) => {
                        format!("in namespaces with {}", self::selector(&labels))
                    }
                };
                Some(pods(&[rest], &text))
            });
            scoped.unwrap_or_else(|| format!("pods {}", self::selector(selector)))
        }
    }
}

/// `pods A, B in SCOPE`, or `pods in SCOPE` for one empty selector.
fn pods(selectors: &[Selector], scope: &str) -> String {
    let mut text = "pods".to_owned();
    if !(selectors.len() == 1 && selectors.iter().all(Selector::is_empty)) {
        let list: Vec<String> = selectors.iter().map(selector).collect();
        let _ = write!(text, " {}", list.join(", "));
    }
    if !scope.is_empty() {
        let _ = write!(text, " {scope}");
    }
    text
}

/// A pod peer: one scope for every selector when they share it, else every
/// selector written out (module docs).
pub fn endpoints(selectors: &[Selector], kind: Kind) -> String {
    let splits: Option<Vec<(Selector, Scope)>> = selectors.iter().map(scope::split).collect();
    splits
        .and_then(|splits| scoped_endpoints(&splits, kind))
        .unwrap_or_else(|| literal_endpoints(selectors, kind))
}

fn scoped_endpoints(splits: &[(Selector, Scope)], kind: Kind) -> Option<String> {
    let single_names: Option<Vec<&String>> = splits
        .iter()
        .map(|(rest, scope)| match scope {
            Scope::Named(names) if rest.is_empty() && names.len() == 1 => names.first(),
            _ => None,
        })
        .collect();
    if let Some(names) = single_names {
        let mut distinct = names.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() == names.len() {
            let names: Vec<&str> = names.iter().map(|name| name.as_str()).collect();
            return Some(format!("namespace {}", names.join(", ")));
        }
    }
    let (first_rest, first_scope) = splits.first()?;
    if splits.iter().any(|(_, scope)| scope != first_scope) {
        return None;
    }
    if let (Scope::Labelled(labels), [_]) = (first_scope, splits) {
        if first_rest.is_empty() {
            return Some(format!("namespaces with {}", selector(labels)));
        }
    }
    let text = match (first_scope, kind) {
        (Scope::Unscoped, Kind::Cnp) => String::new(),
        (Scope::Unscoped | Scope::All, _) => "in all namespaces".to_owned(),
        (Scope::Named(names), _) => format!("in namespace {}", names.join(", ")),
        (Scope::AllExcept(names), _) => format!("in all namespaces except {}", names.join(", ")),
        (Scope::Labelled(labels), _) => format!("in namespaces with {}", selector(labels)),
    };
    let rests: Vec<Selector> = splits.iter().map(|(rest, _)| rest.clone()).collect();
    Some(pods(&rests, &text))
}

/// Every selector written out; in a cluster-wide policy, a selector that
/// names no namespace gets the `Exists` term Cilium would add to it.
fn literal_endpoints(selectors: &[Selector], kind: Kind) -> String {
    let list: Vec<String> = selectors
        .iter()
        .map(|selector| {
            let namespace_labels = selector.keys().any(scope::is_namespace_label_key);
            if kind == Kind::Ccnp && !names_pod_namespace(selector) && !namespace_labels {
                let mut scoped = selector.clone();
                scoped.expressions.push(Expression {
                    key: "k8s:io.kubernetes.pod.namespace".to_owned(),
                    operator: Operator::Exists,
                    values: Vec::new(),
                });
                braced(&scoped)
            } else {
                braced(selector)
            }
        })
        .collect();
    format!("pods {}", list.join(", "))
}

/// A selector: `key=value` alone, else `{...}`.
pub fn selector(selector: &Selector) -> String {
    match (selector.labels.as_slice(), selector.expressions.is_empty()) {
        ([(key, value)], true) => format!("{key}={}", label_value(value)),
        _ => braced(selector),
    }
}

fn braced(selector: &Selector) -> String {
    let mut terms: Vec<String> = selector
        .labels
        .iter()
        .map(|(key, value)| format!("{key}={}", label_value(value)))
        .collect();
    terms.extend(selector.expressions.iter().map(|expression| {
        let values: Vec<String> = expression
            .values
            .iter()
            .map(|value| label_value(value))
            .collect();
        match expression.operator {
            Operator::In => format!("{} in ({})", expression.key, values.join(", ")),
            Operator::NotIn => format!("{} notin ({})", expression.key, values.join(", ")),
            Operator::Exists => expression.key.clone(),
            Operator::DoesNotExist => format!("!{}", expression.key),
        }
    }));
    format!("{{{}}}", terms.join(", "))
}

/// A label value: bare when the grammar allows it, else quoted.
pub fn label_value(value: &str) -> String {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        value.to_owned()
    } else {
        quote(value)
    }
}

/// True when a selector has a `reserved:` key.
fn selects_reserved(selector: &Selector) -> bool {
    selector.keys().any(|key| key.starts_with("reserved:"))
}
