//! What every lint reads: the checked program, the syntax trees, and the
//! indexes that lead from one to the other (an IR policy to the name it was
//! written under, an IR rule to its syntax).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::ast;
use crate::ir;
use crate::source::{FileId, Origin, SourceMap, Span};

/// One emitted policy with where it lives.
#[derive(Clone, Copy, Debug)]
pub struct Inst<'a> {
    /// The namespace of a CiliumNetworkPolicy; `None` for a cluster-wide one.
    pub namespace: Option<&'a str>,
    /// The policy.
    pub policy: &'a ir::PolicyInstance,
    /// Where to point at the policy: its name, or the `use` that made it.
    pub name_span: Span,
}

impl Inst<'_> {
    /// `policy `x` of namespace `y``, or `cluster policy `x``.
    pub fn describe(&self) -> String {
        match self.namespace {
            Some(namespace) => format!("policy `{}` of namespace `{namespace}`", self.policy.name),
            None => format!("cluster policy `{}`", self.policy.name),
        }
    }

    /// The policy's spec.
    pub fn spec(&self) -> &ir::PolicySpec {
        &self.policy.spec
    }
}

/// The program and its sources, indexed for the lints.
pub struct Repo<'a> {
    /// The checked program.
    pub program: &'a ir::Program,
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
    /// The statements written directly in each policy, by the policy's origin.
    bodies: HashMap<Span, Vec<&'a ast::Stmt>>,
    /// User files.
    user: HashSet<FileId>,
}

impl<'a> Repo<'a> {
    /// Indexes a program.
    pub fn new(
        program: &'a ir::Program,
        files: &'a [ast::File],
        sources: &'a SourceMap,
    ) -> Repo<'a> {
        let user = sources
            .iter()
            .filter(|(_, file)| file.origin == Origin::User)
            .map(|(id, _)| id)
            .collect();
        let mut index = Index::default();
        for file in files {
            index.file(file);
        }
        let mut instances = Vec::new();
        let mut by_namespace = HashMap::new();
        for (name, namespace) in &program.namespaces {
            let start = instances.len();
            by_namespace.insert(name.as_str(), start..start + namespace.policies.len());
            for policy in &namespace.policies {
                instances.push(Inst {
                    namespace: Some(name.as_str()),
                    policy,
                    name_span: index
                        .names
                        .get(&policy.origin)
                        .copied()
                        .unwrap_or(policy.origin),
                });
            }
        }
        let cluster_start = instances.len();
        for policy in &program.cluster {
            instances.push(Inst {
                namespace: None,
                policy,
                name_span: index
                    .names
                    .get(&policy.origin)
                    .copied()
                    .unwrap_or(policy.origin),
            });
        }
        Repo {
            program,
            files,
            sources,
            instances,
            by_namespace,
            cluster_start,
            rules: index.rules,
            cluster: index.cluster,
            bodies: index.bodies,
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
        let use_span = self.bodies.get(&inst.policy.origin).and_then(|body| {
            body.iter().find_map(|stmt| match stmt {
                ast::Stmt::Use(use_stmt) if Some(&use_stmt.name.node) == outermost => {
                    Some(use_stmt.span)
                }
                _ => None,
            })
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

/// The syntax indexes, built in one walk.
#[derive(Default)]
struct Index<'a> {
    rules: HashMap<Span, &'a ast::Rule>,
    cluster: HashMap<Span, &'a ast::PolicyDecl>,
    /// A policy instance's origin to the span of its name.
    names: HashMap<Span, Span>,
    bodies: HashMap<Span, Vec<&'a ast::Stmt>>,
}

impl<'a> Index<'a> {
    fn file(&mut self, file: &'a ast::File) {
        for item in &file.items {
            match item {
                ast::Item::Namespace(decl) => {
                    // The namespace's bare statements make a policy whose
                    // origin is the namespace's name.
                    let bare = decl.body.iter().filter_map(|item| match item {
                        ast::BodyItem::Stmt(stmt) => Some(stmt),
                        ast::BodyItem::Policy(_) => None,
                    });
                    self.bodies.insert(decl.name.span, bare.collect());
                    self.body(&decl.body);
                }
                ast::Item::Category(category) => self.body(&category.body),
                ast::Item::ClusterPolicy(decl) => {
                    self.cluster.insert(decl.span, decl);
                    self.policy(decl);
                }
                ast::Item::Import(_)
                | ast::Item::Const(_)
                | ast::Item::Cilium(_)
                | ast::Item::CidrGroups(_)
                | ast::Item::Inventory(_) => {}
            }
        }
    }

    fn body(&mut self, body: &'a [ast::BodyItem]) {
        for item in body {
            match item {
                ast::BodyItem::Policy(policy) => self.policy(policy),
                ast::BodyItem::Stmt(stmt) => self.stmt(stmt),
            }
        }
    }

    fn policy(&mut self, policy: &'a ast::PolicyDecl) {
        self.names.insert(policy.span, policy.name.span);
        self.bodies
            .insert(policy.span, policy.body.iter().collect());
        for stmt in &policy.body {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &'a ast::Stmt) {
        if let ast::Stmt::Rule(rule) = stmt {
            self.rules.insert(rule.span, rule);
        }
    }
}
