#![cfg_attr(feature = "libfuzzer", no_main)]
//! `diff_pte`: see leafdiff::engine::case::Target and leafdiff::fuzz.

use leafdiff::fuzz::{run, PteInput};

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|input: PteInput| run(&input.0));

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|input: PteInput| run(&input.0));
}
