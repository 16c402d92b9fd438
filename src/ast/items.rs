//! Top-level items and what a file holds besides them: imports, constants,
//! categories with their sentences and parameters, the namespace inventory
//! and `silence` lines.

use super::policies::{BodyItem, NamespaceDecl, PolicyDecl};
use super::rules::Verb;
use super::values::{Selector, Value};
use crate::source::{FileId, Span, Spanned};

/// A parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// The file.
    pub id: FileId,
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// Every `silence` of the file, wherever it is written.
    pub silences: Vec<Silence>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `import "path"`.
    Import(Import),
    /// `const NAME = value` (boxed: the largest item, and a rare one, would
    /// set the size of every file's items).
    Const(Box<ConstDef>),
    /// `category NAME(params) { ... }`.
    Category(Category),
    /// `namespace NAME { ... }`.
    Namespace(NamespaceDecl),
    /// `cluster policy NAME { ... }`.
    ClusterPolicy(PolicyDecl),
    /// `cluster namespaces { ... }`: the namespace inventory.
    Inventory(Inventory),
    /// `cilium 1.19`: the targeted Cilium version, as written.
    Cilium(Spanned<String>),
    /// `cidr groups`: CIDR constants become CiliumCIDRGroups.
    CidrGroups(Span),
    /// `expect allow|deny ...` at top level (boxed: the largest item).
    Expect(Box<super::expect::Expect>),
}

/// `import "path"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The path as written, relative to the importing file.
    pub path: Spanned<String>,
    /// The whole item.
    pub span: Span,
}

/// `const NAME = value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstDef {
    /// The name, without `$`.
    pub name: Spanned<String>,
    /// `group`: the constant is emitted as a CiliumCIDRGroup.
    pub group: Option<Span>,
    /// `label k=v, ...` after a group's CIDRs: the CiliumCIDRGroup's
    /// labels, as a selector of `key=value` terms spanning the clause.
    pub labels: Option<super::Selector>,
    /// The value.
    pub value: Value,
    /// The whole item.
    pub span: Span,
}

/// `category NAME(params) { body }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// The name.
    pub name: Spanned<String>,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// `sentence ...`: the rule sentence that stands for a `use` of it.
    pub sentence: Option<Box<SentenceDecl>>,
    /// The body.
    pub body: Vec<BodyItem>,
    /// The whole item.
    pub span: Span,
}

/// `sentence allow storage from $cidrs port $ports`, in a category's head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceDecl {
    /// `allow` or `deny`.
    pub verb: Spanned<Verb>,
    /// The word after the verb: `storage`.
    pub word: Spanned<String>,
    /// The parameter the values right after the word fill, without `$`.
    pub slot: Option<Spanned<String>>,
    /// The clauses.
    pub clauses: Vec<SentenceDeclClause>,
    /// The whole declaration.
    pub span: Span,
}

/// `in namespace $namespace`: clause words and the parameter they fill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceDeclClause {
    /// The clause words, as written (`["in", "namespace"]`).
    pub words: Vec<String>,
    /// The parameter, without `$`.
    pub param: Spanned<String>,
    /// The whole clause.
    pub span: Span,
}

/// `allow storage from $IPS port 2049/tcp`: a rule sentence as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// `allow` or `deny`.
    pub verb: Spanned<Verb>,
    /// The word after the verb.
    pub word: Spanned<String>,
    /// The values right after the word, with their span.
    pub values: Option<Spanned<Vec<Value>>>,
    /// The clauses in order.
    pub clauses: Vec<SentenceClause>,
}

impl Sentence {
    /// The verb and the word, as the sentence is named: `allow dns`.
    pub fn title(&self) -> String {
        format!("{} {}", self.verb.node.keyword(), self.word.node)
    }
}

/// `from $IPS`, `in namespace monitoring`: one clause of a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentenceClause {
    /// The clause words, as written, spanning the words.
    pub words: Spanned<Vec<String>>,
    /// The values.
    pub values: Spanned<Vec<Value>>,
    /// The whole clause.
    pub span: Span,
}

/// `name: type = default`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// The name, used as `$name` in the body.
    pub name: Spanned<String>,
    /// The declared type.
    pub ty: Spanned<ParamType>,
    /// The default value.
    pub default: Option<Value>,
}

/// A parameter type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `cidr`.
    Cidr,
    /// `cidrs`.
    Cidrs,
    /// `port`.
    Port,
    /// `ports`.
    Ports,
    /// `string`.
    String,
    /// `strings`.
    Strings,
    /// `selector`.
    Selector,
}

/// `cluster namespaces { a, b tier=app }`: namespaces the cluster has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    /// The namespaces in source order.
    pub entries: Vec<InventoryEntry>,
    /// The whole item.
    pub span: Span,
}

/// One namespace of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryEntry {
    /// The namespace name.
    pub name: Spanned<String>,
    /// The labels the namespace carries, written as a selector of `key=value` terms.
    pub labels: Option<Selector>,
    /// The whole entry.
    pub span: Span,
}

/// `silence W0106 "reason"`: no such warning on the node that follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Silence {
    /// The codes as written.
    pub codes: Vec<Spanned<String>>,
    /// The reason; required, but kept optional here so sema can say so.
    pub reason: Option<Spanned<String>>,
    /// The definition or statement it applies to.
    pub target: Span,
    /// The `silence` line itself.
    pub span: Span,
}
