#![cfg_attr(feature = "libfuzzer", no_main)]
//! The ceiling for exec/s figures (benches/fuzz-exec-rate.sh): the body
//! ignores its input. Unlike `empty`, which decodes a case, it measures only
//! libFuzzer's own cost per input. The engine is built once at start-up so
//! the binary links and initialises the same instrumented kernel C as the
//! other targets: libFuzzer's per-input work grows with the coverage counters
//! linked in, and a baseline without them would flatter itself.

use leafdiff::engine::{Checks, Engine};

fn init() {
    let engine = Engine::from_env(Checks::default()).unwrap_or_else(|e| panic!("leafdiff: {e}"));
    std::hint::black_box(engine.variants.len());
}

#[cfg(feature = "libfuzzer")]
libfuzzer_sys::fuzz_target!(init: init(), |_input: &[u8]| {});

#[cfg(feature = "afl")]
fn main() {
    init();
    afl::fuzz!(|_input: &[u8]| {});
}
