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

mod scan;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::Analysis;
use super::nav::Edit;
use crate::ast;
use crate::diag::{Code, Severity};
use crate::sema::index::{DefKind, Detail};
use crate::source::{FileId, Origin};
use scan::{Scan, Tok};

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
            None | Some(Block::Top) => top_level(toks),
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

/// Statements of the file's top level.
const TOP: &[&str] = &[
    "import",
    "const",
    "category",
    "namespace",
    "system namespace",
    "cluster policy",
    "cluster namespaces",
    "cilium",
    "cidr groups",
    "silence",
];
/// Statements of a namespace or category body (a policy body: all but `policy`).
const BODY: &[&str] = &[
    "policy",
    "select",
    "allow",
    "deny",
    "use",
    "description",
    "label",
    "default deny",
    "no default deny",
    "silence",
];
/// The words that start a statement of a body.
const STATEMENT_WORDS: &[&str] = &[
    "policy",
    "select",
    "allow",
    "deny",
    "use",
    "description",
    "label",
    "default",
    "no",
    "silence",
];
/// What a rule's peer starts with.
const PEERS: &[&str] = &[
    "pods",
    "namespace",
    "namespaces",
    "entity",
    "cidr",
    "fqdn",
    "service",
    "services",
    "anywhere",
    "everything",
];
/// What may follow `select`.
const SUBJECTS: &[&str] = &["pods", "all", "nodes", "everything"];
/// Port protocols.
const PROTOCOLS: &[&str] = &["tcp", "udp", "sctp", "any"];
/// Parameter types.
const TYPES: &[&str] = &[
    "cidr", "cidrs", "port", "ports", "string", "strings", "selector",
];
/// L7 rule lines.
const L7: &[&str] = &["http", "grpc", "kafka", "dns"];
/// What may follow `kafka`.
const KAFKA: &[&str] = &["produce", "consume", "apikey", "topic", "client", "version"];
/// Words after which a rule needs a value, not another keyword.
const NEEDS_VALUE: &[&str] = &[
    "port", "cidr", "fqdn", "service", "http", "grpc", "dns", "topic", "client", "version",
    "method", "host", "header", "apikey", "except", "with", "ipv4", "ipv6",
];
/// The words of sentence clauses.
const CLAUSE_WORDS: &[&str] = &["from", "to", "port", "pods", "in", "namespace"];

fn words(list: &[&str], kind: CompletionKind) -> Vec<Completion> {
    list.iter().map(|word| item(word, kind)).collect()
}

fn item(label: &str, kind: CompletionKind) -> Completion {
    Completion {
        label: label.to_owned(),
        kind,
        detail: None,
        documentation: None,
        insert_text: None,
    }
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
fn top_level(toks: &[Tok<'_>]) -> Vec<Completion> {
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
            .filter(|word| policies || *word != "policy")
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
    if let Some(out) = scope(names, peer) {
        return out;
    }
    match peer.last() {
        Some(tok) if tok.is("kafka") => return words(KAFKA, CompletionKind::Keyword),
        Some(tok) if tok.is("icmp") => return words(&["ipv4", "ipv6"], CompletionKind::Keyword),
        Some(Tok::Word(word)) if NEEDS_VALUE.contains(word) => return Vec::new(),
        Some(Tok::Punct(_)) => return Vec::new(),
        _ => {}
    }
    let has = |word: &str| peer.iter().any(|tok| tok.is(word));
    let mut out = Vec::new();
    if !has("port") && !has("icmp") {
        out.extend(words(&["port", "icmp"], CompletionKind::Keyword));
    }
    if has("port") {
        out.extend(words(L7, CompletionKind::Keyword));
    }
    let scoped = peer
        .first()
        .is_some_and(|tok| tok.is("pods") || tok.is("service") || tok.is("services"));
    if scoped && !has("in") && !has("port") {
        out.push(item("in", CompletionKind::Keyword));
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

/// Scopes and peers that name namespaces, labels or entities, from the end
/// of a statement; `None` when the statement does not end in one.
fn scope(names: &Names<'_>, toks: &[Tok<'_>]) -> Option<Vec<Completion>> {
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
fn namespace_labels(names: &Names<'_>, term: &[Tok<'_>]) -> Vec<Completion> {
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
fn inventory(names: &Names<'_>, toks: &[Tok<'_>]) -> Vec<Completion> {
    match after_last_comma(toks) {
        [] => names.namespace_items(),
        [Tok::Word(_), rest @ ..] => namespace_labels(names, rest),
        _ => Vec::new(),
    }
}

/// Inside `use NAME(`: the parameters not given yet, as `name: `.
fn use_args(names: &Names<'_>, category: &str, toks: &[Tok<'_>]) -> Vec<Completion> {
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

/// A rule sentence a category declares.
struct Sentence {
    verb: &'static str,
    word: String,
    category: String,
    /// Whether values follow the word.
    slot: bool,
    /// The clause words, in order.
    clauses: Vec<Vec<String>>,
}

impl Sentence {
    /// `allow storage from ... port ...`.
    fn shape(&self) -> String {
        let mut out = format!("{} {}", self.verb, self.word);
        if self.slot {
            out.push_str(" ...");
        }
        for clause in &self.clauses {
            out.push(' ');
            out.push_str(&clause.join(" "));
            out.push_str(" ...");
        }
        out
    }
}

/// The names a file sees.
struct Names<'a> {
    analysis: &'a Analysis,
    /// The file, the files it imports, the standard library.
    visible: Vec<FileId>,
    /// The file's own constants, found in its text.
    own_constants: Vec<String>,
    /// The file's own namespaces, found in its text.
    own_namespaces: Vec<String>,
    /// Visible categories with their parameters (name, type and default).
    categories: Vec<(String, Vec<(String, String)>)>,
    sentences: Vec<Sentence>,
    /// The inventory's labels: key and values.
    labels: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Names<'a> {
    fn new(analysis: &'a Analysis, file: FileId, text: &str) -> Names<'a> {
        // The file's own definitions and imports, read from its text.
        let top = scan::top_level(text);
        let mut visible = vec![file];
        visible.extend(
            analysis
                .index
                .imports()
                .iter()
                .filter(|import| import.file == file)
                .filter_map(|import| import.target),
        );
        let from = analysis.sources.path(file);
        for pair in top.windows(2) {
            if let [import, Tok::Str(start, end)] = pair
                && import.is("import")
                && let Some(path) = text.get(*start..*end)
                && let Some(target) = analysis.sources.find(&joined(from, path))
                && !visible.contains(&target)
            {
                visible.push(target);
            }
        }
        visible.extend(
            analysis
                .sources
                .iter()
                .filter(|(_, source)| source.origin == Origin::Stdlib)
                .map(|(id, _)| id),
        );
        let mut own_constants = Vec::new();
        let mut own_namespaces = Vec::new();
        let mut categories = Vec::new();
        for (at, tok) in top.iter().enumerate() {
            let (Some(Tok::Word(name)), true) = (
                top.get(at + 1),
                tok.is("const") || tok.is("category") || tok.is("namespace"),
            ) else {
                continue;
            };
            if tok.is("namespace") {
                own_namespaces.push((*name).to_owned());
                continue;
            }
            if tok.is("const") {
                own_constants.push((*name).to_owned());
            } else {
                let params = match top.get(at + 2) {
                    Some(Tok::Group('(', start, _)) => text
                        .get(start.saturating_sub(1)..)
                        .map(scan::params_in_head)
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                categories.push(((*name).to_owned(), params));
            }
        }
        for (_, def) in analysis.index.of_kind(DefKind::Category) {
            if !visible.contains(&def.span.file)
                || categories.iter().any(|(name, _)| *name == def.name)
            {
                continue;
            }
            let after_name = analysis
                .sources
                .get(def.span.file)
                .and_then(|source| {
                    source
                        .text
                        .get(def.span.end as usize..def.item.end as usize)
                })
                .unwrap_or("");
            categories.push((def.name.clone(), scan::params_in_head(after_name)));
        }
        let mut sentences = Vec::new();
        let mut labels: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for ast_file in &analysis.files {
            for ast_item in &ast_file.items {
                match ast_item {
                    ast::Item::Category(category) if visible.contains(&ast_file.id) => {
                        if let Some(decl) = &category.sentence {
                            sentences.push(Sentence {
                                verb: decl.verb.node.keyword(),
                                word: decl.word.node.clone(),
                                category: category.name.node.clone(),
                                slot: decl.slot.is_some(),
                                clauses: decl
                                    .clauses
                                    .iter()
                                    .map(|clause| clause.words.clone())
                                    .collect(),
                            });
                        }
                    }
                    ast::Item::Inventory(inventory) => {
                        for entry in &inventory.entries {
                            let Some(ast::Selector {
                                kind: ast::SelectorKind::Terms(terms),
                                ..
                            }) = &entry.labels
                            else {
                                continue;
                            };
                            for term in terms {
                                if let ast::Term::Eq(key, value) = term {
                                    let values = labels.entry(key.node.clone()).or_default();
                                    if let ast::Value::Word(value) | ast::Value::String(value) =
                                        value
                                    {
                                        values.insert(value.node.clone());
                                    }
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Names {
            analysis,
            visible,
            own_constants,
            own_namespaces,
            categories,
            sentences,
            labels,
        }
    }

    /// Every visible constant, as `$NAME`.
    fn constants(&self) -> Vec<Completion> {
        let mut out: Vec<Completion> = Vec::new();
        for (_, def) in self.analysis.index.of_kind(DefKind::Constant) {
            if !self.visible.contains(&def.span.file) {
                continue;
            }
            let ty = match &def.detail {
                Detail::Constant { ty: Some(ty) } => Some(ty.to_string()),
                _ => None,
            };
            let written = self.analysis.sources.slice(def.item);
            out.push(Completion {
                detail: ty,
                documentation: Some(format!("```netpol\n{}\n```", written.trim())),
                ..item(&format!("${}", def.name), CompletionKind::Constant)
            });
        }
        for name in &self.own_constants {
            let label = format!("${name}");
            if !out.iter().any(|done| done.label == label) {
                out.push(item(&label, CompletionKind::Constant));
            }
        }
        out
    }

    /// Every visible category, with its parameters as detail.
    fn category_items(&self) -> Vec<Completion> {
        self.categories
            .iter()
            .map(|(name, params)| {
                let params: Vec<String> = params
                    .iter()
                    .map(|(param, ty)| format!("{param}: {ty}"))
                    .collect();
                Completion {
                    detail: Some(format!("({})", params.join(", "))),
                    ..item(name, CompletionKind::Category)
                }
            })
            .collect()
    }

    /// The namespaces the repository knows: declared, in the inventory, and
    /// the system ones.
    fn namespace_items(&self) -> Vec<Completion> {
        let mut found: BTreeSet<String> = crate::sema::SYSTEM_NAMESPACES
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        found.extend(
            self.analysis
                .index
                .of_kind(DefKind::Namespace)
                .map(|(_, def)| def.name.clone()),
        );
        found.extend(self.own_namespaces.iter().cloned());
        for ast_file in &self.analysis.files {
            for ast_item in &ast_file.items {
                if let ast::Item::Inventory(inventory) = ast_item {
                    found.extend(
                        inventory
                            .entries
                            .iter()
                            .map(|entry| entry.name.node.clone()),
                    );
                }
            }
        }
        found
            .iter()
            .map(|name| item(name, CompletionKind::Namespace))
            .collect()
    }
}

/// The path an `import` in the file at `from` names: relative to the
/// importing file's directory, `.` and `..` resolved.
fn joined(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}
