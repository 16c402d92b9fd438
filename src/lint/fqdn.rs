//! FQDN peers: an `fqdn` rule without a DNS rule that lets the proxy see its
//! lookups (W0101), and patterns so broad they let the pods reach most of
//! the internet (W0104).
//!
//! Cilium learns the addresses of a `toFQDNs` name only from the DNS answers
//! its DNS proxy sees, and the proxy sees a lookup only when a DNS rule
//! (`rules.dns`) whose patterns match the name applies to the same pods. That
//! DNS rule may be in the same policy, in another policy of the namespace
//! that selects all of those pods (`use allow_dns` at namespace level), or in
//! a cluster-wide policy that selects them. When a cluster-wide policy
//! selects namespaces by labels the inventory does not list, netpolc cannot
//! tell, and stays quiet.

use super::repo::{Inst, Repo};
use super::select::{Namespace, Pods, Tri, may_select, whole_namespaces};
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;

/// Two-label public suffixes under which one more label is still a whole
/// organisation's domain, so `*.co.uk` is as broad as `*.com`.
const TWO_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp", "ne.jp", "or.jp",
    "co.kr", "or.kr", "com.br", "com.cn", "net.cn", "com.tw", "co.nz", "co.in", "co.za", "com.mx",
    "com.sg", "com.hk", "com.tr",
];

/// W0101 and W0104.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in &repo.instances {
        for rule in &inst.spec().egress {
            let ir::EgressPeer::Fqdns(names) = &rule.peer else {
                continue;
            };
            let rule = &rule.origin;
            broad_patterns(repo, inst, rule, names, diags);
            let uncovered: Vec<&ir::FqdnSelector> = names
                .iter()
                .filter(|name| !dns_sees(repo, inst, name))
                .collect();
            if !uncovered.is_empty() {
                diags.push(missing_dns(repo, inst, rule, &uncovered));
            }
        }
    }
}

/// Whether some DNS rule on all of the policy's pods matches `name`.
pub fn dns_sees(repo: &Repo<'_>, inst: &Inst<'_>, name: &ir::FqdnSelector) -> bool {
    if dns_patterns(inst.spec()).any(|pattern| covers(pattern, name)) {
        return true;
    }
    let pods = Pods::of(repo, inst);
    repo.neighbours(inst, pods.namespace_names()).any(|other| {
        dns_patterns(other.spec()).any(|pattern| covers(pattern, name))
            && (pods.covered_by(other).maybe() || namespaces_covered(repo, inst, &pods, other))
    })
}

/// Whether `other`, a policy over whole namespaces, selects every namespace
/// in which `inst` may select pods, when `inst` picks its namespaces by
/// labels. [`Pods::covered_by`] compares requirement by requirement, so it
/// cannot see that `in namespaces with team=a` lies inside `in all namespaces
/// except kube-system`; this checks namespace by namespace instead, over the
/// inventory. Without an inventory the namespaces are unknown and the
/// answer is yes, as the other lints assume the best.
fn namespaces_covered(repo: &Repo<'_>, inst: &Inst<'_>, pods: &Pods<'_>, other: &Inst<'_>) -> bool {
    let (ir::Subject::Pods(own), ir::Subject::Pods(theirs)) =
        (&inst.spec().subject, &other.spec().subject)
    else {
        return false;
    };
    if pods.namespace_names().is_some() || other.namespace.is_some() || !whole_namespaces(theirs) {
        return false;
    }
    let Some(inventory) = &repo.program.inventory else {
        return true;
    };
    inventory.namespaces.keys().all(|name| {
        let namespace = Namespace::lookup(repo, name);
        may_select(own, &namespace) == Tri::No || may_select(theirs, &namespace).maybe()
    })
}

/// The patterns of every DNS rule of a policy.
fn dns_patterns(spec: &ir::PolicySpec) -> impl Iterator<Item = &ir::FqdnSelector> {
    spec.egress
        .iter()
        .flat_map(|rule| match rule.l7.as_deref() {
            Some(ir::L7::Dns(patterns)) => patterns.as_slice(),
            _ => &[],
        })
}

fn text(selector: &ir::FqdnSelector) -> String {
    selector.as_str().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether DNS pattern `pattern` matches every name `target` matches.
///
/// `*` matches any run of characters inside one label, and a leading `**.`
/// any number of labels. A `*` in the target is matched like a letter, so
/// `*.example.com` covers itself; the approximation errs towards "covered".
pub fn covers(pattern: &ir::FqdnSelector, target: &ir::FqdnSelector) -> bool {
    let pattern = text(pattern);
    let target = text(target);
    if pattern == "*" {
        return true;
    }
    match pattern.strip_prefix("**.") {
        Some(rest) => {
            target.ends_with(&format!(".{rest}"))
                && glob(rest, target.get(target.len() - rest.len()..).unwrap_or(""))
        }
        None => glob(&pattern, &target),
    }
}

/// Glob matching where `*` matches any characters but `.`.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // Positions in the text reachable after each prefix of the pattern.
    let mut reachable = vec![false; text.len() + 1];
    if let Some(first) = reachable.first_mut() {
        *first = true;
    }
    for c in pattern {
        let mut next = vec![false; text.len() + 1];
        for (at, &ok) in reachable.iter().enumerate() {
            if !ok {
                continue;
            }
            if c == '*' {
                let mut end = at;
                loop {
                    if let Some(slot) = next.get_mut(end) {
                        *slot = true;
                    }
                    match text.get(end) {
                        Some('.') | None => break,
                        Some(_) => end += 1,
                    }
                }
            } else if text.get(at) == Some(&c) {
                if let Some(slot) = next.get_mut(at + 1) {
                    *slot = true;
                }
            }
        }
        reachable = next;
    }
    reachable.last().copied().unwrap_or(false)
}

fn missing_dns(
    repo: &Repo<'_>,
    inst: &Inst<'_>,
    rule: &ir::RuleOrigin,
    uncovered: &[&ir::FqdnSelector],
) -> Diagnostic {
    let names: Vec<String> = uncovered
        .iter()
        .map(|name| format!("`{}`", text(name)))
        .collect();
    let own_dns = inst
        .spec()
        .egress
        .iter()
        .find(|rule| matches!(rule.l7.as_deref(), Some(ir::L7::Dns(_))));
    let mut diag = report::fqdn_without_dns(repo.peer_span(rule, inst), &names)
        .note(match inst.namespace {
            Some(namespace) => format!("netpolc looked for one in this policy, in the policies of namespace `{namespace}` that select all of its pods, and in the cluster policies that do"),
            None => "netpolc looked for one in this policy and in the other cluster policies that select all of its pods".to_owned(),
        });
    match own_dns {
        Some(dns) => {
            let list: Vec<String> = uncovered
                .iter()
                .map(|name| format!("\"{}\"", text(name)))
                .collect();
            diag = diag
                .secondary(
                    repo.rule_span(&dns.origin, inst),
                    "this DNS rule does not match them",
                )
                .help(format!(
                    "add `{}` to the DNS rule's patterns",
                    list.join(", ")
                ));
        }
        None => diag = diag.help("add `allow dns` to this policy"),
    }
    diag
}

/// W0104: `*`, `*.com` and the like in `toFQDNs`.
fn broad_patterns(
    repo: &Repo<'_>,
    inst: &Inst<'_>,
    rule: &ir::RuleOrigin,
    names: &[ir::FqdnSelector],
    diags: &mut Vec<Diagnostic>,
) {
    for name in names {
        let ir::FqdnSelector::Pattern(pattern) = name else {
            continue;
        };
        let Some(why) = broad(pattern) else {
            continue;
        };
        let span = literal_span(repo, rule, pattern).unwrap_or_else(|| repo.rule_span(rule, inst));
        diags.push(report::broad_fqdn_pattern(span, &pattern, &why));
    }
}

/// Why a pattern is too broad, or `None`.
pub fn broad(pattern: &str) -> Option<String> {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    if pattern.chars().all(|c| c == '*' || c == '.') {
        return Some("matches every name".to_owned());
    }
    let labels: Vec<&str> = pattern.split('.').collect();
    let fixed = labels
        .iter()
        .rev()
        .take_while(|label| !label.contains('*'))
        .count();
    let tail: Vec<&str> = labels.iter().rev().take(fixed).rev().copied().collect();
    let suffix = tail.join(".");
    let needed = if TWO_LABEL_SUFFIXES
        .iter()
        .any(|known| suffix.ends_with(known) && tail.len() <= 2)
    {
        3
    } else {
        2
    };
    (fixed < needed && fixed < labels.len()).then(|| {
        if suffix.is_empty() {
            "matches names in every domain".to_owned()
        } else {
            format!("matches every domain under `.{suffix}`")
        }
    })
}

/// The span of the string literal that wrote `pattern` in the rule, when
/// it is written there and not through a constant.
fn literal_span(
    repo: &Repo<'_>,
    rule: &ir::RuleOrigin,
    pattern: &str,
) -> Option<crate::source::Span> {
    let syntax = repo.rule_syntax(rule)?;
    if !repo.is_user(syntax.span) {
        return None;
    }
    let ast::PeerKind::Fqdn(values) = &syntax.peer.kind else {
        return None;
    };
    values.iter().find_map(|value| match value {
        ast::Value::String(text) if text.node == pattern => Some(text.span),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::{broad, covers};
    use crate::ir::FqdnSelector::{Name, Pattern};

    #[test]
    fn dns_patterns_cover_names_and_patterns() {
        let name = |text: &str| Name(text.into());
        let pattern = |text: &str| Pattern(text.into());
        assert!(covers(&pattern("*"), &name("api.stripe.com")));
        assert!(covers(&pattern("*.stripe.com"), &name("api.stripe.com")));
        assert!(!covers(&pattern("*.stripe.com"), &name("stripe.com")));
        assert!(!covers(&pattern("*.stripe.com"), &name("a.b.stripe.com")));
        assert!(covers(&pattern("**.stripe.com"), &name("a.b.stripe.com")));
        assert!(!covers(&pattern("**.stripe.com"), &name("stripe.com")));
        assert!(covers(&name("API.stripe.com."), &name("api.stripe.com")));
        assert!(covers(&pattern("*.example.com"), &pattern("*.example.com")));
        assert!(!covers(
            &pattern("*.example.com"),
            &pattern("*.cdn.example.com")
        ));
        assert!(covers(
            &pattern("api-*.example.com"),
            &name("api-eu.example.com")
        ));
    }

    #[test]
    fn broad_patterns() {
        assert!(broad("*").is_some());
        assert!(broad("**.").is_some());
        assert!(broad("*.com").is_some());
        assert!(broad("**.io").is_some());
        assert!(broad("*stripe.com").is_some());
        assert!(broad("*.co.uk").is_some());
        assert!(broad("api.*").is_some());
        assert!(broad("*.stripe.com").is_none());
        assert!(broad("**.tencent.com").is_none());
        assert!(broad("*.example.co.uk").is_none());
    }
}
