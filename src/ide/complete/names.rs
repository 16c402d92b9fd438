//! The names a file sees (its own, its imports', the standard library's),
//! read from the last analysis or, for a file that does not parse, from its
//! text; and the rule sentences categories declare.

use super::*;

/// A rule sentence a category declares.
pub(super) struct Sentence {
    pub(super) verb: &'static str,
    pub(super) word: String,
    pub(super) category: String,
    /// Whether values follow the word.
    pub(super) slot: bool,
    /// The clause words, in order.
    pub(super) clauses: Vec<Vec<String>>,
}

impl Sentence {
    /// `allow storage from ... port ...`.
    pub(super) fn shape(&self) -> String {
        let mut out = format!("{} {}", self.verb, self.word);
        if self.slot {
            out.push_str(" ...");
        }
        for clause in &self.clauses {
            out.push(' ');
            out.push_str(&clause.join(" "));
            out.push_str(" ...");
        }
        out
    }
}

/// The names a file sees.
pub(super) struct Names<'a> {
    pub(super) analysis: &'a Analysis,
    /// The file, the files it imports, the standard library.
    pub(super) visible: Vec<FileId>,
    /// The file's own constants, found in its text.
    pub(super) own_constants: Vec<String>,
    /// The file's own namespaces, found in its text.
    pub(super) own_namespaces: Vec<String>,
    /// Visible categories with their parameters (name, type and default).
    pub(super) categories: Vec<(String, Vec<(String, String)>)>,
    pub(super) sentences: Vec<Sentence>,
    /// The inventory's labels: key and values.
    pub(super) labels: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Names<'a> {
    pub(super) fn new(analysis: &'a Analysis, file: FileId, text: &str) -> Names<'a> {
        // The file's own definitions and imports, read from its text.
        let top = scan::top_level(text);
        let mut visible = vec![file];
        visible.extend(
            analysis
                .index
                .imports()
                .iter()
                .filter(|import| import.file == file)
                .filter_map(|import| import.target),
        );
        let from = analysis.sources.path(file);
        for pair in top.windows(2) {
            let [import, Tok::Str(start, end)] = pair else {
                continue;
            };
            let target = text
                .get(*start..*end)
                .filter(|_| import.is("import"))
                .and_then(|path| crate::sema::join_import_path(from, path))
                .and_then(|path| analysis.sources.find(&path));
            if let Some(target) = target {
                if !visible.contains(&target) {
                    visible.push(target);
                }
            }
        }
        visible.extend(
            analysis
                .sources
                .iter()
                .filter(|(_, source)| source.origin == Origin::Stdlib)
                .map(|(id, _)| id),
        );
        let mut own_constants = Vec::new();
        let mut own_namespaces = Vec::new();
        let mut categories = Vec::new();
        for (at, tok) in top.iter().enumerate() {
            let (Some(Tok::Word(name)), true) = (
                top.get(at + 1),
                tok.is("const") || tok.is("category") || tok.is("namespace"),
            ) else {
                continue;
            };
            if tok.is("namespace") {
                own_namespaces.push((*name).to_owned());
                continue;
            }
            if tok.is("const") {
                own_constants.push((*name).to_owned());
            } else {
                let params = match top.get(at + 2) {
                    Some(Tok::Group('(', start, _)) => text
                        .get(start.saturating_sub(1)..)
                        .map(scan::params_in_head)
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                categories.push(((*name).to_owned(), params));
            }
        }
        for (_, def) in analysis.index.of_kind(DefKind::Category) {
            if !visible.contains(&def.span.file)
                || categories.iter().any(|(name, _)| *name == def.name)
            {
                continue;
            }
            let after_name = analysis
                .sources
                .get(def.span.file)
                .and_then(|source| {
                    source
                        .text
                        .get(def.span.end as usize..def.item.end as usize)
                })
                .unwrap_or("");
            categories.push((def.name.clone(), scan::params_in_head(after_name)));
        }
        let mut sentences = Vec::new();
        let mut labels: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for ast_file in &analysis.files {
            for ast_item in &ast_file.items {
                match ast_item {
                    ast::Item::Category(category) if visible.contains(&ast_file.id) => {
                        if let Some(decl) = &category.sentence {
                            sentences.push(Sentence {
                                verb: decl.verb.node.keyword(),
                                word: decl.word.node.clone(),
                                category: category.name.node.clone(),
                                slot: decl.slot.is_some(),
                                clauses: decl
                                    .clauses
                                    .iter()
                                    .map(|clause| clause.words.clone())
                                    .collect(),
                            });
                        }
                    }
                    ast::Item::Inventory(inventory) => {
                        for entry in &inventory.entries {
                            let Some(ast::Selector {
                                kind: ast::SelectorKind::Terms(terms),
                                ..
                            }) = &entry.labels
                            else {
                                continue;
                            };
                            for term in terms {
                                if let ast::Term::Eq(key, value) = term {
                                    let values = labels.entry(key.node.clone()).or_default();
                                    if let ast::Value::Word(value) | ast::Value::String(value) =
                                        value
                                    {
                                        values.insert(value.node.clone());
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Names {
            analysis,
            visible,
            own_constants,
            own_namespaces,
            categories,
            sentences,
            labels,
        }
    }

    /// Every visible constant, as `$NAME`.
    pub(super) fn constants(&self) -> Vec<Completion> {
        let mut out: Vec<Completion> = Vec::new();
        for (_, def) in self.analysis.index.of_kind(DefKind::Constant) {
            if !self.visible.contains(&def.span.file) {
                continue;
            }
            let ty = match &def.detail {
                Detail::Constant { ty: Some(ty) } => Some(ty.to_string()),
                _ => None,
            };
            let written = self.analysis.sources.slice(def.item);
            out.push(Completion {
                detail: ty,
                documentation: Some(format!("```netpol\n{}\n```", written.trim())),
                ..item(&format!("${}", def.name), CompletionKind::Constant)
            });
        }
        for name in &self.own_constants {
            let label = format!("${name}");
            if !out.iter().any(|done| done.label == label) {
                out.push(item(&label, CompletionKind::Constant));
            }
        }
        out
    }

    /// Every visible category, with its parameters as detail.
    pub(super) fn category_items(&self) -> Vec<Completion> {
        self.categories
            .iter()
            .map(|(name, params)| {
                let params: Vec<String> = params
                    .iter()
                    .map(|(param, ty)| format!("{param}: {ty}"))
                    .collect();
                Completion {
                    detail: Some(format!("({})", params.join(", "))),
                    ..item(name, CompletionKind::Category)
                }
            })
            .collect()
    }

    /// The namespaces the repository knows: declared, in the inventory, and
    /// the system ones.
    pub(super) fn namespace_items(&self) -> Vec<Completion> {
        let mut found: BTreeSet<String> = crate::sema::SYSTEM_NAMESPACES
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        found.extend(
            self.analysis
                .index
                .of_kind(DefKind::Namespace)
                .map(|(_, def)| def.name.clone()),
        );
        found.extend(self.own_namespaces.iter().cloned());
        for ast_file in &self.analysis.files {
            for ast_item in &ast_file.items {
                if let ast::Item::Inventory(inventory) = ast_item {
                    found.extend(
                        inventory
                            .entries
                            .iter()
                            .map(|entry| entry.name.node.clone()),
                    );
                }
            }
        }
        found
            .iter()
            .map(|name| item(name, CompletionKind::Namespace))
            .collect()
    }
}
