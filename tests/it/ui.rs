//! The UI fixtures: every `.netpol` file (or directory, for several files)
//! under `tests/ui/<area>/` compiles to exactly the diagnostic codes its
//! header lists, `# expect: E0203` (one line per code; `# expect: nothing` for
//! none), and the rendered diagnostics are snapshotted beside the source.
//!
//! The helpers here read the fixtures (strictly: an unreadable fixture is a
//! failure, not a fixture less); the checks, one named test per fixture
//! (`ui::<area>::<name>`), are in `tests/fixtures.rs`.

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
/// Panics when a directory cannot be read, or when there is none: a fixture
/// that cannot be read is a failure, never a fixture less.
pub fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for area in read_dir(&ui_root()) {
        if !area.is_dir() || area.file_name().is_some_and(|name| name == "snapshots") {
            continue;
        }
        for path in read_dir(&area) {
            if path.is_dir() || path.extension().is_some_and(|ext| ext == "netpol") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(
        !out.is_empty(),
        "no UI fixtures under {}",
        ui_root().display()
    );
    out
}

/// The entries of a directory; panics with the path when it cannot be read.
pub fn read_dir(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()));
    entries
        .map(|entry| {
            entry
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
                .path()
        })
        .collect()
}

/// A file's text; panics with the path when it cannot be read.
pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// The files of a fixture, as (repo-relative path, text).
pub fn fixture_files(fixture: &Path) -> Vec<(String, String)> {
    if fixture.is_file() {
        let name = fixture
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return vec![(name, read_text(fixture))];
    }
    let mut files = Vec::new();
    collect(fixture, fixture, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "{} is a fixture directory without .netpol files",
        fixture.display()
    );
    files
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for path in read_dir(dir) {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "netpol") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = read_text(&path);
            out.push((relative, text));
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
