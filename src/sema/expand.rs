//! Expansion: namespaces, categories and policies to checked policy specs
//! (E03xx), with provenance on every rule.
//!
//! A namespace compiles to these CiliumNetworkPolicies:
//! - its bare statements, as a policy named after the namespace;
//! - each `use` of a category, as a policy named after the category (with
//!   `_` written `-`), holding the category's bare statements and those of
//!   the categories it uses; the category's own `policy` blocks become
//!   policies of their own;
//! - each `policy NAME { ... }` block.
//!
//! A `use` inside a `policy` block merges the category's bare statements into
//! that policy. Expansions are cached by category, arguments and context, so a
//! category used by many namespaces with the same arguments is expanded,
//! checked and (in emit) printed once.
//!
//! **Invariant:** expansion has a budget (E0108), counted in *entries*: a
//! rule counts 1 plus its peers, ports, ICMP types and L7 rules (see
//! [`rule_entries`]). One policy holds at most [`MAX_POLICY_ENTRIES`], and
//! the whole program builds at most [`MAX_PROGRAM_ENTRIES`]: an entry counts
//! where it is written, again each time a `use` copies it into another
//! category or policy, and again in each namespace whose output holds it. A
//! `use` is checked against both before its rules are copied, so a category
//! that uses the one before it twice, twenty levels deep, fails at once
//! instead of building 2²⁰ rules. Once the program's budget is spent, the
//! rest is not expanded.

mod categories;
mod parts;

use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

use super::context::Ctx;
use super::place::Placed;
use super::resolve::Defs;
use super::values::{Env, Evaluator, Val};
use super::{cilium, expect, rules, safety, validate, versions};
use crate::CiliumVersion;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::{HashMap, HashMapExt};
use crate::ir;
use crate::source::{FileId, Origin, SourceMap, Span};

pub use parts::{MAX_POLICY_ENTRIES, Parts, rule_entries};

/// A named policy produced by a body.
#[derive(Clone, Debug)]
struct Named {
    name: ir::PolicyName,
    span: Span,
    spec: Arc<ir::PolicySpec>,
    /// The entries the spec holds.
    entries: usize,
}

/// What a category expands to.
#[derive(Debug)]
struct Expansion {
    /// The bare statements, to merge or to become the category's policy.
    parts: Parts,
    /// `parts` as a finished spec, for use at namespace level.
    spec: Option<Arc<ir::PolicySpec>>,
    /// The category's `policy` blocks.
    policies: Vec<Named>,
    /// User files that contributed.
    files: Vec<FileId>,
    /// True when the expansion depends on the namespace it is used in.
    namespace_dependent: bool,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    file: FileId,
    category: Span,
    args: Vec<(String, Val)>,
    cluster: bool,
    namespace: Option<ir::NamespaceName>,
}

/// Expands every namespace and cluster-wide policy.
pub fn expand(
    sources: &SourceMap,
    defs: &Defs<'_>,
    version: CiliumVersion,
    diags: &mut Vec<Diagnostic>,
) -> (ir::Program, super::index::ConstTypes) {
    let mut expander = Expander {
        version,
        sources,
        defs,
        eval: Evaluator::new(defs),
        cache: HashMap::new(),
        stack: Vec::new(),
        namespace_used: false,
        built: 0,
        spent: false,
        expectations: Vec::new(),
        diags,
    };
    let mut program = ir::Program::default();
    for (file, decl) in &defs.namespaces {
        if let Some(namespace) = expander.namespace(*file, decl) {
            program.namespaces.insert(namespace.name.clone(), namespace);
        }
    }
    let mut cluster_files = BTreeSet::new();
    for (file, decl) in &defs.cluster_policies {
        let start = expander.eval.files.len();
        expander.eval.files.push(*file);
        if let Some(instance) = expander.cluster_policy(*file, decl) {
            program.cluster.push(instance);
        }
        cluster_files.extend(expander.eval.files.drain(start..));
    }
    program.cluster.sort_by(|a, b| a.name.cmp(&b.name));
    expander.eval.check_definitions(expander.diags);
    let constants = expander.eval.constant_types();
    let group_files: Vec<FileId> = expander
        .eval
        .groups
        .values()
        .map(|group| group.origin.file)
        .collect();
    program.cidr_group_sources = expander.user_paths(group_files);
    program.cidr_groups = std::mem::take(&mut expander.eval.groups);
    program.cluster_sources = expander.user_paths(cluster_files);
    program.inventory =
        super::inventory::inventory(&defs.inventories, &mut expander.eval, expander.diags);
    program.expectations = expander.top_level_expectations(&program);
    (program, constants)
}

struct Expander<'a, 'd> {
    sources: &'a SourceMap,
    defs: &'a Defs<'a>,
    eval: Evaluator<'a>,
    cache: HashMap<CacheKey, Rc<Expansion>>,
    stack: Vec<(FileId, Span)>,
    /// Set when an expansion consults the namespace name.
    namespace_used: bool,
    /// The targeted Cilium version.
    version: CiliumVersion,
    /// Entries built so far, against [`MAX_PROGRAM_ENTRIES`].
    built: usize,
    /// True once [`MAX_PROGRAM_ENTRIES`] is passed (E0108, reported once):
    /// nothing more is expanded.
    spent: bool,
    /// The expectations found so far, their namespaces not yet checked.
    expectations: Vec<expect::Resolved>,
    diags: &'d mut Vec<Diagnostic>,
}

impl<'a> Expander<'a, '_> {
    /// Checks an `expect` written in a namespace body (`namespace`) or at
    /// top level (`None`).
    fn expect_here(
        &mut self,
        stmt: &'a ast::Expect,
        env: Env<'_>,
        namespace: Option<&ir::NamespaceName>,
    ) {
        // The files whose constants an expectation uses are no sources of
        // any policy.
        let start = self.eval.files.len();
        let pending = expect::expect(&mut self.eval, stmt, env, self.diags);
        self.eval.files.truncate(start);
        if let Some(pending) = pending {
            self.settle(std::slice::from_ref(&pending), namespace);
        }
    }

    /// Resolves the expectations categories brought into `namespace` (or
    /// into a cluster-wide policy: `None`).
    fn settle(&mut self, pending: &[expect::Pending], namespace: Option<&ir::NamespaceName>) {
        for one in pending {
            if let Some(resolved) = one.resolve(namespace, self.diags) {
                self.expectations.push(resolved);
            }
        }
    }

    /// The top-level expectations, then every expectation whose namespaces
    /// are in the repository (E0802 for the others).
    fn top_level_expectations(&mut self, program: &ir::Program) -> Vec<ir::Expectation> {
        for (file, stmt) in &self.defs.expects {
            self.expect_here(
                stmt,
                Env {
                    file: *file,
                    params: None,
                },
                None,
            );
        }
        let (mut known, inventory) = expect::known_namespaces(program);
        if !inventory {
            // A namespace with an error is still declared.
            known.extend(
                self.defs
                    .namespaces
                    .iter()
                    .map(|(_, decl)| decl.name.node.as_str()),
            );
        }
        let mut out = Vec::new();
        for resolved in std::mem::take(&mut self.expectations) {
            if expect::check_namespaces(&resolved, &known, inventory, self.diags) {
                out.push(resolved.expectation);
            }
        }
        out
    }

    fn user_paths(&self, files: impl IntoIterator<Item = FileId>) -> BTreeSet<String> {
        files
            .into_iter()
            .filter_map(|file| self.sources.get(file))
            .filter(|source| source.origin == Origin::User)
            .map(|source| source.path.clone())
            .collect()
    }

    fn namespace(&mut self, file: FileId, decl: &'a ast::NamespaceDecl) -> Option<ir::Namespace> {
        if self.spent {
            return None;
        }
        let name = validate::namespace_name(&decl.name.node, decl.name.span, self.diags)?;
        safety::check_namespace(decl, &name, self.diags);
        let ctx = Ctx::Namespace(name.clone());
        let start = self.eval.files.len();
        self.eval.files.push(file);
        let env = Env { file, params: None };
        let mut bare = Parts::default();
        let mut policies: Vec<Named> = Vec::new();
        for item in &decl.body {
            match item {
                ast::BodyItem::Policy(policy) => {
                    if let Some(named) = self.policy(policy, env, &ctx) {
                        policies.push(named);
                    }
                }
                ast::BodyItem::Stmt(ast::Stmt::Use(use_stmt)) => {
                    let Some(expansion) = self.use_category(use_stmt, env, &ctx) else {
                        continue;
                    };
                    if let Some(spec) = &expansion.spec {
                        if let Some(policy_name) = self.category_policy_name(use_stmt) {
                            policies.push(Named {
                                name: policy_name,
                                span: use_stmt.span,
                                spec: Arc::clone(spec),
                                entries: expansion.parts.entries,
                            });
                        }
                    }
                    policies.extend(expansion.policies.iter().cloned());
                    self.settle(&expansion.parts.expects, Some(&name));
                }
                ast::BodyItem::Stmt(stmt) => self.stmt(stmt, env, &ctx, &mut bare),
                ast::BodyItem::Expect(stmt) => self.expect_here(stmt, env, Some(&name)),
            }
        }
        let brought = std::mem::take(&mut bare.expects);
        self.settle(&brought, Some(&name));
        if bare.touched {
            let entries = bare.entries;
            if let Some(spec) = self.finish(bare, &ctx, decl.name.span) {
                policies.push(Named {
                    name: name.as_policy_name(),
                    span: decl.name.span,
                    spec: Arc::new(spec),
                    entries,
                });
            }
        }
        // Each policy is written out in this namespace: its entries count
        // again, shared or not.
        for policy in &policies {
            if !self.spend(policy.entries, policy.span) {
                break;
            }
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for policy in &policies {
            if let Some(first) = seen.insert(&policy.name, policy.span) {
                self.diags.push(
                    report::duplicate_policy_name(policy.span, &name, &policy.name)
                        .secondary(first, "the first comes from here")
                        .note("a namespace's bare rules make a policy named after the namespace, and each category used at namespace level one named after the category")
                        .help("wrap one of them in `policy OTHER-NAME { ... }`"),
                );
            }
        }
        let files: Vec<FileId> = self.eval.files.drain(start..).collect();
        let mut policies: Vec<ir::PolicyInstance> = policies
            .into_iter()
            .map(|named| ir::PolicyInstance {
                name: named.name,
                origin: named.span,
                spec: named.spec,
            })
            .collect();
        policies.sort_by(|a, b| a.name.cmp(&b.name));
        policies.dedup_by(|a, b| a.name == b.name);
        Some(ir::Namespace {
            name,
            origin: decl.span,
            sources: self.user_paths(files).into_iter().collect(),
            policies: exact(policies),
        })
    }

    fn cluster_policy(
        &mut self,
        file: FileId,
        decl: &'a ast::PolicyDecl,
    ) -> Option<ir::PolicyInstance> {
        if self.spent {
            return None;
        }
        let named = self.policy(decl, Env { file, params: None }, &Ctx::Cluster)?;
        Some(ir::PolicyInstance {
            name: named.name,
            origin: decl.span,
            spec: named.spec,
        })
    }

    fn policy(&mut self, decl: &'a ast::PolicyDecl, env: Env<'_>, ctx: &Ctx) -> Option<Named> {
        let name = validate::policy_name(&decl.name.node, decl.name.span, self.diags);
        if let Some(first) = decl.body.iter().find_map(|stmt| match stmt {
            ast::Stmt::Spec(block) => Some(spec_keyword(block)),
            _ => None,
        }) {
            let (spec, entries) = self.spec_blocks(decl, first, env, ctx)?;
            return Some(Named {
                name: name?,
                span: decl.span,
                spec: Arc::new(spec),
                entries,
            });
        }
        let mut parts = Parts::default();
        for stmt in &decl.body {
            self.stmt(stmt, env, ctx, &mut parts);
        }
        let brought = std::mem::take(&mut parts.expects);
        let namespace = match ctx {
            Ctx::Namespace(name) => Some(name),
            Ctx::Cluster => None,
        };
        self.settle(&brought, namespace);
        let entries = parts.entries;
        let spec = self.finish(parts, ctx, decl.name.span)?;
        Some(Named {
            name: name?,
            span: decl.span,
            spec: Arc::new(spec),
            entries,
        })
    }

    /// A policy written with `spec` blocks: its `metadata` statements, then
    /// one checked rule set per block; `first` is the first block. Any
    /// other statement outside the blocks is E0243.
    fn spec_blocks(
        &mut self,
        decl: &'a ast::PolicyDecl,
        first: Span,
        env: Env<'_>,
        ctx: &Ctx,
    ) -> Option<(ir::PolicySpec, usize)> {
        let mut outer = Parts::default();
        let mut specs = Vec::new();
        let mut entries = 0;
        let mut broken = false;
        for stmt in &decl.body {
            match stmt {
                ast::Stmt::Spec(block) => match self.spec_block(block, env, ctx) {
                    Some((spec, count)) => {
                        specs.push(spec);
                        entries += count;
                    }
                    None => broken = true,
                },
                ast::Stmt::Metadata(_) => self.stmt(stmt, env, ctx, &mut outer),
                other => {
                    self.diags.push(report::statement_beside_specs(
                        other.span(),
                        stmt_name(other),
                        first,
                    ));
                    broken = true;
                }
            }
        }
        if broken || outer.broken || self.spent {
            return None;
        }
        let spec = ir::PolicySpec {
            metadata: outer.metadata,
            specs,
            ..ir::PolicySpec::default()
        };
        Some((spec, entries))
    }

    /// One `spec` block: checked as the body of a policy of its own.
    fn spec_block(
        &mut self,
        block: &'a ast::SpecBlock,
        env: Env<'_>,
        ctx: &Ctx,
    ) -> Option<(ir::PolicySpec, usize)> {
        if block.body.is_empty() {
            self.diags.push(report::empty_spec(block.span));
            return None;
        }
        let mut parts = Parts::default();
        let mut refused = false;
        for stmt in &block.body {
            match stmt {
                ast::Stmt::Spec(inner) => {
                    self.diags.push(report::misplaced_spec(
                        spec_keyword(inner),
                        report::Misplaced::SpecInSpec,
                        Some(spec_keyword(block)),
                    ));
                    refused = true;
                }
                ast::Stmt::Metadata(metadata) => {
                    self.diags.push(report::misplaced_spec(
                        metadata.span,
                        report::Misplaced::MetadataInSpec,
                        Some(spec_keyword(block)),
                    ));
                    refused = true;
                }
                _ => self.stmt(stmt, env, ctx, &mut parts),
            }
        }
        let brought = std::mem::take(&mut parts.expects);
        let namespace = match ctx {
            Ctx::Namespace(name) => Some(name),
            Ctx::Cluster => None,
        };
        self.settle(&brought, namespace);
        if refused {
            return None;
        }
        let entries = parts.entries;
        let spec = self.finish(parts, ctx, spec_keyword(block))?;
        Some((spec, entries))
    }

    /// Applies one statement to a policy under construction.
    fn stmt(&mut self, stmt: &'a ast::Stmt, env: Env<'_>, ctx: &Ctx, parts: &mut Parts) {
        parts.touched = true;
        if self.spent {
            parts.broken = true;
            return;
        }
        // Only the diagnostics added since: counting them all for every
        // statement would take time quadratic in the number of errors.
        let start = self.diags.len();
        self.stmt_inner(stmt, env, ctx, parts);
        if self
            .diags
            .get(start..)
            .is_some_and(|added| added.iter().any(Diagnostic::is_error))
        {
            parts.broken = true;
        }
    }

    fn stmt_inner(&mut self, stmt: &'a ast::Stmt, env: Env<'_>, ctx: &Ctx, parts: &mut Parts) {
        match stmt {
            ast::Stmt::Use(use_stmt) => {
                if use_stmt.sentence.is_some() && use_stmt.name.node.is_empty() {
                    parts.broken = true;
                }
                if let Some(expansion) = self.use_category(use_stmt, env, ctx) {
                    if let Some(first) = expansion.policies.first() {
                        self.diags.push(
                            report::category_with_policies(use_stmt.span, &use_stmt.name.node)
                                .secondary(first.span, "the category defines this policy")
                                .help("use the category at namespace level, or move its `policy` blocks out of it"),
                        );
                    }
                    self.merge(parts, &expansion.parts, use_stmt);
                }
            }
            ast::Stmt::Select(select) => {
                parts.select_written = true;
                let subject = rules::subject(&mut self.eval, select, env, ctx, self.diags);
                if let Some((_, first)) = &parts.subject {
                    self.diags.push(
                        report::pods_and_nodes(select.span, report::PodsAndNodes::SecondSelect)
                            .secondary(*first, "first `select` here")
                            .note("a Cilium rule has one endpoint or node selector")
                            .help("write one policy per subject"),
                    );
                } else if let Some(subject) = subject {
                    parts.subject = Some((subject, select.span));
                }
            }
            ast::Stmt::Description(value, span) => {
                if let Some(text) = self.eval.string(value, env, self.diags) {
                    parts.description = Some((validate::description(text), *span));
                }
            }
            ast::Stmt::Label(key, value, _) => {
                let key_checked = validate::label_key(&key.node, key.span, self.diags);
                let text = self.eval.string(value, env, self.diags);
                if let (Some(key), Some(text)) = (key_checked, text) {
                    if let Some(value) = validate::label_value(&text, value.span(), self.diags) {
                        parts.labels.insert(key, value);
                    }
                }
            }
            ast::Stmt::Log(value, span) => {
                versions::check_rule_log(*span, self.version, self.diags);
                if let Some(text) = self.eval.string(value, env, self.diags) {
                    if let Some(log) = validate::log_value(text, value.span(), self.diags) {
                        parts.log = Some((log, *span));
                    }
                }
            }
            ast::Stmt::Metadata(metadata) => {
                let map = match metadata.kind {
                    ast::MetadataKind::Label => validate::MetadataMap::Labels,
                    ast::MetadataKind::Annotation => validate::MetadataMap::Annotations,
                };
                let key =
                    validate::metadata_key(&metadata.key.node, metadata.key.span, map, self.diags);
                let text = self.eval.string(&metadata.value, env, self.diags);
                let (Some(key), Some(text)) = (key, text) else {
                    return;
                };
                match map {
                    validate::MetadataMap::Labels => {
                        if let Some(value) =
                            validate::label_value(&text, metadata.value.span(), self.diags)
                        {
                            parts.metadata_label(key, value, metadata.span, self.diags);
                        }
                    }
                    validate::MetadataMap::Annotations => parts.annotation(
                        key,
                        validate::annotation_value(text),
                        metadata.span,
                        self.diags,
                    ),
                }
            }
            ast::Stmt::DefaultDeny(directions, span) => {
                for direction in directions {
                    // The empty rule: no peer, no ports.
                    let origin = ir::RuleOrigin {
                        span: *span,
                        categories: Vec::new(),
                    };
                    parts.deny_said.at(direction.node).get_or_insert(*span);
                    parts.entries += 1;
                    match direction.node {
                        ast::Direction::Ingress => parts.ingress.push(ir::Rule {
                            origin,
                            peer: ir::IngressPeer::Anywhere,
                            ports: Vec::new(),
                            icmps: Vec::new(),
                            l7: None,
                            authentication: None,
                            tls: None,
                        }),
                        ast::Direction::Egress => parts.egress.push(ir::Rule {
                            origin,
                            peer: ir::EgressPeer::Anywhere,
                            ports: Vec::new(),
                            icmps: Vec::new(),
                            l7: None,
                            authentication: None,
                            tls: None,
                        }),
                    }
                }
            }
            ast::Stmt::NoDefaultDeny(directions, span) => {
                versions::check_default_deny_switch(*span, self.version, self.diags);
                for direction in directions {
                    parts.no_deny_said.at(direction.node).get_or_insert(*span);
                }
            }
            ast::Stmt::Spec(block) => {
                // `policy` and `spec_block` take the blocks of a `policy`;
                // this is one in a category's or a namespace's own
                // statements.
                self.diags.push(report::misplaced_spec(
                    block.span,
                    report::Misplaced::SpecOutsidePolicy,
                    None,
                ));
            }
            ast::Stmt::Rule(rule) => {
                let before = self.namespace_used;
                let built = rules::rule(
                    &mut self.eval,
                    rule,
                    env,
                    ctx,
                    &mut self.namespace_used,
                    self.diags,
                );
                if let Some(built) = &built {
                    versions::check_rule(rule, built.view(), self.version, self.diags);
                }
                let built = built.filter(|built| {
                    self.within_budget(parts, rule_entries(built.view()), rule.span, "rule")
                });
                if let Some(mut built) = built {
                    versions::icmp_names_as_numbers(built.icmps_mut(), self.version);
                    parts.entries += rule_entries(built.view());
                    match built {
                        Placed::Ingress(rule) => parts.ingress.push(rule),
                        Placed::IngressDeny(rule) => parts.ingress_deny.push(rule),
                        Placed::Egress(rule) => parts.egress.push(rule),
                        Placed::EgressDeny(rule) => parts.egress_deny.push(rule),
                    }
                }
                self.namespace_used |= before;
            }
        }
    }

    /// Turns the parts of a policy into a checked spec.
    fn finish(&mut self, parts: Parts, ctx: &Ctx, name_span: Span) -> Option<ir::PolicySpec> {
        if !safety::check_default_deny_switches(&parts.deny_said, &parts.no_deny_said, self.diags) {
            return None;
        }
        if parts.broken {
            if parts.subject.is_none() && !parts.select_written && *ctx == Ctx::Cluster {
                safety::missing_cluster_select(name_span, self.diags);
            }
            return None;
        }
        let subject = match (parts.subject, ctx) {
            (Some((subject, span)), _) => {
                cilium::check_subject_rules(
                    &subject,
                    span,
                    &parts.ingress,
                    &parts.egress,
                    self.diags,
                );
                subject
            }
            (None, Ctx::Namespace(_)) => ir::Subject::default(),
            (None, Ctx::Cluster) => {
                safety::missing_cluster_select(name_span, self.diags);
                return None;
            }
        };
        let spec = ir::PolicySpec {
            description: parts.description.map(|(text, _)| text),
            subject,
            default_deny: parts.no_deny_said.switches(),
            // The program holds every namespace's rules until emit: no spare
            // capacity left over from the pushes.
            ingress: exact(parts.ingress),
            ingress_deny: exact(parts.ingress_deny),
            egress: exact(parts.egress),
            egress_deny: exact(parts.egress_deny),
            labels: parts.labels,
            metadata: parts.metadata,
            log: parts.log.map(|(log, _)| log),
            specs: Vec::new(),
        };
        cilium::check_not_empty(&spec, name_span, self.diags)?;
        Some(spec)
    }
}

/// A statement as an error message names it.
fn stmt_name(stmt: &ast::Stmt) -> &'static str {
    match stmt {
        ast::Stmt::Use(use_stmt) if use_stmt.sentence.is_some() => "a rule sentence",
        ast::Stmt::Use(_) => "`use`",
        ast::Stmt::Select(_) => "`select`",
        ast::Stmt::Description(..) => "`description`",
        ast::Stmt::Log(..) => "`log`",
        ast::Stmt::Label(..) => "`label`",
        ast::Stmt::DefaultDeny(..) => "`default deny`",
        ast::Stmt::NoDefaultDeny(..) => "`no default deny`",
        ast::Stmt::Rule(_) => "a rule",
        ast::Stmt::Metadata(_) => "`metadata`",
        ast::Stmt::Spec(_) => "a `spec` block",
    }
}

/// The `spec` keyword of a block: where to point at the block as a whole.
fn spec_keyword(block: &ast::SpecBlock) -> Span {
    Span {
        end: block.span.start.saturating_add(4).min(block.span.end),
        ..block.span
    }
}

/// The vector without spare capacity.
fn exact<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}
