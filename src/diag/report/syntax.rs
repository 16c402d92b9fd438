//! Syntax and source-file errors (E00xx).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

use super::at;

/// What [`syntax_error`] reports.
pub enum SyntaxError<'a> {
    /// "unexpected {found}", "expected {one}, found {found}" or "expected one
    /// of {expected}, found {found}"
    Unexpected {
        /// What the grammar would have accepted here, sorted, without repeats.
        expected: &'a [&'a str],
        /// The token found, quoted, or "end of file".
        found: &'a dyn fmt::Display,
    },
    /// "this `{` is never closed"
    UnclosedBrace,
    /// "{what} is a string: quote it"
    UnquotedString {
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
    },
    /// "set selectors go inside `{ }`"
    SetSelectorOutsideBraces,
}

/// `E0001`: syntax error.
pub fn syntax_error(span: Span, problem: SyntaxError<'_>) -> Diagnostic {
    let message = match problem {
        SyntaxError::Unexpected { expected, found } => match expected {
            [] => format!("unexpected {found}"),
            [one] => format!("expected {one}, found {found}"),
            many => format!("expected one of {}, found {found}", many.join(", ")),
        },
        SyntaxError::UnclosedBrace => "this `{` is never closed".to_owned(),
        SyntaxError::UnquotedString { what } => format!("{what} is a string: quote it"),
        SyntaxError::SetSelectorOutsideBraces => "set selectors go inside `{ }`".to_owned(),
    };
    Diagnostic::new(Code::E0001, span, message)
}

/// `E0002`: unterminated string.
pub fn unterminated_string(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0002, span, "unterminated string")
}

/// What [`invalid_utf8`] reports.
pub enum InvalidUtf8<'a> {
    /// "standard input is not valid UTF-8"
    StandardInput,
    /// "`{shown}` is not valid UTF-8"
    File {
        /// The `shown` in the message.
        shown: &'a dyn fmt::Display,
    },
}

/// `E0003`: source file is not valid UTF-8.
pub fn invalid_utf8(problem: InvalidUtf8<'_>) -> Diagnostic {
    let message = match problem {
        InvalidUtf8::StandardInput => "standard input is not valid UTF-8".to_owned(),
        InvalidUtf8::File { shown } => format!("`{shown}` is not valid UTF-8"),
    };
    Diagnostic::without_span(Code::E0003, message)
}

/// What [`source_too_large`] reports.
pub enum SourceTooLarge<'a> {
    /// "`{path}` is {size} bytes, more than the {limit} bytes netpolc reads"
    Source {
        /// The `path` in the message.
        path: &'a dyn fmt::Display,
        /// The `size` in the message.
        size: &'a dyn fmt::Display,
        /// The `limit` in the message.
        limit: &'a dyn fmt::Display,
    },
    /// "standard input is too large"
    StandardInput,
    /// "`{shown}` is too large"
    File {
        /// The `shown` in the message.
        shown: &'a dyn fmt::Display,
    },
}

/// `E0004`: source file is too large.
pub fn source_too_large(span: Option<Span>, problem: SourceTooLarge<'_>) -> Diagnostic {
    let message = match problem {
        SourceTooLarge::Source { path, size, limit } => {
            format!("`{path}` is {size} bytes, more than the {limit} bytes netpolc reads")
        }
        SourceTooLarge::StandardInput => "standard input is too large".to_owned(),
        SourceTooLarge::File { shown } => format!("`{shown}` is too large"),
    };
    at(Code::E0004, span, message)
}

/// `E0005`: nesting is too deep.
pub fn nesting_too_deep(span: Span, limit: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0005,
        span,
        format!("brackets are nested more than {limit} deep"),
    )
}

/// `E0006`: bidirectional control character in source.
pub fn bidi_character(span: Span, c: u32, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0006,
        span,
        format!("the bidirectional control character U+{c:04X} {name} is not allowed in source"),
    )
}
