//! What C++ RE2 (Envoy's engine) refuses of what Go accepts: the `\p`
//! classes RE2 does not know by the name written.

use super::Re2Error;
use super::names::{self, Resolved};

/// A `\p` class Go accepted, kept for the RE2 check.
pub(super) struct UnicodeClass {
    pub(super) start: usize,
    pub(super) end: usize,
    /// The byte range of the name, without braces or `^`.
    pub(super) name: (usize, usize),
    pub(super) resolved: Resolved,
}

/// RE2 knows `Any`, the general categories but `Cn` and `LC`, and the
/// scripts, each by its exact name only.
pub(super) fn re2_refuses(pattern: &str, class: &UnicodeClass) -> Option<Re2Error> {
    let written = pattern.get(class.start..class.end)?.to_owned();
    let name = pattern.get(class.name.0..class.name.1)?;
    let prefix = written.get(..2).unwrap_or("\\p");
    let braced = written.get(2..).is_some_and(|rest| rest.starts_with('{'));
    let negated = written.get(2..).is_some_and(|rest| rest.starts_with("{^"));
    let spell = |exact: &str| {
        if !braced && exact.len() == 1 {
            return Some(format!("{prefix}{exact}"));
        }
        let caret = if negated { "^" } else { "" };
        Some(format!("{prefix}{{{caret}{exact}}}"))
    };
    let (known, exact) = match class.resolved {
        Resolved::Special("Any") => (name == "Any", spell("Any")),
        Resolved::Special("Ascii") => (false, Some("[\\x00-\\x7F]".to_owned())),
        Resolved::Special(_) => (false, None),
        Resolved::Category(category) if names::GO_ONLY_CATEGORIES.contains(&category) => {
            let exact = (category == "LC").then(|| "[\\p{Lu}\\p{Ll}\\p{Lt}]".to_owned());
            (false, exact)
        }
        Resolved::Category(category) | Resolved::Script(category) => {
            (name == category, spell(category))
        }
        Resolved::Alias(_, category) if names::GO_ONLY_CATEGORIES.contains(&category) => {
            (false, None)
        }
        Resolved::Alias(_, category) => (false, spell(category)),
    };
    (!known).then_some(Re2Error {
        start: class.start,
        end: class.end,
        written,
        exact,
    })
}
