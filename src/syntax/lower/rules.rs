//! `allow` and `deny` rules: peers, CIDRs, ICMP types, HTTP and Kafka
//! rules.

use pest::iterators::Pair;

use super::{CollectExact, Cx, R, children};
use crate::ast;
use crate::source::Spanned;

impl Cx {
    pub(super) fn rule(&self, pair: Pair<'_, R>) -> ast::Rule {
        let span = self.span(&pair);
        let mut verb = None;
        let mut direction = None;
        let mut peer = None;
        let mut ports = None;
        let mut icmps = None;
        let mut sni = None;
        let mut authentication = None;
        let mut listener = None;
        let mut tls = Vec::new();
        let mut l7 = Vec::new();
        for child in children(pair.into_inner()) {
            let child_span = self.span(&child);
            match child.as_rule() {
                R::verb => verb = Some(self.verb(child)),
                R::way => {
                    let kind = match child.into_inner().next().map(|kw| kw.as_rule()) {
                        Some(R::kw_from) => ast::Direction::Ingress,
                        _ => ast::Direction::Egress,
                    };
                    direction = Some(Spanned::new(kind, child_span));
                }
                R::peer => peer = Some(self.peer(child)),
                R::ports => {
                    let values = children(child.into_inner())
                        .map(|port| self.value(port))
                        .collect_exact();
                    ports = Some(Spanned::new(values, child_span));
                }
                R::sni => {
                    let values = children(child.into_inner())
                        .map(|value| self.value(value))
                        .collect_exact();
                    sni = Some(Box::new(Spanned::new(values, child_span)));
                }
                R::listener => listener = Some(Box::new(self.listener(child))),
                R::tls => tls.push(self.tls(child)),
                R::authentication => {
                    let mode = children(child.into_inner())
                        .next()
                        .map(|mode| Spanned::new(mode.as_str().to_owned(), self.span(&mode)))
                        .unwrap_or_else(|| unreachable!("grammar: authentication has a mode"));
                    authentication = Some(Box::new(Spanned::new(mode, child_span)));
                }
                R::icmps => {
                    let items = children(child.into_inner())
                        .map(|item| self.icmp_item(item))
                        .collect_exact();
                    icmps = Some(Box::new(Spanned::new(items, child_span)));
                }
                R::http => l7.push(ast::L7::Http(self.http(child))),
                R::grpc => {
                    let value = children(child.into_inner())
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: grpc has a path"));
                    l7.push(ast::L7::Grpc(value, child_span));
                }
                R::kafka => l7.push(ast::L7::Kafka(self.kafka(child))),
                R::generic => {
                    let mut parts = children(child.into_inner());
                    let proto = parts
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: l7 has a protocol"));
                    let pairs = parts
                        .filter_map(|pair| {
                            let mut sides =
                                children(pair.into_inner()).map(|side| self.value(side));
                            Some((sides.next()?, sides.next()?))
                        })
                        .collect_exact();
                    l7.push(ast::L7::Generic(ast::Generic {
                        proto,
                        pairs,
                        span: child_span,
                    }));
                }
                R::dns => {
                    let values = children(child.into_inner())
                        .map(|value| self.value(value))
                        .collect_exact();
                    l7.push(ast::L7::Dns(values, child_span));
                }
                other => unreachable!("grammar: unexpected rule part {other:?}"),
            }
        }
        let (Some(verb), Some(direction), Some(peer)) = (verb, direction, peer) else {
            unreachable!("grammar: a rule has a verb, a direction and a peer")
        };
        l7.shrink_to_fit();
        ast::Rule {
            verb,
            direction,
            peer,
            ports,
            sni,
            tls,
            listener,
            icmps,
            authentication,
            l7,
            span,
        }
    }

    /// `terminate|originate tls secret SECRET [ca K] [certificate K] [key K]`.
    fn tls(&self, pair: Pair<'_, R>) -> ast::Tls {
        let span = self.span(&pair);
        let mut side = None;
        let mut secret = None;
        let mut items = Vec::new();
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::kw_terminate => {
                    side = Some(Spanned::new(ast::TlsSide::Terminate, self.span(&child)));
                }
                R::kw_originate => {
                    side = Some(Spanned::new(ast::TlsSide::Originate, self.span(&child)));
                }
                R::string_or_ref => secret = Some(self.value(child)),
                R::tls_item => {
                    let mut parts = children(child.into_inner());
                    let (Some(word), Some(value)) = (parts.next(), parts.next()) else {
                        unreachable!("grammar: a TLS item has a keyword and a value")
                    };
                    let item = match word.as_rule() {
                        R::kw_ca => ast::TlsItem::Ca,
                        R::kw_certificate => ast::TlsItem::Certificate,
                        _ => ast::TlsItem::Key,
                    };
                    items.push((Spanned::new(item, self.span(&word)), self.value(value)));
                }
                _ => {}
            }
        }
        let (Some(side), Some(secret)) = (side, secret) else {
            unreachable!("grammar: a tls clause has a side and a secret")
        };
        ast::Tls {
            side,
            secret,
            items,
            span,
        }
    }

    /// `listener NAME in [cluster|namespace] CONFIG [priority N]`.
    fn listener(&self, pair: Pair<'_, R>) -> ast::Listener {
        let span = self.span(&pair);
        let mut values = Vec::new();
        let mut clusterwide = None;
        let mut priority = None;
        for child in children(pair.into_inner()) {
            match child.as_rule() {
                R::string_or_ref => values.push(self.value(child)),
                R::listener_kind => {
                    clusterwide = Some(
                        child
                            .into_inner()
                            .next()
                            .is_some_and(|kw| kw.as_rule() == R::kw_cluster),
                    );
                }
                R::number => priority = Some(self.text(&child)),
                _ => {}
            }
        }
        let mut values = values.into_iter();
        let (Some(name), Some(config)) = (values.next(), values.next()) else {
            unreachable!("grammar: a listener has a name and a config")
        };
        ast::Listener {
            name,
            clusterwide,
            config,
            priority,
            span,
        }
    }

    pub(super) fn peer(&self, pair: Pair<'_, R>) -> ast::Peer {
        let span = self.span(&pair);
        let inner = children(pair.into_inner())
            .next()
            .unwrap_or_else(|| unreachable!("grammar: peer has a kind"));
        ast::Peer {
            span,
            ..self.peer_of(inner)
        }
    }

    /// One peer kind's pair (`peer_pods`, `peer_service`, ...).
    fn peer_of(&self, inner: Pair<'_, R>) -> ast::Peer {
        let span = self.span(&inner);
        let kind = match inner.as_rule() {
            R::peer_pods => {
                let mut selectors = Vec::new();
                let mut scope = None;
                for child in children(inner.into_inner()) {
                    match child.as_rule() {
                        R::selector_list => {
                            selectors = children(child.into_inner())
                                .map(|s| self.selector(s))
                                .collect_exact();
                        }
                        R::scope => scope = Some(self.scope(child)),
                        other => unreachable!("grammar: unexpected pods part {other:?}"),
                    }
                }
                ast::PeerKind::Pods { selectors, scope }
            }
            R::peer_namespace => ast::PeerKind::Namespace(
                children(inner.into_inner())
                    .next()
                    .map(|list| self.name_list(list))
                    .unwrap_or_default(),
            ),
            R::peer_namespaces => ast::PeerKind::Namespaces(self.first_selector(inner)),
            R::peer_entity => ast::PeerKind::Entity(
                children(inner.into_inner())
                    .map(|name| self.text(&name))
                    .collect_exact(),
            ),
            R::peer_cidr => ast::PeerKind::Cidr(
                children(inner.into_inner())
                    .map(|item| self.cidr_item(item))
                    .collect_exact(),
            ),
            R::peer_fqdn => ast::PeerKind::Fqdn(
                children(inner.into_inner())
                    .map(|value| self.value(value))
                    .collect_exact(),
            ),
            R::peer_service => {
                let mut parts = children(inner.into_inner());
                let name = parts
                    .next()
                    .map(|name| self.value(name))
                    .unwrap_or_else(|| unreachable!("grammar: service has a name"));
                let scope = parts.next().map(|scope| self.scope(scope));
                ast::PeerKind::Service { name, scope }
            }
            R::peer_services => {
                let mut selector = None;
                let mut scope = None;
                for child in children(inner.into_inner()) {
                    match child.as_rule() {
                        R::selector => selector = Some(self.selector(child)),
                        R::scope => scope = Some(self.scope(child)),
                        other => unreachable!("grammar: unexpected services part {other:?}"),
                    }
                }
                let selector =
                    selector.unwrap_or_else(|| unreachable!("grammar: services has a selector"));
                ast::PeerKind::Services { selector, scope }
            }
            R::peer_anywhere => ast::PeerKind::Anywhere,
            R::peer_everything => ast::PeerKind::Everything,
            R::peer_service_list => ast::PeerKind::ServiceList(
                children(inner.into_inner())
                    .map(|item| self.peer_of(item))
                    .collect_exact(),
            ),
            R::peer_cidr_groups => ast::PeerKind::CidrGroupsWith(
                children(inner.into_inner())
                    .flat_map(|list| children(list.into_inner()))
                    .map(|selector| self.selector(selector))
                    .collect_exact(),
            ),
            R::peer_nodes => ast::PeerKind::Nodes(
                children(inner.into_inner())
                    .flat_map(|list| children(list.into_inner()))
                    .map(|selector| self.selector(selector))
                    .collect_exact(),
            ),
            R::peer_aws => ast::PeerKind::Aws(
                children(inner.into_inner())
                    .map(|group| self.aws_group(group))
                    .collect_exact(),
            ),
            other => unreachable!("grammar: unexpected peer {other:?}"),
        };
        ast::Peer { kind, span }
    }

    pub(super) fn cidr_item(&self, pair: Pair<'_, R>) -> ast::CidrItem {
        let span = self.span(&pair);
        let mut inner = children(pair.into_inner());
        let cidr = inner
            .next()
            .map(|cidr| self.cidrs_value(cidr))
            .unwrap_or_else(|| unreachable!("grammar: cidr item has a cidr"));
        let except = match inner.next() {
            Some(list) if list.as_rule() == R::cidr_list => children(list.into_inner())
                .map(|value| self.value(value))
                .collect_exact(),
            Some(single) => vec![self.value(single)],
            None => Vec::new(),
        };
        ast::CidrItem { cidr, except, span }
    }

    /// A CIDR, a `$NAME`, or `[a, b]` as a list value (`cidr [a, b]`).
    pub(super) fn cidrs_value(&self, pair: Pair<'_, R>) -> ast::Value {
        if pair.as_rule() == R::cidr_list {
            let span = self.span(&pair);
            let items = children(pair.into_inner())
                .map(|value| self.value(value))
                .collect_exact();
            return ast::Value::List(items, span);
        }
        self.value(pair)
    }

    pub(super) fn icmp_item(&self, pair: Pair<'_, R>) -> ast::IcmpItem {
        let mut family = None;
        let mut kind = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::kw_ipv4 => family = Some(Spanned::new(ast::IcmpFamily::V4, self.span(&child))),
                R::kw_ipv6 => family = Some(Spanned::new(ast::IcmpFamily::V6, self.span(&child))),
                _ => kind = Some(self.text(&child)),
            }
        }
        let kind = kind.unwrap_or_else(|| unreachable!("grammar: icmp item has a type"));
        ast::IcmpItem { family, kind }
    }

    pub(super) fn http(&self, pair: Pair<'_, R>) -> ast::Http {
        let span = self.span(&pair);
        let mut http = ast::Http {
            method: None,
            path: None,
            host: None,
            headers: Vec::new(),
            header_matches: Vec::new(),
            span,
        };
        let mut after = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::http_method => http.method = Some(ast::Method::Word(self.text(&child))),
                R::http_method_re => {
                    let value = children(child.into_inner())
                        .next()
                        .map(|value| self.value(value))
                        .unwrap_or_else(|| unreachable!("grammar: method has a value"));
                    http.method = Some(ast::Method::Regex(value));
                }
                R::header_match => http.header_matches.push(self.header_match(child)),
                R::kw_host | R::kw_header => after = Some(child.as_rule()),
                R::string_or_ref => {
                    let value = self.value(child);
                    match after {
                        Some(R::kw_host) => http.host = Some(value),
                        Some(_) => http.headers.push(value),
                        None => http.path = Some(value),
                    }
                }
                _ => {}
            }
        }
        http
    }

    fn header_match(&self, pair: Pair<'_, R>) -> ast::HeaderMatch {
        let span = self.span(&pair);
        let mut name = None;
        let mut value = None;
        let mut secret = None;
        let mut mismatch = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::string_or_ref if name.is_none() => name = Some(self.value(child)),
                R::string_or_ref => value = Some(self.value(child)),
                R::header_secret => {
                    secret = child
                        .into_inner()
                        .find(|part| part.as_rule() == R::string_or_ref)
                        .map(|value| self.value(value));
                }
                R::header_mismatch => {
                    mismatch = child
                        .into_inner()
                        .find(|part| part.as_rule() == R::name)
                        .map(|word| Spanned::new(word.as_str().to_owned(), self.span(&word)));
                }
                _ => {}
            }
        }
        let name = name.unwrap_or_else(|| unreachable!("grammar: a header match has a name"));
        ast::HeaderMatch {
            name,
            value,
            secret,
            mismatch,
            span,
        }
    }

    pub(super) fn kafka(&self, pair: Pair<'_, R>) -> ast::Kafka {
        let span = self.span(&pair);
        let mut kafka = ast::Kafka {
            role: None,
            api_key: None,
            topic: None,
            client: None,
            version: None,
            span,
        };
        let mut after = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                R::kafka_role => {
                    let role = match child.clone().into_inner().next().map(|kw| kw.as_rule()) {
                        Some(R::kw_produce) => ast::KafkaRole::Produce,
                        _ => ast::KafkaRole::Consume,
                    };
                    kafka.role = Some(Spanned::new(role, self.span(&child)));
                }
                R::kafka_apikey => {
                    kafka.api_key = children(child.into_inner())
                        .next()
                        .map(|name| self.text(&name));
                }
                R::kw_topic | R::kw_client => after = Some(child.as_rule()),
                R::string_or_ref => {
                    let value = self.value(child);
                    if after == Some(R::kw_topic) {
                        kafka.topic = Some(value);
                    } else {
                        kafka.client = Some(value);
                    }
                }
                R::number => kafka.version = Some(self.text(&child)),
                _ => {}
            }
        }
        kafka
    }

    /// One `aws ...` entry.
    fn aws_group(&self, pair: Pair<'_, R>) -> ast::AwsGroup {
        let mut group = ast::AwsGroup {
            ids: Vec::new(),
            names: Vec::new(),
            labels: None,
            region: None,
            span: self.span(&pair),
        };
        for part in children(pair.into_inner()) {
            let kind = part.as_rule();
            // `groups` is not among the tokens `children` drops.
            let mut values =
                children(part.into_inner()).filter(|value| value.as_rule() != R::kw_groups);
            match kind {
                R::aws_ids => group.ids.extend(values.map(|value| self.value(value))),
                R::aws_names => group.names.extend(values.map(|value| self.value(value))),
                R::aws_labels => group.labels = values.next().map(|value| self.selector(value)),
                R::aws_region => group.region = values.next().map(|value| self.value(value)),
                other => unreachable!("grammar: unexpected aws part {other:?}"),
            }
        }
        group
    }
}
