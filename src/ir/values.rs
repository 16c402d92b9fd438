//! The values inside a rule: FQDN selectors, services, ports, ICMP types, L7
//! rules and entities.

use super::{
    FqdnName, FqdnPattern, HttpRegex, IcmpName, KafkaApiKey, KafkaTopic, NamespaceName,
    NonEmptyText, PortName, Selector, ServerName, ServiceName,
};

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
    /// `VRRP` (IP protocol 112), with port 0: Cilium 1.19 on.
    Vrrp,
    /// `IGMP` (IP protocol 2), with port 0: Cilium 1.19 on.
    Igmp,
    /// `GRE` (IP protocol 47), with port 0: Cilium 1.20 on.
    Gre,
    /// `IPIP` (IP protocol 4), with port 0: Cilium 1.20 on.
    Ipip,
    /// `IPV6` (IPv6 in IPv4, IP protocol 41), with port 0: Cilium 1.20 on.
    Ipv6,
    /// `ESP` (IP protocol 50), with port 0: Cilium 1.20 on.
    Esp,
    /// `AH` (IP protocol 51), with port 0: Cilium 1.20 on.
    Ah,
}

impl Protocol {
    /// The protocols without ports (written with port 0): VRRP and IGMP,
    /// and the extended protocols of 1.20.
    pub fn is_portless(self) -> bool {
        !matches!(
            self,
            Protocol::Tcp | Protocol::Udp | Protocol::Sctp | Protocol::Any
        )
    }

    /// The extended IP protocols of Cilium 1.20 (`enable-extended-ip-protocols`).
    pub fn is_extended(self) -> bool {
        matches!(
            self,
            Protocol::Gre | Protocol::Ipip | Protocol::Ipv6 | Protocol::Esp | Protocol::Ah
        )
    }

    /// The protocol as the CRD writes it.
    pub fn as_crd(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
            Protocol::Any => "ANY",
            Protocol::Vrrp => "VRRP",
            Protocol::Igmp => "IGMP",
            Protocol::Gre => "GRE",
            Protocol::Ipip => "IPIP",
            Protocol::Ipv6 => "IPV6",
            Protocol::Esp => "ESP",
            Protocol::Ah => "AH",
        }
    }
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
    /// `listener`: not under `rules` but beside `ports`, it redirects the
    /// port rule to a custom Envoy listener, and Cilium refuses it together
    /// with L7 rules, so it takes the rule's one L7 slot too.
    Listener(Listener),
    /// `rules.l7proto` and `rules.l7`: generic L7 rules of one protocol
    /// (Cilium up to 1.19), each a map of keys to values.
    Generic(GenericL7),
}

/// `rules.l7proto` and its `rules.l7` entries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GenericL7 {
    /// `l7proto`.
    pub proto: String,
    /// `l7`: each rule's pairs, keys unique and not empty.
    pub rules: Vec<std::collections::BTreeMap<String, String>>,
}

/// `toPorts[].listener`: a custom Envoy listener, on an egress allow rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Listener {
    /// `envoyConfig.name`: the CiliumEnvoyConfig or
    /// CiliumClusterwideEnvoyConfig that defines the listener.
    pub config: String,
    /// `envoyConfig.kind`, if written (without it, the policy's own scope's
    /// kind).
    pub kind: Option<EnvoyConfigKind>,
    /// `name`: the listener's name in that config.
    pub name: String,
    /// `priority` (1..=100, Cilium 1.16 on).
    pub priority: Option<u8>,
}

/// `envoyConfig.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvoyConfigKind {
    /// `CiliumEnvoyConfig` (`in namespace`).
    Namespaced,
    /// `CiliumClusterwideEnvoyConfig` (`in cluster`).
    Clusterwide,
}

impl EnvoyConfigKind {
    /// The kind as the CRD writes it.
    pub fn as_crd(self) -> &'static str {
        match self {
            EnvoyConfigKind::Namespaced => "CiliumEnvoyConfig",
            EnvoyConfigKind::Clusterwide => "CiliumClusterwideEnvoyConfig",
        }
    }
}

/// `authentication.mode`: the mutual authentication the traffic an allow
/// rule admits needs (Cilium's enum; `required` is SPIFFE mutual TLS
/// between the two identities). The order is the agent's: where several
/// rules of one policy map entry name a mode, the greatest wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuthMode {
    /// `disabled`: no authentication, as without the field.
    Disabled,
    /// `required`: the agent admits the traffic once both identities have
    /// authenticated each other.
    Required,
    /// `test-always-fail`: authentication that always fails (Cilium's
    /// connectivity tests).
    TestAlwaysFail,
}

impl AuthMode {
    /// Every mode, in the CRD's order.
    pub const ALL: [AuthMode; 3] = [
        AuthMode::Disabled,
        AuthMode::Required,
        AuthMode::TestAlwaysFail,
    ];

    /// The mode as the CRD and the language write it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Required => "required",
            AuthMode::Disabled => "disabled",
            AuthMode::TestAlwaysFail => "test-always-fail",
        }
    }

    /// The mode written `name`, if it is one.
    pub fn from_name(name: &str) -> Option<AuthMode> {
        AuthMode::ALL.into_iter().find(|mode| mode.as_str() == name)
    }
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
    /// `headerMatches`.
    pub header_matches: Vec<HeaderMatch>,
}

/// One `headerMatches` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HeaderMatch {
    /// `name`.
    pub name: NonEmptyText,
    /// `value`.
    pub value: Option<NonEmptyText>,
    /// `secret`.
    pub secret: Option<SecretRef>,
    /// `mismatch`.
    pub mismatch: Option<Mismatch>,
}

/// A Kubernetes secret: `{name, namespace?}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecretRef {
    /// `namespace`.
    pub namespace: Option<NonEmptyText>,
    /// `name`.
    pub name: NonEmptyText,
}

/// The TLS of an allow rule's port rule, beside `ports` and `rules`:
/// - `serverNames`: the TLS server names the ports accept; they send the
///   port rule to the TLS proxy. Cilium refuses them together with L7
///   rules unless there is `terminatingTLS`, which `sema` checks.
/// - `terminatingTLS` and `originatingTLS`: the TLS the proxy ends towards
///   the client and starts towards the server, so that its L7 rules can
///   read the requests inside. The agent reads them only on a port rule
///   with L7 rules (`l4.go`: "No rules -> no TLS"), which `sema` checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tls {
    /// `serverNames`, each once; empty when not written.
    pub server_names: Vec<ServerName>,
    /// `terminatingTLS`.
    pub terminating: Option<TlsContext>,
    /// `originatingTLS`.
    pub originating: Option<TlsContext>,
}

/// A `TLSContext`: a Kubernetes secret and, if written, the names of the
/// items in it (Cilium's defaults when left out: `ca.crt`, `tls.crt`,
/// `tls.key`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TlsContext {
    /// `secret`.
    pub secret: SecretRef,
    /// `trustedCA`.
    pub trusted_ca: Option<NonEmptyText>,
    /// `certificate`.
    pub certificate: Option<NonEmptyText>,
    /// `privateKey`.
    pub private_key: Option<NonEmptyText>,
}

/// `headerMatches[].mismatch`: what the proxy does with a request whose
/// header differs (without it, the request is refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mismatch {
    /// `LOG`: log and let it through.
    Log,
    /// `ADD`: add the header.
    Add,
    /// `DELETE`: delete the header.
    Delete,
    /// `REPLACE`: replace its value.
    Replace,
}

impl Mismatch {
    /// Every action, in the CRD's order.
    pub const ALL: [Mismatch; 4] = [
        Mismatch::Log,
        Mismatch::Add,
        Mismatch::Delete,
        Mismatch::Replace,
    ];

    /// The action as the CRD writes it.
    pub fn as_crd(self) -> &'static str {
        match self {
            Mismatch::Log => "LOG",
            Mismatch::Add => "ADD",
            Mismatch::Delete => "DELETE",
            Mismatch::Replace => "REPLACE",
        }
    }

    /// The action as the language writes it (lower case).
    pub fn as_word(self) -> &'static str {
        match self {
            Mismatch::Log => "log",
            Mismatch::Add => "add",
            Mismatch::Delete => "delete",
            Mismatch::Replace => "replace",
        }
    }

    /// The action written `word` in the language, if it is one.
    pub fn from_word(word: &str) -> Option<Mismatch> {
        Mismatch::ALL
            .into_iter()
            .find(|action| action.as_word() == word)
    }

    /// The action written `text` in the CRD, if it is one.
    pub fn from_crd(text: &str) -> Option<Mismatch> {
        Mismatch::ALL
            .into_iter()
            .find(|action| action.as_crd() == text)
    }
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
