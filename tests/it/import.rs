//! `netpolc import`: the round trip over the Cilium corpus (`corpus.rs`), the
//! repositories import writes (`shapes.rs`) and the command line (`cli.rs`).

mod cli;
mod corpus;
mod shapes;

use std::collections::BTreeMap;

use netpolc::import::{Import, Input, import};
use netpolc::source::SourceMap;
use serde_json::Value;

use crate::equivalence::{equivalent_as, yaml_documents};

/// Imports `(path, text)` files, each named on the command line.
pub fn import_texts(files: &[(&str, &str)]) -> Import {
    let inputs: Vec<Input> = files
        .iter()
        .map(|(path, text)| Input {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
            named: true,
        })
        .collect();
    import(&inputs)
}

/// Every imported file, as `=== path ===` and its text, for snapshots.
pub fn repo_text(imported: &Import) -> String {
    imported
        .files
        .iter()
        .map(|file| format!("=== {} ===\n{}", file.path, file.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds the imported repository and checks that every policy document of
/// `files` has an equivalent built policy (a CNP without a namespace in
/// `default`), as every CIDR group has, and that nothing else was built.
pub fn assert_round_trip(imported: &Import, files: &[(&str, &str)]) {
    assert!(
        !imported.diagnostics.iter().any(|diag| diag.is_error()),
        "{:#?}",
        imported.diagnostics
    );
    let key = |doc: &Value| {
        (
            doc["kind"].as_str().unwrap_or_default().to_owned(),
            doc["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            doc["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let mut expected = BTreeMap::new();
    for (_, text) in files {
        for mut doc in yaml_documents(text).unwrap() {
            // What the API server sets on a stored object is left out on purpose.
            if let Some(object) = doc.as_object_mut() {
                object.remove("status");
            }
            if let Some(metadata) = doc["metadata"].as_object_mut() {
                for field in [
                    "uid",
                    "resourceVersion",
                    "generation",
                    "creationTimestamp",
                    "managedFields",
                    "selfLink",
                ] {
                    metadata.remove(field);
                }
                // `kubectl apply`'s own record, and nothing else of the annotations.
                if let Some(annotations) = metadata
                    .get_mut("annotations")
                    .and_then(Value::as_object_mut)
                {
                    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
                    if annotations.is_empty() {
                        metadata.remove("annotations");
                    }
                }
            }
            match doc["kind"].as_str() {
                Some("CiliumNetworkPolicy") if doc["metadata"]["namespace"].is_null() => {
                    doc["metadata"]["namespace"] = Value::from("default")
                }
                Some(
                    "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy" | "CiliumCIDRGroup",
                ) => {}
                _ => continue,
            }
            expected.insert(key(&doc), doc);
        }
    }
    let mut sources = SourceMap::with_stdlib();
    for file in &imported.files {
        let formatted = netpolc::fmt::format(&file.contents).unwrap();
        assert_eq!(
            formatted, file.contents,
            "`{}` is not in the canonical layout",
            file.path
        );
        sources.add_user(file.path.clone(), file.contents.clone());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    let built: Vec<Value> = compilation
        .files
        .iter()
        .flat_map(|file| yaml_documents(&file.contents).unwrap())
        .collect();
    assert_eq!(built.len(), expected.len(), "{}", repo_text(imported));
    for doc in built {
        let input = expected
            .get(&key(&doc))
            .unwrap_or_else(|| panic!("built {:?}, which is not an input", key(&doc)));
        if let Err(difference) = equivalent_as(input, "input", &doc, "built") {
            panic!("{:?}: {difference}\n{}", key(&doc), repo_text(imported));
        }
    }
}
