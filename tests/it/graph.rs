//! `netpolc graph`: who may talk to whom. Snapshots of the Mermaid and DOT
//! pictures of examples/platform (namespace level) and of a small
//! repository at the pod level, alone and against an older revision; the
//! SVG parsed as XML; docs/graph.svg and the README's picture kept up to
//! date; the command line's output file and refusals.

use std::fs;
use std::path::Path;

use netpolc::flow::graph::{EdgeChange, Graph, Level, dot, mermaid, mermaid_block, of_diff, svg};
use netpolc::ir::Program;
use netpolc::source::SourceMap;

use crate::cli::{netpolc, repo};

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

fn platform() -> Program {
    check(&crate::examples::repo_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform"),
    ))
}

fn one_file(text: &str) -> Program {
    check(&[("policy.netpol".to_owned(), text.to_owned())])
}

/// Two namespaces locked down but for web -> db.
const OLD: &str = "\
namespace shop {
  policy lockdown {
    default deny ingress, egress
  }
  policy web {
    select pods app=web
    allow from entity ingress port 8080/tcp
    allow to pods app=db in namespace data port 5432/tcp
  }
}
namespace data {
  policy lockdown {
    default deny ingress, egress
  }
  policy db {
    select pods app=db
    allow from pods app=web in namespace shop port 5432/tcp
  }
}
";

/// OLD with the database moved to 5433 and web reaching an outside block.
const NEW: &str = "\
namespace shop {
  policy lockdown {
    default deny ingress, egress
  }
  policy web {
    select pods app=web
    allow from entity ingress port 8080/tcp
    allow to pods app=db in namespace data port 5432/tcp, 5433/tcp
    allow to cidr 203.0.113.0/24 port 443/tcp
  }
}
namespace data {
  policy lockdown {
    default deny ingress, egress
  }
  policy db {
    select pods app=db
    allow from pods app=web in namespace shop port 5433/tcp
  }
}
";

/// `FROM -> TO: PORTS (change)` for each edge.
fn edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .map(|edge| {
            format!(
                "{} -> {}: {} ({:?})",
                graph.nodes[edge.from].label, graph.nodes[edge.to].label, edge.label, edge.change
            )
        })
        .collect()
}

#[test]
fn platform_at_the_namespace_level() {
    let graph = Graph::of(&platform(), Level::Namespaces);
    insta::assert_snapshot!("platform_mermaid", mermaid(&graph));
    insta::assert_snapshot!("platform_dot", dot(&graph));
    // Spot checks written from the policies: checkout calls accounts' gRPC
    // port only; the storage addresses are one node, reached on 443.
    let shown = edges(&graph);
    assert!(shown.contains(&"checkout -> accounts: 50051/tcp (Kept)".to_owned()));
    assert!(shown.contains(
        &"accounts -> 10.20.0.10/32, 10.20.0.11/32, 10.20.0.12/32: 443/tcp (Kept)".to_owned()
    ));
    assert!(
        !shown
            .iter()
            .any(|edge| edge.starts_with("storefront -> data:"))
    );
}

#[test]
fn small_repository_at_the_pod_level() {
    let graph = Graph::of(&one_file(OLD), Level::Pods);
    // Written from OLD by hand: the lockdowns leave the gateway to web and
    // web to the database.
    assert_eq!(
        edges(&graph),
        [
            "shop/{app=web} -> data/{app=db}: 5432/tcp (Kept)",
            "entity ingress -> shop/{app=web}: 8080/tcp (Kept)",
        ]
    );
    insta::assert_snapshot!("small_pods_mermaid", mermaid(&graph));
    insta::assert_snapshot!("small_pods_dot", dot(&graph));
}

#[test]
fn small_repository_against_its_base() {
    let graph = Graph::between(&one_file(OLD), &one_file(NEW), Level::Pods);
    assert_eq!(
        edges(&graph),
        [
            "shop/{app=web} -> data/{app=db}: 5433/tcp (Added)",
            "shop/{app=web} -> data/{app=db}: 5432/tcp (Removed)",
            "shop/{app=web} -> 203.0.113.0/24: 443/tcp (Added)",
            "entity ingress -> shop/{app=web}: 8080/tcp (Kept)",
        ]
    );
    assert!(graph.changed());
    insta::assert_snapshot!("small_base_mermaid", mermaid(&graph));
    insta::assert_snapshot!("small_base_dot", dot(&graph));
    // Swapping the revisions swaps added and removed.
    let back = Graph::between(&one_file(NEW), &one_file(OLD), Level::Pods);
    let swapped = |change: EdgeChange| match change {
        EdgeChange::Added => EdgeChange::Removed,
        EdgeChange::Removed => EdgeChange::Added,
        EdgeChange::Kept => EdgeChange::Kept,
    };
    let mut forth: Vec<(String, String, String, EdgeChange)> = graph
        .edges
        .iter()
        .map(|edge| {
            (
                graph.nodes[edge.from].label.clone(),
                graph.nodes[edge.to].label.clone(),
                edge.label.clone(),
                swapped(edge.change),
            )
        })
        .collect();
    let mut backward: Vec<(String, String, String, EdgeChange)> = back
        .edges
        .iter()
        .map(|edge| {
            (
                back.nodes[edge.from].label.clone(),
                back.nodes[edge.to].label.clone(),
                edge.label.clone(),
                edge.change,
            )
        })
        .collect();
    forth.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    backward.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(forth, backward);
    // A program against itself changes nothing.
    assert!(!Graph::between(&one_file(NEW), &one_file(NEW), Level::Pods).changed());
}

/// The picture of a flow diff draws only what changed, with the same
/// added and removed edges as the comparison of the two graphs.
#[test]
fn the_picture_of_a_flow_diff_is_its_changes() {
    let (old, new) = (one_file(OLD), one_file(NEW));
    let diff = netpolc::flow::flow_diff(&old, &new);
    let graph = of_diff(&diff, Level::Pods);
    assert_eq!(
        edges(&graph),
        [
            "shop/{app=web} -> data/{app=db}: 5433/tcp (Added)",
            "shop/{app=web} -> data/{app=db}: 5432/tcp (Removed)",
            "shop/{app=web} -> 203.0.113.0/24: 443/tcp (Added)",
        ]
    );
    let namespaces = of_diff(&diff, Level::Namespaces);
    assert_eq!(
        edges(&namespaces),
        [
            "shop -> data: 5433/tcp (Added)",
            "shop -> data: 5432/tcp (Removed)",
            "shop -> 203.0.113.0/24: 443/tcp (Added)",
        ]
    );
    assert!(mermaid_block(&namespaces).starts_with("```mermaid\nflowchart LR\n"));
}

/// The `g` elements of an SVG with `class="node KIND"`, by `data-node`.
fn svg_nodes(text: &str, kind: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(text).unwrap();
    let class = format!("node {kind}");
    document
        .descendants()
        .filter(|node| node.has_tag_name("g") && node.attribute("class") == Some(class.as_str()))
        .map(|node| node.attribute("data-node").unwrap().to_owned())
        .collect()
}

/// The platform's SVG is XML with one node per namespace of the inventory,
/// and docs/graph.svg is that picture (rewritten when it is not, and the
/// test fails once so the change is reviewed).
#[test]
fn platform_svg_has_a_node_per_namespace_and_docs_graph_svg_is_it() {
    let text = svg(&Graph::of(&platform(), Level::Namespaces));
    let mut namespaces = svg_nodes(&text, "namespace");
    namespaces.sort();
    assert_eq!(
        namespaces,
        [
            "namespace_accounts",
            "namespace_argocd",
            "namespace_catalog",
            "namespace_cert_manager",
            "namespace_checkout",
            "namespace_data",
            "namespace_external_dns",
            "namespace_kube_system",
            "namespace_kyverno",
            "namespace_monitoring",
            "namespace_search",
            "namespace_storefront",
            "namespace_velero",
        ]
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/graph.svg");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        fs::write(&path, &text).unwrap();
        panic!("docs/graph.svg was out of date and has been rewritten: review and commit it");
    }
}

#[test]
fn svg_colours_added_and_removed_edges() {
    let text = svg(&Graph::between(&one_file(OLD), &one_file(NEW), Level::Pods));
    let document = roxmltree::Document::parse(&text).unwrap();
    let classes: Vec<&str> = document
        .descendants()
        .filter_map(|node| node.attribute("class"))
        .filter(|class| class.starts_with("edge "))
        .collect();
    let count = |class: &str| classes.iter().filter(|found| **found == class).count();
    assert_eq!(
        (
            count("edge kept"),
            count("edge added"),
            count("edge removed")
        ),
        (1, 2, 1)
    );
    assert_eq!(svg_nodes(&text, "pods").len(), 4);
}

/// The README's "Who may talk to whom" picture is the platform's Mermaid
/// (rewritten when it is not, and the test fails once).
#[test]
fn readme_picture_is_up_to_date() {
    let block = mermaid_block(&Graph::of(&platform(), Level::Namespaces));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme
        .find("```mermaid\n")
        .expect("README.md has a ```mermaid block");
    let end = start
        + readme[start + 3..]
            .find("```\n")
            .map(|at| at + 3 + 4)
            .unwrap();
    if readme[start..end] != block {
        let updated = format!("{}{block}{}", &readme[..start], &readme[end..]);
        fs::write(&path, updated).unwrap();
        panic!(
            "README.md's Mermaid picture was out of date and has been rewritten: review and commit it"
        );
    }
}

#[test]
fn cli_writes_the_picture_to_a_file_or_stdout() {
    let dir = repo(&[("policy.netpol", NEW.as_bytes())]);
    let stdout = netpolc(dir.path(), &["graph", "--pods", "--format", "dot"]);
    assert_eq!(stdout.code, 0, "{}", stdout.stderr);
    assert_eq!(stdout.stdout, dot(&Graph::of(&one_file(NEW), Level::Pods)));
    let written = netpolc(
        dir.path(),
        &["graph", "--pods", "--format", "dot", "-o", "graph.dot"],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.is_empty());
    assert_eq!(
        fs::read_to_string(dir.path().join("graph.dot")).unwrap(),
        stdout.stdout
    );
    let svg = netpolc(dir.path(), &["graph", "--format", "svg"]);
    assert_eq!(svg.code, 0, "{}", svg.stderr);
    assert_eq!(svg_nodes(&svg.stdout, "namespace").len(), 2);
}

#[test]
fn cli_compares_with_a_base_directory() {
    let dir = repo(&[
        ("new/policy.netpol", NEW.as_bytes()),
        ("old/policy.netpol", OLD.as_bytes()),
    ]);
    let run = netpolc(dir.path(), &["graph", "new", "--pods", "--base-dir", "old"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        mermaid(&Graph::between(&one_file(OLD), &one_file(NEW), Level::Pods))
    );
    assert!(run.stdout.contains("linkStyle"), "{}", run.stdout);
}

#[test]
fn cli_refuses_a_broken_repository() {
    let dir = repo(&[("policy.netpol", crate::cli::SYNTAX_ERROR.as_bytes())]);
    let run = netpolc(dir.path(), &["graph", "-o", "graph.mmd"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E0"), "{}", run.stderr);
    assert!(!dir.path().join("graph.mmd").exists());
}
