//! Cilium versions (E042x).

use std::fmt;

use crate::diag::{Code, Diagnostic};
use crate::source::Span;

/// What [`unknown_version`] reports.
pub enum UnknownVersion<'a> {
    /// "netpolc does not know Cilium `{text}`"
    Unknown {
        /// The `text` in the message.
        text: &'a dyn fmt::Display,
    },
    /// "the repository targets both Cilium {first} and Cilium {version}"
    Conflict {
        /// The `first` in the message.
        first: &'a dyn fmt::Display,
        /// The `version` in the message.
        version: &'a dyn fmt::Display,
    },
}

/// `E0420`: unknown or conflicting Cilium version.
pub fn unknown_version(span: Span, problem: UnknownVersion<'_>) -> Diagnostic {
    match problem {
        UnknownVersion::Unknown { text } => Diagnostic::new(
            Code::E0420,
            span,
            format!("netpolc does not know Cilium `{text}`"),
        )
        .label("unknown version"),
        UnknownVersion::Conflict { first, version } => Diagnostic::new(
            Code::E0420,
            span,
            format!("the repository targets both Cilium {first} and Cilium {version}"),
        ),
    }
}

/// What [`feature_unavailable`] reports.
pub enum FeatureUnavailable<'a> {
    /// "Cilium {version} has no Kafka rules"
    NoKafka {
        /// The `version` in the message.
        version: &'a dyn fmt::Display,
    },
    /// "Cilium {version} has no generic L7 rules"
    NoGenericL7 {
        /// The `version` in the message.
        version: &'a dyn fmt::Display,
    },
    /// "{feature} needs Cilium {since}, and the repository targets Cilium {version}"
    Needs {
        /// The `feature` in the message.
        feature: &'a dyn fmt::Display,
        /// The `since` in the message.
        since: &'a dyn fmt::Display,
        /// The `version` in the message.
        version: &'a dyn fmt::Display,
    },
}

/// `E0421`: feature not available in the targeted Cilium version.
pub fn feature_unavailable(span: Span, problem: FeatureUnavailable<'_>) -> Diagnostic {
    match problem {
        FeatureUnavailable::NoKafka { version } => Diagnostic::new(
            Code::E0421,
            span,
            format!("Cilium {version} has no Kafka rules"),
        )
        .label("Kafka rule"),
        FeatureUnavailable::NoGenericL7 { version } => Diagnostic::new(
            Code::E0421,
            span,
            format!("Cilium {version} has no generic L7 rules (`l7proto`)"),
        )
        .label("generic L7 rule"),
        FeatureUnavailable::Needs {
            feature,
            since,
            version,
        } => Diagnostic::new(
            Code::E0421,
            span,
            format!("{feature} needs Cilium {since}{TARGETS}{version}"),
        ),
    }
}

/// The part of an E0421 `Needs` message after the feature and its line.
const TARGETS: &str = ", and the repository targets Cilium ";

/// For an E0421 diagnostic, what it says the feature needs, without the
/// line the repository targets: "the GRE, IPIP, IPV6, ESP or AH protocol
/// needs Cilium 1.20" (the whole message for the other E0421 messages);
/// `None` for any other code.
pub fn unavailable_feature(diag: &Diagnostic) -> Option<&str> {
    // By name: this module's one E0421 constructor is `feature_unavailable`.
    (diag.code.as_str() == "E0421").then(|| {
        diag.message
            .split_once(TARGETS)
            .map_or(diag.message.as_str(), |(needs, _)| needs)
    })
}
