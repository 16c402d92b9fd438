//! `netpolc trace` and `netpolc test` end to end: the real binary on small
//! repositories and on examples/platform, in the human format (insta
//! snapshots) and as JSON (parsed with serde_json).

use std::path::Path;

use serde_json::Value;

use crate::cli::{Run, netpolc, repo};

/// A shop whose API takes HTTP from the web pods, refuses the `bad` pods,
/// and whose web pods may look up `*.example.com` and reach
/// `api.example.com`.
const SHOP: &str = r#"cluster namespaces {
  shop,
  kube-system,
}

namespace shop {
  policy api {
    select pods app=api
    allow from pods app=web port 8080/tcp http GET "/api/.*"
    deny from pods app=bad
  }
  policy web {
    select pods app=web
    allow to pods app=api port 8080/tcp
    allow dns "*.example.com"
    allow to fqdn "api.example.com" port 443/tcp
  }
}
"#;

const WEB: &str = "pods app=web in namespace shop";
const API: &str = "pods app=api in namespace shop";

fn shop() -> tempfile::TempDir {
    repo(&[("shop.netpol", SHOP.as_bytes())])
}

/// Runs `netpolc trace` in the shop repository and checks it wrote nothing.
fn trace(args: &[&str]) -> Run {
    let dir = shop();
    let mut all = vec!["trace"];
    all.extend_from_slice(args);
    let run = netpolc(dir.path(), &all);
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["shop.netpol"], "trace wrote a file");
    run
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({prepend_module_to_snapshot => true}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn an_allowed_flow_shows_the_rule_of_each_side() {
    let run = trace(&[
        WEB,
        API,
        "--port",
        "8080/tcp",
        "--http",
        "GET /api/v1/orders",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    snapshot("allowed_http", &run.stdout);
}

#[test]
fn default_deny_names_the_enforcing_policy_and_a_rule_to_paste() {
    let run = trace(&["entity world", API, "--port", "8080/tcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    assert!(run.stdout.contains("default deny"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("help: to allow it, add `allow from entity world port 8080/tcp`"),
        "{}",
        run.stdout
    );
    snapshot("default_deny", &run.stdout);
    let run = trace(&["entity world", API, "--port", "8080/tcp", "--exit-code"]);
    assert_eq!(run.code, 1);
    let run = trace(&[WEB, API, "--port", "8080/tcp", "--exit-code"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_deny_rule_wins() {
    let run = trace(&["pods app=bad in namespace shop", API, "--port", "8080/tcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("ingress of pods app=api in namespace shop: denied by CNP shop/api"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("deny from pods app=bad"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("a deny rule wins"), "{}", run.stdout);
}

#[test]
fn an_http_request_is_judged_by_the_http_rules() {
    let run = trace(&[
        WEB,
        API,
        "--port",
        "8080/tcp",
        "--http",
        "POST /api/v1/orders",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("the HTTP rules refuse the request"),
        "{}",
        run.stdout
    );
    let run = trace(&[WEB, API, "--port", "8080/tcp", "--http", "GET /admin"]);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    let run = trace(&[WEB, API, "--port", "8080/tcp", "--http", "GET /api/x"]);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("the HTTP rules admit the request"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_dns_lookup_is_judged_by_the_dns_rules() {
    let dns = "pods k8s-app=kube-dns in namespace kube-system";
    let run = trace(&[WEB, dns, "--port", "53/udp", "--dns", "api.example.com"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("redirected to the DNS proxy"),
        "{}",
        run.stdout
    );
    let run = trace(&[WEB, dns, "--port", "53/udp", "--dns", "evil.test"]);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("the DNS rules refuse the request"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_fqdn_destination_is_allowed_only_by_its_name() {
    let run = trace(&[WEB, "fqdn api.example.com", "--port", "443/tcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("allow to fqdn \"api.example.com\" port 443/tcp"),
        "{}",
        run.stdout
    );
    let run = trace(&[WEB, "fqdn www.example.com", "--port", "443/tcp"]);
    assert!(!run.stdout.starts_with("allowed: "), "{}", run.stdout);
}

#[test]
fn json_is_one_object_with_both_sides() {
    let run = trace(&[
        "entity world",
        API,
        "--port",
        "8080/tcp",
        "--message-format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["verdict"], "denied");
    assert_eq!(value["from"], "entity world");
    assert_eq!(value["protocol"], "TCP");
    assert_eq!(value["port"], 8080);
    assert_eq!(value["ingress"]["verdict"], "default-deny");
    assert_eq!(value["ingress"]["enforcing"][0]["name"], "CNP shop/api");
    assert_eq!(value["ingress"]["enforcing"][0]["file"], "shop.netpol");
    assert_eq!(value["ingress"]["enforcing"][0]["line"], 7);
    let miss = &value["ingress"]["near_misses"][0]["rule"];
    assert_eq!(miss["name"], "CNP shop/api");
    assert_eq!(miss["line"], 9);
    let run = trace(&[WEB, API, "--port", "8080/tcp", "--message-format", "json"]);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["verdict"], "allowed");
    for (side, line, kind) in [("egress", 14, "egress"), ("ingress", 9, "ingress")] {
        let decider = &value[side]["deciders"][0];
        assert_eq!(decider["line"], line, "{side}");
        assert_eq!(decider["kind"], kind, "{side}");
        assert_eq!(decider["column"], 5, "{side}");
    }
}

#[test]
fn yaml_policies_are_traced_without_a_repository() {
    let source = shop();
    let built = netpolc(source.path(), &["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let yaml = source.path().join("generated");
    let dir = tempfile::tempdir().unwrap();
    let yaml = yaml.to_str().unwrap();
    let run = netpolc(
        dir.path(),
        &[
            "trace",
            "--yaml",
            yaml,
            "entity world",
            API,
            "--port",
            "8080/tcp",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("<import>/namespaces/shop.netpol"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("CNP shop/api"), "{}", run.stdout);
    let run = netpolc(
        dir.path(),
        &[
            "trace",
            "--yaml",
            yaml,
            WEB,
            API,
            "--port",
            "8080/tcp",
            "--http",
            "GET /api/v1",
        ],
    );
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "trace wrote a file"
    );
    // A directory without a policy imports nothing.
    let empty = tempfile::tempdir().unwrap();
    let run = netpolc(
        dir.path(),
        &[
            "trace",
            "--yaml",
            empty.path().to_str().unwrap(),
            "entity world",
            API,
            "--port",
            "80/tcp",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("error[E0705]"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_flows_are_coded_errors_that_point_into_the_command_line() {
    for (args, code) in [
        (
            vec![WEB, "pods app=api in namespace nope", "--port", "8080/tcp"],
            "E0802",
        ),
        (
            vec![WEB, "pods app=api in namespace shop", "--port", "70000/tcp"],
            "E0204",
        ),
        (
            vec![
                WEB,
                "pods app=api in namespace shop",
                "--port",
                "8080/tcp",
                "--http",
                "not a request line",
            ],
            "E0806",
        ),
        (
            vec![WEB, "pods app in namespace shop", "--port", "8080/tcp"],
            "E0001",
        ),
    ] {
        let run = trace(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains(&format!("error[{code}]")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("<command line>:1:"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let run = trace(&["pods app=web in namespace nope", API, "--port", "8080/tcp"]);
    snapshot("unknown_namespace", &run.stderr);
}

/// examples/platform, traced where it lies (trace writes nothing).
fn platform(args: &[&str]) -> Run {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platform");
    let mut all = vec!["trace"];
    all.extend_from_slice(args);
    netpolc(&dir, &all)
}

#[test]
fn platform_flows() {
    let web = "pods app=web in namespace storefront";
    let api = "pods {app=checkout-api, app.kubernetes.io/component=api} in namespace checkout";
    let run = platform(&[web, api, "--port", "8080/tcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot("platform_allowed", &run.stdout);
    // The label the storefront's egress rule selects on is missing.
    let run = platform(&[
        web,
        "pods app=checkout-api in namespace checkout",
        "--port",
        "8080/tcp",
    ]);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("egress of pods app=web in namespace storefront: default deny"),
        "{}",
        run.stdout
    );
    let run = platform(&[
        "entity world",
        "pods app=postgres in namespace data",
        "--port",
        "5432/tcp",
    ]);
    assert!(run.stdout.starts_with("denied: "), "{}", run.stdout);
}

#[test]
fn a_rule_with_server_names_goes_through_the_tls_proxy() {
    let alertmanager = "pods app.kubernetes.io/name=alertmanager in namespace monitoring";
    let pagerduty = "fqdn events.pagerduty.com";
    let run = platform(&[alertmanager, pagerduty, "--port", "443/tcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("sni \"events.pagerduty.com\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("redirected to the TLS proxy"),
        "{}",
        run.stdout
    );
    let run = platform(&[
        alertmanager,
        pagerduty,
        "--port",
        "443/tcp",
        "--message-format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answer: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(answer["egress"]["proxy"], "tls", "{}", run.stdout);
    assert_eq!(answer["ingress"]["proxy"], "none", "{}", run.stdout);
}

#[test]
fn a_rule_with_authentication_says_so_and_keeps_its_verdict() {
    let web = "pods app=web in namespace storefront";
    let accounts = "pods {app=accounts-api, app.kubernetes.io/component=api} in namespace accounts";
    let run = platform(&[web, accounts, "--port", "8080/tcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    assert!(
        run.stdout.contains("authentication required"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("note: mutual authentication required"),
        "{}",
        run.stdout
    );
    let run = platform(&[
        web,
        accounts,
        "--port",
        "8080/tcp",
        "--message-format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answer: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(
        answer["ingress"]["authentication"], "required",
        "{}",
        run.stdout
    );
    // The storefront's egress asks for none: the field is left out.
    assert!(
        answer["egress"].get("authentication").is_none(),
        "{}",
        run.stdout
    );
}

const TESTED: &str = r#"namespace shop {
  policy api {
    select pods app=api
    allow from pods app=web port 8080/tcp
  }
  expect allow from pods app=web to pods app=api port 8080/tcp
  expect deny from entity world to pods app=api port 8080/tcp
}
"#;

#[test]
fn test_reports_each_expectation_like_cargo_test() {
    let dir = repo(&[("shop.netpol", TESTED.as_bytes())]);
    let run = netpolc(dir.path(), &["test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().last(),
        Some("test result: ok. 2 passed; 0 failed")
    );
    snapshot("test_ok", &run.stdout);
    let failing = TESTED.replace(
        "expect deny from entity world",
        "expect allow from entity world",
    );
    let dir = repo(&[("shop.netpol", failing.as_bytes())]);
    let run = netpolc(dir.path(), &["test"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("error[E0801]"), "{}", run.stdout);
    snapshot("test_failed", &run.stdout);
    let run = netpolc(dir.path(), &["test", "--message-format", "json"]);
    assert_eq!(run.code, 1);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0]["event"], "ok");
    assert_eq!(lines[0]["line"], 6);
    assert_eq!(lines[1]["event"], "failed");
    assert_eq!(lines[1]["expected"], "allow");
    assert_eq!(lines[1]["verdict"], "denied");
    assert_eq!(lines[1]["diagnostic"]["code"], "E0801");
    assert_eq!(lines[1]["diagnostic"]["line"], 7);
    assert_eq!(lines[2]["type"], "suite");
    assert_eq!(
        (lines[2]["passed"].clone(), lines[2]["failed"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "test wrote a file"
    );
}

#[test]
fn the_examples_keep_their_expectations() {
    for example in ["examples/platform", "examples/seeds"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
        let run = netpolc(&dir, &["test"]);
        assert_eq!(run.code, 0, "{example}: {}{}", run.stdout, run.stderr);
        let last = run.stdout.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("test result: ok.") && last.ends_with(" passed; 0 failed"),
            "{example}: {last}"
        );
        assert!(
            run.stdout
                .lines()
                .filter(|line| line.ends_with(" ... ok"))
                .count()
                >= 20,
            "{example}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_category_expectation_is_reported_for_each_namespace() {
    let text = String::new()
        + "category api_open {\n  expect allow from entity world to pods app=api port 8080/tcp\n}\n\n"
        + "namespace a {\n  use api_open\n\n  policy api {\n    select pods app=api\n    allow from entity world port 8080/tcp\n  }\n}\n\n"
        + "namespace b {\n  use api_open\n\n  policy api {\n    select pods app=api\n    allow from pods app=web port 8080/tcp\n  }\n}\n";
    let dir = repo(&[("a.netpol", text.as_bytes())]);
    let run = netpolc(dir.path(), &["test"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let tests: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("test a.netpol"))
        .collect();
    assert_eq!(
        tests,
        [
            "test a.netpol:2 expect allow from entity world to pods app=api port 8080/tcp (namespace a) ... ok",
            "test a.netpol:2 expect allow from entity world to pods app=api port 8080/tcp (namespace b) ... FAILED",
        ]
    );
    assert!(
        run.stdout
            .contains("in namespace b port 8080/tcp`, but they deny it"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.lines().last(),
        Some("test result: FAILED. 1 passed; 1 failed")
    );
}

/// One end of a verdict scenario's flow in the language's words: an
/// endpoint by its labels, `world`, or a named address.
fn end_words(scenario: &Value, name: &str) -> String {
    if matches!(name, "world" | "host" | "remote-node" | "kube-apiserver") {
        return format!("entity {name}");
    }
    for endpoint in scenario["endpoints"].as_array().unwrap() {
        if endpoint["name"] == name {
            let labels: Vec<String> = endpoint["labels"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(key, value)| format!("{key}={}", value.as_str().unwrap()))
                .collect();
            return format!(
                "pods {{{}}} in namespace {}",
                labels.join(", "),
                endpoint["namespace"].as_str().unwrap()
            );
        }
    }
    for cidr in scenario["cidrs"].as_array().into_iter().flatten() {
        if cidr["name"] == name {
            return format!("cidr {}", cidr["ip"].as_str().unwrap());
        }
    }
    panic!("no end {name}");
}

/// Cilium's own verdicts (tests/verdicts/SOURCE.md) through the
/// command line: the scenario's YAML with `--yaml`, each flow as FROM and
/// TO, the JSON answer against the scenario's `expect`. The scenarios whose
/// ends are plain pods, `world` and addresses, with no namespace labels,
/// nodes, named ports or L7 (those are covered by tests/it/verdicts.rs on
/// the library).
#[test]
fn cilium_verdicts_through_trace_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/verdicts");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for scenario in [
        "01-default-deny",
        "02-intra-namespace",
        "04-entity-world",
        "05-cidr-except",
        "06-port-range",
        "07-deny-over-allow",
        "09-enable-default-deny-false",
        "10-ingress-allowed-egress-denied",
    ] {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(format!("{scenario}.json"))).unwrap(),
        )
        .unwrap();
        let yaml = root.join(format!("{scenario}.yaml"));
        for flow in expected["flows"].as_array().unwrap() {
            let from = end_words(&expected, flow["from"].as_str().unwrap());
            let to = end_words(&expected, flow["to"].as_str().unwrap());
            let port = format!(
                "{}/{}",
                flow["port"],
                flow["protocol"].as_str().unwrap().to_lowercase()
            );
            let run = netpolc(
                dir.path(),
                &[
                    "trace",
                    "--yaml",
                    yaml.to_str().unwrap(),
                    &from,
                    &to,
                    "--port",
                    &port,
                    "--message-format",
                    "json",
                ],
            );
            let what = format!("{scenario}: {from} -> {to} {port}");
            assert_eq!(run.code, 0, "{what}: {}{}", run.stdout, run.stderr);
            let answer: Value = serde_json::from_str(&run.stdout).unwrap();
            let expect = &flow["expect"];
            assert_eq!(answer["verdict"], expect["verdict"], "{what}: {answer}");
            for side in ["egress", "ingress"] {
                if !expect[side].is_null() {
                    assert_eq!(
                        answer[side]["verdict"], expect[side],
                        "{what} {side}: {answer}"
                    );
                }
                if let Some(rules) = expect[format!("{side}_rules")].as_array() {
                    let mut names: Vec<&str> = answer[side]["deciders"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|decider| decider["name"].as_str().unwrap())
                        .collect();
                    names.dedup();
                    let rules: Vec<&str> =
                        rules.iter().map(|rule| rule.as_str().unwrap()).collect();
                    assert_eq!(names, rules, "{what} {side}: {answer}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "trace wrote a file"
    );
    // Every flow of the eight scenarios, those of 02 to and from namespace
    // `shop` included, which no policy of the scenario names: YAML says
    // nothing of the other namespaces, so `--yaml` takes any.
    assert_eq!(checked, 53);
}

/// The `$ netpolc trace ...` transcripts of README.md are what netpolc
/// prints: each ```` ```text ```` block that starts with one is run in
/// examples/platform (its lines joined at a trailing `\`, its arguments
/// split at spaces outside double quotes) and its output compared with the
/// rest of the block.
#[test]
fn readme_trace_transcripts_are_real() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = block.split("\n```").next().unwrap();
        if !block.starts_with("$ netpolc trace ") {
            continue;
        }
        let mut command = String::new();
        let mut lines = block.lines();
        for line in lines.by_ref() {
            match line.strip_suffix('\\') {
                Some(part) => command.push_str(part),
                None => {
                    command.push_str(line);
                    break;
                }
            }
        }
        let expected: Vec<&str> = lines.collect();
        let mut args = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        for c in command.trim_start_matches("$ netpolc ").chars() {
            match c {
                '"' => quoted = !quoted,
                ' ' if !quoted => {
                    if !word.is_empty() {
                        args.push(std::mem::take(&mut word));
                    }
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            args.push(word);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = netpolc(&root.join("examples/platform"), &args);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        assert_eq!(
            run.stdout.trim_end(),
            expected.join("\n").trim_end(),
            "README.md's transcript of `{command}` is not what netpolc prints"
        );
        checked += 1;
    }
    assert_eq!(checked, 2, "README.md's trace transcripts");
}

#[test]
fn a_rule_with_tls_interception_names_its_secrets() {
    let text = r#"namespace media {
  policy bot {
    select pods class=mediabot
    allow dns "httpbin.org"
    allow to fqdn "httpbin.org" port 443/tcp sni "httpbin.org"
      terminate tls secret "kube-system/httpbin-tls-data"
      originate tls secret "tls-orig-data"
      http GET "/anything/.*"
    allow to fqdn "httpbin.org" port 80/tcp
      http GET "/anything/.*"
  }
}
"#;
    let dir = repo(&[("media.netpol", text.as_bytes())]);
    let bot = "pods class=mediabot in namespace media";
    let run = netpolc(
        dir.path(),
        &["trace", bot, "fqdn httpbin.org", "--port", "443/tcp"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("allowed: "), "{}", run.stdout);
    for note in [
        "note: redirected to the HTTP proxy",
        "note: only TLS connections that name `httpbin.org` (SNI) pass",
        "note: the proxy ends the client's TLS with the certificate of secret `kube-system/httpbin-tls-data`",
        "note: the proxy starts its own TLS to the server, trusting the CA of secret `tls-orig-data`",
    ] {
        assert!(
            run.stdout.contains(note),
            "missing {note:?}:\n{}",
            run.stdout
        );
    }
    // The plain-text port's rule has no TLS: no TLS note.
    let run = netpolc(
        dir.path(),
        &["trace", bot, "fqdn httpbin.org", "--port", "80/tcp"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("redirected to the HTTP proxy"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("TLS"), "{}", run.stdout);
}
