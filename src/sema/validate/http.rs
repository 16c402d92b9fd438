//! HTTP rule regexps: what Go's `regexp` (the agent) and C++ RE2 (Envoy)
//! both accept, with the diagnostics that point inside the literal (E0211).

use super::super::proof::CHECKED;
use crate::diag::{Diagnostic, report};
use crate::hash::HashSet;
use crate::ir;
use crate::source::Span;

/// An HTTP `method`, `path` or `host` regexp: Go's `regexp` must accept it
/// (the Cilium agent compiles `method` and `path` with it and drops the
/// policy when one fails) and so must C++ RE2 (Envoy compiles all three).
/// `literal` says the value was written as a string literal, so the label
/// can point at the offending characters inside it.
///
/// `valid` remembers the texts that passed: a pattern that many rules repeat
/// (a category's `http GET "/healthz"`, used by every namespace) is parsed
/// once. Whether a text passes depends on the text alone; a refused one is
/// checked again, so that every place gets its diagnostic.
pub fn http_regex(
    valid: &mut HashSet<String>,
    what: &str,
    text: &str,
    span: Span,
    literal: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::HttpRegex> {
    use crate::goregexp::{Refusal, check_emit};
    if valid.contains(text) {
        return Some(ir::HttpRegex::new(text, CHECKED));
    }
    let refusal = match check_emit(text) {
        Ok(()) => {
            valid.insert(text.to_owned());
            return Some(ir::HttpRegex::new(text, CHECKED));
        }
        Err(refusal) => refusal,
    };
    let compiler = if what == "host" {
        "Envoy compiles the host as an RE2 regular expression (netpolc checks it with Go's stricter rules) and rejects the configuration when it fails"
    } else {
        "the Cilium agent compiles it with Go's `regexp` package and drops the whole policy when it fails"
    };
    // A hostile pattern can be megabytes long: the headline shows its start.
    let shown = shorten(text);
    let diag = match refusal {
        Refusal::Go(error) => {
            let expr = text.get(error.start..error.end).unwrap_or(text);
            let expr = &shorten(expr);
            report::invalid_http_regex(
                inner_span(span, literal, text, error.start, error.end),
                report::InvalidHttpRegex::Invalid {
                    what: &what,
                    shown: &shown,
                },
            )
            .label(regex_label(error.kind))
            .note(format!(
                "{compiler}; Go says \"{}\"",
                go_message(error.kind, expr)
            ))
            .help_opt(regex_help(
                error.kind,
                expr,
                text.get(error.end..).unwrap_or(""),
            ))
        }
        Refusal::Re2(error) => report::invalid_http_regex(
            inner_span(span, literal, text, error.start, error.end),
            report::InvalidHttpRegex::NotRe2 {
                what: &what,
                shown: &shown,
                written: &error.written,
            },
        )
        .help_opt(error.exact.map(|exact| format!("write `{exact}`"))),
    };
    diags.push(diag);
    None
}

/// `text`, or its first 60 characters and an ellipsis.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// The span of bytes `start..end` of `text` inside the string literal at
/// `span`, when the literal's escapes allow mapping them (else `span`).
fn inner_span(span: Span, literal: bool, text: &str, start: usize, end: usize) -> Span {
    // Bytes in the source for each character: `"`, `\` and newline are
    // written escaped; a tab may be written either way, so give up on tabs.
    let written = |part: &str| -> usize {
        part.chars()
            .map(|c| match c {
                '"' | '\\' | '\n' => 2,
                c => c.len_utf8(),
            })
            .sum()
    };
    let range = span.range();
    if !literal || text.contains('\t') || range.len() != written(text) + 2 {
        return span;
    }
    let (Some(before), Some(inside)) = (text.get(..start), text.get(start..end.max(start))) else {
        return span;
    };
    let from = range.start + 1 + written(before);
    let to = from + written(inside).max(1);
    Span::new(span.file, from, to.min(range.end - 1).max(from + 1))
}

/// Go's message for an error, with its `Expr` where that is not the whole
/// pattern (already in the headline).
fn go_message(kind: crate::goregexp::ErrorKind, expr: &str) -> String {
    use crate::goregexp::ErrorKind as K;
    match kind {
        K::MissingParen
        | K::UnexpectedParen
        | K::TrailingBackslash
        | K::NestingDepth
        | K::Large => kind.go_text().to_owned(),
        _ => format!("{}: `{expr}`", kind.go_text()),
    }
}

/// The primary label for a Go regexp error.
fn regex_label(kind: crate::goregexp::ErrorKind) -> &'static str {
    use crate::goregexp::ErrorKind as K;
    match kind {
        K::InvalidCharRange => "invalid character class or range",
        K::InvalidEscape => "invalid escape",
        K::InvalidNamedCapture => "invalid named group",
        K::InvalidPerlOp => "unsupported group or flag",
        K::InvalidRepeatOp => "a repetition of a repetition",
        K::InvalidRepeatSize => "invalid repeat count",
        K::InvalidUtf8 => "invalid UTF-8",
        K::MissingBracket => "this class is not closed",
        K::MissingParen => "this group is not closed",
        K::MissingRepeatArgument => "nothing to repeat",
        K::TrailingBackslash => "a backslash at the end",
        K::UnexpectedParen => "no group to close",
        K::NestingDepth => "nested more than 1000 levels deep",
        K::Large => "too large for Go",
    }
}

/// A fix for a Go regexp error, given the offending text.
fn regex_help(kind: crate::goregexp::ErrorKind, expr: &str, after: &str) -> Option<String> {
    use crate::goregexp::ErrorKind as K;
    let help = match kind {
        K::InvalidRepeatSize => {
            let counts: Vec<u32> = expr
                .trim_matches(|c| c == '{' || c == '}')
                .split(',')
                .filter_map(|count| count.parse().ok())
                .collect();
            match counts.as_slice() {
                [min, max] if min > max && *min <= 1000 => {
                    format!("write the smaller count first: `{{{max},{min}}}`")
                }
                _ => "Go limits a repeat count to 1000, and the product of nested repeat counts to 1000 too".to_owned(),
            }
        }
        K::InvalidRepeatOp => {
            "Go does not repeat a repetition: drop one operator, or group the first one as `(?:a*)`"
                .to_owned()
        }
        K::MissingRepeatArgument => {
            let operator = expr.chars().next().unwrap_or('*');
            format!("write `\\{operator}` to match a literal `{operator}`")
        }
        K::InvalidPerlOp => match expr.get(..3) {
            Some("(?=" | "(?!") => "Go does not support look-ahead".to_owned(),
            Some("(?>") => "Go does not support atomic groups".to_owned(),
            Some("(?P") => "Go does not support back-references".to_owned(),
            Some("(?'") => "name a group as `(?P<name>...)`".to_owned(),
            _ => "Go knows only the flags `i`, `m`, `s` and `U`, as in `(?i)` or `(?i:...)`"
                .to_owned(),
        },
        K::InvalidNamedCapture => match expr.get(..4) {
            Some("(?<=" | "(?<!") => "Go does not support look-behind".to_owned(),
            _ => "a group name is letters, digits and `_`: `(?P<name>...)`".to_owned(),
        },
        K::InvalidEscape => escape_help(expr, after),
        K::InvalidCharRange => {
            if expr.starts_with("\\p") || expr.starts_with("\\P") {
                let name = expr
                    .get(2..)
                    .unwrap_or("")
                    .trim_matches(|c| c == '{' || c == '}');
                match name.split_once('=') {
                    Some((_, value)) => format!("Go has no `name=value` classes: write `\\p{{{value}}}`"),
                    None => "Go knows general categories (`\\p{L}`, `\\p{Lu}`), scripts (`\\p{Greek}`) and `\\p{Any}`".to_owned(),
                }
            } else if expr.starts_with("[:") {
                "Go knows the POSIX classes `[:alnum:]`, `[:alpha:]`, `[:ascii:]`, `[:blank:]`, `[:cntrl:]`, `[:digit:]`, `[:graph:]`, `[:lower:]`, `[:print:]`, `[:punct:]`, `[:space:]`, `[:upper:]`, `[:word:]` and `[:xdigit:]`".to_owned()
            } else if expr.ends_with('-') || expr.contains("--") {
                "write `\\-` for a literal `-` in a class".to_owned()
            } else {
                "write a range from low to high, as `a-z`".to_owned()
            }
        }
        K::MissingBracket => {
            "close the class with `]`, or write `\\[` to match a literal `[`".to_owned()
        }
        K::MissingParen => {
            "close the group with `)`, or write `\\(` to match a literal `(`".to_owned()
        }
        K::UnexpectedParen => "write `\\)` to match a literal `)`".to_owned(),
        K::TrailingBackslash => "write `\\\\` to match a literal backslash".to_owned(),
        K::NestingDepth => "Go limits nesting to 1000 levels".to_owned(),
        K::Large => {
            "Go limits a compiled regular expression to about 3.3 million instructions".to_owned()
        }
        K::InvalidUtf8 => return None,
    };
    Some(help)
}

/// A fix for an escape Go does not know; `after` is the text after it.
fn escape_help(expr: &str, after: &str) -> String {
    let letter = expr.chars().nth(1).unwrap_or(' ');
    match letter {
        'u' => {
            let braced = after.strip_prefix('{').and_then(|rest| rest.split_once('}'));
            let hex = match braced {
                Some((digits, _)) => digits,
                None => after.get(..4).unwrap_or(""),
            };
            let hex = if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                hex
            } else {
                "0041"
            };
            format!("Go has no `\\u` escape: write `\\x{{{hex}}}`")
        }
        '1'..='9' | 'k' | 'g' => "Go does not support back-references".to_owned(),
        'x' => "a hex escape is `\\x41` or `\\x{41}`, at most `\\x{10FFFF}`".to_owned(),
        'Z' => "write `\\z` for the end of the text".to_owned(),
        'e' => "write `\\x1B` for escape".to_owned(),
        'C' => "Go does not support `\\C`; write `.` or `(?s:.)`".to_owned(),
        _ => "Go knows `\\a \\f \\t \\n \\r \\v`, octal `\\123`, hex `\\x7F`, `\\d \\s \\w`, `\\pL`, `\\A \\z \\b \\B` and `\\Q...\\E`; a backslash before punctuation matches it literally".to_owned(),
    }
}
