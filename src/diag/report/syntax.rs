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
    match problem {
        SyntaxError::Unexpected { expected, found } => Diagnostic::new(
            Code::E0001,
            span,
            match expected {
                [] => format!("unexpected {found}"),
                [one] => format!("expected {one}, found {found}"),
                many => format!("expected one of {}, found {found}", many.join(", ")),
            },
        ),
        SyntaxError::UnclosedBrace => {
            Diagnostic::new(Code::E0001, span, "this `{` is never closed".to_owned())
                .label("opened here")
        }
        SyntaxError::UnquotedString { what } => {
            Diagnostic::new(Code::E0001, span, format!("{what} is a string: quote it"))
                .label("not quoted")
                .note(
                    "paths, patterns and names that are not keywords are written in double quotes",
                )
        }
        SyntaxError::SetSelectorOutsideBraces => Diagnostic::new(
            Code::E0001,
            span,
            "set selectors go inside `{ }`".to_owned(),
        ),
    }
}

/// `E0002`: unterminated string.
pub fn unterminated_string(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0002, span, "unterminated string")
        .label("this string has no closing `\"`")
        .note("strings end on the line they start on")
        .help("add the closing `\"`")
}

/// What [`invalid_utf8`] reports.
pub enum InvalidUtf8<'a> {
    /// "standard input is not valid UTF-8"
    StandardInput,
    /// "`{path}` is not valid UTF-8"
    File {
        /// The `path` in the message.
        path: &'a dyn fmt::Display,
    },
}

/// `E0003`: source file is not valid UTF-8.
pub fn invalid_utf8(problem: InvalidUtf8<'_>) -> Diagnostic {
    match problem {
        InvalidUtf8::StandardInput => {
            Diagnostic::without_span(Code::E0003, "standard input is not valid UTF-8".to_owned())
                .help("save the file as UTF-8")
        }
        InvalidUtf8::File { path } => {
            Diagnostic::without_span(Code::E0003, format!("`{path}` is not valid UTF-8"))
        }
    }
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
    /// "`{path}` is too large"
    File {
        /// The `path` in the message.
        path: &'a dyn fmt::Display,
    },
}

/// `E0004`: source file is too large.
pub fn source_too_large(span: Option<Span>, problem: SourceTooLarge<'_>) -> Diagnostic {
    match problem {
        SourceTooLarge::Source { path, size, limit } => at(
            Code::E0004,
            span,
            format!("`{path}` is {size} bytes, more than the {limit} bytes netpolc reads"),
        )
        .label("file starts here")
        .help("split the file into several files that import each other"),
        SourceTooLarge::StandardInput => {
            at(Code::E0004, span, "standard input is too large".to_owned())
                .note("netpolc reads source files of at most 8 MiB")
        }
        SourceTooLarge::File { path } => at(Code::E0004, span, format!("`{path}` is too large")),
    }
}

/// `E0005`: nesting is too deep.
pub fn nesting_too_deep(span: Span, limit: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0005,
        span,
        format!("brackets are nested more than {limit} deep"),
    )
    .label("too deep here")
    .note("no `.netpol` construct needs more than a few levels of nesting")
    .help("flatten the nested lists or blocks")
}

/// `E0006`: bidirectional control character in source.
pub fn bidi_character(span: Span, c: u32, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0006,
        span,
        format!("the bidirectional control character U+{c:04X} {name} is not allowed in source"),
    )
    .label("this invisible character changes the order in which the line is shown")
}
