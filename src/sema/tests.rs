//! Sema unit tests: what a source compiles to, or which diagnostics it gets.

use crate::diag::render::{Format, render};
use crate::source::SourceMap;

/// Checks a one-file repository; returns the program and the rendered diagnostics.
pub(crate) fn check(text: &str) -> (crate::ir::Program, String) {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user("test.netpol", text);
    let (program, _, diags) = crate::check(&sources, &crate::Options::default());
    (program, render(&diags, &sources, Format::Short, false))
}

/// The program of `text`, which must compile without an error.
pub(crate) fn program(text: &str) -> crate::ir::Program {
    let (program, diagnostics) = check(text);
    assert!(!diagnostics.contains("error"), "{diagnostics}");
    program
}

#[test]
fn stdlib_categories_expand_once_per_argument_set() {
    let (program, diags) = check(
        r#"
const STORAGE = [10.20.0.10/32, 10.20.0.11]
category app(port: port = 9090/tcp) {
  use allow_dns
  use allow_from_same_namespace
  use allow_metrics_scrape(ports: $port)
  use allow_storage(cidrs: $STORAGE, ports: 2049/tcp)
}
namespace a { use app }
namespace b { use app }
namespace c { use app(port: 8080/tcp) }
"#,
    );
    assert_eq!(diags, "");
    let spec = |ns: &str| std::sync::Arc::clone(&program.namespaces[ns].policies[0].spec);
    assert!(std::sync::Arc::ptr_eq(&spec("a"), &spec("b")));
    assert!(!std::sync::Arc::ptr_eq(&spec("a"), &spec("c")));
    assert_eq!(program.namespaces["a"].policies[0].name, "app");
    assert_eq!(spec("a").egress.len(), 2);
    assert_eq!(spec("a").ingress.len(), 2);
    assert_eq!(
        spec("a").egress[0].origin.categories,
        vec!["app".to_owned(), "allow_dns".to_owned()]
    );
}

#[test]
fn errors_are_all_reported() {
    let (_, diags) = check(
        r#"
const P = 10.0.0.0/8
namespace shop {
  allow to cidr 10.0.0.1/8
  allow from pods app=x port $P
  allow to fqdn "api.example.com" port 443/tcp http GET "/"  # fine: L7 on FQDN peers is allowed
  allow from pods app=x port 80 http GET "/"
  allow from entity all
  allow from anywhere
  use nope
  allow to cidr $NOPE
}
namespace kube-system { allow from pods }
cluster policy x { allow from pods }
"#,
    );
    insta::assert_snapshot!(diags, @"
    test.netpol:4:17: error[E0202]: `10.0.0.1/8` has host bits set
    test.netpol:5:30: error[E0201]: expected a port, found a CIDR `$P`
    test.netpol:7:25: error[E0402]: HTTP rules need TCP ports
    test.netpol:8:21: error[E0501]: `entity all` allows every peer, the internet included
    test.netpol:9:14: error[E0504]: `anywhere` without a port allows nothing and turns ingress to default deny
    test.netpol:10:7: error[E0102]: cannot find category `nope`
    test.netpol:11:17: error[E0101]: cannot find `$NOPE`
    test.netpol:13:11: error[E0502]: policies for `kube-system` must be marked `system`
    test.netpol:14:16: error[E0503]: this cluster policy does not say what it selects
    test.netpol:14:31: error[E0505]: this `pods` peer matches every namespace without saying so
    ");
}
