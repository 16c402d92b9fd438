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
//!
//! Finding no fixture or no example, or a directory that cannot be read, is
//! a failing test, never a test less.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};

#[allow(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/schema.rs"]
mod schema;

#[allow(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/ui.rs"]
mod ui;

#[allow(dead_code, reason = "shared with tests/it, which uses the rest")]
#[path = "it/examples.rs"]
mod examples;

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    trials.extend(listed("ui", ui::fixtures, ui_trial));
    trials.extend(listed("examples", examples::example_dirs, example_trials));
    libtest_mimic::run(&args, trials).exit();
}

/// The trials of every input `list` finds; when listing panics (no input, a
/// directory that cannot be read), one failing trial `<group>::listing`
/// carrying the message.
fn listed(group: &str, list: fn() -> Vec<PathBuf>, trials: fn(&Path) -> Vec<Trial>) -> Vec<Trial> {
    match std::panic::catch_unwind(list) {
        Ok(inputs) => inputs.iter().flat_map(|input| trials(input)).collect(),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            vec![Trial::test(format!("{group}::listing"), move || {
                Err(Failed::from(message))
            })]
        }
    }
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
    let name = dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
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
