//! Field access with diagnostics: the decoder's view of one JSON value at a
//! path such as `spec.ingress[0].toPorts`.
//!
//! Two kinds of refusal, both naming the file, the policy and the field:
//! - E0701: the field is valid Cilium, but `.netpol` cannot say it;
//! - E0702: the field is not valid Cilium (wrong type, unknown field, a
//!   value the schema or the agent rejects).

use serde_json::{Map, Value};

use crate::diag::Diagnostic;
use crate::diag::report;

/// The context of one document being decoded.
pub struct Doc<'d> {
    /// The input file, as the caller named it.
    pub file: &'d str,
    /// The document's position in the file, from 1.
    pub document: usize,
    /// True when the file holds more than one document.
    pub several: bool,
    /// `metadata.name`, once known.
    pub name: Option<String>,
    /// Where diagnostics go.
    pub diags: &'d mut Vec<Diagnostic>,
    /// Server-set fields that were left out, for the summary.
    pub ignored: Vec<String>,
    /// What was written differently but means the same to Cilium (an empty
    /// list of L7 rules, a server name listed twice), one phrase each, for
    /// the summary.
    pub normalised: Vec<String>,
    /// Set by every refusal.
    pub failed: bool,
    /// Refusals so far in the document: a part compares it with its value
    /// before the part ([`Doc::refused_since`]), so that a refusal earlier
    /// in the document does not hide the part's own refusals.
    pub refusals: usize,
    /// `cidrGroupRef` names, with their field paths.
    pub group_refs: Vec<(String, String)>,
}

impl Doc<'_> {
    /// How the document is named in messages.
    pub fn place(&self) -> String {
        let file = if self.several {
            format!("document {} of `{}`", self.document, self.file)
        } else {
            format!("`{}`", self.file)
        };
        match &self.name {
            Some(name) => format!("policy `{name}` in {file}"),
            None => file,
        }
    }

    /// E0701: `.netpol` cannot say this field.
    pub fn cannot_say(&mut self, path: &str, why: impl Into<String>) {
        self.failed = true;
        self.refusals += 1;
        let diag = report::unsupported_field(&path, &self.place())
            .note(why)
            .help("keep this policy as YAML, outside the netpolc repository, or change it so that it no longer needs this field");
        self.diags.push(diag);
    }

    /// E0708: the field is one Cilium has removed or renamed.
    pub fn removed(&mut self, path: &str, why: impl Into<String>) {
        self.failed = true;
        self.refusals += 1;
        let diag = report::removed_field(&path, &self.place())
            .note(why)
            .help("rewrite the policy without this field first: what Cilium v1.19 refuses, netpolc does not write");
        self.diags.push(diag);
    }

    /// E0702: the field is not valid Cilium.
    pub fn invalid(&mut self, path: &str, why: impl Into<String>) {
        self.failed = true;
        self.refusals += 1;
        let diag = report::invalid_document(report::InvalidDocument::InvalidField { path: &path, place: &self.place() })
            .note(why)
            .help("fix the input document; `kubectl apply --dry-run=server` and the policy's status in the cluster show what Cilium accepts");
        self.diags.push(diag);
    }

    /// True when something was refused since `mark`, an earlier value of
    /// [`Doc::refusals`].
    pub fn refused_since(&self, mark: usize) -> bool {
        self.refusals > mark
    }

    /// The value as an object, or E0702.
    pub fn object<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.invalid(path, format!("expected a map, found {}", describe(other)));
                None
            }
        }
    }

    /// The value as a list, or E0702.
    pub fn list<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v [Value]> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.invalid(path, format!("expected a list, found {}", describe(other)));
                None
            }
        }
    }

    /// The value as text that a `.netpol` string can hold, or a refusal.
    pub fn text(&mut self, path: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) => {
                if let Some(bad) = text
                    .chars()
                    .find(|c| c.is_control() && *c != '\n' && *c != '\t')
                {
                    self.cannot_say(path, format!("the text holds the control character U+{:04X}, which a `.netpol` string cannot hold", u32::from(bad)));
                    return None;
                }
                Some(text.clone())
            }
            other => {
                self.invalid(
                    path,
                    format!("expected a string, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// Text that `.netpol` writes bare: a name (`[A-Za-z0-9][A-Za-z0-9._-]*`),
    /// or a label key when `key` (which may also hold `/` and `:`). Anything
    /// else is not valid where Kubernetes or Cilium expects a name (E0702).
    pub fn word(&mut self, path: &str, value: &Value, what: &str) -> Option<String> {
        let text = self.text(path, value)?;
        if is_word(&text, what == "label key" || what == "annotation key") {
            return Some(text);
        }
        self.invalid(path, format!("`{text}` is not a valid {what}"));
        None
    }

    /// The value as a CIDR or an IP address, or E0702.
    pub fn cidr(&mut self, path: &str, value: &Value) -> Option<String> {
        let text = self.text(path, value)?;
        if text.parse::<ipnet::IpNet>().is_ok() || text.parse::<std::net::IpAddr>().is_ok() {
            return Some(text);
        }
        self.invalid(path, format!("`{text}` is not a CIDR"));
        None
    }

    /// The value as a boolean, or E0702.
    pub fn boolean(&mut self, path: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Bool(flag) => Some(*flag),
            other => {
                self.invalid(
                    path,
                    format!("expected `true` or `false`, found {}", describe(other)),
                );
                None
            }
        }
    }

    /// A list of strings, each checked with [`Doc::text`].
    pub fn texts(&mut self, path: &str, value: &Value) -> Option<Vec<String>> {
        let items = self.list(path, value)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (index, item) in items.iter().enumerate() {
            match self.text(&format!("{path}[{index}]"), item) {
                Some(text) => out.push(text),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// A list of CIDRs, each checked with [`Doc::cidr`].
    pub fn cidrs(&mut self, path: &str, value: &Value) -> Option<Vec<String>> {
        let items = self.list(path, value)?;
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (index, item) in items.iter().enumerate() {
            match self.cidr(&format!("{path}[{index}]"), item) {
                Some(cidr) => out.push(cidr),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Walks the fields of an object: `known` fields are handed to `visit`,
    /// `unsayable` ones are refused with E0701 and their reason, anything else
    /// is an unknown field (E0702). Returns false when any field was refused.
    pub fn fields<'v>(
        &mut self,
        path: &str,
        map: &'v Map<String, Value>,
        known: &[&str],
        unsayable: &[(&str, &str)],
        mut visit: impl FnMut(&mut Self, &str, &str, &'v Value),
    ) -> bool {
        let mut ok = true;
        for (key, value) in map {
            let field = join(path, key);
            if known.contains(&key.as_str()) {
                visit(self, key, &field, value);
            } else if let Some((_, why)) = unsayable.iter().find(|(name, _)| name == key) {
                self.cannot_say(&field, *why);
                ok = false;
            } else if let Some((_, why)) = REMOVED.iter().find(|(name, _)| name == key) {
                self.removed(&field, *why);
                ok = false;
            } else {
                let expected: Vec<String> = known.iter().map(|name| format!("`{name}`")).collect();
                self.invalid(
                    &field,
                    format!(
                        "unknown field; Cilium v1.19 knows {} here",
                        expected.join(", ")
                    ),
                );
                ok = false;
            }
        }
        ok
    }
}

/// Rule fields Cilium has removed or renamed, with what became of them
/// (E0708): not a feature `.netpol` lacks, but one Cilium no longer reads.
const REMOVED: &[(&str, &str)] = &[
    (
        "fromRequires",
        "Cilium deprecated `fromRequires` and removed it in 1.19: its schema allows no entries, so the API server of Cilium 1.19 and later refuses the policy; write the required labels into the `fromEndpoints` selectors instead",
    ),
    (
        "toRequires",
        "Cilium deprecated `toRequires` and removed it in 1.19: its schema allows no entries, so the API server of Cilium 1.19 and later refuses the policy; write the required labels into the `toEndpoints` selectors instead",
    ),
    (
        "auth",
        "`auth` is the old name of `authentication`; no CRD of Cilium 1.14 or later has it, so the API server drops it (or refuses it under strict field validation) and the rule asks for no authentication at all",
    ),
];

/// True for a name (`[A-Za-z0-9][A-Za-z0-9._-]*`), or, when `key`, a label
/// key (which may also start with `_` and hold `/` and `:`).
pub fn is_word(text: &str, key: bool) -> bool {
    let mut bytes = text.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || (key && b == b'_'));
    first_ok
        && bytes.all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'.' | b'_' | b'-')
                || (key && matches!(b, b'/' | b':'))
        })
}

/// `path.key`, or `key` at the top.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// "a number", "a list", ... for messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}
