//! Namespaces, policies and their statements: `use` lines, sentences,
//! subjects and scopes.

use pest::iterators::Pair;

use super::{CollectExact, Cx, R, children, is_token};
use crate::ast;
use crate::source::{Span, Spanned};

impl Cx {
    pub(super) fn namespace(&self, pair: Pair<'_, R>) -> ast::NamespaceDecl {
        let span = self.span(&pair);
        let mut system = None;
        let mut name = None;
        let mut body = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                R::kw_system => system = Some(self.span(&child)),
                R::name => name = Some(self.text(&child)),
                kind if is_token(kind) || kind == R::silence => {}
                _ => body.push(self.body_item(child)),
            }
        }
        let name = name.unwrap_or_else(|| unreachable!("grammar: namespace has a name"));
        body.shrink_to_fit();
        ast::NamespaceDecl {
            system,
            name,
            body,
            span,
        }
    }

    pub(super) fn body_item(&self, pair: Pair<'_, R>) -> ast::BodyItem {
        match pair.as_rule() {
            R::policy => ast::BodyItem::Policy(self.policy(pair)),
            R::expect => ast::BodyItem::Expect(Box::new(self.expect(pair))),
            _ => ast::BodyItem::Stmt(self.stmt(pair)),
        }
    }

    pub(super) fn policy(&self, pair: Pair<'_, R>) -> ast::PolicyDecl {
        let span = self.span(&pair);
        let mut inner = children(pair.into_inner());
        let name = inner
            .next()
            .map(|name| self.text(&name))
            .unwrap_or_else(|| unreachable!("grammar: policy has a name"));
        let body = inner.map(|stmt| self.stmt(stmt)).collect_exact();
        ast::PolicyDecl { name, body, span }
    }

    pub(super) fn stmt(&self, pair: Pair<'_, R>) -> ast::Stmt {
        let span = self.span(&pair);
        match pair.as_rule() {
            R::use_stmt => ast::Stmt::Use(self.use_stmt(pair)),
            R::sentence => ast::Stmt::Use(self.sentence(pair)),
            R::select => {
                let subject = children(pair.into_inner())
                    .next()
                    .and_then(|subject| children(subject.into_inner()).next())
                    .map(|subject| self.subject(subject))
                    .unwrap_or_else(|| unreachable!("grammar: select has a subject"));
                ast::Stmt::Select(ast::Select { subject, span })
            }
            R::description => {
                let value = children(pair.into_inner())
                    .next()
                    .map(|value| self.value(value))
                    .unwrap_or_else(|| unreachable!("grammar: description has a value"));
                ast::Stmt::Description(value, span)
            }
            R::label => {
                let mut inner = children(pair.into_inner());
                let (Some(key), Some(value)) = (inner.next(), inner.next()) else {
                    unreachable!("grammar: label has a key and a value")
                };
                ast::Stmt::Label(self.text(&key), self.value(value), span)
            }
            R::log => {
                let value = children(pair.into_inner())
                    .next()
                    .map(|value| self.value(value))
                    .unwrap_or_else(|| unreachable!("grammar: log has a value"));
                ast::Stmt::Log(value, span)
            }
            R::metadata => {
                let kind = if pair
                    .clone()
                    .into_inner()
                    .any(|part| part.as_rule() == R::kw_annotation)
                {
                    ast::MetadataKind::Annotation
                } else {
                    ast::MetadataKind::Label
                };
                let mut inner = children(pair.into_inner());
                let (Some(key), Some(value)) = (inner.next(), inner.next()) else {
                    unreachable!("grammar: metadata has a key and a value")
                };
                ast::Stmt::Metadata(ast::Metadata {
                    kind,
                    key: self.text(&key),
                    value: self.value(value),
                    span,
                })
            }
            R::default_deny => ast::Stmt::DefaultDeny(self.directions(pair), span),
            R::no_default_deny => ast::Stmt::NoDefaultDeny(self.directions(pair), span),
            R::rule => ast::Stmt::Rule(Box::new(self.rule(pair))),
            R::spec_block => {
                let body = children(pair.into_inner())
                    .map(|stmt| self.stmt(stmt))
                    .collect_exact();
                ast::Stmt::Spec(ast::SpecBlock { body, span })
            }
            other => unreachable!("grammar: unexpected statement {other:?}"),
        }
    }

    pub(super) fn directions(&self, pair: Pair<'_, R>) -> Vec<Spanned<ast::Direction>> {
        children(pair.into_inner())
            .map(|direction| {
                let span = self.span(&direction);
                let kind = match direction.into_inner().next().map(|kw| kw.as_rule()) {
                    Some(R::kw_ingress) => ast::Direction::Ingress,
                    _ => ast::Direction::Egress,
                };
                Spanned::new(kind, span)
            })
            .collect()
    }

    pub(super) fn use_stmt(&self, pair: Pair<'_, R>) -> ast::Use {
        let span = self.span(&pair);
        let mut name = None;
        let mut args = Vec::new();
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::ident => name = Some(self.text(&child)),
                R::args => {
                    for arg in children(child.into_inner()) {
                        let mut inner = children(arg.into_inner());
                        let arg = match (inner.next(), inner.next()) {
                            (Some(arg_name), Some(value)) => ast::Arg {
                                name: self.text(&arg_name),
                                value: self.value(value),
                            },
                            // Positional: an empty name, refused in sema (E0309).
                            (Some(value), None) => {
                                let value = self.value(value);
                                let at = value.span();
                                ast::Arg {
                                    name: Spanned::new(
                                        String::new(),
                                        Span {
                                            end: at.start,
                                            ..at
                                        },
                                    ),
                                    value,
                                }
                            }
                            _ => unreachable!("grammar: arg has a value"),
                        };
                        args.push(arg);
                    }
                }
                other => unreachable!("grammar: unexpected use part {other:?}"),
            }
        }
        let name = name.unwrap_or_else(|| unreachable!("grammar: use has a name"));
        // Kept until the lints have run: no room for the four arguments a
        // first push makes.
        args.shrink_to_fit();
        ast::Use {
            name,
            args,
            span,
            sentence: None,
        }
    }

    pub(super) fn verb(&self, pair: Pair<'_, R>) -> Spanned<ast::Verb> {
        let span = self.span(&pair);
        let kind = match pair.into_inner().next().map(|kw| kw.as_rule()) {
            Some(R::kw_allow) => ast::Verb::Allow,
            _ => ast::Verb::Deny,
        };
        Spanned::new(kind, span)
    }

    /// The words of a clause (`sentence_kw` pairs), spanning them all.
    pub(super) fn clause_words<'i>(
        &self,
        words: impl Iterator<Item = Pair<'i, R>>,
    ) -> Option<Spanned<Vec<String>>> {
        let mut out: Option<Spanned<Vec<String>>> = None;
        for word in words {
            let span = self.span(&word);
            let text = word.as_str().to_owned();
            match &mut out {
                Some(all) => {
                    all.node.push(text);
                    all.span.end = span.end;
                }
                None => out = Some(Spanned::new(vec![text], span)),
            }
        }
        out
    }

    pub(super) fn sentence_decl(&self, pair: Pair<'_, R>) -> ast::SentenceDecl {
        let span = self.span(&pair);
        let mut verb = None;
        let mut word = None;
        let mut slot = None;
        let mut clauses = Vec::new();
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::verb => verb = Some(self.verb(child)),
                R::sentence_word => word = Some(self.text(&child)),
                R::const_ref => slot = Some(self.reference(&child)),
                R::sentence_decl_clause => {
                    let clause_span = self.span(&child);
                    let (words, refs): (Vec<_>, Vec<_>) = children(child.into_inner())
                        .partition(|part| part.as_rule() == R::sentence_kw);
                    let words = self
                        .clause_words(words.into_iter())
                        .unwrap_or_else(|| unreachable!("grammar: a clause has words"));
                    let param = refs
                        .first()
                        .map(|param| self.reference(param))
                        .unwrap_or_else(|| unreachable!("grammar: a clause has a parameter"));
                    clauses.push(ast::SentenceDeclClause {
                        words: words.node,
                        param,
                        span: clause_span,
                    });
                }
                other => unreachable!("grammar: unexpected sentence part {other:?}"),
            }
        }
        let (Some(verb), Some(word)) = (verb, word) else {
            unreachable!("grammar: a sentence has a verb and a word")
        };
        ast::SentenceDecl {
            verb,
            word,
            slot,
            clauses,
            span,
        }
    }

    pub(super) fn sentence_values(&self, pair: Pair<'_, R>) -> Spanned<Vec<ast::Value>> {
        let span = self.span(&pair);
        let values = children(pair.into_inner())
            .map(|value| self.value(value))
            .collect_exact();
        Spanned::new(values, span)
    }

    /// A rule sentence, as a `use` that `sema::sentences` completes.
    pub(super) fn sentence(&self, pair: Pair<'_, R>) -> ast::Use {
        let span = self.span(&pair);
        let mut verb = None;
        let mut word: Option<Spanned<String>> = None;
        let mut values = None;
        let mut clauses = Vec::new();
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::verb => verb = Some(self.verb(child)),
                R::sentence_word => word = Some(self.text(&child)),
                R::sentence_values => values = Some(self.sentence_values(child)),
                R::sentence_clause => {
                    let clause_span = self.span(&child);
                    let (words, rest): (Vec<_>, Vec<_>) = children(child.into_inner())
                        .partition(|part| part.as_rule() == R::sentence_kw);
                    let words = self
                        .clause_words(words.into_iter())
                        .unwrap_or_else(|| unreachable!("grammar: a clause has words"));
                    let values = rest
                        .into_iter()
                        .next()
                        .map(|values| self.sentence_values(values))
                        .unwrap_or_else(|| unreachable!("grammar: a clause has values"));
                    clauses.push(ast::SentenceClause {
                        words,
                        values,
                        span: clause_span,
                    });
                }
                other => unreachable!("grammar: unexpected sentence part {other:?}"),
            }
        }
        let (Some(verb), Some(word)) = (verb, word) else {
            unreachable!("grammar: a sentence has a verb and a word")
        };
        ast::Use {
            name: Spanned::new(String::new(), word.span),
            args: Vec::new(),
            span,
            sentence: Some(Box::new(ast::Sentence {
                verb,
                word,
                values,
                clauses,
            })),
        }
    }

    pub(super) fn subject(&self, pair: Pair<'_, R>) -> ast::Subject {
        match pair.as_rule() {
            R::subject_pods => {
                let mut selector = None;
                let mut scope = None;
                for child in children(pair.into_inner()) {
                    match child.as_rule() {
                        R::selector => selector = Some(self.selector(child)),
                        R::scope => scope = Some(self.scope(child)),
                        other => unreachable!("grammar: unexpected subject part {other:?}"),
                    }
                }
                ast::Subject::Pods { selector, scope }
            }
            R::subject_all_nodes => ast::Subject::AllNodes,
            R::subject_everything => ast::Subject::Everything,
            R::subject_nodes => {
                let selector = children(pair.into_inner())
                    .next()
                    .map(|selector| self.selector(selector))
                    .unwrap_or_else(|| unreachable!("grammar: nodes has a selector"));
                ast::Subject::Nodes(selector)
            }
            other => unreachable!("grammar: unexpected subject {other:?}"),
        }
    }

    pub(super) fn scope(&self, pair: Pair<'_, R>) -> ast::Scope {
        let span = self.span(&pair);
        let inner = children(pair.into_inner())
            .next()
            .unwrap_or_else(|| unreachable!("grammar: scope has a kind"));
        let kind = match inner.as_rule() {
            R::scope_all => ast::ScopeKind::All {
                except: children(inner.into_inner())
                    .next()
                    .map(|list| self.name_list(list))
                    .unwrap_or_default(),
            },
            R::scope_labelled => ast::ScopeKind::Labelled(self.first_selector(inner)),
            R::scope_named => ast::ScopeKind::Named(
                children(inner.into_inner())
                    .next()
                    .map(|list| self.name_list(list))
                    .unwrap_or_default(),
            ),
            other => unreachable!("grammar: unexpected scope {other:?}"),
        };
        ast::Scope { kind, span }
    }

    pub(super) fn first_selector(&self, pair: Pair<'_, R>) -> ast::Selector {
        children(pair.into_inner())
            .find(|child| child.as_rule() == R::selector)
            .map(|selector| self.selector(selector))
            .unwrap_or_else(|| unreachable!("grammar: a selector is required here"))
    }

    pub(super) fn name_list(&self, pair: Pair<'_, R>) -> Vec<ast::Value> {
        children(pair.into_inner())
            .map(|name| self.value(name))
            .collect()
    }
}
