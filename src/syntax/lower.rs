//! Lowering: pest pairs to [`ast`] nodes, one `lower_<rule>` per rule.
//!
//! The grammar guarantees the shape of every pair, so a mismatch here is a
//! bug in this file, not in the input; such places say so with
//! `unreachable!`, the one panic the house style allows.

mod inventory;
mod silence;

use pest::iterators::{Pair, Pairs};

use super::grammar::Rule as R;
use crate::ast;
use crate::source::{FileId, Span, Spanned};

/// Lowers the `file` pair.
pub fn lower_file(file: FileId, pair: Pair<'_, R>) -> ast::File {
    let cx = Cx { file };
    let mut silences = Vec::new();
    cx.silences(&pair, &mut silences);
    let items = children(pair.into_inner())
        .filter(|pair| pair.as_rule() != R::EOI)
        .map(|pair| cx.item(pair))
        .collect();
    ast::File {
        id: file,
        items,
        silences,
    }
}

/// Where the last token inside a pair ends.
fn last_token_end(pair: &Pair<'_, R>) -> usize {
    match pair.clone().into_inner().last() {
        Some(last) => last_token_end(&last),
        None => pair.as_span().end(),
    }
}

/// Inner pairs without punctuation, keywords and `silence` lines (which
/// [`Cx::silences`] collects on their own).
fn children<'i>(pairs: Pairs<'i, R>) -> impl Iterator<Item = Pair<'i, R>> {
    pairs.filter(|pair| !is_token(pair.as_rule()) && pair.as_rule() != R::silence)
}

fn is_token(kind: R) -> bool {
    matches!(
        kind,
        R::lbrace
            | R::rbrace
            | R::lparen
            | R::rparen
            | R::lbracket
            | R::rbracket
            | R::comma
            | R::colon
            | R::eq
            | R::ne
            | R::bang
            | R::dash
            | R::slash
            | R::quote
    ) || is_keyword(kind)
}

fn is_keyword(kind: R) -> bool {
    matches!(
        kind,
        R::kw_cilium
            | R::kw_silence
            | R::kw_import
            | R::kw_const
            | R::kw_category
            | R::kw_namespace
            | R::kw_namespaces
            | R::kw_system
            | R::kw_cluster
            | R::kw_policy
            | R::kw_use
            | R::kw_select
            | R::kw_description
            | R::kw_label
            | R::kw_default
            | R::kw_deny
            | R::kw_no
            | R::kw_ingress
            | R::kw_egress
            | R::kw_allow
            | R::kw_from
            | R::kw_to
            | R::kw_pods
            | R::kw_nodes
            | R::kw_all
            | R::kw_in
            | R::kw_with
            | R::kw_except
            | R::kw_entity
            | R::kw_cidr
            | R::kw_fqdn
            | R::kw_service
            | R::kw_services
            | R::kw_anywhere
            | R::kw_everything
            | R::kw_port
            | R::kw_icmp
            | R::kw_ipv4
            | R::kw_ipv6
            | R::kw_http
            | R::kw_method
            | R::kw_host
            | R::kw_header
            | R::kw_grpc
            | R::kw_kafka
            | R::kw_produce
            | R::kw_consume
            | R::kw_apikey
            | R::kw_topic
            | R::kw_client
            | R::kw_version
            | R::kw_dns
            | R::kw_notin
            | R::kw_sentence
            | R::kw_ty_cidr
            | R::kw_ty_cidrs
            | R::kw_ty_port
            | R::kw_ty_ports
            | R::kw_ty_string
            | R::kw_ty_strings
            | R::kw_ty_selector
    )
}

struct Cx {
    file: FileId,
}

impl Cx {
    /// The pair's span, ending at its last token: pest leaves the white
    /// space and comments before an absent optional part inside the pair.
    fn span(&self, pair: &Pair<'_, R>) -> Span {
        let span = pair.as_span();
        Span::new(self.file, span.start(), last_token_end(pair))
    }

    fn text(&self, pair: &Pair<'_, R>) -> Spanned<String> {
        Spanned::new(pair.as_str().to_owned(), self.span(pair))
    }

    fn item(&self, pair: Pair<'_, R>) -> ast::Item {
        match pair.as_rule() {
            R::import => ast::Item::Import(self.import(pair)),
            R::const_def => ast::Item::Const(self.const_def(pair)),
            R::category => ast::Item::Category(self.category(pair)),
            R::namespace => ast::Item::Namespace(self.namespace(pair)),
            R::cluster_policy => ast::Item::ClusterPolicy(self.policy(pair)),
            R::inventory => ast::Item::Inventory(self.inventory(pair)),
            R::cidr_groups => ast::Item::CidrGroups(self.span(&pair)),
            R::cilium => ast::Item::Cilium(
                children(pair.into_inner())
                    .next()
                    .map(|version| self.text(&version))
                    .unwrap_or_else(|| unreachable!("grammar: cilium has a version")),
            ),
            other => unreachable!("grammar: unexpected item {other:?}"),
        }
    }

    fn import(&self, pair: Pair<'_, R>) -> ast::Import {
        let span = self.span(&pair);
        let path = children(pair.into_inner())
            .next()
            .map(|string| self.string(string))
            .unwrap_or_else(|| unreachable!("grammar: import has a string"));
        ast::Import { path, span }
    }

    fn const_def(&self, pair: Pair<'_, R>) -> ast::ConstDef {
        let span = self.span(&pair);
        let mut name = None;
        let mut group = None;
        let mut value = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::ident => name = Some(self.text(&child)),
                R::kw_group => group = Some(self.span(&child)),
                R::value => value = Some(self.value(child)),
                _ => {}
            }
        }
        let (Some(name), Some(value)) = (name, value) else {
            unreachable!("grammar: const has a name and a value")
        };
        ast::ConstDef {
            name,
            group,
            value,
            span,
        }
    }

    fn category(&self, pair: Pair<'_, R>) -> ast::Category {
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
                R::sentence_decl => sentence = Some(self.sentence_decl(child)),
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

    fn param(&self, pair: Pair<'_, R>) -> ast::Param {
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

    fn namespace(&self, pair: Pair<'_, R>) -> ast::NamespaceDecl {
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
        ast::NamespaceDecl {
            system,
            name,
            body,
            span,
        }
    }

    fn body_item(&self, pair: Pair<'_, R>) -> ast::BodyItem {
        match pair.as_rule() {
            R::policy => ast::BodyItem::Policy(self.policy(pair)),
            _ => ast::BodyItem::Stmt(self.stmt(pair)),
        }
    }

    fn policy(&self, pair: Pair<'_, R>) -> ast::PolicyDecl {
        let span = self.span(&pair);
        let mut inner = children(pair.into_inner());
        let name = inner
            .next()
            .map(|name| self.text(&name))
            .unwrap_or_else(|| unreachable!("grammar: policy has a name"));
        let body = inner.map(|stmt| self.stmt(stmt)).collect();
        ast::PolicyDecl { name, body, span }
    }

    fn stmt(&self, pair: Pair<'_, R>) -> ast::Stmt {
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
            R::default_deny => ast::Stmt::DefaultDeny(self.directions(pair), span),
            R::no_default_deny => ast::Stmt::NoDefaultDeny(self.directions(pair), span),
            R::rule => ast::Stmt::Rule(Box::new(self.rule(pair))),
            other => unreachable!("grammar: unexpected statement {other:?}"),
        }
    }

    fn directions(&self, pair: Pair<'_, R>) -> Vec<Spanned<ast::Direction>> {
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

    fn use_stmt(&self, pair: Pair<'_, R>) -> ast::Use {
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
        ast::Use {
            name,
            args,
            span,
            sentence: None,
        }
    }

    fn verb(&self, pair: Pair<'_, R>) -> Spanned<ast::Verb> {
        let span = self.span(&pair);
        let kind = match pair.into_inner().next().map(|kw| kw.as_rule()) {
            Some(R::kw_allow) => ast::Verb::Allow,
            _ => ast::Verb::Deny,
        };
        Spanned::new(kind, span)
    }

    /// The words of a clause (`sentence_kw` pairs), spanning them all.
    fn clause_words<'i>(
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

    fn sentence_decl(&self, pair: Pair<'_, R>) -> ast::SentenceDecl {
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

    fn sentence_values(&self, pair: Pair<'_, R>) -> Spanned<Vec<ast::Value>> {
        let span = self.span(&pair);
        let values = children(pair.into_inner())
            .map(|value| self.value(value))
            .collect();
        Spanned::new(values, span)
    }

    /// A rule sentence, as a `use` that `sema::sentences` completes.
    fn sentence(&self, pair: Pair<'_, R>) -> ast::Use {
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

    fn subject(&self, pair: Pair<'_, R>) -> ast::Subject {
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

    fn scope(&self, pair: Pair<'_, R>) -> ast::Scope {
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

    fn first_selector(&self, pair: Pair<'_, R>) -> ast::Selector {
        children(pair.into_inner())
            .find(|child| child.as_rule() == R::selector)
            .map(|selector| self.selector(selector))
            .unwrap_or_else(|| unreachable!("grammar: a selector is required here"))
    }

    fn name_list(&self, pair: Pair<'_, R>) -> Vec<ast::Value> {
        children(pair.into_inner())
            .map(|name| self.value(name))
            .collect()
    }

    fn rule(&self, pair: Pair<'_, R>) -> ast::Rule {
        let span = self.span(&pair);
        let mut verb = None;
        let mut direction = None;
        let mut peer = None;
        let mut ports = None;
        let mut icmps = None;
        let mut l7 = Vec::new();
        for child in children(pair.into_inner()) {
            let child_span = self.span(&child);
            match child.as_rule() {
                R::verb => {
                    let kind = match child.into_inner().next().map(|kw| kw.as_rule()) {
                        Some(R::kw_allow) => ast::Verb::Allow,
                        _ => ast::Verb::Deny,
                    };
                    verb = Some(Spanned::new(kind, child_span));
                }
                R::way => {
                    let kind = match child.into_inner().next().map(|kw| kw.as_rule()) {
                        Some(R::kw_from) => ast::Direction::Ingress,
                        _ => ast::Direction::Egress,
                    };
                    direction = Some(Spanned::new(kind, child_span));
                }
                R::peer => peer = Some(self.peer(child)),
                R::ports => {
                    let values = children(child.into_inner())
                        .map(|port| self.value(port))
                        .collect();
                    ports = Some(Spanned::new(values, child_span));
                }
                R::icmps => {
                    let items = children(child.into_inner())
                        .map(|item| self.icmp_item(item))
                        .collect();
                    icmps = Some(Spanned::new(items, child_span));
                }
                R::http => l7.push(ast::L7::Http(self.http(child))),
                R::grpc => {
                    let value = children(child.into_inner())
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: grpc has a path"));
                    l7.push(ast::L7::Grpc(value, child_span));
                }
                R::kafka => l7.push(ast::L7::Kafka(self.kafka(child))),
                R::dns => {
                    let values = children(child.into_inner())
                        .map(|value| self.value(value))
                        .collect();
                    l7.push(ast::L7::Dns(values, child_span));
                }
                other => unreachable!("grammar: unexpected rule part {other:?}"),
            }
        }
        let (Some(verb), Some(direction), Some(peer)) = (verb, direction, peer) else {
            unreachable!("grammar: a rule has a verb, a direction and a peer")
        };
        ast::Rule {
            verb,
            direction,
            peer,
            ports,
            icmps,
            l7,
            span,
        }
    }

    fn peer(&self, pair: Pair<'_, R>) -> ast::Peer {
        let span = self.span(&pair);
        let inner = children(pair.into_inner())
            .next()
            .unwrap_or_else(|| unreachable!("grammar: peer has a kind"));
        let kind = match inner.as_rule() {
            R::peer_pods => {
                let mut selectors = Vec::new();
                let mut scope = None;
                for child in children(inner.into_inner()) {
                    match child.as_rule() {
                        R::selector_list => {
                            selectors = children(child.into_inner())
                                .map(|s| self.selector(s))
                                .collect();
                        }
                        R::scope => scope = Some(self.scope(child)),
                        other => unreachable!("grammar: unexpected pods part {other:?}"),
                    }
                }
                ast::PeerKind::Pods { selectors, scope }
            }
            R::peer_namespace => ast::PeerKind::Namespace(
                children(inner.into_inner())
                    .next()
                    .map(|list| self.name_list(list))
                    .unwrap_or_default(),
            ),
            R::peer_namespaces => ast::PeerKind::Namespaces(self.first_selector(inner)),
            R::peer_entity => ast::PeerKind::Entity(
                children(inner.into_inner())
                    .map(|name| self.text(&name))
                    .collect(),
            ),
            R::peer_cidr => ast::PeerKind::Cidr(
                children(inner.into_inner())
                    .map(|item| self.cidr_item(item))
                    .collect(),
            ),
            R::peer_fqdn => ast::PeerKind::Fqdn(
                children(inner.into_inner())
                    .map(|value| self.value(value))
                    .collect(),
            ),
            R::peer_service => {
                let mut parts = children(inner.into_inner());
                let name = parts
                    .next()
                    .map(|name| self.value(name))
                    .unwrap_or_else(|| unreachable!("grammar: service has a name"));
                let scope = parts.next().map(|scope| self.scope(scope));
                ast::PeerKind::Service { name, scope }
            }
            R::peer_services => {
                let mut selector = None;
                let mut scope = None;
                for child in children(inner.into_inner()) {
                    match child.as_rule() {
                        R::selector => selector = Some(self.selector(child)),
                        R::scope => scope = Some(self.scope(child)),
                        other => unreachable!("grammar: unexpected services part {other:?}"),
                    }
                }
                let selector =
                    selector.unwrap_or_else(|| unreachable!("grammar: services has a selector"));
                ast::PeerKind::Services { selector, scope }
            }
            R::peer_anywhere => ast::PeerKind::Anywhere,
            R::peer_everything => ast::PeerKind::Everything,
            other => unreachable!("grammar: unexpected peer {other:?}"),
        };
        ast::Peer { kind, span }
    }

    fn cidr_item(&self, pair: Pair<'_, R>) -> ast::CidrItem {
        let span = self.span(&pair);
        let mut inner = children(pair.into_inner());
        let cidr = inner
            .next()
            .map(|cidr| self.cidrs_value(cidr))
            .unwrap_or_else(|| unreachable!("grammar: cidr item has a cidr"));
        let except = match inner.next() {
            Some(list) if list.as_rule() == R::cidr_list => children(list.into_inner())
                .map(|value| self.value(value))
                .collect(),
            Some(single) => vec![self.value(single)],
            None => Vec::new(),
        };
        ast::CidrItem { cidr, except, span }
    }

    /// A CIDR, a `$NAME`, or `[a, b]` as a list value (`cidr [a, b]`).
    fn cidrs_value(&self, pair: Pair<'_, R>) -> ast::Value {
        if pair.as_rule() == R::cidr_list {
            let span = self.span(&pair);
            let items = children(pair.into_inner())
                .map(|value| self.value(value))
                .collect();
            return ast::Value::List(items, span);
        }
        self.value(pair)
    }

    fn icmp_item(&self, pair: Pair<'_, R>) -> ast::IcmpItem {
        let mut family = None;
        let mut kind = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::kw_ipv4 => family = Some(Spanned::new(ast::IcmpFamily::V4, self.span(&child))),
                R::kw_ipv6 => family = Some(Spanned::new(ast::IcmpFamily::V6, self.span(&child))),
                _ => kind = Some(self.text(&child)),
            }
        }
        let kind = kind.unwrap_or_else(|| unreachable!("grammar: icmp item has a type"));
        ast::IcmpItem { family, kind }
    }

    fn http(&self, pair: Pair<'_, R>) -> ast::Http {
        let span = self.span(&pair);
        let mut http = ast::Http {
            method: None,
            path: None,
            host: None,
            headers: Vec::new(),
            span,
        };
        let mut after = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::http_method => http.method = Some(ast::Method::Word(self.text(&child))),
                R::http_method_re => {
                    let value = children(child.into_inner())
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: method has a value"));
                    http.method = Some(ast::Method::Regex(value));
                }
                R::kw_host | R::kw_header => after = Some(child.as_rule()),
                R::string_or_ref => {
                    let value = self.value(child);
                    match after {
                        Some(R::kw_host) => http.host = Some(value),
                        Some(_) => http.headers.push(value),
                        None => http.path = Some(value),
                    }
                }
                _ => {}
            }
        }
        http
    }

    fn kafka(&self, pair: Pair<'_, R>) -> ast::Kafka {
        let span = self.span(&pair);
        let mut kafka = ast::Kafka {
            role: None,
            api_key: None,
            topic: None,
            client: None,
            version: None,
            span,
        };
        let mut after = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::kafka_role => {
                    let role = match child.clone().into_inner().next().map(|kw| kw.as_rule()) {
                        Some(R::kw_produce) => ast::KafkaRole::Produce,
                        _ => ast::KafkaRole::Consume,
                    };
                    kafka.role = Some(Spanned::new(role, self.span(&child)));
                }
                R::kafka_apikey => {
                    kafka.api_key = children(child.into_inner())
                        .next()
                        .map(|name| self.text(&name));
                }
                R::kw_topic | R::kw_client => after = Some(child.as_rule()),
                R::string_or_ref => {
                    let value = self.value(child);
                    if after == Some(R::kw_topic) {
                        kafka.topic = Some(value);
                    } else {
                        kafka.client = Some(value);
                    }
                }
                R::number => kafka.version = Some(self.text(&child)),
                _ => {}
            }
        }
        kafka
    }

    fn selector(&self, pair: Pair<'_, R>) -> ast::Selector {
        let span = self.span(&pair);
        let inner = children(pair.into_inner())
            .next()
            .unwrap_or_else(|| unreachable!("grammar: selector has a form"));
        let kind = match inner.as_rule() {
            R::const_ref => ast::SelectorKind::Ref(self.reference(&inner)),
            R::selector_braced => ast::SelectorKind::Terms(
                children(inner.into_inner())
                    .map(|term| self.term(term))
                    .collect(),
            ),
            _ => ast::SelectorKind::Terms(vec![self.term(inner)]),
        };
        ast::Selector { kind, span }
    }

    fn term(&self, pair: Pair<'_, R>) -> ast::Term {
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
            R::sel_in => ast::Term::In(key, values.collect()),
            R::sel_notin => ast::Term::NotIn(key, values.collect()),
            R::sel_exists => ast::Term::Exists(key),
            R::sel_not_exists => ast::Term::NotExists(key),
            other => unreachable!("grammar: unexpected selector term {other:?}"),
        }
    }

    fn label_value(&self, pair: Pair<'_, R>) -> ast::Value {
        match pair.as_rule() {
            R::label_value => children(pair.into_inner())
                .next()
                .map(|value| self.value(value))
                .unwrap_or_else(|| unreachable!("grammar: label value has a form")),
            _ => self.value(pair),
        }
    }

    fn reference(&self, pair: &Pair<'_, R>) -> Spanned<String> {
        Spanned::new(
            pair.as_str().trim_start_matches('$').to_owned(),
            self.span(pair),
        )
    }

    fn string(&self, pair: Pair<'_, R>) -> Spanned<String> {
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

    fn value(&self, pair: Pair<'_, R>) -> ast::Value {
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
                    .collect(),
                span,
            ),
            R::selector_braced => ast::Value::Selector(ast::Selector {
                kind: ast::SelectorKind::Terms(
                    children(pair.into_inner())
                        .map(|term| self.term(term))
                        .collect(),
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
