//! The name index: every definition of the program (constant, category,
//! parameter, namespace, policy, CIDR group) with the span of its name and
//! the span of every use, built once by sema from its own resolution
//! (`resolve::Defs`), for the lints, the flow engine, `diff` and a
//! language server.
//!
//! - [`Index::at`]: what is at an offset of a file (a definition's name or a
//!   use of it), for hover and go-to-definition;
//! - [`Index::definition`]: a definition, with where its name is written;
//! - [`Index::references`]: every use of a definition and only those, for
//!   rename and "find references".
//!
//! A use's span covers the name as written, without the `$` of `$NAME`.
//! A `use` written as a rule sentence (`allow dns`) is a use of the category
//! at the sentence's word (`dns`). Uses are recorded in every body, those of
//! categories nothing uses included, with the lookup rules sema compiles
//! with: a file sees its own definitions, then those of the files it
//! imports, then the standard library's; inside a category, its parameters
//! come first. A name that does not resolve (an error sema reports) has no
//! entry.
//!
//! **Invariant:** the index holds spans and names, never syntax, so it
//! outlives the syntax trees it was built from.

mod build;
#[cfg(test)]
mod tests;

use super::types::Ty;
use crate::hash::HashMap;
use crate::source::{FileId, Span};

pub(crate) use build::build;

/// The type of each constant sema evaluated (`None` after an error), by
/// defining file and name.
pub(crate) type ConstTypes = HashMap<(FileId, String), Option<Ty>>;

/// A definition of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefId(u32);

/// What a definition defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    /// `const NAME = ...`.
    Constant,
    /// `category NAME(...) { ... }`.
    Category,
    /// A parameter of a category.
    Parameter,
    /// `namespace NAME { ... }`.
    Namespace,
    /// An emitted policy.
    Policy,
    /// A CIDR constant emitted as a CiliumCIDRGroup.
    CidrGroup,
}

/// One definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Def {
    /// What it defines.
    pub kind: DefKind,
    /// The name, as written (for a policy, as emitted).
    pub name: String,
    /// The name in the definition; for a policy that has no name of its own
    /// (a namespace's bare statements, a category used at namespace level),
    /// the namespace's name or the `use`.
    pub span: Span,
    /// The whole definition: the `const` line, the `category` or
    /// `namespace` block; for a policy, the IR's `origin` (the `policy`
    /// block, the `use` that made it, or the namespace's name).
    pub item: Span,
    /// What else is known about it.
    pub detail: Detail,
}

/// What is known about a definition beyond its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// A constant's type, as sema evaluated it (`None` after an error).
    Constant {
        /// The type.
        ty: Option<Ty>,
    },
    /// A category.
    Category {
        /// Its parameters, in order.
        params: Vec<DefId>,
        /// Its rule sentence without values (`allow dns`), when it has one.
        sentence: Option<String>,
    },
    /// A parameter.
    Parameter {
        /// The category it belongs to.
        category: DefId,
        /// The declared type.
        ty: Ty,
    },
    /// A namespace.
    Namespace,
    /// An emitted policy.
    Policy {
        /// The namespace of a CiliumNetworkPolicy; `None` when cluster-wide.
        namespace: Option<String>,
        /// For a policy a category makes (named after the category, or a
        /// `policy` block of it), the namespace's `use` that brought it in.
        via: Option<Span>,
    },
    /// A CiliumCIDRGroup.
    CidrGroup {
        /// The constant it is made from.
        constant: Option<DefId>,
    },
}

/// An `import` of a user or stdlib file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The importing file.
    pub file: FileId,
    /// The `import` line.
    pub span: Span,
    /// The path as written.
    pub path: String,
    /// The file it names, when there is one.
    pub target: Option<FileId>,
    /// True when some name of the importing file resolves through it (the
    /// first import of each file counts).
    pub used: bool,
}

/// The name index of a program.
#[derive(Clone, Debug, Default)]
pub struct Index {
    defs: Vec<Def>,
    /// The uses of each definition, in path and source order.
    uses: Vec<Vec<Span>>,
    /// Every definition name and use, sorted by span, for [`Index::at`].
    spans: Vec<(Span, DefId)>,
    /// Emitted policies, in order of namespace (`None`: cluster-wide) and
    /// name ([`Index::policy_key`]): a sorted list rather than a map keyed
    /// by copies of both names, which would double what every namespace's
    /// policies cost the index.
    policies: Vec<DefId>,
    /// The category `use`s written directly in each policy, by the IR
    /// origin of the policy: the category and the `use` statement.
    policy_uses: HashMap<Span, Vec<(DefId, Span)>>,
    imports: Vec<Import>,
}

impl Index {
    /// The definition or use at a byte offset of a file: the one whose span
    /// holds the offset (its end included, for a cursor right after a name).
    pub fn at(&self, file: FileId, offset: u32) -> Option<DefId> {
        let after = self
            .spans
            .partition_point(|(span, _)| (span.file, span.start) <= (file, offset));
        let (span, def) = self.spans.get(after.checked_sub(1)?)?;
        (span.file == file && offset <= span.end).then_some(*def)
    }

    /// A definition.
    pub fn definition(&self, def: DefId) -> Option<&Def> {
        self.defs.get(def.0 as usize)
    }

    /// Every use of a definition, in path and source order; not the
    /// definition itself.
    pub fn references(&self, def: DefId) -> &[Span] {
        self.uses.get(def.0 as usize).map_or(&[], Vec::as_slice)
    }

    /// Every definition, with its id.
    pub fn defs(&self) -> impl Iterator<Item = (DefId, &Def)> {
        self.defs
            .iter()
            .enumerate()
            .filter_map(|(index, def)| Some((DefId(u32::try_from(index).ok()?), def)))
    }

    /// The definitions of one kind.
    pub fn of_kind(&self, kind: DefKind) -> impl Iterator<Item = (DefId, &Def)> {
        self.defs().filter(move |(_, def)| def.kind == kind)
    }

    /// What a name written at `span` (a `$NAME` with its `$`, a `use`'s
    /// name) refers to, or what a definition's name at `span` defines.
    pub fn resolved(&self, span: Span) -> Option<DefId> {
        self.exactly_at(span).or_else(|| {
            let bare = Span {
                start: span.start.saturating_add(1),
                ..span
            };
            self.exactly_at(bare)
        })
    }

    /// The definition or use whose span is exactly `span`: `spans` is
    /// sorted by span with no span twice, so no second table is kept.
    fn exactly_at(&self, span: Span) -> Option<DefId> {
        let at = self
            .spans
            .binary_search_by_key(&span, |(have, _)| *have)
            .ok()?;
        self.spans.get(at).map(|(_, def)| *def)
    }

    /// The emitted policy of a namespace (`None`: cluster-wide) by name.
    pub fn policy(&self, namespace: Option<&str>, name: &str) -> Option<DefId> {
        let wanted = Some((namespace, name));
        let at = self
            .policies
            .binary_search_by(|id| self.policy_key(*id).cmp(&wanted))
            .ok()?;
        self.policies.get(at).copied()
    }

    /// What [`Index::policies`] is ordered by: a policy's namespace (`None`:
    /// cluster-wide) and name; `None` for a definition of another kind.
    fn policy_key(&self, id: DefId) -> Option<(Option<&str>, &str)> {
        let def = self.definition(id)?;
        match &def.detail {
            Detail::Policy { namespace, .. } => Some((namespace.as_deref(), def.name.as_str())),
            _ => None,
        }
    }

    /// The category `use`s written directly in the policy whose IR origin
    /// is `origin` (not those of the categories it uses), in source order:
    /// the category and the `use` statement.
    pub fn policy_uses(&self, origin: Span) -> &[(DefId, Span)] {
        self.policy_uses.get(&origin).map_or(&[], Vec::as_slice)
    }

    /// Every `import`, in file and source order.
    pub fn imports(&self) -> &[Import] {
        &self.imports
    }
}
