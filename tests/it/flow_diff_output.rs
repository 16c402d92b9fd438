//! `netpolc diff --flows` as people read it: exact grouping (`ns/*`, port
//! lists), cases whose answer is written by hand, `--yaml`, and snapshots
//! of the human, Markdown and JSON outputs.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::cli::{netpolc, repo};

const OLD: &str = "\
namespace shop {
  policy egress {
    select pods
    allow to pods app=postgres in namespace data port 5432/tcp, 9000/tcp
  }
  policy web {
    select pods app=web
    allow from entity host
  }
}
namespace data {
  policy postgres {
    select pods app=postgres
    allow from pods in namespace shop port 5432/tcp, 6432-6433/tcp, 9000/tcp
  }
}
";

/// Every pod of shop may now also reach 6432 and 6433, no longer 9000.
fn new_text() -> String {
    OLD.replace(
        "in namespace data port 5432/tcp, 9000/tcp",
        "in namespace data port 5432/tcp, 6432/tcp, 6433/tcp",
    )
}

fn two() -> tempfile::TempDir {
    repo(&[
        ("old/shop.netpol", OLD.as_bytes()),
        ("new/shop.netpol", new_text().as_bytes()),
    ])
}

fn json(dir: &std::path::Path, old: &str, new: &str, yaml: bool) -> Value {
    let mut args = vec![
        "diff",
        "--flows",
        "--base-dir",
        old,
        new,
        "--format",
        "json",
    ];
    if yaml {
        args.push("--yaml");
    }
    let run = netpolc(dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// `SIGN FROM -> TO PORTS` of each JSON line.
fn shown(value: &Value) -> Vec<String> {
    value["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            let sign = if line["change"] == "added" { '+' } else { '-' };
            let ports: Vec<&str> = line["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|port| port.as_str().unwrap())
                .collect();
            format!(
                "{sign} {} -> {} {}",
                line["from"].as_str().unwrap(),
                line["to"].as_str().unwrap(),
                ports.join(", ")
            )
        })
        .collect()
}

#[test]
fn every_class_of_a_namespace_and_adjacent_ports_are_grouped() {
    let dir = two();
    let value = json(dir.path(), "old", "new", false);
    // shop has two classes ({} and {app=web}); `egress` selects both, and
    // data's postgres admits every pod of shop on all three ports.
    assert_eq!(
        shown(&value),
        [
            "+ shop/* -> data/{app=postgres} 6432-6433/tcp",
            "- shop/* -> data/{app=postgres} 9000/tcp",
        ]
    );
    // Two classes times two port intervals added, two classes removed.
    assert_eq!(value["added"], 4);
    assert_eq!(value["removed"], 2);
    let added = &value["lines"][0];
    assert_eq!(added["namespace"], "shop");
    let at: Vec<&str> = added["allowed_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cause| cause["at"].as_str().unwrap())
        .collect();
    assert_eq!(at, ["new/shop.netpol:4", "new/shop.netpol:14"]);
    let removed = &value["lines"][1];
    assert_eq!(removed["allowed_by"][0]["at"], "old/shop.netpol:4");
}

#[test]
fn a_namespace_is_grouped_only_when_every_class_agrees() {
    // Only the web pods gain 6432: no `shop/*`.
    let new = OLD.replace(
        "    allow from entity host\n",
        "    allow from entity host\n    allow to pods app=postgres in namespace data port 6432/tcp\n",
    );
    let dir = repo(&[
        ("old/shop.netpol", OLD.as_bytes()),
        ("new/shop.netpol", new.as_bytes()),
    ]);
    let value = json(dir.path(), "old", "new", false);
    assert_eq!(
        shown(&value),
        ["+ shop/{app=web} -> data/{app=postgres} 6432/tcp"]
    );
}

#[test]
fn turning_no_default_deny_egress_off_lists_what_becomes_denied() {
    let old = "\
namespace shop {
  policy metadata {
    select pods
    no default deny egress
    deny to cidr 169.254.169.254/32
  }
  policy web {
    select pods app=web
    allow from entity host
  }
}
";
    let new = old.replace("    no default deny egress\n", "");
    let dir = repo(&[
        ("old/shop.netpol", old.as_bytes()),
        ("new/shop.netpol", new.as_bytes()),
    ]);
    let value = json(dir.path(), "old", "new", false);
    assert_eq!(value["added"], 0);
    let lines = shown(&value);
    // Every pod of shop loses its egress to everything but the metadata
    // address (denied before) and the web pods (whose ingress admits only
    // the host): the unlabelled pods of shop, each entity, and the two
    // address blocks around 169.254.169.254. Not `entity init`: an endpoint
    // still in `reserved:init` always enforces its ingress, so nothing
    // reached it before either.
    let mut to = BTreeSet::new();
    for line in &lines {
        let rest = line
            .strip_prefix("- shop/* -> ")
            .unwrap_or_else(|| panic!("{line}"));
        let (end, ports) = rest.split_once(' ').map_or((rest, ""), |(end, ports)| {
            if end == "entity" {
                let (name, ports) = ports.split_once(' ').unwrap();
                return (&rest[..7 + name.len()], ports);
            }
            (end, ports)
        });
        assert!(
            ports.starts_with("1-65535/tcp, 1-65535/udp, 1-65535/sctp"),
            "{line}"
        );
        to.insert(end.to_owned());
    }
    let expected: BTreeSet<String> = [
        "shop/{}",
        "entity world",
        "entity host",
        "entity remote-node",
        "entity kube-apiserver",
        "entity health",
        "entity ingress",
        "entity unmanaged",
        "0.0.0.0-169.254.169.253",
        "169.254.169.255-255.255.255.255",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(to, expected, "{lines:#?}");
}

#[test]
fn outputs_in_each_format() {
    let dir = two();
    for (format, name) in [
        ("human", "diff_flows_human"),
        ("markdown", "diff_flows_markdown"),
        ("json", "diff_flows_json"),
    ] {
        let run = netpolc(
            dir.path(),
            &[
                "diff",
                "--flows",
                "--base-dir",
                "old",
                "new",
                "--format",
                format,
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        insta::assert_snapshot!(name, run.stdout);
    }
    // Colour only when asked: + green, - red.
    let run = netpolc(
        dir.path(),
        &[
            "--color",
            "always",
            "diff",
            "--flows",
            "--base-dir",
            "old",
            "new",
        ],
    );
    assert!(run.stdout.contains("\u{1b}[32m+ shop/*"), "{}", run.stdout);
    assert!(run.stdout.contains("\u{1b}[31m- shop/*"), "{}", run.stdout);
}

#[test]
fn yaml_compares_two_directories_of_cilium_yaml() {
    let dir = two();
    for side in ["old", "new"] {
        let run = netpolc(
            dir.path(),
            &["build", side, "--out", &format!("{side}-yaml")],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let value = json(dir.path(), "old-yaml", "new-yaml", true);
    assert_eq!(
        shown(&value),
        [
            "+ shop/* -> data/{app=postgres} 6432-6433/tcp",
            "- shop/* -> data/{app=postgres} 9000/tcp",
        ]
    );
    // Explained in the imported `.netpol`, shown under `<import>/`.
    let at = value["lines"][0]["allowed_by"][0]["at"].as_str().unwrap();
    assert!(at.starts_with("<import>/"), "{at}");
    let same = json(dir.path(), "new-yaml", "new-yaml", true);
    assert_eq!(same["lines"], Value::Array(Vec::new()));
}
