//! Which peers a rule's peer field selects (docs/cilium-semantics.md §3.1, §3.3, §3.6,
//! §5.1, §5.7): label selectors with Cilium's namespace and cluster
//! injection, entities, CIDRs with `except`, CIDR groups and FQDN selectors.

use ipnet::IpNet;

use super::identity::{CLUSTER_KEY, Identity, Kind, Label, NAMESPACE_KEY, NAMESPACE_LABELS};
use crate::ir::{CidrRule, Entity, FqdnSelector, Operator, PeerRef, Program, Selector};

/// Where a peer selector sits, which decides what the agent injects.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope<'a> {
    /// A CiliumNetworkPolicy of this namespace.
    Namespaced(&'a str),
    /// A CiliumClusterwideNetworkPolicy; `true` when its subject selects
    /// `reserved:init`.
    Clusterwide(bool),
}

/// A selector key split into its source (`None` for `any`) and its name.
pub(crate) fn split_key(key: &str) -> (Option<&str>, &str) {
    match key.split_once(':') {
        Some(("any", name)) => (None, name),
        Some((source, name)) => (Some(source), name),
        None => (None, key),
    }
}

fn values<'l>(
    labels: &'l [Label<'_>],
    source: Option<&'l str>,
    name: &'l str,
) -> impl Iterator<Item = &'l str> + 'l {
    labels
        .iter()
        .filter(move |label| {
            label.key == name && source.is_none_or(|source| source == label.source.as_str())
        })
        .map(|label| &*label.value)
}

/// One requirement of a selector, with Kubernetes semantics: `NotIn` and
/// `DoesNotExist` hold for an absent label.
fn requirement(labels: &[Label<'_>], key: &str, operator: Operator, wanted: &[&str]) -> bool {
    let (source, name) = split_key(key);
    let mut found = values(labels, source, name).peekable();
    match operator {
        Operator::In => found.any(|value| wanted.contains(&value)),
        Operator::NotIn => found.all(|value| !wanted.contains(&value)),
        Operator::Exists => found.peek().is_some(),
        Operator::DoesNotExist => found.peek().is_none(),
    }
}

/// The selector as written, without injection.
pub(crate) fn selector_matches(selector: &Selector, labels: &[Label<'_>]) -> bool {
    selector
        .match_labels
        .iter()
        .all(|(key, value)| requirement(labels, key, Operator::In, &[value.as_str()]))
        && selector.match_expressions.iter().all(|expression| {
            let wanted: Vec<&str> = expression
                .values
                .iter()
                .map(|value| value.as_str())
                .collect();
            requirement(labels, &expression.key, expression.operator, &wanted)
        })
}

fn is_reserved_key(key: &str) -> bool {
    split_key(key).0 == Some("reserved")
}

/// True when a selector names a `reserved:` key.
pub(crate) fn has_reserved_key(selector: &Selector, name: Option<&str>) -> bool {
    selector
        .keys()
        .any(|key| is_reserved_key(key) && name.is_none_or(|name| split_key(key).1 == name))
}

/// A peer selector (`from/toEndpoints`), with what the agent injects:
/// the policy's namespace (CNP) or `namespace Exists` (CCNP) unless the
/// selector names the namespace (or, in a CNP, a namespace label), and
/// `cluster=<local>` unless it names the cluster; a selector with a
/// `reserved:` key is left as written.
pub(crate) fn peer_selector_matches(
    selector: &Selector,
    scope: Scope<'_>,
    cluster: &str,
    peer: &Identity<'_>,
) -> bool {
    if !selector_matches(selector, &peer.labels) {
        return false;
    }
    if has_reserved_key(selector, None) {
        return true;
    }
    let names = |wanted: &str| selector.keys().any(|key| split_key(key).1 == wanted);
    let namespace_ok = names(NAMESPACE_KEY)
        || match scope {
            Scope::Namespaced(namespace) => {
                selector
                    .keys()
                    .any(|key| split_key(key).1.starts_with(NAMESPACE_LABELS))
                    || peer.k8s(NAMESPACE_KEY) == Some(namespace)
            }
            Scope::Clusterwide(subject_init) => subject_init || peer.k8s(NAMESPACE_KEY).is_some(),
        };
    let cluster_ok = names(CLUSTER_KEY) || peer.k8s(CLUSTER_KEY) == Some(cluster);
    namespace_ok && cluster_ok
}

/// Whether an entity selects the peer.
pub(crate) fn entity_matches(entity: Entity, peer: &Identity<'_>) -> bool {
    match entity {
        Entity::All => true,
        Entity::None => false,
        Entity::World => {
            peer.has_reserved("world")
                || peer.has_reserved("world-ipv4")
                || peer.has_reserved("world-ipv6")
        }
        Entity::Cluster => {
            matches!(peer.kind, Kind::Pod(_))
                || [
                    "host",
                    "remote-node",
                    "init",
                    "ingress",
                    "health",
                    "unmanaged",
                    "kube-apiserver",
                ]
                .iter()
                .any(|name| peer.has_reserved(name))
        }
        Entity::Host => peer.has_reserved("host"),
        Entity::RemoteNode => peer.has_reserved("remote-node"),
        Entity::KubeApiserver => peer.has_reserved("kube-apiserver"),
        Entity::Health => peer.has_reserved("health"),
        Entity::Ingress => peer.has_reserved("ingress"),
        Entity::Init => peer.has_reserved("init"),
        Entity::Unmanaged => peer.has_reserved("unmanaged"),
    }
}

/// Whether a CIDR selects the peer: only outside addresses, by containment
/// minus `except`; a `/0` also selects the plain `world` identity (of its
/// family with dual stack) and an address of unknown IP.
pub(crate) fn cidr_matches(cidr: IpNet, except: &[IpNet], peer: &Identity<'_>) -> bool {
    if peer.kind != Kind::Outside {
        return false;
    }
    match peer.ip {
        Some(ip) => cidr.contains(&ip) && !except.iter().any(|inner| inner.contains(&ip)),
        None => {
            cidr.prefix_len() == 0
                && (peer.has_reserved("world")
                    || (peer.has_reserved("world-ipv4") && matches!(cidr, IpNet::V4(_)))
                    || (peer.has_reserved("world-ipv6") && matches!(cidr, IpNet::V6(_))))
        }
    }
}

/// Whether one of the CIDR rules selects the peer.
pub(crate) fn cidr_rules_match(rules: &[CidrRule], peer: &Identity<'_>) -> bool {
    rules
        .iter()
        .any(|rule| cidr_matches(rule.cidr(), rule.except(), peer))
}

/// Whether a DNS name matches a `matchName`/`matchPattern` (§3.2): case
/// ignored, a trailing `.` ignored, `*` = zero or more characters but not
/// `.`, `*` alone = every name, a leading `**.` = one or more labels.
pub(crate) fn fqdn_matches(selector: &FqdnSelector, name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    match selector {
        FqdnSelector::Name(wanted) => wanted.trim_end_matches('.').eq_ignore_ascii_case(&name),
        FqdnSelector::Pattern(pattern) => {
            let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
            if pattern == "*" {
                return true;
            }
            match pattern.strip_prefix("**.") {
                Some(rest) => name.char_indices().any(|(at, c)| {
                    c == '.'
                        && at > 0
                        && name
                            .get(at + 1..)
                            .is_some_and(|tail| glob(rest.as_bytes(), tail.as_bytes()))
                }),
                None => glob(pattern.as_bytes(), name.as_bytes()),
            }
        }
    }
}

/// `*` matches zero or more characters other than `.`.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => {
            let mut at = 0;
            loop {
                if glob(rest, name.get(at..).unwrap_or_default()) {
                    return true;
                }
                match name.get(at) {
                    Some(&c) if c != b'.' => at += 1,
                    _ => return false,
                }
            }
        }
        Some((&c, rest)) => match name.split_first() {
            Some((&n, tail)) if n == c => glob(rest, tail),
            _ => false,
        },
    }
}

/// Whether a rule's peer field selects `peer` (ports aside). The empty rule
/// (no peer, no port) selects nothing; an explicitly empty list selects
/// nothing; a service peer is not resolved (nothing).
pub(crate) fn peer_matches(
    program: &Program,
    peer_field: PeerRef<'_>,
    has_ports: bool,
    scope: Scope<'_>,
    cluster: &str,
    peer: &Identity<'_>,
) -> bool {
    match peer_field {
        PeerRef::Anywhere => has_ports,
        PeerRef::Endpoints(selectors) => selectors
            .iter()
            .any(|selector| peer_selector_matches(selector, scope, cluster, peer)),
        PeerRef::Entities(entities) => entities.iter().any(|entity| entity_matches(*entity, peer)),
        PeerRef::Cidrs(rules) => cidr_rules_match(rules, peer),
        PeerRef::CidrGroups(groups) => {
            cidr_rules_match(groups.cidrs(), peer)
                || groups.groups().iter().any(|name| {
                    program.cidr_groups.get(name).is_some_and(|group| {
                        group
                            .cidrs
                            .iter()
                            .any(|cidr| cidr_matches(*cidr, &[], peer))
                    })
                })
                || groups.selectors().iter().any(|selector| {
                    program.cidr_groups.values().any(|group| {
                        group.selected_by(selector)
                            && group
                                .cidrs
                                .iter()
                                .any(|cidr| cidr_matches(*cidr, &[], peer))
                    })
                })
        }
        PeerRef::Fqdns(selectors) => {
            peer.kind == Kind::Outside
                && peer.fqdns.iter().any(|name| {
                    selectors
                        .iter()
                        .any(|selector| fqdn_matches(selector, name))
                })
        }
        PeerRef::Services(_) => false,
        PeerRef::Nodes(selectors) => node_matches(selectors, peer),
        // AWS groups are resolved by the agent from AWS; the world knows no
        // AWS network interface, so a group peer selects nothing here.
        PeerRef::Groups(_) => false,
    }
}

/// Whether a `from/toNodes` selector list selects the peer: a node (the
/// local host or a remote node) whose node labels one selector matches, as
/// the agent does with `enable-node-selector-labels` (without it, the agent
/// refuses the policy).
pub(crate) fn node_matches(selectors: &[Selector], peer: &Identity<'_>) -> bool {
    (peer.has_reserved("host") || peer.has_reserved("remote-node"))
        && selectors
            .iter()
            .any(|selector| selector_matches(selector, &peer.labels))
}
