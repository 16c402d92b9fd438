//! The one place that turns [`Diagnostic`]s into text, with codespan-reporting.
//!
//! **Invariant:** every format gets its line and column numbers from
//! codespan here, so `short` and `json` always agree.
//!
//! **Invariant:** in the `human` and `short` formats, no user-controlled
//! text reaches the output as it is: source lines in snippets, file paths,
//! and the message, labels, notes and help (which quote names and strings
//! from the source) show control characters, bidirectional controls and
//! invisible characters escaped ([`super::escape`]), so a diagnostic is
//! exactly the lines netpolc meant, and a repository cannot send terminal
//! escape sequences or forge a line such as `::error file=...::` or
//! `other.netpol:7:3: error[E0203]: ...` in a CI log. codespan is given an
//! escaped copy of each source ([`EscapedFiles`]), with spans moved into it,
//! while lines and columns are still counted in the original text, so
//! `file:line:col` is the same in every format. The `json` format keeps the
//! exact text: JSON escapes every control character itself.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor};

use super::escape::{escape, escape_char, needs_escape};
use super::json::{self, Position};
use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};

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
    let files = EscapedFiles::new(sources, diags);
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
        let converted = convert(diag, format, &files);
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
                &files,
            );
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &headline);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// What a [`Snippet`] is: the word its headline starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetKind {
    /// `note:`.
    Note,
    /// `help:`.
    Help,
    /// `warning:`.
    Warning,
}

/// A message with source lines that is not a diagnostic (it has no code):
/// the sides of a flow that `netpolc trace` shows, with the deciding rules
/// under carets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The headline's word.
    pub kind: SnippetKind,
    /// The headline.
    pub message: String,
    /// The spans to show; the first is primary (`^^^`), the rest secondary
    /// (`---`).
    pub labels: Vec<super::Label>,
    /// Lines under the snippet, each with its own prefix (`note: ...`).
    pub notes: Vec<String>,
}

/// Renders snippets like the `human` format renders diagnostics, with the
/// same escaping of everything that comes from the source.
pub fn render_snippets(snippets: &[Snippet], sources: &SourceMap, color: bool) -> String {
    let used: BTreeSet<FileId> = snippets
        .iter()
        .flat_map(|snippet| &snippet.labels)
        .map(|label| label.span.file)
        .collect();
    let files = EscapedFiles::of(sources, &used);
    let config = term::Config::default();
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for snippet in snippets {
        let severity = match snippet.kind {
            SnippetKind::Note => cs::Severity::Note,
            SnippetKind::Help => cs::Severity::Help,
            SnippetKind::Warning => cs::Severity::Warning,
        };
        let labels = snippet
            .labels
            .iter()
            .enumerate()
            .map(|(index, label)| {
                let style = if index == 0 {
                    cs::LabelStyle::Primary
                } else {
                    cs::LabelStyle::Secondary
                };
                cs::Label::new(
                    style,
                    label.span.file.0 as usize,
                    files.escaped_range(label.span),
                )
                .with_message(escape(&label.message))
            })
            .collect();
        let converted = cs::Diagnostic::new(severity)
            .with_message(escape(&snippet.message))
            .with_labels(labels)
            .with_notes(
                snippet
                    .notes
                    .iter()
                    .map(|note| escape(note).into_owned())
                    .collect(),
            );
        if term::emit_to_write_style(&mut buffer, &config, &files, &converted).is_err() {
            let headline = cs::Diagnostic::new(severity).with_message(escape(&snippet.message));
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &headline);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Where a span starts and ends, as every format of diagnostic numbers it
/// (1-based lines, columns in characters); `None` for a span outside its
/// file.
pub fn locate_span(sources: &SourceMap, span: Span) -> Option<(Position, Position)> {
    locate_spans(sources, &[span]).into_iter().next().flatten()
}

/// [`locate_span`] for many spans, escaping each file once.
pub fn locate_spans(sources: &SourceMap, spans: &[Span]) -> Vec<Option<(Position, Position)>> {
    let used: BTreeSet<FileId> = spans.iter().map(|span| span.file).collect();
    let files = EscapedFiles::of(sources, &used);
    spans.iter().map(|span| locate(&files, *span)).collect()
}

/// The start and end of a span as codespan numbers them: 1-based lines
/// split at `\n`, 1-based columns counted in characters of the original
/// text.
fn locate(files: &EscapedFiles, span: Span) -> Option<(Position, Position)> {
    let file = span.file.0 as usize;
    let position = |byte: u32| {
        let byte = files.escaped_offset(file, byte as usize)?;
        files.location(file, byte).ok().map(|location| Position {
            line: location.line_number,
            column: location.column_number,
        })
    };
    Some((position(span.start)?, position(span.end)?))
}

/// The source files as codespan sees them: each file a diagnostic points
/// into, with its path and text escaped, and the offsets that map the
/// original text onto the escaped one.
///
/// Newlines and tabs stay as they are (codespan splits lines at `\n` and
/// expands tabs), and so does a carriage return before a newline (codespan
/// drops it from the end of a line); every other character that
/// [`needs_escape`] flags becomes its escape. [`Files::column_number`]
/// counts in the original text, so an escape before a span does not move
/// its column.
pub struct EscapedFiles {
    files: Vec<Option<EscapedFile>>,
}

struct EscapedFile {
    name: String,
    original: Arc<str>,
    text: Arc<str>,
    /// Where each line starts in the escaped text.
    line_starts: Vec<usize>,
    /// Where each line starts in the original text.
    original_line_starts: Vec<usize>,
    /// One entry per escaped character: its offset in the original text,
    /// its offset in the escaped text, and how many bytes longer the
    /// escaped text is after it than the original.
    shifts: Vec<(usize, usize, usize)>,
}

impl EscapedFiles {
    /// The files of `sources` that `diags` point into.
    pub fn new(sources: &SourceMap, diags: &[Diagnostic]) -> EscapedFiles {
        let used: BTreeSet<FileId> = diags
            .iter()
            .flat_map(|diag| diag.primary.iter().chain(&diag.secondary))
            .map(|label| label.span.file)
            .collect();
        EscapedFiles::of(sources, &used)
    }

    /// The files of `sources` named in `used`.
    fn of(sources: &SourceMap, used: &BTreeSet<FileId>) -> EscapedFiles {
        let files = sources
            .iter()
            .map(|(id, file)| {
                used.contains(&id)
                    .then(|| EscapedFile::new(&file.path, &file.text))
            })
            .collect();
        EscapedFiles { files }
    }

    fn file(&self, id: usize) -> Result<&EscapedFile, files::Error> {
        self.files
            .get(id)
            .and_then(Option::as_ref)
            .ok_or(files::Error::FileMissing)
    }

    /// Where the byte at `offset` of the original text is in the escaped
    /// text (past the end stays past the end).
    pub fn escaped_offset(&self, id: usize, offset: usize) -> Option<usize> {
        let file = self.file(id).ok()?;
        let index = file.shifts.partition_point(|shift| shift.0 < offset);
        let delta = index
            .checked_sub(1)
            .and_then(|last| file.shifts.get(last))
            .map_or(0, |shift| shift.2);
        Some(offset + delta)
    }

    /// The escaped range of an original span.
    fn escaped_range(&self, span: Span) -> Range<usize> {
        let file = span.file.0 as usize;
        let start = self
            .escaped_offset(file, span.start as usize)
            .unwrap_or(span.start as usize);
        let end = self
            .escaped_offset(file, span.end as usize)
            .unwrap_or(span.end as usize);
        start..end
    }
}

impl EscapedFile {
    fn new(path: &str, original: &Arc<str>) -> EscapedFile {
        let mut text = String::new();
        let mut shifts = Vec::new();
        let mut copied = 0;
        let mut delta = 0;
        // Printable ASCII with newlines and tabs, the common case, has
        // nothing to escape: no character is looked at.
        let plain = original
            .bytes()
            .all(|b| matches!(b, b' '..=b'~' | b'\n' | b'\t'));
        if !plain {
            let mut chars = original.char_indices().peekable();
            while let Some((offset, c)) = chars.next() {
                let keep = match c {
                    '\n' | '\t' => true,
                    '\r' => chars.peek().is_some_and(|(_, next)| *next == '\n'),
                    _ => !needs_escape(c),
                };
                if keep {
                    continue;
                }
                text.push_str(original.get(copied..offset).unwrap_or_default());
                let escaped = escape_char(c);
                let at = text.len();
                text.push_str(&escaped);
                copied = offset + c.len_utf8();
                delta += escaped.len() - c.len_utf8();
                shifts.push((offset, at, delta));
            }
        }
        let text: Arc<str> = if shifts.is_empty() {
            Arc::clone(original)
        } else {
            text.push_str(original.get(copied..).unwrap_or_default());
            Arc::from(text)
        };
        EscapedFile {
            name: escape(path).into_owned(),
            original: Arc::clone(original),
            line_starts: files::line_starts(&text).collect(),
            original_line_starts: files::line_starts(original).collect(),
            text,
            shifts,
        }
    }

    /// Where the byte at `offset` of the escaped text is in the original
    /// text; an offset inside an escape is the escaped character's.
    fn original_offset(&self, offset: usize) -> usize {
        let index = self.shifts.partition_point(|shift| shift.1 < offset);
        match index.checked_sub(1).and_then(|last| self.shifts.get(last)) {
            None => offset,
            Some(&(original, _, delta)) => {
                let len = self
                    .original
                    .get(original..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(1, char::len_utf8);
                let candidate = offset.saturating_sub(delta);
                if candidate < original + len {
                    original
                } else {
                    candidate
                }
            }
        }
    }
}

fn line_range(line_starts: &[usize], len: usize, line_index: usize) -> Option<Range<usize>> {
    let start = *line_starts.get(line_index)?;
    let end = line_starts.get(line_index + 1).copied().unwrap_or(len);
    Some(start..end)
}

impl<'a> Files<'a> for EscapedFiles {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.file(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.file(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        let file = self.file(id)?;
        Ok(file
            .line_starts
            .binary_search(&byte_index)
            .unwrap_or_else(|next| next.saturating_sub(1)))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.file(id)?;
        line_range(&file.line_starts, file.text.len(), line_index).ok_or(
            files::Error::LineTooLarge {
                given: line_index,
                max: file.line_starts.len().saturating_sub(1),
            },
        )
    }

    /// The column in the original text, so that escapes do not move it.
    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let file = self.file(id)?;
        let range = line_range(&file.original_line_starts, file.original.len(), line_index).ok_or(
            files::Error::LineTooLarge {
                given: line_index,
                max: file.original_line_starts.len().saturating_sub(1),
            },
        )?;
        let byte = file.original_offset(byte_index);
        Ok(files::column_index(&file.original, range, byte) + 1)
    }
}

/// The codespan diagnostic, with spans moved into the escaped sources and
/// every text escaped.
fn convert(diag: &Diagnostic, format: Format, files: &EscapedFiles) -> cs::Diagnostic<usize> {
    let severity = match diag.severity() {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let label = |style: cs::LabelStyle, label: &super::Label| {
        cs::Label::new(
            style,
            label.span.file.0 as usize,
            files.escaped_range(label.span),
        )
        .with_message(escape(&label.message))
    };
    let mut labels = Vec::new();
    if let Some(primary) = &diag.primary {
        labels.push(label(cs::LabelStyle::Primary, primary));
    }
    for secondary in &diag.secondary {
        labels.push(label(cs::LabelStyle::Secondary, secondary));
    }
    let mut notes = Vec::new();
    if format == Format::Human {
        notes.extend(
            diag.notes
                .iter()
                .map(|note| format!("note: {}", escape(note))),
        );
        notes.extend(
            diag.help
                .iter()
                .map(|help| format!("help: {}", escape(help))),
        );
        notes.push(format!(
            "note: run `netpolc explain {}` for details",
            diag.code
        ));
    }
    cs::Diagnostic::new(severity)
        .with_code(diag.code.as_str())
        .with_message(escape(&diag.message))
        .with_labels(labels)
        .with_notes(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn files(text: &str) -> (SourceMap, EscapedFiles, usize) {
        let mut sources = SourceMap::new();
        let id = sources.add_user("a\u{1b}.netpol", text);
        let diag = Diagnostic::new(Code::E0001, Span::new(id, 0, 0), "x");
        let files = EscapedFiles::new(&sources, &[diag]);
        (sources, files, id.0 as usize)
    }

    #[test]
    fn escaped_copy_keeps_newlines_tabs_and_crlf() {
        let (_, files, id) = files("a\u{1b}b\r\n\tc\rd\u{202e}");
        assert_eq!(files.source(id).unwrap(), "a\\u{1b}b\r\n\tc\\rd\\u{202e}");
        assert_eq!(files.name(id).unwrap(), "a\\u{1b}.netpol");
    }

    #[test]
    fn offsets_map_both_ways() {
        let text = "a\u{1b}b\u{200b}c";
        let (_, files, id) = files(text);
        // a=0, ESC=1, b=2, ZWSP=3..6, c=6
        let escaped = files.source(id).unwrap();
        for (original, expected) in [(0, 0), (1, 1), (2, 7), (3, 8), (6, 16), (7, 17)] {
            assert_eq!(files.escaped_offset(id, original), Some(expected));
        }
        assert_eq!(escaped.get(7..8), Some("b"));
        assert_eq!(escaped.get(16..17), Some("c"));
        let file = files.file(id).unwrap();
        for (escaped, original) in [(0, 0), (1, 1), (4, 1), (7, 2), (8, 3), (12, 3), (16, 6)] {
            assert_eq!(file.original_offset(escaped), original, "{escaped}");
        }
        // Columns are counted in the original: `c` is the fifth character.
        assert_eq!(files.location(id, 16).unwrap().column_number, 5);
    }

    #[test]
    fn files_without_diagnostics_are_not_copied() {
        let mut sources = SourceMap::new();
        sources.add_user("a.netpol", "x");
        let files = EscapedFiles::new(&sources, &[]);
        assert!(files.source(0).is_err());
    }
}
