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
/// suite can check the report. Only a binary built with the `test-hooks`
/// cargo feature (what the test command builds) reads it; a release binary,
/// built without it, has no hook at all.
#[cfg(any(feature = "test-hooks", test))]
const FORCE_ICE_VAR: &str = "NETPOLC_TEST_FORCE_ICE";

/// Replaces the panic hook with the ICE report.
pub fn install() {
    panic::set_hook(Box::new(report));
}

/// The environment variable that makes the library panic on a worker
/// thread of `emit` ([`netpolc::test_hooks::PANIC_IN_EMIT_WORKER`]), so the
/// suite can check that a worker's panic is the same report and writes
/// nothing. Read only with the `test-hooks` feature, like [`FORCE_ICE_VAR`].
#[cfg(feature = "test-hooks")]
const WORKER_PANIC_VAR: &str = "NETPOLC_TEST_PANIC_IN_WORKER";

/// Panics when [`FORCE_ICE_VAR`] is set, for the ICE test; arms the
/// library's worker panic when [`WORKER_PANIC_VAR`] is set.
#[cfg(feature = "test-hooks")]
#[expect(clippy::panic, reason = "the ICE test needs a panic on purpose")]
pub fn test_hook() {
    if std::env::var_os(FORCE_ICE_VAR).is_some() {
        panic!("forced by {FORCE_ICE_VAR}");
    }
    if std::env::var_os(WORKER_PANIC_VAR).is_some() {
        netpolc::test_hooks::PANIC_IN_EMIT_WORKER.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Without the `test-hooks` feature there is no hook.
#[cfg(not(feature = "test-hooks"))]
pub fn test_hook() {}

/// Prints the report and exits with [`EXIT_CODE`].
fn report(info: &PanicHookInfo<'_>) {
    let message = message(info.payload());
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

/// The message a panic was raised with, or `(no message)`.
pub fn message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Output};

    use super::FORCE_ICE_VAR;

    /// Calls the hook; run by [`child`] in a new process with the variable set.
    #[test]
    #[ignore = "run by the tests below, in a child process with the variable set"]
    fn child_calls_the_hook() {
        super::test_hook();
    }

    /// Runs [`child_calls_the_hook`] alone in this test binary with
    /// `NETPOLC_TEST_FORCE_ICE=1`.
    fn child() -> Output {
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "cli::ice::tests::child_calls_the_hook",
                "--ignored",
                "--test-threads=1",
            ])
            .env(FORCE_ICE_VAR, "1")
            .output()
            .unwrap()
    }

    #[test]
    #[cfg(not(feature = "test-hooks"))]
    fn without_test_hooks_the_variable_is_ignored() {
        let output = child();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}");
        assert!(stdout.contains("1 passed; 0 failed"), "{stdout}");
    }

    #[test]
    #[cfg(feature = "test-hooks")]
    fn with_test_hooks_the_variable_forces_a_panic() {
        let output = child();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!output.status.success(), "{stdout}");
        assert!(stdout.contains("0 passed; 1 failed"), "{stdout}");
        assert!(
            stdout.contains("forced by NETPOLC_TEST_FORCE_ICE"),
            "{stdout}"
        );
    }
}
