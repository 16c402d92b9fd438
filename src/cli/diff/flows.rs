//! `netpolc diff --flows (--base REV | --base-dir OLD) [--yaml] [REPO]
//! [--format human|markdown|json] [--exit-code]`: the connections REPO
//! allows that the old revision denies (`+`) and those the old revision
//! allows that REPO denies (`-`), decided by the flow engine over the
//! universe of both programs ([`netpolc::flow::flow_diff`]).
//!
//! The old revision is a git revision of the repository that holds REPO
//! (`--base`, read in memory by [`super::super::revision`]), or a
//! directory (`--base-dir`); with `--yaml` both sides are directories of
//! CiliumNetworkPolicy YAML, imported in memory.
//!
//! Lines are grouped for people ([`group`]): the classes of a namespace
//! that all change alike become `ns/*`, and the ports of one pair that
//! change alike become one list. Grouping is exact: it merges only changes
//! with the same sign, the same other end, the same ports and the same
//! explanation, so a grouped line says exactly what each of its members
//! said. Each line carries the `file:line` of the rules that explain it:
//! the new revision's for an added connection, the old one's for a removed
//! one, then the deny rules of the side that refuses it.
//!
//! **Invariant:** writes nothing; exits 0 when it ran (with `--exit-code`,
//! 1 when a connection changed), 1 on a compile error of either side.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use netpolc::diag::render::locate_spans;
use netpolc::diag::report;
use netpolc::flow::graph::{self, Level};
use netpolc::flow::{Decider, FlowDiff, Ports, flow_diff};
use netpolc::source::{SourceMap, Span};
use serde::Serialize;

use super::super::report::{Reporter, plural};
use super::super::revision::load_revision;
use super::super::trace::{Loaded, load_repo, load_yaml};
use super::{BOLD, GREEN, RED, paint};

/// How `diff --flows` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Lines like `diff`'s, coloured on a terminal.
    Human,
    /// A pull-request comment: a summary, a table, a place for a picture.
    Markdown,
    /// One JSON object (see [`json`]).
    Json,
}

/// The arguments of `diff --flows`.
pub struct Args<'a> {
    /// The new revision.
    pub repo: &'a Path,
    /// `--base-dir`.
    pub base_dir: Option<&'a Path>,
    /// `--base`.
    pub base: Option<&'a str>,
    /// `--yaml`.
    pub yaml: bool,
    /// `--format`.
    pub format: Output,
    /// `--exit-code`.
    pub exit_code: bool,
}

/// Runs `diff --flows`.
pub fn run(args: &Args<'_>, reporter: &Reporter, stdout_color: bool) -> ExitCode {
    // The old side first: when it cannot be read, the new one is not.
    let old = match (args.base, args.base_dir) {
        (Some(_), Some(_)) => return refuse(report::two_bases(), reporter),
        // clap refuses `--yaml` with `--base`.
        (Some(rev), None) => load_revision(args.repo, rev, reporter),
        (None, Some(dir)) if args.yaml => load_yaml(&[dir.to_path_buf()], reporter),
        (None, Some(dir)) => load_repo(dir, reporter),
        // clap requires one of them.
        (None, None) => return ExitCode::from(2),
    };
    let Some(old) = old else {
        return ExitCode::FAILURE;
    };
    let new = if args.yaml {
        load_yaml(&[args.repo.to_path_buf()], reporter)
    } else {
        load_repo(args.repo, reporter)
    };
    let Some(new) = new else {
        return ExitCode::FAILURE;
    };
    let diff = flow_diff(&old.program, &new.program);
    let grouped = group(&diff, &old, &new);
    let text = match args.format {
        Output::Human => human(&grouped, stdout_color),
        Output::Markdown => markdown(&grouped, picture(&diff).as_deref()),
        Output::Json => json(&grouped),
    };
    super::super::print_stdout(text.as_bytes());
    if args.exit_code && !diff.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Reports one refusal of the arguments.
fn refuse(diag: netpolc::diag::Diagnostic, reporter: &Reporter) -> ExitCode {
    let diags = [diag];
    reporter.diagnostics(&diags, &SourceMap::new());
    reporter.failure("diff", &diags);
    ExitCode::FAILURE
}

/// The flow diff as people read it.
#[derive(Debug, Serialize)]
pub struct Grouped {
    /// Connections added, before grouping.
    pub added: usize,
    /// Connections removed, before grouping.
    pub removed: usize,
    /// How many flows of the universe were decided.
    pub decided: usize,
    /// How many flows the universe has.
    pub total: usize,
    /// Its endpoint classes.
    pub endpoint_classes: usize,
    /// Its port classes.
    pub port_classes: usize,
    /// The lines, removed before added within a namespace, namespaces in
    /// name order and the ends outside any namespace last.
    pub lines: Vec<Line>,
}

/// One grouped line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `added` or `removed`.
    pub change: &'static str,
    /// The namespace it is shown under (of the source pod, else of the
    /// destination pod); none between two ends outside any namespace.
    pub namespace: Option<String>,
    /// The source: a class (`shop/{app=web}`), every pod of a namespace
    /// (`shop/*`), an entity, an address block or an FQDN.
    pub from: String,
    /// The destination, written as `from`.
    pub to: String,
    /// The ports, as `5432/tcp`, `1-79/tcp` or `icmp 8`.
    pub ports: Vec<String>,
    /// The rules that allow the connection in the revision that allows it.
    pub allowed_by: Vec<Cause>,
    /// The deny rules of the revision that refuses it; empty when it is
    /// refused by default.
    pub denied_by: Vec<Cause>,
}

impl Line {
    /// `+` or `-`.
    fn sign(&self) -> char {
        if self.change == "added" { '+' } else { '-' }
    }
}

/// A statement that explains a line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Cause {
    /// `file:line` of the statement, in the revision it belongs to.
    pub at: Option<String>,
    /// The policy: `CNP shop/web`, `CCNP baseline`.
    pub policy: String,
    /// The categories it came through, outermost first.
    pub via: Vec<String>,
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(at) = &self.at {
            write!(f, "{at} ")?;
        }
        f.write_str(&self.policy)?;
        if !self.via.is_empty() {
            write!(f, " via {}", self.via.join(" > "))?;
        }
        Ok(())
    }
}

/// One end of a line while grouping: a class of the universe, or every pod
/// class of a namespace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Label {
    End(usize),
    Namespace(String),
}

/// A line while grouping: sign, from, to, ports, and its explanation.
type Item = (char, Label, Label, Vec<Ports>, Vec<Cause>, Vec<Cause>);

/// Groups the diff exactly (see the module's documentation).
pub fn group(diff: &FlowDiff, old: &Loaded, new: &Loaded) -> Grouped {
    let changes = || diff.added.iter().chain(&diff.removed);
    let old_places = places(changes().map(|change| change.old.as_slice()), &old.shown);
    let new_places = places(changes().map(|change| change.new.as_slice()), &new.shown);
    let mut items: Vec<Item> = Vec::new();
    for (sign, changes) in [('-', &diff.removed), ('+', &diff.added)] {
        for change in changes {
            let (allowing, refusing) = if sign == '+' {
                (
                    causes(&change.new, &new_places),
                    causes(&change.old, &old_places),
                )
            } else {
                (
                    causes(&change.old, &old_places),
                    causes(&change.new, &new_places),
                )
            };
            items.push((
                sign,
                Label::End(change.from),
                Label::End(change.to),
                vec![change.ports],
                allowing,
                refusing,
            ));
        }
    }
    // Every pod class of each namespace.
    let mut classes: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (at, end) in diff.universe.ends.iter().enumerate() {
        if let Some(namespace) = &end.namespace {
            classes.entry(namespace.as_str()).or_default().insert(at);
        }
    }
    let items = whole_namespaces(items, &diff.universe.ends, &classes, true);
    let items = whole_namespaces(items, &diff.universe.ends, &classes, false);
    let items = port_lists(items);
    let ends = &diff.universe.ends;
    let name = |label: &Label| match label {
        Label::End(at) => ends.get(*at).map_or("?".to_owned(), |end| end.name.clone()),
        Label::Namespace(namespace) => format!("{namespace}/*"),
    };
    let namespace_of = |label: &Label| match label {
        Label::End(at) => ends.get(*at).and_then(|end| end.namespace.clone()),
        Label::Namespace(namespace) => Some(namespace.clone()),
    };
    let mut lines: Vec<(Option<Ports>, Line)> = items
        .into_iter()
        .map(|(sign, from, to, ports, allowed_by, denied_by)| {
            let first = ports.first().copied();
            let line = Line {
                change: if sign == '+' { "added" } else { "removed" },
                namespace: namespace_of(&from).or_else(|| namespace_of(&to)),
                from: name(&from),
                to: name(&to),
                ports: shown_ports(&ports),
                allowed_by,
                denied_by,
            };
            (first, line)
        })
        .collect();
    lines.sort_by(|(a_port, a), (b_port, b)| {
        (
            a.namespace.is_none(),
            &a.namespace,
            a_port,
            a.sign() == '+',
            &a.from,
            &a.to,
        )
            .cmp(&(
                b.namespace.is_none(),
                &b.namespace,
                b_port,
                b.sign() == '+',
                &b.from,
                &b.to,
            ))
    });
    Grouped {
        added: diff.added.len(),
        removed: diff.removed.len(),
        decided: diff.decided,
        total: diff.total,
        endpoint_classes: diff.universe.ends.len(),
        port_classes: diff.universe.ports.len(),
        lines: lines.into_iter().map(|(_, line)| line).collect(),
    }
}

/// Replaces, among items alike but for one end (the source when `source`),
/// the classes of a namespace by the namespace when all its classes are
/// there.
fn whole_namespaces(
    items: Vec<Item>,
    ends: &[netpolc::flow::End],
    classes: &BTreeMap<&str, BTreeSet<usize>>,
    source: bool,
) -> Vec<Item> {
    type Rest = (char, Label, Vec<Ports>, Vec<Cause>, Vec<Cause>);
    let mut alike: BTreeMap<Rest, BTreeSet<Label>> = BTreeMap::new();
    for (sign, from, to, ports, allowed, denied) in items {
        let (end, other) = if source { (from, to) } else { (to, from) };
        alike
            .entry((sign, other, ports, allowed, denied))
            .or_default()
            .insert(end);
    }
    let mut out = Vec::new();
    for ((sign, other, ports, allowed, denied), mut labels) in alike {
        // Only the namespaces of the group's own ends can be whole.
        let present: BTreeSet<&str> = labels
            .iter()
            .filter_map(|label| match label {
                Label::End(at) => ends.get(*at)?.namespace.as_deref(),
                Label::Namespace(_) => None,
            })
            .collect();
        for (namespace, members) in present
            .iter()
            .filter_map(|namespace| Some((*namespace, classes.get(namespace)?)))
        {
            let all = members.iter().all(|at| labels.contains(&Label::End(*at)));
            if all && !members.is_empty() {
                labels.retain(|label| match label {
                    Label::End(at) => !members.contains(at),
                    Label::Namespace(_) => true,
                });
                labels.insert(Label::Namespace(namespace.to_owned()));
            }
        }
        for label in labels {
            let (from, to) = if source {
                (label, other.clone())
            } else {
                (other.clone(), label)
            };
            out.push((
                sign,
                from,
                to,
                ports.clone(),
                allowed.clone(),
                denied.clone(),
            ));
        }
    }
    out
}

/// Joins the ports of items alike but for their ports into one list.
fn port_lists(items: Vec<Item>) -> Vec<Item> {
    type Rest = (char, Label, Label, Vec<Cause>, Vec<Cause>);
    let mut alike: BTreeMap<Rest, BTreeSet<Ports>> = BTreeMap::new();
    for (sign, from, to, ports, allowed, denied) in items {
        alike
            .entry((sign, from, to, allowed, denied))
            .or_default()
            .extend(ports);
    }
    alike
        .into_iter()
        .map(|((sign, from, to, allowed, denied), ports)| {
            (sign, from, to, joined(ports), allowed, denied)
        })
        .collect()
}

/// Sorted intervals with each run of adjacent ones of a protocol joined:
/// `5432/tcp` and `5433-5440/tcp` are `5432-5440/tcp`.
fn joined(ports: BTreeSet<Ports>) -> Vec<Ports> {
    let mut out: Vec<Ports> = Vec::new();
    for next in ports {
        let icmp = matches!(
            next.protocol,
            netpolc::ir::FlowProtocol::Icmp | netpolc::ir::FlowProtocol::Icmpv6
        );
        if let Some(last) = out.last_mut() {
            if !icmp
                && last.protocol == next.protocol
                && u32::from(last.last) + 1 == u32::from(next.first)
            {
                last.last = next.last;
                continue;
            }
        }
        out.push(next);
    }
    out
}

fn shown_ports(ports: &[Ports]) -> Vec<String> {
    ports.iter().map(ToString::to_string).collect()
}

/// The causes of a side: the rules of its deciders, each once.
fn causes(deciders: &[Decider], places: &HashMap<Span, String>) -> Vec<Cause> {
    let mut out: Vec<Cause> = Vec::new();
    for decider in deciders {
        let via = match decider {
            Decider::Rule { origin, .. } => origin.categories.clone(),
            _ => Vec::new(),
        };
        let cause = Cause {
            at: place(decider).and_then(|span| places.get(&span).cloned()),
            policy: decider.to_string(),
            via,
        };
        if !out.contains(&cause) {
            out.push(cause);
        }
    }
    out
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
        .collect::<HashSet<Span>>()
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

/// The summary line.
fn summary(grouped: &Grouped) -> String {
    format!(
        "{} added, {} removed ({} of the {} flows of the universe decided: {} endpoint classes, {} port classes)",
        plural(grouped.added, "connection"),
        grouped.removed,
        grouped.decided,
        grouped.total,
        grouped.endpoint_classes,
        grouped.port_classes,
    )
}

/// Why a line changed, in words: the allowing rules, then the refusing
/// ones.
fn why(line: &Line) -> String {
    let list = |causes: &[Cause]| {
        causes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut why = list(&line.allowed_by);
    if !line.denied_by.is_empty() {
        let when = if line.sign() == '+' {
            "was denied"
        } else {
            "denied"
        };
        let _ = write!(why, "; {when} by {}", list(&line.denied_by));
    }
    why
}

/// The text: the summary line, then per namespace its lines, sorted by
/// port, `-` before `+`; `+` lines green and `-` lines red with `color`.
pub fn human(grouped: &Grouped, color: bool) -> String {
    let mut text = String::new();
    paint(&mut text, color, BOLD, &summary(grouped));
    let mut current: Option<&Option<String>> = None;
    for line in &grouped.lines {
        if current != Some(&line.namespace) {
            current = Some(&line.namespace);
            text.push('\n');
            let header = match &line.namespace {
                Some(namespace) => format!("namespace {namespace}"),
                None => "between endpoints outside any namespace".to_owned(),
            };
            paint(&mut text, color, BOLD, &header);
        }
        let shown = format!(
            "{} {} -> {} {}  ({})",
            line.sign(),
            line.from,
            line.to,
            line.ports.join(", "),
            why(line),
        );
        let shown = netpolc::diag::escape::escape(&shown).into_owned();
        paint(
            &mut text,
            color,
            if line.sign() == '+' { GREEN } else { RED },
            &shown,
        );
    }
    text
}

/// The most edges a pull-request picture draws: GitHub's Mermaid refuses
/// a chart of more than 500, and one of 100 is already hard to read.
const PICTURE_EDGES: usize = 100;

/// The Mermaid chart of what changed, at namespace level (`netpolc graph`'s
/// drawing of the diff's own connections): none when nothing changed or
/// when it would have more than [`PICTURE_EDGES`] edges.
fn picture(diff: &FlowDiff) -> Option<String> {
    if diff.is_empty() {
        return None;
    }
    let graph = graph::of_diff(diff, Level::Namespaces);
    (graph.edges.len() <= PICTURE_EDGES).then(|| graph::mermaid(&graph))
}

/// A pull-request comment: a heading and the summary, the picture when
/// given (a Mermaid block, put in a fence), and a table of the lines.
pub fn markdown(grouped: &Grouped, picture: Option<&str>) -> String {
    let mut text = String::from("### Flow changes\n\n");
    let _ = writeln!(text, "**{}**", summary(grouped));
    if let Some(picture) = picture {
        let _ = write!(text, "\n```mermaid\n{}\n```\n", picture.trim_end());
    }
    if grouped.lines.is_empty() {
        text.push_str("\nNo connection is allowed or denied differently.\n");
        return text;
    }
    text.push_str("\n| | From | To | Ports | Because |\n|---|---|---|---|---|\n");
    for line in &grouped.lines {
        let sign = if line.sign() == '+' {
            "🟢 +"
        } else {
            "🔴 −"
        };
        let _ = writeln!(
            text,
            "| {sign} | {} | {} | {} | {} |",
            cell(&line.from),
            cell(&line.to),
            cell(&line.ports.join(", ")),
            cell(&why(line)),
        );
    }
    text
}

/// Text fit for one cell of a Markdown table: in code spans where it is a
/// name, with `|` and newlines escaped and Markdown's own characters
/// neutralised.
fn cell(text: &str) -> String {
    let escaped = netpolc::diag::escape::escape(text);
    let mut out = String::new();
    for c in escaped.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '<' | '>' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// One JSON object, and a newline:
///
/// ```text
/// {"added": N, "removed": N, "decided": N, "total": N,
///  "endpoint_classes": N, "port_classes": N,
///  "lines": [{"change": "added"|"removed", "namespace": "shop"|null,
///             "from": "shop/{app=web}", "to": "data/*",
///             "ports": ["5432/tcp"],
///             "allowed_by": [{"at": "file:line"|null, "policy": "CNP shop/web", "via": []}],
///             "denied_by": [...]}]}
/// ```
pub fn json(grouped: &Grouped) -> String {
    let mut text = serde_json::to_string(grouped).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}
