//! The security identity of each kind of endpoint: the labels Cilium's
//! agent gives it (docs/cilium-semantics.md §3.6, §9), and what the engine needs besides
//! labels (its IP, the DNS names it answers for, its named ports).

use std::borrow::Cow;
use std::net::IpAddr;

use super::{EndpointId, Pod, World};
use crate::ir::Entity;

/// A label's source, as Cilium writes it before the `:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// `k8s:`: pod, namespace and node labels.
    K8s,
    /// `reserved:`: the reserved identities.
    Reserved,
}

impl Source {
    /// The prefix as a selector key writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Source::K8s => "k8s",
            Source::Reserved => "reserved",
        }
    }
}

/// One identity label; borrowed from the pod, node or world it describes
/// where it can be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Label<'w> {
    pub source: Source,
    pub key: Cow<'w, str>,
    pub value: Cow<'w, str>,
}

impl<'w> Label<'w> {
    fn k8s(key: impl Into<Cow<'w, str>>, value: impl Into<Cow<'w, str>>) -> Label<'w> {
        Label {
            source: Source::K8s,
            key: key.into(),
            value: value.into(),
        }
    }

    fn reserved(key: &'w str) -> Label<'w> {
        Label {
            source: Source::Reserved,
            key: Cow::Borrowed(key),
            value: Cow::Borrowed(""),
        }
    }
}

/// What kind of endpoint an identity belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind<'w> {
    /// A pod of this cluster.
    Pod(&'w Pod),
    /// The local host (a node named in a flow, or `entity host`).
    Host,
    /// Outside the cluster: `world`, or an address.
    Outside,
    /// `remote-node`, `kube-apiserver`, `health`, `ingress`, `init`,
    /// `unmanaged`.
    Reserved(Entity),
}

/// An endpoint's identity.
#[derive(Clone, Debug)]
pub(crate) struct Identity<'w> {
    pub kind: Kind<'w>,
    pub labels: Vec<Label<'w>>,
    /// The address's IP (outside addresses only).
    pub ip: Option<IpAddr>,
    /// The DNS names an outside address was resolved from.
    pub fqdns: &'w [String],
}

/// The namespace key Cilium puts on every pod.
pub(crate) const NAMESPACE_KEY: &str = "io.kubernetes.pod.namespace";
/// The prefix of the namespace labels Cilium copies onto every pod.
pub(crate) const NAMESPACE_LABELS: &str = "io.cilium.k8s.namespace.labels.";
/// The service account key.
pub(crate) const SERVICE_ACCOUNT_KEY: &str = "io.cilium.k8s.policy.serviceaccount";
/// The cluster key.
pub(crate) const CLUSTER_KEY: &str = "io.cilium.k8s.policy.cluster";
/// The namespace label every namespace has, its name, as Cilium copies it
/// onto every pod: [`NAMESPACE_LABELS`] and `kubernetes.io/metadata.name`.
const METADATA_NAME_KEY: &str = "io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name";

/// Cilium's default identity-label filter (`pkg/labelsfilter`): whether a
/// pod label is identity-relevant. Kept: `app.kubernetes.io/*`; dropped:
/// `io.kubernetes*`, anything with `kubernetes.io` or `k8s.io` in it
/// (`beta.kubernetes.io` too), `pod-template-generation`,
/// `pod-template-hash`, `controller-revision-hash`, `annotation.*`,
/// `etcd_node`.
pub(crate) fn identity_relevant(key: &str) -> bool {
    if key.starts_with("app.kubernetes.io") {
        return true;
    }
    let dropped_prefixes = [
        "io.kubernetes",
        "pod-template-generation",
        "pod-template-hash",
        "controller-revision-hash",
        "annotation.",
        "etcd_node",
    ];
    !(dropped_prefixes
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || key.contains("kubernetes.io")
        || key.contains("k8s.io"))
}

/// The identity of `id` in `world`; `None` for an id the world does not
/// hold.
pub(crate) fn identity(world: &World, id: EndpointId) -> Option<Identity<'_>> {
    match id {
        EndpointId::Pod(index) => world.pods.get(index).map(|pod| pod_identity(world, pod)),
        EndpointId::Node(index) => world.nodes.get(index).map(|node| host_identity(Some(node))),
        EndpointId::Address(index) => world.addresses.get(index).map(|address| {
            let world_label = world_label(world, address.ip);
            Identity {
                kind: Kind::Outside,
                labels: vec![Label::reserved(world_label)],
                ip: address.ip,
                fqdns: &address.fqdns,
            }
        }),
        EndpointId::Entity(entity) => Some(entity_identity(world, entity)),
    }
}

fn world_label(world: &World, ip: Option<IpAddr>) -> &'static str {
    match (world.options.dual_stack, ip) {
        (true, Some(IpAddr::V4(_))) => "world-ipv4",
        (true, Some(IpAddr::V6(_))) => "world-ipv6",
        _ => "world",
    }
}

fn pod_identity<'w>(world: &'w World, pod: &'w Pod) -> Identity<'w> {
    let namespace_labels = world
        .namespaces
        .get(&pod.namespace)
        .into_iter()
        .flatten()
        .map(|(key, value)| (key.as_str(), value.as_str()));
    pod_identity_in(&world.cluster, pod, namespace_labels)
}

/// The identity of `pod` in cluster `cluster`, its namespace carrying
/// `namespace_labels` (in key order, as [`World::namespaces`] holds them):
/// what [`identity`] gives for a pod of a world, without a world.
pub(crate) fn pod_identity_in<'w>(
    cluster: &'w str,
    pod: &'w Pod,
    namespace_labels: impl Iterator<Item = (&'w str, &'w str)>,
) -> Identity<'w> {
    let mut labels: Vec<Label<'w>> =
        Vec::with_capacity(pod.labels.len() + 4 + namespace_labels.size_hint().0);
    labels.extend(
        pod.labels
            .iter()
            .filter(|(key, _)| identity_relevant(key))
            .map(|(key, value)| Label::k8s(key.as_str(), value.as_str())),
    );
    labels.push(Label::k8s(NAMESPACE_KEY, pod.namespace.as_str()));
    let account = if pod.service_account.is_empty() {
        "default"
    } else {
        pod.service_account.as_str()
    };
    labels.push(Label::k8s(SERVICE_ACCOUNT_KEY, account));
    labels.push(Label::k8s(CLUSTER_KEY, cluster));
    labels.push(Label::k8s(METADATA_NAME_KEY, pod.namespace.as_str()));
    for (key, value) in namespace_labels {
        if key != "kubernetes.io/metadata.name" {
            labels.push(Label::k8s(format!("{NAMESPACE_LABELS}{key}"), value));
        }
    }
    Identity {
        kind: Kind::Pod(pod),
        labels,
        ip: None,
        fqdns: &[],
    }
}

/// The local host: `reserved:host` and the node's labels (node labels are
/// not filtered: a `nodeSelector` on `node-role.kubernetes.io/...` selects).
fn host_identity(node: Option<&super::Node>) -> Identity<'_> {
    let mut labels = vec![Label::reserved("host")];
    if let Some(node) = node {
        labels.extend(
            node.labels
                .iter()
                .map(|(key, value)| Label::k8s(key.as_str(), value.as_str())),
        );
    }
    Identity {
        kind: Kind::Host,
        labels,
        ip: None,
        fqdns: &[],
    }
}

fn entity_identity(world: &World, entity: Entity) -> Identity<'_> {
    let reserved =
        |names: &[&'static str]| names.iter().map(|name| Label::reserved(name)).collect();
    let (kind, labels) = match entity {
        Entity::Host => return host_identity(world.nodes.first()),
        Entity::World => {
            let label = if world.options.dual_stack {
                "world-ipv4"
            } else {
                "world"
            };
            return Identity {
                kind: Kind::Outside,
                labels: vec![Label::reserved(label)],
                ip: None,
                fqdns: &[],
            };
        }
        Entity::KubeApiserver => (
            Kind::Reserved(entity),
            reserved(&["kube-apiserver", "remote-node"]),
        ),
        Entity::RemoteNode => (Kind::Reserved(entity), reserved(&["remote-node"])),
        Entity::Health => (Kind::Reserved(entity), reserved(&["health"])),
        Entity::Ingress => (Kind::Reserved(entity), reserved(&["ingress"])),
        Entity::Init => (Kind::Reserved(entity), reserved(&["init"])),
        Entity::Unmanaged => (Kind::Reserved(entity), reserved(&["unmanaged"])),
        // Sets, not endpoints: sema never makes a flow end of them; an
        // identity without labels, which only `all` and port-only rules select.
        Entity::All | Entity::Cluster | Entity::None => (Kind::Outside, Vec::new()),
    };
    Identity {
        kind,
        labels,
        ip: None,
        fqdns: &[],
    }
}

impl Identity<'_> {
    /// True when the identity carries `reserved:<name>`.
    pub(crate) fn has_reserved(&self, name: &str) -> bool {
        self.labels
            .iter()
            .any(|label| label.source == Source::Reserved && label.key == name)
    }

    /// The value of a `k8s:` label.
    pub(crate) fn k8s(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|label| label.source == Source::K8s && label.key == key)
            .map(|label| &*label.value)
    }

    /// True for an endpoint that has a policy of its own on this node: pods,
    /// the host, and the reserved endpoints `health`, `ingress`, `init`.
    pub(crate) fn enforces(&self) -> bool {
        match self.kind {
            Kind::Pod(_) | Kind::Host => true,
            Kind::Reserved(entity) => {
                matches!(entity, Entity::Health | Entity::Ingress | Entity::Init)
            }
            Kind::Outside => false,
        }
    }
}

/// The identity of an id the world does not hold: an outside address of
/// unknown IP, which only `all`, `world` and port-only rules select.
pub(crate) fn unknown() -> Identity<'static> {
    Identity {
        kind: Kind::Outside,
        labels: vec![Label::reserved("world")],
        ip: None,
        fqdns: &[],
    }
}

#[cfg(test)]
mod tests {
    use super::{METADATA_NAME_KEY, NAMESPACE_LABELS, Pod, pod_identity_in};

    #[test]
    fn a_pod_carries_its_namespace_name_as_a_namespace_label() {
        assert_eq!(
            METADATA_NAME_KEY,
            format!("{NAMESPACE_LABELS}kubernetes.io/metadata.name")
        );
        let pod = Pod {
            namespace: "shop".to_owned(),
            ..Pod::default()
        };
        let identity = pod_identity_in("default", &pod, [("team", "a")].into_iter());
        assert_eq!(identity.k8s(METADATA_NAME_KEY), Some("shop"));
        assert_eq!(
            identity.k8s("io.cilium.k8s.namespace.labels.team"),
            Some("a")
        );
        assert_eq!(
            identity.k8s("io.cilium.k8s.policy.cluster"),
            Some("default")
        );
        assert_eq!(
            identity.k8s("io.cilium.k8s.policy.serviceaccount"),
            Some("default")
        );
    }
}
