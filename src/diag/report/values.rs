//! Values: types, CIDRs, ports, labels, names, FQDNs, ICMP, HTTP and Kafka (E02xx).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// What [`wrong_type`] reports.
pub enum WrongType<'a> {
    /// "expected {wanted}, found {what}"
    Expected {
        /// The `wanted` in the message.
        wanted: &'a dyn fmt::Display,
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
    },
    /// "expected a CIDR list, found {found}"
    CidrList {
        /// The `found` in the message.
        found: &'a dyn fmt::Display,
    },
}

/// `E0201`: value of the wrong type.
pub fn wrong_type(span: Span, problem: WrongType<'_>) -> Diagnostic {
    let message = match problem {
        WrongType::Expected { wanted, what } => format!("expected {wanted}, found {what}"),
        WrongType::CidrList { found } => format!("expected a CIDR list, found {found}"),
    };
    Diagnostic::new(Code::E0201, span, message)
}

/// What [`invalid_cidr`] reports.
pub enum InvalidCidr<'a> {
    /// "`{text}` is not a valid CIDR"
    NotCidr {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "`{text}` has host bits set"
    HostBits {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
}

/// `E0202`: invalid CIDR.
pub fn invalid_cidr(span: Span, problem: InvalidCidr<'_>) -> Diagnostic {
    let message = match problem {
        InvalidCidr::NotCidr { text } => format!("`{text}` is not a valid CIDR"),
        InvalidCidr::HostBits { text } => format!("`{text}` has host bits set"),
    };
    Diagnostic::new(Code::E0202, span, message)
}

/// What [`except_outside_cidr`] reports.
pub enum ExceptOutsideCidr<'a> {
    /// "`except` cannot apply to the CIDR group `{name}`"
    CidrGroup {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "`{excluded}` is not inside `{cidr}`"
    NotInside {
        /// The `excluded` in the message.
        excluded: &'a dyn fmt::Display,
        /// The `cidr` in the message.
        cidr: &'a dyn fmt::Display,
    },
}

/// `E0203`: `except` outside its CIDR.
pub fn except_outside_cidr(span: Span, problem: ExceptOutsideCidr<'_>) -> Diagnostic {
    let message = match problem {
        ExceptOutsideCidr::CidrGroup { name } => {
            format!("`except` cannot apply to the CIDR group `{name}`")
        }
        ExceptOutsideCidr::NotInside { excluded, cidr } => {
            format!("`{excluded}` is not inside `{cidr}`")
        }
    };
    Diagnostic::new(Code::E0203, span, message)
}

/// What [`invalid_port`] reports.
pub enum InvalidPort<'a> {
    /// "port `{text}` has a leading zero"
    LeadingZero {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "port `{text}` is out of range"
    OutOfRange {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "a port range needs numbers at both ends"
    NamedRange,
    /// "`{start}` is not a valid port name"
    BadName {
        /// The `start` in the message.
        start: &'a dyn fmt::Display,
    },
    /// "the port range `{first}-{last}` is empty or reversed"
    EmptyRange {
        /// The `first` in the message.
        first: &'a dyn fmt::Display,
        /// The `last` in the message.
        last: &'a dyn fmt::Display,
    },
}

/// `E0204`: invalid port.
pub fn invalid_port(span: Span, problem: InvalidPort<'_>) -> Diagnostic {
    let message = match problem {
        InvalidPort::LeadingZero { text } => format!("port `{text}` has a leading zero"),
        InvalidPort::OutOfRange { text } => format!("port `{text}` is out of range"),
        InvalidPort::NamedRange => "a port range needs numbers at both ends".to_owned(),
        InvalidPort::BadName { start } => format!("`{start}` is not a valid port name"),
        InvalidPort::EmptyRange { first, last } => {
            format!("the port range `{first}-{last}` is empty or reversed")
        }
    };
    Diagnostic::new(Code::E0204, span, message)
}

/// What [`invalid_label_selector`] reports.
pub enum InvalidLabelSelector<'a> {
    /// "the labels of an inventory namespace must be `key=value` pairs"
    InventoryNotPairs,
    /// "namespace label `{key}` has a source prefix"
    NamespaceSource {
        /// The `key` in the message.
        key: &'a dyn fmt::Display,
    },
    /// "the selector already names its namespace"
    NamespaceNamed,
    /// "`namespaces with {}` matches every namespace"
    EveryNamespace,
    /// "`{text}` is not a valid label key"
    Key {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "`{text}` is not a valid label value"
    Value {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "the label `{key}` is required to be both `{previous}` and `{value}`"
    Conflict {
        /// The `key` in the message.
        key: &'a dyn fmt::Display,
        /// The `previous` in the message.
        previous: &'a dyn fmt::Display,
        /// The `value` in the message.
        value: &'a dyn fmt::Display,
    },
}

/// `E0205`: invalid label selector.
pub fn invalid_label_selector(span: Span, problem: InvalidLabelSelector<'_>) -> Diagnostic {
    let message = match problem {
        InvalidLabelSelector::InventoryNotPairs => {
            "the labels of an inventory namespace must be `key=value` pairs".to_owned()
        }
        InvalidLabelSelector::NamespaceSource { key } => {
            format!("namespace label `{key}` has a source prefix")
        }
        InvalidLabelSelector::NamespaceNamed => {
            "the selector already names its namespace".to_owned()
        }
        InvalidLabelSelector::EveryNamespace => {
            "`namespaces with {}` matches every namespace".to_owned()
        }
        InvalidLabelSelector::Key { text } => format!("`{text}` is not a valid label key"),
        InvalidLabelSelector::Value { text } => format!("`{text}` is not a valid label value"),
        InvalidLabelSelector::Conflict {
            key,
            previous,
            value,
        } => format!("the label `{key}` is required to be both `{previous}` and `{value}`"),
    };
    Diagnostic::new(Code::E0205, span, message)
}

/// What [`invalid_name`] reports.
pub enum InvalidName<'a> {
    /// "category `{name}` cannot name a policy"
    CategoryPolicy {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
    /// "`{text}` is not a valid service name"
    Service {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "`{text}` is not a valid namespace name"
    Namespace {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "`{text}` is not a valid {what} name"
    Object {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
    },
    /// "the constant `{name}` cannot name a CIDR group"
    ConstantCidrGroup {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
    },
}

/// `E0206`: invalid name.
pub fn invalid_name(span: Span, problem: InvalidName<'_>) -> Diagnostic {
    let message = match problem {
        InvalidName::CategoryPolicy { name } => format!("category `{name}` cannot name a policy"),
        InvalidName::Service { text } => format!("`{text}` is not a valid service name"),
        InvalidName::Namespace { text } => format!("`{text}` is not a valid namespace name"),
        InvalidName::Object { text, what } => format!("`{text}` is not a valid {what} name"),
        InvalidName::ConstantCidrGroup { name } => {
            format!("the constant `{name}` cannot name a CIDR group")
        }
    };
    Diagnostic::new(Code::E0206, span, message)
}

/// `E0207`: unknown entity.
pub fn unknown_entity(span: Span, text: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::E0207, span, format!("unknown entity `{text}`"))
}

/// What [`invalid_fqdn`] reports.
pub enum InvalidFqdn<'a> {
    /// "`{text}` is not a valid FQDN name or pattern"
    Invalid {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "an FQDN name or pattern cannot be empty"
    Empty,
    /// "`**` in `{text}` matches within one label, not across labels"
    DoubleStar {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
}

/// `E0208`: invalid FQDN name or pattern.
pub fn invalid_fqdn(span: Span, problem: InvalidFqdn<'_>) -> Diagnostic {
    let message = match problem {
        InvalidFqdn::Invalid { text } => format!("`{text}` is not a valid FQDN name or pattern"),
        InvalidFqdn::Empty => "an FQDN name or pattern cannot be empty".to_owned(),
        InvalidFqdn::DoubleStar { text } => {
            format!("`**` in `{text}` matches within one label, not across labels")
        }
    };
    Diagnostic::new(Code::E0208, span, message)
}

/// What [`invalid_icmp_type`] reports.
pub enum InvalidIcmpType<'a> {
    /// "ICMP type `{text}` is out of range"
    OutOfRange {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "`{text}` is not an {family_word} ICMP type"
    NotInFamily {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
        /// The `family_word` in the message.
        family_word: &'a dyn fmt::Display,
    },
}

/// `E0209`: invalid ICMP type.
pub fn invalid_icmp_type(span: Span, problem: InvalidIcmpType<'_>) -> Diagnostic {
    let message = match problem {
        InvalidIcmpType::OutOfRange { text } => format!("ICMP type `{text}` is out of range"),
        InvalidIcmpType::NotInFamily { text, family_word } => {
            format!("`{text}` is not an {family_word} ICMP type")
        }
    };
    Diagnostic::new(Code::E0209, span, message)
}

/// `E0210`: list mixes values of different types.
pub fn mixed_list(span: Span, first: &dyn fmt::Display, then: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(
        Code::E0210,
        span,
        format!("this list mixes {first} with {then}"),
    )
}

/// What [`invalid_http_regex`] reports.
pub enum InvalidHttpRegex<'a> {
    /// "the HTTP {what} `{shown}` is not a valid regular expression"
    Invalid {
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
        /// The `shown` in the message.
        shown: &'a dyn fmt::Display,
    },
    /// "the HTTP {what} `{shown}` uses `{written}`, which Envoy's RE2 does not know"
    NotRe2 {
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
        /// The `shown` in the message.
        shown: &'a dyn fmt::Display,
        /// The `written` in the message.
        written: &'a dyn fmt::Display,
    },
}

/// `E0211`: invalid HTTP regular expression.
pub fn invalid_http_regex(span: Span, problem: InvalidHttpRegex<'_>) -> Diagnostic {
    let message = match problem {
        InvalidHttpRegex::Invalid { what, shown } => {
            format!("the HTTP {what} `{shown}` is not a valid regular expression")
        }
        InvalidHttpRegex::NotRe2 {
            what,
            shown,
            written,
        } => format!("the HTTP {what} `{shown}` uses `{written}`, which Envoy's RE2 does not know"),
    };
    Diagnostic::new(Code::E0211, span, message)
}

/// What [`invalid_kafka_rule`] reports.
pub enum InvalidKafkaRule<'a> {
    /// "unknown Kafka API key `{key}`"
    ApiKey {
        /// The `key` in the message.
        key: &'a dyn fmt::Display,
    },
    /// "`{text}` is not a valid Kafka topic"
    Topic {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "Kafka API version `{text}` is out of range"
    ApiVersion {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
}

/// `E0212`: invalid Kafka rule.
pub fn invalid_kafka_rule(span: Span, problem: InvalidKafkaRule<'_>) -> Diagnostic {
    let message = match problem {
        InvalidKafkaRule::ApiKey { key } => format!("unknown Kafka API key `{key}`"),
        InvalidKafkaRule::Topic { text } => format!("`{text}` is not a valid Kafka topic"),
        InvalidKafkaRule::ApiVersion { text } => {
            format!("Kafka API version `{text}` is out of range")
        }
    };
    Diagnostic::new(Code::E0212, span, message)
}

/// What [`invalid_string`] reports.
pub enum InvalidString<'a> {
    /// "`{path}` is not a gRPC method"
    GrpcMethod {
        /// The `path` in the message.
        path: &'a dyn fmt::Display,
    },
    /// "the {what} is empty"
    Empty {
        /// The `what` in the message.
        what: &'a dyn fmt::Display,
    },
}

/// `E0213`: invalid string.
pub fn invalid_string(span: Span, problem: InvalidString<'_>) -> Diagnostic {
    let message = match problem {
        InvalidString::GrpcMethod { path } => format!("`{path}` is not a gRPC method"),
        InvalidString::Empty { what } => format!("the {what} is empty"),
    };
    Diagnostic::new(Code::E0213, span, message)
}

/// The list [`empty_list`] reports.
pub enum EmptyList<'a> {
    /// The values of a `key in (...)` or `key notin (...)` selector term.
    Values {
        /// `"in"` or `"notin"`.
        operator: &'a str,
        /// The label key of the term.
        key: &'a dyn fmt::Display,
    },
    /// The namespaces of `in namespace ...`.
    Namespace,
    /// The ports of `port ...`.
    Port,
    /// The names and patterns of `dns ...`.
    Dns,
}

/// `E0214`: empty list where Cilium needs a value.
pub fn empty_list(span: Span, list: EmptyList<'_>) -> Diagnostic {
    let diag =
        |message: String| Diagnostic::new(Code::E0214, span, message).label("this list is empty");
    match list {
        EmptyList::Values { operator, key } => {
            let (article, help) = if operator == "in" {
                ("an `In`", format!("to match no pod, remove the rule; to match any value, write `{key}`"))
            } else {
                ("a `NotIn`", format!("to exclude no value, write `{key}` or remove the term"))
            };
            diag(format!("`{operator}` needs at least one value"))
                .note(format!("Cilium refuses {article} expression with no values and drops the whole policy"))
                .help(help)
        }
        EmptyList::Namespace => diag("`in namespace` names no namespace".to_owned())
            .note("Cilium refuses an `In` expression with no values and drops the whole policy")
            .help("name a namespace, or write `in all namespaces`"),
        EmptyList::Port => diag("`port` names no port".to_owned())
            .note("a rule without ports allows every port, so an empty list would widen the rule instead of closing it")
            .help("give the list a port, or remove `port ...` to allow every port on purpose"),
        EmptyList::Dns => diag("`dns` names no name or pattern".to_owned())
            .note("Cilium reads an empty list of DNS rules as no DNS rule at all")
            .help("give the list a name, or write `dns \"*\"` to let the proxy see every lookup"),
    }
}
