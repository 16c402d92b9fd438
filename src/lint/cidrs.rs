//! W0107: a CIDR list with an entry inside another entry (or twice).
//!
//! A CIDR peer allows the union of its entries, so an entry inside another
//! adds nothing but a policy-map entry, and usually means one of them is
//! wrong. Checked: every list literal (`[...]` in a constant, an argument or
//! an `except`), and the entries of one `cidr` peer, with `$NAME`s of
//! constants resolved. A category's parameters are not known here; their
//! arguments are checked where they are written.

use std::collections::BTreeMap;

use ipnet::IpNet;

use super::literals::parse_cidr;
use super::repo::Repo;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::sema::index::DefKind;
use crate::sema::walk::{self, Place, Visitor};
use crate::source::Span;

/// One entry of a list: its CIDRs and where it is written.
struct Entry {
    nets: Vec<IpNet>,
    span: Span,
    shown: String,
}

/// W0107.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    let mut lists = Lists {
        repo,
        diags: Vec::new(),
    };
    for file in repo.user_files() {
        walk::walk_file(file, &mut lists);
    }
    diags.extend(lists.diags);
}

struct Lists<'r, 'a> {
    repo: &'r Repo<'a>,
    diags: Vec<Diagnostic>,
}

impl<'a> Visitor<'a> for Lists<'_, 'a> {
    fn value(&mut self, value: &'a ast::Value, _place: &Place<'a>) {
        if let ast::Value::List(items, _) = value {
            let entries: Vec<Entry> = items.iter().filter_map(literal).collect();
            overlaps(&entries, &mut self.diags);
        }
    }

    fn rule(&mut self, rule: &'a ast::Rule, _place: &Place<'a>) {
        if let ast::PeerKind::Cidr(items) = &rule.peer.kind {
            self.peer(items);
        }
    }
}

impl<'a> Lists<'_, 'a> {
    /// The entries of a `cidr` peer, each a literal or a constant.
    fn peer(&mut self, items: &'a [ast::CidrItem]) {
        let mut entries = Vec::new();
        for item in items {
            let Some(entry) = self.entry(&item.cidr) else {
                return;
            };
            entries.push(entry);
            let excepts: Vec<Entry> = item
                .except
                .iter()
                .filter_map(|value| self.entry(value))
                .collect();
            overlaps(&excepts, &mut self.diags);
        }
        overlaps(&entries, &mut self.diags);
    }

    fn entry(&self, value: &'a ast::Value) -> Option<Entry> {
        match value {
            ast::Value::Ref(name) => {
                // A parameter's value is not known here.
                let index = self.repo.index;
                let constant = index
                    .resolved(name.span)
                    .and_then(|id| index.definition(id))
                    .filter(|def| def.kind == DefKind::Constant)?;
                let def = self.repo.const_def(constant.span)?;
                let nets = match &def.value {
                    ast::Value::List(items, _) => items
                        .iter()
                        .filter_map(literal)
                        .flat_map(|entry| entry.nets)
                        .collect(),
                    other => literal(other)?.nets,
                };
                Some(Entry {
                    nets,
                    span: name.span,
                    shown: format!("`${}`", name.node),
                })
            }
            // A list literal is checked on its own by `value`; here it
            // counts as one entry of the peer.
            ast::Value::List(items, span) => Some(Entry {
                nets: items
                    .iter()
                    .filter_map(literal)
                    .flat_map(|entry| entry.nets)
                    .collect(),
                span: *span,
                shown: "this list".to_owned(),
            }),
            other => literal(other),
        }
    }
}

/// A literal CIDR as an entry.
fn literal(value: &ast::Value) -> Option<Entry> {
    let ast::Value::Cidr(text) = value else {
        return None;
    };
    Some(Entry {
        nets: vec![parse_cidr(&text.node)?],
        span: text.span,
        shown: format!("`{}`", text.node),
    })
}

/// Reports each entry that lies inside another entry, once. The CIDRs are
/// sorted by address and then by prefix length, so every CIDR's containers
/// are on a stack of nested CIDRs when it is reached: O(n log n).
fn overlaps(entries: &[Entry], diags: &mut Vec<Diagnostic>) {
    let mut nets: Vec<(IpNet, usize)> = entries
        .iter()
        .enumerate()
        .flat_map(|(index, entry)| entry.nets.iter().map(move |net| (*net, index)))
        .collect();
    nets.sort_by(|a, b| {
        a.0.network()
            .cmp(&b.0.network())
            .then(a.0.prefix_len().cmp(&b.0.prefix_len()))
            .then(a.1.cmp(&b.1))
    });
    let mut stack: Vec<(IpNet, usize)> = Vec::new();
    // For each entry inside another: (inner CIDR, outer CIDR, outer entry).
    let mut found: BTreeMap<usize, (IpNet, IpNet, usize)> = BTreeMap::new();
    for (net, index) in nets {
        while stack.last().is_some_and(|(outer, _)| !outer.contains(&net)) {
            stack.pop();
        }
        if let Some((outer, outer_index)) = stack
            .iter()
            .rev()
            .find(|(_, outer_index)| *outer_index != index)
        {
            found.entry(index).or_insert((net, *outer, *outer_index));
        }
        stack.push((net, index));
    }
    for (index, (inner, outer, outer_index)) in found {
        let (Some(inner_entry), Some(outer_entry)) = (entries.get(index), entries.get(outer_index))
        else {
            continue;
        };
        // Two equal entries: only the later one is reported.
        if inner == outer && index < outer_index {
            continue;
        }
        diags.push(
            report::nested_cidr(inner_entry.span, inner, outer)
                .secondary(outer_entry.span, format!("{} covers it", outer_entry.shown))
                .note("a CIDR list allows the union of its entries, so the narrower entry adds only a policy-map entry")
                .help("remove the narrower entry, or fix the one that is wrong"),
        );
    }
}
