//! Lowering: pest pairs to [`ast`] nodes, one `lower_<rule>` per rule.
//!
//! The grammar guarantees the shape of every pair, so a mismatch here is a
//! bug in this file, not in the input; such places say so with
//! `unreachable!`, the one panic the house style allows.

mod expect;
mod inventory;
mod items;
mod rules;
mod silence;
mod statements;
mod values;

use pest::iterators::{Pair, Pairs};

use super::grammar::Rule as R;
use crate::ast;
use crate::source::{FileId, Span, Spanned};

/// Lowers a `flow_only` pair (a flow alone, as `netpolc trace` builds it).
pub fn lower_flow(file: FileId, pair: Pair<'_, R>) -> Option<ast::Flow> {
    let cx = Cx { file };
    children(pair.into_inner())
        .find(|pair| pair.as_rule() == R::flow)
        .map(|pair| cx.flow(pair))
}

/// Lowers the `file` pair.
pub fn lower_file(file: FileId, pair: Pair<'_, R>) -> ast::File {
    let cx = Cx { file };
    let mut silences = Vec::new();
    cx.silences(&pair, &mut silences);
    // The trees stay in memory until the lints have run, for every file at
    // once: no spare capacity in the vectors that hold the large nodes.
    let items = children(pair.into_inner())
        .filter(|pair| pair.as_rule() != R::EOI)
        .map(|pair| cx.item(pair))
        .collect_exact();
    silences.shrink_to_fit();
    ast::File {
        id: file,
        items,
        silences,
    }
}

/// Where the last token inside a pair ends: the end of its last leaf, the
/// pair whose start comes last among those inside it (after a leaf's start,
/// only ends follow).
///
/// One backward step through the flattened pairs, instead of building the
/// `Pairs` of every level down to the leaf (`into_inner` counts the
/// children). Not through `Pair::tokens`: in a debug build pest checks the
/// whole token queue each time one is made.
fn last_token_end(pair: &Pair<'_, R>) -> usize {
    match pair.clone().into_inner().flatten().next_back() {
        Some(leaf) => leaf.as_span().end(),
        None => pair.as_span().end(),
    }
}

/// Collecting into a vector with no spare room. The syntax trees of every
/// file stay in memory until the lints have run, and `collect` over the
/// filtered pairs, which cannot say how many there will be, makes room for
/// at least four items: most lists here hold one.
trait CollectExact: Iterator + Sized {
    fn collect_exact(self) -> Vec<Self::Item> {
        let mut items: Vec<Self::Item> = self.collect();
        items.shrink_to_fit();
        items
    }
}

impl<I: Iterator> CollectExact for I {}

/// Inner pairs without punctuation, keywords and `silence` lines (which
/// [`Cx::silences`] collects on their own).
fn children<'i>(pairs: Pairs<'i, R>) -> impl Iterator<Item = Pair<'i, R>> {
    pairs.filter(|pair| !is_token(pair.as_rule()) && pair.as_rule() != R::silence)
}

fn is_token(kind: R) -> bool {
    matches!(
        kind,
        R::lbrace
            | R::rbrace
            | R::lparen
            | R::rparen
            | R::lbracket
            | R::rbracket
            | R::comma
            | R::colon
            | R::eq
            | R::ne
            | R::bang
            | R::dash
            | R::slash
            | R::quote
    ) || is_keyword(kind)
}

fn is_keyword(kind: R) -> bool {
    matches!(
        kind,
        R::kw_cilium
            | R::kw_silence
            | R::kw_import
            | R::kw_const
            | R::kw_category
            | R::kw_namespace
            | R::kw_namespaces
            | R::kw_system
            | R::kw_cluster
            | R::kw_policy
            | R::kw_use
            | R::kw_select
            | R::kw_description
            | R::kw_label
            | R::kw_default
            | R::kw_deny
            | R::kw_no
            | R::kw_ingress
            | R::kw_egress
            | R::kw_allow
            | R::kw_from
            | R::kw_to
            | R::kw_pods
            | R::kw_nodes
            | R::kw_aws
            | R::kw_named
            | R::kw_region
            | R::kw_all
            | R::kw_in
            | R::kw_with
            | R::kw_except
            | R::kw_entity
            | R::kw_cidr
            | R::kw_fqdn
            | R::kw_service
            | R::kw_services
            | R::kw_anywhere
            | R::kw_everything
            | R::kw_port
            | R::kw_icmp
            | R::kw_ipv4
            | R::kw_ipv6
            | R::kw_http
            | R::kw_method
            | R::kw_host
            | R::kw_header
            | R::kw_grpc
            | R::kw_kafka
            | R::kw_produce
            | R::kw_consume
            | R::kw_apikey
            | R::kw_topic
            | R::kw_client
            | R::kw_version
            | R::kw_dns
            | R::kw_sni
            | R::kw_metadata
            | R::kw_annotation
            | R::kw_log
            | R::kw_authentication
            | R::kw_listener
            | R::kw_tls
            | R::kw_priority
            | R::kw_l7
            | R::kw_spec
            | R::kw_notin
            | R::kw_sentence
            | R::kw_expect
            | R::kw_account
            | R::kw_node
            | R::kw_ty_cidr
            | R::kw_ty_cidrs
            | R::kw_ty_port
            | R::kw_ty_ports
            | R::kw_ty_string
            | R::kw_ty_strings
            | R::kw_ty_selector
    )
}

struct Cx {
    file: FileId,
}

impl Cx {
    /// The pair's span, ending at its last token: pest leaves the white
    /// space and comments before an absent optional part inside the pair.
    fn span(&self, pair: &Pair<'_, R>) -> Span {
        let span = pair.as_span();
        Span::new(self.file, span.start(), last_token_end(pair))
    }

    fn text(&self, pair: &Pair<'_, R>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_owned(), self.span(pair))
    }
}
