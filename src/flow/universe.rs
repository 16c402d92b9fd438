//! The finite universe of endpoints and ports that one or two programs can
//! tell apart, and the flow difference of two programs over it
//! ([`flow_diff`]).
//!
//! ## The model
//!
//! - **Pod classes.** Every selector of either program (policy subjects,
//!   `from/toEndpoints` peers, in CNPs and CCNPs) names a set of labels: its
//!   `matchLabels`, plus one value for each `In` (the first) and `Exists`
//!   expression. Each such set is one representative pod, in the namespace
//!   the selector can reach: its policy's namespace, the namespaces it names
//!   (`io.kubernetes.pod.namespace`, each of an `In`), or every namespace for a CCNP or a
//!   selector on namespace labels. Each namespace also gets a pod with no
//!   labels ("matched by no selector but the empty one"), shown `ns/{}`. Namespaces are
//!   those of either program's world ([`World::for_program`]) and those
//!   selectors name; their labels are the new program's inventory, else the
//!   old one's. Representatives come from the selectors' own label sets,
//!   not from the 2^n combinations of predicates: a pod that carries the
//!   labels of two selectors at once is represented only when some selector
//!   names them together.
//! - **Entities.** Each reserved identity that is an endpoint: `world`,
//!   `host`, `remote-node`, `kube-apiserver`, `health`, `ingress`, `init`,
//!   `unmanaged`.
//! - **Address atoms.** The IPv4 and IPv6 spaces cut at both ends of every
//!   CIDR and `except` of either program (CIDR groups included): each atom
//!   is an interval no CIDR boundary falls inside, so every CIDR rule
//!   selects whole atoms; one representative address per atom (its first).
//!   The addresses outside every CIDR are atoms too. IPv6 atoms exist only
//!   when a program names an IPv6 CIDR.
//! - **FQDNs.** For each `toFQDNs` name, an address of unknown IP that DNS
//!   gave for it; for each pattern, one name it matches.
//! - **Ports.** Per protocol (TCP, UDP, SCTP), the port space 1–65535 cut at
//!   both ends of every port and range of either program (`ANY` cuts all
//!   three); one representative port per interval. For ICMP and ICMPv6,
//!   each type either program names and one type none names. Each protocol
//!   without ports (VRRP, IGMP, GRE, ...) that a rule names: port 0.
//!
//! Within these classes the verdict of a flow without an L7 request is
//! exact: every rule of either program selects whole classes and whole port
//! intervals. Left out: named ports (the universe's pods have none, so a
//! rule on a named port matches nothing), the contents of L7 requests (a
//! flow redirected to a proxy counts as allowed), `toServices` (the engine
//! does not resolve services), pods that combine the labels of two
//! selectors no selector names together, and the protocols without ports
//! (VRRP, IGMP, GRE, ...) that no rule names: one a rule names is a class
//! of its own (port 0); the others are matched only by rules without ports.
//!
//! ## Which pairs are decided
//!
//! A side is decided by the policies that select its subject: a pod's by
//! the CNPs of its namespace and the CCNPs, the reserved endpoints' by the
//! CCNPs; the peer matching reads the CIDR groups. So when the CCNPs, the
//! CIDR groups and the inventory are equal in both programs, a flow can
//! only change when one of its ends is a pod of a namespace whose policies
//! differ, and then only for a peer and port that a differing rule can
//! select: per namespace and direction, the rules of one revision with no
//! twin in the other (compared without their spans) give the peers (pods of
//! the namespaces their selectors reach, entities, addresses) and the port
//! classes they cover. A policy added or removed, or a changed subject,
//! default deny or set of directions, may turn enforcement on or off, so
//! it reaches every peer and port of the namespace. [`flow_diff`] decides
//! only those triples (every triple when the CCNPs, CIDR groups or
//! inventory differ) and says how many it decided;
//! [`flow_diff_exhaustive`] decides every triple and is the reference the
//! tests hold it to.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::identity::{CLUSTER_KEY, NAMESPACE_KEY, NAMESPACE_LABELS, SERVICE_ACCOUNT_KEY};
use super::select::split_key;
use super::{Decider, EndpointId, Engine, Flow, FlowVerdict, Pod, Side, SideVerdict, World};
use crate::ir::{
    Entity, FlowProtocol, FqdnSelector, IcmpFamily, Operator, PeerRef, Port, Program, Protocol,
    Selector, Subject,
};

/// The entities that are endpoints of a flow.
const ENTITIES: [Entity; 8] = [
    Entity::World,
    Entity::Host,
    Entity::RemoteNode,
    Entity::KubeApiserver,
    Entity::Health,
    Entity::Ingress,
    Entity::Init,
    Entity::Unmanaged,
];

/// One endpoint class of a [`Universe`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct End {
    /// Its representative in [`Universe::world`].
    pub id: EndpointId,
    /// The class as people read it: `shop/{app=web}`, `shop/{}` (no
    /// label a selector names),
    /// `entity world`, `10.20.0.10/32`, `10.0.0.0-10.20.0.9`,
    /// `fqdn api.example.com`.
    pub name: String,
    /// The namespace of a pod class.
    pub namespace: Option<String>,
}

/// One interval of ports of one protocol (an ICMP type: `first == last`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ports {
    /// The protocol.
    pub protocol: FlowProtocol,
    /// The first port of the interval: the representative.
    pub first: u16,
    /// The last port of the interval.
    pub last: u16,
}

impl std::fmt::Display for Ports {
    /// `5432/tcp`, `1-79/tcp`, `icmp 8`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let protocol = self.protocol.as_str().to_ascii_lowercase();
        match self.protocol {
            FlowProtocol::Icmp | FlowProtocol::Icmpv6 => write!(f, "{protocol} {}", self.first),
            _ if self.first == self.last => write!(f, "{}/{protocol}", self.first),
            _ => write!(f, "{}-{}/{protocol}", self.first, self.last),
        }
    }
}

/// The endpoint classes and port intervals of one or two programs.
#[derive(Clone, Debug, Default)]
pub struct Universe {
    /// The world holding one representative per class.
    pub world: World,
    /// The endpoint classes.
    pub ends: Vec<End>,
    /// The port intervals and ICMP types.
    pub ports: Vec<Ports>,
}

impl Universe {
    /// The universe of `programs` (one or two).
    pub fn of(programs: &[&Program]) -> Universe {
        let mut world = World {
            cluster: "default".to_owned(),
            ..World::default()
        };
        for program in programs.iter().rev() {
            for (name, labels) in World::for_program(program).namespaces {
                world.namespaces.entry(name).or_insert(labels);
            }
        }
        let mut classes = Classes::default();
        for program in programs {
            classes.collect(program);
        }
        for name in classes.namespaced.keys() {
            if !world.namespaces.contains_key(name) {
                world.namespaces.insert(name.clone(), BTreeMap::new());
            }
        }
        let mut ends = Vec::new();
        let empty = LabelSet::default();
        let namespaces: Vec<String> = world.namespaces.keys().cloned().collect();
        for namespace in &namespaces {
            let mut sets: BTreeSet<&LabelSet> = BTreeSet::new();
            sets.insert(&empty);
            sets.extend(classes.global.iter());
            if let Some(own) = classes.namespaced.get(namespace) {
                sets.extend(own.iter());
            }
            for set in sets {
                let shown: Vec<String> = set
                    .labels
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .chain(set.account.iter().map(|account| format!("sa={account}")))
                    .collect();
                // `ns/*` is left for every pod of the namespace, which
                // `diff --flows` prints when all its classes agree.
                let name = if shown.is_empty() {
                    format!("{namespace}/{{}}")
                } else {
                    format!("{namespace}/{{{}}}", shown.join(","))
                };
                world.pods.push(Pod {
                    name: name.clone(),
                    namespace: namespace.clone(),
                    labels: set.labels.clone(),
                    service_account: set.account.clone().unwrap_or_default(),
                    named_ports: BTreeMap::new(),
                });
                ends.push(End {
                    id: EndpointId::Pod(world.pods.len() - 1),
                    name,
                    namespace: Some(namespace.clone()),
                });
            }
        }
        for entity in ENTITIES {
            ends.push(End {
                id: EndpointId::Entity(entity),
                name: format!("entity {}", entity.as_str()),
                namespace: None,
            });
        }
        for (first, last) in atoms(&classes.cidrs) {
            let name = shown_atom(first, last);
            world.addresses.push(super::Address {
                name: name.clone(),
                ip: Some(first),
                fqdns: Vec::new(),
            });
            ends.push(End {
                id: EndpointId::Address(world.addresses.len() - 1),
                name,
                namespace: None,
            });
        }
        for fqdn in &classes.fqdns {
            world.addresses.push(super::Address {
                name: fqdn.clone(),
                ip: None,
                fqdns: vec![fqdn.clone()],
            });
            ends.push(End {
                id: EndpointId::Address(world.addresses.len() - 1),
                name: format!("fqdn {fqdn}"),
                namespace: None,
            });
        }
        Universe {
            world,
            ends,
            ports: classes.ports(),
        }
    }
}

/// A representative pod's labels and service account.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct LabelSet {
    labels: BTreeMap<String, String>,
    account: Option<String>,
}

/// What the programs' rules name.
#[derive(Default)]
struct Classes {
    /// Label sets for every namespace.
    global: BTreeSet<LabelSet>,
    /// Label sets for one namespace.
    namespaced: BTreeMap<String, BTreeSet<LabelSet>>,
    cidrs: Vec<IpNet>,
    fqdns: BTreeSet<String>,
    /// Port cuts per protocol: each is the first port of an interval.
    cuts: BTreeMap<FlowProtocol, BTreeSet<u32>>,
    icmp: BTreeMap<FlowProtocol, BTreeSet<u8>>,
    /// The protocols without ports (VRRP, IGMP, the extended ones) that a
    /// rule of either program names.
    portless: BTreeSet<FlowProtocol>,
}

/// Where a selector's pods may live.
enum Reach {
    Everywhere,
    Namespace(String),
}

impl Classes {
    fn collect(&mut self, program: &Program) {
        for namespace in program.namespaces.values() {
            for instance in &namespace.policies {
                for spec in instance.spec.rule_sets() {
                    self.policy(spec, Some(namespace.name.as_str()));
                }
            }
        }
        for instance in &program.cluster {
            for spec in instance.spec.rule_sets() {
                self.policy(spec, None);
            }
        }
        for group in program.cidr_groups.values() {
            self.cidrs.extend(group.cidrs.iter().copied());
        }
    }

    fn policy(&mut self, spec: &crate::ir::PolicySpec, namespace: Option<&str>) {
        if let Subject::Pods(selector) = &spec.subject {
            self.selector(selector, namespace);
        }
        for rule in spec.rules() {
            match rule.peer {
                PeerRef::Endpoints(selectors) => {
                    for selector in selectors {
                        self.selector(selector, namespace);
                    }
                }
                PeerRef::Cidrs(rules) => {
                    for cidr in rules {
                        self.cidrs.push(cidr.cidr());
                        self.cidrs.extend(cidr.except().iter().copied());
                    }
                }
                PeerRef::CidrGroups(groups) => {
                    for cidr in groups.cidrs() {
                        self.cidrs.push(cidr.cidr());
                        self.cidrs.extend(cidr.except().iter().copied());
                    }
                }
                PeerRef::Fqdns(selectors) => {
                    for selector in selectors {
                        self.fqdns.insert(example_name(selector));
                    }
                }
                PeerRef::Anywhere
                | PeerRef::Entities(_)
                | PeerRef::Services(_)
                | PeerRef::Nodes(_)
                | PeerRef::Groups(_) => {}
            }
            for spec in rule.ports {
                let protocols: &[FlowProtocol] = match spec.protocol() {
                    Protocol::Tcp => &[FlowProtocol::Tcp],
                    Protocol::Udp => &[FlowProtocol::Udp],
                    Protocol::Sctp => &[FlowProtocol::Sctp],
                    Protocol::Any => &[FlowProtocol::Tcp, FlowProtocol::Udp, FlowProtocol::Sctp],
                    // One class each, port 0, when a rule names it.
                    protocol => {
                        if let Some(flow) = FlowProtocol::portless(protocol) {
                            self.portless.insert(flow);
                        }
                        &[]
                    }
                };
                let (first, last) = match (spec.port(), spec.end_port()) {
                    (Port::Number(0), None) | (Port::Name(_), _) => continue,
                    (Port::Number(port), None) => (*port, *port),
                    (Port::Number(start), Some(end)) => (*start, end),
                };
                for protocol in protocols {
                    let cuts = self.cuts.entry(*protocol).or_default();
                    cuts.insert(u32::from(first));
                    cuts.insert(u32::from(last) + 1);
                }
            }
            for icmp in rule.icmps {
                let protocol = match icmp.family {
                    IcmpFamily::V4 => FlowProtocol::Icmp,
                    IcmpFamily::V6 => FlowProtocol::Icmpv6,
                };
                if let Some(number) = super::ports::icmp_number(icmp.family, &icmp.kind) {
                    self.icmp.entry(protocol).or_default().insert(number);
                }
            }
        }
    }

    fn selector(&mut self, selector: &Selector, namespace: Option<&str>) {
        let mut set = LabelSet::default();
        let mut reach = match namespace {
            Some(namespace) => Reach::Namespace(namespace.to_owned()),
            None => Reach::Everywhere,
        };
        let mut named_namespace = None;
        let mut add = |key: &str, value: Option<&str>, set: &mut LabelSet| {
            let (source, name) = split_key(key);
            if source == Some("reserved") {
                return false;
            }
            if name == NAMESPACE_KEY {
                named_namespace = value.map(str::to_owned);
                if value.is_none() {
                    reach = Reach::Everywhere;
                }
            } else if name.starts_with(NAMESPACE_LABELS) {
                reach = Reach::Everywhere;
            } else if name == SERVICE_ACCOUNT_KEY {
                set.account = value.map(str::to_owned);
            } else if name != CLUSTER_KEY {
                set.labels
                    .insert(name.to_owned(), value.unwrap_or("present").to_owned());
            }
            true
        };
        for (key, value) in &selector.match_labels {
            if !add(key, Some(value.as_str()), &mut set) {
                return;
            }
        }
        for expression in &selector.match_expressions {
            let value = match expression.operator {
                Operator::In => expression.values.first().map(|value| value.as_str()),
                Operator::Exists => None,
                Operator::NotIn | Operator::DoesNotExist => continue,
            };
            if expression.operator == Operator::In && value.is_none() {
                continue;
            }
            if !add(&expression.key, value, &mut set) {
                return;
            }
        }
        if let Some(name) = named_namespace {
            reach = Reach::Namespace(name);
        }
        // A namespace key `In` several namespaces reaches each of them, not
        // only the first.
        let more_namespaces = selector
            .match_expressions
            .iter()
            .filter(|expression| {
                expression.operator == Operator::In && split_key(&expression.key).1 == NAMESPACE_KEY
            })
            .flat_map(|expression| expression.values.iter().skip(1));
        match reach {
            Reach::Everywhere => {
                self.global.insert(set);
            }
            Reach::Namespace(name) => {
                for other in more_namespaces {
                    self.namespaced
                        .entry(other.as_str().to_owned())
                        .or_default()
                        .insert(set.clone());
                }
                self.namespaced.entry(name).or_default().insert(set);
            }
        }
    }

    fn ports(&self) -> Vec<Ports> {
        let mut ports = Vec::new();
        for protocol in [FlowProtocol::Tcp, FlowProtocol::Udp, FlowProtocol::Sctp] {
            let mut cuts: BTreeSet<u32> = self.cuts.get(&protocol).cloned().unwrap_or_default();
            cuts.insert(1);
            cuts.insert(65536);
            cuts.remove(&0);
            let cuts: Vec<u32> = cuts.into_iter().collect();
            for pair in cuts.windows(2) {
                if let [first, next] = pair {
                    if let (Ok(first), Ok(last)) = (u16::try_from(*first), u16::try_from(next - 1))
                    {
                        ports.push(Ports {
                            protocol,
                            first,
                            last,
                        });
                    }
                }
            }
        }
        for protocol in &self.portless {
            ports.push(Ports {
                protocol: *protocol,
                first: 0,
                last: 0,
            });
        }
        for protocol in [FlowProtocol::Icmp, FlowProtocol::Icmpv6] {
            let named = self.icmp.get(&protocol).cloned().unwrap_or_default();
            let unnamed = (0..=u8::MAX).find(|number| !named.contains(number));
            for number in named.into_iter().chain(unnamed) {
                ports.push(Ports {
                    protocol,
                    first: u16::from(number),
                    last: u16::from(number),
                });
            }
        }
        ports
    }
}

/// One DNS name a `toFQDNs` entry matches.
fn example_name(selector: &FqdnSelector) -> String {
    match selector {
        FqdnSelector::Name(name) => name.trim_end_matches('.').to_ascii_lowercase(),
        FqdnSelector::Pattern(pattern) => {
            let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
            if pattern == "*" {
                return "any.example".to_owned();
            }
            let pattern = match pattern.strip_prefix("**.") {
                Some(rest) => format!("sub.{rest}"),
                None => pattern,
            };
            pattern.replace('*', "x")
        }
    }
}

/// The atoms of the address spaces cut by `cidrs`, as (first, last).
fn atoms(cidrs: &[IpNet]) -> Vec<(IpAddr, IpAddr)> {
    let mut v4: BTreeSet<u128> = BTreeSet::from([0]);
    let mut v6: BTreeSet<u128> = BTreeSet::new();
    for cidr in cidrs {
        match cidr {
            IpNet::V4(net) => {
                v4.insert(u128::from(u32::from(net.network())));
                v4.insert(u128::from(u32::from(net.broadcast())) + 1);
            }
            IpNet::V6(net) => {
                v6.insert(0);
                v6.insert(u128::from(net.network()));
                if let Some(next) = u128::from(net.broadcast()).checked_add(1) {
                    v6.insert(next);
                }
            }
        }
    }
    let mut found = Vec::new();
    let v4_end = u128::from(u32::MAX) + 1;
    v4.insert(v4_end);
    let v4: Vec<u128> = v4.into_iter().filter(|cut| *cut <= v4_end).collect();
    for pair in v4.windows(2) {
        if let [first, next] = pair {
            if let (Ok(first), Ok(last)) = (u32::try_from(*first), u32::try_from(next - 1)) {
                found.push((
                    IpAddr::V4(Ipv4Addr::from(first)),
                    IpAddr::V4(Ipv4Addr::from(last)),
                ));
            }
        }
    }
    let v6: Vec<u128> = v6.into_iter().collect();
    for (at, first) in v6.iter().enumerate() {
        let last = v6
            .get(at + 1)
            .map_or(u128::MAX, |next| next.saturating_sub(1));
        found.push((
            IpAddr::V6(Ipv6Addr::from(*first)),
            IpAddr::V6(Ipv6Addr::from(last)),
        ));
    }
    found
}

/// An atom as a CIDR when it is one, else `first-last`.
fn shown_atom(first: IpAddr, last: IpAddr) -> String {
    let (start, end, bits) = match (first, last) {
        (IpAddr::V4(first), IpAddr::V4(last)) => (
            u128::from(u32::from(first)),
            u128::from(u32::from(last)),
            32u32,
        ),
        (IpAddr::V6(first), IpAddr::V6(last)) => (u128::from(first), u128::from(last), 128u32),
        _ => return format!("{first}-{last}"),
    };
    let size = end.wrapping_sub(start).wrapping_add(1);
    let aligned = size.is_power_of_two() && start % size == 0;
    if aligned {
        let prefix = bits - size.trailing_zeros();
        format!("{first}/{prefix}")
    } else if start == 0 && end == (u128::MAX >> (128 - bits)) {
        format!("{first}/0")
    } else {
        format!("{first}-{last}")
    }
}

/// A connection that one program allows and the other does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The source: an index into [`Universe::ends`].
    pub from: usize,
    /// The destination: an index into [`Universe::ends`].
    pub to: usize,
    /// The ports.
    pub ports: Ports,
    /// What decided the flow in the old program: the allowing rules of a
    /// removed connection, the refusing ones of an added one.
    pub old: Vec<Decider>,
    /// What decided it in the new program.
    pub new: Vec<Decider>,
}

/// The flow difference of two programs.
#[derive(Clone, Debug, Default)]
pub struct FlowDiff {
    /// The universe the difference is taken over.
    pub universe: Universe,
    /// Denied before, allowed now.
    pub added: Vec<Change>,
    /// Allowed before, denied now.
    pub removed: Vec<Change>,
    /// How many (source, destination, ports) were decided, in each program.
    pub decided: usize,
    /// How many there are in the universe.
    pub total: usize,
}

impl FlowDiff {
    /// True when no connection changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// The rules that decided a side in the direction of the flow's verdict.
fn deciders(side: &Side, into: &mut Vec<Decider>) {
    if matches!(side.verdict, SideVerdict::Allow | SideVerdict::Deny) {
        for decider in &side.deciders {
            if !into.contains(decider) {
                into.push(decider.clone());
            }
        }
    }
}

/// What explains an answer: for an allowed flow the allowing rules of both
/// sides; for a denied one the rules of the refusing side(s) (none for a
/// default deny).
fn explain(answer: &super::Answer) -> Vec<Decider> {
    let mut found = Vec::new();
    let refused = |side: &Side| {
        matches!(
            side.verdict,
            SideVerdict::Deny | SideVerdict::DefaultDeny | SideVerdict::FqdnUnsupported
        ) || side.l7_allowed == Some(false)
    };
    if answer.verdict == FlowVerdict::Allowed {
        deciders(&answer.egress, &mut found);
        deciders(&answer.ingress, &mut found);
    } else {
        for side in [&answer.egress, &answer.ingress] {
            if refused(side) {
                deciders(side, &mut found);
            }
        }
    }
    found
}

/// The ends a set of rules can select as peers, and the port classes they
/// cover: which pairs a change of those rules can change.
#[derive(Clone, Debug, Default)]
struct Reachable {
    /// Every end.
    all: bool,
    /// Pods of every namespace.
    pods_everywhere: bool,
    /// Pods of these namespaces.
    pod_namespaces: BTreeSet<String>,
    /// Entities.
    entities: bool,
    /// Addresses and FQDNs.
    addresses: bool,
    /// Every port class.
    all_ports: bool,
    /// These port classes.
    ports: BTreeSet<usize>,
}

impl Reachable {
    fn everything() -> Reachable {
        Reachable {
            all: true,
            all_ports: true,
            ..Reachable::default()
        }
    }

    fn is_empty(&self) -> bool {
        !self.all_ports && self.ports.is_empty()
    }

    fn covers(&self, port: usize) -> bool {
        self.all_ports || self.ports.contains(&port)
    }

    /// Adds what `rule`, in a CNP of `namespace`, can select.
    fn add(&mut self, rule: &crate::ir::RuleRef<'_>, namespace: &str, ports: &[Ports]) {
        match rule.peer {
            PeerRef::Anywhere | PeerRef::Services(_) => self.all = true,
            PeerRef::Endpoints(selectors) => {
                for selector in selectors {
                    let mut named = None;
                    let mut everywhere = false;
                    for key in selector.keys() {
                        let (source, name) = split_key(key);
                        if source == Some("reserved") {
                            self.entities = true;
                        }
                        if name == NAMESPACE_KEY {
                            named = selector
                                .match_labels
                                .get(key)
                                .map(|value| value.to_string());
                            everywhere |= named.is_none();
                        }
                        everywhere |= name.starts_with(NAMESPACE_LABELS);
                    }
                    match (everywhere, named) {
                        (true, _) => self.pods_everywhere = true,
                        (false, Some(named)) => {
                            self.pod_namespaces.insert(named);
                        }
                        (false, None) => {
                            self.pod_namespaces.insert(namespace.to_owned());
                        }
                    }
                }
            }
            PeerRef::Entities(entities) => {
                self.entities = true;
                if entities
                    .iter()
                    .any(|entity| matches!(entity, Entity::All | Entity::Cluster))
                {
                    self.all = true;
                }
                if entities.contains(&Entity::World) {
                    self.addresses = true;
                }
            }
            PeerRef::Cidrs(_) | PeerRef::CidrGroups(_) | PeerRef::Groups(_) => {
                self.addresses = true;
                self.entities = true;
            }
            PeerRef::Fqdns(_) => self.addresses = true,
            // Nodes are the `host` and `remote-node` ends of the universe.
            PeerRef::Nodes(_) => self.entities = true,
        }
        if rule.ports.is_empty() && rule.icmps.is_empty() {
            self.all_ports = true;
            return;
        }
        let none = super::decide::OwnPorts(None);
        for (at, class) in ports.iter().enumerate() {
            let flow = Flow {
                from: EndpointId::Entity(Entity::World),
                to: EndpointId::Entity(Entity::World),
                protocol: class.protocol,
                port: class.first,
                request: None,
            };
            if super::ports::rule_ports(rule.ports, rule.icmps, &flow, &none).is_some() {
                self.ports.insert(at);
            }
        }
    }
}

/// The ends of a universe by kind, and the pods by namespace.
struct EndIndex<'u> {
    pods: BTreeMap<&'u str, Vec<usize>>,
    entities: Vec<usize>,
    addresses: Vec<usize>,
    all: usize,
}

impl<'u> EndIndex<'u> {
    fn of(ends: &'u [End]) -> EndIndex<'u> {
        let mut index = EndIndex {
            pods: BTreeMap::new(),
            entities: Vec::new(),
            addresses: Vec::new(),
            all: ends.len(),
        };
        for (at, end) in ends.iter().enumerate() {
            match (&end.id, &end.namespace) {
                (EndpointId::Pod(_), Some(namespace)) => {
                    index.pods.entry(namespace.as_str()).or_default().push(at);
                }
                (EndpointId::Address(_), _) => index.addresses.push(at),
                _ => index.entities.push(at),
            }
        }
        index
    }

    fn pods(&self, namespace: &str) -> &[usize] {
        self.pods.get(namespace).map_or(&[], Vec::as_slice)
    }

    /// The ends `reach` selects, in order.
    fn reachable(&self, reach: &Reachable) -> Vec<usize> {
        if reach.all {
            return (0..self.all).collect();
        }
        let mut found: Vec<usize> = Vec::new();
        if reach.pods_everywhere {
            found.extend(self.pods.values().flatten());
        } else {
            for namespace in &reach.pod_namespaces {
                found.extend(self.pods(namespace));
            }
        }
        if reach.entities {
            found.extend(&self.entities);
        }
        if reach.addresses {
            found.extend(&self.addresses);
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// A rule without where it was written, for comparing two revisions.
fn bare<'r>(
    rule: &crate::ir::RuleRef<'r>,
) -> (
    crate::ir::RuleKind,
    PeerRef<'r>,
    &'r [crate::ir::PortSpec],
    &'r [crate::ir::IcmpType],
    Option<&'r crate::ir::L7>,
) {
    (rule.kind, rule.peer, rule.ports, rule.icmps, rule.l7)
}

/// The rules of a policy in one direction.
fn rules_of(
    spec: &crate::ir::PolicySpec,
    direction: crate::ir::Direction,
) -> Vec<crate::ir::RuleRef<'_>> {
    spec.rules()
        .filter(|rule| rule.kind.direction == direction)
        .collect()
}

/// What a policy is besides its rules: a change here may change whether a
/// direction is enforced, so every peer of the direction is reachable.
fn skeleton(spec: &crate::ir::PolicySpec, direction: crate::ir::Direction) -> impl PartialEq + '_ {
    let deny = match direction {
        crate::ir::Direction::Ingress => spec.default_deny.ingress,
        crate::ir::Direction::Egress => spec.default_deny.egress,
    };
    let has_rules = spec.rules().any(|rule| rule.kind.direction == direction);
    (&spec.subject, deny, has_rules)
}

/// For each namespace whose policies differ, what its pods may now reach
/// differently (egress) and be reached by (ingress); `None` when something
/// every side reads differs (the CCNPs, the CIDR groups, the inventory), so
/// that every pair must be decided.
fn changes(
    old: &Program,
    new: &Program,
    ports: &[Ports],
) -> Option<BTreeMap<String, [Reachable; 2]>> {
    use crate::ir::Direction;
    if old.cluster != new.cluster
        || old.cidr_groups != new.cidr_groups
        || old.inventory != new.inventory
    {
        return None;
    }
    let names: BTreeSet<&str> = old
        .namespaces
        .keys()
        .chain(new.namespaces.keys())
        .map(|name| name.as_str())
        .collect();
    let mut found = BTreeMap::new();
    for name in names {
        let policies =
            |program: &'_ Program| -> BTreeMap<String, std::sync::Arc<crate::ir::PolicySpec>> {
                program
                    .namespaces
                    .get(name)
                    .map(|namespace| {
                        namespace
                            .policies
                            .iter()
                            .map(|instance| (instance.name.to_string(), instance.spec.clone()))
                            .collect()
                    })
                    .unwrap_or_default()
            };
        let (before, after) = (policies(old), policies(new));
        let mut reach = [Reachable::default(), Reachable::default()];
        let policy_names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for policy in policy_names {
            let (Some(was), Some(is)) = (before.get(policy), after.get(policy)) else {
                // A policy added or removed: both directions may change
                // wholly.
                reach = [Reachable::everything(), Reachable::everything()];
                break;
            };
            if std::sync::Arc::ptr_eq(was, is) {
                continue;
            }
            if !was.specs.is_empty() || !is.specs.is_empty() {
                // Several rule sets: the pruning below compares one; take
                // both directions as changed wholly.
                reach = [Reachable::everything(), Reachable::everything()];
                break;
            }
            for (at, direction) in [Direction::Egress, Direction::Ingress]
                .into_iter()
                .enumerate()
            {
                let Some(slot) = reach.get_mut(at) else {
                    continue;
                };
                if skeleton(was, direction) != skeleton(is, direction) {
                    *slot = Reachable::everything();
                    continue;
                }
                let (was_rules, is_rules) = (rules_of(was, direction), rules_of(is, direction));
                let mut unmatched: Vec<&crate::ir::RuleRef<'_>> = Vec::new();
                let mut left: Vec<bool> = vec![true; is_rules.len()];
                for rule in &was_rules {
                    let twin = is_rules.iter().enumerate().position(|(at, other)| {
                        left.get(at).copied().unwrap_or(false) && bare(other) == bare(rule)
                    });
                    match twin.and_then(|at| left.get_mut(at)) {
                        Some(free) => *free = false,
                        None => unmatched.push(rule),
                    }
                }
                for (rule, free) in is_rules.iter().zip(&left) {
                    if *free {
                        unmatched.push(rule);
                    }
                }
                for rule in unmatched {
                    slot.add(rule, name, ports);
                }
            }
        }
        if reach.iter().any(|reach| !reach.is_empty()) {
            found.insert(name.to_owned(), reach);
        }
    }
    Some(found)
}

/// The connections `new` allows that `old` denies (added) and those `old`
/// allows that `new` denies (removed), over the [`Universe`] of both.
/// A flow counts as allowed when its verdict is [`FlowVerdict::Allowed`].
pub fn flow_diff(old: &Program, new: &Program) -> FlowDiff {
    diff_over(old, new, false)
}

/// [`flow_diff`] deciding every (source, destination, port class) of the
/// universe: the reference the pruned one is tested against.
pub fn flow_diff_exhaustive(old: &Program, new: &Program) -> FlowDiff {
    diff_over(old, new, true)
}

fn diff_over(old: &Program, new: &Program, exhaustive: bool) -> FlowDiff {
    let universe = Universe::of(&[old, new]);
    let ports = universe.ports.len();
    let total = universe.ends.len() * universe.ends.len() * ports;
    // The (source, destination, port class) triples to decide.
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    let mut everything = exhaustive;
    match changes(old, new, &universe.ports).filter(|_| !exhaustive) {
        None => everything = true,
        Some(changes) => {
            let index = EndIndex::of(&universe.ends);
            for (namespace, [egress, ingress]) in &changes {
                let own = index.pods(namespace);
                for (reach, outbound) in [(egress, true), (ingress, false)] {
                    if reach.is_empty() {
                        continue;
                    }
                    let peers = index.reachable(reach);
                    let port_classes: Vec<usize> =
                        (0..ports).filter(|port| reach.covers(*port)).collect();
                    for subject in own {
                        for peer in &peers {
                            let (from, to) = if outbound {
                                (*subject, *peer)
                            } else {
                                (*peer, *subject)
                            };
                            for port in &port_classes {
                                candidates.push((from, to, *port));
                            }
                        }
                    }
                }
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let (old_engine, new_engine) = (Engine::new(old), Engine::new(new));
    let mut diff = FlowDiff {
        total,
        ..FlowDiff::default()
    };
    let identities: Vec<Option<super::identity::Identity<'_>>> = universe
        .ends
        .iter()
        .map(|end| super::identity::identity(&universe.world, end.id))
        .collect();
    let decide = |from: usize, to: usize, port: usize, diff: &mut FlowDiff| {
        let (Some(source), Some(destination), Some(ports)) = (
            universe.ends.get(from),
            universe.ends.get(to),
            universe.ports.get(port),
        ) else {
            return;
        };
        let flow = Flow {
            from: source.id,
            to: destination.id,
            protocol: ports.protocol,
            port: ports.first,
            request: None,
        };
        let (Some(Some(source)), Some(Some(destination))) =
            (identities.get(from), identities.get(to))
        else {
            return;
        };
        diff.decided += 1;
        let before =
            old_engine.decide_between(&universe.world, &flow, source, destination, Vec::new());
        let after =
            new_engine.decide_between(&universe.world, &flow, source, destination, Vec::new());
        let allowed_before = before.verdict == FlowVerdict::Allowed;
        let allowed_after = after.verdict == FlowVerdict::Allowed;
        if allowed_before == allowed_after {
            return;
        }
        let change = Change {
            from,
            to,
            ports: *ports,
            old: explain(&before),
            new: explain(&after),
        };
        if allowed_after {
            diff.added.push(change);
        } else {
            diff.removed.push(change);
        }
    };
    if everything {
        for from in 0..universe.ends.len() {
            for to in 0..universe.ends.len() {
                for port in 0..ports {
                    decide(from, to, port, &mut diff);
                }
            }
        }
    } else {
        for (from, to, port) in candidates {
            decide(from, to, port, &mut diff);
        }
    }
    diff.universe = universe;
    diff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::tests::program;

    const SHOP: &str = "\
namespace shop {
  policy web {
    select pods app=web
    allow to cidr 10.0.0.0/8 except [10.1.0.0/16] port 443/tcp, 8000-8099/tcp
    allow to fqdn \"api.example.com\" port 443/tcp
    allow from pods app=api port 53/any
    allow from pods app=api icmp 8
  }
}
";

    #[test]
    fn atoms_are_cut_at_every_cidr_and_except_boundary() {
        let universe = Universe::of(&[&program(SHOP)]);
        let addresses: Vec<&str> = universe
            .ends
            .iter()
            .filter(|end| matches!(end.id, EndpointId::Address(_)))
            .map(|end| end.name.as_str())
            .collect();
        assert_eq!(
            addresses,
            [
                "0.0.0.0-9.255.255.255",
                "10.0.0.0/16",
                "10.1.0.0/16",
                "10.2.0.0-10.255.255.255",
                "11.0.0.0-255.255.255.255",
                "fqdn api.example.com",
            ]
        );
    }

    #[test]
    fn pods_come_from_the_selectors_own_labels() {
        let universe = Universe::of(&[&program(SHOP)]);
        let pods: Vec<&str> = universe
            .ends
            .iter()
            .filter(|end| matches!(end.id, EndpointId::Pod(_)))
            .map(|end| end.name.as_str())
            .collect();
        assert_eq!(pods, ["shop/{}", "shop/{app=api}", "shop/{app=web}"]);
        assert_eq!(universe.ends.len(), 3 + ENTITIES.len() + 6);
    }

    #[test]
    fn ports_are_cut_at_every_port_and_range_boundary() {
        let universe = Universe::of(&[&program(SHOP)]);
        let shown: Vec<String> = universe.ports.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "1-52/tcp",
                "53/tcp",
                "54-442/tcp",
                "443/tcp",
                "444-7999/tcp",
                "8000-8099/tcp",
                "8100-65535/tcp",
                "1-52/udp",
                "53/udp",
                "54-65535/udp",
                "1-52/sctp",
                "53/sctp",
                "54-65535/sctp",
                "icmp 8",
                "icmp 0",
                "icmpv6 0",
            ]
        );
    }
}
