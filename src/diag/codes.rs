//! The registry of diagnostic codes.
//!
//! Codes are forever: a retired code keeps its explanation, marked "no longer
//! emitted". Each code has a title and an explanation in `explain/<CODE>.md`
//! with an erroneous example fenced as `netpol,<CODE>` and a fixed one fenced
//! as `netpol`; the tidy test in `tests/it/error_codes.rs` checks both.
//! Each code is built by exactly one constructor in [`super::report`]
//! (checked by `tests/it/tidy_diagnostics.rs`).

use std::fmt;

use super::Severity;

macro_rules! codes {
    ($($code:ident: $title:literal,)*) => {
        /// A diagnostic code such as `E0203`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $title]
                $code,
            )*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// The code as written, `E0203`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// A one-line title.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$code => $title,)*
                }
            }

            /// The long explanation, in Markdown.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("explain/", stringify!($code), ".md")),)*
                }
            }
        }
    };
}

codes! {
    E0001: "syntax error",
    E0002: "unterminated string",
    E0003: "source file is not valid UTF-8",
    E0004: "source file is too large",
    E0005: "nesting is too deep",
    E0006: "bidirectional control character in source",
    E0101: "unknown constant or parameter",
    E0102: "unknown category",
    E0103: "duplicate definition",
    E0104: "imported file not found",
    E0105: "categories use each other in a cycle",
    E0106: "`silence` without a reason, or of a code that is not a warning",
    E0107: "definitions nested too deeply",
    E0108: "expansion exceeds its budget",
    E0109: "unknown rule sentence",
    E0201: "value of the wrong type",
    E0202: "invalid CIDR",
    E0203: "`except` outside its CIDR",
    E0204: "invalid port",
    E0205: "invalid label selector",
    E0206: "invalid name",
    E0207: "unknown entity",
    E0208: "invalid FQDN name or pattern",
    E0209: "invalid ICMP type",
    E0210: "list mixes values of different types",
    E0211: "invalid HTTP regular expression",
    E0212: "invalid Kafka rule",
    E0213: "invalid string",
    E0214: "empty list where Cilium needs a value",
    E0216: "invalid TLS server name",
    E0217: "duplicate TLS server name",
    E0218: "TLS server names together with L7 rules",
    E0219: "TLS server names where Cilium has no place for them",
    E0220: "authentication on a deny rule",
    E0221: "unknown authentication mode",
    E0222: "a port on VRRP or IGMP",
    E0223: "unknown header mismatch action",
    E0224: "invalid secret reference",
    E0225: "Envoy listener where Cilium has no place for it",
    E0226: "Envoy listener together with L7 rules",
    E0227: "Envoy listener priority out of range",
    E0228: "empty Envoy listener or config name",
    E0229: "invalid generic L7 rule",
    E0230: "node selector naming a label no node has",
    E0231: "invalid CIDR group labels",
    E0232: "AWS group that selects no security group and no label",
    E0233: "AWS group labels that are not plain `key=value` pairs",
    E0234: "TLS interception where Cilium has no place for it",
    E0235: "TLS interception without L7 rules",
    E0236: "TLS interception given twice",
    E0240: "invalid metadata label or annotation key",
    E0241: "one metadata key with two values",
    E0242: "invalid log value",
    E0243: "statement beside `spec` blocks",
    E0244: "`spec` block or statement in the wrong place",
    E0245: "empty `spec` block",
    E0301: "missing argument",
    E0302: "unknown argument",
    E0303: "category with policies used inside a policy",
    E0304: "two policies with the same name in one namespace",
    E0305: "statement not allowed here",
    E0309: "positional argument in a `use`",
    E0306: "two categories declare the same rule sentence",
    E0307: "invalid sentence declaration",
    E0308: "rule sentence does not fit its declaration",
    E0401: "policy allows and denies nothing",
    E0402: "L7 rule on a port that is not TCP",
    E0403: "L7 rule without a specific port",
    E0404: "DNS rule in the wrong place",
    E0405: "more than one kind of L7 rule in one rule",
    E0406: "more than 40 ports in one rule",
    E0407: "more than 40 ICMP types in one rule",
    E0408: "`port` and `icmp` in one rule",
    E0409: "node selector in a namespace policy",
    E0410: "deny rule with L7",
    E0411: "FQDN peer outside an egress allow rule",
    E0412: "L7 rule on the host firewall",
    E0413: "service peer outside an egress rule",
    E0414: "policy selects both pods and nodes",
    E0415: "`default deny` and `no default deny` in one policy",
    E0420: "unknown or conflicting Cilium version",
    E0421: "feature not available in the targeted Cilium version",
    E0501: "`entity all` must be said on purpose",
    E0502: "policy for a system namespace must be said on purpose",
    E0503: "cluster-wide policy over every namespace must be said on purpose",
    E0504: "rule that allows nothing must be said on purpose",
    E0505: "pod peer in a cluster-wide policy without a namespace",
    E0701: "cannot import this field",
    E0702: "invalid policy document",
    E0703: "import output directory already holds `.netpol` files",
    E0704: "two imported policies with the same name",
    E0705: "nothing to import",
    E0708: "a field Cilium has removed",
    E0801: "expectation does not hold",
    E0802: "unknown namespace in a flow",
    E0803: "flow end that is not one endpoint",
    E0804: "pods without a namespace in a flow",
    E0805: "flow without one port of one protocol",
    E0806: "invalid L7 request in a flow",
    E0807: "invalid DNS name in a flow",
    E0808: "flow labels that are not `key=value` pairs",
    E0809: "L7 request the flow's protocol cannot carry",
    E0811: "`trace` needs exactly one of `--port` and `--icmp`",
    E0812: "`--yaml` together with a repository",
    E0813: "more than one L7 request in a trace",
    E0814: "no `expect` statement to test",
    E0815: "git cannot be run",
    E0816: "repository not inside a git work tree",
    E0817: "unknown git revision",
    E0818: "two old revisions for `diff --flows`",
    E0819: "git failed reading a revision",
    E0901: "refusing to touch a file netpolc did not generate",
    E0902: "cannot read input",
    E0903: "cannot write output",
    E0904: "no source files",
    E0905: "path is not a regular file inside the repository",
    E0906: "refusing to write through a symbolic link or over a non-regular file",
    E0907: "source path is not UTF-8 or holds a control character",
    W0101: "`fqdn` peer without a DNS rule that matches it",
    W0102: "policy with only deny rules in a direction",
    W0103: "cluster-wide policy over a system namespace",
    W0104: "very broad FQDN pattern",
    W0105: "L7 rule on a broad peer",
    W0106: "the same literal written in several places",
    W0107: "CIDR inside another of the same list",
    W0108: "the same rule twice in a policy",
    W0109: "unused constant",
    W0110: "unused category",
    W0111: "unused import",
    W0112: "selector label one typo away from another",
    W0113: "policy map may overflow",
    W0114: "namespace in the inventory without a policy",
    W0115: "`silence` that silences nothing",
    W0116: "namespace not in the inventory",
    W0117: "invisible formatting character in a string",
    W0118: "allow rule without a port to or from shared infrastructure",
    W0120: "imported policy restricts a system namespace",
    W0121: "egress allowed, but the destination's ingress refuses it",
    W0122: "ingress allowed, but the source's egress refuses it",
    W0123: "`fqdn` peer whose DNS lookup is refused",
    W0124: "allow rule shadowed by a deny rule",
    W0125: "selector that matches no namespace of the inventory",
    W0127: "CIDR group selector that matches no group of the repository",
    W0128: "imported policies need a newer Cilium line",
}

impl Code {
    /// Errors start with `E`, warnings with `W`.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// Looks a code up by its text, case-insensitively.
    ///
    /// By binary search in the codes sorted once per process: every
    /// `silence` line asks, and a scan of [`Code::ALL`] cost about 3% of a
    /// build of the benchmark repository.
    pub fn parse(text: &str) -> Option<Code> {
        static SORTED: std::sync::OnceLock<Vec<Code>> = std::sync::OnceLock::new();
        let sorted = SORTED.get_or_init(|| {
            let mut sorted = Code::ALL.to_vec();
            sorted.sort_unstable_by_key(|code| code.as_str());
            sorted
        });
        // Codes are upper-case ASCII: compare with `text` upper-cased as
        // it is read.
        let text = text.trim().bytes().map(|b| b.to_ascii_uppercase());
        let at = sorted
            .binary_search_by(|code| code.as_str().bytes().cmp(text.clone()))
            .ok()?;
        sorted.get(at).copied()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn every_code_parses_from_its_text_in_any_case() {
        for code in Code::ALL {
            let text = code.as_str();
            assert_eq!(Code::parse(text), Some(*code), "{text}");
            assert_eq!(
                Code::parse(&text.to_ascii_lowercase()),
                Some(*code),
                "{text}"
            );
            assert_eq!(Code::parse(&format!(" {text}\t")), Some(*code), "{text}");
        }
    }

    #[test]
    fn other_text_is_no_code() {
        for text in [
            "", "E", "E000", "E00011", "X0001", "E9999", "W01O8", "é0001",
        ] {
            assert_eq!(Code::parse(text), None, "{text}");
        }
    }
}
