//! Properties of `flow_diff` over every example and every UI fixture that
//! compiles: against itself it is empty; against its formatted sources it
//! is empty; the YAML it builds, imported, diffs empty against the import
//! of what that import builds again (the `--yaml` diff of a round trip);
//! and swapping two programs swaps added and removed.

use std::collections::BTreeSet;

use netpolc::flow::{FlowDiff, World, flow_diff};
use netpolc::import::{Input, import};
use netpolc::ir::Program;
use netpolc::source::SourceMap;

/// The program of `files`, when it compiles without an error.
fn checked(files: &[(String, String)]) -> Option<Program> {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let (program, _, diags) = netpolc::check(&sources, &netpolc::Options::default());
    // E0801 (an unmet `expect`) does not stop `diff --flows`.
    let errors = diags
        .iter()
        .any(|diag| diag.is_error() && diag.code.as_str() != "E0801");
    (!errors).then_some(program)
}

/// The YAML `files` build.
fn built(files: &[(String, String)]) -> Vec<Input> {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in files {
        sources.add_user(path.clone(), text.as_str());
    }
    let compilation = netpolc::compile(&sources, &netpolc::Options::default());
    compilation
        .files
        .iter()
        .filter(|file| file.path.ends_with(".yaml"))
        .map(|file| Input {
            path: file.path.clone(),
            text: file.contents.clone(),
            named: true,
        })
        .collect()
}

/// The `.netpol` files an import writes, when it has no error.
fn imported(inputs: &[Input]) -> Option<Vec<(String, String)>> {
    let imported = import(inputs);
    if imported.diagnostics.iter().any(|diag| diag.is_error()) {
        return None;
    }
    Some(
        imported
            .files
            .iter()
            .map(|file| (file.path.clone(), file.contents.clone()))
            .collect(),
    )
}

fn lines(diff: &FlowDiff, added: bool) -> BTreeSet<String> {
    let name = |at: usize| diff.universe.ends[at].name.clone();
    let changes = if added { &diff.added } else { &diff.removed };
    changes
        .iter()
        .map(|change| {
            format!(
                "{} -> {} {}",
                name(change.from),
                name(change.to),
                change.ports
            )
        })
        .collect()
}

/// Every example and every UI fixture that compiles, by name.
fn corpus() -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for dir in crate::examples::example_dirs() {
        out.push((dir.display().to_string(), crate::examples::repo_files(&dir)));
    }
    for fixture in crate::ui::fixtures() {
        out.push((
            fixture.display().to_string(),
            crate::ui::fixture_files(&fixture),
        ));
    }
    out
}

#[test]
fn self_fmt_and_yaml_round_trip_diffs_are_empty_and_swaps_swap() {
    let mut compiled = 0;
    let mut round_trips = 0;
    let mut previous: Option<(String, Program)> = None;
    let mut swapped = 0;
    for (name, files) in corpus() {
        let Some(program) = checked(&files) else {
            continue;
        };
        compiled += 1;
        assert!(
            flow_diff(&program, &program).is_empty(),
            "{name}: against itself"
        );
        let formatted: Option<Vec<(String, String)>> = files
            .iter()
            .map(|(path, text)| Some((path.clone(), netpolc::fmt::format(text).ok()?)))
            .collect();
        if let Some(formatted) = formatted {
            let other = program_or_panic(&formatted, &name);
            let diff = flow_diff(&program, &other);
            assert!(
                diff.is_empty(),
                "{name}: fmt changed {:?}",
                lines(&diff, true)
            );
        }
        // The `--yaml` diff of the built YAML against the YAML its import
        // builds again.
        if let Some(first) = imported(&built(&files)) {
            if let (Some(old), Some(second)) = (checked(&first), imported(&built(&first))) {
                let new = program_or_panic(&second, &name);
                let diff = flow_diff(&old, &new);
                assert!(
                    diff.is_empty(),
                    "{name}: import of the build changed +{:?} -{:?}",
                    lines(&diff, true),
                    lines(&diff, false)
                );
                round_trips += 1;
            }
        }
        // Against the previous program of the same area (fixtures sort by
        // area): swapping the sides swaps added and removed.
        if let Some((previous_name, before)) = &previous {
            let same_area = previous_name.rsplit_once('/').map(|(dir, _)| dir)
                == name.rsplit_once('/').map(|(dir, _)| dir);
            let fixture = name.contains("/tests/ui/");
            // The universe's namespaces carry the new program's inventory
            // labels: with two inventories that disagree, the sides do not
            // see the same namespaces, and swapping is not symmetric.
            let labels = |program: &Program| World::for_program(program).namespaces;
            let (a, b) = (labels(before), labels(&program));
            let agree = a
                .iter()
                .all(|(ns, set)| b.get(ns).is_none_or(|other| other == set));
            if same_area && fixture && agree && swapped < 40 {
                let forward = flow_diff(before, &program);
                let backward = flow_diff(&program, before);
                assert!(
                    lines(&forward, true) == lines(&backward, false)
                        && lines(&forward, false) == lines(&backward, true),
                    "{previous_name} and {name}: swapping does not swap"
                );
                swapped += 1;
            }
        }
        previous = Some((name, program));
    }
    eprintln!(
        "flow diff properties: {compiled} programs, {round_trips} YAML round trips, {swapped} swaps"
    );
    assert!(compiled > 80, "{compiled}");
    assert!(round_trips > 70, "{round_trips}");
    assert!(swapped >= 20, "{swapped}");
}

fn program_or_panic(files: &[(String, String)], name: &str) -> Program {
    checked(files).unwrap_or_else(|| panic!("{name}: does not compile any more"))
}
