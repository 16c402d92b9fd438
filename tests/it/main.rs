//! The one integration-test binary.

// clippy.toml exempts `#[test]` functions; the helpers of this binary
// (fixtures, runners, schema validation) are test code too, where a panic
// with the wrong value is how a test fails.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failing test panics"
)]

mod build_record;
mod check_diff;
mod cidr_groups;
mod cli;
mod cli_usability;
mod docs;
mod editors;
mod equivalence;
mod error_codes;
mod examples;
mod expectations;
mod flow_diff;
mod flow_diff_git;
mod flow_diff_output;
mod flow_diff_properties;
mod flow_properties;
mod fmt;
mod graph;
mod hostile_repo;
mod import;
mod json_diagnostics;
mod lint_cli;
mod lsp;
mod output_safety;
mod parallel;
mod platform_postures;
mod regexp;
mod robustness;
mod schema;
mod seeds;
mod sentences;
mod skip;
mod tidy_citations;
mod tidy_diagnostics;
mod tidy_lints;
mod trace;
mod ui;
mod verdicts;
mod versions;
mod workflows;
mod yaml_scalars;
