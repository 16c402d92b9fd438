//! syntax: text to [`ast`]. Knows nothing about Cilium or types.
//!
//! **Invariant:** never panics on any input. A file with a syntax error
//! yields an empty [`ast::File`] and exactly one E00xx diagnostic; the other
//! files are still analysed.

mod bidi;
mod error;
mod grammar;
mod lower;
#[cfg(test)]
mod tests;

use pest::Parser;
use pest::iterators::Pair;

use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
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
    match file_pair(sources, file) {
        Ok(Some(pair)) => (lower::lower_file(file, pair), Vec::new()),
        Ok(None) => (empty, Vec::new()),
        Err(diag) => (empty, vec![*diag]),
    }
}

/// Parses a file that holds one flow alone (`from A to B port P ...`, rule
/// `flow_only`), as `netpolc trace` builds it from its arguments. `Ok(None)`
/// when the map has no such file.
pub fn parse_flow(sources: &SourceMap, file: FileId) -> Result<Option<ast::Flow>, Box<Diagnostic>> {
    let Some(text) = checked_text(sources, file)? else {
        return Ok(None);
    };
    match grammar::NetpolParser::parse(Rule::flow_only, text) {
        Ok(mut pairs) => Ok(pairs.next().and_then(|pair| lower::lower_flow(file, pair))),
        Err(err) => Err(Box::new(error::convert(file, text, &err))),
    }
}

/// The text of `file` once the checks that come before parsing pass: its
/// size, bidirectional controls (E0006) and nesting depth. `None` when the
/// map has no such file.
fn checked_text(sources: &SourceMap, file: FileId) -> Result<Option<&str>, Box<Diagnostic>> {
    let Some(source) = sources.get(file) else {
        return Ok(None);
    };
    let text: &str = &source.text;
    if text.len() > MAX_FILE_BYTES {
        return Err(Box::new(report::source_too_large(
            Some(Span::new(file, 0, 0)),
            report::SourceTooLarge::Source {
                path: &source.path,
                size: &text.len(),
                limit: &MAX_FILE_BYTES,
            },
        )));
    }
    if let Some(diag) = bidi::check(file, text) {
        return Err(Box::new(diag));
    }
    if let Some(diag) = error::check_nesting(file, text) {
        return Err(Box::new(diag));
    }
    Ok(Some(text))
}

/// The pest pair of one whole file (rule `file`), for [`parse`] and for
/// `fmt`, which lays out the pairs: the size, bidirectional-control (E0006)
/// and nesting checks run first,
/// and any error is the one E00xx diagnostic [`parse`] reports. `None` when
/// the map has no such file.
pub(crate) fn file_pair(
    sources: &SourceMap,
    file: FileId,
) -> Result<Option<Pair<'_, Rule>>, Box<Diagnostic>> {
    let Some(text) = checked_text(sources, file)? else {
        return Ok(None);
    };
    match grammar::NetpolParser::parse(Rule::file, text) {
        Ok(mut pairs) => Ok(pairs.next()),
        Err(err) => Err(Box::new(error::convert(file, text, &err))),
    }
}

/// A `.netpol` string literal: `"` and `\` escaped, newlines and tabs as
/// `\n` and `\t`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}
