#![cfg_attr(feature = "libfuzzer", no_main)]
//! `props`: see leafdiff::engine::case::Target and leafdiff::fuzz.

use leafdiff::fuzz::{run, PropsInput};

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|input: PropsInput| run(&input.0));

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|input: PropsInput| run(&input.0));
}
