//! W0127: a `cidr groups with SELECTOR` that selects no CIDR group of the
//! repository.
//!
//! The CiliumCIDRGroups a repository writes are its `group` constants, with
//! the labels of their `label` clauses. A selector that none of them meets
//! selects only groups made elsewhere in the cluster (by hand, or by
//! Cilium for `toGroups`), which netpolc cannot see: usually a misspelt
//! label. A warning, since such groups may exist.

use super::repo::Repo;
use crate::diag::{Diagnostic, report};
use crate::ir::PeerRef;

/// W0127.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in &repo.instances {
        for rule in inst.policy.spec.rules() {
            let PeerRef::CidrGroups(peer) = rule.peer else {
                continue;
            };
            for selector in peer.selectors() {
                if !repo
                    .program
                    .cidr_groups
                    .values()
                    .any(|group| group.selected_by(selector))
                {
                    diags.push(report::unmatched_group_selector(
                        repo.peer_span(rule.origin, inst),
                        &describe(selector),
                    ));
                }
            }
        }
    }
}

/// A selector in the language's words, for the message.
fn describe(selector: &crate::ir::Selector) -> String {
    let mut terms: Vec<String> = selector
        .match_labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    terms.extend(selector.match_expressions.iter().map(|expression| {
        let values: Vec<&str> = expression
            .values
            .iter()
            .map(|value| value.as_str())
            .collect();
        match expression.operator {
            crate::ir::Operator::In => format!("{} in ({})", expression.key, values.join(", ")),
            crate::ir::Operator::NotIn => {
                format!("{} notin ({})", expression.key, values.join(", "))
            }
            crate::ir::Operator::Exists => expression.key.to_string(),
            crate::ir::Operator::DoesNotExist => format!("!{}", expression.key),
        }
    }));
    match terms.as_slice() {
        [one] => one.clone(),
        _ => format!("{{ {} }}", terms.join(", ")),
    }
}
