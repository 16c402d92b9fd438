//! The flow text `netpolc trace` parses ([`crate::flow::parse_flow`]), the
//! words [`describe`] writes back, and the expectations sema builds. Every
//! expected value is written by hand.

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::flow::{describe_flow, parse_flow};
use crate::ir::{
    EndpointSpec, Entity, Expected, FlowProtocol, FlowSpec, HttpRequest, LabelKey, LabelValue,
    Program, Request,
};
use crate::source::SourceMap;

const REPO: &str = "namespace shop {\n  allow from pods app=web port 8080/tcp\n}\nnamespace monitoring {\n  allow to namespace shop port 8080/tcp\n}\n";

/// The program of `repo` (which must compile), and `flow` parsed against it.
fn parse(repo: &str, flow: &str) -> Result<FlowSpec, Vec<Diagnostic>> {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user("repo.netpol", repo);
    let (program, _, diags) = crate::check(&sources, &crate::Options::default());
    assert!(!crate::diag::has_errors(&diags), "the repository compiles");
    let file = sources.add_user("<command line>", flow);
    parse_flow(&sources, file, &program, crate::flow::Namespaces::Known)
}

fn codes(result: Result<FlowSpec, Vec<Diagnostic>>) -> Vec<&'static str> {
    match result {
        Ok(spec) => panic!("expected errors, got {spec:?}"),
        Err(diags) => diags.iter().map(|diag| diag.code.as_str()).collect(),
    }
}

fn pairs(labels: &BTreeMap<LabelKey, LabelValue>) -> Vec<(&str, &str)> {
    labels
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect()
}

#[test]
fn a_flow_parses_to_its_spec() {
    let spec = parse(
        REPO,
        "from pods { app=web, tier=front } with account web-sa in namespace shop to namespace monitoring port 8080/tcp http \"GET /api/v1/x\" host \"shop.example.com\" header \"X-Id: 7\"",
    )
    .unwrap();
    let EndpointSpec::Pod(from) = &spec.from else {
        panic!("a pod: {:?}", spec.from)
    };
    assert_eq!(from.namespace.as_str(), "shop");
    assert_eq!(pairs(&from.labels), [("app", "web"), ("tier", "front")]);
    assert_eq!(
        from.service_account
            .as_ref()
            .map(|account| account.as_str()),
        Some("web-sa")
    );
    let EndpointSpec::Pod(to) = &spec.to else {
        panic!("a pod: {:?}", spec.to)
    };
    assert_eq!(to.namespace.as_str(), "monitoring");
    assert!(to.labels.is_empty());
    assert_eq!(to.service_account, None);
    assert_eq!((spec.protocol, spec.port), (FlowProtocol::Tcp, 8080));
    assert_eq!(
        spec.request,
        Some(Request::Http(HttpRequest {
            method: "GET".to_owned(),
            path: "/api/v1/x".to_owned(),
            host: Some("shop.example.com".to_owned()),
            headers: vec![("X-Id".to_owned(), "7".to_owned())],
        }))
    );
}

#[test]
fn every_kind_of_end_and_port() {
    let spec = parse(
        REPO,
        "from entity world to cidr 10.20.0.10 icmp EchoRequest",
    )
    .unwrap();
    assert_eq!(spec.from, EndpointSpec::Entity(Entity::World));
    assert_eq!(
        spec.to,
        EndpointSpec::Address("10.20.0.10".parse().unwrap())
    );
    assert_eq!((spec.protocol, spec.port), (FlowProtocol::Icmp, 8));
    let spec = parse(
        REPO,
        "from node role=worker to fqdn api.stripe.com port 53/udp dns \"API.Stripe.com.\"",
    )
    .unwrap();
    let EndpointSpec::Node(node) = &spec.from else {
        panic!("a node: {:?}", spec.from)
    };
    assert_eq!(pairs(node), [("role", "worker")]);
    let EndpointSpec::Fqdn(name) = &spec.to else {
        panic!("an fqdn: {:?}", spec.to)
    };
    assert_eq!(name.as_str(), "api.stripe.com");
    assert_eq!((spec.protocol, spec.port), (FlowProtocol::Udp, 53));
    assert_eq!(
        spec.request,
        Some(Request::Dns("api.stripe.com".to_owned()))
    );
    let spec = parse(
        REPO,
        "from namespace shop to entity host icmp ipv6 EchoRequest",
    )
    .unwrap();
    assert_eq!((spec.protocol, spec.port), (FlowProtocol::Icmpv6, 128));
    let spec = parse(
        REPO,
        "from namespace shop to entity kube-apiserver port 6443/sctp",
    )
    .unwrap();
    assert_eq!((spec.protocol, spec.port), (FlowProtocol::Sctp, 6443));
}

#[test]
fn bad_flows_are_coded_errors() {
    // Syntax, a constant (none is in scope on the command line), a namespace
    // the repository does not know, pods without a namespace, and the
    // expectation codes.
    assert_eq!(codes(parse(REPO, "from shop to shop")), ["E0001"]);
    assert_eq!(
        codes(parse(
            REPO,
            "from namespace $NS to namespace shop port 80/tcp"
        )),
        ["E0101"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from namespace shopp to namespace shop port 80/tcp"
        )),
        ["E0802"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from pods app=web to namespace shop port 80/tcp"
        )),
        ["E0804"]
    );
    assert_eq!(
        codes(parse(REPO, "from entity all to namespace shop port 80/tcp")),
        ["E0803"]
    );
    assert_eq!(
        codes(parse(REPO, "from namespace shop to namespace shop port 80")),
        ["E0805"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from namespace shop to namespace shop port 65536/tcp"
        )),
        ["E0204"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from namespace shop to namespace shop port 80/tcp http \"get /\""
        )),
        ["E0806"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from namespace shop to namespace shop port 53/udp dns \"-a.b\""
        )),
        ["E0807"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from pods { app!=web } in namespace shop to namespace shop port 80/tcp"
        )),
        ["E0808"]
    );
    assert_eq!(
        codes(parse(
            REPO,
            "from namespace shop to namespace shop icmp 8 http \"GET /\""
        )),
        ["E0809"]
    );
    // Both ends are checked before giving up.
    assert_eq!(
        codes(parse(REPO, "from entity none to cidr 10.0.0.0/8 port 80")),
        ["E0803", "E0803", "E0805"]
    );
}

#[test]
fn with_an_inventory_its_namespaces_are_the_ones_a_flow_may_name() {
    let repo = format!(
        "cluster namespaces {{ shop, monitoring, billing }}\n{REPO}namespace billing {{\n  allow from namespace shop port 80/tcp\n}}\n"
    );
    assert!(
        parse(
            &repo,
            "from namespace billing to namespace shop port 80/tcp"
        )
        .is_ok()
    );
    // kube-system is known without an inventory, not with one that leaves it out.
    assert!(
        parse(
            REPO,
            "from namespace kube-system to namespace shop port 80/tcp"
        )
        .is_ok()
    );
    assert_eq!(
        codes(parse(
            &repo,
            "from namespace kube-system to namespace shop port 80/tcp"
        )),
        ["E0802"]
    );
}

#[test]
fn a_flow_described_parses_back_to_itself() {
    for flow in [
        "from pods { app=web, tier=front } with account web-sa in namespace shop to namespace monitoring port 8080/tcp http \"GET /api/v1/x\"",
        "from entity world to cidr 10.20.0.10 icmp 8",
        "from node role=worker to fqdn \"api.stripe.com\" port 53/udp dns \"api.stripe.com\"",
        "from namespace shop to entity host icmp ipv6 128",
        "from pods app=web in namespace shop to pods app=kafka in namespace monitoring port 9092/tcp kafka apikey produce topic \"orders\"",
    ] {
        let spec = parse(REPO, flow).unwrap();
        let words = describe_flow(&spec);
        assert_eq!(words, flow, "the words of the flow");
        assert_eq!(parse(REPO, &words).unwrap(), spec, "{words}");
    }
}

#[test]
fn category_expectations_are_checked_for_each_namespace_that_uses_the_category() {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user(
        "repo.netpol",
        "category scraped {\n  allow from namespace monitoring port 9090/tcp\n  expect allow from namespace monitoring to pods app=web port 9090/tcp\n}\nnamespace shop {\n  use scraped\n  expect deny from entity world to pods app=web port 9090/tcp\n}\nnamespace billing { use scraped }\nnamespace monitoring {\n  allow to namespaces with team=x port 9090/tcp\n}\nexpect allow from namespace monitoring to namespace shop port 9090/tcp\n",
    );
    let (program, _, _) = crate::check(&sources, &crate::Options::default());
    let seen: Vec<(Option<&str>, Vec<&str>, Expected, String)> = program
        .expectations
        .iter()
        .map(|expectation| {
            (
                expectation.namespace.as_ref().map(|name| name.as_str()),
                expectation
                    .origin
                    .categories
                    .iter()
                    .map(String::as_str)
                    .collect(),
                expectation.expected,
                describe_flow(&expectation.flow),
            )
        })
        .collect();
    let ours = |program: &Program| program.expectations.len();
    assert_eq!(ours(&program), 4, "{seen:#?}");
    assert!(seen.contains(&(
        Some("shop"),
        vec!["scraped"],
        Expected::Allow,
        "from namespace monitoring to pods app=web in namespace shop port 9090/tcp".to_owned()
    )));
    assert!(seen.contains(&(
        Some("billing"),
        vec!["scraped"],
        Expected::Allow,
        "from namespace monitoring to pods app=web in namespace billing port 9090/tcp".to_owned()
    )));
    assert!(seen.contains(&(
        Some("shop"),
        vec![],
        Expected::Deny,
        "from entity world to pods app=web in namespace shop port 9090/tcp".to_owned()
    )));
    assert!(seen.contains(&(
        None,
        vec![],
        Expected::Allow,
        "from namespace monitoring to namespace shop port 9090/tcp".to_owned()
    )));
}
