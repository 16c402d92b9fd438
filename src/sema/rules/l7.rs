//! L7 rules: `http`, `grpc`, `kafka` and `dns` lines to the IR's `L7`,
//! one kind per rule (E0405), each value checked (E0211, E0212, E0213).

use super::super::proof::CHECKED;
use super::super::validate;
use super::super::values::{Env, Evaluator};
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;
use crate::source::Span;

/// The L7 rules of a rule, if it has any.
pub(super) fn l7(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::L7> {
    if let Some(listener) = &rule.listener {
        return envoy_listener(eval, rule, listener, env, diags);
    }
    let first = rule.l7.first()?;
    let kind = |line: &ast::L7| match line {
        ast::L7::Http(_) | ast::L7::Grpc(..) => "HTTP",
        ast::L7::Kafka(_) => "Kafka",
        ast::L7::Dns(..) => "DNS",
        ast::L7::Generic(_) => "generic L7",
    };
    if let Some(other) = rule.l7.iter().find(|line| kind(line) != kind(first)) {
        diags.push(
            report::mixed_l7_rules(other.span(), &kind(first), &kind(other))
                .label(format!("{} rule", kind(other)))
                .secondary(first.span(), format!("{} rule", kind(first)))
                .note("Cilium allows one kind of L7 rule per port rule")
                .help("write one `allow` rule per kind of L7 rule"),
        );
        return None;
    }
    match first {
        ast::L7::Http(_) | ast::L7::Grpc(..) => {
            // At most one rule a line; every namespace's rules stay in
            // memory until emit, so no growth room.
            let mut out = Vec::with_capacity(rule.l7.len());
            for line in &rule.l7 {
                match line {
                    ast::L7::Http(http) => out.push(http_rule(eval, http, env, diags)?),
                    ast::L7::Grpc(value, _) => {
                        let path = eval.string(value, env, diags)?;
                        out.push(grpc_rule(eval, &path, value.span(), diags)?);
                    }
                    _ => {}
                }
            }
            Some(ir::L7::Http(out))
        }
        ast::L7::Kafka(_) => {
            let mut out = Vec::with_capacity(rule.l7.len());
            for line in &rule.l7 {
                if let ast::L7::Kafka(kafka) = line {
                    out.push(kafka_rule(eval, kafka, env, diags)?);
                }
            }
            Some(ir::L7::Kafka(out))
        }
        ast::L7::Generic(_) => generic_rules(eval, rule, env, diags),
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
                diags.push(report::empty_list(span, report::EmptyList::Dns));
                return None;
            }
            out.shrink_to_fit();
            Some(ir::L7::Dns(out))
        }
    }
}

/// `sni ...`: on an allow rule with ports, without L7 rules unless the
/// proxy terminates TLS (E0219, E0218), each name valid for some Cilium
/// version (E0216; the targeted version's own pattern is checked in
/// `versions`) and listed once (E0217).
fn server_names(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    sni: &crate::source::Spanned<Vec<ast::Value>>,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<ir::ServerName>> {
    if rule.verb.node == ast::Verb::Deny {
        diags.push(report::misplaced_server_names(
            sni.span,
            report::MisplacedServerNames::Deny,
        ));
        return None;
    }
    if rule.ports.is_none() {
        diags.push(report::misplaced_server_names(
            sni.span,
            report::MisplacedServerNames::NoPort,
        ));
        return None;
    }
    let terminates = rule
        .tls
        .iter()
        .any(|clause| clause.side.node == ast::TlsSide::Terminate);
    if let (Some(line), false) = (rule.l7.first(), terminates) {
        diags.push(
            report::server_names_with_l7(line.span()).secondary(sni.span, "server names here"),
        );
        return None;
    }
    let mut out: Vec<ir::ServerName> = Vec::new();
    let mut ok = true;
    for value in &sni.node {
        let Some(texts) = eval.strings(value, env, diags) else {
            ok = false;
            continue;
        };
        for text in texts {
            if let Err(why) = validate::server_name(&text, validate::ServerNameRule::Main) {
                diags.push(
                    report::invalid_server_name(value.span(), &text)
                        .label("not a server name")
                        .note(why)
                        .help("write a DNS name such as `api.example.com` or `*.example.com`"),
                );
                ok = false;
            } else if out.iter().any(|name| *name == *text) {
                diags.push(report::duplicate_server_name(value.span(), &text));
                ok = false;
            } else {
                out.push(ir::ServerName::new(text, CHECKED));
            }
        }
    }
    if ok && out.is_empty() {
        diags.push(report::empty_list(sni.span, report::EmptyList::ServerNames));
        return None;
    }
    ok.then_some(out)
}

/// `l7 ...` lines: one protocol for the rule, not empty, and each line's
/// keys not empty and given once (E0229).
fn generic_rules(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::L7> {
    let mut proto: Option<(String, Span)> = None;
    let mut rules = Vec::new();
    let mut ok = true;
    for line in &rule.l7 {
        let ast::L7::Generic(generic) = line else {
            continue;
        };
        let name = eval.string(&generic.proto, env, diags)?;
        if name.is_empty() {
            diags.push(
                report::invalid_generic_l7(
                    generic.proto.span(),
                    "the L7 protocol name is empty".to_owned(),
                )
                .label("empty protocol")
                .help("name the proxylib parser, such as `r2d2`"),
            );
            return None;
        }
        match &proto {
            None => proto = Some((name, generic.proto.span())),
            Some((first, first_span)) if *first != name => {
                diags.push(
                    report::invalid_generic_l7(
                        generic.proto.span(),
                        format!("generic L7 rules of `{first}` and `{name}` in one rule"),
                    )
                    .label(format!("`{name}` here"))
                    .secondary(*first_span, format!("`{first}` here"))
                    .note("Cilium has one `l7proto` per port rule")
                    .help("write one `allow` rule per L7 protocol"),
                );
                return None;
            }
            Some(_) => {}
        }
        let mut pairs = std::collections::BTreeMap::new();
        for (key, value) in &generic.pairs {
            let (Some(key_text), Some(text)) =
                (eval.string(key, env, diags), eval.string(value, env, diags))
            else {
                ok = false;
                continue;
            };
            if key_text.is_empty() {
                diags.push(
                    report::invalid_generic_l7(key.span(), "a generic L7 key is empty".to_owned())
                        .label("empty key")
                        .note("the Cilium agent refuses an `l7` map with an empty key")
                        .help("name the key"),
                );
                ok = false;
            } else if let std::collections::btree_map::Entry::Vacant(slot) =
                pairs.entry(key_text.clone())
            {
                slot.insert(text);
            } else {
                diags.push(
                    report::invalid_generic_l7(
                        key.span(),
                        format!("the key `{key_text}` is given twice"),
                    )
                    .label("given again here")
                    .note("an `l7` rule is a map: each key holds one value")
                    .help("keep one value, or write a second `l7` line for the other"),
                );
                ok = false;
            }
        }
        rules.push(pairs);
    }
    let (proto, _) = proto?;
    ok.then_some(ir::L7::Generic(ir::GenericL7 { proto, rules }))
}

/// `listener ...`: on an egress allow rule with ports and without L7
/// rules or server names (E0225, E0226), its priority in 1..=100 (E0227;
/// the field's version is checked in `versions`).
fn envoy_listener(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    listener: &ast::Listener,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::L7> {
    let misplaced = if rule.verb.node == ast::Verb::Deny {
        Some(report::MisplacedListener::Deny)
    } else if rule.direction.node == ast::Direction::Ingress {
        Some(report::MisplacedListener::Ingress)
    } else if rule.ports.is_none() {
        Some(report::MisplacedListener::NoPort)
    } else {
        None
    };
    if let Some(place) = misplaced {
        diags.push(report::misplaced_listener(listener.span, place));
        return None;
    }
    let other = rule
        .l7
        .first()
        .map(ast::L7::span)
        .or(rule.sni.as_ref().map(|sni| sni.span));
    if let Some(span) = other {
        diags.push(report::listener_with_l7(span).secondary(listener.span, "listener here"));
        return None;
    }
    let name = eval.string(&listener.name, env, diags);
    let config = eval.string(&listener.config, env, diags);
    let mut ok = true;
    for (text, value) in [(&name, &listener.name), (&config, &listener.config)] {
        if text.as_deref() == Some("") {
            diags.push(report::empty_listener_name(value.span()));
            ok = false;
        }
    }
    let priority = match &listener.priority {
        None => None,
        Some(written) => match written.node.parse::<u8>() {
            Ok(priority) if (1..=100).contains(&priority) => Some(priority),
            _ => {
                diags.push(report::listener_priority(written.span, &written.node));
                ok = false;
                None
            }
        },
    };
    let (Some(name), Some(config)) = (name, config) else {
        return None;
    };
    ok.then_some(ir::L7::Listener(ir::Listener {
        config,
        kind: listener.clusterwide.map(|clusterwide| {
            if clusterwide {
                ir::EnvoyConfigKind::Clusterwide
            } else {
                ir::EnvoyConfigKind::Namespaced
            }
        }),
        name,
        priority,
    }))
}

fn http_rule(
    eval: &mut Evaluator<'_>,
    http: &ast::Http,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::HttpRule> {
    let method = match &http.method {
        None => None,
        Some(ast::Method::Word(word)) => Some(validate::http_regex(
            &mut eval.valid_regexes,
            "method",
            &word.node,
            word.span,
            false,
            diags,
        )?),
        Some(ast::Method::Regex(value)) => {
            let text = eval.string(value, env, diags)?;
            let literal = matches!(value, ast::Value::String(_));
            Some(validate::http_regex(
                &mut eval.valid_regexes,
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
                &mut eval.valid_regexes,
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
                &mut eval.valid_regexes,
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
    let mut header_matches = Vec::new();
    for header in &http.header_matches {
        header_matches.push(header_match(eval, header, env, diags)?);
    }
    Some(ir::HttpRule {
        method,
        path,
        host,
        headers,
        header_matches,
    })
}

/// `header "Name" = "value" | secret "ns/name" [mismatch ACTION]`:
/// Cilium's rule 22 (a name, a known action, a secret with a name).
fn header_match(
    eval: &mut Evaluator<'_>,
    header: &ast::HeaderMatch,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::HeaderMatch> {
    let text = eval.string(&header.name, env, diags)?;
    let name = validate::non_empty("HTTP header name", &text, header.name.span(), diags);
    let value = match &header.value {
        None => Some(None),
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            validate::non_empty("HTTP header value", &text, value.span(), diags).map(Some)
        }
    };
    let secret = match &header.secret {
        None => Some(None),
        Some(value) => {
            let text = eval.string(value, env, diags)?;
            let secret = secret_ref(&text);
            if secret.is_none() {
                diags.push(report::invalid_secret_ref(value.span(), &text));
            }
            secret.map(Some)
        }
    };
    let mismatch = match &header.mismatch {
        None => Some(None),
        Some(word) => {
            let action = ir::Mismatch::from_word(&word.node);
            if action.is_none() {
                diags.push(report::unknown_mismatch_action(word.span, &word.node));
            }
            action.map(Some)
        }
    };
    Some(ir::HeaderMatch {
        name: name?,
        value: value?,
        secret: secret?,
        mismatch: mismatch?,
    })
}

/// `name` or `namespace/name`, each part non-empty and without blanks or
/// further slashes.
fn secret_ref(text: &str) -> Option<ir::SecretRef> {
    let valid = |part: &str| {
        !part.is_empty() && !part.contains('/') && !part.chars().any(char::is_whitespace)
    };
    let (namespace, name) = match text.split_once('/') {
        Some((namespace, name)) => (Some(namespace), name),
        None => (None, text),
    };
    if !valid(name) || namespace.is_some_and(|namespace| !valid(namespace)) {
        return None;
    }
    Some(ir::SecretRef {
        namespace: namespace.map(|namespace| ir::NonEmptyText::new(namespace, CHECKED)),
        name: ir::NonEmptyText::new(name, CHECKED),
    })
}

fn grpc_rule(
    eval: &mut Evaluator<'_>,
    path: &str,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::HttpRule> {
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
        diags.push(report::invalid_string(
            span,
            report::InvalidString::GrpcMethod { path: &path },
        ));
        return None;
    }
    // The path is a regexp: escape the dots so that it matches this method
    // only (`/a.b.Svc/M` would also match `/aXbXSvc/M`).
    let path = format!("/{}", trimmed.replace('.', "\\."));
    Some(ir::HttpRule {
        method: Some(validate::http_regex(
            &mut eval.valid_regexes,
            "method",
            "POST",
            span,
            false,
            diags,
        )?),
        path: Some(validate::http_regex(
            &mut eval.valid_regexes,
            "path",
            &path,
            span,
            false,
            diags,
        )?),
        host: None,
        headers: Vec::new(),
        header_matches: Vec::new(),
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
                diags.push(super::super::suggest::did_you_mean_at(
                    report::invalid_kafka_rule(
                        key.span,
                        report::InvalidKafkaRule::ApiKey { key: &key.node },
                    ),
                    key.span,
                    &lowered,
                    validate::KAFKA_API_KEYS.iter().copied(),
                    str::to_owned,
                ));
                return None;
            }
            Some(ir::KafkaApiKey::new(lowered, CHECKED))
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

/// `sni ...`, `terminate tls ...` and `originate tls ...`: the server
/// names (see [`server_names`]) and the TLS contexts, each on an allow
/// rule with ports (E0234) and L7 rules (E0235), each side and each item
/// once (E0236), the secret `name` or `namespace/name` (E0224) and the
/// items not empty. `None` when the rule has none of them, or on an error.
pub(super) fn tls(
    eval: &mut Evaluator<'_>,
    rule: &ast::Rule,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::Tls> {
    let server_names = match &rule.sni {
        Some(sni) => Some(server_names(eval, rule, sni, env, diags)?),
        None => None,
    };
    let Some(first) = rule.tls.first() else {
        return server_names.map(|server_names| ir::Tls {
            server_names,
            ..ir::Tls::default()
        });
    };
    let keyword = |clause: &ast::Tls| clause.side.node.keyword();
    if rule.verb.node == ast::Verb::Deny {
        diags.push(report::misplaced_tls(
            first.span,
            keyword(first),
            report::MisplacedTls::Deny,
        ));
        return None;
    }
    if rule.ports.is_none() {
        diags.push(report::misplaced_tls(
            first.span,
            keyword(first),
            report::MisplacedTls::NoPort,
        ));
        return None;
    }
    if rule.l7.is_empty() {
        diags.push(report::tls_without_l7(first.span, keyword(first)));
        return None;
    }
    let mut out = ir::Tls {
        server_names: server_names.unwrap_or_default(),
        ..ir::Tls::default()
    };
    let mut seen: Vec<&ast::Tls> = Vec::new();
    let mut ok = true;
    for clause in &rule.tls {
        if let Some(before) = seen
            .iter()
            .find(|before| before.side.node == clause.side.node)
        {
            diags.push(report::repeated_tls(
                clause.side.span,
                before.side.span,
                &format!("`{} tls`", keyword(clause)),
            ));
            ok = false;
            continue;
        }
        seen.push(clause);
        match tls_context(eval, clause, env, diags) {
            Some(context) => match clause.side.node {
                ast::TlsSide::Terminate => out.terminating = Some(context),
                ast::TlsSide::Originate => out.originating = Some(context),
            },
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// One `tls` clause's secret and items.
fn tls_context(
    eval: &mut Evaluator<'_>,
    clause: &ast::Tls,
    env: Env<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<ir::TlsContext> {
    let text = eval.string(&clause.secret, env, diags)?;
    let secret = secret_ref(&text);
    if secret.is_none() {
        diags.push(report::invalid_secret_ref(clause.secret.span(), &text));
    }
    let mut ok = true;
    let mut items: [Option<(Span, ir::NonEmptyText)>; 3] = [None, None, None];
    for (item, value) in &clause.items {
        let slot = match item.node {
            ast::TlsItem::Ca => 0,
            ast::TlsItem::Certificate => 1,
            ast::TlsItem::Key => 2,
        };
        let Some(text) = eval.string(value, env, diags) else {
            ok = false;
            continue;
        };
        let what = format!("`{}` of a TLS secret", item.node.keyword());
        let Some(text) = validate::non_empty(&what, &text, value.span(), diags) else {
            ok = false;
            continue;
        };
        match items.get_mut(slot) {
            Some(Some((first, _))) => {
                diags.push(report::repeated_tls(
                    item.span,
                    *first,
                    &format!("the {what}"),
                ));
                ok = false;
            }
            Some(empty) => *empty = Some((item.span, text)),
            None => {}
        }
    }
    let [trusted_ca, certificate, private_key] = items.map(|item| item.map(|(_, text)| text));
    if !ok {
        return None;
    }
    Some(ir::TlsContext {
        secret: secret?,
        trusted_ca,
        certificate,
        private_key,
    })
}
