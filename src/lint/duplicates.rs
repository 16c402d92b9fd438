//! W0108: one rule twice in a policy.
//!
//! Two rules of one policy's list (ingress, ingress deny, egress, egress
//! deny) with the same peer, ports, ICMP types and L7 rules. The second
//! adds nothing; it often comes from two categories that both bring it, or
//! from a rule pasted twice.

use super::repo::Repo;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::{HashSet, HashSetExt};
use crate::ir;

/// W0108.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    // Specs are shared between namespaces; look at each once.
    let mut seen: HashSet<*const ir::PolicySpec> = HashSet::new();
    for inst in &repo.instances {
        if !seen.insert(std::ptr::from_ref(inst.spec())) {
            continue;
        }
        let spec = inst.spec();
        let rules: Vec<ir::RuleRef<'_>> = spec.rules().collect();
        for (index, rule) in rules.iter().enumerate() {
            {
                let Some(first) = rules.iter().take(index).find(|earlier| same(earlier, rule))
                else {
                    continue;
                };
                let span = repo.rule_span(rule.origin, inst);
                let first_span = repo.rule_span(first.origin, inst);
                let mut diag = report::duplicate_rule(span, &inst.describe());
                if first_span != span {
                    diag = diag.secondary(first_span, "first here");
                }
                for (which, origin) in [("first", first.origin), ("second", rule.origin)] {
                    if !origin.categories.is_empty() {
                        diag = diag.note(format!(
                            "the {which} comes through `{}`",
                            origin.categories.join("` → `")
                        ));
                    }
                }
                diags.push(diag);
            }
        }
    }
}

/// The same rule in the same list, wherever it was written.
fn same(a: &ir::RuleRef<'_>, b: &ir::RuleRef<'_>) -> bool {
    a.kind == b.kind && a.peer == b.peer && a.ports == b.ports && a.icmps == b.icmps && a.l7 == b.l7
}
