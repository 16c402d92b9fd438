//! Hover, go to definition, find references, rename and the outline of a
//! file, over the name index.
//!
//! The signatures are the contract with the language server. Names come
//! from [`sema::Index`](crate::sema::Index) (`at`, `definition`,
//! `references`); the YAML a hover shows is cut out of the analysis's
//! outputs, the very files `build` writes; the outline walks the syntax tree.
//!
//! - [`hover`]: in `hover.rs`, over the documents of `yaml.rs`;
//! - [`prepare_rename`], [`rename`]: in `rename.rs`;
//! - [`symbols`]: in `outline.rs`.

mod hover;
mod outline;
mod rename;
#[cfg(test)]
mod tests;
mod yaml;

use super::Analysis;
use crate::sema::index::{Def, DefId, DefKind};
use crate::source::{FileId, Span};

/// What hovering over a position shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The range the hover is about (the name under the cursor).
    pub span: Span,
    /// Markdown.
    pub markdown: String,
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    /// What to replace.
    pub span: Span,
    /// The new text.
    pub new_text: String,
}

/// Why a rename is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// Nothing renamable is at the position (a keyword, a literal, a
    /// standard-library name).
    NotRenamable,
    /// The new name is not valid for this kind of definition.
    InvalidName(String),
    /// The new name is already taken where the definition is visible.
    Conflict(String),
}

/// An entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The name as written.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The whole item.
    pub span: Span,
    /// Its name.
    pub name_span: Span,
    /// Nested items (the policies of a namespace, the parameters of a category).
    pub children: Vec<Symbol>,
}

/// The kind of an outline entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// `const`.
    Constant,
    /// `category`.
    Category,
    /// A category's parameter.
    Parameter,
    /// `namespace`.
    Namespace,
    /// `policy` in a namespace or a category.
    Policy,
    /// `cluster policy`.
    ClusterPolicy,
}

/// What to show when hovering at `offset` of `file`.
pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<Hover> {
    hover::hover(analysis, file, offset)
}

/// Where the name at `offset` is defined.
pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    let (_, def, _) = target(analysis, file, offset)?;
    Some(def.span)
}

/// Every use of the name at `offset`, and its definition when
/// `include_definition`.
pub fn references(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    include_definition: bool,
) -> Vec<Span> {
    let Some((id, def, _)) = target(analysis, file, offset) else {
        return Vec::new();
    };
    if def.kind == DefKind::Namespace {
        // Every `namespace X` block is a definition of the one namespace.
        let (blocks, uses) = namespace_spans(analysis, &def.name);
        let mut found = if include_definition {
            blocks
        } else {
            Vec::new()
        };
        found.extend(uses);
        return found;
    }
    let mut found = Vec::new();
    if include_definition {
        found.push(def.span);
    }
    found.extend_from_slice(analysis.index.references(id));
    found
}

/// The span of the name a rename at `offset` would change.
pub fn prepare_rename(analysis: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    rename::prepare(analysis, file, offset).ok()
}

/// The edits that rename the name at `offset` to `new_name` everywhere.
pub fn rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    rename::rename(analysis, file, offset, new_name)
}

/// The outline of a file.
pub fn symbols(analysis: &Analysis, file: FileId) -> Vec<Symbol> {
    outline::symbols(analysis, file)
}

/// The definition named at `offset` (a CIDR group stands for its
/// constant), and the span of the name under the cursor.
fn target(analysis: &Analysis, file: FileId, offset: usize) -> Option<(DefId, &Def, Span)> {
    let offset = u32::try_from(offset).ok()?;
    let mut id = analysis.index.at(file, offset)?;
    let mut def = analysis.index.definition(id)?;
    if let crate::sema::index::Detail::CidrGroup {
        constant: Some(constant),
    } = def.detail
    {
        id = constant;
        def = analysis.index.definition(id)?;
    }
    let holds = |span: &Span| span.file == file && span.start <= offset && offset <= span.end;
    let under = if holds(&def.span) {
        def.span
    } else {
        analysis
            .index
            .references(id)
            .iter()
            .copied()
            .find(|span| holds(span))
            .unwrap_or(def.span)
    };
    Some((id, def, under))
}

/// The names of every `namespace NAME` block of a namespace, and every use
/// of it, each list in path and source order.
fn namespace_spans(analysis: &Analysis, name: &str) -> (Vec<Span>, Vec<Span>) {
    let mut blocks = Vec::new();
    let mut uses = Vec::new();
    for (id, def) in analysis.index.of_kind(DefKind::Namespace) {
        if def.name == name {
            blocks.push(def.span);
            uses.extend_from_slice(analysis.index.references(id));
        }
    }
    let key = |span: &Span| (analysis.sources.path(span.file).to_owned(), *span);
    blocks.sort_by_key(key);
    blocks.dedup();
    uses.sort_by_key(key);
    uses.dedup();
    (blocks, uses)
}

/// True when `span` lies in a file of the standard library.
fn in_stdlib(analysis: &Analysis, span: Span) -> bool {
    analysis
        .sources
        .get(span.file)
        .is_some_and(|file| file.origin == crate::source::Origin::Stdlib)
}
