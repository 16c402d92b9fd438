//! W0112: a selector label, or a namespace name, one typo away from one the
//! repository uses elsewhere (`app=frontned` beside `app=frontend`). A
//! selector that matches nothing selects nothing, silently.
//!
//! To keep false alarms rare, a value is suspect only when it is written
//! once, in a user file, and a value of the same key that is written at
//! least twice (or declared: a `namespace` block, an inventory entry, the
//! standard library) is at most two edits away (a swap of two neighbouring
//! letters is one edit) and at least 80% similar. Values that differ only
//! in digits (`worker-1`, `worker-2`) are never suspect. Keys are compared
//! the same way, across all values.

use std::collections::BTreeMap;

use super::repo::Repo;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::sema::walk::{self, Place, Slot, Visitor};
use crate::source::Span;

/// The pseudo-key namespace names are collected under.
const NAMESPACE: &str = " namespace";

/// How often a key or value is written, and where first.
#[derive(Clone, Copy, Debug)]
struct Seen {
    /// How often user files write it.
    writes: usize,
    /// Where it is first written.
    first: Span,
    /// True when the standard library writes it.
    stdlib: bool,
    /// True when a `namespace` block or the inventory declares it.
    declared: bool,
}

/// Where a word is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    User,
    Stdlib,
    Declared,
}

impl Seen {
    /// Written once by the user and nowhere else: may be a typo.
    fn rare(&self) -> bool {
        self.writes == 1 && !self.stdlib && !self.declared
    }

    /// Established: written twice, or declared, or in the standard library.
    fn common(&self) -> bool {
        self.writes >= 2 || self.stdlib || self.declared
    }

    /// How the common spelling is established, for the message.
    fn describe(&self) -> String {
        if self.declared {
            "which the repository declares".to_owned()
        } else if self.writes >= 2 {
            format!("written {} times", self.writes)
        } else {
            "which the standard library uses".to_owned()
        }
    }
}

/// W0112.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    let mut collect = Collect {
        repo,
        values: BTreeMap::new(),
        keys: BTreeMap::new(),
    };
    for file in repo.files {
        walk::walk_file(file, &mut collect);
        for item in &file.items {
            match item {
                ast::Item::Namespace(decl) => collect.declare(&decl.name.node, decl.name.span),
                ast::Item::Inventory(inventory) => {
                    for entry in &inventory.entries {
                        collect.declare(&entry.name.node, entry.name.span);
                    }
                }
                _ => {}
            }
        }
    }
    for (key, values) in &collect.values {
        for (value, seen) in values {
            if let Some((common, common_seen)) = near_miss(value, seen, values) {
                let (shown, fixed) = if key == NAMESPACE {
                    (format!("namespace `{value}`"), format!("`{common}`"))
                } else {
                    (format!("`{key}={value}`"), format!("`{key}={common}`"))
                };
                diags.push(warning(&shown, &fixed, seen.first, common_seen));
            }
        }
    }
    for (key, seen) in &collect.keys {
        if let Some((common, common_seen)) = near_miss(key, seen, &collect.keys) {
            diags.push(warning(
                &format!("the label key `{key}`"),
                &format!("`{common}`"),
                seen.first,
                common_seen,
            ));
        }
    }
}

fn warning(shown: &str, fixed: &str, span: Span, common: &Seen) -> Diagnostic {
    report::label_typo(span, &shown, &fixed, &common.describe())
        .label(format!("did you mean {fixed}?"))
        .secondary(common.first, format!("{fixed} is written here"))
        .note("a selector that matches no pod selects nothing, and neither netpolc nor Cilium can tell that it is a typo")
        .help(format!("write {fixed} if that is what you meant"))
}

/// The common spelling `word` is a typo of, if any.
fn near_miss<'m>(
    word: &str,
    seen: &Seen,
    all: &'m BTreeMap<String, Seen>,
) -> Option<(&'m str, &'m Seen)> {
    if !seen.rare() || word.chars().count() < 3 {
        return None;
    }
    let strip = |text: &str| {
        text.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    all.iter()
        .filter(|(other, other_seen)| {
            other_seen.common()
                && other.as_str() != word
                && other.len().abs_diff(word.len()) <= 2
                && strip(other) != strip(word)
                && distance(word, other) <= 2
        })
        .map(|(other, other_seen)| {
            (
                other,
                other_seen,
                similar::TextDiff::from_chars(word, other.as_str()).ratio(),
            )
        })
        .filter(|(_, _, ratio)| *ratio >= 0.8)
        .max_by(|a, b| a.2.total_cmp(&b.2).then_with(|| b.0.cmp(a.0)))
        .map(|(other, other_seen, _)| (other.as_str(), other_seen))
}

/// Edit distance with swaps of neighbouring letters (optimal string
/// alignment), by strsim.
fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

struct Collect<'r, 'a> {
    repo: &'r Repo<'a>,
    /// Values by bare key.
    values: BTreeMap<String, BTreeMap<String, Seen>>,
    /// Keys.
    keys: BTreeMap<String, Seen>,
}

impl Collect<'_, '_> {
    /// Counts one writing of `word`; its text is copied only the first
    /// time it is seen.
    fn add(map: &mut BTreeMap<String, Seen>, word: &str, span: Span, source: Source) {
        let count = |seen: &mut Seen| match source {
            Source::User => seen.writes += 1,
            Source::Stdlib => seen.stdlib = true,
            Source::Declared => seen.declared = true,
        };
        if let Some(seen) = map.get_mut(word) {
            count(seen);
            return;
        }
        let mut seen = Seen {
            writes: 0,
            first: span,
            stdlib: false,
            declared: false,
        };
        count(&mut seen);
        map.insert(word.to_owned(), seen);
    }

    fn source(&self, span: Span) -> Source {
        if self.repo.is_user(span) {
            Source::User
        } else {
            Source::Stdlib
        }
    }

    /// A name that is declared: it counts as common.
    fn declare(&mut self, name: &str, span: Span) {
        self.add_value(NAMESPACE, name, span, Source::Declared);
    }

    /// Counts one writing of value `word` of `key`; the key's text is
    /// copied only the first time it is seen.
    fn add_value(&mut self, key: &str, word: &str, span: Span, source: Source) {
        if let Some(values) = self.values.get_mut(key) {
            Collect::add(values, word, span, source);
            return;
        }
        let mut values = BTreeMap::new();
        Collect::add(&mut values, word, span, source);
        self.values.insert(key.to_owned(), values);
    }

    fn value(&mut self, key: &str, value: &ast::Value) {
        let (ast::Value::Word(text) | ast::Value::String(text)) = value else {
            return;
        };
        let source = self.source(text.span);
        self.add_value(key, &text.node, text.span, source);
    }
}

impl<'a> Visitor<'a> for Collect<'_, 'a> {
    fn value(&mut self, value: &'a ast::Value, place: &Place<'a>) {
        if place.slot == Slot::Namespace {
            Collect::value(self, NAMESPACE, value);
        }
    }

    fn term(&mut self, term: &'a ast::Term, _place: &Place<'a>) {
        let (key, values): (_, &[ast::Value]) = match term {
            ast::Term::Eq(key, value) | ast::Term::Ne(key, value) => {
                (key, std::slice::from_ref(value))
            }
            ast::Term::In(key, values) | ast::Term::NotIn(key, values) => (key, values),
            ast::Term::Exists(key) | ast::Term::NotExists(key) => (key, &[]),
            ast::Term::Splice(_) => return,
        };
        let bare = key.node.strip_prefix("k8s:").unwrap_or(&key.node);
        let source = self.source(key.span);
        Collect::add(&mut self.keys, bare, key.span, source);
        for value in values {
            Collect::value(self, bare, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn edit_distance_counts_a_swap_as_one() {
        assert_eq!(distance("frontend", "frontend"), 0);
        assert_eq!(distance("frontned", "frontend"), 1);
        assert_eq!(distance("frontnd", "frontend"), 1);
        assert_eq!(distance("monitorng", "monitoring"), 1);
        assert_eq!(distance("web", "api"), 3);
        assert_eq!(distance("", "abc"), 3);
    }
}
