//! The GitHub workflows parse as YAML and do what README.md and deny.toml
//! say they do: CI runs .ci/run and cargo-deny with advisories; a `v*` tag
//! builds the release matrix (static musl Linux, macOS, Windows) and
//! publishes archives with SHA-256 checksums. GitHub itself is not run
//! here: this only catches a broken file or a dropped step.

use std::path::Path;

use serde_yaml::Value;

fn workflow(name: &str) -> (String, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let value =
        serde_yaml::from_str(&text).unwrap_or_else(|error| panic!("{name} is not YAML: {error}"));
    (text, value)
}

/// Every `run:` script and `uses:` action of a job's steps, joined.
fn steps(workflow: &Value, job: &str) -> String {
    let steps = workflow["jobs"][job]["steps"]
        .as_sequence()
        .unwrap_or_else(|| panic!("job `{job}` has no steps"));
    assert!(!steps.is_empty(), "job `{job}` has no steps");
    steps
        .iter()
        .flat_map(|step| [&step["run"], &step["uses"], &step["with"]["command"]])
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn ci_runs_the_check_script_and_the_advisories() {
    let (_, ci) = workflow("ci.yml");
    assert!(steps(&ci, "check").contains(".ci/run"));
    let advisories = steps(&ci, "advisories");
    assert!(advisories.contains("cargo-deny"), "{advisories}");
    assert!(advisories.contains("advisories"), "{advisories}");
}

#[test]
fn release_builds_every_target_and_publishes_checksums() {
    let (text, release) = workflow("release.yml");
    // YAML 1.1 reads the key `on` as `true`: look at the text for the trigger.
    assert!(
        text.contains("tags: [\"v*\"]"),
        "release.yml: no `v*` tag trigger"
    );
    let targets: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("release.yml: no build matrix")
        .iter()
        .filter_map(|entry| entry["target"].as_str())
        .collect();
    for wanted in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&wanted), "release.yml builds no {wanted}");
    }
    let build = steps(&release, "build");
    assert!(build.contains("cargo build --release --locked"), "{build}");
    assert!(
        !build.contains("test-hooks"),
        "a release binary has no test hooks"
    );
    assert!(build.contains("sha256"), "{build}");
    let publish = steps(&release, "publish");
    assert!(publish.contains("SHA256SUMS"), "{publish}");
    assert!(publish.contains("gh release create"), "{publish}");
    assert_eq!(
        release["jobs"]["publish"]["permissions"]["contents"].as_str(),
        Some("write")
    );
}
