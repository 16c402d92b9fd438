//! `expect` statements and flows.

use pest::iterators::Pair;

use super::{Cx, R, children};
use crate::ast;
use crate::source::Spanned;

impl Cx {
    pub(super) fn expect(&self, pair: Pair<'_, R>) -> ast::Expect {
        let span = self.span(&pair);
        let mut verb = None;
        let mut flow = None;
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::verb => verb = Some(self.verb(child)),
                R::flow => flow = Some(self.flow(child)),
                other => unreachable!("grammar: unexpected expect part {other:?}"),
            }
        }
        let (Some(verb), Some(flow)) = (verb, flow) else {
            unreachable!("grammar: expect has a verb and a flow")
        };
        ast::Expect { verb, flow, span }
    }

    pub(super) fn flow(&self, pair: Pair<'_, R>) -> ast::Flow {
        let span = self.span(&pair);
        let mut ends = Vec::new();
        let mut port = None;
        let mut request = None;
        for child in children(pair.into_inner()) {
            let child_span = self.span(&child);
            match child.as_rule() {
                R::endpoint => ends.push(self.endpoint(child)),
                R::flow_port => {
                    let value = children(child.into_inner())
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: port has a value"));
                    port = Some(Spanned::new(ast::FlowPort::Port(value), child_span));
                }
                R::flow_icmp => {
                    let item = children(child.into_inner())
                        .next()
                        .map(|item| self.icmp_item(item))
                        .unwrap_or_else(|| unreachable!("grammar: icmp has a type"));
                    port = Some(Spanned::new(ast::FlowPort::Icmp(item), child_span));
                }
                R::flow_http => {
                    let mut line = None;
                    let mut host = None;
                    let mut headers = Vec::new();
                    let mut after = None;
                    for part in child.into_inner() {
                        match part.as_rule() {
                            R::kw_host | R::kw_header => after = Some(part.as_rule()),
                            R::string_or_ref => {
                                let value = self.value(part);
                                match after {
                                    None => line = Some(value),
                                    Some(R::kw_host) => host = Some(value),
                                    Some(_) => headers.push(value),
                                }
                            }
                            _ => {}
                        }
                    }
                    let line = line.unwrap_or_else(|| unreachable!("grammar: http has a line"));
                    request = Some(ast::FlowRequest::Http {
                        line,
                        host,
                        headers,
                        span: child_span,
                    });
                }
                R::flow_dns => {
                    let value = children(child.into_inner())
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: dns has a name"));
                    request = Some(ast::FlowRequest::Dns(value, child_span));
                }
                R::kafka => request = Some(ast::FlowRequest::Kafka(self.kafka(child))),
                other => unreachable!("grammar: unexpected flow part {other:?}"),
            }
        }
        let mut ends = ends.into_iter();
        let (Some(from), Some(to)) = (ends.next(), ends.next()) else {
            unreachable!("grammar: a flow has two ends")
        };
        ast::Flow {
            from,
            to,
            port,
            request,
            span,
        }
    }

    fn endpoint(&self, pair: Pair<'_, R>) -> ast::Endpoint {
        let span = self.span(&pair);
        let inner = children(pair.into_inner())
            .next()
            .unwrap_or_else(|| unreachable!("grammar: an endpoint has a kind"));
        let first_value = |pair: Pair<'_, R>| {
            children(pair.into_inner())
                .next()
                .map(|value| self.value(value))
                .unwrap_or_else(|| unreachable!("grammar: an endpoint has a value"))
        };
        let kind = match inner.as_rule() {
            R::endpoint_pods => {
                let mut labels = None;
                let mut account = None;
                let mut namespace = None;
                for child in children(inner.into_inner()) {
                    match child.as_rule() {
                        R::selector => labels = Some(self.selector(child)),
                        R::endpoint_account => account = Some(first_value(child)),
                        R::endpoint_in => namespace = Some(first_value(child)),
                        other => unreachable!("grammar: unexpected pods part {other:?}"),
                    }
                }
                ast::EndpointKind::Pods {
                    labels,
                    account,
                    namespace,
                }
            }
            R::endpoint_namespace => ast::EndpointKind::Namespace(first_value(inner)),
            R::endpoint_node => ast::EndpointKind::Node(
                children(inner.into_inner())
                    .next()
                    .map(|selector| self.selector(selector)),
            ),
            R::endpoint_entity => ast::EndpointKind::Entity(
                children(inner.into_inner())
                    .next()
                    .map(|name| self.text(&name))
                    .unwrap_or_else(|| unreachable!("grammar: entity has a name")),
            ),
            R::endpoint_cidr => ast::EndpointKind::Cidr(first_value(inner)),
            R::endpoint_fqdn => ast::EndpointKind::Fqdn(first_value(inner)),
            other => unreachable!("grammar: unexpected endpoint {other:?}"),
        };
        ast::Endpoint { kind, span }
    }
}
