//! Subjects and rules: AST to IR, with the namespace scoping of Cilium
//! (docs/cilium-semantics.md §5.1) made explicit.

mod l7;

use super::context::Ctx;
use super::place::{self, Placed};
use super::proof::CHECKED;
use super::types::Ty;
use super::values::{Env, Evaluator, Val};
use super::{cilium, safety, validate};
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::Span;
use std::collections::BTreeMap;

/// The label Cilium gives every pod with its namespace.
pub const NAMESPACE_KEY: &str = "k8s:io.kubernetes.pod.namespace";

/// The prefix Cilium gives namespace labels on pods.
pub const NAMESPACE_LABELS_PREFIX: &str = "io.cilium.k8s.namespace.labels.";

/// Lowers a `select`.
pub fn subject(
    eval: &mut Evaluator<'_>,
    select: &ast::Select,
    env: Env<'_>,
    ctx: &Ctx,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Subject> {
    match &select.subject {
        ast::Subject::Pods { selector, scope } => {
            let mut pods = match selector {
                Some(selector) => eval.selector(selector, env, diags)?,
                None => ir::Selector::default(),
            };
            match (ctx, scope) {
                (Ctx::Namespace(name), Some(scope)) => {
                    diags.push(
                        report::statement_not_allowed(scope.span, report::StatementNotAllowed::NamespacePodsOnly { name: &name })
                            .label("a namespace policy cannot select pods of other namespaces")
                            .note("Cilium adds the policy's own namespace to the endpoint selector of every CiliumNetworkPolicy")
                            .help("remove the `in ...` clause, or write a `cluster policy`"),
                    );
                    None
                }
                (Ctx::Namespace(name), None) if names_namespace(&pods) => {
                    diags.push(
                        report::statement_not_allowed(select.span, report::StatementNotAllowed::NamespacePodsOnly { name: &name })
                            .label("this selector names a namespace")
                            .note(format!("Cilium sets the namespace of a CiliumNetworkPolicy's endpoint selector to `{name}`, replacing a namespace label written there, so the policy would apply to the pods of `{name}` that match the other labels"))
                            .help("remove the namespace label from `select`, or write a `cluster policy` with `select pods ... in namespace NAME`"),
                    );
                    None
                }
                (Ctx::Namespace(_), None) => Some(ir::Subject::Pods(pods)),
                (Ctx::Cluster, None) if !names_namespace(&pods) && !selects_reserved(&pods) => {
                    safety::unscoped_cluster_select(select.span, diags);
                    None
                }
                (Ctx::Cluster, None) => Some(ir::Subject::Pods(pods)),
                (Ctx::Cluster, Some(scope)) => {
                    apply_scope(eval, &mut pods, scope, env, diags)?;
                    Some(ir::Subject::Pods(pods))
                }
            }
        }
        ast::Subject::Everything => match ctx {
            Ctx::Namespace(name) => {
                diags.push(
                    report::statement_not_allowed(select.span, report::StatementNotAllowed::NamespacePodsOnly { name: &name })
                        .label("`everything` is for cluster-wide policies")
                        .note(format!("a namespace policy without `select` already applies to every pod of `{name}`"))
                        .help("remove the `select`, or move the policy into a `cluster policy` block"),
                );
                None
            }
            Ctx::Cluster => Some(ir::Subject::Pods(ir::Selector::default())),
        },
        ast::Subject::AllNodes | ast::Subject::Nodes(_) => {
            if let Ctx::Namespace(name) = ctx {
                diags.push(report::namespace_policy_selects_nodes(select.span, &name));
                return None;
            }
            match &select.subject {
                ast::Subject::Nodes(selector) => {
                    Some(ir::Subject::Nodes(eval.selector(selector, env, diags)?))
                }
                _ => Some(ir::Subject::Nodes(ir::Selector::default())),
            }
        }
    }
}

/// True when a selector has a `reserved:` key: it selects Cilium's own
/// endpoints (health, ingress, init), which have no namespace, so a
/// cluster-wide `select` needs no namespace scope to say it on purpose.
fn selects_reserved(selector: &ir::Selector) -> bool {
    selector
        .keys()
        .any(|key| key.as_str().starts_with("reserved:"))
}

/// True when a selector says which namespaces it matches, so Cilium adds
/// no namespace of its own.
pub fn names_namespace(selector: &ir::Selector) -> bool {
    let is_namespace_key = |key: &ir::LabelKey| {
        let key = key.as_str();
        let bare = key.split_once(':').map_or(key, |(_, rest)| rest);
        bare == "io.kubernetes.pod.namespace" || bare.starts_with(NAMESPACE_LABELS_PREFIX)
    };
    selector.keys().any(is_namespace_key)
}

/// A key only pods carry: the pod namespace, a namespace label, the service
/// account (with or without a source prefix).
fn is_pod_only_key(key: &ir::LabelKey) -> bool {
    let key = key.as_str();
    let bare = key.split_once(':').map_or(key, |(_, rest)| rest);
    bare == "io.kubernetes.pod.namespace"
        || bare.starts_with(NAMESPACE_LABELS_PREFIX)
        || bare == "io.cilium.k8s.policy.serviceaccount"
}

/// Adds the namespace terms of a scope to a selector.
fn apply_scope(
    eval: &mut Evaluator<'_>,
    selector: &mut ir::Selector,
    scope: &ast::Scope,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<()> {
    if names_namespace(selector) {
        diags.push(report::invalid_label_selector(
            scope.span,
            report::InvalidLabelSelector::NamespaceNamed,
        ));
        return None;
    }
    let key = ir::LabelKey::new(NAMESPACE_KEY, CHECKED);
    match &scope.kind {
        ast::ScopeKind::Named(list) => {
            let names = namespace_names(eval, list, env, diags)?;
            if names.is_empty() {
                diags.push(report::empty_list(scope.span, report::EmptyList::Namespace));
                return None;
            }
            match names.as_slice() {
                [one] => {
                    selector.match_labels.insert(key, one.as_label_value());
                }
                _ => selector.match_expressions.push(ir::Expression {
                    key,
                    operator: ir::Operator::In,
                    values: names
                        .iter()
                        .map(ir::NamespaceName::as_label_value)
                        .collect(),
                }),
            }
        }
        ast::ScopeKind::All { except } => {
            // `Exists` keeps the selector to pods: Cilium's reserved
            // endpoints (health, the gateway's Envoy, the world, the nodes)
            // have no namespace label, so a bare `NotIn` would match them.
            let names = namespace_names(eval, except, env, diags)?;
            selector.match_expressions.push(ir::Expression {
                key: key.clone(),
                operator: ir::Operator::Exists,
                values: Vec::new(),
            });
            if !names.is_empty() {
                selector.match_expressions.push(ir::Expression {
                    key,
                    operator: ir::Operator::NotIn,
                    values: names
                        .iter()
                        .map(ir::NamespaceName::as_label_value)
                        .collect(),
                });
            }
        }
        ast::ScopeKind::Labelled(labels) => {
            let labels = eval.selector(labels, env, diags)?;
            let prefixed = namespace_label_selector(&labels, scope.span, diags)?;
            selector.match_labels.extend(prefixed.match_labels);
            selector
                .match_expressions
                .extend(prefixed.match_expressions);
        }
    }
    Some(())
}

/// Rewrites a selector over namespace labels into one over pod labels.
fn namespace_label_selector(
    labels: &ir::Selector,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Selector> {
    let prefix = |key: &ir::LabelKey, diags: &mut Vec<Diagnostic>| {
        if key.as_str().contains(':') {
            diags.push(
                report::invalid_label_selector(
                    span,
                    report::InvalidLabelSelector::NamespaceSource { key: &key.as_str() },
                )
                .help(format!(
                    "write `{}`",
                    key.as_str().split_once(':').map_or("", |(_, rest)| rest)
                )),
            );
            return None;
        }
        validate::label_key(
            &format!("{NAMESPACE_LABELS_PREFIX}{}", key.as_str()),
            span,
            diags,
        )
    };
    let mut out = ir::Selector::default();
    for (key, value) in &labels.match_labels {
        out.match_labels.insert(prefix(key, diags)?, value.clone());
    }
    for expression in &labels.match_expressions {
        out.match_expressions.push(ir::Expression {
            key: prefix(&expression.key, diags)?,
            ..expression.clone()
        });
    }
    if out.is_empty() {
        diags.push(report::invalid_label_selector(
            span,
            report::InvalidLabelSelector::EveryNamespace,
        ));
        return None;
    }
    Some(out)
}

fn namespace_names(
    eval: &mut Evaluator<'_>,
    values: &[ast::Value],
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<ir::NamespaceName>> {
    let mut names = Vec::new();
    let mut ok = true;
    for value in values {
        let Some(texts) = eval.strings(value, env, diags) else {
            ok = false;
            continue;
        };
        for text in texts {
            match validate::namespace_name(&text, value.span(), diags) {
                Some(name) if !names.contains(&name) => names.push(name),
                Some(_) => {}
                None => ok = false,
            }
        }
    }
    ok.then_some(names)
}

/// A rule as lowered, before [`place`](super::place) puts it in its list:
/// any peer, and L7 rules whatever the verb.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowered {
    /// Where the rule was written.
    pub origin: ir::RuleOrigin,
    /// The other side.
    pub peer: Peer,
    /// `toPorts[].ports`.
    pub ports: Vec<ir::PortSpec>,
    /// `icmps[].fields`.
    pub icmps: Vec<ir::IcmpType>,
    /// `toPorts[].rules`.
    pub l7: Option<Box<ir::L7>>,
    /// `authentication.mode`.
    pub authentication: Option<ir::AuthMode>,
    /// `terminatingTLS` and `originatingTLS` (only on an allow rule with
    /// L7 rules: checked by `l7::tls`).
    pub tls: Option<Box<ir::Tls>>,
}

/// A peer of any kind, before the rule's list decides which it may be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    /// No peer field.
    Anywhere,
    /// `from/toEndpoints`.
    Endpoints(Vec<ir::Selector>),
    /// `from/toEntities`.
    Entities(Vec<ir::Entity>),
    /// `from/toCIDR` or `from/toCIDRSet`.
    Cidrs(Vec<ir::CidrRule>),
    /// `from/toCIDRSet` with `cidrGroupRef` entries.
    CidrGroups(ir::CidrGroupPeer),
    /// `toFQDNs`.
    Fqdns(Vec<ir::FqdnSelector>),
    /// `toServices`.
    Services(Vec<ir::ServiceRef>),
    /// `from/toNodes`.
    Nodes(Vec<ir::Selector>),
    /// `from/toGroups`.
    Groups(Vec<ir::AwsGroup>),
}

/// Lowers one rule, checks it and places it in its list.
pub fn rule(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    ctx: &Ctx,
    namespace_used: &mut bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Placed> {
    let errors_before = error_count(diags);
    let peer = peer(eval, rule, env, ctx, namespace_used, diags);
    let mut ports = Vec::new();
    if let Some(values) = &rule.ports {
        let mut ok = true;
        for value in &values.node {
            match eval.ports(value, env, diags) {
                Some(more) => ports.extend(more),
                None => ok = false,
            }
        }
        // `port $ports` where the category declares `ports: ports = []`
        // leaves the clause out on purpose.
        let absent_on_purpose = values.node.iter().all(|value| {
            matches!(value, ast::Value::Ref(name)
                if env.params.and_then(|params| params.get(&name.node)).is_some_and(|bound| bound.empty_is_absent))
        });
        if ok && ports.is_empty() && !absent_on_purpose {
            diags.push(report::empty_list(values.span, report::EmptyList::Port));
        }
    }
    let mut icmps = Vec::new();
    if let Some(items) = &rule.icmps {
        for item in &items.node {
            if let Some(icmp) = validate::icmp(item, diags) {
                icmps.push(icmp);
            }
        }
    }
    let l7 = l7::l7(eval, rule, env, diags).map(Box::new);
    let tls = l7::tls(eval, rule, env, diags).map(Box::new);
    let authentication = rule.authentication.as_ref().and_then(|clause| {
        let mode = &clause.node;
        let found = ir::AuthMode::from_name(&mode.node);
        if found.is_none() {
            let diag = report::unknown_authentication_mode(mode.span, &mode.node);
            diags.push(super::suggest::did_you_mean_at(
                diag,
                mode.span,
                &mode.node,
                ir::AuthMode::ALL.map(ir::AuthMode::as_str),
                str::to_owned,
            ));
        }
        found
    });
    let built = Lowered {
        origin: ir::RuleOrigin {
            span: rule.span,
            categories: Vec::new(),
        },
        peer: peer?,
        ports,
        icmps,
        l7,
        authentication,
        tls,
    };
    if error_count(diags) > errors_before {
        return None;
    }
    cilium::check_rule(rule, &built, diags);
    safety::check_rule(rule, &built, diags);
    let placed = place::place(rule, built, diags);
    placed.filter(|_| error_count(diags) == errors_before)
}

fn error_count(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|diag| diag.is_error()).count()
}

fn peer(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    ctx: &Ctx,
    namespace_used: &mut bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Peer> {
    match &rule.peer.kind {
        ast::PeerKind::Pods { selectors, scope } => {
            // Exact: every namespace's rules stay in memory until emit.
            let mut out = Vec::with_capacity(selectors.len().max(1));
            let mut ok = true;
            if selectors.is_empty() {
                out.push(ir::Selector::default());
            }
            for selector in selectors {
                match eval.selector(selector, env, diags) {
                    Some(selector) => out.push(selector),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            match scope {
                Some(scope) => {
                    for selector in &mut out {
                        apply_scope(eval, selector, scope, env, diags)?;
                    }
                }
                None if *ctx == Ctx::Cluster
                    && out.iter().any(|selector| !names_namespace(selector)) =>
                {
                    safety::unscoped_cluster_peer(rule.peer.span, "pods", diags);
                    return None;
                }
                None => {}
            }
            Some(Peer::Endpoints(out))
        }
        ast::PeerKind::Namespace(names) => {
            let names = namespace_names(eval, names, env, diags)?;
            Some(Peer::Endpoints(
                names
                    .into_iter()
                    .map(|name| {
                        let mut selector = ir::Selector::default();
                        selector.match_labels.insert(
                            ir::LabelKey::new(NAMESPACE_KEY, CHECKED),
                            name.as_label_value(),
                        );
                        selector
                    })
                    .collect(),
            ))
        }
        ast::PeerKind::Namespaces(labels) => {
            let labels = eval.selector(labels, env, diags)?;
            Some(Peer::Endpoints(vec![namespace_label_selector(
                &labels,
                rule.peer.span,
                diags,
            )?]))
        }
        ast::PeerKind::Entity(names) => {
            let mut entities = Vec::new();
            for name in names {
                let entity = validate::entity(&name.node, name.span, diags)?;
                if entity == ir::Entity::All {
                    safety::entity_all(name.span, diags);
                    return None;
                }
                if !entities.contains(&entity) {
                    entities.push(entity);
                }
            }
            Some(Peer::Entities(entities))
        }
        ast::PeerKind::Everything => Some(Peer::Entities(vec![ir::Entity::All])),
        ast::PeerKind::ServiceList(items) => {
            let mut out = Vec::new();
            let mut ok = true;
            for item in items {
                let one = ast::Rule {
                    peer: item.clone(),
                    ..rule.clone()
                };
                match peer(eval, &one, env, ctx, namespace_used, diags) {
                    Some(Peer::Services(more)) => out.extend(more),
                    _ => ok = false,
                }
            }
            ok.then_some(Peer::Services(out))
        }
        ast::PeerKind::CidrGroupsWith(selectors) => {
            let mut out = Vec::new();
            for selector in selectors {
                out.push(eval.selector(selector, env, diags)?);
            }
            ir::CidrGroupPeer::selected(out).map(Peer::CidrGroups)
        }
        ast::PeerKind::Nodes(selectors) => {
            let mut out = Vec::new();
            for selector in selectors {
                let lowered = eval.selector(selector, env, diags)?;
                if let Some(key) = lowered.keys().find(|key| is_pod_only_key(key)) {
                    diags.push(report::node_selector_pod_label(selector.span, key.as_str()));
                    return None;
                }
                out.push(lowered);
            }
            Some(Peer::Nodes(out))
        }
        ast::PeerKind::Aws(groups) => {
            let mut out = Vec::new();
            for group in groups {
                out.push(aws_group(eval, group, env, diags)?);
            }
            Some(Peer::Groups(out))
        }
        ast::PeerKind::Anywhere => Some(Peer::Anywhere),
        ast::PeerKind::Cidr(items) => {
            let mut out = Vec::new();
            let mut groups: Vec<ir::CidrGroupName> = Vec::new();
            let mut ok = true;
            for item in items {
                let cidrs = match eval.expect(&item.cidr, Ty::Cidrs, env, diags) {
                    Some(Val::Cidr(cidr)) => vec![cidr],
                    Some(Val::Cidrs(cidrs)) => cidrs,
                    Some(Val::CidrGroup(group)) => {
                        if let Some(except) = item.except.first() {
                            diags.push(
                                report::except_outside_cidr(except.span(), report::ExceptOutsideCidr::CidrGroup { name: &group.name })
                                    .secondary(group.def_span, "this constant is a CiliumCIDRGroup")
                                    .note("Cilium does not support `except` with `cidrGroupRef` yet and ignores it")
                                    .help("put the exceptions in the group's own CIDRs, or use a constant that is not a group"),
                            );
                            ok = false;
                            continue;
                        }
                        eval.register_group(&group, diags);
                        if !groups.contains(&group.name) {
                            groups.push(group.name);
                        }
                        continue;
                    }
                    Some(_) => Vec::new(),
                    None => {
                        ok = false;
                        continue;
                    }
                };
                let mut except = Vec::new();
                for value in &item.except {
                    match eval.cidrs(value, env, diags) {
                        Some(more) => except.extend(more),
                        None => ok = false,
                    }
                }
                if let Some(diag) =
                    super::values::exceptions_over_budget(cidrs.len(), except.len(), item.span)
                {
                    diags.push(diag);
                    ok = false;
                    continue;
                }
                for cidr in cidrs {
                    // `CidrRule::new` holds the rule; the loop says which
                    // exception breaks it.
                    match ir::CidrRule::new(cidr, except.clone()) {
                        Some(rule) => out.push(rule),
                        None => {
                            for excluded in &except {
                                if !cidr.contains(excluded)
                                    || cidr.prefix_len() > excluded.prefix_len()
                                {
                                    diags.push(report::except_outside_cidr(
                                        item.span,
                                        report::ExceptOutsideCidr::NotInside {
                                            excluded,
                                            cidr: &cidr,
                                        },
                                    ));
                                }
                            }
                            ok = false;
                        }
                    }
                }
            }
            if !ok {
                return None;
            }
            match ir::CidrGroupPeer::new(out.clone(), groups) {
                Some(peer) => Some(Peer::CidrGroups(peer)),
                None => Some(Peer::Cidrs(out)),
            }
        }
        ast::PeerKind::Fqdn(values) => {
            let mut out = Vec::new();
            for value in values {
                for text in eval.strings(value, env, diags)? {
                    out.push(validate::fqdn(&text, value.span(), diags)?);
                }
            }
            Some(Peer::Fqdns(out))
        }
        ast::PeerKind::Service { name, scope } => {
            let text = eval.string(name, env, diags)?;
            let name = validate::service_name(&text, name.span(), diags)?;
            let namespace = service_namespace(
                eval,
                scope.as_ref(),
                rule.peer.span,
                "service",
                env,
                ctx,
                namespace_used,
                diags,
            )?;
            Some(Peer::Services(vec![ir::ServiceRef::Named {
                name,
                namespace,
            }]))
        }
        ast::PeerKind::Services { selector, scope } => {
            let selector = eval.selector(selector, env, diags)?;
            let namespace = service_namespace(
                eval,
                scope.as_ref(),
                rule.peer.span,
                "services",
                env,
                ctx,
                namespace_used,
                diags,
            )?;
            Some(Peer::Services(vec![ir::ServiceRef::Selected {
                selector,
                namespace,
            }]))
        }
    }
}

/// The namespace of a service peer: `None` means any namespace.
#[expect(
    clippy::too_many_arguments,
    reason = "the lowering context, passed apart as everywhere in this file"
)]
fn service_namespace(
    eval: &mut Evaluator<'_>,
    scope: Option<&ast::Scope>,
    peer_span: Span,
    what: &str,
    env: Env<'_>,
    ctx: &Ctx,
    namespace_used: &mut bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<ir::NamespaceName>> {
    match (scope.map(|scope| &scope.kind), ctx) {
        (None, Ctx::Namespace(own)) => {
            *namespace_used = true;
            Some(Some(own.clone()))
        }
        (None, Ctx::Cluster) => {
            safety::unscoped_cluster_peer(peer_span, what, diags);
            None
        }
        (Some(ast::ScopeKind::All { except }), _) if except.is_empty() => Some(None),
        (Some(ast::ScopeKind::Named(names)), _) if names.len() == 1 => {
            let names = namespace_names(eval, names, env, diags)?;
            match names.as_slice() {
                [one] => Some(Some(one.clone())),
                _ => {
                    service_scope_error(scope, diags);
                    None
                }
            }
        }
        _ => {
            service_scope_error(scope, diags);
            None
        }
    }
}

fn service_scope_error(scope: Option<&ast::Scope>, diags: &mut Vec<Diagnostic>) {
    if let Some(scope) = scope {
        diags.push(report::statement_not_allowed(
            scope.span,
            report::StatementNotAllowed::ServiceNamespace,
        ));
    }
}

/// One `aws ...` entry: its strings evaluated, its labels plain pairs, and
/// at least one of ids, names and labels.
fn aws_group(
    eval: &mut Evaluator<'_>,
    group: &ast::AwsGroup,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::AwsGroup> {
    let mut ids = Vec::new();
    for value in &group.ids {
        ids.extend(eval.strings(value, env, diags)?);
    }
    let mut names = Vec::new();
    for value in &group.names {
        names.extend(eval.strings(value, env, diags)?);
    }
    let labels = match &group.labels {
        Some(selector) => {
            let lowered = eval.selector(selector, env, diags)?;
            if !lowered.match_expressions.is_empty() {
                diags.push(report::aws_labels_not_equality(selector.span));
                return None;
            }
            lowered.match_labels.into()
        }
        None => BTreeMap::new(),
    };
    let region = match &group.region {
        Some(value) => Some(eval.string(value, env, diags)?),
        None => None,
    };
    if ids.is_empty() && names.is_empty() && labels.is_empty() {
        diags.push(report::empty_aws_group(group.span));
        return None;
    }
    Some(ir::AwsGroup {
        ids,
        names,
        labels,
        region,
    })
}
