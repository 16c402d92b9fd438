//! The cluster a flow runs in.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::ir::{EndpointSpec, Entity, Program};

/// Pods, nodes, outside addresses and namespace labels, with the agent
/// options that change verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct World {
    /// The cluster name (`io.cilium.k8s.policy.cluster`); `default`.
    pub cluster: String,
    /// Namespaces and their labels (without `kubernetes.io/metadata.name`,
    /// which every namespace has).
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
    /// Pods.
    pub pods: Vec<Pod>,
    /// Nodes; the first is the local host (`entity host`).
    pub nodes: Vec<Node>,
    /// Addresses outside the cluster.
    pub addresses: Vec<Address>,
    /// Agent options.
    pub options: AgentOptions,
    /// What the world assumed for a flow end its description left open
    /// (filled by [`World::add`]), one sentence each.
    pub assumptions: Vec<String>,
}

/// One pod.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pod {
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Its labels (before Cilium's identity-label filter).
    pub labels: BTreeMap<String, String>,
    /// Its service account; `default` when empty.
    pub service_account: String,
    /// Its named container ports.
    pub named_ports: BTreeMap<String, NamedPort>,
}

/// A named container port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedPort {
    /// The number.
    pub port: u16,
    /// The protocol; TCP when not given.
    pub protocol: crate::ir::FlowProtocol,
}

/// One node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// Its name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
}

/// An address outside the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Its name in flows.
    pub name: String,
    /// The IP; `None` for an address that no CIDR of the program names.
    pub ip: Option<IpAddr>,
    /// The DNS names it was resolved from.
    pub fqdns: Vec<String>,
}

/// Agent flags that change verdicts; [`Default`] is Cilium's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentOptions {
    /// `enable-host-firewall`; `true` here, so `nodeSelector` policies apply.
    pub host_firewall: bool,
    /// `allow-localhost`.
    pub allow_localhost: AllowLocalhost,
    /// `enable-policy`.
    pub policy_mode: PolicyMode,
    /// IPv6 enabled (world becomes `world-ipv4`/`world-ipv6`).
    pub dual_stack: bool,
}

impl Default for AgentOptions {
    fn default() -> AgentOptions {
        AgentOptions {
            host_firewall: true,
            allow_localhost: AllowLocalhost::Always,
            policy_mode: PolicyMode::Default,
            dual_stack: false,
        }
    }
}

/// `allow-localhost`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowLocalhost {
    /// The local host always reaches the pods of its node (Kubernetes mode).
    Always,
    /// Only what policy allows.
    Policy,
}

/// `enable-policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyMode {
    /// Enforce a direction once a rule selects the endpoint in it.
    Default,
    /// Enforce everything, even without policy.
    Always,
    /// Enforce nothing.
    Never,
}

/// One end of a flow in a [`World`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointId {
    /// `World::pods[i]`.
    Pod(usize),
    /// `World::nodes[i]`, evaluated as the local host.
    Node(usize),
    /// `World::addresses[i]`.
    Address(usize),
    /// A reserved identity: `world`, `host` (a bare host when there are no
    /// nodes), `remote-node`, `kube-apiserver`, `health`, `ingress`,
    /// `init`, `unmanaged`.
    Entity(Entity),
}

impl World {
    /// The world of a program: cluster `default`, the namespaces of its
    /// inventory with their labels (or, without an inventory, the
    /// namespaces it has policies for), no pods, nodes or addresses, and
    /// Cilium's default options.
    pub fn for_program(program: &Program) -> World {
        let namespaces = match &program.inventory {
            Some(inventory) => inventory
                .namespaces
                .iter()
                .map(|(name, namespace)| {
                    let labels = namespace
                        .labels
                        .iter()
                        .map(|(key, value)| (key.to_string(), value.to_string()))
                        .collect();
                    (name.to_string(), labels)
                })
                .collect(),
            None => program
                .namespaces
                .keys()
                .map(|name| (name.to_string(), BTreeMap::new()))
                .collect(),
        };
        World {
            cluster: "default".to_owned(),
            namespaces,
            ..World::default()
        }
    }

    /// [`World::for_program`] with only the namespaces that the ends name:
    /// what [`crate::flow::Engine::decide_spec`] needs.
    pub(crate) fn for_ends(program: &Program, ends: &[&EndpointSpec]) -> World {
        let mut world = World {
            cluster: "default".to_owned(),
            ..World::default()
        };
        for end in ends {
            let EndpointSpec::Pod(pod) = end else {
                continue;
            };
            let name = pod.namespace.as_str();
            let labels = match &program.inventory {
                Some(inventory) => inventory.namespaces.get(name).map(|namespace| {
                    namespace
                        .labels
                        .iter()
                        .map(|(key, value)| (key.to_string(), value.to_string()))
                        .collect()
                }),
                None => program.namespaces.contains_key(name).then(BTreeMap::new),
            };
            if let Some(labels) = labels {
                world.namespaces.insert(name.to_owned(), labels);
            }
        }
        world
    }

    /// Adds the endpoint a description names, and the assumptions made for
    /// what it left open, and returns its id.
    ///
    /// - A pod is named `NS/{k=v,...}`; without a service account it has
    ///   `default`, and it has no named ports. A namespace the world does
    ///   not know is added without labels.
    /// - A node is appended: the first node added is the one `entity host`
    ///   stands for, and a node named in a flow is always evaluated as the
    ///   local host.
    /// - An IP is an address outside the cluster with no DNS names; a DNS
    ///   name an address of unknown IP that DNS gave for it.
    pub fn add(&mut self, spec: &EndpointSpec) -> EndpointId {
        match spec {
            EndpointSpec::Pod(pod) => {
                let (labels, shown) = plain_labels(&pod.labels);
                let name = format!("{}/{{{shown}}}", pod.namespace);
                if !self.namespaces.contains_key(pod.namespace.as_str()) {
                    self.namespaces
                        .insert(pod.namespace.to_string(), BTreeMap::new());
                    self.assumptions.push(format!(
                        "namespace `{}` is not in the inventory: it has no labels but its name",
                        pod.namespace
                    ));
                }
                let service_account = match &pod.service_account {
                    Some(account) => account.to_string(),
                    None => {
                        self.assumptions
                            .push(format!("pod {name}: service account `default`"));
                        "default".to_owned()
                    }
                };
                self.assumptions.push(format!("pod {name}: no named ports"));
                self.pods.push(Pod {
                    name,
                    namespace: pod.namespace.to_string(),
                    labels,
                    service_account,
                    named_ports: BTreeMap::new(),
                });
                EndpointId::Pod(self.pods.len() - 1)
            }
            EndpointSpec::Node(labels) => {
                let (labels, shown) = plain_labels(labels);
                self.nodes.push(Node {
                    name: format!("node {{{shown}}}"),
                    labels,
                });
                EndpointId::Node(self.nodes.len() - 1)
            }
            EndpointSpec::Entity(entity) => EndpointId::Entity(*entity),
            EndpointSpec::Address(ip) => {
                self.addresses.push(Address {
                    name: ip.to_string(),
                    ip: Some(*ip),
                    fqdns: Vec::new(),
                });
                self.assumptions
                    .push(format!("address {ip}: no DNS name resolves to it"));
                EndpointId::Address(self.addresses.len() - 1)
            }
            EndpointSpec::Fqdn(name) => {
                self.addresses.push(Address {
                    name: name.to_string(),
                    ip: None,
                    fqdns: vec![name.to_string()],
                });
                self.assumptions.push(format!(
                    "fqdn {name}: an address DNS gave for {name}, in no CIDR of the policy"
                ));
                EndpointId::Address(self.addresses.len() - 1)
            }
        }
    }
}

/// Checked labels as plain strings, and as `k=v,k=v` for an endpoint's name.
fn plain_labels(
    labels: &BTreeMap<crate::ir::LabelKey, crate::ir::LabelValue>,
) -> (BTreeMap<String, String>, String) {
    let plain: BTreeMap<String, String> = labels
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    let shown: Vec<String> = plain
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    (plain, shown.join(","))
}
