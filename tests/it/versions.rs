//! Target versions, proven against the CRDs of every supported line
//! (`tests/crds/v1.14` to `v1.19` and `main`): each program either compiles
//! into documents that validate against the CRDs of the targeted version, or
//! fails with E0421 naming the feature and the first version that has it.
//!
//! The corpus: the constructs of [`CONSTRUCTS`] one by one (each with the
//! versions it exists in), `tests/versions/every.netpol` (every construct of
//! the language at once), and, one named test each in `tests/fixtures.rs`,
//! every example repository and every UI fixture that compiles. The table in `docs/versions.md` is [`CONSTRUCTS`] in words.

use netpolc::diag::Code;
use netpolc::source::SourceMap;
use netpolc::{CiliumVersion as Target, Options};

use crate::schema::{CiliumVersion, validate_stream};

/// One construct: a program holding it, the first and last minor version
/// that has it, and the words E0421 uses for it.
struct Construct {
    name: &'static str,
    program: &'static str,
    since: u16,
    until: u16,
    feature: &'static str,
}

const fn construct(name: &'static str, program: &'static str) -> Construct {
    Construct {
        name,
        program,
        since: 14,
        until: 20,
        feature: "",
    }
}

const fn gated(
    name: &'static str,
    program: &'static str,
    since: u16,
    until: u16,
    feature: &'static str,
) -> Construct {
    Construct {
        name,
        program,
        since,
        until,
        feature,
    }
}

/// Every construct that reaches the YAML, alone in a policy.
const CONSTRUCTS: &[Construct] = &[
    construct(
        "pod peer",
        "namespace shop {\n  allow from pods app=a port 80/tcp\n}\n",
    ),
    construct(
        "set selectors",
        "namespace shop {\n  policy p {\n    select pods { app=web, tier in (a, b), !canary, track notin (beta), x!=y }\n    allow from pods { k }, { !j } port 80/tcp\n  }\n}\n",
    ),
    construct(
        "other namespace",
        "namespace shop {\n  allow from pods app=x in namespace other port 53\n}\n",
    ),
    construct(
        "several namespaces",
        "namespace shop {\n  allow from pods in namespace a, b port 53/udp\n}\n",
    ),
    construct(
        "all namespaces",
        "namespace shop {\n  allow from pods in all namespaces port 9000/sctp\n}\n",
    ),
    construct(
        "namespace peer",
        "namespace shop {\n  allow from namespace monitoring port http/tcp\n}\n",
    ),
    construct(
        "namespaces by label",
        "namespace shop {\n  allow from namespaces with team=platform port 8443/tcp\n}\n",
    ),
    construct(
        "entities",
        "namespace shop {\n  allow from entity world, remote-node, kube-apiserver, ingress, host, cluster, health, init, unmanaged port 443/tcp\n}\n",
    ),
    construct("everything", "namespace shop {\n  allow to everything\n}\n"),
    construct(
        "cidr and except",
        "namespace shop {\n  allow from cidr 10.0.0.0/8 except [10.1.0.0/16], 2001:db8::/32 port 22/tcp\n}\n",
    ),
    construct(
        "bare IP",
        "namespace shop {\n  allow to cidr 192.0.2.1, 2001:db8::1 port 443/tcp\n}\n",
    ),
    construct(
        "anywhere with a port",
        "namespace shop {\n  allow from anywhere port 8080/tcp\n}\n",
    ),
    construct(
        "ports and protocols",
        "namespace shop {\n  allow from pods app=a port 80/tcp, 53/udp, 7000/sctp, 53, 0/tcp\n}\n",
    ),
    construct(
        "ICMP names and numbers",
        "namespace shop {\n  allow from pods app=p icmp EchoRequest, 8, Echo, TimestampReply, ExtendedEchoRequest, ipv6 PacketTooBig, ipv6 EchoReply, ipv6 ExtendedEchoRequest\n}\n",
    ),
    construct(
        "ICMP ExtendedEchoReply",
        "namespace shop {\n  allow to pods app=p icmp ExtendedEchoReply, ipv6 ExtendedEchoReply\n}\n",
    ),
    construct(
        "HTTP",
        "namespace shop {\n  allow from pods app=gw port 8080/tcp\n    http GET \"/api/v1/.*\" host \"shop.example.com\" header \"X-Token: 1\"\n    http method \"GET|HEAD\"\n}\n",
    ),
    construct(
        "gRPC",
        "namespace shop {\n  allow from pods app=g port 9090/tcp\n    grpc \"shop.v1.Cart/Get\"\n}\n",
    ),
    construct(
        "FQDN",
        "namespace shop {\n  allow to fqdn \"api.example.com\", \"*.example.com\" port 443/tcp\n  allow to pods k8s-app=kube-dns in namespace kube-system port 53\n    dns \"*\"\n}\n",
    ),
    construct(
        "DNS rule",
        "namespace shop {\n  allow to pods k8s-app=kube-dns in namespace kube-system port 53/udp\n    dns \"*.example.com\", \"api.example.com\"\n}\n",
    ),
    construct(
        "service peers",
        "namespace shop {\n  allow to service db in namespace data port 5432/tcp\n  allow to services with { app=cache } in all namespaces port 6379/tcp\n}\n",
    ),
    construct(
        "deny rules",
        "namespace shop {\n  deny to cidr 169.254.169.254/32\n  deny from entity world port 25/tcp\n}\n",
    ),
    construct(
        "default deny",
        "namespace shop {\n  default deny ingress, egress\n}\n",
    ),
    construct(
        "description and labels",
        "namespace shop {\n  description \"2001-12-14\"\n  label team=web\n  allow from pods app=a port 80/tcp\n}\n",
    ),
    construct(
        "CIDR group, ingress",
        "const OFFICE = group [192.0.2.0/24]\nnamespace shop {\n  allow from cidr $OFFICE port 443/tcp\n}\n",
    ),
    construct(
        "host firewall",
        "cluster policy host {\n  select nodes node-role.kubernetes.io/control-plane=\"\"\n  allow from cidr 192.0.2.0/24 port 22/tcp\n  allow from entity cluster port 10250/tcp\n}\n\ncluster policy nodes {\n  select all nodes\n  allow from entity health port 4240/tcp\n}\n",
    ),
    construct(
        "cluster policy",
        "cluster policy tier {\n  select pods in namespaces with tier=app\n  allow from pods in namespace monitoring port 9090/tcp\n}\n\ncluster policy others {\n  select pods in all namespaces except kube-system\n  deny to cidr 169.254.169.254/32\n}\n",
    ),
    construct(
        "standard library",
        "namespace shop {\n  use allow_dns\n  use allow_kube_apiserver\n  use allow_gateway_ingress\n  use allow_same_namespace\n  use allow_metrics_scrape(ports: 9090/tcp)\n  use deny_cloud_metadata\n}\n",
    ),
    gated(
        "CIDR groups by label",
        "const STORAGE_IPS = group [10.20.0.10] label tier=storage\nnamespace shop {\n  allow from cidr groups with tier=storage port 2049/tcp\n}\n",
        17,
        20,
        "CIDR group selector (`cidrGroupSelector`)",
    ),
    construct(
        "AWS groups, egress",
        "namespace shop {\n  allow to aws groups \"sg-0a1b2c3d4e5f60718\" groups named \"db\" with team=db in region \"us-east-1\" port 5432/tcp\n  deny to aws groups named \"legacy\"\n}\n",
    ),
    gated(
        "AWS groups, ingress",
        "namespace shop {\n  allow from aws groups \"sg-0a1b2c3d4e5f60718\" port 8443/tcp\n}\n",
        16,
        20,
        "AWS group peer on ingress (`fromGroups`)",
    ),
    gated(
        "node peers",
        "namespace shop {\n  allow from nodes node-role.kubernetes.io/control-plane=\"\"\n  allow to nodes { kubernetes.io/os=linux } port 10250/tcp\n}\n",
        16,
        20,
        "node peer (`fromNodes`/`toNodes`)",
    ),
    gated(
        "port range",
        "namespace shop {\n  allow from pods app=a port 8000-8999/tcp\n}\n",
        16,
        20,
        "port range (`endPort`)",
    ),
    gated(
        "no default deny",
        "namespace shop {\n  no default deny egress\n  deny to cidr 169.254.169.254/32\n}\n",
        16,
        20,
        "`no default deny` (`enableDefaultDeny`)",
    ),
    gated(
        "CIDR group, egress",
        "const STORAGE = group [10.20.0.10]\nnamespace shop {\n  allow to cidr $STORAGE port 2049/tcp\n}\n",
        16,
        20,
        "CIDR group in an egress rule",
    ),
    gated(
        "`**.` FQDN pattern",
        "namespace shop {\n  allow to fqdn \"**.example.com\" port 443/tcp\n  allow to pods k8s-app=kube-dns in namespace kube-system port 53\n    dns \"*\"\n}\n",
        19,
        20,
        "`**.` FQDN pattern",
    ),
    gated(
        "`**.` DNS pattern",
        "namespace shop {\n  allow to pods k8s-app=kube-dns in namespace kube-system port 53\n    dns \"**.example.com\"\n}\n",
        19,
        20,
        "`**.` DNS pattern",
    ),
    gated(
        "VRRP and IGMP",
        "cluster policy keepalived {\n  select all nodes\n  allow to anywhere port 0/vrrp, 0/igmp\n}\n",
        19,
        20,
        "VRRP or IGMP protocol",
    ),
    construct(
        "mutual authentication",
        "namespace shop {\n  allow from pods app=web port 8080/tcp authentication required\n  allow to pods app=db authentication test-always-fail\n}\n",
    ),
    construct(
        "TLS server names",
        "namespace shop {\n  allow to entity world port 443/tcp sni \"api.example.com\", \"*.example.com\", \"**.example.net\"\n  allow from pods app=web port 8443/tcp sni \"shop.example.com\"\n}\n",
    ),
    gated(
        "`*` inside a TLS server name",
        "namespace shop {\n  allow to entity world port 443/tcp sni \"api-*.example.com\", \"*\"\n}\n",
        20,
        20,
        "`*` inside a TLS server name",
    ),
    gated(
        "Kafka",
        "namespace shop {\n  allow from pods app=p port 9092/tcp\n    kafka produce topic \"orders\"\n    kafka apikey fetch client \"c\" version 3\n}\n",
        14,
        19,
        "Kafka",
    ),
];

/// The output files (path, contents), or the errors (code, message).
type Compiled = Result<Vec<(String, String)>, Vec<(Code, String)>>;

/// Compiles files for a target version; the output files or the error
/// diagnostics.
fn compile(files: &[(String, String)], target: Target) -> Compiled {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let options = Options {
        cilium_version: Some(target),
    };
    let compilation = netpolc::compile(&sources, &options);
    if compilation.has_errors() {
        return Err(compilation
            .diagnostics
            .iter()
            .filter(|diag| diag.is_error())
            .map(|diag| (diag.code, diag.message.clone()))
            .collect());
    }
    Ok(compilation
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect())
}

/// What the agent would rewrite in an emitted document (the same checks as
/// the fuzz targets' differential): a namespace label in a CNP's
/// `endpointSelector` (the agent replaces it with the policy's namespace),
/// and an `In` or `NotIn` expression without values anywhere (refused).
pub fn agent_rewrites(contents: &str) -> Vec<String> {
    use serde::Deserialize as _;
    let mut problems = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(contents) {
        let Ok(doc) = serde_yaml::Value::deserialize(doc) else {
            problems.push("not YAML".to_owned());
            continue;
        };
        let name = doc["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if doc["kind"].as_str() == Some("CiliumNetworkPolicy") {
            let selector = &doc["spec"]["endpointSelector"];
            let labels = selector["matchLabels"]
                .as_mapping()
                .into_iter()
                .flatten()
                .filter_map(|(key, _)| key.as_str());
            let expressions = selector["matchExpressions"]
                .as_sequence()
                .into_iter()
                .flatten()
                .filter_map(|expression| expression["key"].as_str());
            if labels.chain(expressions).any(|key| {
                key.ends_with("io.kubernetes.pod.namespace")
                    || key.contains("io.cilium.k8s.namespace.labels.")
            }) {
                problems.push(format!(
                    "{name}: the endpointSelector of a CNP names a namespace"
                ));
            }
        }
        empty_values(&doc, &name, &mut problems);
    }
    problems
}

fn empty_values(value: &serde_yaml::Value, name: &str, problems: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            let operator = map.get("operator").and_then(serde_yaml::Value::as_str);
            if matches!(operator, Some("In" | "NotIn"))
                && map
                    .get("values")
                    .and_then(serde_yaml::Value::as_sequence)
                    .is_none_or(Vec::is_empty)
            {
                problems.push(format!(
                    "{name}: an {} expression without values",
                    operator.unwrap_or_default()
                ));
            }
            for (_, inner) in map {
                empty_values(inner, name, problems);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for inner in items {
                empty_values(inner, name, problems);
            }
        }
        _ => {}
    }
}

/// Checks one program at one version: valid documents that the agent reads
/// as written, or only E0421. Also run by `tests/fixtures.rs` on every example
/// and every UI fixture that compiles (`versions::examples::<name>`,
/// `versions::ui::<area>::<name>`).
pub fn check(
    name: &str,
    files: &[(String, String)],
    version: CiliumVersion,
    failures: &mut Vec<String>,
) -> bool {
    match compile(files, version.netpolc()) {
        Ok(outputs) => {
            for (path, contents) in outputs {
                for problem in validate_stream(&contents, version) {
                    failures.push(format!("{name} at {version:?}: {path}: {problem}"));
                }
                for problem in agent_rewrites(&contents) {
                    failures.push(format!("{name} at {version:?}: {path}: {problem}"));
                }
            }
            true
        }
        Err(errors) => {
            for (code, message) in &errors {
                if *code != Code::E0421 {
                    failures.push(format!(
                        "{name} at {version:?}: {code} is not a version error: {message}"
                    ));
                }
            }
            false
        }
    }
}

#[test]
fn each_construct_compiles_exactly_in_the_versions_that_have_it() {
    let mut failures = Vec::new();
    for construct in CONSTRUCTS {
        let files = vec![("shop.netpol".to_owned(), construct.program.to_owned())];
        for version in CiliumVersion::ALL {
            let minor = version.netpolc().minor;
            let expected = (construct.since..=construct.until).contains(&minor);
            match compile(&files, version.netpolc()) {
                Ok(outputs) if expected => {
                    for (path, contents) in outputs {
                        for problem in validate_stream(&contents, version)
                            .into_iter()
                            .chain(agent_rewrites(&contents))
                        {
                            failures.push(format!(
                                "{} at {version:?}: {path}: {problem}",
                                construct.name
                            ));
                        }
                    }
                }
                Ok(_) => failures.push(format!(
                    "{} compiles at {version:?}, which does not have it",
                    construct.name
                )),
                Err(errors) if expected => failures.push(format!(
                    "{} fails at {version:?}: {errors:?}",
                    construct.name
                )),
                Err(errors) => {
                    let named = errors.iter().any(|(code, message)| {
                        *code == Code::E0421 && message.contains(construct.feature)
                    });
                    let first = Target {
                        minor: construct.since,
                    };
                    let says_when = minor > construct.until
                        || errors
                            .iter()
                            .any(|(_, message)| message.contains(&format!("needs Cilium {first}")));
                    let only_version = errors.iter().all(|(code, _)| *code == Code::E0421);
                    if !(named && says_when && only_version) {
                        failures.push(format!(
                            "{} at {version:?}: expected E0421 naming {:?} and Cilium {first}, got {errors:?}",
                            construct.name, construct.feature
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_construct_at_once_compiles_at_the_default_version_and_validates_everywhere_it_compiles() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/versions/every.netpol"
    ))
    .expect("tests/versions/every.netpol");
    let files = vec![("every.netpol".to_owned(), text)];
    let mut failures = Vec::new();
    let mut compiled = Vec::new();
    for version in CiliumVersion::ALL {
        if check("every.netpol", &files, version, &mut failures) {
            compiled.push(version);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // It uses Kafka (gone in 1.20) and `**.` (from 1.19): only 1.19 has both.
    assert_eq!(compiled, [CiliumVersion::V1_19]);
}

#[test]
fn old_lines_get_icmp_numbers_and_the_cidr_group_version_they_serve() {
    let program = "const OFFICE = group [192.0.2.0/24]\nnamespace shop {\n  allow from cidr $OFFICE port 443/tcp\n  allow from pods app=p icmp EchoRequest, ipv6 PacketTooBig, ExtendedEchoReply\n}\n";
    let files = vec![("shop.netpol".to_owned(), program.to_owned())];
    let at = |minor| compile(&files, Target { minor }).expect("compiles");
    let text = |outputs: &[(String, String)], path: &str| {
        outputs
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };
    let old = at(15);
    assert!(text(&old, "_cidrgroups.yaml").contains("apiVersion: cilium.io/v2alpha1\n"));
    let shop = text(&old, "shop.yaml");
    assert!(
        shop.contains("type: 8\n") && shop.contains("type: 2\n") && shop.contains("type: 43\n"),
        "{shop}"
    );
    assert!(!shop.contains("EchoRequest"), "{shop}");
    let new = at(19);
    assert!(text(&new, "_cidrgroups.yaml").contains("apiVersion: cilium.io/v2\n"));
    let shop = text(&new, "shop.yaml");
    assert!(
        shop.contains("type: EchoRequest\n") && shop.contains("type: PacketTooBig\n"),
        "{shop}"
    );
    // The CRD pattern misspells this one name, so it is always a number.
    assert!(
        shop.contains("type: 43\n") && !shop.contains("ExtendedEchoReply"),
        "{shop}"
    );
    assert!(text(&at(17), "_cidrgroups.yaml").contains("apiVersion: cilium.io/v2alpha1\n"));
    assert!(text(&at(18), "_cidrgroups.yaml").contains("apiVersion: cilium.io/v2\n"));
}

#[test]
fn the_rewrite_check_sees_what_the_agent_rewrites() {
    let namespaced = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  endpointSelector:\n    matchLabels: {k8s:io.kubernetes.pod.namespace: other}\n  ingress: [{}]\n";
    assert_eq!(agent_rewrites(namespaced).len(), 1);
    let empty = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  endpointSelector: {}\n  ingress:\n  - fromEndpoints:\n    - matchExpressions: [{key: app, operator: In, values: []}]\n";
    assert_eq!(agent_rewrites(empty).len(), 1);
    let fine = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  endpointSelector: {}\n  ingress:\n  - fromEndpoints:\n    - matchLabels: {k8s:io.kubernetes.pod.namespace: other}\n";
    assert!(agent_rewrites(fine).is_empty());
}
