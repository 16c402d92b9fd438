//! Lints that see both ends of a flow: an egress rule whose destination's
//! ingress refuses the flow (W0121), an ingress rule whose source's egress
//! refuses it (W0122), and an `fqdn` peer whose DNS lookup is refused on the
//! way to kube-dns (W0123).
//!
//! There is no pod inventory, so the flows come from the rules themselves:
//! a rule's subject selector and its peer selector each give one
//! *representative pod* ([`representatives`]): its labels are the
//! selector's `matchLabels`, the first value of each `In`, and some value for
//! each `Exists` (`NotIn` and `DoesNotExist` add nothing); its namespace is
//! the one the selector names, else the policy's own for a namespaced
//! policy; a cluster-wide subject or a selector by namespace labels stands
//! for each matching namespace of the inventory (at most
//! [`MAX_NAMESPACES`]), and for nothing without an inventory. The rule's
//! ports give the port: the first port of a range, both TCP and UDP for a
//! port without a protocol (the warning needs both refused); a named port,
//! port 0 (every port) and a rule without ports give no flow, since one
//! port cannot stand for all of them. The flow engine ([`crate::flow`])
//! decides each flow.
//!
//! A warning needs the rule itself to decide its own side (so a
//! representative that its own rule does not select never counts), and
//! nothing the engine does not model (`toServices`) on either side.

use std::collections::BTreeMap;

use super::fqdn;
use super::repo::{Inst, Repo};
use super::select::{Namespace, Tri, may_select};
use super::silence::Silences;
use crate::diag::{Diagnostic, report};
use crate::flow::{
    Answer, Decider, Engine, FlowVerdict, Pod, PodEnd, PolicyRef, Side, SideVerdict, World,
};
use crate::ir::{self, FlowProtocol, PeerRef, Port, Protocol, RuleKind, RuleRef};

/// A selector by namespace labels, or a cluster-wide subject, stands for at
/// most this many namespaces of the inventory (the first in name order):
/// the lints run on every build.
pub const MAX_NAMESPACES: usize = 16;

/// The namespace key Cilium puts on every pod.
const NAMESPACE_KEY: &str = "io.kubernetes.pod.namespace";
/// The prefix of the namespace labels Cilium copies onto every pod.
const NAMESPACE_LABELS: &str = "io.cilium.k8s.namespace.labels.";
/// The service account key.
const SERVICE_ACCOUNT_KEY: &str = "io.cilium.k8s.policy.serviceaccount";
/// The cluster key.
const CLUSTER_KEY: &str = "io.cilium.k8s.policy.cluster";

/// Where the cluster's DNS resolver runs, as the standard library's
/// `allow_dns` names it.
const DNS_NAMESPACE: &str = "kube-system";
const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");

/// W0121, W0122 and W0123; a warning that a `silence` covers is not built
/// (the silence is marked used).
pub fn check(repo: &Repo<'_>, silences: &Silences, diags: &mut Vec<Diagnostic>) {
    let engine = Engine::new(repo.program);
    let has_rules = |direction: ir::Direction| {
        repo.program
            .cluster
            .iter()
            .flat_map(|policy| policy.spec.rule_sets())
            .any(|spec| {
                matches!(spec.subject, ir::Subject::Pods(_))
                    && spec.rules().any(|rule| rule.kind.direction == direction)
            })
    };
    let ctx = Ctx {
        repo,
        silences,
        engine,
        world: World {
            cluster: "default".to_owned(),
            ..World::default()
        },
        resolver: Pod {
            name: String::new(),
            namespace: DNS_NAMESPACE.to_owned(),
            labels: BTreeMap::from([(DNS_LABEL.0.to_owned(), DNS_LABEL.1.to_owned())]),
            service_account: String::new(),
            named_ports: BTreeMap::new(),
        },
        cluster_rules: (
            has_rules(ir::Direction::Ingress),
            has_rules(ir::Direction::Egress),
        ),
    };
    let resolver_end = ctx.end(&ctx.resolver, &[]);
    for inst in &repo.instances {
        let ir::Subject::Pods(subject) = &inst.spec().subject else {
            continue;
        };
        let mut subjects = None;
        for rule in inst.spec().rules() {
            if rule.kind.verdict != ir::Verdict::Allow {
                continue;
            }
            match rule.peer {
                PeerRef::Endpoints(selectors) => {
                    let ports = port_groups(rule.ports);
                    if ports.is_empty() {
                        continue;
                    }
                    let found =
                        ctx.both_ends(inst, rule, (subject, &mut subjects), selectors, &ports);
                    if let Some(finding) = found {
                        diags.push(ctx.report_both_ends(inst, rule, &finding));
                    }
                }
                PeerRef::Fqdns(names) if rule.kind.direction == ir::Direction::Egress => {
                    let enforced = inst.namespace.is_none_or(|own| {
                        ctx.may_enforce(own, ir::Direction::Egress)
                            || ctx.may_enforce(DNS_NAMESPACE, ir::Direction::Ingress)
                    });
                    if !enforced {
                        continue;
                    }
                    let subjects: &[Pod] =
                        subjects.get_or_insert_with(|| representatives(repo, subject, inst));
                    // The subjects as flow ends, built for the first name
                    // that needs them and kept for the others.
                    let mut subject_ends = None;
                    let refused: Vec<(&ir::FqdnSelector, String, Finding)> = names
                        .iter()
                        .filter_map(|name| {
                            let (example, finding) = ctx.lookup(
                                inst,
                                (subjects, &mut subject_ends),
                                &resolver_end,
                                name,
                            )?;
                            Some((name, example, finding))
                        })
                        .collect();
                    let Some((_, example, finding)) = refused.first() else {
                        continue;
                    };
                    let span = repo.peer_span(rule.origin, inst);
                    if !ctx.silences.covers(report::FQDN_LOOKUP_REFUSED, span) {
                        let names: Vec<String> = refused
                            .iter()
                            .map(|(name, _, _)| format!("`{}`", name.as_str()))
                            .collect();
                        diags.push(ctx.report_lookup(inst, rule, &names, example, finding));
                    }
                }
                _ => {}
            }
        }
    }
}

struct Ctx<'r, 'a> {
    repo: &'r Repo<'a>,
    silences: &'r Silences,
    engine: Engine<'a>,
    /// The world every flow is decided in: cluster `default`, Cilium's
    /// default options, no pods (the two ends of a flow are
    /// [`PodEnd`]s) and no namespaces (each end brings its namespace's
    /// labels).
    world: World,
    /// kube-dns, the destination of the lookups W0123 decides.
    resolver: Pod,
    /// Whether some cluster-wide policy over pods has rules in each
    /// direction (ingress, egress).
    cluster_rules: (bool, bool),
}

/// One decided flow that a lint reports.
struct Finding {
    from: Pod,
    to: Pod,
    port: u16,
    protocols: Vec<FlowProtocol>,
    answer: Answer,
}

impl Ctx<'_, '_> {
    /// W0121 for an egress rule, W0122 for an ingress rule; `None` also
    /// when a `silence` covers the warning (the silence is marked used).
    fn both_ends(
        &self,
        inst: &Inst<'_>,
        rule: RuleRef<'_>,
        (subject, subjects): (&ir::Selector, &mut Option<Vec<Pod>>),
        selectors: &[ir::Selector],
        ports: &[(u16, Vec<FlowProtocol>)],
    ) -> Option<Finding> {
        let own = policy_ref(inst);
        let egress = rule.kind.direction == ir::Direction::Egress;
        let direction = if egress {
            ir::Direction::Ingress
        } else {
            ir::Direction::Egress
        };
        for selector in selectors {
            // The other end refuses only where a policy enforces it; the
            // pods are made only when some peer's end is enforced.
            if let Some(namespace) = plain_namespace(selector, inst) {
                if !self.may_enforce(namespace, direction) {
                    continue;
                }
            }
            let peers: Vec<Pod> = representatives(self.repo, selector, inst)
                .into_iter()
                .filter(|peer| self.may_enforce(&peer.namespace, direction))
                .collect();
            if peers.is_empty() {
                continue;
            }
            let subjects: &[Pod] =
                subjects.get_or_insert_with(|| representatives(self.repo, subject, inst));
            let subject_ends: Vec<PodEnd<'_>> =
                subjects.iter().map(|pod| self.end(pod, &[])).collect();
            let peer_ends: Vec<PodEnd<'_>> = peers.iter().map(|pod| self.end(pod, &[])).collect();
            for (subject, subject_end) in subjects.iter().zip(&subject_ends) {
                for (peer, peer_end) in peers.iter().zip(&peer_ends) {
                    let ((from, from_end), (to, to_end)) = if egress {
                        ((subject, subject_end), (peer, peer_end))
                    } else {
                        ((peer, peer_end), (subject, subject_end))
                    };
                    for (port, protocols) in ports {
                        let mut first = None;
                        let all_refused = protocols.iter().all(|protocol| {
                            let answer = self.decide(from_end, to_end, *protocol, *port, None);
                            let (own_side, other) = if egress {
                                (&answer.egress, &answer.ingress)
                            } else {
                                (&answer.ingress, &answer.egress)
                            };
                            let hit = answer.unsupported.is_empty()
                                && own_side.verdict == SideVerdict::Allow
                                && decided_by(own_side, &own, rule.kind, rule.origin)
                                && refuses(other);
                            if hit && first.is_none() {
                                first = Some(answer);
                            }
                            hit
                        });
                        let certain = all_refused
                            && !protocols.iter().any(|protocol| {
                                self.could_be_allowed(from, to, *protocol, *port, egress)
                            });
                        if let (true, Some(answer)) = (certain, first) {
                            let code = if egress {
                                report::EGRESS_REFUSED_BY_INGRESS
                            } else {
                                report::INGRESS_REFUSED_BY_EGRESS
                            };
                            let span = self.repo.peer_span(rule.origin, inst);
                            if self.silences.covers(code, span) {
                                return None;
                            }
                            return Some(Finding {
                                from: from.clone(),
                                to: to.clone(),
                                port: *port,
                                protocols: protocols.clone(),
                                answer,
                            });
                        }
                    }
                }
            }
        }
        None
    }

    /// W0123 for one name of an `fqdn` peer; `subjects` with their flow
    /// ends, which are built here on first use.
    fn lookup<'p>(
        &'p self,
        inst: &Inst<'_>,
        (subjects, ends): (&'p [Pod], &mut Option<Vec<PodEnd<'p>>>),
        resolver_end: &PodEnd<'_>,
        name: &ir::FqdnSelector,
    ) -> Option<(String, Finding)> {
        // No DNS rule matches the name at all: W0101 says so.
        if !fqdn::dns_sees(self.repo, inst, name) {
            return None;
        }
        let example = example_name(name.as_str());
        let resolver = &self.resolver;
        let ends: &[PodEnd<'p>] =
            ends.get_or_insert_with(|| subjects.iter().map(|pod| self.end(pod, &[])).collect());
        for (subject, subject_end) in subjects.iter().zip(ends) {
            if !self.may_enforce(&subject.namespace, ir::Direction::Egress)
                && !self.may_enforce(DNS_NAMESPACE, ir::Direction::Ingress)
            {
                continue;
            }
            let answer = self.decide(
                subject_end,
                resolver_end,
                FlowProtocol::Udp,
                53,
                Some(ir::Request::Dns(example.clone())),
            );
            let refused_egress = refuses(&answer.egress);
            let certain = if refused_egress {
                !self.could_be_allowed(subject, resolver, FlowProtocol::Udp, 53, false)
            } else if refuses(&answer.ingress) {
                !self.could_be_allowed(subject, resolver, FlowProtocol::Udp, 53, true)
            } else {
                true
            };
            if answer.verdict == FlowVerdict::Denied && answer.unsupported.is_empty() && certain {
                let finding = Finding {
                    from: subject.clone(),
                    to: resolver.clone(),
                    port: 53,
                    protocols: vec![FlowProtocol::Udp],
                    answer,
                };
                return Some((example, finding));
            }
        }
        None
    }

    /// Whether pods with more labels than the representatives might pass
    /// the refusing side (`ingress`: the destination's, else the source's):
    /// for each allow rule of that direction in a policy that may select the
    /// refused end, the refused end gets the labels the policy selects and
    /// the other end those the rule's peer selects, and the engine decides
    /// again. A warning is given only when none of them passes.
    fn could_be_allowed(
        &self,
        from: &Pod,
        to: &Pod,
        protocol: FlowProtocol,
        port: u16,
        ingress: bool,
    ) -> bool {
        let (refused, other) = if ingress { (to, from) } else { (from, to) };
        let direction = if ingress {
            ir::Direction::Ingress
        } else {
            ir::Direction::Egress
        };
        for inst in self.repo.for_namespace(&refused.namespace) {
            let ir::Subject::Pods(subject) = &inst.spec().subject else {
                continue;
            };
            let mut rules = inst
                .spec()
                .rules()
                .filter(|rule| {
                    rule.kind.direction == direction
                        && rule.kind.verdict == ir::Verdict::Allow
                        && may_cover_port(rule.ports, protocol, port)
                })
                .peekable();
            if rules.peek().is_none() {
                continue;
            }
            let wide = widen(refused, subject);
            let mut extra = self.widen_namespace(&refused.namespace, subject);
            for rule in rules {
                let peers: Vec<(Pod, Vec<NamespaceLabel>)> = match rule.peer {
                    PeerRef::Endpoints(selectors) => selectors
                        .iter()
                        .map(|selector| {
                            (
                                widen(other, selector),
                                self.widen_namespace(&other.namespace, selector),
                            )
                        })
                        .collect(),
                    _ => vec![(other.clone(), Vec::new())],
                };
                for (peer, peer_extra) in &peers {
                    let base = extra.len();
                    extra.extend(peer_extra.iter().cloned());
                    let (from, to) = if ingress {
                        (peer, &wide)
                    } else {
                        (&wide, peer)
                    };
                    let answer = self.decide(
                        &self.end(from, &extra),
                        &self.end(to, &extra),
                        protocol,
                        port,
                        None,
                    );
                    extra.truncate(base);
                    let side = if ingress {
                        &answer.ingress
                    } else {
                        &answer.egress
                    };
                    if !refuses(side) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Whether any policy may enforce `direction` for a pod of `namespace`:
    /// one of the namespace's, or a cluster-wide one over pods, with a rule
    /// in that direction. Without one, that side allows everything and the
    /// engine need not be asked.
    fn may_enforce(&self, namespace: &str, direction: ir::Direction) -> bool {
        let cluster = match direction {
            ir::Direction::Ingress => self.cluster_rules.0,
            ir::Direction::Egress => self.cluster_rules.1,
        };
        cluster
            || self
                .repo
                .program
                .namespaces
                .get(namespace)
                .is_some_and(|own| {
                    own.policies
                        .iter()
                        .flat_map(|policy| policy.spec.rule_sets())
                        .any(|spec| spec.rules().any(|rule| rule.kind.direction == direction))
                })
    }

    /// The namespace labels `selector` asks for, when the inventory does not
    /// say what labels `namespace` carries (no inventory, or a namespace it
    /// does not list).
    fn widen_namespace(&self, namespace: &str, selector: &ir::Selector) -> Vec<NamespaceLabel> {
        let listed = self
            .repo
            .program
            .inventory
            .as_ref()
            .is_some_and(|inventory| inventory.namespaces.contains_key(namespace));
        if listed {
            return Vec::new();
        }
        requirements(selector)
            .filter_map(|(key, value)| {
                let label = bare(key)?.strip_prefix(NAMESPACE_LABELS)?;
                Some(NamespaceLabel {
                    namespace: namespace.to_owned(),
                    key: label.to_owned(),
                    value: value.to_owned(),
                })
            })
            .collect()
    }

    fn decide(
        &self,
        from: &PodEnd<'_>,
        to: &PodEnd<'_>,
        protocol: FlowProtocol,
        port: u16,
        request: Option<ir::Request>,
    ) -> Answer {
        self.engine
            .decide_pods(&self.world, from, to, protocol, port, request)
    }

    /// `pod` as a flow end: its namespace carries the inventory's labels,
    /// and those of `extra` for it that the inventory does not give.
    fn end<'p>(&'p self, pod: &'p Pod, extra: &'p [NamespaceLabel]) -> PodEnd<'p> {
        let listed = self
            .repo
            .program
            .inventory
            .as_ref()
            .and_then(|inventory| inventory.namespaces.get(pod.namespace.as_str()))
            .map(|entry| &entry.labels);
        let listed = listed
            .into_iter()
            .flatten()
            .map(|(key, value)| (key.as_str(), value.as_str()));
        if extra.iter().all(|label| label.namespace != pod.namespace) {
            return PodEnd::new(&self.world, pod, listed);
        }
        let mut labels: BTreeMap<&str, &str> = listed.collect();
        for label in extra
            .iter()
            .filter(|label| label.namespace == pod.namespace)
        {
            labels
                .entry(label.key.as_str())
                .or_insert(label.value.as_str());
        }
        PodEnd::new(&self.world, pod, labels.into_iter())
    }

    fn report_both_ends(
        &self,
        inst: &Inst<'_>,
        rule: RuleRef<'_>,
        finding: &Finding,
    ) -> Diagnostic {
        let egress = rule.kind.direction == ir::Direction::Egress;
        let flow = describe_flow(finding);
        let span = self.repo.peer_span(rule.origin, inst);
        let (refusing, refused_pod, other_pod) = if egress {
            (&finding.answer.ingress, &finding.to, &finding.from)
        } else {
            (&finding.answer.egress, &finding.from, &finding.to)
        };
        let code_port = code_port(finding);
        let mut diag = if egress {
            report::egress_refused_by_ingress(span, &flow)
        } else {
            report::ingress_refused_by_egress(span, &flow)
        };
        diag = self.refusal_labels(diag, refusing, if egress { "ingress" } else { "egress" });
        let help = match refusing.verdict {
            SideVerdict::Deny => "a deny rule wins over every allow: narrow the deny rule, or remove this rule if the flow is not meant to happen".to_owned(),
            _ if egress => format!(
                "allow it on the destination's side: `allow from {} port {code_port}` in namespace `{}`, in a policy that selects {}; or remove this rule if the flow is not meant to happen",
                peer_words(other_pod, Some(&refused_pod.namespace)),
                refused_pod.namespace,
                describe_pod(refused_pod, None),
            ),
            _ => format!(
                "allow it on the source's side: `allow to {} port {code_port}` in namespace `{}`, in a policy that selects {}; or remove this rule if the flow is not meant to happen",
                peer_words(other_pod, Some(&refused_pod.namespace)),
                refused_pod.namespace,
                describe_pod(refused_pod, None),
            ),
        };
        diag.note("netpolc made both pods from the selectors of the rule and its policy; it warns only when no rule of the refusing side admits them, whatever other labels they carry")
        .help(help)
    }

    fn report_lookup(
        &self,
        inst: &Inst<'_>,
        rule: RuleRef<'_>,
        names: &[String],
        example: &str,
        finding: &Finding,
    ) -> Diagnostic {
        let span = self.repo.peer_span(rule.origin, inst);
        let answer = &finding.answer;
        let source = peer_words(&finding.from, Some(DNS_NAMESPACE));
        let (why, help, side, egress_side) = if refuses(&answer.egress) {
            (
                "the pods' egress refuses it",
                "allow the lookup: `allow dns` in a policy that selects these pods, or narrow the deny rule that refuses it".to_owned(),
                Some(&answer.egress),
                true,
            )
        } else if answer.egress.l7_allowed == Some(false) {
            (
                "the DNS rules of the pods' egress do not admit the name",
                "add the name to the patterns of the DNS rule that allows the lookup".to_owned(),
                None,
                true,
            )
        } else {
            (
                "the ingress of kube-dns refuses it",
                format!(
                    "allow the lookup on kube-dns's side: `allow from {source} port 53` in namespace `kube-system`, in a policy that selects pods k8s-app=kube-dns (or narrow the deny rule that refuses it)"
                ),
                Some(&answer.ingress),
                false,
            )
        };
        let mut diag = report::fqdn_lookup_refused(span, &names.join(", "), &why);
        if let Some(side) = side {
            diag = self.refusal_labels(diag, side, if egress_side { "egress" } else { "ingress" });
        }
        diag.note(format!(
            "netpolc decided a lookup of `{example}` from {} to {} on 53/UDP",
            describe_pod(&finding.from, None),
            describe_pod(&finding.to, None),
        ))
        .help(help)
    }

    /// Secondary labels at what refused a side: its deny rules, or the
    /// policies that turn it to default deny.
    fn refusal_labels(&self, mut diag: Diagnostic, side: &Side, direction: &str) -> Diagnostic {
        match side.verdict {
            SideVerdict::Deny => {
                for decider in side.deciders.iter().take(3) {
                    let Decider::Rule { policy, origin, .. } = decider else {
                        continue;
                    };
                    let Some(other) = self.inst_of(policy) else {
                        continue;
                    };
                    let at = self.repo.rule_span(origin, other);
                    if self.repo.is_user(at) {
                        diag = diag.secondary(at, format!("this {direction} deny rule refuses it"));
                    }
                }
            }
            SideVerdict::DefaultDeny => {
                for policy in side.enforcing.iter().take(3) {
                    let Some(other) = self.inst_of(policy) else {
                        continue;
                    };
                    if self.repo.is_user(other.name_span) {
                        diag = diag.secondary(
                            other.name_span,
                            format!("this policy turns their {direction} to default deny, and none of its rules allows the flow"),
                        );
                    }
                }
            }
            _ => {}
        }
        diag
    }

    fn inst_of(&self, policy: &PolicyRef) -> Option<&Inst<'_>> {
        self.repo.instance(
            policy.namespace.as_ref().map(|name| name.as_str()),
            policy.name.as_str(),
        )
    }
}

fn policy_ref(inst: &Inst<'_>) -> (Option<String>, String) {
    (
        inst.namespace.map(str::to_owned),
        inst.policy.name.to_string(),
    )
}

/// Whether the rule itself is among the rules that decided its side.
fn decided_by(
    side: &Side,
    own: &(Option<String>, String),
    kind: RuleKind,
    origin: &ir::RuleOrigin,
) -> bool {
    side.deciders.iter().any(|decider| match decider {
        Decider::Rule {
            policy,
            kind: decided,
            origin: decided_origin,
        } => {
            *decided == kind
                && decided_origin == origin
                && policy.namespace.as_ref().map(|name| name.as_str()) == own.0.as_deref()
                && policy.name.as_str() == own.1
        }
        _ => false,
    })
}

fn refuses(side: &Side) -> bool {
    matches!(side.verdict, SideVerdict::Deny | SideVerdict::DefaultDeny)
}

/// `pod` with the labels `selector` requires that it lacks (the first
/// value of an `In`, some value for an `Exists`).
fn widen(pod: &Pod, selector: &ir::Selector) -> Pod {
    let mut wide = pod.clone();
    for (key, value) in requirements(selector) {
        let Some(key) = bare(key) else {
            continue;
        };
        if key == NAMESPACE_KEY
            || key.starts_with(NAMESPACE_LABELS)
            || key == CLUSTER_KEY
            || key == SERVICE_ACCOUNT_KEY
        {
            continue;
        }
        wide.labels
            .entry(key.to_owned())
            .or_insert_with(|| value.to_owned());
    }
    wide
}

/// The labels a selector asks for, as `(key, value)`: each `matchLabels`
/// entry, the first value of an `In`, some value for an `Exists`.
fn requirements(selector: &ir::Selector) -> impl Iterator<Item = (&str, &str)> {
    selector
        .match_labels
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .chain(selector.match_expressions.iter().filter_map(|expression| {
            match expression.operator {
                ir::Operator::In => expression
                    .values
                    .first()
                    .map(|value| (expression.key.as_str(), value.as_str())),
                ir::Operator::Exists => Some((expression.key.as_str(), "x")),
                ir::Operator::NotIn | ir::Operator::DoesNotExist => None,
            }
        }))
}

/// A namespace label assumed for a namespace whose labels are unknown.
#[derive(Clone)]
struct NamespaceLabel {
    namespace: String,
    key: String,
    value: String,
}

/// Whether a rule's ports may include `port` (a named port may).
fn may_cover_port(ports: &[ir::PortSpec], protocol: FlowProtocol, port: u16) -> bool {
    ports.is_empty()
        || ports.iter().any(|spec| {
            let protocol_ok = matches!(
                (spec.protocol(), protocol),
                (Protocol::Any, _)
                    | (Protocol::Tcp, FlowProtocol::Tcp)
                    | (Protocol::Udp, FlowProtocol::Udp)
                    | (Protocol::Sctp, FlowProtocol::Sctp)
            );
            protocol_ok
                && match spec.port() {
                    Port::Name(_) => true,
                    Port::Number(0) => true,
                    Port::Number(first) => {
                        *first <= port && port <= spec.end_port().unwrap_or(*first)
                    }
                }
        })
}

/// The ports of a rule as flows: `(port, protocols)`; a port without a
/// protocol is tried as TCP and UDP.
fn port_groups(ports: &[ir::PortSpec]) -> Vec<(u16, Vec<FlowProtocol>)> {
    ports
        .iter()
        .filter_map(|spec| {
            let Port::Number(number) = spec.port() else {
                return None;
            };
            if *number == 0 {
                return None;
            }
            let protocols = match spec.protocol() {
                Protocol::Tcp => vec![FlowProtocol::Tcp],
                Protocol::Udp => vec![FlowProtocol::Udp],
                Protocol::Sctp => vec![FlowProtocol::Sctp],
                Protocol::Any => vec![FlowProtocol::Tcp, FlowProtocol::Udp],
                // No flow the engine decides is VRRP or IGMP.
                Protocol::Vrrp
                | Protocol::Igmp
                | Protocol::Gre
                | Protocol::Ipip
                | Protocol::Ipv6
                | Protocol::Esp
                | Protocol::Ah => return None,
            };
            Some((*number, protocols))
        })
        .collect()
}

/// A label key without the `k8s:` or `any:` source; `None` for another
/// source (`reserved:`, ...), which no pod carries.
fn bare(key: &str) -> Option<&str> {
    if let Some(rest) = key
        .strip_prefix("k8s:")
        .or_else(|| key.strip_prefix("any:"))
    {
        return Some(rest);
    }
    match key.split_once(':') {
        Some(_) => None,
        None => Some(key),
    }
}

/// The pods a selector stands for (see the module documentation): one per
/// namespace, none when the selector needs a label no pod carries or a
/// namespace the repository cannot name.
pub fn representatives(repo: &Repo<'_>, selector: &ir::Selector, inst: &Inst<'_>) -> Vec<Pod> {
    let mut labels = BTreeMap::new();
    let mut service_account = String::new();
    let mut pinned: Option<&str> = None;
    let mut namespace_part = false;
    // Each requirement as (key, operator, its first value): no other value
    // is read.
    let requirements = selector
        .match_labels
        .iter()
        .map(|(key, value)| (key.as_str(), ir::Operator::In, Some(value.as_str())))
        .chain(selector.match_expressions.iter().map(|expression| {
            (
                expression.key.as_str(),
                expression.operator,
                expression.values.first().map(|value| value.as_str()),
            )
        }));
    for (key, operator, first) in requirements {
        let Some(key) = bare(key) else {
            return Vec::new();
        };
        if key == NAMESPACE_KEY || key.starts_with(NAMESPACE_LABELS) {
            namespace_part = true;
            if key == NAMESPACE_KEY && operator == ir::Operator::In && pinned.is_none() {
                pinned = first;
            }
            continue;
        }
        let value = match operator {
            ir::Operator::In => match first {
                Some(value) => value.to_owned(),
                None => return Vec::new(),
            },
            ir::Operator::Exists => "x".to_owned(),
            ir::Operator::NotIn | ir::Operator::DoesNotExist => continue,
        };
        if key == CLUSTER_KEY {
            if value != "default" && operator == ir::Operator::In {
                return Vec::new();
            }
        } else if key == SERVICE_ACCOUNT_KEY {
            service_account = value;
        } else {
            labels.insert(key.to_owned(), value);
        }
    }
    let namespaces: Vec<String> = match (pinned, namespace_part, inst.namespace) {
        (Some(name), _, _) => {
            let namespace = Namespace::lookup(repo, name);
            if may_select(selector, &namespace) == Tri::No {
                return Vec::new();
            }
            vec![name.to_owned()]
        }
        (None, false, Some(own)) => vec![own.to_owned()],
        (None, _, _) => match &repo.program.inventory {
            Some(inventory) => inventory
                .namespaces
                .keys()
                .filter(|name| may_select(selector, &Namespace::lookup(repo, name)) == Tri::Yes)
                .take(MAX_NAMESPACES)
                .map(|name| name.to_string())
                .collect(),
            None => Vec::new(),
        },
    };
    namespaces
        .into_iter()
        .map(|namespace| Pod {
            name: String::new(),
            namespace,
            labels: labels.clone(),
            service_account: service_account.clone(),
            named_ports: BTreeMap::new(),
        })
        .collect()
}

/// The one namespace of a selector's pods, found cheaply: the one it names
/// in `matchLabels`, or the policy's own when it has no namespace part;
/// `None` otherwise (see [`representatives`]).
fn plain_namespace<'s>(selector: &'s ir::Selector, inst: &Inst<'s>) -> Option<&'s str> {
    let mut namespace_part = false;
    for (key, value) in &selector.match_labels {
        let key = bare(key.as_str())?;
        if key == NAMESPACE_KEY {
            return Some(value.as_str());
        }
        namespace_part |= key.starts_with(NAMESPACE_LABELS);
    }
    namespace_part |= selector.match_expressions.iter().any(|expression| {
        bare(expression.key.as_str())
            .is_some_and(|key| key == NAMESPACE_KEY || key.starts_with(NAMESPACE_LABELS))
    });
    if namespace_part { None } else { inst.namespace }
}

/// A name that a DNS pattern matches: `*` as `a`, a leading `**.` as `a.`.
fn example_name(pattern: &str) -> String {
    let pattern = pattern.trim_end_matches('.');
    let pattern = match pattern.strip_prefix("**.") {
        Some(rest) => format!("a.{rest}"),
        None => pattern.to_owned(),
    };
    if pattern == "*" {
        return "example.com".to_owned();
    }
    pattern.replace('*', "a")
}

/// The pod as the language writes a peer: `pods app=web in namespace
/// shop`, `pods { app=web, tier=a }`, `namespace shop`; without the
/// namespace when it is `same_namespace`.
fn peer_words(pod: &Pod, same_namespace: Option<&str>) -> String {
    let labels: Vec<String> = pod
        .labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    let same = same_namespace == Some(pod.namespace.as_str());
    let pods = match labels.as_slice() {
        [] if same => return "pods".to_owned(),
        [] => return format!("namespace {}", pod.namespace),
        [one] => format!("pods {one}"),
        _ => format!("pods {{ {} }}", labels.join(", ")),
    };
    if same {
        pods
    } else {
        format!("{pods} in namespace {}", pod.namespace)
    }
}

/// `pods app=web in namespace shop`; without the namespace when it is
/// `same_namespace`.
fn describe_pod(pod: &Pod, same_namespace: Option<&str>) -> String {
    let labels: Vec<String> = pod
        .labels
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    let mut text = "pods".to_owned();
    if !labels.is_empty() {
        text.push(' ');
        text.push_str(&labels.join(", "));
    }
    if same_namespace != Some(pod.namespace.as_str()) {
        text.push_str(" in namespace ");
        text.push_str(&pod.namespace);
    }
    text
}

/// `8080/TCP`, `53/TCP and 53/UDP`.
fn describe_port(finding: &Finding) -> String {
    let each: Vec<String> = finding
        .protocols
        .iter()
        .map(|protocol| format!("{}/{}", finding.port, protocol.as_str()))
        .collect();
    each.join(" and ")
}

/// The port as the language writes it: `8080/tcp`, `53` for TCP and UDP.
fn code_port(finding: &Finding) -> String {
    match finding.protocols.as_slice() {
        [one] => format!("{}/{}", finding.port, one.as_str().to_ascii_lowercase()),
        _ => finding.port.to_string(),
    }
}

fn describe_flow(finding: &Finding) -> String {
    format!(
        "{} to {} on {}",
        describe_pod(&finding.from, None),
        describe_pod(&finding.to, None),
        describe_port(finding)
    )
}

#[cfg(test)]
mod tests {
    use super::{bare, example_name};

    #[test]
    fn example_names_match_their_patterns() {
        assert_eq!(example_name("api.stripe.com"), "api.stripe.com");
        assert_eq!(example_name("*.stripe.com"), "a.stripe.com");
        assert_eq!(example_name("**.stripe.com."), "a.stripe.com");
        assert_eq!(example_name("api-*.example.com"), "api-a.example.com");
        assert_eq!(example_name("*"), "example.com");
    }

    #[test]
    fn label_sources() {
        assert_eq!(bare("k8s:app"), Some("app"));
        assert_eq!(bare("any:app"), Some("app"));
        assert_eq!(
            bare("app.kubernetes.io/name"),
            Some("app.kubernetes.io/name")
        );
        assert_eq!(bare("reserved:host"), None);
    }
}
