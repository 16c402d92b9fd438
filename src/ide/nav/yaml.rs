//! The documents of the files `build` writes, found by kind, namespace and
//! name, as written: a hover shows exactly what `build` would write.

use crate::OutputFile;

/// One `---` document of an output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Document<'a> {
    /// The top-level `kind`.
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.namespace`, when there is one.
    pub namespace: Option<&'a str>,
    /// The document's text, without its `---` line, ending with a newline.
    pub text: &'a str,
}

/// Every document of every output file, in file order.
pub(super) fn documents(outputs: &[OutputFile]) -> Vec<Document<'_>> {
    let mut found = Vec::new();
    for output in outputs {
        // The header comment comes first, then documents each opened by a
        // line that is exactly `---` (an indented one belongs to a value).
        let text = output.contents.as_str();
        let mut starts = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            at += line.len();
            if line.trim_end_matches('\n') == "---" {
                starts.push(at);
            }
        }
        for (index, start) in starts.iter().enumerate() {
            let end = starts
                .get(index + 1)
                .map_or(text.len(), |next| next.saturating_sub("---\n".len()));
            if let Some(chunk) = text.get(*start..end) {
                found.push(document(chunk));
            }
        }
    }
    found
}

/// The fields of one document; `emit` writes `kind` at the top level and
/// `name` and `namespace` two spaces into `metadata`.
fn document(text: &str) -> Document<'_> {
    let mut doc = Document {
        kind: "",
        name: "",
        namespace: None,
        text,
    };
    let mut in_metadata = false;
    for line in text.lines() {
        if let Some(kind) = line.strip_prefix("kind: ") {
            doc.kind = scalar(kind);
        }
        if !line.starts_with(' ') {
            in_metadata = line == "metadata:";
            continue;
        }
        if in_metadata {
            if let Some(name) = line.strip_prefix("  name: ") {
                doc.name = scalar(name);
            } else if let Some(namespace) = line.strip_prefix("  namespace: ") {
                doc.namespace = Some(scalar(namespace));
            }
        }
    }
    doc
}

/// A plain or single-quoted YAML scalar, as names are written.
fn scalar(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or(text)
}

/// The kind of an emitted policy.
pub(super) fn policy_kind(namespace: Option<&str>) -> &'static str {
    if namespace.is_some() {
        "CiliumNetworkPolicy"
    } else {
        "CiliumClusterwideNetworkPolicy"
    }
}

/// The document of a policy.
pub(super) fn policy<'a>(
    outputs: &'a [OutputFile],
    namespace: Option<&str>,
    name: &str,
) -> Option<Document<'a>> {
    let kind = policy_kind(namespace);
    documents(outputs)
        .into_iter()
        .find(|doc| doc.kind == kind && doc.namespace == namespace && doc.name == name)
}
