//! `silence` lines, wherever they are written, each with the span of the
//! definition or statement that follows it.

use pest::iterators::Pair;

use super::{Cx, R, children, is_token};
use crate::ast;

impl Cx {
    /// Collects every `silence` under `pair`, in source order.
    pub(super) fn silences(&self, pair: &Pair<'_, R>, out: &mut Vec<ast::Silence>) {
        let inner: Vec<Pair<'_, R>> = pair.clone().into_inner().collect();
        for (index, child) in inner.iter().enumerate() {
            if child.as_rule() == R::silence {
                // The grammar puts a definition or statement after every
                // run of `silence` lines.
                let target = inner
                    .iter()
                    .skip(index + 1)
                    .find(|next| next.as_rule() != R::silence && !is_token(next.as_rule()))
                    .map_or_else(|| self.span(child), |next| self.span(next));
                out.push(self.silence(child.clone(), target));
            } else if !is_token(child.as_rule()) {
                self.silences(child, out);
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
