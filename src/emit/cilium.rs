//! cilium: the Cilium policy API as serde structs, built from the IR.
//!
//! The structs follow the `cilium.io/v2` CRDs (`pkg/policy/api` in Cilium):
//! field names are the CRD's, field order is print order, and absent or empty
//! fields are skipped. They borrow from the IR and live only while a spec is
//! printed.
//!
//! **Invariant:** a peer list the IR holds is printed even when empty
//! (`fromEndpoints: []` selects nothing), because leaving it out would mean
//! "any peer".
//!
//! What the CRD cannot say for a rule's list (`toFQDNs` on ingress or in a
//! deny rule, `toServices` on ingress, L7 on a deny rule) cannot reach here:
//! the IR's rule types for those lists have no such variant or field, so
//! every conversion below is total.

use std::borrow::Cow;

use serde::Serialize;

use crate::emit::yaml;
use crate::ir;

/// `apiVersion` of both kinds.
pub const API_VERSION: &str = "cilium.io/v2";

/// The kind of one emitted object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `CiliumNetworkPolicy`, in a namespace.
    Cnp,
    /// `CiliumClusterwideNetworkPolicy`.
    Ccnp,
    /// `CiliumCIDRGroup`.
    CidrGroup,
}

impl Kind {
    /// The `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cnp => "CiliumNetworkPolicy",
            Kind::Ccnp => "CiliumClusterwideNetworkPolicy",
            Kind::CidrGroup => "CiliumCIDRGroup",
        }
    }
}

/// `spec`: one Cilium rule.
#[derive(Debug, Serialize)]
pub struct Rule<'a> {
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    /// `endpointSelector`; `{}` when empty.
    #[serde(rename = "endpointSelector", skip_serializing_if = "Option::is_none")]
    pub endpoint_selector: Option<LabelSelector<'a>>,
    /// `nodeSelector`; `{}` when empty.
    #[serde(rename = "nodeSelector", skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<LabelSelector<'a>>,
    /// `enableDefaultDeny`, when a direction is set.
    #[serde(rename = "enableDefaultDeny", skip_serializing_if = "Option::is_none")]
    pub enable_default_deny: Option<DefaultDenyConfig>,
    /// `ingress`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<IngressRule<'a>>,
    /// `ingressDeny`.
    #[serde(rename = "ingressDeny", skip_serializing_if = "Vec::is_empty")]
    pub ingress_deny: Vec<IngressRule<'a>>,
    /// `egress`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<EgressRule<'a>>,
    /// `egressDeny`.
    #[serde(rename = "egressDeny", skip_serializing_if = "Vec::is_empty")]
    pub egress_deny: Vec<EgressRule<'a>>,
    /// `labels`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label<'a>>,
}

/// `enableDefaultDeny`.
#[derive(Debug, Serialize)]
pub struct DefaultDenyConfig {
    /// `ingress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress: Option<bool>,
    /// `egress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress: Option<bool>,
}

/// A Kubernetes label selector.
#[derive(Debug, Serialize)]
pub struct LabelSelector<'a> {
    /// `matchLabels`, in key order.
    #[serde(
        rename = "matchLabels",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "as_map"
    )]
    pub match_labels: Vec<(&'a str, &'a str)>,
    /// `matchExpressions`.
    #[serde(rename = "matchExpressions", skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement<'a>>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Serialize)]
pub struct LabelSelectorRequirement<'a> {
    /// `key`.
    pub key: &'a str,
    /// `operator`: `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: &'static str,
    /// `values`, for `In` and `NotIn` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<&'a str>>,
}

/// An `ingress` or `ingressDeny` entry (a deny rule never has `rules`).
#[derive(Debug, Default, Serialize)]
pub struct IngressRule<'a> {
    /// `fromEndpoints`.
    #[serde(rename = "fromEndpoints", skip_serializing_if = "Option::is_none")]
    pub from_endpoints: Option<Vec<LabelSelector<'a>>>,
    /// `fromEntities`.
    #[serde(rename = "fromEntities", skip_serializing_if = "Option::is_none")]
    pub from_entities: Option<Vec<&'static str>>,
    /// `fromCIDR`.
    #[serde(rename = "fromCIDR", skip_serializing_if = "Option::is_none")]
    pub from_cidr: Option<Vec<String>>,
    /// `fromCIDRSet`.
    #[serde(rename = "fromCIDRSet", skip_serializing_if = "Option::is_none")]
    pub from_cidr_set: Option<Vec<CidrRule>>,
    /// `toPorts`.
    #[serde(rename = "toPorts", skip_serializing_if = "Option::is_none")]
    pub to_ports: Option<Vec<PortRule<'a>>>,
    /// `icmps`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmps: Option<Vec<IcmpRule<'a>>>,
}

/// An `egress` or `egressDeny` entry (a deny rule never has `toFQDNs` or
/// `rules`).
#[derive(Debug, Default, Serialize)]
pub struct EgressRule<'a> {
    /// `toEndpoints`.
    #[serde(rename = "toEndpoints", skip_serializing_if = "Option::is_none")]
    pub to_endpoints: Option<Vec<LabelSelector<'a>>>,
    /// `toEntities`.
    #[serde(rename = "toEntities", skip_serializing_if = "Option::is_none")]
    pub to_entities: Option<Vec<&'static str>>,
    /// `toCIDR`.
    #[serde(rename = "toCIDR", skip_serializing_if = "Option::is_none")]
    pub to_cidr: Option<Vec<String>>,
    /// `toCIDRSet`.
    #[serde(rename = "toCIDRSet", skip_serializing_if = "Option::is_none")]
    pub to_cidr_set: Option<Vec<CidrRule>>,
    /// `toFQDNs`.
    #[serde(rename = "toFQDNs", skip_serializing_if = "Option::is_none")]
    pub to_fqdns: Option<Vec<FqdnSelector<'a>>>,
    /// `toServices`.
    #[serde(rename = "toServices", skip_serializing_if = "Option::is_none")]
    pub to_services: Option<Vec<Service<'a>>>,
    /// `toPorts`.
    #[serde(rename = "toPorts", skip_serializing_if = "Option::is_none")]
    pub to_ports: Option<Vec<PortRule<'a>>>,
    /// `icmps`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmps: Option<Vec<IcmpRule<'a>>>,
}

/// A `CIDRSet` entry: exactly one of `cidr` and `cidrGroupRef` is set.
#[derive(Debug, Serialize)]
pub struct CidrRule {
    /// `cidr`, in prefix notation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// `cidrGroupRef`: the name of a CiliumCIDRGroup.
    #[serde(rename = "cidrGroupRef", skip_serializing_if = "Option::is_none")]
    pub cidr_group_ref: Option<String>,
    /// `except`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

/// A `toFQDNs` or `rules.dns` entry: exactly one field is set.
#[derive(Debug, Default, Serialize)]
pub struct FqdnSelector<'a> {
    /// `matchName`.
    #[serde(rename = "matchName", skip_serializing_if = "Option::is_none")]
    pub match_name: Option<&'a str>,
    /// `matchPattern`.
    #[serde(rename = "matchPattern", skip_serializing_if = "Option::is_none")]
    pub match_pattern: Option<&'a str>,
}

/// A `toServices` entry: exactly one field is set.
#[derive(Debug, Default, Serialize)]
pub struct Service<'a> {
    /// `k8sService`.
    #[serde(rename = "k8sService", skip_serializing_if = "Option::is_none")]
    pub k8s_service: Option<K8sServiceNamespace<'a>>,
    /// `k8sServiceSelector`.
    #[serde(rename = "k8sServiceSelector", skip_serializing_if = "Option::is_none")]
    pub k8s_service_selector: Option<ServiceSelector<'a>>,
}

/// `k8sService`.
#[derive(Debug, Serialize)]
pub struct K8sServiceNamespace<'a> {
    /// `serviceName`.
    #[serde(rename = "serviceName")]
    pub service_name: &'a str,
    /// `namespace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<&'a str>,
}

/// `k8sServiceSelector`.
#[derive(Debug, Serialize)]
pub struct ServiceSelector<'a> {
    /// `selector`.
    pub selector: LabelSelector<'a>,
    /// `namespace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<&'a str>,
}

/// A `toPorts` entry.
#[derive(Debug, Serialize)]
pub struct PortRule<'a> {
    /// `ports`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortProtocol<'a>>,
    /// `rules`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<L7Rules<'a>>,
}

/// A `ports` entry.
#[derive(Debug, Serialize)]
pub struct PortProtocol<'a> {
    /// `port`: always a string, a number or a service name.
    pub port: Cow<'a, str>,
    /// `endPort`.
    #[serde(rename = "endPort", skip_serializing_if = "Option::is_none")]
    pub end_port: Option<u16>,
    /// `protocol`, upper case.
    pub protocol: &'static str,
}

/// `rules`: exactly one field is set.
#[derive(Debug, Default, Serialize)]
pub struct L7Rules<'a> {
    /// `http`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<Vec<PortRuleHttp<'a>>>,
    /// `kafka`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kafka: Option<Vec<PortRuleKafka<'a>>>,
    /// `dns`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<Vec<FqdnSelector<'a>>>,
}

/// An `http` entry.
#[derive(Debug, Serialize)]
pub struct PortRuleHttp<'a> {
    /// `method`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<&'a str>,
    /// `path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    /// `host`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<&'a str>,
    /// `headers`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<&'a str>,
}

/// A `kafka` entry.
#[derive(Debug, Serialize)]
pub struct PortRuleKafka<'a> {
    /// `role`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    /// `apiKey`.
    #[serde(rename = "apiKey", skip_serializing_if = "Option::is_none")]
    pub api_key: Option<&'a str>,
    /// `apiVersion`: a string in the CRD.
    #[serde(rename = "apiVersion", skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `clientID`.
    #[serde(rename = "clientID", skip_serializing_if = "Option::is_none")]
    pub client_id: Option<&'a str>,
    /// `topic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<&'a str>,
}

/// An `icmps` entry.
#[derive(Debug, Serialize)]
pub struct IcmpRule<'a> {
    /// `fields`.
    pub fields: Vec<IcmpField<'a>>,
}

/// A `fields` entry.
#[derive(Debug, Serialize)]
pub struct IcmpField<'a> {
    /// `type`: an integer or a CamelCase name.
    #[serde(rename = "type")]
    pub kind: IcmpKind<'a>,
    /// `family`: `IPv4` or `IPv6`.
    pub family: &'static str,
}

/// An ICMP `type`, an int-or-string in the CRD.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum IcmpKind<'a> {
    /// A type number.
    Number(u8),
    /// A type name.
    Name(&'a str),
}

/// A `labels` entry.
#[derive(Debug, Serialize)]
pub struct Label<'a> {
    /// `key`.
    pub key: &'a str,
    /// `value`.
    pub value: &'a str,
}

/// A CIDR peer: `from/toCIDR` when no entry has exceptions, else `from/toCIDRSet`.
enum CidrPeer {
    /// `from/toCIDR`.
    Plain(Vec<String>),
    /// `from/toCIDRSet`.
    Set(Vec<CidrRule>),
}

/// Prints a spec as the lines under `spec:`, indented by 2.
pub fn spec_text(spec: &ir::PolicySpec) -> String {
    yaml::block(&Rule::from_ir(spec), 2)
}

/// The spec of a CiliumCIDRGroup.
#[derive(Debug, Serialize)]
pub struct CidrGroupSpec {
    /// `externalCIDRs`.
    #[serde(rename = "externalCIDRs")]
    pub external_cidrs: Vec<String>,
}

/// The text under `spec:` for a CIDR group.
pub fn cidr_group_spec_text(group: &ir::CidrGroup) -> String {
    let spec = CidrGroupSpec {
        external_cidrs: group.cidrs.iter().map(ToString::to_string).collect(),
    };
    yaml::block(&spec, 2)
}

/// The `apiVersion` of an object of a kind, for a targeted Cilium version:
/// CiliumCIDRGroup is served as `cilium.io/v2` from 1.18 on and only as
/// `cilium.io/v2alpha1` before; the policies are `cilium.io/v2` throughout.
pub fn api_version(kind: Kind, version: crate::CiliumVersion) -> &'static str {
    match kind {
        Kind::CidrGroup if version < crate::CiliumVersion::CIDR_GROUP_V2 => "cilium.io/v2alpha1",
        _ => API_VERSION,
    }
}

/// Appends one document: `---`, the object header and `metadata`, then
/// `spec:` followed by `spec_text`. A CCNP has no namespace.
pub fn push_document(
    out: &mut String,
    (kind, api_version): (Kind, &str),
    name: &str,
    namespace: Option<&str>,
    spec_text: &str,
) {
    out.push_str("---\napiVersion: ");
    out.push_str(api_version);
    out.push_str("\nkind: ");
    out.push_str(kind.as_str());
    out.push_str("\nmetadata:\n  name: ");
    yaml::push_scalar(out, name, 2);
    if let Some(namespace) = namespace {
        out.push_str("\n  namespace: ");
        yaml::push_scalar(out, namespace, 2);
    }
    out.push_str("\nspec:\n");
    out.push_str(spec_text);
}

impl<'a> Rule<'a> {
    /// The Cilium rule for a spec.
    pub fn from_ir(spec: &'a ir::PolicySpec) -> Rule<'a> {
        let (endpoint_selector, node_selector) = match &spec.subject {
            ir::Subject::Pods(selector) => (Some(LabelSelector::from_ir(selector)), None),
            ir::Subject::Nodes(selector) => (None, Some(LabelSelector::from_ir(selector))),
        };
        let ir::DefaultDeny { ingress, egress } = spec.default_deny;
        Rule {
            description: spec.description.as_deref(),
            endpoint_selector,
            node_selector,
            enable_default_deny: (ingress.is_some() || egress.is_some())
                .then_some(DefaultDenyConfig { ingress, egress }),
            ingress: spec.ingress.iter().map(IngressRule::from_ir).collect(),
            ingress_deny: spec.ingress_deny.iter().map(IngressRule::from_ir).collect(),
            egress: spec.egress.iter().map(EgressRule::from_ir).collect(),
            egress_deny: spec.egress_deny.iter().map(EgressRule::from_deny).collect(),
            labels: spec
                .labels
                .iter()
                .map(|(key, value)| Label {
                    key: key.as_str(),
                    value: value.as_str(),
                })
                .collect(),
        }
    }
}

impl<'a> LabelSelector<'a> {
    /// The selector as the CRD writes it.
    pub fn from_ir(selector: &'a ir::Selector) -> LabelSelector<'a> {
        LabelSelector {
            match_labels: selector
                .match_labels
                .iter()
                .map(|(key, value)| (key.as_str(), value.as_str()))
                .collect(),
            match_expressions: selector
                .match_expressions
                .iter()
                .map(LabelSelectorRequirement::from_ir)
                .collect(),
        }
    }
}

impl<'a> LabelSelectorRequirement<'a> {
    /// The expression as the CRD writes it.
    pub fn from_ir(expression: &'a ir::Expression) -> LabelSelectorRequirement<'a> {
        let values = || {
            Some(
                expression
                    .values
                    .iter()
                    .map(ir::LabelValue::as_str)
                    .collect(),
            )
        };
        let (operator, values) = match expression.operator {
            ir::Operator::In => ("In", values()),
            ir::Operator::NotIn => ("NotIn", values()),
            ir::Operator::Exists => ("Exists", None),
            ir::Operator::DoesNotExist => ("DoesNotExist", None),
        };
        LabelSelectorRequirement {
            key: expression.key.as_str(),
            operator,
            values,
        }
    }
}

impl<'a> IngressRule<'a> {
    /// The rule in an `ingress` or `ingressDeny` list.
    fn from_ir<L: ir::L7Slot>(rule: &'a ir::Rule<ir::IngressPeer, L>) -> IngressRule<'a> {
        let mut out = IngressRule {
            to_ports: port_rules(&rule.ports, rule.l7.get()),
            icmps: icmp_rules(&rule.icmps),
            ..IngressRule::default()
        };
        match &rule.peer {
            ir::IngressPeer::Anywhere => {}
            ir::IngressPeer::Endpoints(selectors) => {
                out.from_endpoints = Some(selectors.iter().map(LabelSelector::from_ir).collect());
            }
            ir::IngressPeer::Entities(entities) => out.from_entities = Some(entity_names(entities)),
            ir::IngressPeer::Cidrs(cidrs) => match cidr_peer(cidrs) {
                CidrPeer::Plain(list) => out.from_cidr = Some(list),
                CidrPeer::Set(set) => out.from_cidr_set = Some(set),
            },
            ir::IngressPeer::CidrGroups(peer) => {
                out.from_cidr_set = Some(cidr_set_with_groups(peer));
            }
        }
        out
    }
}

/// The `to...` fields of an egress rule, one per peer kind.
#[derive(Default)]
struct EgressPeerFields<'a> {
    to_endpoints: Option<Vec<LabelSelector<'a>>>,
    to_entities: Option<Vec<&'static str>>,
    to_cidr: Option<Vec<String>>,
    to_cidr_set: Option<Vec<CidrRule>>,
    to_fqdns: Option<Vec<FqdnSelector<'a>>>,
    to_services: Option<Vec<Service<'a>>>,
}

impl<'a> EgressRule<'a> {
    /// The rule in an `egress` list.
    fn from_ir(rule: &'a ir::EgressRule) -> EgressRule<'a> {
        let fields = match &rule.peer {
            ir::EgressPeer::Anywhere => EgressPeerFields::default(),
            ir::EgressPeer::Endpoints(selectors) => EgressPeerFields::endpoints(selectors),
            ir::EgressPeer::Entities(entities) => EgressPeerFields::entities(entities),
            ir::EgressPeer::Cidrs(cidrs) => EgressPeerFields::cidrs(cidrs),
            ir::EgressPeer::CidrGroups(peer) => EgressPeerFields::cidr_groups(peer),
            ir::EgressPeer::Fqdns(fqdns) => EgressPeerFields {
                to_fqdns: Some(fqdns.iter().map(FqdnSelector::from_ir).collect()),
                ..EgressPeerFields::default()
            },
            ir::EgressPeer::Services(services) => EgressPeerFields::services(services),
        };
        EgressRule::with(fields, &rule.ports, rule.l7.as_ref(), &rule.icmps)
    }

    /// The rule in an `egressDeny` list.
    fn from_deny(rule: &'a ir::EgressDenyRule) -> EgressRule<'a> {
        let fields = match &rule.peer {
            ir::EgressDenyPeer::Anywhere => EgressPeerFields::default(),
            ir::EgressDenyPeer::Endpoints(selectors) => EgressPeerFields::endpoints(selectors),
            ir::EgressDenyPeer::Entities(entities) => EgressPeerFields::entities(entities),
            ir::EgressDenyPeer::Cidrs(cidrs) => EgressPeerFields::cidrs(cidrs),
            ir::EgressDenyPeer::CidrGroups(peer) => EgressPeerFields::cidr_groups(peer),
            ir::EgressDenyPeer::Services(services) => EgressPeerFields::services(services),
        };
        EgressRule::with(fields, &rule.ports, None, &rule.icmps)
    }

    fn with(
        fields: EgressPeerFields<'a>,
        ports: &'a [ir::PortSpec],
        l7: Option<&'a ir::L7>,
        icmps: &'a [ir::IcmpType],
    ) -> EgressRule<'a> {
        EgressRule {
            to_endpoints: fields.to_endpoints,
            to_entities: fields.to_entities,
            to_cidr: fields.to_cidr,
            to_cidr_set: fields.to_cidr_set,
            to_fqdns: fields.to_fqdns,
            to_services: fields.to_services,
            to_ports: port_rules(ports, l7),
            icmps: icmp_rules(icmps),
        }
    }
}

impl<'a> EgressPeerFields<'a> {
    fn endpoints(selectors: &'a [ir::Selector]) -> EgressPeerFields<'a> {
        EgressPeerFields {
            to_endpoints: Some(selectors.iter().map(LabelSelector::from_ir).collect()),
            ..EgressPeerFields::default()
        }
    }

    fn entities(entities: &[ir::Entity]) -> EgressPeerFields<'a> {
        EgressPeerFields {
            to_entities: Some(entity_names(entities)),
            ..EgressPeerFields::default()
        }
    }

    fn cidrs(cidrs: &[ir::CidrRule]) -> EgressPeerFields<'a> {
        match cidr_peer(cidrs) {
            CidrPeer::Plain(list) => EgressPeerFields {
                to_cidr: Some(list),
                ..EgressPeerFields::default()
            },
            CidrPeer::Set(set) => EgressPeerFields {
                to_cidr_set: Some(set),
                ..EgressPeerFields::default()
            },
        }
    }

    fn cidr_groups(peer: &ir::CidrGroupPeer) -> EgressPeerFields<'a> {
        EgressPeerFields {
            to_cidr_set: Some(cidr_set_with_groups(peer)),
            ..EgressPeerFields::default()
        }
    }

    fn services(services: &'a [ir::ServiceRef]) -> EgressPeerFields<'a> {
        EgressPeerFields {
            to_services: Some(services.iter().map(Service::from_ir).collect()),
            ..EgressPeerFields::default()
        }
    }
}

impl<'a> FqdnSelector<'a> {
    /// The selector as the CRD writes it.
    pub fn from_ir(selector: &'a ir::FqdnSelector) -> FqdnSelector<'a> {
        match selector {
            ir::FqdnSelector::Name(name) => FqdnSelector {
                match_name: Some(name),
                ..FqdnSelector::default()
            },
            ir::FqdnSelector::Pattern(pattern) => FqdnSelector {
                match_pattern: Some(pattern),
                ..FqdnSelector::default()
            },
        }
    }
}

impl<'a> Service<'a> {
    /// The service reference as the CRD writes it.
    pub fn from_ir(service: &'a ir::ServiceRef) -> Service<'a> {
        match service {
            ir::ServiceRef::Named { name, namespace } => Service {
                k8s_service: Some(K8sServiceNamespace {
                    service_name: name,
                    namespace: namespace.as_deref(),
                }),
                ..Service::default()
            },
            ir::ServiceRef::Selected {
                selector,
                namespace,
            } => Service {
                k8s_service_selector: Some(ServiceSelector {
                    selector: LabelSelector::from_ir(selector),
                    namespace: namespace.as_deref(),
                }),
                ..Service::default()
            },
        }
    }
}

/// Chooses the CIDR field for a list of CIDR rules.
fn cidr_peer(cidrs: &[ir::CidrRule]) -> CidrPeer {
    if cidrs.iter().all(|rule| rule.except().is_empty()) {
        CidrPeer::Plain(cidrs.iter().map(|rule| rule.cidr().to_string()).collect())
    } else {
        CidrPeer::Set(cidrs.iter().map(cidr_set_entry).collect())
    }
}

/// A `CIDRSet` with the CIDRs first, then the CIDR group references.
fn cidr_set_with_groups(peer: &ir::CidrGroupPeer) -> Vec<CidrRule> {
    peer.cidrs()
        .iter()
        .map(cidr_set_entry)
        .chain(peer.groups().iter().map(|group| CidrRule {
            cidr: None,
            cidr_group_ref: Some(group.to_string()),
            except: Vec::new(),
        }))
        .collect()
}

fn cidr_set_entry(rule: &ir::CidrRule) -> CidrRule {
    CidrRule {
        cidr: Some(rule.cidr().to_string()),
        cidr_group_ref: None,
        except: rule.except().iter().map(ToString::to_string).collect(),
    }
}

/// Entity names as Cilium writes them.
fn entity_names(entities: &[ir::Entity]) -> Vec<&'static str> {
    entities.iter().map(|entity| entity.as_str()).collect()
}

/// `toPorts`: one port rule with the ports and the L7 rules (an allow
/// rule's); nothing when the rule has neither.
fn port_rules<'a>(ports: &'a [ir::PortSpec], l7: Option<&'a ir::L7>) -> Option<Vec<PortRule<'a>>> {
    let rules = l7.map(L7Rules::from_ir);
    if ports.is_empty() && rules.is_none() {
        return None;
    }
    Some(vec![PortRule {
        ports: ports.iter().map(PortProtocol::from_ir).collect(),
        rules,
    }])
}

/// `icmps`: one entry holding every field; nothing when there are none.
fn icmp_rules(icmps: &[ir::IcmpType]) -> Option<Vec<IcmpRule<'_>>> {
    if icmps.is_empty() {
        return None;
    }
    let fields = icmps
        .iter()
        .map(|icmp| IcmpField {
            kind: match &icmp.kind {
                ir::IcmpKind::Number(number) => IcmpKind::Number(*number),
                ir::IcmpKind::Name(name) => IcmpKind::Name(name),
            },
            family: match icmp.family {
                ir::IcmpFamily::V4 => "IPv4",
                ir::IcmpFamily::V6 => "IPv6",
            },
        })
        .collect();
    Some(vec![IcmpRule { fields }])
}

impl<'a> PortProtocol<'a> {
    /// The port as the CRD writes it.
    fn from_ir(port: &'a ir::PortSpec) -> PortProtocol<'a> {
        PortProtocol {
            port: match port.port() {
                ir::Port::Number(number) => number.to_string().into(),
                ir::Port::Name(name) => name.as_str().into(),
            },
            end_port: port.end_port(),
            protocol: match port.protocol() {
                ir::Protocol::Tcp => "TCP",
                ir::Protocol::Udp => "UDP",
                ir::Protocol::Sctp => "SCTP",
                ir::Protocol::Any => "ANY",
            },
        }
    }
}

impl<'a> L7Rules<'a> {
    /// The L7 rules as the CRD writes them.
    fn from_ir(l7: &'a ir::L7) -> L7Rules<'a> {
        match l7 {
            ir::L7::Http(rules) => L7Rules {
                http: Some(rules.iter().map(PortRuleHttp::from_ir).collect()),
                ..L7Rules::default()
            },
            ir::L7::Kafka(rules) => L7Rules {
                kafka: Some(rules.iter().map(PortRuleKafka::from_ir).collect()),
                ..L7Rules::default()
            },
            ir::L7::Dns(selectors) => L7Rules {
                dns: Some(selectors.iter().map(FqdnSelector::from_ir).collect()),
                ..L7Rules::default()
            },
        }
    }
}

impl<'a> PortRuleHttp<'a> {
    /// The HTTP rule as the CRD writes it.
    fn from_ir(rule: &'a ir::HttpRule) -> PortRuleHttp<'a> {
        PortRuleHttp {
            method: rule.method.as_deref(),
            path: rule.path.as_deref(),
            host: rule.host.as_deref(),
            headers: rule.headers.iter().map(ir::NonEmptyText::as_str).collect(),
        }
    }
}

impl<'a> PortRuleKafka<'a> {
    /// The Kafka rule as the CRD writes it.
    fn from_ir(rule: &'a ir::KafkaRule) -> PortRuleKafka<'a> {
        PortRuleKafka {
            role: rule.role.map(|role| match role {
                ir::KafkaRole::Produce => "produce",
                ir::KafkaRole::Consume => "consume",
            }),
            api_key: rule.api_key.as_deref(),
            api_version: rule.api_version.map(|version| version.to_string()),
            client_id: rule.client_id.as_deref(),
            topic: rule.topic.as_deref(),
        }
    }
}

/// Serializes `(key, value)` pairs, already in key order, as a map.
fn as_map<S: serde::Serializer>(pairs: &[(&str, &str)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().copied())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::source::{FileId, Span};

    fn key(text: &str) -> ir::LabelKey {
        text.into()
    }

    fn labels(pairs: &[(&str, &str)]) -> ir::Selector {
        ir::Selector {
            match_labels: pairs.iter().map(|(k, v)| (key(k), (*v).into())).collect(),
            match_expressions: Vec::new(),
        }
    }

    fn rule<P, L: Default>(peer: P) -> ir::Rule<P, L> {
        let origin = ir::RuleOrigin {
            span: Span::new(FileId(0), 0, 0),
            categories: Vec::new(),
        };
        ir::Rule {
            origin,
            peer,
            ports: Vec::new(),
            icmps: Vec::new(),
            l7: L::default(),
        }
    }

    fn tcp(port: u16) -> ir::PortSpec {
        ir::PortSpec::single(ir::Port::Number(port), ir::Protocol::Tcp)
    }

    fn cidr(text: &str, except: &[&str]) -> ir::CidrRule {
        let parse = |text: &str| {
            text.parse::<ipnet::IpNet>()
                .unwrap_or_else(|_| unreachable!("test CIDR {text}"))
        };
        ir::CidrRule::new(parse(text), except.iter().map(|text| parse(text)).collect())
            .unwrap_or_else(|| unreachable!("test exceptions are inside {text}"))
    }

    fn spec() -> ir::PolicySpec {
        ir::PolicySpec {
            subject: ir::Subject::Pods(labels(&[("app", "web")])),
            ..ir::PolicySpec::default()
        }
    }

    #[test]
    fn egress_to_fqdns_with_dns_rule() {
        let mut dns = rule(ir::EgressPeer::Endpoints(vec![labels(&[
            ("k8s:io.kubernetes.pod.namespace", "kube-system"),
            ("k8s:k8s-app", "kube-dns"),
        ])]));
        dns.ports = vec![ir::PortSpec::single(
            ir::Port::Number(53),
            ir::Protocol::Any,
        )];
        dns.l7 = Some(ir::L7::Dns(vec![ir::FqdnSelector::Pattern("*".into())]));
        let mut api = rule(ir::EgressPeer::Fqdns(vec![
            ir::FqdnSelector::Name("api.example.com".into()),
            ir::FqdnSelector::Pattern("*.example.com".into()),
        ]));
        api.ports = vec![tcp(443)];
        let spec = ir::PolicySpec {
            egress: vec![dns, api],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          egress:
          - toEndpoints:
            - matchLabels:
                k8s:io.kubernetes.pod.namespace: kube-system
                k8s:k8s-app: kube-dns
            toPorts:
            - ports:
              - port: '53'
                protocol: ANY
              rules:
                dns:
                - matchPattern: '*'
          - toFQDNs:
            - matchName: api.example.com
            - matchPattern: '*.example.com'
            toPorts:
            - ports:
              - port: '443'
                protocol: TCP
        ");
    }

    #[test]
    fn cidrs_with_an_exception_use_cidr_set() {
        let spec = ir::PolicySpec {
            egress: vec![rule(ir::EgressPeer::Cidrs(vec![
                cidr("10.0.0.0/8", &["10.1.0.0/16", "10.2.0.0/16"]),
                cidr("2001:db8::/32", &[]),
            ]))],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          egress:
          - toCIDRSet:
            - cidr: 10.0.0.0/8
              except:
              - 10.1.0.0/16
              - 10.2.0.0/16
            - cidr: 2001:db8::/32
        ");
    }

    #[test]
    fn cidrs_without_exceptions_use_cidr_list() {
        let mut world = rule(ir::IngressPeer::Cidrs(vec![
            cidr("192.0.2.0/24", &[]),
            cidr("2001:db8::/32", &[]),
        ]));
        world.ports = vec![
            ir::PortSpec::range(8000, 8099, ir::Protocol::Udp)
                .unwrap_or_else(|| unreachable!("8000 < 8099")),
        ];
        let spec = ir::PolicySpec {
            ingress: vec![world],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          ingress:
          - fromCIDR:
            - 192.0.2.0/24
            - 2001:db8::/32
            toPorts:
            - ports:
              - port: '8000'
                endPort: 8099
                protocol: UDP
        ");
    }

    #[test]
    fn empty_rule_prints_as_empty_map() {
        let spec = ir::PolicySpec {
            subject: ir::Subject::Pods(ir::Selector::default()),
            ingress: vec![rule(ir::IngressPeer::Anywhere)],
            egress: vec![rule(ir::EgressPeer::Anywhere)],
            ..ir::PolicySpec::default()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector: {}
          ingress:
          - {}
          egress:
          - {}
        ");
    }

    #[test]
    fn default_deny_prints_only_set_directions() {
        let deny = rule(ir::IngressPeer::Entities(vec![ir::Entity::World]));
        let allow = rule(ir::IngressPeer::Entities(vec![ir::Entity::All]));
        let spec = ir::PolicySpec {
            default_deny: ir::DefaultDeny {
                ingress: Some(false),
                egress: None,
            },
            ingress: vec![allow],
            ingress_deny: vec![deny],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          enableDefaultDeny:
            ingress: false
          ingress:
          - fromEntities:
            - all
          ingressDeny:
          - fromEntities:
            - world
        ");
        let both = ir::PolicySpec {
            default_deny: ir::DefaultDeny {
                ingress: Some(true),
                egress: Some(false),
            },
            ..spec
        };
        assert!(
            spec_text(&both)
                .contains("  enableDefaultDeny:\n    ingress: true\n    egress: false\n")
        );
    }

    #[test]
    fn to_services_both_forms() {
        let selected = ir::Selector {
            match_labels: BTreeMap::new(),
            match_expressions: vec![
                ir::Expression {
                    key: key("tier"),
                    operator: ir::Operator::In,
                    values: vec!["db".into(), "cache".into()],
                },
                ir::Expression {
                    key: key("legacy"),
                    operator: ir::Operator::DoesNotExist,
                    values: Vec::new(),
                },
            ],
        };
        let mut services = rule(ir::EgressPeer::Services(vec![
            ir::ServiceRef::Named {
                name: "payments".into(),
                namespace: Some("billing".into()),
            },
            ir::ServiceRef::Named {
                name: "metrics".into(),
                namespace: None,
            },
            ir::ServiceRef::Selected {
                selector: selected,
                namespace: Some("data".into()),
            },
        ]));
        services.ports = vec![ir::PortSpec::single(
            ir::Port::Name("http".into()),
            ir::Protocol::Tcp,
        )];
        let spec = ir::PolicySpec {
            egress: vec![services],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          egress:
          - toServices:
            - k8sService:
                serviceName: payments
                namespace: billing
            - k8sService:
                serviceName: metrics
            - k8sServiceSelector:
                selector:
                  matchExpressions:
                  - key: tier
                    operator: In
                    values:
                    - db
                    - cache
                  - key: legacy
                    operator: DoesNotExist
                namespace: data
            toPorts:
            - ports:
              - port: http
                protocol: TCP
        ");
    }

    #[test]
    fn kafka_rules() {
        let mut kafka = rule(ir::EgressPeer::Endpoints(vec![labels(&[("app", "kafka")])]));
        kafka.ports = vec![tcp(9092)];
        kafka.l7 = Some(ir::L7::Kafka(vec![
            ir::KafkaRule {
                role: Some(ir::KafkaRole::Produce),
                topic: Some("orders".into()),
                ..ir::KafkaRule::default()
            },
            ir::KafkaRule {
                api_key: Some("fetch".into()),
                api_version: Some(1),
                client_id: Some("billing-1".into()),
                topic: Some("1_000".into()),
                ..ir::KafkaRule::default()
            },
        ]));
        let spec = ir::PolicySpec {
            egress: vec![kafka],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          egress:
          - toEndpoints:
            - matchLabels:
                app: kafka
            toPorts:
            - ports:
              - port: '9092'
                protocol: TCP
              rules:
                kafka:
                - role: produce
                  topic: orders
                - apiKey: fetch
                  apiVersion: '1'
                  clientID: billing-1
                  topic: '1_000'
        ");
    }

    #[test]
    fn description_and_labels() {
        let spec = ir::PolicySpec {
            description: Some("web: allow #frontend".into()),
            labels: BTreeMap::from([
                (key("team"), "payments".into()),
                (key("audited"), "yes".into()),
                (key("ticket"), "4711".into()),
            ]),
            ingress: vec![rule(ir::IngressPeer::Anywhere)],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          description: 'web: allow #frontend'
          endpointSelector:
            matchLabels:
              app: web
          ingress:
          - {}
          labels:
          - key: audited
            value: 'yes'
          - key: team
            value: payments
          - key: ticket
            value: '4711'
        ");
    }

    #[test]
    fn multi_line_description_is_a_block_scalar() {
        let spec = ir::PolicySpec {
            description: Some("Lets the shop talk to:\n\n  the database".into()),
            ingress: vec![rule(ir::IngressPeer::Anywhere)],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          description: |-
            Lets the shop talk to:

              the database
          endpointSelector:
            matchLabels:
              app: web
          ingress:
          - {}
        ");
    }

    #[test]
    fn deny_rules_print_ports_and_icmps() {
        // A deny rule's L7 slot is `NoL7`: it cannot hold HTTP rules at all.
        let mut deny = rule(ir::IngressPeer::Endpoints(vec![labels(&[(
            "app", "scanner",
        )])]));
        deny.ports = vec![tcp(80)];
        let mut egress_deny = rule(ir::EgressDenyPeer::Entities(vec![
            ir::Entity::World,
            ir::Entity::KubeApiserver,
        ]));
        egress_deny.icmps = vec![ir::IcmpType {
            family: ir::IcmpFamily::V6,
            kind: ir::IcmpKind::Name("EchoRequest".into()),
        }];
        let spec = ir::PolicySpec {
            ingress_deny: vec![deny],
            egress_deny: vec![egress_deny],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          ingressDeny:
          - fromEndpoints:
            - matchLabels:
                app: scanner
            toPorts:
            - ports:
              - port: '80'
                protocol: TCP
          egressDeny:
          - toEntities:
            - world
            - kube-apiserver
            icmps:
            - fields:
              - type: EchoRequest
                family: IPv6
        ");
    }

    #[test]
    fn empty_peer_lists_select_nothing() {
        let spec = ir::PolicySpec {
            ingress: vec![rule(ir::IngressPeer::Endpoints(Vec::new()))],
            egress: vec![rule(ir::EgressPeer::Cidrs(Vec::new()))],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          ingress:
          - fromEndpoints: []
          egress:
          - toCIDR: []
        ");
    }

    #[test]
    fn l7_without_ports_keeps_its_rules() {
        let mut http = rule(ir::IngressPeer::Anywhere);
        http.l7 = Some(ir::L7::Http(vec![ir::HttpRule {
            method: Some("GET".into()),
            ..ir::HttpRule::default()
        }]));
        let spec = ir::PolicySpec {
            ingress: vec![http],
            ..spec()
        };
        insta::assert_snapshot!(spec_text(&spec), @r"
          endpointSelector:
            matchLabels:
              app: web
          ingress:
          - toPorts:
            - rules:
                http:
                - method: GET
        ");
    }
}
