//! The seed promise: every policy of the seed documents 001–004, transcribed in
//! `examples/seeds/reference/seed-00N.yaml`, has an equivalent policy (same kind, namespace
//! and name; equivalent per [`crate::equivalence`]) among the compiled
//! `examples/seeds/generated/*.yaml`, and every generated policy comes from a seed, except
//! those of `examples/seeds/adr-003.netpol` (ADR-003 has no YAML), listed in
//! [`ADR_003_ONLY`].
//!
//! Every problem is collected and reported at once.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::equivalence::{equivalent_as, yaml_documents};

const CNP: &str = "CiliumNetworkPolicy";
const CCNP: &str = "CiliumClusterwideNetworkPolicy";

/// The reference files and how many policies each seed has. A document lost from a
/// reference file (or an extra one) fails the test.
const REFERENCE: [(&str, usize); 4] = [
    ("seed-001.yaml", 2),
    ("seed-002.yaml", 17),
    ("seed-003.yaml", 12),
    ("seed-004.yaml", 2),
];

/// Generated policies without a seed: the postures of ADR-003 (`adr-003.netpol`), which
/// the ADR describes in prose only. (kind, namespace, name).
const ADR_003_ONLY: [(&str, &str, &str); 3] = [
    (CNP, "storefront", "user-facing-app"),
    (CNP, "storefront", "checkout-egress"),
    (CNP, "cert-manager", "infrastructure-service"),
];

/// Reference policies whose gRPC paths netpolc writes with escaped dots: the seed writes
/// the regexp `/pkg.Svc/M`, whose dots match any character; netpolc writes `/pkg\.Svc/M`,
/// which matches that method only (examples/seeds/README.md). The comparison escapes the
/// dots of these references' HTTP paths first. (kind, namespace, name).
const GRPC_PATHS_ESCAPED: [(&str, &str, &str); 1] = [(CNP, "shop", "grpc-method-policy")];

/// Escapes the dots of every `rules.http[].path` in a policy.
fn escape_http_path_dots(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "http" {
                    for rule in child.as_array_mut().into_iter().flatten() {
                        if let Some(Value::String(path)) = rule.get_mut("path") {
                            *path = path.replace('.', "\\.");
                        }
                    }
                } else {
                    escape_http_path_dots(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_http_path_dots),
        _ => {}
    }
}

/// (kind, namespace — empty for a CCNP —, name).
type Key = (String, String, String);

struct Policy {
    /// Where the document came from, for messages: `seed-002.yaml#3`.
    origin: String,
    doc: Value,
}

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seeds")
}

fn key_of(doc: &Value) -> Result<Key, String> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let kind = text(&doc["kind"]).ok_or("no `kind`")?;
    let name = text(&doc["metadata"]["name"]).ok_or("no `metadata.name`")?;
    let namespace = match &doc["metadata"]["namespace"] {
        Value::Null => String::new(),
        v => text(v).ok_or("`metadata.namespace` is not a string")?,
    };
    match kind.as_str() {
        CNP if namespace.is_empty() => Err(format!("{CNP} {name} has no namespace")),
        CCNP if !namespace.is_empty() => Err(format!("{CCNP} {name} has a namespace")),
        CNP | CCNP => Ok((kind, namespace, name)),
        other => Err(format!("unexpected kind {other}")),
    }
}

fn show_key((kind, namespace, name): &Key) -> String {
    if namespace.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {namespace}/{name}")
    }
}

/// Loads the documents of `files`, keyed; duplicate keys and unreadable documents go to
/// `problems`.
fn load(files: &[PathBuf], problems: &mut Vec<String>) -> BTreeMap<Key, Policy> {
    let mut policies = BTreeMap::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let docs = match yaml_documents(&text) {
            Ok(docs) => docs,
            Err(e) => {
                problems.push(format!("{file}: {e}"));
                continue;
            }
        };
        for (i, doc) in docs.into_iter().enumerate() {
            let origin = format!("{file}#{}", i + 1);
            match key_of(&doc) {
                Ok(key) => {
                    if let Some(first) = policies.get(&key) {
                        let first: &Policy = first;
                        problems.push(format!(
                            "{}: defined twice, in {} and {origin}",
                            show_key(&key),
                            first.origin
                        ));
                    } else {
                        policies.insert(key, Policy { origin, doc });
                    }
                }
                Err(e) => problems.push(format!("{origin}: {e}")),
            }
        }
    }
    policies
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_seed_policy_has_an_equivalent_generated_policy() {
    let mut problems = Vec::new();

    let reference_dir = seeds_dir().join("reference");
    let reference_files: Vec<PathBuf> = REFERENCE
        .iter()
        .map(|(file, _)| reference_dir.join(file))
        .collect();
    assert_eq!(
        yaml_files(&reference_dir),
        reference_files,
        "examples/seeds/reference/ holds exactly the files of REFERENCE"
    );
    let mut reference = load(&reference_files, &mut problems);
    for (kind, namespace, name) in GRPC_PATHS_ESCAPED {
        let key = (kind.to_string(), namespace.to_string(), name.to_string());
        match reference.get_mut(&key) {
            Some(policy) => escape_http_path_dots(&mut policy.doc),
            None => problems.push(format!(
                "GRPC_PATHS_ESCAPED lists {}, which has no reference",
                show_key(&key)
            )),
        }
    }
    for (file, expected) in REFERENCE {
        let count = reference
            .values()
            .filter(|p| p.origin.starts_with(&format!("{file}#")))
            .count();
        if count != expected {
            problems.push(format!("{file}: {count} policies, expected {expected}"));
        }
    }

    let generated = load(&yaml_files(&seeds_dir().join("generated")), &mut problems);

    let mut compared = 0;
    for (key, seed) in &reference {
        match generated.get(key) {
            None => problems.push(format!(
                "{} ({}): no generated policy of that kind, namespace and name",
                show_key(key),
                seed.origin
            )),
            Some(out) => {
                compared += 1;
                if let Err(e) = equivalent_as(&seed.doc, "reference", &out.doc, "generated") {
                    problems.push(format!(
                        "{} (reference {}, generated {}): {e}",
                        show_key(key),
                        seed.origin,
                        out.origin
                    ));
                }
            }
        }
    }

    for (kind, namespace, name) in ADR_003_ONLY {
        let key = (kind.to_string(), namespace.to_string(), name.to_string());
        if !generated.contains_key(&key) {
            problems.push(format!(
                "ADR_003_ONLY lists {}, which is not generated",
                show_key(&key)
            ));
        }
        if reference.contains_key(&key) {
            problems.push(format!(
                "ADR_003_ONLY lists {}, which has a reference",
                show_key(&key)
            ));
        }
    }
    for (key, out) in &generated {
        let exempt = ADR_003_ONLY
            .iter()
            .any(|(k, ns, n)| (*k, *ns, *n) == (key.0.as_str(), key.1.as_str(), key.2.as_str()));
        if !reference.contains_key(key) && !exempt {
            problems.push(format!(
                "{} ({}): generated, but no seed has it and it is not an ADR-003 policy",
                show_key(key),
                out.origin
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) ({compared} reference policies compared):\n\n{}\n",
        problems.len(),
        problems.join("\n\n")
    );
}
