//! The `leafdiff` command line: check, repro, bisect, info, diff, pin, bench, dict, fuzz, coverage.

use clap::{Parser, Subcommand};
use leafdiff::engine::case::{Case, DecodeError, Target};
use leafdiff::engine::check::{check, CheckOptions};
use leafdiff::engine::{describe, reproducer, Checks, Engine, FindingKind};
use leafdiff::oracle;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `repro`'s exit status for a case this build cannot run (its helper,
/// kernel or config is not in the build): skipped, never reinterpreted.
const NOT_APPLICABLE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "leafdiff",
    version,
    about = "Differential testing of the kernel's swap-entry and softleaf helpers: the kernel's own C against a Rust model"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Only {
    /// C against the model only.
    Diff,
    /// Model-free properties of the C only.
    Props,
}

#[derive(Subcommand)]
enum Command {
    /// Sweep, then random differential and property checks until the time is up.
    /// Exit 0: nothing found but what known-findings.toml lists; 1: findings; 2: usage or environment error.
    Check {
        /// Seconds to run (the sweep stops early if time runs out).
        #[arg(long, default_value_t = 60)]
        time: u64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Write the Markdown report here, and the JSON report beside it (FILE.json).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Directory for reproducer files (never overwritten).
        #[arg(long, default_value = "leafdiff-out")]
        out: PathBuf,
        /// Run only one kind of check.
        #[arg(long, value_enum)]
        only: Option<Only>,
        /// Stop after the deterministic sweep (no random phase): the same
        /// findings on any machine, as long as --time allows the sweep to end.
        #[arg(long)]
        sweep_only: bool,
    },
    /// Decode a crash, corpus or reproducer file and show C against the model.
    Repro {
        file: PathBuf,
        /// Print a KUnit test case.
        #[arg(long, conflicts_with_all = ["c", "kunitconfig"])]
        kunit: bool,
        /// Print a standalone C program against the extracted headers.
        #[arg(long, conflicts_with = "kunitconfig")]
        c: bool,
        /// Print the .kunitconfig the KUnit test case needs.
        #[arg(long)]
        kunitconfig: bool,
        /// Fuzz target the file belongs to (default: from its extension or directory).
        #[arg(long, value_parser = ["diff_entry", "diff_pte", "props"])]
        target: Option<String>,
    },
    /// The first kernel of the build (in LEAFDIFF_KERNEL's order, oldest
    /// first; LEAFDIFF_VARIANTS narrows it) where a finding appears, and the
    /// header hunks that differ from the last kernel without it. Build with
    /// the range: `LEAFDIFF_KERNEL=6.1,6.12,7.2,7.3 cargo build --release`.
    /// Exit 0: pinned to a kernel; 1: it appears on none; 2: usage or
    /// environment error; 3: the case runs on no kernel of the build.
    Bisect {
        /// A reproducer, corpus or crash file, or a signature as `check`
        /// prints it (`helper | variant | input | how`; the variant is ignored).
        finding: String,
        /// Fuzz target a crash file belongs to (default: from its extension or directory).
        #[arg(long, value_parser = ["diff_entry", "diff_pte", "props"])]
        target: Option<String>,
    },
    /// Kernels, variants and the helpers found in each.
    Info,
    /// What the series in LEAFDIFF_PATCHES changes: every helper both the
    /// patched and the unpatched kernel define, on the same inputs, no model.
    /// Needs a build with LEAFDIFF_BASE=1. Exit 0: nothing asymmetric; 1: a
    /// sibling helper left unchanged where the others changed; 2: no base.
    Diff {
        /// Also write the result as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Refresh kernel-pin.toml to the newest Debian package of the pinned series.
    Pin {
        #[arg(long)]
        refresh: bool,
    },
    /// Measure cases per second of `check` and of each fuzz target's body.
    Bench {
        /// Seconds per measurement.
        #[arg(long, default_value_t = 5)]
        time: u64,
    },
    /// Print a libFuzzer/AFL++ dictionary of the kernel's constants (type
    /// numbers, marker bits, PTE bits) as this build's C variants compile them.
    Dict,
    /// Run the fuzz targets (libFuzzer or AFL++) on N cores, merge new inputs
    /// into corpus/, and write one minimized reproducer and KUnit test per
    /// new finding. Exit 0: no new finding; 1: new findings; 2: usage or
    /// environment error.
    Fuzz {
        /// Seconds to fuzz, in all.
        #[arg(long, default_value_t = 60)]
        time: u64,
        /// Fuzzer processes at once.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        jobs: u64,
        /// Targets to fuzz (default: every fuzzing target).
        #[arg(long, num_args = 1.., value_parser = ["diff_entry", "diff_pte", "props"])]
        target: Vec<String>,
        #[arg(long, value_enum, default_value_t = FuzzEngineArg::Libfuzzer)]
        engine: FuzzEngineArg,
        /// Directory for reproducers and KUnit files (never overwritten);
        /// crash files are kept under OUT/fuzz/crashes/.
        #[arg(long, default_value = "leafdiff-out")]
        out: PathBuf,
    },
    /// Line and branch coverage of the kernel's helpers (the C under test)
    /// and of the model, from the corpus: an HTML report under
    /// OUT/coverage/html/ and a one-line summary. Builds the fuzz targets
    /// with LLVM coverage instrumentation (nightly, clang, llvm-cov and
    /// llvm-profdata 19 or newer: `scripts/setup --fuzz`). Exit 0: report
    /// written; 2: a tool, build or corpus problem.
    Coverage {
        /// Targets to measure (default: every fuzzing target).
        #[arg(long, num_args = 1.., conflicts_with = "corpus", value_parser = ["diff_entry", "diff_pte", "props"])]
        target: Vec<String>,
        /// A corpus to read instead of corpus/TARGET and
        /// corpus/regressions/TARGET: a libFuzzer corpus directory or an
        /// AFL++ output directory (its queues are read). Repeatable.
        #[arg(long, value_name = "TARGET=DIR")]
        corpus: Vec<String>,
        /// Use the coverage-instrumented targets in DIR (an OSS-Fuzz
        /// SANITIZER=coverage $OUT) instead of building them.
        #[arg(long, value_name = "DIR")]
        binaries: Option<PathBuf>,
        #[arg(long, default_value = "leafdiff-out")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FuzzEngineArg {
    Libfuzzer,
    Afl,
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, which turns a closed pipe into a panic in
    // println!; a command-line tool should just stop.
    // SAFETY: called before any other thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            time,
            seed,
            report,
            out,
            only,
            sweep_only,
        } => run_check(time, seed, report, out, only, sweep_only),
        Command::Repro {
            file,
            kunit,
            c,
            kunitconfig,
            target,
        } => run_repro(&file, Form::of(kunit, c, kunitconfig), target.as_deref()),
        Command::Bisect { finding, target } => run_bisect(&finding, target.as_deref()),
        Command::Info => run_info(),
        Command::Diff { json } => run_diff(json.as_deref()),
        Command::Pin { refresh } => run_pin(refresh),
        Command::Bench { time } => run_bench(time),
        Command::Dict => run_dict(),
        Command::Fuzz {
            time,
            jobs,
            target,
            engine,
            out,
        } => run_fuzz(time, jobs as usize, &target, engine, out),
        Command::Coverage {
            target,
            corpus,
            binaries,
            out,
        } => run_coverage(&target, &corpus, binaries, out),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("leafdiff: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// An engine over the variants `LEAFDIFF_VARIANTS` selects; never an empty one.
fn engine(checks: Checks) -> anyhow::Result<Engine> {
    Ok(Engine::from_env(checks)?)
}

fn progress(total: Duration) -> leafdiff::engine::check::Progress {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(1000);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Box::new(move |phase, cases, findings, frac| {
            bar.set_position((frac * 1000.0) as u64);
            bar.set_message(format!("{phase}: {cases} cases, {findings} findings"));
        })
    } else {
        let mut last = std::time::Instant::now();
        let every = (total / 6).max(Duration::from_secs(5));
        Box::new(move |phase, cases, findings, frac| {
            if last.elapsed() >= every {
                last = std::time::Instant::now();
                eprintln!(
                    "leafdiff: {:3.0}% {phase}: {cases} cases, {findings} findings",
                    frac * 100.0
                );
            }
        })
    }
}

fn run_check(
    time: u64,
    seed: u64,
    report: Option<PathBuf>,
    out: PathBuf,
    only: Option<Only>,
    sweep_only: bool,
) -> anyhow::Result<ExitCode> {
    let checks = Checks {
        differential: only != Some(Only::Props),
        properties: only != Some(Only::Diff),
    };
    let mut targets = Vec::new();
    if checks.differential {
        targets.extend([Target::Entry, Target::Pte]);
    }
    if checks.properties {
        targets.push(Target::Props);
    }
    // Before the run, not after it: a report that cannot be written would
    // lose the whole run.
    if let Some(dir) = report.as_deref().and_then(std::path::Path::parent) {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("--report: cannot create {}: {e}", dir.display()))?;
    }
    let engine = engine(checks)?;
    let time = Duration::from_secs(time);
    let outcome = check(
        &engine,
        CheckOptions {
            time,
            seed,
            targets,
            sweep_only,
            out_dir: out,
            progress: progress(time),
        },
    )?;
    let r = &outcome.report;
    anyhow::ensure!(
        r.compared + r.property_checks > 0,
        "the run compared nothing: no helper was found in both the C and the model"
    );
    let md = r.to_markdown();
    println!("{md}");
    if let Some(path) = report {
        let write = |path: &std::path::Path, text: &str| {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("cannot write the report to {}: {e}", path.display()))
        };
        write(&path, &md)?;
        let json = path.with_extension("json");
        write(&json, &serde_json::to_string_pretty(r)?)?;
        eprintln!(
            "leafdiff: report written to {} and {}",
            path.display(),
            json.display()
        );
    }
    Ok(if r.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn target_of(file: &std::path::Path, given: Option<&str>) -> anyhow::Result<Target> {
    let by_name = |n: &std::ffi::OsStr| n.to_str().and_then(Target::of_name);
    given
        .and_then(Target::of_name)
        .or_else(|| file.extension().and_then(by_name))
        .or_else(|| {
            file.ancestors()
                .filter_map(|a| a.file_name())
                .find_map(by_name)
        })
        .ok_or_else(|| {
            anyhow::anyhow!(
                "cannot tell which fuzz target {} belongs to: pass --target diff_entry|diff_pte|props",
                file.display()
            )
        })
}

/// What `repro` prints on stdout besides its summary.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Summary,
    Kunit,
    C,
    Kunitconfig,
}

impl Form {
    fn of(kunit: bool, c: bool, kunitconfig: bool) -> Form {
        match (kunit, c, kunitconfig) {
            (true, _, _) => Form::Kunit,
            (_, true, _) => Form::C,
            (_, _, true) => Form::Kunitconfig,
            _ => Form::Summary,
        }
    }
}

fn run_bisect(finding: &str, target: Option<&str>) -> anyhow::Result<ExitCode> {
    use leafdiff::engine::bisect::{bisect, Wanted};
    let file = std::path::Path::new(finding);
    let wanted = if file.is_file() {
        let bytes = std::fs::read(file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        match Case::from_bytes(target_of(file, target)?, &bytes) {
            Err(e @ (DecodeError::NotInBuild { .. } | DecodeError::Arch { .. })) => {
                println!("{}: {e}", file.display());
                return Ok(ExitCode::from(NOT_APPLICABLE));
            }
            decoded => {
                Wanted::Case(decoded.map_err(|e| {
                    anyhow::anyhow!("{} is not a leafdiff case: {e}", file.display())
                })?)
            }
        }
    } else {
        Wanted::signature(finding).ok_or_else(|| {
            anyhow::anyhow!(
                "`{finding}` is neither a file nor a signature: give a reproducer, corpus or crash file (leafdiff-out/...), or a signature as check prints it (`helper | variant | input | how`)"
            )
        })?
    };
    let engine = engine(Checks::default())?;
    let result = bisect(&engine, &wanted)?;
    println!("{}", result.to_text(finding));
    Ok(
        match (
            result.first_bad,
            result.verdicts.iter().all(|v| v.appears.is_none()),
        ) {
            (Some(_), _) => ExitCode::SUCCESS,
            (None, true) => ExitCode::from(NOT_APPLICABLE),
            (None, false) => ExitCode::from(1),
        },
    )
}

fn run_repro(file: &std::path::Path, form: Form, target: Option<&str>) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let target = target_of(file, target)?;
    let case = match Case::from_bytes(target, &bytes) {
        Err(e @ (DecodeError::NotInBuild { .. } | DecodeError::Arch { .. })) => {
            println!("{}: {e}", file.display());
            return Ok(ExitCode::from(NOT_APPLICABLE));
        }
        decoded => decoded
            .map_err(|e| anyhow::anyhow!("{} is not a leafdiff case: {e}", file.display()))?,
    };
    let engine = engine(Checks::default())?;
    let Some(case) = engine.pin_variant(&case) else {
        println!(
            "{}: no variant of this build has kernel {} with the config the case requires; it does not apply here",
            file.display(),
            case.kernel
        );
        return Ok(ExitCode::from(NOT_APPLICABLE));
    };
    let variant = engine
        .variant_for(&case)
        .expect("a pinned case has its variant");
    let findings = engine.run(&case);
    let mut summary = format!(
        "case: {}\n",
        describe::case_in_kernel_terms(&engine, variant, &case)
    );
    let outcomes = engine.evaluate(variant, case.helper, &case.args);
    if let Some((c_out, m_out)) = &outcomes {
        let names = describe::TypeNames::of(engine.variants[variant], case.args.knobs);
        summary += &format!(
            "kernel's C: {}\nmodel:      {}\n",
            reproducer::render_outcome(case.helper.sig, c_out, &names),
            reproducer::render_outcome(case.helper.sig, m_out, &names)
        );
    }
    // The kernel's own text of what is called, so a reply can quote it.
    let mut quoted = vec![case.helper.name];
    for f in &findings {
        if !quoted.contains(&f.helper) {
            quoted.push(f.helper);
        }
    }
    for helper in quoted {
        let text = reproducer::kernel_definition(&engine, variant, helper);
        if !text.is_empty() {
            summary += &format!("kernel's definition of {helper}: {text}");
        }
    }
    for f in &findings {
        summary += &match &f.kind {
            FindingKind::Divergence { .. } => format!("divergence: {}\n", f.signature),
            FindingKind::Property { detail, .. } => {
                format!("property violated: {} ({detail})\n", f.signature)
            }
        };
    }
    if form == Form::Summary {
        print!("{summary}");
        return Ok(exit_code(&findings));
    }
    // Code alone on stdout, so it can be redirected into a file.
    eprint!("{summary}");
    // The finding's test case; with none, the case's own call checked
    // against the model, which passes on this build.
    let shown = findings
        .first()
        .map(|f| (f.case.clone(), f.kind.clone(), f.signature.to_string()))
        .or_else(|| {
            let (c, model) = outcomes?;
            let kind = FindingKind::Divergence { c, model };
            (case.target != Target::Props)
                .then(|| (case.clone(), kind, "no divergence on this build".into()))
        });
    match shown {
        Some((case, kind, title)) => print!(
            "{}",
            match form {
                Form::Kunit => reproducer::kunit(&engine, variant, &case, &kind, &title),
                Form::C => reproducer::c_program(&engine, variant, &case, &kind, &title),
                _ => reproducer::kunitconfig(&engine, variant, &case, &kind).text,
            }
        ),
        None => eprintln!("leafdiff: no property fails on this build: nothing to reproduce"),
    }
    Ok(exit_code(&findings))
}

/// 0 when nothing was found, 1 when something was.
fn exit_code(findings: &[leafdiff::engine::Finding]) -> ExitCode {
    if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_diff(json: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let engine = Engine::from_env_with_bases(Checks::default())?;
    let report = leafdiff::engine::diff::diff(&engine)?;
    print!("{}", report.to_text());
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(if report.asymmetries.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_info() -> anyhow::Result<ExitCode> {
    let kernels = oracle::kernels();
    for (i, k) in kernels.iter().enumerate() {
        if i > 0 && kernels[i - 1].tree == k.tree {
            continue;
        }
        println!("kernel k{}: {}", k.tree, k.tree_title());
        println!("  root: {}", k.root);
        println!("  extracted headers: {}", k.include_dir);
        if !k.sha256.is_empty() {
            println!("  sha256: {}", k.sha256);
        }
        println!("  verified: {}", k.verified);
        if !k.patches.is_empty() {
            println!("  patches:");
            for line in k.patches.lines() {
                println!("    {line}");
            }
        }
        println!("  softleaf types: {}", k.softleaf_types.join(", "));
        let model_features = leafdiff::model::Features::from_defined(k.arch, &|n| k.defines(n));
        println!(
            "  device-private migration series: {}",
            if model_features.device_migration {
                "present"
            } else {
                "absent"
            }
        );
        println!("  arches:");
        for a in kernels.iter().filter(|o| o.tree == k.tree) {
            println!("    {}", arch_line(a));
        }
    }
    let left_out: Vec<&str> = leafdiff_kernel::arch::ALL
        .iter()
        .filter(|a| !kernels.iter().any(|k| k.arch == **a))
        .map(|a| a.name)
        .collect();
    if !left_out.is_empty() {
        println!(
            "arches this build leaves out (LEAFDIFF_ARCH, or the tree lacks their headers): {}",
            left_out.join(", ")
        );
    }
    println!("variants ({}):", oracle::variants().len());
    for v in oracle::variants() {
        let mut helpers: Vec<&str> = v.helper_names().collect();
        helpers.sort_unstable();
        println!(
            "  {} [{}]: {} helpers",
            v.label(),
            v.meta.prefix,
            helpers.len()
        );
    }
    for k in oracle::kernels() {
        let inv = leafdiff::engine::inventory::of_kernel(k);
        println!(
            "helpers of {}: {} modelled, {} not modelled (properties only), {} unchecked",
            inv.kernel,
            inv.modelled.len(),
            inv.properties_only.len(),
            inv.unchecked.len()
        );
        for h in k.helper_specs() {
            let how = if inv.modelled.contains(&h.name) {
                "modelled"
            } else {
                "not modelled: properties only"
            };
            let prototype = k.prototype(h.name).unwrap_or("");
            println!("  {:<56} {how:<30} {prototype}", h.name);
        }
        for (name, why) in inv.unchecked {
            println!("  {name:<56} unchecked: {why}");
        }
        for change in inv.prototype_changes {
            println!("  {change}");
        }
    }
    for b in oracle::build_findings() {
        let k = &kernels[b.kernel];
        println!(
            "build finding: k{}:{}:{} does not compile:\n{}",
            k.tree,
            k.arch.name,
            leafdiff_kernel::config::KernelConfig::from_bits(b.config_bits).label(),
            b.compiler_output
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One arch of a kernel for `info`: word size, run-time knobs, whether the
/// model has a codec for the layout its headers carry, and the swap PTE's
/// field layout.
fn arch_line(k: &oracle::KernelMeta) -> String {
    let a = k.arch;
    let knobs = if a.knobs.is_empty() {
        String::new()
    } else {
        format!(", run-time knobs {}", a.knobs.join(", "))
    };
    let features = leafdiff::model::Features::from_defined(a, &|n| k.defines(n));
    let model = if features.arch_layout {
        "modelled"
    } else {
        "properties only"
    };
    let pte = if a.pte_bits == a.word_bits {
        String::new()
    } else {
        format!(" ({}-bit PTE)", a.pte_bits)
    };
    format!(
        "{}: {}-bit{pte}{knobs}, {model}; {}",
        a.name, a.word_bits, a.layout
    )
}

fn run_pin(refresh: bool) -> anyhow::Result<ExitCode> {
    let pin_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kernel-pin.toml");
    if !refresh {
        let pin = leafdiff_kernel::pin::Pin::load(&pin_file)?;
        println!(
            "{}: {} {} sha256 {}",
            pin_file.display(),
            pin.package,
            pin.version,
            pin.sha256
        );
        return Ok(ExitCode::SUCCESS);
    }
    let settings = leafdiff_kernel::settings::Settings::from_env()?;
    let pin = leafdiff_kernel::pin::refresh(&settings, &mut |l: &str| eprintln!("leafdiff: {l}"))?;
    pin.save(&pin_file)?;
    println!(
        "pinned {} {} sha256 {} in {}",
        pin.package,
        pin.version,
        pin.sha256,
        pin_file.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_bench(time: u64) -> anyhow::Result<ExitCode> {
    leafdiff::bench::run(Duration::from_secs(time))?;
    Ok(ExitCode::SUCCESS)
}

fn run_dict() -> anyhow::Result<ExitCode> {
    let engine = engine(Checks::default())?;
    print!(
        "{}",
        leafdiff::dict::render(&leafdiff::dict::entries(&engine.variants))
    );
    Ok(ExitCode::SUCCESS)
}

fn run_fuzz(
    time: u64,
    jobs: usize,
    targets: &[String],
    engine_arg: FuzzEngineArg,
    out: PathBuf,
) -> anyhow::Result<ExitCode> {
    use leafdiff::fuzzing::{self, FuzzEngine, FuzzOptions};
    let targets = targets_named(targets);
    let engine = engine(Checks::default())?;
    let opts = FuzzOptions {
        time: Duration::from_secs(time),
        jobs,
        targets,
        engine: match engine_arg {
            FuzzEngineArg::Libfuzzer => FuzzEngine::LibFuzzer,
            FuzzEngineArg::Afl => FuzzEngine::Afl,
        },
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out_dir: out,
        bar: std::io::stderr().is_terminal(),
    };
    let engine_name = opts.engine.name();
    let o = fuzzing::run(&engine, opts)?;
    println!(
        "leafdiff fuzz ({engine_name}): {} execs{}",
        o.execs,
        if o.interrupted { ", interrupted" } else { "" }
    );
    for (target, n) in &o.added {
        println!("  corpus/{target}: {n} inputs added");
    }
    for w in &o.written {
        println!(
            "new finding: {}\n  signature: {}\n  {} crash files, after {:.1} s; variants: {}; inputs: {}\n  reproducer: {}\n  KUnit: {}",
            w.bucket,
            w.signature,
            w.crashes,
            w.after.as_secs_f64(),
            w.variants.join(", "),
            w.inputs.join(", "),
            w.reproducer.display(),
            w.kunit.display()
        );
    }
    for (bucket, (path, n)) in &o.refound {
        println!(
            "known finding found again: {bucket} ({n} crash files; reproducer {})",
            path.display()
        );
    }
    for (path, why) in &o.unexplained {
        println!("crash file no finding explains: {} ({why})", path.display());
    }
    if o.written.is_empty() && o.unexplained.is_empty() {
        println!("no new finding");
    }
    // An unexplained crash is something new to look at, as a finding is.
    Ok(if o.written.is_empty() && o.unexplained.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The targets named (every fuzzing target when none is).
fn targets_named(names: &[String]) -> Vec<Target> {
    Target::ALL
        .into_iter()
        .filter(|t| names.is_empty() || names.iter().any(|n| n == t.name()))
        .collect()
}

fn run_coverage(
    targets: &[String],
    corpus: &[String],
    binaries: Option<PathBuf>,
    out: PathBuf,
) -> anyhow::Result<ExitCode> {
    use leafdiff::fuzzing::coverage::{self, CoverageOptions};
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut corpora: Vec<(Target, Vec<PathBuf>)> = Vec::new();
    for item in corpus {
        let (name, dir) = item.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--corpus {item}: give TARGET=DIR, e.g. diff_entry=corpus/diff_entry")
        })?;
        let target = Target::of_name(name).ok_or_else(|| {
            anyhow::anyhow!(
                "--corpus {item}: {name} is not a fuzzing target (diff_entry, diff_pte, props)"
            )
        })?;
        match corpora.iter_mut().find(|(t, _)| *t == target) {
            Some((_, dirs)) => dirs.push(PathBuf::from(dir)),
            None => corpora.push((target, vec![PathBuf::from(dir)])),
        }
    }
    if corpora.is_empty() {
        corpora = targets_named(targets)
            .into_iter()
            .map(|t| {
                let dirs = [
                    repo.join("corpus").join(t.name()),
                    repo.join("corpus/regressions").join(t.name()),
                ];
                (t, dirs.into_iter().filter(|d| d.is_dir()).collect())
            })
            .collect();
    }
    let summary = coverage::run(&CoverageOptions {
        repo,
        corpora,
        binaries,
        out_dir: out,
    })?;
    println!("{summary}");
    Ok(ExitCode::SUCCESS)
}
