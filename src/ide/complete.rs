//! Completion at a position, and the fixes (code actions) for diagnostics.
//!
//! Completion reads the text before the cursor without the parser (a file
//! being typed seldom parses): [`scan`] gives the brackets open at the
//! cursor, each with its tokens, and the word being typed. The innermost
//! bracket says what kind of block the cursor is in (the file, a namespace,
//! category or policy body, a selector, the arguments of a `use`), the
//! tokens of the statement under way say what may come next. Names come
//! from the last analysis (the index, and the syntax trees for rule
//! sentences and the namespace inventory), with the file's own constants
//! and categories also read from its text, so they complete while it does
//! not parse. Items are not filtered by the word being typed: editors do
//! that.
//!
//! Fixes are the structured suggestions diagnostics carry
//! ([`crate::diag::Suggestion`]): the help line as an edit.

mod names;
mod scan;
#[cfg(test)]
mod tests;
mod values;
mod words;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::Analysis;
use super::nav::Edit;
use crate::ast;
use crate::diag::{Code, Severity};
use crate::sema::index::{DefKind, Detail};
use crate::source::{FileId, Origin};
use names::{Names, Sentence};
use scan::{Scan, Tok};
use values::{inventory, namespace_labels, scope, use_args};
use words::*;

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A short description (a constant's type, a category's parameters).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text to insert, when not the label.
    pub insert_text: Option<String>,
}

/// The kind of a completion item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A keyword or a rule sentence.
    Keyword,
    /// A `$` constant.
    Constant,
    /// A category.
    Category,
    /// A category's parameter.
    Parameter,
    /// An entity, a protocol or another fixed word.
    Value,
    /// A label key or value from the inventory.
    Label,
    /// A namespace name.
    Namespace,
}

/// A fix for a diagnostic: a title and the edits that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the editor shows ("Replace with `$STORAGE_IPS`").
    pub title: String,
    /// The diagnostic it fixes, as an index into `Analysis::diagnostics`.
    pub diagnostic: usize,
    /// The edits.
    pub edits: Vec<Edit>,
}

/// The completions at `offset` of `file`.
pub fn complete(analysis: &Analysis, file: FileId, offset: usize) -> Vec<Completion> {
    let Some(source) = analysis.sources.get(file) else {
        return Vec::new();
    };
    let text: &str = &source.text;
    let mut cut = offset.min(text.len());
    while !text.is_char_boundary(cut) {
        cut = cut.saturating_sub(1);
    }
    let before = text.get(..cut).unwrap_or("");
    let scan = scan::scan(before);
    if scan.in_literal {
        return Vec::new();
    }
    let names = Names::new(analysis, file, text);
    let blocks = blocks(&scan, before);
    let mut out = if scan.partial.starts_with('$') {
        let mut out = names.constants();
        if let Some(params) = blocks.iter().rev().find_map(|block| match block {
            Block::Category(params) => Some(params),
            _ => None,
        }) {
            out.extend(params.iter().map(|(name, ty)| Completion {
                label: format!("${name}"),
                kind: CompletionKind::Parameter,
                detail: Some(ty.clone()),
                documentation: None,
                insert_text: None,
            }));
        }
        out
    } else if scan.after_port_slash {
        words(PROTOCOLS, CompletionKind::Value)
    } else {
        let toks = scan
            .frames
            .last()
            .map_or(&[][..], |frame| frame.toks.as_slice());
        match blocks.last() {
            None | Some(Block::Top) => top_level(&names, toks),
            Some(Block::Namespace | Block::Category(_)) => body(&names, &scan, toks, true),
            Some(Block::Policy) => body(&names, &scan, toks, false),
            Some(Block::Inventory) => inventory(&names, toks),
            Some(Block::Selector { namespaces: true }) => {
                namespace_labels(&names, after_last_comma(toks))
            }
            Some(Block::UseArgs(category)) => use_args(&names, category, toks),
            Some(Block::Params) => match toks.last() {
                Some(Tok::Punct(':')) => words(TYPES, CompletionKind::Keyword),
                _ => Vec::new(),
            },
            Some(Block::Selector { namespaces: false } | Block::Other) => Vec::new(),
        }
    };
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out.dedup_by(|a, b| a.label == b.label);
    out
}

/// The fixes for the diagnostics of `file` that overlap `range` (bytes).
pub fn fixes(analysis: &Analysis, file: FileId, range: Range<usize>) -> Vec<Fix> {
    let mut out = Vec::new();
    for (index, diag) in analysis.diagnostics.iter().enumerate() {
        let Some(primary) = &diag.primary else {
            continue;
        };
        let span = primary.span;
        let (start, end) = (span.start as usize, span.end as usize);
        if span.file != file || start > range.end || range.start > end {
            continue;
        }
        out.extend(diag.suggestions.iter().map(|suggestion| Fix {
            title: suggestion.title.clone(),
            diagnostic: index,
            edits: vec![Edit {
                span: suggestion.span,
                new_text: suggestion.replacement.clone(),
            }],
        }));
    }
    out
}

/// What kind of block an open bracket is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block<'a> {
    /// The file.
    Top,
    /// `namespace NAME {`.
    Namespace,
    /// `category NAME(...) {`, with its parameters (name, type and default).
    Category(Vec<(String, String)>),
    /// `policy NAME {`, `cluster policy NAME {`.
    Policy,
    /// `cluster namespaces {`.
    Inventory,
    /// A braced selector; `namespaces` when it selects namespaces.
    Selector { namespaces: bool },
    /// `use NAME(`.
    UseArgs(&'a str),
    /// The parameters in a category head.
    Params,
    /// Anything else (a list, a selector set).
    Other,
}

/// The kind of each bracket open at the cursor, outermost first.
fn blocks<'a>(scan: &Scan<'a>, text: &'a str) -> Vec<Block<'a>> {
    let mut out = vec![Block::Top];
    for pair in scan.frames.windows(2) {
        let [parent, frame] = pair else { continue };
        let toks = parent.toks.as_slice();
        let parent_kind = out.last().cloned().unwrap_or(Block::Other);
        let block = match (&parent_kind, frame.open) {
            (Block::Top, open) => {
                let item = toks.get(top_item_start(toks)..).unwrap_or(&[]).to_vec();
                match (item.first(), open) {
                    (Some(first), '{') if first.is("namespace") || first.is("system") => {
                        Block::Namespace
                    }
                    (Some(first), '{') if first.is("category") => {
                        let params = item
                            .iter()
                            .find_map(|tok| match tok {
                                Tok::Group('(', start, _) => text.get(start.saturating_sub(1)..),
                                _ => None,
                            })
                            .map(scan::params_in_head)
                            .unwrap_or_default();
                        Block::Category(params)
                    }
                    (Some(first), '{') if first.is("cluster") => {
                        if item.get(1).is_some_and(|tok| tok.is("namespaces")) {
                            Block::Inventory
                        } else {
                            Block::Policy
                        }
                    }
                    (Some(first), '{') if first.is("const") => {
                        Block::Selector { namespaces: false }
                    }
                    (Some(first), '(') if first.is("category") && item.len() == 2 => Block::Params,
                    _ => Block::Other,
                }
            }
            (Block::Namespace | Block::Category(_) | Block::Policy, open) => {
                let stmt = toks.get(statement_start(toks)..).unwrap_or(&[]);
                match (stmt, open) {
                    ([first, Tok::Word(_)], '{') if first.is("policy") => Block::Policy,
                    ([first, Tok::Word(name)], '(') if first.is("use") => Block::UseArgs(name),
                    (_, '{') => Block::Selector {
                        namespaces: ends_with(stmt, &["namespaces", "with"]),
                    },
                    _ => Block::Other,
                }
            }
            (Block::Inventory, '{') => Block::Selector { namespaces: true },
            _ => Block::Other,
        };
        out.push(block);
    }
    out
}

/// Where the item under way starts among the file's top-level tokens.
fn top_item_start(toks: &[Tok<'_>]) -> usize {
    const ITEMS: &[&str] = &[
        "import",
        "const",
        "category",
        "namespace",
        "system",
        "cluster",
        "cilium",
        "silence",
        "expect",
    ];
    let mut at = toks.len();
    while at > 0 {
        at -= 1;
        let Some(Tok::Word(word)) = toks.get(at) else {
            continue;
        };
        if !ITEMS.contains(word) {
            continue;
        }
        // `in namespace $ns`, `from namespace $ns` in a sentence
        // declaration; `system namespace`.
        if *word == "namespace"
            && at
                .checked_sub(1)
                .and_then(|before| toks.get(before))
                .is_some_and(|tok| {
                    tok.is("system") || CLAUSE_WORDS.iter().any(|clause| tok.is(clause))
                })
        {
            continue;
        }
        return at;
    }
    toks.len()
}

/// Where the statement under way starts among a body's tokens.
fn statement_start(toks: &[Tok<'_>]) -> usize {
    let Some(mut at) = toks.iter().rposition(|tok| match tok {
        Tok::Word(word) => STATEMENT_WORDS.contains(word),
        _ => false,
    }) else {
        return toks.len();
    };
    let is = |at: usize, word: &str| toks.get(at).is_some_and(|tok| tok.is(word));
    if is(at, "deny") && at > 0 && is(at - 1, "default") {
        at -= 1;
    }
    // `expect allow ...`, `expect deny ...`.
    if (is(at, "allow") || is(at, "deny")) && at > 0 && is(at - 1, "expect") {
        at -= 1;
    }
    if is(at, "default") && at > 0 && is(at - 1, "no") {
        at -= 1;
    }
    at
}

/// True when the tokens end with these words.
fn ends_with(toks: &[Tok<'_>], words: &[&str]) -> bool {
    toks.len() >= words.len()
        && toks
            .iter()
            .rev()
            .zip(words.iter().rev())
            .all(|(tok, word)| tok.is(word))
}

fn after_last_comma<'t, 'a>(toks: &'t [Tok<'a>]) -> &'t [Tok<'a>] {
    let start = toks
        .iter()
        .rposition(|tok| *tok == Tok::Punct(','))
        .map_or(0, |at| at + 1);
    toks.get(start..).unwrap_or(&[])
}

/// The file's top level.
fn top_level(names: &Names<'_>, toks: &[Tok<'_>]) -> Vec<Completion> {
    let item = toks.get(top_item_start(toks)..).unwrap_or(&[]);
    if let [first, rest @ ..] = item {
        if first.is("expect") {
            return expect(names, rest);
        }
    }
    match toks.last() {
        Some(tok) if tok.is("cluster") => words(&["policy", "namespaces"], CompletionKind::Keyword),
        Some(tok) if tok.is("system") => words(&["namespace"], CompletionKind::Keyword),
        Some(tok) if tok.is("cidr") => words(&["groups"], CompletionKind::Keyword),
        Some(Tok::Punct('=')) => words(&["group"], CompletionKind::Keyword),
        Some(Tok::Word(word))
            if [
                "import",
                "const",
                "category",
                "namespace",
                "cilium",
                "policy",
                "namespaces",
                "group",
            ]
            .contains(word) =>
        {
            Vec::new()
        }
        _ => words(TOP, CompletionKind::Keyword),
    }
}

/// A namespace, category or policy body.
fn body(names: &Names<'_>, scan: &Scan<'_>, toks: &[Tok<'_>], policies: bool) -> Vec<Completion> {
    let stmt = toks.get(statement_start(toks)..).unwrap_or(&[]);
    let finished = matches!(stmt, [first, Tok::Word(_), Tok::Group('{', ..)] if first.is("policy"));
    if stmt.is_empty() || scan.blank_line || finished {
        let list: Vec<&str> = BODY
            .iter()
            .copied()
            // `spec` blocks go in a policy block only (E0244); policies and
            // expectations outside one.
            .filter(|word| {
                if policies {
                    *word != "spec"
                } else {
                    *word != "policy" && *word != "expect"
                }
            })
            .collect();
        return words(&list, CompletionKind::Keyword);
    }
    let (Some(Tok::Word(first)), rest) = (stmt.first(), stmt.get(1..).unwrap_or(&[])) else {
        return Vec::new();
    };
    match *first {
        "select" => match rest {
            [] => words(SUBJECTS, CompletionKind::Keyword),
            [all] if all.is("all") => words(&["nodes"], CompletionKind::Keyword),
            _ => scope(names, rest).unwrap_or_else(|| match rest.last() {
                Some(tok) if tok.is("pods") => words(&["in"], CompletionKind::Keyword),
                _ => Vec::new(),
            }),
        },
        "allow" | "deny" => rule(names, first, rest),
        "expect" if policies => expect(names, rest),
        "use" if rest.is_empty() => names.category_items(),
        "default" => match rest {
            [] => words(&["deny"], CompletionKind::Keyword),
            _ => directions(rest),
        },
        "no" => match rest {
            [] => words(&["default"], CompletionKind::Keyword),
            [default] if default.is("default") => words(&["deny"], CompletionKind::Keyword),
            _ => directions(rest.get(1..).unwrap_or(&[])),
        },
        "silence" if matches!(rest.last(), None | Some(Tok::Punct(','))) => Code::ALL
            .iter()
            .filter(|code| code.severity() == Severity::Warning)
            .map(|code| Completion {
                detail: Some(code.title().to_owned()),
                ..item(code.as_str(), CompletionKind::Value)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `ingress`, `egress` after `default deny` and between them.
fn directions(rest: &[Tok<'_>]) -> Vec<Completion> {
    if !matches!(rest.last(), Some(Tok::Punct(',') | Tok::Word("deny"))) {
        return Vec::new();
    }
    ["ingress", "egress"]
        .iter()
        .filter(|word| !rest.iter().any(|tok| tok.is(word)))
        .map(|word| item(word, CompletionKind::Keyword))
        .collect()
}

/// After a verb: a rule (`from`, `to`) or a sentence.
fn rule(names: &Names<'_>, verb: &str, rest: &[Tok<'_>]) -> Vec<Completion> {
    let Some(Tok::Word(second)) = rest.first() else {
        let mut out = words(&["from", "to"], CompletionKind::Keyword);
        out.extend(
            names
                .sentences
                .iter()
                .filter(|sentence| sentence.verb == verb)
                .map(|sentence| Completion {
                    detail: Some(sentence.shape()),
                    documentation: Some(format!("`use {}`", sentence.category)),
                    ..item(&sentence.word, CompletionKind::Keyword)
                }),
        );
        return out;
    };
    if *second != "from" && *second != "to" {
        return names
            .sentences
            .iter()
            .find(|sentence| sentence.verb == verb && sentence.word == *second)
            .map(|sentence| sentence_clauses(names, sentence, rest))
            .unwrap_or_default();
    }
    let peer = rest.get(1..).unwrap_or(&[]);
    if peer.is_empty() {
        return words(PEERS, CompletionKind::Keyword);
    }
    // `listener "name" in [cluster|namespace] "config"`: not a scope.
    if let Some(at) = peer.iter().position(|tok| tok.is("listener")) {
        let after = peer.get(at + 1..).unwrap_or(&[]);
        match after {
            [_] => return words(&["in"], CompletionKind::Keyword),
            [_, last] if last.is("in") => {
                return words(&["cluster", "namespace"], CompletionKind::Keyword);
            }
            [_, _, last] if last.is("cluster") || last.is("namespace") => return Vec::new(),
            _ => {}
        }
    }
    if let Some(out) = scope(names, peer) {
        return out;
    }
    match peer.last() {
        Some(tok) if tok.is("kafka") => return words(KAFKA, CompletionKind::Keyword),
        Some(tok) if tok.is("icmp") => return words(&["ipv4", "ipv6"], CompletionKind::Keyword),
        Some(tok) if tok.is("mismatch") => {
            return crate::ir::Mismatch::ALL
                .iter()
                .map(|action| item(action.as_word(), CompletionKind::Value))
                .collect();
        }
        Some(tok) if tok.is("terminate") || tok.is("originate") => {
            return words(&["tls"], CompletionKind::Keyword);
        }
        Some(tok) if tok.is("tls") => return words(&["secret"], CompletionKind::Keyword),
        Some(tok) if tok.is("authentication") => {
            return crate::ir::AuthMode::ALL
                .iter()
                .map(|mode| item(mode.as_str(), CompletionKind::Value))
                .collect();
        }
        Some(Tok::Word(word)) if NEEDS_VALUE.contains(word) => return Vec::new(),
        Some(Tok::Punct(_)) => return Vec::new(),
        _ => {}
    }
    let has = |word: &str| peer.iter().any(|tok| tok.is(word));
    let mut out = Vec::new();
    if !has("port") && !has("icmp") {
        out.extend(words(&["port", "icmp"], CompletionKind::Keyword));
    }
    // `sni` comes before the TLS clauses and the L7 lines, and excludes
    // the L7 lines unless the proxy terminates TLS (E0218).
    if has("port") && (!has("sni") || has("terminate")) && !has("listener") {
        out.extend(words(L7, CompletionKind::Keyword));
        let tls = has("terminate") || has("originate");
        if !L7.iter().any(|word| has(word)) && !has("authentication") && !tls {
            out.push(item("sni", CompletionKind::Keyword));
        }
    }
    // `listener` comes after the ports (and not with `sni` or the L7
    // lines), on egress allow rules only (E0225, E0226).
    if verb == "allow"
        && *second == "to"
        && has("port")
        && !has("listener")
        && !has("sni")
        && !has("authentication")
        && !has("terminate")
        && !has("originate")
        && !L7.iter().any(|word| has(word))
    {
        out.push(item("listener", CompletionKind::Keyword));
    }
    if has("listener") && !has("priority") && !has("authentication") {
        out.push(item("priority", CompletionKind::Keyword));
    }
    // `terminate tls` and `originate tls` come after the ports and `sni`
    // and before the L7 lines, on allow rules (E0234); after one, its items.
    if verb == "allow"
        && has("port")
        && !has("listener")
        && !has("authentication")
        && !L7.iter().any(|word| has(word))
    {
        let last_tls = peer
            .iter()
            .rposition(|tok| tok.is("terminate") || tok.is("originate"));
        if let Some(at) = last_tls {
            let clause = peer.get(at..).unwrap_or(&[]);
            for word in ["ca", "certificate", "key"] {
                if !clause.iter().any(|tok| tok.is(word)) {
                    out.push(item(word, CompletionKind::Keyword));
                }
            }
        }
        for word in ["terminate", "originate"] {
            if !has(word) {
                out.push(item(word, CompletionKind::Keyword));
            }
        }
    }
    // `authentication` comes after the ports and before the L7 lines, on
    // allow rules only (E0220).
    if verb == "allow" && !has("authentication") && !L7.iter().any(|word| has(word)) {
        out.push(item("authentication", CompletionKind::Keyword));
    }
    let scoped = peer
        .first()
        .is_some_and(|tok| tok.is("pods") || tok.is("service") || tok.is("services"));
    if scoped && !has("in") && !has("port") {
        out.push(item("in", CompletionKind::Keyword));
    }
    out
}

/// After `expect`: the verb, `from`, the two ends, `to`, the port and the
/// L7 request, each when it is due.
fn expect(names: &Names<'_>, rest: &[Tok<'_>]) -> Vec<Completion> {
    let [_verb, flow @ ..] = rest else {
        return words(&["allow", "deny"], CompletionKind::Keyword);
    };
    let Some(way) = flow.iter().rposition(|tok| tok.is("from") || tok.is("to")) else {
        return match flow {
            [] => words(&["from"], CompletionKind::Keyword),
            _ => Vec::new(),
        };
    };
    let going_to = flow.get(way).is_some_and(|tok| tok.is("to"));
    let end = flow.get(way + 1..).unwrap_or(&[]);
    if end.is_empty() {
        return words(ENDPOINTS, CompletionKind::Keyword);
    }
    let last = end.last();
    match last {
        Some(tok) if tok.is("in") => return words(&["namespace"], CompletionKind::Keyword),
        Some(tok) if tok.is("with") => return words(&["account"], CompletionKind::Keyword),
        Some(tok) if tok.is("namespace") => return names.namespace_items(),
        Some(tok) if tok.is("entity") => {
            return crate::ir::Entity::NAMES
                .iter()
                .filter(|(entity, _)| {
                    !matches!(
                        entity,
                        crate::ir::Entity::All
                            | crate::ir::Entity::Cluster
                            | crate::ir::Entity::None
                    )
                })
                .map(|(_, name)| item(name, CompletionKind::Value))
                .collect();
        }
        Some(tok) if tok.is("kafka") => return words(KAFKA, CompletionKind::Keyword),
        Some(tok) if tok.is("icmp") => return words(&["ipv4", "ipv6"], CompletionKind::Keyword),
        Some(Tok::Word(word)) if NEEDS_VALUE.contains(word) || *word == "account" => {
            return Vec::new();
        }
        Some(Tok::Punct(_)) => return Vec::new(),
        _ => {}
    }
    let has = |word: &str| end.iter().any(|tok| tok.is(word));
    let mut out = Vec::new();
    if end.first().is_some_and(|tok| tok.is("pods")) && !has("in") && !has("port") && !has("icmp") {
        if !has("with") {
            out.push(item("with account", CompletionKind::Keyword));
        }
        out.push(item("in namespace", CompletionKind::Keyword));
    }
    if !going_to {
        out.push(item("to", CompletionKind::Keyword));
        return out;
    }
    if !has("port") && !has("icmp") {
        out.extend(words(&["port", "icmp"], CompletionKind::Keyword));
    } else if has("port") && !REQUESTS.iter().any(|word| has(word)) {
        out.extend(words(REQUESTS, CompletionKind::Keyword));
    }
    out
}

/// What may follow in a sentence: its clause words, or after them their values.
fn sentence_clauses(names: &Names<'_>, sentence: &Sentence, rest: &[Tok<'_>]) -> Vec<Completion> {
    let run: Vec<&str> = rest
        .iter()
        .skip(1)
        .rev()
        .map_while(|tok| match tok {
            Tok::Word(word) if CLAUSE_WORDS.contains(word) => Some(*word),
            _ => None,
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if run.is_empty() {
        if matches!(rest.last(), Some(Tok::Punct(_))) {
            return Vec::new();
        }
        return sentence
            .clauses
            .iter()
            .filter(|clause| {
                // Not given yet.
                !rest.windows(clause.len()).any(|window| {
                    window
                        .iter()
                        .zip(clause.iter())
                        .all(|(tok, word)| tok.is(word))
                })
            })
            .map(|clause| item(&clause.join(" "), CompletionKind::Keyword))
            .collect();
    }
    let mut out: Vec<Completion> = sentence
        .clauses
        .iter()
        .filter(|clause| {
            clause.len() > run.len()
                && clause.starts_with(
                    &run.iter()
                        .map(|word| (*word).to_owned())
                        .collect::<Vec<_>>(),
                )
        })
        .filter_map(|clause| clause.get(run.len()))
        .map(|word| item(word, CompletionKind::Keyword))
        .collect();
    if run.last() == Some(&"namespace") {
        out.extend(names.namespace_items());
    }
    out
}
