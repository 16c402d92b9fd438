//! A policy under construction ([`Parts`]) and the expansion budget (E0108):
//! what a rule counts for, the limits, and the checks before a rule or a
//! `use` is added.

use super::super::safety;
use super::Expander;
use crate::diag::{Diagnostic, report};
use crate::ir;
use crate::source::Span;

/// A policy under construction: what statements have said so far.
#[derive(Clone, Debug, Default)]
pub struct Parts {
    /// `select`, with where it was written.
    pub subject: Option<(ir::Subject, Span)>,
    /// `description`.
    pub description: Option<(ir::Description, Span)>,
    /// `label`s.
    pub labels: std::collections::BTreeMap<ir::LabelKey, ir::LabelValue>,
    /// `log`.
    pub log: Option<(ir::LogValue, Span)>,
    /// `metadata label`s and `metadata annotation`s.
    pub metadata: ir::ObjectMetadata,
    /// Where each `metadata` key was given its value, for E0241.
    pub metadata_spans: std::collections::BTreeMap<(bool, ir::MetadataKey), Span>,
    /// Where `default deny` was said, per direction.
    pub deny_said: safety::Said,
    /// Where `no default deny` was said, per direction.
    pub no_deny_said: safety::Said,
    /// Ingress allow rules.
    pub ingress: Vec<ir::IngressRule>,
    /// Ingress deny rules.
    pub ingress_deny: Vec<ir::IngressDenyRule>,
    /// Egress allow rules.
    pub egress: Vec<ir::EgressRule>,
    /// Egress deny rules.
    pub egress_deny: Vec<ir::EgressDenyRule>,
    /// True once any statement was seen (an empty category adds no policy).
    pub touched: bool,
    /// True when a statement had an error and was left out, so the policy
    /// is incomplete and not checked further (no cascading errors).
    pub broken: bool,
    /// True when a `select` was written, even one with an error.
    pub select_written: bool,
    /// How many entries the rules hold (see [`rule_entries`]).
    pub entries: usize,
    /// True when a statement would have passed the budget (E0108, already
    /// reported); a `use` of these parts reports nothing more.
    pub over_budget: bool,
    /// The `expect` statements of a category (and of the categories it
    /// uses), checked where written; their pods get the namespace of each
    /// namespace that uses the category. They are no part of the policy.
    pub expects: Vec<super::super::expect::Pending>,
}

impl Parts {
    pub(super) fn merge(&mut self, other: &Parts, use_span: Span, diags: &mut Vec<Diagnostic>) {
        if let Some((subject, span)) = &other.subject {
            match &self.subject {
                Some((_, first)) => diags.push(
                    report::pods_and_nodes(use_span, report::PodsAndNodes::SecondSelectFromUse)
                    .secondary(*first, "the policy already selects here")
                    .secondary(*span, "the category's `select`")
                    .help(
                        "use the category at namespace level, where it becomes a policy of its own",
                    ),
                ),
                None => self.subject = Some((subject.clone(), *span)),
            }
        }
        if self.description.is_none() {
            self.description.clone_from(&other.description);
        }
        if self.log.is_none() {
            self.log.clone_from(&other.log);
        }
        self.labels
            .extend(other.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (key, value) in &other.metadata.labels {
            let first = other.metadata_spans.get(&(false, key.clone())).copied();
            self.metadata_label(key.clone(), value.clone(), first.unwrap_or(use_span), diags);
        }
        for (key, value) in &other.metadata.annotations {
            let first = other.metadata_spans.get(&(true, key.clone())).copied();
            self.annotation(key.clone(), value.clone(), first.unwrap_or(use_span), diags);
        }
        self.deny_said.merge(other.deny_said, use_span);
        self.no_deny_said.merge(other.no_deny_said, use_span);
        self.ingress.extend(other.ingress.iter().cloned());
        self.ingress_deny.extend(other.ingress_deny.iter().cloned());
        self.egress.extend(other.egress.iter().cloned());
        self.egress_deny.extend(other.egress_deny.iter().cloned());
        self.entries = self.entries.saturating_add(other.entries);
        self.expects.extend(other.expects.iter().cloned());
        self.touched |= other.touched;
        self.broken |= other.broken;
        self.select_written |= other.select_written;
    }

    /// Adds a `metadata label`, or reports E0241 when the key already has
    /// another value.
    pub(super) fn metadata_label(
        &mut self,
        key: ir::MetadataKey,
        value: ir::LabelValue,
        span: Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        match self.metadata.labels.get(&key) {
            Some(previous) if *previous != value => {
                let first = self.metadata_spans.get(&(false, key.clone())).copied();
                diags.push(report::metadata_key_twice(
                    span,
                    "metadata label",
                    &key,
                    first.unwrap_or(span),
                ));
                self.broken = true;
            }
            Some(_) => {}
            None => {
                self.metadata_spans.insert((false, key.clone()), span);
                self.metadata.labels.insert(key, value);
            }
        }
    }

    /// Adds a `metadata annotation`, or reports E0241 when the key already
    /// has another value.
    pub(super) fn annotation(
        &mut self,
        key: ir::MetadataKey,
        value: ir::AnnotationValue,
        span: Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        match self.metadata.annotations.get(&key) {
            Some(previous) if *previous != value => {
                let first = self.metadata_spans.get(&(true, key.clone())).copied();
                diags.push(report::metadata_key_twice(
                    span,
                    "annotation",
                    &key,
                    first.unwrap_or(span),
                ));
                self.broken = true;
            }
            Some(_) => {}
            None => {
                self.metadata_spans.insert((true, key.clone()), span);
                self.metadata.annotations.insert(key, value);
            }
        }
    }

    pub(super) fn prefix_category(&mut self, category: &str) {
        let origins = (self.ingress.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.ingress_deny.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.egress.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.egress_deny.iter_mut().map(|rule| &mut rule.origin))
            .chain(self.expects.iter_mut().map(|expect| &mut expect.origin));
        for origin in origins {
            origin.categories.insert(0, category.to_owned());
        }
    }
}

/// The most entries one policy may hold (E0108). An entry is a rule, or
/// one of its peers, ports, ICMP types or L7 rules (see [`rule_entries`]).
/// One Kubernetes object is at most about 1.5 MiB (etcd's default request
/// limit) and no entry takes less than about 12 bytes of YAML, so a larger
/// policy could not be applied anyway; real policies hold tens of entries,
/// rarely thousands.
pub const MAX_POLICY_ENTRIES: usize = 100_000;

/// The most entries the whole program may build (E0108): every entry where
/// it is written, each time a `use` copies it, and in each namespace whose
/// output holds it. Ten million entries are well over 100 MB of YAML; the
/// 1,000-namespace repository of `tests/bench/generate.py` builds 38,612,
/// and the repositories under `examples/` about a thousand.
pub const MAX_PROGRAM_ENTRIES: usize = 10_000_000;

/// The entries a rule counts for in the budget: 1, plus 1 for each peer
/// (each selector term and value, CIDR and exception, entity, FQDN,
/// service), port, ICMP type and L7 rule (and HTTP header).
pub fn rule_entries(rule: ir::RuleRef<'_>) -> usize {
    let selector = |selector: &ir::Selector| {
        selector.match_labels.len()
            + selector
                .match_expressions
                .iter()
                .map(|expression| 1 + expression.values.len())
                .sum::<usize>()
    };
    let cidrs = |cidrs: &[ir::CidrRule]| {
        cidrs
            .iter()
            .map(|cidr| 1 + cidr.except().len())
            .sum::<usize>()
    };
    let peers = match rule.peer {
        ir::PeerRef::Anywhere => 0,
        ir::PeerRef::Endpoints(selectors) => selectors.iter().map(|one| 1 + selector(one)).sum(),
        ir::PeerRef::Entities(entities) => entities.len(),
        ir::PeerRef::Cidrs(list) => cidrs(list),
        ir::PeerRef::CidrGroups(peer) => {
            cidrs(peer.cidrs())
                + peer.groups().len()
                + peer
                    .selectors()
                    .iter()
                    .map(|one| 1 + selector(one))
                    .sum::<usize>()
        }
        ir::PeerRef::Fqdns(names) => names.len(),
        ir::PeerRef::Nodes(selectors) => selectors.iter().map(|one| 1 + selector(one)).sum(),
        ir::PeerRef::Groups(groups) => groups
            .iter()
            .map(|group| 1 + group.ids.len() + group.names.len() + group.labels.len())
            .sum(),
        ir::PeerRef::Services(services) => services
            .iter()
            .map(|service| match service {
                ir::ServiceRef::Named { .. } => 1,
                ir::ServiceRef::Selected { selector: one, .. } => 1 + selector(one),
            })
            .sum(),
    };
    let l7 = match rule.l7 {
        None => 0,
        Some(ir::L7::Http(rules)) => rules
            .iter()
            .map(|rule| 1 + rule.headers.len() + rule.header_matches.len())
            .sum(),
        Some(ir::L7::Kafka(rules)) => rules.len(),
        Some(ir::L7::Dns(rules)) => rules.len(),
        Some(ir::L7::Listener(_)) => 1,
        Some(ir::L7::Generic(generic)) => generic.rules.iter().map(|rule| 1 + rule.len()).sum(),
    };
    let server_names = rule.tls.map_or(0, |tls| tls.server_names.len());
    1 + peers + rule.ports.len() + rule.icmps.len() + l7 + server_names
}

impl Expander<'_, '_> {
    /// Whether `entries` more fit in the policy `parts` builds and in the
    /// program's budget; when they do not, reports E0108 at `span` (once per
    /// policy) and marks `parts` broken. `what` names the statement: "rule"
    /// or "`use`".
    pub(super) fn within_budget(
        &mut self,
        parts: &mut Parts,
        entries: usize,
        span: Span,
        what: &str,
    ) -> bool {
        let total = parts.entries.saturating_add(entries);
        let fits = if parts.over_budget {
            // Reported once per policy, not once per statement after it.
            false
        } else if total > MAX_POLICY_ENTRIES {
            self.diags.push(
                report::budget_exceeded(span, report::BudgetExceeded::PolicyEntries { what: &what, total: &total, limit: &MAX_POLICY_ENTRIES })
                .note(format!(
                    "a policy may hold at most {MAX_POLICY_ENTRIES} entries once its categories are expanded: each rule counts 1, plus 1 for each peer, port, ICMP type and L7 rule"
                ))
                .help("look for categories that use another category more than once: each `use` copies its rules"),
            );
            parts.over_budget = true;
            false
        } else {
            self.spend(entries, span)
        };
        if !fits {
            parts.broken = true;
            parts.touched = true;
        }
        fits
    }

    /// Counts `entries` against [`MAX_PROGRAM_ENTRIES`]; false, after an
    /// E0108 at `span` the first time, once the budget is spent.
    pub(super) fn spend(&mut self, entries: usize, span: Span) -> bool {
        if self.spent {
            return false;
        }
        self.built = self.built.saturating_add(entries);
        if self.built <= MAX_PROGRAM_ENTRIES {
            return true;
        }
        self.spent = true;
        self.diags.push(
            report::budget_exceeded(span, report::BudgetExceeded::ProgramEntries { limit: &MAX_PROGRAM_ENTRIES })
            .note(format!(
                "the whole program may build at most {MAX_PROGRAM_ENTRIES} entries: each rule counts 1, plus 1 for each peer, port, ICMP type and L7 rule, where it is written, each time a `use` copies it and in each namespace that holds it"
            ))
            .help("look for large categories used many times, or categories that use another category more than once"),
        );
        false
    }
}
