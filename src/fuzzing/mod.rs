//! `leafdiff fuzz`: the fuzz targets under libFuzzer or AFL++ on N cores for
//! a time, then what a kernel developer needs: corpus/ grown by the inputs
//! that add coverage, and one minimized reproducer and KUnit test case per
//! new finding under the output directory.
//!
//! The run is cut into chunks (one target, one engine process, at most
//! `MAX_CHUNK`), handed round-robin over the targets to N workers, so every
//! target gets an even share and each chunk's inputs are merged as soon as
//! it ends. Fuzzer processes run in their own process group: a Ctrl-C
//! reaches leafdiff alone, which stops them, merges what they wrote and
//! triages their crash files before it exits. Crash files are kept under
//! `<out>/fuzz/crashes/<target>/` and never deleted.

pub mod corpus;
pub mod coverage;
pub mod triage;

use crate::engine::case::Target;
use crate::engine::Engine;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Long enough for libFuzzer to get going, short enough that merges and
/// findings come in while a long run goes on.
const MAX_CHUNK: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuzzEngine {
    LibFuzzer,
    Afl,
}

impl FuzzEngine {
    pub fn name(self) -> &'static str {
        match self {
            FuzzEngine::LibFuzzer => "libfuzzer",
            FuzzEngine::Afl => "afl",
        }
    }
}

pub struct FuzzOptions {
    pub time: Duration,
    pub jobs: usize,
    pub targets: Vec<Target>,
    pub engine: FuzzEngine,
    /// The source tree: fuzz/, corpus/.
    pub repo: PathBuf,
    pub out_dir: PathBuf,
    /// An indicatif bar (a terminal) or plain lines.
    pub bar: bool,
}

pub struct FuzzOutcome {
    pub written: Vec<triage::Written>,
    pub refound: BTreeMap<String, (PathBuf, usize)>,
    pub unexplained: Vec<(PathBuf, String)>,
    pub execs: u64,
    pub added: BTreeMap<&'static str, usize>,
    pub interrupted: bool,
}

/// A problem with the environment (tools, builds), not a finding: exit 2.
#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    #[error("{0}")]
    Env(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Set by SIGINT.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Set when leafdiff stops the fuzzers (an interrupt or a worker's error):
/// workers take no further chunk, and a fuzzer ended by it is no failure.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Where `cargo fuzz build` (run in `repo`) puts its binaries: under
/// CARGO_TARGET_DIR when that is set, as it is for every cargo below us.
fn libfuzzer_binary(repo: &Path, target: Target) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| repo.join(d))
        .unwrap_or_else(|| repo.join("fuzz/target"));
    dir.join("x86_64-unknown-linux-gnu/release")
        .join(target.name())
}

fn afl_binary(repo: &Path, target: Target) -> PathBuf {
    repo.join("target/afl/release").join(target.name())
}

fn run_build(mut cmd: Command, what: &str, hint: &str) -> Result<(), FuzzError> {
    // Under `cargo run`, CARGO names the cargo that runs us, which cargo-fuzz
    // would use in place of nightly's: another cargo, another fingerprint, a
    // full rebuild of fuzz/target after every plain `cargo fuzz build`.
    let status = cmd
        .env_remove("CARGO")
        .stdout(Stdio::null())
        .status()
        .map_err(|e| FuzzError::Env(format!("{what}: {e}; {hint}")))?;
    if !status.success() {
        return Err(FuzzError::Env(format!("{what} failed ({status}); {hint}")));
    }
    Ok(())
}

/// Builds the fuzz targets: libFuzzer's always (its `-merge=1` decides what
/// enters the corpus, whichever engine found it), AFL++'s for `--engine afl`.
fn build(opts: &FuzzOptions) -> Result<(), FuzzError> {
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", "build", "-O"])
        .current_dir(&opts.repo);
    run_build(
        cmd,
        "cargo +nightly fuzz build -O",
        "scripts/setup --fuzz installs cargo-fuzz and nightly",
    )?;
    if opts.engine == FuzzEngine::Afl {
        let mut cmd = Command::new("cargo");
        cmd.args([
            "afl",
            "build",
            "--release",
            "--manifest-path",
            "fuzz/Cargo.toml",
            "--no-default-features",
            "--features",
            "afl",
            "--target-dir",
            "target/afl",
        ])
        .current_dir(&opts.repo);
        run_build(
            cmd,
            "cargo afl build",
            "scripts/setup --afl installs cargo-afl",
        )?;
    }
    Ok(())
}

/// Counters the workers update and the progress display reads.
#[derive(Default)]
struct Live {
    /// Executions of finished chunks.
    done: AtomicU64,
    /// Executions of running chunks, by worker.
    running: Mutex<BTreeMap<usize, u64>>,
    /// Highest coverage seen per target (libFuzzer's `cov:`, AFL++'s edges found).
    cov: Mutex<BTreeMap<&'static str, u64>>,
    /// Running fuzzer processes, by worker, for the interrupt.
    children: Mutex<BTreeMap<usize, u32>>,
}

impl Live {
    fn execs(&self) -> u64 {
        self.done.load(Ordering::Relaxed) + self.running.lock().unwrap().values().sum::<u64>()
    }
}

/// A crash file a chunk left, for the triage on the main thread.
struct Crash {
    target: Target,
    path: PathBuf,
}

/// What a worker reports back.
enum Report {
    Crash(Crash),
    Added(&'static str, usize),
    Error(String),
}

/// The `#N ... cov: C` of a libFuzzer status line.
fn parse_libfuzzer_line(line: &str) -> Option<(u64, Option<u64>)> {
    // `#N\tNEW cov: ...` in-process, `#N: cov: ...` in fork mode.
    let rest = line.strip_prefix('#')?;
    let n: u64 = rest
        .split_whitespace()
        .next()?
        .trim_end_matches(':')
        .parse()
        .ok()?;
    let cov = line
        .split_once("cov: ")
        .and_then(|(_, r)| r.split_whitespace().next()?.parse().ok());
    Some((n, cov))
}

/// The file of libFuzzer's `Test unit written to PATH` line.
fn written_artifact(line: &str) -> Option<PathBuf> {
    let (_, path) = line.split_once("Test unit written to ")?;
    Some(PathBuf::from(path.trim()))
}

/// `key : value` lines of AFL++'s `fuzzer_stats`.
fn afl_stat(stats: &str, key: &str) -> Option<u64> {
    stats.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().parse().ok())?
    })
}

struct Worker {
    id: usize,
    opts: Arc<FuzzOptions>,
    work: PathBuf,
    dict: PathBuf,
    live: Arc<Live>,
    tx: mpsc::Sender<Report>,
}

impl Worker {
    fn crash_dir(&self, target: Target) -> PathBuf {
        self.opts.out_dir.join("fuzz/crashes").join(target.name())
    }

    fn corpus(&self, target: Target) -> PathBuf {
        self.opts.repo.join("corpus").join(target.name())
    }

    fn spawn(&self, mut cmd: Command) -> std::io::Result<Child> {
        // Its own process group: the terminal's Ctrl-C goes to leafdiff only.
        cmd.process_group(0);
        let child = cmd.spawn()?;
        self.live
            .children
            .lock()
            .unwrap()
            .insert(self.id, child.id());
        Ok(child)
    }

    fn finished(&self, execs: u64) {
        self.live.children.lock().unwrap().remove(&self.id);
        self.live.running.lock().unwrap().remove(&self.id);
        self.live.done.fetch_add(execs, Ordering::Relaxed);
    }

    /// One libFuzzer chunk; new inputs land in `new`. libFuzzer stops at its
    /// first crash, so a crash that ends the process early starts another
    /// one for the rest of the chunk. When the same crash comes back (a seed
    /// that crashes, a shallow bug), the rest of the chunk runs in fork mode
    /// with crashes ignored: slower per input, but the target keeps being
    /// fuzzed instead of stopping at its seeds.
    fn libfuzzer_chunk(&self, target: Target, secs: u64, new: &Path) -> Result<(), String> {
        let crashes = self.crash_dir(target);
        std::fs::create_dir_all(&crashes).map_err(|e| e.to_string())?;
        let end = Instant::now() + Duration::from_secs(secs);
        let mut saved: Vec<PathBuf> = Vec::new();
        let mut fork = false;
        while !STOP.load(Ordering::SeqCst) {
            let left = end.saturating_duration_since(Instant::now()).as_secs();
            if left == 0 {
                break;
            }
            let (status, written, tail) =
                self.libfuzzer_process(target, left, new, &crashes, fork)?;
            let fresh: Vec<PathBuf> = written.into_iter().filter(|p| !saved.contains(p)).collect();
            for path in &fresh {
                let _ = self.tx.send(Report::Crash(Crash {
                    target,
                    path: path.clone(),
                }));
            }
            if status.success() || STOP.load(Ordering::SeqCst) {
                break;
            }
            if fresh.is_empty() {
                let crashed = tail.iter().any(|l| l.contains("Test unit written to "));
                if saved.is_empty() && !crashed {
                    return Err(format!(
                        "{} exited with {status} and saved no crash:\n{}",
                        target.name(),
                        tail.join("\n")
                    ));
                }
                if fork {
                    break;
                }
                fork = true;
            }
            saved.extend(fresh);
        }
        Ok(())
    }

    /// One libFuzzer process: its exit status, the crash files it says it
    /// wrote, and the last lines of its output.
    fn libfuzzer_process(
        &self,
        target: Target,
        secs: u64,
        new: &Path,
        crashes: &Path,
        fork: bool,
    ) -> Result<(std::process::ExitStatus, Vec<PathBuf>, Vec<String>), String> {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let (new, crashes) = (abs(new), abs(crashes));
        let mut cmd = Command::new(libfuzzer_binary(&self.opts.repo, target));
        // Run in the crash directory: in fork mode libFuzzer writes crash
        // files to its working directory, whatever -artifact_prefix says.
        cmd.current_dir(&crashes);
        if fork {
            cmd.args([
                "-fork=1",
                "-ignore_crashes=1",
                "-ignore_timeouts=1",
                "-ignore_ooms=1",
            ]);
        }
        cmd.arg(format!("-max_total_time={secs}"))
            .arg("-print_final_stats=1")
            .arg(format!("-dict={}", abs(&self.dict).display()))
            .arg(format!("-artifact_prefix={}/", crashes.display()))
            .arg(&new)
            .arg(abs(&self.corpus(target)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = self.spawn(cmd).map_err(|e| e.to_string())?;
        let mut tail: Vec<String> = Vec::new();
        let mut written = Vec::new();
        let mut execs = 0;
        for line in BufReader::new(child.stderr.take().expect("piped")).lines() {
            let Ok(line) = line else { break };
            if let Some((n, cov)) = parse_libfuzzer_line(&line) {
                execs = n;
                self.live.running.lock().unwrap().insert(self.id, n);
                if let Some(c) = cov {
                    let mut all = self.live.cov.lock().unwrap();
                    let e = all.entry(target.name()).or_default();
                    *e = (*e).max(c);
                }
            }
            if let Some(path) = written_artifact(&line) {
                // `./crash-…` in fork mode, the prefix and name otherwise:
                // either way the file is in the crash directory.
                if let Some(name) = path.file_name() {
                    written.push(crashes.join(name));
                }
            }
            tail.push(line);
            if tail.len() > 40 {
                tail.remove(0);
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        self.finished(execs);
        Ok((status, written, tail))
    }

    /// One AFL++ chunk; its queue is copied to `new` and its crashes, under
    /// the crash directory, kept.
    fn afl_chunk(&self, target: Target, secs: u64, new: &Path, n: usize) -> Result<(), String> {
        let out = self
            .work
            .join(format!("afl-{}-w{}-{n}", target.name(), self.id));
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&self.opts.repo)
            .env_remove("CARGO")
            .args(["afl", "fuzz", "-i"])
            .arg(self.corpus(target))
            .arg("-o")
            .arg(&out)
            .arg("-x")
            .arg(&self.dict)
            .arg("-V")
            .arg(secs.to_string())
            .arg("--")
            .arg(afl_binary(&self.opts.repo, target))
            .env("AFL_NO_UI", "1")
            .env("AFL_SKIP_CPUFREQ", "1")
            .env("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = self.spawn(cmd).map_err(|e| e.to_string())?;
        let status = child.wait().map_err(|e| e.to_string())?;
        let stats = std::fs::read_to_string(out.join("default/fuzzer_stats")).unwrap_or_default();
        if let Some(edges) = afl_stat(&stats, "edges_found") {
            let mut all = self.live.cov.lock().unwrap();
            let e = all.entry(target.name()).or_default();
            *e = (*e).max(edges);
        }
        self.finished(afl_stat(&stats, "execs_done").unwrap_or(0));
        let crashes = self.crash_dir(target);
        std::fs::create_dir_all(&crashes).map_err(|e| e.to_string())?;
        for path in corpus::files(&out.join("default/crashes")).map_err(|e| e.to_string())? {
            let name = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace([':', ','], "_");
            let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
            let kept =
                crate::engine::check::write_new(&crashes, &format!("afl-{name}"), "crash", &bytes)
                    .map_err(|e| e.to_string())?;
            let _ = self.tx.send(Report::Crash(Crash { target, path: kept }));
        }
        for path in corpus::files(&out.join("default/queue")).map_err(|e| e.to_string())? {
            let name = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace([':', ','], "_");
            std::fs::copy(&path, new.join(name)).map_err(|e| e.to_string())?;
        }
        if status.success() || STOP.load(Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&out);
            return Ok(());
        }
        Err(format!(
            "cargo afl fuzz for {} exited with {status}; its output is in {}",
            target.name(),
            out.display()
        ))
    }

    /// Merges `new` into the corpus through a staging copy; then `new` can go.
    fn merge(&self, target: Target, new: &Path) -> Result<usize, String> {
        if corpus::files(new).map_err(|e| e.to_string())?.is_empty() {
            return Ok(0);
        }
        let staging = self
            .work
            .join(format!("staging-{}-w{}", target.name(), self.id));
        let _ = std::fs::remove_dir_all(&staging);
        let corpus_dir = self.corpus(target);
        corpus::stage(&corpus_dir, &staging).map_err(|e| e.to_string())?;
        let crashes = std::path::absolute(self.crash_dir(target)).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&crashes).map_err(|e| e.to_string())?;
        let mut cmd = Command::new(libfuzzer_binary(&self.opts.repo, target));
        // An input that crashes during the merge is saved as a crash file
        // too, and must land with the others, not in the working directory.
        cmd.current_dir(&crashes)
            .arg(format!("-artifact_prefix={}/", crashes.display()))
            .arg("-merge=1")
            .arg(format!(
                "-merge_control_file={}",
                self.work
                    .join(format!("merge-{}-w{}.ctl", target.name(), self.id))
                    .display()
            ))
            .arg(std::path::absolute(&staging).map_err(|e| e.to_string())?)
            .arg(std::path::absolute(new).map_err(|e| e.to_string())?)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own group too: the terminal's Ctrl-C must not cut a merge
            // short; stop() never signals it, so it runs to its end.
            .process_group(0);
        let status = cmd.status().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!(
                "merging {} into {} failed ({status}); the inputs stay in {}",
                new.display(),
                corpus_dir.display(),
                new.display()
            ));
        }
        let added = corpus::adopt(&staging, &corpus_dir).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::remove_dir_all(new).map_err(|e| e.to_string())?;
        Ok(added.len())
    }

    fn run(self, chunks: Vec<(Target, u64)>) {
        for (n, (target, secs)) in chunks.into_iter().enumerate() {
            if STOP.load(Ordering::SeqCst) {
                break;
            }
            let new = self
                .work
                .join(format!("new-{}-w{}-{n}", target.name(), self.id));
            if let Err(e) = std::fs::create_dir_all(&new) {
                let _ = self.tx.send(Report::Error(e.to_string()));
                return;
            }
            let ran = match self.opts.engine {
                FuzzEngine::LibFuzzer => self.libfuzzer_chunk(target, secs, &new),
                FuzzEngine::Afl => self.afl_chunk(target, secs, &new, n),
            };
            // Whatever the chunk's end, what it wrote is merged.
            let merged = self.merge(target, &new);
            match (ran, merged) {
                (Ok(()), Ok(added)) => {
                    let _ = self.tx.send(Report::Added(target.name(), added));
                }
                (Err(e), _) | (_, Err(e)) => {
                    let _ = self.tx.send(Report::Error(e));
                    return;
                }
            }
        }
    }
}

/// The chunks of each worker: targets round-robin, each chunk at most
/// `MAX_CHUNK`, every worker busy for `time`.
pub fn plan(time: Duration, jobs: usize, targets: &[Target]) -> Vec<Vec<(Target, u64)>> {
    let jobs = jobs.max(1);
    let secs = time.as_secs().max(1);
    // Enough chunks per worker that every target gets its turn...
    let per_worker = targets.len().div_ceil(jobs).max(1) as u64;
    // ...and none longer than MAX_CHUNK.
    let per_worker = per_worker.max(secs.div_ceil(MAX_CHUNK.as_secs()));
    let mut plans = vec![Vec::new(); jobs];
    let mut next = 0;
    for i in 0..per_worker {
        let len = secs / per_worker + u64::from(i < secs % per_worker);
        for plan in plans.iter_mut() {
            if len > 0 {
                plan.push((targets[next % targets.len()], len));
            }
            next += 1;
        }
    }
    plans
}

fn progress_line(live: &Live, start: Instant, findings: usize) -> String {
    let execs = live.execs();
    let rate = execs as f64 / start.elapsed().as_secs_f64().max(0.001);
    let cov: Vec<String> = live
        .cov
        .lock()
        .unwrap()
        .iter()
        .map(|(t, c)| format!("{t} {c}"))
        .collect();
    format!(
        "{execs} execs ({:.0}/s), cov: {}, findings: {findings}",
        rate,
        if cov.is_empty() {
            "-".to_string()
        } else {
            cov.join(", ")
        }
    )
}

/// Builds, fuzzes, merges, triages. Findings come back written; the caller
/// decides the exit code.
pub fn run(engine: &Engine, opts: FuzzOptions) -> Result<FuzzOutcome, FuzzError> {
    if opts.targets.is_empty() {
        return Err(FuzzError::Env("no target to fuzz".into()));
    }
    build(&opts)?;
    for t in &opts.targets {
        let bin = libfuzzer_binary(&opts.repo, *t);
        if !bin.is_file() {
            return Err(FuzzError::Env(format!("{} was not built", bin.display())));
        }
    }
    // Absolute: libFuzzer runs in the crash directory.
    let work = std::path::absolute(
        opts.out_dir
            .join("fuzz/work")
            .join(std::process::id().to_string()),
    )?;
    std::fs::create_dir_all(&work)?;
    let dict = work.join("leafdiff.dict");
    std::fs::write(
        &dict,
        crate::dict::render(&crate::dict::entries(&engine.variants)),
    )?;
    let mut triage = triage::Triage::new(engine, &opts.out_dir)?;

    INTERRUPTED.store(false, Ordering::SeqCst);
    STOP.store(false, Ordering::SeqCst);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    let previous =
        unsafe { libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t) };

    let opts = Arc::new(opts);
    let live = Arc::new(Live::default());
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let mut handles = Vec::new();
    for (id, chunks) in plan(opts.time, opts.jobs, &opts.targets)
        .into_iter()
        .enumerate()
    {
        let worker = Worker {
            id,
            opts: Arc::clone(&opts),
            work: work.clone(),
            dict: dict.clone(),
            live: Arc::clone(&live),
            tx: tx.clone(),
        };
        handles.push(std::thread::spawn(move || worker.run(chunks)));
    }
    drop(tx);

    let bar = opts.bar.then(|| {
        let bar = indicatif::ProgressBar::new(opts.time.as_secs().max(1));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let mut added: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut stopping = false;
    let mut triaged = std::collections::BTreeSet::new();
    let mut last_line = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(Report::Crash(c)) => {
                // Two workers on one target may both report a crash file.
                if triaged.insert(c.path.clone()) {
                    triage.add_crash(c.target, &c.path, start.elapsed())?;
                }
            }
            Ok(Report::Added(t, n)) => *added.entry(t).or_default() += n,
            Ok(Report::Error(e)) => {
                errors.push(e);
                stop(&live);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if INTERRUPTED.load(Ordering::SeqCst) && !stopping {
            stopping = true;
            let msg =
                "interrupted: stopping the fuzzers, then merging and triaging what they wrote";
            match &bar {
                Some(b) => b.println(format!("leafdiff: {msg}")),
                None => eprintln!("leafdiff: {msg}"),
            }
            stop(&live);
        }
        let findings = triage.new.len();
        match &bar {
            Some(b) => {
                b.set_position(start.elapsed().as_secs());
                b.set_message(progress_line(&live, start, findings));
            }
            None if last_line.elapsed() >= Duration::from_secs(10) => {
                last_line = Instant::now();
                eprintln!(
                    "leafdiff: fuzz {:>4} s: {}",
                    start.elapsed().as_secs(),
                    progress_line(&live, start, findings)
                );
            }
            None => {}
        }
    }
    for h in handles {
        let _ = h.join();
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // SAFETY: restores the handler that was there before.
    unsafe {
        libc::signal(libc::SIGINT, previous);
    }
    let interrupted = INTERRUPTED.load(Ordering::SeqCst);
    if !errors.is_empty() {
        return Err(FuzzError::Env(errors.join("\n")));
    }
    let written = triage.finish(&opts.out_dir)?;
    let _ = std::fs::remove_dir_all(&work);
    let _ = std::fs::remove_dir(opts.out_dir.join("fuzz/work"));
    let refound = triage
        .refound
        .iter()
        .map(|(bucket, files)| {
            let path = triage.known()[bucket].clone();
            (bucket.clone(), (path, files.len()))
        })
        .collect();
    Ok(FuzzOutcome {
        written,
        refound,
        unexplained: triage.unexplained.clone(),
        execs: live.execs(),
        added,
        interrupted,
    })
}

/// Asks every running fuzzer to stop the way a terminal's Ctrl-C would:
/// libFuzzer and AFL++ both end cleanly on SIGINT, crash files written.
fn stop(live: &Live) {
    STOP.store(true, Ordering::SeqCst);
    for &pid in live.children.lock().unwrap().values() {
        // SAFETY: kill(2) on a process group this run started.
        unsafe {
            libc::kill(-(pid as libc::pid_t), libc::SIGINT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_is_busy_for_the_time_and_every_target_gets_its_share() {
        let targets = Target::ALL;
        let plans = plan(Duration::from_secs(600), 2, &targets);
        assert_eq!(plans.len(), 2);
        let mut share: BTreeMap<&str, u64> = BTreeMap::new();
        for p in &plans {
            assert_eq!(p.iter().map(|(_, s)| s).sum::<u64>(), 600);
            assert!(p.iter().all(|(_, s)| *s <= MAX_CHUNK.as_secs()));
            for (t, s) in p {
                *share.entry(t.name()).or_default() += s;
            }
        }
        assert_eq!(share.len(), 3, "{share:?}");
        let (lo, hi) = (share.values().min().unwrap(), share.values().max().unwrap());
        assert!(hi - lo <= MAX_CHUNK.as_secs(), "{share:?}");
    }

    #[test]
    fn a_short_run_still_reaches_every_target() {
        let plans = plan(Duration::from_secs(30), 2, &Target::ALL);
        let named: std::collections::BTreeSet<&str> =
            plans.iter().flatten().map(|(t, _)| t.name()).collect();
        assert_eq!(named.len(), 3);
        assert!(plans
            .iter()
            .all(|p| p.iter().map(|(_, s)| s).sum::<u64>() == 30));
    }

    #[test]
    fn reads_libfuzzer_status_lines_in_both_modes() {
        assert_eq!(
            parse_libfuzzer_line("#4096\tpulse  cov: 812 ft: 1290 corp: 40/1240b exec/s: 2048"),
            Some((4096, Some(812)))
        );
        assert_eq!(
            parse_libfuzzer_line("#120034: cov: 913 ft: 1500 corp: 61 exec/s: 40011 oom/timeout/crash: 0/0/1 time: 3s job: 2"),
            Some((120034, Some(913)))
        );
        assert_eq!(parse_libfuzzer_line("INFO: Seed: 1234"), None);
        assert_eq!(
            written_artifact("artifact_prefix='out/'; Test unit written to out/crash-0a1b"),
            Some(PathBuf::from("out/crash-0a1b"))
        );
        assert_eq!(written_artifact("#2 INITED cov: 10"), None);
    }

    #[test]
    fn reads_afl_stats() {
        let stats =
            "start_time        : 1700000000\nexecs_done        : 123456\nedges_found       : 321\n";
        assert_eq!(afl_stat(stats, "execs_done"), Some(123456));
        assert_eq!(afl_stat(stats, "edges_found"), Some(321));
        assert_eq!(afl_stat(stats, "corpus_count"), None);
    }
}
