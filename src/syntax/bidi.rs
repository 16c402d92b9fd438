//! E0006: bidirectional control characters, refused anywhere in a source
//! file before it is parsed.
//!
//! An embedding, override or isolate (U+202A to U+202E, U+2066 to U+2069) or
//! an implicit mark (U+200E, U+200F, U+061C) is invisible and reorders the
//! text around it on screen, so a line can show something other than what
//! netpolc compiles: a comment that seems to end before a rule, a string
//! that seems to hold other text (Trojan Source, CVE-2021-42574). rustc
//! refuses them, and so does netpolc: in comments, strings and anywhere
//! else, since a reviewer reads all of them.

use crate::diag::Diagnostic;
use crate::diag::escape::bidi_name;
use crate::diag::report;
use crate::source::{FileId, Span};

/// How many further occurrences get a label of their own.
const MAX_LABELS: usize = 20;

/// The one E0006 of a file: at its first bidirectional control, with the
/// next ones labelled; `None` when there is none.
pub fn check(file: FileId, text: &str) -> Option<Diagnostic> {
    // Every bidirectional control is outside ASCII.
    if text.is_ascii() {
        return None;
    }
    let mut found = text
        .char_indices()
        .filter_map(|(offset, c)| Some((offset, c, bidi_name(c)?)));
    let (offset, c, name) = found.next()?;
    let span = |offset: usize, c: char| Span::new(file, offset, offset + c.len_utf8());
    let mut diag = report::bidi_character(span(offset, c), u32::from(c), &name);
    let mut more = 0;
    for (offset, c, name) in found {
        if more < MAX_LABELS {
            diag = diag.secondary(span(offset, c), format!("U+{:04X} {name}", u32::from(c)));
        }
        more += 1;
    }
    if more > MAX_LABELS {
        diag = diag.note(format!(
            "the file holds {} more bidirectional control characters",
            more - MAX_LABELS
        ));
    }
    Some(
        diag.note(
            "such characters make a line look different from what netpolc reads (Trojan Source, CVE-2021-42574), so they are refused everywhere, in comments and strings too",
        )
        .help("delete the character; diagnostics show it escaped, as `\\u{...}`"),
    )
}
