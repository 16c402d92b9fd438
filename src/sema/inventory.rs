//! The namespace inventory (`cluster namespaces { ... }`): the namespaces the
//! cluster has, with their labels. It compiles to nothing; the lints use it
//! to find namespaces without policies and to know which cluster-wide
//! policies select a namespace by its labels.
//!
//! A repository may split its inventory over several items and files; each
//! namespace is listed once (E0103). Labels are `key=value` pairs (E0205).

use std::collections::BTreeMap;

use super::validate;
use super::values::{Env, Evaluator};
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::{FileId, Span};

/// Checks every inventory item; `None` when the repository has none.
pub fn inventory(
    items: &[(FileId, &ast::Inventory)],
    eval: &mut Evaluator<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Inventory> {
    if items.is_empty() {
        return None;
    }
    let mut namespaces: BTreeMap<ir::NamespaceName, ir::InventoryNamespace> = BTreeMap::new();
    for (file, item) in items {
        let env = Env {
            file: *file,
            params: None,
        };
        for entry in &item.entries {
            let Some(name) = validate::namespace_name(&entry.name.node, entry.name.span, diags)
            else {
                continue;
            };
            let labels = match &entry.labels {
                Some(selector) => match labels(selector, eval, env, diags) {
                    Some(labels) => labels,
                    None => continue,
                },
                None => BTreeMap::new(),
            };
            if let Some(first) = namespaces.get(&name) {
                diags.push(duplicate(&name, entry.name.span, first.origin));
                continue;
            }
            namespaces.insert(
                name,
                ir::InventoryNamespace {
                    origin: entry.name.span,
                    labels,
                },
            );
        }
    }
    Some(ir::Inventory { namespaces })
}

/// A namespace's labels: a selector of `key=value` terms only.
fn labels(
    selector: &ast::Selector,
    eval: &mut Evaluator<'_>,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<BTreeMap<ir::LabelKey, ir::LabelValue>> {
    let checked = eval.selector(selector, env, diags)?;
    if !checked.match_expressions.is_empty() {
        diags.push(report::invalid_label_selector(
            selector.span,
            report::InvalidLabelSelector::InventoryNotPairs,
        ));
        return None;
    }
    if let Some(key) = checked
        .match_labels
        .keys()
        .find(|key| key.as_str().contains(':'))
    {
        diags.push(
            report::invalid_label_selector(
                selector.span,
                report::InvalidLabelSelector::NamespaceSource { key: &key.as_str() },
            )
            .help(format!(
                "write `{}`",
                key.as_str().split_once(':').map_or("", |(_, rest)| rest)
            )),
        );
        return None;
    }
    Some(checked.match_labels.into())
}

fn duplicate(name: &str, span: Span, first: Span) -> Diagnostic {
    report::duplicate_definition(
        span,
        report::DuplicateDefinition::InventoryNamespace { name: &name },
    )
    .label(format!("`{name}` listed again here"))
    .secondary(first, format!("`{name}` first listed here"))
    .help(format!("remove one of the two entries for `{name}`"))
}
