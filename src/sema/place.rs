//! Placing a lowered rule in its list: the step that turns sema's rule with
//! any peer ([`Lowered`]) into the IR's rule typed by its list, and the one
//! place that reports what a list cannot hold (E0410, E0411, E0413).
//!
//! Cilium's CRD has no `fromFQDNs` and no `fromServices`, and its deny rules
//! have no `toFQDNs` and no L7 `rules`; the IR's peer types cannot say them
//! either ([`ir::IngressPeer`], [`ir::EgressDenyPeer`], [`ir::NoL7`]), so a
//! rule that says them stops here with its error.

use super::rules::{Lowered, Peer};
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;

/// A rule in its list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placed {
    /// An `ingress` rule.
    Ingress(ir::IngressRule),
    /// An `ingressDeny` rule.
    IngressDeny(ir::IngressDenyRule),
    /// An `egress` rule.
    Egress(ir::EgressRule),
    /// An `egressDeny` rule.
    EgressDeny(ir::EgressDenyRule),
}

impl Placed {
    /// The rule as a view.
    pub fn view(&self) -> ir::RuleRef<'_> {
        match self {
            Placed::Ingress(rule) => rule.view(ir::RuleKind::INGRESS),
            Placed::IngressDeny(rule) => rule.view(ir::RuleKind::INGRESS_DENY),
            Placed::Egress(rule) => rule.view(ir::RuleKind::EGRESS),
            Placed::EgressDeny(rule) => rule.view(ir::RuleKind::EGRESS_DENY),
        }
    }

    /// The rule's ICMP types, to rewrite for an older Cilium.
    pub fn icmps_mut(&mut self) -> &mut Vec<ir::IcmpType> {
        match self {
            Placed::Ingress(rule) => &mut rule.icmps,
            Placed::IngressDeny(rule) => &mut rule.icmps,
            Placed::Egress(rule) => &mut rule.icmps,
            Placed::EgressDeny(rule) => &mut rule.icmps,
        }
    }
}

/// Places `built`, the lowering of `rule`, in the list its verb and
/// direction name, or reports why the list cannot hold it.
pub fn place(rule: &ast::Rule, built: Lowered, diags: &mut Vec<Diagnostic>) -> Option<Placed> {
    let ingress = rule.direction.node == ast::Direction::Ingress;
    let deny = rule.verb.node == ast::Verb::Deny;
    let Lowered {
        origin,
        peer,
        ports,
        icmps,
        l7,
        authentication,
        tls,
    } = built;
    if deny && l7.is_some() {
        let l7_span = rule.l7.first().map_or(rule.span, ast::L7::span);
        diags.push(report::deny_with_l7(l7_span));
    }
    if deny && authentication.is_some() {
        let span = rule
            .authentication
            .as_ref()
            .map_or(rule.span, |clause| clause.span);
        diags.push(report::authentication_on_deny(span));
    }
    let peer = match peer {
        Peer::Fqdns(_) if ingress || deny => {
            diags.push(
                report::misplaced_fqdn_peer(rule.peer.span)
                    .label(if ingress { "an ingress rule" } else { "a deny rule" })
                    .note("Cilium learns the IPs of names from the DNS answers its proxy sees, so it can only allow traffic to them")
                    .help(if deny {
                        "deny by CIDR instead, or allow only the names that are wanted"
                    } else {
                        "match the sources by `cidr` or `entity`"
                    }),
            );
            None
        }
        Peer::Services(_) if ingress => {
            diags.push(report::misplaced_service_peer(rule.peer.span));
            None
        }
        peer => Some(peer),
    }?;
    // From here every conversion succeeds: what a list cannot hold was
    // reported above (a deny rule's L7 rules and authentication included,
    // so `no_l7` is `None` only after E0410 and `no_auth` only after E0220).
    let placed = match (ingress, deny) {
        (true, false) => Placed::Ingress(ir::Rule {
            origin,
            peer: ingress_peer(peer)?,
            ports,
            icmps,
            l7,
            authentication,
            tls,
        }),
        (true, true) => Placed::IngressDeny(ir::Rule {
            origin,
            peer: ingress_peer(peer)?,
            ports,
            icmps,
            l7: no_l7(l7)?,
            authentication: no_auth(authentication)?,
            tls: ir::NoTls,
        }),
        (false, false) => Placed::Egress(ir::Rule {
            origin,
            peer: egress_peer(peer),
            ports,
            icmps,
            l7,
            authentication,
            tls,
        }),
        (false, true) => Placed::EgressDeny(ir::Rule {
            origin,
            peer: egress_deny_peer(peer)?,
            ports,
            icmps,
            l7: no_l7(l7)?,
            authentication: no_auth(authentication)?,
            tls: ir::NoTls,
        }),
    };
    Some(placed)
}

/// The L7 slot of a deny rule: `None` when there were L7 rules (reported).
fn no_l7(l7: Option<Box<ir::L7>>) -> Option<ir::NoL7> {
    l7.is_none().then_some(ir::NoL7)
}

/// A deny rule's authentication slot: `None` when the rule has a mode
/// (E0220, reported).
fn no_auth(mode: Option<ir::AuthMode>) -> Option<ir::NoAuth> {
    mode.is_none().then_some(ir::NoAuth)
}

/// An ingress peer: `None` for FQDNs and services (reported).
fn ingress_peer(peer: Peer) -> Option<ir::IngressPeer> {
    Some(match peer {
        Peer::Anywhere => ir::IngressPeer::Anywhere,
        Peer::Endpoints(list) => ir::IngressPeer::Endpoints(list),
        Peer::Entities(list) => ir::IngressPeer::Entities(list),
        Peer::Cidrs(list) => ir::IngressPeer::Cidrs(list),
        Peer::CidrGroups(peer) => ir::IngressPeer::CidrGroups(peer),
        Peer::Nodes(list) => ir::IngressPeer::Nodes(list),
        Peer::Groups(list) => ir::IngressPeer::Groups(list),
        Peer::Fqdns(_) | Peer::Services(_) => return None,
    })
}

/// An egress allow peer: every kind.
fn egress_peer(peer: Peer) -> ir::EgressPeer {
    match peer {
        Peer::Anywhere => ir::EgressPeer::Anywhere,
        Peer::Endpoints(list) => ir::EgressPeer::Endpoints(list),
        Peer::Entities(list) => ir::EgressPeer::Entities(list),
        Peer::Cidrs(list) => ir::EgressPeer::Cidrs(list),
        Peer::CidrGroups(peer) => ir::EgressPeer::CidrGroups(peer),
        Peer::Fqdns(list) => ir::EgressPeer::Fqdns(list),
        Peer::Services(list) => ir::EgressPeer::Services(list),
        Peer::Nodes(list) => ir::EgressPeer::Nodes(list),
        Peer::Groups(list) => ir::EgressPeer::Groups(list),
    }
}

/// An egress deny peer: `None` for FQDNs (reported).
fn egress_deny_peer(peer: Peer) -> Option<ir::EgressDenyPeer> {
    Some(match peer {
        Peer::Anywhere => ir::EgressDenyPeer::Anywhere,
        Peer::Endpoints(list) => ir::EgressDenyPeer::Endpoints(list),
        Peer::Entities(list) => ir::EgressDenyPeer::Entities(list),
        Peer::Cidrs(list) => ir::EgressDenyPeer::Cidrs(list),
        Peer::CidrGroups(peer) => ir::EgressDenyPeer::CidrGroups(peer),
        Peer::Services(list) => ir::EgressDenyPeer::Services(list),
        Peer::Nodes(list) => ir::EgressDenyPeer::Nodes(list),
        Peer::Groups(list) => ir::EgressDenyPeer::Groups(list),
        Peer::Fqdns(_) => return None,
    })
}
