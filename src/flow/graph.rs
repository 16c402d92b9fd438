//! Who may talk to whom: the graph of the connections a program allows,
//! decided by the engine over the [`Universe`] of the program (or of two
//! programs, to colour what a change adds and removes), and its pictures
//! in Mermaid ([`mermaid`]), DOT ([`dot`]) and SVG ([`svg`]).
//!
//! ## The graph
//!
//! - **Nodes.** At [`Level::Namespaces`], one node per namespace; at
//!   [`Level::Pods`], one per pod class of the universe (`shop/{app=web}`,
//!   and `shop/*` for the pods no selector but the empty one matches).
//!   Entities (`entity world`, `entity host`, ...), blocks of outside
//!   addresses (the universe's address atoms, `10.0.0.0/16`) and FQDNs are
//!   nodes of their own, shown only when an edge reaches them; namespaces
//!   and pod classes are always shown. To the universe's pod classes the
//!   graph adds, per namespace, the pod that carries the labels of two of
//!   them at once, where they do not clash ([`with_combined_pods`]): a
//!   connection often needs a pod that two selectors match together.
//! - **Edges.** An edge `A → B` exists iff some flow of the universe from
//!   an endpoint class of `A` to one of `B` is allowed
//!   ([`FlowVerdict::Allowed`]); its label is the union of the ports of
//!   those flows, merged into ranges (`5432/tcp`, `8000-8099/tcp`,
//!   `all udp`, `icmp 8`, `all` for every port of every protocol). A flow
//!   between two ends that are not pods is drawn only when a policy decides
//!   one of its sides (a host firewall), not when nothing selects either.
//!   The local host reaching the pods of its node, which Cilium allows
//!   whatever the policies say (`allow-localhost`), is not drawn either.
//! - **Comparison** ([`Graph::between`]): per pair of nodes, the ports both
//!   programs allow are a kept edge, those only the new one allows an added
//!   edge, those only the old one allows a removed edge; a pair can have all
//!   three. The comparison is of the drawn edges: at the namespace level a
//!   port that one pod pair loses and another gains stays a kept edge.
//!
//! **Invariant:** no IO; the same programs give the same bytes (nodes and
//! edges are sorted).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::universe::{Ports, Universe};
use super::{EndpointId, Engine, Flow, FlowVerdict, SideVerdict};
use crate::ir::{FlowProtocol, Program};

/// What a node stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// One node per namespace.
    #[default]
    Namespaces,
    /// One node per pod class.
    Pods,
}

/// The kind of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// A namespace ([`Level::Namespaces`]).
    Namespace,
    /// A pod class ([`Level::Pods`]).
    Pods,
    /// A reserved identity: `world`, `host`, ...
    Entity,
    /// A block of outside addresses.
    Address,
    /// A DNS name of a `toFQDNs` rule.
    Fqdn,
}

impl NodeKind {
    /// `namespace`, `pods`, `entity`, `address`, `fqdn`: the class of the
    /// node in the SVG and the prefix of its id.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Namespace => "namespace",
            NodeKind::Pods => "pods",
            NodeKind::Entity => "entity",
            NodeKind::Address => "address",
            NodeKind::Fqdn => "fqdn",
        }
    }
}

/// One node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// An identifier safe in Mermaid, DOT and XML: ASCII letters, digits
    /// and `_`, starting with the kind (`namespace_shop`), unique.
    pub id: String,
    /// What people read: `shop`, `shop/{app=web}`, `entity world`,
    /// `10.0.0.0/16`, `fqdn api.example.com`.
    pub label: String,
    /// The kind.
    pub kind: NodeKind,
    /// The namespace of a namespace or pod class node.
    pub namespace: Option<String>,
}

/// How an edge compares between two programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeChange {
    /// Allowed by both (or the graph of one program).
    Kept,
    /// Allowed by the new program only.
    Added,
    /// Allowed by the old program only.
    Removed,
}

/// One edge: `from` may open connections to `to` on `ports`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The source node (an index into [`Graph::nodes`]).
    pub from: usize,
    /// The destination node.
    pub to: usize,
    /// Kept, added or removed.
    pub change: EdgeChange,
    /// The ports, merged into ranges; an ICMP type is `first == last`.
    pub ports: Vec<Ports>,
    /// The ports as people read them: `5432/tcp, 53/udp`.
    pub label: String,
}

/// Who may talk to whom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    /// The level of the nodes.
    pub level: Level,
    /// The nodes: namespaces (or pod classes), entities, addresses, FQDNs.
    pub nodes: Vec<Node>,
    /// The edges, sorted by source, destination and change.
    pub edges: Vec<Edge>,
}

impl Graph {
    /// The connections `program` allows. Decides every flow of the
    /// universe: for a large repository's pull-request picture, draw the
    /// flow diff instead ([`of_diff`]).
    pub fn of(program: &Program, level: Level) -> Graph {
        build(None, program, level)
    }

    /// The connections of `new`, with those `old` does not allow marked
    /// [`EdgeChange::Added`] and those only `old` allows as
    /// [`EdgeChange::Removed`] edges.
    pub fn between(old: &Program, new: &Program, level: Level) -> Graph {
        build(Some(old), new, level)
    }

    /// True when some edge is added or removed.
    pub fn changed(&self) -> bool {
        self.edges
            .iter()
            .any(|edge| edge.change != EdgeChange::Kept)
    }
}

/// The key a node is sorted and merged by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    kind: NodeKind,
    /// The order of the node's first end in the universe.
    order: usize,
}

/// The port classes allowed per pair of nodes.
type Allowed = BTreeMap<(usize, usize), BTreeSet<usize>>;

fn build(old: Option<&Program>, new: &Program, level: Level) -> Graph {
    let universe = with_combined_pods(match old {
        Some(old) => Universe::of(&[old, new]),
        None => Universe::of(&[new]),
    });
    let (nodes, keys, node_of) = nodes_of(&universe, level);
    let pods: Vec<bool> = universe
        .ends
        .iter()
        .map(|end| matches!(end.id, EndpointId::Pod(_)))
        .collect();
    let new_allowed = allowed(&universe, new, &node_of, &pods);
    let old_allowed = old.map(|old| allowed(&universe, old, &node_of, &pods));
    let mut edges: Vec<Edge> = Vec::new();
    let pairs: BTreeSet<(usize, usize)> = new_allowed
        .keys()
        .chain(old_allowed.iter().flat_map(BTreeMap::keys))
        .copied()
        .collect();
    let empty = BTreeSet::new();
    for (from, to) in pairs {
        let now = new_allowed.get(&(from, to)).unwrap_or(&empty);
        let parts: [(EdgeChange, BTreeSet<usize>); 3] = match &old_allowed {
            None => [
                (EdgeChange::Kept, now.clone()),
                (EdgeChange::Added, BTreeSet::new()),
                (EdgeChange::Removed, BTreeSet::new()),
            ],
            Some(old_allowed) => {
                let was = old_allowed.get(&(from, to)).unwrap_or(&empty);
                [
                    (EdgeChange::Kept, now.intersection(was).copied().collect()),
                    (EdgeChange::Added, now.difference(was).copied().collect()),
                    (EdgeChange::Removed, was.difference(now).copied().collect()),
                ]
            }
        };
        for (change, classes) in parts {
            if classes.is_empty() {
                continue;
            }
            let (ports, label) = merge(&universe.ports, &classes);
            edges.push(Edge {
                from,
                to,
                change,
                ports,
                label,
            });
        }
    }
    finish(nodes, keys, edges, level)
}

/// The nodes of `universe`'s ends at `level` (namespaces and pod classes by
/// name, the others one node per end), their sort keys, and each end's node.
fn nodes_of(universe: &Universe, level: Level) -> (Vec<Node>, Vec<Key>, Vec<usize>) {
    // Each end's node: namespaces and pod classes by name, the others one
    // node per end.
    let mut nodes: Vec<Node> = Vec::new();
    let mut by_name: BTreeMap<(NodeKind, String), usize> = BTreeMap::new();
    let mut node_of: Vec<usize> = Vec::with_capacity(universe.ends.len());
    let mut keys: Vec<Key> = Vec::new();
    for (order, end) in universe.ends.iter().enumerate() {
        let (kind, label) = match (&end.id, &end.namespace, level) {
            (EndpointId::Pod(_), Some(namespace), Level::Namespaces) => {
                (NodeKind::Namespace, namespace.clone())
            }
            (EndpointId::Pod(_), _, _) => (NodeKind::Pods, end.name.clone()),
            (EndpointId::Entity(_) | EndpointId::Node(_), _, _) => {
                (NodeKind::Entity, end.name.clone())
            }
            (EndpointId::Address(_), _, _) => match end.name.strip_prefix("fqdn ") {
                Some(_) => (NodeKind::Fqdn, end.name.clone()),
                None => (NodeKind::Address, end.name.clone()),
            },
        };
        let at = *by_name.entry((kind, label.clone())).or_insert_with(|| {
            nodes.push(Node {
                id: String::new(),
                label,
                kind,
                namespace: end.namespace.clone(),
            });
            keys.push(Key { kind, order });
            nodes.len() - 1
        });
        node_of.push(at);
    }
    (nodes, keys, node_of)
}

/// Merges alike nodes, drops the nodes no edge reaches (but namespaces and
/// pod classes), sorts and names the rest.
fn finish(nodes: Vec<Node>, keys: Vec<Key>, edges: Vec<Edge>, level: Level) -> Graph {
    let (nodes, keys, edges) = merge_alike(nodes, keys, edges);
    // Keep namespaces and pod classes, and the other nodes an edge reaches;
    // order them by kind, then as the universe orders its ends.
    let mut used = vec![false; nodes.len()];
    for (at, node) in nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Namespace | NodeKind::Pods) {
            if let Some(slot) = used.get_mut(at) {
                *slot = true;
            }
        }
    }
    for edge in &edges {
        for at in [edge.from, edge.to] {
            if let Some(slot) = used.get_mut(at) {
                *slot = true;
            }
        }
    }
    let mut order: Vec<usize> = (0..nodes.len())
        .filter(|at| used.get(*at).copied().unwrap_or(false))
        .collect();
    order.sort_by(|a, b| keys.get(*a).cmp(&keys.get(*b)));
    let mut renumber: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut kept: Vec<Node> = Vec::with_capacity(order.len());
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for at in order {
        let Some(node) = nodes.get(at) else {
            continue;
        };
        let mut node = node.clone();
        let first = node.label.split(", ").next().unwrap_or_default();
        node.id = unique_id(node.kind, first, &mut taken);
        if let Some(slot) = renumber.get_mut(at) {
            *slot = Some(kept.len());
        }
        kept.push(node);
    }
    let mut edges: Vec<Edge> = edges
        .into_iter()
        .filter_map(|mut edge| {
            edge.from = (*renumber.get(edge.from)?)?;
            edge.to = (*renumber.get(edge.to)?)?;
            Some(edge)
        })
        .collect();
    edges.sort_by_key(|edge| (edge.from, edge.to, edge.change));
    Graph {
        level,
        nodes: kept,
        edges,
    }
}

/// The picture of a flow diff ([`super::flow_diff`]): only its added and
/// removed connections, as [`EdgeChange::Added`] and
/// [`EdgeChange::Removed`] edges between the nodes of its universe at
/// `level`; nothing is decided again, so it costs what the diff's changes
/// cost.
pub fn of_diff(diff: &super::FlowDiff, level: Level) -> Graph {
    let (nodes, keys, node_of) = nodes_of(&diff.universe, level);
    let mut sets: BTreeMap<(usize, usize, EdgeChange), BTreeSet<usize>> = BTreeMap::new();
    for (change, list) in [
        (EdgeChange::Added, &diff.added),
        (EdgeChange::Removed, &diff.removed),
    ] {
        for connection in list {
            let class = diff
                .universe
                .ports
                .iter()
                .position(|ports| *ports == connection.ports);
            let (Some(from), Some(to), Some(class)) = (
                node_of.get(connection.from),
                node_of.get(connection.to),
                class,
            ) else {
                continue;
            };
            sets.entry((*from, *to, change)).or_default().insert(class);
        }
    }
    let edges = sets
        .into_iter()
        .map(|((from, to, change), classes)| {
            let (ports, label) = merge(&diff.universe.ports, &classes);
            Edge {
                from,
                to,
                change,
                ports,
                label,
            }
        })
        .collect();
    finish(nodes, keys, edges, level)
}

/// The most pod classes of one namespace whose pairs
/// [`with_combined_pods`] combines.
const MOST_COMBINED: usize = 32;

/// `universe` with, in each namespace, one more pod class per pair of its
/// pod classes whose labels can be on one pod (no key with two values, at
/// most one service account): the pod that carries both. The universe
/// represents only the label sets selectors name, and a connection often
/// needs a pod that two selectors match at once (`app=catalog-api` in its
/// own policy and `app.kubernetes.io/component=api` in a client's egress).
/// Pairs only, and only in a namespace with at most [`MOST_COMBINED`]
/// classes.
fn with_combined_pods(mut universe: Universe) -> Universe {
    let mut by_namespace: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut existing: BTreeSet<(String, BTreeMap<String, String>, String)> = BTreeSet::new();
    for end in &universe.ends {
        if let EndpointId::Pod(at) = end.id {
            if let Some(pod) = universe.world.pods.get(at) {
                by_namespace
                    .entry(pod.namespace.clone())
                    .or_default()
                    .push(at);
                existing.insert((
                    pod.namespace.clone(),
                    pod.labels.clone(),
                    pod.service_account.clone(),
                ));
            }
        }
    }
    let mut combined: Vec<super::Pod> = Vec::new();
    for (namespace, pods) in &by_namespace {
        if pods.len() > MOST_COMBINED {
            continue;
        }
        for (at, first) in pods.iter().enumerate() {
            for second in pods.iter().skip(at + 1) {
                let (Some(a), Some(b)) = (
                    universe.world.pods.get(*first),
                    universe.world.pods.get(*second),
                ) else {
                    continue;
                };
                let account = match (a.service_account.as_str(), b.service_account.as_str()) {
                    ("", other) | (other, "") => other.to_owned(),
                    (one, other) if one == other => one.to_owned(),
                    _ => continue,
                };
                let clash = a
                    .labels
                    .iter()
                    .any(|(key, value)| b.labels.get(key).is_some_and(|other| other != value));
                if clash {
                    continue;
                }
                let mut labels = a.labels.clone();
                labels.extend(
                    b.labels
                        .iter()
                        .map(|(key, value)| (key.clone(), value.clone())),
                );
                if !existing.insert((namespace.clone(), labels.clone(), account.clone())) {
                    continue;
                }
                let shown: Vec<String> = labels
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .chain((!account.is_empty()).then(|| format!("sa={account}")))
                    .collect();
                combined.push(super::Pod {
                    name: format!("{namespace}/{{{}}}", shown.join(",")),
                    namespace: namespace.clone(),
                    labels,
                    service_account: account,
                    named_ports: BTreeMap::new(),
                });
            }
        }
    }
    for pod in combined {
        universe.ends.push(super::End {
            id: EndpointId::Pod(universe.world.pods.len()),
            name: pod.name.clone(),
            namespace: Some(pod.namespace.clone()),
        });
        universe.world.pods.push(pod);
    }
    universe
}

/// Merges the entities, address blocks and FQDNs of one kind that have the
/// same edges (to the same nodes, with the same ports and change) into one
/// node labelled with all their labels: a picture of the same connections
/// with fewer nodes.
fn merge_alike(
    nodes: Vec<Node>,
    keys: Vec<Key>,
    edges: Vec<Edge>,
) -> (Vec<Node>, Vec<Key>, Vec<Edge>) {
    // Each node's edges, with itself written as `None`.
    type Signature = Vec<(bool, Option<usize>, EdgeChange, String)>;
    let mut signatures: Vec<Signature> = vec![Vec::new(); nodes.len()];
    for edge in &edges {
        let other = |at: usize, other: usize| (at != other).then_some(other);
        if let Some(signature) = signatures.get_mut(edge.from) {
            signature.push((
                true,
                other(edge.from, edge.to),
                edge.change,
                edge.label.clone(),
            ));
        }
        if let Some(signature) = signatures.get_mut(edge.to) {
            signature.push((
                false,
                other(edge.to, edge.from),
                edge.change,
                edge.label.clone(),
            ));
        }
    }
    let mut groups: BTreeMap<(NodeKind, Signature), usize> = BTreeMap::new();
    let mut target: Vec<usize> = Vec::with_capacity(nodes.len());
    let mut merged: Vec<Node> = Vec::new();
    let mut merged_keys: Vec<Key> = Vec::new();
    for (at, (node, key)) in nodes.into_iter().zip(keys).enumerate() {
        let mut signature = signatures.get(at).cloned().unwrap_or_default();
        signature.sort();
        let alone =
            matches!(node.kind, NodeKind::Namespace | NodeKind::Pods) || signature.is_empty();
        if !alone {
            if let Some(group) = groups.get(&(node.kind, signature.clone())) {
                if let Some(into) = merged.get_mut(*group) {
                    into.label.push_str(", ");
                    into.label.push_str(&node.label);
                }
                target.push(*group);
                continue;
            }
            groups.insert((node.kind, signature), merged.len());
        }
        target.push(merged.len());
        merged.push(node);
        merged_keys.push(key);
    }
    let mut seen: BTreeSet<(usize, usize, EdgeChange)> = BTreeSet::new();
    let edges = edges
        .into_iter()
        .filter_map(|mut edge| {
            edge.from = *target.get(edge.from)?;
            edge.to = *target.get(edge.to)?;
            seen.insert((edge.from, edge.to, edge.change))
                .then_some(edge)
        })
        .collect();
    (merged, merged_keys, edges)
}

/// The port classes `program` allows between each pair of nodes.
fn allowed(universe: &Universe, program: &Program, node_of: &[usize], pods: &[bool]) -> Allowed {
    let engine = Engine::new(program);
    let identities: Vec<Option<super::identity::Identity<'_>>> = universe
        .ends
        .iter()
        .map(|end| super::identity::identity(&universe.world, end.id))
        .collect();
    let mut found = Allowed::new();
    for (from, source) in universe.ends.iter().enumerate() {
        let Some(Some(source_identity)) = identities.get(from) else {
            continue;
        };
        for (to, destination) in universe.ends.iter().enumerate() {
            let Some(Some(destination_identity)) = identities.get(to) else {
                continue;
            };
            let (Some(from_node), Some(to_node)) = (node_of.get(from), node_of.get(to)) else {
                continue;
            };
            let some_pod =
                pods.get(from).copied().unwrap_or(false) || pods.get(to).copied().unwrap_or(false);
            for (class, ports) in universe.ports.iter().enumerate() {
                let flow = Flow {
                    from: source.id,
                    to: destination.id,
                    protocol: ports.protocol,
                    port: ports.first,
                    request: None,
                };
                let answer = engine.decide_between(
                    &universe.world,
                    &flow,
                    source_identity,
                    destination_identity,
                    Vec::new(),
                );
                if answer.verdict != FlowVerdict::Allowed {
                    continue;
                }
                let decided = answer.egress.verdict != SideVerdict::NoPolicy
                    || answer.ingress.verdict != SideVerdict::NoPolicy;
                if !some_pod && !decided {
                    continue;
                }
                let localhost_only = !answer.ingress.deciders.is_empty()
                    && answer
                        .ingress
                        .deciders
                        .iter()
                        .all(|decider| *decider == super::Decider::AllowLocalhost);
                if localhost_only {
                    continue;
                }
                found
                    .entry((*from_node, *to_node))
                    .or_default()
                    .insert(class);
            }
        }
    }
    found
}

/// The port classes `classes` of `ports` merged into ranges per protocol,
/// and their label: sorted by port, a range that TCP, UDP and SCTP all
/// have written once as `53/any`, a protocol with every port as `all tcp`,
/// every port of every protocol as `all`.
fn merge(ports: &[Ports], classes: &BTreeSet<usize>) -> (Vec<Ports>, String) {
    const PROTOCOLS: [FlowProtocol; 5] = [
        FlowProtocol::Tcp,
        FlowProtocol::Udp,
        FlowProtocol::Sctp,
        FlowProtocol::Icmp,
        FlowProtocol::Icmpv6,
    ];
    let mut merged: Vec<Ports> = Vec::new();
    let mut whole: Vec<String> = Vec::new();
    // (first port, protocol rank, text) of the ranges and ICMP types.
    let mut items: Vec<(u16, usize, String)> = Vec::new();
    let mut runs_of: BTreeMap<usize, Vec<Ports>> = BTreeMap::new();
    for (rank, protocol) in PROTOCOLS.into_iter().enumerate() {
        let of_protocol: Vec<(usize, &Ports)> = ports
            .iter()
            .enumerate()
            .filter(|(_, class)| class.protocol == protocol)
            .collect();
        let allowed: Vec<&Ports> = of_protocol
            .iter()
            .filter(|(at, _)| classes.contains(at))
            .map(|(_, class)| *class)
            .collect();
        let name = protocol.as_str().to_ascii_lowercase();
        if allowed.is_empty() {
            continue;
        }
        if allowed.len() == of_protocol.len() {
            whole.push(format!("all {name}"));
            merged.extend(allowed.iter().map(|class| **class));
            continue;
        }
        match protocol {
            FlowProtocol::Icmp | FlowProtocol::Icmpv6 => {
                // The last class of an ICMP protocol stands for every type
                // no rule names.
                let other = of_protocol.last().map(|(_, class)| **class);
                for class in allowed {
                    merged.push(*class);
                    let text = if Some(*class) == other {
                        format!("{name} other")
                    } else {
                        class.to_string()
                    };
                    items.push((u16::MAX, rank, text));
                }
            }
            _ => {
                let mut runs: Vec<Ports> = Vec::new();
                for class in allowed {
                    match runs.last_mut() {
                        Some(run) if u32::from(run.last) + 1 == u32::from(class.first) => {
                            run.last = class.last;
                        }
                        _ => runs.push(*class),
                    }
                }
                merged.extend(runs.iter().copied());
                runs_of.insert(rank, runs);
            }
        }
    }
    if whole.len() == PROTOCOLS.len() {
        return (merged, "all".to_owned());
    }
    let range = |run: &Ports| (run.first, run.last);
    let everywhere: Vec<(u16, u16)> = match (runs_of.get(&0), runs_of.get(&1), runs_of.get(&2)) {
        (Some(tcp), Some(udp), Some(sctp)) => tcp
            .iter()
            .map(range)
            .filter(|pair| udp.iter().map(range).any(|other| other == *pair))
            .filter(|pair| sctp.iter().map(range).any(|other| other == *pair))
            .collect(),
        _ => Vec::new(),
    };
    for (first, last) in &everywhere {
        let text = if first == last {
            format!("{first}/any")
        } else {
            format!("{first}-{last}/any")
        };
        items.push((*first, 0, text));
    }
    for (rank, runs) in &runs_of {
        for run in runs {
            if !everywhere.contains(&range(run)) {
                items.push((run.first, *rank, run.to_string()));
            }
        }
    }
    items.sort();
    let shown: Vec<String> = whole
        .into_iter()
        .chain(items.into_iter().map(|(_, _, text)| text))
        .collect();
    (merged, shown.join(", "))
}

/// `kind_label` with every character outside `[A-Za-z0-9]` as `_`, made
/// unique with a number.
fn unique_id(kind: NodeKind, label: &str, taken: &mut BTreeSet<String>) -> String {
    let label = match kind {
        NodeKind::Entity => label.strip_prefix("entity ").unwrap_or(label),
        NodeKind::Fqdn => label.strip_prefix("fqdn ").unwrap_or(label),
        _ => label,
    };
    let mut id = kind.as_str().to_owned();
    id.push('_');
    let mut last_underscore = true;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
            last_underscore = false;
        } else if !last_underscore {
            id.push('_');
            last_underscore = true;
        }
    }
    while id.ends_with('_') {
        id.pop();
    }
    let mut candidate = id.clone();
    let mut number = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}_{number}");
        number += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// The pod class nodes by namespace, each namespace with an id of its own
/// (for a Mermaid subgraph or a DOT cluster).
fn pods_by_namespace(graph: &Graph) -> Vec<(String, &str, Vec<&Node>)> {
    let mut namespaces: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
    for node in &graph.nodes {
        if let (NodeKind::Pods, Some(namespace)) = (&node.kind, &node.namespace) {
            namespaces.entry(namespace).or_default().push(node);
        }
    }
    let mut taken: BTreeSet<String> = graph.nodes.iter().map(|node| node.id.clone()).collect();
    namespaces
        .into_iter()
        .map(|(namespace, members)| {
            (
                unique_id(NodeKind::Namespace, namespace, &mut taken),
                namespace,
                members,
            )
        })
        .collect()
}

/// The most edges [`svg`] lays out with layout-rs's optimizers.
const MOST_OPTIMIZED_EDGES: usize = 200;

/// The colour of an added edge.
const GREEN: &str = "#1a7f37";
/// The colour of a removed edge.
const RED: &str = "#cf222e";

/// The graph as a Mermaid flowchart (`flowchart LR`), without the
/// Markdown fence: node ids are [`Node::id`], labels are quoted with
/// Mermaid's entity codes for `"`, `#`, `&`, `<` and `>`; added edges are
/// green, removed ones red and dotted. At [`Level::Pods`] each namespace is
/// a subgraph.
pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let node_line = |node: &Node| {
        let label = mermaid_text(&node.label);
        match node.kind {
            NodeKind::Namespace | NodeKind::Pods => format!("{}[\"{label}\"]", node.id),
            NodeKind::Entity => format!("{}([\"{label}\"])", node.id),
            NodeKind::Address => format!("{}(\"{label}\")", node.id),
            NodeKind::Fqdn => format!("{}{{{{\"{label}\"}}}}", node.id),
        }
    };
    for (id, namespace, members) in pods_by_namespace(graph) {
        let _ = writeln!(out, "  subgraph {id}[\"{}\"]", mermaid_text(namespace));
        for node in members {
            let _ = writeln!(out, "    {}", node_line(node));
        }
        out.push_str("  end\n");
    }
    for node in &graph.nodes {
        if node.kind != NodeKind::Pods {
            let _ = writeln!(out, "  {}", node_line(node));
        }
    }
    let mut styled: BTreeMap<EdgeChange, Vec<String>> = BTreeMap::new();
    for (at, edge) in graph.edges.iter().enumerate() {
        let (Some(from), Some(to)) = (graph.nodes.get(edge.from), graph.nodes.get(edge.to)) else {
            continue;
        };
        let arrow = match edge.change {
            EdgeChange::Removed => "-.->",
            EdgeChange::Kept | EdgeChange::Added => "-->",
        };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            from.id,
            mermaid_text(&edge.label),
            to.id
        );
        styled.entry(edge.change).or_default().push(at.to_string());
    }
    for (kind, fill, stroke) in [
        (NodeKind::Entity, "#ddf4ff", "#0969da"),
        (NodeKind::Address, "#fff8c5", "#9a6700"),
        (NodeKind::Fqdn, "#fbefff", "#8250df"),
    ] {
        let members: Vec<&str> = graph
            .nodes
            .iter()
            .filter(|node| node.kind == kind)
            .map(|node| node.id.as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(
                out,
                "  classDef {} fill:{fill},stroke:{stroke}",
                kind.as_str()
            );
            let _ = writeln!(out, "  class {} {}", members.join(","), kind.as_str());
        }
    }
    if let Some(added) = styled.get(&EdgeChange::Added) {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{GREEN},stroke-width:2px,color:{GREEN}",
            added.join(",")
        );
    }
    if let Some(removed) = styled.get(&EdgeChange::Removed) {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{RED},stroke-width:2px,stroke-dasharray:5 5,color:{RED}",
            removed.join(",")
        );
    }
    out
}

/// [`mermaid`] in a Markdown ```` ```mermaid ```` fence, for a pull-request
/// comment or a README.
pub fn mermaid_block(graph: &Graph) -> String {
    format!("```mermaid\n{}```\n", mermaid(graph))
}

/// Text inside a quoted Mermaid label: Mermaid's entity codes for the
/// characters that end or change a label; a line break as a space.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The graph in Graphviz's DOT language (`digraph`, left to right): added
/// edges green, removed ones red and dashed; at [`Level::Pods`] each
/// namespace is a cluster.
pub fn dot(graph: &Graph) -> String {
    let mut out = String::from(
        "digraph netpolc {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    let node_line = |node: &Node| {
        let shape = match node.kind {
            NodeKind::Namespace | NodeKind::Pods => "",
            NodeKind::Entity => ", shape=ellipse, style=filled, fillcolor=\"#ddf4ff\"",
            NodeKind::Address => ", shape=note, style=filled, fillcolor=\"#fff8c5\"",
            NodeKind::Fqdn => ", shape=hexagon, style=filled, fillcolor=\"#fbefff\"",
        };
        format!(
            "\"{}\" [label=\"{}\"{shape}];",
            node.id,
            dot_text(&node.label)
        )
    };
    for (id, namespace, members) in pods_by_namespace(graph) {
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{id}\" {{\n    label=\"{}\";",
            dot_text(namespace)
        );
        for node in members {
            let _ = writeln!(out, "    {}", node_line(node));
        }
        out.push_str("  }\n");
    }
    for node in &graph.nodes {
        if node.kind != NodeKind::Pods {
            let _ = writeln!(out, "  {}", node_line(node));
        }
    }
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(edge.from), graph.nodes.get(edge.to)) else {
            continue;
        };
        let style = match edge.change {
            EdgeChange::Kept => String::new(),
            EdgeChange::Added => format!(", color=\"{GREEN}\", fontcolor=\"{GREEN}\", penwidth=2"),
            EdgeChange::Removed => {
                format!(", color=\"{RED}\", fontcolor=\"{RED}\", penwidth=2, style=dashed")
            }
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\"{style}];",
            from.id,
            to.id,
            dot_text(&edge.label)
        );
    }
    out.push_str("}\n");
    out
}

/// Text inside a quoted DOT string.
fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The graph drawn as SVG by the `layout` crate (a Sugiyama layout, left
/// to right): each node a box whose `<g>` has `class="node KIND"` and
/// `data-node="ID"`, each edge a path with `class="edge CHANGE"`; added
/// edges green, removed ones red and dashed.
pub fn svg(graph: &Graph) -> String {
    use layout::backends::svg::SVGWriter;
    use layout::core::base::Orientation;
    use layout::core::color::Color;
    use layout::core::style::{LineStyleKind, StyleAttr};
    use layout::std_shapes::render::get_shape_size;
    use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
    use layout::topo::layout::VisualGraph;

    // The size of the labels layout-rs draws itself, so that the SVG has
    // one font class (it keeps them in a hash map: two would come out in
    // any order).
    const FONT: usize = 15;
    if graph.nodes.is_empty() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\"></svg>\n".to_owned();
    }
    let color = |web: &str| Color::from_name(web).unwrap_or_else(|| Color::fast("black"));
    let orientation = Orientation::LeftToRight;
    let mut visual = VisualGraph::new(orientation);
    let mut handles = Vec::with_capacity(graph.nodes.len());
    for node in &graph.nodes {
        let (fill, stroke, rounded) = match node.kind {
            NodeKind::Namespace | NodeKind::Pods => ("#ffffff", "#24292f", 0),
            NodeKind::Entity => ("#ddf4ff", "#0969da", 12),
            NodeKind::Address => ("#fff8c5", "#9a6700", 4),
            NodeKind::Fqdn => ("#fbefff", "#8250df", 12),
        };
        let shape = ShapeKind::new_box(&node.label);
        let look = StyleAttr::new(color(stroke), 2, Some(color(fill)), rounded, FONT);
        let size = get_shape_size(orientation, &shape, FONT, false);
        let element = Element::create_with_properties(
            shape,
            look,
            orientation,
            size,
            format!(
                "class=\"node {}\" data-node=\"{}\"",
                node.kind.as_str(),
                node.id
            ),
        );
        handles.push(visual.add_node(element));
    }
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (handles.get(edge.from), handles.get(edge.to)) else {
            continue;
        };
        let (stroke, line) = match edge.change {
            EdgeChange::Kept => ("#57606a", LineStyleKind::Normal),
            EdgeChange::Added => (GREEN, LineStyleKind::Normal),
            EdgeChange::Removed => (RED, LineStyleKind::Dashed),
        };
        let change = match edge.change {
            EdgeChange::Kept => "kept",
            EdgeChange::Added => "added",
            EdgeChange::Removed => "removed",
        };
        let look = StyleAttr::new(color(stroke), 2, None, 0, FONT);
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            line,
            &edge.label,
            &look,
            format!("class=\"edge {change}\""),
            &None,
            &None,
        );
        visual.add_edge(arrow, *from, *to);
    }
    let mut writer = SVGWriter::new();
    // layout-rs's rank and crossing optimizers take minutes on a few
    // hundred edges; a bigger graph is laid out without them.
    let quick = graph.edges.len() > MOST_OPTIMIZED_EDGES;
    visual.do_it(false, quick, false, &mut writer);
    let mut text = writer.finalize();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sema::tests::program;

    fn ports(list: &[(FlowProtocol, u16, u16)]) -> Vec<Ports> {
        list.iter()
            .map(|(protocol, first, last)| Ports {
                protocol: *protocol,
                first: *first,
                last: *last,
            })
            .collect()
    }

    #[test]
    fn labels_merge_adjacent_classes_and_name_whole_protocols() {
        use FlowProtocol::{Icmp, Icmpv6, Sctp, Tcp, Udp};
        let universe = ports(&[
            (Tcp, 1, 52),
            (Tcp, 53, 53),
            (Tcp, 54, 442),
            (Tcp, 443, 443),
            (Tcp, 444, 65535),
            (Udp, 1, 52),
            (Udp, 53, 53),
            (Udp, 54, 65535),
            (Sctp, 1, 65535),
            (Icmp, 8, 8),
            (Icmp, 0, 0),
            (Icmpv6, 0, 0),
        ]);
        let label = |classes: &[usize]| merge(&universe, &classes.iter().copied().collect()).1;
        assert_eq!(label(&[1, 2, 3]), "53-443/tcp");
        assert_eq!(label(&[1, 3, 6]), "53/tcp, 53/udp, 443/tcp");
        assert_eq!(label(&[1, 6]), "53/tcp, 53/udp");
        assert_eq!(label(&[5, 6, 7, 9]), "all udp, icmp 8");
        assert_eq!(label(&[10]), "icmp other");
        let with_sctp = ports(&[
            (Tcp, 1, 52),
            (Tcp, 53, 53),
            (Tcp, 54, 65535),
            (Udp, 1, 52),
            (Udp, 53, 53),
            (Udp, 54, 65535),
            (Sctp, 1, 52),
            (Sctp, 53, 53),
            (Sctp, 54, 65535),
            (Icmp, 0, 0),
            (Icmpv6, 0, 0),
        ]);
        let label = |classes: &[usize]| merge(&with_sctp, &classes.iter().copied().collect()).1;
        assert_eq!(label(&[1, 4, 7]), "53/any");
        assert_eq!(label(&[1, 4]), "53/tcp, 53/udp");
        // The one ICMP class is every type.
        assert_eq!(label(&[1, 4, 7, 9]), "all icmp, 53/any");
        assert_eq!(label(&(0..12).collect::<Vec<_>>()), "all");
    }

    #[test]
    fn ids_are_safe_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            unique_id(NodeKind::Pods, "shop/{app=web}", &mut taken),
            "pods_shop_app_web"
        );
        assert_eq!(
            unique_id(NodeKind::Pods, "shop/{app-web}", &mut taken),
            "pods_shop_app_web_2"
        );
        assert_eq!(
            unique_id(NodeKind::Entity, "entity kube-apiserver", &mut taken),
            "entity_kube_apiserver"
        );
    }

    #[test]
    fn mermaid_labels_cannot_end_their_quotes() {
        assert_eq!(
            mermaid_text("a\"b#c<d>&e\nf"),
            "a#quot;b#35;c#lt;d#gt;#amp;e f"
        );
        assert_eq!(dot_text("a\"b\\c"), "a\\\"b\\\\c");
    }

    const SHOP: &str = "\
namespace shop {
  policy web {
    select pods app=web
    allow from pods app=api port 8080/tcp
  }
}
namespace data {
  policy db {
    select pods app=db
    allow from pods app=web in namespace shop port 5432/tcp
  }
}
";

    #[test]
    fn edges_follow_the_engine_at_the_pod_level() {
        let graph = Graph::of(&program(SHOP), Level::Pods);
        let name = |at: usize| graph.nodes.get(at).map_or("?", |node| node.label.as_str());
        let shown: Vec<String> = graph
            .edges
            .iter()
            .filter(|edge| edge.to != edge.from)
            .filter(|edge| name(edge.to) == "data/{app=db}" || name(edge.to) == "shop/{app=web}")
            .map(|edge| format!("{} -> {}: {}", name(edge.from), name(edge.to), edge.label))
            .collect();
        assert_eq!(
            shown,
            [
                "shop/{app=api} -> shop/{app=web}: 8080/tcp",
                "shop/{app=web} -> data/{app=db}: 5432/tcp",
            ]
        );
    }
}
