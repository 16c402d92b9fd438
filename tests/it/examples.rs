//! The example repositories under `examples/`: reading and compiling them.
//! The checks, three named tests per repository (`examples::<name>::...`:
//! its output matches the committed `generated/` files, validates against
//! the CRD schema, and does not depend on the order of the files), are in
//! `tests/fixtures.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use netpolc::diag::render::{Format, render};
use netpolc::source::SourceMap;

/// Every example repository: a directory of `examples/`. Panics when
/// `examples/` cannot be read or holds none.
pub fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<PathBuf> = crate::ui::read_dir(&root)
        .into_iter()
        .filter(|path| path.is_dir())
        .collect();
    out.sort();
    assert!(
        !out.is_empty(),
        "no example repositories under {}",
        root.display()
    );
    out
}

/// The `.netpol` files of a repository, as (repo-relative path, text), sorted.
/// Panics when a directory or file cannot be read, or when there is none.
pub fn repo_files(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    assert!(!out.is_empty(), "{} holds no .netpol file", root.display());
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for path in crate::ui::read_dir(dir) {
        if path.is_dir() {
            walk(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "netpol") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = crate::ui::read_text(&path);
            out.push((relative, text));
        }
    }
}

/// Compiles files given in this order; panics with the rendered diagnostics
/// when there are any.
pub fn compile_files(files: &[(String, String)]) -> BTreeMap<String, String> {
    compile_for_version(files).0
}

/// Like [`compile_files`], also returning the Cilium version targeted.
pub fn compile_for_version(
    files: &[(String, String)],
) -> (BTreeMap<String, String>, netpolc::CiliumVersion) {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    assert!(
        compilation.diagnostics.is_empty(),
        "{}",
        render(&compilation.diagnostics, &sources, Format::Human, false)
    );
    let version = compilation.cilium_version;
    (
        compilation
            .files
            .into_iter()
            .map(|file| (file.path, file.contents))
            .collect(),
        version,
    )
}
