//! Expectations: `expect allow|deny from A to B port P [L7 request]`, and
//! the flow they describe (also what `netpolc trace` parses its arguments
//! into).

use super::rules::{IcmpItem, Kafka, Verb};
use super::values::{Selector, Value};
use crate::source::{Span, Spanned};

/// `expect allow|deny FLOW`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// `allow` or `deny`.
    pub verb: Spanned<Verb>,
    /// The flow.
    pub flow: Flow,
    /// The whole statement.
    pub span: Span,
}

/// `from A to B port P [L7 request]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The source.
    pub from: Endpoint,
    /// The destination.
    pub to: Endpoint,
    /// `port P` or `icmp TYPE`; `None` when neither is written (sema says
    /// what is missing).
    pub port: Option<Spanned<FlowPort>>,
    /// The L7 request.
    pub request: Option<FlowRequest>,
    /// The whole flow.
    pub span: Span,
}

/// The destination port of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowPort {
    /// `port 8080/tcp` or `port $P`.
    Port(Value),
    /// `icmp EchoRequest`.
    Icmp(IcmpItem),
}

/// One end of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// What kind of end.
    pub kind: EndpointKind,
    /// The whole end.
    pub span: Span,
}

/// The kinds of flow end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointKind {
    /// `pods [LABELS] [with account NAME] [in namespace NAME]`.
    Pods {
        /// The pod's labels, exactly.
        labels: Option<Selector>,
        /// `with account NAME`.
        account: Option<Value>,
        /// `in namespace NAME`.
        namespace: Option<Value>,
    },
    /// `namespace NAME`: a pod of the namespace with no labels.
    Namespace(Value),
    /// `node [LABELS]`.
    Node(Option<Selector>),
    /// `entity NAME`.
    Entity(Spanned<String>),
    /// `cidr ADDRESS`.
    Cidr(Value),
    /// `fqdn NAME`.
    Fqdn(Value),
}

/// The L7 request of a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowRequest {
    /// `http "GET /path" [host "h"] [header "K: v"]...`.
    Http {
        /// The request line, `METHOD PATH`.
        line: Value,
        /// `host "h"`.
        host: Option<Value>,
        /// `header "K: v"`, in order.
        headers: Vec<Value>,
        /// The whole request.
        span: Span,
    },
    /// `dns "name"`.
    Dns(Value, Span),
    /// `kafka produce topic "t"`: the rule words, read as one request.
    Kafka(Kafka),
}

impl FlowRequest {
    /// The request's span.
    pub fn span(&self) -> Span {
        match self {
            FlowRequest::Http { span, .. } | FlowRequest::Dns(_, span) => *span,
            FlowRequest::Kafka(kafka) => kafka.span,
        }
    }
}
