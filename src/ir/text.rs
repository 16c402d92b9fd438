//! The IR's text newtypes: each built only with a [`Checked`] witness and
//! read as a `&str`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use super::Checked;

/// Declares a newtype over checked text: built only with a [`Checked`]
/// witness, read as a `&str`.
macro_rules! checked_text {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps text that sema has checked.
            pub fn new(text: impl Into<String>, _checked: Checked) -> $name {
                $name(text.into())
            }

            /// The text as written in YAML.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Unit tests build IR by hand from literals.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_owned())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )*};
}

checked_text! {
    /// A label key, valid for Kubernetes and Cilium (source prefix included,
    /// as in `k8s:app`): an optional DNS-1123 prefix and `/`, then a name of
    /// at most 63 characters.
    LabelKey;
    /// A label value: empty, or at most 63 letters, digits, `-`, `_` and
    /// `.`, starting and ending with a letter or digit.
    LabelValue;
    /// A namespace name: a DNS-1123 label (at most 63 characters).
    NamespaceName;
    /// A policy's `metadata.name`: a DNS-1123 subdomain (at most 253
    /// characters).
    PolicyName;
    /// A CiliumCIDRGroup's `metadata.name`: a DNS-1123 subdomain.
    CidrGroupName;
    /// A Kubernetes service name: a DNS-1123 label.
    ServiceName;
    /// A named port: an IANA service name (at most 15 lower-case letters,
    /// digits and `-`, with a letter).
    PortName;
    /// A `matchName`: a DNS name without `*`, of Cilium's characters, at most
    /// 255 characters.
    FqdnName;
    /// A `matchPattern`: a DNS name with `*` (or a leading `**.`), of
    /// Cilium's characters, at most 255 characters.
    FqdnPattern;
    /// An HTTP `method`, `path` or `host`: a regular expression that Go's
    /// `regexp` and Envoy's RE2 both accept.
    HttpRegex;
    /// Text that is not blank: an HTTP header, a Kafka client ID.
    NonEmptyText;
    /// A Kafka `apiKey` from Cilium's list.
    KafkaApiKey;
    /// A Kafka `topic`: 1 to 255 of `[a-zA-Z0-9._-]`.
    KafkaTopic;
    /// A TLS server name (`serverNames` entry): a DNS name of letters,
    /// digits, `-`, `_` and `.`, with `*` where the targeted Cilium version
    /// allows it, at most 255 characters.
    ServerName;
    /// An ICMP type name from Cilium's table for its family.
    IcmpName;
    /// A policy `description`: any string the language can write.
    Description;
    /// A key of the object's `metadata.labels` or `metadata.annotations`: an
    /// optional DNS-1123 subdomain prefix and `/`, then a name of at most 63
    /// letters, digits, `-`, `_` and `.` (no Cilium `source:`).
    MetadataKey;
    /// A value of `metadata.annotations`: any string the language can write.
    AnnotationValue;
    /// A rule's `log.value`: at most 32 printable characters.
    LogValue;
}

impl NamespaceName {
    /// The name as a label value, for the namespace label that Cilium puts
    /// on every pod. A DNS-1123 label is always a valid label value.
    pub fn as_label_value(&self) -> LabelValue {
        LabelValue(self.0.clone())
    }

    /// The name as a policy name, for the policy of a namespace's bare
    /// rules. A DNS-1123 label is always a DNS-1123 subdomain.
    pub fn as_policy_name(&self) -> PolicyName {
        PolicyName(self.0.clone())
    }
}
