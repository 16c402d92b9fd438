//! Raw bytes through parse, check and emit: the input is split into source
//! files at NUL bytes (see `netpolc_fuzz::split`) and every invariant of
//! `netpolc_fuzz::check` must hold, and formatting must be idempotent.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = netpolc_fuzz::split(data);
    netpolc_fuzz::check(&files);
    netpolc_fuzz::check_format(&files, false);
});
