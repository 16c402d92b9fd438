//! CiliumCIDRGroups: a group that an imported policy names in a
//! `cidrGroupRef`, or that has labels (for `cidrGroupSelector`), becomes a
//! `const NAME = group [...] [label k=v, ...]`, which netpolc emits as the
//! same CiliumCIDRGroup.

use serde_json::{Map, Value};

use super::field::{Doc, join};
use super::{API_VERSION, SERVER_SET};
use crate::import::model::{CidrGroup, Origin};

/// Decodes a CiliumCIDRGroup.
pub fn group(ctx: &mut Doc<'_>, path: &str, map: &Map<String, Value>) -> Option<CidrGroup> {
    let mut name = None;
    let mut labels = Vec::new();
    let mut cidrs = None;
    ctx.fields(
        path,
        map,
        &["apiVersion", "kind", "metadata", "spec"],
        &[],
        |ctx, key, field, value| match key {
            "apiVersion" if value.as_str() != Some(API_VERSION) => {
                ctx.invalid(
                    field,
                    format!("netpolc imports CiliumCIDRGroups of `{API_VERSION}`"),
                );
            }
            "metadata" => name = metadata(ctx, field, value, &mut labels),
            "spec" => cidrs = spec(ctx, field, value),
            _ => {}
        },
    );
    if !map.contains_key("metadata") {
        ctx.invalid(
            &join(path, "metadata"),
            "every Kubernetes object has `metadata` with a `name`",
        );
    }
    let name = name?;
    if CidrGroup::constant(&name)
        .to_ascii_lowercase()
        .replace('_', "-")
        != name
        || name.contains('_')
    {
        ctx.cannot_say(
            &join(path, "metadata.name"),
            format!("netpolc names a CIDR group after its constant, in lower case with `-` for `_` (`STORAGE_IPS` is `storage-ips`), and no constant gives `{name}`"),
        );
    }
    let Some(cidrs) = cidrs else {
        ctx.invalid(
            &join(path, "spec.externalCIDRs"),
            "a CiliumCIDRGroup lists its CIDRs in `spec.externalCIDRs`",
        );
        return None;
    };
    (!ctx.failed).then(|| CidrGroup {
        origin: Origin {
            file: ctx.file.to_owned(),
            document: ctx.document,
            several: ctx.several,
        },
        name,
        cidrs,
        labels,
    })
}

fn metadata(
    ctx: &mut Doc<'_>,
    path: &str,
    value: &Value,
    labels: &mut Vec<(String, String)>,
) -> Option<String> {
    let map = ctx.object(path, value)?;
    let mut name = None;
    let mut known = vec!["name", "labels"];
    known.extend_from_slice(SERVER_SET);
    let unsayable = [(
        "annotations",
        "`.netpol` has no way to write annotations on a CiliumCIDRGroup",
    )];
    ctx.fields(
        path,
        map,
        &known,
        &unsayable,
        |ctx, key, field, value| match key {
            "name" => name = ctx.word(field, value, "Kubernetes object name"),
            "labels" => {
                let Some(map) = ctx.object(field, value) else {
                    return;
                };
                for (key, text) in map {
                    let path = format!("{field}.{key}");
                    if !super::field::is_word(key, true) {
                        ctx.invalid(&path, format!("`{key}` is not a valid label key"));
                    } else if let Some(text) = ctx.text(&path, text) {
                        labels.push((key.clone(), text));
                    }
                }
            }
            _ => ctx.ignored.push(field.to_owned()),
        },
    );
    name
}

fn spec(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Vec<String>> {
    let map = ctx.object(path, value)?;
    let mut cidrs = None;
    ctx.fields(
        path,
        map,
        &["externalCIDRs"],
        &[],
        |ctx, _, field, value| {
            cidrs = ctx.cidrs(field, value);
        },
    );
    match cidrs {
        Some(list) if list.is_empty() => {
            ctx.cannot_say(
                &join(path, "externalCIDRs"),
                "netpolc writes a CIDR group with at least one CIDR",
            );
            None
        }
        other => other,
    }
}
