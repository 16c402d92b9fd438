//! Machine-readable diagnostics: one JSON object per line, for CI
//! annotations and other tools. Reached through [`super::render::render`]
//! with [`Format::Json`](super::render::Format::Json).
//!
//! Each line is one object with these fields, in this order:
//!
//! ```text
//! code      "E0203"
//! severity  "error" | "warning"
//! message   the headline
//! file      the file path as the other formats print it, or null (IO errors)
//! line      1-based line of the primary span's start, or null
//! column    1-based column of the start, counted in characters, or null
//! end       {"line": .., "column": ..}: the position just after the span's
//!           last character (exclusive), or null
//! label     the primary label's text, or null when it has none
//! help      the one suggested fix, or null
//! notes     facts and reasons, a list of strings
//! labels    the secondary labels: {file, line, column, end, message} each
//! ```
//!
//! **Invariant:** `file`, `line` and `column` are exactly what the `short`
//! format prints as `file:line:col`: `render.rs` computes positions with
//! codespan and hands them in, so both formats share one computation. Lines
//! end at `\n` only, and a tab or a multi-byte character is one column.
//!
//! **Invariant:** fields are never removed or renamed; new fields may be
//! added, so readers must ignore fields they do not know.

use serde::Serialize;

use super::{Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};

/// A 1-based line and column, columns counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// One diagnostic as it is written out.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end: Option<Position>,
    label: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
    labels: Vec<JsonLabel<'a>>,
}

/// One secondary label as it is written out.
#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end: Option<Position>,
    message: &'a str,
}

/// Renders each diagnostic as one line of JSON. `locate` gives the start
/// and end positions of a span, or `None` if the span lies outside its file.
pub(super) fn render(
    diags: &[Diagnostic],
    sources: &SourceMap,
    locate: &dyn Fn(Span) -> Option<(Position, Position)>,
) -> String {
    let mut out = String::new();
    for diag in diags {
        out.push_str(&line(diag, sources, locate));
        out.push('\n');
    }
    out
}

/// One diagnostic as one line of JSON, without the line break.
fn line(
    diag: &Diagnostic,
    sources: &SourceMap,
    locate: &dyn Fn(Span) -> Option<(Position, Position)>,
) -> String {
    let severity = match diag.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let primary = diag.primary.as_ref();
    let range = primary.and_then(|label| locate(label.span));
    let object = JsonDiagnostic {
        code: diag.code.as_str(),
        severity,
        message: &diag.message,
        file: primary.map(|label| sources.path(label.span.file)),
        line: range.map(|(start, _)| start.line),
        column: range.map(|(start, _)| start.column),
        end: range.map(|(_, end)| end),
        label: primary
            .map(|label| label.message.as_str())
            .filter(|text| !text.is_empty()),
        help: diag.help.as_deref(),
        notes: &diag.notes,
        labels: diag
            .secondary
            .iter()
            .map(|label| secondary(label, sources, locate))
            .collect(),
    };
    // Serialising cannot fail: every map key is a string and there are no
    // floats. Should it ever fail, the code and severity still get out.
    serde_json::to_string(&object).unwrap_or_else(|_| {
        format!(
            "{{\"code\":\"{}\",\"severity\":\"{severity}\"}}",
            diag.code.as_str()
        )
    })
}

/// A secondary label with its positions.
fn secondary<'a>(
    label: &'a Label,
    sources: &'a SourceMap,
    locate: &dyn Fn(Span) -> Option<(Position, Position)>,
) -> JsonLabel<'a> {
    let range = locate(label.span);
    JsonLabel {
        file: sources.path(label.span.file),
        line: range.map(|(start, _)| start.line),
        column: range.map(|(start, _)| start.column),
        end: range.map(|(_, end)| end),
        message: &label.message,
    }
}
