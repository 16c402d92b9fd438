//! `netpolc import` on the command line: each exit path, and what is (not)
//! written. The codes raised here (E0701 to E0705, E0708) are listed in
//! `CLI_CODES` of `error_codes.rs`.

use std::fs;
use std::path::Path;

use crate::cli::{netpolc, repo};

const WEB: &str = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: web
  ingress:
  - fromEntities: [world]
    toPorts:
    - ports:
      - port: \"443\"
        protocol: TCP
";

const DEFAULT_DENY: &str = "\
{\"apiVersion\": \"cilium.io/v2\", \"kind\": \"CiliumClusterwideNetworkPolicy\",
 \"metadata\": {\"name\": \"default-deny\"},
 \"spec\": {\"endpointSelector\": {\"matchLabels\": {\"io.cilium.k8s.namespace.labels.tier\": \"app\"}},
          \"ingress\": [{}]}}
";

const REFUSED: &str = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: tls, namespace: shop}
spec:
  endpointSelector: {}
  egress:
  - toPorts:
    - ports: [{port: \"443\", protocol: TCP}]
      terminatingTLS: {secret: {name: s}}
";

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                out.extend(
                    files(&path)
                        .into_iter()
                        .map(|inner| format!("{name}/{inner}")),
                );
            } else {
                out.push(name);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn imports_a_directory_into_a_repository_that_builds() {
    let dir = repo(&[
        ("k8s/shop/web.yaml", WEB.as_bytes()),
        ("k8s/cluster/deny.json", DEFAULT_DENY.as_bytes()),
        ("k8s/.hidden/skip.yaml", b"not: [valid"),
        ("k8s/README.md", b"# not YAML"),
    ]);
    let run = netpolc(dir.path(), &["import", "k8s", "--out", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "imported 1 policy in 1 namespace and 1 cluster-wide policy into `policies`\n"
    );
    assert_eq!(
        files(&dir.path().join("policies")),
        ["cluster.netpol", "namespaces/shop.netpol"]
    );
    let build = netpolc(dir.path(), &["build", "policies"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(
        files(&dir.path().join("policies/generated")),
        ["_clusterwide.yaml", "shop.yaml"]
    );
}

#[test]
fn refuses_an_output_directory_with_netpol_files_e0703() {
    let dir = repo(&[
        ("web.yaml", WEB.as_bytes()),
        ("policies/namespaces/old.netpol", b"namespace old {}\n"),
    ]);
    let run = netpolc(dir.path(), &["import", "web.yaml", "--out", "policies"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[E0703]: `policies` already holds `.netpol` files"),
        "{}",
        run.stderr
    );
    assert_eq!(
        files(&dir.path().join("policies")),
        ["namespaces/old.netpol"]
    );
    // A file where the directory should be is E0903.
    let run = netpolc(dir.path(), &["import", "web.yaml", "--out", "web.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[E0903]: cannot write to `web.yaml`: it is not a directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_refusal_writes_nothing_e0701() {
    let dir = repo(&[
        ("web.yaml", WEB.as_bytes()),
        ("tls.yaml", REFUSED.as_bytes()),
    ]);
    let run = netpolc(
        dir.path(),
        &[
            "--message-format",
            "short",
            "import",
            "web.yaml",
            "tls.yaml",
            "--out",
            "policies",
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error[E0701]: cannot import `spec.egress[0].toPorts[0]` of policy `tls` in `tls.yaml`\nerror: could not import: 1 error\n"
    );
    assert!(!dir.path().join("policies").exists());
}

#[test]
fn invalid_yaml_e0702_same_names_e0704_and_nothing_to_import_e0705() {
    let deployment = b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
    let dir = repo(&[
        ("web.yaml", WEB.as_bytes()),
        ("copy.yaml", WEB.as_bytes()),
        ("bad.yaml", b"a: [\n"),
        ("deploy.yaml", deployment),
    ]);
    let short = |args: &[&str]| {
        let mut all = vec!["--message-format", "short", "import"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", "policies"]);
        netpolc(dir.path(), &all)
    };
    let run = short(&["bad.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error[E0702]: `bad.yaml` is not valid YAML at line 2, column 1"),
        "{}",
        run.stderr
    );
    let run = short(&["web.yaml", "copy.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error[E0704]: two policies named `web` in namespace `shop`"),
        "{}",
        run.stderr
    );
    let run = short(&["deploy.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error[E0705]: `deploy.yaml` holds no CiliumNetworkPolicy"),
        "{}",
        run.stderr
    );
    let run = short(&["missing.yaml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error[E0902]: cannot read `missing.yaml`: no such file or directory"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("policies").exists());
}

#[test]
fn compiler_errors_name_the_printed_file_and_the_input() {
    let udp = "apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: http-on-udp, namespace: shop}
spec:
  endpointSelector: {}
  ingress:
  - toPorts:
    - ports: [{port: \"80\", protocol: UDP}]
      rules:
        http: [{method: GET}]
";
    let dir = repo(&[("udp.yaml", udp.as_bytes())]);
    let run = netpolc(dir.path(), &["import", "udp.yaml", "--out", "policies"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[E0402]: HTTP rules need TCP ports"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("policies/namespaces/shop.netpol:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("this policy is imported from `udp.yaml`"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("policies").exists());
}

#[test]
fn import_needs_a_path_and_an_output_directory() {
    let dir = repo(&[("web.yaml", WEB.as_bytes())]);
    assert_eq!(
        netpolc(dir.path(), &["import", "--out", "policies"]).code,
        2
    );
    assert_eq!(netpolc(dir.path(), &["import", "web.yaml"]).code, 2);
}

#[test]
fn a_policy_in_kube_system_is_imported_marked_system_with_w0120() {
    let policy = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: coredns-egress
  namespace: kube-system
spec:
  endpointSelector:
    matchLabels:
      k8s-app: kube-dns
  egress:
  - toEntities: [world]
";
    let dir = repo(&[("kube-system.yaml", policy.as_bytes())]);
    let run = netpolc(
        dir.path(),
        &["import", "kube-system.yaml", "--out", "policies"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning[W0120]: the imported policies restrict the system namespace `kube-system`"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`coredns-egress`"), "{}", run.stderr);
    let text =
        std::fs::read_to_string(dir.path().join("policies/namespaces/kube-system.netpol")).unwrap();
    assert!(text.contains("system namespace kube-system {"), "{text}");
}

#[test]
fn a_dns_rule_with_both_match_name_and_match_pattern_is_imported() {
    let policy = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: dns
  namespace: shop
spec:
  endpointSelector: {}
  egress:
  - toEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: kube-system
        k8s-app: kube-dns
    toPorts:
    - ports:
      - port: '53'
        protocol: ANY
      rules:
        dns:
        - matchName: api.example.com
          matchPattern: '*.example.org'
";
    let dir = repo(&[("dns.yaml", policy.as_bytes())]);
    let run = netpolc(dir.path(), &["import", "dns.yaml", "--out", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("policies/namespaces/shop.netpol")).unwrap();
    assert!(
        text.contains(r#"allow dns "api.example.com", "*.example.org""#),
        "{text}"
    );
}

#[test]
fn comments_name_the_inputs_as_the_user_wrote_them() {
    let dir = repo(&[("in/web.yaml", WEB.as_bytes())]);
    let run = netpolc(dir.path(), &["import", "./in", "--out", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("policies/namespaces/shop.netpol")).unwrap();
    assert!(text.contains("# - ./in/web.yaml\n"), "{text}");
    let root = dir.path().to_string_lossy().into_owned();
    assert!(!text.contains(&root), "{text}");
}

#[test]
fn the_platform_example_imports_with_a_category_for_the_user_facing_namespaces() {
    let generated =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform/generated");
    let dir = tempfile::tempdir().unwrap();
    let run = netpolc(
        dir.path(),
        &["import", generated.to_str().unwrap(), "--out", "policies"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let categories =
        std::fs::read_to_string(dir.path().join("policies/categories.netpol")).unwrap();
    assert!(
        categories.contains(
            "## The policy `user-facing-app` of the namespaces `accounts`, `catalog`, `checkout`, `search` and `storefront`.\ncategory user_facing_app {"
        ),
        "{categories}"
    );
    for namespace in ["accounts", "catalog", "checkout", "search", "storefront"] {
        let text = std::fs::read_to_string(
            dir.path()
                .join(format!("policies/namespaces/{namespace}.netpol")),
        )
        .unwrap();
        assert!(
            text.contains("  use user_facing_app\n"),
            "{namespace}: {text}"
        );
        assert!(
            !text.contains("policy user-facing-app"),
            "{namespace}: {text}"
        );
    }
    // Constants are named by what the addresses are for, or by the address.
    let constants = std::fs::read_to_string(dir.path().join("policies/constants.netpol")).unwrap();
    assert!(constants.contains("const STORAGE_CIDRS = ["), "{constants}");
    assert!(
        constants.contains("const NET_10_50_0_0_24 = 10.50.0.0/24"),
        "{constants}"
    );
    assert!(!constants.contains("POSTGRES"), "{constants}");
    // The imported repository builds without warnings.
    let lint = netpolc(&dir.path().join("policies"), &["lint", "--deny-warnings"]);
    assert_eq!(lint.code, 0, "{}", lint.stderr);
}

/// A field Cilium removed is refused as such (E0708), not as something
/// `.netpol` lacks (E0701): `fromRequires`, and the old name `auth`.
#[test]
fn a_field_cilium_removed_is_e0708() {
    let requires = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: requires-rule, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromRequires: [{matchLabels: {env: prod}}]
  egress:
  - toEndpoints: [{}]
    auth: {type: spire}
";
    let dir = repo(&[("requires.yaml", requires.as_bytes())]);
    let run = netpolc(
        dir.path(),
        &["import", "requires.yaml", "--out", "policies"],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[E0708]: `spec.ingress[0].fromRequires` of policy `requires-rule` in `requires.yaml` is a field Cilium has removed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("removed it in 1.19: its schema allows no entries"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error[E0708]: `spec.egress[0].auth` of policy `requires-rule` in `requires.yaml` is a field Cilium has removed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`auth` is the old name of `authentication`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("E0701"), "{}", run.stderr);
    assert!(!dir.path().join("policies").exists());
}

const TUNNELS: &str = "\
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata:
  name: tunnels
spec:
  nodeSelector:
    matchLabels:
      type: worker
  egress:
  - toPorts:
    - ports:
      - port: \"6443\"
        protocol: TCP
      - protocol: GRE
      - protocol: ESP
";

const KAFKA: &str = "\
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: broker, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: kafka}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
    toPorts:
    - ports: [{port: \"9092\", protocol: TCP}]
      rules:
        kafka: [{topic: orders}]
  - fromEndpoints: [{matchLabels: {app: backup}}]
    toPorts:
    - ports: [{port: \"9092\", protocol: TCP}]
      rules:
        kafka: []
";

/// Policies that need Cilium 1.20 (GRE and ESP) import for that line: the
/// repository says `cilium 1.20`, W0128 names the feature and the input,
/// and `netpolc build` of the repository writes the protocols.
#[test]
fn a_policy_that_needs_a_newer_line_is_imported_for_it_with_w0128() {
    let dir = repo(&[("tunnels.yaml", TUNNELS.as_bytes())]);
    let run = netpolc(dir.path(), &["import", "tunnels.yaml", "--out", "policies"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "warning[W0128]: the imported policies need Cilium 1.20",
        "note: the GRE, IPIP, IPV6, ESP or AH protocol needs Cilium 1.20 (in the policy imported from `tunnels.yaml`)",
        "help: the built YAML needs a cluster that runs Cilium 1.20",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert_eq!(
        files(&dir.path().join("policies")),
        ["cilium.netpol", "cluster.netpol"]
    );
    let line = fs::read_to_string(dir.path().join("policies/cilium.netpol")).unwrap();
    assert!(line.ends_with("\ncilium 1.20\n"), "{line}");
    let build = netpolc(dir.path(), &["build", "policies", "--out", "out"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let yaml = fs::read_to_string(dir.path().join("out/_clusterwide.yaml")).unwrap();
    assert!(yaml.contains("protocol: GRE"), "{yaml}");
}

/// `--cilium-version` chooses the line: import writes it and checks the
/// policies for it, with no W0128.
#[test]
fn the_cilium_version_option_names_the_line_of_the_imported_repository() {
    let dir = repo(&[("tunnels.yaml", TUNNELS.as_bytes())]);
    let run = netpolc(
        dir.path(),
        &[
            "--cilium-version",
            "1.20",
            "import",
            "tunnels.yaml",
            "--out",
            "policies",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("W0128"), "{}", run.stderr);
    let line = fs::read_to_string(dir.path().join("policies/cilium.netpol")).unwrap();
    assert!(line.ends_with("\ncilium 1.20\n"), "{line}");
    let old = netpolc(
        dir.path(),
        &[
            "--cilium-version",
            "1.19",
            "import",
            "tunnels.yaml",
            "--out",
            "old",
        ],
    );
    assert_eq!(old.code, 1, "{}", old.stderr);
    assert!(
        old.stderr.contains("error[E0421]: the GRE, IPIP, IPV6, ESP or AH protocol needs Cilium 1.20, and the repository targets Cilium 1.19"),
        "{}",
        old.stderr
    );
    assert!(!old.stderr.contains("W0128"), "{}", old.stderr);
    assert!(!dir.path().join("old").exists());
}

/// When no line builds everything (Kafka rules are gone in 1.20, GRE
/// arrives in 1.20), import chooses none and reports the default line's
/// E0421; an empty Kafka list alone is said in the summary, not refused.
#[test]
fn no_line_for_kafka_and_gre_together_is_e0421() {
    let dir = repo(&[
        ("tunnels.yaml", TUNNELS.as_bytes()),
        ("broker.yaml", KAFKA.as_bytes()),
    ]);
    let run = netpolc(
        dir.path(),
        &["import", "tunnels.yaml", "broker.yaml", "--out", "both"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E0421]"), "{}", run.stderr);
    assert!(!run.stderr.contains("W0128"), "{}", run.stderr);
    assert!(!dir.path().join("both").exists());
    let kafka = netpolc(dir.path(), &["import", "broker.yaml", "--out", "kafka"]);
    assert_eq!(kafka.code, 0, "{}", kafka.stderr);
    assert!(
        kafka.stderr.contains("wrote what Cilium reads the same way: `spec.ingress[1].toPorts[0].rules.kafka` is an empty list, which Cilium reads as no L7 rules: imported without it (in policy `broker` in `broker.yaml`)"),
        "{}{}",
        kafka.stdout,
        kafka.stderr
    );
    assert!(!dir.path().join("kafka/cilium.netpol").exists());
}
