//! The pools of literals the generator picks from: valid ones first, then
//! the mistakes a choice in [`SLIP`] takes instead.

use super::Type;

/// One choice in this many takes a literal from a pool of mistakes.
pub const SLIP: u32 = 100;

/// A pool of literals: the valid ones and the mistakes.
pub type Pool = (&'static [&'static str], &'static [&'static str]);

/// CIDRs and addresses.
pub const CIDRS: Pool = (
    &[
        "10.0.0.0/8",
        "10.1.0.0/16",
        "10.20.0.10/32",
        "192.168.0.1",
        "169.254.169.254/32",
        "fd00::/8",
        "2001:db8::1/128",
        "0.0.0.0/0",
    ],
    &[
        "10.0.0.0/33",
        "300.1.1.1",
        "10.0.0.1/8",
        "::ffff:10.0.0.1",
        "1.2.3",
    ],
);
/// A CIDR and an exception inside it.
pub const EXCEPTS: &[(&str, &str)] = &[
    ("10.0.0.0/8", "10.1.0.0/16"),
    ("0.0.0.0/0", "10.0.0.0/8"),
    ("fd00::/8", "fd00:1::/32"),
    ("10.1.0.0/16", "10.1.2.0/24"),
];
/// TCP ports, which L7 rules need.
pub const TCP_PORTS: Pool = (
    &[
        "80/tcp",
        "443/tcp",
        "8080/tcp",
        "8000-8999/tcp",
        "http/tcp",
        "9090/tcp",
        "2049/tcp",
    ],
    &["0/tcp", "70000/tcp", "9000-8000/tcp", "53/udp", "5000"],
);
/// Ports of any protocol.
pub const PORTS: Pool = (
    &[
        "80/tcp",
        "443/tcp",
        "53/udp",
        "53/any",
        "8000-8999/tcp",
        "9090/tcp",
        "22/sctp",
        "5000",
        "dns/udp",
    ],
    &["0/tcp", "70000/tcp", "9000-8000/tcp", "99999"],
);
/// FQDNs and DNS patterns.
pub const FQDNS: Pool = (
    &[
        "api.example.com",
        "*.example.com",
        "example.com",
        "s3.eu-west-1.amazonaws.com",
        "*.svc.cluster.local",
    ],
    &[
        "**.example.com",
        "*",
        "a..b",
        "https://x.com",
        "*.*.example.com",
        "EXAMPLE.com",
        "",
    ],
);
/// HTTP paths.
pub const PATHS: Pool = (
    &["/api/v1/.*", "/", "/orders", "/healthz"],
    &["[", "(", "/a\\\\"],
);
/// Other strings: hosts, headers, descriptions.
pub const STRINGS: Pool = (
    &[
        "shop.example.com",
        "X-Token: 1",
        "the web front end",
        "monitoring",
        // Strings a YAML 1.1 reader types unless quoted (a timestamp, a base
        // 60 integer, the value key, a boolean, a float), and a line
        // separator that libyaml breaks the line at.
        "2001-12-14",
        "1:20",
        "=",
        "yes",
        "1.2.3",
        "a\u{2028}b",
    ],
    &["", "é✓", "a\\\"b\\n"],
);
/// gRPC methods.
pub const GRPC: Pool = (
    &["inventory.InventoryService/CheckStock", "pkg.Svc/Do"],
    &["nope", "/"],
);
/// Kafka topics.
pub const TOPICS: Pool = (&["orders", "payments.v1"], &["", "a b", "é"]);
/// Label keys.
pub const LABEL_KEYS: Pool = (
    &["app", "tier", "k8s-app", "role", "team", "example.com/team"],
    &[
        "reserved:host",
        "a/b/c",
        "-x",
        "k8s:",
        "k8s:app",
        "io.kubernetes.pod.namespace",
    ],
);
/// Label values.
pub const LABEL_VALUES: Pool = (
    &[
        "web",
        "api",
        "kube-dns",
        "\"\"",
        "x.y",
        "prometheus",
        "a_b",
        // Label values a YAML 1.1 reader types unless quoted.
        "yes",
        "on",
        "0x1F",
        "1_000",
        "1.2.3",
        "2001-12-14",
    ],
    &["-bad", "$NOPE", "a.", "\"a b\""],
);
/// Names of namespaces other than those the repository defines.
pub const OTHER_NAMESPACES: Pool = (
    &["monitoring", "kube-system", "data", "ingress-nginx"],
    &["Bad_Name", "-x", "a.b"],
);
/// Entities.
pub const ENTITIES: Pool = (
    &[
        "world",
        "cluster",
        "host",
        "remote-node",
        "kube-apiserver",
        "health",
        "init",
        "unmanaged",
        "ingress",
    ],
    &["all", "bogus", "World"],
);
/// ICMP items.
pub const ICMPS: Pool = (
    &[
        "EchoRequest",
        "8",
        "ipv6 PacketTooBig",
        "ipv4 EchoReply",
        "0",
    ],
    &["300", "Bogus", "ipv6 EchoReplyX"],
);
/// HTTP methods.
pub const METHODS: Pool = (&["GET", "POST", "PUT", "DELETE", "HEAD"], &["FETCH", "G"]);
/// Uses of the standard library's categories.
pub const STDLIB_USES: Pool = (
    &[
        "allow_dns",
        "allow_dns(patterns: [\"*.example.com\"])",
        "allow_kube_apiserver",
        "allow_from_same_namespace",
        "allow_same_namespace",
        "allow_gateway_ingress",
        "allow_metrics_scrape(ports: 9090/tcp)",
        "allow_metrics_scrape(ports: [8080/tcp, 9090/tcp], namespace: \"obs\")",
        "allow_storage(cidrs: [10.20.0.10/32], ports: 2049/tcp)",
        "deny_cloud_metadata",
    ],
    &["allow_storage", "allow_dns(bogus: 1)", "allow_nothing"],
);
/// Every value type.
pub const TYPES: &[Type] = &[
    Type::Cidr,
    Type::Cidrs,
    Type::Port,
    Type::Ports,
    Type::Str,
    Type::Strs,
    Type::Selector,
];
