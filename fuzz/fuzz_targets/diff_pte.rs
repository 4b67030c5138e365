#![cfg_attr(feature = "libfuzzer", no_main)]
//! `diff_pte`: see leafdiff::engine::case::Target::Pte.

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leafdiff::fuzz::run(leafdiff::engine::Target::Pte, data));

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|data: &[u8]| leafdiff::fuzz::run(leafdiff::engine::Target::Pte, data));
}
