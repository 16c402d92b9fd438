//! Examples as tests: every example repository under `examples/` compiles
//! without diagnostics, its output matches the committed `generated/` files
//! (a stale file is rewritten and the test fails, so review is a `git diff`),
//! every emitted document validates against the Cilium v1.19 CRD schema, and
//! compiling with the files in reverse order gives the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use netpolc::diag::render::{Format, render};
use netpolc::source::SourceMap;

use crate::schema::validate_stream;

/// Every example repository: a directory of `examples/` holding `.netpol` files.
pub fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    out.sort();
    out
}

/// The `.netpol` files of a repository, as (repo-relative path, text), sorted.
pub fn repo_files(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "netpol") {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
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

#[test]
fn examples_match_their_generated_output() {
    let mut failures = Vec::new();
    for dir in example_dirs() {
        let files = repo_files(&dir);
        if files.is_empty() {
            continue;
        }
        let output = compile_files(&files);
        let generated = dir.join("generated");
        let mut on_disk: BTreeMap<String, String> = BTreeMap::new();
        for entry in std::fs::read_dir(&generated)
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") {
                on_disk.insert(
                    name,
                    std::fs::read_to_string(entry.path()).unwrap_or_default(),
                );
            }
        }
        for (path, contents) in &output {
            if on_disk.get(path) != Some(contents) {
                let _ = std::fs::create_dir_all(&generated);
                let _ = std::fs::write(generated.join(path), contents);
                failures.push(format!(
                    "{}/generated/{path} was not up to date, updating",
                    dir.display()
                ));
            }
        }
        for path in on_disk.keys().filter(|path| !output.contains_key(*path)) {
            failures.push(format!(
                "{}/generated/{path} is not generated any more: delete it",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn examples_validate_against_the_crd_schema() {
    let mut failures = Vec::new();
    for dir in example_dirs() {
        let (output, version) = compile_for_version(&repo_files(&dir));
        for (path, contents) in output {
            for error in validate_stream(&contents, crate::ui::crds_for(version)) {
                failures.push(format!("{}/{path}: {error}", dir.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn output_does_not_depend_on_file_order() {
    for dir in example_dirs() {
        let files = repo_files(&dir);
        let mut reversed = files.clone();
        reversed.reverse();
        assert_eq!(
            compile_files(&files),
            compile_files(&reversed),
            "{}",
            dir.display()
        );
    }
}
