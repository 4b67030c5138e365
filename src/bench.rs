//! `leafdiff bench`: cases per second through the same code the fuzz targets
//! and `check` run, per target, next to the cost of decoding alone. The
//! libFuzzer-side figures come from `benches/fuzz-exec-rate.sh`.

use crate::engine::case::{Case, Target, CASE_LEN};
use crate::engine::{sweep, Checks, Engine};
use rand::{RngCore, SeedableRng};
use std::time::{Duration, Instant};

fn rate(time: Duration, mut body: impl FnMut(&[u8; CASE_LEN])) -> f64 {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut bytes = [0u8; CASE_LEN];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < time {
        for _ in 0..256 {
            rng.fill_bytes(&mut bytes);
            bytes[0] = crate::engine::case::FORMAT_VERSION;
            body(&bytes);
            n += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

pub fn run(time: Duration) -> anyhow::Result<()> {
    let engine = Engine::from_env(Checks::default())?;
    println!(
        "{} variants; {:.0?} per measurement",
        engine.variants.len(),
        time
    );
    let empty = rate(time, |b| {
        let _ = std::hint::black_box(Case::from_bytes(Target::Entry, b));
    });
    println!("{:<12} {:>12.0} cases/s (decoding only)", "empty", empty);
    for target in Target::ALL {
        let r = rate(time, |b| {
            let _ = std::hint::black_box(Case::from_bytes(target, b).map(|c| engine.run(&c)));
        });
        println!(
            "{:<12} {:>12.0} cases/s ({:.2} of empty)",
            target.name(),
            r,
            r / empty
        );
    }
    let start = Instant::now();
    let targets = Target::ALL;
    let mut sweep = sweep::cases(&engine, &targets);
    let mut n = 0u64;
    let complete = loop {
        if start.elapsed() >= time {
            break false;
        }
        let Some(case) = sweep.next() else {
            break true;
        };
        std::hint::black_box(engine.run(&case));
        n += 1;
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{:<12} {:>12.0} cases/s (check's sweep: {n} cases in {secs:.2} s, {})",
        "sweep",
        n as f64 / secs,
        if complete { "complete" } else { "cut off" }
    );
    Ok(())
}
