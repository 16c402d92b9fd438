//! A walk over the syntax tree of a file that calls a [`Visitor`] on every
//! value, selector term, `$NAME` and `use`, with where it is written.
//!
//! The name index ([`super::index`]) records every name through it, and
//! lints that need the text as written (literals, selector labels) use it;
//! lints about meaning read the IR instead.

use crate::ast;
use crate::source::{FileId, Span, Spanned};

/// What kind of slot a value fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The value of a `const`.
    Const,
    /// An argument of a `use`, or a parameter's default.
    Arg,
    /// A CIDR of a `cidr` peer.
    Cidr,
    /// An exception of a `cidr` peer.
    Except,
    /// A name of an `fqdn` peer.
    Fqdn,
    /// A pattern of a `dns` rule.
    Dns,
    /// A namespace name: `namespace a`, `in namespace a`, `except a`.
    Namespace,
    /// The text of a `description`.
    Description,
    /// A value of an `expect` (but its namespaces, which are
    /// [`Slot::Namespace`]): a test restates the values of the rules it
    /// tests on purpose.
    Expect,
    /// Anywhere else.
    Other,
}

/// Where something is written.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    /// The file.
    pub file: FileId,
    /// The parameters of the enclosing category; empty outside one.
    pub params: &'a [ast::Param],
    /// The enclosing definition or statement: a `const`, a rule, a `use`.
    pub stmt: Span,
    /// The slot the value fills.
    pub slot: Slot,
}

/// Callbacks of [`walk_file`]; each defaults to doing nothing.
pub trait Visitor<'a> {
    /// A value, before its parts (list items, selector terms) are visited.
    fn value(&mut self, _value: &'a ast::Value, _place: &Place<'a>) {}
    /// A selector term, before its values are visited.
    fn term(&mut self, _term: &'a ast::Term, _place: &Place<'a>) {}
    /// A `$NAME`, in a value, a selector or a selector term.
    fn reference(&mut self, _name: &'a Spanned<String>, _place: &Place<'a>) {}
    /// A `use`, before its arguments are visited.
    fn use_stmt(&mut self, _use_stmt: &'a ast::Use, _place: &Place<'a>) {}
    /// A rule, before its parts are visited.
    fn rule(&mut self, _rule: &'a ast::Rule, _place: &Place<'a>) {}
}

/// Visits everything in a file, in source order.
pub fn walk_file<'a>(file: &'a ast::File, visitor: &mut impl Visitor<'a>) {
    for item in &file.items {
        let place = |stmt: Span, slot: Slot| Place {
            file: file.id,
            params: &[],
            stmt,
            slot,
        };
        match item {
            ast::Item::Import(_) | ast::Item::Cilium(_) | ast::Item::CidrGroups(_) => {}
            ast::Item::Const(def) => {
                value(&def.value, &place(def.span, Slot::Const), visitor);
                if let Some(labels) = &def.labels {
                    selector(labels, &place(def.span, Slot::Const), visitor);
                }
            }
            ast::Item::Category(category) => {
                let inner = Place {
                    params: &category.params,
                    ..place(category.span, Slot::Arg)
                };
                // Defaults are evaluated outside the category: they see
                // constants, not the other parameters.
                for param in &category.params {
                    if let Some(default) = &param.default {
                        value(default, &place(category.span, Slot::Arg), visitor);
                    }
                }
                body(&category.body, &inner, visitor);
            }
            ast::Item::Namespace(decl) => body(&decl.body, &place(decl.span, Slot::Other), visitor),
            ast::Item::ClusterPolicy(decl) => {
                for stmt in &decl.body {
                    statement(stmt, &place(decl.span, Slot::Other), visitor);
                }
            }
            ast::Item::Expect(expect) => {
                self::expect(expect, &place(expect.span, Slot::Expect), visitor)
            }
            ast::Item::Inventory(inventory) => {
                for entry in &inventory.entries {
                    if let Some(labels) = &entry.labels {
                        selector(labels, &place(entry.span, Slot::Other), visitor);
                    }
                }
            }
        }
    }
}

fn body<'a>(items: &'a [ast::BodyItem], place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    for item in items {
        match item {
            ast::BodyItem::Policy(policy) => {
                for stmt in &policy.body {
                    statement(stmt, place, visitor);
                }
            }
            ast::BodyItem::Stmt(stmt) => statement(stmt, place, visitor),
            ast::BodyItem::Expect(expect) => self::expect(
                expect,
                &Place {
                    stmt: expect.span,
                    slot: Slot::Expect,
                    ..*place
                },
                visitor,
            ),
        }
    }
}

fn statement<'a>(stmt: &'a ast::Stmt, outer: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    let at = |span: Span, slot: Slot| Place {
        stmt: span,
        slot,
        ..*outer
    };
    match stmt {
        ast::Stmt::Use(use_stmt) => {
            let place = at(use_stmt.span, Slot::Arg);
            visitor.use_stmt(use_stmt, &place);
            for arg in &use_stmt.args {
                value(&arg.value, &place, visitor);
            }
        }
        ast::Stmt::Select(select) => {
            let place = at(select.span, Slot::Other);
            match &select.subject {
                ast::Subject::Pods {
                    selector: pods,
                    scope: namespaces,
                } => {
                    if let Some(pods) = pods {
                        selector(pods, &place, visitor);
                    }
                    if let Some(namespaces) = namespaces {
                        scope(namespaces, &place, visitor);
                    }
                }
                ast::Subject::AllNodes | ast::Subject::Everything => {}
                ast::Subject::Nodes(nodes) => selector(nodes, &place, visitor),
            }
        }
        ast::Stmt::Description(text, span) => value(text, &at(*span, Slot::Description), visitor),
        ast::Stmt::Label(_, text, span) => value(text, &at(*span, Slot::Other), visitor),
        ast::Stmt::Log(text, span) => value(text, &at(*span, Slot::Description), visitor),
        ast::Stmt::Metadata(metadata) => {
            let slot = match metadata.kind {
                ast::MetadataKind::Label => Slot::Other,
                ast::MetadataKind::Annotation => Slot::Description,
            };
            value(&metadata.value, &at(metadata.span, slot), visitor);
        }
        ast::Stmt::DefaultDeny(..) | ast::Stmt::NoDefaultDeny(..) => {}
        ast::Stmt::Rule(rule) => self::rule(rule, &at(rule.span, Slot::Other), visitor),
        ast::Stmt::Spec(block) => {
            for inner in &block.body {
                statement(inner, outer, visitor);
            }
        }
    }
}

fn rule<'a>(rule: &'a ast::Rule, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    visitor.rule(rule, place);
    peer(&rule.peer, place, visitor);
    rule_tail(rule, place, visitor);
}

fn peer<'a>(peer: &'a ast::Peer, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    let slot = |slot: Slot| Place { slot, ..*place };
    match &peer.kind {
        ast::PeerKind::Pods {
            selectors,
            scope: namespaces,
        } => {
            for pods in selectors {
                selector(pods, place, visitor);
            }
            if let Some(namespaces) = namespaces {
                scope(namespaces, place, visitor);
            }
        }
        ast::PeerKind::Namespace(names) => values(names, &slot(Slot::Namespace), visitor),
        ast::PeerKind::Namespaces(labels) => selector(labels, place, visitor),
        ast::PeerKind::Entity(_) | ast::PeerKind::Anywhere | ast::PeerKind::Everything => {}
        ast::PeerKind::Cidr(items) => {
            for item in items {
                value(&item.cidr, &slot(Slot::Cidr), visitor);
                values(&item.except, &slot(Slot::Except), visitor);
            }
        }
        ast::PeerKind::Fqdn(names) => values(names, &slot(Slot::Fqdn), visitor),
        ast::PeerKind::Nodes(selectors) | ast::PeerKind::CidrGroupsWith(selectors) => {
            for nodes in selectors {
                selector(nodes, place, visitor);
            }
        }
        ast::PeerKind::Aws(groups) => {
            for group in groups {
                values(&group.ids, place, visitor);
                values(&group.names, place, visitor);
                if let Some(labels) = &group.labels {
                    selector(labels, place, visitor);
                }
                if let Some(region) = &group.region {
                    value(region, place, visitor);
                }
            }
        }
        ast::PeerKind::Service {
            name,
            scope: namespaces,
        } => {
            value(name, place, visitor);
            if let Some(namespaces) = namespaces {
                scope(namespaces, place, visitor);
            }
        }
        ast::PeerKind::Services {
            selector: labels,
            scope: namespaces,
        } => {
            selector(labels, place, visitor);
            if let Some(namespaces) = namespaces {
                scope(namespaces, place, visitor);
            }
        }
        ast::PeerKind::ServiceList(items) => {
            for item in items {
                self::peer(item, place, visitor);
            }
        }
    }
}

fn rule_tail<'a>(rule: &'a ast::Rule, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    let slot = |slot: Slot| Place { slot, ..*place };
    if let Some(ports) = &rule.ports {
        values(&ports.node, place, visitor);
    }
    if let Some(names) = &rule.sni {
        values(&names.node, place, visitor);
    }
    for tls in &rule.tls {
        value(&tls.secret, place, visitor);
        for (_, item) in &tls.items {
            value(item, place, visitor);
        }
    }
    if let Some(listener) = &rule.listener {
        value(&listener.name, place, visitor);
        value(&listener.config, place, visitor);
    }
    for line in &rule.l7 {
        match line {
            ast::L7::Http(http) => {
                if let Some(ast::Method::Regex(method)) = &http.method {
                    value(method, place, visitor);
                }
                for part in http.path.iter().chain(&http.host).chain(&http.headers) {
                    value(part, place, visitor);
                }
                for header in &http.header_matches {
                    let parts = [
                        Some(&header.name),
                        header.value.as_ref(),
                        header.secret.as_ref(),
                    ];
                    for part in parts.into_iter().flatten() {
                        value(part, place, visitor);
                    }
                }
            }
            ast::L7::Grpc(call, _) => value(call, place, visitor),
            ast::L7::Kafka(kafka) => {
                for part in kafka.topic.iter().chain(&kafka.client) {
                    value(part, place, visitor);
                }
            }
            ast::L7::Dns(patterns, _) => values(patterns, &slot(Slot::Dns), visitor),
            ast::L7::Generic(generic) => {
                value(&generic.proto, place, visitor);
                for (key, text) in &generic.pairs {
                    value(key, place, visitor);
                    value(text, place, visitor);
                }
            }
        }
    }
}

fn expect<'a>(expect: &'a ast::Expect, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    let slot = |slot: Slot| Place { slot, ..*place };
    let flow = &expect.flow;
    for end in [&flow.from, &flow.to] {
        match &end.kind {
            ast::EndpointKind::Pods {
                labels,
                account,
                namespace,
            } => {
                if let Some(labels) = labels {
                    selector(labels, place, visitor);
                }
                if let Some(account) = account {
                    value(account, place, visitor);
                }
                if let Some(namespace) = namespace {
                    value(namespace, &slot(Slot::Namespace), visitor);
                }
            }
            ast::EndpointKind::Namespace(namespace) => {
                value(namespace, &slot(Slot::Namespace), visitor)
            }
            ast::EndpointKind::Node(labels) => {
                if let Some(labels) = labels {
                    selector(labels, place, visitor);
                }
            }
            ast::EndpointKind::Entity(_) => {}
            ast::EndpointKind::Cidr(address) => value(address, place, visitor),
            ast::EndpointKind::Fqdn(name) => value(name, place, visitor),
        }
    }
    if let Some(port) = &flow.port {
        if let ast::FlowPort::Port(port) = &port.node {
            value(port, place, visitor);
        }
    }
    match &flow.request {
        None => {}
        Some(ast::FlowRequest::Http {
            line,
            host,
            headers,
            ..
        }) => {
            for part in std::iter::once(line).chain(host).chain(headers) {
                value(part, place, visitor);
            }
        }
        Some(ast::FlowRequest::Dns(name, _)) => value(name, place, visitor),
        Some(ast::FlowRequest::Kafka(kafka)) => {
            for part in kafka.topic.iter().chain(&kafka.client) {
                value(part, place, visitor);
            }
        }
    }
}

fn scope<'a>(scope: &'a ast::Scope, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    let names_place = Place {
        slot: Slot::Namespace,
        ..*place
    };
    match &scope.kind {
        ast::ScopeKind::All { except } => values(except, &names_place, visitor),
        ast::ScopeKind::Labelled(labels) => selector(labels, place, visitor),
        ast::ScopeKind::Named(names) => values(names, &names_place, visitor),
    }
}

fn values<'a>(list: &'a [ast::Value], place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    for item in list {
        value(item, place, visitor);
    }
}

fn value<'a>(item: &'a ast::Value, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    visitor.value(item, place);
    match item {
        ast::Value::Ref(name) => visitor.reference(name, place),
        ast::Value::List(items, _) => values(items, place, visitor),
        ast::Value::Selector(labels) => selector(labels, place, visitor),
        ast::Value::Cidr(_) | ast::Value::Port(_) | ast::Value::String(_) | ast::Value::Word(_) => {
        }
    }
}

fn selector<'a>(labels: &'a ast::Selector, place: &Place<'a>, visitor: &mut impl Visitor<'a>) {
    match &labels.kind {
        ast::SelectorKind::Ref(name) => visitor.reference(name, place),
        ast::SelectorKind::Terms(terms) => {
            for term in terms {
                visitor.term(term, place);
                match term {
                    ast::Term::Eq(_, item) | ast::Term::Ne(_, item) => value(item, place, visitor),
                    ast::Term::In(_, items) | ast::Term::NotIn(_, items) => {
                        values(items, place, visitor)
                    }
                    ast::Term::Exists(_) | ast::Term::NotExists(_) => {}
                    ast::Term::Splice(name) => visitor.reference(name, place),
                }
            }
        }
    }
}
