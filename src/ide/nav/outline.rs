//! The outline of a file, from its syntax tree: constants, categories with
//! their parameters and policies, namespaces with their policies, cluster
//! policies.

use super::{Analysis, Symbol, SymbolKind};
use crate::ast;
use crate::source::FileId;

pub(super) fn symbols(analysis: &Analysis, file: FileId) -> Vec<Symbol> {
    let Some(syntax) = analysis.file(file) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in &syntax.items {
        match item {
            ast::Item::Const(def) => found.push(Symbol {
                name: def.name.node.clone(),
                kind: SymbolKind::Constant,
                span: def.span,
                name_span: def.name.span,
                children: Vec::new(),
            }),
            ast::Item::Category(category) => {
                let mut children: Vec<Symbol> = category
                    .params
                    .iter()
                    .map(|param| Symbol {
                        name: param.name.node.clone(),
                        kind: SymbolKind::Parameter,
                        span: param.default.as_ref().map_or_else(
                            || param.name.span.to(param.ty.span),
                            |default| param.name.span.to(default.span()),
                        ),
                        name_span: param.name.span,
                        children: Vec::new(),
                    })
                    .collect();
                children.extend(policies(&category.body));
                found.push(Symbol {
                    name: category.name.node.clone(),
                    kind: SymbolKind::Category,
                    span: category.span,
                    name_span: category.name.span,
                    children,
                });
            }
            ast::Item::Namespace(decl) => found.push(Symbol {
                name: decl.name.node.clone(),
                kind: SymbolKind::Namespace,
                span: decl.span,
                name_span: decl.name.span,
                children: policies(&decl.body),
            }),
            ast::Item::ClusterPolicy(policy) => found.push(Symbol {
                name: policy.name.node.clone(),
                kind: SymbolKind::ClusterPolicy,
                span: policy.span,
                name_span: policy.name.span,
                children: Vec::new(),
            }),
            ast::Item::Import(_)
            | ast::Item::Expect(_)
            | ast::Item::Inventory(_)
            | ast::Item::Cilium(_)
            | ast::Item::CidrGroups(_) => {}
        }
    }
    found
}

/// The `policy` blocks of a namespace or category body.
fn policies(body: &[ast::BodyItem]) -> Vec<Symbol> {
    body.iter()
        .filter_map(|item| match item {
            ast::BodyItem::Policy(policy) => Some(Symbol {
                name: policy.name.node.clone(),
                kind: SymbolKind::Policy,
                span: policy.span,
                name_span: policy.name.span,
                children: Vec::new(),
            }),
            ast::BodyItem::Stmt(_) | ast::BodyItem::Expect(_) => None,
        })
        .collect()
}
