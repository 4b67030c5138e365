//! Crash files in, findings out: each crash file (libFuzzer's or AFL++'s,
//! any target, any run) is decoded as the case it is and run through the
//! engine in process; findings are deduplicated by the bucket `check` uses
//! (`Signature::bucket`: a helper going wrong one way), so one bug found by
//! three targets, two engines and five runs is one finding. A bucket that a
//! reproducer already under the output directory shows is known, not new.
//! Crash files are only read, never moved or deleted.

use crate::engine::case::{Case, Target};
use crate::engine::check::{write_new, write_reproducer};
use crate::engine::minimize::minimize;
use crate::engine::reproducer;
use crate::engine::{Engine, Finding};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything seen of one new bucket.
pub struct NewFinding {
    /// The first finding, which the reproducer is minimized from.
    pub first: Finding,
    /// Every crash file that showed it, in the order triaged.
    pub crashes: Vec<PathBuf>,
    /// Variants and input classes it showed in, in the order seen.
    pub variants: Vec<String>,
    pub inputs: Vec<String>,
    /// Time from the start of the run to the first crash file that showed it.
    pub after: Duration,
}

/// What `finish` wrote for one new finding.
pub struct Written {
    pub bucket: String,
    pub signature: String,
    pub crashes: usize,
    pub variants: Vec<String>,
    pub inputs: Vec<String>,
    pub reproducer: PathBuf,
    pub kunit: PathBuf,
    pub after: Duration,
}

pub struct Triage<'e> {
    engine: &'e Engine,
    /// Buckets shown by reproducers already in the output directory.
    known: BTreeMap<String, PathBuf>,
    /// Known buckets this run found again, with their crash files.
    pub refound: BTreeMap<String, Vec<PathBuf>>,
    pub new: BTreeMap<String, NewFinding>,
    /// Crash files that decode to no finding on this build (an out-of-memory,
    /// a timeout, a sanitizer report in the C, or a file of another format),
    /// kept and listed so someone looks at them.
    pub unexplained: Vec<(PathBuf, String)>,
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// The fuzz target a reproducer file belongs to, from its extension
/// (`write_reproducer` names files `<slug>.<target>`).
fn target_by_extension(path: &Path) -> Option<Target> {
    Target::of_name(path.extension()?.to_str()?)
}

impl<'e> Triage<'e> {
    /// Reads the reproducers under `out_dir` (from `check` or earlier
    /// `fuzz` runs): their buckets are the known findings.
    pub fn new(engine: &'e Engine, out_dir: &Path) -> std::io::Result<Triage<'e>> {
        // What known-findings.toml lists is known too; its reproducer is
        // the list itself.
        let mut known: BTreeMap<String, PathBuf> = crate::engine::known::all()
            .iter()
            .map(|k| (k.bucket.clone(), PathBuf::from("known-findings.toml")))
            .collect();
        if out_dir.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(out_dir)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            for path in files {
                let Some(target) = target_by_extension(&path) else {
                    continue;
                };
                let Ok(case) = Case::from_bytes(target, &std::fs::read(&path)?) else {
                    continue;
                };
                for f in engine.run(&case) {
                    known.entry(f.signature.bucket()).or_insert(path.clone());
                }
            }
        }
        Ok(Triage {
            engine,
            known,
            refound: BTreeMap::new(),
            new: BTreeMap::new(),
            unexplained: Vec::new(),
        })
    }

    pub fn known(&self) -> &BTreeMap<String, PathBuf> {
        &self.known
    }

    /// Decodes and runs one crash file of `target`; returns how many new
    /// buckets it opened.
    pub fn add_crash(
        &mut self,
        target: Target,
        path: &Path,
        after: Duration,
    ) -> std::io::Result<usize> {
        let bytes = std::fs::read(path)?;
        let case = match Case::from_bytes(target, &bytes) {
            Ok(case) => case,
            Err(e) => {
                self.unexplained.push((path.to_path_buf(), e.to_string()));
                return Ok(0);
            }
        };
        let findings = self.engine.run(&case);
        if findings.is_empty() {
            self.unexplained.push((
                path.to_path_buf(),
                "no divergence or property violation when replayed in process".into(),
            ));
            return Ok(0);
        }
        Ok(findings
            .into_iter()
            .filter(|f| self.record(f.clone(), path, after))
            .count())
    }

    /// Files one finding under its bucket; true if the bucket is new.
    pub fn record(&mut self, f: Finding, crash: &Path, after: Duration) -> bool {
        let bucket = f.signature.bucket();
        if self.known.contains_key(&bucket) {
            let files = self.refound.entry(bucket).or_default();
            if !files.iter().any(|p| p == crash) {
                files.push(crash.to_path_buf());
            }
            return false;
        }
        let fresh = !self.new.contains_key(&bucket);
        let seen = self.new.entry(bucket).or_insert_with(|| NewFinding {
            first: f.clone(),
            crashes: Vec::new(),
            variants: Vec::new(),
            inputs: Vec::new(),
            after,
        });
        if !seen.crashes.iter().any(|p| p == crash) {
            seen.crashes.push(crash.to_path_buf());
        }
        push_new(&mut seen.variants, &f.signature.variant);
        push_new(&mut seen.inputs, &f.signature.input);
        fresh
    }

    /// Minimizes each new finding and writes its reproducer and KUnit test
    /// case under `out_dir`, never overwriting a file.
    pub fn finish(&self, out_dir: &Path) -> std::io::Result<Vec<Written>> {
        let mut out = Vec::new();
        let mut found: Vec<(&String, &NewFinding)> = self.new.iter().collect();
        found.sort_by_key(|(_, n)| n.after);
        for (bucket, n) in found {
            let small = minimize(self.engine, &n.first);
            let reproducer =
                write_reproducer(out_dir, &small)?.expect("write_reproducer always names a file");
            let signature = small.signature.to_string();
            let kunit = reproducer::kunit(
                self.engine,
                small.variant,
                &small.case,
                &small.kind,
                &signature,
            );
            let stem = reproducer
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let kunit = write_new(out_dir, &stem, "kunit.c", kunit.as_bytes())?;
            out.push(Written {
                bucket: bucket.clone(),
                signature,
                crashes: n.crashes.len(),
                variants: n.variants.clone(),
                inputs: n.inputs.clone(),
                reproducer,
                kunit,
                after: n.after,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::Outcome;
    use crate::engine::{signature, Checks, FindingKind};
    use crate::helpers::Sig;

    fn engine() -> Engine {
        Engine::new(Checks::default())
    }

    /// Real case files of `corpus/diff_entry`, decoded.
    fn corpus_cases(engine: &Engine) -> Vec<(PathBuf, Case)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/diff_entry");
        super::super::corpus::files(&dir)
            .unwrap()
            .into_iter()
            .filter_map(|p| {
                // Seeds of helpers this build's kernel lacks are skipped.
                let case = Case::from_bytes(Target::Entry, &std::fs::read(&p).unwrap()).ok()?;
                Some((p, engine.pin_variant(&case)?))
            })
            .collect()
    }

    /// What the engine would report if the C answered `c` for `case`
    /// (the default kernel has no divergence to crash on).
    fn diverging(engine: &Engine, case: &Case, c: Outcome) -> Finding {
        let variant = engine.variant_for(case).unwrap();
        let model = engine.evaluate(variant, case.helper, &case.args).unwrap().1;
        Finding {
            signature: signature::divergence(engine, variant, case, &c, &model),
            kind: FindingKind::Divergence { c, model },
            helper: case.helper.name,
            case: case.clone(),
            variant,
        }
    }

    fn off_by_one(engine: &Engine, case: &Case) -> Outcome {
        let variant = engine.variant_for(case).unwrap();
        let mut c = engine.evaluate(variant, case.helper, &case.args).unwrap().0;
        c.value ^= 1;
        c
    }

    #[test]
    fn crash_files_of_one_bug_are_one_finding_whatever_found_them() {
        let engine = engine();
        let cases = corpus_cases(&engine);
        let (_, a) = cases
            .iter()
            .find(|(_, c)| {
                c.helper.sig == Sig::Const
                    && engine
                        .evaluate(engine.variant_for(c).unwrap(), c.helper, &c.args)
                        .is_some()
            })
            .expect("a constant the default kernel defines");
        let (_, b) = cases
            .iter()
            .find(|(_, c)| {
                c.helper.name != a.helper.name
                    && c.helper.sig == Sig::Const
                    && engine
                        .evaluate(engine.variant_for(c).unwrap(), c.helper, &c.args)
                        .is_some()
            })
            .expect("a second constant");
        // The same helper and way of going wrong, from two engines' crash
        // files (and other input bytes): one bucket.
        let mut a2 = a.clone();
        a2.args.b ^= 0x55;
        let tmp = tempfile::tempdir().unwrap();
        let mut triage = Triage::new(&engine, tmp.path()).unwrap();
        let t = Duration::ZERO;
        assert!(triage.record(
            diverging(&engine, a, off_by_one(&engine, a)),
            Path::new("crashes/diff_entry/crash-1"),
            t
        ));
        assert!(!triage.record(
            diverging(&engine, &a2, off_by_one(&engine, &a2)),
            Path::new("crashes/props/afl-id_000001.crash"),
            t
        ));
        // The same crash file again changes nothing.
        assert!(!triage.record(
            diverging(&engine, a, off_by_one(&engine, a)),
            Path::new("crashes/diff_entry/crash-1"),
            t
        ));
        // A warning where the model has none is another way of going wrong.
        let mut warned = engine
            .evaluate(engine.variant_for(a).unwrap(), a.helper, &a.args)
            .unwrap()
            .0;
        warned.warned = !warned.warned;
        assert!(triage.record(diverging(&engine, a, warned), Path::new("crash-2"), t));
        // Another helper is another finding.
        assert!(triage.record(
            diverging(&engine, b, off_by_one(&engine, b)),
            Path::new("crash-3"),
            t
        ));
        assert_eq!(triage.new.len(), 3);
        let first = &triage.new[&diverging(&engine, a, off_by_one(&engine, a))
            .signature
            .bucket()];
        assert_eq!(first.crashes.len(), 2);

        // One reproducer and one KUnit file per finding, none overwritten:
        // writing the same findings again names the same files.
        let out = tmp.path().join("out");
        let written = triage.finish(&out).unwrap();
        assert_eq!(written.len(), 3);
        for w in &written {
            assert!(
                w.reproducer.is_file() && w.kunit.is_file(),
                "{:?}",
                w.reproducer
            );
            let kunit = std::fs::read_to_string(&w.kunit).unwrap();
            assert!(kunit.contains("KUNIT_CASE"), "{kunit}");
        }
        let again = triage.finish(&out).unwrap();
        for (w, v) in written.iter().zip(&again) {
            assert_eq!((&w.reproducer, &w.kunit), (&v.reproducer, &v.kunit));
        }
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 6);
    }

    #[test]
    fn a_crash_file_without_a_finding_is_kept_as_unexplained() {
        let engine = engine();
        let cases = corpus_cases(&engine);
        let tmp = tempfile::tempdir().unwrap();
        let mut triage = Triage::new(&engine, tmp.path()).unwrap();
        // A real case (no finding on the default kernel) and a file of no format.
        let garbage = tmp.path().join("crash-garbage");
        std::fs::write(&garbage, [0xee, 1, 2]).unwrap();
        assert_eq!(
            triage
                .add_crash(Target::Entry, &cases[0].0, Duration::ZERO)
                .unwrap(),
            0
        );
        assert_eq!(
            triage
                .add_crash(Target::Entry, &garbage, Duration::ZERO)
                .unwrap(),
            0
        );
        assert!(triage.new.is_empty());
        let files: Vec<&PathBuf> = triage.unexplained.iter().map(|(p, _)| p).collect();
        assert_eq!(files, vec![&cases[0].0, &garbage]);
        assert!(garbage.is_file(), "crash files are only read");
    }
}
