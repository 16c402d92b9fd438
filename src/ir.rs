//! The checked intermediate representation: what sema proves and emit prints.
//!
//! **Invariant:** the IR cannot hold invalid policy. Every text value is a
//! newtype ([`LabelKey`], [`LabelValue`], [`NamespaceName`], [`PolicyName`],
//! [`PortName`], [`FqdnName`], [`FqdnPattern`], [`HttpRegex`], ...), CIDRs are
//! `ipnet`, port ranges and `except` lists are structs whose fields are
//! private, and every one of them is built only by a constructor that takes
//! a [`Checked`] witness. Only `sema` can make a [`Checked`] (the type's one
//! field is private to `sema::proof`), and sema makes one only after the
//! value passed its check, so emit cannot meet a value Cilium would refuse.
//!
//! **Invariant:** peers are typed by where the rule sits: an ingress rule
//! holds an [`IngressPeer`], which has no FQDN or service variant; a deny
//! rule holds no L7 rules ([`NoL7`]) and an egress deny rule no FQDN peer
//! ([`EgressDenyPeer`]). What the CRD cannot say for a list is not a state
//! emit has to handle.
//!
//! **Invariant:** order is deterministic: namespaces and policies are sorted by
//! name; rules keep source order; label maps are `BTreeMap`s.
//!
//! Every rule carries a [`RuleOrigin`]: the span it was written at (in a user
//! file or the standard library) and the categories it came through.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use ipnet::IpNet;

pub use crate::sema::Checked;
use crate::source::Span;

/// Declares a newtype over checked text: built only with a [`Checked`]
/// witness, read as a `&str`.
macro_rules! checked_text {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps text that sema has checked.
            pub fn new(text: impl Into<String>, _checked: Checked) -> $name {
                $name(text.into())
            }

            /// The text as written in YAML.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Unit tests build IR by hand from literals.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_owned())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )*};
}

checked_text! {
    /// A label key, valid for Kubernetes and Cilium (source prefix included,
    /// as in `k8s:app`): an optional DNS-1123 prefix and `/`, then a name of
    /// at most 63 characters.
    LabelKey;
    /// A label value: empty, or at most 63 letters, digits, `-`, `_` and
    /// `.`, starting and ending with a letter or digit.
    LabelValue;
    /// A namespace name: a DNS-1123 label (at most 63 characters).
    NamespaceName;
    /// A policy's `metadata.name`: a DNS-1123 subdomain (at most 253
    /// characters).
    PolicyName;
    /// A CiliumCIDRGroup's `metadata.name`: a DNS-1123 subdomain.
    CidrGroupName;
    /// A Kubernetes service name: a DNS-1123 label.
    ServiceName;
    /// A named port: an IANA service name (at most 15 lower-case letters,
    /// digits and `-`, with a letter).
    PortName;
    /// A `matchName`: a DNS name without `*`, of Cilium's characters, at most
    /// 255 characters.
    FqdnName;
    /// A `matchPattern`: a DNS name with `*` (or a leading `**.`), of
    /// Cilium's characters, at most 255 characters.
    FqdnPattern;
    /// An HTTP `method`, `path` or `host`: a regular expression that Go's
    /// `regexp` and Envoy's RE2 both accept.
    HttpRegex;
    /// Text that is not blank: an HTTP header, a Kafka client ID.
    NonEmptyText;
    /// A Kafka `apiKey` from Cilium's list.
    KafkaApiKey;
    /// A Kafka `topic`: 1 to 255 of `[a-zA-Z0-9._-]`.
    KafkaTopic;
    /// An ICMP type name from Cilium's table for its family.
    IcmpName;
    /// A policy `description`: any string the language can write.
    Description;
}

/// A whole compiled repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Namespaced policies, by namespace name.
    pub namespaces: BTreeMap<NamespaceName, Namespace>,
    /// Cluster-wide policies, sorted by name.
    pub cluster: Vec<PolicyInstance>,
    /// User files the cluster-wide policies come from, as repo-relative paths.
    pub cluster_sources: BTreeSet<String>,
    /// CiliumCIDRGroups that peers refer to, by name.
    pub cidr_groups: BTreeMap<CidrGroupName, CidrGroup>,
    /// User files the CIDR groups come from, as repo-relative paths.
    pub cidr_group_sources: BTreeSet<String>,
    /// The Cilium version the program was checked for.
    pub cilium_version: crate::CiliumVersion,
    /// The namespace inventory (`cluster namespaces`), when the repository has one.
    pub inventory: Option<Inventory>,
}

impl NamespaceName {
    /// The name as a label value, for the namespace label that Cilium puts
    /// on every pod. A DNS-1123 label is always a valid label value.
    pub fn as_label_value(&self) -> LabelValue {
        LabelValue(self.0.clone())
    }

    /// The name as a policy name, for the policy of a namespace's bare
    /// rules. A DNS-1123 label is always a DNS-1123 subdomain.
    pub fn as_policy_name(&self) -> PolicyName {
        PolicyName(self.0.clone())
    }
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
    /// The namespace name.
    pub name: NamespaceName,
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
    /// `metadata.name`.
    pub name: PolicyName,
    /// The `policy` block, or the `use` that instantiated a category.
    pub origin: Span,
    /// What the policy says.
    pub spec: Arc<PolicySpec>,
}

/// The body of one policy (one Cilium rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PolicySpec {
    /// `description`.
    pub description: Option<Description>,
    /// Who the policy applies to.
    pub subject: Subject,
    /// `enableDefaultDeny`: `Some(false)` where the user wrote `no default deny`.
    pub default_deny: DefaultDeny,
    /// Ingress allow rules.
    pub ingress: Vec<IngressRule>,
    /// Ingress deny rules.
    pub ingress_deny: Vec<IngressDenyRule>,
    /// Egress allow rules.
    pub egress: Vec<EgressRule>,
    /// Egress deny rules.
    pub egress_deny: Vec<EgressDenyRule>,
    /// Rule labels (`labels`), by key.
    pub labels: BTreeMap<LabelKey, LabelValue>,
}

impl PolicySpec {
    /// Every rule of the four lists, in print order (`ingress`,
    /// `ingressDeny`, `egress`, `egressDeny`), as one view.
    pub fn rules(&self) -> impl Iterator<Item = RuleRef<'_>> {
        let ingress = self.ingress.iter().map(|rule| rule.view(RuleKind::INGRESS));
        let ingress_deny = self
            .ingress_deny
            .iter()
            .map(|rule| rule.view(RuleKind::INGRESS_DENY));
        let egress = self.egress.iter().map(|rule| rule.view(RuleKind::EGRESS));
        let egress_deny = self
            .egress_deny
            .iter()
            .map(|rule| rule.view(RuleKind::EGRESS_DENY));
        ingress.chain(ingress_deny).chain(egress).chain(egress_deny)
    }

    /// True when no list holds a rule.
    pub fn has_no_rules(&self) -> bool {
        self.ingress.is_empty()
            && self.ingress_deny.is_empty()
            && self.egress.is_empty()
            && self.egress_deny.is_empty()
    }
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
    pub match_labels: BTreeMap<LabelKey, LabelValue>,
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
    pub values: Vec<LabelValue>,
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

/// Which list a rule sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleKind {
    /// Ingress or egress.
    pub direction: Direction,
    /// Allow or deny.
    pub verdict: Verdict,
}

impl RuleKind {
    /// `ingress`.
    pub const INGRESS: RuleKind = RuleKind {
        direction: Direction::Ingress,
        verdict: Verdict::Allow,
    };
    /// `ingressDeny`.
    pub const INGRESS_DENY: RuleKind = RuleKind {
        direction: Direction::Ingress,
        verdict: Verdict::Deny,
    };
    /// `egress`.
    pub const EGRESS: RuleKind = RuleKind {
        direction: Direction::Egress,
        verdict: Verdict::Allow,
    };
    /// `egressDeny`.
    pub const EGRESS_DENY: RuleKind = RuleKind {
        direction: Direction::Egress,
        verdict: Verdict::Deny,
    };
}

/// The direction of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Traffic into the subject.
    Ingress,
    /// Traffic out of the subject.
    Egress,
}

/// Whether a rule sits in an allow list or a deny list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// `ingress`, `egress`.
    Allow,
    /// `ingressDeny`, `egressDeny`.
    Deny,
}

/// One rule of a list: a peer of the list's peer type `P`, ports, ICMP
/// types, and L7 rules where the list allows them (`L` is `Option<L7>` in an
/// allow list and [`NoL7`] in a deny list).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule<P, L> {
    /// Where the rule was written.
    pub origin: RuleOrigin,
    /// The other side.
    pub peer: P,
    /// `toPorts[].ports`; empty means no `toPorts`.
    pub ports: Vec<PortSpec>,
    /// `icmps[].fields`; empty means no `icmps`.
    pub icmps: Vec<IcmpType>,
    /// `toPorts[].rules`.
    pub l7: L,
}

/// An `ingress` rule.
pub type IngressRule = Rule<IngressPeer, Option<L7>>;
/// An `ingressDeny` rule.
pub type IngressDenyRule = Rule<IngressPeer, NoL7>;
/// An `egress` rule.
pub type EgressRule = Rule<EgressPeer, Option<L7>>;
/// An `egressDeny` rule.
pub type EgressDenyRule = Rule<EgressDenyPeer, NoL7>;

/// The L7 slot of a deny rule: Cilium's deny rules match on L3 and L4 only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoL7;

/// What a rule's L7 slot holds, for [`RuleRef`].
pub trait L7Slot {
    /// The L7 rules, if any.
    fn get(&self) -> Option<&L7>;
}

impl L7Slot for Option<L7> {
    fn get(&self) -> Option<&L7> {
        self.as_ref()
    }
}

impl L7Slot for NoL7 {
    fn get(&self) -> Option<&L7> {
        None
    }
}

/// A peer type, viewed as the common [`PeerRef`].
pub trait PeerKind {
    /// The peer as a view.
    fn view(&self) -> PeerRef<'_>;
}

impl<P: PeerKind, L: L7Slot> Rule<P, L> {
    /// The rule as a view, in the list `kind`.
    pub fn view(&self, kind: RuleKind) -> RuleRef<'_> {
        RuleRef {
            kind,
            origin: &self.origin,
            peer: self.peer.view(),
            ports: &self.ports,
            icmps: &self.icmps,
            l7: self.l7.get(),
        }
    }
}

/// A rule of any list, borrowed: what lints and the checks that do not
/// depend on the list read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleRef<'a> {
    /// The list the rule sits in.
    pub kind: RuleKind,
    /// Where the rule was written.
    pub origin: &'a RuleOrigin,
    /// The other side.
    pub peer: PeerRef<'a>,
    /// `toPorts[].ports`.
    pub ports: &'a [PortSpec],
    /// `icmps[].fields`.
    pub icmps: &'a [IcmpType],
    /// `toPorts[].rules`.
    pub l7: Option<&'a L7>,
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleOrigin {
    /// The rule's text, in a user file or the standard library.
    pub span: Span,
    /// The categories it was expanded through, outermost first.
    pub categories: Vec<String>,
}

/// The peer of an ingress or ingress deny rule. Cilium allows one kind per
/// rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IngressPeer {
    /// No peer field: any peer on the given ports, or, without ports, the
    /// empty rule that only turns the direction to default deny.
    Anywhere,
    /// `fromEndpoints`.
    Endpoints(Vec<Selector>),
    /// `fromEntities`.
    Entities(Vec<Entity>),
    /// `fromCIDR` when no entry has exceptions, else `fromCIDRSet`.
    Cidrs(Vec<CidrRule>),
    /// `fromCIDRSet` with `cidrGroupRef` entries.
    CidrGroups(CidrGroupPeer),
}

/// The peer of an egress allow rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EgressPeer {
    /// No peer field.
    Anywhere,
    /// `toEndpoints`.
    Endpoints(Vec<Selector>),
    /// `toEntities`.
    Entities(Vec<Entity>),
    /// `toCIDR` when no entry has exceptions, else `toCIDRSet`.
    Cidrs(Vec<CidrRule>),
    /// `toCIDRSet` with `cidrGroupRef` entries.
    CidrGroups(CidrGroupPeer),
    /// `toFQDNs`.
    Fqdns(Vec<FqdnSelector>),
    /// `toServices`.
    Services(Vec<ServiceRef>),
}

/// The peer of an egress deny rule: no FQDN peers, since Cilium learns a
/// name's addresses only from DNS answers it allowed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EgressDenyPeer {
    /// No peer field.
    Anywhere,
    /// `toEndpoints`.
    Endpoints(Vec<Selector>),
    /// `toEntities`.
    Entities(Vec<Entity>),
    /// `toCIDR` when no entry has exceptions, else `toCIDRSet`.
    Cidrs(Vec<CidrRule>),
    /// `toCIDRSet` with `cidrGroupRef` entries.
    CidrGroups(CidrGroupPeer),
    /// `toServices`.
    Services(Vec<ServiceRef>),
}

/// Any peer, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerRef<'a> {
    /// No peer field.
    Anywhere,
    /// `from/toEndpoints`.
    Endpoints(&'a [Selector]),
    /// `from/toEntities`.
    Entities(&'a [Entity]),
    /// `from/toCIDR` or `from/toCIDRSet`.
    Cidrs(&'a [CidrRule]),
    /// `from/toCIDRSet` with `cidrGroupRef` entries.
    CidrGroups(&'a CidrGroupPeer),
    /// `toFQDNs`.
    Fqdns(&'a [FqdnSelector]),
    /// `toServices`.
    Services(&'a [ServiceRef]),
}

impl PeerKind for IngressPeer {
    fn view(&self) -> PeerRef<'_> {
        match self {
            IngressPeer::Anywhere => PeerRef::Anywhere,
            IngressPeer::Endpoints(list) => PeerRef::Endpoints(list),
            IngressPeer::Entities(list) => PeerRef::Entities(list),
            IngressPeer::Cidrs(list) => PeerRef::Cidrs(list),
            IngressPeer::CidrGroups(peer) => PeerRef::CidrGroups(peer),
        }
    }
}

impl PeerKind for EgressPeer {
    fn view(&self) -> PeerRef<'_> {
        match self {
            EgressPeer::Anywhere => PeerRef::Anywhere,
            EgressPeer::Endpoints(list) => PeerRef::Endpoints(list),
            EgressPeer::Entities(list) => PeerRef::Entities(list),
            EgressPeer::Cidrs(list) => PeerRef::Cidrs(list),
            EgressPeer::CidrGroups(peer) => PeerRef::CidrGroups(peer),
            EgressPeer::Fqdns(list) => PeerRef::Fqdns(list),
            EgressPeer::Services(list) => PeerRef::Services(list),
        }
    }
}

impl PeerKind for EgressDenyPeer {
    fn view(&self) -> PeerRef<'_> {
        match self {
            EgressDenyPeer::Anywhere => PeerRef::Anywhere,
            EgressDenyPeer::Endpoints(list) => PeerRef::Endpoints(list),
            EgressDenyPeer::Entities(list) => PeerRef::Entities(list),
            EgressDenyPeer::Cidrs(list) => PeerRef::Cidrs(list),
            EgressDenyPeer::CidrGroups(peer) => PeerRef::CidrGroups(peer),
            EgressDenyPeer::Services(list) => PeerRef::Services(list),
        }
    }
}

/// A `CIDRSet` that refers to CiliumCIDRGroups: literal CIDRs first, then
/// one `cidrGroupRef` entry per group (never none).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CidrGroupPeer {
    cidrs: Vec<CidrRule>,
    groups: Vec<CidrGroupName>,
}

impl CidrGroupPeer {
    /// A peer of CIDRs and groups; `None` when there is no group.
    pub fn new(cidrs: Vec<CidrRule>, groups: Vec<CidrGroupName>) -> Option<CidrGroupPeer> {
        (!groups.is_empty()).then_some(CidrGroupPeer { cidrs, groups })
    }

    /// Literal CIDRs, as `cidr` entries.
    pub fn cidrs(&self) -> &[CidrRule] {
        &self.cidrs
    }

    /// CiliumCIDRGroup names, as `cidrGroupRef` entries; never empty.
    pub fn groups(&self) -> &[CidrGroupName] {
        &self.groups
    }
}

/// A CIDR with exceptions inside it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CidrRule {
    cidr: IpNet,
    except: Vec<IpNet>,
}

impl CidrRule {
    /// A CIDR rule; `None` unless every exception lies inside `cidr`, in its
    /// family. `cidr` is printed in canonical prefix notation.
    pub fn new(cidr: IpNet, except: Vec<IpNet>) -> Option<CidrRule> {
        except
            .iter()
            .all(|inner| cidr.contains(inner) && cidr.prefix_len() <= inner.prefix_len())
            .then_some(CidrRule { cidr, except })
    }

    /// The CIDR.
    pub fn cidr(&self) -> IpNet {
        self.cidr
    }

    /// Exceptions, each inside [`CidrRule::cidr`] and of its family.
    pub fn except(&self) -> &[IpNet] {
        &self.except
    }
}

/// A `toFQDNs` or `rules.dns` entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FqdnSelector {
    /// `matchName`: no `*`.
    Name(FqdnName),
    /// `matchPattern`: has `*`.
    Pattern(FqdnPattern),
}

impl FqdnSelector {
    /// The name or pattern as written.
    pub fn as_str(&self) -> &str {
        match self {
            FqdnSelector::Name(name) => name,
            FqdnSelector::Pattern(pattern) => pattern,
        }
    }
}

/// A `toServices` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServiceRef {
    /// `k8sService`.
    Named {
        /// `serviceName`.
        name: ServiceName,
        /// `namespace`; `None` matches every namespace.
        namespace: Option<NamespaceName>,
    },
    /// `k8sServiceSelector`.
    Selected {
        /// `selector`.
        selector: Selector,
        /// `namespace`; `None` matches every namespace.
        namespace: Option<NamespaceName>,
    },
}

/// One entry of `toPorts[].ports`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PortSpec {
    port: Port,
    end_port: Option<u16>,
    protocol: Protocol,
}

impl PortSpec {
    /// One port, or every port for `Port::Number(0)`.
    pub fn single(port: Port, protocol: Protocol) -> PortSpec {
        PortSpec {
            port,
            end_port: None,
            protocol,
        }
    }

    /// The range `start-end`; `None` unless `start < end`.
    pub fn range(start: u16, end: u16, protocol: Protocol) -> Option<PortSpec> {
        (start < end).then_some(PortSpec {
            port: Port::Number(start),
            end_port: Some(end),
            protocol,
        })
    }

    /// `port`.
    pub fn port(&self) -> &Port {
        &self.port
    }

    /// `endPort`, greater than a numbered `port`.
    pub fn end_port(&self) -> Option<u16> {
        self.end_port
    }

    /// `protocol`.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }
}

/// A port number or an IANA service name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Port {
    /// 0 to 65535; 0 means every port.
    Number(u16),
    /// A lower-case IANA service name.
    Name(PortName),
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
    Name(IcmpName),
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
    /// `method`.
    pub method: Option<HttpRegex>,
    /// `path`.
    pub path: Option<HttpRegex>,
    /// `host`.
    pub host: Option<HttpRegex>,
    /// `headers`.
    pub headers: Vec<NonEmptyText>,
}

/// One `rules.kafka` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KafkaRule {
    /// `role`.
    pub role: Option<KafkaRole>,
    /// `apiKey`.
    pub api_key: Option<KafkaApiKey>,
    /// `apiVersion`, 0 to 32767.
    pub api_version: Option<u16>,
    /// `clientID`.
    pub client_id: Option<NonEmptyText>,
    /// `topic`.
    pub topic: Option<KafkaTopic>,
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
    pub namespaces: BTreeMap<NamespaceName, InventoryNamespace>,
}

/// One namespace of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryNamespace {
    /// Where the namespace is listed.
    pub origin: Span,
    /// The labels the namespace carries, as listed.
    pub labels: BTreeMap<LabelKey, LabelValue>,
}
