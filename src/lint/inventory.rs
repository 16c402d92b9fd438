//! W0114 and W0116: the namespace inventory against the namespace blocks.
//!
//! ADR-003: every namespace has a policy file. With an inventory
//! (`cluster namespaces { ... }`) netpolc knows the cluster's namespaces,
//! so it can say which one has no policy (W0114), and which `namespace`
//! block names a namespace the inventory does not list, usually a typo
//! (W0116). System namespaces need no policy (ADR-003 gives them none).

use super::repo::Repo;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::sema::SYSTEM_NAMESPACES;

/// W0114 and W0116.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(inventory) = &repo.program.inventory else {
        return;
    };
    for (name, entry) in &inventory.namespaces {
        if SYSTEM_NAMESPACES.contains(&name.as_str()) {
            continue;
        }
        let has_policy = repo
            .program
            .namespaces
            .get(name)
            .is_some_and(|namespace| !namespace.policies.is_empty());
        if !has_policy {
            diags.push(
                report::namespace_without_policy(entry.origin, &name)
                    .help(format!("add `namespace {name} {{ ... }}` with its policies, or remove `{name}` from the inventory if the cluster no longer has it")),
            );
        }
    }
    let listed: Vec<&str> = inventory
        .namespaces
        .keys()
        .map(|name| name.as_str())
        .collect();
    for file in repo.user_files() {
        for item in &file.items {
            let ast::Item::Namespace(decl) = item else {
                continue;
            };
            if inventory.namespaces.contains_key(decl.name.node.as_str()) {
                continue;
            }
            diags.push(
                report::namespace_not_in_inventory(decl.name.span, &decl.name.node).help(
                    match crate::sema::closest(&decl.name.node, listed.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("add `{}` to `cluster namespaces`", decl.name.node),
                    },
                ),
            );
        }
    }
}
