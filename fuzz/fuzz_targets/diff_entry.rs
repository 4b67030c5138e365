#![cfg_attr(feature = "libfuzzer", no_main)]
//! `diff_entry`: see leafdiff::engine::case::Target::Entry.

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leafdiff::fuzz::run(
    leafdiff::engine::Target::Entry,
    data
));

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|data: &[u8]| leafdiff::fuzz::run(leafdiff::engine::Target::Entry, data));
}
