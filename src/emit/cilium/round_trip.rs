//! The writer's round-trip property: for generated IR, the printed spec
//! reads back with serde_yaml to the value serde_yaml makes of the CRD
//! structs directly (their test-only `Serialize`, the serde Serializer's
//! input before the typed writer replaced it), and, for IR whose strings
//! YAML 1.1 and 1.2 read alike, is byte for byte serde_yaml's own text.
//!
//! The generator is deterministic (a SplitMix64 stream from fixed seeds), so
//! a failure names its seed and reproduces. It draws strings from the hard
//! cases of YAML quoting (YAML 1.1 booleans, numbers, timestamps, null and
//! `~`, indicators first, `: ` and ` #` inside, leading and trailing spaces,
//! the empty string, controls, line breaks, multi-line text, non-ASCII),
//! joins of them, and random characters, for every string field of the IR:
//! descriptions, label keys and values, FQDNs, service and namespace names,
//! port names, L7 fields, TLS server names, ICMP names, CIDR group names;
//! with CIDRs (with and without exceptions, both families), port numbers
//! and ranges, every peer kind and every list.

use super::{Rule, body_text, spec_text};
use crate::emit::yaml::Node;
use crate::emit::yaml::reference::{self, Mapping, Value};
use crate::ir;
use crate::source::{FileId, Span};

use super::write::Write as _;

/// SplitMix64: a small, fixed random stream.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `bound` (which is not 0).
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap_or(1)).unwrap_or(0)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = self.below(items.len());
        items
            .get(index)
            .unwrap_or_else(|| unreachable!("index below the length"))
    }
}

/// Hard cases for YAML quoting.
const TRICKY: &[&str] = &[
    "",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "Y",
    "~",
    "null",
    "Null",
    "true",
    "False",
    "0777",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1e3",
    "1E+3",
    ".5",
    "5.",
    "+1",
    "-1",
    "0",
    "80",
    "8080",
    "1:20",
    "190:20:30.15",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "=",
    "<<",
    ".inf",
    "-.Inf",
    ".NaN",
    "*a",
    "&a",
    "!a",
    "%a",
    "@a",
    "|a",
    ">a",
    "'a",
    "\"a",
    "#a",
    "`a",
    "{a}",
    "[a]",
    ",a",
    "?a",
    "? a",
    "?",
    "-a",
    "- a",
    "-",
    ":a",
    ": a",
    "a:",
    "a: b",
    "a #b",
    "a#b",
    " lead",
    "trail ",
    " ",
    "a\nb",
    "a\n",
    "a\n\n",
    "\n",
    "\n\n",
    " a\nb",
    "a \nb",
    "a\n b",
    "line one\nline two\n\nthree",
    "tab\tx",
    "\ta",
    "x\u{1}y",
    "\u{7f}",
    "\r",
    "a\r\nb",
    "\u{85}",
    "\u{a0}",
    "\u{feff}a",
    "\u{fffe}",
    "a\u{2028}b",
    "a\u{2029}",
    "héllo",
    "日本: x",
    "😀",
    "---",
    "---a",
    "...",
    "a'b",
    "a\"b",
    "\\",
    "a\\b",
    "k8s:app",
    "io.kubernetes.pod.namespace",
    "/api/v1/.*",
    "X-Token: secret",
    "GET",
    "*.example.com",
    "**.example.com",
    "api.example.com",
    "kube-system",
    "web",
];

/// Characters for random strings.
const CHARACTERS: &[char] = &[
    'a', 'b', 'x', 'Y', 'n', '0', '1', '9', '.', '-', '_', ':', ' ', '#', '*', '\'', '"', '?', '+',
    '~', '/', ',', '[', '{', '!', '&', '|', '>', '%', '@', '`', '=', '<', '\n', '\t', 'é', '日',
    '\u{a0}', '\u{1}', '\\',
];

/// Generates IR. In `safe` mode every string starts with a letter that
/// begins no YAML 1.1 or 1.2 non-string, has no line break but `\n` (serde_yaml
/// prints U+0085, U+2028 and U+2029 as one scalar the writer's layout
/// places differently), and keys have no line break at all (serde_yaml would
/// print a multi-line key in its complex-key form).
struct Generator {
    random: Random,
    safe: bool,
}

impl Generator {
    fn raw(&mut self) -> String {
        match self.random.below(3) {
            0 => (*self.random.pick(TRICKY)).to_owned(),
            1 => {
                let pieces = 2 + self.random.below(3);
                (0..pieces)
                    .map(|_| *self.random.pick(TRICKY))
                    .collect::<String>()
            }
            _ => {
                let length = self.random.below(8);
                (0..length).map(|_| *self.random.pick(CHARACTERS)).collect()
            }
        }
    }

    fn text(&mut self) -> String {
        let raw = self.raw();
        if !self.safe {
            return raw;
        }
        let lead = *self.random.pick(&["x", "z", "é", "日"]);
        let text: String = format!("{lead}{raw}")
            .chars()
            .filter(|character| !matches!(character, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
            .collect();
        text
    }

    fn key_text(&mut self) -> String {
        let text = self.text();
        if self.safe {
            text.chars()
                .filter(|character| *character != '\n')
                .collect()
        } else {
            text
        }
    }

    fn count(&mut self, most: usize) -> usize {
        self.random.below(most + 1)
    }

    fn selector(&mut self) -> ir::Selector {
        let match_labels: ir::LabelMap<ir::LabelKey, ir::LabelValue> = (0..self.count(3))
            .map(|_| {
                let key = self.key_text();
                let value = self.text();
                (key.as_str().into(), value.as_str().into())
            })
            .collect();
        let match_expressions = (0..self.count(2))
            .map(|_| {
                let operator = *self.random.pick(&[
                    ir::Operator::In,
                    ir::Operator::NotIn,
                    ir::Operator::Exists,
                    ir::Operator::DoesNotExist,
                ]);
                let values = match operator {
                    ir::Operator::In | ir::Operator::NotIn => (0..self.count(3))
                        .map(|_| self.text().as_str().into())
                        .collect(),
                    ir::Operator::Exists | ir::Operator::DoesNotExist => Vec::new(),
                };
                ir::Expression {
                    key: self.text().as_str().into(),
                    operator,
                    values,
                }
            })
            .collect();
        ir::Selector {
            match_labels,
            match_expressions,
        }
    }

    fn cidr(&mut self) -> ir::CidrRule {
        let (text, inner) = if self.random.chance(50) {
            let (a, b, c) = (
                self.random.below(256),
                self.random.below(256),
                self.random.below(256),
            );
            (format!("{a}.{b}.0.0/16"), format!("{a}.{b}.{c}.0/24"))
        } else {
            let (a, b) = (self.random.below(0x10000), self.random.below(0x10000));
            (
                format!("2001:db8:{a:x}::/48"),
                format!("2001:db8:{a:x}:{b:x}::/64"),
            )
        };
        let parse = |text: &str| {
            text.parse::<ipnet::IpNet>()
                .unwrap_or_else(|_| unreachable!("generated CIDR {text}"))
        };
        let except = if self.random.chance(40) {
            vec![parse(&inner)]
        } else {
            Vec::new()
        };
        ir::CidrRule::new(parse(&text), except)
            .unwrap_or_else(|| unreachable!("the exception is inside {text}"))
    }

    fn cidrs(&mut self) -> Vec<ir::CidrRule> {
        (0..self.count(3)).map(|_| self.cidr()).collect()
    }

    fn group_peer(&mut self) -> ir::CidrGroupPeer {
        let cidrs = self.cidrs();
        let groups = (0..1 + self.count(2))
            .map(|_| self.text().as_str().into())
            .collect();
        ir::CidrGroupPeer::new(cidrs, groups).unwrap_or_else(|| unreachable!("at least one group"))
    }

    fn entities(&mut self) -> Vec<ir::Entity> {
        (0..self.count(3))
            .map(|_| self.random.pick(ir::Entity::NAMES).0)
            .collect()
    }

    fn fqdn(&mut self) -> ir::FqdnSelector {
        let text = self.text();
        if self.random.chance(50) {
            ir::FqdnSelector::Name(text.as_str().into())
        } else {
            ir::FqdnSelector::Pattern(text.as_str().into())
        }
    }

    fn namespace(&mut self) -> Option<ir::NamespaceName> {
        self.random.chance(50).then(|| self.text().as_str().into())
    }

    fn service(&mut self) -> ir::ServiceRef {
        if self.random.chance(50) {
            ir::ServiceRef::Named {
                name: self.text().as_str().into(),
                namespace: self.namespace(),
            }
        } else {
            ir::ServiceRef::Selected {
                selector: self.selector(),
                namespace: self.namespace(),
            }
        }
    }

    fn ports(&mut self) -> Vec<ir::PortSpec> {
        let protocols = [
            ir::Protocol::Tcp,
            ir::Protocol::Udp,
            ir::Protocol::Sctp,
            ir::Protocol::Any,
        ];
        (0..self.count(3))
            .map(|_| {
                let protocol = *self.random.pick(&protocols);
                match self.random.below(3) {
                    0 => ir::PortSpec::single(
                        ir::Port::Number(u16::try_from(self.random.below(65536)).unwrap_or(0)),
                        protocol,
                    ),
                    1 => {
                        ir::PortSpec::single(ir::Port::Name(self.text().as_str().into()), protocol)
                    }
                    _ => {
                        let start = u16::try_from(self.random.below(60000)).unwrap_or(0);
                        let end = start + 1 + u16::try_from(self.random.below(5000)).unwrap_or(0);
                        ir::PortSpec::range(start, end, protocol)
                            .unwrap_or_else(|| unreachable!("start below end"))
                    }
                }
            })
            .collect()
    }

    fn icmps(&mut self) -> Vec<ir::IcmpType> {
        (0..self.count(2))
            .map(|_| ir::IcmpType {
                family: *self.random.pick(&[ir::IcmpFamily::V4, ir::IcmpFamily::V6]),
                kind: if self.random.chance(50) {
                    ir::IcmpKind::Number(u8::try_from(self.random.below(256)).unwrap_or(0))
                } else {
                    ir::IcmpKind::Name(self.text().as_str().into())
                },
            })
            .collect()
    }

    fn optional<T>(&mut self, make: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.random.chance(50) {
            Some(make(self))
        } else {
            None
        }
    }

    fn l7(&mut self) -> Option<Box<ir::L7>> {
        self.l7_rules().map(Box::new)
    }

    fn l7_rules(&mut self) -> Option<ir::L7> {
        match self.random.below(6) {
            0 => None,
            4 => Some(ir::L7::Listener(ir::Listener {
                config: self.text(),
                kind: match self.random.below(3) {
                    0 => None,
                    1 => Some(ir::EnvoyConfigKind::Namespaced),
                    _ => Some(ir::EnvoyConfigKind::Clusterwide),
                },
                name: self.text(),
                priority: self.optional(|generator| {
                    u8::try_from(generator.random.below(100) + 1).unwrap_or(1)
                }),
            })),
            5 => Some(ir::L7::Generic(ir::GenericL7 {
                proto: self.text(),
                rules: (0..self.count(2))
                    .map(|_| {
                        (0..self.count(3))
                            .map(|_| (self.key_text(), self.text()))
                            .collect()
                    })
                    .collect(),
            })),
            1 => Some(ir::L7::Http(
                (0..self.count(2))
                    .map(|_| ir::HttpRule {
                        method: self.optional(|generator| generator.text().as_str().into()),
                        path: self.optional(|generator| generator.text().as_str().into()),
                        host: self.optional(|generator| generator.text().as_str().into()),
                        headers: (0..self.count(2))
                            .map(|_| self.text().as_str().into())
                            .collect(),
                        header_matches: (0..self.count(2))
                            .map(|_| ir::HeaderMatch {
                                name: self.text().as_str().into(),
                                value: self.optional(|generator| generator.text().as_str().into()),
                                secret: self.optional(Self::secret),
                                mismatch: match self.random.below(5) {
                                    0 => None,
                                    n => ir::Mismatch::ALL.get(n - 1).copied(),
                                },
                            })
                            .collect(),
                    })
                    .collect(),
            )),
            2 => Some(ir::L7::Kafka(
                (0..self.count(2))
                    .map(|_| ir::KafkaRule {
                        role: self.optional(|generator| {
                            *generator
                                .random
                                .pick(&[ir::KafkaRole::Produce, ir::KafkaRole::Consume])
                        }),
                        api_key: self.optional(|generator| generator.text().as_str().into()),
                        api_version: self.optional(|generator| {
                            u16::try_from(generator.random.below(32768)).unwrap_or(0)
                        }),
                        client_id: self.optional(|generator| generator.text().as_str().into()),
                        topic: self.optional(|generator| generator.text().as_str().into()),
                    })
                    .collect(),
            )),
            _ => Some(ir::L7::Dns(
                (0..self.count(2)).map(|_| self.fqdn()).collect(),
            )),
        }
    }

    fn secret(&mut self) -> ir::SecretRef {
        ir::SecretRef {
            namespace: self.optional(|generator| generator.text().as_str().into()),
            name: self.text().as_str().into(),
        }
    }

    fn tls_context(&mut self) -> ir::TlsContext {
        ir::TlsContext {
            secret: self.secret(),
            trusted_ca: self.optional(|generator| generator.text().as_str().into()),
            certificate: self.optional(|generator| generator.text().as_str().into()),
            private_key: self.optional(|generator| generator.text().as_str().into()),
        }
    }

    fn tls(&mut self) -> Option<Box<ir::Tls>> {
        self.optional(|generator| {
            Box::new(ir::Tls {
                server_names: (0..generator.count(2))
                    .map(|_| generator.text().as_str().into())
                    .collect(),
                terminating: generator.optional(Self::tls_context),
                originating: generator.optional(Self::tls_context),
            })
        })
    }

    fn rule<P, L, A, T>(
        &mut self,
        peer: P,
        l7: L,
        authentication: A,
        tls: T,
    ) -> ir::Rule<P, L, A, T> {
        ir::Rule {
            origin: ir::RuleOrigin {
                span: Span::new(FileId(0), 0, 0),
                categories: Vec::new(),
            },
            peer,
            ports: self.ports(),
            icmps: self.icmps(),
            l7,
            authentication,
            tls,
        }
    }

    fn ingress_peer(&mut self) -> ir::IngressPeer {
        match self.random.below(5) {
            0 => ir::IngressPeer::Anywhere,
            1 => ir::IngressPeer::Endpoints((0..self.count(2)).map(|_| self.selector()).collect()),
            2 => ir::IngressPeer::Entities(self.entities()),
            3 => ir::IngressPeer::Cidrs(self.cidrs()),
            _ => ir::IngressPeer::CidrGroups(self.group_peer()),
        }
    }

    fn egress_peer(&mut self) -> ir::EgressPeer {
        match self.random.below(7) {
            0 => ir::EgressPeer::Anywhere,
            1 => ir::EgressPeer::Endpoints((0..self.count(2)).map(|_| self.selector()).collect()),
            2 => ir::EgressPeer::Entities(self.entities()),
            3 => ir::EgressPeer::Cidrs(self.cidrs()),
            4 => ir::EgressPeer::CidrGroups(self.group_peer()),
            5 => ir::EgressPeer::Fqdns((0..self.count(2)).map(|_| self.fqdn()).collect()),
            _ => ir::EgressPeer::Services((0..self.count(2)).map(|_| self.service()).collect()),
        }
    }

    fn egress_deny_peer(&mut self) -> ir::EgressDenyPeer {
        match self.random.below(6) {
            0 => ir::EgressDenyPeer::Anywhere,
            1 => {
                ir::EgressDenyPeer::Endpoints((0..self.count(2)).map(|_| self.selector()).collect())
            }
            2 => ir::EgressDenyPeer::Entities(self.entities()),
            3 => ir::EgressDenyPeer::Cidrs(self.cidrs()),
            4 => ir::EgressDenyPeer::CidrGroups(self.group_peer()),
            _ => ir::EgressDenyPeer::Services((0..self.count(2)).map(|_| self.service()).collect()),
        }
    }

    fn spec(&mut self) -> ir::PolicySpec {
        let subject = if self.random.chance(80) {
            ir::Subject::Pods(self.selector())
        } else {
            ir::Subject::Nodes(self.selector())
        };
        let flag =
            |generator: &mut Self| generator.optional(|generator| generator.random.chance(50));
        ir::PolicySpec {
            description: self.optional(|generator| generator.text().as_str().into()),
            subject,
            default_deny: ir::DefaultDeny {
                ingress: flag(self),
                egress: flag(self),
            },
            ingress: (0..self.count(2))
                .map(|_| {
                    let peer = self.ingress_peer();
                    let l7 = self.l7();
                    let authentication =
                        self.optional(|generator| *generator.random.pick(&ir::AuthMode::ALL));
                    let tls = self.tls();
                    self.rule(peer, l7, authentication, tls)
                })
                .collect(),
            ingress_deny: (0..self.count(2))
                .map(|_| {
                    let peer = self.ingress_peer();
                    self.rule(peer, ir::NoL7, ir::NoAuth, ir::NoTls)
                })
                .collect(),
            egress: (0..self.count(2))
                .map(|_| {
                    let peer = self.egress_peer();
                    let l7 = self.l7();
                    let authentication =
                        self.optional(|generator| *generator.random.pick(&ir::AuthMode::ALL));
                    let tls = self.tls();
                    self.rule(peer, l7, authentication, tls)
                })
                .collect(),
            egress_deny: (0..self.count(2))
                .map(|_| {
                    let peer = self.egress_deny_peer();
                    self.rule(peer, ir::NoL7, ir::NoAuth, ir::NoTls)
                })
                .collect(),
            labels: (0..self.count(3))
                .map(|_| {
                    let key = self.key_text();
                    let value = self.text();
                    (key.as_str().into(), value.as_str().into())
                })
                .collect(),
            // Printed under `metadata`, not under `spec` (see `push_metadata`).
            metadata: ir::ObjectMetadata::default(),
            log: self.optional(|generator| generator.text().as_str().into()),
            specs: Vec::new(),
        }
    }
}

/// Specs generated per property.
const CASES: u64 = 1500;

/// serde_yaml's value of the CRD structs of a spec, under a `spec` key.
fn expected_value(spec: &ir::PolicySpec) -> Value {
    let mut document = Mapping::new();
    document.insert(Value::from("spec"), reference::value(&Rule::from_ir(spec)));
    Value::Mapping(document)
}

#[test]
fn printed_specs_read_back_as_the_crd_structs() {
    for seed in 0..CASES {
        let mut generator = Generator {
            random: Random(seed),
            safe: false,
        };
        let spec = generator.spec();
        let text = format!("spec:\n{}", spec_text(&spec));
        let read = reference::parse(&text);
        assert_eq!(read, Ok(expected_value(&spec)), "seed {seed}:\n{text}");
    }
}

/// A policy with `spec` blocks prints `specs:`, a list of the rule sets,
/// and no `spec:`; each item reads back as the CRD struct of its rule set.
#[test]
fn printed_spec_lists_read_back_as_lists_of_crd_structs() {
    for seed in 0..CASES / 10 {
        let mut generator = Generator {
            random: Random(seed),
            safe: false,
        };
        let specs: Vec<ir::PolicySpec> = (0..1 + seed % 3).map(|_| generator.spec()).collect();
        let mut expected = Mapping::new();
        expected.insert(
            Value::from("specs"),
            Value::Sequence(
                specs
                    .iter()
                    .map(|spec| reference::value(&Rule::from_ir(spec)))
                    .collect(),
            ),
        );
        let object = ir::PolicySpec {
            specs,
            ..ir::PolicySpec::default()
        };
        let text = body_text(&object);
        let read = reference::parse(&text);
        assert_eq!(read, Ok(Value::Mapping(expected)), "seed {seed}:\n{text}");
    }
}

#[test]
fn printed_specs_are_serde_yaml_text_where_yaml_versions_agree() {
    for seed in 0..CASES {
        let mut generator = Generator {
            random: Random(seed),
            safe: true,
        };
        let spec = generator.spec();
        let rule = Rule::from_ir(&spec);
        let mut text = String::new();
        rule.write(Node::top(&mut text, 0));
        assert_eq!(text, reference::text(&rule), "seed {seed}");
    }
}

/// The generator does reach the cases it is for.
#[test]
fn the_generator_covers_the_hard_cases() {
    let mut all = String::new();
    for seed in 0..CASES {
        let mut generator = Generator {
            random: Random(seed),
            safe: false,
        };
        all.push_str(&spec_text(&generator.spec()));
    }
    for needle in [
        "description: |",
        "'yes'",
        "'1:20'",
        "'2001-12-14'",
        "\"",
        "'~'",
        "''",
        "fromCIDRSet:",
        "except:",
        "cidrGroupRef:",
        "toFQDNs:",
        "toServices:",
        "k8sServiceSelector:",
        "endPort:",
        "http:",
        "kafka:",
        "dns:",
        "icmps:",
        "nodeSelector:",
        "enableDefaultDeny:",
        "labels:",
        "matchExpressions:",
        "values: []",
        "fromEndpoints: []",
        "|2",
        "|+",
        "\\t",
        "terminatingTLS:",
        "originatingTLS:",
        "trustedCA:",
        "serverNames:",
        "listener:",
        "envoyConfig:",
        "l7proto:",
    ] {
        assert!(all.contains(needle), "no generated spec prints {needle:?}");
    }
}
