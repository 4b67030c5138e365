//! Shrinking a failing case to the smallest one with the same signature:
//! defaults for everything the bug does not need, then as few offset bits as
//! possible. Greedy and deterministic; each step re-runs the real check.

use super::{Case, Engine, Finding, Signature};
use crate::call::{Knobs, Page};

fn same_signature(engine: &Engine, case: &Case, signature: &Signature) -> Option<Finding> {
    engine
        .run(case)
        .into_iter()
        .find(|f| f.signature == *signature)
}

/// Candidate simplifications of `case`, simplest first.
fn candidates(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    let mut push = |f: &dyn Fn(&mut Case)| {
        let mut c = case.clone();
        f(&mut c);
        if c != *case {
            out.push(c);
        }
    };
    push(&|c| c.args.b = 0);
    push(&|c| c.args.page = Page::default());
    push(&|c| c.args.page.pfn = 0);
    push(&|c| c.args.knobs = Knobs::default());
    push(&|c| c.args.knobs.arch = 0);
    push(&|c| c.args.knobs.swap_migration_ad_supported = false);
    push(&|c| c.args.page.anon = false);
    push(&|c| c.args.page.device_private = false);
    push(&|c| c.args.page.locked = false);
    // Clear the low 58 bits (an entry's offset) at once, then bit by bit from
    // the top, keeping whatever the signature needs.
    push(&|c| c.args.a &= !((1u64 << 58) - 1));
    for bit in (0..64).rev() {
        push(&|c| c.args.a &= !(1u64 << bit));
    }
    for bit in (0..64).rev() {
        push(&|c| c.args.b &= !(1u64 << bit));
    }
    out
}

pub fn minimize(engine: &Engine, finding: &Finding) -> Finding {
    let mut best = finding.clone();
    loop {
        let next = candidates(&best.case)
            .into_iter()
            .find_map(|c| same_signature(engine, &c, &finding.signature));
        match next {
            Some(f) => best = f,
            None => return best,
        }
    }
}
