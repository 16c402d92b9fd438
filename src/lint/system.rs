//! W0103: a cluster-wide policy that selects pods of a system namespace.
//!
//! ADR-003 gives kube-system no policy: restricting CoreDNS, the Cilium
//! agent or the cloud controllers can break the whole cluster. A namespace
//! policy for kube-system must be written `system namespace` (E0502); a
//! cluster-wide policy reaches it more quietly, through `in all namespaces`
//! without `except kube-system`, or through namespace labels kube-system
//! carries. The lint warns for kube-system whenever a cluster policy may
//! select its pods, and for the other system namespaces when a cluster
//! policy names them. Pod labels are not considered: a policy over
//! `app=web` pods in all namespaces still reaches any such pod in
//! kube-system. A selector that requires a `reserved:` label selects
//! Cilium's own endpoints, not pods, and is left alone.

use super::repo::{Inst, Repo};
use super::select::{self, Namespace, Tri};
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::sema::SYSTEM_NAMESPACES;
use crate::source::Span;

/// W0103.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    for inst in repo
        .instances
        .iter()
        .filter(|inst| inst.namespace.is_none())
    {
        let ir::Subject::Pods(subject) = &inst.spec().subject else {
            continue;
        };
        if requires_reserved_label(subject) {
            continue;
        }
        let named = select::names_namespaces(subject);
        for &system in SYSTEM_NAMESPACES {
            let namespace = Namespace::lookup(repo, system);
            let reaches = if system == "kube-system" {
                select::may_select(subject, &namespace) == Tri::Yes
            } else {
                named.contains(&system)
            };
            if reaches {
                diags.push(warning(repo, inst, system, named.contains(&system)));
            }
        }
    }
}

/// True when the selector requires a `reserved:` label: it selects Cilium's
/// own endpoints (health, ingress, init), never a pod of any namespace.
fn requires_reserved_label(selector: &ir::Selector) -> bool {
    let reserved = |key: &ir::LabelKey| key.as_str().starts_with("reserved:");
    selector.match_labels.keys().any(reserved)
        || selector.match_expressions.iter().any(|expression| {
            matches!(expression.operator, ir::Operator::In | ir::Operator::Exists)
                && reserved(&expression.key)
        })
}

fn warning(repo: &Repo<'_>, inst: &Inst<'_>, system: &str, named: bool) -> Diagnostic {
    let (span, scope) = select_span(repo, inst);
    let label = if named {
        format!("selects pods of `{system}` by name")
    } else if matches!(scope, Some(ast::ScopeKind::All { .. })) {
        format!("`all namespaces` includes `{system}`")
    } else {
        format!("`{system}` matches this selector")
    };
    let help = if matches!(scope, Some(ast::ScopeKind::All { .. })) {
        format!("add `except {system}` to `in all namespaces`")
    } else {
        format!(
            "leave `{system}` out of the selector, or write `silence W0103 \"why\"` before the policy if it is on purpose"
        )
    };
    report::system_namespace_selected(span, &inst.describe(), &system)
        .label(label)
        .note("ADR-003 gives system namespaces no policy: restricting CoreDNS, the Cilium agent or the cloud controllers can break the whole cluster")
        .help(help)
}

/// The policy's `select`, and its namespace scope, when written in the block.
fn select_span<'a>(repo: &Repo<'a>, inst: &Inst<'_>) -> (Span, Option<&'a ast::ScopeKind>) {
    let select = repo.cluster_decl(inst.policy).and_then(|decl| {
        decl.body.iter().find_map(|stmt| match stmt {
            ast::Stmt::Select(select) => Some(select),
            _ => None,
        })
    });
    match select {
        Some(select) => {
            let scope = match &select.subject {
                ast::Subject::Pods {
                    scope: Some(scope), ..
                } => Some(&scope.kind),
                _ => None,
            };
            (select.span, scope)
        }
        None => (inst.name_span, None),
    }
}
