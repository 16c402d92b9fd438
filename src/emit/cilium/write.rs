//! The CRD structs as block YAML: one printer per struct, field by field in
//! the CRD's order, skipping absent and empty fields exactly where the
//! structs' docs say, straight into the text through [`yaml::Node`].

use super::{
    Authentication, AwsGroup, CidrGroupSpec, CidrRule, DefaultDenyConfig, EgressRule, EnvoyConfig,
    FqdnSelector, Group, HeaderMatch, IcmpField, IcmpKind, IcmpRule, IngressRule,
    K8sServiceNamespace, L7Rules, Label, LabelSelector, LabelSelectorRequirement, Listener,
    PortProtocol, PortRule, PortRuleHttp, PortRuleKafka, Rule, Secret, Service, ServiceSelector,
    TlsContext,
};
use crate::emit::yaml::{Mapping, Node};

/// A value that prints itself as one YAML node.
pub trait Write {
    /// Prints the value into `node`.
    fn write(&self, node: Node<'_>);
}

impl Write for &str {
    fn write(&self, node: Node<'_>) {
        node.str(self);
    }
}

impl Write for String {
    fn write(&self, node: Node<'_>) {
        node.str(self);
    }
}

impl<T: Write> Write for [T] {
    fn write(&self, node: Node<'_>) {
        let mut sequence = node.sequence();
        for item in self {
            item.write(sequence.item());
        }
    }
}

impl<T: Write> Write for Vec<T> {
    fn write(&self, node: Node<'_>) {
        self.as_slice().write(node);
    }
}

/// Prints `name:` and the value when there is one (`skip_serializing_if =
/// "Option::is_none"`); an empty list is printed (`[]`).
fn optional<T: Write + ?Sized>(map: &mut Mapping<'_>, name: &'static str, value: Option<&T>) {
    if let Some(value) = value {
        value.write(map.field(name));
    }
}

/// Prints `name:` and the list unless it is empty (`skip_serializing_if =
/// "Vec::is_empty"`).
fn non_empty<T: Write>(map: &mut Mapping<'_>, name: &'static str, items: &[T]) {
    if !items.is_empty() {
        items.write(map.field(name));
    }
}

impl Write for Rule<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("description", self.description);
        optional(
            &mut map,
            "endpointSelector",
            self.endpoint_selector.as_ref(),
        );
        optional(&mut map, "nodeSelector", self.node_selector.as_ref());
        optional(
            &mut map,
            "enableDefaultDeny",
            self.enable_default_deny.as_ref(),
        );
        non_empty(&mut map, "ingress", &self.ingress);
        non_empty(&mut map, "ingressDeny", &self.ingress_deny);
        non_empty(&mut map, "egress", &self.egress);
        non_empty(&mut map, "egressDeny", &self.egress_deny);
        non_empty(&mut map, "labels", &self.labels);
        if let Some(log) = &self.log {
            map.field("log").mapping().str("value", log.value);
        }
    }
}

impl Write for DefaultDenyConfig {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        if let Some(ingress) = self.ingress {
            map.field("ingress").bool(ingress);
        }
        if let Some(egress) = self.egress {
            map.field("egress").bool(egress);
        }
    }
}

impl Write for LabelSelector<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        if !self.match_labels.is_empty() {
            let mut labels = map.field("matchLabels").mapping();
            for (key, value) in &self.match_labels {
                labels.key(key).str(value);
            }
        }
        non_empty(&mut map, "matchExpressions", &self.match_expressions);
    }
}

impl Write for LabelSelectorRequirement<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.str("key", self.key);
        map.str("operator", self.operator);
        optional(&mut map, "values", self.values.as_ref());
    }
}

impl Write for IngressRule<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        optional(&mut map, "fromEndpoints", self.from_endpoints.as_ref());
        optional(&mut map, "fromEntities", self.from_entities.as_ref());
        optional(&mut map, "fromCIDR", self.from_cidr.as_ref());
        optional(&mut map, "fromCIDRSet", self.from_cidr_set.as_ref());
        optional(&mut map, "fromNodes", self.from_nodes.as_ref());
        optional(&mut map, "fromGroups", self.from_groups.as_ref());
        optional(&mut map, "toPorts", self.to_ports.as_ref());
        optional(&mut map, "icmps", self.icmps.as_ref());
        optional(&mut map, "authentication", self.authentication.as_ref());
    }
}

impl Write for EgressRule<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        optional(&mut map, "toEndpoints", self.to_endpoints.as_ref());
        optional(&mut map, "toEntities", self.to_entities.as_ref());
        optional(&mut map, "toCIDR", self.to_cidr.as_ref());
        optional(&mut map, "toCIDRSet", self.to_cidr_set.as_ref());
        optional(&mut map, "toFQDNs", self.to_fqdns.as_ref());
        optional(&mut map, "toServices", self.to_services.as_ref());
        optional(&mut map, "toNodes", self.to_nodes.as_ref());
        optional(&mut map, "toGroups", self.to_groups.as_ref());
        optional(&mut map, "toPorts", self.to_ports.as_ref());
        optional(&mut map, "icmps", self.icmps.as_ref());
        optional(&mut map, "authentication", self.authentication.as_ref());
    }
}

impl Write for CidrRule<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("cidr", self.cidr.as_deref());
        map.opt_str("cidrGroupRef", self.cidr_group_ref.as_deref());
        optional(
            &mut map,
            "cidrGroupSelector",
            self.cidr_group_selector.as_ref(),
        );
        non_empty(&mut map, "except", &self.except);
    }
}

impl Write for FqdnSelector<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("matchName", self.match_name);
        map.opt_str("matchPattern", self.match_pattern);
    }
}

impl Write for Service<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        optional(&mut map, "k8sService", self.k8s_service.as_ref());
        optional(
            &mut map,
            "k8sServiceSelector",
            self.k8s_service_selector.as_ref(),
        );
    }
}

impl Write for Group<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        self.aws.write(map.field("aws"));
    }
}

impl Write for AwsGroup<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        if !self.labels.is_empty() {
            let mut labels = map.field("labels").mapping();
            for (key, value) in &self.labels {
                labels.key(key).str(value);
            }
        }
        non_empty(&mut map, "securityGroupsIds", &self.security_groups_ids);
        non_empty(&mut map, "securityGroupsNames", &self.security_groups_names);
        map.opt_str("region", self.region);
    }
}

impl Write for K8sServiceNamespace<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.str("serviceName", self.service_name);
        map.opt_str("namespace", self.namespace);
    }
}

impl Write for ServiceSelector<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        self.selector.write(map.field("selector"));
        map.opt_str("namespace", self.namespace);
    }
}

impl Write for PortRule<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        non_empty(&mut map, "ports", &self.ports);
        optional(&mut map, "terminatingTLS", self.terminating_tls.as_ref());
        optional(&mut map, "originatingTLS", self.originating_tls.as_ref());
        non_empty(&mut map, "serverNames", &self.server_names);
        optional(&mut map, "listener", self.listener.as_ref());
        optional(&mut map, "rules", self.rules.as_ref());
    }
}

impl Write for Listener<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        self.envoy_config.write(map.field("envoyConfig"));
        map.str("name", self.name);
        if let Some(priority) = self.priority {
            map.field("priority").number(priority);
        }
    }
}

impl Write for EnvoyConfig<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("kind", self.kind);
        map.str("name", self.name);
    }
}

impl Write for Authentication {
    fn write(&self, node: Node<'_>) {
        node.mapping().str("mode", self.mode);
    }
}

impl Write for PortProtocol<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.str("port", &self.port);
        if let Some(end_port) = self.end_port {
            map.field("endPort").number(end_port);
        }
        map.str("protocol", self.protocol);
    }
}

impl Write for L7Rules<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        optional(&mut map, "http", self.http.as_ref());
        optional(&mut map, "kafka", self.kafka.as_ref());
        optional(&mut map, "dns", self.dns.as_ref());
        map.opt_str("l7proto", self.l7proto);
        if let Some(rules) = &self.l7 {
            let mut list = map.field("l7").sequence();
            for rule in rules {
                let mut pairs = list.item().mapping();
                for (key, value) in *rule {
                    pairs.key(key).str(value);
                }
            }
        }
    }
}

impl Write for PortRuleHttp<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("method", self.method);
        map.opt_str("path", self.path);
        map.opt_str("host", self.host);
        non_empty(&mut map, "headers", &self.headers);
        non_empty(&mut map, "headerMatches", &self.header_matches);
    }
}

impl Write for HeaderMatch<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.str("name", self.name);
        map.opt_str("value", self.value);
        optional(&mut map, "secret", self.secret.as_ref());
        map.opt_str("mismatch", self.mismatch);
    }
}

impl Write for Secret<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("namespace", self.namespace);
        map.str("name", self.name);
    }
}

impl Write for TlsContext<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        self.secret.write(map.field("secret"));
        map.opt_str("trustedCA", self.trusted_ca);
        map.opt_str("certificate", self.certificate);
        map.opt_str("privateKey", self.private_key);
    }
}

impl Write for PortRuleKafka<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.opt_str("role", self.role);
        map.opt_str("apiKey", self.api_key);
        map.opt_str("apiVersion", self.api_version.as_deref());
        map.opt_str("clientID", self.client_id);
        map.opt_str("topic", self.topic);
    }
}

impl Write for IcmpRule<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        self.fields.write(map.field("fields"));
    }
}

impl Write for IcmpField<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        match self.kind {
            IcmpKind::Number(number) => map.field("type").number(number),
            IcmpKind::Name(name) => map.str("type", name),
        }
        map.str("family", self.family);
    }
}

impl Write for Label<'_> {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        map.str("key", self.key);
        map.str("value", self.value);
    }
}

impl Write for CidrGroupSpec {
    fn write(&self, node: Node<'_>) {
        let mut map = node.mapping();
        self.external_cidrs.write(map.field("externalCIDRs"));
    }
}
