//! What the engine says about a flow.

use crate::ir::{AuthMode, Direction, NamespaceName, PolicyName, RuleKind, RuleOrigin};
use crate::source::Span;

/// The answer for one flow: each side, and the flow's verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The source's egress.
    pub egress: Side,
    /// The destination's ingress.
    pub ingress: Side,
    /// Both sides together.
    pub verdict: FlowVerdict,
    /// Rules selecting the source (egress) or destination (ingress) that the
    /// engine does not model (`toServices`), as `toServices (CNP ns/name)`;
    /// the answer is not to be trusted when this is not empty.
    pub unsupported: Vec<String>,
    /// What was assumed for what the flow's description left open.
    pub assumptions: Vec<String>,
}

/// The flow's verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FlowVerdict {
    /// Both sides allow (or do not enforce), and the L7 request passes.
    #[default]
    Allowed,
    /// A side denies, or an L7 rule refuses the request.
    Denied,
    /// Only a DNS cache could decide: egress would be default deny, but a
    /// `toFQDNs` rule covers the port and the destination's DNS names are
    /// unknown.
    FqdnUnsupported,
}

/// One side of a flow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Side {
    /// The side's L3/L4 verdict.
    pub verdict: SideVerdict,
    /// What decided it: the rules of the matching entry (deny rules for
    /// `Deny`, allow rules for `Allow`); empty for `DefaultDeny` and
    /// `NoPolicy`.
    pub deciders: Vec<Decider>,
    /// The proxy the matching entry redirects to.
    pub proxy: Proxy,
    /// For [`Proxy::Generic`], the proxylib parser (`l7proto`), which
    /// Cilium names the redirect by.
    pub parser: Option<String>,
    /// The L7 verdict when the flow has a request and the entry has L7
    /// rules: `Some(true)` when a rule admits the request.
    pub l7_allowed: Option<bool>,
    /// The mutual authentication the matching entry asks for: the greatest
    /// mode its allow rules name (`authentication`), as the agent merges
    /// them. It does not change the L3/L4 verdict: with `required` the
    /// agent holds the traffic until both identities have authenticated.
    pub authentication: Option<AuthMode>,
    /// The TLS the proxy ends and starts for the matching entry
    /// (`terminatingTLS`, `originatingTLS`), from its first allow rule that
    /// has any: the L7 rules then read the decrypted requests.
    pub tls: Option<crate::ir::Tls>,
    /// Policies whose `toFQDNs` rules cover the port (egress only; for
    /// `FqdnUnsupported`).
    pub fqdn_rules: Vec<PolicyRef>,
    /// The policies that select the endpoint in this direction (why it is
    /// enforced).
    pub enforcing: Vec<PolicyRef>,
    /// The rules that almost matched, for a denied side: the right peer on
    /// the wrong port, or the right port for another peer.
    pub near_misses: Vec<NearMiss>,
    /// What the selecting policies need of the agent beyond its defaults,
    /// one sentence each: a `nodes` peer (`fromNodes`/`toNodes`) is decided
    /// as with `enable-node-selector-labels`, which is off by default and
    /// without which the agent refuses the policy.
    pub agent_flags: Vec<String>,
}

/// A side's L3/L4 verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SideVerdict {
    /// An allow entry matched.
    Allow,
    /// A deny entry matched (deny wins over any allow).
    Deny,
    /// The direction is enforced and nothing matched.
    DefaultDeny,
    /// The direction is not enforced for this endpoint.
    #[default]
    NoPolicy,
    /// Egress only: see [`FlowVerdict::FqdnUnsupported`].
    FqdnUnsupported,
}

impl SideVerdict {
    /// The verdict files' name: `allow`, `deny`, `default-deny`,
    /// `no-policy`, `fqdn-unsupported`.
    pub fn as_str(self) -> &'static str {
        match self {
            SideVerdict::Allow => "allow",
            SideVerdict::Deny => "deny",
            SideVerdict::DefaultDeny => "default-deny",
            SideVerdict::NoPolicy => "no-policy",
            SideVerdict::FqdnUnsupported => "fqdn-unsupported",
        }
    }
}

/// The proxy an allowed flow is redirected to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Proxy {
    /// No redirect.
    #[default]
    None,
    /// HTTP rules.
    Http,
    /// DNS rules.
    Dns,
    /// Kafka rules.
    Kafka,
    /// TLS server names (`serverNames`): the TLS proxy checks the SNI.
    Tls,
    /// A custom Envoy listener (`listener`): its Envoy config decides.
    Listener,
    /// Generic L7 rules (`l7proto`): a proxylib parser decides.
    Generic,
}

impl Proxy {
    /// The verdict files' name.
    pub fn as_str(self) -> &'static str {
        match self {
            Proxy::None => "none",
            Proxy::Http => "http",
            Proxy::Dns => "dns",
            Proxy::Kafka => "kafka",
            Proxy::Tls => "tls",
            Proxy::Listener => "listener",
            Proxy::Generic => "generic",
        }
    }
}

/// A policy, as Cilium names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyRef {
    /// The namespace of a CiliumNetworkPolicy; `None` for a
    /// CiliumClusterwideNetworkPolicy.
    pub namespace: Option<NamespaceName>,
    /// `metadata.name`.
    pub name: PolicyName,
    /// The `policy` block, or the `use` that instantiated a category.
    pub origin: Span,
}

impl std::fmt::Display for PolicyRef {
    /// `CNP ns/name` or `CCNP name`, as the verdict files write it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "CNP {namespace}/{}", self.name),
            None => write!(f, "CCNP {}", self.name),
        }
    }
}

/// What decided a side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decider {
    /// A rule of a policy.
    Rule {
        /// The policy.
        policy: PolicyRef,
        /// The list the rule sits in.
        kind: RuleKind,
        /// Where the rule was written and the categories it came through.
        origin: RuleOrigin,
    },
    /// The local host reaching a pod of its node (`allow-localhost`):
    /// `<allow-localhost-ingress>`.
    AllowLocalhost,
    /// The allow-all Cilium adds when every rule selecting the endpoint in
    /// this direction says `no default deny`: `<allow-any-ingress>`.
    AllowAny(Direction),
}

impl std::fmt::Display for Decider {
    /// As the verdict files write it: `CNP ns/name`, `CCNP name`,
    /// `<allow-localhost-ingress>`, `<allow-any-egress>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decider::Rule { policy, .. } => policy.fmt(f),
            Decider::AllowLocalhost => f.write_str("<allow-localhost-ingress>"),
            Decider::AllowAny(Direction::Ingress) => f.write_str("<allow-any-ingress>"),
            Decider::AllowAny(Direction::Egress) => f.write_str("<allow-any-egress>"),
        }
    }
}

/// Which half of a near miss's rule did not match the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Missed {
    /// The rule's peer matched, its ports did not: the nearest miss.
    Port,
    /// The rule's ports matched, its peer did not.
    Peer,
}

/// A rule that almost decided a denied side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    /// The rule.
    pub rule: Decider,
    /// Which half of the rule did not match.
    pub missed: Missed,
    /// What did not match, in words: `port 8080/TCP is not among 9090/TCP`,
    /// `the peer is not pods app=web in namespace shop`.
    pub why: String,
}
