//! `silence W0106 "reason"`: a warning silenced on one definition or
//! statement, with a written reason.
//!
//! A `silence` line applies to the definition or statement right after it
//! (a `const`, `category`, `namespace`, `policy`, `cluster policy`, rule,
//! `use`, ..., or an inventory entry) and to everything inside it. A warning
//! is silenced when its primary span lies inside that definition.
//!
//! **Invariant:** a `silence` without a reason, or naming a code that is not
//! a warning, is an error (E0106, from [`check`], which runs even when other
//! errors stop the lints). A `silence` that silences nothing is itself a
//! warning (W0115).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::ast;
use crate::diag::report;
use crate::diag::{Code, Diagnostic, Severity};
use crate::hash::{HashMap, HashMapExt};
use crate::source::{FileId, Span};

/// Checks that every `silence` names warning codes and gives a reason.
pub fn check(files: &[ast::File]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let warnings: Vec<&str> = Code::ALL
        .iter()
        .filter(|code| code.severity() == Severity::Warning)
        .map(|code| code.as_str())
        .collect();
    for silence in files.iter().flat_map(|file| &file.silences) {
        for written in &silence.codes {
            match Code::parse(&written.node) {
                Some(code) if code.severity() == Severity::Warning => {}
                Some(code) => diags.push(
                    report::invalid_silence(
                        written.span,
                        report::InvalidSilence::ErrorCode { code: &code },
                    )
                    .help(format!("fix the error; `netpolc explain {code}` says how")),
                ),
                None => diags.push(crate::sema::did_you_mean_at(
                    report::invalid_silence(
                        written.span,
                        report::InvalidSilence::NotWarning {
                            written: &written.node,
                        },
                    ),
                    written.span,
                    &written.node.to_ascii_uppercase(),
                    warnings.iter().copied(),
                    str::to_owned,
                )),
            }
        }
        let reason = silence
            .reason
            .as_ref()
            .filter(|reason| !reason.node.trim().is_empty());
        if reason.is_none() {
            let span = silence
                .reason
                .as_ref()
                .map_or(silence.span, |reason| reason.span);
            let codes: Vec<&str> = silence
                .codes
                .iter()
                .map(|code| code.node.as_str())
                .collect();
            diags.push(
                report::invalid_silence(span, report::InvalidSilence::NoReason).help(format!(
                    "write `silence {} \"why this is fine\"`",
                    codes.join(", ")
                )),
            );
        }
    }
    diags
}

/// The valid `silence`s of a repository, and which ones were used; shared
/// by the lints' threads, which mark a silence used when they find a
/// warning it covers.
pub struct Silences {
    entries: Vec<Entry>,
    /// The entries of each code in each file, by index into `entries`: a
    /// lookup reads the few silences of one file, not every silence of the
    /// repository (which made filtering quadratic in the namespaces).
    by_place: HashMap<(Code, FileId), Vec<usize>>,
}

struct Entry {
    code: Code,
    code_span: Span,
    target: Span,
    used: AtomicBool,
}

impl Silences {
    /// Every valid `silence` of the files.
    pub fn new(files: &[ast::File]) -> Silences {
        let entries = files
            .iter()
            .flat_map(|file| &file.silences)
            .flat_map(|silence| {
                silence.codes.iter().filter_map(|written| {
                    let code = Code::parse(&written.node)?;
                    Some(Entry {
                        code,
                        code_span: written.span,
                        target: silence.target,
                        used: AtomicBool::new(false),
                    })
                })
            })
            .collect::<Vec<Entry>>();
        let mut by_place: HashMap<(Code, FileId), Vec<usize>> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            by_place
                .entry((entry.code, entry.target.file))
                .or_default()
                .push(index);
        }
        Silences { entries, by_place }
    }

    /// The entries that may silence `code` at `span`: those of its file.
    fn candidates(&self, code: Code, span: Span) -> impl Iterator<Item = &Entry> {
        self.by_place
            .get(&(code, span.file))
            .into_iter()
            .flatten()
            .filter_map(|index| self.entries.get(*index))
    }

    /// Whether a warning at `span` is silenced; marks the silences used.
    /// A lint that asks before it builds a warning it has found need not
    /// build a silenced one: the silence is used all the same.
    pub fn covers(&self, code: Code, span: Span) -> bool {
        let mut covered = false;
        for entry in self.candidates(code, span) {
            if inside(span, entry.target) {
                entry.used.store(true, Ordering::Relaxed);
                covered = true;
            }
        }
        covered
    }

    /// Drops the silenced warnings.
    pub fn filter(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diags
            .into_iter()
            .filter(|diag| match &diag.primary {
                Some(primary) => !self.covers(diag.code, primary.span),
                None => true,
            })
            .collect()
    }

    /// W0115 for every silence that silenced nothing.
    pub fn unused(&self) -> Vec<Diagnostic> {
        self.entries
            .iter()
            .filter(|entry| !entry.used.load(Ordering::Relaxed))
            .map(|entry| {
                report::useless_silence(entry.code_span, &entry.code)
                    .label(format!("no {} warning here", entry.code))
                    .note("a stale `silence` would hide the warning if the problem came back")
                    .help(format!("remove `{}` from the `silence` line", entry.code))
            })
            .collect()
    }
}

/// Whether `span` lies inside `outer`.
pub fn inside(span: Span, outer: Span) -> bool {
    span.file == outer.file && span.start >= outer.start && span.end <= outer.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    /// Two files with the same text: a silence in each, before the same
    /// rule at the same offsets.
    fn two_files() -> (Silences, Span, Span) {
        let text = "namespace shop {\n  policy web {\n    select pods app=web\n    silence W0108 \"on purpose\"\n    allow from pods app=lb port 80/tcp\n  }\n}\n";
        let mut sources = SourceMap::new();
        let a = sources.add_user("a.netpol", text);
        let b = sources.add_user("b.netpol", text);
        let files: Vec<ast::File> = [a, b]
            .into_iter()
            .map(|file| crate::syntax::parse(&sources, file).0)
            .collect();
        let silences = Silences::new(&files);
        let start = text.find("allow").unwrap_or(0);
        let end = text.find("80/tcp").unwrap_or(0) + "80/tcp".len();
        (silences, Span::new(a, start, end), Span::new(b, start, end))
    }

    #[test]
    fn a_silence_covers_its_own_file_only() {
        let (silences, in_a, in_b) = two_files();
        // By text: codes are named only in src/diag (tests/it/tidy_diagnostics.rs).
        let silenced = Code::parse("W0108").expect("a code");
        let other = Code::parse("W0107").expect("a code");
        // Neither another code nor another file is covered (nor marks a
        // silence used).
        assert!(!silences.covers(other, in_a));
        let other_file = Span::new(FileId(99), in_a.start as usize, in_a.end as usize);
        assert!(!silences.covers(silenced, other_file));
        assert_eq!(silences.unused().len(), 2);
        // Covering a warning in `a` uses the silence of `a`, not that of `b`.
        assert!(silences.covers(silenced, in_a));
        assert_eq!(silences.unused().len(), 1);
        assert!(silences.covers(silenced, in_b));
        assert!(silences.unused().is_empty());
    }
}
