//! ICMP types: Cilium's tables of names per family, and the check of a
//! type by number or name (E0209).

use super::super::proof::CHECKED;
use super::super::suggest;
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;

/// IPv4 ICMP type names Cilium knows, with their numbers.
const ICMP_V4: &[(&str, u8)] = &[
    ("EchoReply", 0),
    ("DestinationUnreachable", 3),
    ("Redirect", 5),
    ("Echo", 8),
    ("EchoRequest", 8),
    ("RouterAdvertisement", 9),
    ("RouterSelection", 10),
    ("TimeExceeded", 11),
    ("ParameterProblem", 12),
    ("Timestamp", 13),
    ("TimestampReply", 14),
    ("Photuris", 40),
    ("ExtendedEchoRequest", 42),
    ("ExtendedEchoReply", 43),
];

/// IPv6 ICMP type names Cilium knows, with their numbers.
const ICMP_V6: &[(&str, u8)] = &[
    ("DestinationUnreachable", 1),
    ("PacketTooBig", 2),
    ("TimeExceeded", 3),
    ("ParameterProblem", 4),
    ("EchoRequest", 128),
    ("EchoReply", 129),
    ("MulticastListenerQuery", 130),
    ("MulticastListenerReport", 131),
    ("MulticastListenerDone", 132),
    ("RouterSolicitation", 133),
    ("RouterAdvertisement", 134),
    ("NeighborSolicitation", 135),
    ("NeighborAdvertisement", 136),
    ("RedirectMessage", 137),
    ("RouterRenumbering", 138),
    ("ICMPNodeInformationQuery", 139),
    ("ICMPNodeInformationResponse", 140),
    ("InverseNeighborDiscoverySolicitation", 141),
    ("InverseNeighborDiscoveryAdvertisement", 142),
    ("HomeAgentAddressDiscoveryRequest", 144),
    ("HomeAgentAddressDiscoveryReply", 145),
    ("MobilePrefixSolicitation", 146),
    ("MobilePrefixAdvertisement", 147),
    ("DuplicateAddressRequestCodeSuffix", 157),
    ("DuplicateAddressConfirmationCodeSuffix", 158),
    ("ExtendedEchoRequest", 160),
    ("ExtendedEchoReply", 161),
];

/// ICMP type names that Cilium's Go code knows but the CRD's `type` pattern
/// spells differently, so the API server refuses them: the pattern of every
/// CRD from 1.16 to main has `ExtendedEcho Reply` (with a space) where the
/// agent's table has `ExtendedEchoReply`. These are emitted as numbers.
pub(super) const CRD_MISSPELT_ICMP_NAMES: &[&str] = &["ExtendedEchoReply"];

/// The number of an ICMP type name of a family.
pub fn icmp_number(family: ir::IcmpFamily, name: &str) -> Option<u8> {
    let table = match family {
        ir::IcmpFamily::V4 => ICMP_V4,
        ir::IcmpFamily::V6 => ICMP_V6,
    };
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, number)| *number)
}

/// An ICMP type of a family.
pub fn icmp(item: &ast::IcmpItem, diags: &mut Vec<Diagnostic>) -> Option<ir::IcmpType> {
    let family = match item.family.as_ref().map(|f| f.node) {
        Some(ast::IcmpFamily::V6) => ir::IcmpFamily::V6,
        _ => ir::IcmpFamily::V4,
    };
    let text = &item.kind.node;
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return match text.parse::<u8>() {
            Ok(n) => Some(ir::IcmpType {
                family,
                kind: ir::IcmpKind::Number(n),
            }),
            Err(_) => {
                diags.push(report::invalid_icmp_type(
                    item.kind.span,
                    report::InvalidIcmpType::OutOfRange { text: &text },
                ));
                None
            }
        };
    }
    let (table, other, family_word, other_word) = match family {
        ir::IcmpFamily::V4 => (ICMP_V4, ICMP_V6, "IPv4", "ipv6"),
        ir::IcmpFamily::V6 => (ICMP_V6, ICMP_V4, "IPv6", "ipv4"),
    };
    if let Some((name, number)) = table.iter().find(|(name, _)| name == text) {
        // The CRD's pattern misspells some names, so the API server would
        // refuse them as Cilium's Go code spells them: write the number.
        let kind = if CRD_MISSPELT_ICMP_NAMES.contains(name) {
            ir::IcmpKind::Number(*number)
        } else {
            ir::IcmpKind::Name(ir::IcmpName::new(text.clone(), CHECKED))
        };
        return Some(ir::IcmpType { family, kind });
    }
    let mut diag = report::invalid_icmp_type(
        item.kind.span,
        report::InvalidIcmpType::NotInFamily {
            text: &text,
            family: &family_word,
        },
    )
    .label(format!("not in Cilium's {family_word} table"));
    if other.iter().any(|(name, _)| name == text) {
        diag = diag.help(format!(
            "`{text}` is an {} type: write `{other_word} {text}`",
            if family_word == "IPv4" {
                "IPv6"
            } else {
                "IPv4"
            }
        ));
    } else {
        diag = suggest::did_you_mean_at(
            diag,
            item.kind.span,
            text,
            table.iter().map(|(name, _)| *name),
            str::to_owned,
        );
    }
    diags.push(diag);
    None
}
