//! W0109, W0110, W0111: constants, categories and imports nothing uses.
//!
//! A definition is used when some `$NAME` or `use NAME` resolves to it,
//! wherever that reference is (even inside a category that is itself
//! unused: removing the category first then shows the rest). An import is
//! used when some name of the importing file resolves through it. Both come
//! from the name index ([`crate::sema::Index`]). The standard library's
//! definitions never warn (and nothing there can use a user's). A CIDR
//! group constant with labels is used by being written (for
//! `cidr groups with ...`).

use super::repo::Repo;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::sema::index::{Def, DefKind, Detail};

/// W0109, W0110 and W0111.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for def in unused(repo, DefKind::Constant) {
        diags.push(
            report::unused_constant(def.span, &def.name)
                .help(format!("remove it, or use it as `${}`", def.name)),
        );
    }
    for def in unused(repo, DefKind::Category) {
        let sentence = match &def.detail {
            Detail::Category { sentence, .. } => sentence.as_deref(),
            _ => None,
        };
        diags.push(
            report::unused_category(def.span, &def.name).help(match sentence {
                Some(sentence) => format!(
                    "remove it, or write `{sentence}` (its sentence) in a namespace or policy"
                ),
                None => format!("remove it, or `use {}` in a namespace or policy", def.name),
            }),
        );
    }
    for import in repo.index.imports() {
        if repo.is_user_file(import.file) && !import.used {
            diags.push(report::unused_import(import.span, &import.path));
        }
    }
}

/// The user's definitions of a kind that nothing uses, in source order.
fn unused<'r>(repo: &Repo<'r>, kind: DefKind) -> Vec<&'r Def> {
    let index = repo.index;
    let mut defs: Vec<&Def> = index
        .of_kind(kind)
        .filter(|(id, def)| repo.is_user(def.span) && index.references(*id).is_empty())
        .map(|(_, def)| def)
        // A CIDR group with labels is written for `cidr groups with ...`
        // to select: used without any `$NAME`.
        .filter(|def| {
            kind != DefKind::Constant
                || !repo
                    .program
                    .cidr_groups
                    .values()
                    .any(|group| group.origin == def.span && !group.labels.is_empty())
        })
        .collect();
    defs.sort_by_key(|def| def.span);
    defs
}
