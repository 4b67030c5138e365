#![cfg_attr(feature = "libfuzzer", no_main)]
//! The baseline for exec/s figures: decodes a case and does nothing else.

use leafdiff::fuzz::EntryInput;

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|input: EntryInput| {
    std::hint::black_box(input);
});

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|input: EntryInput| {
        std::hint::black_box(input);
    });
}
