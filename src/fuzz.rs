//! The body of every fuzz target: bytes in, a panic naming the helper,
//! variant, input and both results out. libFuzzer, AFL++ and the corpus
//! replay call exactly this.

use crate::engine::case::{Case, Target};
use crate::engine::describe::{case_in_kernel_terms, TypeNames};
use crate::engine::reproducer::render_outcome;
use crate::engine::{Checks, Engine, FindingKind, Stats};
use std::sync::OnceLock;

/// After this many inputs a target that compared nothing is broken, not lucky.
const VACUOUS_AFTER: u64 = 10_000;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let e = Engine::new(Checks::default());
        assert!(!e.variants.is_empty(), "leafdiff: no C variant was built");
        e
    })
}

/// Runs one input; panics on a finding.
pub fn run(target: Target, data: &[u8]) {
    let engine = engine();
    // Inputs of another format version are not cases: skipped, as `repro`
    // and the corpus replay refuse them.
    let Ok(case) = Case::from_bytes(target, data) else {
        return;
    };
    let findings = engine.run(&case);
    let s = &engine.stats;
    let n = Stats::get(&s.cases);
    if n == VACUOUS_AFTER && Stats::get(&s.compared) + Stats::get(&s.properties) == 0 {
        panic!("leafdiff: {n} inputs and nothing compared: no helper exists in both the C and the model");
    }
    if let Some(f) = findings.first() {
        let names = TypeNames::of(&engine.variants[f.variant], f.case.args.knobs);
        let what = match &f.kind {
            FindingKind::Divergence { c, model } => format!(
                "kernel's C: {}\nmodel:      {}",
                render_outcome(f.case.helper.sig, c, &names),
                render_outcome(f.case.helper.sig, model, &names)
            ),
            FindingKind::Property {
                property, detail, ..
            } => format!("property {property}: {detail}"),
        };
        panic!(
            "leafdiff divergence in {}\nsignature: {}\ncase: {}\n{what}",
            f.helper,
            f.signature,
            case_in_kernel_terms(engine, f.variant, &f.case)
        );
    }
}
