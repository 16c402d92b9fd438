//! The differential check: what netpolc emits for a program that compiles is
//! what the Cilium API server accepts and what every YAML reader reads the
//! same, and it says what the checked program says.
//!
//! **Invariant checked:** for every emitted file of a clean compilation,
//!
//! - every document validates against the vendored CRD schema of the
//!   targeted Cilium version (`tests/it/schema.rs`, the integration tests'
//!   validator, included by path, with its version mapping
//!   `CiliumVersion::of`; it also flags plain scalars `kubectl` reads as
//!   booleans or numbers);
//! - every document parses with `serde_yaml` and reads back the intended
//!   values, taken from the checked program (`ir::Program`), not from the
//!   emitter: kind, name, namespace, description, rule labels, the subject
//!   selector and the CIDR group lists, in order;
//! - every plain (unquoted) scalar is read alike by YAML 1.1 and 1.2
//!   readers: it has none of the implicit types of the YAML 1.1 type
//!   repository, the YAML 1.2 core schema or go-yaml v2 (the table of
//!   `tests/it/yaml_scalars.rs`, included by path), except the booleans
//!   `true`/`false` and plain decimal integers, which every reader reads as
//!   the same boolean or number;
//! - no selector is one the agent would rewrite: in a CNP, the
//!   `endpointSelector` names no pod-namespace label
//!   (`k8s:io.kubernetes.pod.namespace`, or without or with another source
//!   prefix), and no `In`/`NotIn` match expression anywhere has empty
//!   `values`.

use std::collections::BTreeMap;

use netpolc::ir;
use serde::Deserialize;
use serde_yaml::{Mapping, Value};

#[path = "../../it/schema.rs"]
#[expect(
    dead_code,
    unused_imports,
    reason = "the integration tests' validator, included by path: the fuzz target uses part of it"
)]
mod schema;

#[path = "../../it/yaml_scalars.rs"]
#[expect(
    dead_code,
    reason = "the integration tests' table, included by path: the fuzz target uses part of it"
)]
mod yaml_scalars;

/// The documents one emitted file must hold, in order.
type Intended = BTreeMap<String, Vec<Value>>;

/// Checks every invariant of the module docs on a clean compilation's files;
/// panics, naming the file and the problem, on a violation.
pub fn check(
    program: &ir::Program,
    version: netpolc::CiliumVersion,
    files: &[netpolc::OutputFile],
) {
    let crds = schema::CiliumVersion::of(version);
    let mut intended = intended_files(program);
    for file in files {
        let errors = schema::validate_stream(&file.contents, crds);
        assert!(
            errors.is_empty(),
            "{} does not validate against the {crds:?} CRDs:\n{}\n{}",
            file.path,
            errors.join("\n"),
            file.contents
        );
        for (line, scalar) in yaml_scalars::plain_scalars(&file.contents) {
            if let Some(ty) = yaml_scalars::implicit_type(&scalar) {
                assert!(
                    is_agreed_non_string(&scalar),
                    "{} line {line}: plain scalar {scalar:?} is a {ty} for some reader\n{}",
                    file.path,
                    file.contents
                );
            }
        }
        let documents: Vec<Value> = serde_yaml::Deserializer::from_str(&file.contents)
            .map(|document| {
                Value::deserialize(document).unwrap_or_else(|err| {
                    panic!("{} is not YAML: {err}\n{}", file.path, file.contents)
                })
            })
            .collect();
        for document in &documents {
            check_selectors(document, &file.path);
        }
        let Some(expected) = intended.remove(&file.path) else {
            panic!(
                "{} was emitted, but the program has no such file",
                file.path
            );
        };
        assert_eq!(
            documents.len(),
            expected.len(),
            "{}: document count\n{}",
            file.path,
            file.contents
        );
        for (index, (document, expected)) in documents.iter().zip(&expected).enumerate() {
            assert!(
                document_matches(document, expected),
                "{} document {index} reads back as\n{}\nbut the program says\n{}",
                file.path,
                serde_yaml::to_string(document).unwrap_or_default(),
                serde_yaml::to_string(expected).unwrap_or_default()
            );
        }
    }
    assert!(
        intended.is_empty(),
        "files not emitted: {:?}",
        intended.keys().collect::<Vec<_>>()
    );
}

/// A plain scalar every reader reads as the same non-string: `true`,
/// `false`, or a decimal integer without sign, `_` or leading zero.
fn is_agreed_non_string(scalar: &str) -> bool {
    matches!(scalar, "true" | "false")
        || scalar == "0"
        || (scalar.len() <= 18
            && scalar.starts_with(|c: char| ('1'..='9').contains(&c))
            && scalar.bytes().all(|byte| byte.is_ascii_digit()))
}

/// True when `document` holds every field of `expected` with the same
/// value (it may hold more, such as the rules); a `null` in `expected` is a
/// field that must be absent, and sequences match item by item.
fn document_matches(document: &Value, expected: &Value) -> bool {
    match (document, expected) {
        (Value::Mapping(have), Value::Mapping(want)) => want.iter().all(|(key, want)| {
            if want.is_null() {
                // An absent field.
                !have.contains_key(key)
            } else {
                have.get(key)
                    .is_some_and(|have| document_matches(have, want))
            }
        }),
        (Value::Sequence(have), Value::Sequence(want)) => {
            have.len() == want.len()
                && have
                    .iter()
                    .zip(want)
                    .all(|(have, want)| document_matches(have, want))
        }
        (have, want) => have == want,
    }
}

/// The intended documents of each file, by path, built from the program:
/// fields left `null` must be absent.
fn intended_files(program: &ir::Program) -> Intended {
    let mut files = Intended::new();
    for namespace in program.namespaces.values() {
        if namespace.policies.is_empty() {
            continue;
        }
        files.insert(
            format!("{}.yaml", namespace.name),
            namespace
                .policies
                .iter()
                .map(|policy| {
                    policy_document("CiliumNetworkPolicy", policy, Some(namespace.name.as_str()))
                })
                .collect(),
        );
    }
    if !program.cluster.is_empty() {
        files.insert(
            "_clusterwide.yaml".to_owned(),
            program
                .cluster
                .iter()
                .map(|policy| policy_document("CiliumClusterwideNetworkPolicy", policy, None))
                .collect(),
        );
    }
    if !program.cidr_groups.is_empty() {
        files.insert(
            "_cidrgroups.yaml".to_owned(),
            program
                .cidr_groups
                .iter()
                .map(|(name, group)| {
                    let cidrs = group
                        .cidrs
                        .iter()
                        .map(|cidr| Value::String(cidr.to_string()))
                        .collect();
                    let mut spec = Mapping::new();
                    spec.insert("externalCIDRs".into(), Value::Sequence(cidrs));
                    let mut group = object("CiliumCIDRGroup", name, None, spec);
                    // CiliumCIDRGroup is served as `cilium.io/v2` from Cilium
                    // 1.18 (its CRD), as `cilium.io/v2alpha1` only before.
                    if program.cilium_version.minor < 18 {
                        group["apiVersion"] = "cilium.io/v2alpha1".into();
                    }
                    group
                })
                .collect(),
        );
    }
    files
}

/// The intended fields of one policy's document.
fn policy_document(kind: &str, policy: &ir::PolicyInstance, namespace: Option<&str>) -> Value {
    let spec = &policy.spec;
    let mut fields = Mapping::new();
    fields.insert(
        "description".into(),
        spec.description
            .as_ref()
            .map_or(Value::Null, |text| Value::String(text.to_string())),
    );
    let (field, selector, other) = match &spec.subject {
        ir::Subject::Pods(selector) => ("endpointSelector", selector, "nodeSelector"),
        ir::Subject::Nodes(selector) => ("nodeSelector", selector, "endpointSelector"),
    };
    fields.insert(field.into(), selector_value(selector));
    fields.insert(other.into(), Value::Null);
    let labels: Vec<Value> = spec
        .labels
        .iter()
        .map(|(key, value)| {
            let mut label = Mapping::new();
            label.insert("key".into(), key.as_str().into());
            label.insert("value".into(), value.as_str().into());
            Value::Mapping(label)
        })
        .collect();
    fields.insert(
        "labels".into(),
        if labels.is_empty() {
            Value::Null
        } else {
            Value::Sequence(labels)
        },
    );
    object(kind, &policy.name, namespace, fields)
}

/// A whole selector as the CRD writes it; empty parts absent.
fn selector_value(selector: &ir::Selector) -> Value {
    // Compared field by field (`document_matches`): an absent part is `null`.
    let mut out = Mapping::new();
    out.insert("matchLabels".into(), Value::Null);
    out.insert("matchExpressions".into(), Value::Null);
    if !selector.match_labels.is_empty() {
        let labels = selector
            .match_labels
            .iter()
            .map(|(key, value)| (key.as_str().into(), value.as_str().into()))
            .collect();
        out.insert("matchLabels".into(), Value::Mapping(labels));
    }
    if !selector.match_expressions.is_empty() {
        let expressions = selector
            .match_expressions
            .iter()
            .map(|expression| {
                let mut entry = Mapping::new();
                entry.insert("key".into(), expression.key.as_str().into());
                let (operator, has_values) = match expression.operator {
                    ir::Operator::In => ("In", true),
                    ir::Operator::NotIn => ("NotIn", true),
                    ir::Operator::Exists => ("Exists", false),
                    ir::Operator::DoesNotExist => ("DoesNotExist", false),
                };
                entry.insert("operator".into(), operator.into());
                let values = expression
                    .values
                    .iter()
                    .map(|value| Value::String(value.to_string()))
                    .collect();
                entry.insert(
                    "values".into(),
                    if has_values {
                        Value::Sequence(values)
                    } else {
                        Value::Null
                    },
                );
                Value::Mapping(entry)
            })
            .collect();
        out.insert("matchExpressions".into(), Value::Sequence(expressions));
    }
    Value::Mapping(out)
}

/// `apiVersion`, `kind`, `metadata` and `spec` of an object.
fn object(kind: &str, name: &str, namespace: Option<&str>, spec: Mapping) -> Value {
    let mut metadata = Mapping::new();
    metadata.insert("name".into(), name.into());
    metadata.insert(
        "namespace".into(),
        namespace.map_or(Value::Null, Into::into),
    );
    let mut out = Mapping::new();
    out.insert("apiVersion".into(), "cilium.io/v2".into());
    out.insert("kind".into(), kind.into());
    out.insert("metadata".into(), Value::Mapping(metadata));
    out.insert("spec".into(), Value::Mapping(spec));
    Value::Mapping(out)
}

/// The pod-namespace label keys the agent overrides in a CNP's subject.
fn is_pod_namespace_key(key: &str) -> bool {
    let unprefixed = key.split_once(':').map_or(key, |(_, rest)| rest);
    unprefixed == "io.kubernetes.pod.namespace"
}

/// The selector invariants of the module docs, on one parsed document.
fn check_selectors(document: &Value, path: &str) {
    if document["kind"] == "CiliumNetworkPolicy" {
        let subject = &document["spec"]["endpointSelector"];
        let labels = subject["matchLabels"].as_mapping();
        for key in labels.into_iter().flat_map(Mapping::keys) {
            assert!(
                !key.as_str().is_some_and(is_pod_namespace_key),
                "{path}: CNP {:?} selects its pods by {key:?}, which the agent overrides",
                document["metadata"]["name"]
            );
        }
        let expressions = subject["matchExpressions"].as_sequence();
        for expression in expressions.into_iter().flatten() {
            assert!(
                !expression["key"].as_str().is_some_and(is_pod_namespace_key),
                "{path}: CNP {:?} selects its pods by an expression on {:?}, which the agent overrides",
                document["metadata"]["name"],
                expression["key"]
            );
        }
    }
    check_expressions(document, path);
}

/// No `In`/`NotIn` expression with empty `values`, anywhere in `value`.
fn check_expressions(value: &Value, path: &str) {
    match value {
        Value::Mapping(map) => {
            if let Some(Value::Sequence(expressions)) = map.get("matchExpressions") {
                for expression in expressions {
                    let operator = expression["operator"].as_str();
                    if matches!(operator, Some("In" | "NotIn")) {
                        assert!(
                            expression["values"]
                                .as_sequence()
                                .is_some_and(|values| !values.is_empty()),
                            "{path}: {operator:?} expression on {:?} with no values",
                            expression["key"]
                        );
                    }
                }
            }
            map.values()
                .for_each(|value| check_expressions(value, path));
        }
        Value::Sequence(items) => items.iter().for_each(|item| check_expressions(item, path)),
        _ => {}
    }
}
