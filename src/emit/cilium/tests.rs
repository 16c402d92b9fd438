//! What each IR shape prints as, checked against the CRD field names.

use std::collections::BTreeMap;

use super::*;
use crate::ir;
use crate::source::{FileId, Span};

fn key(text: &str) -> ir::LabelKey {
    text.into()
}

fn labels(pairs: &[(&str, &str)]) -> ir::Selector {
    ir::Selector {
        match_labels: pairs.iter().map(|(k, v)| (key(k), (*v).into())).collect(),
        match_expressions: Vec::new(),
    }
}

fn rule<P, L: Default, A: Default, T: Default>(peer: P) -> ir::Rule<P, L, A, T> {
    let origin = ir::RuleOrigin {
        span: Span::new(FileId(0), 0, 0),
        categories: Vec::new(),
    };
    ir::Rule {
        origin,
        peer,
        ports: Vec::new(),
        icmps: Vec::new(),
        l7: L::default(),
        authentication: A::default(),
        tls: T::default(),
    }
}

fn tcp(port: u16) -> ir::PortSpec {
    ir::PortSpec::single(ir::Port::Number(port), ir::Protocol::Tcp)
}

fn cidr(text: &str, except: &[&str]) -> ir::CidrRule {
    let parse = |text: &str| {
        text.parse::<ipnet::IpNet>()
            .unwrap_or_else(|_| unreachable!("test CIDR {text}"))
    };
    ir::CidrRule::new(parse(text), except.iter().map(|text| parse(text)).collect())
        .unwrap_or_else(|| unreachable!("test exceptions are inside {text}"))
}

fn spec() -> ir::PolicySpec {
    ir::PolicySpec {
        subject: ir::Subject::Pods(labels(&[("app", "web")])),
        ..ir::PolicySpec::default()
    }
}

#[test]
fn egress_to_fqdns_with_dns_rule() {
    let mut dns = rule(ir::EgressPeer::Endpoints(vec![labels(&[
        ("k8s:io.kubernetes.pod.namespace", "kube-system"),
        ("k8s:k8s-app", "kube-dns"),
    ])]));
    dns.ports = vec![ir::PortSpec::single(
        ir::Port::Number(53),
        ir::Protocol::Any,
    )];
    dns.l7 = Some(Box::new(ir::L7::Dns(vec![ir::FqdnSelector::Pattern(
        "*".into(),
    )])));
    let mut api = rule(ir::EgressPeer::Fqdns(vec![
        ir::FqdnSelector::Name("api.example.com".into()),
        ir::FqdnSelector::Pattern("*.example.com".into()),
    ]));
    api.ports = vec![tcp(443)];
    let spec = ir::PolicySpec {
        egress: vec![dns, api],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      egress:
      - toEndpoints:
        - matchLabels:
            k8s:io.kubernetes.pod.namespace: kube-system
            k8s:k8s-app: kube-dns
        toPorts:
        - ports:
          - port: '53'
            protocol: ANY
          rules:
            dns:
            - matchPattern: '*'
      - toFQDNs:
        - matchName: api.example.com
        - matchPattern: '*.example.com'
        toPorts:
        - ports:
          - port: '443'
            protocol: TCP
    ");
}

#[test]
fn cidrs_with_an_exception_use_cidr_set() {
    let spec = ir::PolicySpec {
        egress: vec![rule(ir::EgressPeer::Cidrs(vec![
            cidr("10.0.0.0/8", &["10.1.0.0/16", "10.2.0.0/16"]),
            cidr("2001:db8::/32", &[]),
        ]))],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      egress:
      - toCIDRSet:
        - cidr: 10.0.0.0/8
          except:
          - 10.1.0.0/16
          - 10.2.0.0/16
        - cidr: 2001:db8::/32
    ");
}

#[test]
fn cidrs_without_exceptions_use_cidr_list() {
    let mut world = rule(ir::IngressPeer::Cidrs(vec![
        cidr("192.0.2.0/24", &[]),
        cidr("2001:db8::/32", &[]),
    ]));
    world.ports = vec![
        ir::PortSpec::range(8000, 8099, ir::Protocol::Udp)
            .unwrap_or_else(|| unreachable!("8000 < 8099")),
    ];
    let spec = ir::PolicySpec {
        ingress: vec![world],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      ingress:
      - fromCIDR:
        - 192.0.2.0/24
        - 2001:db8::/32
        toPorts:
        - ports:
          - port: '8000'
            endPort: 8099
            protocol: UDP
    ");
}

#[test]
fn empty_rule_prints_as_empty_map() {
    let spec = ir::PolicySpec {
        subject: ir::Subject::Pods(ir::Selector::default()),
        ingress: vec![rule(ir::IngressPeer::Anywhere)],
        egress: vec![rule(ir::EgressPeer::Anywhere)],
        ..ir::PolicySpec::default()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector: {}
      ingress:
      - {}
      egress:
      - {}
    ");
}

#[test]
fn default_deny_prints_only_set_directions() {
    let deny = rule(ir::IngressPeer::Entities(vec![ir::Entity::World]));
    let allow = rule(ir::IngressPeer::Entities(vec![ir::Entity::All]));
    let spec = ir::PolicySpec {
        default_deny: ir::DefaultDeny {
            ingress: Some(false),
            egress: None,
        },
        ingress: vec![allow],
        ingress_deny: vec![deny],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      enableDefaultDeny:
        ingress: false
      ingress:
      - fromEntities:
        - all
      ingressDeny:
      - fromEntities:
        - world
    ");
    let both = ir::PolicySpec {
        default_deny: ir::DefaultDeny {
            ingress: Some(true),
            egress: Some(false),
        },
        ..spec
    };
    assert!(
        spec_text(&both).contains("  enableDefaultDeny:\n    ingress: true\n    egress: false\n")
    );
}

#[test]
fn to_services_both_forms() {
    let selected = ir::Selector {
        match_labels: ir::LabelMap::new(),
        match_expressions: vec![
            ir::Expression {
                key: key("tier"),
                operator: ir::Operator::In,
                values: vec!["db".into(), "cache".into()],
            },
            ir::Expression {
                key: key("legacy"),
                operator: ir::Operator::DoesNotExist,
                values: Vec::new(),
            },
        ],
    };
    let mut services = rule(ir::EgressPeer::Services(vec![
        ir::ServiceRef::Named {
            name: "payments".into(),
            namespace: Some("billing".into()),
        },
        ir::ServiceRef::Named {
            name: "metrics".into(),
            namespace: None,
        },
        ir::ServiceRef::Selected {
            selector: selected,
            namespace: Some("data".into()),
        },
    ]));
    services.ports = vec![ir::PortSpec::single(
        ir::Port::Name("http".into()),
        ir::Protocol::Tcp,
    )];
    let spec = ir::PolicySpec {
        egress: vec![services],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      egress:
      - toServices:
        - k8sService:
            serviceName: payments
            namespace: billing
        - k8sService:
            serviceName: metrics
        - k8sServiceSelector:
            selector:
              matchExpressions:
              - key: tier
                operator: In
                values:
                - db
                - cache
              - key: legacy
                operator: DoesNotExist
            namespace: data
        toPorts:
        - ports:
          - port: http
            protocol: TCP
    ");
}

#[test]
fn kafka_rules() {
    let mut kafka = rule(ir::EgressPeer::Endpoints(vec![labels(&[("app", "kafka")])]));
    kafka.ports = vec![tcp(9092)];
    kafka.l7 = Some(Box::new(ir::L7::Kafka(vec![
        ir::KafkaRule {
            role: Some(ir::KafkaRole::Produce),
            topic: Some("orders".into()),
            ..ir::KafkaRule::default()
        },
        ir::KafkaRule {
            api_key: Some("fetch".into()),
            api_version: Some(1),
            client_id: Some("billing-1".into()),
            topic: Some("1_000".into()),
            ..ir::KafkaRule::default()
        },
    ])));
    let spec = ir::PolicySpec {
        egress: vec![kafka],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      egress:
      - toEndpoints:
        - matchLabels:
            app: kafka
        toPorts:
        - ports:
          - port: '9092'
            protocol: TCP
          rules:
            kafka:
            - role: produce
              topic: orders
            - apiKey: fetch
              apiVersion: '1'
              clientID: billing-1
              topic: '1_000'
    ");
}

#[test]
fn server_names_sit_beside_the_ports_not_in_rules() {
    let mut tls = rule(ir::EgressPeer::Entities(vec![ir::Entity::World]));
    tls.ports = vec![tcp(443)];
    tls.tls = Some(Box::new(ir::Tls {
        server_names: vec![
            "api.stripe.com".into(),
            "*.stripe.com".into(),
            "**.stripe.net".into(),
        ],
        ..ir::Tls::default()
    }));
    let spec = ir::PolicySpec {
        egress: vec![tls],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      egress:
      - toEntities:
        - world
        toPorts:
        - ports:
          - port: '443'
            protocol: TCP
          serverNames:
          - api.stripe.com
          - '*.stripe.com'
          - '**.stripe.net'
    ");
}

#[test]
fn description_and_labels() {
    let spec = ir::PolicySpec {
        description: Some("web: allow #frontend".into()),
        labels: BTreeMap::from([
            (key("team"), "payments".into()),
            (key("audited"), "yes".into()),
            (key("ticket"), "4711".into()),
        ]),
        ingress: vec![rule(ir::IngressPeer::Anywhere)],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      description: 'web: allow #frontend'
      endpointSelector:
        matchLabels:
          app: web
      ingress:
      - {}
      labels:
      - key: audited
        value: 'yes'
      - key: team
        value: payments
      - key: ticket
        value: '4711'
    ");
}

#[test]
fn multi_line_description_is_a_block_scalar() {
    let spec = ir::PolicySpec {
        description: Some("Lets the shop talk to:\n\n  the database".into()),
        ingress: vec![rule(ir::IngressPeer::Anywhere)],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      description: |-
        Lets the shop talk to:

          the database
      endpointSelector:
        matchLabels:
          app: web
      ingress:
      - {}
    ");
}

#[test]
fn deny_rules_print_ports_and_icmps() {
    // A deny rule's L7 slot is `NoL7`: it cannot hold HTTP rules at all.
    let mut deny = rule(ir::IngressPeer::Endpoints(vec![labels(&[(
        "app", "scanner",
    )])]));
    deny.ports = vec![tcp(80)];
    let mut egress_deny = rule(ir::EgressDenyPeer::Entities(vec![
        ir::Entity::World,
        ir::Entity::KubeApiserver,
    ]));
    egress_deny.icmps = vec![ir::IcmpType {
        family: ir::IcmpFamily::V6,
        kind: ir::IcmpKind::Name("EchoRequest".into()),
    }];
    let spec = ir::PolicySpec {
        ingress_deny: vec![deny],
        egress_deny: vec![egress_deny],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      ingressDeny:
      - fromEndpoints:
        - matchLabels:
            app: scanner
        toPorts:
        - ports:
          - port: '80'
            protocol: TCP
      egressDeny:
      - toEntities:
        - world
        - kube-apiserver
        icmps:
        - fields:
          - type: EchoRequest
            family: IPv6
    ");
}

#[test]
fn empty_peer_lists_select_nothing() {
    let spec = ir::PolicySpec {
        ingress: vec![rule(ir::IngressPeer::Endpoints(Vec::new()))],
        egress: vec![rule(ir::EgressPeer::Cidrs(Vec::new()))],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      ingress:
      - fromEndpoints: []
      egress:
      - toCIDR: []
    ");
}

#[test]
fn l7_without_ports_keeps_its_rules() {
    let mut http = rule(ir::IngressPeer::Anywhere);
    http.l7 = Some(Box::new(ir::L7::Http(vec![ir::HttpRule {
        method: Some("GET".into()),
        ..ir::HttpRule::default()
    }])));
    let spec = ir::PolicySpec {
        ingress: vec![http],
        ..spec()
    };
    insta::assert_snapshot!(spec_text(&spec), @r"
      endpointSelector:
        matchLabels:
          app: web
      ingress:
      - toPorts:
        - rules:
            http:
            - method: GET
    ");
}

#[test]
fn metadata_labels_and_annotations_sit_under_metadata() {
    let metadata = ir::ObjectMetadata {
        labels: BTreeMap::from([
            ("team".into(), "payments".into()),
            ("audited".into(), "yes".into()),
            ("app.kubernetes.io/part-of".into(), "shop".into()),
        ]),
        annotations: BTreeMap::from([(
            "example.com/owner".into(),
            "Payments: #42\nsecond line".into(),
        )]),
    };
    let mut out = String::new();
    push_document(
        &mut out,
        (Kind::Cnp, API_VERSION),
        "api",
        Some("shop"),
        Some(&metadata),
        "spec:\n  endpointSelector: {}\n",
    );
    insta::assert_snapshot!(out, @r"
    ---
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata:
      name: api
      namespace: shop
      labels:
        app.kubernetes.io/part-of: shop
        audited: 'yes'
        team: payments
      annotations:
        example.com/owner: |-
          Payments: #42
          second line
    spec:
      endpointSelector: {}
    ");
    // Nothing is added for an object without labels and annotations.
    let mut bare = String::new();
    push_document(
        &mut bare,
        (Kind::Cnp, API_VERSION),
        "api",
        Some("shop"),
        Some(&ir::ObjectMetadata::default()),
        "spec:\n  endpointSelector: {}\n",
    );
    assert!(bare.contains("  namespace: shop\nspec:\n"), "{bare}");
}
