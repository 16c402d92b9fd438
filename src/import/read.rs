//! YAML text to JSON-like values: the only place the importer touches the
//! YAML crate (emit's `yaml.rs` is the only other one).
//!
//! Each document of a stream becomes one `serde_json::Value`, the data model
//! the Kubernetes API server itself works on. YAML merge keys (`<<`) are
//! applied first; a document that has no JSON form (a map key that is not a
//! string, a tag, a NaN) is refused with E0702, as is text that is not YAML.
//!
//! **Invariant:** nothing here panics, whatever the text.

use serde::Deserialize;
use serde_json::Value;

use crate::diag::Diagnostic;
use crate::diag::report;

/// One document of a YAML stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The document's position in the stream, from 1; empty documents count.
    pub index: usize,
    /// Its value; empty documents are left out.
    pub value: Value,
}

/// Reads every non-empty document of `text`, named `file` in diagnostics.
/// On the first document that cannot be read, reports it and stops: a YAML
/// parser cannot find where the next document starts after a syntax error.
pub fn documents(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Document> {
    let mut out = Vec::new();
    for (position, deserializer) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let index = position + 1;
        let mut yaml = match serde_yaml::Value::deserialize(deserializer) {
            Ok(yaml) => yaml,
            Err(error) => {
                diags.push(invalid_yaml(file, index, &error));
                break;
            }
        };
        if let Err(error) = yaml.apply_merge() {
            diags.push(invalid_yaml(file, index, &error));
            break;
        }
        if yaml.is_null() {
            continue;
        }
        match serde_json::to_value(&yaml) {
            Ok(value) if !has_tag(&yaml) => out.push(Document { index, value }),
            Ok(_) => diags.push(report::invalid_document(report::InvalidDocument::Tagged {
                index: &index,
                file: &file,
            })),
            Err(error) => diags.push(report::invalid_document(
                report::InvalidDocument::Unreadable {
                    index: &index,
                    file: &file,
                    error: &error,
                },
            )),
        }
    }
    out
}

fn invalid_yaml(file: &str, index: usize, error: &serde_yaml::Error) -> Diagnostic {
    let place = error.location().map_or_else(String::new, |at| {
        format!(" at line {}, column {}", at.line(), at.column())
    });
    report::invalid_document(report::InvalidDocument::NotYaml {
        file: &file,
        place: &place,
    })
    .note(format!("document {index}: {error}"))
    .help("fix the YAML, or leave the file out of the import")
}

/// True when any value of the tree carries a YAML tag.
fn has_tag(value: &serde_yaml::Value) -> bool {
    match value {
        serde_yaml::Value::Tagged(_) => true,
        serde_yaml::Value::Sequence(items) => items.iter().any(has_tag),
        serde_yaml::Value::Mapping(map) => map
            .iter()
            .any(|(key, value)| has_tag(key) || has_tag(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Document>, Vec<String>) {
        let mut diags = Vec::new();
        let docs = documents("in.yaml", text, &mut diags);
        (
            docs,
            diags
                .iter()
                .map(|diag| format!("{}: {}", diag.code, diag.message))
                .collect(),
        )
    }

    #[test]
    fn counts_empty_documents_but_skips_them() {
        let (docs, diags) = read("# comment\n---\n---\na: 1\n---\nb: [x]\n");
        assert!(diags.is_empty(), "{diags:?}");
        let indices: Vec<usize> = docs.iter().map(|doc| doc.index).collect();
        assert_eq!(indices, [2, 3]);
        assert_eq!(
            docs.last().map(|doc| doc.value.clone()),
            Some(serde_json::json!({"b": ["x"]}))
        );
    }

    #[test]
    fn applies_merge_keys() {
        let (docs, _) = read("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n");
        assert_eq!(
            docs.first().and_then(|doc| doc.value.get("m").cloned()),
            Some(serde_json::json!({"x": 1, "y": 2}))
        );
    }

    #[test]
    fn refuses_broken_yaml_tags_and_list_keys() {
        let (_, diags) = read("a: [1, 2\n");
        assert!(
            diags
                .iter()
                .any(|d| d.starts_with("E0702: `in.yaml` is not valid YAML at line")),
            "{diags:?}"
        );
        let (docs, diags) = read("a: !Ref x\n---\n? [a]\n: x\n---\nok: 1\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(diags.len(), 2, "{diags:?}");
    }
}
