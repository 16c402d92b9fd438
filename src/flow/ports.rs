//! Whether a rule's ports and ICMP types cover a flow's protocol and port,
//! and how specific the covering map entry is (docs/cilium-semantics.md §3.4, §3.5, §9):
//! the datapath takes the longest prefix over protocol and port.

use super::Flow;
use crate::ir::{FlowProtocol, IcmpFamily, IcmpKind, Port, PortSpec, Protocol};

/// How specific a map entry is: entries compare by this, the greater wins.
/// `(false, 0)` is the wildcard of a rule without ports (every protocol and
/// port, ICMP too); `(true, 0)` every port of one protocol; `(true, 16)`
/// one port; in between, the prefix of a range's LPM split.
pub(crate) type Specificity = (bool, u8);

/// The wildcard entry of a rule without ports.
pub(crate) const WILDCARD: Specificity = (false, 0);

/// How named ports resolve on this side.
pub(crate) trait NamedPorts {
    /// The number of a named port for a protocol, if it resolves to
    /// exactly one.
    fn resolve(&self, name: &str, protocol: FlowProtocol) -> Option<u16>;
}

fn protocol_covers(protocol: Protocol, flow: FlowProtocol) -> bool {
    match (protocol, flow) {
        (Protocol::Tcp, FlowProtocol::Tcp)
        | (Protocol::Udp, FlowProtocol::Udp)
        | (Protocol::Sctp, FlowProtocol::Sctp) => true,
        (Protocol::Any, flow) => {
            matches!(
                flow,
                FlowProtocol::Tcp | FlowProtocol::Udp | FlowProtocol::Sctp
            )
        }
        // VRRP, IGMP and the extended protocols: a rule's `0/vrrp` covers
        // the protocol's flows (port 0) and nothing else.
        (protocol, flow) => FlowProtocol::portless(protocol) == Some(flow),
    }
}

/// The prefix length of the block of the LPM split of `start..=end` that
/// holds `port` (Cilium installs a range as aligned power-of-two blocks).
pub(crate) fn range_prefix(start: u16, end: u16, port: u16) -> u8 {
    let (start, end, port) = (u32::from(start), u32::from(end), u32::from(port));
    for bits in (0..=16u32).rev() {
        let size = 1u32 << bits;
        let base = port & !(size - 1);
        if base >= start && base + size - 1 <= end {
            return u8::try_from(16 - bits).unwrap_or(16);
        }
    }
    16
}

/// The entry one port spec gives the flow, if it covers it.
pub(crate) fn port_spec(
    spec: &PortSpec,
    flow: &Flow,
    named: &dyn NamedPorts,
) -> Option<Specificity> {
    if !protocol_covers(spec.protocol(), flow.protocol) {
        return None;
    }
    match (spec.port(), spec.end_port()) {
        (Port::Number(0), None) => Some((true, 0)),
        (Port::Number(port), None) => (*port == flow.port).then_some((true, 16)),
        (Port::Number(start), Some(end)) => (*start <= flow.port && flow.port <= end)
            .then(|| (true, range_prefix(*start, end, flow.port))),
        (Port::Name(name), _) => {
            (named.resolve(name, flow.protocol) == Some(flow.port)).then_some((true, 16))
        }
    }
}

/// The number of an ICMP type.
pub(crate) fn icmp_number(family: IcmpFamily, kind: &IcmpKind) -> Option<u8> {
    match kind {
        IcmpKind::Number(number) => Some(*number),
        IcmpKind::Name(name) => crate::sema::icmp_number(family, name),
    }
}

/// The most specific entry a rule's ports and ICMP types give the flow;
/// the wildcard for a rule with neither.
pub(crate) fn rule_ports(
    ports: &[PortSpec],
    icmps: &[crate::ir::IcmpType],
    flow: &Flow,
    named: &dyn NamedPorts,
) -> Option<Specificity> {
    if ports.is_empty() && icmps.is_empty() {
        return Some(WILDCARD);
    }
    let from_ports = ports.iter().filter_map(|spec| port_spec(spec, flow, named));
    let from_icmps = icmps.iter().filter_map(|icmp| {
        let family_ok = matches!(
            (icmp.family, flow.protocol),
            (IcmpFamily::V4, FlowProtocol::Icmp) | (IcmpFamily::V6, FlowProtocol::Icmpv6)
        );
        let number = icmp_number(icmp.family, &icmp.kind)?;
        (family_ok && u16::from(number) == flow.port).then_some((true, 16))
    });
    from_ports.chain(from_icmps).max()
}

/// The ports and ICMP types of a rule in words, for near misses.
pub(crate) fn describe(ports: &[PortSpec], icmps: &[crate::ir::IcmpType]) -> String {
    let mut items: Vec<String> = ports
        .iter()
        .map(|spec| {
            let protocol = spec.protocol().as_crd();
            match (spec.port(), spec.end_port()) {
                (Port::Number(0), None) => format!("every port/{protocol}"),
                (Port::Number(port), None) => format!("{port}/{protocol}"),
                (Port::Number(start), Some(end)) => format!("{start}-{end}/{protocol}"),
                (Port::Name(name), _) => format!("{name}/{protocol}"),
            }
        })
        .collect();
    items.extend(icmps.iter().map(|icmp| {
        let family = match icmp.family {
            IcmpFamily::V4 => "ICMP",
            IcmpFamily::V6 => "ICMPv6",
        };
        match &icmp.kind {
            IcmpKind::Number(number) => format!("{family} {number}"),
            IcmpKind::Name(name) => format!("{family} {name}"),
        }
    }));
    items.join(", ")
}
