//! `allow` and `deny` rules: verbs, peers, CIDRs, ICMP types and L7 (HTTP
//! and Kafka) lines.

use super::policies::{Direction, Scope};
use super::values::{Selector, Value};
use crate::source::{Span, Spanned};

/// `allow|deny from|to PEER ...`.
///
/// The clauses few rules have (`sni`, `listener`, `icmp`, `authentication`)
/// are boxed: every rule of every file stays in memory until the lints have
/// run, and an absent box costs 8 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Allow or deny.
    pub verb: Spanned<Verb>,
    /// Ingress (`from`) or egress (`to`).
    pub direction: Spanned<Direction>,
    /// The peer.
    pub peer: Peer,
    /// `port ...`.
    pub ports: Option<Spanned<Vec<Value>>>,
    /// `sni ...`: TLS server names.
    pub sni: Option<Box<Spanned<Vec<Value>>>>,
    /// `terminate tls ...` and `originate tls ...`, in order.
    pub tls: Vec<Tls>,
    /// `listener ...`: a custom Envoy listener.
    pub listener: Option<Box<Listener>>,
    /// `icmp ...`.
    pub icmps: Option<Box<Spanned<Vec<IcmpItem>>>>,
    /// `authentication MODE`: the mode word, and the clause's span.
    pub authentication: Option<Box<Spanned<Spanned<String>>>>,
    /// L7 lines, in order.
    pub l7: Vec<L7>,
    /// The whole rule.
    pub span: Span,
}

/// `terminate|originate tls secret SECRET [ca K] [certificate K] [key K]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tls {
    /// `terminate` or `originate`.
    pub side: Spanned<TlsSide>,
    /// The secret, `name` or `namespace/name`.
    pub secret: Value,
    /// `ca`, `certificate` and `key` items, in order.
    pub items: Vec<(Spanned<TlsItem>, Value)>,
    /// The whole clause.
    pub span: Span,
}

/// Which TLS a `tls` clause configures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsSide {
    /// `terminate tls`: Cilium `terminatingTLS`.
    Terminate,
    /// `originate tls`: Cilium `originatingTLS`.
    Originate,
}

impl TlsSide {
    /// The clause's first keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            TlsSide::Terminate => "terminate",
            TlsSide::Originate => "originate",
        }
    }
}

/// An item of a `tls` clause: which entry of the secret holds what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsItem {
    /// `ca`: Cilium `trustedCA`.
    Ca,
    /// `certificate`: Cilium `certificate`.
    Certificate,
    /// `key`: Cilium `privateKey`.
    Key,
}

impl TlsItem {
    /// The item's keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            TlsItem::Ca => "ca",
            TlsItem::Certificate => "certificate",
            TlsItem::Key => "key",
        }
    }
}

/// `listener NAME in [cluster|namespace] CONFIG [priority N]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// The listener's name.
    pub name: Value,
    /// `cluster` (true) or `namespace` (false), if written.
    pub clusterwide: Option<bool>,
    /// The Envoy config's name.
    pub config: Value,
    /// `priority N`, as written.
    pub priority: Option<Spanned<String>>,
    /// The whole clause.
    pub span: Span,
}

/// `allow` or `deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    /// `allow`.
    Allow,
    /// `deny`.
    Deny,
}

impl Verb {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Verb::Allow => "allow",
            Verb::Deny => "deny",
        }
    }
}

/// The other side of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    /// What kind of peer.
    pub kind: PeerKind,
    /// The whole peer clause.
    pub span: Span,
}

/// The kinds of peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerKind {
    /// `pods [SELECTOR, ...] [in SCOPE]`.
    Pods {
        /// Selectors, any of which may match; empty for every pod.
        selectors: Vec<Selector>,
        /// Where to look.
        scope: Option<Scope>,
    },
    /// `namespace a, b`.
    Namespace(Vec<Value>),
    /// `namespaces with SELECTOR`.
    Namespaces(Selector),
    /// `entity a, b`.
    Entity(Vec<Spanned<String>>),
    /// `cidr ...`.
    Cidr(Vec<CidrItem>),
    /// `fqdn ...`.
    Fqdn(Vec<Value>),
    /// `service NAME [in SCOPE]`.
    Service {
        /// The service name.
        name: Value,
        /// Where the service is.
        scope: Option<Scope>,
    },
    /// `services with SELECTOR [in SCOPE]`.
    Services {
        /// The service label selector.
        selector: Selector,
        /// Where the services are.
        scope: Option<Scope>,
    },
    /// `anywhere`.
    Anywhere,
    /// `everything`.
    Everything,
    /// `nodes SELECTOR, ...`: nodes by their labels.
    Nodes(Vec<Selector>),
    /// `cidr groups with SELECTOR, ...`: CiliumCIDRGroups by their labels.
    CidrGroupsWith(Vec<Selector>),
    /// `service a, services with ...`: several service peers (each a
    /// [`PeerKind::Service`] or [`PeerKind::Services`]) in one rule.
    ServiceList(Vec<Peer>),
    /// `aws groups ..., aws ...`: AWS groups (`fromGroups`/`toGroups`).
    Aws(Vec<AwsGroup>),
}

/// One `aws ...` entry of an AWS group peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsGroup {
    /// `groups "sg-1", ...`: security group ids.
    pub ids: Vec<Value>,
    /// `groups named "web", ...`: security group names.
    pub names: Vec<Value>,
    /// `with SELECTOR`: ENI labels (equality only).
    pub labels: Option<Selector>,
    /// `in region "..."`.
    pub region: Option<Value>,
    /// The whole entry.
    pub span: Span,
}

/// One CIDR (or CIDR constant) with its exceptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidrItem {
    /// The CIDR or a `$NAME`.
    pub cidr: Value,
    /// Exceptions.
    pub except: Vec<Value>,
    /// The whole item.
    pub span: Span,
}

/// One ICMP type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcmpItem {
    /// `ipv4` or `ipv6` when written.
    pub family: Option<Spanned<IcmpFamily>>,
    /// The type as written.
    pub kind: Spanned<String>,
}

/// An ICMP family marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IcmpFamily {
    /// `ipv4`.
    V4,
    /// `ipv6`.
    V6,
}

/// One L7 line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L7 {
    /// `http ...`.
    Http(Http),
    /// `grpc "pkg.Service/Method"`.
    Grpc(Value, Span),
    /// `kafka ...`.
    Kafka(Kafka),
    /// `dns "pattern", ...`.
    Dns(Vec<Value>, Span),
    /// `l7 "proto" "key" = "value", ...`: a generic L7 rule.
    Generic(Generic),
}

/// `l7 "proto" "key" = "value", ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generic {
    /// The protocol (`l7proto`).
    pub proto: Value,
    /// The key-value pairs, in order.
    pub pairs: Vec<(Value, Value)>,
    /// The whole line.
    pub span: Span,
}

impl L7 {
    /// The line's span.
    pub fn span(&self) -> Span {
        match self {
            L7::Http(http) => http.span,
            L7::Grpc(_, span) | L7::Dns(_, span) => *span,
            L7::Kafka(kafka) => kafka.span,
            L7::Generic(generic) => generic.span,
        }
    }
}

/// `http [METHOD] ["/path"] [host "h"] [header "K: v"]...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Http {
    /// The method.
    pub method: Option<Method>,
    /// The path regexp.
    pub path: Option<Value>,
    /// The host.
    pub host: Option<Value>,
    /// Required headers.
    pub headers: Vec<Value>,
    /// Header matches: `header "Name" = "v" mismatch add`.
    pub header_matches: Vec<HeaderMatch>,
    /// The whole line.
    pub span: Span,
}

/// `header "Name" = "value" | secret "ns/name" [mismatch ACTION]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderMatch {
    /// The header's name.
    pub name: Value,
    /// The value, if written.
    pub value: Option<Value>,
    /// The secret holding the value, if written.
    pub secret: Option<Value>,
    /// The mismatch action, as written.
    pub mismatch: Option<Spanned<String>>,
    /// The whole clause.
    pub span: Span,
}

/// An HTTP method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// An upper-case word such as `GET`.
    Word(Spanned<String>),
    /// `method "regex"`.
    Regex(Value),
}

/// `kafka [produce|consume|apikey NAME] [topic "t"] [client "c"] [version N]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kafka {
    /// `produce` or `consume`.
    pub role: Option<Spanned<KafkaRole>>,
    /// `apikey NAME`.
    pub api_key: Option<Spanned<String>>,
    /// `topic "t"`.
    pub topic: Option<Value>,
    /// `client "c"`.
    pub client: Option<Value>,
    /// `version N`.
    pub version: Option<Spanned<String>>,
    /// The whole line.
    pub span: Span,
}

/// A Kafka role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KafkaRole {
    /// `produce`.
    Produce,
    /// `consume`.
    Consume,
}
