//! `netpolc diff --flows --base-dir OLD [REPO]`: the connections REPO
//! allows that OLD denies (`+`) and those OLD allows that REPO denies
//! (`-`), decided by the flow engine over the universe of both programs
//! ([`netpolc::flow::flow_diff`]), grouped by namespace and port, each line
//! with the `file:line` of the rules that explain it: the new revision's
//! for an added connection, the old one's for a removed one.
//!
//! **Invariant:** writes nothing; exits 0 when it ran (with `--exit-code`,
//! 1 when a connection changed), 1 on a compile error of either side.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use netpolc::diag::render::locate_spans;
use netpolc::flow::{Change, Decider, FlowDiff, flow_diff};
use netpolc::source::{SourceMap, Span};

use super::super::report::{Reporter, plural};
use super::super::trace::load_repo;
use super::{BOLD, GREEN, RED, paint};

/// Runs `diff --flows`.
pub fn run(
    repo: &Path,
    base: &Path,
    exit_code: bool,
    reporter: &Reporter,
    stdout_color: bool,
) -> ExitCode {
    let Some(old) = load_repo(base, reporter) else {
        return ExitCode::FAILURE;
    };
    let Some(new) = load_repo(repo, reporter) else {
        return ExitCode::FAILURE;
    };
    let diff = flow_diff(&old.program, &new.program);
    let text = human(&diff, &old.shown, &new.shown, stdout_color);
    super::super::print_stdout(text.as_bytes());
    if exit_code && !diff.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One line to print.
struct Row<'d> {
    sign: char,
    change: &'d Change,
}

/// The text: a summary line, then per namespace (of the source pod, else
/// the destination pod; connections between two ends outside any namespace
/// last) its lines sorted by port, `-` before `+`.
pub fn human(diff: &FlowDiff, old: &SourceMap, new: &SourceMap, color: bool) -> String {
    let mut text = String::new();
    let summary = format!(
        "{} added, {} removed ({} of the {} flows of the universe decided: {} endpoint classes, {} port classes)",
        plural(diff.added.len(), "connection"),
        diff.removed.len(),
        diff.decided,
        diff.total,
        diff.universe.ends.len(),
        diff.universe.ports.len(),
    );
    paint(&mut text, color, BOLD, &summary);
    let changes = || diff.added.iter().chain(&diff.removed);
    let old_places = places(changes().map(|change| change.old.as_slice()), old);
    let new_places = places(changes().map(|change| change.new.as_slice()), new);
    let mut groups: BTreeMap<(bool, String), Vec<Row<'_>>> = BTreeMap::new();
    let rows = diff
        .removed
        .iter()
        .map(|change| Row { sign: '-', change })
        .chain(diff.added.iter().map(|change| Row { sign: '+', change }));
    for row in rows {
        let namespace = [row.change.from, row.change.to]
            .iter()
            .find_map(|at| diff.universe.ends.get(*at)?.namespace.clone());
        let key = match namespace {
            Some(namespace) => (false, namespace),
            None => (true, String::new()),
        };
        groups.entry(key).or_default().push(row);
    }
    let name = |at: usize| {
        diff.universe
            .ends
            .get(at)
            .map_or("?", |end| end.name.as_str())
    };
    for ((outside, namespace), mut rows) in groups {
        rows.sort_by(|a, b| {
            (
                a.change.ports,
                a.sign,
                name(a.change.from),
                name(a.change.to),
            )
                .cmp(&(
                    b.change.ports,
                    b.sign,
                    name(b.change.from),
                    name(b.change.to),
                ))
        });
        text.push('\n');
        let header = if outside {
            "between endpoints outside any namespace".to_owned()
        } else {
            format!("namespace {namespace}")
        };
        paint(&mut text, color, BOLD, &header);
        for row in rows {
            // Explained by the revision that allows the connection, then
            // by the deny rules of the one that refuses it, if any.
            let (allowing, refusing, style) = if row.sign == '+' {
                (
                    (&new_places, &row.change.new),
                    (&old_places, &row.change.old),
                    GREEN,
                )
            } else {
                (
                    (&old_places, &row.change.old),
                    (&new_places, &row.change.new),
                    RED,
                )
            };
            let mut why = explanation(allowing.1, allowing.0);
            let denied = explanation(refusing.1, refusing.0);
            if !denied.is_empty() {
                let when = if row.sign == '+' {
                    "was denied"
                } else {
                    "denied"
                };
                why = format!("{why}; {when} by {denied}");
            }
            let line = format!(
                "{} {} -> {} {}  ({why})",
                row.sign,
                name(row.change.from),
                name(row.change.to),
                row.change.ports,
            );
            let line = netpolc::diag::escape::escape(&line).into_owned();
            paint(&mut text, color, style, &line);
        }
    }
    text
}

/// Where a decider's statement is: the rule itself, or for a rule that
/// came through categories the `use` (or `policy` block) that
/// instantiated them.
fn place(decider: &Decider) -> Option<Span> {
    match decider {
        Decider::Rule { policy, origin, .. } if !origin.categories.is_empty() => {
            Some(policy.origin)
        }
        Decider::Rule { origin, .. } => Some(origin.span),
        _ => None,
    }
}

/// `file:line` of every statement the changes of one revision name,
/// located in one pass over the sources.
fn places<'c>(
    changes: impl Iterator<Item = &'c [Decider]>,
    sources: &SourceMap,
) -> HashMap<Span, String> {
    let spans: Vec<Span> = changes
        .flatten()
        .filter_map(place)
        .collect::<std::collections::HashSet<Span>>()
        .into_iter()
        .collect();
    let found = locate_spans(sources, &spans);
    spans
        .into_iter()
        .zip(found)
        .filter_map(|(span, range)| {
            let (start, _) = range?;
            Some((span, format!("{}:{}", sources.path(span.file), start.line)))
        })
        .collect()
}

/// `file:line CNP ns/name via category, ...`: the statements that brought
/// each decider and the chain of categories; empty when no rule decided (a
/// default deny).
fn explanation(deciders: &[Decider], places: &HashMap<Span, String>) -> String {
    let mut shown = Vec::new();
    for decider in deciders {
        let mut item = String::new();
        if let Some(at) = place(decider).and_then(|span| places.get(&span)) {
            let _ = write!(item, "{at} ");
        }
        let _ = write!(item, "{decider}");
        if let Decider::Rule { origin, .. } = decider {
            if !origin.categories.is_empty() {
                let _ = write!(item, " via {}", origin.categories.join(" > "));
            }
        }
        if !shown.contains(&item) {
            shown.push(item);
        }
    }
    shown.join(", ")
}
