#![cfg_attr(feature = "libfuzzer", no_main)]
//! `diff_entry`: see leafdiff::engine::case::Target and leafdiff::fuzz.

use leafdiff::fuzz::{run, EntryInput};

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(|input: EntryInput| run(&input.0));

#[cfg(feature = "afl")]
fn main() {
    afl::fuzz!(|input: EntryInput| run(&input.0));
}
