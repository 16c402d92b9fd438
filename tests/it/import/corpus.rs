//! The round trip over the Cilium corpus vendored in `tests/import/corpus/`
//! (see `tests/import/corpus/SOURCE.md`): every CiliumNetworkPolicy and
//! CiliumClusterwideNetworkPolicy document of a file without templates is
//! imported on its own, the imported repository is compiled, the YAML it
//! builds is validated against the CRDs of the Cilium line it targets (the
//! default, or the newer line import chose and wrote into `cilium.netpol`,
//! W0128), and the policy is compared with the document
//! ([`crate::equivalence`]).
//!
//! Each templated file gets one line, and each document of the other files
//! one outcome. Two reasons for not importing are allowed (issue 16):
//! - **Cilium refuses it**: the document is invalid for the CRD schema of
//!   every Cilium line (v1.14 to main), or import refuses a field Cilium has
//!   removed (E0708: `fromRequires`, `toRequires`, the old `auth`);
//! - **templated**: the file holds template placeholders (`{{` or
//!   `NODE_WITHOUT_CILIUM_IP`) and is no policy until rendered; the line
//!   says whether it is YAML at all before rendering.
//!
//! Any other outcome but the round trip is a gap: **refused by import**
//! (E0701, a field the language cannot say yet), **refused by the
//! compiler**, or a **mismatch** (an import bug, which fails the test).
//!
//! The whole table is a snapshot and the counts are asserted, so any change
//! in what round-trips fails the test.
//!
//! A CNP without `metadata.namespace` is compared as if it had `default`,
//! the namespace `kubectl apply` gives it and the one import writes it to.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use netpolc::import::{Input, import};
use netpolc::source::SourceMap;
use serde_json::Value;

use crate::equivalence::{equivalent_as, yaml_documents};
use crate::schema::{CiliumVersion, validate_stream};

const CNP: &str = "CiliumNetworkPolicy";
const CCNP: &str = "CiliumClusterwideNetworkPolicy";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/corpus")
}

/// Every YAML file of the corpus, relative to it, sorted.
fn corpus_files() -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
            {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(&corpus_dir(), &corpus_dir(), &mut out);
    out
}

/// What happened to one document (or, for a templated file, to the file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Imported and built back to an equivalent policy; with the Cilium
    /// line import chose when the default line lacks what it uses (W0128).
    RoundTrip(Option<String>),
    /// Invalid for the CRD schema of every Cilium line: the reason for v1.19.
    Schema(String),
    /// Import refuses a field Cilium has removed (E0708).
    Removed(Vec<String>),
    /// A templated file: why it is no policy before rendering.
    Templated(String),
    RefusedByImport(Vec<String>),
    RefusedByCompiler(Vec<String>),
    Mismatch(String),
}

const SCHEMA: &str = "Cilium refuses it: schema-invalid on every line";
const REMOVED: &str = "Cilium refuses it: a field Cilium removed (E0708)";
const TEMPLATED: &str = "templated file, no policy until rendered";

impl Outcome {
    fn class(&self) -> &'static str {
        match self {
            Outcome::RoundTrip(_) => "round trip",
            Outcome::Schema(_) => SCHEMA,
            Outcome::Removed(_) => REMOVED,
            Outcome::Templated(_) => TEMPLATED,
            Outcome::RefusedByImport(_) => "refused by import (not an allowed reason)",
            Outcome::RefusedByCompiler(_) => "refused by the compiler (not an allowed reason)",
            Outcome::Mismatch(_) => "MISMATCH",
        }
    }
}

/// True for a file with template placeholders.
fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("NODE_WITHOUT_CILIUM_IP")
}

/// Why a templated file is no policy: not YAML at all, or YAML whose values
/// are placeholders.
fn templated_reason(text: &str) -> String {
    match yaml_documents(text) {
        Err(error) => format!(
            "not YAML before rendering: {}",
            error.lines().next().unwrap_or_default()
        ),
        Ok(_) if text.contains("{{") => {
            "YAML, but its values are `{{ ... }}` placeholders of the test tool's templates"
                .to_owned()
        }
        Ok(_) => {
            "YAML, but `NODE_WITHOUT_CILIUM_IP` stands for an address the test script fills in"
                .to_owned()
        }
    }
}

/// The field an E07xx message names: its first backticked part.
fn field_of(message: &str) -> String {
    message.split('`').nth(1).unwrap_or(message).to_owned()
}

/// Imports one document and compares what it builds to.
fn round_trip(origin: &str, doc: &Value) -> Outcome {
    let text = serde_yaml::to_string(doc).unwrap();
    let imported = import(&[Input {
        path: origin.to_owned(),
        text,
        named: true,
    }]);
    let errors: Vec<_> = imported
        .diagnostics
        .iter()
        .filter(|diag| diag.is_error())
        .collect();
    if errors.iter().any(|diag| diag.code.as_str() == "E0708") {
        let mut removed: Vec<String> = errors
            .iter()
            .filter(|diag| diag.code.as_str() == "E0708")
            .map(|diag| format!("{} `{}`", diag.code, field_of(&diag.message)))
            .collect();
        removed.dedup();
        return Outcome::Removed(removed);
    }
    if errors
        .iter()
        .any(|diag| diag.code.as_str().starts_with("E07"))
    {
        let mut refusals: Vec<String> = errors
            .iter()
            .map(|diag| format!("{} `{}`", diag.code, field_of(&diag.message)))
            .collect();
        refusals.dedup();
        return Outcome::RefusedByImport(refusals);
    }
    if !errors.is_empty() {
        let mut codes: Vec<String> = errors.iter().map(|diag| diag.code.to_string()).collect();
        codes.sort();
        codes.dedup();
        return Outcome::RefusedByCompiler(codes);
    }
    let mut sources = SourceMap::with_stdlib();
    for file in &imported.files {
        sources.add_user(file.path.clone(), file.contents.clone());
    }
    // The files as import wrote them: `cilium.netpol` names the line it chose.
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    assert!(
        !compilation.has_errors(),
        "{origin}: the imported repository compiled in `import` but not in `compile`"
    );
    assert_eq!(
        compilation.cilium_version,
        imported.cilium.unwrap_or_default(),
        "{origin}: the repository builds for another line than the one import chose"
    );
    let line = CiliumVersion::of(compilation.cilium_version);
    let built: Vec<Value> = compilation
        .files
        .iter()
        .flat_map(|file| yaml_documents(&file.contents).unwrap())
        .collect();
    let problems: Vec<String> = compilation
        .files
        .iter()
        .flat_map(|file| validate_stream(&file.contents, line))
        .collect();
    if !problems.is_empty() {
        return Outcome::Mismatch(format!("the built YAML is schema-invalid: {problems:?}"));
    }
    let mut expected = doc.clone();
    if expected["kind"] == CNP && expected["metadata"]["namespace"].is_null() {
        expected["metadata"]["namespace"] = Value::from("default");
    }
    let [one] = built.as_slice() else {
        return Outcome::Mismatch(format!("built {} policies, not one", built.len()));
    };
    match equivalent_as(&expected, "input", one, "built") {
        Ok(()) => Outcome::RoundTrip(imported.cilium.map(|line| line.to_string())),
        Err(difference) => Outcome::Mismatch(difference),
    }
}

/// Every policy document of the corpus with its outcome, as `file#N kind/name`.
fn outcomes() -> Vec<(String, Outcome)> {
    let mut out = Vec::new();
    for file in corpus_files() {
        let text = fs::read_to_string(corpus_dir().join(&file)).unwrap();
        if is_templated(&text) {
            out.push((file, Outcome::Templated(templated_reason(&text))));
            continue;
        }
        let schema_problems = validate_stream(&text, CiliumVersion::V1_19);
        // Per line, the problems of the file: a document is Cilium's refusal
        // only when every line refuses it.
        let by_line: Vec<Vec<String>> = CiliumVersion::ALL
            .iter()
            .map(|version| validate_stream(&text, *version))
            .collect();
        for (index, doc) in yaml_documents(&text).unwrap().into_iter().enumerate() {
            let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
            if kind != CNP && kind != CCNP {
                continue;
            }
            let name = doc["metadata"]["name"]
                .as_str()
                .unwrap_or("<no name>")
                .to_owned();
            let origin = format!("{file}#{}", index + 1);
            let key = format!(" {kind}/{name}: ");
            // `kubectl apply` gives a CNP without a namespace its context's namespace, so the
            // schema's "namespaced" check does not apply to an input document.
            let relevant = |problem: &&String| {
                problem.contains(&key)
                    && !problem.ends_with(
                        "/metadata/namespace: required: CiliumNetworkPolicy is namespaced",
                    )
            };
            let every_line = by_line
                .iter()
                .all(|problems| problems.iter().any(|problem| relevant(&problem)));
            let problem = schema_problems.iter().find(relevant).filter(|_| every_line);
            let outcome = match problem {
                Some(problem) => Outcome::Schema(
                    problem
                        .split_once(&key)
                        .map_or(problem.as_str(), |(_, why)| why)
                        .to_owned(),
                ),
                None => round_trip(&origin, &doc),
            };
            let short = if kind == CNP { "cnp" } else { "ccnp" };
            out.push((format!("{origin} {short}/{name}"), outcome));
        }
    }
    out
}

#[test]
fn corpus_round_trips() {
    let outcomes = outcomes();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut table = String::new();
    for (doc, outcome) in &outcomes {
        *counts.entry(outcome.class()).or_default() += 1;
        let detail = match outcome {
            Outcome::RoundTrip(None) => String::new(),
            Outcome::RoundTrip(Some(line)) => {
                format!("for Cilium {line}, which import chose (W0128)")
            }
            Outcome::Schema(why) | Outcome::Templated(why) => why.clone(),
            Outcome::Removed(why)
            | Outcome::RefusedByImport(why)
            | Outcome::RefusedByCompiler(why) => why.join("; "),
            Outcome::Mismatch(why) => why.clone(),
        };
        match outcome {
            Outcome::Removed(why)
            | Outcome::RefusedByImport(why)
            | Outcome::RefusedByCompiler(why) => {
                for reason in why {
                    // Group by code and field name, without list indices.
                    let general: String = reason
                        .split('[')
                        .enumerate()
                        .map(|(i, part)| {
                            if i == 0 {
                                part
                            } else {
                                part.split_once(']').map_or(part, |(_, rest)| rest)
                            }
                        })
                        .collect();
                    *reasons
                        .entry(format!("{}: {general}", outcome.class()))
                        .or_default() += 1;
                }
            }
            _ => {}
        }
        table.push_str(&format!(
            "{doc}: {}{}{detail}\n",
            outcome.class(),
            if detail.is_empty() { "" } else { ": " }
        ));
    }
    let mut report = String::from(
        "# allowed reasons not to import: Cilium refuses it, or a templated file; the rest is a gap\n\n# counts\n",
    );
    for (class, count) in &counts {
        report.push_str(&format!("{count} {class}\n"));
    }
    report.push_str("\n# reasons for refusals\n");
    for (reason, count) in &reasons {
        report.push_str(&format!("{count} {reason}\n"));
    }
    report.push_str("\n# documents\n");
    report.push_str(&table);
    let mismatches: Vec<&(String, Outcome)> = outcomes
        .iter()
        .filter(|(_, outcome)| matches!(outcome, Outcome::Mismatch(_)))
        .collect();
    assert!(
        mismatches.is_empty(),
        "import does not round-trip:\n{mismatches:#?}"
    );
    insta::assert_snapshot!("corpus_round_trip", report);
    let count = |class: &str| counts.get(class).copied().unwrap_or(0);
    assert_eq!(
        (
            count("round trip"),
            count(SCHEMA),
            count(REMOVED),
            count(TEMPLATED),
            count("refused by import (not an allowed reason)"),
            count("refused by the compiler (not an allowed reason)"),
        ),
        (204, 1, 1, 41, 0, 0),
        "{report}"
    );
}

/// Every document that round-trips on its own, imported together into one repository
/// (the first of two policies with one name and namespace): constants and categories
/// are made across all of them, and each still builds to an equivalent policy.
#[test]
fn corpus_round_trips_as_one_repository() {
    let mut inputs = Vec::new();
    let mut expected: BTreeMap<(String, String, String), Value> = BTreeMap::new();
    for file in corpus_files() {
        let text = fs::read_to_string(corpus_dir().join(&file)).unwrap();
        if is_templated(&text) {
            continue;
        }
        for (index, doc) in yaml_documents(&text).unwrap().into_iter().enumerate() {
            let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
            if kind != CNP && kind != CCNP {
                continue;
            }
            let origin = format!("{file}#{}", index + 1);
            // Only what builds for the default line: the policies that need
            // a newer line cannot share a repository with the Kafka rules,
            // which that line lacks.
            if round_trip(&origin, &doc) != Outcome::RoundTrip(None) {
                continue;
            }
            let mut doc = doc;
            if kind == CNP && doc["metadata"]["namespace"].is_null() {
                doc["metadata"]["namespace"] = Value::from("default");
            }
            let key = (
                kind,
                doc["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                doc["metadata"]["name"].as_str().unwrap().to_owned(),
            );
            if expected.contains_key(&key) {
                continue;
            }
            inputs.push(Input {
                path: origin,
                text: serde_yaml::to_string(&doc).unwrap(),
                named: true,
            });
            expected.insert(key, doc);
        }
    }
    let imported = import(&inputs);
    assert!(
        !imported.diagnostics.iter().any(|diag| diag.is_error()),
        "{:#?}",
        imported.diagnostics
    );
    let mut sources = SourceMap::with_stdlib();
    for file in &imported.files {
        sources.add_user(file.path.clone(), file.contents.clone());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    let mut problems = Vec::new();
    let mut seen = 0;
    for doc in compilation
        .files
        .iter()
        .flat_map(|file| yaml_documents(&file.contents).unwrap())
    {
        let key = (
            doc["kind"].as_str().unwrap().to_owned(),
            doc["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            doc["metadata"]["name"].as_str().unwrap().to_owned(),
        );
        match expected.get(&key) {
            Some(input) => {
                seen += 1;
                if let Err(difference) = equivalent_as(input, "input", &doc, "built") {
                    problems.push(format!("{key:?}: {difference}"));
                }
            }
            None => problems.push(format!("{key:?}: built, but not in the input")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(seen, expected.len());
    let summary = &imported.summary;
    insta::assert_snapshot!(
        "corpus_as_one_repository",
        format!(
            "{} policies, {} cluster-wide policies, {} namespaces, {} constants, {} categories\nfiles: {:?}\n\n{}",
            summary.policies,
            summary.cluster_policies,
            summary.namespaces,
            summary.constants,
            summary.categories,
            imported
                .files
                .iter()
                .map(|file| file.path.as_str())
                .collect::<Vec<_>>(),
            imported
                .files
                .iter()
                .find(|file| file.path == "constants.netpol")
                .map_or("", |file| file.contents.as_str())
        )
    );
}
