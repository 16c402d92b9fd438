//! Hover, definition, references, rename and the outline over a repository
//! of three user files (`lib.netpol` imported by `shop.netpol` and
//! `bank.netpol`); every expected span is written by hand as
//! `path:line:column text`.

use super::{Edit, RenameError, SymbolKind};
use crate::ide::Analysis;
use crate::source::{FileId, SourceMap, Span};

const LIB: &str = "\
const WEB = { app=web }
const DB_NETS = [10.1.0.0/16]

# Lets the web pods in,
# on the ports given.
category from_web(ports: ports = 80/tcp) {
  allow from pods $WEB port $ports
}
";

const SHOP: &str = "\
import \"lib.netpol\"
namespace shop {
  use from_web(ports: 8080/tcp)
  allow dns
  allow to pods $WEB port 8080/tcp
  policy db {
    select pods { app=db }
    allow to cidr $DB_NETS port 5432/tcp
  }
}
";

const BANK: &str = "\
import \"lib.netpol\"
const LOCAL = 1
namespace bank {
  allow from pods $WEB in namespace shop port 443/tcp
}
";

fn analysis(files: &[(&str, &str)]) -> Analysis {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(*path, *text);
    }
    Analysis::new(sources, &crate::Options::default())
}

fn repo() -> Analysis {
    let analysis = analysis(&[
        ("lib.netpol", LIB),
        ("shop.netpol", SHOP),
        ("bank.netpol", BANK),
    ]);
    assert!(
        !crate::diag::has_errors(&analysis.diagnostics),
        "{:?}",
        analysis.diagnostics
    );
    analysis
}

/// `path:line:column text`.
fn show(analysis: &Analysis, span: Span) -> String {
    let text = &analysis.sources.get(span.file).unwrap().text;
    let before = &text[..span.start as usize];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
    format!(
        "{}:{line}:{column} {}",
        analysis.sources.path(span.file),
        &text[span.range()]
    )
}

fn shown(analysis: &Analysis, spans: &[Span]) -> Vec<String> {
    spans.iter().map(|span| show(analysis, *span)).collect()
}

/// The file and byte offset of the `nth` (from 0) occurrence of `needle`
/// in a file, plus `shift` bytes.
fn at(analysis: &Analysis, path: &str, needle: &str, nth: usize, shift: usize) -> (FileId, usize) {
    let file = analysis.sources.find(path).unwrap();
    let text = &analysis.sources.get(file).unwrap().text;
    let found = text.match_indices(needle).nth(nth).unwrap().0;
    (file, found + shift)
}

fn hover_at(
    analysis: &Analysis,
    path: &str,
    needle: &str,
    nth: usize,
    shift: usize,
) -> (String, String) {
    let (file, offset) = at(analysis, path, needle, nth, shift);
    let hover = super::hover(analysis, file, offset).unwrap();
    (show(analysis, hover.span), hover.markdown)
}

/// The document of `shop.yaml` named `name`, cut out of what `emit`
/// writes with nothing of `ide`.
fn emitted(analysis: &Analysis, name: &str) -> String {
    let files = crate::emit::emit(&analysis.program);
    let shop = files.iter().find(|file| file.path == "shop.yaml").unwrap();
    let doc = shop
        .contents
        .split("---\n")
        .find(|doc| doc.contains(&format!("metadata:\n  name: {name}\n")))
        .unwrap();
    doc.to_owned()
}

#[test]
fn hover_on_a_constant_use_shows_its_value_type_and_uses() {
    let analysis = repo();
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "$WEB", 0, 2);
    assert_eq!(span, "shop.netpol:5:18 WEB");
    insta::assert_snapshot!(markdown, @r"
    ```netpol
    const WEB = { app=web }
    ```
    Constant `WEB`: a label selector, defined at `lib.netpol:1:7`. Used 3 times: `bank.netpol` (1), `lib.netpol` (1), `shop.netpol` (1).
    ");
}

#[test]
fn hover_on_a_long_constant_shortens_its_value() {
    let long: Vec<String> = (0..200).map(|n| format!("10.{n}.0.0/16")).collect();
    let lib = format!("const NETS = [{}]\n", long.join(", "));
    let analysis = analysis(&[("lib.netpol", &lib)]);
    let (_, markdown) = hover_at(&analysis, "lib.netpol", "NETS", 0, 0);
    let value = markdown.lines().nth(1).unwrap();
    assert!(
        value.starts_with("const NETS = [10.0.0.0/16, 10.1.0.0/16,"),
        "{value}"
    );
    assert!(value.ends_with(" …"), "{value}");
    assert!(value.len() < 700, "{value}");
}

#[test]
fn hover_on_a_category_shows_parameters_doc_comment_and_expansion() {
    let analysis = repo();
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "from_web", 0, 3);
    assert_eq!(span, "shop.netpol:3:7 from_web");
    insta::assert_snapshot!(markdown, @r"
    ```netpol
    category from_web(ports: ports = 80/tcp)
    ```
    Lets the web pods in,
    on the ports given.

    Defined at `lib.netpol:6:10`. Used once: `shop.netpol` (1).

    Expands to (in namespace `shop`, policy `from-web`):

    ```yaml
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata:
      name: from-web
      namespace: shop
    spec:
      endpointSelector: {}
      ingress:
      - fromEndpoints:
        - matchLabels:
            app: web
        toPorts:
        - ports:
          - port: '8080'
            protocol: TCP
    ```
    ");
}

#[test]
fn hover_on_a_sentence_shows_its_stdlib_category() {
    let analysis = repo();
    // On the sentence's word, and on its verb.
    let (span, on_word) = hover_at(&analysis, "shop.netpol", "allow dns", 0, 7);
    assert_eq!(span, "shop.netpol:4:9 dns");
    let (span, on_verb) = hover_at(&analysis, "shop.netpol", "allow dns", 0, 1);
    assert_eq!(span, "shop.netpol:4:3 allow dns");
    assert_eq!(on_word, on_verb);
    insta::assert_snapshot!(on_word, @r#"
    ```netpol
    category allow_dns(patterns: strings = ["*"], ports: ports = 53)
      sentence allow dns $patterns port $ports
    ```
    Egress to kube-dns in kube-system on `ports`, through Cilium's DNS proxy.
    By default port 53 with no protocol, which Cilium reads as TCP, UDP and
    SCTP (`ANY`); give `ports: [53/udp, 53/tcp]` to leave SCTP out.
    `patterns` are the names the pods may look up; the default "*" lets the
    proxy see every lookup, which `fqdn` peers need to learn the addresses of
    the names they allow. Written as a sentence: `allow dns`,
    `allow dns "*.example.com", "api.example.org"`, `allow dns port 53/udp, 53/tcp`.

    Written as the rule sentence `allow dns ...`. Defined at `<stdlib>/dns.netpol:10:10`. Used once: `shop.netpol` (1).

    Expands to (in namespace `shop`, policy `allow-dns`):

    ```yaml
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata:
      name: allow-dns
      namespace: shop
    spec:
      endpointSelector: {}
      egress:
      - toEndpoints:
        - matchLabels:
            k8s-app: kube-dns
            k8s:io.kubernetes.pod.namespace: kube-system
        toPorts:
        - ports:
          - port: '53'
            protocol: ANY
          rules:
            dns:
            - matchPattern: '*'
    ```
    "#);
    assert!(on_word.ends_with(&format!("```yaml\n{}```", emitted(&analysis, "allow-dns"))));
}

#[test]
fn hover_on_a_parameter_shows_its_type_default_and_category() {
    let analysis = repo();
    // At the definition and at a named argument.
    let (span, at_definition) = hover_at(&analysis, "lib.netpol", "ports:", 0, 0);
    assert_eq!(span, "lib.netpol:6:19 ports");
    let (span, at_argument) = hover_at(&analysis, "shop.netpol", "ports:", 0, 5);
    assert_eq!(span, "shop.netpol:3:16 ports");
    assert_eq!(at_definition, at_argument);
    insta::assert_snapshot!(at_definition, @r"
    ```netpol
    ports: ports = 80/tcp
    ```
    Parameter of category `from_web`: a port list.
    ");
}

#[test]
fn hover_on_a_policy_name_shows_the_yaml_build_writes() {
    let analysis = repo();
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "db {", 0, 1);
    assert_eq!(span, "shop.netpol:6:10 db");
    insta::assert_snapshot!(markdown, @r"
    CiliumNetworkPolicy `db` in namespace `shop`:

    ```yaml
    apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata:
      name: db
      namespace: shop
    spec:
      endpointSelector:
        matchLabels:
          app: db
      egress:
      - toCIDR:
        - 10.1.0.0/16
        toPorts:
        - ports:
          - port: '5432'
            protocol: TCP
    ```
    ");
    assert!(markdown.ends_with(&format!("```yaml\n{}```", emitted(&analysis, "db"))));
}

#[test]
fn hover_on_a_rule_names_its_list_in_the_policy() {
    let analysis = repo();
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "allow to cidr", 0, 3);
    assert_eq!(span, "shop.netpol:8:5 allow to cidr $DB_NETS port 5432/tcp");
    assert!(
        markdown.starts_with(
            "This rule is in `spec.egress` of CiliumNetworkPolicy `db` in namespace `shop`:\n\n```yaml\n"
        ),
        "{markdown}"
    );
    assert!(markdown.ends_with(&format!("```yaml\n{}```", emitted(&analysis, "db"))));
    // A bare rule of a namespace is in the namespace's own policy.
    let (_, markdown) = hover_at(&analysis, "shop.netpol", "allow to pods", 0, 0);
    assert!(
        markdown.starts_with(
            "This rule is in `spec.egress` of CiliumNetworkPolicy `shop` in namespace `shop`:"
        ),
        "{markdown}"
    );
    assert!(markdown.ends_with(&format!("```yaml\n{}```", emitted(&analysis, "shop"))));
}

#[test]
fn hover_on_a_namespace_shows_each_of_its_policies() {
    let analysis = repo();
    let (span, markdown) = hover_at(&analysis, "bank.netpol", "shop", 0, 0);
    assert_eq!(span, "bank.netpol:4:37 shop");
    assert!(
        markdown.starts_with("Namespace `shop`: 4 policies\n\n```yaml\n"),
        "{markdown}"
    );
    for name in ["allow-dns", "db", "from-web", "shop"] {
        assert!(
            markdown.contains(&format!("```yaml\n{}```", emitted(&analysis, name))),
            "{name}"
        );
    }
}

#[test]
fn hover_on_a_diagnostic_explains_its_code_and_says_there_is_no_yaml() {
    let analysis = analysis(&[
        ("lib.netpol", LIB),
        ("shop.netpol", &SHOP.replace("$DB_NETS", "$DB_NET")),
    ]);
    assert!(crate::diag::has_errors(&analysis.diagnostics));
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "$DB_NET", 0, 2);
    let diagnostic = analysis
        .diagnostics
        .iter()
        .find(|d| {
            d.primary
                .as_ref()
                .is_some_and(|p| show(&analysis, p.span) == span)
        })
        .unwrap();
    assert_eq!(span, "shop.netpol:8:19 $DB_NET");
    let code = diagnostic.code;
    assert_eq!(code.as_str(), "E0101");
    assert!(
        markdown.starts_with(&format!("**E0101**: {}\n\n# E0101: ", diagnostic.message)),
        "{markdown}"
    );
    assert!(markdown.contains(code.explanation().trim_end()));
    // Then the rule it is in, which has no YAML.
    assert!(
        markdown.ends_with("\n\n---\n\nThis rule is in `spec.egress` of CiliumNetworkPolicy `db` in namespace `shop`: no YAML while the repository has errors."),
        "{markdown}"
    );
    let (_, markdown) = hover_at(&analysis, "shop.netpol", "db {", 0, 0);
    assert_eq!(
        markdown,
        "CiliumNetworkPolicy `db` in namespace `shop`: no YAML while the repository has errors."
    );
}

#[test]
fn no_hover_on_a_keyword_or_past_the_end() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "shop.netpol", "import", 0, 2);
    assert_eq!(super::hover(&analysis, file, offset), None);
    assert_eq!(super::hover(&analysis, file, SHOP.len() + 100), None);
    assert_eq!(super::definition(&analysis, file, usize::MAX), None);
}

#[test]
fn definition_across_an_import() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "shop.netpol", "$WEB", 0, 1);
    let found = super::definition(&analysis, file, offset).unwrap();
    assert_eq!(show(&analysis, found), "lib.netpol:1:7 WEB");
    let (file, offset) = at(&analysis, "shop.netpol", "from_web", 0, 8);
    let found = super::definition(&analysis, file, offset).unwrap();
    assert_eq!(show(&analysis, found), "lib.netpol:6:10 from_web");
    let (file, offset) = at(&analysis, "bank.netpol", "shop", 0, 0);
    let found = super::definition(&analysis, file, offset).unwrap();
    assert_eq!(show(&analysis, found), "shop.netpol:2:11 shop");
}

#[test]
fn references_with_and_without_the_definition() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "bank.netpol", "$WEB", 0, 3);
    let uses = super::references(&analysis, file, offset, false);
    assert_eq!(
        shown(&analysis, &uses),
        [
            "bank.netpol:4:20 WEB",
            "lib.netpol:7:20 WEB",
            "shop.netpol:5:18 WEB"
        ]
    );
    let all = super::references(&analysis, file, offset, true);
    assert_eq!(
        shown(&analysis, &all),
        [
            "lib.netpol:1:7 WEB",
            "bank.netpol:4:20 WEB",
            "lib.netpol:7:20 WEB",
            "shop.netpol:5:18 WEB"
        ]
    );
    let (file, offset) = at(&analysis, "lib.netpol", "ports:", 0, 0);
    let all = super::references(&analysis, file, offset, true);
    assert_eq!(
        shown(&analysis, &all),
        [
            "lib.netpol:6:19 ports",
            "lib.netpol:7:30 ports",
            "shop.netpol:3:16 ports"
        ]
    );
}

/// The edits of a rename, as `path:line:column old -> new`.
fn edits(analysis: &Analysis, edits: &[Edit]) -> Vec<String> {
    edits
        .iter()
        .map(|edit| format!("{} -> {}", show(analysis, edit.span), edit.new_text))
        .collect()
}

#[test]
fn rename_a_constant_used_in_two_files() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "shop.netpol", "$WEB", 0, 1);
    let prepared = super::prepare_rename(&analysis, file, offset).unwrap();
    assert_eq!(show(&analysis, prepared), "shop.netpol:5:18 WEB");
    let found = super::rename(&analysis, file, offset, "FRONTEND").unwrap();
    // In file-id order: lib, shop, bank.
    assert_eq!(
        edits(&analysis, &found),
        [
            "lib.netpol:1:7 WEB -> FRONTEND",
            "lib.netpol:7:20 WEB -> FRONTEND",
            "shop.netpol:5:18 WEB -> FRONTEND",
            "bank.netpol:4:20 WEB -> FRONTEND",
        ]
    );
}

#[test]
fn rename_a_parameter_and_its_named_arguments() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "lib.netpol", "$ports", 0, 1);
    let found = super::rename(&analysis, file, offset, "web_ports").unwrap();
    assert_eq!(
        edits(&analysis, &found),
        [
            "lib.netpol:6:19 ports -> web_ports",
            "lib.netpol:7:30 ports -> web_ports",
            "shop.netpol:3:16 ports -> web_ports",
        ]
    );
}

#[test]
fn rename_a_category_and_a_namespace() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "lib.netpol", "from_web", 0, 0);
    let found = super::rename(&analysis, file, offset, "from_frontend").unwrap();
    assert_eq!(
        edits(&analysis, &found),
        [
            "lib.netpol:6:10 from_web -> from_frontend",
            "shop.netpol:3:7 from_web -> from_frontend",
        ]
    );
    let (file, offset) = at(&analysis, "bank.netpol", "shop", 0, 0);
    let found = super::rename(&analysis, file, offset, "store").unwrap();
    assert_eq!(
        edits(&analysis, &found),
        [
            "shop.netpol:2:11 shop -> store",
            "bank.netpol:4:37 shop -> store"
        ]
    );
}

#[test]
fn rename_refused_for_a_stdlib_category() {
    let analysis = repo();
    let (file, offset) = at(&analysis, "shop.netpol", "dns", 0, 0);
    assert_eq!(super::prepare_rename(&analysis, file, offset), None);
    assert_eq!(
        super::rename(&analysis, file, offset, "name_service"),
        Err(RenameError::NotRenamable)
    );
    // Nor a keyword, nor a policy name.
    let (file, offset) = at(&analysis, "shop.netpol", "namespace", 0, 2);
    assert_eq!(
        super::rename(&analysis, file, offset, "x"),
        Err(RenameError::NotRenamable)
    );
    let (file, offset) = at(&analysis, "shop.netpol", "db {", 0, 0);
    assert_eq!(super::prepare_rename(&analysis, file, offset), None);
}

#[test]
fn rename_refused_for_a_bad_name() {
    let analysis = repo();
    let refused = |path: &str, needle: &str, new_name: &str| {
        let (file, offset) = at(&analysis, path, needle, 0, 0);
        match super::rename(&analysis, file, offset, new_name) {
            Err(RenameError::InvalidName(why)) => why,
            other => panic!("{needle} -> {new_name}: {other:?}"),
        }
    };
    assert_eq!(
        refused("lib.netpol", "WEB", "web"),
        "`web`: a constant's name is an upper-case identifier (`A`-`Z`, digits, `_`), not a keyword"
    );
    refused("lib.netpol", "WEB", "2WEB");
    refused("lib.netpol", "WEB", "");
    refused("lib.netpol", "from_web", "FromWeb");
    refused("lib.netpol", "from_web", "allow");
    refused("lib.netpol", "ports:", "my-ports");
    assert_eq!(
        refused("shop.netpol", "shop", "Shop"),
        "`Shop`: a namespace name is a DNS-1123 label: at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit"
    );
}

#[test]
fn rename_refused_for_a_conflict() {
    let analysis = repo();
    let conflict = |path: &str, needle: &str, new_name: &str| {
        let (file, offset) = at(&analysis, path, needle, 0, 0);
        match super::rename(&analysis, file, offset, new_name) {
            Err(RenameError::Conflict(why)) => why,
            other => panic!("{needle} -> {new_name}: {other:?}"),
        }
    };
    // The same file.
    assert_eq!(
        conflict("lib.netpol", "WEB", "DB_NETS"),
        "a constant `DB_NETS` already exists at `lib.netpol:2:7`"
    );
    // A file that imports the definition's file already has the name.
    assert_eq!(
        conflict("lib.netpol", "WEB", "LOCAL"),
        "a constant `LOCAL` already exists at `bank.netpol:2:7`"
    );
    // The standard library.
    assert_eq!(
        conflict("lib.netpol", "from_web", "allow_dns"),
        "a category `allow_dns` already exists at `<stdlib>/dns.netpol:10:10`"
    );
    assert_eq!(
        conflict("shop.netpol", "shop", "bank"),
        "a namespace `bank` already exists at `bank.netpol:3:11`"
    );
    // A constant the category's body uses would be hidden by the parameter.
    assert_eq!(
        conflict("lib.netpol", "ports:", "WEB"),
        "a constant used in this category `WEB` already exists at `lib.netpol:1:7`"
    );
    // Not a conflict: a file that neither imports nor is imported.
    let (file, offset) = at(&analysis, "shop.netpol", "shop", 0, 0);
    assert!(super::rename(&analysis, file, offset, "shop2").is_ok());
}

#[test]
fn symbols_of_a_namespace_file_and_a_library() {
    let analysis = repo();
    let outline = |path: &str| {
        let file = analysis.sources.find(path).unwrap();
        let mut lines = Vec::new();
        fn walk(
            analysis: &Analysis,
            symbols: &[super::Symbol],
            depth: usize,
            lines: &mut Vec<String>,
        ) {
            for symbol in symbols {
                let whole = show(analysis, symbol.span);
                let first = whole.lines().next().unwrap().to_owned();
                lines.push(format!(
                    "{}{:?} {} at {} in {}",
                    "  ".repeat(depth),
                    symbol.kind,
                    symbol.name,
                    show(analysis, symbol.name_span),
                    first
                ));
                walk(analysis, &symbol.children, depth + 1, lines);
            }
        }
        walk(&analysis, &super::symbols(&analysis, file), 0, &mut lines);
        lines
    };
    assert_eq!(
        outline("shop.netpol"),
        [
            "Namespace shop at shop.netpol:2:11 shop in shop.netpol:2:1 namespace shop {",
            "  Policy db at shop.netpol:6:10 db in shop.netpol:6:3 policy db {",
        ]
    );
    assert_eq!(
        outline("lib.netpol"),
        [
            "Constant WEB at lib.netpol:1:7 WEB in lib.netpol:1:1 const WEB = { app=web }",
            "Constant DB_NETS at lib.netpol:2:7 DB_NETS in lib.netpol:2:1 const DB_NETS = [10.1.0.0/16]",
            "Category from_web at lib.netpol:6:10 from_web in lib.netpol:6:1 category from_web(ports: ports = 80/tcp) {",
            "  Parameter ports at lib.netpol:6:19 ports in lib.netpol:6:19 ports: ports = 80/tcp",
        ]
    );
    let kinds: Vec<SymbolKind> =
        super::symbols(&analysis, analysis.sources.find("bank.netpol").unwrap())
            .iter()
            .map(|symbol| symbol.kind)
            .collect();
    assert_eq!(kinds, [SymbolKind::Constant, SymbolKind::Namespace]);
}

const GROUPS: &str = "\
const STORAGE_IPS = group [10.20.0.10, 10.20.0.11]
cluster namespaces {
  shop,
  bank,
}
namespace shop {
  allow to cidr $STORAGE_IPS port 2049/tcp
  allow from cidr $STORAGE_IPS port 22/tcp
}
namespace bank {
  allow from pods in namespace shop port 443/tcp
}
";

#[test]
fn a_cidr_group_is_hovered_and_renamed_through_its_constant() {
    let analysis = analysis(&[("groups.netpol", GROUPS)]);
    assert!(
        !crate::diag::has_errors(&analysis.diagnostics),
        "{:?}",
        analysis.diagnostics
    );
    let (span, markdown) = hover_at(&analysis, "groups.netpol", "$STORAGE_IPS", 1, 1);
    assert_eq!(span, "groups.netpol:8:20 STORAGE_IPS");
    insta::assert_snapshot!(markdown, @r"
    ```netpol
    const STORAGE_IPS = group [10.20.0.10, 10.20.0.11]
    ```
    Constant `STORAGE_IPS`: a CIDR list, defined at `groups.netpol:1:7`. Used 2 times: `groups.netpol` (2).

    Emitted as CiliumCIDRGroup `storage-ips`:

    ```yaml
    apiVersion: cilium.io/v2
    kind: CiliumCIDRGroup
    metadata:
      name: storage-ips
    spec:
      externalCIDRs:
      - 10.20.0.10/32
      - 10.20.0.11/32
    ```
    ");
    let (file, offset) = at(&analysis, "groups.netpol", "STORAGE_IPS", 0, 0);
    let found = super::rename(&analysis, file, offset, "NAS_IPS").unwrap();
    assert_eq!(
        edits(&analysis, &found),
        [
            "groups.netpol:1:7 STORAGE_IPS -> NAS_IPS",
            "groups.netpol:7:18 STORAGE_IPS -> NAS_IPS",
            "groups.netpol:8:20 STORAGE_IPS -> NAS_IPS",
        ]
    );
}

#[test]
fn rename_a_namespace_with_its_peer_uses_and_inventory_entry() {
    let analysis = analysis(&[("groups.netpol", GROUPS)]);
    let (file, offset) = at(&analysis, "groups.netpol", "shop", 2, 0);
    assert_eq!(
        show(
            &analysis,
            super::prepare_rename(&analysis, file, offset).unwrap()
        ),
        "groups.netpol:11:32 shop"
    );
    let found = super::rename(&analysis, file, offset, "store").unwrap();
    assert_eq!(
        edits(&analysis, &found),
        [
            "groups.netpol:3:3 shop -> store",
            "groups.netpol:6:11 shop -> store",
            "groups.netpol:11:32 shop -> store",
        ]
    );
    let references = super::references(&analysis, file, offset, false);
    assert_eq!(
        shown(&analysis, &references),
        ["groups.netpol:3:3 shop", "groups.netpol:11:32 shop"]
    );
}

#[test]
fn the_keywords_refused_are_the_grammars() {
    let grammar = include_str!("../../../grammar/netpol.pest");
    let rule = grammar.split("\nkeyword = @{").nth(1).unwrap();
    let rule = rule.split('}').next().unwrap();
    let mut written: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
    let mut ours = super::rename::KEYWORDS.to_vec();
    written.sort_unstable();
    ours.sort_unstable();
    assert_eq!(ours, written);
}

#[test]
fn every_offset_of_good_and_broken_files_is_answered_without_panic() {
    let broken = "# é ü — \"x\"\nimport \"lib.netpol\"\nconst Ü = \"ü\"\nnamespace shop {\n  allow to pods $WEB port\n  use from_web(ports: $\n  policy {\n";
    for files in [
        vec![
            ("lib.netpol", LIB),
            ("shop.netpol", SHOP),
            ("bank.netpol", BANK),
        ],
        vec![("lib.netpol", LIB), ("broken.netpol", broken)],
        vec![("groups.netpol", GROUPS)],
    ] {
        let analysis = analysis(&files);
        for (path, text) in &files {
            let file = analysis.sources.find(path).unwrap();
            for offset in 0..=text.len() + 1 {
                let _ = super::hover(&analysis, file, offset);
                let _ = super::definition(&analysis, file, offset);
                let _ = super::references(&analysis, file, offset, true);
                let _ = super::prepare_rename(&analysis, file, offset);
                let _ = super::rename(&analysis, file, offset, "X");
            }
            let _ = super::symbols(&analysis, file);
        }
    }
}

#[test]
fn hover_on_an_expectation_shows_the_flow_for_each_namespace_it_is_checked_in() {
    let mut sources = SourceMap::with_stdlib();
    sources.add_user(
        "shop.netpol",
        "category closed {\n  expect deny from entity world to pods app=db port 5432/tcp\n}\nnamespace shop { use closed }\nnamespace bank { use closed }\n",
    );
    let analysis = Analysis::new(sources, &crate::Options::default());
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "world", 0, 0);
    assert_eq!(
        span,
        "shop.netpol:2:3 expect deny from entity world to pods app=db port 5432/tcp"
    );
    let lines: Vec<&str> = markdown.lines().collect();
    // After the E0801 of the expectations that do not hold (nothing here
    // denies the flow), the flow of each namespace the category is used in.
    assert!(
        lines.contains(&"Expectation: the policies must deny this flow."),
        "{markdown}"
    );
    let flows: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|line| line.split_once("`:"))
        .map(|(flow, _)| flow)
        .collect();
    assert_eq!(
        flows,
        [
            "from entity world to pods app=db in namespace shop port 5432/tcp",
            "from entity world to pods app=db in namespace bank port 5432/tcp",
        ]
    );
}

#[test]
fn hover_on_a_metadata_statement_names_its_map_and_key() {
    let analysis = analysis(&[(
        "shop.netpol",
        "namespace shop {\n  policy api {\n    metadata annotation example.com/owner=\"payments\"\n    allow from pods\n  }\n}\n",
    )]);
    assert!(!crate::diag::has_errors(&analysis.diagnostics));
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "metadata", 0, 2);
    assert_eq!(
        span,
        "shop.netpol:3:5 metadata annotation example.com/owner=\"payments\""
    );
    assert!(
        markdown.starts_with(
            "This sets `metadata.annotations` entry `example.com/owner` of the object CiliumNetworkPolicy `api` in namespace `shop`:\n\n```yaml\n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("  annotations:\n    example.com/owner: payments\n"),
        "{markdown}"
    );
}

#[test]
fn hover_in_a_spec_block_names_its_place_in_specs() {
    let analysis = analysis(&[(
        "shop.netpol",
        "namespace shop {\n  policy tiers {\n    spec {\n      select pods app=web\n      allow from pods app=lb\n    }\n    spec {\n      select pods app=db\n      allow from pods app=web\n    }\n  }\n}\n",
    )]);
    assert!(!crate::diag::has_errors(&analysis.diagnostics));
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "allow from pods app=web", 0, 2);
    assert_eq!(span, "shop.netpol:9:7 allow from pods app=web");
    assert!(
        markdown.starts_with("This rule is in `specs[1].ingress` of "),
        "{markdown}"
    );
    assert!(
        markdown.contains("specs:\n- endpointSelector:"),
        "{markdown}"
    );
    let (span, markdown) = hover_at(&analysis, "shop.netpol", "spec {", 1, 1);
    assert!(span.starts_with("shop.netpol:7:5 spec {"), "{span}");
    assert!(
        markdown.starts_with("This block is the rule set `specs[1]` of "),
        "{markdown}"
    );
}
