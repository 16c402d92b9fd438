//! W0106: the same CIDR, IP address or FQDN written out in two or more
//! places of the repository, where a constant would keep them in step.
//!
//! Counted: every CIDR or address literal of a user file (`10.0.0.1` and
//! `10.0.0.1/32` are the same), every name of an `fqdn` peer, and a string
//! of a `const` that equals such a name. Not counted: `dns` patterns and
//! the arguments that become them, which usually repeat the `fqdn` names
//! beside them on purpose; two places in one statement (W0107 is about
//! those); the standard library.
//!
//! A `silence W0106` on a definition takes the literals inside it out of the
//! count, so the others still warn if they repeat among themselves.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

use super::repo::Repo;
use super::silence::Silences;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::HashMap;
use crate::sema::walk::{self, Place, Slot, Visitor};
use crate::source::Span;

/// One literal as written.
#[derive(Clone, Debug)]
struct Occurrence {
    span: Span,
    /// The enclosing definition or statement.
    stmt: Span,
    /// The text as written (quoted for strings).
    shown: String,
    /// The constant whose whole value it is.
    constant: Option<String>,
    /// The constant whose value it is part of.
    within: Option<String>,
}

/// W0106.
pub fn check(repo: &Repo<'_>, silences: &Silences, diags: &mut Vec<Diagnostic>) {
    let mut collect = Collect::default();
    for file in repo.user_files() {
        for item in &file.items {
            if let ast::Item::Const(def) = item {
                collect
                    .consts
                    .insert(def.span, (def.name.node.clone(), def.value.span()));
            }
        }
        walk::walk_file(file, &mut collect);
    }
    for (key, occurrences) in collect.strings {
        if let Some(group) = collect.groups.get_mut(&key) {
            group.extend(occurrences);
        }
    }
    for occurrences in collect.groups.into_values() {
        if let Some(diag) = group(repo, silences, occurrences) {
            diags.push(diag);
        }
    }
}

/// The canonical CIDR of an address or CIDR literal.
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    IpNet::from_str(text)
        .ok()
        .or_else(|| IpAddr::from_str(text).ok().map(IpNet::from))
        .map(|net| net.trunc())
}

#[derive(Default)]
struct Collect {
    /// Each constant's definition, to its name and the span of its value.
    consts: HashMap<Span, (String, Span)>,
    /// Literals by canonical key, in walk order.
    groups: BTreeMap<String, Vec<Occurrence>>,
    /// Strings of constants, which count only when an `fqdn`
    /// peer names the same host.
    strings: BTreeMap<String, Vec<Occurrence>>,
}

impl<'a> Visitor<'a> for Collect {
    fn value(&mut self, value: &'a ast::Value, place: &Place<'a>) {
        // An expectation restates the values of the rules it tests.
        if place.slot == Slot::Expect {
            return;
        }
        let within = self.consts.get(&place.stmt).map(|(name, _)| name.clone());
        let constant = || {
            self.consts
                .get(&place.stmt)
                .filter(|(_, value_span)| *value_span == value.span())
                .map(|(name, _)| name.clone())
        };
        match value {
            ast::Value::Cidr(text) => {
                let Some(net) = parse_cidr(&text.node) else {
                    return;
                };
                let occurrence = Occurrence {
                    span: text.span,
                    stmt: place.stmt,
                    shown: text.node.clone(),
                    constant: constant(),
                    within: within.clone(),
                };
                self.groups
                    .entry(format!("cidr {net}"))
                    .or_default()
                    .push(occurrence);
            }
            ast::Value::String(text) if matches!(place.slot, Slot::Fqdn | Slot::Const) => {
                let key = format!(
                    "fqdn {}",
                    text.node.trim_end_matches('.').to_ascii_lowercase()
                );
                let occurrence = Occurrence {
                    span: text.span,
                    stmt: place.stmt,
                    shown: format!("\"{}\"", text.node),
                    constant: constant(),
                    within: within.clone(),
                };
                let target = if place.slot == Slot::Fqdn {
                    &mut self.groups
                } else {
                    &mut self.strings
                };
                target.entry(key).or_default().push(occurrence);
            }
            _ => {}
        }
    }
}

fn group(
    repo: &Repo<'_>,
    silences: &Silences,
    mut occurrences: Vec<Occurrence>,
) -> Option<Diagnostic> {
    let places = |list: &[Occurrence]| {
        let mut stmts: Vec<Span> = list.iter().map(|occurrence| occurrence.stmt).collect();
        stmts.sort();
        stmts.dedup();
        stmts.len()
    };
    if places(&occurrences) < 2 {
        return None;
    }
    occurrences.retain(|occurrence| !silences.covers(report::REPEATED_LITERAL, occurrence.span));
    if places(&occurrences) < 2 {
        return None;
    }
    let position = |occurrence: &Occurrence| {
        (
            repo.sources.path(occurrence.span.file).to_owned(),
            occurrence.span.start,
        )
    };
    occurrences.sort_by_key(position);
    // One occurrence per statement.
    let mut seen = Vec::new();
    occurrences.retain(|occurrence| {
        let fresh = !seen.contains(&occurrence.stmt);
        seen.push(occurrence.stmt);
        fresh
    });
    let primary_index = occurrences
        .iter()
        .position(|occurrence| occurrence.constant.is_none() && occurrence.within.is_none())
        .or_else(|| {
            occurrences
                .iter()
                .position(|occurrence| occurrence.constant.is_none())
        })
        .unwrap_or(occurrences.len().saturating_sub(1));
    let primary = occurrences.get(primary_index)?.clone();
    let constant = occurrences
        .iter()
        .find_map(|occurrence| occurrence.constant.clone());
    let mut diag = report::repeated_literal(primary.span, &primary.shown, &occurrences.len());
    for (index, occurrence) in occurrences.iter().enumerate() {
        if index == primary_index {
            continue;
        }
        let label = match (&occurrence.constant, &occurrence.within) {
            (Some(name), _) => format!("the value of `{name}`"),
            (None, Some(name)) => format!("also in `{name}`"),
            (None, None) => "also written here".to_owned(),
        };
        diag = diag.secondary(occurrence.span, label);
    }
    Some(match constant {
        Some(name) => diag.help(format!("write `${name}` in place of the literal")),
        None => diag.help(format!(
            "define it once, `const NAME = {}`, and write `$NAME` in each place",
            primary.shown
        )),
    })
}
