//! Replays the seed corpora and every minimized regression case on every
//! compiled variant: on this build's kernel none may diverge.

use leafdiff::engine::case::{Case, Target};
use leafdiff::engine::{Checks, Engine, Stats};
use std::path::Path;

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn replay(subdir: &str) -> usize {
    let engine = Engine::new(Checks::default());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(subdir);
    let mut replayed = 0;
    let mut failures = Vec::new();
    for target in Target::ALL {
        for file in files(&root.join(target.name())) {
            let bytes = std::fs::read(&file).unwrap();
            let case = Case::from_bytes(target, &bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for v in &engine.variants {
                let on_variant = Case {
                    kernel: v.meta.kernel as u8,
                    config_bits: v.meta.config_bits as u8,
                    ..case.clone()
                };
                replayed += 1;
                failures.extend(
                    engine
                        .run(&on_variant)
                        .into_iter()
                        .map(|f| format!("{}: {}", file.display(), f.signature)),
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} findings:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        Stats::get(&engine.stats.compared) + Stats::get(&engine.stats.properties) > 0,
        "nothing compared"
    );
    replayed
}

#[test]
fn seed_corpora_replay_clean() {
    assert!(replay("") > 1000, "the seed corpora are missing");
}

#[test]
fn regressions_replay_clean() {
    replay("regressions");
}
