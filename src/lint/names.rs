//! Name resolution as sema does it, for the lints that work on the syntax:
//! a file sees its own definitions, then those of the files it imports, in
//! order, then the standard library's; inside a category, its parameters
//! come first.
//!
//! The lints run only on a program without errors, so every name resolves;
//! a name that does not is skipped.

use std::collections::HashMap;

use crate::ast;
use crate::sema::join_import_path as join;
use crate::source::{FileId, Origin, SourceMap};

/// A definition: the file and the name.
pub type DefId<'a> = (FileId, &'a str);

/// Definitions and imports of every file.
pub struct Names<'a> {
    consts: HashMap<DefId<'a>, &'a ast::ConstDef>,
    categories: HashMap<DefId<'a>, &'a ast::Category>,
    /// Each file's imports, resolved: the import and the file it names.
    pub imports: HashMap<FileId, Vec<(&'a ast::Import, Option<FileId>)>>,
    stdlib: Vec<FileId>,
}

impl<'a> Names<'a> {
    /// Indexes every file.
    pub fn new(files: &'a [ast::File], sources: &SourceMap) -> Names<'a> {
        let by_path: HashMap<&str, FileId> = sources
            .iter()
            .map(|(id, file)| (file.path.as_str(), id))
            .collect();
        let mut names = Names {
            consts: HashMap::new(),
            categories: HashMap::new(),
            imports: HashMap::new(),
            stdlib: sources
                .iter()
                .filter(|(_, file)| file.origin == Origin::Stdlib)
                .map(|(id, _)| id)
                .collect(),
        };
        for file in files {
            let mut imports = Vec::new();
            for item in &file.items {
                match item {
                    ast::Item::Const(def) => {
                        names
                            .consts
                            .entry((file.id, def.name.node.as_str()))
                            .or_insert(def);
                    }
                    ast::Item::Category(def) => {
                        names
                            .categories
                            .entry((file.id, def.name.node.as_str()))
                            .or_insert(def);
                    }
                    ast::Item::Import(import) => {
                        let target = join(sources.path(file.id), &import.path.node)
                            .and_then(|path| by_path.get(path.as_str()).copied());
                        imports.push((import, target));
                    }
                    _ => {}
                }
            }
            names.imports.insert(file.id, imports);
        }
        names
    }

    /// The files `from` sees, in lookup order.
    fn visible(&self, from: FileId) -> impl Iterator<Item = FileId> + '_ {
        let imports = self
            .imports
            .get(&from)
            .into_iter()
            .flatten()
            .filter_map(|(_, target)| *target);
        std::iter::once(from)
            .chain(imports)
            .chain(self.stdlib.iter().copied())
    }

    /// The constant `$name` means in `from`.
    pub fn constant(&self, from: FileId, name: &'a str) -> Option<(DefId<'a>, &'a ast::ConstDef)> {
        self.visible(from).find_map(|file| {
            self.consts
                .get_key_value(&(file, name))
                .map(|(id, def)| (*id, *def))
        })
    }

    /// The category `use name` means in `from`.
    pub fn category(&self, from: FileId, name: &'a str) -> Option<(DefId<'a>, &'a ast::Category)> {
        self.visible(from).find_map(|file| {
            self.categories
                .get_key_value(&(file, name))
                .map(|(id, def)| (*id, *def))
        })
    }

    /// The user-visible constants, by id.
    pub fn consts(&self) -> impl Iterator<Item = (&DefId<'a>, &&'a ast::ConstDef)> {
        self.consts.iter()
    }

    /// The user-visible categories, by id.
    pub fn categories(&self) -> impl Iterator<Item = (&DefId<'a>, &&'a ast::Category)> {
        self.categories.iter()
    }
}
