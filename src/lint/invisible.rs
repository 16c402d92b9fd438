//! W0117: an invisible formatting character (zero-width space, joiner,
//! word joiner, soft hyphen, tag character...) in a string that Cilium
//! matches or netpolc resolves.
//!
//! Such a character is drawn as nothing, so `"/admin"` and `"/ad\u{200b}min"`
//! look the same in review while Cilium compares the bytes. The warning
//! covers every string literal, written in a rule, a constant, an argument
//! or an `import`, except the text of `description`: prose for people, where
//! a zero-width joiner is a legitimate part of some scripts and of emoji
//! (nor `silence` reasons, which the walk does not visit). Names, label keys
//! and label values cannot hold these characters at all (E0205, E0206), and
//! bidirectional controls are an error everywhere (E0006).

use super::repo::Repo;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::escape::invisible_name;
use crate::diag::report;
use crate::sema::walk::{self, Place, Slot, Visitor};
use crate::source::{SourceMap, Span};

/// W0117.
pub fn check(repo: &Repo<'_>, sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let mut strings = Strings {
        sources,
        diags: Vec::new(),
    };
    for file in repo.user_files() {
        for item in &file.items {
            if let ast::Item::Import(import) = item {
                strings.string(import.path.span);
            }
        }
        walk::walk_file(file, &mut strings);
    }
    diags.append(&mut strings.diags);
}

struct Strings<'s> {
    sources: &'s SourceMap,
    diags: Vec<Diagnostic>,
}

impl Strings<'_> {
    /// Warns about the string literal written at `span`, as written.
    fn string(&mut self, span: Span) {
        let text = self.sources.slice(span);
        let mut found = text
            .char_indices()
            .filter_map(|(offset, c)| Some((offset, c, invisible_name(c)?)));
        let Some((offset, c, name)) = found.next() else {
            return;
        };
        let start = span.start as usize + offset;
        let at = Span::new(span.file, start, start + c.len_utf8());
        let more = found.count();
        let mut diag = report::invisible_character(at, u32::from(c), &name);
        if more > 0 {
            diag = diag.note(format!(
                "the string holds {more} more invisible character{}",
                if more == 1 { "" } else { "s" }
            ));
        }
        self.diags
            .push(diag.help("delete the character; diagnostics show it escaped, as `\\u{...}`"));
    }
}

impl<'a> Visitor<'a> for Strings<'_> {
    fn value(&mut self, value: &'a ast::Value, place: &Place<'a>) {
        if let ast::Value::String(text) = value {
            if place.slot != Slot::Description {
                self.string(text.span);
            }
        }
    }
}
