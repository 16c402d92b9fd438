//! Did-you-mean suggestions for misspelt names.

/// The closest candidate to `word`, if one is close enough.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    similar::get_close_matches(word, &candidates, 1, 0.6)
        .into_iter()
        .next()
}

/// A help line "did you mean `X`?" with the closest candidate, formatted by `show`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    show: impl Fn(&str) -> String,
) -> Option<String> {
    closest(word, candidates).map(|best| format!("did you mean `{}`?", show(best)))
}
