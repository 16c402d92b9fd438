//! W0109, W0110, W0111: constants, categories and imports nothing uses.
//!
//! A definition is used when some `$NAME` or `use NAME` of a user file
//! resolves to it, wherever that reference is (even inside a category that
//! is itself unused: removing the category first then shows the rest). An
//! import is used when some name of the importing file resolves through it.
//! The standard library's definitions never warn.

use std::collections::HashSet;

use super::names::{DefId, Names};
use super::repo::Repo;
use super::walk::{self, Place, Visitor};
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::source::{FileId, Spanned};

/// W0109, W0110 and W0111.
pub fn check(repo: &Repo<'_>, names: &Names<'_>, diags: &mut Vec<Diagnostic>) {
    let mut uses = Uses {
        names,
        used: HashSet::new(),
        imports: HashSet::new(),
    };
    for file in repo.user_files() {
        walk::walk_file(file, &mut uses);
    }
    let mut consts: Vec<_> = names
        .consts()
        .filter(|((file, name), _)| {
            repo.is_user_file(*file) && !uses.used.contains(&(*file, *name))
        })
        .collect();
    consts.sort_by_key(|(_, def)| def.name.span);
    for (_, def) in consts {
        diags.push(
            report::unused_constant(def.name.span, &def.name.node)
                .help(format!("remove it, or use it as `${}`", def.name.node)),
        );
    }
    let mut categories: Vec<_> = names
        .categories()
        .filter(|((file, name), _)| {
            repo.is_user_file(*file) && !uses.used.contains(&(*file, *name))
        })
        .collect();
    categories.sort_by_key(|(_, def)| def.name.span);
    for (_, def) in categories {
        diags.push(report::unused_category(def.name.span, &def.name.node).help(
            match &def.sentence {
                Some(sentence) => format!(
                    "remove it, or write `{} {}` (its sentence) in a namespace or policy",
                    sentence.verb.node.keyword(),
                    sentence.word.node
                ),
                None => format!(
                    "remove it, or `use {}` in a namespace or policy",
                    def.name.node
                ),
            },
        ));
    }
    for file in repo.user_files() {
        for (index, (import, _)) in names
            .imports
            .get(&file.id)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if !uses.imports.contains(&(file.id, index)) {
                diags.push(report::unused_import(import.span, &import.path.node));
            }
        }
    }
}

struct Uses<'n, 'a> {
    names: &'n Names<'a>,
    used: HashSet<DefId<'a>>,
    /// (importing file, index of the import in that file).
    imports: HashSet<(FileId, usize)>,
}

impl<'a> Uses<'_, 'a> {
    fn mark(&mut self, from: FileId, def: DefId<'a>) {
        self.used.insert(def);
        if def.0 == from {
            return;
        }
        let imports = self.names.imports.get(&from).into_iter().flatten();
        if let Some(index) = imports
            .clone()
            .position(|(_, target)| *target == Some(def.0))
        {
            self.imports.insert((from, index));
        }
    }
}

impl<'a> Visitor<'a> for Uses<'_, 'a> {
    fn reference(&mut self, name: &'a Spanned<String>, place: &Place<'a>) {
        if place
            .params
            .iter()
            .any(|param| param.name.node == name.node)
        {
            return;
        }
        if let Some((def, _)) = self.names.constant(place.file, &name.node) {
            self.mark(place.file, def);
        }
    }

    fn use_stmt(&mut self, use_stmt: &'a ast::Use, place: &Place<'a>) {
        if let Some((def, _)) = self.names.category(place.file, &use_stmt.name.node) {
            self.mark(place.file, def);
        }
    }
}
