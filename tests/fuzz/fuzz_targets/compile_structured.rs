//! Generated, mostly valid repositories (see `netpolc_fuzz::generate`)
//! through parse, check and emit, with the invariants of
//! `netpolc_fuzz::check`, and formatting must keep their meaning. Nearly
//! every input gets past the parser and most compile, so this target reaches
//! the semantic checks, the lints and emit far more often than raw bytes do.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(files) = netpolc_fuzz::generate::repository(&mut u) {
        netpolc_fuzz::check(&files);
        netpolc_fuzz::check_format(&files, true);
    }
});
