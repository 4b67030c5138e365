//! `leafdiff check`: the sweep, then seeded random cases until the time is up
//! (or only the sweep, for a result that does not depend on machine speed),
//! every finding deduplicated by signature, minimized and written out.

use super::case::{Case, Target, CASE_LEN};
use super::causes::{self, CallGraph, Symptom};
use super::minimize::minimize;
use super::report::{summarize, CauseSummary, KernelSummary, Report};
use super::{reproducer, sweep, Engine, Finding, FindingKind, Stats};
use crate::call::Evaluate;
use crate::helpers::lookup;
use crate::model::{Features, Model};
use crate::oracle;
use leafdiff_kernel::config::KernelConfig;
use rand::{RngCore, SeedableRng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Called now and then with (phase, cases so far, findings so far, fraction done).
pub type Progress = Box<dyn FnMut(&str, u64, usize, f64)>;

pub struct CheckOptions {
    pub time: Duration,
    pub seed: u64,
    pub targets: Vec<Target>,
    /// Stop when the sweep is done: a run whose findings do not depend on
    /// the machine's speed (the time limit still bounds it).
    pub sweep_only: bool,
    /// Where reproducer files go; existing files are never overwritten.
    pub out_dir: PathBuf,
    pub progress: Progress,
}

pub struct CheckOutcome {
    pub report: Report,
    /// Every finding, minimized, with its reproducer file (root causes only).
    pub findings: Vec<(Finding, Option<PathBuf>)>,
}

/// Cases run together: enough that a 32-bit variant's calls travel to the
/// evaluator in few messages, few enough that the time limit still cuts
/// in within milliseconds.
pub const CHUNK: usize = 512;

/// One random chunk in this many goes to the variants in the 32-bit
/// evaluator: `leafdiff bench` measures their cases at 30-70 times the cost
/// of a linked variant's, so this gives them about a third to a half of the
/// random phase's time rather than all of it, and keeps the stream a
/// function of the seed alone.
const EVALUATOR_CHUNK_EVERY: u64 = 64;

/// The variants random cases are drawn from: linked ones, and those in the
/// evaluator, each pool non-empty or absent.
struct Pools {
    linked: Vec<usize>,
    evaluator: Vec<usize>,
}

impl Pools {
    fn of(engine: &Engine) -> Pools {
        let (evaluator, linked) =
            (0..engine.variants.len()).partition(|&v| engine.variants[v].in_evaluator());
        Pools { linked, evaluator }
    }

    /// The pool random chunk `n` (from 1) draws from.
    fn of_chunk(&self, n: u64) -> &[usize] {
        let evaluator_turn = n.is_multiple_of(EVALUATOR_CHUNK_EVERY) || self.linked.is_empty();
        if evaluator_turn && !self.evaluator.is_empty() {
            &self.evaluator
        } else {
            &self.linked
        }
    }
}

/// Runs until the sweep is done and the time is up, or the time is up.
pub fn check(engine: &Engine, mut opts: CheckOptions) -> std::io::Result<CheckOutcome> {
    let start = Instant::now();
    let deadline = start + opts.time;
    let mut found: BTreeMap<String, Seen> = BTreeMap::new();

    let mut sweep = sweep::cases(engine, &opts.targets);
    let mut n: u64 = 0;
    let mut last_progress = Instant::now();
    let mut sweeping = true;
    let mut sweep_cases = 0;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(opts.seed);
    let pools = Pools::of(engine);
    let mut random_chunks = 0u64;
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let chunk: Vec<Case> = if sweeping {
            sweep.by_ref().take(CHUNK).collect()
        } else {
            random_chunks += 1;
            let pool = pools.of_chunk(random_chunks);
            (0..CHUNK)
                .map(|_| random_case(engine, pool, &mut rng, &opts.targets))
                .collect()
        };
        if chunk.is_empty() {
            sweeping = false;
            sweep_cases = n;
            if opts.sweep_only {
                break;
            }
            continue;
        }
        for f in engine.run_many(&chunk).into_iter().flatten() {
            record(&mut found, f, now.duration_since(start));
        }
        n += chunk.len() as u64;
        if now.duration_since(last_progress) > Duration::from_millis(250) {
            last_progress = now;
            let frac = now.duration_since(start).as_secs_f64() / opts.time.as_secs_f64();
            (opts.progress)(
                if sweeping { "sweep" } else { "random" },
                n,
                found.len(),
                frac.min(1.0),
            );
        }
    }

    let mut found: Vec<Seen> = found.into_values().collect();
    found.sort_by_key(|s| s.after);
    let causes = root_causes(&found, &checked_helpers(engine, &opts.targets));
    let mut findings = Vec::new();
    let mut summaries = Vec::new();
    for (i, seen) in found.iter().enumerate() {
        let small = minimize(engine, &seen.first);
        // One reproducer per root cause: a consequence is fixed with its cause.
        let path = if causes.iter().any(|c| c.finding == i) {
            let path = write_reproducer(&opts.out_dir, &small)?;
            if let Some(p) = &path {
                // Beside it, the configs its KUnit test needs.
                let config =
                    reproducer::kunitconfig(engine, small.variant, &small.case, &small.kind);
                std::fs::write(p.with_extension("kunitconfig"), config.text)?;
            }
            path
        } else {
            None
        };
        summaries.push(summarize(
            engine,
            &small,
            path.as_ref().map(|p| p.display().to_string()),
            seen,
        ));
        findings.push((small, path));
    }
    let causes = causes
        .iter()
        .map(|c| CauseSummary::of(c, &mut summaries))
        .collect();
    let report = Report {
        kernels: engine
            .kernels()
            .into_iter()
            .enumerate()
            .map(|(i, k)| KernelSummary {
                helpers: k.helpers.len(),
                cases: Stats::get(&engine.stats.kernel_cases[i]),
                compared: Stats::get(&engine.stats.kernel_compared[i]),
                title: k.title(),
                source: k.source.into(),
                version: k.version.into(),
                sha256: k.sha256.into(),
                verified: k.verified.into(),
                patches: k.patches.into(),
            })
            .collect(),
        variants: engine.variants.iter().map(|v| v.label()).collect(),
        variants_built: oracle::variants().len(),
        build_findings: build_findings(engine),
        across_versions: super::across::compare(engine),
        seconds: start.elapsed().as_secs_f64(),
        cases: Stats::get(&engine.stats.cases),
        sweep: if sweeping {
            format!("cut off by the time limit after {n} cases")
        } else {
            format!("complete, {sweep_cases} cases")
        },
        compared: Stats::get(&engine.stats.compared),
        property_checks: Stats::get(&engine.stats.properties),
        skipped: Stats::get(&engine.stats.skipped),
        helpers_compared: helpers_compared(engine, &opts.targets),
        helpers: engine
            .kernels()
            .into_iter()
            .map(super::inventory::of_kernel)
            .collect(),
        causes,
        findings: summaries,
    };
    Ok(CheckOutcome { report, findings })
}

/// Each variant whose build disagrees with the model's expectation: it does
/// not compile (the model expects every config Kconfig allows to compile,
/// unless a static assertion it knows of fires), or it compiles although
/// the model expects an assertion to fire.
fn build_findings(engine: &Engine) -> Vec<String> {
    let mut out = super::inventory::prototype_changes(engine);
    out.extend(super::inventory::missing_in_config(engine));
    for b in oracle::build_findings() {
        let config = KernelConfig::from_bits(b.config_bits);
        let kernel = &oracle::kernels()[b.kernel];
        let features = Features::from_defined(kernel.arch, &|n| kernel.defines(n));
        let expected = Model::new(kernel.arch, config.clone(), features).expected_build_failures();
        let model = if expected.is_empty() {
            "the model expects it to compile".to_string()
        } else {
            format!("as the model expects ({})", expected.join("; "))
        };
        out.push(format!(
            "k{}:{}:{}: does not compile, {model}: {}",
            kernel.tree,
            kernel.arch.name,
            config.label(),
            compiler_summary(b.compiler_output)
        ));
    }
    for (i, v) in engine.variants.iter().enumerate() {
        let expected = engine.model(i).expected_build_failures();
        if !expected.is_empty() {
            out.push(format!(
                "{}: compiles, but the model expects {}",
                v.label(),
                expected.join("; ")
            ));
        }
    }
    out
}

/// The compiler's errors and notes with the source lines they quote, on one
/// line: for a duplicate `case`, both colliding names.
fn compiler_summary(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let mut parts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(at) = line.find("error:").or_else(|| line.find("note:")) {
            let mut part = line[at..].trim().to_string();
            if let Some((_, code)) = lines.get(i + 1).and_then(|l| l.split_once(" | ")) {
                part.push_str(&format!(" `{}`", code.trim()));
            }
            parts.push(part);
        }
        if parts.len() == 6 {
            break;
        }
    }
    parts.join("; ")
}

/// `check`'s buckets grouped under their root causes, by the call graph of
/// the kernels' own definitions (see `causes`); `checked` are the helpers
/// the run called, those without a finding telling where siblings meet.
pub fn root_causes(found: &[Seen], checked: &[&'static str]) -> Vec<causes::Cause> {
    let wrong: Vec<&str> = found.iter().map(|s| s.first.helper).collect();
    let agreeing: Vec<&str> = checked
        .iter()
        .copied()
        .filter(|h| !wrong.contains(h))
        .collect();
    let graph = CallGraph::of_kernels(
        oracle::kernels(),
        wrong.iter().chain(agreeing.iter()).copied(),
    );
    let symptoms: Vec<Symptom> = found
        .iter()
        .map(|s| Symptom {
            helper: s.first.helper,
            involves: match &s.first.kind {
                // Property names spell out the helpers they relate.
                FindingKind::Property { property, .. } => property
                    .split('-')
                    .filter(|w| *w != s.first.helper && lookup(w).is_some())
                    .collect(),
                FindingKind::Divergence { .. } => Vec::new(),
            },
            inputs: &s.inputs,
            divergence: matches!(s.first.kind, FindingKind::Divergence { .. }),
            arch: s.first.signature.arch,
        })
        .collect();
    let causes = causes::group(&symptoms, &graph);
    let mut causes = causes::merge_siblings(causes, &symptoms, &graph, &agreeing);
    for c in &mut causes {
        for name in &mut c.meets_at {
            if let Some((file, line)) = graph.place(name) {
                *name = format!("{name} ({file}:{line})");
            }
        }
    }
    causes
}

/// Every helper the run's targets call that some variant's C defines.
fn checked_helpers(engine: &Engine, targets: &[Target]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = targets
        .iter()
        .flat_map(|t| t.helpers())
        .filter(|h| engine.variants.iter().any(|v| v.has(h.name)))
        .map(|h| h.name)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Everything `check` saw of one bucket (a helper going wrong one way).
pub struct Seen {
    /// The first case that showed it; the reproducer is minimized from it.
    pub first: Finding,
    /// Variants it showed in, in the order seen.
    pub variants: Vec<String>,
    /// Input classes it showed for, in the order seen.
    pub inputs: Vec<String>,
    pub hits: u64,
    /// Time from the start of the run to the first hit.
    pub after: Duration,
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

fn record(found: &mut BTreeMap<String, Seen>, f: Finding, after: Duration) {
    let seen = found.entry(f.signature.bucket()).or_insert_with(|| Seen {
        variants: Vec::new(),
        inputs: Vec::new(),
        hits: 0,
        after,
        first: f.clone(),
    });
    seen.hits += 1;
    push_new(&mut seen.variants, &f.signature.variant);
    push_new(&mut seen.inputs, &f.signature.input);
}

fn helpers_compared(engine: &Engine, targets: &[Target]) -> usize {
    let mut names: Vec<&str> = targets
        .iter()
        .filter(|t| **t != Target::Props)
        .flat_map(|t| t.helpers())
        .filter(|h| {
            (0..engine.variants.len()).any(|v| {
                engine.variants[v].has(h.name)
                    && engine.model(v).eval(h, &Default::default()).is_some()
            })
        })
        .map(|h| h.name)
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

/// A random case on a random variant: the helper drawn from the target's
/// helpers, the argument bytes at random.
fn random_case(
    engine: &Engine,
    pool: &[usize],
    rng: &mut rand_chacha::ChaCha8Rng,
    targets: &[Target],
) -> Case {
    let mut bytes = [0u8; CASE_LEN];
    rng.fill_bytes(&mut bytes);
    let variant = pool[u16::from_le_bytes([bytes[2], bytes[3]]) as usize % pool.len()];
    let v = engine.variants[variant];
    let target = targets[(bytes[0] as usize) % targets.len()];
    // On an arch the model has no codec for, a differential case would only
    // be skipped: its cases check the properties.
    let target = if engine.model(variant).knows_arch() || !targets.contains(&Target::Props) {
        target
    } else {
        Target::Props
    };
    let helpers = target.helpers();
    let helper = helpers[u16::from_le_bytes([bytes[7], bytes[8]]) as usize % helpers.len()];
    // Bias the entry's type field into the 5-bit range most of the time:
    // random 64-bit words almost never hold a defined type otherwise.
    if bytes[1] & 3 != 0 {
        bytes[11] &= 0x7f;
    }
    bytes[0] = super::case::FORMAT_VERSION;
    bytes[1] = v.arch().id;
    bytes[7..11].copy_from_slice(&helper.id.to_be_bytes());
    let case = Case::from_bytes(target, &bytes).expect("a helper of this build");
    Case {
        kernel: super::selector_of(v.kernel()),
        config_mask: u8::MAX,
        config_bits: v.meta.config_bits as u8,
        ..case
    }
}

/// A file name from what broke, the input class and how, made safe (the
/// variant is in the file's bytes); an existing file with other contents
/// keeps its name and the new one gets a numbered suffix.
pub fn write_reproducer(dir: &Path, f: &Finding) -> std::io::Result<Option<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let sig = &f.signature;
    let slug: String = format!("{} {} {}", sig.what, sig.input, sig.how)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(120).collect();
    write_new(dir, &slug, f.case.target.name(), &f.case.to_bytes()).map(Some)
}

/// Writes `bytes` as `dir/<stem>.<ext>`, or as `<stem>.<n>.<ext>` when a file
/// with other contents has the name; a file with the same contents is kept
/// as it is. Written to a temporary name and renamed, so an interrupt never
/// leaves half a file.
pub fn write_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for n in 0.. {
        let name = if n == 0 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}.{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(existing) if existing == bytes => return Ok(path),
            Ok(_) => continue,
            Err(_) => {
                let tmp = dir.join(format!(".{stem}.{}.tmp", std::process::id()));
                std::fs::write(&tmp, bytes)?;
                std::fs::rename(&tmp, &path)?;
                return Ok(path);
            }
        }
    }
    unreachable!("some numbered name is free")
}
