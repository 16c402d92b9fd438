//! CLI tests of `netpolc check` and `netpolc diff`: every exit path, the
//! diff and `--stat` formats, colour, and that neither command writes
//! anything (directory listings, sizes, modification times and inodes are
//! the same before and after every run).

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use crate::cli::{HEADER, Run, SHOP, SYNTAX_ERROR, WEB, netpolc};

/// Runs netpolc and asserts that it changed nothing under `dir`.
fn read_only(dir: &Path, args: &[&str]) -> Run {
    let before = stamps(dir);
    let run = netpolc(dir, args);
    assert_eq!(stamps(dir), before, "`netpolc {args:?}` wrote something");
    run
}

/// A temporary repository holding `files` (path, contents).
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        put(dir.path(), path, contents);
    }
    dir
}

/// Writes one file, creating its directory.
fn put(root: &Path, path: &str, contents: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// A repository holding `files`, built once so `generated/` is up to date.
fn built(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = repo(files);
    let run = netpolc(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

/// Every entry under `dir`, recursively and sorted, with its size,
/// modification time and inode.
fn stamps(dir: &Path) -> Vec<(String, u64, SystemTime, u64)> {
    let mut all = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let metadata = entry.metadata().unwrap();
        let name = entry.path().display().to_string();
        if metadata.is_dir() {
            all.extend(stamps(&entry.path()));
        }
        all.push((
            name,
            metadata.len(),
            metadata.modified().unwrap(),
            inode(&metadata),
        ));
    }
    all.sort();
    all
}

#[cfg(unix)]
fn inode(metadata: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(metadata)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// Snapshots text with the temporary directory replaced by `[REPO]`.
macro_rules! assert_text {
    ($name:literal, $dir:expr, $text:expr) => {
        insta::with_settings!({
            filters => vec![(regex::escape(&$dir.display().to_string()).leak() as &str, "[REPO]")],
            prepend_module_to_snapshot => true,
        }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

/// Stale, missing and extra at once: `shop.yaml` changed, `web.yaml` not
/// built yet, and `old.yaml` generated earlier from a deleted source.
fn drifted() -> tempfile::TempDir {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(dir.path(), "shop.netpol", &SHOP.replace("8080", "9090"));
    put(dir.path(), "web.netpol", WEB);
    put(
        dir.path(),
        "generated/old.yaml",
        &format!("{HEADER}kind: Old\n"),
    );
    dir
}

#[test]
fn check_up_to_date_exits_0() {
    let dir = built(&[("shop.netpol", SHOP), ("web.netpol", WEB)]);
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "2 files up to date (generated/)\n");
}

#[test]
fn check_reports_a_stale_file() {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(dir.path(), "shop.netpol", &SHOP.replace("8080", "9090"));
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("--- generated/shop.yaml\n+++ generated/shop.yaml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\n-      - port: '8080'\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\n+      - port: '9090'\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("generated/shop.yaml: stale\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_a_missing_file() {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(dir.path(), "web.netpol", WEB);
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("--- /dev/null\n+++ generated/web.yaml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("generated/web.yaml: missing\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_an_extra_generated_file() {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(
        dir.path(),
        "generated/old.yaml",
        &format!("{HEADER}kind: Old\n"),
    );
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        format!("--- generated/old.yaml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-{HEADER}-kind: Old\n")
    );
    assert!(
        run.stderr
            .contains("generated/old.yaml: extra, no longer generated\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_names_every_stale_missing_and_extra_file() {
    let dir = drifted();
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_text!("check_drift_stdout", dir.path(), run.stdout);
    assert_text!("check_drift_stderr", dir.path(), run.stderr);
}

#[test]
fn check_without_an_output_directory_does_not_create_it() {
    let dir = repo(&[("policies/shop.netpol", SHOP)]);
    let run = read_only(dir.path(), &["check", "policies", "--out", "deploy"]);
    assert_eq!(run.code, 1);
    assert!(!dir.path().join("deploy").exists());
    assert!(
        run.stdout
            .starts_with("--- /dev/null\n+++ deploy/shop.yaml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.ends_with(
            "error: 1 file in `deploy/` is out of date (1 missing)\n\
             help: run `netpolc build policies --out deploy` to update them\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn check_refuses_a_foreign_file_at_an_output_path_as_build_does() {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(dir.path(), "generated/shop.yaml", "# hand-written, keep\n");
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("error[E0901]"), "{}", run.stderr);
    assert_text!("check_foreign_file", dir.path(), run.stderr);
}

#[test]
fn check_ignores_foreign_files_build_leaves_alone() {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(dir.path(), "generated/notes.yaml", "mine\n");
    put(dir.path(), "generated/README.md", HEADER);
    let run = read_only(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn check_with_a_compile_error_exits_1() {
    for dir in [
        repo(&[("shop.netpol", SYNTAX_ERROR)]),
        built(&[("shop.netpol", SHOP)]),
    ] {
        put(dir.path(), "shop.netpol", SYNTAX_ERROR);
        let run = read_only(dir.path(), &["check"]);
        assert_eq!(run.code, 1);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("error[E0001]"), "{}", run.stderr);
        assert!(
            run.stderr.ends_with("error: could not compile: 1 error\n"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn check_output_path_that_is_a_file_is_e0903() {
    let dir = repo(&[("shop.netpol", SHOP), ("deploy", "not a directory\n")]);
    let run = read_only(dir.path(), &["check", "--out", "deploy"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E0903]"), "{}", run.stderr);
}

#[test]
fn diff_without_changes_prints_nothing() {
    let dir = built(&[("shop.netpol", SHOP), ("web.netpol", WEB)]);
    for args in [&["diff"][..], &["diff", "--stat"]] {
        let run = read_only(dir.path(), args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr, "");
    }
}

#[test]
fn diff_prints_what_build_would_change_and_exits_0() {
    let dir = drifted();
    let run = read_only(dir.path(), &["diff"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    // The same diff as `check`, whose snapshot shows it.
    let check = read_only(dir.path(), &["check"]);
    assert_eq!(run.stdout, check.stdout);
    assert!(
        run.stdout
            .starts_with("--- generated/old.yaml\n+++ /dev/null\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_stat_prints_one_line_per_file_and_a_total() {
    let dir = drifted();
    let run = read_only(dir.path(), &["diff", "--stat"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_text!("diff_stat", dir.path(), run.stdout);
}

#[test]
fn diff_is_coloured_only_when_asked_or_on_a_terminal() {
    let dir = drifted();
    for args in [
        &["--color", "always", "diff"][..],
        &["--color", "always", "diff", "--stat"],
    ] {
        let run = read_only(dir.path(), args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stdout.contains("\x1b[31m"), "{args:?}: {}", run.stdout);
        assert!(run.stdout.contains("\x1b[32m"), "{args:?}: {}", run.stdout);
    }
    // `auto` is the default, and a pipe is not a terminal.
    for args in [
        &["--color", "never", "diff"][..],
        &["--color", "never", "diff", "--stat"],
        &["diff"],
        &["--color", "auto", "diff", "--stat"],
    ] {
        let run = read_only(dir.path(), args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.is_empty(), "{args:?}");
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn diff_errors_exit_1() {
    let dir = built(&[("shop.netpol", SHOP)]);
    put(dir.path(), "generated/shop.yaml", "# hand-written, keep\n");
    let run = read_only(dir.path(), &["diff"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[E0901]"), "{}", run.stderr);
    put(dir.path(), "shop.netpol", SYNTAX_ERROR);
    let run = read_only(dir.path(), &["diff", "--stat"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("error[E0001]"), "{}", run.stderr);
}

#[test]
fn json_message_format_keeps_stdout_for_json_lines() {
    let dir = drifted();
    for args in [
        &["--message-format", "json", "check"][..],
        &["--message-format", "json", "diff"],
        &["--message-format", "json", "diff", "--stat"],
    ] {
        let run = read_only(dir.path(), args);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.contains("generated/web.yaml"),
            "{args:?}: {}",
            run.stderr
        );
    }
    put(dir.path(), "shop.netpol", SYNTAX_ERROR);
    let run = read_only(dir.path(), &["--message-format", "json", "check"]);
    assert_eq!(run.code, 1);
    let value: serde_json::Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
    assert_eq!(value["code"], "E0001", "{}", run.stdout);
}
