//! UI tests: every `.netpol` file (or directory, for several files) under
//! `tests/ui/` compiles to exactly the diagnostic codes its header lists,
//! `# expect: E0203` (one line per code; `# expect: nothing` for none), and
//! the rendered diagnostics are snapshotted beside the source.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use netpolc::diag::render::{Format, render};
use netpolc::source::SourceMap;

use crate::schema::{CiliumVersion, validate_stream};

/// The root of the UI fixtures.
pub fn ui_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

/// Every fixture: a `.netpol` file, or a directory of them.
pub fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(areas) = std::fs::read_dir(ui_root()) else {
        return out;
    };
    for area in areas.flatten() {
        let Ok(entries) = std::fs::read_dir(area.path()) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() || path.extension().is_some_and(|ext| ext == "netpol") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The files of a fixture, as (repo-relative path, text).
pub fn fixture_files(fixture: &Path) -> Vec<(String, String)> {
    if fixture.is_file() {
        let name = fixture
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(fixture).unwrap_or_default();
        return vec![(name, text)];
    }
    let mut files = Vec::new();
    collect(fixture, fixture, &mut files);
    files.sort();
    files
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "netpol") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).unwrap_or_default()));
        }
    }
}

/// The codes a fixture's `# expect:` lines list.
pub fn expected_codes(files: &[(String, String)]) -> BTreeSet<String> {
    files
        .iter()
        .flat_map(|(_, text)| text.lines())
        .filter_map(|line| line.trim().strip_prefix("# expect:"))
        .map(|code| code.trim().to_owned())
        .filter(|code| code != "nothing")
        .collect()
}

/// The vendored CRDs to validate output for a Cilium version against: the
/// version's own line.
pub fn crds_for(version: netpolc::CiliumVersion) -> CiliumVersion {
    CiliumVersion::of(version)
}

/// Compiles a fixture; returns the codes found and the rendered diagnostics.
/// Whatever it emits must validate against the Cilium v1.19 CRD schema.
pub fn run(files: &[(String, String)]) -> (BTreeSet<String>, String) {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    let crds = crds_for(compilation.cilium_version);
    for file in &compilation.files {
        let errors = validate_stream(&file.contents, crds);
        assert!(
            errors.is_empty(),
            "{} does not validate:\n{}\n{}",
            file.path,
            errors.join("\n"),
            file.contents
        );
    }
    let codes = compilation
        .diagnostics
        .iter()
        .map(|diag| diag.code.to_string())
        .collect();
    (
        codes,
        render(&compilation.diagnostics, &sources, Format::Human, false),
    )
}

#[test]
fn ui() {
    let fixtures = fixtures();
    assert!(
        !fixtures.is_empty(),
        "no UI fixtures under {}",
        ui_root().display()
    );
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let files = fixture_files(fixture);
        let expected = expected_codes(&files);
        if expected.is_empty()
            && !files
                .iter()
                .any(|(_, text)| text.contains("# expect: nothing"))
        {
            failures.push(format!("{}: no `# expect:` header", fixture.display()));
            continue;
        }
        let (found, rendered) = run(&files);
        if found != expected {
            failures.push(format!(
                "{}: expected {expected:?}, found {found:?}\n{rendered}",
                fixture.display()
            ));
            continue;
        }
        let mut snapshot = String::new();
        for (path, text) in &files {
            snapshot.push_str(&format!("--- {path} ---\n{text}"));
        }
        snapshot.push_str("--- diagnostics ---\n");
        snapshot.push_str(&rendered);
        let name = fixture
            .strip_prefix(ui_root())
            .unwrap_or(fixture)
            .to_string_lossy()
            .replace(['/', '\\'], "__")
            .trim_end_matches(".netpol")
            .to_owned();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(ui_root().join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name, snapshot));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
