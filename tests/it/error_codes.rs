//! The error-code tidy check, after rustc's: every code has an explanation
//! whose erroneous example (fenced `netpol,CODE`) really yields the code and
//! whose fixed example (fenced `netpol`) compiles clean; every code is
//! triggered by a UI fixture (or, for codes the CLI raises, by a CLI test);
//! and no explanation exists without its code.

use std::collections::BTreeSet;
use std::path::Path;

use netpolc::diag::Code;

use crate::ui;

/// Codes raised by the command-line tool rather than the library (E0004 is
/// raised by both, but a fixture over 8 MiB has no place in the repository);
/// their explanations use `text` examples and their tests live in `cli.rs`.
const CLI_CODES: &[&str] = &[
    "E0003", "E0004", "E0701", "E0702", "E0703", "E0704", "E0705", "E0708", "E0901", "E0902",
    "E0903", "E0904", "E0905", "E0906", "E0907", "W0120",
    "W0128", // netpolc trace and netpolc test
    "E0811", "E0812", "E0813", "E0814", // netpolc diff --flows --base
    "E0815", "E0816", "E0817", "E0818", "E0819",
];

/// The fenced blocks of a Markdown text with their info strings.
fn fences(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => out.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

#[test]
fn every_code_has_an_explanation_with_working_examples() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        let text = code.explanation();
        let name = code.as_str();
        if !text.starts_with(&format!("# {name}")) {
            failures.push(format!(
                "{name}: the explanation must start with `# {name}`"
            ));
        }
        if text.contains("TODO") {
            failures.push(format!("{name}: the explanation is unfinished"));
        }
        if CLI_CODES.contains(&name) {
            continue;
        }
        let blocks = fences(text);
        let failing: Vec<&String> = blocks
            .iter()
            .filter(|(info, _)| *info == format!("netpol,{name}"))
            .map(|(_, body)| body)
            .collect();
        let fixed: Vec<&String> = blocks
            .iter()
            .filter(|(info, _)| info == "netpol")
            .map(|(_, body)| body)
            .collect();
        if failing.is_empty() {
            failures.push(format!(
                "{name}: no erroneous example fenced as `netpol,{name}`"
            ));
        }
        if fixed.is_empty() {
            failures.push(format!("{name}: no fixed example fenced as `netpol`"));
        }
        for body in failing {
            let (codes, rendered) = ui::run(&[("example.netpol".to_owned(), body.clone())]);
            if !codes.contains(name) {
                failures.push(format!(
                    "{name}: the erroneous example yields {codes:?}, not {name}\n{rendered}"
                ));
            }
        }
        for body in fixed {
            let (codes, rendered) = ui::run(&[("example.netpol".to_owned(), body.clone())]);
            if !codes.is_empty() {
                failures.push(format!(
                    "{name}: the fixed example yields {codes:?}\n{rendered}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_code_is_tested() {
    let mut covered = BTreeSet::new();
    for fixture in ui::fixtures() {
        covered.extend(ui::expected_codes(&ui::fixture_files(&fixture)));
    }
    // `netpolc import`'s codes are tested with the rest of import, in `import/cli.rs`;
    // the reading policy's (E0905, E0907) in `hostile_repo.rs`, the writing
    // policy's (E0906) in `output_safety.rs`.
    let cli_tests: String = [
        "tests/it/cli.rs",
        "tests/it/import/cli.rs",
        "tests/it/hostile_repo.rs",
        "tests/it/output_safety.rs",
        "tests/it/graph.rs",
        "tests/it/flow_diff_git.rs",
    ]
    .iter()
    .map(|path| ui::read_text(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)))
    .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| {
            let by_cli = CLI_CODES.contains(code) && cli_tests.contains(code);
            !covered.contains(*code) && !by_cli
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a UI fixture (or CLI test): {missing:?}"
    );
}

#[test]
fn every_explanation_has_a_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diag/explain");
    let known: BTreeSet<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    let mut orphans = Vec::new();
    let mut explanations = 0;
    for path in ui::read_dir(&dir) {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(code) = name.strip_suffix(".md") {
            explanations += 1;
            if !known.contains(code) {
                orphans.push(name);
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "explanations without a code: {orphans:?}"
    );
    // The directory was read: an empty listing would check nothing.
    assert_eq!(explanations, Code::ALL.len(), "one explanation per code");
}
