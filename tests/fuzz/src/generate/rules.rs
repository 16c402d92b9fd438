//! Rules: peers, ports, ICMP and L7 lines, in the shapes Cilium accepts.

use arbitrary::Result;

use super::pools::{
    ENTITIES, EXCEPTS, GRPC, ICMPS, METHODS, OTHER_NAMESPACES, PATHS, STRINGS, TCP_PORTS, TOPICS,
};
use super::{Gen, Place, Type};

impl Gen<'_, '_> {
    /// A scope: always in a cluster policy, a third of the time elsewhere.
    pub(super) fn scope_for(&mut self, place: Place) -> Result<String> {
        if place != Place::Namespace && !self.slip()? || self.u.ratio(1, 3)? {
            return Ok(format!(" {}", self.scope()?));
        }
        Ok(String::new())
    }

    /// A CIDR peer item, sometimes with an exception.
    pub(super) fn cidr_item(&mut self) -> Result<String> {
        if self.slip()? {
            return Ok("10.1.0.0/16 except [10.0.0.0/8]".to_owned());
        }
        if self.u.ratio(1, 4)? {
            let (cidr, except) = *self.u.choose(EXCEPTS)?;
            return Ok(format!("{cidr} except [{except}]"));
        }
        self.value(Type::Cidr)
    }

    /// The other side of a rule. `egress_allow` admits `fqdn` and services.
    pub(super) fn peer(&mut self, place: Place, egress_allow: bool) -> Result<String> {
        let last = if egress_allow { 10 } else { 7 };
        Ok(match self.u.int_in_range(0..=last)? {
            0..=2 => {
                let selectors = if self.u.ratio(4, 5)? {
                    format!(" {}", self.list(2, Self::selector)?)
                } else {
                    String::new()
                };
                format!("pods{selectors}{}", self.scope_for(place)?)
            }
            3 => format!(
                "namespace {}",
                self.list(2, |g| Ok(g.pick(OTHER_NAMESPACES)?.to_owned()))?
            ),
            4 => format!("namespaces with {}", self.selector()?),
            5 => format!(
                "entity {}",
                self.list(2, |g| Ok(g.pick(ENTITIES)?.to_owned()))?
            ),
            6 => format!("cidr {}", self.list(3, Self::cidr_item)?),
            7 => {
                if self.u.ratio(1, 8)? {
                    "everything".to_owned()
                } else {
                    "anywhere".to_owned()
                }
            }
            8 | 9 => format!("fqdn {}", self.list(2, Self::fqdn)?),
            _ => {
                let scope = match place {
                    Place::Namespace if self.u.ratio(2, 3)? => String::new(),
                    _ if self.u.ratio(1, 2)? => " in all namespaces".to_owned(),
                    _ => format!(" in namespace {}", self.pick(OTHER_NAMESPACES)?),
                };
                if self.u.ratio(1, 2)? {
                    format!("service {}{scope}", self.pick(OTHER_NAMESPACES)?)
                } else {
                    format!("services with {}{scope}", self.selector()?)
                }
            }
        })
    }

    /// An HTTP rule line.
    pub(super) fn http(&mut self) -> Result<String> {
        let mut line = "http".to_owned();
        match self.u.int_in_range(0..=3)? {
            0 | 1 => line.push_str(&format!(" {}", self.pick(METHODS)?)),
            2 => line.push_str(&format!(
                " method {}",
                self.string((&["GET|HEAD", "POST"], &["(", "[a"]))?
            )),
            _ => {}
        }
        if self.u.ratio(3, 4)? {
            line.push_str(&format!(" {}", self.string(PATHS)?));
        }
        if self.u.ratio(1, 5)? {
            line.push_str(&format!(" host {}", self.string(STRINGS)?));
        }
        if self.u.ratio(1, 5)? {
            line.push_str(&format!(" header {}", self.string(STRINGS)?));
        }
        Ok(line)
    }

    /// A Kafka rule line.
    pub(super) fn kafka(&mut self) -> Result<String> {
        let role = *self.u.choose(&[
            "",
            " produce",
            " consume",
            " apikey fetch",
            " apikey produce",
        ])?;
        let topic = if self.u.ratio(3, 4)? {
            format!(" topic {}", self.string(TOPICS)?)
        } else {
            String::new()
        };
        Ok(format!("kafka{role}{topic}"))
    }

    /// One rule, from a handful of shapes that Cilium accepts, plus slips.
    pub(super) fn rule(&mut self, place: Place) -> Result<String> {
        let deny = self.u.ratio(1, 6)?;
        let verb = if deny { "deny" } else { "allow" };
        let egress = self.u.ratio(1, 2)?;
        let way = if egress { "to" } else { "from" };
        match self.u.int_in_range(0..=9)? {
            // The DNS rule that makes the proxy see lookups.
            0 if !deny && place != Place::Nodes => {
                let patterns = self.list(2, Self::fqdn)?;
                let targets: &[&str] = match place {
                    Place::Namespace => &[
                        "pods k8s-app=kube-dns in namespace kube-system",
                        "entity cluster",
                        "pods k8s-app=kube-dns",
                    ],
                    _ => &[
                        "pods k8s-app=kube-dns in namespace kube-system",
                        "entity cluster",
                    ],
                };
                let target = self.u.choose(targets)?;
                Ok(format!(
                    "allow to {target} port {} dns {patterns}",
                    self.pick((&["53/any", "53/udp", "53"], &["53/tcp", "54"]))?
                ))
            }
            // L7 rules on a TCP port; one kind per rule.
            1 | 2 if !deny && place != Place::Nodes => {
                let peer = self.peer(place, egress)?;
                let port = self.pick(TCP_PORTS)?;
                let lines = match self.u.int_in_range(0..=3)? {
                    0 | 1 => self.list_lines(3, Self::http)?,
                    2 => format!("\n      grpc {}", self.string(GRPC)?),
                    _ => self.list_lines(2, Self::kafka)?,
                };
                Ok(format!("allow {way} {peer} port {port}{lines}"))
            }
            // ICMP.
            3 => {
                let peer = self.peer(place, egress && !deny)?;
                Ok(format!(
                    "{verb} {way} {peer} icmp {}",
                    self.list(2, |g| Ok(g.pick(ICMPS)?.to_owned()))?
                ))
            }
            // Ports, or none.
            _ => {
                let peer = self.peer(place, egress && !deny)?;
                let ports = if peer == "anywhere" || self.u.ratio(3, 4)? {
                    format!(" port {}", self.list(3, |g| g.value(Type::Port))?)
                } else {
                    String::new()
                };
                Ok(format!("{verb} {way} {peer}{ports}"))
            }
        }
    }

    /// One to `max` L7 lines, each on its own line.
    pub(super) fn list_lines(
        &mut self,
        max: usize,
        mut line: impl FnMut(&mut Self) -> Result<String>,
    ) -> Result<String> {
        let mut out = String::new();
        for _ in 0..self.u.int_in_range(1..=max)? {
            out.push_str("\n      ");
            out.push_str(&line(self)?);
        }
        Ok(out)
    }
}
