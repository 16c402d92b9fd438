//! The checked intermediate representation: what sema proves and emit prints.
//!
//! **Invariant:** the IR holds no unvalidated text. Every value here passed
//! the checks of `sema` (CIDRs are `ipnet`, ports are in range, names are
//! DNS-1123, label keys are Cilium-valid, FQDN patterns use the allowed
//! characters) and every Cilium agent rule that `sema/cilium.rs` enforces
//! holds, so `emit` cannot fail.
//!
//! **Invariant:** order is deterministic: namespaces and policies are sorted by
//! name; rules keep source order; label maps are `BTreeMap`s.
//!
//! Every rule carries a [`RuleOrigin`]: the span it was written at (in a user
//! file or the standard library) and the categories it came through.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ipnet::IpNet;

use crate::source::Span;

/// A whole compiled repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Namespaced policies, by namespace name.
    pub namespaces: BTreeMap<String, Namespace>,
    /// Cluster-wide policies, sorted by name.
    pub cluster: Vec<PolicyInstance>,
    /// User files the cluster-wide policies come from, as repo-relative paths.
    pub cluster_sources: BTreeSet<String>,
    /// CiliumCIDRGroups that peers refer to, by name.
    pub cidr_groups: BTreeMap<String, CidrGroup>,
    /// User files the CIDR groups come from, as repo-relative paths.
    pub cidr_group_sources: BTreeSet<String>,
    /// The Cilium version the program was checked for.
    pub cilium_version: crate::CiliumVersion,
    /// The namespace inventory (`cluster namespaces`), when the repository has one.
    pub inventory: Option<Inventory>,
}

/// A CiliumCIDRGroup: a CIDR constant emitted as an object of its own, so a
/// change to it is one changed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidrGroup {
    /// `spec.externalCIDRs`.
    pub cidrs: Vec<IpNet>,
    /// The constant's name in its definition.
    pub origin: Span,
}

/// One namespace and its policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// The namespace name, a DNS-1123 label.
    pub name: String,
    /// The `namespace` block.
    pub origin: Span,
    /// User files this namespace's policies come from, as repo-relative paths.
    pub sources: BTreeSet<String>,
    /// Policies, sorted by name.
    pub policies: Vec<PolicyInstance>,
}

/// One emitted policy: a name and a shared, checked spec.
///
/// Specs are shared between namespaces that use a category with the same
/// arguments, so each distinct spec is checked and printed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInstance {
    /// `metadata.name`, a DNS-1123 subdomain.
    pub name: String,
    /// The `policy` block, or the `use` that instantiated a category.
    pub origin: Span,
    /// What the policy says.
    pub spec: Arc<PolicySpec>,
}

/// The body of one policy (one Cilium rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PolicySpec {
    /// `description`.
    pub description: Option<String>,
    /// Who the policy applies to.
    pub subject: Subject,
    /// `enableDefaultDeny`: `Some(false)` where the user wrote `no default deny`.
    pub default_deny: DefaultDeny,
    /// Ingress allow rules.
    pub ingress: Vec<Rule>,
    /// Ingress deny rules.
    pub ingress_deny: Vec<Rule>,
    /// Egress allow rules.
    pub egress: Vec<Rule>,
    /// Egress deny rules.
    pub egress_deny: Vec<Rule>,
    /// Rule labels (`labels`), by key.
    pub labels: BTreeMap<LabelKey, String>,
}

/// `enableDefaultDeny`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DefaultDeny {
    /// `enableDefaultDeny.ingress`, when set.
    pub ingress: Option<bool>,
    /// `enableDefaultDeny.egress`, when set.
    pub egress: Option<bool>,
}

/// The endpoints a policy applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// `endpointSelector`.
    Pods(Selector),
    /// `nodeSelector` (host firewall; cluster-wide only).
    Nodes(Selector),
}

impl Default for Subject {
    fn default() -> Subject {
        Subject::Pods(Selector::default())
    }
}

/// A Kubernetes label selector. Empty selects everything in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selector {
    /// `matchLabels`.
    pub match_labels: BTreeMap<LabelKey, String>,
    /// `matchExpressions`, in source order.
    pub match_expressions: Vec<Expression>,
}

impl Selector {
    /// True for `{}`.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Every key the selector names, in `matchLabels` and then in
    /// `matchExpressions`.
    pub fn keys(&self) -> impl Iterator<Item = &LabelKey> {
        self.match_labels.keys().chain(
            self.match_expressions
                .iter()
                .map(|expression| &expression.key),
        )
    }
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expression {
    /// The label key.
    pub key: LabelKey,
    /// The operator.
    pub operator: Operator,
    /// Values; empty for `Exists` and `DoesNotExist`.
    pub values: Vec<String>,
}

/// A `matchExpressions` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    /// `In`.
    In,
    /// `NotIn`.
    NotIn,
    /// `Exists`.
    Exists,
    /// `DoesNotExist`.
    DoesNotExist,
}

/// A label key, valid for Kubernetes and Cilium (source prefix included, as
/// in `k8s:app`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelKey(String);

impl LabelKey {
    /// Wraps a key that sema has validated.
    pub(crate) fn new_unchecked(key: impl Into<String>) -> LabelKey {
        LabelKey(key.into())
    }

    /// The key as written in YAML.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One allow or deny rule with exactly one kind of peer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// Where the rule was written.
    pub origin: RuleOrigin,
    /// The other side.
    pub peer: Peer,
    /// `toPorts[].ports`; empty means no `toPorts`.
    pub ports: Vec<PortSpec>,
    /// `icmps[].fields`; empty means no `icmps`.
    pub icmps: Vec<IcmpType>,
    /// `toPorts[].rules`.
    pub l7: Option<L7>,
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleOrigin {
    /// The rule's text, in a user file or the standard library.
    pub span: Span,
    /// The categories it was expanded through, outermost first.
    pub categories: Vec<String>,
}

/// The peer of a rule. Cilium allows one kind per rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Peer {
    /// No peer field: any peer on the given ports, or, without ports, the
    /// empty rule that only turns the direction to default deny.
    Anywhere,
    /// `from/toEndpoints`.
    Endpoints(Vec<Selector>),
    /// `from/toEntities`.
    Entities(Vec<Entity>),
    /// `from/toCIDR` when no entry has exceptions, else `from/toCIDRSet`.
    Cidrs(Vec<CidrRule>),
    /// `from/toCIDRSet` with `cidrGroupRef` entries (after any CIDRs).
    CidrGroups {
        /// Literal CIDRs, as `cidr` entries.
        cidrs: Vec<CidrRule>,
        /// CiliumCIDRGroup names, as `cidrGroupRef` entries; never empty.
        groups: Vec<String>,
    },
    /// `toFQDNs` (egress allow only).
    Fqdns(Vec<FqdnSelector>),
    /// `toServices` (egress only).
    Services(Vec<ServiceRef>),
}

/// A CIDR with exceptions inside it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CidrRule {
    /// The CIDR, in canonical prefix notation.
    pub cidr: IpNet,
    /// Exceptions, each inside `cidr` and of its family.
    pub except: Vec<IpNet>,
}

/// A `toFQDNs` or `rules.dns` entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FqdnSelector {
    /// `matchName`: no `*`.
    Name(String),
    /// `matchPattern`: has `*`.
    Pattern(String),
}

/// A `toServices` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServiceRef {
    /// `k8sService`.
    Named {
        /// `serviceName`.
        name: String,
        /// `namespace`; `None` matches every namespace.
        namespace: Option<String>,
    },
    /// `k8sServiceSelector`.
    Selected {
        /// `selector`.
        selector: Selector,
        /// `namespace`; `None` matches every namespace.
        namespace: Option<String>,
    },
}

/// One entry of `toPorts[].ports`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortSpec {
    /// `port`.
    pub port: Port,
    /// `endPort`, greater than `port`.
    pub end_port: Option<u16>,
    /// `protocol`.
    pub protocol: Protocol,
}

/// A port number or an IANA service name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Port {
    /// 0 to 65535; 0 means every port.
    Number(u16),
    /// A lower-case IANA service name.
    Name(String),
}

/// A transport protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// `TCP`.
    Tcp,
    /// `UDP`.
    Udp,
    /// `SCTP`.
    Sctp,
    /// `ANY`: TCP, UDP and SCTP.
    Any,
}

/// One ICMP type match.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IcmpType {
    /// IPv4 or IPv6.
    pub family: IcmpFamily,
    /// The type, as a number or a name from the family's table.
    pub kind: IcmpKind,
}

/// ICMP family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IcmpFamily {
    /// `IPv4`.
    V4,
    /// `IPv6`.
    V6,
}

/// An ICMP type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IcmpKind {
    /// 0 to 255.
    Number(u8),
    /// A CamelCase name from Cilium's table for the family.
    Name(String),
}

/// The L7 rules of a port rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum L7 {
    /// `rules.http`.
    Http(Vec<HttpRule>),
    /// `rules.kafka`.
    Kafka(Vec<KafkaRule>),
    /// `rules.dns`.
    Dns(Vec<FqdnSelector>),
}

/// One `rules.http` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct HttpRule {
    /// `method`, a valid regexp.
    pub method: Option<String>,
    /// `path`, a valid regexp.
    pub path: Option<String>,
    /// `host`.
    pub host: Option<String>,
    /// `headers`.
    pub headers: Vec<String>,
}

/// One `rules.kafka` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KafkaRule {
    /// `role`.
    pub role: Option<KafkaRole>,
    /// `apiKey`, from Cilium's list.
    pub api_key: Option<String>,
    /// `apiVersion`, 0 to 32767.
    pub api_version: Option<u16>,
    /// `clientID`.
    pub client_id: Option<String>,
    /// `topic`, at most 255 of `[a-zA-Z0-9._-]`.
    pub topic: Option<String>,
}

/// A Kafka role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KafkaRole {
    /// `produce`.
    Produce,
    /// `consume`.
    Consume,
}

/// A Cilium entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    /// `all`.
    All,
    /// `world`.
    World,
    /// `cluster`.
    Cluster,
    /// `host`.
    Host,
    /// `init`.
    Init,
    /// `ingress`.
    Ingress,
    /// `unmanaged`.
    Unmanaged,
    /// `remote-node`.
    RemoteNode,
    /// `health`.
    Health,
    /// `none`.
    None,
    /// `kube-apiserver`.
    KubeApiserver,
}

impl Entity {
    /// Every entity with its name as Cilium writes it.
    pub const NAMES: &'static [(Entity, &'static str)] = &[
        (Entity::All, "all"),
        (Entity::World, "world"),
        (Entity::Cluster, "cluster"),
        (Entity::Host, "host"),
        (Entity::Init, "init"),
        (Entity::Ingress, "ingress"),
        (Entity::Unmanaged, "unmanaged"),
        (Entity::RemoteNode, "remote-node"),
        (Entity::Health, "health"),
        (Entity::None, "none"),
        (Entity::KubeApiserver, "kube-apiserver"),
    ];

    /// The name as Cilium writes it.
    pub fn as_str(self) -> &'static str {
        Entity::NAMES
            .iter()
            .find(|(entity, _)| *entity == self)
            .map_or("none", |(_, name)| name)
    }
}

/// The repository's namespace inventory: every namespace of the cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The namespaces, by name.
    pub namespaces: BTreeMap<String, InventoryNamespace>,
}

/// One namespace of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryNamespace {
    /// Where the namespace is listed.
    pub origin: Span,
    /// The labels the namespace carries, as listed.
    pub labels: BTreeMap<LabelKey, String>,
}
