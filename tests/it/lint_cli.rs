//! `netpolc lint` and `--deny-warnings`: warnings are printed by `build` and
//! `lint`, never stop a build on their own, and with `--deny-warnings` fail
//! the command before anything is written.

use std::path::Path;

use crate::cli::{netpolc, repo};

/// A policy that compiles with one warning (W0102).
const DENY_ONLY: &str = "\
namespace shop {
  policy block-metadata {
    deny to cidr 169.254.169.254/32
  }
}
";

/// The same, silenced with a reason.
const SILENCED: &str = "\
namespace shop {
  silence W0102 \"shop is locked down on purpose\"
  policy block-metadata {
    deny to cidr 169.254.169.254/32
  }
}
";

fn generated(dir: &Path) -> bool {
    dir.join("generated").exists()
}

#[test]
fn lint_prints_warnings_and_writes_nothing() {
    let dir = repo(&[("shop.netpol", DENY_ONLY.as_bytes())]);
    let run = netpolc(dir.path(), &["--color", "never", "lint"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[W0102]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: 1 warning emitted"),
        "{}",
        run.stderr
    );
    assert!(!generated(dir.path()));
}

#[test]
fn lint_without_warnings_says_so() {
    let dir = repo(&[("shop.netpol", SILENCED.as_bytes())]);
    let run = netpolc(dir.path(), &["lint"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "no warnings\n"));
}

#[test]
fn lint_deny_warnings_exits_1() {
    let dir = repo(&[("shop.netpol", DENY_ONLY.as_bytes())]);
    let run = netpolc(dir.path(), &["--color", "never", "lint", "--deny-warnings"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: 1 warning and `--deny-warnings`: nothing written"),
        "{}",
        run.stderr
    );
}

#[test]
fn lint_reports_errors_and_exits_1() {
    let dir = repo(&[("shop.netpol", b"namespace shop { allow to cidr $NOPE }\n")]);
    let run = netpolc(dir.path(), &["--color", "never", "lint"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E0101]"), "{}", run.stderr);
}

#[test]
fn build_writes_despite_warnings() {
    let dir = repo(&[("shop.netpol", DENY_ONLY.as_bytes())]);
    let run = netpolc(dir.path(), &["--color", "never", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[W0102]"), "{}", run.stderr);
    assert!(dir.path().join("generated/shop.yaml").exists());
}

#[test]
fn build_deny_warnings_writes_nothing() {
    let dir = repo(&[("shop.netpol", DENY_ONLY.as_bytes())]);
    let run = netpolc(
        dir.path(),
        &["--color", "never", "build", "--deny-warnings"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("warning[W0102]"), "{}", run.stderr);
    assert!(!generated(dir.path()));
    let silenced = repo(&[("shop.netpol", SILENCED.as_bytes())]);
    let run = netpolc(silenced.path(), &["build", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(silenced.path().join("generated/shop.yaml").exists());
}

#[test]
fn short_format_prints_warnings_as_warnings() {
    let dir = repo(&[("shop.netpol", DENY_ONLY.as_bytes())]);
    let run = netpolc(dir.path(), &["--message-format", "short", "lint"]);
    assert!(
        run.stderr.starts_with("shop.netpol:2:10: warning[W0102]: "),
        "{}",
        run.stderr
    );
}
