//! Top-level items: `import`, constants, categories and parameters.

use pest::iterators::Pair;

use super::{CollectExact, Cx, R, children};
use crate::ast;
use crate::source::Spanned;

impl Cx {
    pub(super) fn item(&self, pair: Pair<'_, R>) -> ast::Item {
        match pair.as_rule() {
            R::import => ast::Item::Import(self.import(pair)),
            R::const_def => ast::Item::Const(Box::new(self.const_def(pair))),
            R::category => ast::Item::Category(self.category(pair)),
            R::namespace => ast::Item::Namespace(self.namespace(pair)),
            R::cluster_policy => ast::Item::ClusterPolicy(self.policy(pair)),
            R::inventory => ast::Item::Inventory(self.inventory(pair)),
            R::cidr_groups => ast::Item::CidrGroups(self.span(&pair)),
            R::expect => ast::Item::Expect(Box::new(self.expect(pair))),
            R::cilium => ast::Item::Cilium(
                children(pair.into_inner())
                    .next()
                    .map(|version| self.text(&version))
                    .unwrap_or_else(|| unreachable!("grammar: cilium has a version")),
            ),
            other => unreachable!("grammar: unexpected item {other:?}"),
        }
    }

    pub(super) fn import(&self, pair: Pair<'_, R>) -> ast::Import {
        let span = self.span(&pair);
        let path = children(pair.into_inner())
            .next()
            .map(|string| self.string(string))
            .unwrap_or_else(|| unreachable!("grammar: import has a string"));
        ast::Import { path, span }
    }

    pub(super) fn const_def(&self, pair: Pair<'_, R>) -> ast::ConstDef {
        let span = self.span(&pair);
        let mut name = None;
        let mut group = None;
        let mut value = None;
        let mut labels = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::ident => name = Some(self.text(&child)),
                R::kw_group => group = Some(self.span(&child)),
                R::value => value = Some(self.value(child)),
                R::group_labels => {
                    let span = self.span(&child);
                    let terms = children(child.into_inner())
                        .map(|term| self.term(term))
                        .collect_exact();
                    labels = Some(ast::Selector {
                        kind: ast::SelectorKind::Terms(terms),
                        span,
                    });
                }
                _ => {}
            }
        }
        let (Some(name), Some(value)) = (name, value) else {
            unreachable!("grammar: const has a name and a value")
        };
        ast::ConstDef {
            name,
            group,
            labels,
            value,
            span,
        }
    }

    pub(super) fn category(&self, pair: Pair<'_, R>) -> ast::Category {
        let span = self.span(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut sentence = None;
        let mut body = Vec::new();
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::ident => name = Some(self.text(&child)),
                R::params => {
                    params = children(child.into_inner())
                        .map(|p| self.param(p))
                        .collect()
                }
                R::sentence_decl => sentence = Some(Box::new(self.sentence_decl(child))),
                _ => body.push(self.body_item(child)),
            }
        }
        let name = name.unwrap_or_else(|| unreachable!("grammar: category has a name"));
        ast::Category {
            name,
            params,
            sentence,
            body,
            span,
        }
    }

    pub(super) fn param(&self, pair: Pair<'_, R>) -> ast::Param {
        let mut inner = children(pair.into_inner());
        let (Some(name), Some(ty)) = (inner.next(), inner.next()) else {
            unreachable!("grammar: param has a name and a type")
        };
        let ty_span = self.span(&ty);
        let kind = match ty.into_inner().next().map(|kw| kw.as_rule()) {
            Some(R::kw_ty_cidr) => ast::ParamType::Cidr,
            Some(R::kw_ty_cidrs) => ast::ParamType::Cidrs,
            Some(R::kw_ty_port) => ast::ParamType::Port,
            Some(R::kw_ty_ports) => ast::ParamType::Ports,
            Some(R::kw_ty_string) => ast::ParamType::String,
            Some(R::kw_ty_strings) => ast::ParamType::Strings,
            Some(R::kw_ty_selector) => ast::ParamType::Selector,
            other => unreachable!("grammar: unexpected type {other:?}"),
        };
        ast::Param {
            name: self.text(&name),
            ty: Spanned::new(kind, ty_span),
            default: inner.next().map(|value| self.value(value)),
        }
    }
}
