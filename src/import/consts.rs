//! Constants: literals written in two or more places.
//!
//! Every CIDR (a `cidr` or an `except` entry) and every FQDN name or pattern
//! (`fqdn`, `dns`, `allow_dns`'s patterns; not the catch-all `"*"`) is
//! counted once per place it is written, a category's policies counting
//! once. So are whole lists: the CIDRs of a `cidr` peer without exceptions,
//! the names of an `fqdn` peer or of a `dns` rule, when they are two or
//! more (in any order). Lists are chosen first:
//! - a list written in two or more places becomes a list constant, named
//!   after what the policies that write it have in common ([`purpose`]):
//!   `STORAGE_CIDRS`, `CHECKOUT_FQDNS`, else after its first item in sorted
//!   order (`NET_10_0_0_1_AND_2_MORE_CIDRS`, `API_GITHUB_COM_AND_1_MORE_FQDNS`);
//! - then a single literal written in two or more places, not counting the
//!   places where it is part of a list constant, becomes a constant: an FQDN
//!   is named after itself (`api.github.com` is `API_GITHUB_COM`,
//!   `*.github.com` is `ANY_GITHUB_COM`), a CIDR after its purpose when the
//!   names of the policies that use it say one (`HOST_FIREWALL_CIDR`,
//!   `HOST_FIREWALL_EXCEPT` for an exception), else after its address
//!   (`NET_10_50_0_0_24`, `EXCEPT_10_1_0_0_16`). The names do not depend on
//!   which policy comes first, so they stay when a policy is added before
//!   the others.
//!
//! A name that would start with a digit gets `FQDN_` or `NET_` in front, and
//! a name already taken (by another constant or a CIDR group) gets `_2`,
//! `_3`, ... Each constant's doc comment lists the policies that use it.

use std::collections::{BTreeMap, BTreeSet};

use super::dedup::{ident, unique};
use super::idioms::Use;
use super::model::{L7, Peer, Spec};
use super::print::quote;

/// The constants, by what they replace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consts {
    /// By literal.
    singles: BTreeMap<String, String>,
    /// By list, sorted.
    lists: BTreeMap<Vec<String>, String>,
}

impl Consts {
    /// The constant that replaces a literal.
    pub fn single(&self, literal: &str) -> Option<&str> {
        self.singles.get(literal).map(String::as_str)
    }

    /// The constant that replaces a whole list (of two or more items).
    pub fn list<S: AsRef<str>>(&self, items: &[S]) -> Option<&str> {
        if items.len() < 2 {
            return None;
        }
        self.lists.get(&sorted(items)).map(String::as_str)
    }

    /// True when any literal of `literals` is written as a constant.
    pub fn used_by(&self, literals: &Literals<'_>) -> bool {
        literals
            .lists
            .iter()
            .any(|(_, items)| self.list(items).is_some())
            || literals
                .singles
                .iter()
                .any(|(_, literal, _)| self.single(literal).is_some())
    }
}

/// A list's key: its items, sorted.
fn sorted<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    let mut key: Vec<String> = items.iter().map(|item| item.as_ref().to_owned()).collect();
    key.sort();
    key
}

/// What a literal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LiteralKind {
    /// A `cidr` entry.
    Cidr,
    /// An `except` entry.
    Except,
    /// An FQDN name or pattern.
    Fqdn,
}

/// The literals of one policy, in print order.
#[derive(Clone, Debug, Default)]
pub struct Literals<'a> {
    /// Each literal, with the index in `lists` of the list it is part of.
    pub singles: Vec<(LiteralKind, &'a str, Option<usize>)>,
    /// Each list of two or more literals that a constant could replace.
    pub lists: Vec<(LiteralKind, Vec<&'a str>)>,
}

impl<'a> Literals<'a> {
    /// Adds a list; it is a list candidate when it has two or more items.
    fn push(&mut self, kind: LiteralKind, items: impl Iterator<Item = &'a str>) {
        let items: Vec<&str> = items.collect();
        let list = (items.len() > 1).then(|| {
            self.lists.push((kind, items.clone()));
            self.lists.len() - 1
        });
        self.singles.extend(
            items
                .into_iter()
                .filter(|item| *item != "*")
                .map(|item| (kind, item, list)),
        );
    }
}

/// Every literal of a spec (its further rules, `rest`, included) and its
/// `use` statements.
pub fn literals<'a>(spec: &'a Spec, uses: &'a [Use]) -> Literals<'a> {
    let mut out = Literals::default();
    let rules = std::iter::once(spec).chain(&spec.rest).flat_map(|spec| {
        spec.ingress
            .iter()
            .chain(&spec.ingress_deny)
            .chain(&spec.egress)
            .chain(&spec.egress_deny)
    });
    for rule in rules {
        match &rule.peer {
            Peer::Cidrs(cidrs)
                if cidrs
                    .iter()
                    .all(|cidr| !cidr.group && cidr.except.is_empty()) =>
            {
                out.push(
                    LiteralKind::Cidr,
                    cidrs.iter().map(|cidr| cidr.cidr.as_str()),
                );
            }
            Peer::Cidrs(cidrs) => {
                for cidr in cidrs.iter().filter(|cidr| !cidr.group) {
                    out.singles
                        .push((LiteralKind::Cidr, cidr.cidr.as_str(), None));
                    out.singles.extend(
                        cidr.except
                            .iter()
                            .map(|except| (LiteralKind::Except, except.as_str(), None)),
                    );
                }
            }
            Peer::Fqdns(names) => out.push(LiteralKind::Fqdn, names.iter().map(String::as_str)),
            _ => {}
        }
        if let Some(L7::Dns(names)) = &rule.l7 {
            out.push(LiteralKind::Fqdn, names.iter().map(String::as_str));
        }
    }
    for statement in uses {
        if let Use::Dns(patterns) = statement {
            out.push(LiteralKind::Fqdn, patterns.iter().map(String::as_str));
        }
    }
    out
}

/// What addresses are for, from the names of the policies that use them, so
/// that a constant's name does not depend on which policy comes first:
/// - the name they all share (`user-facing-app` in five namespaces);
/// - else the subject of a policy named after a standard-library-style
///   category, `allow-storage` giving `STORAGE`;
/// - else the words that begin every name (`host-firewall-all-nodes` and
///   `host-firewall-control-plane` give `HOST_FIREWALL`).
///
/// `None` when the names say nothing in common; the caller then names the
/// constant after the addresses themselves (`NET_10_50_0_0_24`).
fn purpose(policies: &BTreeSet<&str>) -> Option<String> {
    let words = |name: &str| -> Vec<String> {
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_ascii_uppercase)
            .collect()
    };
    let mut names = policies.iter();
    let first = words(names.next()?);
    if policies.len() == 1 {
        return Some(ident(&first.join("_"), "NET_"));
    }
    if let Some(subject) = policies.iter().find_map(|name| {
        let words = words(name);
        match words.split_first() {
            Some((verb, rest)) if (verb == "ALLOW" || verb == "DENY") && !rest.is_empty() => {
                Some(rest.join("_"))
            }
            _ => None,
        }
    }) {
        return Some(ident(&subject, "NET_"));
    }
    let common = names.fold(first.len(), |common, name| {
        first
            .iter()
            .zip(words(name))
            .take(common)
            .take_while(|(a, b)| **a == *b)
            .count()
    });
    (common > 0).then(|| ident(&first.get(..common).unwrap_or(&[]).join("_"), "NET_"))
}

/// One constant to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constant {
    /// Its name, without `$`.
    pub name: String,
    /// Its value as `.netpol` text: a CIDR, a quoted FQDN, or a list.
    pub value: String,
    /// The places that use it, as `namespace/policy` or `policy`.
    pub used_by: Vec<String>,
}

/// One place literals are written: a label (such as `shop/web`), the
/// policy's name, and its literals.
pub type Place<'a> = (String, &'a str, Literals<'a>);

/// A place's label, policy name, and the literals not in a list constant.
type Remaining<'a> = (&'a String, &'a str, Vec<(LiteralKind, String)>);

/// Chooses the constants for `places`, given in output order; `reserved`
/// names are taken already (by CIDR groups).
pub fn choose(places: &[Place<'_>], reserved: &[String]) -> (Consts, Vec<Constant>) {
    let mut consts = Consts::default();
    let mut defs: Vec<Constant> = Vec::new();
    let mut taken: BTreeSet<String> = reserved.iter().cloned().collect();
    let use_in = |defs: &mut Vec<Constant>, name: &str, label: &String| {
        if let Some(def) = defs.iter_mut().find(|def| def.name == name) {
            if !def.used_by.contains(label) {
                def.used_by.push(label.clone());
            }
        }
    };
    let mut list_counts: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut list_users: BTreeMap<Vec<String>, BTreeSet<&str>> = BTreeMap::new();
    for (_, policy, literals) in places {
        for (_, items) in &literals.lists {
            *list_counts.entry(sorted(items)).or_default() += 1;
            list_users.entry(sorted(items)).or_default().insert(policy);
        }
    }
    for (label, _, literals) in places {
        for (kind, items) in &literals.lists {
            let key = sorted(items);
            if let Some(name) = consts.lists.get(&key) {
                use_in(&mut defs, &name.clone(), label);
                continue;
            }
            if list_counts.get(&key).copied().unwrap_or(0) < 2 {
                continue;
            }
            let (suffix, printed): (&str, Vec<String>) = match kind {
                LiteralKind::Fqdn => ("FQDNS", items.iter().map(|item| quote(item)).collect()),
                _ => (
                    "CIDRS",
                    items.iter().map(|item| (*item).to_owned()).collect(),
                ),
            };
            let purpose = list_users.get(&key).and_then(purpose).unwrap_or_else(|| {
                let first = key.first().map_or("", String::as_str);
                let first = match kind {
                    LiteralKind::Fqdn => {
                        ident(&first.replace("**", "*").replace('*', "any"), "FQDN_")
                    }
                    _ => ident(first, "NET_"),
                };
                format!("{first}_AND_{}_MORE", items.len().saturating_sub(1))
            });
            let name = unique(&format!("{purpose}_{suffix}"), &mut taken);
            consts.lists.insert(key, name.clone());
            defs.push(Constant {
                name,
                value: format!("[{}]", printed.join(", ")),
                used_by: vec![label.clone()],
            });
        }
    }
    // Singles, not counting where they are part of a list constant.
    let outside_lists = |literals: &Literals<'_>| -> Vec<(LiteralKind, String)> {
        literals
            .singles
            .iter()
            .filter(|(_, _, list)| {
                list.and_then(|index| literals.lists.get(index))
                    .is_none_or(|(_, items)| consts.list(items).is_none())
            })
            .map(|(kind, literal, _)| (*kind, (*literal).to_owned()))
            .collect()
    };
    let remaining: Vec<Remaining<'_>> = places
        .iter()
        .map(|(label, policy, literals)| (label, *policy, outside_lists(literals)))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut users: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (_, policy, singles) in &remaining {
        for (_, literal) in singles {
            *counts.entry(literal.as_str()).or_default() += 1;
            users.entry(literal.as_str()).or_default().insert(policy);
        }
    }
    for (label, _, singles) in &remaining {
        for (kind, literal) in singles {
            if let Some(name) = consts.singles.get(literal) {
                use_in(&mut defs, &name.clone(), label);
                continue;
            }
            if counts.get(literal.as_str()).copied().unwrap_or(0) < 2 {
                continue;
            }
            let purpose = users.get(literal.as_str()).and_then(purpose);
            let (base, value) = match (kind, purpose) {
                (LiteralKind::Fqdn, _) => (
                    ident(&literal.replace("**", "*").replace('*', "any"), "FQDN_"),
                    quote(literal),
                ),
                (LiteralKind::Cidr, Some(purpose)) => (format!("{purpose}_CIDR"), literal.clone()),
                (LiteralKind::Cidr, None) => (ident(literal, "NET_"), literal.clone()),
                (LiteralKind::Except, Some(purpose)) => {
                    (format!("{purpose}_EXCEPT"), literal.clone())
                }
                (LiteralKind::Except, None) => {
                    (format!("EXCEPT_{}", ident(literal, "")), literal.clone())
                }
            };
            let name = unique(&base, &mut taken);
            consts.singles.insert(literal.clone(), name.clone());
            defs.push(Constant {
                name,
                value,
                used_by: vec![(*label).clone()],
            });
        }
    }
    (consts, defs)
}
