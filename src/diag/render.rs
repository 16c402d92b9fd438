//! The one place that turns [`Diagnostic`]s into text, with codespan-reporting.
//!
//! **Invariant:** every format gets its line and column numbers from
//! codespan here, so `short` and `json` always agree.

use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor};

use super::json::{self, Position};
use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// How diagnostics are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style boxes with source lines.
    Human,
    /// `file:line:col: error[E0203]: message`, one line each.
    Short,
    /// One JSON object per line (see [`super::json`]), for CI and tools.
    Json,
}

/// Renders diagnostics, in order, to one string.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format, color: bool) -> String {
    let mut files = SimpleFiles::new();
    for (_, file) in sources.iter() {
        files.add(file.path.clone(), Arc::clone(&file.text));
    }
    let display_style = match format {
        Format::Human => term::DisplayStyle::Rich,
        Format::Short => term::DisplayStyle::Short,
        Format::Json => return json::render(diags, sources, &|span| locate(&files, span)),
    };
    let config = term::Config {
        display_style,
        ..term::Config::default()
    };
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for diag in diags {
        let converted = convert(diag, format);
        // A span outside its file would be a bug in netpolc; fall back to the
        // headline rather than lose the diagnostic.
        if term::emit_to_write_style(&mut buffer, &config, &files, &converted).is_err() {
            let headline = convert(
                &Diagnostic {
                    primary: None,
                    secondary: Vec::new(),
                    ..diag.clone()
                },
                format,
            );
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &headline);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The start and end of a span as codespan numbers them: 1-based lines
/// split at `\n`, 1-based columns counted in characters.
fn locate(files: &SimpleFiles<String, Arc<str>>, span: Span) -> Option<(Position, Position)> {
    let file = span.file.0 as usize;
    let position = |byte: u32| {
        files
            .location(file, byte as usize)
            .ok()
            .map(|location| Position {
                line: location.line_number,
                column: location.column_number,
            })
    };
    Some((position(span.start)?, position(span.end)?))
}

fn convert(diag: &Diagnostic, format: Format) -> cs::Diagnostic<usize> {
    let severity = match diag.severity() {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(primary) = &diag.primary {
        labels.push(
            cs::Label::primary(primary.span.file.0 as usize, primary.span.range())
                .with_message(primary.message.clone()),
        );
    }
    for secondary in &diag.secondary {
        labels.push(
            cs::Label::secondary(secondary.span.file.0 as usize, secondary.span.range())
                .with_message(secondary.message.clone()),
        );
    }
    let mut notes = Vec::new();
    if format == Format::Human {
        notes.extend(diag.notes.iter().map(|note| format!("note: {note}")));
        notes.extend(diag.help.iter().map(|help| format!("help: {help}")));
        notes.push(format!(
            "note: run `netpolc explain {}` for details",
            diag.code
        ));
    }
    cs::Diagnostic::new(severity)
        .with_code(diag.code.as_str())
        .with_message(diag.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}
