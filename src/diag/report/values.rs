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
    match problem {
        WrongType::Expected { wanted, what } => Diagnostic::new(
            Code::E0201,
            span,
            format!("expected {wanted}, found {what}"),
        ),
        WrongType::CidrList { found } => Diagnostic::new(
            Code::E0201,
            span,
            format!("expected a CIDR list, found {found}"),
        )
        .label("a CIDR group holds CIDRs"),
    }
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
    match problem {
        InvalidCidr::NotCidr { text } => {
            Diagnostic::new(Code::E0202, span, format!("`{text}` is not a valid CIDR"))
                .label("not an IP address or CIDR")
        }
        InvalidCidr::HostBits { text } => Diagnostic::new(
            Code::E0202,
            span,
            format!("`{text}` has host bits set"),
        )
        .label("the address is not the start of its prefix")
        .note("a typo in a CIDR silently allows the wrong range, so netpolc does not round it"),
    }
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
    match problem {
        ExceptOutsideCidr::CidrGroup { name } => Diagnostic::new(Code::E0203, span, format!("`except` cannot apply to the CIDR group `{name}`"))
        .label("exception on a CIDR group"),
        ExceptOutsideCidr::NotInside { excluded, cidr } => Diagnostic::new(Code::E0203, span, format!("`{excluded}` is not inside `{cidr}`"))
        .label("this exception is outside its CIDR")
        .note("Cilium drops a policy whose `except` is not inside the CIDR it belongs to (or of another IP family)")
        .help("remove the exception or fix the CIDR"),
    }
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
    /// "`{name}` is not a valid port name"
    BadName {
        /// The `name` in the message.
        name: &'a dyn fmt::Display,
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
    match problem {
        InvalidPort::LeadingZero { text } => Diagnostic::new(
            Code::E0204,
            span,
            format!("port `{text}` has a leading zero"),
        )
        .label("leading zero")
        .note("Cilium reads ports as Go integer literals, where a leading zero means octal"),
        InvalidPort::OutOfRange { text } => {
            Diagnostic::new(Code::E0204, span, format!("port `{text}` is out of range"))
                .label("not a port number")
                .note("ports are numbers from 0 to 65535")
        }
        InvalidPort::NamedRange => Diagnostic::new(
            Code::E0204,
            span,
            "a port range needs numbers at both ends".to_owned(),
        )
        .label("named port in a range")
        .help("write the range with numbers, such as `8000-8999/tcp`"),
        InvalidPort::BadName { name } => Diagnostic::new(
            Code::E0204,
            span,
            format!("`{name}` is not a valid port name"),
        )
        .label("not an IANA service name")
        .note(
            "a port name has at most 15 letters, digits and single `-`, with at least one letter",
        ),
        InvalidPort::EmptyRange { first, last } => Diagnostic::new(
            Code::E0204,
            span,
            format!("the port range `{first}-{last}` is empty or reversed"),
        )
        .label("the end must be above the start")
        .note("Cilium silently uses only the first port of such a range"),
    }
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
    match problem {
        InvalidLabelSelector::InventoryNotPairs => Diagnostic::new(Code::E0205, span, {
            "the labels of an inventory namespace must be `key=value` pairs".to_owned()
        })
        .label("a selector term that is not `key=value`")
        .note("the inventory says which labels a namespace carries; `in`, `notin`, `!=` and existence terms do not say that")
        .help("write the labels as `{ key=value, other=value }`"),
        InvalidLabelSelector::NamespaceSource { key } => Diagnostic::new(Code::E0205, span, format!("namespace label `{key}` has a source prefix"))
        .label("namespace labels have no source"),
        InvalidLabelSelector::NamespaceNamed => Diagnostic::new(Code::E0205, span, {
            "the selector already names its namespace".to_owned()
        })
        .label("a second namespace constraint")
        .help("keep either the namespace label in the selector or the `in ...` clause"),
        InvalidLabelSelector::EveryNamespace => Diagnostic::new(Code::E0205, span, {
            "`namespaces with {}` matches every namespace".to_owned()
        })
        .label("empty namespace selector")
        .help("write `in all namespaces` to mean every namespace"),
        InvalidLabelSelector::Key { text } => Diagnostic::new(Code::E0205, span, format!("`{text}` is not a valid label key"))
        .label("invalid label key"),
        InvalidLabelSelector::Value { text } => Diagnostic::new(Code::E0205, span, format!("`{text}` is not a valid label value"))
        .label("invalid label value")
        .note("a label value has at most 63 letters, digits, `-`, `_` and `.`, and starts and ends with a letter or digit"),
        InvalidLabelSelector::Conflict {
            key,
            previous,
            value,
        } => Diagnostic::new(Code::E0205, span, format!("the label `{key}` is required to be both `{previous}` and `{value}`"))
        .label("conflicting value")
        .note("a label has one value, so this selector matches nothing"),
    }
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
    match problem {
        InvalidName::CategoryPolicy { name } => Diagnostic::new(Code::E0206, span, format!("category `{name}` cannot name a policy"))
        .label("used at namespace level, the category becomes a policy of this name")
        .note("policy names are DNS-1123 subdomains: lower-case letters, digits, `-` and `.`; netpolc writes a category's `_` as `-`"),
        InvalidName::Service { text } => Diagnostic::new(Code::E0206, span, format!("`{text}` is not a valid service name"))
        .label("invalid service name")
        .note("a service name is a DNS-1123 label: lower-case letters, digits and `-`"),
        InvalidName::Namespace { text } => Diagnostic::new(Code::E0206, span, format!("`{text}` is not a valid namespace name"))
        .label("invalid namespace name")
        .note("a namespace name is a DNS-1123 label: at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit"),
        InvalidName::Object { text, what } => Diagnostic::new(Code::E0206, span, format!("`{text}` is not a valid {what} name")),
        InvalidName::ConstantCidrGroup { name } => Diagnostic::new(Code::E0206, span, format!("the constant `{name}` cannot name a CIDR group")),
    }
}

/// `E0207`: unknown entity.
pub fn unknown_entity(span: Span, text: &dyn fmt::Display) -> Diagnostic {
    Diagnostic::new(Code::E0207, span, format!("unknown entity `{text}`"))
        .label("not a Cilium entity")
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
    match problem {
        InvalidFqdn::Invalid { text } => Diagnostic::new(Code::E0208, span, format!("`{text}` is not a valid FQDN name or pattern"))
        .label("invalid FQDN"),
        InvalidFqdn::Empty => Diagnostic::new(Code::E0208, span, "an FQDN name or pattern cannot be empty".to_owned())
        .label("empty string")
        .help("write a name such as `\"api.example.com\"` or a pattern such as `\"*.example.com\"`"),
        InvalidFqdn::DoubleStar { text } => Diagnostic::new(Code::E0208, span, format!("`**` in `{text}` matches within one label, not across labels"))
        .label("`**` that is not a leading `**.`")
        .note("Cilium matches several labels only with a leading `**.` (`**.example.com`); anywhere else `**` matches like `*`, which never crosses a `.`")
        .help("write `*` to match within one label, or start the pattern with `**.` to match one or more labels"),
    }
}

/// What [`invalid_icmp_type`] reports.
pub enum InvalidIcmpType<'a> {
    /// "ICMP type `{text}` is out of range"
    OutOfRange {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "`{text}` is not an {family} ICMP type"
    NotInFamily {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
        /// The `family` in the message.
        family: &'a dyn fmt::Display,
    },
}

/// `E0209`: invalid ICMP type.
pub fn invalid_icmp_type(span: Span, problem: InvalidIcmpType<'_>) -> Diagnostic {
    match problem {
        InvalidIcmpType::OutOfRange { text } => Diagnostic::new(
            Code::E0209,
            span,
            format!("ICMP type `{text}` is out of range"),
        )
        .label("not an ICMP type")
        .note("ICMP types are numbers from 0 to 255 or names such as `EchoRequest`"),
        InvalidIcmpType::NotInFamily { text, family } => Diagnostic::new(
            Code::E0209,
            span,
            format!("`{text}` is not an {family} ICMP type"),
        ),
    }
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
    match problem {
        InvalidHttpRegex::Invalid { what, shown } => Diagnostic::new(Code::E0211, span, format!("the HTTP {what} `{shown}` is not a valid regular expression")),
        InvalidHttpRegex::NotRe2 {
            what,
            shown,
            written,
        } => Diagnostic::new(Code::E0211, span, format!("the HTTP {what} `{shown}` uses `{written}`, which Envoy's RE2 does not know"))
        .label("a class name Go accepts and RE2 does not")
        .note("Go's `regexp` accepts it, but Envoy matches HTTP rules with C++ RE2, which knows Unicode classes only by their exact table names, and rejects the configuration"),
    }
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
    match problem {
        InvalidKafkaRule::ApiKey { key } => {
            Diagnostic::new(Code::E0212, span, format!("unknown Kafka API key `{key}`"))
                .label("not a Kafka API key Cilium knows")
        }
        InvalidKafkaRule::Topic { text } => Diagnostic::new(
            Code::E0212,
            span,
            format!("`{text}` is not a valid Kafka topic"),
        )
        .label("invalid topic")
        .note("Kafka topics have 1 to 255 letters, digits, `.`, `_` and `-`"),
        InvalidKafkaRule::ApiVersion { text } => Diagnostic::new(
            Code::E0212,
            span,
            format!("Kafka API version `{text}` is out of range"),
        )
        .label("not an API version")
        .note("Kafka API versions are numbers from 0 to 32767"),
    }
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
    match problem {
        InvalidString::GrpcMethod { path } => {
            Diagnostic::new(Code::E0213, span, format!("`{path}` is not a gRPC method"))
                .label("expected `package.Service/Method`")
                .note("gRPC calls are HTTP/2 POSTs to `/package.Service/Method`")
                .help("write `grpc \"package.Service/Method\"`")
        }
        InvalidString::Empty { what } => {
            Diagnostic::new(Code::E0213, span, format!("the {what} is empty")).label("empty string")
        }
    }
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
    /// The server names of `sni ...`.
    ServerNames,
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
        EmptyList::ServerNames => diag("`sni` names no server name".to_owned())
            .note("Cilium needs at least one name in `serverNames` (`minItems: 1`)")
            .help("list the server names, or remove `sni` to allow any TLS traffic on the port"),
    }
}
