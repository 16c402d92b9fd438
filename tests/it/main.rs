//! The one integration-test binary.

mod cli;
mod schema;
mod ui;
mod error_codes;
mod examples;
