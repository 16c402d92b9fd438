//! Subjects and rules: AST to IR, with the namespace scoping of Cilium
//! (docs/cilium-semantics.md §5.1) made explicit.

use super::context::Ctx;
use super::types::Ty;
use super::values::{Env, Evaluator, Val};
use super::{cilium, safety, validate, values};
use crate::ast;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;

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
                        Diagnostic::new(Code::E0305, scope.span, format!("a policy of namespace `{name}` selects only pods of `{name}`"))
                            .label("a namespace policy cannot select pods of other namespaces")
                            .note("Cilium adds the policy's own namespace to the endpoint selector of every CiliumNetworkPolicy")
                            .help("remove the `in ...` clause, or write a `cluster policy`"),
                    );
                    None
                }
                (Ctx::Namespace(name), None) if names_namespace(&pods) => {
                    diags.push(
                        Diagnostic::new(Code::E0305, select.span, format!("a policy of namespace `{name}` selects only pods of `{name}`"))
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
                    Diagnostic::new(Code::E0305, select.span, format!("a policy of namespace `{name}` selects only pods of `{name}`"))
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
                diags.push(
                    Diagnostic::new(Code::E0409, select.span, format!("a policy of namespace `{name}` cannot select nodes"))
                        .label("node selector in a namespace policy")
                        .note("the host firewall is configured only by CiliumClusterwideNetworkPolicies; Cilium drops a CiliumNetworkPolicy with a node selector")
                        .help("move this policy into a `cluster policy` block"),
                );
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

/// Adds the namespace terms of a scope to a selector.
fn apply_scope(
    eval: &mut Evaluator<'_>,
    selector: &mut ir::Selector,
    scope: &ast::Scope,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<()> {
    if names_namespace(selector) {
        diags.push(
            Diagnostic::new(
                Code::E0205,
                scope.span,
                "the selector already names its namespace",
            )
            .label("a second namespace constraint")
            .help("keep either the namespace label in the selector or the `in ...` clause"),
        );
        return None;
    }
    let key = ir::LabelKey::new_unchecked(NAMESPACE_KEY);
    match &scope.kind {
        ast::ScopeKind::Named(list) => {
            let names = namespace_names(eval, list, env, diags)?;
            if names.is_empty() {
                diags.push(
                    values::empty_list(scope.span, "`in namespace` names no namespace")
                        .note("Cilium refuses an `In` expression with no values and drops the whole policy")
                        .help("name a namespace, or write `in all namespaces`"),
                );
                return None;
            }
            match names.as_slice() {
                [one] => {
                    selector.match_labels.insert(key, one.clone());
                }
                _ => selector.match_expressions.push(ir::Expression {
                    key,
                    operator: ir::Operator::In,
                    values: names,
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
                    values: names,
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
                Diagnostic::new(
                    Code::E0205,
                    span,
                    format!("namespace label `{}` has a source prefix", key.as_str()),
                )
                .label("namespace labels have no source")
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
        diags.push(
            Diagnostic::new(
                Code::E0205,
                span,
                "`namespaces with {}` matches every namespace",
            )
            .label("empty namespace selector")
            .help("write `in all namespaces` to mean every namespace"),
        );
        return None;
    }
    Some(out)
}

fn namespace_names(
    eval: &mut Evaluator<'_>,
    values: &[ast::Value],
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
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

/// Lowers one rule and checks it.
pub fn rule(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    ctx: &Ctx,
    namespace_used: &mut bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Rule> {
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
            diags.push(
                values::empty_list(values.span, "`port` names no port")
                    .note("a rule without ports allows every port, so an empty list would widen the rule instead of closing it")
                    .help("give the list a port, or remove `port ...` to allow every port on purpose"),
            );
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
    let l7 = l7(eval, rule, env, diags);
    let built = ir::Rule {
        origin: ir::RuleOrigin {
            span: rule.span,
            categories: Vec::new(),
        },
        peer: peer?,
        ports,
        icmps,
        l7,
    };
    if error_count(diags) > errors_before {
        return None;
    }
    cilium::check_rule(rule, &built, diags);
    safety::check_rule(rule, &built, diags);
    (error_count(diags) == errors_before).then_some(built)
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
) -> Option<ir::Peer> {
    match &rule.peer.kind {
        ast::PeerKind::Pods { selectors, scope } => {
            let mut out = Vec::new();
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
            Some(ir::Peer::Endpoints(out))
        }
        ast::PeerKind::Namespace(names) => {
            let names = namespace_names(eval, names, env, diags)?;
            Some(ir::Peer::Endpoints(
                names
                    .into_iter()
                    .map(|name| {
                        let mut selector = ir::Selector::default();
                        selector
                            .match_labels
                            .insert(ir::LabelKey::new_unchecked(NAMESPACE_KEY), name);
                        selector
                    })
                    .collect(),
            ))
        }
        ast::PeerKind::Namespaces(labels) => {
            let labels = eval.selector(labels, env, diags)?;
            Some(ir::Peer::Endpoints(vec![namespace_label_selector(
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
            Some(ir::Peer::Entities(entities))
        }
        ast::PeerKind::Everything => Some(ir::Peer::Entities(vec![ir::Entity::All])),
        ast::PeerKind::Anywhere => Some(ir::Peer::Anywhere),
        ast::PeerKind::Cidr(items) => {
            let mut out = Vec::new();
            let mut groups: Vec<String> = Vec::new();
            let mut ok = true;
            for item in items {
                let cidrs = match eval.expect(&item.cidr, Ty::Cidrs, env, diags) {
                    Some(Val::Cidr(cidr)) => vec![cidr],
                    Some(Val::Cidrs(cidrs)) => cidrs,
                    Some(Val::CidrGroup(group)) => {
                        if let Some(except) = item.except.first() {
                            diags.push(
                                Diagnostic::new(Code::E0203, except.span(), format!("`except` cannot apply to the CIDR group `{}`", group.name))
                                    .label("exception on a CIDR group")
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
                    for excluded in &except {
                        if !cidr.contains(excluded) || cidr.prefix_len() > excluded.prefix_len() {
                            diags.push(
                                Diagnostic::new(Code::E0203, item.span, format!("`{excluded}` is not inside `{cidr}`"))
                                    .label("this exception is outside its CIDR")
                                    .note("Cilium drops a policy whose `except` is not inside the CIDR it belongs to (or of another IP family)")
                                    .help("remove the exception or fix the CIDR"),
                            );
                            ok = false;
                        }
                    }
                    out.push(ir::CidrRule {
                        cidr,
                        except: except.clone(),
                    });
                }
            }
            if !ok {
                return None;
            }
            if groups.is_empty() {
                Some(ir::Peer::Cidrs(out))
            } else {
                Some(ir::Peer::CidrGroups { cidrs: out, groups })
            }
        }
        ast::PeerKind::Fqdn(values) => {
            let mut out = Vec::new();
            for value in values {
                for text in eval.strings(value, env, diags)? {
                    out.push(validate::fqdn(&text, value.span(), diags)?);
                }
            }
            Some(ir::Peer::Fqdns(out))
        }
        ast::PeerKind::Service { name, scope } => {
            let text = eval.string(name, env, diags)?;
            if !validate::is_dns_label(&text) {
                diags.push(
                    Diagnostic::new(
                        Code::E0206,
                        name.span(),
                        format!("`{text}` is not a valid service name"),
                    )
                    .label("invalid service name")
                    .note("a service name is a DNS-1123 label: lower-case letters, digits and `-`"),
                );
                return None;
            }
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
            Some(ir::Peer::Services(vec![ir::ServiceRef::Named {
                name: text,
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
            Some(ir::Peer::Services(vec![ir::ServiceRef::Selected {
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
) -> Option<Option<String>> {
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
        diags.push(
            Diagnostic::new(
                Code::E0305,
                scope.span,
                "a service peer is in one namespace or in all namespaces",
            )
            .label("Cilium matches services by one namespace name, or by none")
            .help("write `in namespace NAME` or `in all namespaces`"),
        );
    }
}

fn l7(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::L7> {
    let first = rule.l7.first()?;
    let kind = |line: &ast::L7| match line {
        ast::L7::Http(_) | ast::L7::Grpc(..) => "HTTP",
        ast::L7::Kafka(_) => "Kafka",
        ast::L7::Dns(..) => "DNS",
    };
    if let Some(other) = rule.l7.iter().find(|line| kind(line) != kind(first)) {
        diags.push(
            Diagnostic::new(
                Code::E0405,
                other.span(),
                format!("one rule mixes {} and {} rules", kind(first), kind(other)),
            )
            .label(format!("{} rule", kind(other)))
            .secondary(first.span(), format!("{} rule", kind(first)))
            .note("Cilium allows one kind of L7 rule per port rule")
            .help("write one `allow` rule per kind of L7 rule"),
        );
        return None;
    }
    match first {
        ast::L7::Http(_) | ast::L7::Grpc(..) => {
            let mut out = Vec::new();
            for line in &rule.l7 {
                match line {
                    ast::L7::Http(http) => out.push(http_rule(eval, http, env, diags)?),
                    ast::L7::Grpc(value, _) => {
                        let path = eval.string(value, env, diags)?;
                        out.push(grpc_rule(&path, value.span(), diags)?);
                    }
                    _ => {}
                }
            }
            Some(ir::L7::Http(out))
        }
        ast::L7::Kafka(_) => {
            let mut out = Vec::new();
            for line in &rule.l7 {
                if let ast::L7::Kafka(kafka) = line {
                    out.push(kafka_rule(eval, kafka, env, diags)?);
                }
            }
            Some(ir::L7::Kafka(out))
        }
        ast::L7::Dns(..) => {
            let mut out = Vec::new();
            for line in &rule.l7 {
                if let ast::L7::Dns(values, _) = line {
                    for value in values {
                        for text in eval.strings(value, env, diags)? {
                            let selector = validate::fqdn(&text, value.span(), diags)?;
                            if !out.contains(&selector) {
                                out.push(selector);
                            }
                        }
                    }
                }
            }
            if out.is_empty() {
                let span = rule.l7.first().map_or(rule.span, ast::L7::span);
                diags.push(
                    values::empty_list(span, "`dns` names no name or pattern")
                        .note("Cilium reads an empty list of DNS rules as no DNS rule at all")
                        .help("give the list a name, or write `dns \"*\"` to let the proxy see every lookup"),
                );
                return None;
            }
            Some(ir::L7::Dns(out))
        }
    }
}

fn http_rule(
    eval: &mut Evaluator<'_>,
    http: &ast::Http,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::HttpRule> {
    let method = match &http.method {
        None => None,
        Some(ast::Method::Word(word)) => Some(word.node.clone()),
        Some(ast::Method::Regex(value)) => {
            let text = eval.string(value, env, diags)?;
            let literal = matches!(value, ast::Value::String(_));
            Some(validate::http_regex(
                "method",
                &text,
                value.span(),
                literal,
                diags,
            )?)
        }
    };
    let path = match &http.path {
        None => None,
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            let literal = matches!(value, ast::Value::String(_));
            Some(validate::http_regex(
                "path",
                &text,
                value.span(),
                literal,
                diags,
            )?)
        }
    };
    let host = match &http.host {
        None => None,
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            let text = validate::non_empty("HTTP host", &text, value.span(), diags)?;
            let literal = matches!(value, ast::Value::String(_));
            Some(validate::http_regex(
                "host",
                &text,
                value.span(),
                literal,
                diags,
            )?)
        }
    };
    let mut headers = Vec::new();
    for value in &http.headers {
        for text in eval.strings(value, env, diags)? {
            headers.push(validate::non_empty(
                "HTTP header",
                &text,
                value.span(),
                diags,
            )?);
        }
    }
    Some(ir::HttpRule {
        method,
        path,
        host,
        headers,
    })
}

fn grpc_rule(path: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<ir::HttpRule> {
    let trimmed = path.trim_start_matches('/');
    let valid = trimmed.split_once('/').is_some_and(|(service, method)| {
        !service.is_empty()
            && !method.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
            && method
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if !valid {
        diags.push(
            Diagnostic::new(Code::E0213, span, format!("`{path}` is not a gRPC method"))
                .label("expected `package.Service/Method`")
                .note("gRPC calls are HTTP/2 POSTs to `/package.Service/Method`")
                .help("write `grpc \"package.Service/Method\"`"),
        );
        return None;
    }
    Some(ir::HttpRule {
        method: Some("POST".to_owned()),
        // The path is a regexp: escape the dots so that it matches this
        // method only (`/a.b.Svc/M` would also match `/aXbXSvc/M`).
        path: Some(format!("/{}", trimmed.replace('.', "\\."))),
        host: None,
        headers: Vec::new(),
    })
}

fn kafka_rule(
    eval: &mut Evaluator<'_>,
    kafka: &ast::Kafka,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::KafkaRule> {
    let api_key = match &kafka.api_key {
        None => None,
        Some(key) => {
            let lowered = key.node.to_ascii_lowercase();
            if !validate::KAFKA_API_KEYS.contains(&lowered.as_str()) {
                diags.push(
                    Diagnostic::new(
                        Code::E0212,
                        key.span,
                        format!("unknown Kafka API key `{}`", key.node),
                    )
                    .label("not a Kafka API key Cilium knows")
                    .help_opt(super::suggest::did_you_mean(
                        &lowered,
                        validate::KAFKA_API_KEYS.iter().copied(),
                        str::to_owned,
                    )),
                );
                return None;
            }
            Some(lowered)
        }
    };
    let topic = match &kafka.topic {
        None => None,
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            Some(validate::kafka_topic(&text, value.span(), diags)?)
        }
    };
    let client_id = match &kafka.client {
        None => None,
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            Some(validate::non_empty(
                "Kafka client ID",
                &text,
                value.span(),
                diags,
            )?)
        }
    };
    let api_version = match &kafka.version {
        None => None,
        Some(text) => Some(validate::kafka_version(&text.node, text.span, diags)?),
    };
    Some(ir::KafkaRule {
        role: kafka.role.as_ref().map(|role| match role.node {
            ast::KafkaRole::Produce => ir::KafkaRole::Produce,
            ast::KafkaRole::Consume => ir::KafkaRole::Consume,
        }),
        api_key,
        api_version,
        client_id,
        topic,
    })
}
