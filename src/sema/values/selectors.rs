//! Selectors: `{ key=value, key in (...), ... }` and spliced selector
//! constants to a checked `ir::Selector` (E0205).

use super::{Env, Evaluator, MAX_LIST_ELEMENTS, Val, list_too_long};
use crate::ast;
use crate::diag::{Diagnostic, report};
use crate::ir;
use crate::sema::types::Ty;
use crate::sema::validate;
use crate::source::Span;

impl Evaluator<'_> {
    /// Evaluates a selector.
    pub fn selector(
        &mut self,
        selector: &ast::Selector,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<ir::Selector> {
        match &selector.kind {
            ast::SelectorKind::Ref(name) => {
                match self.expect(&ast::Value::Ref(name.clone()), Ty::Selector, env, diags)? {
                    Val::Selector(selector) => Some(selector),
                    _ => None,
                }
            }
            ast::SelectorKind::Terms(terms) => self.terms(terms, env, diags),
        }
    }

    pub(super) fn terms(
        &mut self,
        terms: &[ast::Term],
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<ir::Selector> {
        let mut out = ir::Selector::default();
        let mut ok = true;
        for term in terms {
            ok &= self.term(term, &mut out, env, diags).is_some();
        }
        ok.then_some(out)
    }

    pub(super) fn term(
        &mut self,
        term: &ast::Term,
        out: &mut ir::Selector,
        env: Env<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<()> {
        let label_value = |this: &mut Self,
                           value: &ast::Value,
                           diags: &mut Vec<Diagnostic>|
         -> Option<ir::LabelValue> {
            let text = this.string(value, env, diags)?;
            validate::label_value(&text, value.span(), diags)
        };
        match term {
            ast::Term::Eq(key, value) => {
                let key_checked = validate::label_key(&key.node, key.span, diags);
                let value = label_value(self, value, diags)?;
                insert_label(out, key_checked?, value, key.span, diags)?;
            }
            ast::Term::Ne(key, value) => {
                let key_checked = validate::label_key(&key.node, key.span, diags);
                let value = label_value(self, value, diags)?;
                out.match_expressions.push(ir::Expression {
                    key: key_checked?,
                    operator: ir::Operator::NotIn,
                    values: vec![value],
                });
            }
            ast::Term::In(key, values) | ast::Term::NotIn(key, values) => {
                let key_checked = validate::label_key(&key.node, key.span, diags);
                let mut texts = Vec::new();
                // A set, not `texts.contains`: a list of 100,000 values must
                // not take 100,000² comparisons.
                let mut seen = crate::hash::HashSet::default();
                for value in values {
                    for text in self.strings(value, env, diags)? {
                        let checked = validate::label_value(&text, value.span(), diags)?;
                        if seen.insert(text) {
                            texts.push(checked);
                        }
                    }
                    if texts.len() > MAX_LIST_ELEMENTS {
                        diags.push(list_too_long(value.span()));
                        return None;
                    }
                }
                let (operator, word) = if matches!(term, ast::Term::In(..)) {
                    (ir::Operator::In, "in")
                } else {
                    (ir::Operator::NotIn, "notin")
                };
                if texts.is_empty() {
                    let span = values
                        .first()
                        .zip(values.last())
                        .map_or(key.span, |(first, last)| first.span().to(last.span()));
                    diags.push(report::empty_list(
                        span,
                        report::EmptyList::Values {
                            operator: word,
                            key: &key.node,
                        },
                    ));
                    return None;
                }
                out.match_expressions.push(ir::Expression {
                    key: key_checked?,
                    operator,
                    values: texts,
                });
            }
            ast::Term::Exists(key) | ast::Term::NotExists(key) => {
                let operator = if matches!(term, ast::Term::Exists(_)) {
                    ir::Operator::Exists
                } else {
                    ir::Operator::DoesNotExist
                };
                out.match_expressions.push(ir::Expression {
                    key: validate::label_key(&key.node, key.span, diags)?,
                    operator,
                    values: Vec::new(),
                });
            }
            ast::Term::Splice(name) => {
                let Val::Selector(inner) =
                    self.expect(&ast::Value::Ref(name.clone()), Ty::Selector, env, diags)?
                else {
                    return None;
                };
                for (key, value) in inner.match_labels {
                    insert_label(out, key, value, name.span, diags)?;
                }
                out.match_expressions.extend(inner.match_expressions);
            }
        }
        Some(())
    }
}

/// Adds `key=value` to a selector, refusing a second, different value for
/// the same key (a term written beside a spliced constant included): a
/// label has one value, and a later term must not silently replace an
/// earlier one.
fn insert_label(
    out: &mut ir::Selector,
    key: ir::LabelKey,
    value: ir::LabelValue,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<()> {
    if let Some(previous) = out.match_labels.get(&key) {
        if *previous != value {
            let key = key.as_str();
            diags.push(
                report::invalid_label_selector(
                    span,
                    report::InvalidLabelSelector::Conflict {
                        key: &key,
                        previous: &previous,
                        value: &value,
                    },
                )
                .help(format!(
                    "use `{key} in ({previous}, {value})` to match either"
                )),
            );
            return None;
        }
    }
    out.match_labels.insert(key, value);
    Some(())
}
