//! How `trace` prints an [`Answer`]: rustc-like text (a headline, then each
//! side with its deciding rules under carets) or one JSON object.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use netpolc::diag::Label;
use netpolc::diag::json::Position;
use netpolc::diag::render::{self, Snippet, SnippetKind};
use netpolc::flow::{
    Answer, Decider, FlowVerdict, Missed, NearMiss, PolicyRef, Proxy, Side, SideVerdict,
};
use netpolc::ir::{AuthMode, Direction, EndpointSpec, FlowProtocol, FlowSpec, Request, Verdict};
use netpolc::source::{SourceMap, Span};

/// One traced flow, ready to print.
pub struct Trace<'a> {
    /// FROM as the user wrote it.
    pub from: &'a str,
    /// TO as the user wrote it.
    pub to: &'a str,
    /// The parsed flow.
    pub spec: &'a FlowSpec,
    /// The engine's answer.
    pub answer: &'a Answer,
    /// The sources the answer's spans point into.
    pub sources: &'a SourceMap,
    /// True when the policies were imported from YAML.
    pub imported: bool,
}

/// `allowed`, `denied`, `undecided`.
pub fn verdict_word(verdict: FlowVerdict) -> &'static str {
    match verdict {
        FlowVerdict::Allowed => "allowed",
        FlowVerdict::Denied => "denied",
        FlowVerdict::FqdnUnsupported => "undecided",
    }
}

/// `5432/TCP`, `ICMP type 8`, `VRRP`.
pub fn port_text(spec: &FlowSpec) -> String {
    match spec.protocol {
        FlowProtocol::Icmp | FlowProtocol::Icmpv6 => {
            format!("{} type {}", spec.protocol.as_str(), spec.port)
        }
        protocol if protocol.is_portless() => protocol.as_str().to_owned(),
        _ => format!("port {}/{}", spec.port, spec.protocol.as_str()),
    }
}

/// The request in words: `HTTP GET /api`, `DNS lookup of a.b`.
fn request_text(request: &Request) -> String {
    match request {
        Request::Http(http) => format!("HTTP {} {}", http.method, http.path),
        Request::Dns(name) => format!("DNS lookup of {name}"),
        Request::Kafka(kafka) => match &kafka.topic {
            Some(topic) => format!("Kafka {} on topic {topic}", kafka.api_key),
            None => format!("Kafka {}", kafka.api_key),
        },
    }
}

/// The human text.
pub fn human(trace: &Trace<'_>, color: bool) -> String {
    let answer = trace.answer;
    let mut out = String::new();
    let word = verdict_word(answer.verdict);
    let mut headline = format!("{} → {}, {}", trace.from, trace.to, port_text(trace.spec));
    if let Some(request) = &trace.spec.request {
        let _ = write!(headline, ", {}", request_text(request));
    }
    let headline = netpolc::diag::escape::escape(&headline).into_owned();
    if color {
        let tint = match answer.verdict {
            FlowVerdict::Allowed => AnsiColor::Green,
            FlowVerdict::Denied => AnsiColor::Red,
            FlowVerdict::FqdnUnsupported => AnsiColor::Yellow,
        };
        let bold = Style::new().bold();
        let style = bold.fg_color(Some(tint.into()));
        let _ = writeln!(out, "{style}{word}{style:#}{bold}: {headline}{bold:#}\n");
    } else {
        let _ = writeln!(out, "{word}: {headline}\n");
    }
    let mut snippets = Vec::new();
    if trace.imported {
        snippets.push(snippet(
            SnippetKind::Note,
            format!(
                "the YAML policies are shown as `netpolc import` writes them, in `{}/...` (in memory, not on disk), each with its Cilium name",
                super::IMPORTED
            ),
            Vec::new(),
            Vec::new(),
        ));
    }
    side(trace, Direction::Egress, &mut snippets);
    side(trace, Direction::Ingress, &mut snippets);
    for unsupported in &answer.unsupported {
        snippets.push(snippet(
            SnippetKind::Warning,
            format!("not modelled, so the verdict may be wrong: {unsupported}"),
            Vec::new(),
            Vec::new(),
        ));
    }
    if !answer.assumptions.is_empty() {
        snippets.push(snippet(
            SnippetKind::Note,
            "assumed:".to_owned(),
            Vec::new(),
            answer.assumptions.clone(),
        ));
    }
    out.push_str(&render::render_snippets(&snippets, trace.sources, color));
    out
}

fn snippet(kind: SnippetKind, message: String, labels: Vec<Label>, notes: Vec<String>) -> Snippet {
    Snippet {
        kind,
        message,
        labels,
        notes,
    }
}

fn label(span: Span, message: String) -> Label {
    Label { span, message }
}

/// How many near misses the text shows; the JSON object has them all.
const NEAR_MISSES: usize = 2;

/// `egress of FROM` or `ingress of TO`, and the side.
fn which<'a>(trace: &'a Trace<'_>, direction: Direction) -> (&'static str, &'a str, &'a Side) {
    match direction {
        Direction::Egress => ("egress of", trace.from, &trace.answer.egress),
        Direction::Ingress => ("ingress of", trace.to, &trace.answer.ingress),
    }
}

/// The snippets of one side.
fn side(trace: &Trace<'_>, direction: Direction, out: &mut Vec<Snippet>) {
    let (what, end, side) = which(trace, direction);
    let sources = trace.sources;
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    decider_labels(&side.deciders, sources, &mut labels, &mut notes);
    let verdict = match side.verdict {
        SideVerdict::Allow => format!("allowed by {}", names(&side.deciders)),
        SideVerdict::Deny => format!("denied by {}", names(&side.deciders)),
        SideVerdict::DefaultDeny => {
            for policy in &side.enforcing {
                labels.push(label(
                    first_line(policy.origin, sources),
                    format!("{policy} selects it"),
                ));
            }
            "default deny: no rule allows it".to_owned()
        }
        SideVerdict::NoPolicy => {
            let end_spec = match direction {
                Direction::Egress => &trace.spec.from,
                Direction::Ingress => &trace.spec.to,
            };
            notes.push(match end_spec {
                EndpointSpec::Address(_)
                | EndpointSpec::Fqdn(_)
                | EndpointSpec::Entity(netpolc::ir::Entity::World) => {
                    "note: it is outside the cluster, where no policy applies".to_owned()
                }
                _ => format!(
                    "note: no policy selects it for {}, so Cilium lets everything through",
                    direction_word(direction)
                ),
            });
            "no policy".to_owned()
        }
        SideVerdict::FqdnUnsupported => {
            for policy in &side.fqdn_rules {
                labels.push(label(
                    first_line(policy.origin, sources),
                    format!("{policy} allows DNS names on this port"),
                ));
            }
            notes.push("note: only the names DNS answered with decide this flow: trace it to `fqdn NAME` to know".to_owned());
            "undecided: it depends on the DNS cache".to_owned()
        }
    };
    if side.proxy != Proxy::None {
        let parser = side
            .parser
            .as_ref()
            .map(|parser| format!(" (parser `{parser}`)"))
            .unwrap_or_default();
        notes.push(format!(
            "note: redirected to the {} proxy{parser}",
            proxy_name(side.proxy)
        ));
    }
    if let Some(tls) = &side.tls {
        let secret = |context: &netpolc::ir::TlsContext| match &context.secret.namespace {
            Some(namespace) => format!("{namespace}/{}", context.secret.name),
            None => context.secret.name.to_string(),
        };
        if !tls.server_names.is_empty() {
            let names: Vec<String> = tls
                .server_names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect();
            notes.push(format!(
                "note: only TLS connections that name {} (SNI) pass",
                names.join(", ")
            ));
        }
        if let Some(context) = &tls.terminating {
            notes.push(format!(
                "note: the proxy ends the client's TLS with the certificate of secret `{}`",
                secret(context)
            ));
        }
        if let Some(context) = &tls.originating {
            notes.push(format!(
                "note: the proxy starts its own TLS to the server, trusting the CA of secret `{}`",
                secret(context)
            ));
        }
    }
    match side.authentication {
        Some(AuthMode::Required) => notes.push(
            "note: mutual authentication required: the agent holds the traffic until both identities have authenticated each other".to_owned(),
        ),
        Some(AuthMode::TestAlwaysFail) => notes.push(
            "note: authentication `test-always-fail`: the agent's authentication of this traffic always fails".to_owned(),
        ),
        Some(AuthMode::Disabled) | None => {}
    }
    match side.l7_allowed {
        Some(true) => notes.push(format!(
            "note: the {} rules admit the request",
            proxy_name(side.proxy)
        )),
        Some(false) => notes.push(format!(
            "note: the {} rules refuse the request",
            proxy_name(side.proxy)
        )),
        None => {}
    }
    out.push(snippet(
        SnippetKind::Note,
        format!("{what} {end}: {verdict}"),
        labels,
        notes,
    ));
    // The engine lists the right peer on the wrong port first.
    let misses: Vec<&NearMiss> = side.near_misses.iter().collect();
    for miss in misses.into_iter().take(NEAR_MISSES) {
        out.push(near_miss(miss, sources));
    }
    let more = side.near_misses.len().saturating_sub(NEAR_MISSES);
    if more > 0 {
        out.push(snippet(
            SnippetKind::Note,
            format!(
                "{more} more near {}; `--message-format json` lists them all",
                if more == 1 { "miss" } else { "misses" }
            ),
            Vec::new(),
            Vec::new(),
        ));
    }
    if let Some(help) = help(trace, direction) {
        out.push(snippet(SnippetKind::Help, help, Vec::new(), Vec::new()));
    }
}

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    }
}

fn proxy_name(proxy: Proxy) -> &'static str {
    match proxy {
        Proxy::Http | Proxy::None => "HTTP",
        Proxy::Dns => "DNS",
        Proxy::Kafka => "Kafka",
        Proxy::Tls => "TLS",
        Proxy::Listener => "Envoy listener",
        Proxy::Generic => "generic L7",
    }
}

/// `CNP shop/a, CCNP b`.
fn names(deciders: &[Decider]) -> String {
    let names: Vec<String> = deciders.iter().map(ToString::to_string).collect();
    if names.is_empty() {
        "nothing".to_owned()
    } else {
        names.join(", ")
    }
}

/// The labels and notes of deciders: each rule under a caret (one label
/// for the policies that share a rule of a category), the `use` or policy
/// that made each policy when the rule lies outside it, and the category
/// chains.
fn decider_labels(
    deciders: &[Decider],
    sources: &SourceMap,
    labels: &mut Vec<Label>,
    notes: &mut Vec<String>,
) {
    let mut rules: Vec<(Span, Vec<String>)> = Vec::new();
    let mut made: Vec<&PolicyRef> = Vec::new();
    let mut add_note = |note: String| {
        if !notes.contains(&note) {
            notes.push(note);
        }
    };
    for decider in deciders {
        match decider {
            Decider::Rule { policy, origin, .. } => {
                let name = policy.to_string();
                match rules.iter_mut().find(|(span, _)| *span == origin.span) {
                    Some((_, names)) => {
                        if !names.contains(&name) {
                            names.push(name);
                        }
                    }
                    None => rules.push((origin.span, vec![name])),
                }
                if !contains(policy.origin, origin.span) && !made.contains(&policy) {
                    made.push(policy);
                }
                if !origin.categories.is_empty() {
                    let chain: Vec<String> = origin
                        .categories
                        .iter()
                        .map(|category| format!("`{category}`"))
                        .collect();
                    add_note(format!(
                        "note: the rule comes through category {}",
                        chain.join(" → ")
                    ));
                }
            }
            Decider::AllowLocalhost => add_note(
                "note: the local host always reaches the pods of its node (Cilium's `allow-localhost`)"
                    .to_owned(),
            ),
            Decider::AllowAny(direction) => add_note(format!(
                "note: every policy that selects it for {} says `no default deny`, so Cilium allows the rest",
                direction_word(*direction)
            )),
        }
    }
    for (span, names) in rules {
        labels.push(label(span, names.join(", ")));
    }
    for policy in made {
        labels.push(label(
            first_line(policy.origin, sources),
            format!("{policy} is made here"),
        ));
    }
}

/// A near miss as a note with the rule under a caret.
fn near_miss(miss: &NearMiss, sources: &SourceMap) -> Snippet {
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    decider_labels(
        std::slice::from_ref(&miss.rule),
        sources,
        &mut labels,
        &mut notes,
    );
    snippet(
        SnippetKind::Note,
        format!("nearest miss: {}", miss.why),
        labels,
        notes,
    )
}

/// True when `inner` lies inside `outer`.
fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

/// The span cut at its first line break, so that a policy block shows as
/// its first line.
fn first_line(span: Span, sources: &SourceMap) -> Span {
    let text = sources.slice(span);
    match text.find('\n') {
        Some(at) => Span {
            end: span.start + u32::try_from(at).unwrap_or(0),
            ..span
        },
        None => span,
    }
}

/// What would allow a side that refuses the flow: a rule sentence to paste,
/// and where.
pub fn help(trace: &Trace<'_>, direction: Direction) -> Option<String> {
    let (_, _, side) = which(trace, direction);
    let spec = trace.spec;
    match side.verdict {
        SideVerdict::Deny => {
            return Some(
                "a deny rule wins over every allow: narrow or remove it to let the flow through"
                    .to_owned(),
            );
        }
        SideVerdict::DefaultDeny => {}
        _ => {
            if side.l7_allowed == Some(false) {
                let kind = match side.proxy {
                    Proxy::Dns => "a `dns`",
                    Proxy::Kafka => "a `kafka`",
                    Proxy::Tls => "an `sni`",
                    Proxy::Listener => "a `listener`",
                    Proxy::Generic => "an `l7`",
                    Proxy::Http | Proxy::None => "an `http`",
                };
                return Some(format!(
                    "add {kind} rule that admits the request to the rule that allows the flow"
                ));
            }
            return None;
        }
    }
    let (word, peer, subject) = match direction {
        Direction::Egress => ("to", &spec.to, &spec.from),
        Direction::Ingress => ("from", &spec.from, &spec.to),
    };
    let peer = peer_words(peer, direction)?;
    let mut sentence = format!("allow {word} {peer}");
    if let Some(ports) = port_words(spec) {
        sentence.push(' ');
        sentence.push_str(&ports);
    }
    if let Some(request) = &spec.request {
        if let Some(l7) = request_words(request) {
            sentence.push(' ');
            sentence.push_str(&l7);
        }
    }
    let place = match subject {
        EndpointSpec::Pod(pod) => format!(
            "to a policy of namespace `{}` that selects the {}",
            pod.namespace,
            match direction {
                Direction::Egress => "source",
                Direction::Ingress => "destination",
            }
        ),
        EndpointSpec::Node(_) => "to a cluster policy that selects the node".to_owned(),
        _ => "to a policy that selects it".to_owned(),
    };
    Some(format!("to allow it, add `{sentence}` {place}"))
}

/// The peer words for an end of the flow, as a rule of the other end names
/// it; `None` where no rule can name it (an FQDN as an ingress peer).
fn peer_words(end: &EndpointSpec, direction: Direction) -> Option<String> {
    Some(match end {
        EndpointSpec::Pod(pod) => {
            let labels: Vec<String> = pod
                .labels
                .iter()
                .map(|(key, value)| format!("{key}={}", label_value(value)))
                .collect();
            match labels.as_slice() {
                [] => format!("pods in namespace {}", pod.namespace),
                [one] => format!("pods {one} in namespace {}", pod.namespace),
                many => format!(
                    "pods {{{}}} in namespace {}",
                    many.join(", "),
                    pod.namespace
                ),
            }
        }
        EndpointSpec::Node(_) => "entity host, remote-node".to_owned(),
        EndpointSpec::Entity(entity) => format!("entity {}", entity.as_str()),
        EndpointSpec::Address(ip) => format!("cidr {ip}"),
        EndpointSpec::Fqdn(name) => {
            if direction == Direction::Ingress {
                return None;
            }
            format!("fqdn {}", super::quote(name))
        }
    })
}

/// A label value bare when the grammar takes it so, else quoted.
fn label_value(value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if bare {
        value.to_owned()
    } else {
        super::quote(value)
    }
}

/// `port 5432/tcp`, `icmp 8`, `icmp ipv6 128`, `port 0/vrrp`.
fn port_words(spec: &FlowSpec) -> Option<String> {
    Some(match spec.protocol {
        FlowProtocol::Icmp => format!("icmp {}", spec.port),
        FlowProtocol::Icmpv6 => format!("icmp ipv6 {}", spec.port),
        protocol => format!("port {}/{}", spec.port, protocol.word()),
    })
}

/// `http GET "/api/v1/x"` (the path as a regular expression that matches
/// only itself), `dns "a.example.com"`.
fn request_words(request: &Request) -> Option<String> {
    match request {
        Request::Http(http) => {
            let method =
                if http.method.chars().all(|c| c.is_ascii_uppercase()) && !http.method.is_empty() {
                    http.method.clone()
                } else {
                    format!("method {}", super::quote(&regex_escape(&http.method)))
                };
            Some(format!(
                "http {method} {}",
                super::quote(&regex_escape(&http.path))
            ))
        }
        Request::Dns(name) => Some(format!("dns {}", super::quote(name))),
        Request::Kafka(_) => None,
    }
}

/// Escapes RE2's special characters.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The JSON object of a trace (its fields are documented in the README,
/// "Tracing and testing policy"); one line.
pub fn json(trace: &Trace<'_>) -> String {
    let answer = trace.answer;
    let object = JsonTrace {
        verdict: verdict_word(answer.verdict),
        from: trace.from,
        to: trace.to,
        protocol: trace.spec.protocol.as_str(),
        port: trace.spec.port,
        request: trace.spec.request.as_ref().map(request_text),
        egress: json_side(trace, Direction::Egress),
        ingress: json_side(trace, Direction::Ingress),
        unsupported: &answer.unsupported,
        assumptions: &answer.assumptions,
    };
    let mut line = serde_json::to_string(&object).unwrap_or_else(|_| "{}".to_owned());
    line.push('\n');
    line
}

#[derive(Serialize)]
struct JsonTrace<'a> {
    verdict: &'static str,
    from: &'a str,
    to: &'a str,
    protocol: &'static str,
    port: u16,
    request: Option<String>,
    egress: JsonSide,
    ingress: JsonSide,
    unsupported: &'a [String],
    assumptions: &'a [String],
}

#[derive(Serialize)]
struct JsonSide {
    verdict: &'static str,
    deciders: Vec<JsonDecider>,
    proxy: &'static str,
    l7_allowed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication: Option<&'static str>,
    enforcing: Vec<JsonPolicy>,
    fqdn_rules: Vec<JsonPolicy>,
    near_misses: Vec<JsonNearMiss>,
    help: Option<String>,
}

#[derive(Serialize)]
struct JsonDecider {
    name: String,
    kind: Option<&'static str>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end: Option<Position>,
    categories: Vec<String>,
}

#[derive(Serialize)]
struct JsonPolicy {
    name: String,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
}

#[derive(Serialize)]
struct JsonNearMiss {
    rule: JsonDecider,
    /// `port` (the right peer on the wrong port) or `peer`.
    missed: &'static str,
    why: String,
}

fn json_side(trace: &Trace<'_>, direction: Direction) -> JsonSide {
    let (_, _, side) = which(trace, direction);
    let sources = trace.sources;
    JsonSide {
        verdict: side.verdict.as_str(),
        deciders: side
            .deciders
            .iter()
            .map(|decider| json_decider(decider, sources))
            .collect(),
        proxy: side.proxy.as_str(),
        l7_allowed: side.l7_allowed,
        authentication: side.authentication.map(AuthMode::as_str),
        enforcing: side
            .enforcing
            .iter()
            .map(|policy| json_policy(policy, sources))
            .collect(),
        fqdn_rules: side
            .fqdn_rules
            .iter()
            .map(|policy| json_policy(policy, sources))
            .collect(),
        near_misses: side
            .near_misses
            .iter()
            .map(|miss| JsonNearMiss {
                rule: json_decider(&miss.rule, sources),
                missed: match miss.missed {
                    Missed::Port => "port",
                    Missed::Peer => "peer",
                },
                why: miss.why.clone(),
            })
            .collect(),
        help: help(trace, direction),
    }
}

fn json_decider(decider: &Decider, sources: &SourceMap) -> JsonDecider {
    match decider {
        Decider::Rule {
            policy,
            kind,
            origin,
        } => {
            let range = render::locate_span(sources, origin.span);
            JsonDecider {
                name: policy.to_string(),
                kind: Some(match (kind.direction, kind.verdict) {
                    (Direction::Ingress, Verdict::Allow) => "ingress",
                    (Direction::Ingress, Verdict::Deny) => "ingressDeny",
                    (Direction::Egress, Verdict::Allow) => "egress",
                    (Direction::Egress, Verdict::Deny) => "egressDeny",
                }),
                file: Some(sources.path(origin.span.file).to_owned()),
                line: range.map(|(start, _)| start.line),
                column: range.map(|(start, _)| start.column),
                end: range.map(|(_, end)| end),
                categories: origin.categories.clone(),
            }
        }
        other => JsonDecider {
            name: other.to_string(),
            kind: None,
            file: None,
            line: None,
            column: None,
            end: None,
            categories: Vec::new(),
        },
    }
}

fn json_policy(policy: &PolicyRef, sources: &SourceMap) -> JsonPolicy {
    let range = render::locate_span(sources, policy.origin);
    JsonPolicy {
        name: policy.to_string(),
        file: sources.path(policy.origin.file).to_owned(),
        line: range.map(|(start, _)| start.line),
        column: range.map(|(start, _)| start.column),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netpolc::flow::NearMiss;
    use netpolc::ir::{Entity, PodSpec, Program, RuleKind};

    const SHOP: &str = "\
category web_defaults {
  allow from pods app=web port 8080/tcp http GET \"/api/.*\"
}
namespace shop {
  policy api {
    select pods app=api
    allow from pods app=web port 9090/tcp
  }
  use web_defaults
}
";

    fn program() -> (Program, SourceMap) {
        let mut sources = SourceMap::with_stdlib();
        sources.add_user("namespaces/shop.netpol", SHOP);
        let (program, _, diags) = netpolc::check(&sources, &netpolc::Options::default());
        assert!(!netpolc::diag::has_errors(&diags), "{diags:?}");
        (program, sources)
    }

    /// The policies of `shop`, as the engine names them, with their first
    /// ingress rule.
    fn policies(program: &Program) -> Vec<(PolicyRef, netpolc::ir::RuleOrigin)> {
        let shop = program.namespaces.values().next().unwrap();
        shop.policies
            .iter()
            .map(|policy| {
                (
                    PolicyRef {
                        namespace: Some(shop.name.clone()),
                        name: policy.name.clone(),
                        origin: policy.origin,
                    },
                    policy.spec.ingress.first().unwrap().origin.clone(),
                )
            })
            .collect()
    }

    fn spec(program: &Program, port: u16) -> FlowSpec {
        let shop = program.namespaces.keys().next().unwrap();
        FlowSpec {
            from: EndpointSpec::Entity(Entity::World),
            to: EndpointSpec::Pod(PodSpec {
                namespace: shop.clone(),
                labels: std::collections::BTreeMap::new(),
                service_account: None,
            }),
            protocol: FlowProtocol::Tcp,
            port,
            request: None,
        }
    }

    fn rule(policy: &PolicyRef, origin: &netpolc::ir::RuleOrigin) -> Decider {
        Decider::Rule {
            policy: policy.clone(),
            kind: RuleKind::INGRESS,
            origin: origin.clone(),
        }
    }

    /// Ingress enforced by `api`, whose rule is for port 9090: default deny
    /// with a near miss.
    fn denied(program: &Program) -> Answer {
        let policies = policies(program);
        let (api, api_rule) = policies
            .iter()
            .find(|(policy, _)| policy.name.as_str() == "api")
            .unwrap();
        Answer {
            egress: Side::default(),
            ingress: Side {
                verdict: SideVerdict::DefaultDeny,
                enforcing: vec![api.clone()],
                near_misses: vec![NearMiss {
                    rule: rule(api, api_rule),
                    missed: Missed::Peer,
                    why: "the peer is not pods app=web in namespace shop".to_owned(),
                }],
                ..Side::default()
            },
            verdict: FlowVerdict::Denied,
            unsupported: Vec::new(),
            assumptions: vec!["the pod of namespace shop has no labels".to_owned()],
        }
    }

    #[test]
    fn default_deny_shows_the_enforcing_policy_the_near_miss_and_a_rule_to_paste() {
        let (program, sources) = program();
        let answer = denied(&program);
        let spec = spec(&program, 8080);
        let trace = Trace {
            from: "entity world",
            to: "namespace shop",
            spec: &spec,
            answer: &answer,
            sources: &sources,
            imported: false,
        };
        insta::assert_snapshot!(human(&trace, false));
    }

    #[test]
    fn an_allow_through_a_category_shows_the_use_and_the_proxy() {
        let (program, sources) = program();
        let policies = policies(&program);
        let (defaults, defaults_rule) = policies
            .iter()
            .find(|(policy, origin)| policy.name.as_str() != "api" || !origin.categories.is_empty())
            .unwrap();
        let answer = Answer {
            ingress: Side {
                verdict: SideVerdict::Allow,
                deciders: vec![rule(defaults, defaults_rule)],
                proxy: Proxy::Http,
                l7_allowed: Some(false),
                enforcing: policies.iter().map(|(policy, _)| policy.clone()).collect(),
                ..Side::default()
            },
            verdict: FlowVerdict::Denied,
            ..Answer::default()
        };
        let mut spec = spec(&program, 8080);
        spec.request = Some(Request::Http(netpolc::ir::HttpRequest {
            method: "POST".to_owned(),
            path: "/admin.php".to_owned(),
            ..Default::default()
        }));
        let trace = Trace {
            from: "entity world",
            to: "namespace shop",
            spec: &spec,
            answer: &answer,
            sources: &sources,
            imported: false,
        };
        insta::assert_snapshot!(human(&trace, false));
    }

    #[test]
    fn json_has_both_sides_with_positions_in_a_stable_order() {
        let (program, sources) = program();
        let answer = denied(&program);
        let spec = spec(&program, 8080);
        let trace = Trace {
            from: "entity world",
            to: "namespace shop",
            spec: &spec,
            answer: &answer,
            sources: &sources,
            imported: false,
        };
        let text = json(&trace);
        assert_eq!(text.lines().count(), 1);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Every top-level key first appears at the top level, in this order.
        let keys = [
            "verdict",
            "from",
            "to",
            "protocol",
            "port",
            "request",
            "egress",
            "ingress",
            "unsupported",
            "assumptions",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|key| text.find(&format!("\"{key}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|pair| pair[0] < pair[1]), "{text}");
        assert_eq!(value.as_object().unwrap().len(), keys.len());
        assert_eq!(value["verdict"], "denied");
        assert_eq!(value["port"], 8080);
        assert_eq!(value["egress"]["verdict"], "no-policy");
        assert_eq!(value["egress"]["help"], serde_json::Value::Null);
        let ingress = &value["ingress"];
        assert_eq!(ingress["verdict"], "default-deny");
        assert_eq!(ingress["enforcing"][0]["name"], "CNP shop/api");
        assert_eq!(ingress["enforcing"][0]["file"], "namespaces/shop.netpol");
        assert_eq!(ingress["enforcing"][0]["line"], 5);
        let miss = &ingress["near_misses"][0]["rule"];
        assert_eq!(miss["kind"], "ingress");
        assert_eq!(
            (miss["line"].clone(), miss["column"].clone()),
            (7.into(), 5.into())
        );
        assert_eq!(
            ingress["help"],
            "to allow it, add `allow from entity world port 8080/tcp` to a policy of namespace `shop` that selects the destination"
        );
    }

    #[test]
    fn help_names_the_peer_as_a_rule_would() {
        let (program, _) = program();
        let shop = program.namespaces.keys().next().unwrap();
        let pod = EndpointSpec::Pod(PodSpec {
            namespace: shop.clone(),
            labels: std::collections::BTreeMap::new(),
            service_account: None,
        });
        assert_eq!(
            peer_words(&pod, Direction::Egress).unwrap(),
            "pods in namespace shop"
        );
        assert_eq!(
            peer_words(
                &EndpointSpec::Address("10.0.0.1".parse().unwrap()),
                Direction::Egress
            )
            .unwrap(),
            "cidr 10.0.0.1"
        );
        assert_eq!(
            peer_words(
                &EndpointSpec::Entity(Entity::KubeApiserver),
                Direction::Ingress
            )
            .unwrap(),
            "entity kube-apiserver"
        );
        assert_eq!(label_value("web"), "web");
        assert_eq!(label_value("a b"), "\"a b\"");
        assert_eq!(regex_escape("/a.php?x"), "/a\\.php\\?x");
        let http = Request::Http(netpolc::ir::HttpRequest {
            method: "GET".to_owned(),
            path: "/v1/x.json".to_owned(),
            ..Default::default()
        });
        assert_eq!(request_words(&http).unwrap(), "http GET \"/v1/x\\\\.json\"");
    }
}
