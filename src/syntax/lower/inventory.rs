//! `cluster namespaces { ... }`: the namespace inventory.

use pest::iterators::Pair;

use super::{CollectExact, Cx, R, children};
use crate::ast;

impl Cx {
    /// Lowers an `inventory` pair.
    pub(super) fn inventory(&self, pair: Pair<'_, R>) -> ast::Inventory {
        let span = self.span(&pair);
        let entries = children(pair.into_inner())
            .map(|entry| {
                let mut inner = children(entry.into_inner());
                let name = inner
                    .next()
                    .map(|name| self.text(&name))
                    .unwrap_or_else(|| unreachable!("grammar: an inventory entry has a name"));
                let labels = inner.next().map(|labels| self.selector(labels));
                // The entry's own span leaves out the `silence` lines before it.
                let span = labels
                    .as_ref()
                    .map_or(name.span, |labels| name.span.to(labels.span));
                ast::InventoryEntry { name, labels, span }
            })
            .collect_exact();
        ast::Inventory { entries, span }
    }
}
