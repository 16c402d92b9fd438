//! Completion at a position, and the fixes (code actions) for diagnostics.
//!
//! IN PROGRESS (issue 14): the signatures are the contract with the
//! language server; the bodies are written in this issue.

use std::ops::Range;

use super::Analysis;
use super::nav::Edit;
use crate::source::FileId;

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A short description (a constant's type, a category's parameters).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text to insert, when not the label.
    pub insert_text: Option<String>,
}

/// The kind of a completion item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A keyword or a rule sentence.
    Keyword,
    /// A `$` constant.
    Constant,
    /// A category.
    Category,
    /// A category's parameter.
    Parameter,
    /// An entity, a protocol or another fixed word.
    Value,
    /// A label key or value from the inventory.
    Label,
    /// A namespace name.
    Namespace,
}

/// A fix for a diagnostic: a title and the edits that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the editor shows ("Replace with `$STORAGE_IPS`").
    pub title: String,
    /// The diagnostic it fixes, as an index into `Analysis::diagnostics`.
    pub diagnostic: usize,
    /// The edits.
    pub edits: Vec<Edit>,
}

/// The completions at `offset` of `file`.
pub fn complete(analysis: &Analysis, file: FileId, offset: usize) -> Vec<Completion> {
    let _ = (analysis, file, offset);
    Vec::new()
}

/// The fixes for the diagnostics of `file` that overlap `range` (bytes).
pub fn fixes(analysis: &Analysis, file: FileId, range: Range<usize>) -> Vec<Fix> {
    let _ = (analysis, file, range);
    Vec::new()
}
