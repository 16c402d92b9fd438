//! The one integration-test binary.

mod check_diff;
mod cidr_groups;
mod cli;
mod cli_usability;
mod docs;
mod editors;
mod equivalence;
mod error_codes;
mod examples;
mod fmt;
mod hostile_repo;
mod import;
mod json_diagnostics;
mod lint_cli;
mod output_safety;
mod platform_postures;
mod regexp;
mod robustness;
mod schema;
mod seeds;
mod sentences;
mod skip;
mod tidy_citations;
mod ui;
mod versions;
mod yaml_scalars;
