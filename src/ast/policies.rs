//! Namespaces, policies and their statements: `use`, `select`, subjects
//! and scopes.

use super::items::Sentence;
use super::rules::Rule;
use super::values::{Selector, Value};
use crate::source::{Span, Spanned};

/// `[system] namespace NAME { body }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceDecl {
    /// The `system` keyword, when written.
    pub system: Option<Span>,
    /// The namespace name.
    pub name: Spanned<String>,
    /// The body.
    pub body: Vec<BodyItem>,
    /// The whole item.
    pub span: Span,
}

/// `policy NAME { ... }`, also the body of `cluster policy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDecl {
    /// The policy name.
    pub name: Spanned<String>,
    /// Statements in order.
    pub body: Vec<Stmt>,
    /// The whole block.
    pub span: Span,
}

/// What a namespace or category body holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyItem {
    /// A named policy.
    Policy(PolicyDecl),
    /// A statement for the body's own policy.
    Stmt(Stmt),
    /// `expect allow|deny ...`: not part of any policy (boxed: the largest
    /// item).
    Expect(Box<super::expect::Expect>),
}

/// A statement inside a policy body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `use NAME(args)`.
    Use(Use),
    /// `select ...`.
    Select(Select),
    /// `description "..."`.
    Description(Value, Span),
    /// `label key=value`.
    Label(Spanned<String>, Value, Span),
    /// `default deny ingress, egress`.
    DefaultDeny(Vec<Spanned<Direction>>, Span),
    /// `no default deny ingress, egress`.
    NoDefaultDeny(Vec<Spanned<Direction>>, Span),
    /// An allow or deny rule (boxed: by far the largest statement).
    Rule(Box<Rule>),
    /// `metadata label key=value` or `metadata annotation key=value`.
    Metadata(Metadata),
    /// `log "text"`.
    Log(Value, Span),
    /// `spec { ... }`: one rule set of the object's `specs`.
    Spec(SpecBlock),
}

impl Stmt {
    /// The span of the whole statement.
    pub fn span(&self) -> Span {
        match self {
            Stmt::Use(use_stmt) => use_stmt.span,
            Stmt::Select(select) => select.span,
            Stmt::Description(_, span)
            | Stmt::Log(_, span)
            | Stmt::Label(_, _, span)
            | Stmt::DefaultDeny(_, span)
            | Stmt::NoDefaultDeny(_, span) => *span,
            Stmt::Rule(rule) => rule.span,
            Stmt::Metadata(metadata) => metadata.span,
            Stmt::Spec(block) => block.span,
        }
    }
}

/// `spec { statements }`: one entry of the object's `specs` list, with its
/// own subject, description, labels, default-deny switches and rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecBlock {
    /// Statements in order.
    pub body: Vec<Stmt>,
    /// The whole block.
    pub span: Span,
}

/// `metadata label key=value` or `metadata annotation key="text"`: one entry
/// of the object's `metadata.labels` or `metadata.annotations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// Which map the entry goes to.
    pub kind: MetadataKind,
    /// The key.
    pub key: Spanned<String>,
    /// The value.
    pub value: Value,
    /// The whole statement.
    pub span: Span,
}

/// The map of a [`Metadata`] statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetadataKind {
    /// `metadata label`: `metadata.labels`.
    Label,
    /// `metadata annotation`: `metadata.annotations`.
    Annotation,
}

/// `use NAME(arg: value, ...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// The category name.
    pub name: Spanned<String>,
    /// Named arguments.
    pub args: Vec<Arg>,
    /// The whole statement.
    pub span: Span,
    /// The rule sentence this `use` was written as (`allow dns`). Parsing
    /// leaves `name` empty and `args` empty; `sema::sentences` fills them
    /// in from the declaring category's `sentence` (the one place the AST
    /// is completed after parsing), or leaves `name` empty when no category
    /// declares the sentence.
    pub sentence: Option<Box<Sentence>>,
}

/// `name: value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The parameter name; empty (at the value's start) for a positional
    /// argument, which sema refuses with E0309.
    pub name: Spanned<String>,
    /// The value.
    pub value: Value,
}

/// A traffic direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `ingress`.
    Ingress,
    /// `egress`.
    Egress,
}

/// `select SUBJECT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Select {
    /// What is selected.
    pub subject: Subject,
    /// The whole statement.
    pub span: Span,
}

/// The subject of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// `pods [SELECTOR] [in SCOPE]`.
    Pods {
        /// The pod selector; `None` selects every pod in scope.
        selector: Option<Selector>,
        /// The namespaces, for cluster-wide policies.
        scope: Option<Scope>,
    },
    /// `all nodes`.
    AllNodes,
    /// `nodes SELECTOR`.
    Nodes(Selector),
    /// `everything`: every endpoint of the cluster (`endpointSelector: {}`
    /// in a cluster-wide policy), Cilium's reserved endpoints included.
    Everything,
}

/// `in ...`: where a pod selector looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Which namespaces.
    pub kind: ScopeKind,
    /// The whole `in ...` clause.
    pub span: Span,
}

/// The kinds of namespace scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// `in all namespaces [except a, b]`.
    All {
        /// Namespaces left out.
        except: Vec<Value>,
    },
    /// `in namespaces with SELECTOR`.
    Labelled(Selector),
    /// `in namespace a, b`.
    Named(Vec<Value>),
}
