//! Properties of the flow engine over generated programs (a fixed-seed
//! generator, so every run checks the same cases) and over the example
//! repository and the verdict scenarios:
//! - a flow that no policy selects at either end is allowed;
//! - adding a deny rule never allows more;
//! - adding an allow rule never allows less, unless it turns a direction
//!   to default deny, and then the side that refuses names the policy in
//!   `enforcing`;
//! - `fmt` of the sources, and `import` of the built YAML, never change a
//!   verdict.

use std::collections::BTreeMap;
use std::path::Path;

use netpolc::flow::{
    Address, Answer, EndpointId, Engine, Flow, FlowVerdict, Pod, SideVerdict, World,
};
use netpolc::import::{Input, import};
use netpolc::ir::{Entity, FlowProtocol, Program};
use netpolc::source::SourceMap;

/// A small deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

const SUBJECTS: &[&str] = &["app=a", "app=b", "app=c"];

const INGRESS: &[&str] = &[
    "allow from pods app=a",
    "allow from pods app=b port 80/tcp",
    "allow from pods app=c in namespace n2 port 8080/tcp",
    "allow from pods in namespace n2",
    "allow from entity world port 443/tcp",
    "allow from entity cluster port 53",
    "allow from cidr 10.0.0.0/8 except 10.1.0.0/16 port 80/tcp",
    "allow from anywhere port 1000-2000/tcp",
    "allow from anywhere icmp EchoRequest",
    "allow from entity host",
];

const EGRESS: &[&str] = &[
    "allow to pods app=a",
    "allow to pods app=b port 80/tcp",
    "allow to pods app=c in namespace n2 port 8080/tcp",
    "allow to entity world port 443/tcp",
    "allow to cidr 10.0.0.0/8 port 53",
    "allow to everything port 22/tcp",
    "allow to entity kube-apiserver",
    "allow to anywhere port 1000-2000/tcp",
];

const DENY: &[&str] = &[
    "deny from pods app=b",
    "deny from anywhere port 22/tcp",
    "deny from entity world",
    "deny to pods app=a in namespace n2",
    "deny to cidr 10.1.0.0/16",
    "deny to anywhere port 1500/tcp",
];

/// A program of namespaces n1 and n2, each with up to three policies of
/// up to three rules; the policies as (namespace, name, subject, rules).
fn generate(rng: &mut Rng) -> Vec<(String, String, String, Vec<String>)> {
    let mut policies = Vec::new();
    for namespace in ["n1", "n2"] {
        for index in 0..rng.next() % 3 + 1 {
            let mut rules = Vec::new();
            for _ in 0..rng.next() % 3 + 1 {
                let list = match rng.next() % 3 {
                    0 => INGRESS,
                    1 => EGRESS,
                    _ => DENY,
                };
                rules.push(rng.pick(list).to_owned());
            }
            policies.push((
                namespace.to_owned(),
                format!("p{index}"),
                rng.pick(SUBJECTS).to_owned(),
                rules,
            ));
        }
    }
    policies
}

fn text(policies: &[(String, String, String, Vec<String>)]) -> String {
    let mut out = String::new();
    for namespace in ["n1", "n2", "n3"] {
        out.push_str(&format!("namespace {namespace} {{\n"));
        for (ns, name, subject, rules) in policies {
            if ns == namespace {
                out.push_str(&format!("  policy {name} {{\n    select pods {subject}\n"));
                for rule in rules {
                    out.push_str(&format!("    {rule}\n"));
                }
                out.push_str("  }\n");
            }
        }
        out.push_str("}\n");
    }
    out
}

fn check(files: &[(String, String)]) -> Program {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let (program, _, diagnostics) = netpolc::check(&sources, &netpolc::Options::default());
    let errors: Vec<_> = diagnostics.iter().filter(|diag| diag.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{files:?}");
    program
}

fn compile(text: &str) -> Program {
    check(&[("policy.netpol".to_owned(), text.to_owned())])
}

/// Pods a, b, c and an unselected d in n1, n2 and n3, two addresses, a node.
fn world() -> World {
    let mut world = World {
        cluster: "default".to_owned(),
        ..World::default()
    };
    for namespace in ["n1", "n2", "n3"] {
        world
            .namespaces
            .insert(namespace.to_owned(), BTreeMap::new());
        for app in ["a", "b", "c", "d"] {
            world.pods.push(Pod {
                name: format!("{namespace}/{app}"),
                namespace: namespace.to_owned(),
                labels: [("app".to_owned(), app.to_owned())].into_iter().collect(),
                ..Pod::default()
            });
        }
    }
    for (name, ip) in [
        ("in-10", "10.2.3.4"),
        ("in-10-1", "10.1.0.5"),
        ("out", "8.8.8.8"),
    ] {
        world.addresses.push(Address {
            name: name.to_owned(),
            ip: Some(ip.parse().unwrap()),
            fqdns: Vec::new(),
        });
    }
    world.nodes.push(netpolc::flow::Node::default());
    world
}

const PORTS: &[(FlowProtocol, u16)] = &[
    (FlowProtocol::Tcp, 80),
    (FlowProtocol::Tcp, 8080),
    (FlowProtocol::Tcp, 22),
    (FlowProtocol::Tcp, 443),
    (FlowProtocol::Tcp, 1500),
    (FlowProtocol::Udp, 53),
    (FlowProtocol::Icmp, 8),
];

/// Every pair of endpoints of the world, and some entities, on every port.
fn grid(world: &World) -> Vec<Flow> {
    let mut ends: Vec<EndpointId> = (0..world.pods.len()).map(EndpointId::Pod).collect();
    ends.extend((0..world.addresses.len()).map(EndpointId::Address));
    ends.extend((0..world.nodes.len()).map(EndpointId::Node));
    ends.extend(
        [
            Entity::World,
            Entity::RemoteNode,
            Entity::KubeApiserver,
            Entity::Health,
        ]
        .map(EndpointId::Entity),
    );
    let mut flows = Vec::new();
    for from in &ends {
        for to in &ends {
            for (protocol, port) in PORTS {
                flows.push(Flow {
                    from: *from,
                    to: *to,
                    protocol: *protocol,
                    port: *port,
                    request: None,
                });
            }
        }
    }
    flows
}

fn allowed(answer: &Answer) -> bool {
    answer.verdict == FlowVerdict::Allowed
}

#[test]
fn generated_programs_keep_the_engine_s_promises() {
    let mut rng = Rng(12);
    let world = world();
    let flows = grid(&world);
    let (mut unselected, mut tightened, mut loosened, mut flipped) = (0, 0, 0, 0);
    for _ in 0..12 {
        let policies = generate(&mut rng);
        let base = compile(&text(&policies));
        let engine = Engine::new(&base);

        let target = rng.next() % policies.len();
        let mut with_deny = policies.clone();
        with_deny[target].3.push(rng.pick(DENY).to_owned());
        let deny_program = compile(&text(&with_deny));
        let deny_engine = Engine::new(&deny_program);

        let mut with_allow = policies.clone();
        let list = if rng.next().is_multiple_of(2) {
            INGRESS
        } else {
            EGRESS
        };
        with_allow[target].3.push(rng.pick(list).to_owned());
        let allow_program = compile(&text(&with_allow));
        let allow_engine = Engine::new(&allow_program);
        let target_name = format!("CNP {}/{}", policies[target].0, policies[target].1);

        for flow in &flows {
            let answer = engine.decide(&world, flow);
            if answer.egress.enforcing.is_empty() && answer.ingress.enforcing.is_empty() {
                unselected += 1;
                assert!(allowed(&answer), "{flow:?}: {answer:#?}");
                assert_eq!(answer.egress.verdict, SideVerdict::NoPolicy);
                assert_eq!(answer.ingress.verdict, SideVerdict::NoPolicy);
            }
            let denied = deny_engine.decide(&world, flow);
            if allowed(&denied) {
                assert!(allowed(&answer), "a deny allowed {flow:?}\n{with_deny:?}");
            } else if allowed(&answer) {
                tightened += 1;
            }
            let more = allow_engine.decide(&world, flow);
            if allowed(&answer) && !allowed(&more) {
                flipped += 1;
                let sides = [
                    (&answer.egress, &more.egress),
                    (&answer.ingress, &more.ingress),
                ];
                let explained = sides.iter().any(|(before, after)| {
                    before.verdict == SideVerdict::NoPolicy
                        && after.verdict == SideVerdict::DefaultDeny
                        && after
                            .enforcing
                            .iter()
                            .any(|policy| policy.to_string() == target_name)
                });
                assert!(
                    explained,
                    "an allow denied {flow:?}\n{with_allow:?}\n{more:#?}"
                );
            } else if !allowed(&answer) && allowed(&more) {
                loosened += 1;
            }
        }
    }
    eprintln!(
        "flow properties: {unselected} unselected flows, {tightened} closed by a deny, \
         {loosened} opened and {flipped} closed by an allow"
    );
    // Each property was exercised.
    assert!(unselected > 0 && tightened > 0 && loosened > 0 && flipped > 0);
}

/// The answer's verdicts, proxies and deciding policies: what must not
/// change when only the sources' spelling changes.
fn summary(answer: &Answer) -> (FlowVerdict, [SideVerdict; 2], [&str; 2], [Vec<String>; 2]) {
    let deciders = |side: &netpolc::flow::Side| {
        let mut names: Vec<String> = side.deciders.iter().map(ToString::to_string).collect();
        names.sort();
        names.dedup();
        names
    };
    (
        answer.verdict,
        [answer.egress.verdict, answer.ingress.verdict],
        [answer.egress.proxy.as_str(), answer.ingress.proxy.as_str()],
        [deciders(&answer.egress), deciders(&answer.ingress)],
    )
}

fn same_verdicts(a: &Program, b: &Program, world: &World, flows: &[Flow], what: &str) -> usize {
    let (one, two) = (Engine::new(a), Engine::new(b));
    for flow in flows {
        assert_eq!(
            summary(&one.decide(world, flow)),
            summary(&two.decide(world, flow)),
            "{what}: {flow:?}"
        );
    }
    flows.len()
}

/// `netpolc build`'s YAML imported back.
fn rebuilt(files: &[(String, String)]) -> Program {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    let inputs: Vec<Input> = compilation
        .files
        .iter()
        .filter(|file| file.path.ends_with(".yaml"))
        .map(|file| Input {
            path: file.path.clone(),
            text: file.contents.clone(),
            named: true,
        })
        .collect();
    let imported = import(&inputs);
    assert!(
        !imported.diagnostics.iter().any(|diag| diag.is_error()),
        "{:#?}",
        imported.diagnostics
    );
    let files: Vec<(String, String)> = imported
        .files
        .iter()
        .map(|file| (file.path.clone(), file.contents.clone()))
        .collect();
    check(&files)
}

fn formatted(files: &[(String, String)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, text)| (path.clone(), netpolc::fmt::format(text).unwrap()))
        .collect()
}

/// Pods for a program: in every namespace of its world, one pod per label
/// set that a policy subject requires, and one without labels.
fn populate(program: &Program) -> World {
    let mut world = World::for_program(program);
    let mut label_sets: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
    let subjects = program
        .namespaces
        .values()
        .flat_map(|namespace| &namespace.policies)
        .chain(&program.cluster);
    for policy in subjects {
        if let netpolc::ir::Subject::Pods(selector) = &policy.spec.subject {
            let labels: BTreeMap<String, String> = selector
                .match_labels
                .iter()
                .filter(|(key, _)| !key.contains(':') && !key.contains("io.kubernetes"))
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect();
            if !label_sets.contains(&labels) {
                label_sets.push(labels);
            }
        }
    }
    let namespaces: Vec<String> = world.namespaces.keys().cloned().collect();
    for namespace in namespaces {
        for labels in &label_sets {
            world.pods.push(Pod {
                name: format!("{namespace}/{labels:?}"),
                namespace: namespace.clone(),
                labels: labels.clone(),
                ..Pod::default()
            });
        }
    }
    world.addresses.push(Address {
        name: "out".to_owned(),
        ip: Some("10.20.0.10".parse().unwrap()),
        fqdns: Vec::new(),
    });
    world
}

/// A sample of the grid: every `step`-th flow.
fn sample(world: &World, step: usize) -> Vec<Flow> {
    let mut ends: Vec<EndpointId> = (0..world.pods.len()).map(EndpointId::Pod).collect();
    ends.extend((0..world.addresses.len()).map(EndpointId::Address));
    ends.extend([Entity::World, Entity::Host, Entity::KubeApiserver].map(EndpointId::Entity));
    let ports: &[(FlowProtocol, u16)] = &[
        (FlowProtocol::Tcp, 8080),
        (FlowProtocol::Tcp, 9090),
        (FlowProtocol::Tcp, 443),
        (FlowProtocol::Udp, 53),
        (FlowProtocol::Tcp, 2049),
    ];
    let mut flows = Vec::new();
    let mut index = 0usize;
    for from in &ends {
        for to in &ends {
            for (protocol, port) in ports {
                index += 1;
                if index.is_multiple_of(step) {
                    flows.push(Flow {
                        from: *from,
                        to: *to,
                        protocol: *protocol,
                        port: *port,
                        request: None,
                    });
                }
            }
        }
    }
    flows
}

#[test]
fn fmt_and_import_of_the_build_keep_every_verdict() {
    let mut checked = 0;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform");
    let files = crate::examples::repo_files(&root);
    let program = check(&files);
    let world = populate(&program);
    let flows = sample(&world, 29);
    checked += same_verdicts(&program, &check(&formatted(&files)), &world, &flows, "fmt");
    checked += same_verdicts(
        &program,
        &rebuilt(&files),
        &world,
        &flows,
        "import of the build",
    );

    let mut names: Vec<String> = std::fs::read_dir(crate::verdicts::dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|file| file.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    assert_eq!(names.len(), 17);
    for name in &names {
        let yaml =
            std::fs::read_to_string(crate::verdicts::dir().join(format!("{name}.yaml"))).unwrap();
        // The scenarios import refuses run on the verdict test's rewrites.
        let yaml = match crate::verdicts::plan(name).rewrite {
            Some(rewrite) => rewrite(&yaml),
            None => yaml,
        };
        let imported = import(&[Input {
            path: format!("{name}.yaml"),
            text: yaml,
            named: true,
        }]);
        let files: Vec<(String, String)> = imported
            .files
            .iter()
            .map(|file| (file.path.clone(), file.contents.clone()))
            .collect();
        let program = check(&files);
        let scenario: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(crate::verdicts::dir().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let (world, _) = crate::verdicts::world(&scenario);
        let flows = sample(&world, 3);
        checked += same_verdicts(&program, &check(&formatted(&files)), &world, &flows, name);
        checked += same_verdicts(&program, &rebuilt(&files), &world, &flows, name);
    }
    eprintln!("flow properties: {checked} flows decided alike after fmt and import of the build");
    assert!(checked > 1000, "{checked}");
}
