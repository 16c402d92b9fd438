//! netpolc diagnostics as LSP diagnostics: the one conversion, reading every
//! field the CLI renderer (`netpolc::diag::render`) prints, so an editor shows
//! what `netpolc check` prints.
//!
//! | netpolc              | LSP                                                  |
//! |----------------------|------------------------------------------------------|
//! | code                 | `code` (`"E0203"`), `source: "netpolc"`              |
//! | severity             | `severity` (error, warning)                          |
//! | message              | first line of `message`                              |
//! | primary label        | `range`; its text, when any, also the first related  |
//! |                      | information at the same place                        |
//! | secondary labels     | `relatedInformation` (a label in the standard        |
//! |                      | library, which has no file to open, becomes a note)  |
//! | notes                | `note: ...` lines appended to `message`              |
//! | help                 | a `help: ...` line appended to `message`             |
//!
//! **Invariant:** [`convert`] reads every field of [`Diagnostic`] that the
//! CLI renders (it names them in one destructuring). Fixes an editor can
//! apply are not part of the LSP diagnostic: they come as code actions,
//! from `ide::fixes`.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Uri,
};

use netpolc::diag::{Diagnostic, Label, Severity};
use netpolc::source::{FileId, Span};

/// Where spans land: the URI and the range of a span, or `None` when the
/// span's file has no URI (the standard library).
pub trait Locate {
    /// The URI of a file of the analysis.
    fn uri(&self, file: FileId) -> Option<Uri>;
    /// The LSP range of a span in its file.
    fn range(&self, span: Span) -> Range;
    /// The file's path as the CLI prints it, for labels that cannot be linked.
    fn path(&self, file: FileId) -> String;
}

/// The LSP diagnostic of `diag`, or `None` when it has no primary span (IO
/// errors, which the server logs instead).
pub fn convert(diag: &Diagnostic, locate: &dyn Locate) -> Option<lsp_types::Diagnostic> {
    let Diagnostic {
        code,
        message,
        primary,
        secondary,
        notes,
        help,
        ..
    } = diag;
    let primary = primary.as_ref()?;
    let mut text = message.clone();
    let mut related = Vec::new();
    let mut unlinked = Vec::new();
    let mut relate = |label: &Label, related: &mut Vec<DiagnosticRelatedInformation>| match locate
        .uri(label.span.file)
    {
        Some(uri) => related.push(DiagnosticRelatedInformation {
            location: Location {
                uri,
                range: locate.range(label.span),
            },
            message: label.message.clone(),
        }),
        None => {
            let range = locate.range(label.span);
            unlinked.push(format!(
                "note: {}:{}:{}: {}",
                locate.path(label.span.file),
                range.start.line + 1,
                range.start.character + 1,
                label.message
            ));
        }
    };
    if !primary.message.is_empty() {
        relate(primary, &mut related);
    }
    for label in secondary {
        relate(label, &mut related);
    }
    for note in notes
        .iter()
        .map(|note| format!("note: {note}"))
        .chain(unlinked)
    {
        text.push('\n');
        text.push_str(&note);
    }
    if let Some(help) = help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    Some(lsp_types::Diagnostic {
        range: locate.range(primary.span),
        severity: Some(match code.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(code.as_str().to_owned())),
        code_description: None,
        source: Some("netpolc".to_owned()),
        message: text,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lsp_types::Position;
    use netpolc::source::{Origin, SourceMap};
    use netpolc::{Options, check};

    use super::*;
    use crate::cli::lsp::position::{Encoding, LineIndex};

    /// Locates spans in a source map whose user files live under `file:///repo/`.
    struct Map<'a>(&'a SourceMap);

    impl Locate for Map<'_> {
        fn uri(&self, file: FileId) -> Option<Uri> {
            let source = self.0.get(file)?;
            (source.origin == Origin::User)
                .then(|| Uri::from_str(&format!("file:///repo/{}", source.path)).ok())
                .flatten()
        }
        fn range(&self, span: Span) -> Range {
            let text = self.0.get(span.file).map_or("", |file| &*file.text);
            LineIndex::new(text, Encoding::Utf16).range(span.range())
        }
        fn path(&self, file: FileId) -> String {
            self.0.path(file).to_owned()
        }
    }

    fn diagnostics(files: &[(&str, &str)]) -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = SourceMap::with_stdlib();
        for (path, text) in files {
            sources.add_user(*path, *text);
        }
        let (_, _, diags) = check(&sources, &Options::default());
        (sources, diags)
    }

    #[test]
    fn every_field_reaches_the_lsp_diagnostic() {
        // A hand-made diagnostic: the library keeps constructors private, so
        // take a real one and fill in every field.
        let (sources, diags) = diagnostics(&[("a.netpol", "const $X = 1\nconst $X = 2\n")]);
        let Some(real) = diags.first() else {
            panic!("expected a diagnostic, got none");
        };
        let first = Span::new(FileId(u32::try_from(sources.len() - 1).unwrap()), 6, 8);
        let second = Span::new(first.file, 19, 21);
        let diag = Diagnostic {
            message: "the headline".to_owned(),
            primary: Some(Label {
                span: second,
                message: "the primary label".to_owned(),
            }),
            secondary: vec![Label {
                span: first,
                message: "a secondary label".to_owned(),
            }],
            notes: vec!["a note".to_owned(), "another".to_owned()],
            help: Some("the fix".to_owned()),
            ..real.clone()
        };
        let converted = convert(&diag, &Map(&sources)).unwrap();
        let uri = Uri::from_str("file:///repo/a.netpol").unwrap();
        let range = |line, start, end| Range {
            start: Position::new(line, start),
            end: Position::new(line, end),
        };
        assert_eq!(converted.range, range(1, 6, 8));
        assert_eq!(
            converted.message,
            "the headline\nnote: a note\nnote: another\nhelp: the fix"
        );
        assert_eq!(
            converted.code,
            Some(NumberOrString::String(real.code.as_str().to_owned()))
        );
        assert_eq!(converted.source.as_deref(), Some("netpolc"));
        assert_eq!(
            converted.related_information,
            Some(vec![
                DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri.clone(),
                        range: range(1, 6, 8),
                    },
                    message: "the primary label".to_owned(),
                },
                DiagnosticRelatedInformation {
                    location: Location {
                        uri,
                        range: range(0, 6, 8),
                    },
                    message: "a secondary label".to_owned(),
                },
            ])
        );
    }

    #[test]
    fn a_real_diagnostic_keeps_its_code_and_severity() {
        let (sources, diags) = diagnostics(&[("a.netpol", "const $X = 1\nconst $X = 2\n")]);
        let Some(diag) = diags.first() else {
            panic!("expected a diagnostic, got none");
        };
        let converted = convert(diag, &Map(&sources)).unwrap();
        assert_eq!(
            converted.code,
            Some(NumberOrString::String(diag.code.as_str().to_owned()))
        );
        let expected = if diag.is_error() {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        };
        assert_eq!(converted.severity, Some(expected));
        assert!(converted.message.starts_with(&diag.message));
    }

    #[test]
    fn a_label_in_the_standard_library_becomes_a_note() {
        let (sources, diags) = diagnostics(&[("a.netpol", "const $X = 1\nconst $X = 2\n")]);
        let Some(real) = diags.first() else {
            panic!("expected a diagnostic, got none");
        };
        let stdlib = Span::new(FileId(0), 0, 1);
        let diag = Diagnostic {
            secondary: vec![Label {
                span: stdlib,
                message: "defined here".to_owned(),
            }],
            notes: Vec::new(),
            help: None,
            ..real.clone()
        };
        let converted = convert(&diag, &Map(&sources)).unwrap();
        assert!(
            converted.message.ends_with(&format!(
                "\nnote: {}:1:1: defined here",
                sources.path(FileId(0))
            )),
            "{}",
            converted.message
        );
    }

    #[test]
    fn without_a_span_there_is_no_lsp_diagnostic() {
        let (sources, diags) = diagnostics(&[("a.netpol", "const $X = 1\nconst $X = 2\n")]);
        let Some(real) = diags.first() else {
            panic!("expected a diagnostic, got none");
        };
        let diag = Diagnostic {
            primary: None,
            ..real.clone()
        };
        assert_eq!(convert(&diag, &Map(&sources)), None);
    }
}
