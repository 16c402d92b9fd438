//! Untrusted repositories, the output side: whatever a repository commits,
//! netpolc writes nothing outside the output directory, puts no document of
//! the repository's own making into the generated YAML, and refuses
//! expansion bombs with a coded error (E0108) instead of running for
//! minutes. Each attack is run through the real binary; the header escaping
//! is also checked as a property of the library, over generated file names.
//!
//! The CLI code E0906 (refusing to write through a symbolic link or over a
//! non-regular file) is tested here; `error_codes.rs` counts this file as a
//! CLI test file.

use crate::robustness::Lcg;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use netpolc::source::SourceMap;
use serde_json::Value;

use crate::cli::{Run, netpolc, repo};
use crate::equivalence::yaml_documents;

/// A namespace whose file `fmt` would change (the indentation is wrong).
const UNFORMATTED: &str = "namespace shop {\nallow from pods app=web port 80/tcp\n}\n";

/// A valid namespace.
const SHOP: &str = "\
namespace shop {
  policy allow-frontend {
    select pods app=backend
    allow from pods app=frontend port 8080/tcp
  }
}
";

/// No line of stdout or stderr starts with `::`, which a CI runner such as
/// GitHub Actions would take as a workflow command.
fn assert_no_workflow_commands(run: &Run) {
    for line in run.stdout.lines().chain(run.stderr.lines()) {
        assert!(
            !line.starts_with("::"),
            "a line starts with `::`: {line:?}\n{}",
            run.stderr
        );
    }
}

/// Every file under `dir` (following nothing), by relative path: its
/// contents, or `-> target` for a symbolic link.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            out.insert(
                name,
                format!("-> {}", fs::read_link(&path).unwrap().display()),
            );
        } else if kind.is_dir() {
            for (rel, contents) in snapshot(&path) {
                out.insert(format!("{name}/{rel}"), contents);
            }
        } else {
            out.insert(
                name,
                String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned(),
            );
        }
    }
    out
}

/// The `(kind, namespace, name)` of every document of a generated file.
fn documents(text: &str) -> Vec<(String, String, String)> {
    let field = |doc: &Value, pointer: &str| {
        doc.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    yaml_documents(text)
        .unwrap_or_else(|error| panic!("not YAML: {error}\n{text}"))
        .iter()
        .map(|doc| {
            (
                field(doc, "/kind"),
                field(doc, "/metadata/namespace"),
                field(doc, "/metadata/name"),
            )
        })
        .collect()
}

/// Attack 1: `build` used to write `.shop.yaml.netpolc-tmp` with a call
/// that follows symbolic links, so a repository committing that name as a
/// link made `build` overwrite (or create) any file the user can write.
#[cfg(unix)]
#[test]
fn committed_temporary_file_links_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("bashrc");
    fs::write(&victim, "precious\n").unwrap();
    let absent = outside.path().join("created");
    let dir = repo(&[("shop.netpol", SHOP.as_bytes())]);
    let generated = dir.path().join("generated");
    fs::create_dir(&generated).unwrap();
    std::os::unix::fs::symlink(&victim, generated.join(".shop.yaml.netpolc-tmp")).unwrap();
    std::os::unix::fs::symlink(&absent, generated.join(".shop.yaml.tmp")).unwrap();
    let before = snapshot(outside.path());

    let run = netpolc(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_workflow_commands(&run);
    assert_eq!(snapshot(outside.path()), before, "a file outside changed");
    assert!(!absent.exists());
    let shop = generated.join("shop.yaml");
    assert!(fs::symlink_metadata(&shop).unwrap().is_file());
    assert_eq!(
        documents(&fs::read_to_string(&shop).unwrap()),
        [(
            "CiliumNetworkPolicy".to_owned(),
            "shop".to_owned(),
            "allow-frontend".to_owned()
        )]
    );
    // Only the output and the two committed links: no temporary file left.
    let names: Vec<String> = snapshot(&generated).into_keys().collect();
    assert_eq!(
        names,
        [".shop.yaml.netpolc-tmp", ".shop.yaml.tmp", "shop.yaml"]
    );
}

/// Attack 1, the output file itself: a link at `generated/shop.yaml` is
/// refused (E0906), neither followed nor replaced, and nothing is written.
#[cfg(unix)]
#[test]
fn output_file_that_is_a_link_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.yaml");
    fs::write(
        &victim,
        "# Code generated by netpolc from x.netpol. DO NOT EDIT.\n",
    )
    .unwrap();
    let dir = repo(&[("shop.netpol", SHOP.as_bytes())]);
    let generated = dir.path().join("generated");
    fs::create_dir(&generated).unwrap();
    std::os::unix::fs::symlink(&victim, generated.join("shop.yaml")).unwrap();
    let before = snapshot(outside.path());
    for args in [&["build"][..], &["check"], &["diff"]] {
        let run = netpolc(dir.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("error[E0906]"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        assert_no_workflow_commands(&run);
        assert_eq!(snapshot(outside.path()), before);
        assert!(
            fs::symlink_metadata(generated.join("shop.yaml"))
                .unwrap()
                .is_symlink()
        );
    }
}

/// Attack 2: a committed `generated -> /elsewhere` made `build` write
/// there and delete every generated file there, and `check` and `diff` read
/// there. The default output directory must be a real directory (E0906);
/// a link the user names with `--out` is followed.
#[cfg(unix)]
#[test]
fn default_output_directory_that_is_a_link_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("other.yaml"),
        "# Code generated by netpolc from other.netpol. DO NOT EDIT.\nkind: Keep\n",
    )
    .unwrap();
    fs::write(outside.path().join("notes.txt"), "mine\n").unwrap();
    let dir = repo(&[("shop.netpol", SHOP.as_bytes())]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("generated")).unwrap();
    let before = snapshot(outside.path());
    for args in [&["build"][..], &["check"], &["diff"], &["diff", "--stat"]] {
        let run = netpolc(dir.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("error[E0906]"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(
                "refusing to use `generated` as the output directory: it is a symbolic link"
            ),
            "{}",
            run.stderr
        );
        assert_eq!(
            run.stdout, "",
            "{args:?}: nothing of the directory is shown"
        );
        assert_no_workflow_commands(&run);
        assert_eq!(snapshot(outside.path()), before, "{args:?}");
    }
    // Through a repository path too, not only `.`.
    let parent = dir.path().parent().unwrap();
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    let run = netpolc(parent, &["build", name]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E0906]"), "{}", run.stderr);
    assert_eq!(snapshot(outside.path()), before);

    // Named on the command line, the link is the user's choice.
    let run = netpolc(dir.path(), &["build", "--out", "generated"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(outside.path().join("shop.yaml").exists());
    assert!(
        !outside.path().join("other.yaml").exists(),
        "stale generated file removed"
    );
    assert!(outside.path().join("notes.txt").exists());
}

/// Attack 3: a source file's name went into the generated header
/// unescaped, so a name holding a line break and YAML added a document (a
/// Pod) to the output, which `check` accepted and GitOps would apply.
#[test]
fn file_names_cannot_add_documents_to_the_output() {
    let names = [
        "a. DO NOT EDIT.\n---\n{apiVersion: v1, kind: Pod, metadata: {name: evil}}\n#.netpol",
        "b\r---\rkind: Pod\r#.netpol",
        "c\u{85}---\u{85}kind: Pod\u{85}#.netpol",
        "d\u{2028}---\u{2029}kind: Pod\u{2028}#.netpol",
        "e\n::error file=x::pwned\n.netpol",
    ];
    for (index, name) in names.iter().enumerate() {
        let text = SHOP.replace("allow-frontend", &format!("p{index}"));
        let dir = repo(&[(
            "ok.netpol",
            b"namespace web { allow from pods app=a port 80/tcp }\n",
        )]);
        fs::write(dir.path().join(name), &text).unwrap();
        let run = netpolc(dir.path(), &["build"]);
        assert_no_workflow_commands(&run);
        let generated = dir.path().join("generated");
        if run.code != 0 {
            // The CLI may refuse such a name at load time (E0907); then it
            // must write nothing at all.
            assert!(
                run.stderr.contains("error[E0907]"),
                "{name:?}: {}",
                run.stderr
            );
            assert!(!generated.exists());
            continue;
        }
        let shop = fs::read_to_string(generated.join("shop.yaml")).unwrap();
        assert_eq!(
            shop.lines().next().map(netpolc::emit::is_generated),
            Some(true)
        );
        assert_eq!(
            documents(&shop),
            [(
                "CiliumNetworkPolicy".to_owned(),
                "shop".to_owned(),
                format!("p{index}")
            )],
            "{name:?}:\n{shop}"
        );
        let check = netpolc(dir.path(), &["check"]);
        assert_eq!(check.code, 0, "{}", check.stderr);
        assert_no_workflow_commands(&check);
    }
}

/// The escaping as a property of the library: for generated file names
/// (any Unicode, line breaks of every kind, `---`, `...`, `#`, YAML syntax),
/// every emitted file parses to exactly the documents netpolc meant to
/// write, and its header stays one line.
#[test]
fn generated_file_names_never_change_the_documents() {
    let mut rng = Lcg(0x5ec0);
    for case in 0..300 {
        let mut sources = SourceMap::with_stdlib();
        let files = 1 + rng.below(3);
        let mut expected: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        for file in 0..files {
            let name = format!("{}{file}.netpol", hostile_name(&mut rng));
            let text = format!(
                "namespace ns{file} {{\n  policy p{file} {{\n    allow from pods app=a port 80/tcp\n  }}\n}}\n\
                 cluster policy c{file} {{\n  select pods in namespace ns{file}\n  deny to cidr 169.254.169.254/32\n}}\n"
            );
            sources.add_user(name, text);
            expected.entry(format!("ns{file}.yaml")).or_default().push((
                "CiliumNetworkPolicy".to_owned(),
                format!("ns{file}"),
                format!("p{file}"),
            ));
            expected
                .entry("_clusterwide.yaml".to_owned())
                .or_default()
                .push((
                    "CiliumClusterwideNetworkPolicy".to_owned(),
                    String::new(),
                    format!("c{file}"),
                ));
        }
        let compilation = netpolc::compile(&sources, &netpolc::Options::default());
        assert!(
            !compilation.has_errors(),
            "case {case}: {:?}",
            compilation.diagnostics
        );
        let got: BTreeMap<String, Vec<(String, String, String)>> = compilation
            .files
            .iter()
            .map(|file| {
                let header = file.contents.split('\n').next().unwrap_or_default();
                assert!(
                    netpolc::emit::is_generated(header),
                    "case {case}: {header:?}"
                );
                assert!(
                    !header.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']),
                    "case {case}: {header:?}"
                );
                (file.path.clone(), documents(&file.contents))
            })
            .collect();
        assert_eq!(got, expected, "case {case}");
    }
}

/// The same property for the header alone, over many more names: a header
/// followed by one mapping is a stream of exactly that mapping.
#[test]
fn header_is_always_one_comment_line() {
    let mut rng = Lcg(7);
    for _ in 0..3000 {
        let names: std::collections::BTreeSet<String> = (0..1 + rng.below(3))
            .map(|_| hostile_name(&mut rng))
            .collect();
        let text = format!("{}kind: Marker\n", netpolc::emit::header(&names));
        let docs = yaml_documents(&text).unwrap_or_else(|error| panic!("{error}: {text:?}"));
        assert_eq!(docs.len(), 1, "{text:?}");
        assert_eq!(docs[0], serde_json::json!({ "kind": "Marker" }), "{text:?}");
    }
}

/// A file name built from YAML and line-break fragments and random
/// characters of the whole Unicode range.
fn hostile_name(rng: &mut Lcg) -> String {
    const FRAGMENTS: &[&str] = &[
        "\n",
        "\r",
        "\r\n",
        "\u{85}",
        "\u{2028}",
        "\u{2029}",
        "\u{b}",
        "\u{c}",
        "\t",
        "\0",
        "\u{7f}",
        "\u{9b}",
        "\u{feff}",
        "\u{202e}",
        "\\",
        "\\n",
        "---",
        "...",
        "#",
        "# ",
        ": ",
        "- ",
        "? ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "|",
        ">",
        "'",
        "\"",
        "%YAML 1.2",
        "%TAG ! x",
        " DO NOT EDIT.",
        "kind: Pod",
        "apiVersion: v1",
        "metadata: {name: x}",
        "/",
        "a",
        "é",
        "日本",
        "🙂",
        " ",
    ];
    let mut name = String::new();
    for _ in 0..1 + rng.below(8) {
        if rng.below(4) == 0 {
            // Any scalar value, surrogates skipped.
            let c = loop {
                if let Some(c) = char::from_u32(rng.next() as u32 % 0x11_0000) {
                    break c;
                }
            };
            name.push(c);
        } else {
            name.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
    }
    name
}

/// Attack 4: two files of well under a kilobyte that expanded to 2²⁰ rules
/// and to a list of 2²⁴ CIDRs. Both are refused with E0108, and nothing is
/// written.
#[test]
fn expansion_bombs_fail_with_a_code() {
    let mut categories = String::from("category c0 { allow to cidr 10.0.0.0/8 port 80/tcp }\n");
    for i in 1..=20 {
        categories.push_str(&format!("category c{i} {{ use c{0}  use c{0} }}\n", i - 1));
    }
    categories.push_str("namespace shop { use c20 }\n");
    let mut constants = String::from("const C0 = 10.0.0.0/8\n");
    for i in 1..=24 {
        constants.push_str(&format!("const C{i} = [$C{0}, $C{0}]\n", i - 1));
    }
    constants.push_str("namespace shop { allow to cidr $C24 port 80/tcp }\n");
    let mut exceptions = String::from("const A0 = 10.0.0.0/8\nconst B0 = 10.1.0.0/16\n");
    for i in 1..=16 {
        exceptions.push_str(&format!("const A{i} = [$A{0}, $A{0}]\n", i - 1));
        exceptions.push_str(&format!("const B{i} = [$B{0}, $B{0}]\n", i - 1));
    }
    exceptions.push_str("namespace shop { allow to cidr $A16 except $B16 port 80/tcp }\n");
    for text in [categories, constants, exceptions] {
        assert!(text.len() < 1200, "{}", text.len());
        let dir = repo(&[("bomb.netpol", text.as_bytes())]);
        for args in [&["check"][..], &["build"]] {
            let run = netpolc(dir.path(), args);
            assert_eq!(run.code, 1, "{}", run.stderr);
            assert!(run.stderr.contains("error[E0108]"), "{}", run.stderr);
            assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
            assert_no_workflow_commands(&run);
            assert!(!dir.path().join("generated").exists());
        }
    }
}

/// Attack 5: `fmt` followed a `.netpol` link and rewrote the file it points
/// to, outside the repository. A link that leaves the repository is not even
/// read (E0905, the reading policy), whether `fmt` finds it in a directory or
/// is given it by name (as a pre-commit hook passes staged files); a link to
/// a file inside the repository is read but never written through (E0906);
/// the repository's own files are still formatted.
#[cfg(unix)]
#[test]
fn fmt_refuses_links_and_rewrites_only_regular_files() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.netpol");
    fs::write(&victim, UNFORMATTED).unwrap();
    let dir = repo(&[("own.netpol", UNFORMATTED.as_bytes())]);
    std::os::unix::fs::symlink(&victim, dir.path().join("link.netpol")).unwrap();
    fs::write(dir.path().join("other.netpol"), UNFORMATTED).unwrap();
    std::os::unix::fs::symlink("other.netpol", dir.path().join("alias.netpol")).unwrap();
    // Names the old temporary file would have had, as links.
    std::os::unix::fs::symlink(&victim, dir.path().join(".own.netpol.netpolc-tmp")).unwrap();
    let before = snapshot(outside.path());

    let run = netpolc(dir.path(), &["fmt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[E0905]: `link.netpol` is not a regular file inside the repository"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error[E0906]: refusing to format `alias.netpol`: it is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(
        fs::symlink_metadata(dir.path().join("alias.netpol"))
            .unwrap()
            .is_symlink()
    );
    assert_no_workflow_commands(&run);
    assert_eq!(snapshot(outside.path()), before);
    let own = fs::read_to_string(dir.path().join("own.netpol")).unwrap();
    assert_ne!(own, UNFORMATTED, "the regular file is formatted");
    assert!(
        fs::symlink_metadata(dir.path().join("link.netpol"))
            .unwrap()
            .is_symlink()
    );

    for args in [
        &["fmt", "link.netpol"][..],
        &["fmt", "--check", "link.netpol"],
    ] {
        let run = netpolc(dir.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("error[E0905]"), "{}", run.stderr);
        assert_eq!(snapshot(outside.path()), before);
    }
    // Only the files the test made: no temporary file left behind.
    let names: Vec<String> = snapshot(dir.path()).into_keys().collect();
    assert_eq!(
        names,
        [
            ".own.netpol.netpolc-tmp",
            "alias.netpol",
            "link.netpol",
            "other.netpol",
            "own.netpol"
        ]
    );
}
