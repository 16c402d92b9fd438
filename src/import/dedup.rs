//! Sharing: namespaces with the same policies become one category, and the
//! naming helpers of constants (`consts.rs`) and categories.
//!
//! Namespaces whose policies print the same (every name, rule and
//! comment-free line identical) become one category named after their
//! policies: `default_deny` for one policy, `default_deny_and_web` for two,
//! `default_deny_and_2_more` for three. Each of them then says
//! `use CATEGORY`. A name that is a standard-library category gets
//! `_policies` appended, so that it never hides the standard library.

use std::collections::{BTreeMap, BTreeSet};

/// An upper-case identifier from any text; `prefix` goes in front of one
/// that would start with a digit.
pub fn ident(text: &str, prefix: &str) -> String {
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
pub fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
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

/// A category: policies written once and used by several namespaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    /// The category's name.
    pub name: String,
    /// The namespaces that use it.
    pub namespaces: Vec<String>,
    /// The names of the policies it holds, the same in each namespace.
    pub policies: Vec<String>,
    /// True when it holds every policy of its namespaces.
    pub whole: bool,
}

/// Policies that print the same in two or more namespaces that are not
/// already one category as a whole (`printed`, by namespace and then by
/// policy name): each becomes a category of its own, named after the policy
/// (`user-facing-app` gives `user_facing_app`; a standard-library name gets
/// `_policy`), so that namespaces whose policies are the same up to their
/// own components still share what they have in common. `taken` holds the
/// names already used, and gets the new ones.
pub fn shared_policies(
    printed: &BTreeMap<String, BTreeMap<String, String>>,
    taken: &mut BTreeSet<String>,
) -> Vec<Shared> {
    let mut groups: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for (namespace, policies) in printed {
        for (policy, text) in policies {
            groups
                .entry((policy.as_str(), text.as_str()))
                .or_default()
                .push(namespace.clone());
        }
    }
    let mut out = Vec::new();
    for ((policy, _), namespaces) in groups {
        if namespaces.len() < 2 {
            continue;
        }
        let base = ident(policy, "P_").to_ascii_lowercase();
        let base = if STDLIB_CATEGORIES.contains(&base.as_str()) {
            format!("{base}_policy")
        } else {
            base
        };
        out.push(Shared {
            name: unique(&base, taken),
            namespaces,
            policies: vec![policy.to_owned()],
            whole: false,
        });
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
