//! The build record (`src/cli/cache.rs`): a `build` or `check` of an
//! unchanged repository answers from the record of the last build, and any
//! change to a source, to the set of sources or to the output directory
//! makes it compile again.
//!
//! A hit is invisible by design (the same output as a compilation), so
//! these tests make it visible: after a build they rewrite the diagnostics
//! text kept in the record to a marker. A command that prints the marker
//! answered from the record; one that does not, compiled.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::cli::{Run, netpolc_with, repo};

const POLICY: &str = "namespace shop {\n  policy web {\n    select pods app=web\n    allow from pods app=lb port 80/tcp\n  }\n}\n";

/// The same policy with a rule of the same length changed (`81`), so that
/// only the content differs, not the size.
const POLICY_81: &str = "namespace shop {\n  policy web {\n    select pods app=web\n    allow from pods app=lb port 81/tcp\n  }\n}\n";

/// A source with one warning (W0108: a rule written twice).
const WARNED: &str = "namespace shop {\n  policy web {\n    select pods app=web\n    allow from pods app=lb port 80/tcp\n    allow from pods app=lb port 80/tcp\n  }\n}\n";

const MARKER: &str = "MARKER: answered from the build record\n";

/// Runs netpolc in `dir` with its records in `cache`, without colour.
fn run(dir: &Path, cache: &Path, args: &[&str]) -> Run {
    netpolc_with(dir, args, &[("NETPOLC_CACHE_DIR", cache)])
}

/// The one record file under `cache`.
fn record(cache: &Path) -> PathBuf {
    let records: Vec<PathBuf> = fs::read_dir(cache.join("builds"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(records.len(), 1, "{records:?}");
    records.into_iter().next().unwrap()
}

/// Replaces the rendered diagnostics kept in the record with [`MARKER`].
fn mark(cache: &Path) {
    let path = record(cache);
    let mut json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    json["rendered"] = serde_json::Value::String(MARKER.to_owned());
    fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
}

/// A repository with `shop.netpol`, built once, with its record marked.
fn built(source: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = repo(&[("shop.netpol", source.as_bytes())]);
    let cache = tempfile::tempdir().unwrap();
    let first = run(dir.path(), cache.path(), &["build"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("wrote 1 file"), "{}", first.stderr);
    mark(cache.path());
    (dir, cache)
}

#[test]
fn an_unchanged_repository_is_answered_from_the_record() {
    let (dir, cache) = built(POLICY);
    let build = run(dir.path(), cache.path(), &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(
        build.stderr,
        format!("{MARKER}wrote 0 files, 1 unchanged, 0 removed (generated/)\n")
    );
    let check = run(dir.path(), cache.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(
        check.stderr,
        format!("{MARKER}1 file up to date (generated/)\n")
    );
}

#[test]
fn a_record_keeps_the_warnings_of_the_build() {
    let dir = repo(&[("shop.netpol", WARNED.as_bytes())]);
    let cache = tempfile::tempdir().unwrap();
    let first = run(dir.path(), cache.path(), &["build"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("warning[W0108]"), "{}", first.stderr);
    let second = run(dir.path(), cache.path(), &["build"]);
    let check = run(dir.path(), cache.path(), &["check"]);
    // The same diagnostics and count, the summary of a build that wrote nothing.
    let diagnostics = first.stderr.split("wrote 1 file").next().unwrap();
    assert_eq!(
        second.stderr,
        format!("{diagnostics}wrote 0 files, 1 unchanged, 0 removed (generated/)\n")
    );
    assert_eq!(
        check.stderr,
        format!("{diagnostics}1 file up to date (generated/)\n")
    );
    // `--deny-warnings` refuses a build with warnings even when it is recorded.
    let denied = run(dir.path(), cache.path(), &["build", "--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stderr);
}

#[test]
fn a_source_edited_right_after_the_build_is_compiled() {
    // Same size, written at once: only the change time can tell.
    let (dir, cache) = built(POLICY);
    fs::write(dir.path().join("shop.netpol"), POLICY_81).unwrap();
    let build = run(dir.path(), cache.path(), &["check"]);
    assert!(!build.stderr.contains(MARKER), "{}", build.stderr);
    assert_eq!(
        build.code, 1,
        "check must see the stale file: {}",
        build.stderr
    );
    let build = run(dir.path(), cache.path(), &["build"]);
    assert!(!build.stderr.contains(MARKER), "{}", build.stderr);
    assert!(build.stderr.contains("wrote 1 file"), "{}", build.stderr);
    let yaml = fs::read_to_string(dir.path().join("generated/shop.yaml")).unwrap();
    assert!(yaml.contains("port: '81'"), "{yaml}");
}

#[test]
fn a_new_or_removed_source_is_compiled() {
    let (dir, cache) = built(POLICY);
    fs::write(dir.path().join("more.netpol"), "# nothing yet\n").unwrap();
    let added = run(dir.path(), cache.path(), &["build"]);
    assert!(!added.stderr.contains(MARKER), "{}", added.stderr);
    mark(cache.path());
    fs::remove_file(dir.path().join("more.netpol")).unwrap();
    let removed = run(dir.path(), cache.path(), &["build"]);
    assert!(!removed.stderr.contains(MARKER), "{}", removed.stderr);
}

#[test]
fn a_changed_output_directory_is_compiled() {
    // An edited output file (same size), a deleted one, an extra generated one.
    let (dir, cache) = built(POLICY);
    let out = dir.path().join("generated");
    let yaml = fs::read_to_string(out.join("shop.yaml")).unwrap();
    fs::write(out.join("shop.yaml"), yaml.replace("'80'", "'88'")).unwrap();
    let edited = run(dir.path(), cache.path(), &["check"]);
    assert_eq!(edited.code, 1, "{}", edited.stderr);
    assert!(edited.stderr.contains("stale"), "{}", edited.stderr);
    let repaired = run(dir.path(), cache.path(), &["build"]);
    assert!(
        repaired.stderr.contains("wrote 1 file"),
        "{}",
        repaired.stderr
    );
    assert_eq!(fs::read_to_string(out.join("shop.yaml")).unwrap(), yaml);

    mark(cache.path());
    fs::remove_file(out.join("shop.yaml")).unwrap();
    let deleted = run(dir.path(), cache.path(), &["build"]);
    assert!(
        deleted.stderr.contains("wrote 1 file"),
        "{}",
        deleted.stderr
    );

    mark(cache.path());
    fs::write(out.join("old.yaml"), super::cli::HEADER).unwrap();
    let extra = run(dir.path(), cache.path(), &["check"]);
    assert_eq!(extra.code, 1, "{}", extra.stderr);
    assert!(extra.stderr.contains("extra"), "{}", extra.stderr);
}

#[test]
fn other_settings_do_not_use_the_record() {
    let (dir, cache) = built(POLICY);
    for args in [
        &["--message-format", "json", "build"][..],
        &["--color", "always", "build"],
        &["--cilium-version", "1.16", "build"],
        &["build", "--out", "generated"],
    ] {
        let build = run(dir.path(), cache.path(), args);
        assert!(!build.stderr.contains(MARKER), "{args:?}: {}", build.stderr);
        assert!(!build.stdout.contains(MARKER), "{args:?}: {}", build.stdout);
    }
}

#[test]
fn an_empty_cache_variable_turns_records_off_and_check_writes_none() {
    let dir = repo(&[("shop.netpol", POLICY.as_bytes())]);
    let cache = tempfile::tempdir().unwrap();
    let off = Command::new(env!("CARGO_BIN_EXE_netpolc"))
        .args(["build"])
        .current_dir(dir.path())
        .env("NETPOLC_CACHE_DIR", "")
        .output()
        .unwrap();
    assert!(off.status.success());
    assert!(dir.path().join("generated/shop.yaml").is_file());
    let check = run(dir.path(), cache.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        !cache.path().join("builds").exists(),
        "check wrote a record"
    );
}

#[test]
fn a_damaged_record_is_ignored() {
    let (dir, cache) = built(POLICY);
    let path = record(cache.path());
    for damage in [&b""[..], b"{", b"\x00\xff not json", b"{\"format\": 99}"] {
        fs::write(&path, damage).unwrap();
        let build = run(dir.path(), cache.path(), &["build"]);
        assert_eq!(build.code, 0, "{}", build.stderr);
        assert_eq!(
            build.stderr, "wrote 0 files, 1 unchanged, 0 removed (generated/)\n",
            "{damage:?}"
        );
        // The build replaced the damaged record with a good one.
        let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["outputs"], 1);
    }
}
