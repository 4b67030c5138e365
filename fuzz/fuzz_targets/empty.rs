#![cfg_attr(feature = "libfuzzer", no_main)]
//! The baseline for exec/s figures: decodes a case and does nothing else.

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    std::hint::black_box(
        leafdiff::engine::Case::from_bytes(leafdiff::engine::Target::Entry, data).ok(),
    );
});

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|data: &[u8]| {
        std::hint::black_box(
            leafdiff::engine::Case::from_bytes(leafdiff::engine::Target::Entry, data).ok(),
        );
    });
}
