//! The one place that turns [`Diagnostic`]s into text, with codespan-reporting.

use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use super::{Diagnostic, Severity};
use crate::source::SourceMap;

/// How diagnostics are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style boxes with source lines.
    Human,
    /// `file:line:col: error[E0203]: message`, one line each.
    Short,
}

/// Renders diagnostics, in order, to one string.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format, color: bool) -> String {
    let mut files = SimpleFiles::new();
    for (_, file) in sources.iter() {
        files.add(file.path.clone(), Arc::clone(&file.text));
    }
    let config = term::Config {
        display_style: match format {
            Format::Human => term::DisplayStyle::Rich,
            Format::Short => term::DisplayStyle::Short,
        },
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
            let headline = convert(&Diagnostic { primary: None, secondary: Vec::new(), ..diag.clone() }, format);
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &headline);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
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
        notes.push(format!("note: run `netpolc explain {}` for details", diag.code));
    }
    cs::Diagnostic::new(severity)
        .with_code(diag.code.as_str())
        .with_message(diag.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}
