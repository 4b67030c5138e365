#![cfg_attr(feature = "libfuzzer", no_main)]
//! `props`: see leafdiff::engine::case::Target::Props.

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| leafdiff::fuzz::run(
    leafdiff::engine::Target::Props,
    data
));

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|data: &[u8]| leafdiff::fuzz::run(leafdiff::engine::Target::Props, data));
}
