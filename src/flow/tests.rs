//! Truth tables for the engine, one per rule of docs/cilium-semantics.md §5 and §9:
//! each table compiles a small `.netpol` program, builds a world by hand
//! and checks rows whose expected values are written by hand.

use std::collections::BTreeMap;

use super::*;
use crate::ir::{Entity, FlowProtocol, HttpRequest, KafkaRequest, Request};

/// A program, a world, and names for the world's endpoints.
struct Lab {
    program: Program,
    world: World,
    names: BTreeMap<String, EndpointId>,
}

fn labels(text: &str) -> BTreeMap<String, String> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((key, value)) => (key.to_owned(), value.to_owned()),
            None => (item.to_owned(), String::new()),
        })
        .collect()
}

impl Lab {
    fn new(text: &str) -> Lab {
        let (program, diagnostics) = crate::sema::tests::check(text);
        assert!(
            !diagnostics.contains("error"),
            "the table's program does not compile:\n{diagnostics}"
        );
        let world = World::for_program(&program);
        let mut names = BTreeMap::new();
        for (entity, name) in Entity::NAMES {
            names.insert((*name).to_owned(), EndpointId::Entity(*entity));
        }
        Lab {
            program,
            world,
            names,
        }
    }

    fn pod(mut self, name: &str, namespace: &str, pod_labels: &str) -> Lab {
        self.world.pods.push(Pod {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            labels: labels(pod_labels),
            service_account: String::new(),
            named_ports: BTreeMap::new(),
        });
        self.names
            .insert(name.to_owned(), EndpointId::Pod(self.world.pods.len() - 1));
        self
    }

    fn named_port(self, pod: &str, name: &str, port: u16) -> Lab {
        self.named_port_of(pod, name, port, FlowProtocol::Tcp)
    }

    fn named_port_of(mut self, pod: &str, name: &str, port: u16, protocol: FlowProtocol) -> Lab {
        let Some(EndpointId::Pod(index)) = self.names.get(pod).copied() else {
            panic!("no pod {pod}");
        };
        self.world.pods[index]
            .named_ports
            .insert(name.to_owned(), NamedPort { port, protocol });
        self
    }

    fn node(mut self, name: &str, node_labels: &str) -> Lab {
        self.world.nodes.push(Node {
            name: name.to_owned(),
            labels: labels(node_labels),
        });
        self.names.insert(
            name.to_owned(),
            EndpointId::Node(self.world.nodes.len() - 1),
        );
        self
    }

    fn address(mut self, name: &str, ip: &str, fqdns: &[&str]) -> Lab {
        self.world.addresses.push(Address {
            name: name.to_owned(),
            ip: Some(ip.parse().unwrap()),
            fqdns: fqdns.iter().map(|name| (*name).to_owned()).collect(),
        });
        self.names.insert(
            name.to_owned(),
            EndpointId::Address(self.world.addresses.len() - 1),
        );
        self
    }

    fn options(mut self, change: impl FnOnce(&mut AgentOptions)) -> Lab {
        change(&mut self.world.options);
        self
    }

    fn flow(&self, from: &str, to: &str, port: &str, request: Option<Request>) -> Flow {
        let (number, protocol) = port.split_once('/').unwrap();
        let protocol = match protocol {
            "tcp" => FlowProtocol::Tcp,
            "udp" => FlowProtocol::Udp,
            "sctp" => FlowProtocol::Sctp,
            "icmp" => FlowProtocol::Icmp,
            "icmpv6" => FlowProtocol::Icmpv6,
            "vrrp" => FlowProtocol::Vrrp,
            "igmp" => FlowProtocol::Igmp,
            "gre" => FlowProtocol::Gre,
            "esp" => FlowProtocol::Esp,
            other => panic!("protocol {other}"),
        };
        Flow {
            from: self.names[from],
            to: self.names[to],
            protocol,
            port: number.parse().unwrap(),
            request,
        }
    }

    fn decide(&self, from: &str, to: &str, port: &str) -> Answer {
        Engine::new(&self.program).decide(&self.world, &self.flow(from, to, port, None))
    }

    /// One row: the egress and ingress verdicts and the flow's verdict.
    #[track_caller]
    fn row(&self, from: &str, to: &str, port: &str, egress: &str, ingress: &str, verdict: &str) {
        let answer = self.decide(from, to, port);
        let got = (
            answer.egress.verdict.as_str(),
            answer.ingress.verdict.as_str(),
            verdict_name(answer.verdict),
        );
        assert_eq!(
            got,
            (egress, ingress, verdict),
            "{from} -> {to} {port}: {answer:#?}"
        );
    }

    /// The rules deciding each side, as the verdict files name them.
    #[track_caller]
    fn deciders(&self, from: &str, to: &str, port: &str, egress: &[&str], ingress: &[&str]) {
        let answer = self.decide(from, to, port);
        let names = |side: &Side| -> Vec<String> {
            side.deciders.iter().map(ToString::to_string).collect()
        };
        assert_eq!(
            (names(&answer.egress), names(&answer.ingress)),
            (
                egress.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
                ingress.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
            ),
            "{from} -> {to} {port}"
        );
    }
}

fn verdict_name(verdict: FlowVerdict) -> &'static str {
    match verdict {
        FlowVerdict::Allowed => "allowed",
        FlowVerdict::Denied => "denied",
        FlowVerdict::FqdnUnsupported => "fqdn-unsupported",
    }
}

#[test]
fn enforcement_is_per_direction_and_the_empty_rule_allows_nothing() {
    let lab = Lab::new(
        r#"
namespace shop {
  policy lock {
    select pods app=db
    default deny ingress
  }
}
"#,
    )
    .pod("db", "shop", "app=db")
    .pod("web", "shop", "app=web");
    lab.row(
        "web",
        "db",
        "5432/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("db", "web", "80/tcp", "no-policy", "no-policy", "allowed");
    lab.row("web", "web", "80/tcp", "no-policy", "no-policy", "allowed");
    lab.row(
        "world",
        "db",
        "1/udp",
        "no-policy",
        "default-deny",
        "denied",
    );
    // enable-policy=always: everything enforced, even without policy;
    // never: nothing.
    let always = Lab::new("namespace shop {\n  allow from pods\n}\n")
        .pod("a", "other", "app=a")
        .pod("b", "other", "app=b")
        .options(|options| options.policy_mode = PolicyMode::Always);
    always.row("a", "b", "80/tcp", "default-deny", "default-deny", "denied");
    let never = lab.options(|options| options.policy_mode = PolicyMode::Never);
    never.row("web", "db", "5432/tcp", "no-policy", "no-policy", "allowed");
}

#[test]
fn no_default_deny_adds_allow_any_only_when_every_selecting_rule_says_so() {
    let lab = Lab::new(
        r#"
namespace web {
  policy block-bad {
    select pods app=web
    no default deny ingress
    deny from pods role=bad
  }
  policy open-web2 {
    select pods app=web2
    no default deny ingress
    allow from pods role=good port 80/tcp
  }
  policy strict-web2 {
    select pods app=web2
    allow from pods role=good port 443/tcp
  }
}
"#,
    )
    .pod("web", "web", "app=web")
    .pod("web2", "web", "app=web2")
    .pod("good", "web", "role=good")
    .pod("bad", "web", "role=bad")
    .pod("other", "web", "role=other");
    lab.row("other", "web", "80/tcp", "no-policy", "allow", "allowed");
    lab.deciders("other", "web", "80/tcp", &[], &["<allow-any-ingress>"]);
    lab.row("bad", "web", "80/tcp", "no-policy", "deny", "denied");
    lab.deciders("bad", "web", "80/tcp", &[], &["CNP web/block-bad"]);
    // web2: one of its two policies asks for default deny.
    lab.row(
        "other",
        "web2",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("good", "web2", "80/tcp", "no-policy", "allow", "allowed");
    lab.row("good", "web2", "443/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "good",
        "web2",
        "8443/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
}

#[test]
fn deny_wins_over_any_allow_whatever_the_port_prefix() {
    let lab = Lab::new(
        r#"
namespace shop {
  policy api {
    select pods app=api
    allow from everything
    allow from pods app=bad port 8080/tcp
    deny from pods app=bad
    deny from anywhere port 9000-9001/tcp
  }
}
"#,
    )
    .pod("api", "shop", "app=api")
    .pod("bad", "shop", "app=bad")
    .pod("ok", "shop", "app=ok");
    lab.row("bad", "api", "8080/tcp", "no-policy", "deny", "denied");
    lab.row("ok", "api", "8080/tcp", "no-policy", "allow", "allowed");
    lab.row("ok", "api", "9000/tcp", "no-policy", "deny", "denied");
    lab.row("ok", "api", "9001/tcp", "no-policy", "deny", "denied");
    lab.row("ok", "api", "9002/tcp", "no-policy", "allow", "allowed");
    lab.row("world", "api", "9000/tcp", "no-policy", "deny", "denied");
    lab.row("world", "api", "9000/udp", "no-policy", "allow", "allowed");
}

#[test]
fn a_namespaced_policy_selects_and_peers_only_in_its_namespace() {
    let lab = Lab::new(
        r#"
namespace a {
  policy api {
    select pods app=api
    allow from pods app=web
    allow from pods app=web in namespace b port 8080/tcp
    allow from namespaces with team=ops port 9090/tcp
  }
}
namespace b {
  allow from pods
}
"#,
    )
    .pod("api-a", "a", "app=api")
    .pod("api-b", "b", "app=api")
    .pod("web-a", "a", "app=web")
    .pod("web-b", "b", "app=web")
    .pod("web-c", "c", "app=web")
    .pod("ops", "opsns", "app=x");
    let mut lab = lab;
    lab.world
        .namespaces
        .insert("opsns".to_owned(), labels("team=ops"));
    lab.row("web-a", "api-a", "1/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "web-b",
        "api-a",
        "1/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "web-b",
        "api-a",
        "8080/tcp",
        "no-policy",
        "allow",
        "allowed",
    );
    lab.row(
        "web-c",
        "api-a",
        "8080/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("ops", "api-a", "9090/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "ops",
        "api-a",
        "9091/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    // b's policy selects b's pods only, and its peers are b's pods.
    lab.row(
        "web-c",
        "web-c",
        "1/tcp",
        "no-policy",
        "no-policy",
        "allowed",
    );
    lab.row(
        "web-a",
        "api-b",
        "1/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("web-b", "api-b", "1/tcp", "no-policy", "allow", "allowed");
}

#[test]
fn a_clusterwide_policy_selects_every_endpoint_but_the_host() {
    let lab = Lab::new(
        r#"
cluster policy pods-only {
  silence W0103 "on purpose"
  select everything
  allow from pods in all namespaces
}
"#,
    )
    .pod("a", "x", "app=a")
    .pod("b", "kube-system", "k8s-app=b")
    .node("n1", "");
    lab.row("a", "b", "80/tcp", "no-policy", "allow", "allowed");
    lab.row("b", "a", "80/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "world",
        "a",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("a", "health", "4240/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "world",
        "health",
        "4240/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "world",
        "ingress",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("world", "n1", "22/tcp", "no-policy", "no-policy", "allowed");
    lab.row(
        "world",
        "host",
        "22/tcp",
        "no-policy",
        "no-policy",
        "allowed",
    );
    // Outside endpoints never enforce.
    lab.row(
        "a",
        "remote-node",
        "22/tcp",
        "no-policy",
        "no-policy",
        "allowed",
    );
    lab.row(
        "a",
        "kube-apiserver",
        "443/tcp",
        "no-policy",
        "no-policy",
        "allowed",
    );
}

#[test]
fn entities_select_their_identities() {
    let lab = Lab::new(
        r#"
namespace t {
  policy cluster { select pods app=cluster
    allow from entity cluster }
  policy world { select pods app=world
    allow from entity world }
  policy remote { select pods app=remote
    allow from entity remote-node }
  policy apiserver { select pods app=apiserver
    allow from entity kube-apiserver }
  policy host { select pods app=host
    allow from entity host }
  policy all { select pods app=all
    allow from everything }
}
"#,
    )
    .pod("t-cluster", "t", "app=cluster")
    .pod("t-world", "t", "app=world")
    .pod("t-remote", "t", "app=remote")
    .pod("t-apiserver", "t", "app=apiserver")
    .pod("t-host", "t", "app=host")
    .pod("t-all", "t", "app=all")
    .pod("p", "other", "app=p")
    .address("out", "8.8.8.8", &[])
    .options(|options| options.allow_localhost = AllowLocalhost::Policy);
    let table: &[(&str, &[(&str, &str)])] = &[
        (
            "t-cluster",
            &[
                ("p", "allow"),
                ("host", "allow"),
                ("remote-node", "allow"),
                ("kube-apiserver", "allow"),
                ("health", "allow"),
                ("ingress", "allow"),
                ("init", "allow"),
                ("unmanaged", "allow"),
                ("world", "default-deny"),
                ("out", "default-deny"),
            ],
        ),
        (
            "t-world",
            &[
                ("world", "allow"),
                ("out", "allow"),
                ("p", "default-deny"),
                ("host", "default-deny"),
                ("remote-node", "default-deny"),
            ],
        ),
        (
            "t-remote",
            &[
                ("remote-node", "allow"),
                ("kube-apiserver", "allow"),
                ("host", "default-deny"),
                ("p", "default-deny"),
            ],
        ),
        (
            "t-apiserver",
            &[("kube-apiserver", "allow"), ("remote-node", "default-deny")],
        ),
        (
            "t-host",
            &[("host", "allow"), ("remote-node", "default-deny")],
        ),
        (
            "t-all",
            &[
                ("p", "allow"),
                ("world", "allow"),
                ("out", "allow"),
                ("host", "allow"),
            ],
        ),
    ];
    for (destination, rows) in table {
        for (source, ingress) in *rows {
            let answer = lab.decide(source, destination, "80/tcp");
            assert_eq!(
                answer.ingress.verdict.as_str(),
                *ingress,
                "{source} -> {destination}"
            );
        }
    }
}

#[test]
fn cidr_peers_match_outside_addresses_by_containment_minus_except() {
    let lab = Lab::new(
        r#"
namespace app {
  policy out {
    select pods app=client
    allow to cidr 10.0.0.0/8 except 10.96.0.0/12 port 443/tcp
    allow to cidr 0.0.0.0/0 port 80/tcp
  }
}
"#,
    )
    .pod("client", "app", "app=client")
    .pod("server", "app", "app=server")
    .address("in", "10.1.2.3", &[])
    .address("edge-low", "10.96.0.0", &[])
    .address("edge-high", "10.111.255.255", &[])
    .address("after", "10.112.0.0", &[])
    .address("outside", "11.0.0.1", &[]);
    lab.row("client", "in", "443/tcp", "allow", "no-policy", "allowed");
    lab.row(
        "client",
        "edge-low",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "edge-high",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "after",
        "443/tcp",
        "allow",
        "no-policy",
        "allowed",
    );
    lab.row(
        "client",
        "outside",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    // CIDRs never select pods, nor the host or nodes.
    lab.row(
        "client",
        "server",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "host",
        "80/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "remote-node",
        "80/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    // A /0 selects the plain world identity too.
    lab.row("client", "world", "80/tcp", "allow", "no-policy", "allowed");
    lab.row(
        "client",
        "world",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "outside",
        "80/tcp",
        "allow",
        "no-policy",
        "allowed",
    );
}

#[test]
fn cidr_groups_select_their_addresses() {
    let lab = Lab::new(
        r#"
const PARTNERS = group [198.51.100.0/24, 203.0.113.128/25]
namespace app {
  policy partners-in {
    select pods app=api
    allow from cidr $PARTNERS port 443/tcp
  }
}
"#,
    )
    .pod("api", "app", "app=api")
    .address("p1", "198.51.100.20", &[])
    .address("p2", "203.0.113.200", &[])
    .address("np", "203.0.113.5", &[]);
    lab.row("p1", "api", "443/tcp", "no-policy", "allow", "allowed");
    lab.row("p2", "api", "443/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "np",
        "api",
        "443/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "world",
        "api",
        "443/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
}

#[test]
fn protocols_without_ports_match_their_own_rules_only() {
    let lab = Lab::new(
        r#"
cilium 1.20
namespace app {
  policy lb {
    select pods app=lb
    allow from pods app=lb port 0/vrrp
    allow from pods app=tunnel port 0/gre
    allow from pods app=any
  }
}
"#,
    )
    .pod("lb", "app", "app=lb")
    .pod("tunnel", "app", "app=tunnel")
    .pod("any", "app", "app=any");
    for (from, port, ingress) in [
        ("lb", "0/vrrp", "allow"),
        ("lb", "0/igmp", "default-deny"),
        ("lb", "0/gre", "default-deny"),
        ("lb", "112/tcp", "default-deny"),
        ("tunnel", "0/gre", "allow"),
        ("tunnel", "0/esp", "default-deny"),
        ("tunnel", "0/vrrp", "default-deny"),
        // A rule without ports covers every protocol.
        ("any", "0/vrrp", "allow"),
        ("any", "0/esp", "allow"),
    ] {
        let answer = lab.decide(from, "lb", port);
        assert_eq!(answer.ingress.verdict.as_str(), ingress, "{from} {port}");
    }
}

#[test]
fn port_ranges_protocols_and_the_longest_prefix() {
    let lab = Lab::new(
        r#"
namespace app {
  policy ranges {
    select pods app=server
    allow from pods app=client port 8000-8999/tcp
    allow from pods app=client port 8080/tcp
    allow from pods app=client port 53
    allow from pods app=other
  }
}
"#,
    )
    .pod("server", "app", "app=server")
    .pod("client", "app", "app=client")
    .pod("other", "app", "app=other");
    for (port, ingress) in [
        ("7999/tcp", "default-deny"),
        ("8000/tcp", "allow"),
        ("8500/tcp", "allow"),
        ("8999/tcp", "allow"),
        ("9000/tcp", "default-deny"),
        ("8000/udp", "default-deny"),
        ("53/udp", "allow"),
        ("53/tcp", "allow"),
        ("53/sctp", "allow"),
        ("53/icmp", "default-deny"),
        ("0/vrrp", "default-deny"),
    ] {
        let answer = lab.decide("client", "server", port);
        assert_eq!(answer.ingress.verdict.as_str(), ingress, "client {port}");
    }
    // A rule without ports: every protocol, ICMP and VRRP too.
    lab.row("other", "server", "8/icmp", "no-policy", "allow", "allowed");
    lab.row("other", "server", "0/vrrp", "no-policy", "allow", "allowed");
    // The single port is more specific than the range: only its rule decides.
    let answer = lab.decide("client", "server", "8080/tcp");
    assert_eq!(answer.ingress.deciders.len(), 1);
    let Decider::Rule { origin, .. } = &answer.ingress.deciders[0] else {
        panic!("{answer:#?}");
    };
    assert!(origin.categories.is_empty());
    let answer = lab.decide("client", "server", "8081/tcp");
    assert_eq!(answer.ingress.deciders.len(), 1);
    // 8064-8191, 8000-8063, 8992-8999: the aligned blocks holding each port.
    assert_eq!(ports::range_prefix(8000, 8999, 8080), 9);
    assert_eq!(ports::range_prefix(8000, 8999, 8000), 10);
    assert_eq!(ports::range_prefix(8000, 8999, 8999), 13);
    assert_eq!(ports::range_prefix(8000, 8999, 8998), 13);
    assert_eq!(ports::range_prefix(0, 65535, 1234), 0);
}

#[test]
fn named_ports_resolve_on_the_destination_for_ingress_and_cluster_wide_for_egress() {
    let lab = Lab::new(
        r#"
namespace app {
  policy server-in {
    select pods app=server
    allow from pods app=client port http-alt/tcp
    allow from pods app=client port udp-only/udp
  }
  policy scraper-out {
    select pods app=scraper
    allow to anywhere port metrics/tcp
    allow to anywhere port dup/tcp
    allow to anywhere port mixed/tcp
  }
}
"#,
    )
    .pod("server", "app", "app=server")
    .named_port("server", "http-alt", 8080)
    .named_port("server", "metrics", 9090)
    .named_port("server", "dup", 7000)
    .named_port("server", "udp-only", 5000)
    .named_port_of("server", "mixed", 7100, FlowProtocol::Tcp)
    .pod("client", "app", "app=client")
    .named_port("client", "http-alt", 9999)
    .named_port("client", "dup", 7001)
    .named_port_of("client", "mixed", 7200, FlowProtocol::Udp)
    .pod("scraper", "app", "app=scraper");
    lab.row(
        "client",
        "server",
        "8080/tcp",
        "no-policy",
        "allow",
        "allowed",
    );
    lab.row(
        "client",
        "server",
        "9999/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "scraper",
        "client",
        "9090/tcp",
        "allow",
        "no-policy",
        "allowed",
    );
    lab.row(
        "scraper",
        "server",
        "9091/tcp",
        "default-deny",
        "default-deny",
        "denied",
    );
    // `dup` is 7000 on one pod and 7001 on another: it resolves to nothing.
    lab.row(
        "scraper",
        "server",
        "7000/tcp",
        "default-deny",
        "default-deny",
        "denied",
    );
    lab.row(
        "scraper",
        "client",
        "7001/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    // A named port resolves only for its own protocol: `udp-only` is TCP on
    // the server, so the UDP rule allows nothing; `mixed` is 7100/TCP on one
    // pod and 7200/UDP on another, so for TCP it is 7100 alone.
    lab.row(
        "client",
        "server",
        "5000/udp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "client",
        "server",
        "5000/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "scraper",
        "client",
        "7100/tcp",
        "allow",
        "no-policy",
        "allowed",
    );
    lab.row(
        "scraper",
        "client",
        "7200/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
}

#[test]
fn icmp_rules_match_their_family_and_type() {
    let lab = Lab::new(
        r#"
namespace app {
  policy ping {
    select pods app=server
    allow from anywhere icmp EchoRequest, ipv6 EchoRequest, 3
  }
}
"#,
    )
    .pod("server", "app", "app=server")
    .pod("c", "app", "app=c");
    for (port, ingress) in [
        ("8/icmp", "allow"),
        ("128/icmpv6", "allow"),
        ("8/icmpv6", "default-deny"),
        ("128/icmp", "default-deny"),
        ("3/icmp", "allow"),
        ("3/icmpv6", "default-deny"),
        ("8/tcp", "default-deny"),
        ("0/icmp", "default-deny"),
    ] {
        let answer = lab.decide("c", "server", port);
        assert_eq!(answer.ingress.verdict.as_str(), ingress, "{port}");
    }
}

#[test]
fn host_policies_apply_to_selected_nodes_with_the_host_firewall() {
    let lab = Lab::new(
        r#"
cluster policy host-fw {
  select nodes node-role.kubernetes.io/control-plane=""
  allow from entity cluster
  allow from cidr 192.0.2.0/24 port 22/tcp
}
"#,
    )
    .node("cp1", "node-role.kubernetes.io/control-plane=")
    .node("worker1", "kubernetes.io/hostname=worker1")
    .pod("x", "app", "app=x")
    .address("admin", "192.0.2.10", &[])
    .address("rando", "8.8.4.4", &[]);
    lab.row("admin", "cp1", "22/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "admin",
        "cp1",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row(
        "rando",
        "cp1",
        "22/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("x", "cp1", "10250/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "remote-node",
        "cp1",
        "10250/tcp",
        "no-policy",
        "allow",
        "allowed",
    );
    lab.row(
        "rando",
        "worker1",
        "22/tcp",
        "no-policy",
        "no-policy",
        "allowed",
    );
    lab.row(
        "rando",
        "host",
        "22/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("cp1", "x", "80/tcp", "no-policy", "no-policy", "allowed");
    let off = lab.options(|options| options.host_firewall = false);
    off.row(
        "rando",
        "cp1",
        "22/tcp",
        "no-policy",
        "no-policy",
        "allowed",
    );
}

#[test]
fn the_local_host_reaches_its_pods_unless_denied() {
    let text = r#"
namespace app {
  policy lock {
    select pods app=db
    default deny ingress
  }
  policy no-host {
    select pods app=fenced
    allow from pods app=x
    deny from entity host
  }
}
"#;
    let lab = Lab::new(text)
        .pod("db", "app", "app=db")
        .pod("fenced", "app", "app=fenced")
        .node("n1", "");
    lab.row("n1", "db", "5432/tcp", "no-policy", "allow", "allowed");
    lab.deciders("n1", "db", "5432/tcp", &[], &["<allow-localhost-ingress>"]);
    lab.row("host", "db", "5432/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "remote-node",
        "db",
        "5432/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("n1", "fenced", "80/tcp", "no-policy", "deny", "denied");
    let policy = lab.options(|options| options.allow_localhost = AllowLocalhost::Policy);
    policy.row(
        "n1",
        "db",
        "5432/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
}

#[test]
fn fqdn_peers_select_addresses_by_their_names() {
    let lab = Lab::new(
        r#"
namespace app {
  policy out {
    select pods app=client
    use allow_dns
    allow to fqdn "api.example.com", "*.example.org", "**.cdn.example.net" port 443/tcp
  }
}
"#,
    )
    .pod("client", "app", "app=client")
    .pod("coredns", "kube-system", "k8s-app=kube-dns")
    .address("api", "203.0.113.10", &["API.example.com."])
    .address("org", "198.51.100.5", &["www.example.org"])
    .address("apex", "198.51.100.6", &["example.org"])
    .address("deep", "198.51.100.7", &["a.b.cdn.example.net"])
    .address("cdn-apex", "198.51.100.8", &["cdn.example.net"])
    .address("two", "198.51.100.9", &["a.b.example.org"])
    .address("unknown", "192.0.2.1", &[]);
    lab.row("client", "api", "443/tcp", "allow", "no-policy", "allowed");
    lab.row(
        "client",
        "api",
        "80/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row("client", "org", "443/tcp", "allow", "no-policy", "allowed");
    lab.row(
        "client",
        "apex",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "two",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row("client", "deep", "443/tcp", "allow", "no-policy", "allowed");
    lab.row(
        "client",
        "cdn-apex",
        "443/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "client",
        "unknown",
        "443/tcp",
        "fqdn-unsupported",
        "no-policy",
        "fqdn-unsupported",
    );
    lab.row(
        "client",
        "world",
        "443/tcp",
        "fqdn-unsupported",
        "no-policy",
        "fqdn-unsupported",
    );
    lab.row(
        "client",
        "unknown",
        "80/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    let answer = lab.decide("client", "unknown", "443/tcp");
    assert_eq!(
        answer
            .egress
            .fqdn_rules
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["CNP app/out"]
    );
    assert!(
        lab.decide("client", "unknown", "80/tcp")
            .egress
            .fqdn_rules
            .is_empty()
    );
    // The DNS rule of allow_dns: kube-dns on 53, redirected to the DNS proxy.
    let answer = lab.decide("client", "coredns", "53/udp");
    assert_eq!(answer.egress.verdict, SideVerdict::Allow);
    assert_eq!(answer.egress.proxy, Proxy::Dns);
}

#[test]
fn fqdn_patterns_match_as_cilium_does() {
    use crate::ir::FqdnSelector;
    let name = |text: &str| FqdnSelector::Name(text.into());
    let pattern = |text: &str| FqdnSelector::Pattern(text.into());
    let rows = [
        (name("api.example.com"), "api.example.com", true),
        (name("api.example.com"), "API.Example.com.", true),
        (name("api.example.com"), "x.api.example.com", false),
        (pattern("*"), "anything.at.all", true),
        (pattern("*.example.com"), "a.example.com", true),
        (pattern("*.example.com"), "example.com", false),
        (pattern("*.example.com"), "a.b.example.com", false),
        (pattern("api*.example.com"), "api.example.com", true),
        (pattern("api*.example.com"), "api-2.example.com", true),
        (pattern("api*.example.com"), "web.example.com", false),
        (pattern("**.example.com"), "a.b.example.com", true),
        (pattern("**.example.com"), "a.example.com", true),
        (pattern("**.example.com"), "example.com", false),
    ];
    for (selector, text, want) in rows {
        assert_eq!(
            select::fqdn_matches(&selector, text),
            want,
            "{selector:?} {text}"
        );
    }
}

fn http(method: &str, path: &str, host: Option<&str>, headers: &[(&str, &str)]) -> Request {
    Request::Http(HttpRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        host: host.map(str::to_owned),
        headers: headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
    })
}

#[test]
fn header_matches_refuse_a_differing_header_unless_they_have_a_mismatch_action() {
    let lab = Lab::new(
        r#"
namespace shop {
  policy api {
    select pods app=api
    allow from pods app=web port 8080/tcp
      http GET "/env" header "X-Env" = "prod"
      http GET "/token" header "Authorization" = secret "api-token"
      http GET "/logged" header "X-Env" = "prod" mismatch log
  }
}
"#,
    )
    .pod("api", "shop", "app=api")
    .pod("web", "shop", "app=web");
    let engine = Engine::new(&lab.program);
    let rows = [
        (http("GET", "/env", None, &[("x-env", "prod")]), true),
        (http("GET", "/env", None, &[("X-Env", "dev")]), false),
        (http("GET", "/env", None, &[]), false),
        // A secret's value is unknown: the header must be there.
        (http("GET", "/token", None, &[("Authorization", "x")]), true),
        (http("GET", "/token", None, &[]), false),
        // With `mismatch log` the proxy logs and lets the request through.
        (http("GET", "/logged", None, &[("X-Env", "dev")]), true),
        (http("GET", "/logged", None, &[]), true),
    ];
    for (request, want) in rows {
        let answer = engine.decide(
            &lab.world,
            &lab.flow("web", "api", "8080/tcp", Some(request.clone())),
        );
        assert_eq!(answer.ingress.l7_allowed, Some(want), "{request:?}");
    }
}

#[test]
fn l7_requests_are_judged_by_the_rules_of_the_deciding_entry() {
    let lab = Lab::new(
        r#"
namespace shop {
  policy l7 {
    select pods app=api
    allow from pods app=web port 8080/tcp
      http GET "/api/v1/orders.*"
      http method "GET|HEAD" "/healthz"
      http POST "/api/v1/orders" host "shop.example.com" header "X-Token: 1"
    allow from pods app=open port 8080/tcp
  }
  policy out {
    select pods app=producer
    allow to pods app=kafka port 9092/tcp
      kafka produce topic "orders"
      kafka apikey fetch
    allow to pods k8s-app=kube-dns in namespace kube-system port 53
      dns "*.example.com", "api.stripe.com"
  }
}
"#,
    )
    .pod("api", "shop", "app=api")
    .pod("web", "shop", "app=web")
    .pod("open", "shop", "app=open")
    .pod("producer", "shop", "app=producer")
    .pod("kafka", "shop", "app=kafka")
    .pod("coredns", "kube-system", "k8s-app=kube-dns");
    let engine = Engine::new(&lab.program);
    let judge = |from: &str, to: &str, port: &str, request: Request| {
        let answer = engine.decide(&lab.world, &lab.flow(from, to, port, Some(request)));
        (
            answer.ingress.l7_allowed.or(answer.egress.l7_allowed),
            verdict_name(answer.verdict),
        )
    };
    let rows = [
        (http("GET", "/api/v1/orders/7", None, &[]), Some(true)),
        (http("GET", "/api/v1/order", None, &[]), Some(false)),
        (http("DELETE", "/api/v1/orders/7", None, &[]), Some(false)),
        (http("HEAD", "/healthz", None, &[]), Some(true)),
        (http("HEAD", "/healthz/x", None, &[]), Some(false)),
        (http("GETX", "/healthz", None, &[]), Some(false)),
        (
            http(
                "POST",
                "/api/v1/orders",
                Some("shop.example.com"),
                &[("x-token", "1")],
            ),
            Some(true),
        ),
        (
            http(
                "POST",
                "/api/v1/orders",
                Some("shop.example.com"),
                &[("X-Token", "2")],
            ),
            Some(false),
        ),
        (
            http("POST", "/api/v1/orders", None, &[("X-Token", "1")]),
            Some(false),
        ),
    ];
    for (request, want) in rows {
        let (got, verdict) = judge("web", "api", "8080/tcp", request.clone());
        assert_eq!(got, want, "{request:?}");
        assert_eq!(
            verdict,
            if want == Some(true) {
                "allowed"
            } else {
                "denied"
            },
            "{request:?}"
        );
    }
    // A rule without L7 rules on another entry: nothing to judge.
    assert_eq!(
        judge("open", "api", "8080/tcp", http("DELETE", "/", None, &[])),
        (None, "allowed")
    );
    let kafka = |key: &str, topic: Option<&str>| {
        Request::Kafka(KafkaRequest {
            api_key: key.to_owned(),
            api_version: 0,
            client_id: None,
            topic: topic.map(str::to_owned),
        })
    };
    assert_eq!(
        judge(
            "producer",
            "kafka",
            "9092/tcp",
            kafka("produce", Some("orders"))
        )
        .0,
        Some(true)
    );
    assert_eq!(
        judge(
            "producer",
            "kafka",
            "9092/tcp",
            kafka("produce", Some("audit"))
        )
        .0,
        Some(false)
    );
    assert_eq!(
        judge(
            "producer",
            "kafka",
            "9092/tcp",
            kafka("fetch", Some("audit"))
        )
        .0,
        Some(true)
    );
    assert_eq!(
        judge("producer", "kafka", "9092/tcp", kafka("deletetopics", None)).0,
        Some(false)
    );
    let dns = |name: &str| Request::Dns(name.to_owned());
    assert_eq!(
        judge("producer", "coredns", "53/udp", dns("www.example.com")).0,
        Some(true)
    );
    assert_eq!(
        judge("producer", "coredns", "53/udp", dns("api.stripe.com.")).0,
        Some(true)
    );
    assert_eq!(
        judge("producer", "coredns", "53/udp", dns("example.com")).0,
        Some(false)
    );
    assert_eq!(
        judge("producer", "coredns", "53/tcp", dns("evil.org")),
        (Some(false), "denied")
    );
}

#[test]
fn services_are_reported_unsupported_and_near_misses_name_the_rule() {
    let lab = Lab::new(
        r#"
namespace app {
  policy to-service {
    select pods app=client
    allow to service backend in namespace app port 80/tcp
    allow to pods app=backend port 8080/tcp
  }
}
"#,
    )
    .pod("client", "app", "app=client")
    .pod("backend", "app", "app=backend")
    .pod("other", "app", "app=other");
    let answer = lab.decide("client", "backend", "80/tcp");
    assert_eq!(answer.unsupported, ["toServices (CNP app/to-service)"]);
    assert_eq!(answer.egress.verdict, SideVerdict::DefaultDeny);
    let whys: Vec<&str> = answer
        .egress
        .near_misses
        .iter()
        .map(|miss| miss.why.as_str())
        .collect();
    // The endpoint rule selects the peer on another port: the nearest miss,
    // listed first; the service rule covers the port but its peer is not
    // resolved.
    assert_eq!(
        whys,
        [
            "port 80/TCP is not among 8080/TCP",
            "the rule's peer does not select this endpoint"
        ]
    );
    let answer = lab.decide("client", "other", "8080/tcp");
    let whys: Vec<&str> = answer
        .egress
        .near_misses
        .iter()
        .map(|miss| miss.why.as_str())
        .collect();
    assert_eq!(whys, ["the rule's peer does not select this endpoint"]);
    assert!(
        lab.decide("backend", "client", "80/tcp")
            .unsupported
            .is_empty()
    );
    // The policies that enforce each side are named.
    assert_eq!(
        answer
            .egress
            .enforcing
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["CNP app/to-service"]
    );
}

#[test]
fn a_flow_spec_builds_its_ends_and_says_what_it_assumed() {
    let (program, diagnostics) = crate::sema::tests::check(
        r#"
cluster namespaces {
  shop { team=payments },
  monitoring,
}
namespace shop {
  policy api {
    select pods app=api
    allow from namespaces with team=payments port 8080/tcp
  }
}
"#,
    );
    assert!(!diagnostics.contains("error"), "{diagnostics}");
    let world = World::for_program(&program);
    assert_eq!(world.namespaces["shop"], labels("team=payments"));
    assert!(world.namespaces["monitoring"].is_empty());
    let pod = |namespace: &str, app: &str| {
        crate::ir::EndpointSpec::Pod(crate::ir::PodSpec {
            namespace: namespace.into(),
            labels: [("app".into(), app.into())].into_iter().collect(),
            service_account: None,
        })
    };
    let spec = crate::ir::FlowSpec {
        from: pod("shop", "web"),
        to: pod("shop", "api"),
        protocol: FlowProtocol::Tcp,
        port: 8080,
        request: None,
    };
    let engine = Engine::new(&program);
    let answer = engine.decide_spec(&spec);
    assert_eq!(answer.verdict, FlowVerdict::Allowed);
    assert_eq!(answer.ingress.verdict, SideVerdict::Allow);
    assert!(
        answer
            .assumptions
            .contains(&"pod shop/{app=web}: service account `default`".to_owned()),
        "{:?}",
        answer.assumptions
    );
    let from_monitoring = crate::ir::FlowSpec {
        from: pod("monitoring", "prometheus"),
        ..spec.clone()
    };
    assert_eq!(
        engine.decide_spec(&from_monitoring).verdict,
        FlowVerdict::Denied
    );
    let mut world = World::for_program(&program);
    let address = world.add(&crate::ir::EndpointSpec::Address(
        "10.0.0.1".parse().unwrap(),
    ));
    assert_eq!(address, EndpointId::Address(0));
    let fqdn = world.add(&crate::ir::EndpointSpec::Fqdn("api.stripe.com".into()));
    assert_eq!(world.addresses[1].ip, None);
    assert_eq!(world.addresses[1].fqdns, ["api.stripe.com"]);
    assert_eq!(fqdn, EndpointId::Address(1));
    let node = world.add(&crate::ir::EndpointSpec::Node(BTreeMap::new()));
    assert_eq!(node, EndpointId::Node(0));
}

#[test]
fn node_peers_select_nodes_by_their_labels() {
    let text = r#"
namespace app {
  policy from-control-plane {
    select pods app=api
    allow from nodes node-role.kubernetes.io/control-plane=""
  }
  policy to-linux-nodes {
    select pods app=agent
    allow to nodes { kubernetes.io/os=linux, !node.kubernetes.io/exclude } port 10250/tcp
  }
  policy never-from-edge {
    select pods app=vault
    allow from pods app=x
    deny from nodes zone=edge
  }
}
"#;
    let lab = Lab::new(text)
        .pod("api", "app", "app=api")
        .pod("agent", "app", "app=agent")
        .pod("vault", "app", "app=vault")
        .pod("x", "app", "app=x")
        .node("cp", "node-role.kubernetes.io/control-plane=")
        .node("worker", "kubernetes.io/os=linux")
        .node(
            "excluded",
            "kubernetes.io/os=linux,node.kubernetes.io/exclude=",
        )
        .node("edge", "zone=edge")
        .options(|options| options.allow_localhost = AllowLocalhost::Policy);
    // Ingress: the node's labels decide, not the node being a node.
    lab.row("cp", "api", "80/tcp", "no-policy", "allow", "allowed");
    lab.deciders("cp", "api", "80/tcp", &[], &["CNP app/from-control-plane"]);
    lab.row(
        "worker",
        "api",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    // A remote node carries no labels the engine knows: no selector with a
    // label matches it.
    lab.row(
        "remote-node",
        "api",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    // A pod is not a node, whatever its labels.
    lab.row("x", "api", "80/tcp", "no-policy", "default-deny", "denied");
    // Egress: the selector's terms all hold, on the rule's port only.
    lab.row(
        "agent",
        "worker",
        "10250/tcp",
        "allow",
        "no-policy",
        "allowed",
    );
    lab.row(
        "agent",
        "excluded",
        "10250/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row(
        "agent",
        "worker",
        "22/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    // Deny: a deny rule of node labels wins over allow-localhost too.
    lab.row("edge", "vault", "80/tcp", "no-policy", "deny", "denied");
    lab.row(
        "cp",
        "vault",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    // The answer says which agent flag the decision assumed.
    let answer = lab.decide("cp", "api", "80/tcp");
    assert!(
        answer
            .assumptions
            .iter()
            .any(|line| line.contains("enable-node-selector-labels")
                && line.contains("CNP app/from-control-plane")),
        "{:#?}",
        answer.assumptions
    );
    let pods_only = lab.decide("x", "vault", "80/tcp");
    assert!(
        !pods_only
            .assumptions
            .iter()
            .any(|line| line.contains("CNP app/from-control-plane")),
        "{:#?}",
        pods_only.assumptions
    );
}

#[test]
fn cidr_group_selectors_select_the_addresses_of_the_groups_they_match() {
    let lab = Lab::new(
        r#"
const STORAGE_IPS = group [10.20.0.0/24] label tier=storage, zone=a
const BACKUP_IPS = group [10.30.0.0/24] label tier=storage, zone=b
const OTHER_IPS = group [10.40.0.0/24] label tier=web
namespace app {
  policy storage {
    select pods app=api
    allow to cidr groups with { tier=storage, zone notin (b) }, { tier=web, !zone } port 2049/tcp
  }
}
"#,
    )
    .pod("api", "app", "app=api")
    .address("a", "10.20.0.5", &[])
    .address("b", "10.30.0.5", &[])
    .address("web", "10.40.0.5", &[])
    .address("none", "10.50.0.5", &[]);
    lab.row("api", "a", "2049/tcp", "allow", "no-policy", "allowed");
    // `zone notin (b)` leaves the backup group out.
    lab.row(
        "api",
        "b",
        "2049/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    // The second selector: `tier=web` without a zone.
    lab.row("api", "web", "2049/tcp", "allow", "no-policy", "allowed");
    lab.row(
        "api",
        "none",
        "2049/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    lab.row("api", "a", "22/tcp", "default-deny", "no-policy", "denied");
}

#[test]
fn aws_groups_match_nothing_and_the_answer_says_they_are_not_modelled() {
    let lab = Lab::new(
        r#"
namespace app {
  policy db {
    select pods app=api
    allow to aws groups "sg-0a1b2c3d4e5f60718" port 5432/tcp
    allow to cidr 10.60.0.0/24 port 443/tcp
  }
}
"#,
    )
    .pod("api", "app", "app=api")
    .pod("web", "app", "app=web")
    .address("rds", "10.50.0.5", &[]);
    // The world has no AWS interfaces: the group selects no address.
    lab.row(
        "api",
        "rds",
        "5432/tcp",
        "default-deny",
        "no-policy",
        "denied",
    );
    let answer = lab.decide("api", "rds", "5432/tcp");
    assert_eq!(answer.unsupported.len(), 1, "{:?}", answer.unsupported);
    assert!(
        answer
            .unsupported
            .iter()
            .all(|why| why.starts_with("from/toGroups (") && why.contains("AWS groups")),
        "{:?}",
        answer.unsupported
    );
    // A pod the policy does not select: nothing to flag.
    assert!(lab.decide("web", "rds", "5432/tcp").unsupported.is_empty());
}

/// `specs` entries are rules of their own (SEMANTICS §1): the same rows as
/// `no_default_deny_adds_allow_any_only_when_every_selecting_rule_says_so`
/// with its three policies as the three rule sets of one object.
#[test]
fn each_spec_block_is_a_rule_of_its_own() {
    let lab = Lab::new(
        r#"
namespace web {
  policy tiers {
    spec {
      select pods app=web
      no default deny ingress
      deny from pods role=bad
    }
    spec {
      select pods app=web2
      no default deny ingress
      allow from pods role=good port 80/tcp
    }
    spec {
      select pods app=web2
      allow from pods role=good port 443/tcp
    }
  }
}
"#,
    )
    .pod("web", "web", "app=web")
    .pod("web2", "web", "app=web2")
    .pod("good", "web", "role=good")
    .pod("bad", "web", "role=bad")
    .pod("other", "web", "role=other");
    lab.row("other", "web", "80/tcp", "no-policy", "allow", "allowed");
    lab.deciders("other", "web", "80/tcp", &[], &["<allow-any-ingress>"]);
    lab.row("bad", "web", "80/tcp", "no-policy", "deny", "denied");
    lab.deciders("bad", "web", "80/tcp", &[], &["CNP web/tiers"]);
    lab.row(
        "other",
        "web2",
        "80/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
    lab.row("good", "web2", "80/tcp", "no-policy", "allow", "allowed");
    lab.row("good", "web2", "443/tcp", "no-policy", "allow", "allowed");
    lab.row(
        "good",
        "web2",
        "8443/tcp",
        "no-policy",
        "default-deny",
        "denied",
    );
}
