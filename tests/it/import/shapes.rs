//! What import writes for hand-made inputs: standard-library forms,
//! constants, categories, scopes, the `default` namespace, and every
//! refusal. Each repository is a snapshot, and each is built and compared
//! with its input.

use netpolc::diag::render::{Format, render};

use super::{assert_round_trip, import_texts, repo_text};

/// Imports, checks the round trip and returns the repository's text.
fn round_trip(files: &[(&str, &str)]) -> String {
    let imported = import_texts(files);
    assert_round_trip(&imported, files);
    repo_text(&imported)
}

/// The short rendering of an import's diagnostics.
fn refusals(files: &[(&str, &str)]) -> String {
    let imported = import_texts(files);
    assert!(
        imported.files.is_empty(),
        "nothing is written when something is refused"
    );
    render(
        &imported.diagnostics,
        &imported.sources,
        Format::Human,
        false,
    )
}

const STDLIB_FORMS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: web
  ingress:
  - fromEndpoints:
    - {}
  - fromEntities: [ingress]
  - fromEndpoints:
    - matchLabels: {app: lb}
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
  egress:
  - toEndpoints:
    - {}
  - toEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: kube-system
        k8s-app: kube-dns
    toPorts:
    - ports:
      - port: "53"
        protocol: ANY
      rules:
        dns:
        - matchPattern: "*"
  - toEntities: [kube-apiserver]
    toPorts:
    - ports: [{port: "443", protocol: TCP}, {port: "6443", protocol: TCP}]
  # Not the stdlib form: every port of the API server.
  - toEntities: [kube-apiserver]
  egressDeny:
  - toCIDRSet:
    - cidr: 169.254.169.254/32
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: lookups
  namespace: shop
spec:
  endpointSelector: {}
  egress:
  - toEndpoints:
    - matchLabels:
        io.kubernetes.pod.namespace: kube-system
        k8s-app: kube-dns
    toPorts:
    - ports:
      - port: 53
      rules:
        dns:
        - matchName: api.example.com
        - matchPattern: "*.example.org"
  # Not the stdlib form: another key spelling, and UDP only.
  - toEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: kube-system
        k8s:k8s-app: kube-dns
    toPorts:
    - ports:
      - port: "53"
        protocol: UDP
      rules:
        dns:
        - matchPattern: "*"
"#;

#[test]
fn stdlib_forms_become_uses() {
    insta::assert_snapshot!(round_trip(&[("shop.yaml", STDLIB_FORMS)]));
}

const SHARED_LITERALS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: storage-egress, namespace: apps}
spec:
  endpointSelector: {matchLabels: {app: api}}
  egress:
  - toCIDRSet:
    - cidr: 10.20.0.0/16
      except: [10.20.9.0/24]
    toPorts:
    - ports: [{port: "2049", protocol: TCP}]
  - toFQDNs:
    - matchName: api.github.com
    - matchPattern: "*.github.com"
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: backup, namespace: data}
spec:
  endpointSelector: {}
  egress:
  - toCIDR: [10.20.0.0/16]
  - toFQDNs: [{matchPattern: "*.github.com"}, {matchName: api.github.com}]
  - toEndpoints:
    - matchLabels:
        k8s:io.kubernetes.pod.namespace: kube-system
        k8s-app: kube-dns
    toPorts:
    - ports: [{port: "53", protocol: ANY}]
      rules:
        dns:
        - matchName: api.github.com
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: no-scratch}
spec:
  endpointSelector: {}
  egressDeny:
  - toCIDRSet:
    - cidr: 10.20.9.0/24
"#;

#[test]
fn literals_in_two_places_become_constants() {
    insta::assert_snapshot!(round_trip(&[("shared.yaml", SHARED_LITERALS)]));
}

const OFFICE_NETS: &str = "
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: office-nets}
spec:
  externalCIDRs: [10.50.0.0/24, 10.51.0.0/24]
";

const UNUSED_GROUP: &str = "
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata: {name: unused}
spec:
  externalCIDRs: [192.0.2.0/24]
";

const GROUP_PEERS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: admin, namespace: ops}
spec:
  endpointSelector: {matchLabels: {app: admin}}
  ingress:
  - fromCIDRSet:
    - cidr: 10.1.0.0/16
    - cidrGroupRef: office-nets
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: ssh}
spec:
  nodeSelector: {}
  ingress:
  - fromCIDRSet:
    - cidrGroupRef: office-nets
    toPorts:
    - ports: [{port: "22", protocol: TCP}]
"#;

/// A group a policy names becomes a `group` constant and is built again; a
/// group no policy names is left alone.
#[test]
fn named_cidr_groups_become_group_constants() {
    let files = [
        ("office.yaml", OFFICE_NETS),
        ("unused.yaml", UNUSED_GROUP),
        ("peers.yaml", GROUP_PEERS),
    ];
    let imported = import_texts(&files);
    assert_round_trip(
        &imported,
        &[("office.yaml", OFFICE_NETS), ("peers.yaml", GROUP_PEERS)],
    );
    insta::assert_snapshot!(format!(
        "{}\nleft alone: {:?}",
        repo_text(&imported),
        imported.summary.other_kinds
    ));
    // A group that is not among the inputs cannot be written.
    let alone = import_texts(&[("peers.yaml", GROUP_PEERS)]);
    let refusals: Vec<String> = alone
        .diagnostics
        .iter()
        .map(|diag| format!("{}: {}", diag.code, diag.message))
        .collect();
    assert_eq!(
        refusals,
        [
            "E0701: cannot import `spec.ingress[0].fromCIDRSet[1].cidrGroupRef` of policy `admin` in document 1 of `peers.yaml`",
            "E0701: cannot import `spec.ingress[0].fromCIDRSet[0].cidrGroupRef` of policy `ssh` in document 2 of `peers.yaml`",
        ]
    );
}

/// The same two policies in `team-a`, `team-b` and `team-c`, and other
/// ones in `team-d`.
fn teams() -> String {
    let policies = |namespace: &str, port: &str| {
        format!(
            "---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {{name: default-deny, namespace: {namespace}}}
spec:
  endpointSelector: {{}}
  ingress: [{{}}]
  egress: [{{}}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {{name: web, namespace: {namespace}}}
spec:
  endpointSelector: {{matchLabels: {{app: web}}}}
  ingress:
  - fromEntities: [world]
    toPorts:
    - ports: [{{port: \"{port}\", protocol: TCP}}]
"
        )
    };
    [
        policies("team-a", "443"),
        policies("team-b", "443"),
        policies("team-c", "443"),
        policies("team-d", "8443"),
    ]
    .concat()
}

#[test]
fn namespaces_with_the_same_policies_share_a_category() {
    let text = teams();
    insta::assert_snapshot!(round_trip(&[("teams.yaml", &text)]));
}

const SCOPES: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: scopes}
spec:
  endpointSelector:
    matchExpressions:
    - {key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system, kube-public]}
  ingress:
  - fromEndpoints:
    - {}
  - fromEndpoints:
    - matchLabels: {app: prometheus, k8s:io.kubernetes.pod.namespace: monitoring}
  - fromEndpoints:
    - matchLabels: {io.cilium.k8s.namespace.labels.team: a}
  - fromEndpoints:
    - matchLabels: {k8s:io.kubernetes.pod.namespace: a}
    - matchLabels: {k8s:io.kubernetes.pod.namespace: b}
  - fromEndpoints:
    - matchLabels: {app: x, k8s:io.kubernetes.pod.namespace: a}
    - matchLabels: {app: y}
  egress:
  - toServices:
    - k8sService: {serviceName: db}
  - toServices:
    - k8sServiceSelector:
        selector: {matchLabels: {tier: cache}}
        namespace: data
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: team-labels}
spec:
  endpointSelector:
    matchLabels: {io.cilium.k8s.namespace.labels.team: a, app: web}
  ingress:
  - fromEndpoints:
    - matchExpressions:
      - {key: k8s:io.kubernetes.pod.namespace, operator: In, values: [a, b]}
  egress:
  - toEndpoints:
    - matchExpressions:
      - {key: app, operator: Exists}
      - {key: canary, operator: DoesNotExist}
      - {key: tier, operator: NotIn, values: [test]}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: nodes}
spec:
  nodeSelector: {matchLabels: {node-role.kubernetes.io/control-plane: ""}}
  ingress:
  - fromEntities: [cluster]
  - fromCIDR: [10.50.0.0/24]
    toPorts:
    - ports: [{port: "22", protocol: TCP}, {port: "6443", protocol: TCP}]
  - icmps:
    - fields:
      - {type: 8}
      - {type: PacketTooBig, family: IPv6}
"#;

#[test]
fn namespace_terms_become_scopes_where_they_lower_the_same() {
    insta::assert_snapshot!(round_trip(&[("scopes.yaml", SCOPES)]));
}

const NO_NAMESPACE: &str = r#"
# A Deployment, which import leaves alone.
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: web
  uid: 1c3a0e52-64e4-4f8a-9d8e-6ce1bf3e50d2
  resourceVersion: "4711"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: "{}"
spec:
  description: "Web: \"public\"\nsecond line"
  labels:
  - {key: team, value: payments}
  endpointSelector: {matchLabels: {app: web}}
  enableDefaultDeny: {ingress: false}
  ingress:
  - toPorts:
    - ports: [{port: http, protocol: TCP}, {port: "8000", endPort: 8999, protocol: TCP}, {port: metrics}]
  - fromEntities: [all]
    toPorts:
    - ports: [{port: "9000", protocol: TCP}]
      rules:
        http:
        - {method: "GET|HEAD", path: "/a", host: "shop.example.com"}
        - {}
  egress:
  - toPorts:
    - ports: [{port: "9092", protocol: TCP}]
      rules:
        kafka:
        - {role: produce, topic: orders, clientID: web, apiVersion: "3"}
        - {apiKey: fetch}
status:
  conditions: []
"#;

#[test]
fn policy_without_a_namespace_goes_to_default() {
    let imported = import_texts(&[("web.yaml", NO_NAMESPACE)]);
    assert_round_trip(&imported, &[("web.yaml", NO_NAMESPACE)]);
    assert_eq!(imported.summary.other_kinds.get("Deployment"), Some(&1));
    insta::assert_snapshot!(format!(
        "{}\nleft out: {:#?}",
        repo_text(&imported),
        imported.summary.ignored
    ));
}

const UNSAYABLE: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: everything-at-once
  labels: {app: x}
spec:
  endpointSelector: {}
  log: {value: x}
  enableDefaultDeny: {egress: true}
  ingress:
  - fromRequires: []
  - fromNodes: [{}]
  - fromEndpoints: [{}]
    authentication: {mode: required}
  - fromEntities: [world]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
    - ports: [{port: "81", protocol: TCP}]
  egress:
  - toGroups: [{aws: {region: us-east-1}}]
  - toServices:
    - k8sService: {serviceName: a}
    - k8sService: {serviceName: b}
  - toCIDRSet:
    - cidrGroupRef: office
  - toPorts:
    - ports: [{port: "443", protocol: TCP}]
      serverNames: [example.com]
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - headerMatches: [{name: X-Token}]
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        l7proto: envoy.filters.network.redis_proxy
  - toPorts:
    - ports: [{port: "0", protocol: VRRP}]
  - icmps:
    - fields: [{type: 8}]
    - fields: [{type: 0}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: two-rules}
specs:
- endpointSelector: {}
  ingress: [{}]
- endpointSelector: {}
  egress: [{}]
"#;

#[test]
fn what_netpol_cannot_say_is_refused_field_by_field() {
    insta::assert_snapshot!(refusals(&[("unsayable.yaml", UNSAYABLE)]));
}

const INVALID: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: broken}
spec:
  endpointSelector: {}
  nodeSelector: {}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
    fromEntities: [world]
  - fromEntities: [world-ipv4]
  - toPorts:
    - ports: [{port: "80", protocol: tcp}]
  egress:
  - toFQDNs: [{matchName: a.example.com, matchPattern: "*.example.com"}]
  - toEndpoints: [{matchExpressions: [{key: app, operator: In}]}]
  - tooPorts: []
  - toEndpoints: [{}]
    authentication: {mode: mutual}
  - toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http:
        - headerMatches:
          - {name: A, mismatch: REWRITE}
          - {name: B, secret: {namespace: x}}
          - {value: v}
  egressDeny:
  - toEndpoints: [{}]
    authentication: {mode: required}
---
apiVersion: cilium.io/v1
kind: CiliumClusterwideNetworkPolicy
metadata: {name: old, namespace: x}
spec:
  endpointSelector: {}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: vrrp-port}
spec:
  nodeSelector: {}
  egress:
  - toPorts:
    - ports: [{port: "112", protocol: VRRP}]
---
kind: CiliumNetworkPolicy
metadata: {}
---
- a list
"#;

#[test]
fn invalid_documents_are_refused_field_by_field() {
    insta::assert_snapshot!(refusals(&[("invalid.yaml", INVALID)]));
}

#[test]
fn same_name_twice_and_nothing_to_import_are_refused() {
    let web = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web}\nspec: {endpointSelector: {}, ingress: [{}]}\n";
    let web_default = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web, namespace: default}\nspec: {endpointSelector: {}, egress: [{}]}\n";
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
    insta::assert_snapshot!(refusals(&[
        ("a.yaml", web),
        ("b.yaml", web_default),
        ("deploy.yaml", deployment),
        ("broken.yaml", "a: [")
    ]));
}

const AGENT_INVALID: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: http-on-udp}
spec:
  endpointSelector: {}
  ingress:
  - toPorts:
    - ports: [{port: "80", protocol: UDP}]
      rules:
        http: [{method: GET}]
"#;

/// A document the Cilium agent would reject is refused by the compiler,
/// with a note naming the input document.
#[test]
fn what_the_compiler_refuses_points_at_the_input() {
    let imported = import_texts(&[("udp.yaml", AGENT_INVALID)]);
    assert!(imported.files.is_empty());
    insta::assert_snapshot!(render(
        &imported.diagnostics,
        &imported.sources,
        Format::Human,
        false
    ));
}

/// Values no Cilium policy should hold: import refuses them or prints them
/// so that they parse; it never writes a file with a syntax error.
#[test]
fn odd_values_never_print_a_syntax_error() {
    let selectors = [
        "{matchLabels: {'app name': web}}",
        "{matchLabels: {app: 'web server'}}",
        "{matchLabels: {app: ''}}",
        "{matchLabels: {k8s:io.kubernetes.pod.namespace: 'Kube System'}}",
        "{matchLabels: {k8s:io.kubernetes.pod.namespace: '-x'}}",
        "{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: ['a b']}]}",
        "{matchLabels: {'': x}}",
        "{matchLabels: {'$x': y}}",
        "{matchLabels: {'reserved:host': ''}}",
    ];
    let mut documents = Vec::new();
    for (index, selector) in selectors.iter().enumerate() {
        for kind in ["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"] {
            documents.push(format!(
                "apiVersion: cilium.io/v2\nkind: {kind}\nmetadata: {{name: p{index}}}\nspec:\n  endpointSelector: {selector}\n  ingress:\n  - fromEndpoints: [{selector}]\n"
            ));
        }
    }
    let odd_fields = [
        "metadata: {name: 'a b'}\nspec: {endpointSelector: {}, ingress: [{}]}",
        "metadata: {name: x, namespace: 'My NS'}\nspec: {endpointSelector: {}, ingress: [{}]}",
        "metadata: {name: x}\nspec: {endpointSelector: {}, egress: [{toCIDR: ['10.0.0.0/8 except']}]}",
        "metadata: {name: x}\nspec: {endpointSelector: {}, egress: [{toServices: [{k8sService: {serviceName: 'a b'}}]}]}",
        "metadata: {name: x}\nspec: {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {kafka: [{apiKey: 'a b'}]}}]}]}",
        "metadata: {name: x}\nspec: {endpointSelector: {}, egress: [{toPorts: [{ports: [{port: 'http x', protocol: TCP}]}]}]}",
        "metadata: {name: x}\nspec: {description: \"a\\rb\", endpointSelector: {}, ingress: [{}]}",
        "metadata: {name: x}\nspec: {labels: [{key: 'a b', value: c}], endpointSelector: {}, ingress: [{}]}",
        "metadata: {name: x}\nspec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{method: 'GET /', path: '\"\\\\'}]}}]}]}",
    ];
    for fields in odd_fields {
        documents.push(format!(
            "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n{fields}\n"
        ));
    }
    for document in &documents {
        let imported = import_texts(&[("odd.yaml", document)]);
        let syntax: Vec<_> = imported
            .diagnostics
            .iter()
            .filter(|diag| diag.code.as_str().starts_with("E00"))
            .collect();
        assert!(
            syntax.is_empty(),
            "{document}\n{syntax:#?}\n{}",
            repo_text(&imported)
        );
    }
}

/// Everything `build` writes, `import` reads: the YAML generated from each
/// example repository imports and builds back to equivalent objects.
#[test]
fn generated_examples_import_and_build_back() {
    for dir in crate::examples::example_dirs() {
        let generated = dir.join("generated");
        let mut texts = Vec::new();
        for entry in std::fs::read_dir(&generated).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "yaml") {
                let name = path
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                texts.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
        texts.sort();
        assert!(!texts.is_empty(), "{}", generated.display());
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str()))
            .collect();
        let imported = import_texts(&files);
        assert_round_trip(&imported, &files);
    }
}

/// The output does not depend on the order of the inputs, and a policy of a
/// system namespace is written `system namespace`, said on purpose as the
/// compiler asks.
#[test]
fn output_does_not_depend_on_input_order() {
    let kube_system = "apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: coredns, namespace: kube-system}
spec:
  endpointSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress:
  - fromEntities: [cluster]
    toPorts:
    - ports: [{port: \"53\"}]
";
    let teams = teams();
    let files = [
        ("shared.yaml", SHARED_LITERALS),
        ("teams.yaml", teams.as_str()),
        ("kube-system.yaml", kube_system),
        ("groups.yaml", GROUP_PEERS),
        ("office.yaml", OFFICE_NETS),
    ];
    let forward = import_texts(&files);
    assert_round_trip(&forward, &files);
    let mut reversed = files;
    reversed.reverse();
    assert_eq!(repo_text(&import_texts(&reversed)), repo_text(&forward));
    let kube_system_file = forward
        .files
        .iter()
        .find(|file| file.path == "namespaces/kube-system.netpol")
        .map(|file| file.contents.as_str());
    assert!(
        kube_system_file.is_some_and(|text| text.contains("\nsystem namespace kube-system {\n")),
        "{kube_system_file:?}"
    );
}

/// An input file name is attacker-chosen text (a YAML directory from
/// somewhere else): with a line break in it, the comments that cite it must
/// not end, so the imported repository holds exactly the imported policy.
#[test]
fn input_names_cannot_add_statements_to_the_imported_repository() {
    let name = "a\nnamespace evil {\n  allow from everything\n}\n#.yaml";
    let yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  endpointSelector: {}\n  ingress: [{fromEndpoints: [{matchLabels: {app: a}}]}]\n";
    let imported = super::import_texts(&[(name, yaml)]);
    assert!(
        !imported.diagnostics.iter().any(|diag| diag.is_error()),
        "{:#?}",
        imported.diagnostics
    );
    let text = super::repo_text(&imported);
    // Every line that mentions the name is a comment, and the files build.
    for line in text.lines().filter(|line| line.contains("evil")) {
        assert!(line.trim_start().starts_with('#'), "{line:?} in\n{text}");
    }
    assert!(text.contains("a\\nnamespace evil {"), "{text}");
    assert_eq!(
        imported
            .files
            .iter()
            .filter(|file| file.contents.contains("namespace "))
            .count(),
        1,
        "{text}"
    );
}

const LABELLED_GROUPS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata:
  name: storage-ips
  labels: {tier: storage, zone: a}
spec:
  externalCIDRs: [10.20.0.10/32, 10.20.0.11/32]
---
apiVersion: cilium.io/v2
kind: CiliumCIDRGroup
metadata:
  name: backup-ips
  labels: {tier: storage, zone: ""}
spec:
  externalCIDRs: [10.30.0.0/24]
"#;

const GROUP_SELECTOR_PEERS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: restic, namespace: backup}
spec:
  endpointSelector: {matchLabels: {app: restic}}
  egress:
  - toCIDRSet:
    - cidrGroupSelector: {matchLabels: {tier: storage}}
    - cidrGroupSelector:
        matchExpressions: [{key: zone, operator: In, values: [a, b]}]
    toPorts:
    - ports: [{port: "2049", protocol: TCP}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: mixed, namespace: backup}
spec:
  endpointSelector: {matchLabels: {app: mixed}}
  egress:
  - toCIDRSet:
    - cidr: 10.0.0.0/8
    - cidrGroupSelector: {matchLabels: {tier: storage}}
"#;

/// Groups with labels become `group` constants with `label`, written even
/// when no policy names them; a CIDR set of selectors only becomes
/// `cidr groups with ...`; a set that mixes selectors with CIDRs is refused.
#[test]
fn labelled_cidr_groups_and_group_selectors_round_trip() {
    let selectors_only = GROUP_SELECTOR_PEERS
        .split("---")
        .next()
        .unwrap_or_default()
        .to_owned();
    let files = [
        ("groups.yaml", LABELLED_GROUPS),
        ("peers.yaml", selectors_only.as_str()),
    ];
    let text = round_trip(&files);
    assert!(
        text.contains(
            "const STORAGE_IPS = group [10.20.0.10/32, 10.20.0.11/32] label tier=storage, zone=a\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("const BACKUP_IPS = group [10.30.0.0/24] label tier=storage, zone=\"\"\n"),
        "{text}"
    );
    assert!(
        text.contains("allow to cidr groups with tier=storage, { zone in (a, b) } port 2049/tcp\n"),
        "{text}"
    );
    let refused = refusals(&[
        ("groups.yaml", LABELLED_GROUPS),
        ("peers.yaml", GROUP_SELECTOR_PEERS),
    ]);
    assert!(
        refused.contains("spec.egress[0].toCIDRSet[1].cidrGroupSelector")
            && refused.contains("every entry of its CIDR set"),
        "{refused}"
    );
}

/// The object's labels and annotations become `metadata` statements; only
/// `kubectl apply`'s own record is left out.
#[test]
fn metadata_labels_and_annotations_become_metadata_statements() {
    let text = round_trip(&[(
        "owned.yaml",
        r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: api
  namespace: shop
  labels:
    team: payments
    app.kubernetes.io/part-of: shop
    empty: ""
  annotations:
    example.com/runbook: "https://runbooks.example.com/api: #3"
    example.com/notes: "two\nlines"
spec:
  endpointSelector: {matchLabels: {app: api}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
"#,
    )]);
    insta::assert_snapshot!(text);
}

/// A rule's `log` becomes a `log` statement.
#[test]
fn the_rule_log_becomes_a_log_statement() {
    let text = round_trip(&[(
        "logged.yaml",
        r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: api}}
  log: {value: "shop-api: #1"}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
"#,
    )]);
    insta::assert_snapshot!(text);
}

/// `spec` and `specs` together are the object's rules: one `spec` block
/// each, `spec` first, the object's metadata beside them; a host rule keeps
/// its `nodeSelector` in its own block.
#[test]
fn several_rules_become_spec_blocks() {
    let text = round_trip(&[(
        "several.yaml",
        r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: tiers
  namespace: shop
  labels: {team: shop}
spec:
  description: web tier
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: lb}}]
specs:
- endpointSelector: {matchLabels: {app: db}}
  labels: [{key: tier, value: db}]
  enableDefaultDeny: {egress: false}
  ingress:
  - fromEndpoints: [{matchLabels: {app: web}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
- endpointSelector: {}
  egressDeny:
  - toCIDR: [169.254.169.254/32]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: hosts}
specs:
- nodeSelector: {}
  ingress:
  - fromEntities: [cluster]
- endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": monitoring}}
  ingress:
  - fromEntities: [cluster]
"#,
    )]);
    insta::assert_snapshot!(text);
}

const AWS_GROUPS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  endpointSelector:
    matchLabels: {app: api}
  ingress:
  - fromGroups:
    - aws:
        securityGroupsNames: [bastion]
    toPorts:
    - ports: [{port: "22", protocol: TCP}]
  egress:
  - toGroups:
    - aws:
        securityGroupsIds: [sg-0a1b2c3d4e5f60718, sg-1b2c3d4e5f6071829]
        region: us-east-1
    - aws:
        labels: {team: db, zone: ""}
        securityGroupsNames: [cache]
    toPorts:
    - ports: [{port: "5432", protocol: TCP}]
  egressDeny:
  - toGroups:
    - aws:
        labels: {env: legacy}
"#;

/// `fromGroups`/`toGroups` become `aws` peers, one per entry, with ids,
/// names, labels and region; a group with none of ids, names and labels is
/// refused.
#[test]
fn aws_groups_round_trip() {
    let text = round_trip(&[("aws.yaml", AWS_GROUPS)]);
    assert!(
        text.contains("allow from aws groups named \"bastion\" port 22/tcp\n"),
        "{text}"
    );
    assert!(
        text.contains("allow to aws groups \"sg-0a1b2c3d4e5f60718\", \"sg-1b2c3d4e5f6071829\" in region \"us-east-1\", aws groups named \"cache\" with { team=db, zone=\"\" } port 5432/tcp\n"),
        "{text}"
    );
    assert!(text.contains("deny to aws with { env=legacy }\n"), "{text}");
    let refused = refusals(&[(
        "aws.yaml",
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a, namespace: shop}\nspec:\n  endpointSelector: {}\n  egress:\n  - toGroups: [{aws: {region: us-east-1, securityGroupsIds: []}}]\n",
    )]);
    assert!(
        refused.contains("spec.egress[0].toGroups[0].aws") && refused.contains("E0232"),
        "{refused}"
    );
}

const HEADER_MATCHES: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: api}}]
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
      rules:
        http:
        - method: POST
          path: /auth
          headerMatches:
          - name: Authorization
            mismatch: REPLACE
            secret: {namespace: vault, name: api-token}
          - {name: X-Present}
        - method: GET
          headers: ["X-A: b"]
          headerMatches:
          - {name: X-Env, value: prod}
          - {name: X-Trace, mismatch: LOG}
          - {name: X-Key, secret: {name: key}}
          - {name: X-Client, value: web, secret: {name: client-id}, mismatch: ADD}
"#;

#[test]
fn header_matches_round_trip() {
    insta::assert_snapshot!(round_trip(&[("api.yaml", HEADER_MATCHES)]));
}

const LISTENERS: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client, namespace: shop}
spec:
  endpointSelector: {matchLabels: {kind: client}}
  egress:
  - toEndpoints: [{matchLabels: {app: api}}]
    toPorts:
    - listener:
        envoyConfig: {kind: CiliumClusterwideEnvoyConfig, name: egress-proxy}
        name: proxy-listener
        priority: 1
      ports: [{port: "80", protocol: TCP}]
  - toEndpoints: [{matchLabels: {app: db}}]
    toPorts:
    - listener:
        envoyConfig: {kind: CiliumEnvoyConfig, name: db-proxy}
        name: db
      ports: [{port: "5432", protocol: TCP}]
  - toEntities: [world]
    toPorts:
    - listener:
        envoyConfig: {name: tls-proxy}
        name: tls
      ports: [{port: "443", protocol: TCP}]
"#;

#[test]
fn listeners_round_trip() {
    insta::assert_snapshot!(round_trip(&[("client.yaml", LISTENERS)]));
}

const GENERIC_L7: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: store, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEndpoints: [{matchLabels: {app: store}}]
    toPorts:
    - ports: [{port: "9000", protocol: TCP}]
      rules:
        l7proto: r2d2
        l7:
        - {cmd: READ, file: "/public/.*"}
        - {cmd: HALT}
        - {}
"#;

#[test]
fn generic_l7_round_trip() {
    insta::assert_snapshot!(round_trip(&[("store.yaml", GENERIC_L7)]));
}

const TLS_INTERCEPTION: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bot, namespace: media}
spec:
  endpointSelector: {matchLabels: {class: mediabot}}
  egress:
  - toEndpoints: [{matchLabels: {app: httpbin}}]
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
      terminatingTLS:
        secret: {namespace: kube-system, name: httpbin-tls-data}
        certificate: server.crt
        privateKey: server.key
      originatingTLS:
        secret: {name: tls-orig-data}
        trustedCA: ca.pem
      rules:
        http: [{method: GET, path: "/anything/.*"}]
"#;

#[test]
fn tls_interception_round_trips() {
    insta::assert_snapshot!(round_trip(&[("bot.yaml", TLS_INTERCEPTION)]));
}

#[test]
fn tls_without_l7_rules_and_server_names_without_termination_are_refused() {
    let without_rules = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bot, namespace: media}
spec:
  endpointSelector: {matchLabels: {class: mediabot}}
  egress:
  - toEndpoints: [{matchLabels: {app: httpbin}}]
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
      terminatingTLS:
        secret: {name: httpbin-tls-data}
"#;
    let text = refusals(&[("bot.yaml", without_rules)]);
    assert!(text.contains("E0701"), "{text}");
    assert!(text.contains("E0235"), "{text}");
    // Server names with L7 rules but no TLS termination: Cilium refuses it.
    let names_without_termination = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bot, namespace: media}
spec:
  endpointSelector: {matchLabels: {class: mediabot}}
  egress:
  - toEndpoints: [{matchLabels: {app: httpbin}}]
    toPorts:
    - ports: [{port: "443", protocol: TCP}]
      serverNames: [httpbin.org]
      originatingTLS:
        secret: {name: tls-orig-data}
      rules:
        http: [{method: GET}]
"#;
    let text = refusals(&[("bot.yaml", names_without_termination)]);
    assert!(text.contains("E0702"), "{text}");
    assert!(text.contains("unless the proxy terminates TLS"), "{text}");
}

#[test]
fn server_names_with_tls_termination_and_l7_rules_round_trip() {
    let with_names = TLS_INTERCEPTION.replace(
        "      rules:",
        "      serverNames: [httpbin.org, \"*.httpbin.org\"]\n      rules:",
    );
    insta::assert_snapshot!(round_trip(&[("bot.yaml", &with_names)]));
}

const SAID_ANOTHER_WAY: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: broker
  namespace: shop
spec:
  endpointSelector: {matchLabels: {app: kafka}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: backup}}]
    toPorts:
    - ports: [{port: "9092", protocol: TCP}]
      rules:
        kafka: []
  - fromEndpoints: [{matchLabels: {app: web}}]
    toPorts:
    - ports: [{port: "8080", protocol: TCP}]
      rules: {}
  egress:
  - toEndpoints: [{matchLabels: {app: api}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules:
        http: []
        dns: []
  - toPorts:
    - ports: [{port: "443", protocol: TCP}]
      serverNames: [b.example.com, a.example.com, b.example.com, "*.example.com", a.example.com]
"#;

/// Empty L7 lists (and `rules: {}`) become a port rule without L7 rules,
/// and a server name listed twice is written once, first-seen order kept;
/// the summary says so, one line for the document.
#[test]
fn empty_l7_lists_and_repeated_server_names_are_said_once() {
    let imported = import_texts(&[("broker.yaml", SAID_ANOTHER_WAY)]);
    assert_round_trip(&imported, &[("broker.yaml", SAID_ANOTHER_WAY)]);
    insta::assert_snapshot!(format!(
        "{}\nnormalised: {:#?}",
        repo_text(&imported),
        imported.summary.normalised
    ));
}

/// A refusal early in a document does not hide the later ones: each part
/// (a port, a port rule, L7 rules, a listener, `authentication`) is judged
/// by its own refusals, so every refused field of the document is listed.
#[test]
fn every_refusal_of_a_document_is_reported_at_once() {
    const LATER: &str = r#"
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: many, namespace: shop}
spec:
  endpointSelector: {}
  ingress:
  - fromEntities: [world]
    authentication: {}
  egress:
  - toGroups: [{aws: {region: us-east-1}}]
  - toPorts:
    - ports: [{port: "9000", protocol: TCP}]
      rules: {l7proto: kv}
  - toPorts:
    - ports: [{port: "80", protocol: TCP, endPort: 70000}]
  - toPorts:
    - listener: {name: l}
  - toPorts:
    - {}
"#;
    let text = refusals(&[("many.yaml", LATER)]);
    for field in [
        "`spec.egress[0].toGroups[0].aws`",
        "`spec.egress[1].toPorts[0].rules`",
        "`spec.egress[2].toPorts[0].ports[0].endPort`",
        "`spec.egress[3].toPorts[0].listener`",
        "`spec.egress[4].toPorts[0]`",
        "`spec.ingress[0].authentication`",
    ] {
        assert!(text.contains(field), "{field} is not reported:\n{text}");
    }
}
