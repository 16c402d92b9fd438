//! Skipping a test whose environment is missing (a program, a git checkout,
//! `/proc`): the test says why on stderr, past the test harness's capture so
//! the line shows in a passing run too, and under
//! `NETPOLC_REQUIRE_ALL_TESTS=1` (set by `.ci/run`) the skip is a failure.

use std::io::Write;

/// The variable that turns every skip into a failure.
pub const REQUIRE_ALL: &str = "NETPOLC_REQUIRE_ALL_TESTS";

/// Whether every test must run: `NETPOLC_REQUIRE_ALL_TESTS=1`.
pub fn required() -> bool {
    std::env::var(REQUIRE_ALL).is_ok_and(|value| value == "1")
}

/// Reports that `test` skips because of `why`; panics when every test must
/// run. The caller returns right after.
pub fn skip(test: &str, why: &str) {
    assert!(
        !required(),
        "{test}: {why}, and {REQUIRE_ALL}=1 makes a skip a failure"
    );
    // Written to the stderr handle, not with eprintln!, which the harness
    // captures and shows only for a failing test.
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: {why} (set {REQUIRE_ALL}=1 to make this a failure)"
    );
}
