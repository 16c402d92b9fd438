//! How the CLI talks to the user: diagnostics, summaries and plain errors,
//! all on stderr. Only `explain` and the diffs of `check` and `diff` print
//! to stdout, and so do diagnostics in the `json` format, so that
//! `netpolc build --message-format json | jq` sees JSON lines and nothing
//! else (`check` and `diff` then print their diffs to stderr).
//!
//! **Invariant:** diagnostics are rendered only by
//! [`netpolc::diag::render::render`], once per batch.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use netpolc::diag::Diagnostic;
use netpolc::diag::render::{self, Format};
use netpolc::source::SourceMap;

/// The output settings chosen on the command line.
#[derive(Clone, Copy, Debug)]
pub struct Reporter {
    /// Human, short or JSON diagnostics.
    pub format: Format,
    /// Whether stderr gets ANSI colours: decided once, by `use_color` in
    /// `cli/mod.rs`, for this text and for the diagnostics alike.
    pub color: bool,
    /// The compilation settings from the command line, which every command
    /// that compiles uses.
    pub options: netpolc::Options,
}

impl Reporter {
    /// Renders diagnostics to stderr, or to stdout in the JSON format;
    /// prints nothing for an empty list.
    pub fn diagnostics(&self, diags: &[Diagnostic], sources: &SourceMap) {
        self.print_rendered(&self.render(diags, sources));
    }

    /// Diagnostics rendered as [`Reporter::diagnostics`] prints them; empty
    /// for an empty list.
    pub fn render(&self, diags: &[Diagnostic], sources: &SourceMap) -> String {
        if diags.is_empty() {
            return String::new();
        }
        render::render(diags, sources, self.format, self.color)
    }

    /// Prints diagnostics rendered by [`Reporter::render`]: to stderr, or
    /// to stdout in the JSON format; nothing for an empty text.
    pub fn print_rendered(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.format == Format::Json {
            // A closed stdout (`| head`) leaves nowhere to report to.
            let _ = io::stdout().lock().write_all(text.as_bytes());
        } else {
            eprint_text(text);
        }
    }

    /// Prints the closing line of a failed command, such as
    /// `error: could not compile: 2 errors, 1 warning`.
    pub fn failure(&self, what: &str, diags: &[Diagnostic]) {
        let errors = diags.iter().filter(|diag| diag.is_error()).count();
        let warnings = diags.len() - errors;
        let mut counts = plural(errors, "error");
        if warnings > 0 {
            counts.push_str(", ");
            counts.push_str(&plural(warnings, "warning"));
        }
        self.error(&format!("could not {what}: {counts}"));
    }

    /// Prints the warning count after a command that succeeded with
    /// warnings; returns it.
    pub fn warning_count(&self, diags: &[Diagnostic]) -> usize {
        let warnings = diags.iter().filter(|diag| !diag.is_error()).count();
        self.warnings_emitted(warnings);
        warnings
    }

    /// Prints `warning: N warnings emitted` when `warnings` is not zero.
    pub fn warnings_emitted(&self, warnings: usize) {
        if warnings > 0 {
            let line = format!("{} emitted", plural(warnings, "warning"));
            eprint_text(&self.prefixed("warning", AnsiColor::Yellow, &line));
        }
    }

    /// Prints `error: <message>`.
    pub fn error(&self, message: &str) {
        eprint_text(&self.prefixed("error", AnsiColor::Red, message));
    }

    /// Prints `help: <message>`.
    pub fn help(&self, message: &str) {
        eprint_text(&self.prefixed("help", AnsiColor::Cyan, message));
    }

    /// Prints a plain status line.
    pub fn status(&self, message: &str) {
        eprint_text(&format!("{message}\n"));
    }

    /// `kind: message`, with the kind coloured and the line bold when colour is on.
    fn prefixed(&self, kind: &str, kind_color: AnsiColor, message: &str) -> String {
        if self.color {
            let bold = Style::new().bold();
            let kind_style = bold.fg_color(Some(kind_color.into()));
            format!("{kind_style}{kind}{kind_style:#}{bold}: {message}{bold:#}\n")
        } else {
            format!("{kind}: {message}\n")
        }
    }
}

/// `1 error`, `2 errors`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Describes an IO error in lowercase words, without the OS error number.
pub fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::NotADirectory => "not a directory".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        io::ErrorKind::StorageFull => "no space left on the device".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_owned(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_lowercase().chain(chars).collect()
            })
        }
    }
}

/// Writes to stderr, ignoring failures: if stderr is gone there is nowhere
/// left to report them.
fn eprint_text(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}
