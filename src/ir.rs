//! The checked intermediate representation: what sema proves and emit prints.
//!
//! **Invariant:** the IR cannot hold invalid policy. Every text value is a
//! newtype ([`LabelKey`], [`LabelValue`], [`NamespaceName`], [`PolicyName`],
//! [`PortName`], [`FqdnName`], [`FqdnPattern`], [`HttpRegex`], ...), CIDRs are
//! `ipnet`, port ranges and `except` lists are structs whose fields are
//! private, and every one of them is built only by a constructor that takes
//! a [`Checked`] witness. Only `sema` can make a [`Checked`] (the type's one
//! field is private to `sema::proof`), and sema makes one only after the
//! value passed its check, so emit cannot meet a value Cilium would refuse.
//!
//! **Invariant:** peers are typed by where the rule sits: an ingress rule
//! holds an [`IngressPeer`], which has no FQDN or service variant; a deny
//! rule holds no L7 rules ([`NoL7`]) and an egress deny rule no FQDN peer
//! ([`EgressDenyPeer`]). What the CRD cannot say for a list is not a state
//! emit has to handle.
//!
//! **Invariant:** order is deterministic: namespaces and policies are sorted by
//! name; rules keep source order; label maps are `BTreeMap`s or, for
//! selectors, [`LabelMap`]s (sorted vectors), both iterated in key order.
//!
//! Every rule carries a [`RuleOrigin`]: the span it was written at (in a user
//! file or the standard library) and the categories it came through.

mod expect;
mod labels;
mod rules;
mod text;
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ipnet::IpNet;

pub use crate::sema::Checked;
use crate::source::Span;
pub use expect::*;
pub use labels::LabelMap;
pub use rules::*;
pub use text::*;
pub use values::*;

/// A whole compiled repository.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Namespaced policies, by namespace name.
    pub namespaces: BTreeMap<NamespaceName, Namespace>,
    /// Cluster-wide policies, sorted by name.
    pub cluster: Vec<PolicyInstance>,
    /// User files the cluster-wide policies come from, as repo-relative paths.
    pub cluster_sources: BTreeSet<String>,
    /// CiliumCIDRGroups that peers refer to, by name.
    pub cidr_groups: BTreeMap<CidrGroupName, CidrGroup>,
    /// User files the CIDR groups come from, as repo-relative paths.
    pub cidr_group_sources: BTreeSet<String>,
    /// The Cilium version the program was checked for.
    pub cilium_version: crate::CiliumVersion,
    /// The namespace inventory (`cluster namespaces`), when the repository has one.
    pub inventory: Option<Inventory>,
    /// The `expect` statements, in source order; a category's once for each
    /// namespace that uses it.
    pub expectations: Vec<Expectation>,
}

/// A CiliumCIDRGroup: a CIDR constant emitted as an object of its own, so a
/// change to it is one changed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CidrGroup {
    /// `spec.externalCIDRs`.
    pub cidrs: Vec<IpNet>,
    /// `metadata.labels`, for `cidrGroupSelector` (keys without a source).
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// The constant's name in its definition.
    pub origin: Span,
}

impl CidrGroup {
    /// Whether a `cidrGroupSelector` selects this group by its labels (a
    /// source prefix on a selector key, such as `any:`, is ignored).
    pub fn selected_by(&self, selector: &Selector) -> bool {
        let value = |key: &LabelKey| {
            let key = key.as_str();
            let bare = key.split_once(':').map_or(key, |(_, rest)| rest);
            self.labels
                .iter()
                .find(|(have, _)| have.as_str() == bare)
                .map(|(_, value)| value.as_str())
        };
        selector
            .match_labels
            .iter()
            .all(|(key, wanted)| value(key) == Some(wanted.as_str()))
            && selector.match_expressions.iter().all(|expression| {
                let found = value(&expression.key);
                let listed = |have: &str| expression.values.iter().any(|v| v.as_str() == have);
                match expression.operator {
                    Operator::In => found.is_some_and(listed),
                    Operator::NotIn => !found.is_some_and(listed),
                    Operator::Exists => found.is_some(),
                    Operator::DoesNotExist => found.is_none(),
                }
            })
    }
}

/// One namespace and its policies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// The namespace name.
    pub name: NamespaceName,
    /// The `namespace` block.
    pub origin: Span,
    /// User files this namespace's policies come from, as repo-relative
    /// paths, sorted and each once (a vector: usually one path, which a
    /// `BTreeSet` would give an eleven-slot node).
    pub sources: Vec<String>,
    /// Policies, sorted by name.
    pub policies: Vec<PolicyInstance>,
}

/// One emitted policy: a name and a shared, checked spec.
///
/// Specs are shared between namespaces that use a category with the same
/// arguments, so each distinct spec is checked and printed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInstance {
    /// `metadata.name`.
    pub name: PolicyName,
    /// The `policy` block, or the `use` that instantiated a category.
    pub origin: Span,
    /// What the policy says.
    pub spec: Arc<PolicySpec>,
}

/// The body of one policy (one Cilium rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PolicySpec {
    /// `description`.
    pub description: Option<Description>,
    /// Who the policy applies to.
    pub subject: Subject,
    /// `enableDefaultDeny`: `Some(false)` where the user wrote `no default deny`.
    pub default_deny: DefaultDeny,
    /// Ingress allow rules.
    pub ingress: Vec<IngressRule>,
    /// Ingress deny rules.
    pub ingress_deny: Vec<IngressDenyRule>,
    /// Egress allow rules.
    pub egress: Vec<EgressRule>,
    /// Egress deny rules.
    pub egress_deny: Vec<EgressDenyRule>,
    /// Rule labels (`labels`), by key.
    pub labels: BTreeMap<LabelKey, LabelValue>,
    /// The object's `metadata.labels` and `metadata.annotations`.
    pub metadata: ObjectMetadata,
    /// `log.value`: the text Hubble copies into the flows the rule decides.
    pub log: Option<LogValue>,
    /// `specs`: the object's rule sets, when the policy is written with
    /// `spec` blocks. When not empty, the object holds `specs:` and no
    /// `spec:`: this spec's own subject, rule lists and rule fields are
    /// unused (left at their defaults) and only `metadata` counts here.
    pub specs: Vec<PolicySpec>,
}

/// What the object carries in `metadata` besides its name and namespace.
/// netpolc writes no label or annotation of its own there, so these are
/// exactly what the policy's `metadata` statements say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ObjectMetadata {
    /// `metadata.labels`, by key.
    pub labels: BTreeMap<MetadataKey, LabelValue>,
    /// `metadata.annotations`, by key.
    pub annotations: BTreeMap<MetadataKey, AnnotationValue>,
}

impl ObjectMetadata {
    /// True when there is no label and no annotation.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.annotations.is_empty()
    }
}

impl PolicySpec {
    /// The rule sets Cilium reads from the object: the `specs` entries when
    /// there are any, else this spec alone.
    pub fn rule_sets(&self) -> &[PolicySpec] {
        if self.specs.is_empty() {
            std::slice::from_ref(self)
        } else {
            &self.specs
        }
    }

    /// Every rule of the four lists, in print order (`ingress`,
    /// `ingressDeny`, `egress`, `egressDeny`), as one view.
    pub fn rules(&self) -> impl Iterator<Item = RuleRef<'_>> {
        let ingress = self.ingress.iter().map(|rule| rule.view(RuleKind::INGRESS));
        let ingress_deny = self
            .ingress_deny
            .iter()
            .map(|rule| rule.view(RuleKind::INGRESS_DENY));
        let egress = self.egress.iter().map(|rule| rule.view(RuleKind::EGRESS));
        let egress_deny = self
            .egress_deny
            .iter()
            .map(|rule| rule.view(RuleKind::EGRESS_DENY));
        ingress.chain(ingress_deny).chain(egress).chain(egress_deny)
    }

    /// True when no list holds a rule.
    pub fn has_no_rules(&self) -> bool {
        self.ingress.is_empty()
            && self.ingress_deny.is_empty()
            && self.egress.is_empty()
            && self.egress_deny.is_empty()
    }
}

/// `enableDefaultDeny`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DefaultDeny {
    /// `enableDefaultDeny.ingress`, when set.
    pub ingress: Option<bool>,
    /// `enableDefaultDeny.egress`, when set.
    pub egress: Option<bool>,
}

/// The endpoints a policy applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// `endpointSelector`.
    Pods(Selector),
    /// `nodeSelector` (host firewall; cluster-wide only).
    Nodes(Selector),
}

impl Default for Subject {
    fn default() -> Subject {
        Subject::Pods(Selector::default())
    }
}

/// A Kubernetes label selector. Empty selects everything in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selector {
    /// `matchLabels`.
    pub match_labels: LabelMap<LabelKey, LabelValue>,
    /// `matchExpressions`, in source order.
    pub match_expressions: Vec<Expression>,
}

impl Selector {
    /// True for `{}`.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Every key the selector names, in `matchLabels` and then in
    /// `matchExpressions`.
    pub fn keys(&self) -> impl Iterator<Item = &LabelKey> {
        self.match_labels.keys().chain(
            self.match_expressions
                .iter()
                .map(|expression| &expression.key),
        )
    }
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expression {
    /// The label key.
    pub key: LabelKey,
    /// The operator.
    pub operator: Operator,
    /// Values; empty for `Exists` and `DoesNotExist`.
    pub values: Vec<LabelValue>,
}

/// A `matchExpressions` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    /// `In`.
    In,
    /// `NotIn`.
    NotIn,
    /// `Exists`.
    Exists,
    /// `DoesNotExist`.
    DoesNotExist,
}

/// The repository's namespace inventory: every namespace of the cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The namespaces, by name.
    pub namespaces: BTreeMap<NamespaceName, InventoryNamespace>,
}

/// One namespace of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryNamespace {
    /// Where the namespace is listed.
    pub origin: Span,
    /// The labels the namespace carries, as listed.
    pub labels: BTreeMap<LabelKey, LabelValue>,
}
