//! Expectations: `expect allow|deny from A to B port P [L7 request]` to
//! `ir::Expectation` (E0802–E0809), and a flow alone to `ir::FlowSpec` for
//! `netpolc trace` ([`flow_spec`]).
//!
//! A flow is checked in two steps. [`flow`] evaluates and checks what the
//! statement says where it is written (a category's parameters are in scope
//! there); a pod written without `in namespace` is left without one.
//! [`Pending::resolve`] then gives such a pod the namespace the statement is
//! checked for: the enclosing namespace, or for a category each namespace
//! that uses it (E0804 where there is none). The namespaces named must be
//! in the repository ([`check_namespaces`], E0802), which is known only once
//! every namespace and the inventory are read.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::resolve::Defs;
use super::suggest;
use super::validate;
use super::values::{Env, Evaluator};
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;
use crate::source::Span;

/// One end of a flow, its namespace perhaps still open.
#[derive(Clone, Debug)]
pub enum End {
    /// Fully known.
    Done(ir::EndpointSpec),
    /// A pod; `namespace` is `None` when the statement did not say it.
    Pod {
        /// `in namespace NAME` or `namespace NAME`, with where it is written.
        namespace: Option<(ir::NamespaceName, Span)>,
        /// The pod's labels.
        labels: BTreeMap<ir::LabelKey, ir::LabelValue>,
        /// The service account.
        account: Option<ir::LabelValue>,
        /// The whole end.
        span: Span,
    },
}

/// A checked `expect` whose pods may still need their namespace.
#[derive(Clone, Debug)]
pub struct Pending {
    /// The statement, and the categories it came through.
    pub origin: ir::RuleOrigin,
    /// `allow` or `deny`.
    pub expected: ir::Expected,
    /// The source.
    pub from: End,
    /// The destination.
    pub to: End,
    /// The protocol.
    pub protocol: ir::FlowProtocol,
    /// The port or ICMP type.
    pub port: u16,
    /// The L7 request.
    pub request: Option<ir::Request>,
}

/// A resolved expectation, with the namespaces it names and where.
pub struct Resolved {
    /// The expectation.
    pub expectation: ir::Expectation,
    /// Every namespace written in it, with its span.
    pub named: Vec<(ir::NamespaceName, Span)>,
}

impl Pending {
    /// Gives the pods without a namespace `namespace` (E0804 when `None`);
    /// `None` after an error. `in_category` names the category a pod
    /// without namespace came through, for the note.
    pub fn resolve(
        &self,
        namespace: Option<&ir::NamespaceName>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Resolved> {
        let mut named = Vec::new();
        let from = end(&self.from, namespace, &self.origin, &mut named, diags);
        let to = end(&self.to, namespace, &self.origin, &mut named, diags);
        let (from, to) = (from?, to?);
        Some(Resolved {
            expectation: ir::Expectation {
                origin: self.origin.clone(),
                namespace: namespace.cloned(),
                expected: self.expected,
                flow: ir::FlowSpec {
                    from,
                    to,
                    protocol: self.protocol,
                    port: self.port,
                    request: self.request.clone(),
                },
            },
            named,
        })
    }
}

fn end(
    end: &End,
    namespace: Option<&ir::NamespaceName>,
    origin: &ir::RuleOrigin,
    named: &mut Vec<(ir::NamespaceName, Span)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::EndpointSpec> {
    match end {
        End::Done(spec) => Some(spec.clone()),
        End::Pod {
            namespace: written,
            labels,
            account,
            span,
        } => {
            let namespace = match (written, namespace) {
                (Some((name, at)), _) => {
                    named.push((name.clone(), *at));
                    name.clone()
                }
                (None, Some(enclosing)) => enclosing.clone(),
                (None, None) => {
                    let mut diag = report::flow_pods_without_namespace(*span).note(
                        "outside a namespace block, a flow's pods say which namespace they are in",
                    );
                    if let Some(category) = origin.categories.last() {
                        diag = diag.note(format!(
                            "the expectation comes from the category `{category}`, used in a cluster-wide policy"
                        ));
                    }
                    diags.push(diag.help("add `in namespace NAME` after the labels"));
                    return None;
                }
            };
            Some(ir::EndpointSpec::Pod(ir::PodSpec {
                namespace,
                labels: labels.clone(),
                service_account: account.clone(),
            }))
        }
    }
}

/// Checks that every namespace `resolved` names is in the repository: in
/// the inventory when there is one, else declared by a `namespace` block
/// (E0802, with a did-you-mean). False after an error.
pub fn check_namespaces(
    resolved: &Resolved,
    known: &BTreeSet<&str>,
    inventory: bool,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for (name, span) in &resolved.named {
        if known.contains(name.as_str()) {
            continue;
        }
        ok = false;
        let diag = suggest::did_you_mean_at(
            report::unknown_flow_namespace(*span, name, inventory),
            *span,
            name.as_str(),
            known.iter().copied(),
            str::to_owned,
        );
        diags.push(if inventory {
            diag.note("a flow's namespaces are those of the `cluster namespaces` inventory")
        } else {
            diag.note("without a `cluster namespaces` inventory, a flow's namespaces are those the repository declares or its rules name, `default` and the `kube-` system namespaces")
        });
    }
    ok
}

/// Checks an `expect` statement where it is written.
pub fn expect(
    eval: &mut Evaluator<'_>,
    stmt: &ast::Expect,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Pending> {
    let expected = match stmt.verb.node {
        ast::Verb::Allow => ir::Expected::Allow,
        ast::Verb::Deny => ir::Expected::Deny,
    };
    flow(eval, &stmt.flow, env, expected, stmt.span, diags)
}

/// A flow alone (`netpolc trace`'s arguments): checked like an `expect` at
/// top level, with no constants in scope, against the namespaces of
/// `program`.
pub fn flow_spec(
    flow_ast: &ast::Flow,
    program: &ir::Program,
    any_namespace: bool,
) -> Result<ir::FlowSpec, Vec<Diagnostic>> {
    let defs = Defs::empty();
    let mut eval = Evaluator::new(&defs);
    let mut diags = Vec::new();
    let env = Env {
        file: flow_ast.span.file,
        params: None,
    };
    let pending = flow(
        &mut eval,
        flow_ast,
        env,
        ir::Expected::Allow,
        flow_ast.span,
        &mut diags,
    );
    let resolved = pending.and_then(|pending| pending.resolve(None, &mut diags));
    if let Some(resolved) = resolved {
        let known = (!any_namespace).then(|| known_namespaces(program));
        let named_known = known.as_ref().is_none_or(|(known, inventory)| {
            check_namespaces(&resolved, known, *inventory, &mut diags)
        });
        if named_known && diags.is_empty() {
            return Ok(resolved.expectation.flow);
        }
    }
    Err(diags)
}

/// The namespaces a flow may name: the inventory's, or else those the
/// repository declares or names in a selector (`pods ... in namespace
/// monitoring`) and those every Kubernetes cluster has (`default` and the
/// system namespaces); and whether there is an inventory.
pub fn known_namespaces(program: &ir::Program) -> (BTreeSet<&str>, bool) {
    if let Some(inventory) = &program.inventory {
        let known = inventory.namespaces.keys().map(|name| name.as_str());
        return (known.collect(), true);
    }
    let mut known: BTreeSet<&str> = program
        .namespaces
        .keys()
        .map(|name| name.as_str())
        .chain(ALWAYS_THERE.iter().copied())
        .collect();
    let specs = program
        .namespaces
        .values()
        .flat_map(|namespace| &namespace.policies)
        .chain(&program.cluster)
        .flat_map(|policy| policy.spec.rule_sets());
    for spec in specs {
        if let ir::Subject::Pods(selector) = &spec.subject {
            named_namespaces(selector, &mut known);
        }
        for rule in spec.rules() {
            if let ir::PeerRef::Endpoints(selectors) = rule.peer {
                for selector in selectors {
                    named_namespaces(selector, &mut known);
                }
            }
        }
    }
    (known, false)
}

/// The namespaces a selector names by the namespace label.
fn named_namespaces<'p>(selector: &'p ir::Selector, out: &mut BTreeSet<&'p str>) {
    let key = super::rules::NAMESPACE_KEY;
    for (label, value) in &selector.match_labels {
        if label.as_str() == key {
            out.insert(value.as_str());
        }
    }
    for expression in &selector.match_expressions {
        if expression.key.as_str() == key && expression.operator == ir::Operator::In {
            out.extend(expression.values.iter().map(|value| value.as_str()));
        }
    }
}

/// The namespaces every Kubernetes cluster has.
const ALWAYS_THERE: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

fn flow(
    eval: &mut Evaluator<'_>,
    flow: &ast::Flow,
    env: Env<'_>,
    expected: ir::Expected,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Pending> {
    let from = endpoint(eval, &flow.from, env, diags);
    let to = endpoint(eval, &flow.to, env, diags);
    let port = port(eval, flow, env, diags);
    let request = match (&flow.request, port) {
        (Some(request), Some((protocol, _))) => {
            Some(self::request(eval, request, protocol, env, diags)?)
        }
        (Some(_), None) | (None, _) => None,
    };
    let (from, to, (protocol, port)) = (from?, to?, port?);
    Some(Pending {
        origin: ir::RuleOrigin {
            span,
            categories: Vec::new(),
        },
        expected,
        from,
        to,
        protocol,
        port,
        request,
    })
}

fn endpoint(
    eval: &mut Evaluator<'_>,
    end: &ast::Endpoint,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<End> {
    match &end.kind {
        ast::EndpointKind::Pods {
            labels,
            account,
            namespace,
        } => {
            let labels = match labels {
                Some(selector) => self::labels(eval, selector, "pod", env, diags),
                None => Some(BTreeMap::new()),
            };
            let account = match account {
                Some(value) => {
                    let text = eval.string(value, env, diags);
                    Some(text.and_then(|text| validate::label_value(&text, value.span(), diags)))
                }
                None => None,
            };
            let namespace = namespace
                .as_ref()
                .map(|value| namespace_name(eval, value, env, diags));
            let account = match account {
                Some(checked) => Some(checked?),
                None => None,
            };
            let namespace = match namespace {
                Some(checked) => Some(checked?),
                None => None,
            };
            Some(End::Pod {
                namespace,
                labels: labels?,
                account,
                span: end.span,
            })
        }
        ast::EndpointKind::Namespace(value) => Some(End::Pod {
            namespace: Some(namespace_name(eval, value, env, diags)?),
            labels: BTreeMap::new(),
            account: None,
            span: end.span,
        }),
        ast::EndpointKind::Node(selector) => {
            let labels = match selector {
                Some(selector) => self::labels(eval, selector, "node", env, diags)?,
                None => BTreeMap::new(),
            };
            Some(End::Done(ir::EndpointSpec::Node(labels)))
        }
        ast::EndpointKind::Entity(name) => {
            let entity = validate::entity(&name.node, name.span, diags)?;
            if matches!(
                entity,
                ir::Entity::All | ir::Entity::Cluster | ir::Entity::None
            ) {
                let mut diag = report::not_an_endpoint(
                    name.span,
                    report::NotAnEndpoint::Entity { name: &name.node },
                );
                diag = match entity {
                    ir::Entity::Cluster => diag
                        .note("`cluster` is every endpoint of the cluster: pods, nodes and Cilium's own")
                        .help("name one: `pods LABELS in namespace NAME`, `node`, or `entity host`"),
                    ir::Entity::None => diag
                        .note("`none` is no endpoint at all")
                        .help("name one: `pods LABELS in namespace NAME`, `entity world` or `cidr ADDRESS`"),
                    _ => diag
                        .note("`all` is every endpoint, inside and outside the cluster")
                        .help("name one: `pods LABELS in namespace NAME`, `entity world` or `cidr ADDRESS`"),
                };
                diags.push(diag);
                return None;
            }
            Some(End::Done(ir::EndpointSpec::Entity(entity)))
        }
        ast::EndpointKind::Cidr(value) => {
            let cidrs = eval.cidrs(value, env, diags)?;
            match cidrs.as_slice() {
                [one] if one.prefix_len() == one.max_prefix_len() => {
                    Some(End::Done(ir::EndpointSpec::Address(one.addr())))
                }
                [one] => {
                    diags.push(
                        report::not_an_endpoint(
                            value.span(),
                            report::NotAnEndpoint::Range { cidr: one },
                        )
                        .help(format!(
                            "name one address of it, such as `{}`",
                            first_host(one)
                        )),
                    );
                    None
                }
                _ => {
                    let written = source_text(value);
                    diags.push(
                        report::not_an_endpoint(
                            value.span(),
                            report::NotAnEndpoint::Range { cidr: &written },
                        )
                        .note("this value holds several CIDRs")
                        .help("name one address"),
                    );
                    None
                }
            }
        }
        ast::EndpointKind::Fqdn(value) => {
            let text = eval.string(value, env, diags)?;
            match validate::fqdn(&text, value.span(), diags)? {
                ir::FqdnSelector::Name(name) => Some(End::Done(ir::EndpointSpec::Fqdn(name))),
                ir::FqdnSelector::Pattern(_) => {
                    diags.push(
                        report::not_an_endpoint(
                            value.span(),
                            report::NotAnEndpoint::Pattern { name: &text },
                        )
                        .help(format!(
                            "name one host the pattern matches, such as `{}`",
                            text.replace("**.", "api.").replace('*', "api")
                        )),
                    );
                    None
                }
            }
        }
    }
}

/// The first address of a CIDR that is a host (not the network address of
/// an IPv4 range longer than a point-to-point link).
fn first_host(net: &ipnet::IpNet) -> IpAddr {
    net.hosts().next().unwrap_or_else(|| net.addr())
}

/// A value as written, for messages.
fn source_text(value: &ast::Value) -> String {
    match value {
        ast::Value::Ref(name) => format!("${}", name.node),
        ast::Value::Cidr(text) | ast::Value::String(text) | ast::Value::Word(text) => {
            text.node.clone()
        }
        _ => "the value".to_owned(),
    }
}

fn namespace_name(
    eval: &mut Evaluator<'_>,
    value: &ast::Value,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(ir::NamespaceName, Span)> {
    let text = eval.string(value, env, diags)?;
    let name = validate::namespace_name(&text, value.span(), diags)?;
    Some((name, value.span()))
}

/// A pod's or node's labels: `key=value` pairs, no source prefix.
fn labels(
    eval: &mut Evaluator<'_>,
    selector: &ast::Selector,
    what: &str,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<BTreeMap<ir::LabelKey, ir::LabelValue>> {
    let checked = eval.selector(selector, env, diags)?;
    if !checked.match_expressions.is_empty() {
        diags.push(
            report::flow_labels_not_pairs(selector.span, &what)
                .note(format!(
                    "a flow names one {what} by the labels it carries; `!=`, `in`, `notin` and a key alone select, they are not labels"
                ))
                .help("write the labels the endpoint has, such as `{ app=web, tier=front }`"),
        );
        return None;
    }
    if let Some(key) = checked
        .match_labels
        .keys()
        .find(|key| key.as_str().contains(':'))
    {
        diags.push(
            report::flow_labels_not_pairs(selector.span, &what)
                .note(format!(
                    "`{}` has a label source; an endpoint's own labels are written without one",
                    key.as_str()
                ))
                .help(format!(
                    "write `{}`",
                    key.as_str().split_once(':').map_or("", |(_, rest)| rest)
                )),
        );
        return None;
    }
    Some(checked.match_labels.into())
}

fn port(
    eval: &mut Evaluator<'_>,
    flow: &ast::Flow,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(ir::FlowProtocol, u16)> {
    let Some(port) = &flow.port else {
        diags.push(
            report::invalid_flow_port(flow.to.span, report::InvalidFlowPort::Missing)
                .label("the flow ends here")
                .note("a TCP, UDP or SCTP flow goes to one port, an ICMP flow has one type")
                .help("add `port 443/tcp` (or `/udp`, `/sctp`), or `icmp EchoRequest`"),
        );
        return None;
    };
    match &port.node {
        ast::FlowPort::Icmp(item) => {
            let checked = validate::icmp(item, diags)?;
            let (protocol, family) = match checked.family {
                ir::IcmpFamily::V4 => (ir::FlowProtocol::Icmp, ir::IcmpFamily::V4),
                ir::IcmpFamily::V6 => (ir::FlowProtocol::Icmpv6, ir::IcmpFamily::V6),
            };
            let number = match &checked.kind {
                ir::IcmpKind::Number(number) => Some(*number),
                ir::IcmpKind::Name(name) => validate::icmp_number(family, name.as_str()),
            }?;
            Some((protocol, u16::from(number)))
        }
        ast::FlowPort::Port(value) => {
            let ports = eval.ports(value, env, diags)?;
            let written = match value {
                ast::Value::Port(lit) => lit_text(lit),
                other => source_text(other),
            };
            let [one] = ports.as_slice() else {
                diags.push(
                    report::invalid_flow_port(
                        value.span(),
                        report::InvalidFlowPort::NotOne { port: &written },
                    )
                    .note("this value holds several ports; a flow goes to one")
                    .help("write one port, such as `443/tcp`"),
                );
                return None;
            };
            if one.end_port().is_some() {
                diags.push(
                    report::invalid_flow_port(
                        value.span(),
                        report::InvalidFlowPort::NotOne { port: &written },
                    )
                    .note("a range is many ports; a flow goes to one")
                    .help("write one port of the range"),
                );
                return None;
            }
            // VRRP, IGMP and the extended protocols carry no ports: their
            // flows are written, like their rules, with port 0.
            if let Some(protocol) = ir::FlowProtocol::portless(one.protocol()) {
                return Some((protocol, 0));
            }
            let number = match one.port() {
                ir::Port::Number(0) => {
                    diags.push(
                        report::invalid_flow_port(value.span(), report::InvalidFlowPort::Zero)
                            .note("in a rule, port 0 means every port; a flow goes to one")
                            .help("write the port the flow goes to, such as `443/tcp`"),
                    );
                    return None;
                }
                ir::Port::Number(number) => *number,
                ir::Port::Name(name) => {
                    diags.push(
                        report::invalid_flow_port(
                            value.span(),
                            report::InvalidFlowPort::Named { name },
                        )
                        .note("a flow's pod has no container ports to name")
                        .help("write the port's number, such as `8080/tcp`"),
                    );
                    return None;
                }
            };
            let protocol = match one.protocol() {
                ir::Protocol::Tcp => ir::FlowProtocol::Tcp,
                ir::Protocol::Udp => ir::FlowProtocol::Udp,
                ir::Protocol::Sctp => ir::FlowProtocol::Sctp,
                ir::Protocol::Vrrp
                | ir::Protocol::Igmp
                | ir::Protocol::Gre
                | ir::Protocol::Ipip
                | ir::Protocol::Ipv6
                | ir::Protocol::Esp
                | ir::Protocol::Ah => unreachable!("port-less protocols returned above"),
                ir::Protocol::Any => {
                    diags.push(
                        report::invalid_flow_port(value.span(), report::InvalidFlowPort::NoProtocol { port: &written })
                            .note("in a rule, a port without protocol (or `/any`) means TCP, UDP and SCTP; a flow has one")
                            .help(format!("write `{number}/tcp`, `{number}/udp` or `{number}/sctp`")),
                    );
                    return None;
                }
            };
            Some((protocol, number))
        }
    }
}

fn lit_text(lit: &ast::PortLit) -> String {
    let mut text = lit.start.node.clone();
    if let Some(end) = &lit.end {
        text.push('-');
        text.push_str(&end.node);
    }
    if let Some(protocol) = &lit.protocol {
        text.push('/');
        text.push_str(&protocol.node);
    }
    text
}

fn request(
    eval: &mut Evaluator<'_>,
    request: &ast::FlowRequest,
    protocol: ir::FlowProtocol,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Request> {
    let carries = |kind: &str| match kind {
        "DNS" => matches!(protocol, ir::FlowProtocol::Udp | ir::FlowProtocol::Tcp),
        _ => protocol == ir::FlowProtocol::Tcp,
    };
    let kind = match request {
        ast::FlowRequest::Http { .. } => "HTTP",
        ast::FlowRequest::Dns(..) => "DNS",
        ast::FlowRequest::Kafka(_) => "Kafka",
    };
    if !carries(kind) {
        diags.push(
            report::flow_request_protocol(request.span(), &kind, &protocol.as_str()).help(
                if kind == "DNS" {
                    "a DNS lookup goes to port 53/udp or 53/tcp"
                } else {
                    "an HTTP or Kafka request goes over TCP: write the port as `PORT/tcp`"
                },
            ),
        );
        return None;
    }
    match request {
        ast::FlowRequest::Http {
            line,
            host,
            headers,
            ..
        } => {
            let text = eval.string(line, env, diags)?;
            let Some((method, path)) = request_line(&text) else {
                diags.push(
                    report::invalid_flow_request(line.span(), &"HTTP request line", &text)
                        .note("an HTTP request line is a method in capitals and a path starting with `/`, such as `GET /api/v1/orders`")
                        .help("write `http \"METHOD /path\"`, with the host as `host \"NAME\"` and headers as `header \"Name: value\"`"),
                );
                return None;
            };
            let host = match host {
                Some(value) => {
                    let text = eval.string(value, env, diags)?;
                    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control())
                    {
                        diags.push(
                            report::invalid_flow_request(value.span(), &"HTTP host", &text)
                                .help("write the host name, such as `host \"shop.example.com\"`"),
                        );
                        return None;
                    }
                    Some(text)
                }
                None => None,
            };
            let mut checked = Vec::new();
            for value in headers {
                let text = eval.string(value, env, diags)?;
                let Some(header) = header(&text) else {
                    diags.push(
                        report::invalid_flow_request(value.span(), &"HTTP header", &text)
                            .note("a header is a name of letters, digits and `-`, a colon and a value")
                            .help("write `header \"X-Token: abc\"`"),
                    );
                    return None;
                };
                checked.push(header);
            }
            Some(ir::Request::Http(ir::HttpRequest {
                method: method.to_owned(),
                path: path.to_owned(),
                host,
                headers: checked,
            }))
        }
        ast::FlowRequest::Dns(value, _) => {
            let text = eval.string(value, env, diags)?;
            let name = text.strip_suffix('.').unwrap_or(&text).to_ascii_lowercase();
            let valid = name.len() <= 253
                && name.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                });
            if !valid {
                diags.push(
                    report::invalid_flow_dns_name(value.span(), &text)
                        .note("a DNS name is labels of letters, digits, `-` and `_`, separated by dots, each at most 63 characters; a lookup is of one name, not a pattern")
                        .help("write the name the pod looks up, such as `dns \"api.example.com\"`"),
                );
                return None;
            }
            Some(ir::Request::Dns(name))
        }
        ast::FlowRequest::Kafka(kafka) => kafka_request(eval, kafka, env, diags),
    }
}

/// `METHOD PATH` with an optional `HTTP/x.y`.
fn request_line(text: &str) -> Option<(&str, &str)> {
    let mut parts = text.split(' ').filter(|part| !part.is_empty());
    let method = parts.next()?;
    let path = parts.next()?;
    let version_ok = match parts.next() {
        None => true,
        Some(version) => version.starts_with("HTTP/") && parts.next().is_none(),
    };
    let method_ok = method.chars().all(|c| c.is_ascii_uppercase());
    let path_ok = (path.starts_with('/') || path == "*")
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    (version_ok && method_ok && path_ok && !text.contains(['\t', '\n', '\r']))
        .then_some((method, path))
}

/// `Name: value`.
fn header(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once(':')?;
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let value = value.trim();
    (name_ok && !value.chars().any(char::is_control)).then(|| (name.to_owned(), value.to_owned()))
}

fn kafka_request(
    eval: &mut Evaluator<'_>,
    kafka: &ast::Kafka,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Request> {
    let api_key = match (&kafka.role, &kafka.api_key) {
        (Some(role), _) => match role.node {
            ast::KafkaRole::Produce => "produce".to_owned(),
            ast::KafkaRole::Consume => "fetch".to_owned(),
        },
        (None, Some(key)) => {
            let lowered = key.node.to_ascii_lowercase();
            if !validate::KAFKA_API_KEYS.contains(&lowered.as_str()) {
                diags.push(suggest::did_you_mean_at(
                    report::invalid_flow_request(key.span, &"Kafka API key", &key.node),
                    key.span,
                    &lowered,
                    validate::KAFKA_API_KEYS.iter().copied(),
                    str::to_owned,
                ));
                return None;
            }
            lowered
        }
        (None, None) => {
            diags.push(
                report::invalid_flow_request(kafka.span, &"Kafka request", &"kafka")
                    .note("a Kafka request has one API key")
                    .help("write `kafka produce`, `kafka consume` or `kafka apikey NAME`, with `topic \"NAME\"`"),
            );
            return None;
        }
    };
    let topic = match &kafka.topic {
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            validate::kafka_topic(&text, value.span(), diags)?;
            Some(text)
        }
        None => None,
    };
    let client_id = match &kafka.client {
        Some(value) => Some(eval.string(value, env, diags)?),
        None => None,
    };
    let api_version = match &kafka.version {
        Some(text) => validate::kafka_version(&text.node, text.span, diags)?,
        None => 0,
    };
    Some(ir::Request::Kafka(ir::KafkaRequest {
        api_key,
        api_version,
        client_id,
        topic,
    }))
}
