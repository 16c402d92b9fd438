//! The `.netpol` printer: imported policies as source text, one statement
//! per line with L7 rules on their own lines under their rule; the driver
//! then gives the text the canonical layout of [`crate::fmt`]. Selectors
//! and scopes are printed by `selectors.rs`.
//!
//! **Invariant:** what is printed compiles back to the policy it came from.

use std::fmt::Write as _;

use super::consts::Consts;
use super::idioms::Use;
use super::model::{
    AwsGroup, Cidr, CidrGroup, Http, Icmp, Kafka, Kind, L7, Peer, Port, Rule, Service, Spec,
};
use super::selectors::{self, endpoints, label_value, subject};
use crate::ir::{Entity, IcmpFamily};
pub use crate::syntax::quote;

/// One policy block to print.
pub struct PolicyText<'a> {
    /// `policy` or `cluster policy`.
    pub keyword: &'static str,
    /// The policy's name.
    pub name: &'a str,
    /// Comment lines above the block, without `# `.
    pub comments: &'a [String],
    /// The rule, without the rules that became `use` statements.
    pub spec: &'a Spec,
    /// `use` statements.
    pub uses: &'a [Use],
    /// Whether the policy is namespaced.
    pub kind: Kind,
}

/// Appends one policy block, indented by `indent` spaces.
pub fn policy(out: &mut String, indent: usize, policy: &PolicyText<'_>, consts: &Consts) {
    let pad = " ".repeat(indent);
    for comment in policy.comments {
        // Comments cite input files and policy names: escaped, so that no
        // line break in them ends the comment.
        push_line(
            out,
            &pad,
            &format!("# {}", crate::emit::escape_comment(comment)),
        );
    }
    push_line(out, &pad, &format!("{} {} {{", policy.keyword, policy.name));
    let inner = format!("{pad}  ");
    let spec = policy.spec;
    if spec.rest.is_empty() {
        rule_set(out, &inner, spec, policy, consts, true);
    } else {
        // Several rules: the metadata, then one `spec` block per rule.
        metadata(out, &inner, spec);
        let deeper = format!("{inner}  ");
        push_line(out, &inner, "spec {");
        rule_set(out, &deeper, spec, policy, consts, false);
        push_line(out, &inner, "}");
        let more = PolicyText {
            uses: &[],
            ..*policy
        };
        for other in &spec.rest {
            push_line(out, &inner, "spec {");
            rule_set(out, &deeper, other, &more, consts, false);
            push_line(out, &inner, "}");
        }
    }
    push_line(out, &pad, "}");
}

/// The object's `metadata label` and `metadata annotation` statements.
fn metadata(out: &mut String, inner: &str, spec: &Spec) {
    for (key, value) in &spec.metadata_labels {
        push_line(
            out,
            inner,
            &format!("metadata label {key}={}", label_value(value)),
        );
    }
    for (key, value) in &spec.annotations {
        push_line(
            out,
            inner,
            &format!("metadata annotation {key}={}", quote(value)),
        );
    }
}

/// The statements of one rule, at `inner`: with its object's metadata
/// when `with_metadata`, with the `use` statements of `policy`.
fn rule_set(
    out: &mut String,
    inner: &str,
    spec: &Spec,
    policy: &PolicyText<'_>,
    consts: &Consts,
    with_metadata: bool,
) {
    if let Some(description) = &spec.description {
        push_line(out, inner, &format!("description {}", quote(description)));
    }
    for (key, value) in &spec.labels {
        push_line(out, inner, &format!("label {key}={}", label_value(value)));
    }
    if let Some(log) = &spec.log {
        push_line(out, inner, &format!("log {}", quote(log)));
    }
    if with_metadata {
        metadata(out, inner, spec);
    }
    push_line(
        out,
        inner,
        &format!("select {}", subject(&spec.subject, policy.kind)),
    );
    let no_default: Vec<&str> = [
        (spec.no_default_deny_ingress, "ingress"),
        (spec.no_default_deny_egress, "egress"),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, direction)| *direction)
    .collect();
    if !no_default.is_empty() {
        push_line(
            out,
            inner,
            &format!("no default deny {}", no_default.join(", ")),
        );
    }
    let empty_ingress = spec.ingress.iter().filter(|rule| rule.is_empty()).count();
    let empty_egress = spec.egress.iter().filter(|rule| rule.is_empty()).count();
    let both = empty_ingress.min(empty_egress);
    for _ in 0..both {
        push_line(out, inner, "default deny ingress, egress");
    }
    for _ in both..empty_ingress {
        push_line(out, inner, "default deny ingress");
    }
    for _ in both..empty_egress {
        push_line(out, inner, "default deny egress");
    }
    for statement in policy.uses {
        push_line(out, inner, &use_statement(statement, consts));
    }
    let sections = [
        (&spec.ingress, "allow from"),
        (&spec.ingress_deny, "deny from"),
        (&spec.egress, "allow to"),
        (&spec.egress_deny, "deny to"),
    ];
    for (rules, verb) in sections {
        for rule in rules.iter().filter(|rule| !rule.is_empty()) {
            print_rule(out, inner, verb, rule, policy.kind, consts);
        }
    }
}

fn push_line(out: &mut String, pad: &str, text: &str) {
    out.push_str(pad);
    out.push_str(text);
    out.push('\n');
}

/// The statement that stands for a stdlib category: its rule sentence
/// (`allow dns "*.example.com"`), or `use NAME` when it has none.
fn use_statement(statement: &Use, consts: &Consts) -> String {
    match (statement, statement.sentence()) {
        (Use::Dns(patterns), Some(sentence))
            if !(patterns.len() == 1 && patterns.iter().all(|pattern| pattern == "*")) =>
        {
            format!("{sentence} {}", fqdn_list(patterns, consts, false))
        }
        (_, Some(sentence)) => sentence.to_owned(),
        (Use::Plain(name), None) => format!("use {name}"),
        (Use::Dns(_), None) => "use allow_dns".to_owned(),
    }
}

fn print_rule(out: &mut String, pad: &str, verb: &str, rule: &Rule, kind: Kind, consts: &Consts) {
    let mut line = format!("{verb} {}", peer(&rule.peer, kind, consts));
    if !rule.ports.is_empty() {
        let ports: Vec<String> = rule.ports.iter().map(port).collect();
        let _ = write!(line, " port {}", ports.join(", "));
    }
    if !rule.server_names.is_empty() {
        let _ = write!(
            line,
            " sni {}",
            fqdn_list(&rule.server_names, consts, false)
        );
    }
    if let Some(L7::Listener(listener)) = &rule.l7 {
        let _ = write!(line, " listener {} in", quote(&listener.name));
        match listener.clusterwide {
            Some(true) => line.push_str(" cluster"),
            Some(false) => line.push_str(" namespace"),
            None => {}
        }
        let _ = write!(line, " {}", quote(&listener.config));
        if let Some(priority) = listener.priority {
            let _ = write!(line, " priority {priority}");
        }
    }
    if !rule.icmps.is_empty() {
        let icmps: Vec<String> = rule.icmps.iter().map(icmp).collect();
        let _ = write!(line, " icmp {}", icmps.join(", "));
    }
    if let Some(mode) = &rule.authentication {
        let _ = write!(line, " authentication {mode}");
    }
    push_line(out, pad, &line);
    let l7_pad = format!("{pad}  ");
    for tls in &rule.tls {
        let side = if tls.originate {
            "originate"
        } else {
            "terminate"
        };
        let mut text = format!("{side} tls secret {}", quote(&tls.secret));
        for (word, item) in [
            ("ca", &tls.trusted_ca),
            ("certificate", &tls.certificate),
            ("key", &tls.private_key),
        ] {
            if let Some(item) = item {
                let _ = write!(text, " {word} {}", quote(item));
            }
        }
        push_line(out, &l7_pad, &text);
    }
    match &rule.l7 {
        None | Some(L7::Listener(_)) => {}
        Some(L7::Generic(proto, rules)) => {
            for rule in rules {
                let mut text = format!("l7 {}", quote(proto));
                let pairs: Vec<String> = rule
                    .iter()
                    .map(|(key, value)| format!("{} = {}", quote(key), quote(value)))
                    .collect();
                if !pairs.is_empty() {
                    let _ = write!(text, " {}", pairs.join(", "));
                }
                push_line(out, &l7_pad, &text);
            }
        }
        Some(L7::Http(rules)) => rules
            .iter()
            .for_each(|rule| push_line(out, &l7_pad, &http(rule))),
        Some(L7::Kafka(rules)) => rules
            .iter()
            .for_each(|rule| push_line(out, &l7_pad, &kafka(rule))),
        Some(L7::Dns(names)) => push_line(
            out,
            &l7_pad,
            &format!("dns {}", fqdn_list(names, consts, false)),
        ),
    }
}

fn peer(peer: &Peer, kind: Kind, consts: &Consts) -> String {
    match peer {
        Peer::Anywhere => "anywhere".to_owned(),
        Peer::Endpoints(selectors) => endpoints(selectors, kind),
        Peer::Entities(entities) if entities == &[Entity::All] => "everything".to_owned(),
        Peer::Entities(entities) => {
            let names: Vec<&str> = entities.iter().map(|entity| entity.as_str()).collect();
            format!("entity {}", names.join(", "))
        }
        Peer::Cidrs(cidrs) => {
            let plain: Option<Vec<&str>> = cidrs
                .iter()
                .map(|cidr| (!cidr.group && cidr.except.is_empty()).then_some(cidr.cidr.as_str()))
                .collect();
            if let Some(name) = plain.and_then(|plain| consts.list(&plain)) {
                return format!("cidr ${name}");
            }
            let items: Vec<String> = cidrs.iter().map(|cidr| cidr_item(cidr, consts)).collect();
            format!("cidr {}", items.join(", "))
        }
        Peer::Fqdns(names) => format!("fqdn {}", fqdn_list(names, consts, false)),
        Peer::Services(services) => {
            let items: Vec<String> = services.iter().map(service).collect();
            items.join(", ")
        }
        Peer::CidrGroupSelectors(list) => {
            let items: Vec<String> = list.iter().map(selectors::selector).collect();
            format!("cidr groups with {}", items.join(", "))
        }
        Peer::Nodes(list) => {
            let items: Vec<String> = list.iter().map(selectors::selector).collect();
            format!("nodes {}", items.join(", "))
        }
        Peer::Groups(groups) => {
            let items: Vec<String> = groups.iter().map(aws_group).collect();
            items.join(", ")
        }
    }
}

/// One `aws:` entry as an `aws ...` peer.
fn aws_group(group: &AwsGroup) -> String {
    let quoted = |list: &[String]| {
        let items: Vec<String> = list.iter().map(|item| quote(item)).collect();
        items.join(", ")
    };
    let mut text = "aws".to_owned();
    if !group.ids.is_empty() {
        let _ = write!(text, " groups {}", quoted(&group.ids));
    }
    if !group.names.is_empty() {
        let _ = write!(text, " groups named {}", quoted(&group.names));
    }
    if !group.labels.is_empty() {
        let labels: Vec<String> = group
            .labels
            .iter()
            .map(|(key, value)| format!("{key}={}", label_value(value)))
            .collect();
        let _ = write!(text, " with {{{}}}", labels.join(", "));
    }
    if let Some(region) = &group.region {
        let _ = write!(text, " in region {}", quote(region));
    }
    text
}

/// One `toServices` entry as a `service` or `services with` peer.
fn service(service: &Service) -> String {
    let (head, namespace) = match service {
        Service::Named { name, namespace } => (format!("service {name}"), namespace),
        Service::Selected {
            selector,
            namespace,
        } => (
            format!("services with {}", selectors::selector(selector)),
            namespace,
        ),
    };
    match namespace {
        Some(namespace) => format!("{head} in namespace {namespace}"),
        None => format!("{head} in all namespaces"),
    }
}

fn cidr_item(cidr: &Cidr, consts: &Consts) -> String {
    if cidr.group {
        return format!("${}", CidrGroup::constant(&cidr.cidr));
    }
    let mut text = constant_or(&cidr.cidr, consts, str::to_owned);
    match cidr.except.as_slice() {
        [] => {}
        [one] => {
            let _ = write!(text, " except {}", constant_or(one, consts, str::to_owned));
        }
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|except| constant_or(except, consts, str::to_owned))
                .collect();
            let _ = write!(text, " except [{}]", list.join(", "));
        }
    }
    text
}

/// FQDN names or patterns: `$LIST` when the whole list is a constant, else
/// each name or its constant, in brackets when `bracketed`.
fn fqdn_list(names: &[String], consts: &Consts, bracketed: bool) -> String {
    if let Some(name) = consts.list(names) {
        return format!("${name}");
    }
    let items: Vec<String> = names
        .iter()
        .map(|name| constant_or(name, consts, quote))
        .collect();
    if bracketed {
        format!("[{}]", items.join(", "))
    } else {
        items.join(", ")
    }
}

/// `$NAME` when the literal is a constant, else the literal, printed.
fn constant_or(literal: &str, consts: &Consts, print: impl Fn(&str) -> String) -> String {
    consts
        .single(literal)
        .map_or_else(|| print(literal), |name| format!("${name}"))
}

fn port(port: &Port) -> String {
    let mut text = port.port.clone();
    if let Some(end) = port.end_port {
        let _ = write!(text, "-{end}");
    }
    let named = !port.port.starts_with(|c: char| c.is_ascii_digit());
    match (&port.protocol, named) {
        (Some(protocol), _) => {
            let _ = write!(text, "/{protocol}");
        }
        // A named port needs its protocol in `.netpol`; `any` is Cilium's default.
        (None, true) => text.push_str("/any"),
        (None, false) => {}
    }
    text
}

fn icmp(icmp: &Icmp) -> String {
    match icmp.family {
        IcmpFamily::V4 => icmp.kind.clone(),
        IcmpFamily::V6 => format!("ipv6 {}", icmp.kind),
    }
}

fn http(rule: &Http) -> String {
    let mut text = "http".to_owned();
    if let Some(method) = &rule.method {
        if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) {
            let _ = write!(text, " {method}");
        } else {
            let _ = write!(text, " method {}", quote(method));
        }
    }
    if let Some(path) = &rule.path {
        let _ = write!(text, " {}", quote(path));
    }
    if let Some(host) = &rule.host {
        let _ = write!(text, " host {}", quote(host));
    }
    for header in &rule.headers {
        let _ = write!(text, " header {}", quote(header));
    }
    for header in &rule.header_matches {
        let _ = write!(text, " header {}", quote(&header.name));
        match (&header.secret, &header.value) {
            (Some(secret), Some(value)) => {
                let _ = write!(
                    text,
                    " = secret {} fallback {}",
                    quote(secret),
                    quote(value)
                );
            }
            (Some(secret), None) => {
                let _ = write!(text, " = secret {}", quote(secret));
            }
            (None, Some(value)) => {
                let _ = write!(text, " = {}", quote(value));
            }
            (None, None) => {}
        }
        if let Some(mismatch) = &header.mismatch {
            let _ = write!(text, " mismatch {mismatch}");
        }
    }
    text
}

fn kafka(rule: &Kafka) -> String {
    let mut text = "kafka".to_owned();
    if let Some(role) = &rule.role {
        let _ = write!(text, " {role}");
    }
    if let Some(key) = &rule.api_key {
        let _ = write!(text, " apikey {key}");
    }
    if let Some(topic) = &rule.topic {
        let _ = write!(text, " topic {}", quote(topic));
    }
    if let Some(client) = &rule.client_id {
        let _ = write!(text, " client {}", quote(client));
    }
    if let Some(version) = &rule.api_version {
        let _ = write!(text, " version {version}");
    }
    text
}
