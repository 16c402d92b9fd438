//! W0102: a policy whose only rules in a direction are deny rules.
//!
//! In Cilium any rule that selects an endpoint in a direction, a deny rule
//! included, turns that direction to default deny for the endpoint. A policy
//! meant only to block one destination then blocks everything else too
//! (devantler-tech/platform#3407). `no default deny egress` says the policy
//! must not do that.
//!
//! The lint stays quiet when the direction is default deny anyway: when
//! another policy that selects all of the same endpoints has allow rules in
//! that direction and no `no default deny`. A cluster policy that selects
//! namespaces by labels the inventory does not list counts as selecting them.

use super::repo::{Inst, Repo};
use super::select::Pods;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;

/// W0102.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in &repo.instances {
        let spec = inst.spec();
        let directions = [
            (
                "ingress",
                spec.ingress.is_empty(),
                spec.ingress_deny.first().map(|rule| &rule.origin),
                spec.default_deny.ingress,
            ),
            (
                "egress",
                spec.egress.is_empty(),
                spec.egress_deny.first().map(|rule| &rule.origin),
                spec.default_deny.egress,
            ),
        ];
        for (direction, no_allow, first_deny, default_deny) in directions {
            let Some(first_deny) = first_deny else {
                continue;
            };
            if !no_allow
                || default_deny == Some(false)
                || already_default_deny(repo, inst, direction)
            {
                continue;
            }
            diags.push(
                report::deny_only(inst.name_span, &inst.describe(), &direction)
                    .label(format!("no {direction} allow rule"))
                    .secondary(repo.rule_span(first_deny, inst), "a deny rule selects the pods, like any rule")
                    .note(format!("in Cilium the first {direction} rule that selects a pod, a deny rule included, blocks all the {direction} no rule allows"))
                    .help(format!("add `no default deny {direction}` to deny only this traffic, or add the {direction} rules the pods need")),
            );
        }
    }
}

/// Whether another policy over all of these endpoints already turns the
/// direction to default deny.
fn already_default_deny(repo: &Repo<'_>, inst: &Inst<'_>, direction: &str) -> bool {
    let pods = Pods::of(repo, inst);
    repo.neighbours(inst, pods.namespace_names()).any(|other| {
        let spec: &ir::PolicySpec = other.spec();
        let flips = match direction {
            "ingress" => !spec.ingress.is_empty() && spec.default_deny.ingress != Some(false),
            _ => !spec.egress.is_empty() && spec.default_deny.egress != Some(false),
        };
        flips && pods.covered_by(other).maybe()
    })
}
