//! syntax: text to [`ast`]. Knows nothing about Cilium or types.
//!
//! **Invariant:** never panics on any input. A file with a syntax error
//! yields an empty [`ast::File`] and exactly one E00xx diagnostic; the other
//! files are still analysed.

mod error;
mod grammar;
mod lower;
#[cfg(test)]
mod tests;

use pest::Parser;

use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};

pub use error::describe;
pub use grammar::Rule;

/// The largest source file netpolc reads, in bytes.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// The deepest nesting of brackets and braces a file may have.
pub const MAX_NESTING: usize = 64;

/// Parses one file of the source map.
pub fn parse(sources: &SourceMap, file: FileId) -> (ast::File, Vec<Diagnostic>) {
    let empty = ast::File {
        id: file,
        items: Vec::new(),
        silences: Vec::new(),
    };
    let Some(source) = sources.get(file) else {
        return (empty, Vec::new());
    };
    let text: &str = &source.text;
    if text.len() > MAX_FILE_BYTES {
        let diag = Diagnostic::new(
            Code::E0004,
            Span::new(file, 0, 0),
            format!(
                "`{}` is {} bytes, more than the {} bytes netpolc reads",
                source.path,
                text.len(),
                MAX_FILE_BYTES
            ),
        )
        .label("file starts here")
        .help("split the file into several files that import each other");
        return (empty, vec![diag]);
    }
    if let Some(diag) = error::check_nesting(file, text) {
        return (empty, vec![diag]);
    }
    match grammar::NetpolParser::parse(Rule::file, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => (lower::lower_file(file, pair), Vec::new()),
            None => (empty, Vec::new()),
        },
        Err(err) => (empty, vec![error::convert(file, text, &err)]),
    }
}
