//! Micro-benchmarks of the pipeline's stages on one namespace of the build
//! benchmark's workload (tests/bench/generate.py with N = 1: the shared
//! `common.netpol` and the namespace `ns-00000`, three policies through
//! categories, L7 and FQDN rules, plus the stdlib):
//!
//! - `parse_namespace`: pest parse and lowering of the namespace's file;
//! - `analyze`: sentences, resolution, expansion, checks and the name index
//!   (`sema::analyze`) of the whole one-namespace repository, stdlib
//!   included, from parsed files;
//! - `emit_yaml`: printing the checked program as YAML (`emit::emit`: the
//!   namespace's file and the cluster-wide one).
//!
//! `cargo bench --bench pipeline` times them (divan); `cargo test --benches`,
//! which the test command runs, runs each once as a check, timing nothing.

use divan::Bencher;
use netpolc::source::{FileId, SourceMap};

fn main() {
    divan::main();
}

/// `common.netpol` as tests/bench/generate.py writes it.
const COMMON: &str = r#"const STORAGE_IPS = [10.20.0.10, 10.20.0.11, 10.20.0.12]
const MGMT_NET = 10.50.0.0/24
const PAYMENT_APIS = ["api.stripe.com", "*.tosspayments.com"]

category base_app {
  use allow_dns
  use allow_from_same_namespace
  use deny_cloud_metadata
}

category user_facing_app(metrics_port: port = 9090/tcp) {
  use base_app
  use allow_gateway_ingress
  use allow_metrics_scrape(ports: $metrics_port)
  use allow_storage(cidrs: $STORAGE_IPS, ports: [2049/tcp, 111/tcp])
}

category infrastructure_service {
  use base_app
  allow from entity cluster, kube-apiserver, host
  use allow_kube_apiserver
}

cluster policy host-firewall {
  select all nodes
  allow from entity cluster
  allow from cidr $MGMT_NET port 22/tcp, 6443/tcp
  allow from anywhere icmp EchoRequest
}
"#;

/// `namespaces/ns-00000.netpol` as tests/bench/generate.py writes it.
const NAMESPACE: &str = r#"import "../common.netpol"

namespace ns-00000 {
  use user_facing_app(metrics_port: 8080/tcp)

  policy api {
    select pods app=api
    silence W0122 "benchmark workload: the web pods' egress is not part of it"
    allow from pods app=web port 8000/tcp
      http GET "/api/v1/.*"
      http GET "/healthz"
    allow to pods app=db in namespace data port 5432/tcp
  }

  policy payments {
    select pods app=checkout
    use allow_dns
    allow to fqdn $PAYMENT_APIS port 443/tcp
  }
}
"#;

/// The repository: the stdlib, `common.netpol` and the namespace's file,
/// whose id is returned.
fn sources() -> (SourceMap, FileId) {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user("common.netpol", COMMON);
    let namespace = sources.add_user("namespaces/ns-00000.netpol", NAMESPACE);
    (sources, namespace)
}

/// Every file of the repository, parsed.
fn parsed(sources: &SourceMap) -> Vec<netpolc::ast::File> {
    sources
        .iter()
        .map(|(id, _)| netpolc::syntax::parse(sources, id).0)
        .collect()
}

#[divan::bench]
fn parse_namespace(bencher: Bencher<'_, '_>) {
    let (sources, namespace) = sources();
    bencher.bench_local(|| netpolc::syntax::parse(&sources, namespace));
}

#[divan::bench]
fn analyze(bencher: Bencher<'_, '_>) {
    let (sources, _) = sources();
    let files = parsed(&sources);
    let options = netpolc::Options::default();
    bencher
        .with_inputs(|| files.clone())
        .bench_local_values(|mut files| netpolc::sema::analyze(&sources, &mut files, &options));
}

#[divan::bench]
fn emit_yaml(bencher: Bencher<'_, '_>) {
    let (sources, _) = sources();
    let (program, _, diagnostics) = netpolc::check(&sources, &netpolc::Options::default());
    // Two warnings, as in the build benchmark (W0110 on a category the other
    // namespaces use, W0118), and no error.
    assert!(
        !netpolc::diag::has_errors(&diagnostics),
        "the benchmark repository compiles: {diagnostics:?}"
    );
    let files = netpolc::emit::emit(&program);
    assert_eq!(
        files
            .iter()
            .map(|file| file.path.as_str())
            .collect::<Vec<_>>(),
        ["_clusterwide.yaml", "ns-00000.yaml"],
        "the benchmark prints the namespace's file and the cluster-wide one"
    );
    bencher.bench_local(|| netpolc::emit::emit(&program));
}
