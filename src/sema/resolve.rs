//! Name resolution: imports, definitions per file, duplicates (E0101–E0104).
//!
//! A file sees its own definitions, then those of the files it imports (not
//! transitively), then the standard library. Namespaces and cluster-wide
//! policies are global: each name may be declared once in the repository.

use super::suggest;
use crate::CiliumVersion;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::{HashMap, HashMapExt};
use crate::source::{FileId, Origin, SourceMap, Span};

/// Everything the later passes look names up in.
pub struct Defs<'a> {
    /// Constants defined in each file.
    consts: HashMap<FileId, HashMap<&'a str, &'a ast::ConstDef>>,
    /// Categories defined in each file.
    categories: HashMap<FileId, HashMap<&'a str, &'a ast::Category>>,
    /// For each file, the files whose definitions it sees, in lookup order:
    /// itself and the files it imports. The standard library's files come
    /// after these for every file ([`Defs::stdlib`]), so they are kept once.
    visible: HashMap<FileId, Vec<FileId>>,
    /// The standard library's files, seen by every file after its own.
    stdlib: Vec<FileId>,
    /// Every namespace declaration, first one per name.
    pub namespaces: Vec<(FileId, &'a ast::NamespaceDecl)>,
    /// Every cluster-wide policy, first one per name.
    pub cluster_policies: Vec<(FileId, &'a ast::PolicyDecl)>,
    /// Every `cluster namespaces` inventory, in file path order.
    pub inventories: Vec<(FileId, &'a ast::Inventory)>,
    /// Every top-level `expect`, in file path order.
    pub expects: Vec<(FileId, &'a ast::Expect)>,
    /// The repository's `cilium` version, with where it is written.
    pub cilium: Option<(CiliumVersion, Span)>,
    /// `cidr groups`: every CIDR constant a peer uses is a CiliumCIDRGroup.
    pub cidr_groups: Option<Span>,
    /// The repository path of each user file, for import suggestions.
    paths: HashMap<FileId, String>,
    /// Each file's imports in source order, with the file each names
    /// (`None` when it names none: E0104).
    pub imports: HashMap<FileId, Vec<(&'a ast::Import, Option<FileId>)>>,
}

/// A category and the file it is defined in.
#[derive(Clone, Copy)]
pub struct CategoryRef<'a> {
    /// The defining file.
    pub file: FileId,
    /// The definition.
    pub def: &'a ast::Category,
}

impl<'a> Defs<'a> {
    /// No definitions at all: what a flow given on the command line sees.
    pub fn empty() -> Defs<'a> {
        Defs {
            consts: HashMap::new(),
            categories: HashMap::new(),
            visible: HashMap::new(),
            stdlib: Vec::new(),
            namespaces: Vec::new(),
            cluster_policies: Vec::new(),
            inventories: Vec::new(),
            expects: Vec::new(),
            cilium: None,
            cidr_groups: None,
            paths: HashMap::new(),
            imports: HashMap::new(),
        }
    }

    /// Looks a constant up from a file.
    pub fn constant(&self, from: FileId, name: &str) -> Option<(FileId, &'a ast::ConstDef)> {
        self.visible_files(from)
            .find_map(|file| self.consts.get(&file)?.get(name).map(|def| (file, *def)))
    }

    /// Looks a category up from a file.
    pub fn category(&self, from: FileId, name: &str) -> Option<CategoryRef<'a>> {
        self.visible_files(from).find_map(|file| {
            self.categories
                .get(&file)?
                .get(name)
                .map(|def| CategoryRef { file, def })
        })
    }

    /// Where a constant that `from` cannot see is defined in the repository,
    /// with the `import` line that would make it visible (E0101's help).
    pub fn constant_elsewhere(&self, from: FileId, name: &str) -> Option<(Span, String)> {
        let from_path = self.paths.get(&from)?;
        let mut found: Vec<(&String, Span)> = self
            .consts
            .iter()
            .filter(|(file, _)| **file != from)
            .filter_map(|(file, names)| {
                let def = names.get(name)?;
                Some((self.paths.get(file)?, def.name.span))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(b.0));
        let (path, span) = found.first()?;
        Some((*span, format!("import \"{}\"", relative(from_path, path))))
    }

    /// Every constant of the repository, in file and source order, so that
    /// each value is checked where it is defined, used or not.
    pub fn all_constants(&self) -> Vec<(FileId, &'a ast::ConstDef)> {
        let mut all: Vec<(FileId, &'a ast::ConstDef)> = self
            .consts
            .iter()
            .flat_map(|(file, names)| names.values().map(|def| (*file, *def)))
            .collect();
        all.sort_by_key(|(file, def)| (*file, def.name.span.start));
        all
    }

    /// Every category of the repository, in file and source order.
    pub fn all_categories(&self) -> Vec<(FileId, &'a ast::Category)> {
        let mut all: Vec<(FileId, &'a ast::Category)> = self
            .categories
            .iter()
            .flat_map(|(file, names)| names.values().map(|def| (*file, *def)))
            .collect();
        all.sort_by_key(|(file, def)| (*file, def.name.span.start));
        all
    }

    /// Every constant name a file can see, for suggestions.
    pub fn constant_names(&self, from: FileId) -> Vec<&'a str> {
        self.visible_files(from)
            .filter_map(|file| self.consts.get(&file))
            .flat_map(|names| names.keys().copied())
            .collect()
    }

    /// Every category name a file can see, for suggestions.
    pub fn category_names(&self, from: FileId) -> Vec<&'a str> {
        self.visible_files(from)
            .filter_map(|file| self.categories.get(&file))
            .flat_map(|names| names.keys().copied())
            .collect()
    }

    /// The files `from` sees, in lookup order; none for a file that was not
    /// resolved.
    fn visible_files(&self, from: FileId) -> impl Iterator<Item = FileId> + '_ {
        let own = self.visible.get(&from);
        let stdlib = own.map_or(&[][..], |_| self.stdlib.as_slice());
        let own = own.map_or(&[][..], Vec::as_slice);
        own.iter()
            .chain(stdlib.iter().filter(move |file| !own.contains(file)))
            .copied()
    }
}

/// Collects definitions and resolves imports.
pub fn resolve<'a>(
    sources: &SourceMap,
    files: &'a [ast::File],
    diags: &mut Vec<Diagnostic>,
) -> Defs<'a> {
    let mut defs = Defs {
        paths: sources
            .iter()
            .filter(|(_, file)| file.origin == Origin::User)
            .map(|(id, file)| (id, file.path.clone()))
            .collect(),
        ..Defs::empty()
    };
    let stdlib: Vec<FileId> = sources
        .iter()
        .filter(|(_, file)| file.origin == Origin::Stdlib)
        .map(|(id, _)| id)
        .collect();
    let by_path: HashMap<&str, FileId> = sources
        .iter()
        .map(|(id, file)| (file.path.as_str(), id))
        .collect();
    let mut namespace_seen: HashMap<&str, Span> = HashMap::new();
    let mut cluster_seen: HashMap<&str, Span> = HashMap::new();
    // Files are visited in path order so "defined first" does not depend on
    // the order the files were found in.
    let mut ordered: Vec<&ast::File> = files.iter().collect();
    ordered.sort_by(|a, b| sources.path(a.id).cmp(sources.path(b.id)));
    for file in ordered {
        let mut consts: HashMap<&str, &ast::ConstDef> = HashMap::new();
        let mut categories: HashMap<&str, &ast::Category> = HashMap::new();
        let mut visible = vec![file.id];
        let mut imports = Vec::new();
        for item in &file.items {
            match item {
                ast::Item::Import(import) => {
                    let found = resolve_import(sources, &by_path, file.id, import, diags);
                    imports.push((import, found));
                    if let Some(target) = found {
                        if !visible.contains(&target) {
                            visible.push(target);
                        }
                    }
                }
                ast::Item::Const(def) => {
                    if let Some(previous) = consts.insert(&def.name.node, def) {
                        diags.push(duplicate("constant", &def.name.node, def.name.span, previous.name.span));
                    }
                }
                ast::Item::Category(def) => {
                    if let Some(previous) = categories.insert(&def.name.node, def) {
                        diags.push(duplicate("category", &def.name.node, def.name.span, previous.name.span));
                    }
                }
                ast::Item::Namespace(decl) => match namespace_seen.get(decl.name.node.as_str()) {
                    Some(previous) => diags.push(
                        duplicate("namespace", &decl.name.node, decl.name.span, *previous)
                            .note("each namespace is declared once in the repository; its policies go in that one block"),
                    ),
                    None => {
                        namespace_seen.insert(&decl.name.node, decl.name.span);
                        defs.namespaces.push((file.id, decl));
                    }
                },
                ast::Item::CidrGroups(span) => {
                    defs.cidr_groups.get_or_insert(*span);
                }
                ast::Item::Cilium(text) => match CiliumVersion::parse(&text.node) {
                    None => diags.push(
                        report::unknown_version(text.span, report::UnknownVersion::Unknown { text: &text.node })
                            .note(format!("netpolc knows Cilium {}", CiliumVersion::known()))
                            .help(format!("write `cilium {}` for the latest stable release", CiliumVersion::DEFAULT)),
                    ),
                    Some(version) => match defs.cilium {
                        Some((first, first_span)) if first != version => diags.push(
                            report::unknown_version(text.span, report::UnknownVersion::Conflict { first: &first, version: &version })
                                .label(format!("Cilium {version} here"))
                                .secondary(first_span, format!("Cilium {first} here"))
                                .help("write the `cilium` version once, in one file"),
                        ),
                        Some(_) => {}
                        None => defs.cilium = Some((version, text.span)),
                    },
                },
                ast::Item::Inventory(inventory) => defs.inventories.push((file.id, inventory)),
                ast::Item::Expect(expect) => defs.expects.push((file.id, expect)),
                ast::Item::ClusterPolicy(decl) => match cluster_seen.get(decl.name.node.as_str()) {
                    Some(previous) => diags.push(duplicate(
                        "cluster policy",
                        &decl.name.node,
                        decl.name.span,
                        *previous,
                    )),
                    None => {
                        cluster_seen.insert(&decl.name.node, decl.name.span);
                        defs.cluster_policies.push((file.id, decl));
                    }
                },
            }
        }
        // Kept for every file until expansion ends: a namespace's file
        // usually defines nothing, so no empty tables, and no spare room.
        if !consts.is_empty() {
            defs.consts.insert(file.id, consts);
        }
        if !categories.is_empty() {
            defs.categories.insert(file.id, categories);
        }
        visible.shrink_to_fit();
        defs.visible.insert(file.id, visible);
        imports.shrink_to_fit();
        defs.imports.insert(file.id, imports);
    }
    defs.stdlib = stdlib;
    defs
}

fn duplicate(what: &str, name: &str, span: Span, previous: Span) -> Diagnostic {
    report::duplicate_definition(
        span,
        report::DuplicateDefinition::Definition {
            what: &what,
            name: &name,
        },
    )
    .label(format!("`{name}` defined again here"))
    .secondary(previous, format!("`{name}` first defined here"))
    .help(format!(
        "rename or remove one of the two definitions of `{name}`"
    ))
}

/// Finds the file an import names, relative to the importing file.
fn resolve_import(
    sources: &SourceMap,
    by_path: &HashMap<&str, FileId>,
    from: FileId,
    import: &ast::Import,
    diags: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    let from_path = sources.path(from);
    let target = join(from_path, &import.path.node);
    let found = target
        .as_deref()
        .and_then(|path| by_path.get(path).copied());
    if found.is_none() {
        let candidates: Vec<&str> = sources
            .iter()
            .filter(|(id, file)| file.origin == Origin::User && *id != from)
            .map(|(_, file)| file.path.as_str())
            .collect();
        let wanted = target.unwrap_or_else(|| import.path.node.clone());
        let diag = report::import_not_found(import.path.span, &import.path.node)
            .label(format!("no file `{wanted}` in the repository"))
            .note("import paths are relative to the importing file and name a `.netpol` file of the repository");
        diags.push(suggest::did_you_mean_written(
            diag,
            import.path.span,
            &wanted,
            candidates,
            &|best| relative(from_path, best),
            &|best| format!("\"{}\"", relative(from_path, best)),
        ));
    }
    found
}

/// Joins a relative import path to the importing file's directory,
/// normalising `.` and `..`. `None` when it climbs out of the repository.
pub(crate) fn join(from: &str, import: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in import.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The path of `to` relative to the directory of `from`, for suggestions.
pub(crate) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = from_dir
        .get(..from_dir.len().saturating_sub(1))
        .unwrap_or(&[]);
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(to_parts.iter().skip(common));
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::{join, relative};

    #[test]
    fn import_paths_join_and_relativise() {
        assert_eq!(
            join("ns/shop.netpol", "../common.netpol").as_deref(),
            Some("common.netpol")
        );
        assert_eq!(
            join("shop.netpol", "lib/a.netpol").as_deref(),
            Some("lib/a.netpol")
        );
        assert_eq!(join("shop.netpol", "../a.netpol"), None);
        assert_eq!(
            relative("ns/shop.netpol", "common.netpol"),
            "../common.netpol"
        );
        assert_eq!(relative("ns/shop.netpol", "ns/b.netpol"), "b.netpol");
    }
}
