//! Did-you-mean suggestions for misspelt names, by strsim: the better of
//! the edit distance with swaps of neighbouring letters (Damerau-Levenshtein,
//! normalised by the longer length), which finds typos, and the share of
//! letter pairs in common (Sørensen-Dice), which finds a name with a part
//! added or left out (`world-ipv4` for `world`).

/// How similar a candidate must be, from 0 (nothing alike) to 1 (equal).
const CUTOFF: f64 = 0.6;

/// How alike `a` and `b` are, from 0 to 1.
fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_damerau_levenshtein(a, b).max(strsim::sorensen_dice(a, b))
}

/// The closest candidate to `word`, if one is close enough: the most
/// similar, the first of equals.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let score = similarity(word, candidate);
        if score >= CUTOFF && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// A help line "did you mean `X`?" with the closest candidate, formatted by `show`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    show: impl Fn(&str) -> String,
) -> Option<String> {
    closest(word, candidates).map(|best| format!("did you mean `{}`?", show(best)))
}

/// [`did_you_mean`]'s help on `diag`, with the same fix as a suggestion that
/// replaces `span` (the misspelt name as written) with the candidate.
pub fn did_you_mean_at<'a>(
    diag: crate::diag::Diagnostic,
    span: crate::source::Span,
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    show: impl Fn(&str) -> String,
) -> crate::diag::Diagnostic {
    did_you_mean_written(diag, span, word, candidates, &show, &show)
}

/// [`did_you_mean_at`] for a name written differently from how the help
/// shows it (an import path, written in quotes): `write` gives the
/// replacement text.
pub fn did_you_mean_written<'a>(
    diag: crate::diag::Diagnostic,
    span: crate::source::Span,
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    show: &dyn Fn(&str) -> String,
    write: &dyn Fn(&str) -> String,
) -> crate::diag::Diagnostic {
    match closest(word, candidates) {
        Some(best) => {
            let shown = show(best);
            diag.help(format!("did you mean `{shown}`?")).suggest(
                span,
                write(best),
                format!("Replace with `{shown}`"),
            )
        }
        None => diag,
    }
}
