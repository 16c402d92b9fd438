//! The corpus of `netpolc::fmt::format`'s properties: every example, stdlib
//! file and UI fixture. Here: the examples and stdlib are formatted already
//! (one test listing every file that is not). The properties of each file
//! (formatting is idempotent, keeps the AST, spans aside, and every comment
//! in order, on the file and on every prefix that parses; ignores horizontal
//! white space and CRLF line ends) and of each example (the same YAML) are
//! one named test each in `tests/fixtures.rs` (`fmt::<path>`,
//! `fmt::examples::<name>`).

use netpolc::fmt::format;

use super::repo_root;
use crate::examples::{example_dirs, repo_files};
use crate::ui::{fixture_files, fixtures};

/// Every `.netpol` file of examples, stdlib and UI fixtures, as (path, text).
pub fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in example_dirs() {
        for (path, text) in repo_files(&dir) {
            files.push((format!("{}/{path}", dir.display()), text));
        }
    }
    for (path, text) in repo_files(&repo_root().join("stdlib")) {
        files.push((format!("stdlib/{path}"), text));
    }
    for fixture in fixtures() {
        for (path, text) in fixture_files(&fixture) {
            files.push((format!("{}/{path}", fixture.display()), text));
        }
    }
    assert!(
        files.len() > 100,
        "the corpus is too small: {}",
        files.len()
    );
    files
}

/// The corpus files that parse, formatted: (path, text, formatted). Only
/// the syntax fixtures may fail to parse.
fn formatted_corpus() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (path, text) in corpus() {
        match format(&text) {
            Ok(formatted) => out.push((path, text, formatted)),
            Err(diag) => assert!(
                path.contains("tests/ui/syntax/"),
                "{path} does not format: {}",
                diag.message
            ),
        }
    }
    out
}

#[test]
fn examples_and_stdlib_are_formatted() {
    let root = repo_root();
    let mut unformatted = Vec::new();
    for (path, text, formatted) in formatted_corpus() {
        if !path.contains("tests/ui/") && text != formatted {
            unformatted.push(path);
        }
    }
    assert!(
        unformatted.is_empty(),
        "run `netpolc fmt examples stdlib` in {}:\n{}",
        root.display(),
        unformatted.join("\n")
    );
}
