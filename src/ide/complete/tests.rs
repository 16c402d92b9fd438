//! Completion at cursor positions (the `|` in each source), and each kind of
//! fix applied to a small source and compiled again. Every expected list is
//! written by hand, sorted.

use super::{Completion, CompletionKind, complete, fixes};
use crate::ide::Analysis;
use crate::source::{FileId, SourceMap};

/// The analysis of user files; the cursor `|` is taken out of the file that
/// has it, and its file and offset returned.
fn at(files: &[(&str, &str)]) -> (Analysis, FileId, usize) {
    let mut sources = SourceMap::with_stdlib();
    let mut cursor = None;
    for (path, text) in files {
        match text.find('|') {
            Some(offset) => {
                let id = sources.add_user(*path, text.replacen('|', "", 1));
                cursor = Some((id, offset));
            }
            None => {
                sources.add_user(*path, *text);
            }
        }
    }
    let (file, offset) = cursor.expect("a `|` cursor");
    (
        Analysis::new(sources, &crate::Options::default()),
        file,
        offset,
    )
}

fn items(files: &[(&str, &str)]) -> Vec<Completion> {
    let (analysis, file, offset) = at(files);
    complete(&analysis, file, offset)
}

fn labels(files: &[(&str, &str)]) -> Vec<String> {
    items(files).into_iter().map(|item| item.label).collect()
}

fn one(text: &str) -> Vec<String> {
    labels(&[("shop.netpol", text)])
}

const BODY: &[&str] = &[
    "allow",
    "default deny",
    "deny",
    "description",
    "expect",
    "label",
    "log",
    "metadata annotation",
    "metadata label",
    "no default deny",
    "policy",
    "select",
    "silence",
    "spec",
    "use",
];

#[test]
fn top_level_offers_the_items() {
    assert_eq!(
        one("const A = 80/tcp\n|"),
        [
            "category",
            "cidr groups",
            "cilium",
            "cluster namespaces",
            "cluster policy",
            "const",
            "expect",
            "import",
            "namespace",
            "silence",
            "system namespace",
        ]
    );
    assert_eq!(one("cluster |"), ["namespaces", "policy"]);
    assert_eq!(one("import |"), Vec::<String>::new());
}

#[test]
fn a_namespace_body_offers_statements() {
    // `spec` blocks go in policy blocks only (E0244).
    let expected: Vec<&str> = BODY.iter().copied().filter(|w| *w != "spec").collect();
    assert_eq!(one("namespace shop {\n  |\n}\n"), expected);
    // After a finished policy block, on the same line.
    assert_eq!(
        one("namespace shop { policy web { select pods app=web } |}\n"),
        expected
    );
}

#[test]
fn a_policy_body_offers_statements_but_policy() {
    let expected: Vec<&str> = BODY
        .iter()
        .copied()
        .filter(|w| *w != "policy" && *w != "expect")
        .collect();
    assert_eq!(
        one("namespace shop {\n  policy web {\n    sel|\n  }\n}\n"),
        expected
    );
    assert_eq!(one("cluster policy all-dns {\n  |\n}\n"), expected);
}

#[test]
fn after_a_verb_come_ways_and_sentences() {
    assert_eq!(
        one("namespace shop {\n  allow |\n}\n"),
        [
            "dns",
            "from",
            "gateway",
            "kube-apiserver",
            "metrics",
            "same-namespace",
            "storage",
            "to",
        ]
    );
    assert_eq!(
        one("namespace shop {\n  deny |\n}\n"),
        ["cloud-metadata", "from", "to"]
    );
    let dns = items(&[("shop.netpol", "namespace shop {\n  allow |\n}\n")])
        .into_iter()
        .find(|item| item.label == "dns")
        .unwrap();
    assert_eq!(dns.detail.as_deref(), Some("allow dns ... port ..."));
    // A sentence's clauses.
    assert_eq!(one("namespace shop {\n  allow dns \"*\" |\n}\n"), ["port"]);
}

#[test]
fn a_rule_offers_peers_then_clauses() {
    assert_eq!(
        one("namespace shop {\n  allow from |\n}\n"),
        [
            "anywhere",
            "aws",
            "cidr",
            "entity",
            "everything",
            "fqdn",
            "namespace",
            "namespaces",
            "nodes",
            "pods",
            "service",
            "services",
        ]
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web |\n}\n"),
        ["authentication", "icmp", "in", "port"]
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web port 80/tcp |\n}\n"),
        [
            "authentication",
            "dns",
            "grpc",
            "http",
            "kafka",
            "l7",
            "originate",
            "sni",
            "terminate"
        ]
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web port 443/tcp terminate |\n}\n"),
        ["tls"]
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web port 443/tcp terminate tls |\n}\n"),
        ["secret"]
    );
    // With `sni`, the L7 lines come once the proxy terminates TLS (E0218).
    assert_eq!(
        one(
            "namespace shop {\n  allow from pods app=web port 443/tcp sni \"a\" terminate tls secret \"s\" |\n}\n"
        ),
        [
            "authentication",
            "ca",
            "certificate",
            "dns",
            "grpc",
            "http",
            "kafka",
            "key",
            "l7",
            "originate"
        ]
    );
    // After a TLS clause: its items, the other clause and the L7 lines.
    assert_eq!(
        one(
            "namespace shop {\n  allow from pods app=web port 443/tcp terminate tls secret \"s\" ca \"c\" |\n}\n"
        ),
        [
            "authentication",
            "certificate",
            "dns",
            "grpc",
            "http",
            "kafka",
            "key",
            "l7",
            "originate"
        ]
    );
    assert_eq!(
        one("namespace shop {\n  allow to pods app=api port 80/tcp |\n}\n"),
        [
            "authentication",
            "dns",
            "grpc",
            "http",
            "kafka",
            "l7",
            "listener",
            "originate",
            "sni",
            "terminate"
        ]
    );
    assert_eq!(
        one("namespace shop {\n  allow to pods app=api port 80/tcp listener \"p\" |\n}\n"),
        ["in"]
    );
    assert_eq!(
        one("namespace shop {\n  allow to pods app=api port 80/tcp listener \"p\" in |\n}\n"),
        ["cluster", "namespace"]
    );
    assert_eq!(
        one("namespace shop {\n  allow to pods app=api port 80/tcp listener \"p\" in \"c\" |\n}\n"),
        ["authentication", "priority"]
    );
    // A deny rule has no authentication (E0220).
    assert_eq!(
        one("namespace shop {\n  deny from pods app=web |\n}\n"),
        ["icmp", "in", "port"]
    );
    assert_eq!(
        one(
            "namespace shop {\n  allow to pods app=api port 80/tcp\n    http GET header \"X\" = \"v\" mismatch |\n}\n"
        ),
        ["add", "delete", "log", "replace"]
    );
    assert_eq!(
        one(
            "namespace shop {\n  allow to pods app=api port 80/tcp\n    http GET header \"X\" = secret |\n}\n"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web port 80/tcp authentication |\n}\n"),
        ["disabled", "required", "test-always-fail"]
    );
    assert_eq!(
        one(
            "namespace shop {\n  allow from pods app=web port 80/tcp authentication required |\n}\n"
        ),
        ["dns", "grpc", "http", "kafka", "l7"]
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web port 443/tcp sni |\n}\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        one(
            "namespace shop {\n  allow from pods app=web port 443/tcp sni \"a.example.com\" |\n}\n"
        ),
        ["authentication", "originate", "terminate"]
    );
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web in |\n}\n"),
        ["all", "namespace", "namespaces"]
    );
    assert_eq!(
        one("namespace shop {\n  default deny ingress, |\n}\n"),
        ["egress"]
    );
}

#[test]
fn protocols_after_a_port_and_slash() {
    assert_eq!(
        one("namespace shop {\n  allow from pods app=web port 80/|\n}\n"),
        [
            "ah", "any", "esp", "gre", "igmp", "ipip", "ipv6", "sctp", "tcp", "udp", "vrrp"
        ]
    );
    assert_eq!(
        one("namespace shop {\n  allow to cidr 10.0.0.0/|\n}\n"),
        Vec::<String>::new()
    );
}

#[test]
fn dollar_offers_the_constants_the_file_sees() {
    let files = [
        (
            "shop.netpol",
            "import \"lib.netpol\"\nconst WEB = { app=web }\nnamespace shop {\n  allow from pods $|\n}\n",
        ),
        ("lib.netpol", "const DB_NETS = [10.1.0.0/16]\n"),
        ("other.netpol", "const HIDDEN = 80/tcp\n"),
    ];
    assert_eq!(labels(&files), ["$DB_NETS", "$WEB"]);
    let all = items(&files);
    let db = all.iter().find(|item| item.label == "$DB_NETS").unwrap();
    assert_eq!(db.kind, CompletionKind::Constant);
    assert_eq!(
        db.documentation.as_deref(),
        Some("```netpol\nconst DB_NETS = [10.1.0.0/16]\n```")
    );
    assert_eq!(db.detail.as_deref(), Some("a CIDR list"));
    // A category's parameters, while the file does not parse.
    assert_eq!(
        one(
            "const A = 80/tcp\ncategory web(ports: ports = 80/tcp, who: selector) {\n  allow from pods $|"
        ),
        ["$A", "$ports", "$who"]
    );
    // A sentence declaration with `from namespace` in the category's head.
    assert_eq!(
        one(
            "category m(ns: string) sentence allow m from namespace $ns {\n  allow from namespace $|\n}\n"
        ),
        ["$ns"]
    );
}

#[test]
fn use_offers_categories_then_their_parameters() {
    let all = items(&[(
        "shop.netpol",
        "category web(ports: ports = 80/tcp) {\n  allow from pods app=web port $ports\n}\nnamespace shop {\n  use |\n}\n",
    )]);
    let names: Vec<&str> = all.iter().map(|item| item.label.as_str()).collect();
    assert_eq!(
        names,
        [
            "allow_dns",
            "allow_from_same_namespace",
            "allow_gateway_ingress",
            "allow_kube_apiserver",
            "allow_metrics_scrape",
            "allow_same_namespace",
            "allow_storage",
            "deny_cloud_metadata",
            "web",
        ]
    );
    let web = all.iter().find(|item| item.label == "web").unwrap();
    assert_eq!(web.detail.as_deref(), Some("(ports: ports = 80/tcp)"));
    let dns = all.iter().find(|item| item.label == "allow_dns").unwrap();
    assert_eq!(
        dns.detail.as_deref(),
        Some("(patterns: strings = [\"*\"], ports: ports = 53)")
    );

    let args = items(&[("shop.netpol", "namespace shop {\n  use allow_dns(|\n}\n")]);
    let shown: Vec<(&str, Option<&str>)> = args
        .iter()
        .map(|item| (item.label.as_str(), item.insert_text.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [("patterns", Some("patterns: ")), ("ports", Some("ports: "))]
    );
    assert_eq!(
        one("namespace shop {\n  use allow_dns(ports: 53/udp, |)\n}\n"),
        ["patterns"]
    );
}

#[test]
fn entity_names_after_entity() {
    let entities = [
        "all",
        "cluster",
        "health",
        "host",
        "ingress",
        "init",
        "kube-apiserver",
        "none",
        "remote-node",
        "unmanaged",
        "world",
    ];
    assert_eq!(one("namespace shop {\n  allow to entity |\n}\n"), entities);
    assert_eq!(
        one("namespace shop {\n  allow to entity world, h|\n}\n"),
        entities
    );
}

const INVENTORY: &str = "cluster namespaces {\n  shop { team=web, tier=app },\n  db { team=data, tier=storage },\n  monitoring,\n}\n";

#[test]
fn namespace_names_after_in_namespace() {
    let files = [
        ("inventory.netpol", INVENTORY),
        (
            "shop.netpol",
            "namespace shop {\n  allow from pods app=web in namespace |\n}\n",
        ),
    ];
    assert_eq!(
        labels(&files),
        [
            "db",
            "kube-node-lease",
            "kube-public",
            "kube-system",
            "monitoring",
            "shop",
        ]
    );
    assert_eq!(
        one("namespace shop {\n  select pods in namespace shop, |\n}\n"),
        ["kube-node-lease", "kube-public", "kube-system", "shop"]
    );
}

#[test]
fn inventory_labels_in_namespace_selectors() {
    let keys = labels(&[
        ("inventory.netpol", INVENTORY),
        (
            "shop.netpol",
            "namespace shop {\n  allow from pods app=web in namespaces with { tier=app, | }\n}\n",
        ),
    ]);
    assert_eq!(keys, ["team", "tier"]);
    let values = labels(&[
        ("inventory.netpol", INVENTORY),
        (
            "shop.netpol",
            "namespace shop {\n  allow from namespaces with team=|\n}\n",
        ),
    ]);
    assert_eq!(values, ["data", "web"]);
    // Pod selectors have no inventory.
    let pods = labels(&[
        ("inventory.netpol", INVENTORY),
        (
            "shop.netpol",
            "namespace shop {\n  allow from pods { | }\n}\n",
        ),
    ]);
    assert_eq!(pods, Vec::<String>::new());
}

#[test]
fn nothing_in_strings_or_comments() {
    assert_eq!(
        one("namespace shop {\n  description \"allow |\n}\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        one("namespace shop {\n  # allow |\n}\n"),
        Vec::<String>::new()
    );
}

#[test]
fn an_expectation_offers_its_words_in_turn() {
    let body = |stmt: &str| one(&format!("namespace shop {{\n  {stmt}\n}}\n"));
    assert_eq!(body("expect |"), ["allow", "deny"]);
    assert_eq!(body("expect allow |"), ["from"]);
    assert_eq!(
        body("expect allow from |"),
        ["cidr", "entity", "fqdn", "namespace", "node", "pods"]
    );
    assert_eq!(
        body("expect allow from pods app=web |"),
        ["in namespace", "to", "with account"]
    );
    assert_eq!(body("expect allow from pods app=web with |"), ["account"]);
    assert_eq!(body("expect allow from pods app=web in |"), ["namespace"]);
    assert_eq!(
        body("expect allow from pods app=web in namespace |"),
        ["kube-node-lease", "kube-public", "kube-system", "shop"]
    );
    assert_eq!(
        body("expect deny from namespace shop to namespace shop |"),
        ["icmp", "port"]
    );
    assert_eq!(
        body("expect deny from namespace shop to namespace shop port 80/tcp |"),
        ["dns", "http", "kafka"]
    );
    assert_eq!(
        body("expect deny from namespace shop to namespace shop port 80/tcp http \"GET /\" |"),
        Vec::<String>::new()
    );
    // Sets are not endpoints: no `all`, `cluster` or `none`.
    let entities = body("expect deny from entity |");
    assert!(entities.contains(&"world".to_owned()), "{entities:?}");
    assert!(!entities.contains(&"cluster".to_owned()), "{entities:?}");
    // At top level too; not inside a policy block.
    assert_eq!(
        one("expect allow from pods app=web |"),
        ["in namespace", "to", "with account"]
    );
    assert!(
        !one("namespace shop {\n  policy web {\n    exp|\n  }\n}\n").contains(&"expect".to_owned())
    );
}

#[test]
fn offsets_past_the_end_or_inside_a_character_do_not_panic() {
    let (analysis, file, offset) = at(&[("shop.netpol", "namespace é {|}")]);
    assert_eq!(complete(&analysis, file, offset).len(), BODY.len() - 1);
    let inside = "namespace ".len() + 1;
    assert!(complete(&analysis, file, inside).is_empty());
    let _ = complete(&analysis, file, 1_000_000);
    let _ = complete(&analysis, FileId(9_999), 0);
    assert!(fixes(&analysis, FileId(9_999), 0..usize::MAX).is_empty());
}

/// Applies the one fix titled `title` offered anywhere in `path`, compiles again and
/// returns the fixed text; the repository must then have no error.
fn fix(files: &[(&str, &str)], path: &str, title: &str) -> String {
    let mut sources = SourceMap::with_stdlib();
    for (name, text) in files {
        sources.add_user(*name, *text);
    }
    let file = sources.find(path).unwrap();
    let analysis = Analysis::new(sources.clone(), &crate::Options::default());
    assert!(
        crate::diag::has_errors(&analysis.diagnostics),
        "no error to fix in {files:?}: {:?}",
        analysis.diagnostics
    );
    let found = fixes(&analysis, file, 0..usize::MAX);
    let titled: Vec<_> = found.iter().filter(|fix| fix.title == title).collect();
    assert_eq!(titled.len(), 1, "{found:?}");
    let fix = titled[0];
    assert!(analysis.diagnostics[fix.diagnostic].is_error());
    let mut text = sources.get(file).unwrap().text.to_string();
    let mut edits = fix.edits.clone();
    edits.sort();
    for edit in edits.iter().rev() {
        assert_eq!(edit.span.file, file);
        text.replace_range(edit.span.range(), &edit.new_text);
    }
    let mut fixed = SourceMap::with_stdlib();
    for (name, original) in files {
        fixed.add_user(
            *name,
            if *name == path {
                text.as_str()
            } else {
                original
            },
        );
    }
    let (_, _, diags) = crate::check(&fixed, &crate::Options::default());
    assert!(!crate::diag::has_errors(&diags), "{text}\n{diags:?}");
    text
}

#[test]
fn fix_a_misspelt_constant() {
    let text = fix(
        &[(
            "shop.netpol",
            "const WEB_PODS = { app=web }\nnamespace shop {\n  allow from pods $WEB_POD port 80/tcp\n}\n",
        )],
        "shop.netpol",
        "Replace with `$WEB_PODS`",
    );
    assert!(text.contains("allow from pods $WEB_PODS port"), "{text}");
}

#[test]
fn fix_a_missing_import() {
    let text = fix(
        &[
            ("lib.netpol", "const DB_NETS = [10.1.0.0/16]\n"),
            (
                "shop.netpol",
                "namespace shop {\n  allow to cidr $DB_NETS port 5432/tcp\n}\n",
            ),
        ],
        "shop.netpol",
        "Add `import \"lib.netpol\"`",
    );
    assert!(
        text.starts_with("import \"lib.netpol\"\nnamespace shop"),
        "{text}"
    );
}

#[test]
fn fix_a_misspelt_category_argument_and_entity() {
    let text = fix(
        &[(
            "shop.netpol",
            "category web_ingress {\n  allow from pods app=lb port 80/tcp\n}\nnamespace shop {\n  use web_ingres\n}\n",
        )],
        "shop.netpol",
        "Replace with `web_ingress`",
    );
    assert!(text.contains("use web_ingress\n"), "{text}");
    let text = fix(
        &[(
            "shop.netpol",
            "namespace shop {\n  use allow_dns(port: 53/udp)\n}\n",
        )],
        "shop.netpol",
        "Replace with `ports`",
    );
    assert!(text.contains("use allow_dns(ports: 53/udp)"), "{text}");
    let text = fix(
        &[(
            "shop.netpol",
            "namespace shop {\n  allow to entity wrld port 443/tcp\n}\n",
        )],
        "shop.netpol",
        "Replace with `world`",
    );
    assert!(text.contains("entity world port"), "{text}");
}

#[test]
fn fix_an_unquoted_http_path() {
    let text = fix(
        &[(
            "shop.netpol",
            "namespace shop {\n  allow from pods app=web port 80/tcp http GET /api/v1\n}\n",
        )],
        "shop.netpol",
        "Quote it",
    );
    assert!(text.contains("http GET \"/api/v1\"\n"), "{text}");
}

#[test]
fn fix_positional_arguments() {
    let text = fix(
        &[(
            "shop.netpol",
            "namespace shop {\n  use allow_dns([\"*.example.com\"], 53/udp)\n}\n",
        )],
        "shop.netpol",
        "Name the arguments",
    );
    assert!(
        text.contains("use allow_dns(patterns: [\"*.example.com\"], ports: 53/udp)\n"),
        "{text}"
    );
}

#[test]
fn fixes_only_for_diagnostics_in_the_range() {
    let text = "const WEB_PODS = { app=web }\nnamespace shop {\n  allow from pods $WEB_POD port 80/tcp\n}\n";
    let mut sources = SourceMap::with_stdlib();
    let file = sources.add_user("shop.netpol", text);
    let analysis = Analysis::new(sources, &crate::Options::default());
    let at = text.find("$WEB_POD ").unwrap();
    assert_eq!(fixes(&analysis, file, at + 3..at + 3).len(), 1);
    assert!(fixes(&analysis, file, 0..10).is_empty());
}

#[test]
fn fix_other_misspelt_words() {
    let text = fix(
        &[
            ("lib.netpol", "const DB_NETS = [10.1.0.0/16]\n"),
            (
                "shop.netpol",
                "import \"lib.netpl\"\nnamespace shop {\n  allow to cidr $DB_NETS port 5432/tcp\n}\n",
            ),
        ],
        "shop.netpol",
        "Replace with `lib.netpol`",
    );
    assert!(text.starts_with("import \"lib.netpol\"\n"), "{text}");
    let text = fix(
        &[(
            "shop.netpol",
            "namespace shop {\n  allow from pods app=web port 9092/tcp kafka apikey produc\n}\n",
        )],
        "shop.netpol",
        "Replace with `produce`",
    );
    assert!(text.contains("kafka apikey produce\n"), "{text}");
    let text = fix(
        &[(
            "shop.netpol",
            "namespace shop {\n  allow to anywhere icmp EchoRequets\n}\n",
        )],
        "shop.netpol",
        "Replace with `EchoRequest`",
    );
    assert!(text.contains("icmp EchoRequest\n"), "{text}");
    let text = fix(
        &[(
            "shop.netpol",
            "category api(cidrs: cidrs) sentence allow api to $cidr {\n  allow to cidr $cidrs port 443/tcp\n}\n",
        )],
        "shop.netpol",
        "Replace with `$cidrs`",
    );
    assert!(text.contains("sentence allow api to $cidrs {"), "{text}");
    let text = fix(
        &[(
            "shop.netpol",
            "silence W0102X \"the dashboards read it\"\nnamespace shop {\n  allow from pods app=web port 80/tcp\n}\n",
        )],
        "shop.netpol",
        "Replace with `W0102`",
    );
    assert!(text.starts_with("silence W0102 "), "{text}");
}

#[test]
fn aws_names_and_regions_need_a_value_not_a_keyword() {
    assert_eq!(
        one("namespace shop {\n  allow to aws groups named |\n}\n"),
        [] as [&str; 0]
    );
    assert_eq!(
        one("namespace shop {\n  allow to aws with team=db in region |\n}\n"),
        [] as [&str; 0]
    );
}
