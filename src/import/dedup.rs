//! Sharing: literals used in two or more places become constants, and
//! namespaces with the same policies become one category.
//!
//! **Constants.** Every CIDR (a `cidr` or an `except` entry) and every FQDN
//! name or pattern (`fqdn`, `dns`; not the catch-all `"*"`) is counted once
//! per place it is written, a category's policies counting once. A literal
//! written in two or more places becomes a constant in `constants.netpol`:
//! - an FQDN is named after itself: `api.github.com` is `API_GITHUB_COM`,
//!   `*.github.com` is `ANY_GITHUB_COM`;
//! - a CIDR is named after the first policy that uses it, in output order,
//!   with `_CIDR` (or `_EXCEPT` for an exception): `STORAGE_EGRESS_CIDR`,
//!   then `STORAGE_EGRESS_CIDR_2` for a second one from the same policy.
//!
//! A name that would start with a digit gets `FQDN_` or `NET_` in front, and
//! a name already taken gets `_2`, `_3`, ... Each constant's doc comment
//! lists the policies that use it.
//!
//! **Categories.** Namespaces whose policies print the same (every name,
//! rule and comment-free line identical) become one category named after
//! their policies: `default_deny` for one policy, `default_deny_and_web`
//! for two, `default_deny_and_2_more` for three. Each of them then says
//! `use CATEGORY`. A name that is a standard-library category gets
//! `_policies` appended, so that it never hides the standard library.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{L7, Peer, Spec};
use super::print::Consts;

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

/// Every literal of a spec that may become a constant, in print order.
pub fn literals(spec: &Spec) -> Vec<(LiteralKind, &str)> {
    let mut out = Vec::new();
    let rules = spec
        .ingress
        .iter()
        .chain(&spec.ingress_deny)
        .chain(&spec.egress)
        .chain(&spec.egress_deny);
    for rule in rules {
        match &rule.peer {
            Peer::Cidrs(cidrs) => {
                for cidr in cidrs {
                    out.push((LiteralKind::Cidr, cidr.cidr.as_str()));
                    out.extend(
                        cidr.except
                            .iter()
                            .map(|except| (LiteralKind::Except, except.as_str())),
                    );
                }
            }
            Peer::Fqdns(names) => {
                out.extend(names.iter().map(|name| (LiteralKind::Fqdn, name.as_str())))
            }
            _ => {}
        }
        if let Some(L7::Dns(names)) = &rule.l7 {
            out.extend(
                names
                    .iter()
                    .filter(|name| *name != "*")
                    .map(|name| (LiteralKind::Fqdn, name.as_str())),
            );
        }
    }
    out
}

/// One constant to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constant {
    /// Its name, without `$`.
    pub name: String,
    /// Its value as `.netpol` text: a CIDR, or a quoted FQDN.
    pub value: String,
    /// The places that use it, as `namespace/policy` or `policy`.
    pub used_by: Vec<String>,
}

/// One place literals are written: a label (such as `shop/web`), the
/// policy's name, and its literals.
pub type Place<'a> = (String, &'a str, Vec<(LiteralKind, &'a str)>);

/// Chooses the constants for `places`, given in output order.
pub fn constants(places: &[Place<'_>]) -> (Consts, Vec<Constant>) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, literals) in places {
        for (_, literal) in literals {
            *counts.entry(literal).or_default() += 1;
        }
    }
    let mut consts = Consts::new();
    let mut defs: Vec<Constant> = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (label, policy, literals) in places {
        for &(kind, literal) in literals {
            if counts.get(literal).copied().unwrap_or(0) < 2 {
                continue;
            }
            if let Some(name) = consts.get(literal) {
                if let Some(def) = defs.iter_mut().find(|def| def.name == *name) {
                    if !def.used_by.contains(label) {
                        def.used_by.push(label.clone());
                    }
                }
                continue;
            }
            let (base, value) = match kind {
                LiteralKind::Fqdn => (
                    ident(&literal.replace("**", "*").replace('*', "any"), "FQDN_"),
                    super::print::quote(literal),
                ),
                LiteralKind::Cidr => (
                    format!("{}_CIDR", ident(policy, "NET_")),
                    literal.to_owned(),
                ),
                LiteralKind::Except => (
                    format!("{}_EXCEPT", ident(policy, "NET_")),
                    literal.to_owned(),
                ),
            };
            let name = unique(&base, &mut taken);
            consts.insert(literal.to_owned(), name.clone());
            defs.push(Constant {
                name,
                value,
                used_by: vec![label.clone()],
            });
        }
    }
    (consts, defs)
}

/// An upper-case identifier from any text; `prefix` goes in front of one
/// that would start with a digit.
fn ident(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() || trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

/// `base`, or `base_2`, `base_3`, ... when taken; marks the result taken.
fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.to_owned();
    let mut next = 2;
    while taken.contains(&name) {
        name = format!("{base}_{next}");
        next += 1;
    }
    taken.insert(name.clone());
    name
}

/// Category names the standard library defines.
const STDLIB_CATEGORIES: &[&str] = &[
    "allow_dns",
    "allow_kube_apiserver",
    "allow_from_same_namespace",
    "allow_same_namespace",
    "allow_gateway_ingress",
    "allow_metrics_scrape",
    "allow_storage",
    "deny_cloud_metadata",
];

/// Groups namespaces whose policies print the same (`printed`, by
/// namespace): each group of two or more becomes a category, returned with
/// its name and namespaces. `policy_names` gives each namespace's policy
/// names, for the category's name.
pub fn categories(
    printed: &BTreeMap<String, String>,
    policy_names: &BTreeMap<String, Vec<String>>,
) -> Vec<(String, Vec<String>)> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (namespace, text) in printed {
        groups
            .entry(text.as_str())
            .or_default()
            .push(namespace.clone());
    }
    let mut groups: Vec<Vec<String>> = groups
        .into_values()
        .filter(|namespaces| namespaces.len() > 1)
        .collect();
    groups.sort();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for namespaces in groups {
        let names = namespaces
            .first()
            .and_then(|first| policy_names.get(first))
            .cloned()
            .unwrap_or_default();
        let snake = |name: &str| ident(name, "P_").to_ascii_lowercase();
        let base = match names.as_slice() {
            [] => "shared".to_owned(),
            [one] => snake(one),
            [one, two] => format!("{}_and_{}", snake(one), snake(two)),
            [one, rest @ ..] => format!("{}_and_{}_more", snake(one), rest.len()),
        };
        let base = if STDLIB_CATEGORIES.contains(&base.as_str()) {
            format!("{base}_policies")
        } else {
            base
        };
        out.push((unique(&base, &mut taken), namespaces));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_upper_case_words() {
        assert_eq!(ident("api.github.com", "FQDN_"), "API_GITHUB_COM");
        assert_eq!(ident("any.github.com", "FQDN_"), "ANY_GITHUB_COM");
        assert_eq!(ident("1password.com", "FQDN_"), "FQDN_1PASSWORD_COM");
        assert_eq!(ident("--", "NET_"), "NET_");
        let mut taken = BTreeSet::new();
        assert_eq!(unique("A", &mut taken), "A");
        assert_eq!(unique("A", &mut taken), "A_2");
        assert_eq!(unique("A", &mut taken), "A_3");
    }
}
