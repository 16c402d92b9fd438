//! Parser unit tests: what parses, and what each syntax error says.

use crate::diag::render::{Format, render};
use crate::source::SourceMap;

fn parse(text: &str) -> (crate::ast::File, String) {
    let mut sources = SourceMap::new();
    let id = sources.add_user("test.netpol", text);
    let (file, diags) = super::parse(&sources, id);
    (file, render(&diags, &sources, Format::Human, false))
}

#[track_caller]
fn assert_parses(text: &str) -> crate::ast::File {
    let (file, rendered) = parse(text);
    assert!(rendered.is_empty(), "unexpected diagnostics:\n{rendered}");
    file
}

#[test]
fn every_construct_parses() {
    let file = assert_parses(
        r#"
import "common.netpol"
const STORAGE = [10.20.0.10/32, 10.20.0.11, fd00::/8]
const WEB = [80/tcp, 443/tcp, 8000-8999/tcp, 53, http/tcp]
const SEL = { app=web, tier in (a, b), !canary, env notin (dev), k8s:io.kubernetes.pod.namespace }
const OWNER = "team-a"
category app(metrics_port: port = 9090/tcp, cidrs: cidrs, sel: selector) {
  use allow_dns
  allow from pods app=prometheus in namespace monitoring port $metrics_port
  policy web {
    select pods $sel
    allow to cidr $cidrs except [10.20.0.11/32], 10.0.0.0/8 except 10.1.0.0/16 port 443/tcp
  }
}
namespace shop {
  use app(cidrs: $STORAGE, sel: { app=web })
  description "shop"
  label team=payments
  default deny ingress, egress
  no default deny egress
  allow from entity world, remote-node
  allow to fqdn "api.stripe.com", "*.tosspayments.com" port 443/tcp
  allow to pods k8s-app=kube-dns in namespace kube-system port 53/udp dns "*", $OWNER
  allow from pods app=frontend, { app=b, tier=x } port 8080/tcp
    http GET "/api/v1/orders.*"
    http POST "/api/v1/orders" host "example.com" header "X-My-Header: true"
    http method "GET|HEAD"
    http
  allow from pods app=order-api port 50051/tcp grpc "inventory.InventoryService/CheckStock"
  allow from pods app=order port 9092/tcp kafka produce topic "orders" client "c" version 3
  allow from pods app=x port 9092/tcp kafka apikey fetch
  allow to namespaces with role=infrastructure
  allow to namespace a, b
  allow to service db in namespace data port 5432/tcp
  allow to services with { app=db } in all namespaces
  allow from anywhere icmp EchoRequest, ipv6 PacketTooBig, 8
  allow to everything
  deny to cidr 169.254.169.254/32
}
system namespace kube-system {
  policy a { allow from pods }
}
cluster policy baseline {
  select pods in all namespaces except kube-system, kube-public
  allow to pods in all namespaces
}
cluster policy host {
  select all nodes
  allow from anywhere port 22/tcp
}
cluster policy cp {
  select nodes node-role.kubernetes.io/control-plane=""
  allow from cidr $MGMT port 22/tcp, 6443/tcp
}
"#,
    );
    assert_eq!(file.items.len(), 11);
}

#[test]
fn syntax_error_names_what_was_expected() {
    let (file, rendered) = parse("namespace shop {\n  allow from\n}\n");
    assert!(file.items.is_empty());
    insta::assert_snapshot!(rendered, @"
    error[E0001]: expected a peer (`pods`, `namespace`, `namespaces`, `entity`, `cidr`, `fqdn`, `service`, `services`, `nodes`, `aws`, `anywhere` or `everything`), found `}`
      ┌─ test.netpol:3:1
      │
    3 │ }
      │ ^ expected a peer
      │
      = note: run `netpolc explain E0001` for details
    ");
}

#[test]
fn unterminated_string_is_e0002() {
    let (_, rendered) = parse("namespace shop {\n  description \"oops\n}\n");
    insta::assert_snapshot!(rendered, @r#"
    error[E0002]: unterminated string
      ┌─ test.netpol:2:15
      │
    2 │   description "oops
      │               ^^^^^ this string has no closing `"`
      │
      = note: strings end on the line they start on
      = help: add the closing `"`
      = note: run `netpolc explain E0002` for details
    "#);
}

#[test]
fn deep_nesting_is_e0005() {
    let text = format!("const X = {}{}", "[".repeat(100), "]".repeat(100));
    let (_, rendered) = parse(&text);
    assert!(rendered.contains("E0005"), "{rendered}");
}

/// The statements of the first namespace of `text`.
fn namespace_stmts(text: &str) -> Vec<crate::ast::Stmt> {
    let file = assert_parses(text);
    let Some(crate::ast::Item::Namespace(namespace)) = file.items.into_iter().next() else {
        panic!("no namespace");
    };
    namespace
        .body
        .into_iter()
        .map(|item| match item {
            crate::ast::BodyItem::Stmt(stmt) => stmt,
            crate::ast::BodyItem::Policy(_) => panic!("a policy"),
            crate::ast::BodyItem::Expect(_) => panic!("an expect"),
        })
        .collect()
}

/// The sentence of a statement, as `verb word | values | clause words: values`.
fn describe_sentence(stmt: &crate::ast::Stmt) -> String {
    let crate::ast::Stmt::Use(use_stmt) = stmt else {
        return "rule or other".to_owned();
    };
    let Some(sentence) = &use_stmt.sentence else {
        return format!("use {}", use_stmt.name.node);
    };
    let values = |values: &[crate::ast::Value]| values.len().to_string();
    let mut out = sentence.title();
    if let Some(bare) = &sentence.values {
        out.push_str(&format!(" | {}", values(&bare.node)));
    }
    for clause in &sentence.clauses {
        out.push_str(&format!(
            " | {}: {}",
            clause.words.node.join(" "),
            values(&clause.values.node)
        ));
    }
    out
}

#[test]
fn sentences_end_where_the_next_statement_starts() {
    let stmts = namespace_stmts(
        r#"namespace shop {
  allow gateway
  allow from pods app=web
  allow dns "a.example.com", $MORE
  deny cloud-metadata
  default deny egress
  allow metrics from pods app.kubernetes.io/name=prometheus in namespace default port 8080/tcp, $P
  no default deny egress
  allow storage from 10.0.0.0/24, $IPS
  label team=shop
  allow kube-apiserver
  use allow_dns
  allow to entity world
}"#,
    );
    let described: Vec<String> = stmts.iter().map(describe_sentence).collect();
    assert_eq!(
        described,
        [
            "allow gateway",
            "rule or other",
            "allow dns | 2",
            "deny cloud-metadata",
            "rule or other",
            "allow metrics | from pods: 1 | in namespace: 1 | port: 2",
            "rule or other",
            "allow storage | from: 2",
            "rule or other",
            "allow kube-apiserver",
            "use allow_dns",
            "rule or other",
        ]
    );
}

#[test]
fn a_sentence_value_may_be_a_key_value_selector() {
    let stmts = namespace_stmts("namespace n {\n  allow metrics from pods app=prometheus\n}");
    let crate::ast::Stmt::Use(use_stmt) = &stmts[0] else {
        panic!("not a use");
    };
    let sentence = use_stmt.sentence.as_ref().expect("a sentence");
    assert!(use_stmt.name.node.is_empty(), "sema names the category");
    assert!(matches!(
        sentence.clauses[0].values.node[0],
        crate::ast::Value::Selector(_)
    ));
}

#[test]
fn a_category_declares_its_sentence() {
    let file = assert_parses(
        "category c(a: cidrs, p: ports = []) sentence allow thing from $a in namespace $p {\n  allow to cidr $a\n}",
    );
    let Some(crate::ast::Item::Category(category)) = file.items.first() else {
        panic!("no category");
    };
    let decl = category.sentence.as_ref().expect("a sentence");
    assert_eq!(decl.word.node, "thing");
    assert!(decl.slot.is_none());
    let clauses: Vec<(String, &str)> = decl
        .clauses
        .iter()
        .map(|clause| (clause.words.join(" "), clause.param.node.as_str()))
        .collect();
    assert_eq!(
        clauses,
        [("from".to_owned(), "a"), ("in namespace".to_owned(), "p")]
    );
}

#[test]
fn a_misplaced_word_after_allow_is_still_a_syntax_error() {
    // `allow` then something that is neither `from`/`to` nor a word.
    let (_, rendered) = parse("namespace n {\n  allow 10.0.0.0/8\n}");
    assert!(rendered.contains("error[E0001]"), "{rendered}");
    assert!(
        rendered.contains("a rule sentence such as `dns`"),
        "{rendered}"
    );
}

#[test]
fn silences_are_found_wherever_the_grammar_allows_them() {
    // One `silence` in each place the grammar writes `silence*`: before a
    // top-level item, in a namespace, category, policy, cluster policy,
    // spec block (nested too) and inventory entry. Each silences a
    // different code, so the order and the targets can be checked.
    let text = r#"silence W0101 "a"
const A = 80/tcp
category c {
  silence W0102 "b"
  allow from entity world
}
namespace shop {
  silence W0103 "c"
  policy p {
    silence W0104 "d"
    select pods app=web
    spec {
      silence W0105 "e"
      allow from entity world
      spec {
        silence W0106 "f"
        allow to entity world
      }
    }
  }
}
cluster policy cp {
  silence W0107 "g"
  select all nodes
}
cluster namespaces {
  silence W0108 "h" shop
}
"#;
    let mut sources = SourceMap::new();
    let id = sources.add_user("test.netpol", text);
    let (file, diags) = super::parse(&sources, id);
    assert!(
        diags.is_empty(),
        "{}",
        render(&diags, &sources, Format::Human, false)
    );
    let found: Vec<(String, &str)> = file
        .silences
        .iter()
        .map(|silence| {
            let codes: Vec<&str> = silence
                .codes
                .iter()
                .map(|code| code.node.as_str())
                .collect();
            (codes.join(","), sources.slice(silence.target))
        })
        .collect();
    let expected = [
        ("W0101", "const A = 80/tcp"),
        ("W0102", "allow from entity world"),
        (
            "W0103",
            "policy p {\n    silence W0104 \"d\"\n    select pods app=web\n    spec {\n      silence W0105 \"e\"\n      allow from entity world\n      spec {\n        silence W0106 \"f\"\n        allow to entity world\n      }\n    }\n  }",
        ),
        ("W0104", "select pods app=web"),
        ("W0105", "allow from entity world"),
        ("W0106", "allow to entity world"),
        ("W0107", "select all nodes"),
        ("W0108", "shop"),
    ];
    let found: Vec<(&str, &str)> = found.iter().map(|(c, t)| (c.as_str(), *t)).collect();
    assert_eq!(found, expected);
}
