//! Decoding: one YAML document (as a JSON value) to a [`Policy`].
//!
//! Every field of the Cilium v1.19 policy API is either decoded or refused
//! with a diagnostic that names the file, the policy and the field path
//! (`field.rs`); nothing is dropped without a word. The only fields left out
//! are those the API server sets itself on a stored object (`uid`,
//! `resourceVersion`, `status`, ...), so that `kubectl get -o yaml` output
//! imports; they are listed in [`Decoded::ignored`].
//!
//! - `mod.rs`: the object, `metadata`, `spec`/`specs` and the rule's fields;
//! - `rule.rs`: ingress and egress rules and their peers;
//! - `selector.rs`: label selectors;
//! - `ports.rs`: ports, L7 rules and ICMP types;
//! - `group.rs`: CiliumCIDRGroups, which `cidrGroupRef` peers name;
//! - `field.rs`: typed access with diagnostics.

mod field;
mod group;
mod ports;
mod rule;
mod selector;

use serde_json::{Map, Value};

use super::model::{CidrGroup, Kind, Origin, Policy, Spec, Subject};
use super::read::Document;
use crate::diag::Diagnostic;
use field::Doc;

/// The API version of both policy kinds.
pub const API_VERSION: &str = "cilium.io/v2";

/// What a document turned out to be.
#[derive(Debug, Default)]
pub struct Decoded {
    /// The policies it holds (several for a `List`).
    pub policies: Vec<Policy>,
    /// The kinds of the other objects it holds, which are not imported.
    pub others: Vec<String>,
    /// The CiliumCIDRGroups.
    pub groups: Vec<CidrGroup>,
    /// `cidrGroupRef` names, with their field path and the policy, described.
    pub group_refs: Vec<(String, String, String)>,
    /// Server-set fields that were left out, one line per document:
    /// `` `status`, `metadata.uid` of policy `web` in `web.yaml` ``.
    pub ignored: Vec<String>,
    /// What import wrote differently because Cilium reads it the same, one
    /// line per document: `` `spec.egress[0].toPorts[0].rules.http` is an
    /// empty list ... of policy `web` in `web.yaml` ``.
    pub normalised: Vec<String>,
}

/// `metadata` fields the API server sets on stored objects; they say nothing
/// about the policy.
pub const SERVER_SET: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
];

/// The annotation `kubectl apply` keeps the last applied object in.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Decodes one document of `file`; `several` says whether the file holds
/// more than one, for messages. Refusals go to `diags`.
pub fn document(
    file: &str,
    several: bool,
    doc: &Document,
    out: &mut Decoded,
    diags: &mut Vec<Diagnostic>,
) {
    let mut ctx = Doc {
        file,
        document: doc.index,
        several,
        name: None,
        diags,
        ignored: Vec::new(),
        normalised: Vec::new(),
        failed: false,
        refusals: 0,
        group_refs: Vec::new(),
    };
    object(&mut ctx, "", &doc.value, out);
    let place = ctx.place();
    out.group_refs.extend(
        ctx.group_refs
            .drain(..)
            .map(|(name, path)| (name, path, place.clone())),
    );
    if !ctx.ignored.is_empty() {
        let fields: Vec<String> = ctx.ignored.iter().map(|path| format!("`{path}`")).collect();
        out.ignored
            .push(format!("{} of {}", fields.join(", "), ctx.place()));
    }
    if !ctx.normalised.is_empty() {
        out.normalised.push(format!(
            "{} (in {})",
            ctx.normalised.join("; "),
            ctx.place()
        ));
    }
}

fn object(ctx: &mut Doc<'_>, path: &str, value: &Value, out: &mut Decoded) {
    let Value::Object(map) = value else {
        ctx.invalid(
            if path.is_empty() { "." } else { path },
            "not a Kubernetes object: expected a map with `apiVersion` and `kind`",
        );
        return;
    };
    let kind = match map.get("kind").and_then(Value::as_str) {
        Some("CiliumNetworkPolicy") => Kind::Cnp,
        Some("CiliumClusterwideNetworkPolicy") => Kind::Ccnp,
        Some("CiliumCIDRGroup") => {
            ctx.name = map
                .get("metadata")
                .and_then(|metadata| metadata.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            ctx.failed = false;
            if let Some(group) = group::group(ctx, path, map) {
                out.groups.push(group);
            }
            return;
        }
        Some(list) if list.ends_with("List") && map.get("items").is_some_and(Value::is_array) => {
            for (index, item) in map
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                object(
                    ctx,
                    &field::join(path, &format!("items[{index}]")),
                    item,
                    out,
                );
            }
            return;
        }
        Some(other) => {
            out.others.push(other.to_owned());
            return;
        }
        None => {
            ctx.invalid(
                &field::join(path, "kind"),
                "not a Kubernetes object: it has no `kind`",
            );
            return;
        }
    };
    ctx.name = map
        .get("metadata")
        .and_then(|metadata| metadata.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    ctx.failed = false;
    if let Some(policy) = policy(ctx, path, map, kind) {
        out.policies.push(policy);
    }
}

fn policy(ctx: &mut Doc<'_>, path: &str, map: &Map<String, Value>, kind: Kind) -> Option<Policy> {
    let mut metadata = None;
    let mut rules: Vec<(String, &Value)> = Vec::new();
    ctx.fields(
        path,
        map,
        &["apiVersion", "kind", "metadata", "spec", "specs", "status"],
        &[],
        |ctx, key, field, value| match key {
            "apiVersion" if value.as_str() != Some(API_VERSION) => {
                ctx.invalid(
                    field,
                    format!("Cilium serves its policies as `{API_VERSION}` only"),
                );
            }
            "metadata" => metadata = Some(value),
            "spec" => rules.insert(0, (field.to_owned(), value)),
            "specs" => {
                if let Some(items) = ctx.list(field, value) {
                    rules.extend(
                        items
                            .iter()
                            .enumerate()
                            .map(|(index, item)| (format!("{field}[{index}]"), item)),
                    );
                }
            }
            "status" => ctx.ignored.push(field.to_owned()),
            _ => {}
        },
    );
    let (name, namespace, object) = match metadata {
        Some(value) => self::metadata(ctx, &field::join(path, "metadata"), value, kind)?,
        None => {
            ctx.invalid(
                &field::join(path, "metadata"),
                "every Kubernetes object has `metadata` with a `name`",
            );
            return None;
        }
    };
    let mut decoded = Vec::new();
    for (field, value) in &rules {
        decoded.extend(spec(ctx, field, value, kind));
    }
    if rules.is_empty() {
        ctx.invalid(
            &field::join(path, "spec"),
            "Cilium rejects a policy with neither `spec` nor `specs`",
        );
    }
    if ctx.failed || decoded.len() != rules.len() {
        return None;
    }
    let mut decoded = decoded.into_iter();
    let mut spec = decoded.next()?;
    spec.rest = decoded.collect();
    spec.metadata_labels = object.labels;
    spec.annotations = object.annotations;
    (!ctx.failed).then(|| Policy {
        origin: Origin {
            file: ctx.file.to_owned(),
            document: ctx.document,
            several: ctx.several,
        },
        kind,
        name,
        namespace,
        spec,
    })
}

/// The object's `metadata.labels` and `metadata.annotations`.
#[derive(Default)]
struct ObjectMetadata {
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
}

fn metadata(
    ctx: &mut Doc<'_>,
    path: &str,
    value: &Value,
    kind: Kind,
) -> Option<(String, Option<String>, ObjectMetadata)> {
    let map = ctx.object(path, value)?;
    let mut name = None;
    let mut namespace = None;
    let mut object = ObjectMetadata::default();
    let mut known = vec!["name", "namespace", "labels", "annotations"];
    known.extend_from_slice(SERVER_SET);
    let unsayable = [
        (
            "generateName",
            "netpolc names every policy; `generateName` leaves the name to the API server",
        ),
        ("finalizers", "`.netpol` has no way to write finalizers"),
        (
            "ownerReferences",
            "`.netpol` has no way to write owner references",
        ),
    ];
    ctx.fields(
        path,
        map,
        &known,
        &unsayable,
        |ctx, key, field, value| match key {
            "name" => name = ctx.word(field, value, "Kubernetes object name"),
            "namespace" => namespace = ctx.word(field, value, "namespace name"),
            "labels" => object.labels = string_map(ctx, field, value, false),
            "annotations" => object.annotations = string_map(ctx, field, value, true),
            _ => ctx.ignored.push(field.to_owned()),
        },
    );
    let Some(name) = name else {
        if !map.contains_key("name") {
            ctx.invalid(
                &field::join(path, "name"),
                "every Kubernetes object has a name",
            );
        }
        return None;
    };
    if kind == Kind::Ccnp && namespace.is_some() {
        ctx.invalid(
            &field::join(path, "namespace"),
            "a CiliumClusterwideNetworkPolicy is cluster-scoped and has no namespace",
        );
        return None;
    }
    Some((name, namespace, object))
}

/// `metadata.labels` or `metadata.annotations`, as key and value in key
/// order. Of the annotations, `kubectl apply`'s own record is left out: it
/// is written by `kubectl`, not by the policy's author.
fn string_map(
    ctx: &mut Doc<'_>,
    path: &str,
    value: &Value,
    annotations: bool,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(map) = ctx.object(path, value) else {
        return out;
    };
    for (key, value) in map {
        let field = format!("{path}.{key}");
        if annotations && key == LAST_APPLIED {
            ctx.ignored.push(field);
            continue;
        }
        let what = if annotations {
            "annotation key"
        } else {
            "label key"
        };
        let key = ctx.word(&field, &Value::String(key.clone()), what);
        let text = ctx.text(&field, value);
        if let (Some(key), Some(text)) = (key, text) {
            out.push((key, text));
        }
    }
    out.sort();
    out
}

/// One Cilium rule: `spec` or an entry of `specs`.
fn spec(ctx: &mut Doc<'_>, path: &str, value: &Value, kind: Kind) -> Option<Spec> {
    let map = ctx.object(path, value)?;
    let mut spec = Spec::default();
    let mut subjects = Vec::new();
    let known = [
        "endpointSelector",
        "nodeSelector",
        "ingress",
        "ingressDeny",
        "egress",
        "egressDeny",
        "labels",
        "description",
        "enableDefaultDeny",
        "log",
    ];
    let unsayable = [];
    ctx.fields(
        path,
        map,
        &known,
        &unsayable,
        |ctx, key, field, value| match key {
            "endpointSelector" => {
                subjects.extend(selector::selector(ctx, field, value).map(Subject::Pods))
            }
            "nodeSelector" => {
                subjects.extend(selector::selector(ctx, field, value).map(Subject::Nodes))
            }
            "description" => spec.description = ctx.text(field, value),
            "labels" => spec.labels = labels(ctx, field, value),
            "enableDefaultDeny" => default_deny(ctx, field, value, &mut spec),
            "log" => spec.log = log(ctx, field, value),
            section => {
                let (direction, deny) = match section {
                    "ingress" => (rule::Section::Ingress, false),
                    "ingressDeny" => (rule::Section::Ingress, true),
                    "egress" => (rule::Section::Egress, false),
                    _ => (rule::Section::Egress, true),
                };
                let rules = rule::section(ctx, field, value, direction, deny, kind);
                match (direction, deny) {
                    (rule::Section::Ingress, false) => spec.ingress = rules,
                    (rule::Section::Ingress, true) => spec.ingress_deny = rules,
                    (rule::Section::Egress, false) => spec.egress = rules,
                    (rule::Section::Egress, true) => spec.egress_deny = rules,
                }
            }
        },
    );
    match subjects.len() {
        1 => spec.subject = subjects.pop().unwrap_or_default(),
        0 if !map.contains_key("endpointSelector") && !map.contains_key("nodeSelector") => {
            ctx.invalid(path, "a rule needs exactly one of `endpointSelector` and `nodeSelector`, and this one has neither");
        }
        0 => {}
        _ => ctx.invalid(path, "a rule needs exactly one of `endpointSelector` and `nodeSelector`, and this one has both"),
    }
    (!ctx.failed).then_some(spec)
}

/// `log: {value: text}`.
fn log(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<String> {
    let map = ctx.object(path, value)?;
    let mut text = None;
    ctx.fields(path, map, &["value"], &[], |ctx, _, field, value| {
        text = ctx.text(field, value);
    });
    if !map.contains_key("value") {
        ctx.cannot_say(
            path,
            "`log \"text\"` always writes a `value`, and this `log` has none",
        );
    }
    text
}

fn default_deny(ctx: &mut Doc<'_>, path: &str, value: &Value, spec: &mut Spec) {
    let Some(map) = ctx.object(path, value) else {
        return;
    };
    ctx.fields(path, map, &["ingress", "egress"], &[], |ctx, key, field, value| {
        let Some(flag) = ctx.boolean(field, value) else {
            return;
        };
        if flag {
            ctx.cannot_say(
                field,
                "`.netpol` can only turn default deny off (`no default deny ...`); an explicit `true` is what Cilium assumes for a direction the rule has rules for, but netpolc cannot write it",
            );
        } else if key == "ingress" {
            spec.no_default_deny_ingress = true;
        } else {
            spec.no_default_deny_egress = true;
        }
    });
}

fn labels(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(items) = ctx.list(path, value) else {
        return out;
    };
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{index}]");
        let Some(map) = ctx.object(&item_path, item) else {
            continue;
        };
        let mut key = None;
        let mut text = None;
        ctx.fields(
            &item_path,
            map,
            &["key", "value"],
            &[("source", "`label` writes a rule label without a source")],
            |ctx, name, field, value| {
                if name == "key" {
                    key = ctx.word(field, value, "label key");
                } else {
                    text = ctx.text(field, value);
                }
            },
        );
        match (key, text) {
            (Some(key), Some(text)) => out.push((key, text)),
            (None, _) if !map.contains_key("key") => {
                ctx.invalid(&item_path, "a rule label needs a `key`")
            }
            (Some(_), None) if !map.contains_key("value") => {
                ctx.cannot_say(
                    &format!("{item_path}.key"),
                    "`label KEY=VALUE` always writes a value, and this label has none",
                );
            }
            _ => {}
        }
    }
    out
}
