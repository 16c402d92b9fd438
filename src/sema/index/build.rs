//! Builds the [`Index`]: the definitions from what `resolve` collected and
//! `expand` emitted, then one walk over every file that resolves each name
//! with `resolve`'s own lookups.
//!
//! The walk covers every body, not only what expansion reached: expansion
//! skips the categories nothing uses, expands a category once per set of
//! arguments, and stops at the budget (E0108), and a use in any of those
//! is still a use.

use super::{ConstTypes, Def, DefId, DefKind, Detail, Import, Index};
use crate::ast;
use crate::hash::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::ir;
use crate::sema::resolve::Defs;
use crate::sema::types::Ty;
use crate::sema::walk::{self, Place, Slot, Visitor};
use crate::source::{FileId, SourceMap, Span, Spanned};

/// Builds the index of a program.
pub(crate) fn build(
    sources: &SourceMap,
    files: &[ast::File],
    defs: &Defs<'_>,
    program: &ir::Program,
    constants: &ConstTypes,
) -> Index {
    let mut builder = Builder {
        sources,
        defs,
        index: Index::default(),
        by_name_span: HashMap::new(),
        namespaces: HashMap::new(),
        category_uses: HashMap::new(),
        imports_of: HashMap::new(),
        cidr_uses: HashMap::new(),
        named: Vec::new(),
    };
    builder.definitions(constants);
    builder.policies(files, program);
    builder.imports();
    for file in files {
        walk::walk_file(file, &mut builder);
        builder.outside_walk(file);
    }
    builder.cidr_groups(program);
    builder.finish()
}

struct Builder<'s, 'a> {
    sources: &'s SourceMap,
    defs: &'s Defs<'a>,
    index: Index,
    /// Constants, categories and parameters by the span of their name.
    by_name_span: HashMap<Span, DefId>,
    /// Namespaces by name.
    namespaces: HashMap<String, DefId>,
    /// The categories each category uses outside its `policy` blocks.
    category_uses: HashMap<DefId, Vec<DefId>>,
    /// Each file's imports, as indexes into `index.imports`.
    imports_of: HashMap<FileId, Vec<usize>>,
    /// The uses of each constant as a `cidr` peer's entry.
    cidr_uses: HashMap<DefId, Vec<Span>>,
    /// The definitions whose span is a name, for [`Index::at`].
    named: Vec<DefId>,
}

impl Builder<'_, '_> {
    fn add(&mut self, def: Def, named: bool) -> Option<DefId> {
        let id = DefId(u32::try_from(self.index.defs.len()).ok()?);
        self.index.defs.push(def);
        self.index.uses.push(Vec::new());
        if named {
            self.named.push(id);
        }
        Some(id)
    }

    fn definitions(&mut self, constants: &ConstTypes) {
        for (file, def) in self.defs.all_constants() {
            let ty = constants
                .get(&(file, def.name.node.clone()))
                .copied()
                .flatten();
            let constant = Def {
                kind: DefKind::Constant,
                name: def.name.node.clone(),
                span: def.name.span,
                item: def.span,
                detail: Detail::Constant { ty },
            };
            if let Some(id) = self.add(constant, true) {
                self.by_name_span.insert(def.name.span, id);
            }
        }
        for (_, category) in self.defs.all_categories() {
            let sentence = category
                .sentence
                .as_ref()
                .map(|decl| format!("{} {}", decl.verb.node.keyword(), decl.word.node));
            let def = Def {
                kind: DefKind::Category,
                name: category.name.node.clone(),
                span: category.name.span,
                item: category.span,
                detail: Detail::Category {
                    params: Vec::new(),
                    sentence: sentence.clone(),
                },
            };
            let Some(id) = self.add(def, true) else {
                continue;
            };
            self.by_name_span.insert(category.name.span, id);
            let mut params = Vec::new();
            for param in &category.params {
                let def = Def {
                    kind: DefKind::Parameter,
                    name: param.name.node.clone(),
                    span: param.name.span,
                    item: param.name.span,
                    detail: Detail::Parameter {
                        category: id,
                        ty: Ty::of_param(param.ty.node),
                    },
                };
                if let Some(param_id) = self.add(def, true) {
                    self.by_name_span.insert(param.name.span, param_id);
                    params.push(param_id);
                }
            }
            if let Some(def) = self.index.defs.get_mut(id.0 as usize) {
                def.detail = Detail::Category { params, sentence };
            }
        }
        for (_, decl) in &self.defs.namespaces {
            let def = Def {
                kind: DefKind::Namespace,
                name: decl.name.node.clone(),
                span: decl.name.span,
                item: decl.span,
                detail: Detail::Namespace,
            };
            if let Some(id) = self.add(def, true) {
                self.namespaces.insert(decl.name.node.clone(), id);
            }
        }
    }

    /// Every emitted policy, and the category `use`s written directly in
    /// each policy body.
    fn policies(&mut self, files: &[ast::File], program: &ir::Program) {
        // A `policy` block's span to the span of its name.
        let mut names: HashMap<Span, Span> = HashMap::new();
        for file in files {
            for item in &file.items {
                match item {
                    ast::Item::Namespace(decl) => {
                        let bare = decl.body.iter().filter_map(|item| match item {
                            ast::BodyItem::Stmt(stmt) => Some(stmt),
                            ast::BodyItem::Policy(_) | ast::BodyItem::Expect(_) => None,
                        });
                        self.policy_uses(file.id, decl.name.span, bare);
                        self.blocks(file.id, &decl.body, &mut names);
                    }
                    ast::Item::Category(category) => {
                        self.blocks(file.id, &category.body, &mut names);
                        let inner: Vec<DefId> = category
                            .body
                            .iter()
                            .filter_map(|item| match item {
                                ast::BodyItem::Stmt(ast::Stmt::Use(use_stmt)) => {
                                    self.category(file.id, &use_stmt.name.node)
                                }
                                _ => None,
                            })
                            .collect();
                        if let Some(id) = self.by_name_span.get(&category.name.span) {
                            self.category_uses.insert(*id, inner);
                        }
                    }
                    ast::Item::ClusterPolicy(decl) => {
                        names.insert(decl.span, decl.name.span);
                        self.policy_uses(file.id, decl.span, &decl.body);
                    }
                    ast::Item::Import(_)
                    | ast::Item::Expect(_)
                    | ast::Item::Const(_)
                    | ast::Item::Cilium(_)
                    | ast::Item::CidrGroups(_)
                    | ast::Item::Inventory(_) => {}
                }
            }
        }
        let namespaced = program.namespaces.iter().flat_map(|(namespace, decl)| {
            decl.policies
                .iter()
                .map(move |policy| (Some(namespace.as_str()), policy))
        });
        let cluster = program.cluster.iter().map(|policy| (None, policy));
        for (namespace, policy) in namespaced.chain(cluster) {
            let name_span = names.get(&policy.origin).copied();
            let via = namespace.and_then(|namespace| self.via(namespace, policy.origin));
            let def = Def {
                kind: DefKind::Policy,
                name: policy.name.as_str().to_owned(),
                span: name_span.unwrap_or(policy.origin),
                item: policy.origin,
                detail: Detail::Policy {
                    namespace: namespace.map(str::to_owned),
                    via,
                },
            };
            if let Some(id) = self.add(def, name_span.is_some()) {
                self.index.policies.push(id);
            }
        }
    }

    /// The `use` of a namespace that made the policy whose IR origin is
    /// `origin`: the `use` itself, or the one whose category holds the
    /// `policy` block, or uses a category that does (at any depth).
    fn via(&self, namespace: &str, origin: Span) -> Option<Span> {
        let id = self.namespaces.get(namespace)?;
        let name_span = self.index.definition(*id)?.span;
        let uses = self.index.policy_uses.get(&name_span)?;
        uses.iter().find_map(|(category, use_span)| {
            (*use_span == origin || self.holds(*category, origin)).then_some(*use_span)
        })
    }

    /// True when a category, or one it uses (at any depth), holds `span`.
    fn holds(&self, category: DefId, span: Span) -> bool {
        let mut seen = HashSet::new();
        let mut todo = vec![category];
        while let Some(next) = todo.pop() {
            if !seen.insert(next) {
                continue;
            }
            if self.index.definition(next).is_some_and(|def| {
                def.item.file == span.file
                    && def.item.start <= span.start
                    && span.end <= def.item.end
            }) {
                return true;
            }
            todo.extend(self.category_uses.get(&next).into_iter().flatten());
        }
        false
    }

    /// The `policy` blocks of a body: their names, and their `use`s.
    fn blocks(&mut self, file: FileId, body: &[ast::BodyItem], names: &mut HashMap<Span, Span>) {
        for item in body {
            if let ast::BodyItem::Policy(policy) = item {
                names.insert(policy.span, policy.name.span);
                self.policy_uses(file, policy.span, &policy.body);
            }
        }
    }

    fn policy_uses<'t>(
        &mut self,
        file: FileId,
        origin: Span,
        stmts: impl IntoIterator<Item = &'t ast::Stmt>,
    ) {
        let mut uses = Vec::new();
        for stmt in stmts {
            if let ast::Stmt::Use(use_stmt) = stmt {
                if let Some(category) = self.category(file, &use_stmt.name.node) {
                    uses.push((category, use_stmt.span));
                }
            }
        }
        self.index.policy_uses.insert(origin, uses);
    }

    fn imports(&mut self) {
        let mut files: Vec<FileId> = self.defs.imports.keys().copied().collect();
        files.sort_unstable();
        for file in files {
            for (import, target) in self.defs.imports.get(&file).into_iter().flatten() {
                self.imports_of
                    .entry(file)
                    .or_default()
                    .push(self.index.imports.len());
                self.index.imports.push(Import {
                    file,
                    span: import.span,
                    path: import.path.node.clone(),
                    target: *target,
                    used: false,
                });
            }
        }
    }

    /// The names the walk does not visit: inventory entries, and the
    /// parameters a category's sentence names.
    fn outside_walk(&mut self, file: &ast::File) {
        for item in &file.items {
            match item {
                ast::Item::Inventory(inventory) => {
                    for entry in &inventory.entries {
                        if let Some(id) = self.namespaces.get(&entry.name.node).copied() {
                            self.record(id, entry.name.span);
                        }
                    }
                }
                ast::Item::Category(category) => {
                    let Some(sentence) = &category.sentence else {
                        continue;
                    };
                    let slots = sentence
                        .slot
                        .iter()
                        .chain(sentence.clauses.iter().map(|clause| &clause.param));
                    for slot in slots {
                        if let Some(id) = param(&category.params, &slot.node)
                            .and_then(|param| self.by_name_span.get(&param.name.span))
                        {
                            self.record(*id, slot.span);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn cidr_groups(&mut self, program: &ir::Program) {
        for (name, group) in &program.cidr_groups {
            let constant = self.by_name_span.get(&group.origin).copied();
            let item = constant
                .and_then(|id| self.index.definition(id))
                .map_or(group.origin, |def| def.item);
            let def = Def {
                kind: DefKind::CidrGroup,
                name: name.as_str().to_owned(),
                span: group.origin,
                item,
                detail: Detail::CidrGroup { constant },
            };
            let uses = constant
                .and_then(|id| self.cidr_uses.get(&id))
                .cloned()
                .unwrap_or_default();
            if let Some(id) = self.add(def, false) {
                if let Some(slot) = self.index.uses.get_mut(id.0 as usize) {
                    *slot = uses;
                }
            }
        }
    }

    fn finish(mut self) -> Index {
        let mut spans: Vec<(Span, DefId)> = Vec::new();
        for id in &self.named {
            if let Some(def) = self.index.defs.get(id.0 as usize) {
                spans.push((def.span, *id));
            }
        }
        let sources = self.sources;
        for (index, uses) in self.index.uses.iter_mut().enumerate() {
            // By path, so the order does not depend on the order files
            // were found in.
            uses.sort_unstable_by_key(|span| (sources.path(span.file), span.start, span.end));
            uses.dedup();
            uses.shrink_to_fit();
            let Ok(id) = u32::try_from(index) else {
                continue;
            };
            // A CIDR group's uses are its constant's.
            if self
                .index
                .defs
                .get(index)
                .is_some_and(|def| def.kind == DefKind::CidrGroup)
            {
                continue;
            }
            spans.extend(uses.iter().map(|span| (*span, DefId(id))));
        }
        spans.sort_by_key(|(span, _)| *span);
        spans.dedup_by_key(|(span, _)| *span);
        self.index.spans = spans;
        // Ordered for `Index::policy`. Of two policies with one namespace
        // and name (an error reported elsewhere), the later one is found.
        let mut policies = std::mem::take(&mut self.index.policies);
        policies.reverse();
        policies.sort_by(|a, b| self.index.policy_key(*a).cmp(&self.index.policy_key(*b)));
        policies.dedup_by(|a, b| self.index.policy_key(*a) == self.index.policy_key(*b));
        self.index.policies = policies;
        // The index lives until the lints have run: no spare capacity.
        self.index.defs.shrink_to_fit();
        self.index.uses.shrink_to_fit();
        self.index.spans.shrink_to_fit();
        self.index.policies.shrink_to_fit();
        self.index
    }

    /// The category `name` means in `from`.
    fn category(&self, from: FileId, name: &str) -> Option<DefId> {
        let found = self.defs.category(from, name)?;
        self.by_name_span.get(&found.def.name.span).copied()
    }

    /// Records a use; `span` is the name as written, `$` and quotes
    /// included, which the use's span leaves out.
    fn record(&mut self, def: DefId, span: Span) {
        let text = self.sources.slice(span);
        let mut bare = span;
        if text.starts_with('$') {
            bare.start = bare.start.saturating_add(1);
        } else if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
            bare.start = bare.start.saturating_add(1);
            bare.end = bare.end.saturating_sub(1);
        }
        if let Some(uses) = self.index.uses.get_mut(def.0 as usize) {
            uses.push(bare);
        }
    }

    /// Marks the import through which `from` sees a definition of `to`.
    fn mark_import(&mut self, from: FileId, to: FileId) {
        if from == to {
            return;
        }
        let first = self.imports_of.get(&from).and_then(|imports| {
            imports.iter().copied().find(|index| {
                self.index
                    .imports
                    .get(*index)
                    .is_some_and(|import| import.target == Some(to))
            })
        });
        if let Some(import) = first.and_then(|index| self.index.imports.get_mut(index)) {
            import.used = true;
        }
    }
}

impl<'a> Visitor<'a> for Builder<'_, '_> {
    fn reference(&mut self, name: &'a Spanned<String>, place: &Place<'a>) {
        if let Some(param) = param(place.params, &name.node) {
            if let Some(id) = self.by_name_span.get(&param.name.span).copied() {
                self.record(id, name.span);
            }
            return;
        }
        let Some((file, def)) = self.defs.constant(place.file, &name.node) else {
            return;
        };
        let Some(id) = self.by_name_span.get(&def.name.span).copied() else {
            return;
        };
        self.mark_import(place.file, file);
        self.record(id, name.span);
        if place.slot == Slot::Cidr {
            let uses = self.cidr_uses.entry(id).or_default();
            let before = self
                .index
                .uses
                .get(id.0 as usize)
                .and_then(|all| all.last());
            uses.extend(before.copied());
        }
    }

    fn use_stmt(&mut self, use_stmt: &'a ast::Use, place: &Place<'a>) {
        if use_stmt.name.node.is_empty() {
            return;
        }
        let Some(found) = self.defs.category(place.file, &use_stmt.name.node) else {
            return;
        };
        let Some(id) = self.by_name_span.get(&found.def.name.span).copied() else {
            return;
        };
        self.mark_import(place.file, found.file);
        self.record(id, use_stmt.name.span);
        // Named arguments name the category's parameters; a sentence's
        // arguments are made by sema, not written.
        if use_stmt.sentence.is_some() {
            return;
        }
        for arg in &use_stmt.args {
            if let Some(id) = param(&found.def.params, &arg.name.node)
                .and_then(|param| self.by_name_span.get(&param.name.span))
            {
                self.record(*id, arg.name.span);
            }
        }
    }

    fn value(&mut self, value: &'a ast::Value, place: &Place<'a>) {
        if place.slot != Slot::Namespace {
            return;
        }
        if let ast::Value::Word(name) | ast::Value::String(name) = value {
            if let Some(id) = self.namespaces.get(&name.node).copied() {
                self.record(id, name.span);
            }
        }
    }
}

/// The parameter of this name.
fn param<'p>(params: &'p [ast::Param], name: &str) -> Option<&'p ast::Param> {
    params.iter().find(|param| param.name.node == name)
}
