//! The one integration-test binary.

mod cli;
mod error_codes;
mod examples;
mod schema;
mod ui;
mod robustness;
mod equivalence;
mod seeds;
mod editors;
mod json_diagnostics;
mod check_diff;
mod import;
mod cidr_groups;
mod fmt;
mod lint_cli;
