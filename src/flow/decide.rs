//! One side of a flow: the policies that select the endpoint in a
//! direction, whether the direction is enforced, and the map entry that
//! decides (docs/cilium-semantics.md §5.2, §5.3, §5.5, §9).

use std::cell::OnceCell;
use std::collections::BTreeMap;

use super::identity::{Identity, Kind};
use super::ports::{self, NamedPorts, Specificity, WILDCARD};
use super::select::{self, Scope};
use super::{
    AllowLocalhost, Decider, Flow, Missed, NearMiss, PolicyMode, PolicyRef, Proxy, Side,
    SideVerdict, World,
};
use crate::ir::{
    Direction, FlowProtocol, L7, NamespaceName, PeerRef, PolicyInstance, PolicySpec, Program,
    RuleRef, Subject, Verdict,
};

/// At most this many near misses per side.
const NEAR_MISSES: usize = 3;

/// A rule set of a policy that selects the endpoint: the policy's spec, or
/// one of its `specs` (Cilium reads each as a rule of its own).
pub(crate) struct Selecting<'p> {
    pub namespace: Option<&'p NamespaceName>,
    pub instance: &'p PolicyInstance,
    pub spec: &'p PolicySpec,
}

impl Selecting<'_> {
    pub(crate) fn reference(&self) -> PolicyRef {
        PolicyRef {
            namespace: self.namespace.cloned(),
            name: self.instance.name.clone(),
            origin: self.instance.origin,
        }
    }

    fn spec(&self) -> &PolicySpec {
        self.spec
    }

    fn scope(&self) -> Scope<'_> {
        match self.namespace {
            Some(namespace) => Scope::Namespaced(namespace),
            None => Scope::Clusterwide(match &self.spec().subject {
                Subject::Pods(selector) | Subject::Nodes(selector) => {
                    select::has_reserved_key(selector, Some("init"))
                }
            }),
        }
    }
}

/// The policies whose subject selects `subject`: for a pod, the CNPs of its
/// namespace and the CCNPs; for the reserved endpoints `health`, `ingress`
/// and `init`, the CCNPs with an `endpointSelector`; for the host, the
/// CCNPs with a `nodeSelector` (only with the host firewall).
pub(crate) fn selecting<'p>(
    program: &'p Program,
    world: &World,
    subject: &Identity<'_>,
) -> Vec<Selecting<'p>> {
    let mut found = Vec::new();
    if let Kind::Pod(pod) = subject.kind {
        if let Some(namespace) = program.namespaces.get(pod.namespace.as_str()) {
            for instance in &namespace.policies {
                for spec in instance.spec.rule_sets() {
                    if let Subject::Pods(selector) = &spec.subject {
                        if select::selector_matches(selector, &subject.labels) {
                            found.push(Selecting {
                                namespace: Some(&namespace.name),
                                instance,
                                spec,
                            });
                        }
                    }
                }
            }
        }
    }
    let rule_sets = program.cluster.iter().flat_map(|instance| {
        instance
            .spec
            .rule_sets()
            .iter()
            .map(move |spec| (instance, spec))
    });
    for (instance, spec) in rule_sets {
        let selects = match (&spec.subject, subject.kind) {
            (Subject::Pods(selector), Kind::Pod(_) | Kind::Reserved(_)) => {
                subject.enforces() && select::selector_matches(selector, &subject.labels)
            }
            (Subject::Nodes(selector), Kind::Host) => {
                world.options.host_firewall && select::selector_matches(selector, &subject.labels)
            }
            _ => false,
        };
        if selects {
            found.push(Selecting {
                namespace: None,
                instance,
                spec,
            });
        }
    }
    found
}

fn rules_of(spec: &PolicySpec, direction: Direction) -> impl Iterator<Item = RuleRef<'_>> {
    spec.rules()
        .filter(move |rule| rule.kind.direction == direction)
}

/// The default deny setting of a policy in a direction.
fn default_deny(spec: &PolicySpec, direction: Direction) -> bool {
    let setting = match direction {
        Direction::Ingress => spec.default_deny.ingress,
        Direction::Egress => spec.default_deny.egress,
    };
    setting != Some(false)
}

/// Named ports on the ingress side: the destination pod's own, of the
/// flow's protocol.
pub(crate) struct OwnPorts<'w>(pub Option<&'w super::Pod>);

impl NamedPorts for OwnPorts<'_> {
    fn resolve(&self, name: &str, protocol: FlowProtocol) -> Option<u16> {
        self.0
            .and_then(|pod| pod.named_ports.get(name))
            .filter(|named| named.protocol == protocol && named.port != 0)
            .map(|named| named.port)
    }
}

/// Named ports on the egress side: every pod's (Cilium's
/// `NamedPortMultiMap`): of the numbers a name has for the flow's protocol,
/// the one, or none when there are two. The map is built on the first
/// named port looked up.
pub(crate) struct ClusterPorts<'w> {
    world: &'w World,
    names: OnceCell<BTreeMap<&'w str, Vec<(u16, FlowProtocol)>>>,
}

impl<'w> ClusterPorts<'w> {
    pub(crate) fn of(world: &'w World) -> ClusterPorts<'w> {
        ClusterPorts {
            world,
            names: OnceCell::new(),
        }
    }

    fn names(&self) -> &BTreeMap<&'w str, Vec<(u16, FlowProtocol)>> {
        self.names.get_or_init(|| {
            let mut names: BTreeMap<&'w str, Vec<(u16, FlowProtocol)>> = BTreeMap::new();
            for pod in &self.world.pods {
                for (name, named) in &pod.named_ports {
                    let known = names.entry(name.as_str()).or_default();
                    if !known.contains(&(named.port, named.protocol)) {
                        known.push((named.port, named.protocol));
                    }
                }
            }
            names
        })
    }
}

impl NamedPorts for ClusterPorts<'_> {
    fn resolve(&self, name: &str, protocol: FlowProtocol) -> Option<u16> {
        let mut numbers = self
            .names()
            .get(name)?
            .iter()
            .filter(|(port, known)| *known == protocol && *port != 0)
            .map(|(port, _)| *port);
        let first = numbers.next()?;
        numbers.all(|port| port == first).then_some(first)
    }
}

/// One matching entry contribution.
struct Hit<'p, 's> {
    specificity: Specificity,
    decider: By<'p, 's>,
    l7: Option<&'p L7>,
    authentication: Option<crate::ir::AuthMode>,
    tls: Option<&'p crate::ir::Tls>,
}

/// What decided a [`Hit`] or a near miss: its [`Decider`] is built only
/// for the hits of the deciding entry and the near misses kept, since it
/// copies the policy's names and the rule's origin.
enum By<'p, 's> {
    Rule(&'s Selecting<'p>, RuleRef<'p>),
    Other(Decider),
}

impl By<'_, '_> {
    fn decider(self) -> Decider {
        match self {
            By::Rule(policy, rule) => rule_decider(policy, rule),
            By::Other(decider) => decider,
        }
    }
}

/// The [`Decider`] of a rule of `policy`.
fn rule_decider(policy: &Selecting<'_>, rule: RuleRef<'_>) -> Decider {
    Decider::Rule {
        policy: policy.reference(),
        kind: rule.kind,
        origin: rule.origin.clone(),
    }
}

/// A near miss before its [`NearMiss`] is built: the policy and rule, and
/// which half missed.
struct Miss<'p, 's> {
    policy: &'s Selecting<'p>,
    rule: RuleRef<'p>,
    missed: Missed,
}

/// What one side needs besides the policies.
pub(crate) struct SideInput<'a, 'w> {
    pub world: &'w World,
    pub direction: Direction,
    pub subject: &'a Identity<'w>,
    pub peer: &'a Identity<'w>,
    pub flow: &'a Flow,
    pub named: &'a dyn NamedPorts,
}

/// Decides one side; also returns the `toServices` markers of the
/// selecting policies.
pub(crate) fn side(program: &Program, input: &SideInput<'_, '_>) -> (Side, Vec<String>) {
    let SideInput {
        world,
        direction,
        subject,
        peer,
        flow,
        named,
    } = *input;
    let mut side = Side::default();
    if !subject.enforces() {
        return (side, Vec::new());
    }
    let host = subject.kind == Kind::Host;
    if host && !world.options.host_firewall {
        return (side, Vec::new());
    }
    let policies = selecting(program, world, subject);
    let mut unsupported = Vec::new();
    let mut any_rule = false;
    let mut deny_by_default = false;
    for policy in &policies {
        let mut rules = rules_of(policy.spec(), direction).peekable();
        if rules.peek().is_none() {
            continue;
        }
        any_rule = true;
        deny_by_default |= default_deny(policy.spec(), direction);
        side.enforcing.push(policy.reference());
        if rules.any(|rule| matches!(rule.peer, PeerRef::Services(_))) {
            unsupported.push(format!("toServices ({})", policy.reference()));
        }
        if rules_of(policy.spec(), direction).any(|rule| matches!(rule.peer, PeerRef::Groups(_))) {
            unsupported.push(format!(
                "from/toGroups ({}): AWS groups, resolved by the agent from AWS; the flow world knows no AWS interface, so they match nothing here",
                policy.reference()
            ));
        }
        if rules_of(policy.spec(), direction).any(|rule| matches!(rule.peer, PeerRef::Nodes(_))) {
            side.agent_flags.push(format!(
                "the `nodes` peers of {} are decided as with the agent flag `enable-node-selector-labels`, which is off by default (without it the agent refuses the policy)",
                policy.reference()
            ));
        }
    }
    let init = subject.kind == Kind::Reserved(crate::ir::Entity::Init);
    let enforced = match world.options.policy_mode {
        PolicyMode::Never => false,
        PolicyMode::Always => true,
        PolicyMode::Default => any_rule || init,
    };
    if !enforced {
        // Selecting policies do not make a side enforced under
        // `enable-policy=never`: nothing to name.
        side.enforcing.clear();
        return (side, unsupported);
    }
    if !any_rule {
        deny_by_default = true;
    }

    let mut allows: Vec<Hit<'_, '_>> = Vec::new();
    let mut denies: Vec<Hit<'_, '_>> = Vec::new();
    let mut misses: Vec<Miss<'_, '_>> = Vec::new();
    for policy in &policies {
        let scope = policy.scope();
        for rule in rules_of(policy.spec(), direction) {
            let has_ports = !rule.ports.is_empty() || !rule.icmps.is_empty();
            let peer_ok =
                select::peer_matches(program, rule.peer, has_ports, scope, &world.cluster, peer);
            let port = ports::rule_ports(rule.ports, rule.icmps, flow, named);
            match (peer_ok, port) {
                (true, Some(specificity)) => {
                    let hit = Hit {
                        specificity,
                        decider: By::Rule(policy, rule),
                        l7: rule.l7,
                        authentication: rule.authentication,
                        tls: rule.tls,
                    };
                    match rule.kind.verdict {
                        Verdict::Allow => allows.push(hit),
                        Verdict::Deny => denies.push(hit),
                    }
                }
                (true, None) if rule.kind.verdict == Verdict::Allow => misses.push(Miss {
                    policy,
                    rule,
                    missed: Missed::Port,
                }),
                // A rule without ports matches every port, so "right port,
                // wrong peer" says nothing of it.
                (false, Some(_))
                    if rule.kind.verdict == Verdict::Allow
                        && has_ports
                        && !matches!(rule.peer, PeerRef::Anywhere) =>
                {
                    misses.push(Miss {
                        policy,
                        rule,
                        missed: Missed::Peer,
                    })
                }
                _ => {}
            }
        }
    }
    if !deny_by_default {
        allows.push(Hit {
            specificity: WILDCARD,
            decider: By::Other(Decider::AllowAny(direction)),
            l7: None,
            authentication: None,
            tls: None,
        });
    }
    if direction == Direction::Ingress
        && world.options.allow_localhost == AllowLocalhost::Always
        && matches!(subject.kind, Kind::Pod(_))
        && peer.kind == Kind::Host
    {
        allows.push(Hit {
            specificity: WILDCARD,
            decider: By::Other(Decider::AllowLocalhost),
            l7: None,
            authentication: None,
            tls: None,
        });
    }

    if let Some(best) = denies.iter().map(|hit| hit.specificity).max() {
        side.verdict = SideVerdict::Deny;
        side.deciders = denies
            .into_iter()
            .filter(|hit| hit.specificity == best)
            .map(|hit| hit.decider.decider())
            .collect();
        return (side, unsupported);
    }
    if let Some(best) = allows.iter().map(|hit| hit.specificity).max() {
        side.verdict = SideVerdict::Allow;
        let entry: Vec<Hit<'_, '_>> = allows
            .into_iter()
            .filter(|hit| hit.specificity == best)
            .collect();
        // Server names alone send the port to the TLS proxy; with L7 rules
        // (and TLS termination) the L7 rules' proxy reads the requests.
        let names = |hit: &Hit<'_, '_>| hit.tls.is_some_and(|tls| !tls.server_names.is_empty());
        side.proxy = entry.iter().find_map(|hit| hit.l7).map_or_else(
            || {
                if entry.iter().any(names) {
                    Proxy::Tls
                } else {
                    Proxy::None
                }
            },
            |l7| match l7 {
                L7::Http(_) => Proxy::Http,
                L7::Kafka(_) => Proxy::Kafka,
                L7::Dns(_) => Proxy::Dns,
                L7::Listener(_) => Proxy::Listener,
                L7::Generic(_) => Proxy::Generic,
            },
        );
        side.parser = entry.iter().find_map(|hit| match hit.l7 {
            Some(L7::Generic(generic)) => Some(generic.proto.clone()),
            _ => None,
        });
        side.authentication = entry.iter().filter_map(|hit| hit.authentication).max();
        side.tls = entry.iter().find_map(|hit| hit.tls).cloned();
        if let (Some(request), true) = (&flow.request, side.proxy != Proxy::None) {
            // A rule of the entry without L7 rules admits every request.
            side.l7_allowed = if entry.iter().any(|hit| hit.l7.is_none() && !names(hit)) {
                Some(true)
            } else {
                let judged: Vec<bool> = entry
                    .iter()
                    .filter_map(|hit| hit.l7.and_then(|l7| super::l7::admits(l7, request)))
                    .collect();
                (!judged.is_empty()).then(|| judged.contains(&true))
            };
        }
        side.deciders = entry.into_iter().map(|hit| hit.decider.decider()).collect();
        return (side, unsupported);
    }
    side.verdict = SideVerdict::DefaultDeny;
    // The right peer on the wrong port first (a stable sort keeps the
    // rules' order within each kind).
    misses.sort_by_key(|miss| miss.missed);
    misses.truncate(NEAR_MISSES);
    side.near_misses = misses
        .into_iter()
        .map(|miss| NearMiss {
            rule: rule_decider(miss.policy, miss.rule),
            missed: miss.missed,
            why: match miss.missed {
                Missed::Port => format!(
                    "port {}/{} is not among {}",
                    flow.port,
                    flow.protocol.as_str(),
                    ports::describe(miss.rule.ports, miss.rule.icmps)
                ),
                Missed::Peer => "the rule's peer does not select this endpoint".to_owned(),
            },
        })
        .collect();
    if direction == Direction::Egress && peer.kind == Kind::Outside && peer.fqdns.is_empty() {
        let mut fqdn_rules: Vec<PolicyRef> = Vec::new();
        for policy in &policies {
            let covers = rules_of(policy.spec(), direction).any(|rule| {
                matches!(rule.peer, PeerRef::Fqdns(_))
                    && ports::rule_ports(rule.ports, rule.icmps, flow, named).is_some()
            });
            if covers && !fqdn_rules.contains(&policy.reference()) {
                fqdn_rules.push(policy.reference());
            }
        }
        if !fqdn_rules.is_empty() {
            side.verdict = SideVerdict::FqdnUnsupported;
            side.fqdn_rules = fqdn_rules;
        }
    }
    (side, unsupported)
}
