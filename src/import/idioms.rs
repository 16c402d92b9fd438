//! Standard-library forms: rules that are exactly what a stdlib category
//! writes become that category's rule sentence (`allow dns`), or
//! `use CATEGORY` for a category without one.
//!
//! A rule is replaced only when the category compiles to the same rule
//! (same peer, same keys in the same spelling, same ports, protocols and L7
//! rules), so the output stays equivalent:
//!
//! | rule | becomes |
//! |---|---|
//! | egress to `{k8s-app: kube-dns, io.kubernetes.pod.namespace: kube-system}`, port `53` (any protocol), DNS rules | `allow dns`, with the patterns after it unless the only pattern is `"*"` |
//! | egress to the entity `kube-apiserver` on 443/tcp and 6443/tcp, nothing else | `allow kube-apiserver` |
//! | in a namespace: ingress from and egress to `[{}]`, nothing else | `allow same-namespace` |
//! | in a namespace: ingress from `[{}]`, nothing else | `use allow_from_same_namespace` |
//! | ingress from the entity `ingress`, nothing else | `allow gateway` |
//! | egress deny to `169.254.169.254/32`, nothing else | `deny cloud-metadata` |
//!
//! `allow_metrics_scrape` and `allow_storage` are not recognised: any pod
//! peer on a port, or any CIDR on a port, would match them, and naming such
//! a rule "metrics" or "storage" would be a guess about its purpose.

use super::model::{Cidr, Kind, L7, Peer, Port, Rule, Selector, Spec};
use super::scope::is_namespace_key;
use crate::ir::Entity;

/// A `use` statement that replaces rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Use {
    /// A category without arguments, such as `allow_kube_apiserver`.
    Plain(&'static str),
    /// `allow_dns`, with its patterns when they are not just `"*"`.
    Dns(Vec<String>),
}

impl Use {
    /// The category's rule sentence without values (`allow kube-apiserver`),
    /// when it declares one; the stdlib files declare the same.
    pub fn sentence(&self) -> Option<&'static str> {
        match self {
            Use::Dns(_) => Some("allow dns"),
            Use::Plain("allow_kube_apiserver") => Some("allow kube-apiserver"),
            Use::Plain("allow_same_namespace") => Some("allow same-namespace"),
            Use::Plain("allow_gateway_ingress") => Some("allow gateway"),
            Use::Plain("deny_cloud_metadata") => Some("deny cloud-metadata"),
            Use::Plain(_) => None,
        }
    }
}

/// Takes the rules that are stdlib forms out of `spec` and returns the
/// `use` statements that replace them, in order.
pub fn extract(spec: &mut Spec, kind: Kind) -> Vec<Use> {
    let mut uses = Vec::new();
    while let Some(patterns) = take(&mut spec.egress, |rule| {
        dns_patterns(rule).map(<[String]>::to_vec)
    }) {
        uses.push(Use::Dns(patterns));
    }
    while take(&mut spec.egress, |rule| {
        is_kube_apiserver(rule).then_some(())
    })
    .is_some()
    {
        uses.push(Use::Plain("allow_kube_apiserver"));
    }
    if kind == Kind::Cnp {
        let same = Peer::Endpoints(vec![Selector::default()]);
        loop {
            let ingress = spec.ingress.iter().position(|rule| is_bare(rule, &same));
            let egress = spec.egress.iter().position(|rule| is_bare(rule, &same));
            match (ingress, egress) {
                (Some(ingress), Some(egress)) => {
                    spec.ingress.remove(ingress);
                    spec.egress.remove(egress);
                    uses.push(Use::Plain("allow_same_namespace"));
                }
                (Some(ingress), None) => {
                    spec.ingress.remove(ingress);
                    uses.push(Use::Plain("allow_from_same_namespace"));
                }
                _ => break,
            }
        }
    }
    while take(&mut spec.ingress, |rule| {
        is_bare(rule, &Peer::Entities(vec![Entity::Ingress])).then_some(())
    })
    .is_some()
    {
        uses.push(Use::Plain("allow_gateway_ingress"));
    }
    let metadata = Peer::Cidrs(vec![Cidr {
        cidr: "169.254.169.254/32".to_owned(),
        except: Vec::new(),
        group: false,
    }]);
    while take(&mut spec.egress_deny, |rule| {
        is_bare(rule, &metadata).then_some(())
    })
    .is_some()
    {
        uses.push(Use::Plain("deny_cloud_metadata"));
    }
    uses
}

/// Removes the first rule `test` accepts and returns what it returned.
fn take<T>(rules: &mut Vec<Rule>, test: impl Fn(&Rule) -> Option<T>) -> Option<T> {
    let (index, found) = rules
        .iter()
        .enumerate()
        .find_map(|(index, rule)| test(rule).map(|found| (index, found)))?;
    rules.remove(index);
    Some(found)
}

/// True for a rule with exactly this peer and no port, ICMP or L7 part.
fn is_bare(rule: &Rule, peer: &Peer) -> bool {
    rule.peer == *peer && rule.ports.is_empty() && rule.icmps.is_empty() && rule.l7.is_none()
}

/// True for exactly `allow_kube_apiserver`'s rule: egress to the entity on
/// its default ports, 443/tcp and 6443/tcp.
fn is_kube_apiserver(rule: &Rule) -> bool {
    let tcp = |port: &str| Port {
        port: port.to_owned(),
        end_port: None,
        protocol: Some("tcp".to_owned()),
    };
    rule.peer == Peer::Entities(vec![Entity::KubeApiserver])
        && rule.ports == [tcp("443"), tcp("6443")]
        && rule.icmps.is_empty()
        && rule.l7.is_none()
}

/// The DNS patterns of a rule that is exactly `allow_dns`'s.
fn dns_patterns(rule: &Rule) -> Option<&[String]> {
    let Peer::Endpoints(selectors) = &rule.peer else {
        return None;
    };
    let [selector] = selectors.as_slice() else {
        return None;
    };
    let kube_dns = selector.expressions.is_empty()
        && selector.labels.len() == 2
        && selector
            .labels
            .iter()
            .any(|(key, value)| key == "k8s-app" && value == "kube-dns")
        && selector
            .labels
            .iter()
            .any(|(key, value)| is_namespace_key(key) && value == "kube-system");
    let port_53 = rule.ports
        == [Port {
            port: "53".to_owned(),
            end_port: None,
            protocol: None,
        }];
    let Some(L7::Dns(patterns)) = &rule.l7 else {
        return None;
    };
    let mut distinct = patterns.clone();
    distinct.sort();
    distinct.dedup();
    let usable = !patterns.is_empty() && distinct.len() == patterns.len();
    (kube_dns && port_53 && rule.icmps.is_empty() && usable).then_some(patterns.as_slice())
}

#[cfg(test)]
mod tests {
    use super::Use;
    use crate::sema::index::{DefKind, Detail};
    use crate::source::SourceMap;

    /// Every sentence the importer writes is the one the stdlib category
    /// declares, so the printed statement is a `use` of the same category.
    #[test]
    fn sentences_are_those_the_stdlib_declares() {
        let sources = SourceMap::with_stdlib();
        let (_, index, diags) = crate::check(&sources, &crate::Options::default());
        assert!(diags.is_empty(), "{diags:?}");
        let declared: Vec<(String, Option<String>)> = index
            .of_kind(DefKind::Category)
            .map(|(_, def)| {
                let sentence = match &def.detail {
                    Detail::Category { sentence, .. } => sentence.clone(),
                    _ => None,
                };
                (def.name.clone(), sentence)
            })
            .collect();
        let forms = [
            ("allow_dns", Use::Dns(Vec::new())),
            ("allow_kube_apiserver", Use::Plain("allow_kube_apiserver")),
            ("allow_same_namespace", Use::Plain("allow_same_namespace")),
            (
                "allow_from_same_namespace",
                Use::Plain("allow_from_same_namespace"),
            ),
            ("allow_gateway_ingress", Use::Plain("allow_gateway_ingress")),
            ("deny_cloud_metadata", Use::Plain("deny_cloud_metadata")),
        ];
        for (category, form) in forms {
            let found = declared
                .iter()
                .find(|(name, _)| name == category)
                .map(|(_, sentence)| sentence.as_deref());
            assert_eq!(found, Some(form.sentence()), "{category}");
        }
    }
}
