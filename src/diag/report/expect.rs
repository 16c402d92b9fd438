//! Expectations and flows (E08xx).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// `E0801`: an expectation does not hold: `expected` is `allow` or `deny`,
/// `flow` the flow in words, `outcome` what happens instead (`they deny
/// it`).
pub fn expectation_failed(
    span: Span,
    expected: &dyn fmt::Display,
    flow: &dyn fmt::Display,
    outcome: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0801,
        span,
        format!("expected the policies to {expected} {flow}, but {outcome}"),
    )
}

/// `E0802`: a namespace an expectation names is not in the repository.
pub fn unknown_flow_namespace(span: Span, name: &dyn fmt::Display, inventory: bool) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::E0802,
        span,
        format!("the namespace `{name}` is not in this repository"),
    );
    if inventory {
        diag.label("not in the `cluster namespaces` inventory")
    } else {
        diag.label("no `namespace` block declares it")
    }
}

/// What [`not_an_endpoint`] reports.
pub enum NotAnEndpoint<'a> {
    /// "`entity {name}` is a set of endpoints, not one"
    Entity {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "`{cidr}` is a range of addresses, not one"
    Range {
        /// The `cidr` in the message.
        cidr: &'a dyn fmt::Display,
    },
    /// "`{name}` is a pattern, not one name"
    Pattern {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
}

/// `E0803`: a flow end that is not one endpoint.
pub fn not_an_endpoint(span: Span, problem: NotAnEndpoint<'_>) -> Diagnostic {
    let message = match problem {
        NotAnEndpoint::Entity { name } => format!("`entity {name}` is a set of endpoints, not one"),
        NotAnEndpoint::Range { cidr } => format!("`{cidr}` is a range of addresses, not one"),
        NotAnEndpoint::Pattern { name } => format!("`{name}` is a pattern, not one name"),
    };
    Diagnostic::new(Code::E0803, span, message)
        .label("a flow goes from one endpoint to one endpoint")
}

/// `E0804`: pods without a namespace where no namespace encloses them.
pub fn flow_pods_without_namespace(span: Span) -> Diagnostic {
    Diagnostic::new(Code::E0804, span, "these pods have no namespace".to_owned())
        .label("which namespace are they in?")
}

/// What [`invalid_flow_port`] reports.
pub enum InvalidFlowPort<'a> {
    /// "the flow has no port"
    Missing,
    /// "`{port}` has no protocol"
    NoProtocol {
        /// The `port` in the message.
        port: &'a dyn fmt::Display,
    },
    /// "`{port}` is not one port"
    NotOne {
        /// The `port` in the message.
        port: &'a dyn fmt::Display,
    },
    /// "port 0 is not a port a flow can go to"
    Zero,
    /// "a flow's port is a number, not the name `{name}`"
    Named {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
}

/// `E0805`: a flow's port is missing or is not one port of one protocol.
pub fn invalid_flow_port(span: Span, problem: InvalidFlowPort<'_>) -> Diagnostic {
    let message = match problem {
        InvalidFlowPort::Missing => "the flow has no port".to_owned(),
        InvalidFlowPort::NoProtocol { port } => format!("`{port}` has no protocol"),
        InvalidFlowPort::NotOne { port } => format!("`{port}` is not one port"),
        InvalidFlowPort::Zero => "port 0 is not a port a flow can go to".to_owned(),
        InvalidFlowPort::Named { name } => {
            format!("a flow's port is a number, not the name `{name}`")
        }
    };
    Diagnostic::new(Code::E0805, span, message)
}

/// `E0806`: an L7 request that cannot be read: `what` is `HTTP request
/// line`, `HTTP header`, `Kafka request`; `why` says what is wrong.
pub fn invalid_flow_request(
    span: Span,
    what: &dyn fmt::Display,
    text: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(Code::E0806, span, format!("invalid {what} `{text}`"))
}

/// `E0807`: a DNS name of a flow that is not a valid name.
pub fn invalid_flow_dns_name(span: Span, name: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0807,
        span,
        format!("`{name}` is not a valid DNS name"),
    )
}

/// `E0808`: the labels of a flow's pod or node are not `key=value` pairs.
pub fn flow_labels_not_pairs(span: Span, what: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0808,
        span,
        format!("the labels of a flow's {what} must be `key=value` pairs"),
    )
    .label("a selector, not labels")
}

/// `E0809`: an L7 request the flow's protocol cannot carry.
pub fn flow_request_protocol(
    span: Span,
    request: &dyn fmt::Display,
    protocol: &dyn fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0809,
        span,
        format!("{request} requests cannot go over {protocol}"),
    )
}
