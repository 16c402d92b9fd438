//! Hover, go to definition, find references, rename and the outline of a
//! file, over the name index.
//!
//! IN PROGRESS (issue 14): the signatures are the contract with the
//! language server; the bodies are written in this issue.

use super::Analysis;
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
    let _ = (analysis, file, offset);
    None
}

/// Where the name at `offset` is defined.
pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    let _ = (analysis, file, offset);
    None
}

/// Every use of the name at `offset`, and its definition when
/// `include_definition`.
pub fn references(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    include_definition: bool,
) -> Vec<Span> {
    let _ = (analysis, file, offset, include_definition);
    Vec::new()
}

/// The span of the name a rename at `offset` would change.
pub fn prepare_rename(analysis: &Analysis, file: FileId, offset: usize) -> Option<Span> {
    let _ = (analysis, file, offset);
    None
}

/// The edits that rename the name at `offset` to `new_name` everywhere.
pub fn rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let _ = (analysis, file, offset, new_name);
    Err(RenameError::NotRenamable)
}

/// The outline of a file.
pub fn symbols(analysis: &Analysis, file: FileId) -> Vec<Symbol> {
    let _ = (analysis, file);
    Vec::new()
}
