//! Values completed from what the repository names: namespaces, entities,
//! the inventory's labels, a category's parameters.

use super::*;

/// Scopes and peers that name namespaces, labels or entities, from the end
/// of a statement; `None` when the statement does not end in one.
pub(super) fn scope(names: &Names<'_>, toks: &[Tok<'_>]) -> Option<Vec<Completion>> {
    let last = toks.last()?;
    if last.is("in") {
        return Some(words(
            &["namespace", "namespaces", "all"],
            CompletionKind::Keyword,
        ));
    }
    if ends_with(toks, &["in", "all"]) {
        return Some(words(&["namespaces"], CompletionKind::Keyword));
    }
    if ends_with(toks, &["all", "namespaces"]) {
        return Some(words(&["except"], CompletionKind::Keyword));
    }
    if last.is("namespaces") || last.is("services") {
        return Some(words(&["with"], CompletionKind::Keyword));
    }
    // A list of names: `namespace a, b`, `except a, b`, `entity world, host`.
    let mut at = toks.len() - 1;
    if matches!(last, Tok::Punct(','))
        || last.is("namespace")
        || last.is("except")
        || last.is("entity")
    {
        while at >= 2
            && matches!(toks.get(at), Some(Tok::Punct(',')))
            && matches!(toks.get(at - 1), Some(Tok::Word(_)))
        {
            at -= 2;
        }
        let head = toks.get(at)?;
        if head.is("namespace") {
            return Some(names.namespace_items());
        }
        if head.is("except") && ends_with(toks.get(..=at)?, &["all", "namespaces", "except"]) {
            return Some(names.namespace_items());
        }
        if head.is("entity") {
            return Some(
                crate::ir::Entity::NAMES
                    .iter()
                    .map(|(_, name)| item(name, CompletionKind::Value))
                    .collect(),
            );
        }
    }
    // `namespaces with team=...`.
    let with = toks.iter().rposition(|tok| tok.is("with"))?;
    if toks
        .get(with.checked_sub(1)?)
        .is_some_and(|tok| tok.is("namespaces"))
    {
        return Some(namespace_labels(names, toks.get(with + 1..)?));
    }
    None
}

/// Label keys of the inventory, or the values of one after `key=`.
pub(super) fn namespace_labels(names: &Names<'_>, term: &[Tok<'_>]) -> Vec<Completion> {
    match term {
        [] => names
            .labels
            .iter()
            .map(|(key, values)| Completion {
                detail: Some(values.iter().cloned().collect::<Vec<_>>().join(", ")),
                ..item(key, CompletionKind::Label)
            })
            .collect(),
        [Tok::Word(key), Tok::Punct('=')] | [Tok::Word(key), Tok::Punct('!'), Tok::Punct('=')] => {
            names
                .labels
                .get(*key)
                .into_iter()
                .flatten()
                .map(|value| item(value, CompletionKind::Label))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// `cluster namespaces { ... }`: namespaces, then their labels.
pub(super) fn inventory(names: &Names<'_>, toks: &[Tok<'_>]) -> Vec<Completion> {
    match after_last_comma(toks) {
        [] => names.namespace_items(),
        [Tok::Word(_), rest @ ..] => namespace_labels(names, rest),
        _ => Vec::new(),
    }
}

/// Inside `use NAME(`: the parameters not given yet, as `name: `.
pub(super) fn use_args(names: &Names<'_>, category: &str, toks: &[Tok<'_>]) -> Vec<Completion> {
    if !after_last_comma(toks).is_empty() {
        return Vec::new();
    }
    let given: Vec<&str> = toks
        .windows(2)
        .filter_map(|pair| match pair {
            [Tok::Word(name), Tok::Punct(':')] => Some(*name),
            _ => None,
        })
        .collect();
    names
        .categories
        .iter()
        .find(|(name, _)| name == category)
        .map(|(_, params)| {
            params
                .iter()
                .filter(|(name, _)| !given.contains(&name.as_str()))
                .map(|(name, ty)| Completion {
                    detail: Some(ty.clone()),
                    insert_text: Some(format!("{name}: ")),
                    ..item(name, CompletionKind::Parameter)
                })
                .collect()
        })
        .unwrap_or_default()
}
