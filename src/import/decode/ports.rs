//! Port rules: ports and protocols, L7 rules (HTTP, Kafka, DNS), TLS server
//! names and ICMP types.
//!
//! A `.netpol` rule has one port list with one set of L7 rules, and one ICMP
//! list. A Cilium rule with several `toPorts` entries becomes one `.netpol`
//! rule per entry, each with the rule's peer: the agent makes the policy map
//! entries of each entry on its own (its ports, with its L7 rules, for the
//! rule's peers), and entries for the same port merge alike whether they
//! come from one rule or from several, so the split rules allow exactly what
//! the one rule did (tests/it/equivalence.rs, normalisation 14). A rule with
//! several `icmps` entries is refused (E0701).

use serde_json::{Map, Value};

use super::field::{Doc, describe};
use super::rule::dns_selector;
use crate::import::model::{HeaderMatch, Http, Icmp, Kafka, L7, Listener, Port, Tls};
use crate::ir;
use crate::ir::IcmpFamily;

/// One `toPorts` entry: its ports, and its L7 rules or server names.
#[derive(Clone, Debug, Default)]
pub struct PortEntry {
    /// `ports`.
    pub ports: Vec<Port>,
    /// `rules`, or `serverNames`.
    pub l7: Option<L7>,
    /// `terminatingTLS` and `originatingTLS`.
    pub tls: Vec<Tls>,
    /// `serverNames`.
    pub server_names: Vec<String>,
}

/// `toPorts`: each entry, in order (an empty list is refused).
pub fn port_rules(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Vec<PortEntry> {
    let Some(items) = ctx.list(path, value) else {
        return Vec::new();
    };
    if items.is_empty() {
        ctx.cannot_say(
            path,
            "the list is empty, and `.netpol` has no way to write an empty `toPorts`",
        );
        return Vec::new();
    }
    items
        .iter()
        .enumerate()
        .map(|(index, entry)| port_rule(ctx, &format!("{path}[{index}]"), entry))
        .collect()
}

/// One `toPorts` entry.
fn port_rule(ctx: &mut Doc<'_>, path: &str, entry: &Value) -> PortEntry {
    let mark = ctx.refusals;
    let mut rule = PortEntry::default();
    let Some(map) = ctx.object(path, entry) else {
        return rule;
    };
    let mut server_names = None;
    let mut listener = None;
    let mut terminating = None;
    let mut originating = None;
    ctx.fields(
        path,
        map,
        &[
            "ports",
            "rules",
            "serverNames",
            "listener",
            "terminatingTLS",
            "originatingTLS",
        ],
        &[],
        |ctx, key, field, value| match key {
            "ports" => rule.ports = ports(ctx, field, value),
            "serverNames" => server_names = server_name_list(ctx, field, value),
            "listener" => listener = envoy_listener(ctx, field, value),
            "terminatingTLS" => terminating = tls_context(ctx, field, value, false),
            "originatingTLS" => originating = tls_context(ctx, field, value, true),
            _ => rule.l7 = l7(ctx, field, value),
        },
    );
    rule.tls = terminating.into_iter().chain(originating).collect();
    if !rule.tls.is_empty() && rule.l7.is_none() {
        ctx.cannot_say(
            path,
            "the agent ignores `terminatingTLS` and `originatingTLS` on a port rule without L7 `rules`, and `.netpol` refuses TLS that has no effect (E0235): remove them, or add the L7 rules the proxy should read",
        );
    }
    if let Some(listener) = listener {
        if rule.l7.is_some() || server_names.is_some() {
            ctx.cannot_say(
                path,
                "`.netpol` has no way to write a listener together with L7 `rules` or `serverNames` (the agent refuses a listener with L7 rules)",
            );
        } else {
            rule.l7 = Some(L7::Listener(listener));
        }
    }
    if let Some(names) = server_names {
        if rule.l7.is_some() && !rule.tls.iter().any(|tls| !tls.originate) {
            ctx.invalid(
                path,
                "Cilium refuses `serverNames` together with L7 `rules` unless the proxy terminates TLS (`terminatingTLS`)",
            );
        } else {
            rule.server_names = names;
        }
    }
    if rule.ports.is_empty()
        && rule.l7.is_none()
        && rule.server_names.is_empty()
        && !ctx.refused_since(mark)
    {
        ctx.cannot_say(
            path,
            "the port rule is empty, and `.netpol` has no way to write it",
        );
    }
    rule
}

/// `listener`: `{envoyConfig: {kind?, name}, name, priority?}`.
fn envoy_listener(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Listener> {
    let mark = ctx.refusals;
    let map = ctx.object(path, value)?;
    let mut out = Listener::default();
    let mut config = None;
    ctx.fields(
        path,
        map,
        &["envoyConfig", "name", "priority"],
        &[],
        |ctx, key, field, value| match (key, value) {
            ("name", Value::String(text)) if !text.is_empty() => out.name.clone_from(text),
            ("priority", Value::Number(number))
                if number.as_u64().is_some_and(|n| (1..=100).contains(&n)) =>
            {
                out.priority = number.as_u64();
            }
            ("priority", _) => ctx.invalid(field, "the priority is a number from 1 to 100"),
            ("envoyConfig", value) => config = Some(value.clone()),
            (_, other) => ctx.invalid(field, format!("unexpected {} here", describe(other))),
        },
    );
    let field = format!("{path}.envoyConfig");
    if let Some(config) = config {
        let map = ctx.object(&field, &config)?;
        ctx.fields(
            &field,
            map,
            &["kind", "name"],
            &[],
            |ctx, key, field, value| match (key, value) {
                ("name", Value::String(text)) if !text.is_empty() => out.config.clone_from(text),
                ("kind", Value::String(text)) if text == "CiliumEnvoyConfig" => {
                    out.clusterwide = Some(false)
                }
                ("kind", Value::String(text)) if text == "CiliumClusterwideEnvoyConfig" => {
                    out.clusterwide = Some(true)
                }
                ("kind", _) => ctx.invalid(
                    field,
                    "the kind is `CiliumEnvoyConfig` or `CiliumClusterwideEnvoyConfig`",
                ),
                (_, other) => ctx.invalid(field, format!("unexpected {} here", describe(other))),
            },
        );
    }
    if ctx.refused_since(mark) {
        return None;
    }
    if out.name.is_empty() || out.config.is_empty() {
        ctx.invalid(path, "a listener needs a `name` and an `envoyConfig.name`");
        return None;
    }
    Some(out)
}

fn ports(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Vec<Port> {
    let mut out = Vec::new();
    for (index, item) in ctx.list(path, value).unwrap_or_default().iter().enumerate() {
        let field = format!("{path}[{index}]");
        let mark = ctx.refusals;
        let Some(map) = ctx.object(&field, item) else {
            continue;
        };
        let mut port = Port {
            port: String::new(),
            end_port: None,
            protocol: None,
        };
        ctx.fields(&field, map, &["port", "endPort", "protocol"], &[], |ctx, key, field, value| match (key, value) {
            ("port", Value::String(text)) => port.port.clone_from(text),
            ("port", Value::Number(number)) => port.port = number.to_string(),
            ("endPort", Value::Number(number)) if number.as_u64().is_some_and(|n| n <= 65535) => {
                port.end_port = number.as_u64().and_then(|n| u32::try_from(n).ok());
            }
            ("protocol", Value::String(text)) => match text.as_str() {
                "TCP" | "UDP" | "SCTP" | "VRRP" | "IGMP" | "GRE" | "IPIP" | "IPV6" | "ESP" | "AH" => port.protocol = Some(text.to_ascii_lowercase()),
                "ANY" => {}
                _ => ctx.invalid(field, "the protocol is one of `TCP`, `UDP`, `SCTP`, `VRRP`, `IGMP`, `ANY` and (Cilium 1.20) `GRE`, `IPIP`, `IPV6`, `ESP`, `AH`, in upper case"),
            },
            (_, other) => ctx.invalid(field, format!("unexpected {} here", describe(other))),
        });
        if ctx.refused_since(mark) {
            continue;
        }
        // VRRP and IGMP carry no ports: Cilium takes `"0"`, or no port
        // (with `enable-extended-ip-protocols`), for the whole protocol;
        // `.netpol` writes `0/vrrp` (tests/it/equivalence.rs,
        // normalisation 15).
        if matches!(
            port.protocol.as_deref(),
            Some("vrrp" | "igmp" | "gre" | "ipip" | "ipv6" | "esp" | "ah")
        ) {
            if (port.port.is_empty() || port.port == "0") && port.end_port.is_none() {
                port.port = "0".to_owned();
                out.push(port);
            } else {
                ctx.invalid(
                    &field,
                    "Cilium refuses VRRP, IGMP and the protocols of 1.20 (GRE, IPIP, IPV6, ESP, AH) with a port other than \"0\" or empty",
                );
            }
            continue;
        }
        let numeric = !port.port.is_empty() && port.port.bytes().all(|b| b.is_ascii_digit());
        let named = port.port.starts_with(|c: char| c.is_ascii_alphabetic())
            && port
                .port
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if port.port.is_empty() {
            ctx.invalid(&field, "Cilium v1.19 needs a `port` (\"0\" for every port)");
        } else if !numeric && !named {
            ctx.invalid(
                &format!("{field}.port"),
                format!("`{}` is neither a port number nor a port name", port.port),
            );
        } else {
            out.push(port);
        }
    }
    out
}

/// `serverNames`: a non-empty list of non-empty strings, each kept once in
/// first-seen order (the pattern is checked when the imported file is
/// built).
fn server_name_list(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Vec<String>> {
    let mark = ctx.refusals;
    let items = ctx.list(path, value)?;
    if items.is_empty() {
        ctx.invalid(
            path,
            "Cilium needs at least one server name (`minItems: 1`)",
        );
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let field = format!("{path}[{index}]");
        match item {
            Value::String(text) if text.is_empty() => {
                ctx.invalid(&field, "Cilium refuses an empty server name");
            }
            // The names are alternatives: a name listed twice allows
            // nothing more (docs/cilium-semantics.md §3.4).
            Value::String(text) if out.contains(text) => {
                ctx.normalised.push(format!(
                    "`{field}` lists the server name `{text}` again: imported once"
                ));
            }
            Value::String(text) => out.push(text.clone()),
            other => ctx.invalid(
                &field,
                format!(
                    "unexpected {} here, a server name is a string",
                    describe(other)
                ),
            ),
        }
    }
    (!ctx.refused_since(mark)).then_some(out)
}

fn l7(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<L7> {
    let mark = ctx.refusals;
    let map = ctx.object(path, value)?;
    let mut found = Vec::new();
    let mut proto = None;
    let mut generic = None;
    ctx.fields(path, map, &["http", "kafka", "dns", "l7proto", "l7"], &[], |ctx, key, field, value| {
        if key == "l7proto" {
            match value {
                Value::String(text) if !text.is_empty() => proto = Some(text.clone()),
                _ => ctx.invalid(field, "`l7proto` names a protocol"),
            }
            return;
        }
        if key == "l7" {
            generic = generic_rules(ctx, field, value);
            return;
        }
        let Some(items) = ctx.list(field, value) else {
            return;
        };
        if items.is_empty() {
            // The agent chooses a port's L7 parser by the lists' lengths and
            // adds L7 rules only when there are some (`createL4Filter`,
            // `L7Rules.IsEmpty`), so an empty list restricts nothing: the
            // same as no `rules` (docs/cilium-semantics.md §3.4).
            ctx.normalised.push(format!("`{field}` is an empty list, which Cilium reads as no L7 rules: imported without it"));
            return;
        }
        let at = |index: usize| format!("{field}[{index}]");
        found.push(match key {
            "http" => items.iter().enumerate().map(|(index, item)| http(ctx, &at(index), item)).collect::<Option<Vec<_>>>().map(L7::Http),
            "kafka" => items.iter().enumerate().map(|(index, item)| kafka(ctx, &at(index), item)).collect::<Option<Vec<_>>>().map(L7::Kafka),
            _ => items.iter().enumerate().map(|(index, item)| dns_selector(ctx, &at(index), item)).collect::<Option<Vec<_>>>().map(|lists| L7::Dns(lists.into_iter().flatten().collect())),
        });
    });
    match (proto, generic) {
        (Some(_), _) if ctx.refused_since(mark) => return None,
        (Some(proto), Some(rules)) if !rules.is_empty() => {
            found.push(Some(L7::Generic(proto, rules)));
        }
        (Some(_), _) => {
            ctx.cannot_say(
                path,
                "`l7proto` without `l7` rules, and `.netpol` writes a generic L7 rule as `l7` lines",
            );
            return None;
        }
        (None, Some(_)) => {
            ctx.invalid(path, "Cilium refuses `l7` without `l7proto`");
            return None;
        }
        (None, None) => {}
    }
    match found.as_slice() {
        [one] => one.clone(),
        [] if map.is_empty() => {
            ctx.normalised.push(format!(
                "`{path}` is empty, which Cilium reads as no L7 rules: imported without it"
            ));
            None
        }
        [] => None,
        _ => {
            ctx.invalid(path, "Cilium allows one kind of L7 rule per port rule");
            None
        }
    }
}

/// `rules.l7`: maps of strings, no key empty.
fn generic_rules(
    ctx: &mut Doc<'_>,
    path: &str,
    value: &Value,
) -> Option<Vec<std::collections::BTreeMap<String, String>>> {
    let mut out = Vec::new();
    for (index, item) in ctx.list(path, value)?.iter().enumerate() {
        let field = format!("{path}[{index}]");
        let map = ctx.object(&field, item)?;
        let mut pairs = std::collections::BTreeMap::new();
        for (key, value) in map {
            match value {
                Value::String(text) if !key.is_empty() => {
                    pairs.insert(key.clone(), text.clone());
                }
                _ if key.is_empty() => {
                    ctx.invalid(&field, "the Cilium agent refuses an `l7` key that is empty");
                    return None;
                }
                other => {
                    ctx.invalid(
                        &format!("{field}.{key}"),
                        format!("unexpected {} here", describe(other)),
                    );
                    return None;
                }
            }
        }
        out.push(pairs);
    }
    Some(out)
}

fn http(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Http> {
    let map = ctx.object(path, value)?;
    let mut out = Http::default();
    let mut matches = Vec::new();
    let mut ok = ctx.fields(
        path,
        map,
        &["method", "path", "host", "headers", "headerMatches"],
        &[],
        |ctx, key, field, value| match key {
            "method" => out.method = ctx.text(field, value),
            "path" => out.path = ctx.text(field, value),
            "host" => out.host = ctx.text(field, value),
            "headerMatches" => matches.push((field.to_owned(), value)),
            _ => out.headers = ctx.texts(field, value).unwrap_or_default(),
        },
    );
    for (field, value) in matches {
        for (index, entry) in ctx
            .list(&field, value)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            match header_match(ctx, &format!("{field}[{index}]"), entry) {
                // A name alone is a presence match, as `headers: [name]`
                // is to Cilium's proxy.
                Some(header)
                    if header.value.is_none()
                        && header.secret.is_none()
                        && header.mismatch.is_none() =>
                {
                    out.headers.push(header.name);
                }
                Some(header) => out.header_matches.push(header),
                None => ok = false,
            }
        }
    }
    ok.then_some(out)
}

/// One `headerMatches` entry (Cilium's rule 22: a name, a known
/// `mismatch`, a secret with a name).
fn header_match(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<HeaderMatch> {
    let map = ctx.object(path, value)?;
    let mut out = HeaderMatch::default();
    let mut secret = None;
    let mut ok = ctx.fields(
        path,
        map,
        &["name", "value", "secret", "mismatch"],
        &[],
        |ctx, key, field, value| match key {
            "name" => out.name = ctx.text(field, value).unwrap_or_default(),
            "value" => out.value = ctx.text(field, value).filter(|text| !text.is_empty()),
            "secret" => secret = Some((field.to_owned(), value)),
            _ => match ctx.text(field, value) {
                Some(text) if ir::Mismatch::from_crd(&text).is_some() => {
                    out.mismatch = Some(text.to_ascii_lowercase());
                }
                Some(text) => ctx.invalid(
                    field,
                    format!("`{text}` is not a mismatch action (LOG, ADD, DELETE or REPLACE)"),
                ),
                None => {}
            },
        },
    );
    if out.name.is_empty() {
        ctx.invalid(path, "a header match needs a name");
        ok = false;
    }
    if let Some((field, value)) = secret {
        out.secret = Some(secret_ref(ctx, &field, value)?);
    }
    ok.then_some(out)
}

/// A secret, `{name, namespace?}`, as `name` or `namespace/name`.
fn secret_ref(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<String> {
    let map = ctx.object(path, value)?;
    let mut name = String::new();
    let mut namespace = None;
    let ok = ctx.fields(
        path,
        map,
        &["name", "namespace"],
        &[],
        |ctx, key, at, value| {
            let text = ctx.text(at, value).unwrap_or_default();
            if key == "name" {
                name = text;
            } else if !text.is_empty() {
                namespace = Some(text);
            }
        },
    );
    if name.is_empty() {
        ctx.invalid(path, "a secret needs a name");
        return None;
    }
    ok.then(|| match namespace {
        Some(namespace) => format!("{namespace}/{name}"),
        None => name,
    })
}

/// `terminatingTLS` or `originatingTLS`: `{secret, trustedCA?,
/// certificate?, privateKey?}`.
fn tls_context(ctx: &mut Doc<'_>, path: &str, value: &Value, originate: bool) -> Option<Tls> {
    let map = ctx.object(path, value)?;
    let mut out = Tls {
        originate,
        ..Tls::default()
    };
    let mut secret = None;
    let mut ok = ctx.fields(
        path,
        map,
        &["secret", "trustedCA", "certificate", "privateKey"],
        &[],
        |ctx, key, field, value| {
            if key == "secret" {
                secret = Some((field.to_owned(), value));
                return;
            }
            let text = ctx.text(field, value).filter(|text| !text.is_empty());
            match key {
                "trustedCA" => out.trusted_ca = text,
                "certificate" => out.certificate = text,
                _ => out.private_key = text,
            }
        },
    );
    match secret {
        Some((field, value)) => match secret_ref(ctx, &field, value) {
            Some(secret) => out.secret = secret,
            None => ok = false,
        },
        None => {
            ctx.invalid(path, "a TLS context needs a `secret`");
            ok = false;
        }
    }
    ok.then_some(out)
}

fn kafka(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Kafka> {
    let map = ctx.object(path, value)?;
    let mut out = Kafka::default();
    let ok = ctx.fields(
        path,
        map,
        &["role", "apiKey", "apiVersion", "clientID", "topic"],
        &[],
        |ctx, key, field, value| match key {
            "role" => out.role = ctx.text(field, value),
            "apiKey" => out.api_key = ctx.word(field, value, "Kafka API key"),
            "apiVersion" => out.api_version = ctx.text(field, value),
            "clientID" => out.client_id = ctx.text(field, value),
            _ => out.topic = ctx.text(field, value),
        },
    );
    if out.role.is_some() && out.api_key.is_some() {
        ctx.invalid(
            path,
            "Cilium rejects a Kafka rule with both `role` and `apiKey`",
        );
        return None;
    }
    if let Some(role) = &out.role {
        if role != "produce" && role != "consume" {
            ctx.cannot_say(
                &format!("{path}.role"),
                format!(
                    "netpolc writes the role `produce` or `consume` in lower case, not `{role}`"
                ),
            );
            return None;
        }
    }
    if out
        .api_version
        .as_ref()
        .is_some_and(|version| version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()))
    {
        ctx.invalid(
            &format!("{path}.apiVersion"),
            "a Kafka API version is a number from 0 to 32767",
        );
        return None;
    }
    ok.then_some(out)
}

pub fn icmps(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Vec<Icmp>> {
    let items = ctx.list(path, value)?;
    let [entry] = items else {
        ctx.cannot_say(
            path,
            format!(
                "the rule has {} `icmps` entries, and a `.netpol` rule has one ICMP list",
                items.len()
            ),
        );
        return None;
    };
    let path = format!("{path}[0]");
    let map: &Map<String, Value> = ctx.object(&path, entry)?;
    let mut out = Vec::new();
    ctx.fields(&path, map, &["fields"], &[], |ctx, _, field, value| {
        for (index, item) in ctx
            .list(field, value)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let item_path = format!("{field}[{index}]");
            let Some(item) = ctx.object(&item_path, item) else {
                continue;
            };
            let mut icmp = Icmp {
                family: IcmpFamily::V4,
                kind: String::new(),
            };
            ctx.fields(
                &item_path,
                item,
                &["type", "family"],
                &[],
                |ctx, key, field, value| match (key, value) {
                    ("type", Value::Number(number)) => icmp.kind = number.to_string(),
                    ("type", Value::String(name))
                        if name.chars().all(|c| c.is_ascii_alphabetic()) && !name.is_empty() =>
                    {
                        icmp.kind.clone_from(name)
                    }
                    ("family", Value::String(family)) if family == "IPv4" => {
                        icmp.family = IcmpFamily::V4
                    }
                    ("family", Value::String(family)) if family == "IPv6" => {
                        icmp.family = IcmpFamily::V6
                    }
                    ("type", _) => ctx.cannot_say(
                        field,
                        "netpolc writes an ICMP type as a number or a CamelCase name",
                    ),
                    _ => ctx.invalid(field, "the family is `IPv4` or `IPv6`"),
                },
            );
            if icmp.kind.is_empty() {
                ctx.invalid(&item_path, "an ICMP field needs a `type`");
            } else {
                out.push(icmp);
            }
        }
    });
    Some(out)
}
