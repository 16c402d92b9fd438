//! Semantic equivalence of two CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy documents.
//!
//! [`equivalent`] normalises both documents, then compares them; on a mismatch it returns
//! every path-level difference at once. It is a test helper shared by the seed check
//! (`seeds.rs`) and, later, `import`'s round trip. [`yaml_documents`] reads a multi-document
//! YAML stream into the `serde_json::Value`s it compares.
//!
//! # Normalisations
//!
//! Each one is justified by Cilium's semantics as written down in
//! `docs/cilium-semantics.md` (§ numbers below refer to it). Nothing else is
//! normalised: every other field, `description` included, must match exactly.
//!
//! 1. **`spec` and `specs` form one multiset of rules** (§1): the rule set of an object is
//!    `spec` followed by every entry of `specs`, and each Rule is independent (own selector,
//!    own default-deny), so `spec: R` equals `specs: [R]`, and the order of rules does not
//!    matter. The normalised document always carries the rules as `specs`.
//! 2. **Every list is compared as a multiset** (order ignored, duplicates counted). No list of
//!    the Rule API is ordered: the rules of a section (`ingress`, `egress`, `…Deny`) are ORed
//!    (§2); the peers of a rule (`from/toEndpoints`, `…CIDR`, `…CIDRSet`, `…Entities`,
//!    `…Nodes`, `…Groups`, `toServices`, `toFQDNs`) are ORed (§2, §3.1–3.3); `toPorts`, the
//!    `ports` of a PortRule, the L7 rules (`http`, `kafka`, `dns`, `l7`), `icmps` and their
//!    `fields`, `serverNames` and `except` are sets or ORed alternatives (§3.3–3.5); the
//!    `matchExpressions` of a selector are ANDed and the `values` of `In`/`NotIn` form a set
//!    (§3.6, Kubernetes label-selector semantics); `headers`/`headerMatches` are ANDed (§3.4);
//!    rule `labels` are free metadata (§2). Maps are compared key by key, so key order never
//!    matters either.
//! 3. **A port written as a YAML integer equals the same port as a string** (§3.4: `port` is
//!    a string holding a number or a service name; `8080` and `"8080"` name the same port —
//!    the CRD schema refuses the integer form, §5.8, which is the validator's business, not
//!    this comparison's).
//! 4. **An absent `protocol` equals `ANY`** (§3.4: "Leaving it out means `ANY`").
//! 5. **Namespace label keys: the `any` source equals the `k8s:` source** (§3.6, §5.1). A key
//!    without a source prefix (or with `any:`) has source `any` and matches a label of any
//!    source; the namespace labels a pod carries, `io.kubernetes.pod.namespace` and
//!    `io.cilium.k8s.namespace.labels.*`, only ever come from the `k8s` source, and the agent
//!    recognises both spellings of the namespace key when it decides whether to inject the
//!    policy's namespace (§5.1). So `io.kubernetes.pod.namespace`,
//!    `any:io.kubernetes.pod.namespace` and `k8s:io.kubernetes.pod.namespace` are one key
//!    (normalised to the `k8s:` form), and likewise for `io.cilium.k8s.namespace.labels.*`.
//!    Other keys keep their exact spelling (`app` and `k8s:app` stay different), except that
//!    an explicit `any:` prefix is dropped, `any` being the source of an unprefixed key.
//! 6. **A one-value `In` match expression equals the same `matchLabels` entry** (Kubernetes
//!    label-selector semantics, which Cilium validates and applies, §3.6: `{key: k, operator:
//!    In, values: [v]}` and `matchLabels: {k: v}` both require label `k` to be `v`).
//! 7. **An allow rule made only of an explicitly empty `fromEndpoints: []` /
//!    `toEndpoints: []` equals the empty rule `{}`** (§5.2): both select the endpoint, allow
//!    nothing, and flip that direction to default-deny ("An explicitly empty peer list …
//!    selects nothing … It still flips the direction"; "`ingress: [{}]` … selects the endpoint
//!    and turns that direction to default-deny, but allows nothing"). Only the exact shape —
//!    an allow rule whose sole field is the empty endpoint list — is rewritten; deny rules and
//!    rules with ports or other peers are compared as written.
//! 8. **An empty `matchLabels` or `matchExpressions` equals an absent one** (§3.6, Kubernetes
//!    label selectors: an empty selector matches everything, and `{matchLabels: {}}` is the
//!    empty selector), in every label selector: `endpointSelector`, `nodeSelector`,
//!    `from/toEndpoints` and `from/toNodes` entries. A `null` value (YAML `matchLabels:` with
//!    nothing after it) is the same as absent. An absent `endpointSelector` is **not** the
//!    same as `endpointSelector: {}`: Cilium treats them differently (a rule needs exactly one
//!    of `endpointSelector` and `nodeSelector`, §1 and §4.2), so that difference is reported.
//! 9. **A `matchPattern` without `*` equals the `matchName` of the same text**, in `toFQDNs`
//!    and in `rules.dns` (§3.2: `*` is the only wildcard of a pattern, so a pattern without
//!    one matches exactly that name, as `matchName` does; both ignore case and a trailing
//!    `.`). The normalised form is `matchName`. netpolc writes `matchPattern` only for a
//!    pattern with `*`, so `import` needs this to round-trip such a pattern.
//! 10. **A `from/toCIDR` entry equals the `from/toCIDRSet` entry `{cidr: …}` without
//!     exceptions, and an empty `except` equals an absent one** (§2 and §3.3: both fields
//!     list CIDR peers; a CIDR set entry with no exception matches exactly its CIDR). The
//!     normalised form is `from/toCIDRSet`. netpolc writes `toCIDR` when no entry has an
//!     exception, so `import` needs this for a `toCIDRSet` without exceptions.
//! 11. **In a CiliumClusterwideNetworkPolicy, a `from/toEndpoints` selector that names no
//!     namespace gets `{key: k8s:io.kubernetes.pod.namespace, operator: Exists}`**, unless it
//!     has a `reserved:` key or the rule's `endpointSelector` has a `reserved:init` key
//!     (§5.1: the agent adds exactly this term to such a selector of a CCNP, "so
//!     `fromEndpoints: [{}]` in a CCNP means all pods in all namespaces"). netpolc requires
//!     the namespace scope of a cluster-wide pod peer to be written (`in all namespaces`,
//!     E0505) and writes the term itself, so `import` needs this for an unscoped peer.
//! 12. **An ICMP field without `family` equals the same field with `family: IPv4`** (§3.5:
//!     "`family` is `IPv4` (the default)").
//! 13. **In a CiliumClusterwideNetworkPolicy, an `endpointSelector` that requires a label
//!     whose key has no `reserved:` source (a `matchLabels` entry, or an `In` or `Exists`
//!     expression) and names no namespace gets the namespace `Exists` term** (§3.6, §5.1: a
//!     subject selects local endpoints; the only ones without a namespace label are Cilium's
//!     reserved endpoints (health, ingress, init), whose identities carry `reserved:` labels
//!     only, so a selector that requires any other label matches pods only, and every pod has
//!     the label). netpolc's `select pods X in all namespaces` writes the term, so `import`
//!     needs this for a cluster-wide subject without a namespace.
//! 14. **In a `from/toGroups` entry's `aws`, an empty `securityGroupsIds`,
//!     `securityGroupsNames` or `labels` equals an absent one** (Cilium's `AWSGroup`: the
//!     ids are ORed, the names ORed, the labels ANDed, so an empty one adds no filter);
//!     netpolc writes none of them empty.
//!
//! 14. **A rule with several `toPorts` entries equals one rule per entry, each with the
//!     rule's other fields** (§2, §3.4: the agent makes the policy map entries of each
//!     PortRule on its own, its ports with its L7 rules for the rule's peers, and entries for
//!     the same port and peer merge alike whether they come from one rule or from several).
//!     The normalised form has one `toPorts` entry per rule. `.netpol` writes one port list
//!     per rule, so `import` splits such a rule.
//! 15. **A `VRRP` or `IGMP` port entry without `port` equals the same entry with `port: "0"`**
//!     (§4 rule 12: these protocols take port `"0"` or none, and both stand for the whole
//!     protocol; no port at all is accepted only with `enable-extended-ip-protocols`, where
//!     it means the same). The normalised form has `port: "0"`. `.netpol` writes `0/vrrp`.
//!     The same holds for the portless protocols of 1.20 (`GRE`, `IPIP`, `IPV6`, `ESP`,
//!     `AH`, §3.4 **[main]**: they have no ports, so `"0"`, every port, and no port all
//!     name the whole protocol); `.netpol` writes `0/gre`.
//! 16. **A `headerMatches` entry with only a `name` equals the `headers` entry of that
//!     name** (§3.4, §4 rule 22; Cilium's Envoy translation turns a header match without
//!     value, secret or mismatch action into the same presence match as a `headers` name).
//!     The normalised form has it in `headers` (`headerMatches` left out when emptied).
//!     `.netpol` writes a name alone as `header "Name"`.
//! 17. **An empty `http`, `kafka` or `dns` list in a PortRule's `rules` equals an absent one,
//!     and `rules` left with nothing (no list with rules, no `l7proto`) equals no `rules`**
//!     (§3.4: the agent's `createL4Filter` chooses the port's L7 parser by the lists'
//!     lengths and adds L7 rules for the peers only when `L7Rules.IsEmpty` is false, which
//!     counts rules, so an empty list chooses no parser and restricts nothing, and `rules: {}`
//!     has no list at all). `l7proto` is kept: a non-empty `l7proto`
//!     chooses a parser even with no `l7` rules. `import` drops empty lists and says so.
//! 18. **A name listed twice in `serverNames` equals the name once** (§3.4: the names are
//!     alternatives, the TLS server name of a connection is matched against each). The CRDs
//!     of 1.18 and later refuse duplicates (a set), those of 1.14 to 1.17 accept them;
//!     `import` keeps the first of each name and says so.
//!
//! Not normalised, on purpose (they are reported as differences): merging or splitting rules
//! (other than by `toPorts` entry, 14) or peer lists (`[{fromEntities: [a, b]}]` versus two rules), the namespace a CNP's agent
//! injects into peer selectors (`fromEndpoints: [{}]` versus the same with the policy's
//! namespace written out), `ingress: []` versus an absent section, `metadata`, `description`.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Checks that `a` and `b`, two CNP/CCNP documents, are equivalent per Cilium's semantics.
///
/// On a mismatch the error lists every difference, one per line, as a path into the
/// normalised documents (see the module documentation). In a list, `[?]` stands for the one
/// element of each side that has no equal on the other side.
pub fn equivalent(a: &Value, b: &Value) -> Result<(), String> {
    equivalent_as(a, "a", b, "b")
}

/// [`equivalent`], naming the two sides in the report (for example "reference" and
/// "generated").
pub fn equivalent_as(a: &Value, a_name: &str, b: &Value, b_name: &str) -> Result<(), String> {
    let (na, nb) = (normalise(a), normalise(b));
    let mut diffs = Vec::new();
    diff("", &na, &nb, (a_name, b_name), &mut diffs);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "not equivalent ({} difference{} after normalisation):\n{}",
            diffs.len(),
            if diffs.len() == 1 { "" } else { "s" },
            diffs
                .iter()
                .map(|d| format!("  - {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

/// Reads a YAML stream into one `serde_json::Value` per document, skipping empty documents
/// (a stream may start with comments and `---`).
pub fn yaml_documents(text: &str) -> Result<Vec<Value>, String> {
    let mut docs = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let value = Value::deserialize(doc).map_err(|e| format!("YAML document {}: {e}", i + 1))?;
        if !value.is_null() {
            docs.push(value);
        }
    }
    Ok(docs)
}

/// The normalised form of a document (see the module documentation). Public so a failing
/// test can print it.
pub fn normalise(doc: &Value) -> Value {
    let Some(obj) = doc.as_object() else {
        return doc.clone();
    };
    let mut out = Map::new();
    let mut rules = Vec::new();
    let mut has_rules = false;
    let clusterwide =
        obj.get("kind").and_then(Value::as_str) == Some("CiliumClusterwideNetworkPolicy");
    for (key, value) in obj {
        match (key.as_str(), value) {
            // Normalisation 1: `spec` and `specs` are one multiset of rules.
            ("spec", _) => {
                has_rules = true;
                rules.push(normalise_rule(value, clusterwide));
            }
            ("specs", Value::Array(items)) => {
                has_rules = true;
                rules.extend(items.iter().map(|rule| normalise_rule(rule, clusterwide)));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if has_rules {
        out.insert("specs".into(), Value::Array(rules));
    }
    let mut out = Value::Object(out);
    sort_lists(&mut out);
    out
}

/// Normalises one Rule (`spec` or an entry of `specs`) of a CNP, or of a CCNP when
/// `clusterwide`.
fn normalise_rule(rule: &Value, clusterwide: bool) -> Value {
    let Some(obj) = rule.as_object() else {
        return rule.clone();
    };
    // Normalisation 11 applies unless the subject selects `reserved:init`.
    let selects_init = obj
        .get("endpointSelector")
        .is_some_and(|selector| selector_keys(selector).any(|key| key == "reserved:init"));
    let add_exists = clusterwide && !selects_init;
    let mut out = Map::new();
    for (key, value) in obj {
        let value = match key.as_str() {
            "endpointSelector" if clusterwide => normalise_selector(&pod_subject_exists(value)),
            "endpointSelector" | "nodeSelector" => normalise_selector(value),
            "ingress" | "egress" => split_port_rules(map_array(value, |r| {
                normalise_peer_rule(r, true, add_exists)
            })),
            "ingressDeny" | "egressDeny" => split_port_rules(map_array(value, |r| {
                normalise_peer_rule(r, false, add_exists)
            })),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// Normalisation 14: each rule of a list with several `toPorts` entries becomes one rule per
/// entry, with the rule's other fields.
fn split_port_rules(rules: Value) -> Value {
    let Value::Array(rules) = rules else {
        return rules;
    };
    let mut out = Vec::new();
    for rule in rules {
        match rule.get("toPorts") {
            Some(Value::Array(entries)) if entries.len() > 1 => {
                for entry in entries {
                    let mut one = rule.clone();
                    if let Some(obj) = one.as_object_mut() {
                        obj.insert("toPorts".into(), Value::Array(vec![entry.clone()]));
                    }
                    out.push(one);
                }
            }
            _ => out.push(rule),
        }
    }
    Value::Array(out)
}

/// Every key of a label selector, of `matchLabels` and `matchExpressions`.
fn selector_keys(selector: &Value) -> impl Iterator<Item = &str> {
    let labels = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|map| map.keys().map(String::as_str));
    let expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|expression| expression.get("key").and_then(Value::as_str));
    labels.chain(expressions)
}

/// Normalisation 11: a CCNP peer selector that names no namespace gets the `Exists` term the
/// agent adds, unless it has a `reserved:` key.
fn with_namespace_exists(selector: &Value) -> Value {
    let names_namespace =
        selector_keys(selector).any(|key| canonical_key(key) == "k8s:io.kubernetes.pod.namespace");
    let reserved = selector_keys(selector).any(|key| key.starts_with("reserved:"));
    let Some(obj) = selector
        .as_object()
        .filter(|_| !names_namespace && !reserved)
    else {
        return selector.clone();
    };
    with_exists_term(obj)
}

/// A selector with the namespace `Exists` term added to its expressions.
fn with_exists_term(obj: &Map<String, Value>) -> Value {
    let mut out = obj.clone();
    let mut expressions = match obj.get("matchExpressions") {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    expressions.push(json!({"key": "k8s:io.kubernetes.pod.namespace", "operator": "Exists"}));
    out.insert("matchExpressions".into(), Value::Array(expressions));
    Value::Object(out)
}

/// Normalisation 13: a CCNP `endpointSelector` that requires a label whose key has no
/// `reserved:` source, and names no namespace, gets the namespace `Exists` term.
fn pod_subject_exists(selector: &Value) -> Value {
    let names_namespace =
        selector_keys(selector).any(|key| canonical_key(key) == "k8s:io.kubernetes.pod.namespace");
    let positive_labels = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|map| map.keys().map(String::as_str));
    let positive_expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|expression| {
            matches!(
                expression.get("operator").and_then(Value::as_str),
                Some("In" | "Exists")
            )
        })
        .filter_map(|expression| expression.get("key").and_then(Value::as_str));
    let requires_pod_label = positive_labels
        .chain(positive_expressions)
        .any(|key| !key.starts_with("reserved:"));
    if names_namespace || !requires_pod_label {
        return selector.clone();
    }
    with_exists_term(&selector.as_object().cloned().unwrap_or_default())
}

/// Normalisation 9: `{matchPattern: p}` without `*` is `{matchName: p}`.
fn normalise_fqdn(selector: &Value) -> Value {
    match selector.as_object() {
        Some(obj) if obj.len() == 1 => match obj.get("matchPattern") {
            Some(Value::String(pattern)) if !pattern.contains('*') => json!({"matchName": pattern}),
            _ => selector.clone(),
        },
        _ => selector.clone(),
    }
}

/// Normalisation 10: a CIDR set entry without exceptions drops its empty `except`.
fn normalise_cidr_rule(entry: &Value) -> Value {
    match entry.as_object() {
        Some(obj)
            if obj
                .get("except")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty) =>
        {
            let mut out = obj.clone();
            out.remove("except");
            Value::Object(out)
        }
        _ => entry.clone(),
    }
}

/// Normalisation 12: an ICMP field without `family` is IPv4.
fn normalise_icmp_rule(icmp: &Value) -> Value {
    let Some(obj) = icmp.as_object() else {
        return icmp.clone();
    };
    let mut out = obj.clone();
    if let Some(fields) = obj.get("fields") {
        let fields = map_array(fields, |field| match field.as_object() {
            Some(field) if !field.contains_key("family") => {
                let mut field = field.clone();
                field.insert("family".into(), Value::String("IPv4".into()));
                Value::Object(field)
            }
            _ => field.clone(),
        });
        out.insert("fields".into(), fields);
    }
    Value::Object(out)
}

/// Normalises an ingress/egress rule, allow (`allow`) or deny; `add_exists` applies
/// normalisation 11 to its endpoint selectors.
fn normalise_peer_rule(rule: &Value, allow: bool, add_exists: bool) -> Value {
    let Some(obj) = rule.as_object() else {
        return rule.clone();
    };
    // Normalisation 7: an allow rule whose only field is an explicitly empty endpoint list
    // selects nothing, allows nothing and flips the direction, exactly as `{}` does.
    if allow && obj.len() == 1 {
        if let Some((key, Value::Array(items))) = obj.iter().next() {
            if items.is_empty() && matches!(key.as_str(), "fromEndpoints" | "toEndpoints") {
                return json!({});
            }
        }
    }
    let mut out = Map::new();
    for (key, value) in obj {
        let value = match key.as_str() {
            "fromEndpoints" | "toEndpoints" if add_exists => map_array(value, |selector| {
                normalise_selector(&with_namespace_exists(selector))
            }),
            "fromEndpoints" | "toEndpoints" | "fromNodes" | "toNodes" => {
                map_array(value, normalise_selector)
            }
            "toPorts" => map_array(value, normalise_port_rule),
            "toFQDNs" => map_array(value, normalise_fqdn),
            "icmps" => map_array(value, normalise_icmp_rule),
            "fromCIDRSet" | "toCIDRSet" => map_array(value, normalise_cidr_rule),
            "fromGroups" | "toGroups" => map_array(value, normalise_group),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    // Normalisation 10: `from/toCIDR` entries join `from/toCIDRSet` as `{cidr: …}`.
    for (plain, set) in [("fromCIDR", "fromCIDRSet"), ("toCIDR", "toCIDRSet")] {
        let Some(Value::Array(cidrs)) = out.remove(plain) else {
            continue;
        };
        let mut entries = match out.remove(set) {
            Some(Value::Array(entries)) => entries,
            Some(other) => {
                // Not a list: compare both as written.
                out.insert(set.into(), other);
                out.insert(plain.into(), Value::Array(cidrs));
                continue;
            }
            None => Vec::new(),
        };
        entries.extend(cidrs.into_iter().map(|cidr| json!({"cidr": cidr})));
        out.insert(set.into(), Value::Array(entries));
    }
    Value::Object(out)
}

/// Normalisation 14: in a `from/toGroups` entry's `aws`, an empty
/// `securityGroupsIds`, `securityGroupsNames` or `labels` is the same as an
/// absent one (the agent ORs the ids, ORs the names and ANDs the labels, so
/// an empty list or map adds nothing).
fn normalise_group(group: &Value) -> Value {
    let Some(Value::Object(aws)) = group.get("aws") else {
        return group.clone();
    };
    let kept: Map<String, Value> = aws
        .iter()
        .filter(|(_, value)| match value {
            Value::Array(items) => !items.is_empty(),
            Value::Object(map) => !map.is_empty(),
            _ => true,
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    json!({ "aws": kept })
}

/// Normalises a PortRule (allow) or PortDenyRule: its `ports` entries.
fn normalise_port_rule(port_rule: &Value) -> Value {
    let Some(obj) = port_rule.as_object() else {
        return port_rule.clone();
    };
    let mut out = obj.clone();
    if let Some(ports) = obj.get("ports") {
        out.insert("ports".into(), map_array(ports, normalise_port));
    }
    // Normalisation 9, for DNS rules.
    if let Some(Value::Object(rules)) = obj.get("rules") {
        if let Some(dns) = rules.get("dns") {
            let mut rules = rules.clone();
            rules.insert("dns".into(), map_array(dns, normalise_fqdn));
            out.insert("rules".into(), Value::Object(rules));
        }
    }
    // Normalisation 17: empty L7 lists, then `rules` left empty, are absent.
    if let Some(Value::Object(rules)) = out.get("rules").cloned() {
        let kept: Map<String, Value> = rules
            .into_iter()
            .filter(|(key, value)| {
                !(matches!(key.as_str(), "http" | "kafka" | "dns")
                    && value.as_array().is_some_and(Vec::is_empty))
            })
            .collect();
        if kept.is_empty() {
            out.remove("rules");
        } else {
            out.insert("rules".into(), Value::Object(kept));
        }
    }
    // Normalisation 18: each server name once.
    if let Some(Value::Array(names)) = obj.get("serverNames") {
        let mut once: Vec<Value> = Vec::new();
        for name in names {
            if !once.contains(name) {
                once.push(name.clone());
            }
        }
        out.insert("serverNames".into(), Value::Array(once));
    }
    // Normalisation 16.
    if let Some(Value::Object(rules)) = out.get("rules").cloned() {
        if let Some(http) = rules.get("http") {
            let mut rules = rules.clone();
            rules.insert("http".into(), map_array(http, normalise_http_rule));
            out.insert("rules".into(), Value::Object(rules));
        }
    }
    Value::Object(out)
}

/// Normalisation 16: a `headerMatches` entry with a name only moves to `headers`.
fn normalise_http_rule(rule: &Value) -> Value {
    let Some(obj) = rule.as_object() else {
        return rule.clone();
    };
    let Some(Value::Array(matches)) = obj.get("headerMatches") else {
        return rule.clone();
    };
    let mut out = obj.clone();
    let mut headers = match obj.get("headers") {
        Some(Value::Array(headers)) => headers.clone(),
        _ => Vec::new(),
    };
    let mut kept = Vec::new();
    for entry in matches {
        match entry.as_object() {
            Some(fields) if fields.len() == 1 && fields.contains_key("name") => {
                headers.push(fields["name"].clone());
            }
            _ => kept.push(entry.clone()),
        }
    }
    if !headers.is_empty() {
        out.insert("headers".into(), Value::Array(headers));
    }
    if kept.is_empty() {
        out.remove("headerMatches");
    } else {
        out.insert("headerMatches".into(), Value::Array(kept));
    }
    Value::Object(out)
}

/// Normalises one `ports` entry: `{port, endPort?, protocol?}`.
fn normalise_port(port: &Value) -> Value {
    let Some(obj) = port.as_object() else {
        return port.clone();
    };
    let mut out = obj.clone();
    // Normalisation 3: `port: 8080` is the port `"8080"`.
    if let Some(Value::Number(n)) = obj.get("port") {
        out.insert("port".into(), Value::String(n.to_string()));
    }
    // Normalisation 4: no protocol means ANY.
    if !obj.contains_key("protocol") {
        out.insert("protocol".into(), Value::String("ANY".into()));
    }
    // Normalisation 15: VRRP, IGMP or a portless protocol of 1.20 without a port is port "0".
    let portless = matches!(
        obj.get("protocol").and_then(Value::as_str),
        Some("VRRP" | "IGMP" | "GRE" | "IPIP" | "IPV6" | "ESP" | "AH")
    );
    if portless && matches!(obj.get("port"), None | Some(Value::Null)) {
        out.insert("port".into(), Value::String("0".into()));
    }
    Value::Object(out)
}

/// Normalises a label selector: canonical keys (5), one-value `In` as `matchLabels` (6),
/// empty or null `matchLabels`/`matchExpressions` dropped (8).
fn normalise_selector(selector: &Value) -> Value {
    let Some(obj) = selector.as_object() else {
        return selector.clone();
    };
    let mut labels = Map::new();
    if let Some(Value::Object(match_labels)) = obj.get("matchLabels") {
        for (key, value) in match_labels {
            let canonical = canonical_key(key);
            match labels.get(&canonical) {
                // Two spellings of one key with different values: keep the second spelling
                // as written, so the comparison shows it.
                Some(existing) if existing != value => labels.insert(key.clone(), value.clone()),
                _ => labels.insert(canonical, value.clone()),
            };
        }
    } else if let Some(other) = obj.get("matchLabels").filter(|v| !v.is_null()) {
        // Not a map: not a selector Cilium would accept; compare it as written.
        return with_keys_as_written(obj, "matchLabels", other);
    }
    let mut expressions = Vec::new();
    match obj.get("matchExpressions") {
        Some(Value::Array(items)) => {
            for item in items {
                let Some(expr) = item.as_object() else {
                    expressions.push(item.clone());
                    continue;
                };
                let mut expr = expr.clone();
                if let Some(Value::String(key)) = expr.get("key") {
                    expr.insert("key".into(), Value::String(canonical_key(key)));
                }
                // Normalisation 6: `{key: k, operator: In, values: [v]}` is `matchLabels: {k: v}`.
                if let (Some(Value::String(key)), Some("In"), Some(Value::Array(values))) = (
                    expr.get("key"),
                    expr.get("operator").and_then(Value::as_str),
                    expr.get("values"),
                ) {
                    if let [value @ Value::String(_)] = values.as_slice() {
                        if expr.len() == 3 && labels.get(key).is_none_or(|v| v == value) {
                            labels.insert(key.clone(), value.clone());
                            continue;
                        }
                    }
                }
                expressions.push(Value::Object(expr));
            }
        }
        Some(Value::Null) | None => {}
        Some(other) => return with_keys_as_written(obj, "matchExpressions", other),
    }
    let mut out = Map::new();
    for (key, value) in obj {
        if key != "matchLabels" && key != "matchExpressions" {
            out.insert(key.clone(), value.clone());
        }
    }
    // Normalisation 8: empty means absent.
    if !labels.is_empty() {
        out.insert("matchLabels".into(), Value::Object(labels));
    }
    if !expressions.is_empty() {
        out.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(out)
}

/// A selector with a malformed `field`: returned as written.
fn with_keys_as_written(obj: &Map<String, Value>, field: &str, value: &Value) -> Value {
    let mut out = obj.clone();
    out.insert(field.into(), value.clone());
    Value::Object(out)
}

/// Normalisation 5: the spelling of a label key that stands for all its equivalent spellings.
fn canonical_key(key: &str) -> String {
    let bare = key.strip_prefix("any:").unwrap_or(key);
    let unprefixed = bare.strip_prefix("k8s:").unwrap_or(bare);
    if unprefixed == "io.kubernetes.pod.namespace"
        || unprefixed.starts_with("io.cilium.k8s.namespace.labels.")
    {
        format!("k8s:{unprefixed}")
    } else {
        bare.to_string()
    }
}

fn map_array(value: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(f).collect()),
        other => other.clone(),
    }
}

/// Normalisation 2: sorts every list (deepest first) into a canonical order, so lists compare
/// as multisets.
fn sort_lists(value: &mut Value) {
    match value {
        Value::Array(items) => {
            items.iter_mut().for_each(sort_lists);
            items.sort_by_cached_key(canonical_text);
        }
        Value::Object(map) => map.values_mut().for_each(sort_lists),
        _ => {}
    }
}

/// A text for `value` that is the same for equal values whatever their maps' key order.
fn canonical_text(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|x, y| x.0.cmp(y.0));
            let body: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), canonical_text(v)))
                .collect();
            format!("{{{}}}", body.join(","))
        }
        Value::Array(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(canonical_text)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
        scalar => scalar.to_string(),
    }
}

/// Appends the differences between the normalised `a` and `b` under `path`.
fn diff(path: &str, a: &Value, b: &Value, names: (&str, &str), out: &mut Vec<String>) {
    let at = if path.is_empty() { "(document)" } else { path };
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let keys: BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
            for key in keys {
                let sub = join_key(path, key);
                match (ma.get(key), mb.get(key)) {
                    (Some(va), Some(vb)) => diff(&sub, va, vb, names, out),
                    (Some(va), None) => {
                        out.push(format!("{sub}: only in {}: {}", names.0, show(va)))
                    }
                    (None, Some(vb)) => {
                        out.push(format!("{sub}: only in {}: {}", names.1, show(vb)))
                    }
                    (None, None) => unreachable!(),
                }
            }
        }
        (Value::Array(la), Value::Array(lb)) => {
            // Multiset difference: pair equal elements, then report the rest.
            let mut unmatched_b: Vec<(&Value, String)> =
                lb.iter().map(|v| (v, canonical_text(v))).collect();
            let mut unmatched_a = Vec::new();
            for va in la {
                let text = canonical_text(va);
                match unmatched_b.iter().position(|(_, t)| *t == text) {
                    Some(i) => {
                        unmatched_b.remove(i);
                    }
                    None => unmatched_a.push(va),
                }
            }
            match (unmatched_a.as_slice(), unmatched_b.as_slice()) {
                ([], []) => {}
                // One element each side without a match: show where the two differ.
                ([va], [(vb, _)]) => diff(&format!("{path}[?]"), va, vb, names, out),
                (rest_a, rest_b) => {
                    for va in rest_a {
                        out.push(format!("{at}: element only in {}: {}", names.0, show(va)));
                    }
                    for (vb, _) in rest_b {
                        out.push(format!("{at}: element only in {}: {}", names.1, show(vb)));
                    }
                }
            }
        }
        _ if a == b => {}
        _ => out.push(format!(
            "{at}: {} has {}, {} has {}",
            names.0,
            show(a),
            names.1,
            show(b)
        )),
    }
}

fn join_key(path: &str, key: &str) -> String {
    let simple = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (path.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", Value::String(key.to_string())),
    }
}

fn show(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses one YAML document.
    fn doc(text: &str) -> Value {
        let mut docs = yaml_documents(text).unwrap();
        assert_eq!(docs.len(), 1, "expected one document in:\n{text}");
        docs.remove(0)
    }

    /// A CNP in namespace `ns` with the given `spec` body (YAML, indented by two spaces).
    fn cnp(spec: &str) -> Value {
        doc(&format!(
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: p\n  namespace: ns\nspec:\n{spec}"
        ))
    }

    #[track_caller]
    fn same(a: &Value, b: &Value) {
        if let Err(e) = equivalent(a, b) {
            panic!(
                "expected equivalent, got {e}\nnormalised a: {}\nnormalised b: {}",
                normalise(a),
                normalise(b)
            );
        }
        // Equivalence is symmetric.
        equivalent(b, a).unwrap();
    }

    /// Asserts a difference is reported, mentioning every one of `needles`.
    #[track_caller]
    fn differ(a: &Value, b: &Value, needles: &[&str]) -> String {
        let err = equivalent(a, b).expect_err("expected a difference");
        for needle in needles {
            assert!(err.contains(needle), "report lacks {needle:?}:\n{err}");
        }
        assert!(equivalent(b, a).is_err(), "not symmetric");
        err
    }

    const FRONTEND_8080: &str = "  endpointSelector:
    matchLabels:
      app: backend
  ingress:
  - fromEndpoints:
    - matchLabels:
        app: frontend
    toPorts:
    - ports:
      - port: \"8080\"
        protocol: TCP
";

    #[test]
    fn identical_documents_are_equivalent() {
        same(&cnp(FRONTEND_8080), &cnp(FRONTEND_8080));
    }

    #[test]
    fn map_key_order_is_irrelevant() {
        let b = cnp("  ingress:
  - toPorts:
    - ports:
      - protocol: TCP
        port: \"8080\"
    fromEndpoints:
    - matchLabels:
        app: frontend
  endpointSelector:
    matchLabels:
      app: backend
");
        same(&cnp(FRONTEND_8080), &b);
    }

    // Normalisation 1.
    #[test]
    fn spec_equals_one_element_specs() {
        let a = cnp(FRONTEND_8080);
        let mut b = a.clone();
        let spec = b.as_object_mut().unwrap().remove("spec").unwrap();
        b["specs"] = json!([spec]);
        same(&a, &b);
    }

    #[test]
    fn spec_plus_specs_is_one_multiset_of_rules() {
        let r1 = json!({"endpointSelector": {}, "egress": [{"toEntities": ["world"]}]});
        let r2 = json!({"endpointSelector": {"matchLabels": {"app": "a"}}, "ingress": [{}]});
        let base = json!({"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
                          "metadata": {"name": "p", "namespace": "ns"}});
        let mut a = base.clone();
        a["spec"] = r1.clone();
        a["specs"] = json!([r2.clone()]);
        let mut b = base.clone();
        b["specs"] = json!([r2.clone(), r1.clone()]);
        same(&a, &b);
        // But one rule fewer is a difference.
        let mut c = base;
        c["specs"] = json!([r2]);
        differ(&a, &c, &["specs", "only in a", "world"]);
    }

    // Normalisation 2.
    #[test]
    fn order_of_rules_peers_ports_fqdns_and_cidrs_is_irrelevant() {
        let a = cnp("  endpointSelector: {}
  egress:
  - toEntities: [host, remote-node]
    toPorts:
    - ports:
      - {port: \"10250\", protocol: TCP}
      - {port: \"10255\", protocol: TCP}
  - toFQDNs:
    - matchName: a.example.com
    - matchPattern: '*.example.org'
  - toCIDRSet:
    - cidr: 10.0.0.0/8
      except: [10.1.0.0/16, 10.2.0.0/16]
    - cidr: 192.168.0.0/16
  - toEndpoints:
    - matchLabels: {app: x}
    - matchExpressions:
      - {key: tier, operator: In, values: [db, cache]}
      - {key: env, operator: Exists}
");
        let b = cnp("  endpointSelector: {}
  egress:
  - toEndpoints:
    - matchExpressions:
      - {key: env, operator: Exists}
      - {key: tier, operator: In, values: [cache, db]}
    - matchLabels: {app: x}
  - toCIDRSet:
    - cidr: 192.168.0.0/16
    - cidr: 10.0.0.0/8
      except: [10.2.0.0/16, 10.1.0.0/16]
  - toFQDNs:
    - matchPattern: '*.example.org'
    - matchName: a.example.com
  - toEntities: [remote-node, host]
    toPorts:
    - ports:
      - {port: \"10255\", protocol: TCP}
      - {port: \"10250\", protocol: TCP}
");
        same(&a, &b);
    }

    #[test]
    fn lists_are_multisets_not_sets() {
        let a = cnp("  endpointSelector: {}\n  ingress:\n  - {}\n");
        let b = cnp("  endpointSelector: {}\n  ingress:\n  - {}\n  - {}\n");
        differ(&a, &b, &["specs[?].ingress", "element only in b"]);
    }

    // Normalisation 3.
    #[test]
    fn integer_port_equals_string_port() {
        let b = cnp(&FRONTEND_8080.replace("port: \"8080\"", "port: 8080"));
        assert_eq!(
            b["spec"]["ingress"][0]["toPorts"][0]["ports"][0]["port"],
            json!(8080)
        );
        same(&cnp(FRONTEND_8080), &b);
    }

    // Normalisation 4.
    #[test]
    fn absent_protocol_equals_any() {
        let a = cnp(
            "  endpointSelector: {}\n  egress:\n  - toPorts:\n    - ports:\n      - port: \"53\"\n",
        );
        let b = cnp(
            "  endpointSelector: {}\n  egress:\n  - toPorts:\n    - ports:\n      - port: \"53\"\n        protocol: ANY\n",
        );
        same(&a, &b);
        let tcp = cnp(
            "  endpointSelector: {}\n  egress:\n  - toPorts:\n    - ports:\n      - port: \"53\"\n        protocol: TCP\n",
        );
        differ(&a, &tcp, &["protocol", "\"ANY\"", "\"TCP\""]);
    }

    // Normalisation 16.
    #[test]
    fn name_only_header_match_equals_a_headers_name() {
        let http = |rule: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}\n  egress:\n  - toPorts:\n    - ports: [{{port: \"80\", protocol: TCP}}]\n      rules:\n        http: [{rule}]\n"
            ))
        };
        same(
            &http("{headerMatches: [{name: X-Token}]}"),
            &http("{headers: [X-Token]}"),
        );
        same(
            &http("{headers: [A], headerMatches: [{name: X-Token}, {name: B, value: b}]}"),
            &http("{headers: [A, X-Token], headerMatches: [{name: B, value: b}]}"),
        );
        differ(
            &http("{headerMatches: [{name: X-Token, mismatch: LOG}]}"),
            &http("{headers: [X-Token]}"),
            &["headerMatches"],
        );
        differ(
            &http("{headerMatches: [{name: X-Token, value: v}]}"),
            &http("{headers: [X-Token]}"),
            &["headerMatches"],
        );
    }

    // Normalisation 5.
    #[test]
    fn namespace_key_any_source_equals_k8s_source() {
        let dns = |key: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}
  egress:
  - toEndpoints:
    - matchLabels:
        {key}: kube-system
        k8s-app: kube-dns
"
            ))
        };
        same(
            &dns("io.kubernetes.pod.namespace"),
            &dns("k8s:io.kubernetes.pod.namespace"),
        );
        same(
            &dns("any:io.kubernetes.pod.namespace"),
            &dns("k8s:io.kubernetes.pod.namespace"),
        );
        // In matchExpressions too.
        let not_in = |key: &str| {
            doc(&format!(
                "apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {{name: p}}
spec:
  endpointSelector:
    matchExpressions:
    - {{key: {key}, operator: NotIn, values: [kube-system]}}
  egress:
  - {{}}
"
            ))
        };
        same(
            &not_in("io.kubernetes.pod.namespace"),
            &not_in("k8s:io.kubernetes.pod.namespace"),
        );
        // And for the namespace-label keys.
        let ns_label = |key: &str| {
            cnp(&format!(
                "  endpointSelector:\n    matchLabels:\n      {key}: infrastructure\n  egress:\n  - {{}}\n"
            ))
        };
        same(
            &ns_label("io.cilium.k8s.namespace.labels.role"),
            &ns_label("k8s:io.cilium.k8s.namespace.labels.role"),
        );
    }

    #[test]
    fn other_keys_keep_their_source() {
        let app = |key: &str| {
            cnp(&format!(
                "  endpointSelector:\n    matchLabels:\n      {key}: a\n  egress:\n  - {{}}\n"
            ))
        };
        same(&app("app"), &app("any:app"));
        differ(
            &app("app"),
            &app("k8s:app"),
            &["endpointSelector.matchLabels"],
        );
    }

    // Normalisation 6.
    #[test]
    fn one_value_in_equals_match_labels() {
        let a = doc("apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-all}
spec:
  endpointSelector:
    matchExpressions:
    - key: io.kubernetes.pod.namespace
      operator: In
      values:
      - hello-world
  ingress:
  - {}
");
        let b = doc("apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-all}
spec:
  endpointSelector:
    matchLabels:
      k8s:io.kubernetes.pod.namespace: hello-world
  ingress:
  - {}
");
        same(&a, &b);
        // Two values are a choice, not a label.
        let two = doc(&serde_yaml::to_string(&a)
            .unwrap()
            .replace("- hello-world", "- hello-world\n      - other"));
        differ(&two, &b, &["endpointSelector"]);
        // And NotIn is not In.
        let not_in = doc(&serde_yaml::to_string(&a).unwrap().replace("In", "NotIn"));
        differ(&not_in, &b, &["endpointSelector"]);
    }

    // Normalisation 7.
    #[test]
    fn explicit_empty_endpoint_list_rule_equals_empty_rule() {
        let a = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints: []
  egress:
  - toEndpoints: []
");
        let b = cnp("  endpointSelector: {}\n  ingress:\n  - {}\n  egress:\n  - {}\n");
        same(&a, &b);
        // `[]` selects nothing; `[{}]` selects every pod of the namespace.
        let all = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints:
    - {}
  egress:
  - toEndpoints: []
");
        differ(&a, &all, &["ingress"]);
        // Deny rules are compared as written.
        let deny_empty = cnp("  endpointSelector: {}\n  ingressDeny:\n  - fromEndpoints: []\n");
        let deny_rule = cnp("  endpointSelector: {}\n  ingressDeny:\n  - {}\n");
        differ(&deny_empty, &deny_rule, &["ingressDeny"]);
    }

    // Normalisation 8.
    #[test]
    fn empty_selector_parts_equal_absent_ones() {
        let a = cnp("  endpointSelector: {}\n  ingress:\n  - fromEndpoints:\n    - {}\n");
        let b = cnp("  endpointSelector:
    matchLabels: {}
    matchExpressions: []
  ingress:
  - fromEndpoints:
    - matchLabels:
      matchExpressions: []
");
        same(&a, &b);
        // A missing endpointSelector is not an empty one.
        let missing = cnp("  ingress:\n  - fromEndpoints:\n    - {}\n");
        differ(&a, &missing, &["endpointSelector", "only in a"]);
    }

    #[test]
    fn description_must_match_exactly() {
        let a = cnp(&format!(
            "  description: \"Deny all ingress by default\"\n{FRONTEND_8080}"
        ));
        let b = cnp(&format!(
            "  description: \"Deny all ingress by default.\"\n{FRONTEND_8080}"
        ));
        differ(&a, &b, &["description"]);
        differ(&a, &cnp(FRONTEND_8080), &["description", "only in a"]);
    }

    // Negative tests: real differences are caught.

    #[test]
    fn different_port_is_caught() {
        let b = cnp(&FRONTEND_8080.replace("8080", "8081"));
        let err = differ(&cnp(FRONTEND_8080), &b, &["port", "\"8080\"", "\"8081\""]);
        assert!(
            err.contains("specs[?].ingress[?].toPorts[?].ports[?].port"),
            "{err}"
        );
    }

    #[test]
    fn tcp_versus_udp_is_caught() {
        let b = cnp(&FRONTEND_8080.replace("TCP", "UDP"));
        differ(&cnp(FRONTEND_8080), &b, &["protocol", "\"TCP\"", "\"UDP\""]);
    }

    #[test]
    fn missing_rule_is_caught() {
        let a = cnp(&format!("{FRONTEND_8080}  - fromEntities:\n    - world\n"));
        differ(&a, &cnp(FRONTEND_8080), &["ingress", "only in a", "world"]);
    }

    #[test]
    fn different_namespace_in_a_peer_selector_is_caught() {
        let peer = |ns: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}
  ingress:
  - fromEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: {ns}
        app: prometheus
"
            ))
        };
        differ(
            &peer("monitoring"),
            &peer("monitor"),
            &["io.kubernetes.pod.namespace", "\"monitoring\""],
        );
        // Naming a namespace is not the same as leaving it to the agent.
        let implicit = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints:
    - matchLabels:
        app: prometheus
");
        differ(&peer("monitoring"), &implicit, &["only in a"]);
    }

    #[test]
    fn different_l7_path_is_caught() {
        let l7 = |path: &str| {
            cnp(&format!(
                "{FRONTEND_8080}      rules:
        http:
        - method: GET
          path: {path}
        - method: GET
          path: /healthz
"
            ))
        };
        same(&l7("/api/v1/orders.*"), &l7("/api/v1/orders.*"));
        differ(
            &l7("/api/v1/orders.*"),
            &l7("/api/v1/orders"),
            &["http[?].path", "/api/v1/orders.*"],
        );
        // And an L7 rule list is not the same as no L7 rules.
        differ(&l7("/x"), &cnp(FRONTEND_8080), &["rules", "only in a"]);
    }

    #[test]
    fn deny_versus_allow_is_caught() {
        let deny =
            cnp("  endpointSelector: {}\n  egressDeny:\n  - toCIDR:\n    - 169.254.169.254/32\n");
        let allow =
            cnp("  endpointSelector: {}\n  egress:\n  - toCIDR:\n    - 169.254.169.254/32\n");
        differ(
            &deny,
            &allow,
            &["egressDeny: only in a", "egress: only in b"],
        );
    }

    #[test]
    fn different_policy_namespace_name_or_kind_is_caught() {
        let a = cnp(FRONTEND_8080);
        let mut b = a.clone();
        b["metadata"]["namespace"] = json!("other");
        differ(&a, &b, &["metadata.namespace"]);
        let mut c = a.clone();
        c["metadata"]["name"] = json!("q");
        differ(&a, &c, &["metadata.name"]);
        let mut d = a.clone();
        d["kind"] = json!("CiliumClusterwideNetworkPolicy");
        differ(&a, &d, &["kind"]);
    }

    #[test]
    fn every_difference_is_reported_at_once() {
        let b = cnp(&FRONTEND_8080
            .replace("8080", "9090")
            .replace("frontend", "backend"));
        let err = equivalent(&cnp(FRONTEND_8080), &b).unwrap_err();
        assert!(err.contains("2 differences"), "{err}");
    }

    // Normalisation 9.
    #[test]
    fn pattern_without_star_equals_name() {
        let fqdn = |field: &str, value: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}\n  egress:\n  - toFQDNs:\n    - {field}: \"{value}\"\n    toPorts:\n    - ports:\n      - {{port: \"53\", protocol: ANY}}\n      rules:\n        dns:\n        - {field}: \"{value}\"\n"
            ))
        };
        same(
            &fqdn("matchPattern", "api.example.com"),
            &fqdn("matchName", "api.example.com"),
        );
        // A real pattern stays a pattern.
        differ(
            &fqdn("matchPattern", "*.example.com"),
            &fqdn("matchName", "*.example.com"),
            &["matchPattern"],
        );
    }

    // Normalisation 10.
    #[test]
    fn cidr_equals_cidr_set_entry_without_exceptions() {
        let plain = cnp(
            "  endpointSelector: {}\n  egress:\n  - toCIDR:\n    - 10.0.0.0/8\n    - 192.168.0.0/16\n",
        );
        let set = cnp(
            "  endpointSelector: {}\n  egress:\n  - toCIDRSet:\n    - cidr: 192.168.0.0/16\n      except: []\n    - cidr: 10.0.0.0/8\n",
        );
        same(&plain, &set);
        let except = cnp(
            "  endpointSelector: {}\n  egress:\n  - toCIDRSet:\n    - cidr: 10.0.0.0/8\n      except: [10.1.0.0/16]\n    - cidr: 192.168.0.0/16\n",
        );
        differ(&plain, &except, &["except"]);
    }

    // Normalisation 11.
    #[test]
    fn clusterwide_peer_without_namespace_gets_exists() {
        let ccnp = |peer: &str| {
            doc(&format!(
                "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {{name: p}}\nspec:\n  endpointSelector: {{}}\n  ingress:\n  - fromEndpoints:\n    - {peer}\n"
            ))
        };
        let exists = "{matchLabels: {app: a}, matchExpressions: [{key: k8s:io.kubernetes.pod.namespace, operator: Exists}]}";
        same(&ccnp("{matchLabels: {app: a}}"), &ccnp(exists));
        same(
            &ccnp("{}"),
            &ccnp("{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: Exists}]}"),
        );
        // A named namespace is not every namespace.
        differ(
            &ccnp("{matchLabels: {app: a, io.kubernetes.pod.namespace: x}}"),
            &ccnp(exists),
            &["fromEndpoints"],
        );
        // Reserved labels get no namespace term.
        differ(
            &ccnp("{matchLabels: {'reserved:host': ''}}"),
            &ccnp(
                "{matchLabels: {'reserved:host': ''}, matchExpressions: [{key: k8s:io.kubernetes.pod.namespace, operator: Exists}]}",
            ),
            &["fromEndpoints"],
        );
        // Nor in a CNP, where the agent adds the policy's namespace instead.
        let namespaced = |peer: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}\n  ingress:\n  - fromEndpoints:\n    - {peer}\n"
            ))
        };
        differ(
            &namespaced("{matchLabels: {app: a}}"),
            &namespaced(exists),
            &["fromEndpoints"],
        );
    }

    // Normalisation 12.
    #[test]
    fn icmp_family_defaults_to_ipv4() {
        let icmp = |fields: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}\n  ingress:\n  - icmps:\n    - fields:\n      - {fields}\n"
            ))
        };
        same(&icmp("{type: 8}"), &icmp("{type: 8, family: IPv4}"));
        differ(
            &icmp("{type: 8}"),
            &icmp("{type: 8, family: IPv6}"),
            &["family"],
        );
    }

    // Normalisation 15.
    #[test]
    fn vrrp_without_a_port_equals_port_zero() {
        let port = |entry: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}\n  egress:\n  - toPorts:\n    - ports:\n      - {entry}\n"
            ))
        };
        same(
            &port("{protocol: VRRP}"),
            &port("{port: '0', protocol: VRRP}"),
        );
        same(
            &port("{protocol: IGMP}"),
            &port("{port: '0', protocol: IGMP}"),
        );
        differ(
            &port("{protocol: VRRP}"),
            &port("{port: '0', protocol: IGMP}"),
            &["protocol"],
        );
        same(
            &port("{protocol: GRE}"),
            &port("{port: '0', protocol: GRE}"),
        );
        same(&port("{protocol: AH}"), &port("{port: '0', protocol: AH}"));
        // Only those: a TCP entry without a port stays as written.
        differ(
            &port("{protocol: TCP}"),
            &port("{port: '0', protocol: TCP}"),
            &["port"],
        );
    }

    // Normalisation 14.
    #[test]
    fn port_rules_of_one_rule_equal_one_rule_each() {
        let one = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: a}}]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: '80', protocol: TCP}]
      rules: {http: [{method: GET}]}
    - ports: [{port: '53', protocol: UDP}]
");
        let split = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: a}}]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: '53', protocol: UDP}]
  - fromEndpoints: [{matchLabels: {app: a}}]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: '80', protocol: TCP}]
      rules: {http: [{method: GET}]}
");
        same(&one, &split);
        // The split rules keep the peer: another peer on one of them differs.
        let other_peer = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: a}}]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: '53', protocol: UDP}]
  - fromEndpoints: [{matchLabels: {app: b}}]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: '80', protocol: TCP}]
      rules: {http: [{method: GET}]}
");
        differ(&one, &other_peer, &["ingress"]);
        // Several ports in one entry are not several entries.
        let one_entry = cnp("  endpointSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: a}}]
    authentication: {mode: required}
    toPorts:
    - ports: [{port: '80', protocol: TCP}, {port: '53', protocol: UDP}]
      rules: {http: [{method: GET}]}
");
        differ(&one, &one_entry, &["ingress"]);
    }

    // Normalisation 17.
    #[test]
    fn empty_l7_lists_equal_no_l7_rules() {
        let rule = |rules: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}
  ingress:
  - fromEndpoints: [{{matchLabels: {{app: a}}}}]
    toPorts:
    - ports: [{{port: '9092', protocol: TCP}}]
{rules}"
            ))
        };
        let bare = rule("");
        same(&rule("      rules: {kafka: []}\n"), &bare);
        same(&rule("      rules: {http: [], dns: []}\n"), &bare);
        same(&rule("      rules: {}\n"), &bare);
        // An empty list beside rules of another kind leaves those rules.
        same(
            &rule("      rules: {http: [], kafka: [{topic: t}]}\n"),
            &rule("      rules: {kafka: [{topic: t}]}\n"),
        );
        // A rule in the list is a restriction, and `l7proto` chooses a parser.
        differ(
            &rule("      rules: {kafka: [{topic: t}]}\n"),
            &bare,
            &["rules"],
        );
        differ(
            &rule("      rules: {l7proto: x, l7: []}\n"),
            &bare,
            &["rules"],
        );
    }

    // Normalisation 18.
    #[test]
    fn a_server_name_twice_equals_it_once() {
        let names = |list: &str| {
            cnp(&format!(
                "  endpointSelector: {{}}
  egress:
  - toPorts:
    - ports: [{{port: '443', protocol: TCP}}]
      serverNames: {list}
"
            ))
        };
        same(
            &names("[a.example, b.example, a.example]"),
            &names("[a.example, b.example]"),
        );
        same(
            &names("[b.example, a.example, a.example]"),
            &names("[a.example, b.example]"),
        );
        differ(
            &names("[a.example, a.example]"),
            &names("[a.example, b.example]"),
            &["serverNames"],
        );
    }
}
