//! cilium: the Cilium policy API as structs, built from the IR.
//!
//! The structs follow the `cilium.io/v2` CRDs (`pkg/policy/api` in Cilium):
//! field names are the CRD's, field order is print order, and absent or empty
//! fields are skipped. They borrow from the IR and live only while a spec is
//! printed, by the typed writer of `write.rs` through [`yaml::Node`].
//!
//! In tests they also derive serde's `Serialize` with the same names and
//! skips: serde_yaml's value of a struct is the independent reference the
//! writer's round-trip test (`tests.rs`) reads the printed text back against.
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

#[cfg(test)]
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
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct Rule<'a> {
    /// `description`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub description: Option<&'a str>,
    /// `endpointSelector`; `{}` when empty.
    #[cfg_attr(
        test,
        serde(rename = "endpointSelector", skip_serializing_if = "Option::is_none")
    )]
    pub endpoint_selector: Option<LabelSelector<'a>>,
    /// `nodeSelector`; `{}` when empty.
    #[cfg_attr(
        test,
        serde(rename = "nodeSelector", skip_serializing_if = "Option::is_none")
    )]
    pub node_selector: Option<LabelSelector<'a>>,
    /// `enableDefaultDeny`, when a direction is set.
    #[cfg_attr(
        test,
        serde(rename = "enableDefaultDeny", skip_serializing_if = "Option::is_none")
    )]
    pub enable_default_deny: Option<DefaultDenyConfig>,
    /// `ingress`.
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub ingress: Vec<IngressRule<'a>>,
    /// `ingressDeny`.
    #[cfg_attr(
        test,
        serde(rename = "ingressDeny", skip_serializing_if = "Vec::is_empty")
    )]
    pub ingress_deny: Vec<IngressRule<'a>>,
    /// `egress`.
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub egress: Vec<EgressRule<'a>>,
    /// `egressDeny`.
    #[cfg_attr(
        test,
        serde(rename = "egressDeny", skip_serializing_if = "Vec::is_empty")
    )]
    pub egress_deny: Vec<EgressRule<'a>>,
    /// `labels`.
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub labels: Vec<Label<'a>>,
    /// `log`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub log: Option<LogConfig<'a>>,
}

/// `log`: what Hubble copies into the flows the rule decides.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct LogConfig<'a> {
    /// `value`.
    pub value: &'a str,
}

/// `enableDefaultDeny`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct DefaultDenyConfig {
    /// `ingress`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub ingress: Option<bool>,
    /// `egress`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub egress: Option<bool>,
}

/// A Kubernetes label selector.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct LabelSelector<'a> {
    /// `matchLabels`, in key order.
    #[cfg_attr(
        test,
        serde(
            rename = "matchLabels",
            skip_serializing_if = "Vec::is_empty",
            serialize_with = "as_map"
        )
    )]
    pub match_labels: Vec<(&'a str, &'a str)>,
    /// `matchExpressions`.
    #[cfg_attr(
        test,
        serde(rename = "matchExpressions", skip_serializing_if = "Vec::is_empty")
    )]
    pub match_expressions: Vec<LabelSelectorRequirement<'a>>,
}

/// One `matchExpressions` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct LabelSelectorRequirement<'a> {
    /// `key`.
    pub key: &'a str,
    /// `operator`: `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: &'static str,
    /// `values`, for `In` and `NotIn` only.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub values: Option<Vec<&'a str>>,
}

/// An `ingress` or `ingressDeny` entry (a deny rule never has `rules`).
#[derive(Debug, Default)]
#[cfg_attr(test, derive(Serialize))]
pub struct IngressRule<'a> {
    /// `fromEndpoints`.
    #[cfg_attr(
        test,
        serde(rename = "fromEndpoints", skip_serializing_if = "Option::is_none")
    )]
    pub from_endpoints: Option<Vec<LabelSelector<'a>>>,
    /// `fromEntities`.
    #[cfg_attr(
        test,
        serde(rename = "fromEntities", skip_serializing_if = "Option::is_none")
    )]
    pub from_entities: Option<Vec<&'static str>>,
    /// `fromCIDR`.
    #[cfg_attr(
        test,
        serde(rename = "fromCIDR", skip_serializing_if = "Option::is_none")
    )]
    pub from_cidr: Option<Vec<String>>,
    /// `fromCIDRSet`.
    #[cfg_attr(
        test,
        serde(rename = "fromCIDRSet", skip_serializing_if = "Option::is_none")
    )]
    pub from_cidr_set: Option<Vec<CidrRule<'a>>>,
    /// `fromNodes`.
    #[cfg_attr(
        test,
        serde(rename = "fromNodes", skip_serializing_if = "Option::is_none")
    )]
    pub from_nodes: Option<Vec<LabelSelector<'a>>>,
    /// `fromGroups`.
    #[cfg_attr(
        test,
        serde(rename = "fromGroups", skip_serializing_if = "Option::is_none")
    )]
    pub from_groups: Option<Vec<Group<'a>>>,
    /// `toPorts`.
    #[cfg_attr(
        test,
        serde(rename = "toPorts", skip_serializing_if = "Option::is_none")
    )]
    pub to_ports: Option<Vec<PortRule<'a>>>,
    /// `icmps`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub icmps: Option<Vec<IcmpRule<'a>>>,
    /// `authentication`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub authentication: Option<Authentication>,
}

/// An `egress` or `egressDeny` entry (a deny rule never has `toFQDNs` or
/// `rules`).
#[derive(Debug, Default)]
#[cfg_attr(test, derive(Serialize))]
pub struct EgressRule<'a> {
    /// `toEndpoints`.
    #[cfg_attr(
        test,
        serde(rename = "toEndpoints", skip_serializing_if = "Option::is_none")
    )]
    pub to_endpoints: Option<Vec<LabelSelector<'a>>>,
    /// `toEntities`.
    #[cfg_attr(
        test,
        serde(rename = "toEntities", skip_serializing_if = "Option::is_none")
    )]
    pub to_entities: Option<Vec<&'static str>>,
    /// `toCIDR`.
    #[cfg_attr(
        test,
        serde(rename = "toCIDR", skip_serializing_if = "Option::is_none")
    )]
    pub to_cidr: Option<Vec<String>>,
    /// `toCIDRSet`.
    #[cfg_attr(
        test,
        serde(rename = "toCIDRSet", skip_serializing_if = "Option::is_none")
    )]
    pub to_cidr_set: Option<Vec<CidrRule<'a>>>,
    /// `toFQDNs`.
    #[cfg_attr(
        test,
        serde(rename = "toFQDNs", skip_serializing_if = "Option::is_none")
    )]
    pub to_fqdns: Option<Vec<FqdnSelector<'a>>>,
    /// `toServices`.
    #[cfg_attr(
        test,
        serde(rename = "toServices", skip_serializing_if = "Option::is_none")
    )]
    pub to_services: Option<Vec<Service<'a>>>,
    /// `toNodes`.
    #[cfg_attr(
        test,
        serde(rename = "toNodes", skip_serializing_if = "Option::is_none")
    )]
    pub to_nodes: Option<Vec<LabelSelector<'a>>>,
    /// `toGroups`.
    #[cfg_attr(
        test,
        serde(rename = "toGroups", skip_serializing_if = "Option::is_none")
    )]
    pub to_groups: Option<Vec<Group<'a>>>,
    /// `toPorts`.
    #[cfg_attr(
        test,
        serde(rename = "toPorts", skip_serializing_if = "Option::is_none")
    )]
    pub to_ports: Option<Vec<PortRule<'a>>>,
    /// `icmps`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub icmps: Option<Vec<IcmpRule<'a>>>,
    /// `authentication`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub authentication: Option<Authentication>,
}

/// A `CIDRSet` entry: exactly one of `cidr`, `cidrGroupRef` and
/// `cidrGroupSelector` is set.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct CidrRule<'a> {
    /// `cidr`, in prefix notation.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub cidr: Option<String>,
    /// `cidrGroupRef`: the name of a CiliumCIDRGroup.
    #[cfg_attr(
        test,
        serde(rename = "cidrGroupRef", skip_serializing_if = "Option::is_none")
    )]
    pub cidr_group_ref: Option<String>,
    /// `cidrGroupSelector`: CiliumCIDRGroups by their labels.
    #[cfg_attr(
        test,
        serde(rename = "cidrGroupSelector", skip_serializing_if = "Option::is_none")
    )]
    pub cidr_group_selector: Option<LabelSelector<'a>>,
    /// `except`.
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub except: Vec<String>,
}

/// A `toFQDNs` or `rules.dns` entry: exactly one field is set.
#[derive(Debug, Default)]
#[cfg_attr(test, derive(Serialize))]
pub struct FqdnSelector<'a> {
    /// `matchName`.
    #[cfg_attr(
        test,
        serde(rename = "matchName", skip_serializing_if = "Option::is_none")
    )]
    pub match_name: Option<&'a str>,
    /// `matchPattern`.
    #[cfg_attr(
        test,
        serde(rename = "matchPattern", skip_serializing_if = "Option::is_none")
    )]
    pub match_pattern: Option<&'a str>,
}

/// A `toServices` entry: exactly one field is set.
#[derive(Debug, Default)]
#[cfg_attr(test, derive(Serialize))]
pub struct Service<'a> {
    /// `k8sService`.
    #[cfg_attr(
        test,
        serde(rename = "k8sService", skip_serializing_if = "Option::is_none")
    )]
    pub k8s_service: Option<K8sServiceNamespace<'a>>,
    /// `k8sServiceSelector`.
    #[cfg_attr(
        test,
        serde(rename = "k8sServiceSelector", skip_serializing_if = "Option::is_none")
    )]
    pub k8s_service_selector: Option<ServiceSelector<'a>>,
}

/// A `fromGroups`/`toGroups` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct Group<'a> {
    /// `aws`.
    pub aws: AwsGroup<'a>,
}

/// `aws`: in the order of Cilium's `AWSGroup`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct AwsGroup<'a> {
    /// `labels`, in key order.
    #[cfg_attr(
        test,
        serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_map")
    )]
    pub labels: Vec<(&'a str, &'a str)>,
    /// `securityGroupsIds`.
    #[cfg_attr(
        test,
        serde(rename = "securityGroupsIds", skip_serializing_if = "Vec::is_empty")
    )]
    pub security_groups_ids: Vec<&'a str>,
    /// `securityGroupsNames`.
    #[cfg_attr(
        test,
        serde(rename = "securityGroupsNames", skip_serializing_if = "Vec::is_empty")
    )]
    pub security_groups_names: Vec<&'a str>,
    /// `region`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub region: Option<&'a str>,
}

/// `k8sService`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct K8sServiceNamespace<'a> {
    /// `serviceName`.
    #[cfg_attr(test, serde(rename = "serviceName"))]
    pub service_name: &'a str,
    /// `namespace`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub namespace: Option<&'a str>,
}

/// `k8sServiceSelector`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct ServiceSelector<'a> {
    /// `selector`.
    pub selector: LabelSelector<'a>,
    /// `namespace`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub namespace: Option<&'a str>,
}

/// A `toPorts` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct PortRule<'a> {
    /// `ports`.
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub ports: Vec<PortProtocol<'a>>,
    /// `terminatingTLS`.
    #[cfg_attr(
        test,
        serde(rename = "terminatingTLS", skip_serializing_if = "Option::is_none")
    )]
    pub terminating_tls: Option<TlsContext<'a>>,
    /// `originatingTLS`.
    #[cfg_attr(
        test,
        serde(rename = "originatingTLS", skip_serializing_if = "Option::is_none")
    )]
    pub originating_tls: Option<TlsContext<'a>>,
    /// `serverNames`.
    #[cfg_attr(
        test,
        serde(rename = "serverNames", skip_serializing_if = "Vec::is_empty")
    )]
    pub server_names: Vec<&'a str>,
    /// `listener`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub listener: Option<Listener<'a>>,
    /// `rules`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub rules: Option<L7Rules<'a>>,
}

/// A `ports` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct PortProtocol<'a> {
    /// `port`: always a string, a number or a service name.
    pub port: Cow<'a, str>,
    /// `endPort`.
    #[cfg_attr(
        test,
        serde(rename = "endPort", skip_serializing_if = "Option::is_none")
    )]
    pub end_port: Option<u16>,
    /// `protocol`, upper case.
    pub protocol: &'static str,
}

/// `rules`: exactly one field is set.
#[derive(Debug, Default)]
#[cfg_attr(test, derive(Serialize))]
pub struct L7Rules<'a> {
    /// `http`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub http: Option<Vec<PortRuleHttp<'a>>>,
    /// `kafka`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub kafka: Option<Vec<PortRuleKafka<'a>>>,
    /// `dns`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub dns: Option<Vec<FqdnSelector<'a>>>,
    /// `l7proto`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub l7proto: Option<&'a str>,
    /// `l7`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub l7: Option<Vec<&'a std::collections::BTreeMap<String, String>>>,
}

/// An `http` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct PortRuleHttp<'a> {
    /// `method`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub method: Option<&'a str>,
    /// `path`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub path: Option<&'a str>,
    /// `host`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub host: Option<&'a str>,
    /// `headers`.
    #[cfg_attr(test, serde(skip_serializing_if = "Vec::is_empty"))]
    pub headers: Vec<&'a str>,
    /// `headerMatches`.
    #[cfg_attr(
        test,
        serde(rename = "headerMatches", skip_serializing_if = "Vec::is_empty")
    )]
    pub header_matches: Vec<HeaderMatch<'a>>,
}

/// A `headerMatches` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct HeaderMatch<'a> {
    /// `name`.
    pub name: &'a str,
    /// `value`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub value: Option<&'a str>,
    /// `secret`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub secret: Option<Secret<'a>>,
    /// `mismatch`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub mismatch: Option<&'static str>,
}

/// A `secret`: `{namespace?, name}`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct Secret<'a> {
    /// `namespace`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub namespace: Option<&'a str>,
    /// `name`.
    pub name: &'a str,
}

/// A `terminatingTLS` or `originatingTLS`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct TlsContext<'a> {
    /// `secret`.
    pub secret: Secret<'a>,
    /// `trustedCA`.
    #[cfg_attr(
        test,
        serde(rename = "trustedCA", skip_serializing_if = "Option::is_none")
    )]
    pub trusted_ca: Option<&'a str>,
    /// `certificate`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub certificate: Option<&'a str>,
    /// `privateKey`.
    #[cfg_attr(
        test,
        serde(rename = "privateKey", skip_serializing_if = "Option::is_none")
    )]
    pub private_key: Option<&'a str>,
}

/// A `kafka` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct PortRuleKafka<'a> {
    /// `role`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub role: Option<&'static str>,
    /// `apiKey`.
    #[cfg_attr(
        test,
        serde(rename = "apiKey", skip_serializing_if = "Option::is_none")
    )]
    pub api_key: Option<&'a str>,
    /// `apiVersion`: a string in the CRD.
    #[cfg_attr(
        test,
        serde(rename = "apiVersion", skip_serializing_if = "Option::is_none")
    )]
    pub api_version: Option<String>,
    /// `clientID`.
    #[cfg_attr(
        test,
        serde(rename = "clientID", skip_serializing_if = "Option::is_none")
    )]
    pub client_id: Option<&'a str>,
    /// `topic`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub topic: Option<&'a str>,
}

/// A port rule's `listener`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct Listener<'a> {
    /// `envoyConfig`.
    #[cfg_attr(test, serde(rename = "envoyConfig"))]
    pub envoy_config: EnvoyConfig<'a>,
    /// `name`.
    pub name: &'a str,
    /// `priority`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub priority: Option<u8>,
}

/// A listener's `envoyConfig`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct EnvoyConfig<'a> {
    /// `kind`.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub kind: Option<&'static str>,
    /// `name`.
    pub name: &'a str,
}

/// An allow rule's `authentication`.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct Authentication {
    /// `mode`.
    pub mode: &'static str,
}

/// An `icmps` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct IcmpRule<'a> {
    /// `fields`.
    pub fields: Vec<IcmpField<'a>>,
}

/// A `fields` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct IcmpField<'a> {
    /// `type`: an integer or a CamelCase name.
    #[cfg_attr(test, serde(rename = "type"))]
    pub kind: IcmpKind<'a>,
    /// `family`: `IPv4` or `IPv6`.
    pub family: &'static str,
}

/// An ICMP `type`, an int-or-string in the CRD.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
#[cfg_attr(test, serde(untagged))]
pub enum IcmpKind<'a> {
    /// A type number.
    Number(u8),
    /// A type name.
    Name(&'a str),
}

/// A `labels` entry.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct Label<'a> {
    /// `key`.
    pub key: &'a str,
    /// `value`.
    pub value: &'a str,
}

/// Prints a spec as the lines under `spec:`, indented by 2.
#[cfg(test)]
pub fn spec_text(spec: &ir::PolicySpec) -> String {
    // Most specs fit; growing from empty would copy the text several times.
    let mut out = String::with_capacity(SPEC_CAPACITY);
    Rule::from_ir(spec).write(yaml::Node::top(&mut out, 2));
    out
}

/// Prints what goes under the object's header: `spec:` and the spec's
/// lines, or, for a policy written with `spec` blocks, `specs:` and one
/// list item per rule set.
pub fn body_text(spec: &ir::PolicySpec) -> String {
    if spec.specs.is_empty() {
        let mut out = String::with_capacity(SPEC_CAPACITY + "spec:\n".len());
        out.push_str("spec:\n");
        Rule::from_ir(spec).write(yaml::Node::top(&mut out, 2));
        return out;
    }
    let mut out = String::with_capacity(SPEC_CAPACITY * spec.specs.len());
    out.push_str("specs:\n");
    let rules: Vec<Rule<'_>> = spec.specs.iter().map(Rule::from_ir).collect();
    rules.write(yaml::Node::top(&mut out, 0));
    out
}

/// The bytes [`spec_text`] reserves up front.
const SPEC_CAPACITY: usize = 512;

/// The spec of a CiliumCIDRGroup.
#[derive(Debug)]
#[cfg_attr(test, derive(Serialize))]
pub struct CidrGroupSpec {
    /// `externalCIDRs`.
    #[cfg_attr(test, serde(rename = "externalCIDRs"))]
    pub external_cidrs: Vec<String>,
}

/// `spec:` and the text under it for a CIDR group.
pub fn cidr_group_spec_text(group: &ir::CidrGroup) -> String {
    let spec = CidrGroupSpec {
        external_cidrs: group.cidrs.iter().map(ToString::to_string).collect(),
    };
    let mut out = String::from("spec:\n");
    spec.write(yaml::Node::top(&mut out, 2));
    out
}

/// Appends one CiliumCIDRGroup document, with its labels (if any) under
/// `metadata.labels`.
pub fn push_cidr_group_document(
    out: &mut String,
    api_version: &str,
    name: &str,
    group: &ir::CidrGroup,
) {
    push_header(out, (Kind::CidrGroup, api_version), name, None);
    if !group.labels.is_empty() {
        let mut map = yaml::Node::top(out, 2).mapping();
        let mut labels = map.field("labels").mapping();
        for (key, value) in &group.labels {
            labels.key(key.as_str()).str(value.as_str());
        }
    }
    out.push_str(&cidr_group_spec_text(group));
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
/// `body` (`spec:` or `specs:` and the lines under it, [`body_text`]). A
/// CCNP has no namespace.
pub fn push_document(
    out: &mut String,
    (kind, api_version): (Kind, &str),
    name: &str,
    namespace: Option<&str>,
    metadata: Option<&ir::ObjectMetadata>,
    body: &str,
) {
    push_header(out, (kind, api_version), name, namespace);
    if let Some(metadata) = metadata {
        push_metadata(out, metadata);
    }
    out.push_str(body);
}

/// Appends `---`, `apiVersion`, `kind` and `metadata:` with the name and
/// the namespace, if any: the lines every document starts with.
fn push_header(
    out: &mut String,
    (kind, api_version): (Kind, &str),
    name: &str,
    namespace: Option<&str>,
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
    out.push('\n');
}

/// Appends `labels:` and `annotations:` under `metadata:`, each only when
/// it has an entry.
fn push_metadata(out: &mut String, metadata: &ir::ObjectMetadata) {
    if metadata.is_empty() {
        return;
    }
    let mut map = yaml::Node::top(out, 2).mapping();
    if !metadata.labels.is_empty() {
        let mut labels = map.field("labels").mapping();
        for (key, value) in &metadata.labels {
            labels.key(key).str(value);
        }
    }
    if !metadata.annotations.is_empty() {
        let mut annotations = map.field("annotations").mapping();
        for (key, value) in &metadata.annotations {
            annotations.key(key).str(value);
        }
    }
}

/// Serializes `(key, value)` pairs, already in key order, as a map.
#[cfg(test)]
fn as_map<S: serde::Serializer>(pairs: &[(&str, &str)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().copied())
}

mod convert;
#[cfg(test)]
mod round_trip;
mod write;

use write::Write as _;
#[cfg(test)]
mod tests;
