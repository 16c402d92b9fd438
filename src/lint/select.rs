//! Which policies select which pods, as far as the repository says.
//!
//! A policy's subject is a label selector. Policy Q *covers* policy P when
//! every pod P selects is also selected by Q. netpolc knows three kinds of
//! labels:
//!
//! - pod labels: known only through the selectors themselves, so Q covers P
//!   only when P's requirements imply Q's (P says `app=web, tier=a` and Q says
//!   `app=web`);
//! - the pod's namespace: known exactly for a CiliumNetworkPolicy, and for a
//!   cluster-wide policy that names its namespaces;
//! - the namespace's labels: `kubernetes.io/metadata.name` is always the
//!   namespace's name; other labels are known only for a namespace listed in
//!   the inventory (`cluster namespaces`), which lists all the labels a
//!   namespace carries. For any other namespace the answer is
//!   [`Tri::Unknown`], and each lint says which way it leans.

use std::collections::BTreeMap;

use super::repo::{Inst, Repo};
use crate::ir;

/// Yes, no, or the repository does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Certainly.
    Yes,
    /// Certainly not.
    No,
    /// It depends on labels the repository does not list.
    Unknown,
}

impl Tri {
    /// Both hold: `No` wins over `Unknown`, which wins over `Yes`.
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
        }
    }

    /// True for `Yes` and `Unknown`: what a lint that only warns when sure
    /// treats as covered.
    pub fn maybe(self) -> bool {
        self != Tri::No
    }
}

/// The label of a pod that holds its namespace's name.
pub(super) const NAMESPACE_KEY: &str = "io.kubernetes.pod.namespace";
/// The prefix of a namespace's labels as seen on its pods.
const NAMESPACE_LABEL_PREFIX: &str = "io.cilium.k8s.namespace.labels.";
/// The namespace label Kubernetes sets to the namespace's name.
const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// One requirement of a selector, with matchLabels written as `In`.
#[derive(Clone, Debug)]
pub(super) struct Req<'a> {
    pub(super) key: &'a str,
    pub(super) operator: ir::Operator,
    pub(super) values: Vec<&'a str>,
}

/// A label key without the `k8s:` or `any:` source.
fn bare(key: &ir::LabelKey) -> &str {
    let key = key.as_str();
    key.strip_prefix("k8s:")
        .or_else(|| key.strip_prefix("any:"))
        .unwrap_or(key)
}

/// The requirements of a selector, keys without their source.
pub(super) fn reqs(selector: &ir::Selector) -> Vec<Req<'_>> {
    let mut out: Vec<Req<'_>> = selector
        .match_labels
        .iter()
        .map(|(key, value)| Req {
            key: bare(key),
            operator: ir::Operator::In,
            values: vec![value.as_str()],
        })
        .collect();
    out.extend(selector.match_expressions.iter().map(|expression| {
        Req {
            key: bare(&expression.key),
            operator: expression.operator,
            values: expression
                .values
                .iter()
                .map(ir::LabelValue::as_str)
                .collect(),
        }
    }));
    out
}

/// A namespace with what is known of its labels.
#[derive(Clone, Copy, Debug)]
pub struct Namespace<'a> {
    /// The name.
    pub name: &'a str,
    /// Every label it carries, when the inventory lists it.
    pub labels: Option<&'a BTreeMap<ir::LabelKey, ir::LabelValue>>,
}

impl<'a> Namespace<'a> {
    /// A namespace, with its labels from the inventory when listed there.
    pub fn lookup(repo: &Repo<'a>, name: &'a str) -> Namespace<'a> {
        let labels = repo
            .program
            .inventory
            .as_ref()
            .and_then(|inventory| inventory.namespaces.get(name))
            .map(|entry| &entry.labels);
        Namespace { name, labels }
    }

    /// The value of a namespace label: `Some(None)` when known absent,
    /// `None` when unknown.
    fn label(&self, key: &str) -> Option<Option<&'a str>> {
        if key == NAME_LABEL {
            return Some(Some(self.name));
        }
        let labels = self.labels?;
        Some(
            labels
                .iter()
                .find(|(label, _)| label.as_str() == key)
                .map(|(_, value)| value.as_str()),
        )
    }

    /// Whether a requirement on a namespace key holds for this namespace.
    fn check(&self, req: &Req<'_>) -> Tri {
        let value = if req.key == NAMESPACE_KEY {
            Some(self.name)
        } else if let Some(label) = req.key.strip_prefix(NAMESPACE_LABEL_PREFIX) {
            match self.label(label) {
                Some(value) => value,
                None => return Tri::Unknown,
            }
        } else {
            return Tri::Unknown;
        };
        if holds(req, value) { Tri::Yes } else { Tri::No }
    }
}

/// Whether a requirement holds for a label value (`None`: no such label).
fn holds(req: &Req<'_>, value: Option<&str>) -> bool {
    match (req.operator, value) {
        (ir::Operator::In, Some(value)) => req.values.contains(&value),
        (ir::Operator::NotIn, Some(value)) => !req.values.contains(&value),
        (ir::Operator::Exists, value) => value.is_some(),
        (ir::Operator::DoesNotExist, value) => value.is_none(),
        (ir::Operator::In, None) => false,
        (ir::Operator::NotIn, None) => true,
    }
}

/// Whether `key` names the pod's namespace or one of its labels.
pub(super) fn is_namespace_key(key: &str) -> bool {
    key == NAMESPACE_KEY || key.starts_with(NAMESPACE_LABEL_PREFIX)
}

/// What is known about the endpoints a policy selects.
#[derive(Clone, Debug)]
pub struct Pods<'a> {
    nodes: bool,
    reqs: Vec<Req<'a>>,
    /// The namespaces the pods are in, when known.
    namespaces: Option<Vec<Namespace<'a>>>,
}

impl<'a> Pods<'a> {
    /// The endpoints of a policy.
    pub fn of(repo: &Repo<'a>, inst: &Inst<'a>) -> Pods<'a> {
        let (nodes, selector) = match &inst.spec().subject {
            ir::Subject::Pods(selector) => (false, selector),
            ir::Subject::Nodes(selector) => (true, selector),
        };
        let reqs = reqs(selector);
        let namespaces = match inst.namespace {
            Some(name) => Some(vec![Namespace::lookup(repo, name)]),
            None => reqs
                .iter()
                .find(|req| req.key == NAMESPACE_KEY && req.operator == ir::Operator::In)
                .map(|req| {
                    req.values
                        .iter()
                        .map(|name| Namespace::lookup(repo, name))
                        .collect()
                }),
        };
        Pods {
            nodes,
            reqs,
            namespaces,
        }
    }

    /// The names of the namespaces the endpoints are in, when known.
    pub fn namespace_names(&self) -> Option<Vec<&'a str>> {
        self.namespaces
            .as_ref()
            .map(|namespaces| namespaces.iter().map(|namespace| namespace.name).collect())
    }

    /// Whether `other` selects every one of these endpoints.
    pub fn covered_by(&self, other: &Inst<'_>) -> Tri {
        let (nodes, selector) = match &other.spec().subject {
            ir::Subject::Pods(selector) => (false, selector),
            ir::Subject::Nodes(selector) => (true, selector),
        };
        if nodes != self.nodes {
            return Tri::No;
        }
        if let Some(own) = other.namespace {
            let all_there = self
                .namespaces
                .as_ref()
                .is_some_and(|namespaces| namespaces.iter().all(|namespace| namespace.name == own));
            if !all_there {
                return Tri::No;
            }
        }
        reqs(selector)
            .iter()
            .fold(Tri::Yes, |acc, req| acc.and(self.implies(req)))
    }

    /// Whether every one of these endpoints meets a requirement.
    fn implies(&self, req: &Req<'_>) -> Tri {
        if is_namespace_key(req.key) {
            if let Some(namespaces) = &self.namespaces {
                return namespaces
                    .iter()
                    .fold(Tri::Yes, |acc, namespace| acc.and(namespace.check(req)));
            }
        }
        if self.reqs.iter().any(|known| implies(known, req)) {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

/// Whether a subject may select pods of a namespace: its namespace
/// requirements checked against the namespace, its pod requirements assumed
/// to match some pod there.
pub fn may_select(subject: &ir::Selector, namespace: &Namespace<'_>) -> Tri {
    reqs(subject)
        .iter()
        .filter(|req| is_namespace_key(req.key))
        .fold(Tri::Yes, |acc, req| acc.and(namespace.check(req)))
}

/// Whether a selector pins its namespace by name (`in namespace a`).
pub fn names_namespaces(subject: &ir::Selector) -> Vec<&str> {
    named_namespaces(subject).collect()
}

/// The names [`names_namespaces`] gives, without collecting them.
pub(super) fn named_namespaces(subject: &ir::Selector) -> impl Iterator<Item = &str> {
    let names = |key: &str| {
        key == NAMESPACE_KEY || key == "io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name"
    };
    let labels = subject
        .match_labels
        .iter()
        .filter(move |(key, _)| names(bare(key)))
        .map(|(_, value)| value.as_str());
    let expressions = subject
        .match_expressions
        .iter()
        .filter(move |expression| {
            names(bare(&expression.key)) && expression.operator == ir::Operator::In
        })
        .flat_map(|expression| expression.values.iter().map(ir::LabelValue::as_str));
    labels.chain(expressions)
}

/// The key and operator of each requirement of a selector, in the order of
/// [`reqs`], without building the requirements.
fn heads(selector: &ir::Selector) -> impl Iterator<Item = (&str, ir::Operator)> {
    let labels = selector
        .match_labels
        .keys()
        .map(|key| (bare(key), ir::Operator::In));
    let expressions = selector
        .match_expressions
        .iter()
        .map(|expression| (bare(&expression.key), expression.operator));
    labels.chain(expressions)
}

/// Whether a selector matches every pod of every namespace (`pods in all
/// namespaces`): no pod requirement, and no namespace requirement but
/// existence or exclusion.
pub fn selects_all_namespaces(selector: &ir::Selector) -> bool {
    heads(selector).all(|(key, operator)| {
        key == NAMESPACE_KEY && matches!(operator, ir::Operator::Exists | ir::Operator::NotIn)
    }) && !selector.is_empty()
}

/// Whether a selector has no pod requirement: it selects whole namespaces.
pub fn whole_namespaces(selector: &ir::Selector) -> bool {
    heads(selector).all(|(key, _)| is_namespace_key(key))
}

/// Whether the known requirement `known` implies `req` for every pod.
pub(super) fn implies(known: &Req<'_>, req: &Req<'_>) -> bool {
    if known.key != req.key {
        return false;
    }
    use ir::Operator::{DoesNotExist, Exists, In, NotIn};
    match (known.operator, req.operator) {
        (In, In) => known.values.iter().all(|value| req.values.contains(value)),
        (In, NotIn) => known.values.iter().all(|value| !req.values.contains(value)),
        (In | Exists, Exists) | (DoesNotExist, DoesNotExist) => true,
        (NotIn, NotIn) => req.values.iter().all(|value| known.values.contains(value)),
        (DoesNotExist, NotIn) => true,
        _ => false,
    }
}
