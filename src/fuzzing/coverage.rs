//! `leafdiff coverage`: which lines and branches of the kernel's helpers
//! (the C under test) and of the model the corpus reaches, as an HTML
//! report and a one-line summary.
//!
//! The fuzz targets are built with LLVM's source-based coverage: the Rust
//! with `-Cinstrument-coverage` (branches too), the kernel's C with clang's
//! `-fprofile-instr-generate -fcoverage-mapping` through build.rs's cc
//! build, which honours CC and CFLAGS. Each corpus file runs once in the
//! target it belongs to (a libFuzzer binary runs the files it is given and
//! exits), the profiles are merged with `llvm-profdata`, and `llvm-cov`
//! writes the report. AFL++'s queue files are cases in the same format, so
//! an AFL++ output directory is read as the queues it holds. Binaries of an
//! OSS-Fuzz coverage build (`SANITIZER=coverage`) can be given instead of
//! building.

use super::corpus;
use super::FuzzError;
use crate::engine::case::Target;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The oldest LLVM whose tools read the profiles and coverage mappings
/// that nightly rustc writes.
const OLDEST_LLVM: u32 = 19;

/// A libFuzzer binary takes the files to run on its command line; this
/// many per process keeps that line short.
const FILES_PER_RUN: usize = 500;

pub struct CoverageOptions {
    pub repo: PathBuf,
    /// Each target with the corpus directories its inputs are read from.
    pub corpora: Vec<(Target, Vec<PathBuf>)>,
    /// Coverage-instrumented targets already built (an OSS-Fuzz `$OUT`);
    /// None: build them under target/coverage.
    pub binaries: Option<PathBuf>,
    /// The HTML report goes to `<out_dir>/coverage/`.
    pub out_dir: PathBuf,
}

/// Covered and total count of lines or branches.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub covered: u64,
    pub total: u64,
}

impl Count {
    fn add(&mut self, other: Count) {
        self.covered += other.covered;
        self.total += other.total;
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.total == 0 {
            return write!(f, "n/a");
        }
        let pct = 100.0 * self.covered as f64 / self.total as f64;
        write!(f, "{pct:.1}% ({}/{})", self.covered, self.total)
    }
}

/// Lines and branches of one part of the code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PartCoverage {
    pub lines: Count,
    pub branches: Count,
    pub files: usize,
}

/// What the report is about: the kernel's C under test, and the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Kernel,
    Model,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub kernel: PartCoverage,
    pub model: PartCoverage,
    /// Corpus files run, per target.
    pub inputs: Vec<(&'static str, usize)>,
    pub report: PathBuf,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inputs: usize = self.inputs.iter().map(|(_, n)| n).sum();
        write!(
            f,
            "coverage: kernel C lines {}, branches {}; model lines {}, branches {}; {inputs} inputs; report {}",
            self.kernel.lines,
            self.kernel.branches,
            self.model.lines,
            self.model.branches,
            self.report.join("index.html").display()
        )
    }
}

/// Which part a source file of the coverage mapping is, if any. The
/// kernel's C is what build.rs compiles from
/// `OUT_DIR/kernels/k<N>/<arch>/include/` (the headers as extracted for an
/// arch, `kernel/src/prepare.rs`); the model is
/// `src/model/` of this repository, matched by name so that a build made
/// elsewhere (an OSS-Fuzz `$SRC`) counts too.
pub fn part_of(path: &str, model_files: &[String]) -> Option<Part> {
    let parts: Vec<&str> = path.split('/').collect();
    let tree = |c: &str| {
        c.strip_prefix('k')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    // `kernels/k<N>/<arch>/include/`: one tree's headers per arch.
    let kernel = parts
        .windows(4)
        .any(|w| w[0] == "kernels" && tree(w[1]) && w[3] == "include");
    if kernel {
        return Some(Part::Kernel);
    }
    let model = parts.len() >= 3
        && parts[parts.len() - 3..parts.len() - 1] == ["src", "model"]
        && model_files.iter().any(|m| m == parts[parts.len() - 1]);
    model.then_some(Part::Model)
}

/// Sums `llvm-cov export -summary-only`'s per-file lines and branches by
/// part; returns the files of each part too, for the HTML report.
pub fn summarize(
    export: &serde_json::Value,
    model_files: &[String],
) -> Result<(PartCoverage, PartCoverage, Vec<String>), String> {
    let files = export["data"][0]["files"]
        .as_array()
        .ok_or("llvm-cov export printed no file list")?;
    let count = |summary: &serde_json::Value, key: &str| Count {
        covered: summary[key]["covered"].as_u64().unwrap_or(0),
        total: summary[key]["count"].as_u64().unwrap_or(0),
    };
    let (mut kernel, mut model) = (PartCoverage::default(), PartCoverage::default());
    let mut shown = Vec::new();
    for file in files {
        let Some(name) = file["filename"].as_str() else {
            continue;
        };
        let part = match part_of(name, model_files) {
            Some(Part::Kernel) => &mut kernel,
            Some(Part::Model) => &mut model,
            None => continue,
        };
        part.lines.add(count(&file["summary"], "lines"));
        part.branches.add(count(&file["summary"], "branches"));
        part.files += 1;
        shown.push(name.to_string());
    }
    Ok((kernel, model, shown))
}

/// The corpus files under `dir`: its files, or, for an AFL++ output
/// directory (`-o`), the files of each fuzzer's `queue/` (and `crashes/`).
pub fn inputs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut fuzzers: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("queue").is_dir())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("corpus directory {} does not exist", dir.display()),
            ))
        }
        Err(e) => return Err(e),
    };
    if dir.join("queue").is_dir() {
        fuzzers.push(dir.to_path_buf());
    }
    if fuzzers.is_empty() {
        return corpus::files(dir);
    }
    fuzzers.sort();
    let mut out = Vec::new();
    for f in fuzzers {
        out.extend(corpus::files(&f.join("queue"))?);
        out.extend(corpus::files(&f.join("crashes"))?);
    }
    Ok(out)
}

/// `name-N` for the newest N ≥ OLDEST_LLVM on PATH, else `name` itself.
fn llvm_tool(name: &str) -> Result<PathBuf, FuzzError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut best: Option<(u32, PathBuf)> = None;
    for dir in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            let Some(v) = file
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('-'))
                .and_then(|v| v.parse::<u32>().ok())
            else {
                continue;
            };
            if v >= OLDEST_LLVM && best.as_ref().is_none_or(|(b, _)| v > *b) {
                best = Some((v, e.path()));
            }
        }
    }
    if let Some((_, p)) = best {
        return Ok(p);
    }
    let plain = PathBuf::from(name);
    match Command::new(&plain).arg("--version").output() {
        Ok(o) if o.status.success() => Ok(plain),
        _ => Err(FuzzError::Env(format!(
            "no {name} (LLVM {OLDEST_LLVM} or newer) on PATH; `scripts/setup --fuzz` installs llvm-{OLDEST_LLVM}"
        ))),
    }
}

/// Builds the fuzz targets with coverage instrumentation under
/// target/coverage; returns the directory of the binaries.
fn build(repo: &Path, work: &Path) -> Result<PathBuf, FuzzError> {
    let target_dir = repo.join("target/coverage");
    let append = |var: &str, flags: &str| match std::env::var(var) {
        Ok(v) if !v.is_empty() => format!("{v} {flags}"),
        _ => flags.to_string(),
    };
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "build", "--release", "--bins", "--locked"])
        .current_dir(repo.join("fuzz"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .env(
            "RUSTFLAGS",
            append(
                "RUSTFLAGS",
                "--cfg fuzzing -Cinstrument-coverage -Zcoverage-options=branch",
            ),
        )
        .env(
            "CFLAGS",
            append("CFLAGS", "-fprofile-instr-generate -fcoverage-mapping"),
        )
        // The instrumented build scripts write profiles as they run.
        .env("LLVM_PROFILE_FILE", work.join("build-%p.profraw"));
    // CFLAGS reach every crate's C (ring's too), so the compiler must be
    // one that takes clang's coverage flags.
    if std::env::var_os("CC").is_none() {
        cmd.env("CC", leafdiff_kernel::compiler::clang());
    }
    eprintln!(
        "leafdiff: building the fuzz targets with coverage instrumentation in {}",
        target_dir.display()
    );
    super::run_build(
        cmd,
        "the coverage build (cargo +nightly build of fuzz/)",
        "scripts/setup --fuzz installs nightly and clang",
    )?;
    Ok(target_dir.join("release"))
}

/// Runs every input of `files` once in `binary`, profiles into `work`.
fn replay(binary: &Path, files: &[PathBuf], work: &Path) -> Result<(), FuzzError> {
    let name = binary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for chunk in files.chunks(FILES_PER_RUN) {
        let out = Command::new(binary)
            .args(chunk)
            .env("LLVM_PROFILE_FILE", work.join(format!("{name}-%p.profraw")))
            .current_dir(work)
            .stdout(Stdio::null())
            .output()
            .map_err(|e| FuzzError::Env(format!("{}: {e}", binary.display())))?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr);
            let last = text
                .lines()
                .rev()
                .find(|l| l.starts_with("Running: "))
                .unwrap_or("");
            return Err(FuzzError::Env(format!(
                "{name} failed ({}) on a corpus input{}: a corpus file that crashes is a finding, not coverage; \
                 `leafdiff repro FILE` shows it (the crash file libFuzzer wrote is in {})",
                out.status,
                last.strip_prefix("Running:")
                    .map(|f| format!(" ({})", f.trim()))
                    .unwrap_or_default(),
                work.display()
            )));
        }
    }
    Ok(())
}

fn tool_output(mut cmd: Command, what: &str) -> Result<Vec<u8>, FuzzError> {
    let out = cmd
        .output()
        .map_err(|e| FuzzError::Env(format!("{what}: {e}")))?;
    if !out.status.success() {
        return Err(FuzzError::Env(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The names of the model's source files.
fn model_files(repo: &Path) -> std::io::Result<Vec<String>> {
    Ok(corpus::files(&repo.join("src/model"))?
        .iter()
        .filter_map(|p| Some(p.file_name()?.to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".rs"))
        .collect())
}

pub fn run(opts: &CoverageOptions) -> Result<Summary, FuzzError> {
    let profdata = llvm_tool("llvm-profdata")?;
    let llvm_cov = llvm_tool("llvm-cov")?;
    let report = opts.out_dir.join("coverage");
    // One per run, never emptied first: a run that stopped on a crashing
    // input leaves libFuzzer's crash file there for `leafdiff repro`.
    let work = std::path::absolute(report.join(format!("work-{}", std::process::id())))?;
    std::fs::create_dir_all(&work)?;
    let bin_dir = match &opts.binaries {
        Some(dir) => dir.clone(),
        None => build(&opts.repo, &work)?,
    };
    let mut binaries = Vec::new();
    let mut inputs_run = Vec::new();
    for (target, dirs) in &opts.corpora {
        let binary = std::path::absolute(bin_dir.join(target.name()))?;
        if !binary.is_file() {
            return Err(FuzzError::Env(format!(
                "{} is missing: give --binaries the output directory of a coverage build",
                binary.display()
            )));
        }
        let mut files = Vec::new();
        for dir in dirs {
            files.extend(
                inputs(dir)?
                    .into_iter()
                    .map(std::path::absolute)
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        if files.is_empty() {
            eprintln!("leafdiff: {}: no corpus input, left out", target.name());
            continue;
        }
        eprintln!(
            "leafdiff: {}: running {} inputs",
            target.name(),
            files.len()
        );
        replay(&binary, &files, &work)?;
        inputs_run.push((target.name(), files.len()));
        binaries.push(binary);
    }
    if binaries.is_empty() {
        return Err(FuzzError::Env(
            "no corpus input to measure: fuzz first (`leafdiff fuzz`) or name a corpus with --corpus".into(),
        ));
    }
    let profiles: Vec<PathBuf> = corpus::files(&work)?
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "profraw")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("build-"))
        })
        .collect();
    let merged = work.join("corpus.profdata");
    let mut cmd = Command::new(&profdata);
    cmd.args(["merge", "-sparse", "-o"])
        .arg(&merged)
        .args(&profiles);
    tool_output(cmd, "llvm-profdata merge")?;

    let objects = |cmd: &mut Command| {
        cmd.arg(format!("-instr-profile={}", merged.display()))
            .arg(&binaries[0]);
        for b in &binaries[1..] {
            cmd.arg("-object").arg(b);
        }
    };
    let mut cmd = Command::new(&llvm_cov);
    cmd.args(["export", "-summary-only"]);
    objects(&mut cmd);
    let export: serde_json::Value =
        serde_json::from_slice(&tool_output(cmd, "llvm-cov export")?)
            .map_err(|e| FuzzError::Env(format!("llvm-cov export printed no JSON: {e}")))?;
    let (kernel, model, shown) =
        summarize(&export, &model_files(&opts.repo)?).map_err(FuzzError::Env)?;
    if kernel.files == 0 {
        return Err(FuzzError::Env(format!(
            "the binaries in {} carry no coverage of the kernel's C: build them with \
             CFLAGS=\"-fprofile-instr-generate -fcoverage-mapping\" and CC=clang (or let leafdiff coverage build them)",
            bin_dir.display()
        )));
    }
    let html = report.join("html");
    let _ = std::fs::remove_dir_all(&html);
    let mut cmd = Command::new(&llvm_cov);
    cmd.args([
        "show",
        "-format=html",
        "-show-branches=count",
        "-show-line-counts-or-regions",
        "-show-instantiations=false",
    ])
    .arg(format!("-output-dir={}", html.display()))
    .arg("-project-title=leafdiff: the kernel's helpers and the model");
    objects(&mut cmd);
    cmd.args(&shown);
    tool_output(cmd, "llvm-cov show")?;
    let summary = Summary {
        kernel,
        model,
        inputs: inputs_run,
        report: html,
    };
    std::fs::write(report.join("summary.txt"), format!("{summary}\n"))?;
    std::fs::remove_dir_all(&work)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Vec<String> {
        vec!["mod.rs".into(), "types.rs".into()]
    }

    #[test]
    fn kernel_c_is_the_extracted_headers_and_the_model_is_src_model() {
        let m = model();
        let out = "/w/target/coverage/release/build/leafdiff-1/out";
        assert_eq!(
            part_of(
                &format!("{out}/kernels/k0/x86_64/include/linux/leafops.h"),
                &m
            ),
            Some(Part::Kernel)
        );
        assert_eq!(
            part_of(
                &format!("{out}/kernels/k12/arm64-4k/include/leafdiff/extracted/arch.h"),
                &m
            ),
            Some(Part::Kernel)
        );
        // Our generated wrapper and shims are not the C under test.
        assert_eq!(part_of(&format!("{out}/kernels/k0/ld_k0c0.c"), &m), None);
        assert_eq!(part_of("/w/csrc/shim/linux/mm_types.h", &m), None);
        assert_eq!(part_of("/w/csrc/shim/x86_64/asm/pgtable.h", &m), None);
        assert_eq!(
            part_of(&format!("{out}/kernels/kx/x86_64/include/a.h"), &m),
            None
        );
        // The model wherever the repository was built (OSS-Fuzz's $SRC too).
        assert_eq!(part_of("/w/src/model/types.rs", &m), Some(Part::Model));
        assert_eq!(
            part_of("/src/leafdiff/src/model/mod.rs", &m),
            Some(Part::Model)
        );
        assert_eq!(part_of("/w/src/engine/mod.rs", &m), None);
        assert_eq!(
            part_of("/root/.cargo/registry/src/x/crate/src/model/gone.rs", &m),
            None
        );
    }

    #[test]
    fn sums_lines_and_branches_by_part() {
        let export = serde_json::json!({"data": [{"files": [
            {"filename": "/o/kernels/k0/x86_64/include/linux/swapops.h",
             "summary": {"lines": {"count": 100, "covered": 60}, "branches": {"count": 10, "covered": 5}}},
            {"filename": "/o/kernels/k1/x86_64/include/linux/swapops.h",
             "summary": {"lines": {"count": 50, "covered": 50}, "branches": {"count": 0, "covered": 0}}},
            {"filename": "/r/src/model/mod.rs",
             "summary": {"lines": {"count": 200, "covered": 150}, "branches": {"count": 40, "covered": 10}}},
            {"filename": "/r/src/engine/mod.rs",
             "summary": {"lines": {"count": 999, "covered": 1}, "branches": {"count": 9, "covered": 9}}}
        ]}]});
        let (kernel, model, shown) = summarize(&export, &super::tests::model()).unwrap();
        assert_eq!(
            kernel.lines,
            Count {
                covered: 110,
                total: 150
            }
        );
        assert_eq!(
            kernel.branches,
            Count {
                covered: 5,
                total: 10
            }
        );
        assert_eq!(kernel.files, 2);
        assert_eq!(
            model.lines,
            Count {
                covered: 150,
                total: 200
            }
        );
        assert_eq!(shown.len(), 3);
        assert_eq!(kernel.lines.to_string(), "73.3% (110/150)");
        assert_eq!(Count::default().to_string(), "n/a");
        assert!(summarize(&serde_json::json!({}), &[]).is_err());
    }

    #[test]
    fn an_afl_output_directory_is_read_as_its_queues() {
        let tmp = tempfile::tempdir().unwrap();
        let afl = tmp.path().join("afl");
        for (dir, file) in [
            ("default/queue", "id:000000,time:0,execs:0,orig:seed"),
            ("default/queue/.state", "ignored"),
            ("default/crashes", "id:000000,sig:06"),
            ("w2/queue", "id:000001,src:000000"),
        ] {
            std::fs::create_dir_all(afl.join(dir)).unwrap();
            std::fs::write(afl.join(dir).join(file), [2u8]).unwrap();
        }
        std::fs::write(afl.join("default/fuzzer_stats"), "execs_done : 1\n").unwrap();
        let names: Vec<String> = inputs(&afl)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&afl).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "default/queue/id:000000,time:0,execs:0,orig:seed",
                "default/crashes/id:000000,sig:06",
                "w2/queue/id:000001,src:000000"
            ]
        );
        // A libFuzzer corpus is its files; a missing one is an error that names it.
        std::fs::write(tmp.path().join("case"), [2u8]).unwrap();
        assert_eq!(inputs(tmp.path()).unwrap(), [tmp.path().join("case")]);
        let err = inputs(&tmp.path().join("nope")).unwrap_err().to_string();
        assert!(err.contains("nope"), "{err}");
    }
}
