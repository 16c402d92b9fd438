//! Ingress and egress rules and their peers; ports are in `ports.rs`.
//!
//! A `.netpol` rule has one kind of peer, as a Cilium rule has; several
//! `toServices` entries stay one rule (`service a, services with ...`).

use serde_json::Value;

use super::field::Doc;
use super::ports;
use super::selector::selector;
use crate::import::model::{AwsGroup, Cidr, Kind, Peer, Rule, Selector, Service};
use crate::import::scope;
use crate::ir::Entity;

/// Which way a section's rules go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// `ingress`, `ingressDeny`.
    Ingress,
    /// `egress`, `egressDeny`.
    Egress,
}

/// Why `.netpol` cannot say a rule field: every rule field has a form.
const UNSAYABLE: &[(&str, &str)] = &[];

/// The rules of one section (`ingress`, `egressDeny`, ...).
pub fn section(
    ctx: &mut Doc<'_>,
    path: &str,
    value: &Value,
    section: Section,
    deny: bool,
    kind: Kind,
) -> Vec<Rule> {
    let mut out = Vec::new();
    let Some(items) = ctx.list(path, value) else {
        return out;
    };
    if items.is_empty() {
        ctx.cannot_say(path, "the list is empty, and `.netpol` has no way to write an empty section (Cilium ignores it, or rejects the rule when no section has a rule)");
    }
    for (index, item) in items.iter().enumerate() {
        if let Some(rules) = rule(ctx, &format!("{path}[{index}]"), item, section, deny, kind) {
            out.extend(rules);
        }
    }
    out
}

fn rule(
    ctx: &mut Doc<'_>,
    path: &str,
    value: &Value,
    section: Section,
    deny: bool,
    kind: Kind,
) -> Option<Vec<Rule>> {
    let map = ctx.object(path, value)?;
    let mut rule = Rule {
        peer: Peer::Anywhere,
        ports: Vec::new(),
        icmps: Vec::new(),
        l7: None,
        authentication: None,
        tls: Vec::new(),
        server_names: Vec::new(),
    };
    // An allow rule made only of an empty endpoint list is the empty rule
    // (docs/cilium-semantics.md §5.2): it selects, allows nothing and flips the direction.
    if !deny && map.len() == 1 {
        if let Some((key, Value::Array(items))) = map.iter().next() {
            if items.is_empty() && (key == "fromEndpoints" || key == "toEndpoints") {
                return Some(vec![rule]);
            }
        }
    }
    let known: &[&str] = match section {
        Section::Ingress => &[
            "fromEndpoints",
            "fromCIDR",
            "fromCIDRSet",
            "fromEntities",
            "fromNodes",
            "fromGroups",
            "toPorts",
            "icmps",
        ],
        Section::Egress => &[
            "toEndpoints",
            "toCIDR",
            "toCIDRSet",
            "toEntities",
            "toServices",
            "toFQDNs",
            "toNodes",
            "toGroups",
            "toPorts",
            "icmps",
        ],
    };
    // Deny rules have no `authentication`: there it is an unknown field.
    let mut known = known.to_vec();
    if !deny {
        known.push("authentication");
    }
    let mut peers: Vec<String> = Vec::new();
    let mut port_entries = Vec::new();
    let errors = ctx.diags.len();
    ctx.fields(
        path,
        map,
        &known,
        UNSAYABLE,
        |ctx, key, field, value| match key {
            "toPorts" => port_entries = ports::port_rules(ctx, field, value),
            "authentication" => rule.authentication = authentication(ctx, field, value),
            "icmps" => rule.icmps = ports::icmps(ctx, field, value).unwrap_or_default(),
            _ => {
                peers.push(format!("`{key}`"));
                if let Some(peer) = peer(ctx, key, field, value, kind) {
                    rule.peer = peer;
                }
            }
        },
    );
    if peers.len() > 1 {
        ctx.invalid(
            path,
            format!(
                "Cilium allows one kind of peer per rule, and this rule has {}",
                peers.join(" and ")
            ),
        );
    }
    if ctx.diags.len() != errors {
        return None;
    }
    // One `.netpol` rule per `toPorts` entry, each with the rule's peer
    // (see `ports`).
    if port_entries.is_empty() {
        return Some(vec![rule]);
    }
    Some(
        port_entries
            .into_iter()
            .map(|entry| Rule {
                ports: entry.ports,
                l7: entry.l7,
                tls: entry.tls,
                server_names: entry.server_names,
                ..rule.clone()
            })
            .collect(),
    )
}

/// `authentication`: `{mode: required|disabled|test-always-fail}`.
fn authentication(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<String> {
    let mark = ctx.refusals;
    let map = ctx.object(path, value)?;
    let mut mode = None;
    ctx.fields(path, map, &["mode"], &[], |ctx, _, field, value| {
        let text = ctx.text(field, value);
        match text {
            Some(text) if ["required", "disabled", "test-always-fail"].contains(&text.as_str()) => {
                mode = Some(text);
            }
            Some(text) => ctx.invalid(
                field,
                format!("`{text}` is not an authentication mode; Cilium knows `required`, `disabled` and `test-always-fail`"),
            ),
            None => {}
        }
    });
    if mode.is_none() && !ctx.refused_since(mark) {
        ctx.invalid(path, "Cilium needs a `mode` (`required: [mode]`)");
    }
    mode
}

fn peer(ctx: &mut Doc<'_>, key: &str, path: &str, value: &Value, kind: Kind) -> Option<Peer> {
    let items = ctx.list(path, value)?;
    if items.is_empty() {
        ctx.cannot_say(path, "the list is empty, so the rule matches no peer; `.netpol` has no way to write an empty peer list next to ports");
        return None;
    }
    let at = |index: usize| format!("{path}[{index}]");
    match key {
        "fromEndpoints" | "toEndpoints" => {
            let selectors: Vec<Option<Selector>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| selector(ctx, &at(index), item))
                .collect();
            let selectors = selectors.into_iter().collect::<Option<Vec<_>>>()?;
            if kind == Kind::Ccnp {
                for (index, selector) in selectors.iter().enumerate() {
                    if selector.keys().any(|key| key.starts_with("reserved:"))
                        && !scope::names_pod_namespace(selector)
                    {
                        ctx.cannot_say(
                            &at(index),
                            "a `.netpol` cluster policy scopes every pod peer to namespaces (`in ...`), and Cilium leaves a selector of reserved labels unscoped; the scope would make it match nothing",
                        );
                        return None;
                    }
                }
            }
            Some(Peer::Endpoints(selectors))
        }
        "fromEntities" | "toEntities" => entities(ctx, path, items).map(Peer::Entities),
        "fromCIDR" | "toCIDR" => {
            let cidrs = ctx.cidrs(path, value)?;
            Some(Peer::Cidrs(
                cidrs
                    .into_iter()
                    .map(|cidr| Cidr {
                        cidr,
                        except: Vec::new(),
                        group: false,
                    })
                    .collect(),
            ))
        }
        "fromCIDRSet" | "toCIDRSet"
            if items.iter().all(|item| {
                item.as_object()
                    .is_some_and(|map| map.len() == 1 && map.contains_key("cidrGroupSelector"))
            }) =>
        {
            let selectors: Vec<Option<Selector>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let field = format!("{}.cidrGroupSelector", at(index));
                    item.get("cidrGroupSelector")
                        .and_then(|value| selector(ctx, &field, value))
                })
                .collect();
            selectors
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Peer::CidrGroupSelectors)
        }
        "fromCIDRSet" | "toCIDRSet" => {
            let sets: Vec<Option<Cidr>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| cidr_rule(ctx, &at(index), item))
                .collect();
            sets.into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Peer::Cidrs)
        }
        "toFQDNs" => {
            let names: Vec<Option<String>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| fqdn(ctx, &at(index), item))
                .collect();
            names
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Peer::Fqdns)
        }
        "fromNodes" | "toNodes" => {
            let selectors: Vec<Option<Selector>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| selector(ctx, &at(index), item))
                .collect();
            selectors
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Peer::Nodes)
        }
        "fromGroups" | "toGroups" => {
            let groups: Vec<Option<AwsGroup>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| group(ctx, &at(index), item))
                .collect();
            groups
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Peer::Groups)
        }
        _ => {
            let services: Vec<Option<Service>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| service(ctx, &at(index), item))
                .collect();
            services
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Peer::Services)
        }
    }
}

fn entities(ctx: &mut Doc<'_>, path: &str, items: &[Value]) -> Option<Vec<Entity>> {
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let field = format!("{path}[{index}]");
        let name = ctx.text(&field, item)?;
        let Some((entity, _)) = Entity::NAMES.iter().find(|(_, known)| *known == name) else {
            ctx.invalid(&field, format!("`{name}` is not a Cilium entity"));
            return None;
        };
        if out.contains(entity) {
            ctx.cannot_say(
                &field,
                format!("the entity `{name}` is listed twice, and netpolc writes each entity once"),
            );
            return None;
        }
        out.push(*entity);
    }
    if out.contains(&Entity::All) && out.len() > 1 {
        ctx.cannot_say(
            path,
            "`all` stands for every peer; `.netpol` writes it as `everything`, alone",
        );
        return None;
    }
    Some(out)
}

fn cidr_rule(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Cidr> {
    let map = ctx.object(path, value)?;
    let mut cidr = None;
    let mut group = None;
    let mut except = Vec::new();
    let ok = ctx.fields(
        path,
        map,
        &["cidr", "cidrGroupRef", "except"],
        &[(
            "cidrGroupSelector",
            "a `.netpol` rule selects CIDR groups by label (`cidr groups with ...`) only when every entry of its CIDR set does",
        )],
        |ctx, key, field, value| match key {
            "cidr" => cidr = ctx.cidr(field, value),
            "cidrGroupRef" => group = ctx.word(field, value, "CiliumCIDRGroup name"),
            _ => except = ctx.cidrs(field, value).unwrap_or_default(),
        },
    );
    match (cidr, group) {
        (Some(cidr), None) => Some(Cidr {
            cidr,
            except,
            group: false,
        }),
        (None, Some(name)) if except.is_empty() => {
            ctx.group_refs
                .push((name.clone(), format!("{path}.cidrGroupRef")));
            Some(Cidr {
                cidr: name,
                except,
                group: true,
            })
        }
        (None, Some(_)) => {
            ctx.cannot_say(
                &format!("{path}.except"),
                "Cilium ignores `except` next to a `cidrGroupRef`, and netpolc refuses it (E0203)",
            );
            None
        }
        (Some(_), Some(_)) => {
            ctx.invalid(
                path,
                "a CIDR set entry has one of `cidr`, `cidrGroupRef` and `cidrGroupSelector`",
            );
            None
        }
        (None, None) => {
            if ok && !map.contains_key("cidr") && !map.contains_key("cidrGroupRef") {
                ctx.invalid(
                    path,
                    "a CIDR set entry needs `cidr`, `cidrGroupRef` or `cidrGroupSelector`",
                );
            }
            None
        }
    }
}

/// A `toFQDNs` or `rules.dns` entry, as its name or pattern.
pub fn fqdn(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<String> {
    let map = ctx.object(path, value)?;
    let mut found = Vec::new();
    ctx.fields(
        path,
        map,
        &["matchName", "matchPattern"],
        &[],
        |ctx, _, field, value| found.push(ctx.text(field, value)),
    );
    match found.as_slice() {
        [one] => one.clone(),
        _ => {
            ctx.invalid(
                path,
                "an FQDN selector needs exactly one of `matchName` and `matchPattern`",
            );
            None
        }
    }
}

/// A `rules.dns` entry, as the names and patterns it allows. Unlike a
/// `toFQDNs` entry, the agent accepts one with both `matchName` and
/// `matchPattern`, and its DNS proxy allows a lookup that either matches
/// (both become patterns of the rule), so import writes both.
pub fn dns_selector(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Vec<String>> {
    let map = ctx.object(path, value)?;
    let mut found = Vec::new();
    let known = ctx.fields(
        path,
        map,
        &["matchName", "matchPattern"],
        &[],
        |ctx, _, field, value| found.push(ctx.text(field, value)),
    );
    if found.is_empty() {
        if known {
            ctx.invalid(path, "a DNS rule entry needs `matchName` or `matchPattern`");
        }
        return None;
    }
    found.into_iter().collect()
}

fn service(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Service> {
    let map = ctx.object(path, value)?;
    let mut found = Vec::new();
    ctx.fields(
        path,
        map,
        &["k8sService", "k8sServiceSelector"],
        &[],
        |ctx, key, field, value| {
            let Some(inner) = ctx.object(field, value) else {
                return;
            };
            let mut name = None;
            let mut selector = None;
            let mut namespace = None;
            let known: &[&str] = if key == "k8sService" {
                &["serviceName", "namespace"]
            } else {
                &["selector", "namespace"]
            };
            ctx.fields(
                field,
                inner,
                known,
                &[],
                |ctx, key, field, value| match key {
                    "serviceName" => name = ctx.word(field, value, "service name"),
                    "selector" => selector = self::selector(ctx, field, value),
                    _ if value.as_str() == Some("") => {}
                    _ => namespace = ctx.word(field, value, "namespace name"),
                },
            );
            found.push(match (name, selector) {
                (Some(name), _) => Some(Service::Named { name, namespace }),
                (_, Some(selector)) => Some(Service::Selected {
                    selector,
                    namespace,
                }),
                _ => {
                    ctx.invalid(
                        field,
                        "a service reference needs `serviceName` (or `selector`)",
                    );
                    None
                }
            });
        },
    );
    match found.as_slice() {
        [one] => one.clone(),
        _ => {
            ctx.invalid(
                path,
                "a service entry needs exactly one of `k8sService` and `k8sServiceSelector`",
            );
            None
        }
    }
}

/// One `fromGroups`/`toGroups` entry: `{aws: {...}}`.
fn group(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<AwsGroup> {
    let map = ctx.object(path, value)?;
    let mut out = None;
    let ok = ctx.fields(path, map, &["aws"], &[], |ctx, _, field, value| {
        out = aws(ctx, field, value);
    });
    if ok && !map.contains_key("aws") {
        ctx.cannot_say(
            path,
            "the group names no provider, so it selects nothing; `.netpol` writes AWS groups only (`aws ...`)",
        );
    }
    out.filter(|_| ok)
}

/// `aws: {securityGroupsIds, securityGroupsNames, labels, region}`.
fn aws(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<AwsGroup> {
    let map = ctx.object(path, value)?;
    let errors = ctx.diags.len();
    let mut group = AwsGroup::default();
    ctx.fields(
        path,
        map,
        &[
            "securityGroupsIds",
            "securityGroupsNames",
            "labels",
            "region",
        ],
        &[],
        |ctx, key, field, value| match key {
            "securityGroupsIds" => group.ids = ctx.texts(field, value).unwrap_or_default(),
            "securityGroupsNames" => group.names = ctx.texts(field, value).unwrap_or_default(),
            "region" => group.region = ctx.text(field, value),
            _ => {
                let Some(labels) = ctx.object(field, value) else {
                    return;
                };
                for (key, text) in labels {
                    let path = format!("{field}.{key}");
                    if !super::field::is_word(key, true) {
                        ctx.invalid(&path, format!("`{key}` is not a valid label key"));
                    } else if let Some(text) = ctx.text(&path, text) {
                        group.labels.push((key.clone(), text));
                    }
                }
            }
        },
    );
    if ctx.diags.len() != errors {
        return None;
    }
    if group.ids.is_empty() && group.names.is_empty() && group.labels.is_empty() {
        ctx.cannot_say(
            path,
            "the AWS group names no security group and no label, and netpolc refuses such a group (E0232)",
        );
        return None;
    }
    Some(group)
}
