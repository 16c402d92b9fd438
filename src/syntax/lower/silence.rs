//! `silence` lines, wherever they are written, each with the span of the
//! definition or statement that follows it.

use pest::iterators::Pair;

use super::{Cx, R, children, is_token};
use crate::ast;

impl Cx {
    /// Collects every `silence` under `pair`, in source order.
    ///
    /// Walks only the pairs that can hold `silence` lines ([`holds_silences`]),
    /// not the statements, rules and values inside them, and without
    /// collecting each level's children first.
    pub(super) fn silences(&self, pair: &Pair<'_, R>, out: &mut Vec<ast::Silence>) {
        let mut inner = pair.clone().into_inner();
        while let Some(child) = inner.next() {
            let kind = child.as_rule();
            if kind == R::silence {
                // The grammar puts a definition or statement after every
                // run of `silence` lines.
                let target = inner
                    .clone()
                    .find(|next| next.as_rule() != R::silence && !is_token(next.as_rule()))
                    .map_or_else(|| self.span(&child), |next| self.span(&next));
                out.push(self.silence(child, target));
            } else if holds_silences(kind) {
                self.silences(&child, out);
            }
        }
    }

    fn silence(&self, pair: Pair<'_, R>, target: crate::source::Span) -> ast::Silence {
        let span = self.span(&pair);
        let mut codes = Vec::new();
        let mut reason = None;
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::lint_code => codes.push(self.text(&child)),
                R::string => reason = Some(self.string(child)),
                other => unreachable!("grammar: unexpected silence part {other:?}"),
            }
        }
        ast::Silence {
            codes,
            reason,
            target,
            span,
        }
    }
}

/// Whether a pair of this rule can have `silence` lines among its children,
/// or among those of a pair inside it: the grammar writes `silence*` only in
/// `item` (the file's children), `body_item` and `policy_item` (a
/// namespace's, category's, policy's, cluster policy's and spec block's) and
/// `inventory_entry`, and those rules are only found in one another (and in
/// the inventory).
fn holds_silences(kind: R) -> bool {
    matches!(
        kind,
        R::namespace
            | R::category
            | R::policy
            | R::cluster_policy
            | R::spec_block
            | R::inventory
            | R::inventory_entry
    )
}
