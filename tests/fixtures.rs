//! One named test per input file: every UI fixture (`ui::<area>::<name>`)
//! and every example repository (`examples::<name>::<check>`), run by
//! libtest-mimic so a failure names its file and never hides the others.
//! `cargo test --test fixtures -- ui::names` runs one area, as usual.
//!
//! - `ui::<area>::<name>`: the fixture compiles to exactly the codes its
//!   `# expect:` lines list, whatever it emits validates against the CRD
//!   schema of its Cilium version, and its rendered diagnostics match the
//!   snapshot in `tests/ui/snapshots/`.
//! - `examples::<name>::generated`: the repository compiles without
//!   diagnostics and its output is the committed `generated/` files (a stale
//!   file is rewritten and the test fails, so review is a `git diff`).
//! - `examples::<name>::crd_schema`: every emitted document validates against
//!   the CRD schema of the targeted Cilium version.
//! - `examples::<name>::file_order`: compiling the files in reverse order
//!   gives the same bytes.
//! - `versions::examples::<name>` and `versions::ui::<area>::<name>` (the UI
//!   fixtures that compile, with warnings at most): for every Cilium line the
//!   program either compiles into documents valid for that line's CRDs that
//!   the agent reads as written, or fails with E0421 only
//!   (`tests/it/versions.rs`).
//!
//! - `fmt::<path>` (every example, stdlib file and UI fixture) and
//!   `fmt::examples::<name>`: the formatter's properties on each
//!   (`tests/fixtures/fmt.rs`).
//! - `docs::<path>`: every netpol block of README.md or a `docs/*.md`
//!   compiles as its info string says and gives its yaml output blocks
//!   (`tests/it/docs.rs`).
//!
//! Finding no fixture or no example, or a directory that cannot be read, is
//! a failing test, never a test less.

// As in tests/it/main.rs: the helpers are test code, where a panic with the
// wrong value is how a test fails.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failing test panics"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use netpolc::source::SourceMap;

#[expect(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/schema.rs"]
mod schema;

#[path = "it/ui.rs"]
mod ui;

#[path = "it/examples.rs"]
mod examples;

#[expect(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/fmt/corpus.rs"]
mod fmt_corpus;

#[path = "fixtures/fmt.rs"]
mod fmt;

#[expect(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/docs.rs"]
mod docs;

#[expect(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/versions.rs"]
mod versions;

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    trials.extend(listed("ui", ui::fixtures, |fixture| ui_trial(fixture)));
    trials.extend(listed("examples", examples::example_dirs, |dir| {
        example_trials(dir)
    }));
    trials.extend(listed(
        "versions::examples",
        examples::example_dirs,
        |dir| {
            let name = format!("versions::examples::{}", file_name(dir));
            let dir = dir.to_path_buf();
            vec![Trial::test(name, move || {
                check_versions(&dir, &examples::repo_files(&dir))
            })]
        },
    ));
    trials.extend(listed("versions::ui", ui::fixtures, |fixture| {
        let files = ui::fixture_files(fixture);
        // Only what compiles: a fixture with an error has no output to check.
        if !ui::expected_codes(&files)
            .iter()
            .all(|code| code.starts_with('W'))
        {
            return Vec::new();
        }
        let name = format!("versions::{}", ui_name(fixture));
        let fixture = fixture.to_path_buf();
        vec![Trial::test(name, move || check_versions(&fixture, &files))]
    }));
    trials.extend(listed("docs", docs::documents, |path| {
        let path = path.to_path_buf();
        vec![Trial::test(format!("docs::{}", shown(&path)), move || {
            let failures = check_document(&path);
            if failures.is_empty() {
                Ok(())
            } else {
                Err(failures.join("\n\n").into())
            }
        })]
    }));
    trials.extend(listed("fmt", fmt_corpus::corpus, |(path, text)| {
        let relative = path
            .strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/"))
            .unwrap_or(path);
        // A one-file UI fixture is listed as `x.netpol/x.netpol`.
        let relative = match relative.split_once(".netpol/") {
            Some((fixture, _)) => format!("{fixture}.netpol"),
            None => relative.to_owned(),
        };
        let (path, text) = (path.clone(), text.clone());
        vec![Trial::test(format!("fmt::{relative}"), move || {
            fmt::check_file(&path, &text).map_err(Failed::from)
        })]
    }));
    trials.extend(listed("fmt::examples", examples::example_dirs, |dir| {
        let name = format!("fmt::examples::{}", file_name(dir));
        let dir = dir.to_path_buf();
        vec![Trial::test(name, move || {
            fmt::check_example(&dir).map_err(Failed::from)
        })]
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// The trials of every input `list` finds. When listing panics (no input, a
/// directory or file that cannot be read) or finds no trial, one failing
/// trial `<group>::listing` says so instead.
fn listed<T>(group: &str, list: fn() -> Vec<T>, trials: fn(&T) -> Vec<Trial>) -> Vec<Trial> {
    let listing =
        std::panic::catch_unwind(|| list().iter().flat_map(trials).collect::<Vec<Trial>>());
    let message = match listing {
        Ok(found) if !found.is_empty() => return found,
        Ok(_) => format!("{group}: no input found, so nothing would be tested"),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default(),
    };
    vec![Trial::test(format!("{group}::listing"), move || {
        Err(Failed::from(message))
    })]
}

/// The repository root (`tests/it/fmt/corpus.rs` reads it from its parent
/// module, here the crate root).
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The last component of a path.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `tests/ui/names/e0301_x.netpol` is `ui::names::e0301_x`.
fn ui_name(fixture: &Path) -> String {
    let relative = fixture
        .strip_prefix(ui::ui_root())
        .unwrap_or(fixture)
        .to_string_lossy()
        .replace('\\', "/");
    let relative = relative.strip_suffix(".netpol").unwrap_or(&relative);
    format!("ui::{}", relative.replace('/', "::"))
}

fn ui_trial(fixture: &Path) -> Vec<Trial> {
    let fixture = fixture.to_path_buf();
    vec![Trial::test(ui_name(&fixture), move || check_ui(&fixture))]
}

fn check_ui(fixture: &Path) -> Result<(), Failed> {
    let files = ui::fixture_files(fixture);
    let expected = ui::expected_codes(&files);
    if expected.is_empty()
        && !files
            .iter()
            .any(|(_, text)| text.contains("# expect: nothing"))
    {
        return Err(format!("{}: no `# expect:` header", fixture.display()).into());
    }
    let (found, rendered) = ui::run(&files);
    if found != expected {
        return Err(format!(
            "{}: expected {expected:?}, found {found:?}\n{rendered}",
            fixture.display()
        )
        .into());
    }
    let mut snapshot = String::new();
    for (path, text) in &files {
        snapshot.push_str(&format!("--- {path} ---\n{text}"));
    }
    snapshot.push_str("--- diagnostics ---\n");
    snapshot.push_str(&rendered);
    let name = fixture
        .strip_prefix(ui::ui_root())
        .unwrap_or(fixture)
        .to_string_lossy()
        .replace(['/', '\\'], "__")
        .trim_end_matches(".netpol")
        .to_owned();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(ui::ui_root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, snapshot));
    Ok(())
}

/// One check of an example repository.
type ExampleCheck = fn(&Path) -> Result<(), Failed>;

fn example_trials(dir: &Path) -> Vec<Trial> {
    let name = file_name(dir);
    let checks: [(&str, ExampleCheck); 3] = [
        ("generated", example_generated),
        ("crd_schema", example_crd_schema),
        ("file_order", example_file_order),
    ];
    checks
        .into_iter()
        .map(|(check, run)| {
            let dir = dir.to_path_buf();
            Trial::test(format!("examples::{name}::{check}"), move || run(&dir))
        })
        .collect()
}

fn example_generated(dir: &Path) -> Result<(), Failed> {
    let output = examples::compile_files(&examples::repo_files(dir));
    let generated = dir.join("generated");
    let mut on_disk: BTreeMap<String, String> = BTreeMap::new();
    if generated.exists() {
        for path in ui::read_dir(&generated) {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".yaml") {
                on_disk.insert(name, ui::read_text(&path));
            }
        }
    }
    let mut failures = Vec::new();
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
    if output.is_empty() {
        failures.push(format!("{} generates nothing", dir.display()));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

fn example_crd_schema(dir: &Path) -> Result<(), Failed> {
    let (output, version) = examples::compile_for_version(&examples::repo_files(dir));
    let mut failures = Vec::new();
    for (path, contents) in output {
        for error in schema::validate_stream(&contents, ui::crds_for(version)) {
            failures.push(format!("{}/{path}: {error}", dir.display()));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

fn example_file_order(dir: &Path) -> Result<(), Failed> {
    let files = examples::repo_files(dir);
    let mut reversed = files.clone();
    reversed.reverse();
    if examples::compile_files(&files) == examples::compile_files(&reversed) {
        Ok(())
    } else {
        Err(format!(
            "{}: the output depends on the order of the files",
            dir.display()
        )
        .into())
    }
}

/// `tests/it/versions.rs`'s check of one program at every Cilium line.
fn check_versions(input: &Path, files: &[(String, String)]) -> Result<(), Failed> {
    let name = input.display().to_string();
    let mut failures = Vec::new();
    for version in schema::CiliumVersion::ALL {
        versions::check(&name, files, version, &mut failures);
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

/// Checks the netpol blocks of one document: each repository gives its codes
/// (none: it compiles clean, in `netpolc fmt`'s layout) and its yaml output
/// blocks (`tests/it/docs.rs` reads them); the failures, each with its file
/// and line.
fn check_document(path: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let text = ui::read_text(path);
    let shown = shown(path);
    for repo in docs::repos(&text) {
        let at = format!("{shown}:{}", repo.line);
        if repo.fragment {
            if !repo.outputs.is_empty() {
                failures.push(format!("{at}: a fragment has no output to check"));
            }
            continue;
        }
        let mut sources = SourceMap::with_stdlib();
        for (file, text) in &repo.files {
            sources.add_user(file.clone(), text.clone());
        }
        let result = netpolc::compile(&sources, &netpolc::Options::default());
        let codes: BTreeSet<String> = result
            .diagnostics
            .iter()
            .map(|diag| diag.code.as_str().to_owned())
            .collect();
        if codes != repo.codes {
            let messages: Vec<String> = result
                .diagnostics
                .iter()
                .map(|diag| format!("{}: {}", diag.code.as_str(), diag.message))
                .collect();
            failures.push(format!(
                "{at}: expected codes {:?}, got {:?}\n    {}",
                repo.codes,
                codes,
                messages.join("\n    ")
            ));
            continue;
        }
        if repo.codes.is_empty() {
            for (file, text) in &repo.files {
                match netpolc::fmt::format(text) {
                    Ok(formatted) if formatted == *text => {}
                    Ok(formatted) => failures.push(format!(
                        "{at}: `{file}` is not in `netpolc fmt`'s layout; it would be:\n{formatted}"
                    )),
                    Err(diag) => failures.push(format!("{at}: fmt: {}", diag.message)),
                }
            }
        }
        for (name, expected, line) in &repo.outputs {
            match result.files.iter().find(|file| file.path == *name) {
                Some(file) if file.contents == *expected => {}
                Some(file) => failures.push(format!(
                    "{shown}:{line}: `{name}` is not what netpolc writes; it writes:\n{}",
                    file.contents
                )),
                None => failures.push(format!(
                    "{shown}:{line}: netpolc writes no `{name}`; it writes {:?}",
                    result
                        .files
                        .iter()
                        .map(|file| &file.path)
                        .collect::<Vec<_>>()
                )),
            }
        }
    }
    failures
}

/// A document's path from the repository root, as tests name it.
fn shown(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
}
