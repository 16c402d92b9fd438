//! Diagnostics: netpolc's own data type for errors and warnings.
//!
//! Diagnostics are built where a problem is found, with the one constructor
//! of their code in [`report`] and the builder methods, and rendered in one
//! place, [`render`].
//!
//! **Invariant:** every diagnostic has a [`Code`]; its severity comes from the
//! code. Only `render.rs` knows codespan-reporting.

pub mod codes;
pub mod escape;
pub mod json;
pub mod render;
pub mod report;

pub use codes::Code;

use crate::source::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the build: nothing is written.
    Error,
    /// Reported; the build goes on.
    Warning,
}

/// A label on a span of source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there; may be empty.
    pub message: String,
}

/// A fix an editor can apply: replace `span` with `replacement`. It is the
/// help line written as an edit; rendered output shows the help, never this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What to replace; empty to insert.
    pub span: Span,
    /// The new text.
    pub replacement: String,
    /// What the editor shows ("Replace with `$STORAGE_IPS`").
    pub title: String,
}

/// One error or warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The code, which also gives the severity.
    pub code: Code,
    /// The headline: lowercase, no final period, code in backticks.
    pub message: String,
    /// Where the user should edit; `None` only for IO errors.
    pub primary: Option<Label>,
    /// The other places involved, such as a definition.
    pub secondary: Vec<Label>,
    /// Facts and reasons.
    pub notes: Vec<String>,
    /// One fix, when one is known.
    pub help: Option<String>,
    /// The help as edits, when it can be applied mechanically (for editors'
    /// code actions; not rendered).
    pub suggestions: Vec<Suggestion>,
}

impl Diagnostic {
    /// A diagnostic at a span; the primary label is empty until [`label`](Self::label).
    ///
    /// Only [`report`] calls this: each code has its one constructor there.
    pub(in crate::diag) fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            primary: Some(Label {
                span,
                message: String::new(),
            }),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
        }
    }

    /// A diagnostic without a source location (IO errors).
    ///
    /// Only [`report`] calls this: each code has its one constructor there.
    pub(in crate::diag) fn without_span(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestions: Vec::new(),
        }
    }

    /// Sets the primary label's message.
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        if let Some(primary) = &mut self.primary {
            primary.message = message.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line when there is one.
    pub fn help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Adds a suggestion: the help as an edit.
    pub fn suggest(
        mut self,
        span: Span,
        replacement: impl Into<String>,
        title: impl Into<String>,
    ) -> Diagnostic {
        self.suggestions.push(Suggestion {
            span,
            replacement: replacement.into(),
            title: title.into(),
        });
        self
    }

    /// The severity, from the code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}
