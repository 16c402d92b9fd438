//! Validates emitted YAML against the real Cilium CRD schemas (vendored in `tests/crds/`).
//!
//! The CRDs carry a Kubernetes *structural* `openAPIV3Schema`, which is close to JSON Schema but
//! not the same. [`to_json_schema`] turns it into a draft 7 JSON Schema that the `jsonschema`
//! crate compiles, and this module adds in Rust what the API server checks outside that schema:
//!
//! - strict field validation (`kubectl apply --validate=strict`): every structural object schema
//!   gets `additionalProperties: false`, so a misspelt field is an error, not silently pruned;
//! - `format: cidr` (Go `net.ParseCIDR`), while formats the API server ignores never fail;
//! - `x-kubernetes-list-type: set` (unique items) and `map` (unique keys);
//! - `metadata` (bare `type: object` in the CRD): `name`, `namespace`, `labels`, `annotations`
//!   as the API server validates an `ObjectMeta`, and `apiVersion` / `kind`;
//! - the one CEL rule of the development CRDs (`has(self.spec) || has(self.specs)`). Loading a
//!   CRD with any other CEL rule panics, so a CRD update cannot silently skip a rule;
//! - plain scalars that `kubectl` (YAML 1.1) reads as booleans or numbers while `serde_yaml`
//!   (YAML 1.2) reads, and writes, them as strings: `on`, `yes`, `1_000` ([`yaml11_surprises`]).
//!
//! Not emulated: anything the Cilium agent checks after admission (its `Sanitize()`), nor the
//! API server's pruning of `null` fields (a `null` is reported here: the emitter must not write
//! one).
//!
//! Each schema is converted and compiled once per process (see [`compiled`]).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::Location;
use jsonschema::{Draft, Keyword, PatternOptions, ValidationError, Validator};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Which Cilium CRDs to validate against: one release line each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CiliumVersion {
    /// v1.14 (the last `main` of its cycle, where the branch was cut).
    V1_14,
    /// v1.15.
    V1_15,
    /// v1.16: `enableDefaultDeny`, `endPort`, ICMP type names.
    V1_16,
    /// v1.17.
    V1_17,
    /// v1.18: CiliumCIDRGroup served as `cilium.io/v2`.
    V1_18,
    /// The latest stable line, v1.19.x (the CRDs have been identical from v1.19.0 to v1.19.4).
    V1_19,
    /// The development branch, 1.20.0-dev: no Kafka / `l7proto` / `l7` rules, more protocols,
    /// and the CEL rule "spec or specs must be provided".
    Main,
}

impl CiliumVersion {
    /// Every line, oldest first.
    pub const ALL: [CiliumVersion; 7] = [
        CiliumVersion::V1_14,
        CiliumVersion::V1_15,
        CiliumVersion::V1_16,
        CiliumVersion::V1_17,
        CiliumVersion::V1_18,
        CiliumVersion::V1_19,
        CiliumVersion::Main,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The CRDs of the version netpolc targets.
    pub fn of(version: netpolc::CiliumVersion) -> CiliumVersion {
        match version.minor {
            ..=14 => CiliumVersion::V1_14,
            15 => CiliumVersion::V1_15,
            16 => CiliumVersion::V1_16,
            17 => CiliumVersion::V1_17,
            18 => CiliumVersion::V1_18,
            19 => CiliumVersion::V1_19,
            _ => CiliumVersion::Main,
        }
    }

    /// The netpolc version that targets these CRDs.
    pub fn netpolc(self) -> netpolc::CiliumVersion {
        let minor = [14, 15, 16, 17, 18, 19, 20];
        netpolc::CiliumVersion {
            minor: minor[self.index()],
        }
    }
}

/// The kinds this validator knows, all in API group `cilium.io`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cnp,
    Ccnp,
    CidrGroup,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Cnp, Kind::Ccnp, Kind::CidrGroup];

    fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Cnp => "CiliumNetworkPolicy",
            Kind::Ccnp => "CiliumClusterwideNetworkPolicy",
            Kind::CidrGroup => "CiliumCIDRGroup",
        }
    }

    fn namespaced(self) -> bool {
        matches!(self, Kind::Cnp)
    }

    fn index(self) -> usize {
        match self {
            Kind::Cnp => 0,
            Kind::Ccnp => 1,
            Kind::CidrGroup => 2,
        }
    }
}

/// The API group of every kind.
const API_GROUP: &str = "cilium.io";

macro_rules! crd {
    ($path:literal) => {
        ($path, include_str!(concat!("../crds/", $path)))
    };
}

/// The vendored CRD text for a version and kind. There is no `CiliumCIDRGroup` CRD vendored for
/// main, so main uses the v1.19 one.
fn crd_source(version: CiliumVersion, kind: Kind) -> (&'static str, &'static str) {
    use CiliumVersion as V;
    match (version, kind) {
        (V::V1_14, Kind::Cnp) => crd!("v1.14/ciliumnetworkpolicies.yaml"),
        (V::V1_14, Kind::Ccnp) => crd!("v1.14/ciliumclusterwidenetworkpolicies.yaml"),
        (V::V1_14, Kind::CidrGroup) => crd!("v1.14/ciliumcidrgroups.yaml"),
        (V::V1_15, Kind::Cnp) => crd!("v1.15/ciliumnetworkpolicies.yaml"),
        (V::V1_15, Kind::Ccnp) => crd!("v1.15/ciliumclusterwidenetworkpolicies.yaml"),
        (V::V1_15, Kind::CidrGroup) => crd!("v1.15/ciliumcidrgroups.yaml"),
        (V::V1_16, Kind::Cnp) => crd!("v1.16/ciliumnetworkpolicies.yaml"),
        (V::V1_16, Kind::Ccnp) => crd!("v1.16/ciliumclusterwidenetworkpolicies.yaml"),
        (V::V1_16, Kind::CidrGroup) => crd!("v1.16/ciliumcidrgroups.yaml"),
        (V::V1_17, Kind::Cnp) => crd!("v1.17/ciliumnetworkpolicies.yaml"),
        (V::V1_17, Kind::Ccnp) => crd!("v1.17/ciliumclusterwidenetworkpolicies.yaml"),
        (V::V1_17, Kind::CidrGroup) => crd!("v1.17/ciliumcidrgroups.yaml"),
        (V::V1_18, Kind::Cnp) => crd!("v1.18/ciliumnetworkpolicies.yaml"),
        (V::V1_18, Kind::Ccnp) => crd!("v1.18/ciliumclusterwidenetworkpolicies.yaml"),
        (V::V1_18, Kind::CidrGroup) => crd!("v1.18/ciliumcidrgroups.yaml"),
        (V::V1_19, Kind::Cnp) => crd!("v1.19/ciliumnetworkpolicies.yaml"),
        (V::V1_19, Kind::Ccnp) => crd!("v1.19/ciliumclusterwidenetworkpolicies.yaml"),
        (V::Main, Kind::Cnp) => crd!("main/ciliumnetworkpolicies.yaml"),
        (V::Main, Kind::Ccnp) => crd!("main/ciliumclusterwidenetworkpolicies.yaml"),
        (V::V1_19 | V::Main, Kind::CidrGroup) => crd!("v1.19/ciliumcidrgroups.yaml"),
    }
}

/// A CEL rule (`x-kubernetes-validations`) found in a CRD.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CelRule {
    /// JSON pointer into the `openAPIV3Schema` of the schema node that carries the rule.
    schema_path: String,
    rule: String,
    message: String,
}

/// The one CEL rule emulated in Rust; it sits at the schema root of the main CRDs.
const SPEC_OR_SPECS_RULE: &str = "has(self.spec) || has(self.specs)";

/// A CRD schema, converted and compiled.
struct CompiledCrd {
    validator: Validator,
    /// The converted JSON Schema, to look up `oneOf` branches when rendering an error.
    schema: Value,
    /// Whether the root carries [`SPEC_OR_SPECS_RULE`].
    spec_or_specs_rule: bool,
}

/// The compiled schema for a version, kind and served CRD version (`v2`, `v2alpha1`), built on
/// first use and kept for the process; `None` when the CRD does not serve that version.
fn compiled(version: CiliumVersion, kind: Kind, crd_version: &str) -> Option<&'static CompiledCrd> {
    type Cache = Mutex<HashMap<(usize, usize, String), Option<&'static CompiledCrd>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (version.index(), kind.index(), crd_version.to_owned());
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return *found;
    }
    let (file, text) = crd_source(version, kind);
    let built = open_api_schema(file, text, kind, crd_version).map(|open_api| {
        let mut rules = Vec::new();
        let schema = to_json_schema(&open_api, &mut rules);
        let mut spec_or_specs_rule = false;
        for rule in &rules {
            if rule.schema_path.is_empty() && rule.rule == SPEC_OR_SPECS_RULE {
                spec_or_specs_rule = true;
            } else {
                panic!(
                    "{file}: CEL rule {:?} at {:?} ({:?}) is not emulated by tests/it/schema.rs",
                    rule.rule, rule.schema_path, rule.message
                );
            }
        }
        let validator = build_validator(&schema)
            .unwrap_or_else(|err| panic!("{file}: converted schema does not compile: {err}"));
        &*Box::leak(Box::new(CompiledCrd {
            validator,
            schema,
            spec_or_specs_rule,
        }))
    });
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, built);
    built
}

/// Extracts `spec.versions[name == crd_version].schema.openAPIV3Schema` from a CRD file,
/// checking that the CRD is the one expected; `None` when that version is not served.
fn open_api_schema(file: &str, text: &str, kind: Kind, crd_version: &str) -> Option<Value> {
    let crd: Value =
        serde_yaml::from_str(text).unwrap_or_else(|err| panic!("{file}: not YAML: {err}"));
    assert_eq!(
        crd.pointer("/spec/group").and_then(Value::as_str),
        Some(API_GROUP),
        "{file}: group"
    );
    assert_eq!(
        crd.pointer("/spec/names/kind").and_then(Value::as_str),
        Some(kind.name()),
        "{file}: kind"
    );
    let scope = if kind.namespaced() {
        "Namespaced"
    } else {
        "Cluster"
    };
    assert_eq!(
        crd.pointer("/spec/scope").and_then(Value::as_str),
        Some(scope),
        "{file}: scope"
    );
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{file}: no spec.versions"));
    let version = versions
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(crd_version))?;
    if version.get("served") != Some(&Value::Bool(true)) {
        return None;
    }
    Some(
        version
            .pointer("/schema/openAPIV3Schema")
            .cloned()
            .unwrap_or_else(|| panic!("{file}: no openAPIV3Schema")),
    )
}

/// Keyword under which a `x-kubernetes-list-type: map` is handed to the validator.
const LIST_MAP_KEYS: &str = "x-netpolc-list-map-keys";

fn build_validator(schema: &Value) -> Result<Validator, ValidationError<'static>> {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        // Go's regexp (RE2) and Rust's `regex` share their syntax and linear-time semantics;
        // `fancy-regex` would add backtracking features Go does not have.
        .with_pattern_options(PatternOptions::regex())
        .should_validate_formats(true)
        // Formats the API server does not check, or that only annotate integers, never fail.
        .should_ignore_unknown_formats(true)
        .with_format("cidr", is_cidr)
        .with_format("idn-hostname", |_: &str| true)
        .with_format("int32", |_: &str| true)
        .with_format("int64", |_: &str| true)
        .with_keyword(LIST_MAP_KEYS, |_, keys, _| {
            let keys = keys
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|key| key.as_str().map(str::to_owned))
                .collect();
            Ok(Box::new(ListMapKeys(keys)))
        })
        .build(schema)
}

/// `x-kubernetes-list-type: map`: no two items may have the same values for the key fields.
struct ListMapKeys(Vec<String>);

impl ListMapKeys {
    fn duplicate(&self, instance: &Value) -> Option<String> {
        let items = instance.as_array()?;
        let mut seen = Vec::new();
        for item in items {
            let key: Vec<Option<&Value>> = self.0.iter().map(|field| item.get(field)).collect();
            if seen.contains(&key) {
                let shown: Vec<String> = self
                    .0
                    .iter()
                    .zip(&key)
                    .map(|(field, value)| match value {
                        Some(value) => format!("{field}={value}"),
                        None => format!("{field}=<unset>"),
                    })
                    .collect();
                return Some(shown.join(", "));
            }
            seen.push(key);
        }
        None
    }
}

impl<'i> Keyword<'i> for ListMapKeys {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match self.duplicate(instance) {
            None => Ok(()),
            Some(key) => Err(ValidationError::custom(format!(
                "duplicate entries for key ({key}) in a list with x-kubernetes-list-type: map"
            ))),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.duplicate(instance).is_none()
    }
}

/// `format: cidr` as the API server checks it (Go `net.ParseCIDR`): an IPv4 or IPv6 address
/// (no zone), `/`, and a decimal prefix length that fits the address. Host bits may be set.
fn is_cidr(text: &str) -> bool {
    let Some((addr, bits)) = text.split_once('/') else {
        return false;
    };
    if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => bits <= 32,
        Ok(IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

/// Turns a Kubernetes structural `openAPIV3Schema` into a draft 7 JSON Schema and collects the
/// CEL rules it carries.
///
/// - `description`, `default`, `example`, `externalDocs` and every `x-kubernetes-*` key are
///   dropped; `nullable: true` adds `null` to `type` (and `enum`).
/// - `x-kubernetes-list-type: set` becomes `uniqueItems: true`; `map` with
///   `x-kubernetes-list-map-keys` becomes the custom keyword [`LIST_MAP_KEYS`].
/// - `x-kubernetes-int-or-string: true` becomes `anyOf: [integer, string]` unless already there.
/// - Strict field validation: every object schema of the structural skeleton (reached through
///   `properties`, `items` and `additionalProperties`, not `oneOf`/`anyOf`/`allOf`/`not`, whose
///   branches only restate value constraints) without `additionalProperties` and without
///   `x-kubernetes-preserve-unknown-fields: true` gets `additionalProperties: false`.
/// - The root's `metadata` (a bare object in every CRD) is checked in Rust instead.
/// - Boolean `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0) become numeric ones.
fn to_json_schema(open_api: &Value, rules: &mut Vec<CelRule>) -> Value {
    convert(open_api, "", true, rules)
}

fn convert(node: &Value, path: &str, structural: bool, rules: &mut Vec<CelRule>) -> Value {
    let Value::Object(node) = node else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in node {
        let here = format!("{path}/{key}");
        match key.as_str() {
            "description" | "default" | "example" | "externalDocs" | "nullable" => {}
            "x-kubernetes-validations" => {
                for rule in value.as_array().into_iter().flatten() {
                    let field = |name: &str| {
                        rule.get(name)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    rules.push(CelRule {
                        schema_path: path.to_owned(),
                        rule: field("rule"),
                        message: field("message"),
                    });
                }
            }
            key if key.starts_with("x-kubernetes-") => {}
            "properties" | "patternProperties" => {
                let props = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, schema)| {
                        let at = format!("{here}/{name}");
                        let schema = if path.is_empty() && key == "properties" && name == "metadata"
                        {
                            // ObjectMeta is validated by check_metadata().
                            json!({"type": "object"})
                        } else {
                            convert(schema, &at, structural, rules)
                        };
                        (name.clone(), schema)
                    })
                    .collect();
                out.insert(key.to_owned(), Value::Object(props));
            }
            "items" | "additionalProperties" => {
                out.insert(key.to_owned(), convert(value, &here, structural, rules));
            }
            "oneOf" | "anyOf" | "allOf" => {
                let branches = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, branch)| convert(branch, &format!("{here}/{i}"), false, rules))
                    .collect();
                out.insert(key.to_owned(), Value::Array(branches));
            }
            "not" => {
                out.insert(key.to_owned(), convert(value, &here, false, rules));
            }
            "pattern" => {
                let pattern = value
                    .as_str()
                    .map_or_else(|| value.clone(), |p| go_pattern(p).into());
                out.insert(key.to_owned(), pattern);
            }
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                if value == &Value::Bool(true) {
                    if let Some(limit) = node.get(bound) {
                        out.insert(key.to_owned(), limit.clone());
                    }
                }
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    // `exclusiveMinimum: true` replaced `minimum`.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if node.get(exclusive) == Some(&Value::Bool(true)) {
            out.remove(bound);
        }
    }

    let flag = |name: &str| node.get(name) == Some(&Value::Bool(true));
    if flag("nullable") {
        if let Some(Value::String(ty)) = out.get("type") {
            let ty = ty.clone();
            out.insert("type".into(), json!([ty, "null"]));
        }
        if let Some(Value::Array(options)) = out.get_mut("enum") {
            options.push(Value::Null);
        }
    }
    if flag("x-kubernetes-int-or-string") && !out.contains_key("anyOf") {
        out.insert(
            "anyOf".into(),
            json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    match node.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("set") => {
            out.insert("uniqueItems".into(), Value::Bool(true));
        }
        Some("map") => {
            if let Some(keys) = node.get("x-kubernetes-list-map-keys") {
                out.insert(LIST_MAP_KEYS.into(), keys.clone());
            }
        }
        _ => {}
    }
    let is_object = node.get("type").and_then(Value::as_str) == Some("object")
        || node.contains_key("properties");
    if structural
        && is_object
        && !node.contains_key("additionalProperties")
        && !flag("x-kubernetes-preserve-unknown-fields")
        && !flag("x-kubernetes-embedded-resource")
    {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

/// Rewrites a Go (RE2) `pattern` so that the validator accepts it with the same meaning.
///
/// The validator checks each `pattern` against ECMA-262 syntax (with the `u` flag) before
/// handing it to the `regex` crate. The only Go syntax in the CRDs that ECMA-262 lacks is the
/// one-letter Unicode class `\pC` / `\PC`, which is written `\p{C}` / `\P{C}` there; Go and the
/// `regex` crate read both forms the same way.
fn go_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '\\' {
            continue;
        }
        let Some(escaped) = chars.next() else { break };
        out.push(escaped);
        if matches!(escaped, 'p' | 'P') {
            if let Some(&class) = chars.peek().filter(|c| c.is_ascii_alphabetic()) {
                chars.next();
                out.push('{');
                out.push(class);
                out.push('}');
            }
        }
    }
    out
}

/// Validates every YAML document in a multi-document stream (`---` separated; empty and
/// comment-only documents are skipped) against the CRD of its `kind` for `version`.
///
/// Returns one line per problem, `doc N KIND/NAME: /json/pointer: message`, where `N` counts
/// the documents of the stream from 0 (skipped ones included). An unknown or missing `kind` is
/// an error, and so is a plain scalar that `kubectl` (YAML 1.1) reads differently from this
/// parser (YAML 1.2), such as an unquoted `yes` or `on` (see [`yaml11_surprises`]).
pub fn validate_stream(yaml: &str, version: CiliumVersion) -> Vec<String> {
    let mut errors = Vec::new();
    for (index, chunk) in split_documents(yaml).into_iter().enumerate() {
        if chunk.is_blank() {
            continue;
        }
        let parsed = serde_yaml::from_str::<serde_yaml::Value>(&chunk.text)
            .map_err(|err| {
                format!(
                    "not valid YAML (document starts at line {}): {err}",
                    chunk.first_line
                )
            })
            .and_then(|mut value| {
                value
                    .apply_merge()
                    .map_err(|err| format!("bad YAML merge key: {err}"))?;
                yaml_to_json(&value, "")
            });
        let doc = match parsed {
            Ok(Value::Null) => continue,
            Ok(doc) => doc,
            Err(err) => {
                errors.push(format!("doc {index}: {err}"));
                continue;
            }
        };
        let kind = doc
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("<no kind>");
        let name = doc
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("<no name>");
        for problem in yaml11_surprises(&chunk) {
            errors.push(format!("doc {index} {kind}/{name}: {problem}"));
        }
        for problem in validate_document(&doc, version) {
            errors.push(format!("doc {index} {kind}/{name}: {problem}"));
        }
    }
    errors
}

/// One document of a stream: its text and the 1-based line of the stream it starts on.
struct Chunk {
    text: String,
    first_line: usize,
}

impl Chunk {
    /// Only blank lines, comments and directives.
    fn is_blank(&self) -> bool {
        self.text.lines().all(|line| {
            let line = line.trim_start();
            line.is_empty() || line.starts_with('#') || line.starts_with('%')
        })
    }
}

/// Splits a stream at `---` lines (a marker may carry the document's first node, `--- {}`), and
/// drops `...` end markers. Text before the first marker is a document only if it has content.
/// Splitting by hand rather than with the YAML parser's own iterator keeps line numbers and lets
/// a syntax error in one document leave the others checked.
fn split_documents(yaml: &str) -> Vec<Chunk> {
    let mut chunks = vec![Chunk {
        text: String::new(),
        first_line: 1,
    }];
    let mut seen_marker = false;
    for (number, line) in yaml.lines().enumerate() {
        let number = number + 1;
        let marker = line
            .strip_prefix("---")
            .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        if let Some(rest) = marker {
            if !seen_marker && chunks[0].is_blank() {
                chunks.clear();
            }
            seen_marker = true;
            chunks.push(Chunk {
                text: format!("{}\n", rest.trim_start()),
                first_line: number,
            });
        } else if line.starts_with("...") && line[3..].trim().is_empty() {
            // End of document: what follows until the next marker can only be comments.
        } else {
            let chunk = chunks.last_mut().expect("never empty");
            chunk.text.push_str(line);
            chunk.text.push('\n');
        }
    }
    chunks
}

/// Plain (unquoted) scalars that `kubectl` reads as something else than this parser does.
///
/// `kubectl` and the API server read YAML with `sigs.k8s.io/yaml` (a go-yaml v2 fork), which
/// resolves plain scalars by YAML 1.1 rules: `yes`/`no`/`on`/`off`/`y`/`n` are booleans and
/// `1_000` or `0777` are integers. `serde_yaml` (YAML 1.2) reads them all as strings, and its
/// emitter writes such strings without quotes. A label value `on` would then reach the API
/// server as `true`.
///
/// This scans the text line by line, for the block style that `serde_yaml` emits: `key: value`,
/// `- value`, one-line flow collections, and skips block scalars and quoted scalars.
fn yaml11_surprises(chunk: &Chunk) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |scalar: &str, line: usize, what: &str| {
        let scalar = scalar.trim();
        if let Some(yaml11) = yaml11_reading(scalar) {
            if matches!(
                serde_yaml::from_str::<serde_yaml::Value>(scalar),
                Ok(serde_yaml::Value::String(_))
            ) {
                problems.push(format!(
                    "line {}: unquoted {what} {scalar:?} is {yaml11} for kubectl (YAML 1.1) \
                     but a string here: quote it",
                    chunk.first_line + line
                ));
            }
        }
    };
    // Inside a block scalar (`|`, `>`): lines indented more than this column are its content.
    let mut block_scalar_parent: Option<usize> = None;
    for (line_index, line) in chunk.text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block_scalar_parent {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_scalar_parent = None;
        }
        let mut rest = &line[indent..];
        let mut column = indent;
        let mut is_item = false;
        while let Some(after) =
            rest.strip_prefix("- ")
                .or(if rest == "-" { Some("") } else { None })
        {
            let trimmed = after.trim_start_matches(' ');
            column += rest.len() - trimmed.len();
            rest = trimmed;
            is_item = true;
        }
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        // The key, if any, and the value text after it.
        let value = if rest.starts_with(['"', '\'']) {
            match quoted_end(rest) {
                Some(end) => match rest[end..].trim_start().strip_prefix(':') {
                    Some(value) => value,
                    None => continue, // a quoted scalar
                },
                None => continue, // a multi-line quoted scalar
            }
        } else if rest.starts_with(['[', '{']) {
            rest
        } else if let Some(colon) = mapping_colon(rest) {
            check(&rest[..colon], line_index, "key");
            &rest[colon + 1..]
        } else if is_item {
            rest
        } else {
            continue; // continuation of a multi-line scalar
        };
        let value = value.trim_start();
        match value.chars().next() {
            None | Some('#' | '"' | '\'' | '&' | '*' | '!') => {}
            Some('|' | '>') => block_scalar_parent = Some(column),
            Some('[' | '{') => {
                for scalar in flow_scalars(value) {
                    check(scalar, line_index, "value");
                }
            }
            Some(_) => check(strip_comment(value), line_index, "value"),
        }
    }
    problems
}

/// The byte offset just past the closing quote of the quoted scalar `text` starts with.
fn quoted_end(text: &str) -> Option<usize> {
    let quote = text.chars().next()?;
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            '\'' if quote == '\'' && chars.peek().map(|&(_, c)| c) == Some('\'') => {
                chars.next();
            }
            c if c == quote => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The offset of the `:` that ends a plain key: the first `:` followed by a space or the end.
fn mapping_colon(text: &str) -> Option<usize> {
    let text = strip_comment(text);
    text.char_indices()
        .find(|&(i, c)| c == ':' && text[i + 1..].chars().next().is_none_or(|n| n == ' '))
        .map(|(i, _)| i)
}

fn strip_comment(text: &str) -> &str {
    match text.find(" #") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// The plain scalars (keys and values) of a flow collection on one line, such as
/// `[a, b]` or `{k: v}`. Quoted scalars are skipped; an unbalanced line yields nothing more
/// than what it holds.
fn flow_scalars(text: &str) -> Vec<&str> {
    let mut scalars = Vec::new();
    let mut start = None;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' if start.is_none() => match quoted_end(&text[i..]) {
                Some(end) => i += end,
                None => break,
            },
            b'[' | b']' | b'{' | b'}' | b',' => {
                if let Some(s) = start.take() {
                    scalars.push(&text[s..i]);
                }
                i += 1;
            }
            b':' if start.is_some()
                && bytes
                    .get(i + 1)
                    .is_none_or(|n| matches!(n, b' ' | b',' | b']' | b'}')) =>
            {
                scalars.push(&text[start.take().expect("checked")..i]);
                i += 1;
            }
            b'#' if i > 0 && bytes[i - 1] == b' ' => break,
            b' ' if start.is_none() => i += 1,
            _ => {
                start.get_or_insert(i);
                i += 1;
            }
        }
    }
    scalars
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// What go-yaml v2 (YAML 1.1) makes of a plain scalar, when not a string.
fn yaml11_reading(scalar: &str) -> Option<&'static str> {
    const BOOLEANS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    const NULLS: [&str; 4] = ["~", "null", "Null", "NULL"];
    const SPECIAL_FLOATS: [&str; 12] = [
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN",
    ];
    if BOOLEANS.contains(&scalar) {
        return Some("a boolean");
    }
    if NULLS.contains(&scalar) {
        return Some("null");
    }
    if SPECIAL_FLOATS.contains(&scalar) {
        return Some("a float");
    }
    if !scalar.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    // go-yaml v2 drops every '_', then tries Go's strconv.ParseInt(s, 0, 64), then its float
    // syntax, then a `0b` binary literal.
    let plain = scalar.replace('_', "");
    let unsigned = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
    let all =
        |digits: &str, radix: u32| !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
    let integer = if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        all(hex, 16)
    } else if let Some(oct) = unsigned
        .strip_prefix("0o")
        .or_else(|| unsigned.strip_prefix("0O"))
    {
        all(oct, 8)
    } else if let Some(bin) = unsigned
        .strip_prefix("0b")
        .or_else(|| unsigned.strip_prefix("0B"))
    {
        all(bin, 2)
    } else if let Some(oct) = unsigned.strip_prefix('0').filter(|rest| !rest.is_empty()) {
        all(oct, 8)
    } else {
        all(unsigned, 10)
    };
    if integer {
        return Some("an integer");
    }
    static FLOAT: OnceLock<regex::Regex> = OnceLock::new();
    let float = FLOAT.get_or_init(|| {
        regex::Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").expect("valid")
    });
    float.is_match(&plain).then_some("a float")
}

/// Converts a YAML value to JSON the way the API server would receive it, rejecting what JSON
/// cannot carry (non-string keys, tags, non-finite floats). Duplicate keys were already rejected
/// by the YAML parser, as strict field validation does.
fn yaml_to_json(value: &serde_yaml::Value, path: &str) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("{path}: {n} is not a JSON number"))?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &format!("{path}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(entries) => {
            let mut map = Map::new();
            for (key, item) in entries {
                let Y::String(key) = key else {
                    return Err(format!(
                        "{path}: mapping key {} is not a string",
                        serde_yaml::to_string(key).unwrap_or_default().trim_end()
                    ));
                };
                let at = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                map.insert(key.clone(), yaml_to_json(item, &at)?);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => return Err(format!("{path}: YAML tag {} not supported", tagged.tag)),
    })
}

/// All problems of one parsed document, each `/json/pointer: message`.
fn validate_document(doc: &Value, version: CiliumVersion) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(object) = doc.as_object() else {
        return vec![format!(
            "/: document is not a mapping but {}",
            truncate(&doc.to_string())
        )];
    };
    let kind = match object.get("kind") {
        Some(Value::String(name)) => match Kind::from_name(name) {
            Some(kind) => kind,
            None => {
                problems.push(format!(
                    "/kind: unknown kind {name:?} (expected one of {})",
                    Kind::ALL.map(Kind::name).join(", ")
                ));
                return problems;
            }
        },
        Some(other) => {
            problems.push(format!("/kind: {other} is not a string"));
            return problems;
        }
        None => {
            problems.push("/kind: required".to_owned());
            return problems;
        }
    };
    check_metadata(object.get("metadata"), kind, &mut problems);

    // The API server takes an object in any version its CRD serves.
    let served = match object.get("apiVersion") {
        Some(Value::String(text)) => text
            .strip_prefix(API_GROUP)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|crd_version| compiled(version, kind, crd_version)),
        _ => None,
    };
    let Some(crd) = served else {
        problems.push(format!(
            "/apiVersion: {} is not served for {} by the {version:?} CRDs",
            object
                .get("apiVersion")
                .map_or("nothing".to_owned(), Value::to_string),
            kind.name()
        ));
        return problems;
    };
    for error in crd.validator.iter_errors(doc) {
        problems.push(render(&error, &crd.schema));
    }
    if crd.spec_or_specs_rule {
        let has = |field: &str| object.get(field).is_some_and(|v| !v.is_null());
        if !has("spec") && !has("specs") {
            problems.push(format!(
                "/: spec or specs must be provided (CEL rule `{SPEC_OR_SPECS_RULE}`)"
            ));
        }
    }
    problems
}

/// Renders one schema violation as `/json/pointer: message`.
fn render(error: &ValidationError<'_>, schema: &Value) -> String {
    let path = match error.instance_path().as_str() {
        "" => "/",
        path => path,
    };
    let message = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let fields: Vec<String> = unexpected.iter().map(|f| format!("{f:?}")).collect();
            format!(
                "unknown field(s) {} (strict field validation)",
                fields.join(", ")
            )
        }
        ValidationErrorKind::Enum { options } => format!(
            "{} is not one of {}",
            error.instance(),
            truncate(&options.to_string())
        ),
        ValidationErrorKind::UniqueItems => format!(
            "duplicate items in a list with x-kubernetes-list-type: set: {}",
            truncate(&error.instance().to_string())
        ),
        ValidationErrorKind::Format { format } if format == "cidr" => format!(
            "{} is not a CIDR in prefix notation (format: cidr)",
            error.instance()
        ),
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
        | ValidationErrorKind::AnyOf { .. } => {
            match required_branches(schema, error.schema_path()) {
                Some(fields) => {
                    let set: Vec<&str> = fields
                        .iter()
                        .filter(|f| error.instance().get(f.as_str()).is_some())
                        .map(String::as_str)
                        .collect();
                    let quantity = if matches!(error.kind(), ValidationErrorKind::AnyOf { .. }) {
                        "at least one"
                    } else {
                        "exactly one"
                    };
                    let found = if set.is_empty() {
                        "none".to_owned()
                    } else {
                        set.join(", ")
                    };
                    format!(
                        "{quantity} of the fields {} must be set (found: {found})",
                        fields.join(", ")
                    )
                }
                None => truncate(&error.to_string()),
            }
        }
        _ => truncate(&error.to_string()),
    };
    format!("{path}: {message}")
}

/// For a `oneOf`/`anyOf` whose branches each only require one field (the form controller-gen
/// emits for "one of these fields"), the names of those fields.
fn required_branches(schema: &Value, schema_path: &Location) -> Option<Vec<String>> {
    let branches = schema.pointer(schema_path.as_str())?.as_array()?;
    branches
        .iter()
        .map(
            |branch| match branch.get("required")?.as_array()?.as_slice() {
                [Value::String(field)] => Some(field.clone()),
                _ => None,
            },
        )
        .collect()
}

fn truncate(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The `ObjectMeta` fields a manifest may carry; any other is an unknown field.
const OBJECT_META_FIELDS: [&str; 15] = [
    "name",
    "namespace",
    "labels",
    "annotations",
    "generateName",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "finalizers",
    "managedFields",
    "selfLink",
];

/// Total size limit of all annotations (keys and values), as in the API server.
const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// What the API server checks in `metadata` that the CRD schema leaves open.
fn check_metadata(metadata: Option<&Value>, kind: Kind, problems: &mut Vec<String>) {
    let Some(metadata) = metadata else {
        problems.push("/metadata: required".to_owned());
        return;
    };
    let Some(meta) = metadata.as_object() else {
        problems.push(format!("/metadata: {metadata} is not an object"));
        return;
    };
    let unknown: Vec<String> = meta
        .keys()
        .filter(|key| !OBJECT_META_FIELDS.contains(&key.as_str()))
        .map(|key| format!("{key:?}"))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "/metadata: unknown field(s) {} (strict field validation)",
            unknown.join(", ")
        ));
    }
    match meta.get("name") {
        None => problems.push("/metadata/name: required".to_owned()),
        Some(Value::String(name)) => {
            if let Err(why) = dns1123_subdomain(name) {
                problems.push(format!(
                    "/metadata/name: {name:?} is not a DNS-1123 subdomain: {why}"
                ));
            }
        }
        Some(other) => problems.push(format!("/metadata/name: {other} is not a string")),
    }
    match (meta.get("namespace"), kind.namespaced()) {
        (None, true) => problems.push(format!(
            "/metadata/namespace: required: {} is namespaced",
            kind.name()
        )),
        (Some(Value::String(namespace)), true) => {
            if let Err(why) = dns1123_label(namespace) {
                problems.push(format!(
                    "/metadata/namespace: {namespace:?} is not a DNS-1123 label: {why}"
                ));
            }
        }
        (Some(other), true) => {
            problems.push(format!("/metadata/namespace: {other} is not a string"));
        }
        (Some(namespace), false) => problems.push(format!(
            "/metadata/namespace: must not be set ({namespace}): {} is cluster-scoped",
            kind.name()
        )),
        (None, false) => {}
    }
    if let Some(labels) = meta.get("labels") {
        check_string_map(labels, "/metadata/labels", problems, |value| {
            label_value(value).err()
        });
    }
    if let Some(annotations) = meta.get("annotations") {
        check_string_map(annotations, "/metadata/annotations", problems, |_| None);
        if let Some(map) = annotations.as_object() {
            let size: usize = map
                .iter()
                .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
                .sum();
            if size > ANNOTATIONS_MAX_BYTES {
                problems.push(format!(
                    "/metadata/annotations: {size} bytes, more than {ANNOTATIONS_MAX_BYTES}"
                ));
            }
        }
    }
}

/// Labels and annotations: keys are qualified names, values strings that `value_problem` accepts.
fn check_string_map(
    map: &Value,
    path: &str,
    problems: &mut Vec<String>,
    value_problem: impl Fn(&str) -> Option<String>,
) {
    let Some(map) = map.as_object() else {
        problems.push(format!("{path}: {map} is not an object"));
        return;
    };
    for (key, value) in map {
        let at = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
        if let Err(why) = qualified_name(key) {
            problems.push(format!("{at}: key {key:?} is not a qualified name: {why}"));
        }
        match value {
            Value::String(value) => {
                if let Some(why) = value_problem(value) {
                    problems.push(format!("{at}: value {value:?} is not valid: {why}"));
                }
            }
            other => problems.push(format!("{at}: {other} is not a string")),
        }
    }
}

/// DNS-1123 label: at most 63 characters, lowercase alphanumerics and '-', starting and ending
/// with an alphanumeric.
fn dns1123_label(text: &str) -> Result<(), String> {
    if text.len() > 63 {
        return Err(format!("{} characters, at most 63", text.len()));
    }
    dns1123_part(text)
}

fn dns1123_part(text: &str) -> Result<(), String> {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if text.is_empty() {
        return Err("empty".to_owned());
    }
    if let Some(bad) = text.chars().find(|&c| !alnum(c) && c != '-') {
        return Err(format!(
            "{bad:?} is not a lowercase alphanumeric character or '-'"
        ));
    }
    if !text.starts_with(alnum) || !text.ends_with(alnum) {
        return Err("must start and end with a lowercase alphanumeric character".to_owned());
    }
    Ok(())
}

/// DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels (the label length
/// limit does not apply to each part).
fn dns1123_subdomain(text: &str) -> Result<(), String> {
    if text.len() > 253 {
        return Err(format!("{} characters, at most 253", text.len()));
    }
    text.split('.').try_for_each(dns1123_part)
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters, non-empty.
fn qualified_name_part(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("empty name".to_owned());
    }
    if text.len() > 63 {
        return Err(format!("name has {} characters, at most 63", text.len()));
    }
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if let Some(bad) = text
        .chars()
        .find(|&c| !alnum(c) && !matches!(c, '-' | '_' | '.'))
    {
        return Err(format!("{bad:?} is not alphanumeric, '-', '_' or '.'"));
    }
    if !text.starts_with(alnum) || !text.ends_with(alnum) {
        return Err("must start and end with an alphanumeric character".to_owned());
    }
    Ok(())
}

/// A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name.
fn qualified_name(text: &str) -> Result<(), String> {
    match text.split_once('/') {
        Some((prefix, name)) => {
            dns1123_subdomain(prefix).map_err(|why| format!("prefix {prefix:?}: {why}"))?;
            qualified_name_part(name)
        }
        None => qualified_name_part(text),
    }
}

/// A label value: empty, or a qualified name part.
fn label_value(text: &str) -> Result<(), String> {
    if text.is_empty() {
        Ok(())
    } else {
        qualified_name_part(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/crds");

    fn assert_valid(yaml: &str, version: CiliumVersion) {
        let errors = validate_stream(yaml, version);
        assert!(
            errors.is_empty(),
            "expected no errors, got:\n{}",
            errors.join("\n")
        );
    }

    /// Asserts that validation fails and that some error line contains every one of `needles`.
    fn assert_error(yaml: &str, version: CiliumVersion, needles: &[&str]) {
        let errors = validate_stream(yaml, version);
        assert!(
            errors
                .iter()
                .any(|line| needles.iter().all(|needle| line.contains(needle))),
            "expected an error mentioning {needles:?}, got:\n{}",
            errors.join("\n")
        );
    }

    /// A minimal valid CNP whose egress rule is `rule` (YAML indented for `egress:` items).
    fn cnp_with_egress(rule: &str) -> String {
        format!(
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: test\n  namespace: default\nspec:\n  endpointSelector: {{}}\n  egress:\n{rule}"
        )
    }

    const VALID_CNP: &str = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: allow-dns
  namespace: prod
  labels:
    app.kubernetes.io/managed-by: netpolc
spec:
  endpointSelector:
    matchLabels:
      app: web
  egress:
  - toEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: kube-system
    toPorts:
    - ports:
      - port: \"53\"
        protocol: ANY
      rules:
        dns:
        - matchPattern: \"*\"
";

    const VALID_CCNP: &str = "\
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: host-ssh
spec:
  nodeSelector:
    matchLabels:
      node-access: ssh
  ingress:
  - fromEntities: [cluster]
    toPorts:
    - ports:
      - port: \"22\"
        protocol: TCP
";

    #[test]
    fn valid_documents_pass_both_versions() {
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_valid(VALID_CNP, version);
            assert_valid(VALID_CCNP, version);
            assert_valid(&format!("{VALID_CNP}---\n{VALID_CCNP}"), version);
        }
    }

    #[test]
    fn empty_and_comment_only_documents_are_skipped() {
        let stream = format!("---\n# just a comment\n---\n{VALID_CNP}---\n---\n{VALID_CCNP}---\n");
        assert_valid(&stream, CiliumVersion::V1_19);
        assert!(validate_stream("", CiliumVersion::V1_19).is_empty());
        assert!(validate_stream("# nothing\n", CiliumVersion::Main).is_empty());
    }

    #[test]
    fn errors_name_document_index_kind_and_name() {
        let stream = format!(
            "{VALID_CNP}---\n{}",
            VALID_CCNP.replace("protocol: TCP", "protocol: tcp")
        );
        let errors = validate_stream(&stream, CiliumVersion::V1_19);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with(
                "doc 1 CiliumClusterwideNetworkPolicy/host-ssh: /spec/ingress/0/toPorts/0/ports/0/protocol: "
            ),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn cidr_group_validates() {
        let group = "\
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata:
  name: external
spec:
  externalCIDRs: [\"192.0.2.0/24\", \"2001:db8::/32\"]
";
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_valid(group, version);
            assert_error(
                &group.replace("192.0.2.0/24", "192.0.2.0"),
                version,
                &["/spec/externalCIDRs/0", "not a CIDR"],
            );
            assert_error(
                &group.replace(
                    "  name: external\n",
                    "  name: external\n  namespace: default\n",
                ),
                version,
                &["/metadata/namespace", "must not be set", "cluster-scoped"],
            );
        }
    }

    // ---- negative tests ----

    #[test]
    fn integer_port_is_rejected() {
        let yaml = cnp_with_egress("  - toPorts:\n    - ports:\n      - port: 80\n");
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &["/spec/egress/0/toPorts/0/ports/0/port", "80", "string"],
        );
        assert_valid(
            &yaml.replace("port: 80", "port: \"80\""),
            CiliumVersion::V1_19,
        );
    }

    #[test]
    fn lowercase_protocol_is_rejected() {
        let yaml = cnp_with_egress(
            "  - toPorts:\n    - ports:\n      - port: \"80\"\n        protocol: tcp\n",
        );
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_error(
                &yaml,
                version,
                &["/spec/egress/0/toPorts/0/ports/0/protocol", "\"tcp\""],
            );
        }
    }

    #[test]
    fn misspelt_field_is_rejected() {
        let yaml = cnp_with_egress("  - toEndpoint:\n    - matchLabels:\n        app: db\n");
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &["/spec/egress/0", "unknown field", "\"toEndpoint\""],
        );
        // The same in a nested object without `additionalProperties` in the CRD.
        let yaml = cnp_with_egress("  - toEndpoints:\n    - matchLabel:\n        app: db\n");
        assert_error(
            &yaml,
            CiliumVersion::Main,
            &["/spec/egress/0/toEndpoints/0", "\"matchLabel\""],
        );
        // And at the top level and in metadata.
        assert_error(
            &format!("{VALID_CCNP}status2: {{}}\n"),
            CiliumVersion::V1_19,
            &["/: unknown field", "\"status2\""],
        );
        assert_error(
            &VALID_CCNP.replace("  name: host-ssh\n", "  name: host-ssh\n  lables: {}\n"),
            CiliumVersion::V1_19,
            &["/metadata", "\"lables\""],
        );
    }

    #[test]
    fn unknown_entity_is_rejected() {
        let yaml = cnp_with_egress("  - toEntities: [world-ipv4]\n");
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_error(
                &yaml,
                version,
                &["/spec/egress/0/toEntities/0", "\"world-ipv4\""],
            );
        }
        assert_valid(
            &cnp_with_egress("  - toEntities: [world, kube-apiserver]\n"),
            CiliumVersion::V1_19,
        );
    }

    #[test]
    fn cnp_without_namespace_is_rejected() {
        let yaml = VALID_CNP.replace("  namespace: prod\n", "");
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &[
                "CiliumNetworkPolicy/allow-dns",
                "/metadata/namespace",
                "required",
            ],
        );
    }

    #[test]
    fn ccnp_with_namespace_is_rejected() {
        let yaml = VALID_CCNP.replace("  name: host-ssh\n", "  name: host-ssh\n  namespace: x\n");
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &["/metadata/namespace", "must not be set"],
        );
    }

    #[test]
    fn bad_names_are_rejected() {
        assert_error(
            &VALID_CNP.replace("name: allow-dns", "name: Allow_DNS"),
            CiliumVersion::V1_19,
            &["/metadata/name", "DNS-1123 subdomain"],
        );
        assert_error(
            &VALID_CNP.replace("namespace: prod", "namespace: prod.eu"),
            CiliumVersion::V1_19,
            &["/metadata/namespace", "DNS-1123 label"],
        );
        let long = "a".repeat(254);
        assert_error(
            &VALID_CNP.replace("name: allow-dns", &format!("name: {long}")),
            CiliumVersion::V1_19,
            &["/metadata/name", "at most 253"],
        );
        assert_valid(
            &VALID_CNP.replace("name: allow-dns", &format!("name: {}", "a".repeat(253))),
            CiliumVersion::V1_19,
        );
        assert_error(
            &VALID_CNP.replace("name: allow-dns", "name: a..b"),
            CiliumVersion::V1_19,
            &["/metadata/name"],
        );
        assert_error(
            &VALID_CNP.replace("  name: allow-dns\n", ""),
            CiliumVersion::V1_19,
            &["/metadata/name: required"],
        );
        assert_error(
            &VALID_CNP.replace("managed-by: netpolc", "managed-by: -bad"),
            CiliumVersion::V1_19,
            &["/metadata/labels/app.kubernetes.io~1managed-by", "\"-bad\""],
        );
    }

    #[test]
    fn wrong_api_version_and_unknown_kind_are_rejected() {
        assert_error(
            &VALID_CNP.replace("cilium.io/v2", "cilium.io/v2alpha1"),
            CiliumVersion::V1_19,
            &["/apiVersion", "cilium.io/v2alpha1"],
        );
        assert_error(
            &VALID_CNP.replace("kind: CiliumNetworkPolicy", "kind: NetworkPolicy"),
            CiliumVersion::V1_19,
            &["doc 0 NetworkPolicy/allow-dns: /kind: unknown kind \"NetworkPolicy\""],
        );
        assert_error(
            &VALID_CNP.replace("kind: CiliumNetworkPolicy\n", ""),
            CiliumVersion::V1_19,
            &["doc 0 <no kind>/allow-dns: /kind: required"],
        );
    }

    #[test]
    fn bad_cidr_is_rejected() {
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0",
            "10.0.0/8",
            "::/129",
            "10.0.0.0/-1",
        ] {
            let yaml = cnp_with_egress(&format!("  - toCIDR: [\"{bad}\"]\n"));
            assert_error(
                &yaml,
                CiliumVersion::V1_19,
                &["/spec/egress/0/toCIDR/0", bad, "not a CIDR"],
            );
        }
        let yaml = cnp_with_egress(
            "  - toCIDRSet:\n    - cidr: 10.0.0.0/8\n      except: [10.96.0.0/33]\n",
        );
        assert_error(
            &yaml,
            CiliumVersion::Main,
            &["/spec/egress/0/toCIDRSet/0/except/0", "10.96.0.0/33"],
        );
    }

    #[test]
    fn cidr_format_follows_go_parse_cidr() {
        for good in [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "10.0.0.1/8",
            "192.0.2.1/32",
            "::/0",
            "2001:db8::/32",
            "::ffff:192.0.2.1/128",
        ] {
            assert!(is_cidr(good), "{good}");
        }
        for bad in [
            "",
            "/8",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/ 8",
            "010.0.0.0/8",
            "10.0.0.0/8/8",
            "fe80::1%eth0/64",
            "2001:db8::/129",
            "example.com/24",
        ] {
            assert!(!is_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn from_requires_with_an_item_is_rejected() {
        let yaml = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: req, namespace: default}
spec:
  endpointSelector: {}
  ingress:
  - fromRequires:
    - matchLabels: {env: prod}
";
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_error(
                yaml,
                version,
                &["/spec/ingress/0/fromRequires", "more than 0"],
            );
        }
    }

    #[test]
    fn duplicate_item_in_set_list_is_rejected() {
        let yaml = cnp_with_egress(
            "  - toPorts:\n    - ports:\n      - port: \"443\"\n        protocol: TCP\n      serverNames: [a.example.com, b.example.com, a.example.com]\n",
        );
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_error(
                &yaml,
                version,
                &["/spec/egress/0/toPorts/0/serverNames", "duplicate items"],
            );
            assert_valid(&yaml.replace(", a.example.com]", "]"), CiliumVersion::V1_19);
        }
    }

    #[test]
    fn main_requires_spec_or_specs() {
        let yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: empty, namespace: default}\n";
        assert_error(
            yaml,
            CiliumVersion::Main,
            &["CiliumNetworkPolicy/empty: /: spec or specs must be provided"],
        );
        let ccnp = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: empty}\n";
        assert_error(
            ccnp,
            CiliumVersion::Main,
            &["spec or specs must be provided"],
        );
        // v1.19 has no such rule.
        assert_valid(yaml, CiliumVersion::V1_19);
        assert_valid(ccnp, CiliumVersion::V1_19);
    }

    #[test]
    fn kafka_is_rejected_by_main_only() {
        let yaml = cnp_with_egress(
            "  - toPorts:\n    - ports:\n      - port: \"9092\"\n        protocol: TCP\n      rules:\n        kafka:\n        - apiKey: produce\n          topic: deathstar-plans\n",
        );
        assert_valid(&yaml, CiliumVersion::V1_19);
        assert_error(
            &yaml,
            CiliumVersion::Main,
            &[
                "/spec/egress/0/toPorts/0/rules",
                "unknown field",
                "\"kafka\"",
            ],
        );
    }

    #[test]
    fn extended_protocols_are_main_only() {
        let yaml = cnp_with_egress(
            "  - toPorts:\n    - ports:\n      - port: \"0\"\n        protocol: GRE\n",
        );
        assert_valid(&yaml, CiliumVersion::Main);
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &["/spec/egress/0/toPorts/0/ports/0/protocol", "\"GRE\""],
        );
    }

    #[test]
    fn one_of_errors_name_the_fields() {
        let yaml = cnp_with_egress(
            "  - toPorts:\n    - ports:\n      - port: \"53\"\n      rules:\n        dns: [{matchName: a.com}]\n        http: [{method: GET}]\n",
        );
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &[
                "/spec/egress/0/toPorts/0/rules",
                "exactly one of the fields http, kafka, dns, l7proto",
                "found: http, dns",
            ],
        );
        let yaml = cnp_with_egress("  - toFQDNs: [{}]\n");
        assert_error(
            &yaml,
            CiliumVersion::V1_19,
            &[
                "/spec/egress/0/toFQDNs/0",
                "matchName, matchPattern",
                "found: none",
            ],
        );
        // A spec must have at least one rule direction.
        let yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x, namespace: y}\nspec:\n  endpointSelector: {}\n";
        assert_error(
            yaml,
            CiliumVersion::V1_19,
            &["/spec: at least one of the fields ingress, ingressDeny, egress, egressDeny"],
        );
    }

    #[test]
    fn icmp_type_is_int_or_string() {
        let yaml = cnp_with_egress(
            "  - icmps:\n    - fields:\n      - type: 8\n      - type: EchoRequest\n        family: IPv6\n",
        );
        assert_valid(&yaml, CiliumVersion::V1_19);
        assert_error(
            &yaml.replace("EchoRequest", "Bogus"),
            CiliumVersion::V1_19,
            &["/spec/egress/0/icmps/0/fields/1/type", "Bogus"],
        );
        assert_error(
            &yaml.replace("type: 8", "type: true"),
            CiliumVersion::V1_19,
            &["/spec/egress/0/icmps/0/fields/0/type"],
        );
    }

    #[test]
    fn yaml_problems_are_reported() {
        // Duplicate keys: strict field validation rejects them.
        let yaml = VALID_CCNP.replace("  name: host-ssh\n", "  name: host-ssh\n  name: again\n");
        assert_error(&yaml, CiliumVersion::V1_19, &["doc 0", "duplicate"]);
        // A syntax error in the second document.
        let errors = validate_stream(
            &format!("{VALID_CCNP}---\nkey: [unclosed\n"),
            CiliumVersion::V1_19,
        );
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with("doc 1: not valid YAML"),
            "{}",
            errors[0]
        );
        // A document that is not a mapping.
        assert_error(
            "- a\n- b\n",
            CiliumVersion::V1_19,
            &["doc 0", "not a mapping"],
        );
        // null where a list is expected (the API server would prune it; the emitter must not
        // write it).
        assert_error(
            &cnp_with_egress("  - toEndpoints: null\n"),
            CiliumVersion::V1_19,
            &["/spec/egress/0/toEndpoints", "null"],
        );
    }

    #[test]
    fn yaml11_booleans_and_numbers_are_flagged() {
        // serde_yaml writes these strings unquoted; kubectl would read a boolean or a number.
        for plain in ["yes", "on", "Off", "n", "1_000", "0777", "0x_1F"] {
            let yaml = VALID_CNP.replace("app: web", &format!("app: {plain}"));
            assert_error(
                &yaml,
                CiliumVersion::V1_19,
                &[
                    "doc 0 CiliumNetworkPolicy/allow-dns: line 11: unquoted value",
                    &format!("{plain:?}"),
                    "YAML 1.1",
                ],
            );
            assert_valid(
                &VALID_CNP.replace("app: web", &format!("app: \"{plain}\"")),
                CiliumVersion::V1_19,
            );
            assert_valid(
                &VALID_CNP.replace("app: web", &format!("app: '{plain}'")),
                CiliumVersion::V1_19,
            );
        }
        let item = cnp_with_egress(
            "  - toEndpoints:\n    - matchExpressions:\n      - key: debug\n        operator: In\n        values:\n        - yes\n        - 'no'\n",
        );
        let errors = validate_stream(&item, CiliumVersion::V1_19);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].contains("line 14: unquoted value \"yes\""),
            "{errors:#?}"
        );
        let flow = cnp_with_egress("  - toEndpoints: [{matchLabels: {on: x, b: \"y\", c: Y}}]\n");
        let errors = validate_stream(&flow, CiliumVersion::V1_19);
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(errors[0].contains("\"on\""), "{errors:#?}");
        assert!(errors[1].contains("\"Y\""), "{errors:#?}");
        let key = VALID_CNP.replace("app: web", "y: web");
        assert_error(&key, CiliumVersion::V1_19, &["unquoted key \"y\""]);
        // Block scalars, comments, quoted keys and multi-line scalars are not values.
        let fine =
            format!("{VALID_CCNP}  description: |\n    yes\n    - on\n    a: no\n  # on: yes\n");
        assert_valid(&fine, CiliumVersion::V1_19);
        let fine = VALID_CNP.replace("app: web", "\"on\": \"web\" # yes");
        assert_valid(&fine, CiliumVersion::V1_19);
    }

    #[test]
    fn yaml11_readings() {
        for (scalar, reading) in [
            ("yes", Some("a boolean")),
            ("NO", Some("a boolean")),
            ("~", Some("null")),
            (".inf", Some("a float")),
            ("1_000", Some("an integer")),
            ("0777", Some("an integer")),
            ("08", Some("a float")),
            ("-0b101", Some("an integer")),
            ("1e3", Some("a float")),
            ("80", Some("an integer")),
            ("10.0.0.0/8", None),
            ("1.2.3", None),
            ("-", None),
            ("yes-please", None),
            ("http", None),
        ] {
            assert_eq!(yaml11_reading(scalar), reading, "{scalar}");
        }
    }

    #[test]
    fn stream_splitting() {
        let chunks = split_documents("# header\n---\na: 1\n--- {b: 2}\n...\n---\n---\nc: 3\n");
        let texts: Vec<(&str, usize)> = chunks
            .iter()
            .map(|c| (c.text.as_str(), c.first_line))
            .collect();
        assert_eq!(
            texts,
            [("\na: 1\n", 2), ("{b: 2}\n", 4), ("\n", 6), ("\nc: 3\n", 7)]
        );
        assert_eq!(split_documents("a: 1\n").len(), 1);
        // A syntax error does not hide the documents after it, and indices count every document.
        let stream = format!("---\n---\nkey: [unclosed\n---\n{VALID_CNP}");
        let errors = validate_stream(
            &stream.replace("protocol: ANY", "protocol: any"),
            CiliumVersion::V1_19,
        );
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(
            errors[0].starts_with("doc 1: not valid YAML (document starts at line 2)"),
            "{errors:#?}"
        );
        assert!(errors[1].starts_with("doc 2 CiliumNetworkPolicy/allow-dns: /spec/"));
    }

    #[test]
    fn pattern_fields_work() {
        // `^\PC*$` (no control characters) on spec.log.value.
        let yaml = |value: &str| {
            format!(
                "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {{name: x}}\nspec:\n  endpointSelector: {{}}\n  ingress: [{{}}]\n  log:\n    value: {value}\n"
            )
        };
        for version in [CiliumVersion::V1_19, CiliumVersion::Main] {
            assert_valid(&yaml("\"hello wörld ✓\""), version);
            assert_error(&yaml("\"bell\\a\""), version, &["/spec/log/value"]);
            assert_error(&yaml("\"tab\\there\""), version, &["/spec/log/value"]);
            assert_error(&yaml("\"zero\\u200bwidth\""), version, &["/spec/log/value"]);
        }
        // Label values in selectors, FQDN patterns, ports.
        let bad_label = cnp_with_egress("  - toEndpoints:\n    - matchLabels: {app: \"-x\"}\n");
        assert_error(
            &bad_label,
            CiliumVersion::V1_19,
            &["/spec/egress/0/toEndpoints/0/matchLabels/app"],
        );
        let bad_fqdn = cnp_with_egress("  - toFQDNs: [{matchName: \"a b.com\"}]\n");
        assert_error(
            &bad_fqdn,
            CiliumVersion::V1_19,
            &["/spec/egress/0/toFQDNs/0/matchName"],
        );
        let named_port = cnp_with_egress("  - toPorts:\n    - ports: [{port: http-alt}]\n");
        assert_valid(&named_port, CiliumVersion::V1_19);
        for bad in ["-1", "", "_"] {
            let bad_port = cnp_with_egress(&format!(
                "  - toPorts:\n    - ports: [{{port: \"{bad}\"}}]\n"
            ));
            assert_error(
                &bad_port,
                CiliumVersion::V1_19,
                &["/spec/egress/0/toPorts/0/ports/0/port", "does not match"],
            );
        }
        // The CRD's port pattern only anchors its numeric alternative at the start, so it lets
        // "65536" through (so does the API server): the compiler must range-check ports itself.
        let big_port = cnp_with_egress("  - toPorts:\n    - ports: [{port: \"65536\"}]\n");
        assert_valid(&big_port, CiliumVersion::V1_19);
    }

    /// Every `pattern` of every CRD compiles with the validator's engine and decides like Go's
    /// RE2 (approximated by the `regex` crate, which shares its syntax and semantics) on probes.
    #[test]
    fn crd_patterns_compile_and_agree_with_re2() {
        let probes = [
            "",
            "a",
            "80",
            "65535",
            "65536",
            "http",
            "http-alt",
            "-x",
            "x-",
            "a.b.c",
            "*.example.com",
            "**.example.com",
            "a*b.example.com",
            "example.com.",
            "EchoRequest",
            "ExtendedEcho Reply",
            "255",
            "256",
            "a b",
            "tab\there",
            "bell\u{7}",
            "new\nline",
            "zero\u{200b}width",
            "wörld ✓",
            "UPPER",
            "under_score",
        ];
        let mut patterns = BTreeMap::new();
        for version in CiliumVersion::ALL {
            for kind in Kind::ALL {
                let (file, text) = crd_source(version, kind);
                for crd_version in ["v2", "v2alpha1"] {
                    if let Some(open_api) = open_api_schema(file, text, kind, crd_version) {
                        collect_patterns(&open_api, &mut patterns, file);
                    }
                }
            }
        }
        assert!(patterns.len() >= 8, "{patterns:?}");
        assert!(patterns.contains_key(r"^\PC*$"));
        for (pattern, file) in &patterns {
            let reference = regex::Regex::new(pattern)
                .unwrap_or_else(|err| panic!("{file}: {pattern:?} is not RE2 syntax: {err}"));
            let validator =
                build_validator(&json!({"type": "string", "pattern": go_pattern(pattern)}))
                    .unwrap_or_else(|err| panic!("{file}: {pattern:?} does not compile: {err}"));
            for probe in probes {
                assert_eq!(
                    validator.is_valid(&json!(probe)),
                    reference.is_match(probe),
                    "{file}: pattern {pattern:?} on {probe:?}"
                );
            }
        }
    }

    #[test]
    fn go_patterns_are_rewritten_for_ecma_syntax() {
        assert_eq!(go_pattern(r"^\PC*$"), r"^\P{C}*$");
        assert_eq!(go_pattern(r"\pL\p{Greek}\\pC"), r"\p{L}\p{Greek}\\pC");
        assert_eq!(go_pattern(r"^(\*?\*\.)?x$"), r"^(\*?\*\.)?x$");
        assert_eq!(go_pattern("trailing\\"), "trailing\\");
    }

    fn collect_patterns(
        node: &Value,
        out: &mut BTreeMap<String, &'static str>,
        file: &'static str,
    ) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(pattern)) = map.get("pattern") {
                    out.insert(pattern.clone(), file);
                }
                map.values().for_each(|v| collect_patterns(v, out, file));
            }
            Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out, file)),
            _ => {}
        }
    }

    /// Lists every CEL rule and every `format` in the vendored CRDs, so that a CRD update that
    /// adds one fails here rather than being silently ignored.
    #[test]
    fn crd_cel_rules_and_formats_are_the_known_ones() {
        let mut formats = std::collections::BTreeSet::new();
        let mut served = 0;
        for version in CiliumVersion::ALL {
            for (kind, crd_version) in Kind::ALL
                .into_iter()
                .flat_map(|kind| [(kind, "v2"), (kind, "v2alpha1")])
            {
                let (file, text) = crd_source(version, kind);
                let Some(open_api) = open_api_schema(file, text, kind, crd_version) else {
                    continue;
                };
                served += 1;
                let mut rules = Vec::new();
                to_json_schema(&open_api, &mut rules);
                let expected: Vec<CelRule> = match (version, kind) {
                    (CiliumVersion::Main, Kind::Cnp | Kind::Ccnp) => vec![CelRule {
                        schema_path: String::new(),
                        rule: SPEC_OR_SPECS_RULE.to_owned(),
                        message: "spec or specs must be provided".to_owned(),
                    }],
                    _ => vec![],
                };
                assert_eq!(rules, expected, "{file}");
                collect_formats(&open_api, &mut formats);
            }
        }
        // CNP and CCNP of 7 lines; CIDR groups: v2alpha1 of 1.14 to 1.18, v2 of 1.18, and the
        // v1.19 CRD (both versions) standing in for 1.19 and main.
        assert_eq!(served, 14 + 5 + 1 + 4);
        let formats: Vec<&str> = formats.iter().map(String::as_str).collect();
        assert_eq!(
            formats,
            ["cidr", "date-time", "idn-hostname", "int32", "int64"]
        );
        // CEL rules in the raw files, counted textually as a cross-check.
        let mut count = 0;
        for file in [
            "v1.19/ciliumnetworkpolicies.yaml",
            "v1.19/ciliumclusterwidenetworkpolicies.yaml",
            "v1.19/ciliumcidrgroups.yaml",
            "main/ciliumnetworkpolicies.yaml",
            "main/ciliumclusterwidenetworkpolicies.yaml",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain(
            ["v1.14", "v1.15", "v1.16", "v1.17", "v1.18"]
                .into_iter()
                .flat_map(|v| {
                    [
                        "ciliumnetworkpolicies.yaml",
                        "ciliumclusterwidenetworkpolicies.yaml",
                        "ciliumcidrgroups.yaml",
                    ]
                    .map(|file| format!("{v}/{file}"))
                }),
        ) {
            let text = std::fs::read_to_string(format!("{CRD_DIR}/{file}")).unwrap();
            count += text.matches("x-kubernetes-validations:").count();
        }
        assert_eq!(count, 2);
    }

    fn collect_formats(node: &Value, out: &mut std::collections::BTreeSet<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(format)) = map.get("format") {
                    out.insert(format.clone());
                }
                map.values().for_each(|v| collect_formats(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| collect_formats(v, out)),
            _ => {}
        }
    }

    #[test]
    fn idn_hostname_is_not_checked() {
        // The API server does not check `idn-hostname`; neither do we.
        let yaml = cnp_with_egress(
            "  - toPorts:\n    - ports: [{port: \"80\", protocol: TCP}]\n      rules:\n        http: [{host: \"not a host name!\"}, {host: \"bücher.example\"}]\n",
        );
        assert_valid(&yaml, CiliumVersion::V1_19);
        assert_valid(&yaml, CiliumVersion::Main);
    }

    #[test]
    fn conversion_makes_structural_objects_strict() {
        let mut rules = Vec::new();
        let converted = to_json_schema(
            &json!({
                "type": "object",
                "x-kubernetes-validations": [{"rule": "true", "message": "m"}],
                "properties": {
                    "metadata": {"type": "object"},
                    "a": {
                        "type": "object",
                        "description": "d",
                        "properties": {"b": {"type": "string", "nullable": true}},
                        "oneOf": [{"properties": {"b": {}}, "required": ["b"]}]
                    },
                    "m": {"type": "object", "additionalProperties": {"type": "string"}},
                    "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    "s": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                    "n": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}
                }
            }),
            &mut rules,
        );
        assert_eq!(
            converted,
            json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "metadata": {"type": "object"},
                    "a": {
                        "type": "object",
                        "additionalProperties": false,
                        "properties": {"b": {"type": ["string", "null"]}},
                        "oneOf": [{"properties": {"b": {}}, "required": ["b"]}]
                    },
                    "m": {"type": "object", "additionalProperties": {"type": "string"}},
                    "open": {"type": "object"},
                    "s": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                    "n": {"type": "integer", "exclusiveMinimum": 0}
                }
            })
        );
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].rule, "true");
    }

    #[test]
    fn list_map_keys_must_be_unique() {
        let validator = build_validator(&json!({
            "type": "array",
            LIST_MAP_KEYS: ["type"],
            "items": {"type": "object"}
        }))
        .unwrap();
        assert!(validator.is_valid(&json!([{"type": "A"}, {"type": "B"}])));
        let bad = json!([{"type": "A", "x": 1}, {"type": "A", "x": 2}]);
        let errors: Vec<String> = validator.iter_errors(&bad).map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("type=\"A\""), "{errors:?}");
    }

    /// The vendored example corpus (see tests/crds/SOURCE.md) validates clean against v1.19.
    /// The examples are meant for `kubectl apply -n NAMESPACE`, so a CNP without a namespace is
    /// given `default` first.
    #[test]
    fn vendored_corpus_validates() {
        let mut files = Vec::new();
        collect_yaml_files(&std::path::Path::new(CRD_DIR).join("corpus"), &mut files);
        files.sort();
        assert!(files.len() >= 10, "{files:?}");
        let mut policies = 0;
        let mut failures = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            if text.contains("{{") {
                continue;
            }
            // Re-serialising (below) would hide what the raw text looks like to kubectl.
            for chunk in split_documents(&text) {
                let surprises = yaml11_surprises(&chunk);
                assert!(surprises.is_empty(), "{}: {surprises:#?}", file.display());
            }
            let stream = with_default_namespace(&text).unwrap();
            policies += stream.matches("\nkind: ").count();
            let is_kafka = text.contains("kafka:");
            for (version, expect_clean) in [
                (CiliumVersion::V1_19, true),
                (CiliumVersion::Main, !is_kafka),
            ] {
                let errors = validate_stream(&stream, version);
                if expect_clean != errors.is_empty() {
                    failures.push(format!("{} {version:?}: {errors:#?}", file.display()));
                }
                if !expect_clean {
                    assert!(
                        errors.iter().any(|e| e.contains("\"kafka\"")),
                        "{errors:#?}"
                    );
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(policies >= 10, "{policies}");
    }

    fn collect_yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    /// Re-serialises a stream with `metadata.namespace: default` added to every CNP lacking one.
    fn with_default_namespace(text: &str) -> Result<String, serde_yaml::Error> {
        let mut out = String::new();
        for document in serde_yaml::Deserializer::from_str(text) {
            let mut doc = serde_yaml::Value::deserialize(document)?;
            if doc.is_null() {
                continue;
            }
            if doc["kind"] == "CiliumNetworkPolicy" {
                if let Some(meta) = doc.get_mut("metadata").and_then(|m| m.as_mapping_mut()) {
                    if !meta.contains_key("namespace") {
                        meta.insert("namespace".into(), "default".into());
                    }
                }
            }
            out.push_str("---\n");
            out.push_str(&serde_yaml::to_string(&doc)?);
        }
        Ok(out)
    }
}
