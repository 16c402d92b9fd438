//! Expectations (`expect allow|deny from A to B port P`): flows a policy
//! repository promises to allow or deny, checked by the flow engine
//! ([`crate::flow`]) on every `build`, `check` and `netpolc test`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::{Entity, FqdnName, LabelKey, LabelValue, NamespaceName, RuleOrigin};

/// One `expect` statement, for one namespace when it came through a
/// category (a category's expectation is checked for every namespace that
/// uses it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// The statement, and the categories it came through.
    pub origin: RuleOrigin,
    /// The namespace whose body (or category `use`) holds it; `None` at top
    /// level.
    pub namespace: Option<NamespaceName>,
    /// What the flow must do.
    pub expected: Expected,
    /// The flow.
    pub flow: FlowSpec,
}

/// `expect allow` or `expect deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expected {
    /// The flow passes both sides (and its L7 request, if any).
    Allow,
    /// Either side refuses the flow (or its L7 request).
    Deny,
}

/// A flow described in the language's words: its two ends, the destination
/// port and protocol, and an optional L7 request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowSpec {
    /// The source.
    pub from: EndpointSpec,
    /// The destination.
    pub to: EndpointSpec,
    /// The protocol.
    pub protocol: FlowProtocol,
    /// The destination port; the ICMP type for ICMP and ICMPv6; 0 for VRRP
    /// and IGMP.
    pub port: u16,
    /// The L7 request, judged by the L7 rules of the entry that allows the
    /// flow.
    pub request: Option<Request>,
}

/// One end of a flow, as the language names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointSpec {
    /// `pods app=web in namespace shop`, `namespace shop`: one pod of the
    /// namespace with exactly these labels (none for `namespace shop`).
    Pod(PodSpec),
    /// `node role=control-plane`: the local node (the host endpoint) with
    /// these node labels.
    Node(BTreeMap<LabelKey, LabelValue>),
    /// `entity world`, `entity host`, ...: a reserved identity. Never
    /// `all`, `cluster` or `none` (sets, not endpoints; sema refuses them).
    Entity(Entity),
    /// `cidr 10.20.0.10`: an address outside the cluster.
    Address(IpAddr),
    /// `fqdn api.stripe.com`: an address outside the cluster that DNS
    /// answers for that name; its IP is one that no CIDR rule names.
    Fqdn(FqdnName),
}

/// A pod described by its namespace, labels and service account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodSpec {
    /// The pod's namespace (known to the repository).
    pub namespace: NamespaceName,
    /// The pod's own labels, exactly.
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// The service account; `None` is `default`.
    pub service_account: Option<LabelValue>,
}

/// The protocol of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowProtocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
    /// ICMP (IPv4); the port is the ICMP type.
    Icmp,
    /// ICMPv6; the port is the ICMP type.
    Icmpv6,
    /// VRRP (no ports).
    Vrrp,
    /// IGMP (no ports).
    Igmp,
    /// GRE (no ports; Cilium 1.20's extended protocols from here on).
    Gre,
    /// IPIP (no ports).
    Ipip,
    /// IPv6 in IPv4, IP protocol 41 (no ports).
    Ipv6,
    /// ESP (no ports).
    Esp,
    /// AH (no ports).
    Ah,
}

impl FlowProtocol {
    /// The name as Cilium and the verdict files write it (`TCP`, `ICMPv6`).
    pub fn as_str(self) -> &'static str {
        match self {
            FlowProtocol::Tcp => "TCP",
            FlowProtocol::Udp => "UDP",
            FlowProtocol::Sctp => "SCTP",
            FlowProtocol::Icmp => "ICMP",
            FlowProtocol::Icmpv6 => "ICMPv6",
            FlowProtocol::Vrrp => "VRRP",
            FlowProtocol::Igmp => "IGMP",
            FlowProtocol::Gre => "GRE",
            FlowProtocol::Ipip => "IPIP",
            FlowProtocol::Ipv6 => "IPV6",
            FlowProtocol::Esp => "ESP",
            FlowProtocol::Ah => "AH",
        }
    }

    /// The flow protocol of a protocol without ports (VRRP, IGMP and the
    /// extended protocols), which a rule writes with port 0 and a flow
    /// too; `None` for TCP, UDP, SCTP and `ANY`.
    pub fn portless(protocol: super::Protocol) -> Option<FlowProtocol> {
        use super::Protocol;
        match protocol {
            Protocol::Tcp | Protocol::Udp | Protocol::Sctp | Protocol::Any => None,
            Protocol::Vrrp => Some(FlowProtocol::Vrrp),
            Protocol::Igmp => Some(FlowProtocol::Igmp),
            Protocol::Gre => Some(FlowProtocol::Gre),
            Protocol::Ipip => Some(FlowProtocol::Ipip),
            Protocol::Ipv6 => Some(FlowProtocol::Ipv6),
            Protocol::Esp => Some(FlowProtocol::Esp),
            Protocol::Ah => Some(FlowProtocol::Ah),
        }
    }

    /// True for the protocols without ports; a flow of one has port 0.
    pub fn is_portless(self) -> bool {
        !matches!(
            self,
            FlowProtocol::Tcp
                | FlowProtocol::Udp
                | FlowProtocol::Sctp
                | FlowProtocol::Icmp
                | FlowProtocol::Icmpv6
        )
    }

    /// `vrrp`, `gre`: the word a port-less protocol is written with.
    pub fn word(self) -> String {
        self.as_str().to_ascii_lowercase()
    }
}

/// An L7 request of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// An HTTP request: judged by `rules.http`.
    Http(HttpRequest),
    /// A DNS lookup of this name: judged by `rules.dns`.
    Dns(String),
    /// A Kafka request: judged by `rules.kafka`.
    Kafka(KafkaRequest),
}

/// An HTTP request line and headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`.
    pub method: String,
    /// `/api/v1/x`.
    pub path: String,
    /// The `Host` header, when given.
    pub host: Option<String>,
    /// Other headers, as `(name, value)`.
    pub headers: Vec<(String, String)>,
}

/// A Kafka request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KafkaRequest {
    /// The API key by name (`produce`, `fetch`, ...).
    pub api_key: String,
    /// The API version.
    pub api_version: u16,
    /// The client ID.
    pub client_id: Option<String>,
    /// The topic.
    pub topic: Option<String>,
}
