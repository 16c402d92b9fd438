//! Judging an L7 request by the L7 rules of the entry that allows its flow
//! (docs/cilium-semantics.md §3.4, §9): HTTP method, path and host as whole-string RE2
//! regexps, and headers (header matches with a `mismatch` action pass); DNS names by the DNS selectors; Kafka requests by
//! role, API key, version, client ID and topic.

use regex::Regex;

use super::select::fqdn_matches;
use crate::ir::{
    HeaderMatch, HttpRequest, HttpRule, KafkaRequest, KafkaRole, KafkaRule, L7, Request,
};

/// Whether `request` passes `rules`; `None` when the rules are of another
/// kind than the request (the request is not judged by them).
pub(crate) fn admits(rules: &L7, request: &Request) -> Option<bool> {
    match (rules, request) {
        (L7::Http(rules), Request::Http(request)) => {
            Some(rules.iter().any(|rule| http_admits(rule, request)))
        }
        (L7::Dns(selectors), Request::Dns(name)) => Some(
            selectors
                .iter()
                .any(|selector| fqdn_matches(selector, name)),
        ),
        (L7::Kafka(rules), Request::Kafka(request)) => {
            Some(rules.iter().any(|rule| kafka_admits(rule, request)))
        }
        _ => None,
    }
}

/// `pattern` matches the whole of `text` (Envoy's `safe_regex` match).
/// A pattern the `regex` crate refuses matches nothing.
fn whole(pattern: &str, text: &str) -> bool {
    Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|regex| regex.is_match(text))
}

fn http_admits(rule: &HttpRule, request: &HttpRequest) -> bool {
    let method = rule
        .method
        .as_ref()
        .is_none_or(|method| whole(method, &request.method));
    let path = rule
        .path
        .as_ref()
        .is_none_or(|path| whole(path, &request.path));
    let host = rule.host.as_ref().is_none_or(|host| {
        request
            .host
            .as_deref()
            .is_some_and(|value| whole(host, value))
    });
    method
        && path
        && host
        && rule
            .headers
            .iter()
            .all(|header| has_header(header, request))
        && rule
            .header_matches
            .iter()
            .all(|header| header_match_admits(header, request))
}

/// A `headerMatches` entry: with a `mismatch` action the proxy logs or
/// rewrites the header and lets the request through; without one, the
/// header must be there with the value. A secret's value is not known here,
/// so a secret match asks only that the header be there.
fn header_match_admits(header: &HeaderMatch, request: &HttpRequest) -> bool {
    if header.mismatch.is_some() {
        return true;
    }
    let name = header.name.as_str();
    match (&header.value, &header.secret) {
        (Some(value), None) => has_header(&format!("{name}: {}", value.as_str()), request),
        _ => has_header(name, request),
    }
}

/// A rule header is `Name` (present) or `Name: value` / `Name value`
/// (present with that value), as Cilium's proxy reads it.
fn has_header(header: &str, request: &HttpRequest) -> bool {
    let (name, value) = match header.split_once(' ') {
        Some((name, value)) => (name.trim_end_matches(':'), Some(value)),
        None => (header.trim_end_matches(':'), None),
    };
    let mut headers = request
        .headers
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()));
    if name.eq_ignore_ascii_case("host") {
        if let Some(host) = request.host.as_deref() {
            return value.is_none_or(|value| value == host);
        }
    }
    headers.any(|(key, actual)| {
        key.eq_ignore_ascii_case(name) && value.is_none_or(|value| value == actual)
    })
}

/// The API keys a Kafka role stands for (Cilium's `pkg/policy/api/kafka`):
/// produce is produce, metadata and apiversions; consume is fetch,
/// offsets, metadata, offsetcommit, offsetfetch, findcoordinator,
/// joingroup, heartbeat, leavegroup, syncgroup and apiversions.
fn role_keys(role: KafkaRole) -> &'static [&'static str] {
    match role {
        KafkaRole::Produce => &["produce", "metadata", "apiversions"],
        KafkaRole::Consume => &[
            "fetch",
            "offsets",
            "metadata",
            "offsetcommit",
            "offsetfetch",
            "findcoordinator",
            "joingroup",
            "heartbeat",
            "leavegroup",
            "syncgroup",
            "apiversions",
        ],
    }
}

fn kafka_admits(rule: &KafkaRule, request: &KafkaRequest) -> bool {
    let key = request.api_key.to_ascii_lowercase();
    let role = rule
        .role
        .is_none_or(|role| role_keys(role).contains(&key.as_str()));
    let api_key = rule
        .api_key
        .as_ref()
        .is_none_or(|wanted| wanted.eq_ignore_ascii_case(&key));
    let version = rule
        .api_version
        .is_none_or(|version| version == request.api_version);
    let client = rule
        .client_id
        .as_ref()
        .is_none_or(|client| request.client_id.as_deref() == Some(client.as_str()));
    let topic = rule.topic.as_ref().is_none_or(|topic| {
        request
            .topic
            .as_deref()
            .is_none_or(|asked| asked == topic.as_str())
    });
    role && api_key && version && client && topic
}
