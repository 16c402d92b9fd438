//! What every lint reads: the checked program, its name index
//! ([`crate::sema::Index`]: where a policy's name is written, which `use`
//! brought a rule in, what a `$NAME` means), the syntax trees, and the
//! syntax of each rule, cluster-wide policy and constant by its span (the
//! IR carries spans; some lints point inside the syntax they lead to).

use std::ops::Range;

use crate::ast;
use crate::hash::{HashMap, HashMapExt, HashSet};
use crate::ir;
use crate::sema::Index;
use crate::source::{FileId, Origin, SourceMap, Span};

/// One rule set of an emitted policy with where it lives: the policy's
/// spec, or one of its `specs` (each a rule of its own to Cilium).
#[derive(Clone, Copy, Debug)]
pub struct Inst<'a> {
    /// The namespace of a CiliumNetworkPolicy; `None` for a cluster-wide one.
    pub namespace: Option<&'a str>,
    /// The policy.
    pub policy: &'a ir::PolicyInstance,
    /// The rule set.
    pub rule_set: &'a ir::PolicySpec,
    /// Where to point at the policy: its name, or the `use` that made it.
    pub name_span: Span,
}

impl<'a> Inst<'a> {
    /// `policy `x` of namespace `y``, or `cluster policy `x``.
    pub fn describe(&self) -> String {
        match self.namespace {
            Some(namespace) => format!("policy `{}` of namespace `{namespace}`", self.policy.name),
            None => format!("cluster policy `{}`", self.policy.name),
        }
    }

    /// The rule set.
    pub fn spec(&self) -> &'a ir::PolicySpec {
        self.rule_set
    }
}

/// The program and its sources, indexed for the lints.
pub struct Repo<'a> {
    /// The checked program.
    pub program: &'a ir::Program,
    /// Its name index.
    pub index: &'a Index,
    /// Every parsed file, the standard library included.
    pub files: &'a [ast::File],
    /// The sources.
    pub sources: &'a SourceMap,
    /// Every policy: namespaces in name order, then the cluster-wide ones.
    pub instances: Vec<Inst<'a>>,
    /// The policies of each namespace, as a range of `instances`.
    by_namespace: HashMap<&'a str, Range<usize>>,
    /// Where the cluster-wide policies start in `instances`.
    cluster_start: usize,
    /// Rules by the span of their text.
    rules: HashMap<Span, &'a ast::Rule>,
    /// Cluster-wide policy blocks by span.
    cluster: HashMap<Span, &'a ast::PolicyDecl>,
    /// Constants by the span of their name.
    consts: HashMap<Span, &'a ast::ConstDef>,
    /// User files.
    user: HashSet<FileId>,
}

impl<'a> Repo<'a> {
    /// Indexes a program.
    pub fn new(
        program: &'a ir::Program,
        index: &'a Index,
        files: &'a [ast::File],
        sources: &'a SourceMap,
    ) -> Repo<'a> {
        let user = sources
            .iter()
            .filter(|(_, file)| file.origin == Origin::User)
            .map(|(id, _)| id)
            .collect();
        let mut syntax = Syntax::default();
        for file in files {
            syntax.file(file);
        }
        let mut instances = Vec::new();
        let mut by_namespace = HashMap::new();
        for (name, namespace) in &program.namespaces {
            let start = instances.len();
            for policy in &namespace.policies {
                for rule_set in policy.spec.rule_sets() {
                    instances.push(Inst {
                        namespace: Some(name.as_str()),
                        policy,
                        rule_set,
                        name_span: name_span(index, Some(name), policy),
                    });
                }
            }
            by_namespace.insert(name.as_str(), start..instances.len());
        }
        let cluster_start = instances.len();
        for policy in &program.cluster {
            for rule_set in policy.spec.rule_sets() {
                instances.push(Inst {
                    namespace: None,
                    policy,
                    rule_set,
                    name_span: name_span(index, None, policy),
                });
            }
        }
        Repo {
            program,
            index,
            files,
            sources,
            instances,
            by_namespace,
            cluster_start,
            rules: syntax.rules,
            cluster: syntax.cluster,
            consts: syntax.consts,
            user,
        }
    }

    /// The other policies that could select all of the endpoints of a
    /// policy whose endpoints are in `namespaces` (`None`: any namespace):
    /// the policies of those namespaces and the cluster-wide ones. Looking
    /// only there keeps the lints linear in the number of namespaces.
    pub fn neighbours<'s>(
        &'s self,
        inst: &'s Inst<'_>,
        namespaces: Option<Vec<&str>>,
    ) -> impl Iterator<Item = &'s Inst<'a>> + 's {
        let mut ranges: Vec<Range<usize>> = namespaces
            .unwrap_or_default()
            .iter()
            .filter_map(|name| self.by_namespace.get(name).cloned())
            .collect();
        ranges.push(self.cluster_start..self.instances.len());
        ranges
            .into_iter()
            .flat_map(|range| self.instances.get(range).unwrap_or(&[]))
            .filter(move |other| !std::ptr::eq(other.policy, inst.policy))
    }

    /// The policy `name` of namespace `namespace` (`None`: a cluster-wide
    /// one), as the flow engine names it.
    pub fn instance(&self, namespace: Option<&str>, name: &str) -> Option<&Inst<'a>> {
        let range = match namespace {
            Some(namespace) => self.by_namespace.get(namespace)?.clone(),
            None => self.cluster_start..self.instances.len(),
        };
        self.instances
            .get(range)?
            .iter()
            .find(|inst| inst.policy.name.as_str() == name)
    }

    /// The policies of a namespace, then the cluster-wide ones: every
    /// policy that may select a pod of `namespace`.
    pub fn for_namespace(&self, namespace: &str) -> impl Iterator<Item = &Inst<'a>> {
        let own = self
            .by_namespace
            .get(namespace)
            .and_then(|range| self.instances.get(range.clone()))
            .unwrap_or(&[]);
        let cluster = self.instances.get(self.cluster_start..).unwrap_or(&[]);
        own.iter().chain(cluster)
    }

    /// True when a span is in a user file, not in the standard library.
    pub fn is_user(&self, span: Span) -> bool {
        self.user.contains(&span.file)
    }

    /// True for a user file, false for the standard library.
    pub fn is_user_file(&self, file: FileId) -> bool {
        self.user.contains(&file)
    }

    /// The user files' syntax trees.
    pub fn user_files(&self) -> impl Iterator<Item = &'a ast::File> + '_ {
        self.files
            .iter()
            .filter(|file| self.user.contains(&file.id))
    }

    /// The syntax of an IR rule (`None` for `default deny`).
    pub fn rule_syntax(&self, rule: &ir::RuleOrigin) -> Option<&'a ast::Rule> {
        self.rules.get(&rule.span).copied()
    }

    /// The definition of a constant, by the span of its name.
    pub fn const_def(&self, name: Span) -> Option<&'a ast::ConstDef> {
        self.consts.get(&name).copied()
    }

    /// The block of a cluster-wide policy.
    pub fn cluster_decl(&self, policy: &ir::PolicyInstance) -> Option<&'a ast::PolicyDecl> {
        self.cluster.get(&policy.origin).copied()
    }

    /// Where to point at a rule of a policy: the rule when it is written in
    /// a user file; else the `use` in the policy that brought it from the
    /// standard library; else the policy.
    pub fn rule_span(&self, rule: &ir::RuleOrigin, inst: &Inst<'_>) -> Span {
        if self.is_user(rule.span) {
            return rule.span;
        }
        let outermost = rule.categories.first();
        let use_span =
            self.index
                .policy_uses(inst.policy.origin)
                .iter()
                .find_map(|(category, use_span)| {
                    let name = &self.index.definition(*category)?.name;
                    (Some(name) == outermost).then_some(*use_span)
                });
        use_span.unwrap_or(inst.name_span)
    }

    /// Where to point at a rule's peer: the peer when the rule is written in
    /// a user file, else as [`Repo::rule_span`].
    pub fn peer_span(&self, rule: &ir::RuleOrigin, inst: &Inst<'_>) -> Span {
        match self.rule_syntax(rule) {
            Some(syntax) if self.is_user(syntax.span) => syntax.peer.span,
            _ => self.rule_span(rule, inst),
        }
    }
}

/// Where to point at a policy: its name, or else its origin (the `use`
/// that made it, or the name of the namespace whose bare statements it holds).
fn name_span(index: &Index, namespace: Option<&str>, policy: &ir::PolicyInstance) -> Span {
    index
        .policy(namespace, &policy.name)
        .and_then(|id| index.definition(id))
        .map_or(policy.origin, |def| def.span)
}

/// The syntax of rules, cluster-wide policies and constants by span,
/// built in one walk.
#[derive(Default)]
struct Syntax<'a> {
    rules: HashMap<Span, &'a ast::Rule>,
    cluster: HashMap<Span, &'a ast::PolicyDecl>,
    consts: HashMap<Span, &'a ast::ConstDef>,
}

impl<'a> Syntax<'a> {
    fn file(&mut self, file: &'a ast::File) {
        for item in &file.items {
            match item {
                ast::Item::Namespace(decl) => self.body(&decl.body),
                ast::Item::Category(category) => self.body(&category.body),
                ast::Item::ClusterPolicy(decl) => {
                    self.cluster.insert(decl.span, decl);
                    self.stmts(&decl.body);
                }
                ast::Item::Const(def) => {
                    self.consts.insert(def.name.span, def);
                }
                ast::Item::Import(_)
                | ast::Item::Expect(_)
                | ast::Item::Cilium(_)
                | ast::Item::CidrGroups(_)
                | ast::Item::Inventory(_) => {}
            }
        }
    }

    fn body(&mut self, body: &'a [ast::BodyItem]) {
        for item in body {
            match item {
                ast::BodyItem::Policy(policy) => self.stmts(&policy.body),
                ast::BodyItem::Stmt(stmt) => self.stmts(std::slice::from_ref(stmt)),
                ast::BodyItem::Expect(_) => {}
            }
        }
    }

    fn stmts(&mut self, stmts: &'a [ast::Stmt]) {
        for stmt in stmts {
            if let ast::Stmt::Rule(rule) = stmt {
                self.rules.insert(rule.span, rule);
            }
        }
    }
}
