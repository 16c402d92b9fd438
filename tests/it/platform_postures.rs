//! What the comments of examples/platform promise about three flows, checked
//! on the YAML it generates (read back with a YAML parser, not as text), so
//! that the example cannot drift from what it says:
//!
//! 1. infrastructure namespaces reach the API server on its ports only
//!    (categories.netpol), not etcd, the kubelet or SSH on the control-plane
//!    nodes that the `kube-apiserver` entity stands for;
//! 2. the host firewall opens no node port to the whole cluster
//!    (cluster/host-firewall.netpol, constants.netpol): every ingress rule of
//!    a node policy names its ports, and `cluster` gets the API server port
//!    of the control-plane nodes only;
//! 3. every managed namespace, infrastructure ones included, may send OTLP to
//!    the collector (namespaces/monitoring.netpol);
//!
//! and `select pods in all namespaces except kube-system` selects pods only
//! (an `Exists` term beside the `NotIn`), so the cloud-metadata deny does not
//! select Cilium's own endpoints.
//!
//! The example also states flows of 1 and 3 as `expect` lines
//! (categories.netpol, tests.netpol), which the flow engine decides; this
//! test checks the rules themselves, for every port at once, which a few
//! sampled flows cannot.

use std::path::Path;

use serde::Deserialize as _;
use serde_yaml::Value;

fn documents(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/platform/generated")
        .join(file);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_yaml::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).unwrap_or_else(|err| panic!("{file}: {err}")))
        .filter(|doc| !doc.is_null())
        .collect()
}

fn rules<'a>(doc: &'a Value, direction: &str) -> Vec<&'a Value> {
    doc["spec"][direction]
        .as_sequence()
        .map(|rules| rules.iter().collect())
        .unwrap_or_default()
}

/// `(port, protocol)` of every `toPorts[].ports[]` entry of a rule.
fn ports(rule: &Value) -> Vec<(String, String)> {
    rule["toPorts"]
        .as_sequence()
        .into_iter()
        .flatten()
        .flat_map(|entry| entry["ports"].as_sequence().into_iter().flatten())
        .map(|port| {
            (
                port["port"].as_str().unwrap_or_default().to_owned(),
                port["protocol"].as_str().unwrap_or("ANY").to_owned(),
            )
        })
        .collect()
}

fn entities(rule: &Value, field: &str) -> Vec<String> {
    rule[field]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|entity| entity.as_str().map(str::to_owned))
        .collect()
}

const INFRA: [&str; 7] = [
    "argocd",
    "cert-manager",
    "data",
    "external-dns",
    "kyverno",
    "monitoring",
    "velero",
];
const APPS: [&str; 5] = ["accounts", "catalog", "checkout", "search", "storefront"];

fn tcp(ports: &[&str]) -> Vec<(String, String)> {
    ports
        .iter()
        .map(|port| ((*port).to_owned(), "TCP".to_owned()))
        .collect()
}

#[test]
fn infrastructure_reaches_the_api_server_on_its_ports_only() {
    let mut seen = 0;
    for namespace in INFRA {
        for doc in documents(&format!("{namespace}.yaml")) {
            for rule in rules(&doc, "egress") {
                if entities(rule, "toEntities")
                    .iter()
                    .any(|e| e == "kube-apiserver")
                {
                    seen += 1;
                    assert_eq!(ports(rule), tcp(&["443", "6443"]), "{namespace}: {rule:?}");
                }
            }
        }
    }
    assert_eq!(
        seen,
        INFRA.len(),
        "one API server rule per infrastructure namespace"
    );
}

#[test]
fn the_host_firewall_opens_no_node_port_to_the_whole_cluster() {
    let mut node_policies = 0;
    for doc in documents("_clusterwide.yaml") {
        if doc["spec"]["nodeSelector"].is_null() {
            continue;
        }
        node_policies += 1;
        let name = doc["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for rule in rules(&doc, "ingress") {
            let has_icmp = !rule["icmps"].is_null();
            assert!(
                has_icmp || !ports(rule).is_empty(),
                "{name}: ingress rule without ports: {rule:?}"
            );
            if entities(rule, "fromEntities")
                .iter()
                .any(|e| e == "cluster")
            {
                assert_eq!(name, "host-firewall-control-plane", "{rule:?}");
                assert_eq!(ports(rule), tcp(&["6443"]), "{name}: {rule:?}");
            }
        }
    }
    assert_eq!(node_policies, 2);
}

#[test]
fn every_managed_namespace_may_send_otlp_to_the_collector() {
    for namespace in INFRA.iter().chain(&APPS) {
        let found = documents(&format!("{namespace}.yaml")).iter().any(|doc| {
            rules(doc, "egress").iter().any(|rule| {
                let to_collector =
                    rule["toEndpoints"]
                        .as_sequence()
                        .into_iter()
                        .flatten()
                        .any(|selector| {
                            let labels = &selector["matchLabels"];
                            labels["app.kubernetes.io/name"].as_str()
                                == Some("opentelemetry-collector")
                                && labels["k8s:io.kubernetes.pod.namespace"].as_str()
                                    == Some("monitoring")
                        });
                to_collector && ports(rule) == tcp(&["4317", "4318"])
            })
        });
        assert!(found, "{namespace} has no OTLP egress to the collector");
    }
}

#[test]
fn the_metadata_deny_selects_pods_only() {
    let doc = documents("_clusterwide.yaml")
        .into_iter()
        .find(|doc| doc["metadata"]["name"].as_str() == Some("deny-cloud-metadata"))
        .expect("deny-cloud-metadata");
    let expressions = doc["spec"]["endpointSelector"]["matchExpressions"]
        .as_sequence()
        .cloned()
        .unwrap_or_default();
    let has = |operator: &str| {
        expressions.iter().any(|expression| {
            expression["key"].as_str() == Some("k8s:io.kubernetes.pod.namespace")
                && expression["operator"].as_str() == Some(operator)
        })
    };
    assert!(has("Exists") && has("NotIn"), "{expressions:?}");
}
