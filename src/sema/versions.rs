//! Features by Cilium version (E0421): what the targeted version's agent
//! would refuse or silently ignore.
//!
//! - `enableDefaultDeny` (`no default deny`) exists from 1.16 on;
//! - `**.` FQDN patterns, matching several labels, exist from 1.19 on;
//! - the protocols `VRRP` and `IGMP` exist in port rules from 1.19 on;
//! - TLS server names with `*` anywhere (not only a `*.`/`**.` prefix)
//!   exist from 1.20 (the development line) on;
//! - Kafka rules are gone from 1.20 (the development line) on;
//! - port ranges (`endPort`) exist in the CRD from 1.16 on;
//! - `cidrGroupRef` in egress rules is read by the agent from 1.16 on;
//! - ICMP type names exist in the CRD from 1.16 on (before, netpolc writes
//!   the numbers: not an error);
//! - `cidrGroupSelector` (`cidr groups with ...`) exists in the CRD from 1.17 on;
//! - `fromNodes`/`toNodes` (`nodes` peers) exist in the CRD from 1.16 on;
//! - `fromGroups` (`aws` peers on ingress) exists in the CRD from 1.16 on
//!   (`toGroups` in every supported line);
//! - CiliumCIDRGroup is served as `cilium.io/v2` from 1.18 on (before,
//!   netpolc writes `cilium.io/v2alpha1`: not an error).
//!
//! `tests/it/versions.rs` proves the list complete against the vendored CRDs
//! of every version.

use crate::CiliumVersion;
use crate::ast;
use crate::diag::Diagnostic;
use crate::diag::report;
use crate::ir;
use crate::source::Span;

/// The Cilium version to check and write for: `--cilium-version`, else the
/// repository's `cilium` setting, else the newest supported line.
pub fn target(options: &crate::Options, defs: &super::resolve::Defs<'_>) -> CiliumVersion {
    options
        .cilium_version
        .or(defs.cilium.map(|(version, _)| version))
        .unwrap_or_default()
}

/// `no default deny` needs `enableDefaultDeny`.
pub fn check_default_deny_switch(span: Span, version: CiliumVersion, diags: &mut Vec<Diagnostic>) {
    if version < CiliumVersion::DEFAULT_DENY_SWITCH {
        diags.push(too_old(
            span,
            "`no default deny` (`enableDefaultDeny`)",
            CiliumVersion::DEFAULT_DENY_SWITCH,
            version,
        ));
    }
}

/// `log` (the rule's `log`, from 1.18).
pub fn check_rule_log(span: Span, version: CiliumVersion, diags: &mut Vec<Diagnostic>) {
    if version < CiliumVersion::RULE_LOG {
        diags.push(too_old(
            span,
            "`log` (the rule's `log`)",
            CiliumVersion::RULE_LOG,
            version,
        ));
    }
}

/// FQDN patterns and Kafka rules of one lowered rule.
pub fn check_rule(
    rule: &ast::Rule,
    built: ir::RuleRef<'_>,
    version: CiliumVersion,
    diags: &mut Vec<Diagnostic>,
) {
    let multi_label = |selectors: &[ir::FqdnSelector]| {
        selectors
            .iter()
            .any(|selector| matches!(selector, ir::FqdnSelector::Pattern(pattern) if pattern.starts_with("**.")))
    };
    if version < CiliumVersion::MULTI_LABEL_WILDCARD {
        if let ir::PeerRef::Fqdns(selectors) = built.peer {
            if multi_label(selectors) {
                diags.push(too_old(
                    rule.peer.span,
                    "the `**.` FQDN pattern",
                    CiliumVersion::MULTI_LABEL_WILDCARD,
                    version,
                ));
            }
        }
        if let Some(ir::L7::Dns(selectors)) = built.l7 {
            if multi_label(selectors) {
                let span = rule.l7.first().map_or(rule.span, ast::L7::span);
                diags.push(too_old(
                    span,
                    "the `**.` DNS pattern",
                    CiliumVersion::MULTI_LABEL_WILDCARD,
                    version,
                ));
            }
        }
    }
    if version < CiliumVersion::VRRP_IGMP
        && built
            .ports
            .iter()
            .any(|port| matches!(port.protocol(), ir::Protocol::Vrrp | ir::Protocol::Igmp))
    {
        let span = rule.ports.as_ref().map_or(rule.span, |ports| ports.span);
        diags.push(too_old(
            span,
            "the VRRP or IGMP protocol",
            CiliumVersion::VRRP_IGMP,
            version,
        ));
    }
    if version < CiliumVersion::EXTENDED_PROTOCOLS
        && built.ports.iter().any(|port| port.protocol().is_extended())
    {
        let span = rule.ports.as_ref().map_or(rule.span, |ports| ports.span);
        diags.push(too_old(
            span,
            "the GRE, IPIP, IPV6, ESP or AH protocol",
            CiliumVersion::EXTENDED_PROTOCOLS,
            version,
        ));
    }
    if version < CiliumVersion::PORT_RANGES
        && built.ports.iter().any(|port| port.end_port().is_some())
    {
        let span = rule.ports.as_ref().map_or(rule.span, |ports| ports.span);
        diags.push(too_old(
            span,
            "a port range (`endPort`)",
            CiliumVersion::PORT_RANGES,
            version,
        ));
    }
    if version < CiliumVersion::EGRESS_CIDR_GROUPS
        && rule.direction.node == ast::Direction::Egress
        && matches!(built.peer, ir::PeerRef::CidrGroups(_))
    {
        diags.push(too_old(
            rule.peer.span,
            "a CIDR group in an egress rule (`toCIDRSet` with `cidrGroupRef`)",
            CiliumVersion::EGRESS_CIDR_GROUPS,
            version,
        ));
    }
    if version < CiliumVersion::CIDR_GROUP_SELECTOR
        && matches!(built.peer, ir::PeerRef::CidrGroups(peer) if !peer.selectors().is_empty())
    {
        diags.push(too_old(
            rule.peer.span,
            "a CIDR group selector (`cidrGroupSelector`)",
            CiliumVersion::CIDR_GROUP_SELECTOR,
            version,
        ));
    }
    if version < CiliumVersion::NODE_PEERS && matches!(built.peer, ir::PeerRef::Nodes(_)) {
        diags.push(too_old(
            rule.peer.span,
            "a node peer (`fromNodes`/`toNodes`)",
            CiliumVersion::NODE_PEERS,
            version,
        ));
    }
    if version < CiliumVersion::INGRESS_GROUPS
        && rule.direction.node == ast::Direction::Ingress
        && matches!(built.peer, ir::PeerRef::Groups(_))
    {
        diags.push(too_old(
            rule.peer.span,
            "an AWS group peer on ingress (`fromGroups`)",
            CiliumVersion::INGRESS_GROUPS,
            version,
        ));
    }
    if version < CiliumVersion::LISTENER_PRIORITY {
        let priority = rule.listener.as_ref().and_then(|l| l.priority.as_ref());
        if let (Some(ir::L7::Listener(_)), Some(priority)) = (built.l7, priority) {
            diags.push(too_old(
                priority.span,
                "a listener priority (`listener.priority`)",
                CiliumVersion::LISTENER_PRIORITY,
                version,
            ));
        }
    }
    if version < CiliumVersion::SERVER_NAME_WILDCARDS {
        if let (Some(names), Some(sni)) = (built.tls.map(|tls| &tls.server_names), &rule.sni) {
            let prefix_only = |name: &&ir::ServerName| {
                super::validate::server_name(name, super::validate::ServerNameRule::Prefix).is_err()
            };
            if let Some(name) = names.iter().find(prefix_only) {
                let span = sni
                    .node
                    .iter()
                    .find(|value| matches!(value, ast::Value::String(text) if text.node == **name))
                    .map_or(sni.span, ast::Value::span);
                diags.push(
                    too_old(
                        span,
                        &format!("`*` inside a TLS server name (`{name}`)"),
                        CiliumVersion::SERVER_NAME_WILDCARDS,
                        version,
                    )
                    .note("up to 1.19 the CRD allows `*` in `serverNames` only as a `*.` or `**.` prefix"),
                );
            }
        }
    }
    if version >= CiliumVersion::WITHOUT_GENERIC_L7 && matches!(built.l7, Some(ir::L7::Generic(_)))
    {
        let span = rule.l7.first().map_or(rule.span, ast::L7::span);
        diags.push(
            report::feature_unavailable(
                span,
                report::FeatureUnavailable::NoGenericL7 { version: &version },
            )
            .note(format!(
                "Cilium {} removes generic L7 rules (`l7proto`, `l7`)",
                CiliumVersion::WITHOUT_GENERIC_L7
            ))
            .help("allow the port without L7 rules, or target Cilium 1.19 (`cilium 1.19`)"),
        );
    }
    if version >= CiliumVersion::WITHOUT_KAFKA && matches!(built.l7, Some(ir::L7::Kafka(_))) {
        let span = rule.l7.first().map_or(rule.span, ast::L7::span);
        diags.push(
            report::feature_unavailable(
                span,
                report::FeatureUnavailable::NoKafka { version: &version },
            )
            .note(format!(
                "Kafka rules were deprecated in Cilium 1.19 and removed in {}",
                CiliumVersion::WITHOUT_KAFKA
            ))
            .help("allow the Kafka port without L7 rules, or target Cilium 1.19 (`cilium 1.19`)"),
        );
    }
}

/// Before 1.16 the CRD's ICMP `type` is an integer only, so names are
/// written as their numbers for those versions.
pub fn icmp_names_as_numbers(icmps: &mut [ir::IcmpType], version: CiliumVersion) {
    if version >= CiliumVersion::ICMP_NAMES {
        return;
    }
    for icmp in icmps {
        if let ir::IcmpKind::Name(name) = &icmp.kind {
            if let Some(number) = super::validate::icmp_number(icmp.family, name) {
                icmp.kind = ir::IcmpKind::Number(number);
            }
        }
    }
}

fn too_old(span: Span, feature: &str, since: CiliumVersion, version: CiliumVersion) -> Diagnostic {
    report::feature_unavailable(
        span,
        report::FeatureUnavailable::Needs {
            feature: &feature,
            since: &since,
            version: &version,
        },
    )
    .label(format!("needs Cilium {since}"))
    .note(format!(
        "Cilium {version} does not know it: the agent would refuse or ignore the policy"
    ))
    .help(format!(
        "target Cilium {since} or later (`cilium {since}`), or do without it"
    ))
}
