//! `leafdiff bench`: cases per second through the same code the fuzz targets
//! and `check` run, per target, beside the bare rate of the same calls on
//! the same inputs (the C wrapper and the model called directly, nothing
//! decoded, selected, compared or signed), so the engine's own overhead is a
//! figure. The libFuzzer-side figures come from `benches/fuzz-exec-rate.sh`.

use crate::call::{Args, Evaluate};
use crate::engine::case::{Case, Target, ARCH_X86_64, CASE_LEN, FORMAT_VERSION};
use crate::engine::check::CHUNK;
use crate::engine::{properties, sweep, Checks, Engine};
use crate::helpers::HelperSpec;
use leafdiff_kernel::arch::Arch;
use rand::{RngCore, SeedableRng};
use std::time::{Duration, Instant};

/// Inputs cycled through by every measurement: random argument bytes, each
/// naming a helper of the target (a random id would only measure refusals).
const INPUTS: usize = 4096;

fn inputs(target: Target, arch: u8) -> Vec<[u8; CASE_LEN]> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let helpers = target.helpers();
    (0..INPUTS)
        .map(|_| {
            let mut bytes = [0u8; CASE_LEN];
            rng.fill_bytes(&mut bytes);
            let helper = helpers[rng.next_u32() as usize % helpers.len()];
            bytes[0] = FORMAT_VERSION;
            bytes[1] = arch;
            // Any kernel, any config: what a fresh fuzzer input asks for.
            bytes[2..7].fill(0);
            bytes[7..11].copy_from_slice(&helper.id.to_be_bytes());
            bytes
        })
        .collect()
}

fn rate<T>(time: Duration, inputs: &[T], mut body: impl FnMut(&T)) -> f64 {
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < time {
        // The clock is read once per 256 calls, round the whole input set.
        for i in n..n + 256 {
            body(&inputs[i % inputs.len()]);
        }
        n += 256;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// The calls a decoded case makes, ready to call directly.
struct Bare {
    variant: usize,
    helper: &'static HelperSpec,
    args: Args,
}

pub fn run(time: Duration) -> anyhow::Result<()> {
    let engine = Engine::from_env(Checks::default())?;
    println!(
        "{} variants; {:.0?} per measurement",
        engine.variants.len(),
        time
    );
    match in_process_arch(&engine) {
        Some(arch) => in_process(&engine, arch, time),
        None => println!(
            "no variant of this selection is linked in process with the model's codec: \
             the in-process figures need one (widen LEAFDIFF_VARIANTS)"
        ),
    }
    sweep_rate(&engine, time);
    per_arch(&engine, time);
    Ok(())
}

/// The arch the in-process figures are measured on: x86_64 where the
/// selection has it (the figures earlier runs compare with), else the first
/// arch linked in process whose encoding the model knows.
fn in_process_arch(engine: &Engine) -> Option<&'static Arch> {
    let linked_modelled: Vec<&'static Arch> = (0..engine.variants.len())
        .filter(|&v| !engine.variants[v].in_evaluator() && engine.model(v).knows_arch())
        .map(|v| engine.variants[v].arch())
        .collect();
    linked_modelled
        .iter()
        .find(|a| a.id == ARCH_X86_64)
        .or(linked_modelled.first())
        .copied()
}

/// Each target's rate through the engine beside the bare calls.
fn in_process(engine: &Engine, arch: &'static Arch, time: Duration) {
    println!("in process, on {}:", arch.name);
    for target in Target::ALL {
        let inputs = inputs(target, arch.id);
        let engine_rate = rate(time, &inputs, |b| {
            let _ = std::hint::black_box(Case::from_bytes(target, b).map(|c| engine.run(&c)));
        });
        let bare: Vec<Bare> = inputs
            .iter()
            .filter_map(|b| {
                let case = Case::from_bytes(target, b).ok()?;
                Some(Bare {
                    variant: engine.variant_for(&case)?,
                    helper: case.helper,
                    args: case.args,
                })
            })
            .collect();
        let bare_rate = rate(time, &bare, |c| {
            if target == Target::Props {
                std::hint::black_box(properties::check(engine, c.variant, &c.args));
            } else {
                std::hint::black_box(engine.variants[c.variant].eval(c.helper, &c.args));
                std::hint::black_box(engine.model(c.variant).eval(c.helper, &c.args));
            }
        });
        let bare_what = if target == Target::Props {
            "the property checks alone"
        } else {
            "C wrapper + model alone"
        };
        println!(
            "{:<12} {:>12.0} cases/s; {bare_what}: {:>12.0}/s; engine at {:.2} of bare",
            target.name(),
            engine_rate,
            bare_rate,
            engine_rate / bare_rate
        );
    }
}

/// Check's whole sweep, every variant of the selection, as check runs it.
fn sweep_rate(engine: &Engine, time: Duration) {
    let start = Instant::now();
    let targets = Target::ALL;
    let mut sweep = sweep::cases(engine, &targets);
    let mut n = 0u64;
    // In check's chunks, so a 32-bit arch's cases are batched as check batches them.
    let complete = loop {
        if start.elapsed() >= time {
            break false;
        }
        let chunk: Vec<Case> = sweep.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break true;
        }
        std::hint::black_box(engine.run_many(&chunk));
        n += chunk.len() as u64;
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{:<12} {:>12.0} cases/s (check's sweep: {n} cases in {secs:.2} s, {})",
        "sweep",
        n as f64 / secs,
        if complete { "complete" } else { "cut off" }
    );
}

/// Cases per second on each arch, run in batches as `check` runs them (a
/// 32-bit arch's calls go to the evaluator a batch at a time): the property
/// checks every arch has, and the differential targets where the model has
/// the arch's codec.
fn per_arch(engine: &Engine, time: Duration) {
    println!("per arch, cases/s as check runs them ({CHUNK} at a time):");
    let mut arches: Vec<&'static Arch> = engine.variants.iter().map(|v| v.arch()).collect();
    arches.dedup();
    for arch in arches {
        let modelled = engine
            .variants
            .iter()
            .position(|v| v.arch() == arch)
            .is_some_and(|v| engine.model(v).knows_arch());
        let figures: Vec<String> = Target::ALL
            .into_iter()
            .filter(|&t| t == Target::Props || modelled)
            .map(|target| {
                let cases: Vec<Case> = inputs(target, arch.id)
                    .iter()
                    .filter_map(|b| Case::from_bytes(target, b).ok())
                    .collect();
                let chunks: Vec<&[Case]> = cases.chunks(CHUNK).collect();
                let per_chunk = rate(time, &chunks, |c| {
                    std::hint::black_box(engine.run_many(c));
                });
                format!("{} {:.0}", target.name(), per_chunk * CHUNK as f64)
            })
            .collect();
        let in_evaluator = engine
            .variants
            .iter()
            .any(|v| v.arch() == arch && v.in_evaluator());
        let unbatched = if in_evaluator {
            format!(
                "; unbatched, a round trip per call: props {:.0}",
                unbatched_props(engine, arch, time)
            )
        } else {
            String::new()
        };
        println!(
            "  {:<12} {:>2}-bit{}  {}{unbatched}",
            arch.name,
            arch.word_bits,
            if in_evaluator { ", evaluator" } else { "" },
            figures.join(", ")
        );
    }
}

/// The property checks of an evaluator arch's cases with no batch open, so
/// each call is a round trip of its own: what batching is measured against.
fn unbatched_props(engine: &Engine, arch: &Arch, time: Duration) -> f64 {
    let bare: Vec<(usize, Args)> = inputs(Target::Props, arch.id)
        .iter()
        .filter_map(|b| {
            let case = Case::from_bytes(Target::Props, b).ok()?;
            Some((engine.variant_for(&case)?, case.args))
        })
        .collect();
    rate(time, &bare, |(variant, args)| {
        std::hint::black_box(properties::check(engine, *variant, args));
    })
}
