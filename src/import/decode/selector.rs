//! Label selectors: `matchLabels` and `matchExpressions`.

use serde_json::Value;

use super::field::{Doc, is_word};
use crate::import::model::{Expression, Selector};
use crate::ir::Operator;

/// A label selector.
pub fn selector(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Selector> {
    let map = ctx.object(path, value)?;
    let mut out = Selector::default();
    let errors = ctx.diags.len();
    ctx.fields(
        path,
        map,
        &["matchLabels", "matchExpressions"],
        &[],
        |ctx, key, field, value| {
            if value.is_null() {
                return;
            }
            if key == "matchLabels" {
                let Some(labels) = ctx.object(field, value) else {
                    return;
                };
                for (label, text) in labels {
                    let path = format!("{field}.{label}");
                    if !is_word(label, true) {
                        ctx.invalid(&path, format!("`{label}` is not a valid label key"));
                    } else if let Some(text) = ctx.text(&path, text) {
                        out.labels.push((label.clone(), text));
                    }
                }
            } else if let Some(items) = ctx.list(field, value) {
                for (index, item) in items.iter().enumerate() {
                    if let Some(expression) = expression(ctx, &format!("{field}[{index}]"), item) {
                        out.expressions.push(expression);
                    }
                }
            }
        },
    );
    (ctx.diags.len() == errors).then_some(out)
}

fn expression(ctx: &mut Doc<'_>, path: &str, value: &Value) -> Option<Expression> {
    let map = ctx.object(path, value)?;
    let (mut key, mut operator, mut values) = (None, None, Vec::new());
    ctx.fields(
        path,
        map,
        &["key", "operator", "values"],
        &[],
        |ctx, name, field, value| match name {
            "key" => key = ctx.word(field, value, "label key"),
            "operator" => {
                operator = match value.as_str() {
                    Some("In") => Some(Operator::In),
                    Some("NotIn") => Some(Operator::NotIn),
                    Some("Exists") => Some(Operator::Exists),
                    Some("DoesNotExist") => Some(Operator::DoesNotExist),
                    _ => {
                        ctx.invalid(
                            field,
                            "the operator is one of `In`, `NotIn`, `Exists` and `DoesNotExist`",
                        );
                        None
                    }
                };
            }
            _ => values = ctx.texts(field, value).unwrap_or_default(),
        },
    );
    let operator = operator?;
    let needs_values = matches!(operator, Operator::In | Operator::NotIn);
    if needs_values == values.is_empty() {
        ctx.invalid(
            path,
            "`In` and `NotIn` need values, and `Exists` and `DoesNotExist` take none",
        );
        return None;
    }
    Some(Expression {
        key: key?,
        operator,
        values,
    })
}
