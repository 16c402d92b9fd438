//! The `expect` lines of the example repositories: there are many, they
//! hold, and each one turned around fails, decided alone
//! (`Engine::decide_spec`) and by `flow::check_expectations`.

use netpolc::flow::{Engine, FlowVerdict, check_expectations};
use netpolc::ir::{Expected, Program};
use netpolc::source::SourceMap;

fn program(dir: &std::path::Path) -> Program {
    let mut sources = SourceMap::with_stdlib();
    for (path, text) in crate::examples::repo_files(dir) {
        sources.add_user(path, text);
    }
    let (program, _, diags) = netpolc::check(&sources, &netpolc::Options::default());
    assert!(
        !netpolc::diag::has_errors(&diags),
        "{} does not compile",
        dir.display()
    );
    program
}

#[test]
fn the_examples_carry_expectations_and_they_hold() {
    for dir in crate::examples::example_dirs() {
        let program = program(&dir);
        assert!(
            program.expectations.len() >= 25,
            "{}: only {} expectations",
            dir.display(),
            program.expectations.len()
        );
        for expected in [Expected::Allow, Expected::Deny] {
            assert!(
                program.expectations.iter().any(|e| e.expected == expected),
                "{}: no expect {expected:?}",
                dir.display()
            );
        }
        assert!(check_expectations(&program).is_empty(), "{}", dir.display());
    }
}

#[test]
fn every_expectation_turned_around_fails() {
    for dir in crate::examples::example_dirs() {
        let program = program(&dir);
        let engine = Engine::new(&program);
        let mut flipped = program.clone();
        let mut alone = 0;
        for expectation in &mut flipped.expectations {
            expectation.expected = match expectation.expected {
                Expected::Allow => Expected::Deny,
                Expected::Deny => Expected::Allow,
            };
            let verdict = engine.decide_spec(&expectation.flow).verdict;
            let holds = matches!(
                (expectation.expected, verdict),
                (Expected::Allow, FlowVerdict::Allowed) | (Expected::Deny, FlowVerdict::Denied)
            );
            if !holds {
                alone += 1;
            }
        }
        // Every flipped expectation fails, decided alone and by the check.
        assert_eq!(alone, flipped.expectations.len(), "{}", dir.display());
        assert_eq!(
            check_expectations(&flipped).len(),
            alone,
            "{}",
            dir.display()
        );
    }
}
