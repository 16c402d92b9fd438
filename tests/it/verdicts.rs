//! The flow engine against Cilium's own verdicts (tests/verdicts/, see
//! tests/verdicts/SOURCE.md): each scenario's YAML goes through `netpolc import`, the
//! imported `.netpol` files through `netpolc::check`, its cluster is built
//! as a `World`, and every field of every flow's `expect` is compared.
//!
//! What is not run, and why (asserted below, so the list cannot go stale):
//! - 16-unsupported: `bad-policy` mixes two peer kinds in one rule; import
//!   refuses it with E0702, as Cilium's `Parse()` does (the scenario's
//!   `expectRejected`). The scenario runs without it; both flows run.
//! - 17-tls-and-generic-l7 runs as written (`sni`, `terminate tls`,
//!   `l7 "r2d2"`); Cilium names a generic redirect by its parser (`r2d2`),
//!   which the answer gives beside `Proxy::Generic`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use netpolc::flow::{
    Address, AgentOptions, AllowLocalhost, Answer, EndpointId, Engine, Flow, NamedPort, Node, Pod,
    PolicyMode, World,
};
use netpolc::import::{Input, import};
use netpolc::ir::{Entity, FlowProtocol, Program};
use netpolc::source::SourceMap;
use serde_json::Value;

pub fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/verdicts")
}

/// Imports YAML text and checks the imported files: the program, or the
/// error codes of the import.
pub fn load(name: &str, yaml: &str) -> Result<Program, Vec<String>> {
    let imported = import(&[Input {
        path: format!("{name}.yaml"),
        text: yaml.to_owned(),
        named: true,
    }]);
    let errors: Vec<String> = imported
        .diagnostics
        .iter()
        .filter(|diag| diag.is_error())
        .map(|diag| diag.code.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut sources = SourceMap::with_stdlib();
    for file in &imported.files {
        sources.add_user(file.path.clone(), file.contents.clone());
    }
    let (program, _, diagnostics) = netpolc::check(&sources, &netpolc::Options::default());
    assert!(
        !diagnostics.iter().any(|diag| diag.is_error()),
        "{name}: the imported files do not check: {diagnostics:#?}"
    );
    Ok(program)
}

/// The YAML documents of `yaml` except those `drop` names.
fn without(yaml: &str, drop: &str) -> String {
    yaml.split("\n---\n")
        .filter(|doc| !doc.contains(&format!("name: {drop}\n")))
        .collect::<Vec<_>>()
        .join("\n---\n")
}

/// What a scenario needs beyond its files.
pub struct Plan {
    /// The YAML to import instead of the file's, when import refuses it.
    pub rewrite: Option<fn(&str) -> String>,
    /// The codes import refuses the original with, when it does.
    refused: &'static [&'static str],
    /// Flows not run, by index.
    skipped: &'static [usize],
}

pub fn plan(name: &str) -> Plan {
    match name {
        "16-unsupported" => Plan {
            rewrite: Some(|yaml| without(yaml, "bad-policy")),
            refused: &["E0702"],
            skipped: &[],
        },
        "17-tls-and-generic-l7" => Plan {
            rewrite: None,
            refused: &[],
            skipped: &[],
        },
        _ => Plan {
            rewrite: None,
            refused: &[],
            skipped: &[],
        },
    }
}

pub fn protocol(text: &str) -> FlowProtocol {
    match text {
        "TCP" => FlowProtocol::Tcp,
        "UDP" => FlowProtocol::Udp,
        "SCTP" => FlowProtocol::Sctp,
        "ICMP" => FlowProtocol::Icmp,
        "ICMPv6" => FlowProtocol::Icmpv6,
        "VRRP" => FlowProtocol::Vrrp,
        "IGMP" => FlowProtocol::Igmp,
        other => panic!("protocol {other}"),
    }
}

fn strings(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The scenario's cluster, and a name → endpoint table for its flows.
pub fn world(scenario: &Value) -> (World, BTreeMap<String, EndpointId>) {
    let mut world = World {
        cluster: scenario["cluster"].as_str().unwrap_or("default").to_owned(),
        ..World::default()
    };
    let mut names = BTreeMap::new();
    for (namespace, body) in scenario["namespaces"].as_object().into_iter().flatten() {
        world
            .namespaces
            .insert(namespace.clone(), strings(&body["labels"]));
    }
    let endpoints = scenario["endpoints"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for endpoint in &endpoints {
        let name = endpoint["name"].as_str().unwrap().to_owned();
        let namespace = endpoint["namespace"].as_str().unwrap().to_owned();
        world.namespaces.entry(namespace.clone()).or_default();
        let mut named_ports = BTreeMap::new();
        for (port_name, port) in endpoint["namedPorts"].as_object().into_iter().flatten() {
            let named = match port {
                Value::Number(number) => NamedPort {
                    port: u16::try_from(number.as_u64().unwrap()).unwrap(),
                    protocol: FlowProtocol::Tcp,
                },
                Value::String(text) => {
                    let (number, proto) = text.split_once('/').unwrap();
                    NamedPort {
                        port: number.parse().unwrap(),
                        protocol: protocol(proto),
                    }
                }
                other => panic!("named port {other}"),
            };
            named_ports.insert(port_name.clone(), named);
        }
        world.pods.push(Pod {
            name: name.clone(),
            namespace: namespace.clone(),
            labels: strings(&endpoint["labels"]),
            service_account: endpoint["serviceAccount"].as_str().unwrap_or("").to_owned(),
            named_ports,
        });
        let id = EndpointId::Pod(world.pods.len() - 1);
        names.insert(format!("{namespace}/{name}"), id);
        let unique = endpoints
            .iter()
            .filter(|other| other["name"] == endpoint["name"])
            .count()
            == 1;
        if unique {
            names.insert(name, id);
        }
    }
    for node in scenario["nodes"].as_array().into_iter().flatten() {
        world.nodes.push(Node {
            name: node["name"].as_str().unwrap().to_owned(),
            labels: strings(&node["labels"]),
        });
        names.insert(
            node["name"].as_str().unwrap().to_owned(),
            EndpointId::Node(world.nodes.len() - 1),
        );
    }
    for cidr in scenario["cidrs"].as_array().into_iter().flatten() {
        world.addresses.push(Address {
            name: cidr["name"].as_str().unwrap().to_owned(),
            ip: Some(cidr["ip"].as_str().unwrap().parse::<IpAddr>().unwrap()),
            fqdns: cidr["fqdns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|name| name.as_str().unwrap().to_owned())
                .collect(),
        });
        names.insert(
            cidr["name"].as_str().unwrap().to_owned(),
            EndpointId::Address(world.addresses.len() - 1),
        );
    }
    for (entity, name) in Entity::NAMES {
        if !matches!(entity, Entity::All | Entity::Cluster | Entity::None) {
            names
                .entry((*name).to_owned())
                .or_insert(EndpointId::Entity(*entity));
        }
    }
    let options = &scenario["options"];
    world.options = AgentOptions {
        host_firewall: options["hostFirewall"].as_bool().unwrap_or(true),
        allow_localhost: match options["allowLocalhost"].as_str() {
            Some("policy") => AllowLocalhost::Policy,
            _ => AllowLocalhost::Always,
        },
        policy_mode: match options["policyMode"].as_str() {
            Some("always") => PolicyMode::Always,
            Some("never") => PolicyMode::Never,
            _ => PolicyMode::Default,
        },
        dual_stack: options["dualStack"].as_bool().unwrap_or(false),
    };
    (world, names)
}

/// The answer in the verdict files' words, for the fields `expect` lists.
fn field(answer: &Answer, name: &str) -> Value {
    let rules = |deciders: &[netpolc::flow::Decider]| {
        let mut names: Vec<String> = deciders.iter().map(ToString::to_string).collect();
        names.sort();
        names.dedup();
        Value::from(names)
    };
    // Cilium names a generic redirect by its parser (`l7proto`).
    let proxy = |side: &netpolc::flow::Side| match &side.parser {
        Some(parser) => parser.clone(),
        None => side.proxy.as_str().to_owned(),
    };
    let l7 = || {
        if answer.verdict == netpolc::flow::FlowVerdict::Denied {
            "none".to_owned()
        } else if answer.egress.proxy != netpolc::flow::Proxy::None {
            proxy(&answer.egress)
        } else {
            proxy(&answer.ingress)
        }
    };
    match name {
        "verdict" => Value::from(match answer.verdict {
            netpolc::flow::FlowVerdict::Allowed => "allowed",
            netpolc::flow::FlowVerdict::Denied => "denied",
            netpolc::flow::FlowVerdict::FqdnUnsupported => "fqdn-unsupported",
        }),
        "egress" => Value::from(answer.egress.verdict.as_str()),
        "ingress" => Value::from(answer.ingress.verdict.as_str()),
        "l7" => Value::from(l7()),
        "egress_l7" => Value::from(proxy(&answer.egress)),
        "ingress_l7" => Value::from(proxy(&answer.ingress)),
        "egress_rules" => rules(&answer.egress.deciders),
        "ingress_rules" => rules(&answer.ingress.deciders),
        "fqdn_rules" => Value::from(
            answer
                .egress
                .fqdn_rules
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        ),
        "unsupported" => Value::from(answer.unsupported.clone()),
        other => panic!("unknown expect field {other}"),
    }
}

#[test]
fn cilium_verdicts() {
    let mut scenarios = 0;
    let mut checked = 0;
    let mut fields = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|file| file.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    for name in &names {
        scenarios += 1;
        let yaml = std::fs::read_to_string(dir().join(format!("{name}.yaml"))).unwrap();
        let scenario: Value = serde_json::from_str(
            &std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let plan = plan(name);
        let program = match plan.rewrite {
            Some(rewrite) => {
                let refused = load(name, &yaml).expect_err("import takes the original now");
                for code in plan.refused {
                    assert!(refused.iter().any(|got| got == code), "{name}: {refused:?}");
                }
                load(name, &rewrite(&yaml)).unwrap_or_else(|codes| panic!("{name}: {codes:?}"))
            }
            None => load(name, &yaml).unwrap_or_else(|codes| panic!("{name}: {codes:?}")),
        };
        let engine = Engine::new(&program);
        let (world, ids) = world(&scenario);
        for (index, flow) in scenario["flows"].as_array().unwrap().iter().enumerate() {
            if plan.skipped.contains(&index) {
                skipped.push(format!("{name} flow {index}"));
                continue;
            }
            let id = |key: &str| {
                let text = flow[key].as_str().unwrap();
                *ids.get(text)
                    .unwrap_or_else(|| panic!("{name}: no endpoint {text}"))
            };
            let decided = Flow {
                from: id("from"),
                to: id("to"),
                protocol: protocol(flow["protocol"].as_str().unwrap_or("TCP")),
                port: u16::try_from(flow["port"].as_u64().unwrap_or(0)).unwrap(),
                request: None,
            };
            let answer = engine.decide(&world, &decided);
            for (key, want) in flow["expect"].as_object().unwrap() {
                let got = field(&answer, key);
                fields += 1;
                if &got != want {
                    failures.push(format!(
                        "{name} flow {index} ({} -> {} {}): {key} is {got}, Cilium says {want}",
                        flow["from"], flow["to"], flow["port"]
                    ));
                }
            }
            checked += 1;
        }
    }
    eprintln!(
        "verdicts: {scenarios} scenarios, {checked} flows checked ({fields} fields), {} skipped ({})",
        skipped.len(),
        skipped.join(", ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(scenarios, 17);
    // The scenario files hold 113 flows (their README says 130).
    assert_eq!(checked, 113);
    assert!(skipped.is_empty(), "{skipped:?}");
}
