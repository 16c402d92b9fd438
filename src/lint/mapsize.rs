//! W0113: policies that would fill much of an endpoint's policy map.
//!
//! Cilium keeps one BPF policy map per endpoint, 16,384 entries by default
//! (`bpf-policy-map-max`). An endpoint that needs more entries than the map
//! holds gets no new policy, and its traffic is dropped. Each entry is one
//! (peer identity, port, protocol, direction), so the count is roughly, for
//! every rule of every policy that selects the endpoint:
//!
//! ```text
//! identities of the peer × port entries (or ICMP types, or 1 without ports)
//! ```
//!
//! Port entries are exact: a range is stored as the aligned power-of-two
//! blocks that cover it, and protocol `any` is three protocols. Identities
//! are estimates, since netpolc cannot see the cluster:
//!
//! | peer | identities |
//! |---|---|
//! | `anywhere`, `everything` | 1 (a wildcard entry) |
//! | another entity | 1, but `cluster`: [`CLUSTER_IDENTITIES`] |
//! | a CIDR | 1, plus 1 per `except` |
//! | an FQDN name | [`FQDN_NAME_IDENTITIES`] (its addresses) |
//! | an FQDN pattern | [`FQDN_PATTERN_IDENTITIES`]; `*`: [`CLUSTER_IDENTITIES`] × 2 |
//! | pods with labels | [`SELECTOR_IDENTITIES`] per namespace |
//! | every pod of a namespace | [`NAMESPACE_IDENTITIES`] per namespace |
//! | every pod of every namespace | [`CLUSTER_IDENTITIES`] |
//! | namespaces by label | [`LABELLED_NAMESPACES`] namespaces |
//! | a service | [`SELECTOR_IDENTITIES`] |
//!
//! The lint warns when the estimate for an endpoint passes [`WARN_AT`],
//! half the default map, because the estimate is rough.

use super::repo::{Inst, Repo};
use super::select::{self, Pods};
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::hash::{HashMap, HashMapExt};
use crate::ir;
use crate::source::Span;

/// Cilium's default policy-map size.
pub const MAP_SIZE: u64 = 16_384;
/// The estimate the lint warns above.
pub const WARN_AT: u64 = MAP_SIZE / 2;
/// Identities assumed in the whole cluster.
pub const CLUSTER_IDENTITIES: u64 = 500;
/// Identities assumed among the pods of one namespace.
pub const NAMESPACE_IDENTITIES: u64 = 20;
/// Identities assumed behind one pod label selector or service.
pub const SELECTOR_IDENTITIES: u64 = 2;
/// Namespaces assumed to match a namespace label selector.
pub const LABELLED_NAMESPACES: u64 = 5;
/// Addresses assumed behind one FQDN name.
pub const FQDN_NAME_IDENTITIES: u64 = 4;
/// Addresses assumed behind one FQDN pattern.
pub const FQDN_PATTERN_IDENTITIES: u64 = 64;

/// W0113.
pub fn check(repo: &Repo<'_>, diags: &mut Vec<Diagnostic>) {
    // Specs shared by many namespaces are reported once, for the namespace
    // where the estimate is largest.
    let mut worst: HashMap<*const ir::PolicySpec, (u64, usize, &Inst<'_>, Vec<&Inst<'_>>)> =
        HashMap::new();
    let mut order = Vec::new();
    // A spec's estimate, by spec: each instance counts its neighbours'
    // specs, and a category's spec is shared by every namespace using it.
    let mut estimates: HashMap<*const ir::PolicySpec, u64> = HashMap::new();
    let mut estimate = |spec: &ir::PolicySpec| {
        *estimates
            .entry(std::ptr::from_ref(spec))
            .or_insert_with(|| entries(repo, spec))
    };
    for inst in &repo.instances {
        let pods = Pods::of(repo, inst);
        let others: Vec<&Inst<'_>> = repo
            .neighbours(inst, pods.namespace_names())
            .filter(|other| pods.covered_by(other).maybe())
            .collect();
        let total = estimate(inst.spec())
            + others
                .iter()
                .map(|other| estimate(other.spec()))
                .sum::<u64>();
        let key = std::ptr::from_ref(inst.spec());
        let slot = worst.entry(key).or_insert_with(|| {
            order.push(key);
            (0, 0, inst, Vec::new())
        });
        slot.1 += 1;
        if total > slot.0 {
            slot.0 = total;
            slot.2 = inst;
            slot.3 = others;
        }
    }
    for key in order {
        let Some((total, count, inst, others)) = worst.get(&key) else {
            continue;
        };
        if *total > WARN_AT {
            diags.push(warning(repo, inst, *total, *count, others));
        }
    }
}

fn warning(
    repo: &Repo<'_>,
    inst: &Inst<'_>,
    total: u64,
    count: usize,
    others: &[&Inst<'_>],
) -> Diagnostic {
    let mut diag = report::map_overflow(inst.name_span, &inst.describe(), &total, &MAP_SIZE);
    let mut rules: Vec<(u64, Span)> = std::iter::once(inst)
        .chain(others.iter().copied())
        .flat_map(|policy| {
            policy.spec().rules().map(move |rule| {
                (
                    rule_entries(repo, rule),
                    repo.rule_span(rule.origin, policy),
                )
            })
        })
        .collect();
    rules.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (estimate, span) in rules.iter().take(3) {
        diag = diag.secondary(*span, format!("about {estimate} entries"));
    }
    if !others.is_empty() {
        let names: Vec<String> = others.iter().map(|other| other.describe()).collect();
        diag = diag.note(format!(
            "counted with {}, which select the same endpoints",
            names.join(", ")
        ));
    }
    if count > 1 {
        diag = diag.note(format!(
            "{count} namespaces get this policy; the estimate is for the largest"
        ));
    }
    diag.note(format!(
        "an entry is one peer identity on one port; netpolc assumes {CLUSTER_IDENTITIES} identities in the cluster, {NAMESPACE_IDENTITIES} per namespace, {SELECTOR_IDENTITIES} per pod selector and {FQDN_NAME_IDENTITIES} addresses per FQDN name; a full map makes Cilium drop the endpoint's traffic"
    ))
    .help("use wider CIDRs and port ranges, narrow broad peers, or raise the agent's `bpf-policy-map-max`")
}

/// The estimated entries of a policy.
pub fn entries(repo: &Repo<'_>, spec: &ir::PolicySpec) -> u64 {
    spec.rules().map(|rule| rule_entries(repo, rule)).sum()
}

/// The estimated entries of one rule.
pub fn rule_entries(repo: &Repo<'_>, rule: ir::RuleRef<'_>) -> u64 {
    let ports: u64 = rule.ports.iter().map(port_entries).sum();
    let width = ports
        .max(u64::try_from(rule.icmps.len()).unwrap_or(u64::MAX))
        .max(1);
    identities(repo, rule.peer).saturating_mul(width)
}

fn identities(repo: &Repo<'_>, peer: ir::PeerRef<'_>) -> u64 {
    match peer {
        ir::PeerRef::Anywhere => 1,
        ir::PeerRef::Entities(entities) => entities
            .iter()
            .map(|entity| {
                if *entity == ir::Entity::Cluster {
                    CLUSTER_IDENTITIES
                } else {
                    1
                }
            })
            .sum(),
        ir::PeerRef::Cidrs(cidrs) => cidrs
            .iter()
            .map(|cidr| 1 + u64::try_from(cidr.except().len()).unwrap_or(0))
            .sum(),
        // Each CIDR of a group is an identity of its own.
        ir::PeerRef::CidrGroups(peer) => {
            let literal: u64 = peer
                .cidrs()
                .iter()
                .map(|cidr| 1 + u64::try_from(cidr.except().len()).unwrap_or(0))
                .sum();
            let grouped: usize = peer
                .groups()
                .iter()
                .filter_map(|name| repo.program.cidr_groups.get(name))
                .map(|group| group.cidrs.len())
                .sum();
            let selected: usize = repo
                .program
                .cidr_groups
                .values()
                .filter(|group| peer.selectors().iter().any(|s| group.selected_by(s)))
                .map(|group| group.cidrs.len())
                .sum();
            literal + u64::try_from(grouped + selected).unwrap_or(0)
        }
        ir::PeerRef::Fqdns(names) => names
            .iter()
            .map(|name| match name {
                ir::FqdnSelector::Name(_) => FQDN_NAME_IDENTITIES,
                ir::FqdnSelector::Pattern(pattern)
                    if pattern.chars().all(|c| c == '*' || c == '.') =>
                {
                    CLUSTER_IDENTITIES * 2
                }
                ir::FqdnSelector::Pattern(_) => FQDN_PATTERN_IDENTITIES,
            })
            .sum(),
        ir::PeerRef::Services(services) => {
            SELECTOR_IDENTITIES * u64::try_from(services.len()).unwrap_or(0)
        }
        ir::PeerRef::Endpoints(selectors) => selectors.iter().map(selector_identities).sum(),
        // One identity per node at most: the local host and each remote node.
        ir::PeerRef::Nodes(selectors) => u64::try_from(selectors.len()).unwrap_or(0),
        // The agent turns each AWS group into CIDRs it learns at run time:
        // counted as one identity per group, the least it can be.
        ir::PeerRef::Groups(groups) => u64::try_from(groups.len()).unwrap_or(0),
    }
}

fn selector_identities(selector: &ir::Selector) -> u64 {
    if select::selects_all_namespaces(selector) {
        return CLUSTER_IDENTITIES;
    }
    let named = u64::try_from(select::named_namespaces(selector).count()).unwrap_or(1);
    let labelled = selector
        .keys()
        .any(|key| key.as_str().contains("io.cilium.k8s.namespace.labels."));
    let namespaces = if named > 0 {
        named
    } else if labelled {
        LABELLED_NAMESPACES
    } else {
        1
    };
    let per_namespace = if select::whole_namespaces(selector) {
        NAMESPACE_IDENTITIES
    } else {
        SELECTOR_IDENTITIES
    };
    namespaces * per_namespace
}

/// The map entries of one port: the aligned blocks of a range, times three
/// for protocol `any`.
fn port_entries(port: &ir::PortSpec) -> u64 {
    let protocols = if port.protocol() == ir::Protocol::Any {
        3
    } else {
        1
    };
    let blocks = match (port.port(), port.end_port()) {
        (ir::Port::Number(start), Some(end)) => range_blocks(u32::from(*start), u32::from(end)),
        _ => 1,
    };
    protocols * blocks
}

/// How many aligned power-of-two blocks cover `start..=end`.
fn range_blocks(start: u32, end: u32) -> u64 {
    let mut count = 0;
    let mut at = start;
    while at <= end {
        let mut size = 1u32;
        while size < 65_536 && at.is_multiple_of(size * 2) && at + size * 2 - 1 <= end {
            size *= 2;
        }
        count += 1;
        at += size;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::range_blocks;

    #[test]
    fn port_ranges_split_into_aligned_blocks() {
        assert_eq!(range_blocks(80, 80), 1);
        assert_eq!(range_blocks(8000, 8999), 6);
        assert_eq!(range_blocks(0, 65_535), 1);
        assert_eq!(range_blocks(1, 65_535), 16);
        assert_eq!(range_blocks(1024, 65_535), 6);
    }
}
