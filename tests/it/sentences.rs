//! Rule sentences are `use`s: each sentence compiles to exactly the YAML of
//! the `use` it stands for, at namespace level, inside a `policy` block and
//! inside a category, for every sentence of the standard library and for one
//! a repository declares.

use netpolc::source::SourceMap;

/// A user category with a sentence, used by the user-defined cases.
const VAULT: &str = r#"
category allow_vault(ports: ports = 8200/tcp, namespace: string = "vault", pods: selector = {}) sentence allow vault to pods $pods in namespace $namespace port $ports {
  allow to pods $pods in namespace $namespace port $ports
}
"#;

/// Constants the cases refer to.
const CONSTS: &str = r#"
const STORAGE_IPS = [10.20.0.0/24, 10.20.1.0/24]
const NFS = 2049/tcp
const CORP = ["*.corp.example.com", "api.example.org"]
"#;

/// (sentence, the `use` it stands for).
const CASES: &[(&str, &str)] = &[
    ("allow dns", "use allow_dns"),
    (
        r#"allow dns "*.corp.example.com""#,
        r#"use allow_dns(patterns: ["*.corp.example.com"])"#,
    ),
    (
        r#"allow dns "*.corp.example.com", "api.example.org""#,
        r#"use allow_dns(patterns: ["*.corp.example.com", "api.example.org"])"#,
    ),
    ("allow dns $CORP", "use allow_dns(patterns: $CORP)"),
    (
        "allow storage from $STORAGE_IPS",
        "use allow_storage(cidrs: $STORAGE_IPS)",
    ),
    (
        "allow storage from $STORAGE_IPS port 2049/tcp",
        "use allow_storage(cidrs: $STORAGE_IPS, ports: 2049/tcp)",
    ),
    (
        "allow storage from 10.0.0.0/24",
        "use allow_storage(cidrs: 10.0.0.0/24)",
    ),
    (
        "allow storage from 10.0.0.0/24, 10.1.0.0/24 port $NFS, 111/udp",
        "use allow_storage(cidrs: [10.0.0.0/24, 10.1.0.0/24], ports: [$NFS, 111/udp])",
    ),
    ("allow kube-apiserver", "use allow_kube_apiserver"),
    (
        "allow kube-apiserver port 6443/tcp",
        "use allow_kube_apiserver(ports: 6443/tcp)",
    ),
    (
        r#"allow dns "*.corp.example.com" port 53/udp, 53/tcp"#,
        r#"use allow_dns(patterns: "*.corp.example.com", ports: [53/udp, 53/tcp])"#,
    ),
    (
        "allow storage from 10.0.0.0/24 port []",
        "use allow_storage(cidrs: 10.0.0.0/24)",
    ),
    ("allow gateway", "use allow_gateway_ingress"),
    (
        "allow metrics port 9090/tcp",
        "use allow_metrics_scrape(ports: 9090/tcp)",
    ),
    (
        "allow metrics from namespace monitoring port 8080/tcp",
        r#"use allow_metrics_scrape(ports: 8080/tcp, namespace: "monitoring")"#,
    ),
    (
        "allow metrics from pods app.kubernetes.io/name=prometheus in namespace observability port 8080/tcp, 9100/tcp",
        r#"use allow_metrics_scrape(ports: [8080/tcp, 9100/tcp], namespace: "observability", scraper: { app.kubernetes.io/name=prometheus })"#,
    ),
    (
        "allow metrics from pods { app=prometheus, tier in (a, b) } port 8080/tcp",
        "use allow_metrics_scrape(ports: 8080/tcp, scraper: { app=prometheus, tier in (a, b) })",
    ),
    ("deny cloud-metadata", "use deny_cloud_metadata"),
    ("allow same-namespace", "use allow_same_namespace"),
    ("allow vault", "use allow_vault"),
    (
        "allow vault to pods app=vault in namespace secrets port 8200/tcp, 8201/tcp",
        r#"use allow_vault(pods: { app=vault }, namespace: "secrets", ports: [8200/tcp, 8201/tcp])"#,
    ),
];

/// Compiles one repository file (with the constants and the user category):
/// every emitted file, or the errors (code and message).
fn compile(text: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user("repo.netpol", format!("{CONSTS}{VAULT}{text}"));
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        // Warnings aside: not every case uses every constant.
        .filter(|diag| diag.is_error())
        .map(|diag| format!("{}: {}", diag.code, diag.message))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(compilation
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect())
}

/// Every emitted file, failing on any error.
fn build(text: &str) -> Vec<(String, String)> {
    compile(text).unwrap_or_else(|errors| panic!("{text}\n{errors:#?}"))
}

/// The three places a `use` may stand, with `STMT` for it.
const PLACES: &[&str] = &[
    "namespace shop {\n  STMT\n}\n",
    "namespace shop {\n  policy web {\n    select pods app=web\n    STMT\n  }\n}\n",
    "category bundle {\n  STMT\n}\nnamespace shop {\n  use bundle\n}\n",
    "cluster policy everywhere {\n  select pods in all namespaces\n  STMT\n}\n",
];

#[test]
fn every_sentence_compiles_to_the_yaml_of_its_use() {
    let mut compared = 0;
    let mut rejected = Vec::new();
    for (sentence, use_form) in CASES {
        for place in PLACES {
            let with_sentence = compile(&place.replace("STMT", sentence));
            let with_use = compile(&place.replace("STMT", use_form));
            // Where the category is an error (`allow same-namespace` in a
            // cluster-wide policy), the sentence is the same error.
            match &with_use {
                Ok(files) => assert!(!files.is_empty(), "{use_form} emitted nothing"),
                Err(errors) => rejected.push(format!("{use_form}: {errors:?}")),
            }
            assert_eq!(
                with_sentence, with_use,
                "`{sentence}` and `{use_form}` differ in\n{place}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, CASES.len() * PLACES.len());
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
}

#[test]
fn storage_without_ports_allows_every_port() {
    let files = build("namespace shop {\n  allow storage from 10.20.0.0/24\n}\n");
    let [(_, yaml)] = files.as_slice() else {
        panic!("expected one file, got {files:#?}");
    };
    let expected = "\
spec:
  endpointSelector: {}
  egress:
  - toCIDR:
    - 10.20.0.0/24
";
    assert!(yaml.ends_with(expected), "{yaml}");
    assert!(!yaml.contains("toPorts"), "{yaml}");
}

#[test]
fn rules_with_from_and_to_still_parse_as_rules() {
    // `allow from`/`allow to` are rules, never a sentence with the word
    // `from`: the output is the rule's.
    let files = build(
        "namespace shop {\n  allow from pods app=web port 80/tcp\n  allow to entity kube-apiserver\n}\n",
    );
    let [(_, yaml)] = files.as_slice() else {
        panic!("expected one file, got {files:#?}");
    };
    assert!(yaml.contains("name: shop\n"), "{yaml}");
    assert!(yaml.contains("fromEndpoints:"), "{yaml}");
    assert!(yaml.contains("toEntities:\n    - kube-apiserver"), "{yaml}");
}
