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

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use super::context::Ctx;
use super::place::Placed;
use super::proof::CHECKED;
use super::resolve::{CategoryRef, Defs};
use super::types::Ty;
use super::values::{self, Bound, Env, Evaluator, Params, Val};
use super::{cilium, rules, safety, sentences, suggest, validate, versions};
use crate::CiliumVersion;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::{FileId, Origin, SourceMap, Span};

/// A policy under construction: what statements have said so far.
#[derive(Clone, Debug, Default)]
pub struct Parts {
    /// `select`, with where it was written.
    pub subject: Option<(ir::Subject, Span)>,
    /// `description`.
    pub description: Option<(ir::Description, Span)>,
    /// `label`s.
    pub labels: std::collections::BTreeMap<ir::LabelKey, ir::LabelValue>,
    /// Where `default deny` was said, per direction.
    pub deny_said: safety::Said,
    /// Where `no default deny` was said, per direction.
    pub no_deny_said: safety::Said,
    /// Ingress allow rules.
    pub ingress: Vec<ir::IngressRule>,
    /// Ingress deny rules.
    pub ingress_deny: Vec<ir::IngressDenyRule>,
    /// Egress allow rules.
    pub egress: Vec<ir::EgressRule>,
    /// Egress deny rules.
    pub egress_deny: Vec<ir::EgressDenyRule>,
    /// True once any statement was seen (an empty category adds no policy).
    pub touched: bool,
    /// True when a statement had an error and was left out, so the policy
    /// is incomplete and not checked further (no cascading errors).
    pub broken: bool,
    /// True when a `select` was written, even one with an error.
    pub select_written: bool,
    /// How many entries the rules hold (see [`rule_entries`]).
    pub entries: usize,
    /// True when a statement would have passed the budget (E0108, already
    /// reported); a `use` of these parts reports nothing more.
    pub over_budget: bool,
}

impl Parts {
    fn merge(&mut self, other: &Parts, use_span: Span, diags: &mut Vec<Diagnostic>) {
        if let Some((subject, span)) = &other.subject {
            match &self.subject {
                Some((_, first)) => diags.push(
                    report::pods_and_nodes(use_span, report::PodsAndNodes::SecondSelectFromUse)
                    .secondary(*first, "the policy already selects here")
                    .secondary(*span, "the category's `select`")
                    .help(
                        "use the category at namespace level, where it becomes a policy of its own",
                    ),
                ),
                None => self.subject = Some((subject.clone(), *span)),
            }
        }
        if self.description.is_none() {
            self.description.clone_from(&other.description);
        }
        self.labels
            .extend(other.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.deny_said.merge(other.deny_said, use_span);
        self.no_deny_said.merge(other.no_deny_said, use_span);
        self.ingress.extend(other.ingress.iter().cloned());
        self.ingress_deny.extend(other.ingress_deny.iter().cloned());
        self.egress.extend(other.egress.iter().cloned());
        self.egress_deny.extend(other.egress_deny.iter().cloned());
        self.entries = self.entries.saturating_add(other.entries);
        self.touched |= other.touched;
        self.broken |= other.broken;
        self.select_written |= other.select_written;
    }

    fn prefix_category(&mut self, category: &str) {
        let origins = (self.ingress.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.ingress_deny.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.egress.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.egress_deny.iter_mut().map(|rule| &mut rule.origin));
        for origin in origins {
            origin.categories.insert(0, category.to_owned());
        }
    }
}

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

/// The most entries one policy may hold (E0108). An entry is a rule, or
/// one of its peers, ports, ICMP types or L7 rules (see [`rule_entries`]).
/// One Kubernetes object is at most about 1.5 MiB (etcd's default request
/// limit) and no entry takes less than about 12 bytes of YAML, so a larger
/// policy could not be applied anyway; real policies hold tens of entries,
/// rarely thousands.
pub const MAX_POLICY_ENTRIES: usize = 100_000;

/// The most entries the whole program may build (E0108): every entry where
/// it is written, each time a `use` copies it, and in each namespace whose
/// output holds it. Ten million entries are well over 100 MB of YAML; the
/// 1,000-namespace repository of `tests/bench/generate.py` builds 38,612,
/// and the repositories under `examples/` about a thousand.
pub const MAX_PROGRAM_ENTRIES: usize = 10_000_000;

/// The entries a rule counts for in the budget: 1, plus 1 for each peer
/// (each selector term and value, CIDR and exception, entity, FQDN,
/// service), port, ICMP type and L7 rule (and HTTP header).
pub fn rule_entries(rule: ir::RuleRef<'_>) -> usize {
    let selector = |selector: &ir::Selector| {
        selector.match_labels.len()
            + selector
                .match_expressions
                .iter()
                .map(|expression| 1 + expression.values.len())
                .sum::<usize>()
    };
    let cidrs = |cidrs: &[ir::CidrRule]| {
        cidrs
            .iter()
            .map(|cidr| 1 + cidr.except().len())
            .sum::<usize>()
    };
    let peers = match rule.peer {
        ir::PeerRef::Anywhere => 0,
        ir::PeerRef::Endpoints(selectors) => selectors.iter().map(|one| 1 + selector(one)).sum(),
        ir::PeerRef::Entities(entities) => entities.len(),
        ir::PeerRef::Cidrs(list) => cidrs(list),
        ir::PeerRef::CidrGroups(peer) => cidrs(peer.cidrs()) + peer.groups().len(),
        ir::PeerRef::Fqdns(names) => names.len(),
        ir::PeerRef::Services(services) => services
            .iter()
            .map(|service| match service {
                ir::ServiceRef::Named { .. } => 1,
                ir::ServiceRef::Selected { selector: one, .. } => 1 + selector(one),
            })
            .sum(),
    };
    let l7 = match rule.l7 {
        None => 0,
        Some(ir::L7::Http(rules)) => rules.iter().map(|rule| 1 + rule.headers.len()).sum(),
        Some(ir::L7::Kafka(rules)) => rules.len(),
        Some(ir::L7::Dns(rules)) => rules.len(),
    };
    1 + peers + rule.ports.len() + rule.icmps.len() + l7
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
    diags: &'d mut Vec<Diagnostic>,
}

impl<'a> Expander<'a, '_> {
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
                }
                ast::BodyItem::Stmt(stmt) => self.stmt(stmt, env, &ctx, &mut bare),
            }
        }
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
            sources: self.user_paths(files),
            policies,
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
        let mut parts = Parts::default();
        for stmt in &decl.body {
            self.stmt(stmt, env, ctx, &mut parts);
        }
        let entries = parts.entries;
        let spec = self.finish(parts, ctx, decl.name.span)?;
        Some(Named {
            name: name?,
            span: decl.span,
            spec: Arc::new(spec),
            entries,
        })
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
                        }),
                        ast::Direction::Egress => parts.egress.push(ir::Rule {
                            origin,
                            peer: ir::EgressPeer::Anywhere,
                            ports: Vec::new(),
                            icmps: Vec::new(),
                            l7: None,
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
            ingress: parts.ingress,
            ingress_deny: parts.ingress_deny,
            egress: parts.egress,
            egress_deny: parts.egress_deny,
            labels: parts.labels,
        };
        cilium::check_not_empty(&spec, name_span, self.diags)?;
        Some(spec)
    }

    /// Expands a `use`, from the cache when it can.
    fn use_category(
        &mut self,
        use_stmt: &'a ast::Use,
        env: Env<'_>,
        ctx: &Ctx,
    ) -> Option<Rc<Expansion>> {
        if self.spent {
            return None;
        }
        if use_stmt.sentence.is_some() && use_stmt.name.node.is_empty() {
            // A sentence nobody declares: reported by `sentences`.
            return None;
        }
        let Some(category) = self.defs.category(env.file, &use_stmt.name.node) else {
            let candidates = self.defs.category_names(env.file);
            let help = sentences::use_help(self.defs, env.file, &use_stmt.name.node)
                .or_else(|| suggest::did_you_mean(&use_stmt.name.node, candidates, str::to_owned));
            self.diags.push(
                report::unknown_category(use_stmt.name.span, &use_stmt.name.node)
                    .help_opt(help)
                    .note("a file sees its own categories, those of the files it imports, and the standard library's"),
            );
            return None;
        };
        if let Some(index) = self
            .stack
            .iter()
            .position(|(file, span)| *file == category.file && *span == category.def.name.span)
        {
            let cycle: Vec<String> = self
                .stack
                .get(index..)
                .unwrap_or(&[])
                .iter()
                .map(|(file, span)| {
                    format!(
                        "`{}`",
                        self.sources.slice(Span {
                            file: *file,
                            ..*span
                        })
                    )
                })
                .chain(std::iter::once(format!("`{}`", use_stmt.name.node)))
                .collect();
            self.diags.push(
                report::definition_cycle(
                    use_stmt.span,
                    report::DefinitionCycle::Category {
                        name: &use_stmt.name.node,
                    },
                )
                .secondary(category.def.name.span, "the category is defined here")
                .note(format!("the cycle: {}", cycle.join(" → ")))
                .help("remove one `use` of the cycle"),
            );
            return None;
        }
        if self.stack.len() >= values::MAX_DEPTH {
            self.diags.push(values::too_deep(
                use_stmt.span,
                "categories",
                &use_stmt.name.node,
            ));
            return None;
        }
        let params = self.bind_args(category, use_stmt, env)?;
        let args: Vec<(String, Val)> = params
            .iter()
            .map(|(name, bound)| (name.clone(), bound.val.clone()))
            .collect();
        let mut key = CacheKey {
            file: category.file,
            category: category.def.name.span,
            args,
            cluster: matches!(ctx, Ctx::Cluster),
            namespace: None,
        };
        if let Some(hit) = self.cached(&mut key, ctx) {
            self.eval.files.extend(hit.files.iter().copied());
            if hit.namespace_dependent {
                self.namespace_used = true;
            }
            return Some(hit);
        }
        let outer_used = std::mem::replace(&mut self.namespace_used, false);
        let diags_start = self.diags.len();
        let start = self.eval.files.len();
        self.eval.files.push(category.file);
        self.stack.push((category.file, category.def.name.span));
        let inner_env = Env {
            file: category.file,
            params: Some(&params),
        };
        let mut parts = Parts::default();
        let mut policies = Vec::new();
        for item in &category.def.body {
            match item {
                ast::BodyItem::Policy(policy) => {
                    let mut policy_parts = Parts::default();
                    for stmt in &policy.body {
                        self.stmt(stmt, inner_env, ctx, &mut policy_parts);
                    }
                    policy_parts.prefix_category(&category.def.name.node);
                    let entries = policy_parts.entries;
                    let name =
                        validate::policy_name(&policy.name.node, policy.name.span, self.diags);
                    if let (Some(name), Some(spec)) =
                        (name, self.finish(policy_parts, ctx, policy.name.span))
                    {
                        policies.push(Named {
                            name,
                            span: policy.span,
                            spec: Arc::new(spec),
                            entries,
                        });
                    }
                }
                ast::BodyItem::Stmt(ast::Stmt::Use(inner)) => {
                    if let Some(expansion) = self.use_category(inner, inner_env, ctx) {
                        self.merge(&mut parts, &expansion.parts, inner);
                        policies.extend(expansion.policies.iter().cloned());
                    }
                }
                ast::BodyItem::Stmt(stmt) => {
                    self.stmt(stmt, inner_env, ctx, &mut parts);
                }
            }
        }
        self.stack.pop();
        self.point_at_use_site(diags_start, use_stmt, &params);
        parts.prefix_category(&category.def.name.node);
        let spec = if parts.touched && matches!(ctx, Ctx::Namespace(_)) {
            self.finish(parts.clone(), ctx, use_stmt.name.span)
                .map(Arc::new)
        } else {
            None
        };
        let mut files: Vec<FileId> = self.eval.files.get(start..).unwrap_or(&[]).to_vec();
        files.sort_unstable();
        files.dedup();
        let namespace_dependent = self.namespace_used;
        self.namespace_used |= outer_used;
        if namespace_dependent {
            if let Ctx::Namespace(name) = ctx {
                key.namespace = Some(name.clone());
            }
        }
        let expansion = Rc::new(Expansion {
            parts,
            spec,
            policies,
            files,
            namespace_dependent,
        });
        self.cache.insert(key, Rc::clone(&expansion));
        Some(expansion)
    }

    /// Merges a used category's parts into `parts` when both budgets allow
    /// it, checked before anything is copied; otherwise reports E0108 (once:
    /// parts already over budget are not reported again) and marks `parts`
    /// broken.
    fn merge(&mut self, parts: &mut Parts, other: &Parts, use_stmt: &ast::Use) {
        if other.over_budget {
            parts.over_budget = true;
            parts.broken = true;
            parts.touched = true;
            return;
        }
        if self.within_budget(parts, other.entries, use_stmt.span, "`use`") {
            parts.merge(other, use_stmt.span, self.diags);
        }
    }

    /// Whether `entries` more fit in the policy `parts` builds and in the
    /// program's budget; when they do not, reports E0108 at `span` (once per
    /// policy) and marks `parts` broken. `what` names the statement: "rule"
    /// or "`use`".
    fn within_budget(&mut self, parts: &mut Parts, entries: usize, span: Span, what: &str) -> bool {
        let total = parts.entries.saturating_add(entries);
        let fits = if parts.over_budget {
            // Reported once per policy, not once per statement after it.
            false
        } else if total > MAX_POLICY_ENTRIES {
            self.diags.push(
                report::budget_exceeded(span, report::BudgetExceeded::PolicyEntries { what: &what, total: &total, limit: &MAX_POLICY_ENTRIES })
                .note(format!(
                    "a policy may hold at most {MAX_POLICY_ENTRIES} entries once its categories are expanded: each rule counts 1, plus 1 for each peer, port, ICMP type and L7 rule"
                ))
                .help("look for categories that use another category more than once: each `use` copies its rules"),
            );
            parts.over_budget = true;
            false
        } else {
            self.spend(entries, span)
        };
        if !fits {
            parts.broken = true;
            parts.touched = true;
        }
        fits
    }

    /// Counts `entries` against [`MAX_PROGRAM_ENTRIES`]; false, after an
    /// E0108 at `span` the first time, once the budget is spent.
    fn spend(&mut self, entries: usize, span: Span) -> bool {
        if self.spent {
            return false;
        }
        self.built = self.built.saturating_add(entries);
        if self.built <= MAX_PROGRAM_ENTRIES {
            return true;
        }
        self.spent = true;
        self.diags.push(
            report::budget_exceeded(span, report::BudgetExceeded::ProgramEntries { limit: &MAX_PROGRAM_ENTRIES })
            .note(format!(
                "the whole program may build at most {MAX_PROGRAM_ENTRIES} entries: each rule counts 1, plus 1 for each peer, port, ICMP type and L7 rule, where it is written, each time a `use` copies it and in each namespace that holds it"
            ))
            .help("look for large categories used many times, or categories that use another category more than once"),
        );
        false
    }

    /// The name of the policy a category used at namespace level becomes.
    fn category_policy_name(&mut self, use_stmt: &ast::Use) -> Option<ir::PolicyName> {
        let name = &use_stmt.name.node;
        let policy_name = name.replace('_', "-");
        if validate::is_dns_subdomain(&policy_name) {
            return Some(ir::PolicyName::new(policy_name, CHECKED));
        }
        let mut snake = String::new();
        for (index, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && index > 0 && !snake.ends_with('_') {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        self.diags.push(
            report::invalid_name(
                use_stmt.name.span,
                report::InvalidName::CategoryPolicy { name: &name },
            )
            .help(format!(
                "rename the category `{snake}`, or use it inside `policy NAME {{ use {name} }}`"
            )),
        );
        None
    }

    /// Moves diagnostics about an argument's value from the parameter's use
    /// inside the category to the argument, where the user can edit, and
    /// marks the `use` of diagnostics inside the standard library.
    fn point_at_use_site(&mut self, start: usize, use_stmt: &ast::Use, params: &Params) {
        let sources = self.sources;
        for diag in self.diags.iter_mut().skip(start) {
            let Some(primary) = &mut diag.primary else {
                continue;
            };
            let text = sources.slice(primary.span);
            let bound = text
                .strip_prefix('$')
                .and_then(|name| params.get(name).map(|bound| (name, bound)));
            if let Some((
                name,
                Bound {
                    arg_span: Some(arg_span),
                    ..
                },
            )) = bound
            {
                let inner = primary.span;
                primary.span = *arg_span;
                diag.secondary.push(crate::diag::Label {
                    span: inner,
                    message: format!(
                        "`${name}` is used here, in category `{}`",
                        use_stmt.name.node
                    ),
                });
            } else if sources
                .get(primary.span.file)
                .is_some_and(|file| file.origin == Origin::Stdlib)
                && !diag
                    .secondary
                    .iter()
                    .any(|label| label.span == use_stmt.span)
            {
                diag.secondary.push(crate::diag::Label {
                    span: use_stmt.span,
                    message: format!("in this use of `{}`", use_stmt.name.node),
                });
            }
        }
    }

    fn cached(&self, key: &mut CacheKey, ctx: &Ctx) -> Option<Rc<Expansion>> {
        if let Some(hit) = self.cache.get(key) {
            if !hit.namespace_dependent {
                return Some(Rc::clone(hit));
            }
        }
        if let Ctx::Namespace(name) = ctx {
            key.namespace = Some(name.clone());
            let hit = self.cache.get(key).cloned();
            key.namespace = None;
            return hit;
        }
        None
    }

    /// E0309: a `use` with positional arguments, and the same `use` with
    /// each argument named after the parameter in its position.
    fn positional_args(&self, category: CategoryRef<'a>, use_stmt: &ast::Use) -> Diagnostic {
        let params = &category.def.params;
        let names: Vec<String> = params
            .iter()
            .map(|param| format!("`{}`", param.name.node))
            .collect();
        let first = use_stmt
            .args
            .iter()
            .find(|arg| arg.name.node.is_empty())
            .map_or(use_stmt.span, |arg| arg.value.span());
        let diag = report::positional_argument(first, &use_stmt.name.node)
            .secondary(category.def.name.span, "the category is defined here");
        let diag = if names.is_empty() {
            diag.note(format!("`{}` takes no parameters", category.def.name.node))
        } else {
            diag.note(format!(
                "`{}` takes {}",
                category.def.name.node,
                names.join(", ")
            ))
        };
        if use_stmt.args.len() > params.len() {
            return diag.help(format!(
                "remove the arguments `{}` has no parameter for",
                category.def.name.node
            ));
        }
        let named: Vec<String> = use_stmt
            .args
            .iter()
            .zip(params)
            .map(|(arg, param)| {
                let name = if arg.name.node.is_empty() {
                    &param.name.node
                } else {
                    &arg.name.node
                };
                format!("{name}: {}", self.sources.slice(arg.value.span()))
            })
            .collect();
        diag.help(format!(
            "write `use {}({})`",
            use_stmt.name.node,
            named.join(", ")
        ))
    }

    /// Checks a `use`'s arguments against the category's parameters.
    fn bind_args(
        &mut self,
        category: CategoryRef<'a>,
        use_stmt: &ast::Use,
        env: Env<'_>,
    ) -> Option<Params> {
        if use_stmt.args.iter().any(|arg| arg.name.node.is_empty()) {
            self.diags.push(self.positional_args(category, use_stmt));
            return None;
        }
        let mut params = Params::new();
        let mut ok = true;
        // Arguments given with an error: not missing, already reported.
        let mut given_badly: Vec<&str> = Vec::new();
        for arg in &use_stmt.args {
            let Some(param) = category
                .def
                .params
                .iter()
                .find(|param| param.name.node == arg.name.node)
            else {
                let names = category
                    .def
                    .params
                    .iter()
                    .map(|param| param.name.node.as_str());
                self.diags.push(
                    report::unknown_argument(
                        arg.name.span,
                        report::UnknownArgument::NoParameter {
                            category: &category.def.name.node,
                            name: &arg.name.node,
                        },
                    )
                    .secondary(category.def.name.span, "the category is defined here")
                    .help_opt(suggest::did_you_mean(
                        &arg.name.node,
                        names,
                        str::to_owned,
                    )),
                );
                ok = false;
                continue;
            };
            if params.contains_key(&arg.name.node) {
                self.diags.push(report::unknown_argument(
                    arg.name.span,
                    report::UnknownArgument::Twice {
                        category: &arg.name.node,
                    },
                ));
                ok = false;
                continue;
            }
            match self
                .eval
                .expect(&arg.value, Ty::of_param(param.ty.node), env, self.diags)
            {
                Some(val) => {
                    params.insert(
                        arg.name.node.clone(),
                        Bound {
                            val,
                            decl_span: param.name.span,
                            arg_span: Some(arg.value.span()),
                            empty_is_absent: empty_default(param),
                        },
                    );
                }
                None => {
                    given_badly.push(arg.name.node.as_str());
                    ok = false;
                }
            }
        }
        let mut missing = Vec::new();
        for param in &category.def.params {
            if params.contains_key(&param.name.node)
                || given_badly.contains(&param.name.node.as_str())
            {
                continue;
            }
            match &param.default {
                Some(default) => {
                    let default_env = Env {
                        file: category.file,
                        params: None,
                    };
                    match self.eval.expect(
                        default,
                        Ty::of_param(param.ty.node),
                        default_env,
                        self.diags,
                    ) {
                        Some(val) => {
                            params.insert(
                                param.name.node.clone(),
                                Bound {
                                    val,
                                    decl_span: param.name.span,
                                    arg_span: None,
                                    empty_is_absent: empty_default(param),
                                },
                            );
                        }
                        None => ok = false,
                    }
                }
                None => missing.push(param),
            }
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|param| format!("`{}`", param.name.node))
                .collect();
            let example: Vec<String> = missing
                .iter()
                .map(|param| format!("{}: ...", param.name.node))
                .collect();
            let mut diag = report::missing_argument(use_stmt.span, &use_stmt.name.node, &names)
                .help(format!(
                    "write `use {}({})`",
                    use_stmt.name.node,
                    example.join(", ")
                ));
            for param in &missing {
                diag = diag.secondary(
                    param.name.span,
                    format!("`{}` is declared here without a default", param.name.node),
                );
            }
            self.diags.push(diag);
            ok = false;
        }
        ok.then_some(params)
    }
}

/// True for a parameter declared with the default `[]`.
fn empty_default(param: &ast::Param) -> bool {
    matches!(&param.default, Some(ast::Value::List(items, _)) if items.is_empty())
}
