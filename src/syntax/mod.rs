//! syntax: text to AST. Knows nothing about Cilium.
use crate::ast;
use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap};

/// Parses one file.
pub fn parse(sources: &SourceMap, file: FileId) -> (ast::File, Vec<Diagnostic>) {
    let _ = sources;
    (ast::File { id: file, items: Vec::new() }, Vec::new())
}
