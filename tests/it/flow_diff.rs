//! `flow::flow_diff`: the connections one program allows and another
//! denies, over the universe of both. Properties on every example, and
//! cases whose answer is written by hand.

use std::collections::BTreeSet;
use std::path::Path;

use netpolc::flow::{Change, FlowDiff, flow_diff};
use netpolc::ir::{FlowProtocol, Program};
use netpolc::source::SourceMap;

fn check(files: &[(String, String)]) -> Program {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let (program, _, diags) = netpolc::check(&sources, &netpolc::Options::default());
    let errors: Vec<_> = diags.iter().filter(|diag| diag.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    program
}

fn platform_files() -> Vec<(String, String)> {
    crate::examples::repo_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform"))
}

/// A change as `FROM -> TO PORTS`.
fn line(diff: &FlowDiff, change: &Change) -> String {
    let name = |at: usize| {
        diff.universe
            .ends
            .get(at)
            .map_or("?".to_owned(), |end| end.name.clone())
    };
    format!(
        "{} -> {} {}",
        name(change.from),
        name(change.to),
        change.ports
    )
}

fn lines(diff: &FlowDiff, changes: &[Change]) -> BTreeSet<String> {
    changes.iter().map(|change| line(diff, change)).collect()
}

#[test]
fn every_example_against_itself_is_empty() {
    for dir in crate::examples::example_dirs() {
        let program = check(&crate::examples::repo_files(&dir));
        let diff = flow_diff(&program, &program);
        assert!(diff.is_empty(), "{}: {:?}", dir.display(), diff.added);
        assert!(diff.universe.ends.len() > 10, "{}", dir.display());
    }
}

/// The platform example with one address of `STORAGE_IPS` changed.
fn platform_with_storage_moved() -> Vec<(String, String)> {
    let mut files = platform_files();
    let mut replaced = 0;
    for (path, text) in &mut files {
        if path.ends_with("constants.netpol") {
            let old = "const STORAGE_IPS = [10.20.0.10, 10.20.0.11, 10.20.0.12]";
            assert!(text.contains(old));
            *text = text.replace(
                old,
                "const STORAGE_IPS = [10.20.0.10, 10.20.0.99, 10.20.0.12]",
            );
            replaced += 1;
        }
    }
    assert_eq!(replaced, 1);
    files
}

#[test]
fn moving_one_storage_address_moves_exactly_its_storage_flows() {
    let old = check(&platform_files());
    let new = check(&platform_with_storage_moved());
    let diff = flow_diff(&old, &new);
    assert!(!diff.removed.is_empty() && !diff.added.is_empty());
    // The namespaces that use $STORAGE_IPS (grep STORAGE_IPS
    // examples/platform/namespaces).
    let users: BTreeSet<&str> = [
        "accounts",
        "catalog",
        "checkout",
        "data",
        "search",
        "storefront",
        "velero",
    ]
    .into();
    let mut namespaces = BTreeSet::new();
    for (changes, address) in [
        (&diff.removed, "10.20.0.11/32"),
        (&diff.added, "10.20.0.99/32"),
    ] {
        for change in changes.iter() {
            let ends = [change.from, change.to].map(|at| diff.universe.ends.get(at));
            let [Some(from), Some(to)] = ends else {
                panic!("an end out of the universe");
            };
            assert!(
                from.name == address || to.name == address,
                "{} does not touch {address}",
                line(&diff, change)
            );
            let pod = if from.name == address { to } else { from };
            namespaces.insert(pod.namespace.clone().unwrap_or_default());
            assert_eq!(
                change.ports.to_string(),
                "443/tcp",
                "{}",
                line(&diff, change)
            );
        }
    }
    assert_eq!(
        namespaces
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        users
    );
    // What was removed for the old address is what is added for the new.
    let renamed: BTreeSet<String> = lines(&diff, &diff.removed)
        .into_iter()
        .map(|line| line.replace("10.20.0.11/32", "10.20.0.99/32"))
        .collect();
    assert_eq!(renamed, lines(&diff, &diff.added));
    // Removals are explained by the old revision's rules, additions by the
    // new one's.
    for change in diff.removed.iter().chain(&diff.added) {
        assert!(!change.old.is_empty() || !change.new.is_empty());
    }
    assert!(diff.removed.iter().all(|change| !change.old.is_empty()));
    assert!(diff.added.iter().all(|change| !change.new.is_empty()));
    assert!(
        diff.decided < diff.total,
        "{} of {}",
        diff.decided,
        diff.total
    );
}

#[test]
fn swapping_the_sides_swaps_added_and_removed() {
    let old = check(&platform_files());
    let new = check(&platform_with_storage_moved());
    let forward = flow_diff(&old, &new);
    let backward = flow_diff(&new, &old);
    assert_eq!(
        lines(&forward, &forward.added),
        lines(&backward, &backward.removed)
    );
    assert_eq!(
        lines(&forward, &forward.removed),
        lines(&backward, &backward.added)
    );
}

#[test]
fn a_format_only_change_is_empty() {
    let old_files = platform_files();
    let new_files: Vec<(String, String)> = old_files
        .iter()
        .map(|(path, text)| (path.clone(), text.replace("\n  ", "\n        ")))
        .collect();
    for ((path, old), (_, new)) in old_files.iter().zip(&new_files) {
        let formatted = |text: &str| netpolc::fmt::format(text).ok();
        assert_eq!(
            formatted(old),
            formatted(new),
            "{path} changed beyond format"
        );
    }
    assert!(
        old_files
            .iter()
            .zip(&new_files)
            .filter(|(old, new)| old != new)
            .count()
            > 10
    );
    let diff = flow_diff(&check(&old_files), &check(&new_files));
    assert!(diff.is_empty(), "{:?}", lines(&diff, &diff.added));
}

#[test]
fn adding_a_deny_lists_only_removals() {
    let old_text = "\
namespace shop {
  policy web {
    select pods app=web
    allow to pods app=db port 5432/tcp
    allow to cidr 10.0.0.0/8 port 443/tcp
  }
  policy db {
    select pods app=db
    allow from pods app=web port 5432/tcp
  }
}
";
    let new_text = old_text.replace(
        "    allow to cidr 10.0.0.0/8 port 443/tcp\n",
        "    allow to cidr 10.0.0.0/8 port 443/tcp\n    deny to cidr 10.1.0.0/16 port 443/tcp\n",
    );
    let old = check(&[("shop.netpol".to_owned(), old_text.to_owned())]);
    let new = check(&[("shop.netpol".to_owned(), new_text)]);
    let diff = flow_diff(&old, &new);
    assert!(diff.added.is_empty(), "{:?}", lines(&diff, &diff.added));
    assert_eq!(
        lines(&diff, &diff.removed),
        BTreeSet::from(["shop/{app=web} -> 10.1.0.0/16 443/tcp".to_owned()])
    );
    let [removed] = diff.removed.as_slice() else {
        panic!("one removal");
    };
    // Explained by the old allow and by the new deny.
    let shown = |deciders: &[netpolc::flow::Decider]| {
        deciders.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    assert_eq!(shown(&removed.old), ["CNP shop/web"]);
    assert_eq!(shown(&removed.new), ["CNP shop/web"]);
    assert_eq!(removed.ports.protocol, FlowProtocol::Tcp);
}

#[test]
fn a_protocol_without_ports_is_a_class_of_its_own() {
    let old_text = "\
namespace net {
  policy lb {
    select pods app=lb
    allow from pods app=lb port 0/vrrp
    allow from pods app=lb port 80/tcp
  }
}
";
    let new_text = old_text.replace("    allow from pods app=lb port 0/vrrp\n", "");
    let old = check(&[("net.netpol".to_owned(), old_text.to_owned())]);
    let new = check(&[("net.netpol".to_owned(), new_text)]);
    let diff = flow_diff(&old, &new);
    assert!(diff.added.is_empty(), "{:?}", lines(&diff, &diff.added));
    assert_eq!(
        lines(&diff, &diff.removed),
        BTreeSet::from(["net/{app=lb} -> net/{app=lb} 0/vrrp".to_owned()])
    );
}

/// Two namespaces, also the old revision of `flow_diff_git`.
pub const OLD: &str = "\
namespace shop {
  policy web {
    select pods app=web
    allow to pods app=postgres in namespace data port 5432/tcp
    allow to cidr 10.20.0.0/24 port 443/tcp
  }
}
namespace data {
  policy postgres {
    select pods app=postgres
    allow from pods app=web in namespace shop port 5432/tcp
  }
}
";

/// The new revision: the web pods also reach port 5433, and no longer
/// 10.20.0.7.
fn new_text() -> String {
    OLD.replace(
        "port 5432/tcp\n    allow to cidr",
        "port 5432/tcp, 5433/tcp\n    allow to cidr",
    )
    .replace(
        "from pods app=web in namespace shop port 5432/tcp",
        "from pods app=web in namespace shop port 5432/tcp, 5433/tcp",
    )
    .replace(
        "    allow to cidr 10.20.0.0/24 port 443/tcp\n",
        "    allow to cidr 10.20.0.0/24 port 443/tcp\n    deny to cidr 10.20.0.7/32\n",
    )
}

fn two_revisions() -> tempfile::TempDir {
    crate::cli::repo(&[
        ("old/shop.netpol", OLD.as_bytes()),
        ("new/shop.netpol", new_text().as_bytes()),
    ])
}

#[test]
fn diff_flows_prints_added_and_removed_connections_with_their_statements() {
    let dir = two_revisions();
    let run = crate::cli::netpolc(dir.path(), &["diff", "--flows", "--base-dir", "old", "new"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("diff_flows_two_revisions", run.stdout);
    let run = crate::cli::netpolc(
        dir.path(),
        &["diff", "--flows", "--base-dir", "old", "new", "--exit-code"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn diff_flows_of_a_revision_against_itself_is_empty_and_exits_0() {
    let dir = two_revisions();
    let run = crate::cli::netpolc(
        dir.path(),
        &["diff", "--flows", "--base-dir", "old", "old", "--exit-code"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("0 connections added, 0 removed"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
}

#[test]
fn diff_flows_needs_a_base_and_refuses_the_yaml_options() {
    let dir = two_revisions();
    for args in [
        &["diff", "--flows", "new"][..],
        &["diff", "--base-dir", "old", "new"],
        &["diff", "--flows", "--base-dir", "old", "--stat", "new"],
        &["diff", "--exit-code", "new"],
    ] {
        let run = crate::cli::netpolc(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    let run = crate::cli::netpolc(
        dir.path(),
        &["diff", "--flows", "--base-dir", "missing", "new"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
}

/// The pruned diff (only the pairs a changed rule can reach) and the one
/// that decides every pair of the universe agree, on changes of each kind.
#[test]
fn the_pruned_diff_equals_the_exhaustive_one() {
    let shop = |text: &str| check(&[("shop.netpol".to_owned(), text.to_owned())]);
    let edits: [(&str, &str); 7] = [
        // An egress peer widened to the whole namespace.
        (
            "allow to pods app=postgres in namespace data",
            "allow to pods in namespace data",
        ),
        // A peer selector changed.
        (
            "allow from pods app=web in namespace shop",
            "allow from pods app=api in namespace shop",
        ),
        // A subject changed.
        ("select pods app=postgres", "select pods app=pg"),
        // A policy added.
        (
            "namespace data {\n",
            "namespace data {\n  policy lock {\n    select pods app=cache\n    allow from entity host\n  }\n",
        ),
        // Default deny turned off.
        (
            "    select pods app=web\n",
            "    select pods app=web\n    no default deny egress\n",
        ),
        // A deny to everyone on a port range.
        (
            "    allow to cidr 10.20.0.0/24 port 443/tcp\n",
            "    allow to cidr 10.20.0.0/24 port 443/tcp\n    deny to everything port 400-500/tcp\n",
        ),
        // A CIDR narrowed.
        ("cidr 10.20.0.0/24", "cidr 10.20.0.0/25"),
    ];
    let old = shop(OLD);
    for (from, to) in edits {
        assert!(OLD.contains(from), "{from}");
        let new = shop(&OLD.replace(from, to));
        for (a, b) in [(&old, &new), (&new, &old)] {
            let pruned = flow_diff(a, b);
            let all = netpolc::flow::flow_diff_exhaustive(a, b);
            assert!(!all.is_empty(), "{to}: nothing changed");
            assert_eq!(
                lines(&pruned, &pruned.added),
                lines(&all, &all.added),
                "{to}"
            );
            assert_eq!(
                lines(&pruned, &pruned.removed),
                lines(&all, &all.removed),
                "{to}"
            );
            assert!(pruned.decided <= all.decided);
        }
    }
    let old = check(&platform_files());
    let new = check(&platform_with_storage_moved());
    let pruned = flow_diff(&old, &new);
    let all = netpolc::flow::flow_diff_exhaustive(&old, &new);
    assert_eq!(lines(&pruned, &pruned.added), lines(&all, &all.added));
    assert_eq!(lines(&pruned, &pruned.removed), lines(&all, &all.removed));
    assert!(
        pruned.decided * 100 < all.decided,
        "{} of {}",
        pruned.decided,
        all.decided
    );
}
