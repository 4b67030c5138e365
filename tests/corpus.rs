//! Replays the seed corpora on every compiled variant, and every minimized
//! regression case where it applies: on this build's kernel none may diverge.

use leafdiff::engine::case::{Case, DecodeError, Target};
use leafdiff::engine::{selector_of, Checks, Engine, Stats};
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

/// Replays `corpus/<subdir>`: seeds on every variant, regression cases
/// (`as_recorded`) only where what they record they need holds.
fn replay(subdir: &str, as_recorded: bool) -> usize {
    let engine = Engine::new(Checks::default());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(subdir);
    let mut replayed = 0;
    let mut failures = Vec::new();
    for target in Target::ALL {
        for file in files(&root.join(target.name())) {
            let bytes = std::fs::read(&file).unwrap();
            let case = match Case::from_bytes(target, &bytes) {
                // A seed for a helper this build's kernels do not define.
                Err(DecodeError::NotInBuild { .. }) => continue,
                decoded => decoded.unwrap_or_else(|e| panic!("{}: {e}", file.display())),
            };
            if as_recorded {
                let before = Stats::get(&engine.stats.skipped);
                failures.extend(
                    engine
                        .run(&case)
                        .into_iter()
                        .map(|f| format!("{}: {}", file.display(), f.signature)),
                );
                replayed += usize::from(Stats::get(&engine.stats.skipped) == before);
                continue;
            }
            for v in &engine.variants {
                let on_variant = Case {
                    kernel: selector_of(v.kernel()),
                    config_mask: u8::MAX,
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
        as_recorded
            || Stats::get(&engine.stats.compared) + Stats::get(&engine.stats.properties) > 0,
        "nothing compared"
    );
    replayed
}

#[test]
fn seed_corpora_replay_clean() {
    assert!(replay("", false) > 1000, "the seed corpora are missing");
}

#[test]
fn regressions_replay_clean() {
    // The ones that need a feature this kernel lacks run in the fixture
    // builds that have it (tests/fixtures.rs checks each runs somewhere).
    replay("regressions", true);
}

/// A corpus means the same after the helper table grows: every file decodes
/// to the same case against this build's table and against one with a
/// helper added in front (which moves every other helper's position).
#[test]
fn corpus_decodes_the_same_after_a_helper_is_added() {
    use leafdiff::helpers::{all, helper_id, HelperSpec, Layer, Sig};
    let added = HelperSpec {
        name: "aaa_softleaf_new_helper",
        sig: Sig::EntryToBool,
        layer: Layer::Classification,
        modelled: false,
        id: helper_id("aaa_softleaf_new_helper", Sig::EntryToBool),
    };
    let grown: &'static [HelperSpec] = Box::leak(
        std::iter::once(added)
            .chain(all().iter().copied())
            .collect(),
    );
    assert_eq!(grown[1..], *all());
    let in_grown = |id: u32| grown.iter().find(|h| h.id == id);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut decoded = 0;
    for target in Target::ALL {
        for file in files(&root.join(target.name())) {
            let bytes = std::fs::read(&file).unwrap();
            let Ok(now) = Case::from_bytes(target, &bytes) else {
                continue;
            };
            let after = Case::decode_body(target, &bytes, in_grown).unwrap();
            assert_eq!(
                (
                    after.helper.name,
                    after.helper.sig,
                    after.args,
                    after.kernel
                ),
                (now.helper.name, now.helper.sig, now.args, now.kernel),
                "{}",
                file.display()
            );
            decoded += 1;
        }
    }
    assert!(decoded > 500, "only {decoded} corpus files decoded");
}
