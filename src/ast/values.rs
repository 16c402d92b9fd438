//! Selectors, label terms, value slots and port literals.

use crate::source::{Span, Spanned};

/// A label selector as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// Braced terms, or a reference.
    pub kind: SelectorKind,
    /// The whole selector.
    pub span: Span,
}

/// The forms of selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorKind {
    /// `{ terms }` or a single `key=value`.
    Terms(Vec<Term>),
    /// `$NAME`.
    Ref(Spanned<String>),
}

/// One selector term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// `key=value`.
    Eq(Spanned<String>, Value),
    /// `key!=value`.
    Ne(Spanned<String>, Value),
    /// `key in (a, b)`.
    In(Spanned<String>, Vec<Value>),
    /// `key notin (a, b)`.
    NotIn(Spanned<String>, Vec<Value>),
    /// `key`.
    Exists(Spanned<String>),
    /// `!key`.
    NotExists(Spanned<String>),
    /// `$NAME`: the terms of a selector constant.
    Splice(Spanned<String>),
}

/// A value slot: literal or reference, checked against the slot's type by sema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `$NAME`, the name without `$`.
    Ref(Spanned<String>),
    /// A CIDR or IP as written.
    Cidr(Spanned<String>),
    /// A port as written (boxed: it is the largest variant by far).
    Port(Box<PortLit>),
    /// A string, unescaped.
    String(Spanned<String>),
    /// A bare word (names, label values).
    Word(Spanned<String>),
    /// `[a, b]`.
    List(Vec<Value>, Span),
    /// `{ app=web }`.
    Selector(Selector),
}

impl Value {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        match self {
            Value::Ref(s) | Value::Cidr(s) | Value::String(s) | Value::Word(s) => s.span,
            Value::Port(port) => port.span,
            Value::List(_, span) => *span,
            Value::Selector(selector) => selector.span,
        }
    }
}

/// A port literal: `80`, `80/tcp`, `8000-8999/tcp`, `http/tcp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortLit {
    /// The port number or name.
    pub start: Spanned<String>,
    /// The end of a range.
    pub end: Option<Spanned<String>>,
    /// The protocol.
    pub protocol: Option<Spanned<String>>,
    /// The whole literal.
    pub span: Span,
}
