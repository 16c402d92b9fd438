//! From the IR to the CRD structs: one total conversion per IR type.

use super::{
    Authentication, AwsGroup, CidrRule, DefaultDenyConfig, EgressRule, EnvoyConfig, FqdnSelector,
    Group, HeaderMatch, IcmpField, IcmpKind, IcmpRule, IngressRule, K8sServiceNamespace, L7Rules,
    Label, LabelSelector, LabelSelectorRequirement, Listener, LogConfig, PortProtocol, PortRule,
    PortRuleHttp, PortRuleKafka, Rule, Secret, Service, ServiceSelector, TlsContext,
};
use crate::ir;

/// A CIDR peer: `from/toCIDR` when no entry has exceptions, else `from/toCIDRSet`.
enum CidrPeer {
    /// `from/toCIDR`.
    Plain(Vec<String>),
    /// `from/toCIDRSet`.
    Set(Vec<CidrRule<'static>>),
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
            egress_deny: spec.egress_deny.iter().map(EgressRule::from_ir).collect(),
            labels: spec
                .labels
                .iter()
                .map(|(key, value)| Label {
                    key: key.as_str(),
                    value: value.as_str(),
                })
                .collect(),
            log: spec.log.as_deref().map(|value| LogConfig { value }),
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
    fn from_ir<L: ir::L7Slot, A: ir::AuthSlot, T: ir::TlsSlot>(
        rule: &'a ir::Rule<ir::IngressPeer, L, A, T>,
    ) -> IngressRule<'a> {
        let mut out = IngressRule {
            to_ports: port_rules(&rule.ports, rule.l7.get(), rule.tls.get()),
            icmps: icmp_rules(&rule.icmps),
            authentication: authentication(rule.authentication.get()),
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
            ir::IngressPeer::Nodes(selectors) => {
                out.from_nodes = Some(selectors.iter().map(LabelSelector::from_ir).collect());
            }
            ir::IngressPeer::Groups(groups) => {
                out.from_groups = Some(groups.iter().map(Group::from_ir).collect());
            }
        }
        out
    }
}

impl<'a> EgressRule<'a> {
    /// The rule in an `egress` or `egressDeny` list. Every peer kind has an
    /// egress field, so the common view serves both lists (an `egressDeny`
    /// rule's type has no FQDN peer and no L7 rules to give it).
    fn from_ir<P: ir::PeerKind, L: ir::L7Slot, A: ir::AuthSlot, T: ir::TlsSlot>(
        rule: &'a ir::Rule<P, L, A, T>,
    ) -> EgressRule<'a> {
        let mut out = EgressRule {
            to_ports: port_rules(&rule.ports, rule.l7.get(), rule.tls.get()),
            icmps: icmp_rules(&rule.icmps),
            authentication: authentication(rule.authentication.get()),
            ..EgressRule::default()
        };
        match rule.peer.view() {
            ir::PeerRef::Anywhere => {}
            ir::PeerRef::Endpoints(selectors) => {
                out.to_endpoints = Some(selectors.iter().map(LabelSelector::from_ir).collect());
            }
            ir::PeerRef::Entities(entities) => out.to_entities = Some(entity_names(entities)),
            ir::PeerRef::Cidrs(cidrs) => match cidr_peer(cidrs) {
                CidrPeer::Plain(list) => out.to_cidr = Some(list),
                CidrPeer::Set(set) => out.to_cidr_set = Some(set),
            },
            ir::PeerRef::CidrGroups(peer) => out.to_cidr_set = Some(cidr_set_with_groups(peer)),
            ir::PeerRef::Fqdns(fqdns) => {
                out.to_fqdns = Some(fqdns.iter().map(FqdnSelector::from_ir).collect());
            }
            ir::PeerRef::Services(services) => {
                out.to_services = Some(services.iter().map(Service::from_ir).collect());
            }
            ir::PeerRef::Nodes(selectors) => {
                out.to_nodes = Some(selectors.iter().map(LabelSelector::from_ir).collect());
            }
            ir::PeerRef::Groups(groups) => {
                out.to_groups = Some(groups.iter().map(Group::from_ir).collect());
            }
        }
        out
    }
}

impl<'a> Group<'a> {
    /// One `aws:` entry.
    fn from_ir(group: &'a ir::AwsGroup) -> Group<'a> {
        Group {
            aws: AwsGroup {
                labels: group
                    .labels
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.as_str()))
                    .collect(),
                security_groups_ids: group.ids.iter().map(String::as_str).collect(),
                security_groups_names: group.names.iter().map(String::as_str).collect(),
                region: group.region.as_deref(),
            },
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
fn cidr_set_with_groups(peer: &ir::CidrGroupPeer) -> Vec<CidrRule<'_>> {
    peer.cidrs()
        .iter()
        .map(cidr_set_entry)
        .chain(peer.groups().iter().map(|group| CidrRule {
            cidr: None,
            cidr_group_ref: Some(group.to_string()),
            cidr_group_selector: None,
            except: Vec::new(),
        }))
        .chain(peer.selectors().iter().map(|selector| CidrRule {
            cidr: None,
            cidr_group_ref: None,
            cidr_group_selector: Some(LabelSelector::from_ir(selector)),
            except: Vec::new(),
        }))
        .collect()
}

fn cidr_set_entry<'a>(rule: &ir::CidrRule) -> CidrRule<'a> {
    CidrRule {
        cidr: Some(rule.cidr().to_string()),
        cidr_group_ref: None,
        cidr_group_selector: None,
        except: rule.except().iter().map(ToString::to_string).collect(),
    }
}

/// Entity names as Cilium writes them.
fn entity_names(entities: &[ir::Entity]) -> Vec<&'static str> {
    entities.iter().map(|entity| entity.as_str()).collect()
}

/// `authentication`: an allow rule's mode.
fn authentication(mode: Option<ir::AuthMode>) -> Option<Authentication> {
    mode.map(|mode| Authentication {
        mode: mode.as_str(),
    })
}

/// `toPorts`: one port rule with the ports and the L7 rules or the server
/// names (an allow rule's); nothing when the rule has neither.
fn port_rules<'a>(
    ports: &'a [ir::PortSpec],
    l7: Option<&'a ir::L7>,
    tls: Option<&'a ir::Tls>,
) -> Option<Vec<PortRule<'a>>> {
    let rules = l7.and_then(L7Rules::from_ir);
    let server_names: Vec<&str> = tls
        .map(|tls| {
            tls.server_names
                .iter()
                .map(ir::ServerName::as_str)
                .collect()
        })
        .unwrap_or_default();
    if ports.is_empty() && rules.is_none() && server_names.is_empty() {
        return None;
    }
    let listener = match l7 {
        Some(ir::L7::Listener(listener)) => Some(Listener {
            envoy_config: EnvoyConfig {
                kind: listener.kind.map(ir::EnvoyConfigKind::as_crd),
                name: &listener.config,
            },
            name: &listener.name,
            priority: listener.priority,
        }),
        _ => None,
    };
    if ports.is_empty() && listener.is_none() && rules.is_none() && server_names.is_empty() {
        return None;
    }
    let context = |side: fn(&'a ir::Tls) -> Option<&'a ir::TlsContext>| {
        tls.and_then(side).map(TlsContext::from_ir)
    };
    Some(vec![PortRule {
        ports: ports.iter().map(PortProtocol::from_ir).collect(),
        terminating_tls: context(|tls| tls.terminating.as_ref()),
        originating_tls: context(|tls| tls.originating.as_ref()),
        server_names,
        listener,
        rules,
    }])
}

impl<'a> TlsContext<'a> {
    /// A `terminatingTLS` or `originatingTLS` as the CRD writes it.
    fn from_ir(context: &'a ir::TlsContext) -> TlsContext<'a> {
        TlsContext {
            secret: Secret {
                namespace: context.secret.namespace.as_ref().map(|text| text.as_str()),
                name: context.secret.name.as_str(),
            },
            trusted_ca: context.trusted_ca.as_ref().map(|text| text.as_str()),
            certificate: context.certificate.as_ref().map(|text| text.as_str()),
            private_key: context.private_key.as_ref().map(|text| text.as_str()),
        }
    }
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
            protocol: port.protocol().as_crd(),
        }
    }
}

impl<'a> L7Rules<'a> {
    /// The L7 rules as the CRD writes them; `None` for a listener, which
    /// sits beside `rules` (`listener`).
    fn from_ir(l7: &'a ir::L7) -> Option<L7Rules<'a>> {
        Some(match l7 {
            ir::L7::Listener(_) => return None,
            ir::L7::Http(rules) => L7Rules {
                http: Some(rules.iter().map(PortRuleHttp::from_ir).collect()),
                ..L7Rules::default()
            },
            ir::L7::Generic(generic) => L7Rules {
                l7proto: Some(&generic.proto),
                l7: Some(generic.rules.iter().collect()),
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
        })
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
            header_matches: rule
                .header_matches
                .iter()
                .map(|header| HeaderMatch {
                    name: header.name.as_str(),
                    value: header.value.as_ref().map(ir::NonEmptyText::as_str),
                    secret: header.secret.as_ref().map(|secret| Secret {
                        namespace: secret.namespace.as_ref().map(ir::NonEmptyText::as_str),
                        name: secret.name.as_str(),
                    }),
                    mismatch: header.mismatch.map(ir::Mismatch::as_crd),
                })
                .collect(),
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
