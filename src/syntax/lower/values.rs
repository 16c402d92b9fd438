//! Selectors, label terms, strings, references and values.

use pest::iterators::Pair;

use super::{CollectExact, Cx, R, children};
use crate::ast;
use crate::source::Spanned;

impl Cx {
    pub(super) fn selector(&self, pair: Pair<'_, R>) -> ast::Selector {
        let span = self.span(&pair);
        let inner = children(pair.into_inner())
            .next()
            .unwrap_or_else(|| unreachable!("grammar: selector has a form"));
        let kind = match inner.as_rule() {
            R::const_ref => ast::SelectorKind::Ref(self.reference(&inner)),
            R::selector_braced => ast::SelectorKind::Terms(
                children(inner.into_inner())
                    .map(|term| self.term(term))
                    .collect_exact(),
            ),
            _ => ast::SelectorKind::Terms(vec![self.term(inner)]),
        };
        ast::Selector { kind, span }
    }

    pub(super) fn term(&self, pair: Pair<'_, R>) -> ast::Term {
        let kind = pair.as_rule();
        if kind == R::const_ref {
            return ast::Term::Splice(self.reference(&pair));
        }
        let mut inner = children(pair.into_inner());
        let key = inner
            .next()
            .map(|key| self.text(&key))
            .unwrap_or_else(|| unreachable!("grammar: a term has a key"));
        let mut values = inner.map(|value| self.label_value(value));
        match kind {
            R::sel_eq => ast::Term::Eq(
                key,
                values
                    .next()
                    .unwrap_or_else(|| unreachable!("grammar: eq has a value")),
            ),
            R::sel_ne => ast::Term::Ne(
                key,
                values
                    .next()
                    .unwrap_or_else(|| unreachable!("grammar: ne has a value")),
            ),
            R::sel_in => ast::Term::In(key, values.collect_exact()),
            R::sel_notin => ast::Term::NotIn(key, values.collect_exact()),
            R::sel_exists => ast::Term::Exists(key),
            R::sel_not_exists => ast::Term::NotExists(key),
            other => unreachable!("grammar: unexpected selector term {other:?}"),
        }
    }

    pub(super) fn label_value(&self, pair: Pair<'_, R>) -> ast::Value {
        match pair.as_rule() {
            R::label_value => children(pair.into_inner())
                .next()
                .map(|value| self.value(value))
                .unwrap_or_else(|| unreachable!("grammar: label value has a form")),
            _ => self.value(pair),
        }
    }

    pub(super) fn reference(&self, pair: &Pair<'_, R>) -> Spanned<String> {
        Spanned::new(
            pair.as_str().trim_start_matches('$').to_owned(),
            self.span(pair),
        )
    }

    pub(super) fn string(&self, pair: Pair<'_, R>) -> Spanned<String> {
        let span = self.span(&pair);
        let raw = pair
            .into_inner()
            .find(|inner| inner.as_rule() == R::string_inner)
            .map_or("", |inner| inner.as_str());
        let mut text = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(other) => text.push(other),
                    None => {}
                }
            } else {
                text.push(c);
            }
        }
        Spanned::new(text, span)
    }

    pub(super) fn value(&self, pair: Pair<'_, R>) -> ast::Value {
        let span = self.span(&pair);
        match pair.as_rule() {
            R::value
            | R::cidr_or_ref
            | R::port_or_ref
            | R::string_or_ref
            | R::name_or_ref
            | R::sentence_value
            | R::label_value => children(pair.into_inner())
                .next()
                .map(|inner| self.value(inner))
                .unwrap_or_else(|| unreachable!("grammar: a value has a form")),
            R::const_ref => ast::Value::Ref(self.reference(&pair)),
            R::sel_eq => ast::Value::Selector(ast::Selector {
                kind: ast::SelectorKind::Terms(vec![self.term(pair)]),
                span,
            }),
            R::cidr => ast::Value::Cidr(self.text(&pair)),
            R::string => ast::Value::String(self.string(pair)),
            R::name | R::bare_value => ast::Value::Word(self.text(&pair)),
            R::list => ast::Value::List(
                children(pair.into_inner())
                    .map(|value| self.value(value))
                    .collect_exact(),
                span,
            ),
            R::selector_braced => ast::Value::Selector(ast::Selector {
                kind: ast::SelectorKind::Terms(
                    children(pair.into_inner())
                        .map(|term| self.term(term))
                        .collect_exact(),
                ),
                span,
            }),
            R::port => {
                let mut numbers = Vec::new();
                let mut protocol = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        R::port_number => numbers.push(self.text(&part)),
                        R::protocol => protocol = Some(self.text(&part)),
                        _ => {}
                    }
                }
                let mut numbers = numbers.into_iter();
                let start = numbers
                    .next()
                    .unwrap_or_else(|| unreachable!("grammar: a port has a number"));
                ast::Value::Port(Box::new(ast::PortLit {
                    start,
                    end: numbers.next(),
                    protocol,
                    span,
                }))
            }
            other => unreachable!("grammar: unexpected value {other:?}"),
        }
    }
}
