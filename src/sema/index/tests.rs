//! The name index: each kind of definition with its uses across files, the
//! standard library's names, shadowing, and the three queries.
//!
//! References come in path and source order. Spans are shown as `path:line:column text`, line and column counted from
//! 1 by this file's own helper, so every expected value is written by hand.

use super::{DefId, DefKind, Detail, Index};
use crate::sema::Ty;
use crate::source::{FileId, SourceMap, Span};

/// Checks a repository of user files; the program must have no error.
fn index(files: &[(&str, &str)]) -> (SourceMap, Index) {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(*path, *text);
    }
    let (_, index, diags) = crate::check(&sources, &crate::Options::default());
    assert!(!crate::diag::has_errors(&diags), "{diags:?}");
    (sources, index)
}

/// `path:line:column text`.
fn show(sources: &SourceMap, span: Span) -> String {
    let text = &sources.get(span.file).unwrap().text;
    let before = &text[..span.start as usize];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
    format!(
        "{}:{line}:{column} {}",
        sources.path(span.file),
        &text[span.range()]
    )
}

fn shown(sources: &SourceMap, spans: &[Span]) -> Vec<String> {
    spans.iter().map(|span| show(sources, *span)).collect()
}

/// The only definition of this kind and name.
fn def(index: &Index, kind: DefKind, name: &str) -> DefId {
    let found: Vec<DefId> = index
        .of_kind(kind)
        .filter(|(_, def)| def.name == name)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(found.len(), 1, "{kind:?} `{name}`: {found:?}");
    found[0]
}

/// The byte offset of the `nth` (from 0) occurrence of `needle` in a file.
fn offset(sources: &SourceMap, path: &str, needle: &str, nth: usize) -> (FileId, u32) {
    let file = sources.find(path).unwrap();
    let text = &sources.get(file).unwrap().text;
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    (file, u32::try_from(at).unwrap())
}

const LIB: &str = "\
const WEB = { app=web }
const DB_NETS = [10.1.0.0/16]
category from_web(ports: ports) {
  allow from pods $WEB port $ports
}
";

const SHOP: &str = "\
import \"lib.netpol\"
namespace shop {
  use from_web(ports: 80/tcp)
  allow to pods $WEB port 443/tcp
  allow to cidr $DB_NETS port 5432/tcp
}
";

#[test]
fn constants_and_categories_across_an_import() {
    let (sources, index) = index(&[("lib.netpol", LIB), ("shop.netpol", SHOP)]);
    let web = def(&index, DefKind::Constant, "WEB");
    let found = index.definition(web).unwrap();
    assert_eq!(show(&sources, found.span), "lib.netpol:1:7 WEB");
    assert_eq!(
        found.detail,
        Detail::Constant {
            ty: Some(Ty::Selector)
        }
    );
    assert_eq!(
        shown(&sources, index.references(web)),
        ["lib.netpol:4:20 WEB", "shop.netpol:4:18 WEB"]
    );
    let category = def(&index, DefKind::Category, "from_web");
    assert_eq!(
        shown(&sources, index.references(category)),
        ["shop.netpol:3:7 from_web"]
    );
    let Detail::Category { params, sentence } = &index.definition(category).unwrap().detail else {
        panic!("not a category");
    };
    assert_eq!(sentence, &None);
    let [ports] = params.as_slice() else {
        panic!("{params:?}");
    };
    assert_eq!(
        index.definition(*ports).unwrap().detail,
        Detail::Parameter {
            category,
            ty: Ty::Ports
        }
    );
    // The use in the body, and the argument's name at the `use`.
    assert_eq!(
        shown(&sources, index.references(*ports)),
        ["lib.netpol:4:30 ports", "shop.netpol:3:16 ports"]
    );
    let imports = index.imports();
    assert_eq!(imports.len(), 1);
    assert_eq!(
        show(&sources, imports[0].span),
        "shop.netpol:1:1 import \"lib.netpol\""
    );
    assert_eq!(imports[0].target, sources.find("lib.netpol"));
    assert!(imports[0].used);
}

#[test]
fn at_finds_the_definition_from_a_use_and_from_its_name() {
    let (sources, index) = index(&[("lib.netpol", LIB), ("shop.netpol", SHOP)]);
    let web = def(&index, DefKind::Constant, "WEB");
    // On the `$`, inside the name, right after it; and on the definition.
    let (shop, dollar) = offset(&sources, "shop.netpol", "$WEB", 0);
    assert_eq!(index.at(shop, dollar), None, "the `$` is not the name");
    assert_eq!(index.at(shop, dollar + 1), Some(web));
    assert_eq!(index.at(shop, dollar + 3), Some(web));
    assert_eq!(index.at(shop, dollar + 4), Some(web));
    let (lib, name) = offset(&sources, "lib.netpol", "WEB", 0);
    assert_eq!(index.at(lib, name + 1), Some(web));
    // Between names, and in a keyword.
    let (_, keyword) = offset(&sources, "shop.netpol", "allow to pods", 0);
    assert_eq!(index.at(shop, keyword + 2), None);
    let (_, category) = offset(&sources, "shop.netpol", "from_web", 0);
    assert_eq!(
        index.at(shop, category),
        Some(def(&index, DefKind::Category, "from_web"))
    );
    // What a `$NAME` as the syntax spells it resolves to.
    let dollar_span = Span {
        file: shop,
        start: dollar,
        end: dollar + 4,
    };
    assert_eq!(index.resolved(dollar_span), Some(web));
}

#[test]
fn a_parameter_shadows_a_constant_of_the_same_name() {
    let (sources, index) = index(&[(
        "a.netpol",
        "\
const port = 8080/tcp
category app(port: port = 80/tcp) {
  allow from pods app=x port $port
}
namespace a {
  use app(port: $port)
  allow from pods app=y port $port
}
",
    )]);
    let constant = def(&index, DefKind::Constant, "port");
    let param = def(&index, DefKind::Parameter, "port");
    assert_eq!(
        shown(&sources, index.references(constant)),
        ["a.netpol:6:18 port", "a.netpol:7:31 port"]
    );
    assert_eq!(
        shown(&sources, index.references(param)),
        ["a.netpol:3:31 port", "a.netpol:6:11 port"]
    );
    // Renaming the constant rewrites its definition and these uses, and
    // none of the parameter's.
    let (file, inner) = offset(&sources, "a.netpol", "$port", 0);
    assert_eq!(index.at(file, inner + 1), Some(param));
}

#[test]
fn references_are_every_use_and_only_those() {
    // The same name in a file that is not imported is another constant.
    let (sources, index) = index(&[
        ("lib.netpol", LIB),
        ("shop.netpol", SHOP),
        (
            "other.netpol",
            "\
const WEB = { app=other }
namespace other { allow from pods $WEB port 80/tcp }
",
        ),
    ]);
    let webs: Vec<DefId> = index
        .of_kind(DefKind::Constant)
        .filter(|(_, def)| def.name == "WEB")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(webs.len(), 2);
    let mut all: Vec<Vec<String>> = webs
        .iter()
        .map(|id| shown(&sources, index.references(*id)))
        .collect();
    all.sort();
    assert_eq!(
        all,
        [
            vec!["lib.netpol:4:20 WEB", "shop.netpol:4:18 WEB"],
            vec!["other.netpol:2:36 WEB"],
        ]
    );
    // Every span `at` knows for a definition is its name or a reference.
    for id in webs {
        let name = index.definition(id).unwrap().span;
        for span in std::iter::once(name).chain(index.references(id).iter().copied()) {
            assert_eq!(index.at(span.file, span.start), Some(id));
            assert_eq!(&sources.slice(span), &"WEB");
        }
    }
}

#[test]
fn uses_inside_a_category_nothing_uses_count() {
    let (sources, index) = index(&[(
        "a.netpol",
        "\
const NETS = [10.0.0.0/8]
category unused { allow to cidr $NETS port 443/tcp }
namespace a { allow from pods }
",
    )]);
    let nets = def(&index, DefKind::Constant, "NETS");
    assert_eq!(
        shown(&sources, index.references(nets)),
        ["a.netpol:2:34 NETS"]
    );
    assert!(
        index
            .references(def(&index, DefKind::Category, "unused"))
            .is_empty()
    );
}

#[test]
fn standard_library_names() {
    let (sources, index) = index(&[(
        "a.netpol",
        "\
namespace a {
  allow dns
  policy p { use allow_dns(ports: 53/udp) }
}
",
    )]);
    let dns = def(&index, DefKind::Category, "allow_dns");
    let found = index.definition(dns).unwrap();
    assert_eq!(
        show(&sources, found.span),
        "<stdlib>/dns.netpol:10:10 allow_dns"
    );
    let Detail::Category { params, sentence } = &found.detail else {
        panic!("not a category");
    };
    assert_eq!(sentence.as_deref(), Some("allow dns"));
    // The sentence is a use of the category, at its word.
    assert_eq!(
        shown(&sources, index.references(dns)),
        ["a.netpol:2:9 dns", "a.netpol:3:18 allow_dns"]
    );
    let names: Vec<&str> = params
        .iter()
        .map(|id| index.definition(*id).unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["patterns", "ports"]);
    // `$ports` in the sentence and in the body, and `ports:` at the `use`.
    assert_eq!(
        shown(&sources, index.references(params[1])),
        [
            "<stdlib>/dns.netpol:10:101 ports",
            "<stdlib>/dns.netpol:11:65 ports",
            "a.netpol:3:28 ports"
        ]
    );
}

#[test]
fn namespaces_and_their_uses() {
    let (sources, index) = index(&[
        (
            "inventory.netpol",
            "\
cluster namespaces {
  kube-system,
  shop,
  billing,
}
",
        ),
        (
            "billing.netpol",
            "namespace billing {\n  allow from pods app=web in namespace shop port 80/tcp\n}\n",
        ),
        (
            "shop.netpol",
            "namespace shop {\n  allow to namespace billing port 80/tcp\n}\n",
        ),
    ]);
    let shop = def(&index, DefKind::Namespace, "shop");
    assert_eq!(
        show(&sources, index.definition(shop).unwrap().span),
        "shop.netpol:1:11 shop"
    );
    assert_eq!(
        shown(&sources, index.references(shop)),
        ["billing.netpol:2:40 shop", "inventory.netpol:3:3 shop"]
    );
    let billing = def(&index, DefKind::Namespace, "billing");
    assert_eq!(
        shown(&sources, index.references(billing)),
        ["inventory.netpol:4:3 billing", "shop.netpol:2:22 billing"]
    );
}

#[test]
fn policies_by_namespace_and_name() {
    let (sources, index) = index(&[
        ("lib.netpol", LIB),
        (
            "shop.netpol",
            "\
import \"lib.netpol\"
namespace shop {
  allow from pods app=a port 80/tcp
  use from_web(ports: 81/tcp)
  policy api {
    select pods app=api
    use from_web(ports: 82/tcp)
  }
}
cluster policy dns {
  select pods in all namespaces
  allow dns
}
category admin_only {
  policy admin {
    select pods app=admin
    allow from pods app=ops port 22/tcp
  }
}
category with_admin { use admin_only }
namespace ops {
  use with_admin
}
",
        ),
    ]);
    let describe = |namespace: Option<&str>, name: &str| {
        let id = index.policy(namespace, name).unwrap();
        let found = index.definition(id).unwrap();
        assert_eq!(found.kind, DefKind::Policy);
        let Detail::Policy {
            namespace: in_namespace,
            via,
        } = &found.detail
        else {
            panic!("not a policy");
        };
        assert_eq!(in_namespace.as_deref(), namespace);
        let uses: Vec<String> = index
            .policy_uses(found.item)
            .iter()
            .map(|(category, span)| {
                format!(
                    "{} at {}",
                    index.definition(*category).unwrap().name,
                    show(&sources, *span)
                )
            })
            .collect();
        let via = via.map(|span| show(&sources, span));
        (show(&sources, found.span), via, uses)
    };
    // The namespace's bare statements, under its name.
    assert_eq!(
        describe(Some("shop"), "shop"),
        (
            "shop.netpol:2:11 shop".to_owned(),
            None,
            vec!["from_web at shop.netpol:4:3 use from_web(ports: 81/tcp)".to_owned()]
        )
    );
    // A category used at namespace level: named after it, at the `use`.
    let from_web = "shop.netpol:4:3 use from_web(ports: 81/tcp)".to_owned();
    assert_eq!(
        describe(Some("shop"), "from-web"),
        (from_web.clone(), Some(from_web), vec![])
    );
    assert_eq!(
        describe(Some("shop"), "api"),
        (
            "shop.netpol:5:10 api".to_owned(),
            None,
            vec!["from_web at shop.netpol:7:5 use from_web(ports: 82/tcp)".to_owned()]
        )
    );
    assert_eq!(
        describe(None, "dns"),
        (
            "shop.netpol:10:16 dns".to_owned(),
            None,
            vec!["allow_dns at shop.netpol:12:3 allow dns".to_owned()]
        )
    );
    // A category's `policy` block, brought in through another category.
    assert_eq!(
        describe(Some("ops"), "admin"),
        (
            "shop.netpol:15:10 admin".to_owned(),
            Some("shop.netpol:22:3 use with_admin".to_owned()),
            vec![]
        )
    );
    assert_eq!(index.policy(Some("other"), "api"), None);
    assert_eq!(index.policy(None, "api"), None);
}

#[test]
fn cidr_groups_and_their_constants() {
    let (sources, index) = index(&[(
        "a.netpol",
        "\
cidr groups
const DB = [10.1.0.0/16, 10.2.0.0/16]
namespace a {
  allow to cidr $DB port 5432/tcp
  allow to cidr 192.0.2.0/24 port 53/udp
}
",
    )]);
    let groups: Vec<_> = index.of_kind(DefKind::CidrGroup).collect();
    let [(group, found)] = groups.as_slice() else {
        panic!("{groups:?}");
    };
    let constant = def(&index, DefKind::Constant, "DB");
    assert_eq!(
        found.detail,
        Detail::CidrGroup {
            constant: Some(constant)
        }
    );
    assert_eq!(show(&sources, found.span), "a.netpol:2:7 DB");
    assert_eq!(
        show(&sources, found.item),
        "a.netpol:2:1 const DB = [10.1.0.0/16, 10.2.0.0/16]"
    );
    assert_eq!(
        shown(&sources, index.references(*group)),
        ["a.netpol:4:18 DB"]
    );
    // At the constant's name, `at` answers the constant.
    assert_eq!(index.at(found.span.file, found.span.start), Some(constant));
}

#[test]
fn an_import_nothing_is_used_through() {
    let (_, index) = index(&[
        ("lib.netpol", "const X = 80/tcp\n"),
        (
            "a.netpol",
            "import \"lib.netpol\"\nnamespace a { allow from pods port 81/tcp }\n",
        ),
    ]);
    let imports = index.imports();
    assert_eq!(imports.len(), 1);
    assert!(!imports[0].used);
}
