//! The Cilium versions netpolc targets.
//!
//! A repository names its version with `cilium 1.19` in any file; the
//! command line's `--cilium-version` overrides it; the default is
//! [`CiliumVersion::DEFAULT`]. Features that a version lacks are errors
//! (E0421) rather than policies the agent would refuse.

use std::fmt;

/// A Cilium release line, `1.MINOR`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CiliumVersion {
    /// The minor version: 19 for Cilium 1.19.
    pub minor: u16,
}

impl CiliumVersion {
    /// The version targeted unless the repository or the command line says
    /// otherwise: the latest stable line.
    pub const DEFAULT: CiliumVersion = CiliumVersion { minor: 19 };
    /// The oldest version netpolc knows the differences of.
    pub const OLDEST: CiliumVersion = CiliumVersion { minor: 14 };
    /// The newest version netpolc knows: the development line (`main`).
    pub const NEWEST: CiliumVersion = CiliumVersion { minor: 20 };
    /// The first version with `enableDefaultDeny`.
    pub const DEFAULT_DENY_SWITCH: CiliumVersion = CiliumVersion { minor: 16 };
    /// The first version whose CRD takes ICMP type names (before, `type`
    /// is an integer only).
    pub const ICMP_NAMES: CiliumVersion = CiliumVersion { minor: 16 };
    /// The first version whose CRD has `endPort` (port ranges).
    pub const PORT_RANGES: CiliumVersion = CiliumVersion { minor: 16 };
    /// The first version whose agent takes `cidrGroupRef` in egress rules.
    pub const EGRESS_CIDR_GROUPS: CiliumVersion = CiliumVersion { minor: 16 };
    /// The first version serving CiliumCIDRGroup as `cilium.io/v2` (before:
    /// `cilium.io/v2alpha1` only).
    pub const CIDR_GROUP_V2: CiliumVersion = CiliumVersion { minor: 18 };
    /// The first version whose CRD has the rule's `log`.
    pub const RULE_LOG: CiliumVersion = CiliumVersion { minor: 18 };
    /// The first version with the VRRP and IGMP protocols in port rules.
    pub const VRRP_IGMP: CiliumVersion = CiliumVersion { minor: 19 };
    /// The first version with `**.` FQDN patterns.
    pub const MULTI_LABEL_WILDCARD: CiliumVersion = CiliumVersion { minor: 19 };
    /// The first version whose `serverNames` allow `*` anywhere, not only
    /// as a prefix.
    pub const SERVER_NAME_WILDCARDS: CiliumVersion = CiliumVersion { minor: 20 };
    /// The first version with the GRE, IPIP, IPV6, ESP and AH protocols in
    /// port rules.
    pub const EXTENDED_PROTOCOLS: CiliumVersion = CiliumVersion { minor: 20 };
    /// The first version without Kafka rules.
    pub const WITHOUT_KAFKA: CiliumVersion = CiliumVersion { minor: 20 };
    /// The first version whose CRD has `cidrGroupSelector`.
    pub const CIDR_GROUP_SELECTOR: CiliumVersion = CiliumVersion { minor: 17 };
    /// The first version whose CRD has `fromNodes` and `toNodes`.
    pub const NODE_PEERS: CiliumVersion = CiliumVersion { minor: 16 };
    /// The first version whose CRD has `fromGroups` (`toGroups` is older).
    pub const INGRESS_GROUPS: CiliumVersion = CiliumVersion { minor: 16 };
    /// The first version without generic L7 rules (`l7proto`, `l7`).
    pub const WITHOUT_GENERIC_L7: CiliumVersion = CiliumVersion { minor: 20 };
    /// A listener's `priority` (`toPorts[].listener.priority`).
    pub const LISTENER_PRIORITY: CiliumVersion = CiliumVersion { minor: 16 };

    /// Parses `1.19`; `None` for other text or an unknown version.
    pub fn parse(text: &str) -> Option<CiliumVersion> {
        let (major, minor) = text.trim().split_once('.')?;
        if major != "1" {
            return None;
        }
        let version = CiliumVersion {
            minor: minor.parse().ok()?,
        };
        (CiliumVersion::OLDEST..=CiliumVersion::NEWEST)
            .contains(&version)
            .then_some(version)
    }

    /// Every version netpolc knows, for messages.
    pub fn known() -> String {
        format!("{} to {}", CiliumVersion::OLDEST, CiliumVersion::NEWEST)
    }
}

impl Default for CiliumVersion {
    fn default() -> CiliumVersion {
        CiliumVersion::DEFAULT
    }
}

impl fmt::Display for CiliumVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::CiliumVersion;

    #[test]
    fn versions_parse_within_the_known_range() {
        assert_eq!(
            CiliumVersion::parse("1.19"),
            Some(CiliumVersion { minor: 19 })
        );
        assert_eq!(CiliumVersion::parse("1.20"), Some(CiliumVersion::NEWEST));
        assert_eq!(CiliumVersion::parse("1.13"), None);
        assert_eq!(CiliumVersion::parse("2.0"), None);
        assert_eq!(CiliumVersion::parse("1.x"), None);
        assert_eq!(CiliumVersion::DEFAULT.to_string(), "1.19");
    }
}
