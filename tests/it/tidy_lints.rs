//! Lint allowances are configuration, and every exception says why: no
//! Rust file of the repository has an `allow` attribute (the lint wall is in
//! Cargo.toml's `[lints]`, test exemptions in clippy.toml), and every
//! `expect` attribute carries a `reason = "..."`. The only exceptions are
//! listed in [`ALLOWED`], each with its reason.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Files that may keep an `allow` attribute, with why `expect` is wrong
/// there. Empty: every allowance in the tree is an `expect`.
const ALLOWED: &[(&str, &str)] = &[];

/// Directories searched for `.rs` files, from the repository root.
const SEARCHED: &[&str] = &["src", "tests", "editors"];

/// Every `.rs` file under `dir`, skipping build output and npm packages.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The text of the attribute that starts at `start` (at `#`), up to its
/// closing bracket.
fn attribute(text: &str, start: usize) -> &str {
    let mut depth = 0usize;
    for (offset, c) in text[start..].char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..=start + offset];
                }
            }
            _ => {}
        }
    }
    &text[start..]
}

#[test]
fn no_allow_attributes_and_every_expect_has_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in SEARCHED {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 50,
        "found only {} Rust files: is the walk broken?",
        files.len()
    );
    // An allow attribute, inner or outer, or one under cfg_attr; the same for
    // expect. Comments are skipped.
    let allow = Regex::new(r"#!?\[\s*(cfg_attr\s*\([^\]]*?,\s*)?allow\s*\(").unwrap();
    let expect = Regex::new(r"#!?\[\s*(cfg_attr\s*\([^\]]*?,\s*)?expect\s*\(").unwrap();
    let mut problems = Vec::new();
    let mut expects = 0;
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(path).unwrap();
        let in_comment = |start: usize| {
            let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
            text[line_start..start].trim_start().starts_with("//")
        };
        if !ALLOWED.iter().any(|(file, _)| *file == rel) {
            for found in allow
                .find_iter(&text)
                .filter(|found| !in_comment(found.start()))
            {
                let line = text[..found.start()].lines().count() + 1;
                problems.push(format!(
                    "{rel}:{line}: `{}`: write `#[expect(lint, reason = \"...\")]` instead",
                    attribute(&text, found.start())
                ));
            }
        }
        for found in expect
            .find_iter(&text)
            .filter(|found| !in_comment(found.start()))
        {
            expects += 1;
            let attr = attribute(&text, found.start());
            if !attr.contains("reason") {
                let line = text[..found.start()].lines().count() + 1;
                problems.push(format!("{rel}:{line}: `{attr}` has no `reason = \"...\"`"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The tree has reasoned expects (src/syntax/grammar.rs, src/cli/ice.rs):
    // finding none means the pattern is broken, not that the tree is clean.
    assert!(expects >= 2, "found {expects} expect attributes");
}

#[test]
fn the_pattern_finds_what_it_must() {
    let allow = Regex::new(r"#!?\[\s*(cfg_attr\s*\([^\]]*?,\s*)?allow\s*\(").unwrap();
    let hash = '#';
    for attr in [
        format!("{hash}[allow(dead_code)]"),
        format!("{hash}![allow(\n    clippy::panic\n)]"),
        format!("{hash}[cfg_attr(test, allow(dead_code))]"),
    ] {
        assert!(allow.is_match(&attr), "{attr}");
        assert!(attribute(&attr, 0).ends_with(']'), "{attr}");
    }
    assert!(!allow.is_match("// allow(dead_code) in a comment"));
}
