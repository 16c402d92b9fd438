//! `netpolc fmt`: the canonical layout (`netpolc::fmt`), its properties over
//! every example, stdlib file and UI fixture, and the command's exit paths.
//!
//! This file holds the layout cases; `fmt/corpus.rs` the corpus (whose
//! properties are one named test per file in `tests/fixtures.rs`) and
//! `fmt/cli.rs` the command's tests.

mod cli;
mod corpus;

use std::path::PathBuf;

use netpolc::fmt::format;

/// Asserts that `input` formats to `expected`, and that `expected` is a
/// fixed point.
#[track_caller]
fn formats(input: &str, expected: &str) {
    let once = format(input).unwrap_or_else(|diag| panic!("{}", diag.message));
    assert_eq!(once, expected, "formatting:\n{input}");
    assert_eq!(format(&once).unwrap(), once, "formatting again:\n{once}");
}

#[test]
fn tokens_get_single_spaces_and_selectors_hug_their_operators() {
    formats(
        "namespace   shop{policy  web{select pods  app = web\nallow from pods { tier in ( a ,b, ), ! canary , env != dev, } port 80/tcp,443/tcp\nlabel team = shop}}",
        "namespace shop {\n  policy web {\n    select pods app=web\n    allow from pods { tier in (a, b), !canary, env!=dev } port 80/tcp, 443/tcp\n    label team=shop\n  }\n}\n",
    );
}

#[test]
fn constants_parameters_and_arguments() {
    formats(
        "const  A=[ 10.0.0.1 , 10.0.0.2, ]\nconst B = [ ]\nconst C={}\nconst D = {a=b}\ncategory c ( x : cidrs , y : port = 80/tcp , ) { allow to cidr $x port $y }\nnamespace n { use c ( x : $A , ) }\n",
        "const A = [10.0.0.1, 10.0.0.2]\nconst B = []\nconst C = {}\nconst D = { a=b }\ncategory c(x: cidrs, y: port = 80/tcp) {\n  allow to cidr $x port $y\n}\nnamespace n {\n  use c(x: $A)\n}\n",
    );
}

#[test]
fn blank_lines_are_kept_collapsed_but_not_at_block_edges() {
    formats(
        "\n\n\nconst A = 1.2.3.4\n\n\n\nnamespace n {\n\n  policy a {\n\n    allow from pods\n\n\n    allow to pods\n\n  }\n  policy b {}\n\n}\n\n\n",
        "const A = 1.2.3.4\n\nnamespace n {\n  policy a {\n    allow from pods\n\n    allow to pods\n  }\n  policy b {}\n}\n",
    );
}

#[test]
fn l7_rules_go_on_their_own_lines_one_level_deeper() {
    formats(
        "namespace n {\n  allow from pods app=a port 80/tcp http GET \"/\" http POST \"/x\" host \"h\"\n  allow to pods port 53 dns \"*\", \"a.b\"\n  allow to pods port 9092/tcp kafka produce topic \"t\"\n}\n",
        "namespace n {\n  allow from pods app=a port 80/tcp\n    http GET \"/\"\n    http POST \"/x\" host \"h\"\n  allow to pods port 53\n    dns \"*\", \"a.b\"\n  allow to pods port 9092/tcp\n    kafka produce topic \"t\"\n}\n",
    );
}

#[test]
fn comments_stay_at_the_end_of_their_line_or_on_their_own() {
    formats(
        "# head\n\n## doc   \nnamespace n { # the namespace\n    # first\n  allow from pods # trailing\n  # before the brace\n} # after\n# tail",
        "# head\n\n## doc\nnamespace n { # the namespace\n  # first\n  allow from pods # trailing\n  # before the brace\n} # after\n# tail\n",
    );
}

#[test]
fn an_empty_block_with_a_comment_keeps_it_inside() {
    formats(
        "namespace n { policy p { # todo\n} policy q {\n# later\n} }",
        "namespace n {\n  policy p { # todo\n  }\n  policy q {\n    # later\n  }\n}\n",
    );
}

#[test]
fn a_group_with_a_comment_is_one_element_per_line() {
    formats(
        "const NETS = [10.0.0.0/8, # office\n  10.8.0.0/16 # vpn\n]\nnamespace n {\n  use c(a: 1, # one\n  b: { x=y, # z\n  w })\n}\n",
        "const NETS = [\n  10.0.0.0/8, # office\n  10.8.0.0/16, # vpn\n]\nnamespace n {\n  use c(\n    a: 1, # one\n    b: {\n      x=y, # z\n      w,\n    },\n  )\n}\n",
    );
}

#[test]
fn a_comment_inside_a_statement_continues_it_one_level_deeper() {
    formats(
        "namespace n {\n  allow to cidr 10.0.0.0/8, # office\n  10.8.0.0/16 # vpn\n  port 443/tcp\n}\n",
        "namespace n {\n  allow to cidr 10.0.0.0/8, # office\n    10.8.0.0/16 # vpn\n    port 443/tcp\n}\n",
    );
}

#[test]
fn a_comment_before_a_comma_moves_after_it() {
    formats(
        "const A = [\n  1.1.1.1 # one\n  , 2.2.2.2\n]\n",
        "const A = [\n  1.1.1.1, # one\n  2.2.2.2,\n]\n",
    );
}

#[test]
fn a_comment_before_a_block_brace_moves_after_it() {
    formats(
        "namespace n # the namespace\n{\n  policy p\n  # the policy\n  {\n    allow from pods\n  }\n}\n",
        "namespace n { # the namespace\n  policy p {\n    # the policy\n    allow from pods\n  }\n}\n",
    );
}

#[test]
fn silences_stay_above_what_they_silence() {
    formats(
        "silence W0106 \"reason\"\n\nnamespace n { silence W0109, W0110 policy p { silence W0106 allow from pods } }\n",
        "silence W0106 \"reason\"\nnamespace n {\n  silence W0109, W0110\n  policy p {\n    silence W0106\n    allow from pods\n  }\n}\n",
    );
}

#[test]
fn the_namespace_inventory_has_one_namespace_per_line() {
    formats(
        "cluster namespaces { shop, silence W0106 \"ok\" checkout tier=app, kube-system {a=b} }\ncluster namespaces {}\ncluster namespaces { one }\n",
        "cluster namespaces {\n  shop,\n  silence W0106 \"ok\"\n  checkout tier=app,\n  kube-system { a=b },\n}\ncluster namespaces {}\ncluster namespaces {\n  one,\n}\n",
    );
}

#[test]
fn crlf_tabs_and_trailing_white_space_go() {
    formats(
        "namespace n {\r\n\tallow from pods   \t\r\n}\t \r\n",
        "namespace n {\n  allow from pods\n}\n",
    );
}

#[test]
fn empty_and_comment_only_files() {
    formats("", "");
    formats(" \n\n\t\n", "");
    formats("\n# only\n\n\n#  comments  \n\n", "# only\n\n#  comments\n");
}

#[test]
fn a_syntax_error_is_the_parser_diagnostic() {
    let diag = format("namespace shop { allow from }\n").unwrap_err();
    assert_eq!(diag.code, netpolc::diag::Code::E0001);
    let diag = format("namespace shop { description \"open }\n").unwrap_err();
    assert_eq!(diag.code, netpolc::diag::Code::E0002);
}

/// The names of the compound-atomic (`${ }`) rules of the grammar.
fn compound_atomic_rules() -> Vec<String> {
    let grammar = std::fs::read_to_string(repo_root().join("grammar/netpol.pest")).unwrap();
    let mut names: Vec<String> = grammar
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once('=')?;
            rest.trim_start()
                .starts_with("${")
                .then(|| name.trim().to_owned())
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_compound_atomic_rule_is_copied_verbatim() {
    let mut verbatim: Vec<String> = netpolc::fmt::VERBATIM_RULES
        .iter()
        .map(|kind| format!("{kind:?}"))
        .collect();
    verbatim.sort();
    assert_eq!(
        compound_atomic_rules(),
        verbatim,
        "a `${{ }}` rule of grammar/netpol.pest is one token: list it in netpolc::fmt::VERBATIM_RULES"
    );
}

/// The repository root.
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn rule_sentences_and_sentence_declarations() {
    formats(
        "category  allow_vault ( ports : ports = 8200/tcp , pods: selector = {} )  sentence   allow vault  to pods $pods port $ports{allow to pods $pods in namespace vault port $ports}\nnamespace shop{allow   dns\nallow dns \"*.corp.example.com\" ,\"a.b\"\nallow storage   from $IPS,10.0.0.0/24   port 2049/tcp\nallow metrics from pods app.kubernetes.io/name = prometheus in namespace monitoring port 8080/tcp\nallow vault to pods { app = vault , tier in ( a, b ) }\ndeny cloud-metadata\nallow kube-apiserver allow gateway}\n",
        "category allow_vault(ports: ports = 8200/tcp, pods: selector = {}) sentence allow vault to pods $pods port $ports {\n  allow to pods $pods in namespace vault port $ports\n}\nnamespace shop {\n  allow dns\n  allow dns \"*.corp.example.com\", \"a.b\"\n  allow storage from $IPS, 10.0.0.0/24 port 2049/tcp\n  allow metrics from pods app.kubernetes.io/name=prometheus in namespace monitoring port 8080/tcp\n  allow vault to pods { app=vault, tier in (a, b) }\n  deny cloud-metadata\n  allow kube-apiserver\n  allow gateway\n}\n",
    );
}

#[test]
fn comments_inside_a_rule_sentence_are_kept() {
    formats(
        "namespace shop {\n  allow storage # the filers\n    from $IPS # NFS only\n    port 2049/tcp\n  allow dns [\n  \"a.b\", # one\n  \"c.d\"]\n}\n",
        "namespace shop {\n  allow storage # the filers\n    from $IPS # NFS only\n    port 2049/tcp\n  allow dns [\n    \"a.b\", # one\n    \"c.d\",\n  ]\n}\n",
    );
}

#[test]
fn an_expectation_is_one_line_and_its_request_one_level_deeper() {
    formats(
        "namespace n {\n      expect   allow from pods {app=web,tier=x}  with account  sa in namespace n to fqdn \"x.com\" port 443/tcp\n  expect allow from pods app=a to pods app=b port 80/tcp http \"GET /\" host \"h\"  header \"A: b\"\n  expect deny from namespace n to entity world port 53/udp dns \"x.com\"\n}\nexpect allow from node role=x to cidr 10.0.0.1 icmp ipv6 EchoRequest\n",
        "namespace n {\n  expect allow from pods { app=web, tier=x } with account sa in namespace n to fqdn \"x.com\" port 443/tcp\n  expect allow from pods app=a to pods app=b port 80/tcp\n    http \"GET /\" host \"h\" header \"A: b\"\n  expect deny from namespace n to entity world port 53/udp\n    dns \"x.com\"\n}\nexpect allow from node role=x to cidr 10.0.0.1 icmp ipv6 EchoRequest\n",
    );
}
