//! Rules typed by the list they sit in, their peers, and the common view
//! ([`RuleRef`], [`PeerRef`]) for code that reads every list alike.

use ipnet::IpNet;

use super::{
    AuthMode, CidrGroupName, Entity, FqdnSelector, IcmpType, L7, LabelKey, LabelValue, PortSpec,
    Selector, ServiceRef, Tls,
};
use crate::source::Span;
use std::collections::BTreeMap;

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
/// types, and L7 rules, authentication and TLS where the list allows them
/// (`L` is `Option<Box<L7>>` in an allow list and [`NoL7`] in a deny list,
/// `A` is `Option<AuthMode>` and [`NoAuth`], `T` is `Option<Box<Tls>>` and
/// [`NoTls`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule<P, L, A, T> {
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
    /// `authentication.mode`.
    pub authentication: A,
    /// `toPorts[].terminatingTLS` and `originatingTLS`.
    pub tls: T,
}

/// An `ingress` rule.
pub type IngressRule = Rule<IngressPeer, Option<Box<L7>>, Option<AuthMode>, Option<Box<Tls>>>;
/// An `ingressDeny` rule.
pub type IngressDenyRule = Rule<IngressPeer, NoL7, NoAuth, NoTls>;
/// An `egress` rule.
pub type EgressRule = Rule<EgressPeer, Option<Box<L7>>, Option<AuthMode>, Option<Box<Tls>>>;
/// An `egressDeny` rule.
pub type EgressDenyRule = Rule<EgressDenyPeer, NoL7, NoAuth, NoTls>;

// Every rule of every namespace stays in memory until the output is
// printed, so a rule's size is a build's memory: the rare, large parts (L7
// rules, TLS contexts, CIDR groups) are boxed. These fail to compile when a
// change makes a rule larger (as rustc's `static_assert_size!`), so that it
// is a choice, made with BENCHMARKS.md's memory figures at hand. At most,
// not exactly: a compiler that lays a rule out smaller still builds.
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(std::mem::size_of::<IngressRule>() <= 144);
    assert!(std::mem::size_of::<EgressRule>() <= 144);
    assert!(std::mem::size_of::<IngressDenyRule>() <= 120);
    assert!(std::mem::size_of::<EgressDenyRule>() <= 120);
};

/// The TLS slot of a deny rule: Cilium's deny rules have no proxy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoTls;

/// What a rule's TLS slot holds, for [`RuleRef`].
pub trait TlsSlot {
    /// The TLS contexts, if any.
    fn get(&self) -> Option<&Tls>;
}

impl TlsSlot for Option<Box<Tls>> {
    fn get(&self) -> Option<&Tls> {
        self.as_deref()
    }
}

impl TlsSlot for NoTls {
    fn get(&self) -> Option<&Tls> {
        None
    }
}

/// The authentication slot of a deny rule: Cilium's deny rules have no
/// `authentication`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoAuth;

/// What a rule's authentication slot holds, for [`RuleRef`].
pub trait AuthSlot {
    /// The mode, if any.
    fn get(&self) -> Option<AuthMode>;
}

impl AuthSlot for Option<AuthMode> {
    fn get(&self) -> Option<AuthMode> {
        *self
    }
}

impl AuthSlot for NoAuth {
    fn get(&self) -> Option<AuthMode> {
        None
    }
}

/// The L7 slot of a deny rule: Cilium's deny rules match on L3 and L4 only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoL7;

/// What a rule's L7 slot holds, for [`RuleRef`].
pub trait L7Slot {
    /// The L7 rules, if any.
    fn get(&self) -> Option<&L7>;
}

impl L7Slot for Option<Box<L7>> {
    fn get(&self) -> Option<&L7> {
        self.as_deref()
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

impl<P: PeerKind, L: L7Slot, A: AuthSlot, T: TlsSlot> Rule<P, L, A, T> {
    /// The rule as a view, in the list `kind`.
    pub fn view(&self, kind: RuleKind) -> RuleRef<'_> {
        RuleRef {
            kind,
            origin: &self.origin,
            peer: self.peer.view(),
            ports: &self.ports,
            icmps: &self.icmps,
            l7: self.l7.get(),
            authentication: self.authentication.get(),
            tls: self.tls.get(),
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
    /// `authentication.mode`.
    pub authentication: Option<AuthMode>,
    /// `toPorts[].terminatingTLS` and `originatingTLS`.
    pub tls: Option<&'a Tls>,
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
    /// `fromNodes`: nodes by their labels.
    Nodes(Vec<Selector>),
    /// `fromGroups`: AWS groups.
    Groups(Vec<AwsGroup>),
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
    /// `toNodes`: nodes by their labels.
    Nodes(Vec<Selector>),
    /// `toGroups`: AWS groups.
    Groups(Vec<AwsGroup>),
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
    /// `toNodes`: nodes by their labels.
    Nodes(Vec<Selector>),
    /// `toGroups`: AWS groups.
    Groups(Vec<AwsGroup>),
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
    /// `from/toNodes`: nodes by their labels.
    Nodes(&'a [Selector]),
    /// `from/toGroups`: AWS groups.
    Groups(&'a [AwsGroup]),
}

/// One `aws:` entry of `fromGroups`/`toGroups`: the addresses of the AWS
/// network interfaces in any of the security groups (ids or names) and with
/// every label. Cilium resolves it to CIDRs; at least one of ids, names and
/// labels is set (sema refuses an empty group).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AwsGroup {
    /// `securityGroupsIds`.
    pub ids: Vec<String>,
    /// `securityGroupsNames`.
    pub names: Vec<String>,
    /// `labels`.
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// `region` (unused from Cilium 1.20 on).
    pub region: Option<String>,
}

impl PeerKind for IngressPeer {
    fn view(&self) -> PeerRef<'_> {
        match self {
            IngressPeer::Anywhere => PeerRef::Anywhere,
            IngressPeer::Endpoints(list) => PeerRef::Endpoints(list),
            IngressPeer::Entities(list) => PeerRef::Entities(list),
            IngressPeer::Cidrs(list) => PeerRef::Cidrs(list),
            IngressPeer::CidrGroups(peer) => PeerRef::CidrGroups(peer),
            IngressPeer::Nodes(list) => PeerRef::Nodes(list),
            IngressPeer::Groups(list) => PeerRef::Groups(list),
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
            EgressPeer::Nodes(list) => PeerRef::Nodes(list),
            EgressPeer::Groups(list) => PeerRef::Groups(list),
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
            EgressDenyPeer::Nodes(list) => PeerRef::Nodes(list),
            EgressDenyPeer::Groups(list) => PeerRef::Groups(list),
        }
    }
}

/// A `CIDRSet` that refers to CiliumCIDRGroups: literal CIDRs first, then
/// one `cidrGroupRef` entry per group, then one `cidrGroupSelector` entry
/// per selector (never no group and no selector).
///
/// Boxed inside: it is the largest peer and a rare one, and every rule of
/// every namespace is as large as its largest peer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CidrGroupPeer(Box<CidrGroupParts>);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CidrGroupParts {
    cidrs: Vec<CidrRule>,
    groups: Vec<CidrGroupName>,
    selectors: Vec<Selector>,
}

impl CidrGroupPeer {
    /// A peer of CIDRs and groups; `None` when there is no group.
    pub fn new(cidrs: Vec<CidrRule>, groups: Vec<CidrGroupName>) -> Option<CidrGroupPeer> {
        (!groups.is_empty()).then(|| {
            CidrGroupPeer(Box::new(CidrGroupParts {
                cidrs,
                groups,
                selectors: Vec::new(),
            }))
        })
    }

    /// A peer of CiliumCIDRGroups selected by their labels; `None` when
    /// there is no selector.
    pub fn selected(selectors: Vec<Selector>) -> Option<CidrGroupPeer> {
        (!selectors.is_empty()).then(|| {
            CidrGroupPeer(Box::new(CidrGroupParts {
                cidrs: Vec::new(),
                groups: Vec::new(),
                selectors,
            }))
        })
    }

    /// Label selectors over CiliumCIDRGroups, as `cidrGroupSelector`
    /// entries.
    pub fn selectors(&self) -> &[Selector] {
        &self.0.selectors
    }

    /// Literal CIDRs, as `cidr` entries.
    pub fn cidrs(&self) -> &[CidrRule] {
        &self.0.cidrs
    }

    /// CiliumCIDRGroup names, as `cidrGroupRef` entries; empty only when
    /// there are selectors.
    pub fn groups(&self) -> &[CidrGroupName] {
        &self.0.groups
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
