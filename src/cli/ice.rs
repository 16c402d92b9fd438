//! The internal-compiler-error hook: a panic anywhere in netpolc is a bug,
//! so instead of Rust's panic message and backtrace the user gets a short
//! report naming the version and asking for the input that triggers it.
//!
//! **Invariant:** after [`install`], every panic prints the ICE report to
//! stderr and ends the process with exit code 101; nothing is written to the
//! output directory after it.

use std::io::Write;
use std::panic::{self, PanicHookInfo};

/// The exit code of an internal error, the same as Rust's panic code.
pub const EXIT_CODE: i32 = 101;

/// The environment variable that makes netpolc panic on purpose, so the test
/// suite can check the report. It is not meant for users.
const FORCE_ICE_VAR: &str = "NETPOLC_TEST_FORCE_ICE";

/// Replaces the panic hook with the ICE report.
pub fn install() {
    panic::set_hook(Box::new(report));
}

/// Panics when [`FORCE_ICE_VAR`] is set, for the ICE test.
pub fn test_hook() {
    if std::env::var_os(FORCE_ICE_VAR).is_some() {
        panic!("forced by {FORCE_ICE_VAR}");
    }
}

/// Prints the report and exits with [`EXIT_CODE`].
fn report(info: &PanicHookInfo<'_>) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let mut text = format!(
        "error: internal compiler error: {message}\n\
         note: netpolc {} hit a bug; please report it with the input that triggers it\n",
        env!("CARGO_PKG_VERSION"),
    );
    if let Some(location) = info.location() {
        text.push_str(&format!("note: the panic happened at {location}\n"));
    }
    // Stderr may be closed; there is nowhere else to report that.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    std::process::exit(EXIT_CODE);
}
