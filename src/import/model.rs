//! The imported policies, as read from YAML and before they are printed.
//!
//! The model mirrors the part of the Cilium policy API that `.netpol` can
//! say, and nothing else: a document that needs more was refused while it
//! was decoded. Text is kept as written in the YAML (a CIDR keeps its
//! spelling, a port its string), because the printer writes it back and the
//! compiler, not the importer, checks it.

use crate::ir::{Entity, IcmpFamily, Operator};

/// Where a policy came from: the input file and the document in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The input path, as the caller named it.
    pub file: String,
    /// The document's position in the file, from 1.
    pub document: usize,
    /// True when the file holds more than one document.
    pub several: bool,
}

impl Origin {
    /// `` `file.yaml` `` for the only document of a file, else
    /// ``document 2 of `file.yaml` ``.
    pub fn describe(&self) -> String {
        if self.several {
            format!("document {} of `{}`", self.document, self.file)
        } else {
            format!("`{}`", self.file)
        }
    }
}

/// A CiliumNetworkPolicy or a CiliumClusterwideNetworkPolicy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `CiliumNetworkPolicy`.
    Cnp,
    /// `CiliumClusterwideNetworkPolicy`.
    Ccnp,
}

/// One imported policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Where it came from.
    pub origin: Origin,
    /// Its kind.
    pub kind: Kind,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` of a CNP; `None` when the document has none.
    pub namespace: Option<String>,
    /// The first rule (`spec`, or the first entry of `specs`), holding the
    /// object's metadata and the other rules in `rest`.
    pub spec: Spec,
}

/// One Cilium rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Spec {
    /// `description`.
    pub description: Option<String>,
    /// `endpointSelector` or `nodeSelector`.
    pub subject: Subject,
    /// `enableDefaultDeny.ingress`; only `false` can be imported.
    pub no_default_deny_ingress: bool,
    /// `enableDefaultDeny.egress`; only `false` can be imported.
    pub no_default_deny_egress: bool,
    /// `ingress`.
    pub ingress: Vec<Rule>,
    /// `ingressDeny`.
    pub ingress_deny: Vec<Rule>,
    /// `egress`.
    pub egress: Vec<Rule>,
    /// `egressDeny`.
    pub egress_deny: Vec<Rule>,
    /// `labels`, as key and value.
    pub labels: Vec<(String, String)>,
    /// `log.value`.
    pub log: Option<String>,
    /// The object's `metadata.labels`, as key and value.
    pub metadata_labels: Vec<(String, String)>,
    /// The object's `metadata.annotations` but `kubectl apply`'s own record,
    /// as key and value.
    pub annotations: Vec<(String, String)>,
    /// The object's further rules, when it holds several (`spec` and
    /// `specs` together, or `specs` with two entries or more): printed as
    /// `spec` blocks, this spec's own rule first. Their own `rest`,
    /// metadata and annotations are empty.
    pub rest: Vec<Spec>,
}

/// What a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// `endpointSelector`.
    Pods(Selector),
    /// `nodeSelector`.
    Nodes(Selector),
}

impl Default for Subject {
    fn default() -> Subject {
        Subject::Pods(Selector::default())
    }
}

/// A label selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    /// `matchLabels`, in the document's order.
    pub labels: Vec<(String, String)>,
    /// `matchExpressions`.
    pub expressions: Vec<Expression>,
}

impl Selector {
    /// True for `{}`.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.expressions.is_empty()
    }

    /// Every key, of `matchLabels` and `matchExpressions`.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|(key, _)| key.as_str()).chain(
            self.expressions
                .iter()
                .map(|expression| expression.key.as_str()),
        )
    }
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expression {
    /// `key`.
    pub key: String,
    /// `operator`.
    pub operator: Operator,
    /// `values`.
    pub values: Vec<String>,
}

/// One rule of a section, with one kind of peer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The peer.
    pub peer: Peer,
    /// `toPorts[0].ports`.
    pub ports: Vec<Port>,
    /// `icmps[0].fields`.
    pub icmps: Vec<Icmp>,
    /// `toPorts[0].rules`, or `toPorts[0].listener`.
    pub l7: Option<L7>,
    /// `authentication.mode`, one of Cilium's modes.
    pub authentication: Option<String>,
    /// `toPorts[0].terminatingTLS` and `originatingTLS`, in that order.
    pub tls: Vec<Tls>,
    /// `toPorts[0].serverNames` (beside `rules`, not in it), as written.
    pub server_names: Vec<String>,
}

/// A `terminatingTLS` or `originatingTLS`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tls {
    /// True for `originatingTLS`.
    pub originate: bool,
    /// `secret`, as `name` or `namespace/name`.
    pub secret: String,
    /// `trustedCA`.
    pub trusted_ca: Option<String>,
    /// `certificate`.
    pub certificate: Option<String>,
    /// `privateKey`.
    pub private_key: Option<String>,
}

impl Rule {
    /// True for the empty rule `{}`: no peer, port, ICMP type or L7 rule.
    pub fn is_empty(&self) -> bool {
        self.peer == Peer::Anywhere
            && self.ports.is_empty()
            && self.icmps.is_empty()
            && self.l7.is_none()
            && self.authentication.is_none()
            && self.tls.is_empty()
            && self.server_names.is_empty()
    }
}

/// The peer of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Peer {
    /// No peer field.
    Anywhere,
    /// `from/toEndpoints`.
    Endpoints(Vec<Selector>),
    /// `from/toEntities`.
    Entities(Vec<Entity>),
    /// `from/toCIDR` and `from/toCIDRSet`.
    Cidrs(Vec<Cidr>),
    /// `toFQDNs`: names and patterns as written.
    Fqdns(Vec<String>),
    /// `toServices`.
    Services(Vec<Service>),
    /// `from/toCIDRSet` made only of `cidrGroupSelector` entries.
    CidrGroupSelectors(Vec<Selector>),
    /// `from/toNodes`: node label selectors, as written.
    Nodes(Vec<Selector>),
    /// `from/toGroups`: AWS groups, as written.
    Groups(Vec<AwsGroup>),
}

/// A CIDR with its exceptions, as written, or a CiliumCIDRGroup reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    /// `cidr`, or an entry of `from/toCIDR`; the group's name for a group.
    pub cidr: String,
    /// `except`; always empty for a group.
    pub except: Vec<String>,
    /// True for `cidrGroupRef`.
    pub group: bool,
}

/// A CiliumCIDRGroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidrGroup {
    /// Where it came from.
    pub origin: Origin,
    /// `metadata.name`.
    pub name: String,
    /// `spec.externalCIDRs`, as written.
    pub cidrs: Vec<String>,
    /// `metadata.labels`, as written (for `cidrGroupSelector`).
    pub labels: Vec<(String, String)>,
}

impl CidrGroup {
    /// The constant a group is written as: netpolc names a group after its
    /// constant, in lower case with `-` for `_`, so `storage-ips` is
    /// `STORAGE_IPS`.
    pub fn constant(name: &str) -> String {
        name.to_ascii_uppercase().replace('-', "_")
    }
}

/// One `toServices` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Service {
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

/// One `ports` entry, as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Port {
    /// `port`: a number or a name.
    pub port: String,
    /// `endPort`.
    pub end_port: Option<u32>,
    /// `protocol`, lower case; `None` when absent or `ANY`.
    pub protocol: Option<String>,
}

/// One ICMP field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Icmp {
    /// `family`.
    pub family: IcmpFamily,
    /// `type`, a number or a name.
    pub kind: String,
}

/// The L7 rules of a port rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum L7 {
    /// `rules.http`.
    Http(Vec<Http>),
    /// `rules.kafka`.
    Kafka(Vec<Kafka>),
    /// `rules.dns`: names and patterns as written.
    Dns(Vec<String>),
    /// `listener` (beside `rules`, not in it): a custom Envoy listener.
    Listener(Listener),
    /// `rules.l7proto` and `rules.l7`: the protocol and each rule's pairs.
    Generic(String, Vec<std::collections::BTreeMap<String, String>>),
}

/// A port rule's `listener`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Listener {
    /// `envoyConfig.name`.
    pub config: String,
    /// `envoyConfig.kind`: `Some(true)` for CiliumClusterwideEnvoyConfig,
    /// `Some(false)` for CiliumEnvoyConfig, `None` when not written.
    pub clusterwide: Option<bool>,
    /// `name`.
    pub name: String,
    /// `priority`.
    pub priority: Option<u64>,
}

/// One `rules.http` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Http {
    /// `method`.
    pub method: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `host`.
    pub host: Option<String>,
    /// `headers`.
    pub headers: Vec<String>,
    /// `headerMatches`.
    pub header_matches: Vec<HeaderMatch>,
}

/// One `headerMatches` entry, with a value or a secret, or only a
/// `mismatch` (a name alone is a `headers` entry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct HeaderMatch {
    /// `name`.
    pub name: String,
    /// `value`.
    pub value: Option<String>,
    /// `secret`, as `name` or `namespace/name`.
    pub secret: Option<String>,
    /// `mismatch`, lower case.
    pub mismatch: Option<String>,
}

/// One `rules.kafka` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Kafka {
    /// `role`, lower case.
    pub role: Option<String>,
    /// `apiKey`.
    pub api_key: Option<String>,
    /// `apiVersion`.
    pub api_version: Option<String>,
    /// `clientID`.
    pub client_id: Option<String>,
    /// `topic`.
    pub topic: Option<String>,
}

/// One `aws:` entry of `fromGroups`/`toGroups`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AwsGroup {
    /// `securityGroupsIds`.
    pub ids: Vec<String>,
    /// `securityGroupsNames`.
    pub names: Vec<String>,
    /// `labels`, in the document's order.
    pub labels: Vec<(String, String)>,
    /// `region`.
    pub region: Option<String>,
}
