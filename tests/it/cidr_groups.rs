//! CIDR groups: a constant emitted as a CiliumCIDRGroup is referenced by
//! name, so changing its addresses changes one output file.

use std::collections::BTreeMap;

use crate::examples::compile_files;
use crate::schema::{CiliumVersion, validate_stream};

fn repo(storage: &str) -> Vec<(String, String)> {
    let constants = format!("const STORAGE_IPS = group [{storage}]\n");
    let shop = "import \"constants.netpol\"\nnamespace shop {\n  use allow_storage(cidrs: $STORAGE_IPS, ports: 2049/tcp)\n}\n";
    let web = "import \"constants.netpol\"\nnamespace web {\n  allow to cidr $STORAGE_IPS port 2049/tcp\n}\n";
    vec![
        ("constants.netpol".to_owned(), constants),
        ("shop.netpol".to_owned(), shop.to_owned()),
        ("web.netpol".to_owned(), web.to_owned()),
    ]
}

fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn changing_a_group_constant_changes_one_file() {
    let before = compile_files(&repo("10.20.0.10, 10.20.0.11"));
    let after = compile_files(&repo("10.20.0.10, 10.20.0.12"));
    assert_eq!(
        changed(&before, &after),
        vec!["_cidrgroups.yaml".to_owned()]
    );
    for (path, contents) in before.iter().chain(&after) {
        let errors = validate_stream(contents, CiliumVersion::V1_19);
        assert!(errors.is_empty(), "{path}: {errors:?}\n{contents}");
    }
    let groups = &after["_cidrgroups.yaml"];
    assert!(groups.contains("kind: CiliumCIDRGroup\nmetadata:\n  name: storage-ips\nspec:\n  externalCIDRs:\n  - 10.20.0.10/32\n  - 10.20.0.12/32\n"), "{groups}");
    assert!(
        after["web.yaml"].contains("- toCIDRSet:\n    - cidrGroupRef: storage-ips\n"),
        "{}",
        after["web.yaml"]
    );
}

#[test]
fn without_groups_the_same_change_touches_every_namespace() {
    let plain = |storage: &str| {
        let mut files = repo(storage);
        files[0].1 = files[0].1.replace("= group [", "= [");
        files
    };
    let before = compile_files(&plain("10.20.0.10, 10.20.0.11"));
    let after = compile_files(&plain("10.20.0.10, 10.20.0.12"));
    assert_eq!(
        changed(&before, &after),
        vec!["shop.yaml".to_owned(), "web.yaml".to_owned()]
    );
}
