//! Planted bugs: each fixture patch, applied to the real default headers,
//! builds leafdiff anew, and `check` must find its bug and name the helper;
//! the kernel under test without patches must show nothing. Reproducers are
//! run for real: the KUnit test case `repro --kunit` prints is compiled
//! against the extracted headers (with our userspace KUnit stand-in,
//! tests/support/kunit/test.h) and must fail on the buggy kernel and pass on
//! the fixed one.
//!
//! Builds share `target/fixture-builds` (release: `check`'s sweep takes about
//! a second there) and hold one lock for as long as they use that build.
//! `check --sweep-only` makes every result independent of machine speed.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// One fixture build at a time: they share a target directory.
static BUILD: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// A leafdiff built with some fixture patches, on the default kernel (the
/// fixtures are patches against it); with none, on the kernel under test.
struct Build {
    binary: PathBuf,
    /// `LEAFDIFF_VARIANTS` for its runs, when narrowed.
    variants: Option<String>,
}

/// The arch the fixtures below plant their bugs for, and the only one
/// their builds compile (`LEAFDIFF_ARCH`), to keep each build short.
const FIXTURE_ARCH: &str = "x86_64";

fn with_build<T>(patches: &[&str], body: impl FnOnce(&Build) -> T) -> T {
    with_kernel_build(None, patches, body)
}

/// As `with_build`, compiling every arch leafdiff knows.
fn with_every_arch_build<T>(patches: &[&str], body: impl FnOnce(&Build) -> T) -> T {
    try_build(None, patches, false, None, body).unwrap_or_else(|e| {
        panic!("building leafdiff with {patches:?} for every arch failed:\n{e}")
    })
}

/// As `with_build`, with each kernel also built without the patches
/// (`LEAFDIFF_BASE=1`), for `leafdiff diff`.
fn with_base_build<T>(patches: &[&str], body: impl FnOnce(&Build) -> T) -> T {
    try_build(None, patches, true, Some(FIXTURE_ARCH), body)
        .unwrap_or_else(|e| panic!("building leafdiff with {patches:?} and its base failed:\n{e}"))
}

/// As `with_build`, with `LEAFDIFF_KERNEL` set to `kernel` when given.
fn with_kernel_build<T>(
    kernel: Option<&str>,
    patches: &[&str],
    body: impl FnOnce(&Build) -> T,
) -> T {
    try_kernel_build(kernel, patches, body)
        .unwrap_or_else(|e| panic!("building leafdiff with {kernel:?} {patches:?} failed:\n{e}"))
}

/// As `with_kernel_build`, handing back the build's error output instead
/// of failing.
fn try_kernel_build<T>(
    kernel: Option<&str>,
    patches: &[&str],
    body: impl FnOnce(&Build) -> T,
) -> Result<T, String> {
    try_build(kernel, patches, false, Some(FIXTURE_ARCH), body)
}

fn try_build<T>(
    kernel: Option<&str>,
    patches: &[&str],
    base: bool,
    arches: Option<&str>,
    body: impl FnOnce(&Build) -> T,
) -> Result<T, String> {
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let target_dir = root().join("target/fixture-builds");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root())
        .args(["build", "--release", "--quiet", "--bin", "leafdiff"])
        .env("CARGO_TARGET_DIR", &target_dir);
    if patches.is_empty() {
        cmd.env_remove("LEAFDIFF_PATCHES");
    } else {
        let list: Vec<String> = patches.iter().map(|p| fixture(p)).collect();
        cmd.env("LEAFDIFF_PATCHES", list.join(":"))
            .env_remove("LEAFDIFF_KERNEL");
    }
    if let Some(kernel) = kernel {
        cmd.env("LEAFDIFF_KERNEL", kernel);
    }
    match arches {
        Some(list) => cmd.env("LEAFDIFF_ARCH", list),
        None => cmd.env_remove("LEAFDIFF_ARCH"),
    };
    if base {
        cmd.env("LEAFDIFF_BASE", "1");
    } else {
        cmd.env_remove("LEAFDIFF_BASE");
    }
    let out = cmd.output().expect("cargo runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(body(&Build {
        binary: target_dir.join("release/leafdiff"),
        variants: None,
    }))
}

impl Build {
    fn run(&self, args: &[&str]) -> Output {
        let out = self.run_any(args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "leafdiff {args:?} failed to run:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs leafdiff whatever its exit status.
    fn run_any(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(&self.binary);
        match &self.variants {
            Some(v) => cmd.env("LEAFDIFF_VARIANTS", v),
            None => cmd.env_remove("LEAFDIFF_VARIANTS"),
        };
        cmd.args(args).output().expect("leafdiff runs")
    }

    /// The same binary, its runs narrowed to `variants` (`LEAFDIFF_VARIANTS`).
    fn narrowed(&self, variants: &str) -> Build {
        Build {
            binary: self.binary.clone(),
            variants: Some(variants.to_string()),
        }
    }

    fn info(&self) -> String {
        String::from_utf8_lossy(&self.run(&["info"]).stdout).into_owned()
    }

    /// `check` with its JSON report (on the variants this build is narrowed
    /// to); findings' reproducers go to `out`.
    fn check(&self, out: &Path, extra: &[&str]) -> (i32, Value) {
        self.check_variants(self.variants.as_deref().unwrap_or(""), out, extra)
    }

    /// `check` on the variants `LEAFDIFF_VARIANTS=variants` selects.
    fn check_variants(&self, variants: &str, out: &Path, extra: &[&str]) -> (i32, Value) {
        let dir = out.display().to_string();
        let report = out.join("report.md");
        let report_arg = report.display().to_string();
        let mut args = vec!["check", "--out", &dir, "--report", &report_arg];
        args.extend_from_slice(extra);
        if !extra.contains(&"--time") {
            // A bound, not a goal: --sweep-only ends in seconds.
            args.extend(["--time", "600"]);
        }
        let run = Command::new(&self.binary)
            .args(&args)
            .env("LEAFDIFF_VARIANTS", variants)
            .output()
            .expect("leafdiff runs");
        assert!(
            run.status.code().is_some_and(|c| c <= 1),
            "leafdiff {args:?} failed to run:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let code = run.status.code().unwrap();
        let json = std::fs::read_to_string(report.with_extension("json")).unwrap();
        (code, serde_json::from_str(&json).unwrap())
    }

    fn repro(&self, file: &Path, extra: &[&str]) -> (i32, String) {
        let file = file.display().to_string();
        let mut args = vec!["repro", file.as_str()];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn findings(report: &Value) -> &[Value] {
    report["findings"].as_array().map_or(&[], Vec::as_slice)
}

/// The first finding about `helper` (divergence or property).
fn finding<'r>(report: &'r Value, helper: &str) -> &'r Value {
    findings(report)
        .iter()
        .find(|f| f["helper"] == helper)
        .unwrap_or_else(|| panic!("no finding names {helper}:\n{report:#}"))
}

fn blamed(report: &Value) -> Vec<&str> {
    findings(report)
        .iter()
        .filter_map(|f| f["helper"].as_str())
        .collect()
}

/// The helpers of the report's root causes, in its order.
fn causes(report: &Value) -> Vec<&str> {
    report["causes"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["helper"].as_str()).collect())
        .unwrap_or_default()
}

/// `causes(report)` is exactly `want` (in any order), and every other
/// finding is listed under one of them.
fn assert_causes(report: &Value, want: &[&str]) {
    let mut got = causes(report);
    got.sort_unstable();
    let mut want = want.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "{report:#}");
    let listed: usize = report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let n = c["consequence_count"].as_u64().unwrap() as usize;
            assert_eq!(c["consequences"].as_array().unwrap().len(), n);
            n + strings(&c["siblings"]).len()
        })
        .sum();
    assert_eq!(listed + got.len(), findings(report).len(), "{report:#}");
    for f in findings(report) {
        // A consequence (or sibling) names its cause and has no reproducer
        // of its own.
        match f["root_cause"].as_str() {
            Some(cause) => {
                assert!(got.contains(&cause), "{f:#}");
                assert!(f["reproducer"].is_null(), "{f:#}");
            }
            None => assert!(f["reproducer"].is_string(), "{f:#}"),
        }
    }
}

/// Builds with `fixture`, sweeps, and checks that every helper in `helpers`
/// is blamed; returns the report for more specific checks. Each finding's
/// reproducer must reproduce on the same build.
fn assert_found(fixture: &str, helpers: &[&str]) -> Value {
    assert_found_then(fixture, helpers, |_, _| ())
}

/// As `assert_found`, then `more` on the same build and report.
fn assert_found_then(fixture: &str, helpers: &[&str], more: impl FnOnce(&Build, &Value)) -> Value {
    with_build(&[fixture], |b| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{fixture}: check should exit 1:\n{report:#}");
        for h in helpers {
            finding(&report, h);
        }
        // One reproducer per root cause, and its .kunitconfig beside it.
        for c in report["causes"].as_array().unwrap() {
            let file = PathBuf::from(c["reproducer"].as_str().expect("a reproducer"));
            let (code, shown) = b.repro(&file, &["--kunit"]);
            assert_eq!(code, 1, "{} does not reproduce:\n{shown}", file.display());
            assert!(
                shown.contains(c["helper"].as_str().unwrap())
                    && shown.contains("kunit_test_suite("),
                "{shown}"
            );
            let (_, config) = b.repro(&file, &["--kunitconfig"]);
            let beside = std::fs::read_to_string(file.with_extension("kunitconfig")).unwrap();
            assert_eq!(config, beside);
            for line in ["CONFIG_KUNIT=y", "CONFIG_LEAFDIFF_KUNIT_TEST=y"] {
                assert!(config.lines().any(|l| l == line), "{config}");
            }
        }
        more(b, &report);
        report
    })
}

/// Every arch of the kernel under test is clean but alpha, whose swap PTE
/// keeps 24 offset bits (63-40) where a pfn has MAX_PHYSMEM_BITS (48) less
/// PAGE_SHIFT (13) = 35: migration entries of pages above 128 GiB would
/// lose their pfn's high bits. That finding is asserted by itself.
#[test]
fn kernel_under_test_shows_no_divergence() {
    with_every_arch_build(&[], |b| {
        let tmp = tempfile::tempdir().unwrap();
        // The default kernel's two findings are the kernel's own (alpha's pfn
        // capacity, riscv's soft-dirty swap PMD): reported, marked known
        // from known-findings.toml, and not failing the run.
        let (code, report) = b.check_variants("alpha", tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
        let f = finding(&report, "__swp_entry");
        assert_eq!(f["property"], "arch-holds-every-pfn", "{f:#}");
        assert!(
            f["known"].as_str().is_some_and(|w| w.contains("alpha")),
            "{f:#}"
        );
        let seen = strings(&f["seen_in"]);
        assert!(
            !seen.is_empty() && seen.iter().all(|v| v.contains(":alpha:MIGRATION")),
            "{f:#}"
        );
        assert_eq!(findings(&report).len(), 1, "{report:#}");
        let (code, report) = b.check_variants("-alpha", tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
        let variants = strings(&report["variants"]);
        // alpha's variants ran above.
        for arch in leafdiff_kernel::arch::ALL
            .iter()
            .filter(|a| a.name != "alpha")
        {
            let label = format!(":{}:", arch.name);
            assert!(
                variants.iter().any(|v| v.contains(&label)),
                "{} has no variant: {variants:?}",
                arch.name
            );
        }
        let found = findings(&report);
        assert_eq!(found.len(), 1, "{report:#}");
        let f = finding(&report, "pmd_swp_mksoft_dirty");
        assert_eq!(f["property"], "swap-pmd-flags-keep-it-not-present", "{f:#}");
        assert!(f["known"].as_str().is_some(), "{f:#}");
        assert!(
            strings(&f["seen_in"])
                .iter()
                .all(|v| v.contains(":riscv64:")),
            "{f:#}"
        );
        assert!(strings(&report["build_findings"]).is_empty());
        assert!(
            report["compared"].as_u64().unwrap() > 1_000_000,
            "{report:#}"
        );
        assert!(
            report["property_checks"].as_u64().unwrap() > 10_000,
            "{report:#}"
        );
        assert!(report["sweep"].as_str().unwrap().starts_with("complete"));
        // The random phase too, for a few seconds.
        let (code, report) =
            b.check_variants("-alpha", tmp.path(), &["--time", "5", "--seed", "7"]);
        assert_eq!(code, 0, "{report:#}");
    });
}

/// The default kernel's unpacked tree, given as a path, builds and checks
/// like the download it came from.
#[test]
fn a_kernel_tree_given_as_a_path_builds_and_shows_no_divergence() {
    let info = |b: &Build| String::from_utf8_lossy(&b.run(&["info"]).stdout).into_owned();
    let variants = |info: &str| {
        info.lines()
            .find(|l| l.starts_with("variants ("))
            .expect("info lists the variants")
            .to_string()
    };
    // An empty LEAFDIFF_KERNEL is the pinned default, whatever the caller set.
    let (root, default_variants) = with_kernel_build(Some(""), &[], |b| {
        let info = info(b);
        assert!(info.contains("sha256: "), "{info}");
        let root = info
            .lines()
            .find_map(|l| l.trim().strip_prefix("root: "))
            .expect("info names the tree");
        (root.to_string(), variants(&info))
    });
    with_kernel_build(Some(&root), &[], |b| {
        let info = info(b);
        assert!(info.contains(&format!("path {root}")), "{info}");
        assert_eq!(variants(&info), default_variants);
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
    });
}

/// Planted in a kernel before leafops.h (ARCHITECTURE.md §8): 6.12's
/// `is_pfn_swap_entry()` forgets device-exclusive entries.
const OLD_KERNEL_BUG: &str = "pfn-entry-forgets-device-exclusive-6.12.patch";

/// The planted 6.12 bug is found and named, with the pfn reads that
/// VM_BUG_ON because of it as its consequences, and its KUnit reproducer
/// compiles against 6.12's own headers (no leafops.h there) and fails.
/// What the planted 6.12 bug leaves for the clean kernel and the bisection.
struct OldKernelBug {
    kunit: String,
    /// Its reproducer, and its signature as `check` printed it.
    repro: PathBuf,
    signature: String,
    /// The 6.12 tree it was planted in.
    tree: PathBuf,
}

fn old_kernel_bug_is_found_and_reproduced(tmp: &Path) -> OldKernelBug {
    with_kernel_build(Some("6.12"), &[OLD_KERNEL_BUG], |b| {
        let info = b.info();
        let tree = info
            .lines()
            .find_map(|l| l.trim().strip_prefix("root: "))
            .map(PathBuf::from)
            .expect("info names the tree");
        let (code, report) = b.check(tmp, &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        assert_causes(&report, &["is_pfn_swap_entry"]);
        let f = finding(&report, "is_pfn_swap_entry");
        assert_eq!(
            strings(&f["inputs"]),
            ["SWP_DEVICE_EXCLUSIVE_WRITE", "SWP_DEVICE_EXCLUSIVE_READ"]
        );
        for h in ["swp_offset_pfn", "pfn_swap_entry_to_page"] {
            let c = finding(&report, h);
            assert_eq!(c["how"], "bug", "{c:#}");
            assert_eq!(c["root_cause"], "is_pfn_swap_entry", "{c:#}");
        }
        let repro = PathBuf::from(f["reproducer"].as_str().unwrap());
        let (code, kunit) = b.repro(&repro, &["--kunit"]);
        assert_eq!(code, 1, "{kunit}");
        assert!(
            kunit.contains("#include <linux/swapops.h>")
                && !kunit.contains("leafops.h")
                && kunit.contains("swp_entry(SWP_DEVICE_EXCLUSIVE_WRITE, 0x0ULL)")
                && kunit.contains("KUNIT_EXPECT_TRUE(test, !!is_pfn_swap_entry(entry));"),
            "{kunit}"
        );
        let (_, c_program) = b.repro(&repro, &["--c"]);
        let (code, out) = run_kunit(&kunit, &c_program, tmp, &[]);
        assert_eq!(code, 1, "the KUnit test passes on the buggy kernel:\n{out}");
        // Kept beside the build: the clean kernels' build replays it.
        let kept = tmp.join("old-kernel-bug.diff_entry");
        std::fs::copy(&repro, &kept).unwrap();
        OldKernelBug {
            kunit,
            repro: kept,
            signature: f["signature"].as_str().unwrap().to_string(),
            tree,
        }
    })
}

/// Three trees of the 6.12 headers leafdiff reads, as versions 6.12.201,
/// .202 and .203, with the planted bug in the last two: a change across
/// three versions that bisect must pin to .202.
fn planted_range(from: &Path, dir: &Path) -> Vec<PathBuf> {
    (201..=203)
        .map(|sublevel| {
            let tree = dir.join(format!("linux-6.12.{sublevel}"));
            for rel in leafdiff_kernel::extract::read_files() {
                if from.join(rel).is_file() {
                    std::fs::create_dir_all(tree.join(rel).parent().unwrap()).unwrap();
                    std::fs::copy(from.join(rel), tree.join(rel)).unwrap();
                }
            }
            std::fs::write(
                tree.join("Makefile"),
                format!("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = {sublevel}\nEXTRAVERSION =\n"),
            )
            .unwrap();
            if sublevel > 201 {
                let applied = Command::new("git")
                    .args(["apply", &fixture(OLD_KERNEL_BUG)])
                    .current_dir(&tree)
                    .output()
                    .expect("git runs");
                assert!(applied.status.success(), "{applied:?}");
            }
            tree
        })
        .collect()
}

/// Every generation in one binary (ARCHITECTURE.md §8): Debian's 6.1 and
/// 6.12 (before leafops.h), the newest 7.2 (which spells `pte_swp_uffd` as
/// `pte_swp_uffd_wp`) and the default 7.3. The model fits all four, every
/// helper of the old kernels is modelled, every pair of them agrees but for
/// the changes the model names, and the planted 6.12 bug's KUnit test
/// passes on the real 6.12 headers. The same build holds the planted range
/// (k4..k6): the cross-version check finds the change, and bisect pins it.
#[test]
fn every_generation_in_one_build_shows_no_divergence() {
    let tmp = tempfile::tempdir().unwrap();
    let bug = old_kernel_bug_is_found_and_reproduced(tmp.path());
    let range = planted_range(&bug.tree, tmp.path());
    let kernels: Vec<String> = ["6.1", "6.12", "7.2", "7.3"]
        .into_iter()
        .map(String::from)
        .chain(range.iter().map(|t| t.display().to_string()))
        .collect();
    let built = try_kernel_build(Some(&kernels.join(",")), &[], |all| {
        let b = &all.narrowed("k0,k1,k2,k3");
        let info = String::from_utf8_lossy(&b.run(&["info"]).stdout).into_owned();
        for want in [
            "kernel k0: Debian linux-headers-6.1.",
            "kernel k1: Debian linux-headers-6.12.",
            "kernel k2: Debian linux-headers-7.2.",
            "kernel k3: Debian linux-headers-7.3",
        ] {
            assert!(info.contains(want), "{want}:\n{info}");
        }
        for old in ["6.1.", "6.12."] {
            let line = info
                .lines()
                .find(|l| l.starts_with("helpers of ") && l.contains(old))
                .unwrap_or_else(|| panic!("no helper line for {old}:\n{info}"));
            assert!(line.contains(" 0 not modelled"), "{line}");
        }
        let out = tempfile::tempdir().unwrap();
        let (code, report) = b.check(out.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
        let variants = strings(&report["variants"]);
        for k in ["k0:", "k1:", "k2:", "k3:"] {
            assert!(variants.iter().any(|v| v.starts_with(k)), "{k}");
        }
        // Every pair of the four kernels, and the changes the model names
        // shown where they were made: 6.12's is_writable_migration_entry
        // and 7.x's softleaf_is_migration_write differ only in warning.
        let across = &report["across_versions"];
        assert_eq!(across["pairs"], 6, "{across:#}");
        assert!(strings(&across["disagreements"]).is_empty(), "{across:#}");
        let changes = strings(&across["changes"]);
        let change = |start: &str| {
            changes
                .iter()
                .find(|c| c.starts_with(start))
                .unwrap_or_else(|| panic!("no change {start}:\n{across:#}"))
                .to_string()
        };
        let write = change("`is_writable_migration_entry` → `softleaf_is_migration_write`: softleaf_type() classifies first");
        assert!(
            write.contains("(warning; made by leafops.h") && write.contains("6.12."),
            "{write}"
        );
        let pfn = change("`swp_offset_pfn` → `softleaf_to_pfn`: reading the pfn");
        assert!(pfn.contains("(BUG;"), "{pfn}");
        let marker = change("`pte_marker_get` → `pte_marker_get`: markers exist in every config");
        assert!(marker.contains("here first in 6.12."), "{marker}");
        // The planted bug's case runs on the real 6.12, agrees, and its
        // KUnit test passes there.
        let (code, shown) = b.repro(&bug.repro, &[]);
        assert_eq!(code, 0, "{shown}");
        let (_, clean_c) = b.repro(&bug.repro, &["--c"]);
        let (code, out) = run_kunit(&bug.kunit, &clean_c, tmp.path(), &[]);
        assert_eq!(code, 0, "the KUnit test fails on the real 6.12:\n{out}");

        // The planted range: .201 and .202, .201 and .203 disagree (every
        // pair is compared, not only neighbours); .202 and .203 agree.
        let planted = all.narrowed("k4,k5,k6");
        let range_out = tempfile::tempdir().unwrap();
        let (code, report) = planted.check(range_out.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        let across = strings(&report["across_versions"]["disagreements"]);
        for pair in [
            "on 6.12.201 and `is_pfn_swap_entry` on 6.12.202",
            "on 6.12.201 and `is_pfn_swap_entry` on 6.12.203",
        ] {
            assert!(
                across.iter().any(|d| d.contains(pair)),
                "{pair}: {across:#?}"
            );
        }
        assert!(
            !across.iter().any(|d| d.contains("6.12.202 and")),
            "{across:#?}"
        );
        // Bisect pins the planted change to .202, by reproducer and by
        // signature, and shows the hunk that made it. (Kernels of one
        // series in one build are told apart by bisect and the cross-version
        // check only: a case names its kernel by series.)
        for wanted in [bug.repro.display().to_string(), bug.signature.clone()] {
            let out = planted.run_any(&["bisect", &wanted]);
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{text}");
            assert!(
                text.contains("range: good up to k4 ") && text.contains(", bad from k5 "),
                "{text}"
            );
            assert!(
                text.contains(
                    "-\t       is_device_exclusive_entry(entry) || is_hwpoison_entry(entry);"
                ) && text.contains("+\t       is_hwpoison_entry(entry);"),
                "{text}"
            );
        }
    });
    match built {
        Ok(()) => {}
        // Debian's pool drops a series once its successor lands, and a
        // suite whose signed release has expired is refused (as apt refuses
        // it); either ends this comparison, not the build's correctness.
        Err(e)
            if e.contains("no linux-headers-*-common package for Debian version")
                || e.contains("(its Valid-Until)") =>
        {
            eprintln!(
                "skipped: the Debian archive no longer validly serves one of the kernels:\n{e}"
            )
        }
        Err(e) => panic!("building leafdiff with every generation failed:\n{e}"),
    }
}

/// The 32-bit arches whose headers changed shape across the generations
/// (arm's PAGE_SHIFT moved to vdso/page.h, ppc32's page-size option was
/// renamed) build from Debian 6.1's and 6.12's headers too, and their
/// sweep finds nothing there.
#[test]
fn old_generations_build_on_32_bit_arches_and_show_no_divergence() {
    try_build(Some("6.1,6.12"), &[], false, Some("arm,ppc32"), |b| {
        let info = b.info();
        assert!(!info.contains("build finding"), "{info}");
        let out = tempfile::tempdir().unwrap();
        let (code, report) = b.check(out.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
        let variants = strings(&report["variants"]);
        for arch in [":arm:", ":ppc32:"] {
            assert!(
                variants.iter().any(|v| v.contains(arch)),
                "{arch}: {variants:?}"
            );
        }
    })
    .unwrap_or_else(|e| panic!("building 6.1 and 6.12 for arm and ppc32 failed:\n{e}"));
}

/// One planted bug per arch family, 64- and 32-bit, in one build of the
/// seven arches they are planted in (tests/fixtures/arch-families.patch and
/// arch-families-32.patch; the 32-bit ones compiled with -m32 and run in
/// the evaluator): each is found on its arch alone, with the helper and the
/// property that show it, as a root cause of its own; and every root
/// cause's KUnit reproducer, compiled as its `--c` reproducer says (with
/// -m32 for a 32-bit arch) with the userspace stand-in, fails on the bug and
/// passes on the same headers without it.
#[test]
fn one_planted_bug_per_arch_family_is_found_and_reproduced() {
    const ARCHES: [&str; 7] = [
        "arm64-4k",
        "riscv64",
        "loongarch64",
        "ppc64",
        "i386",
        "i386-pae",
        "arm",
    ];
    let arches = ARCHES.join(",");
    let patches = ["arch-families.patch", "arch-families-32.patch"];
    let tmp = tempfile::tempdir().unwrap();
    let mut crossed = Vec::new();
    let reproducers = try_build(None, &patches, false, Some(&arches), |b| {
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        let on = |helper: &str, property: &str| arches_showing(&report, helper, property);
        // A flag bit on an offset bit, which decoding then clears from every
        // odd offset: arm64's uffd-wp, arm's exclusive. A shift off by one:
        // loongarch's offset onto the exclusive bit, i386's onto
        // _PAGE_PROTNONE, so the swap PTE reads as present.
        assert_eq!(
            on(
                "softleaf_from_pte",
                "softleaf_from_pte-inverts-softleaf_to_pte"
            ),
            ["arm", "arm64-4k", "i386", "loongarch64"],
            "{report:#}"
        );
        // A type mask one bit short: riscv and i386-pae.
        assert_eq!(
            on("__swp_entry", "arch-holds-every-swap-type"),
            ["i386-pae", "riscv64"],
            "{report:#}"
        );
        // powerpc: the soft-dirty bit is one pmd_present() and
        // pte_present() read.
        assert_eq!(
            on("pte_swp_mksoft_dirty", "pte-flags-do-not-change-the-entry"),
            ["ppc64"],
            "{report:#}"
        );
        assert_eq!(
            on("pmd_swp_mksoft_dirty", "swap-pmd-flags-keep-it-not-present"),
            ["ppc64"],
            "{report:#}"
        );
        let causes: Vec<&Value> = report["causes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &report["findings"][c["finding"].as_u64().unwrap() as usize])
            .collect();
        for arch in ARCHES {
            assert!(
                causes.iter().any(|f| f["variant"]
                    .as_str()
                    .unwrap()
                    .contains(&format!(":{arch}:"))),
                "no root cause on {arch}:\n{report:#}"
            );
        }
        causes
            .into_iter()
            .map(|f| {
                let repro = PathBuf::from(f["reproducer"].as_str().unwrap());
                let (_, kunit) = b.repro(&repro, &["--kunit"]);
                let (_, c_program) = b.repro(&repro, &["--c"]);
                let word32 = ["i386", "i386-pae", "arm"]
                    .iter()
                    .any(|a| f["variant"].as_str().unwrap().contains(&format!(":{a}:")));
                assert_eq!(
                    c_program.contains(" *   cc -m32 -O2 "),
                    word32,
                    "{c_program}"
                );
                let dir = tempfile::tempdir().unwrap();
                let (code, out) = run_kunit(&kunit, &c_program, dir.path(), &[]);
                assert_eq!(code, 1, "passes on the buggy kernel:\n{out}\n{kunit}");
                // Built for the arch itself and run under qemu, as it says.
                if let Some((code, out)) = run_cross(&c_program, dir.path()) {
                    assert_eq!(
                        code, 1,
                        "passes on the buggy kernel's arch:\n{out}\n{c_program}"
                    );
                    crossed.push(
                        f["variant"]
                            .as_str()
                            .unwrap()
                            .split(':')
                            .nth(1)
                            .unwrap()
                            .to_string(),
                    );
                }
                (kunit, c_program)
            })
            .collect::<Vec<_>>()
    })
    .unwrap_or_else(|e| panic!("building the arch fixtures failed:\n{e}"));
    crossed.sort();
    crossed.dedup();
    assert_eq!(crossed, ["arm", "arm64-4k", "ppc64", "riscv64"]);
    // The same include paths, now holding the headers without the bugs.
    try_build(None, &[], false, Some(&arches), |_| {
        for (kunit, c_program) in &reproducers {
            let dir = tempfile::tempdir().unwrap();
            let (code, out) = run_kunit(kunit, c_program, dir.path(), &[]);
            assert_eq!(code, 0, "fails without the bug:\n{out}\n{kunit}");
            if let Some((code, out)) = run_cross(c_program, dir.path()) {
                assert_eq!(
                    code, 0,
                    "fails without the bug on its arch:\n{out}\n{c_program}"
                );
            }
        }
    })
    .unwrap_or_else(|e| panic!("building the clean arches failed:\n{e}"));
}

/// The arches (from `k<N>:<arch>:<config>` labels) on which `helper` breaks `property`.
fn arches_showing(report: &Value, helper: &str, property: &str) -> Vec<String> {
    let mut arches: Vec<String> = findings(report)
        .iter()
        .filter(|f| f["helper"] == helper && f["property"] == property)
        .flat_map(|f| strings(&f["seen_in"]))
        .map(|v| v.split(':').nth(1).unwrap().to_string())
        .collect();
    arches.sort();
    arches.dedup();
    arches
}

#[test]
fn dropped_softleaf_type_case_is_found() {
    let report = assert_found(
        "drop-softleaf-type-case.patch",
        &["softleaf_type", "softleaf_is_hwpoison"],
    );
    // One root cause: every predicate that classifies through the missing
    // case is listed under it.
    assert_causes(&report, &["softleaf_type"]);
    let cause = &report["causes"][0];
    let under = |h: &str| {
        cause["consequences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["helper"] == h)
    };
    assert!(
        under("softleaf_is_hwpoison")
            && under("softleaf_is_swap")
            && under("pmd_is_valid_softleaf"),
        "{cause:#}"
    );
    assert!(
        cause["consequence_count"].as_u64().unwrap() >= 20,
        "{cause:#}"
    );
    let f = finding(&report, "softleaf_type");
    assert_eq!(strings(&f["inputs"]), ["SWP_HWPOISON"]);
    // SWP_HWPOISON exists only with CONFIG_MEMORY_FAILURE.
    let seen = strings(&f["seen_in"]);
    assert!(!seen.is_empty() && seen.iter().all(|v| v.contains("MEMORY_FAILURE")));
}

#[test]
fn predicate_accepting_wrong_type_is_found() {
    let report = assert_found(
        "predicate-wrong-type.patch",
        &["softleaf_is_device_private_write"],
    );
    assert_causes(&report, &["softleaf_is_device_private_write"]);
    let f = finding(&report, "softleaf_is_device_private_write");
    assert!(strings(&f["inputs"]).contains(&"SWP_DEVICE_READ"), "{f:#}");
    assert!(!blamed(&report).contains(&"softleaf_is_device_private"));
}

#[test]
fn young_and_dirty_confused_is_found() {
    let report = assert_found(
        "young-dirty-confused.patch",
        &[
            "SWP_MIG_YOUNG_BIT",
            "make_migration_entry_young",
            "softleaf_is_migration_young",
        ],
    );
    // The two swapped constants; the makers and predicates built on them
    // are their consequences.
    assert_causes(&report, &["SWP_MIG_YOUNG_BIT", "SWP_MIG_DIRTY_BIT"]);
}

#[test]
fn pte_flag_on_wrong_bit_is_found() {
    let report = assert_found(
        "pte-flag-wrong-bit.patch",
        &["pte_swp_mkexclusive", "pte_swp_exclusive"],
    );
    assert!(!blamed(&report).contains(&"pte_swp_mksoft_dirty"));
    // One cause: the three helpers of the moved bit meet at the planted
    // definition, which no helper that agrees uses; what is built on them
    // (the swap PTE decoder, clearing every flag) is listed under it. The
    // three are equals: whichever the report leads with, the other two are
    // its siblings.
    let lead = causes(&report);
    assert_eq!(lead.len(), 1, "{report:#}");
    let cause = &report["causes"][0];
    let mut group = strings(&cause["siblings"]);
    group.push(lead[0]);
    group.sort_unstable();
    assert_eq!(
        group,
        [
            "pte_swp_clear_exclusive",
            "pte_swp_exclusive",
            "pte_swp_mkexclusive"
        ]
    );
    assert_causes(&report, &[lead[0]]);
    let at = strings(&cause["meets_at"]);
    assert_eq!(at.len(), 1, "{cause:#}");
    assert!(
        at[0].starts_with("_PAGE_SWP_EXCLUSIVE (arch/x86/include/asm/pgtable_64_types.h:"),
        "{cause:#}"
    );
    assert_eq!(finding(&report, "softleaf_from_pte")["root_cause"], lead[0]);
}

#[test]
fn offset_mask_one_bit_short_is_found() {
    let report = assert_found(
        "offset-mask-short.patch",
        &["SWP_OFFSET_MASK", "swp_offset", "swp_entry"],
    );
    assert_causes(&report, &["SWP_OFFSET_MASK"]);
}

#[test]
fn arch_offset_encoding_error_is_found() {
    let report = assert_found_then(
        "arch-offset-not-inverted.patch",
        &["__swp_entry", "swp_entry_to_pte", "softleaf_from_pte"],
        |b, report| {
            // x86_64's own encoding: the reproducer skips wherever that is
            // not the encoding compiled, UML (which defines CONFIG_X86_64
            // too) included, and fails on x86_64.
            let cause = &report["causes"][0];
            assert_eq!(cause["helper"], "__swp_entry");
            let file = PathBuf::from(cause["reproducer"].as_str().unwrap());
            let (_, kunit) = b.repro(&file, &["--kunit"]);
            let guard =
                "#if !IS_ENABLED(CONFIG_X86_64) || IS_ENABLED(CONFIG_UML)\n\tkunit_skip(test, ";
            assert!(kunit.contains(guard), "{kunit}");
            assert!(
                kunit.contains(
                    "kunit.py run --kunitconfig=mm/tests/leafdiff.kunitconfig --arch=x86_64"
                ),
                "{kunit}"
            );
            let (_, c_program) = b.repro(&file, &["--c"]);
            let tmp = tempfile::tempdir().unwrap();
            let (code, out) = run_kunit(&kunit, &c_program, tmp.path(), &[]);
            assert_eq!(
                code, 1,
                "the x86_64 test passes on the buggy kernel:\n{out}"
            );
            let (code, out) = run_kunit(&kunit, &c_program, tmp.path(), &["-DCONFIG_UML=1"]);
            assert_eq!(code, 77, "the x86_64 test does not skip under UML:\n{out}");
            assert!(
                out.contains("# skipped: checks the x86_64 swap encoding"),
                "{out}"
            );
        },
    );
    // The arch-independent entry layer is not at fault.
    for h in ["swp_entry", "swp_offset", "softleaf_type"] {
        assert!(!blamed(&report).contains(&h), "{h} blamed:\n{report:#}");
    }
    // The arch's encoder is the one cause: the PTE makers are built on it,
    // and the decoder's round trip breaks through the encoder it inverts.
    assert_causes(&report, &["__swp_entry"]);
}

// The device-private migration series (ARCHITECTURE.md §6).

const READ_BUG: &str = "device-migration-series-read-bug.patch";
const SERIES: &str = "device-migration-series.patch";

/// Builds the C reproducer `c_program` for its own arch and runs it under
/// qemu, with the line it prints for that (none where its arch has none):
/// its exit status and output.
fn run_cross(c_program: &str, dir: &Path) -> Option<(i32, String)> {
    let mut lines = c_program.lines();
    lines.find(|l| l.starts_with(" * Or built for "))?;
    let line = lines.next().unwrap().trim_start_matches(" *").trim();
    let (build, run) = line.split_once(" && ").expect("a build and a run");
    let source = dir.join("repro.c");
    std::fs::write(&source, c_program).unwrap();
    let exe = dir.join("repro-cross");
    let local = |a: &str| match a {
        "repro.c" => source.display().to_string(),
        "repro" | "./repro" => exe.display().to_string(),
        a => a.to_string(),
    };
    let mut build = build.split_whitespace().map(local);
    let cc = build.next().unwrap();
    let built = Command::new(&cc)
        .args(build)
        .output()
        .unwrap_or_else(|e| panic!("{cc} (scripts/setup installs it): {e}"));
    assert!(
        built.status.success(),
        "the C reproducer does not build for its arch:\n{}\n{c_program}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mut run = run.split_whitespace().map(local);
    let qemu = run.next().unwrap();
    let out = Command::new(&qemu)
        .args(run)
        .output()
        .unwrap_or_else(|e| panic!("{qemu} (scripts/setup installs qemu-user-static): {e}"));
    Some((
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Compiles the KUnit test case `kunit` for `build`'s kernel with the
/// command line its `--c` reproducer prints, runs it and returns its exit
/// status and output.
fn run_kunit(kunit: &str, c_program: &str, dir: &Path, defines: &[&str]) -> (i32, String) {
    let line = c_program
        .lines()
        .find_map(|l| l.trim_start_matches(" *").trim().strip_prefix("cc "))
        .expect("the C reproducer says how to build it");
    let source = dir.join("leafdiff_kunit.c");
    std::fs::write(&source, kunit).unwrap();
    let exe = dir.join("leafdiff_kunit");
    let mut args: Vec<String> = line
        .split(" && ")
        .next()
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    for a in args.iter_mut() {
        if a == "repro.c" {
            *a = source.display().to_string();
        } else if a == "repro" {
            *a = exe.display().to_string();
        }
    }
    args.push(format!("-I{}", root().join("tests/support").display()));
    args.extend(defines.iter().map(|d| d.to_string()));
    let cc = Command::new("cc").args(&args).output().unwrap();
    assert!(
        cc.status.success(),
        "the KUnit reproducer does not compile:\n{}\n{kunit}",
        String::from_utf8_lossy(&cc.stderr)
    );
    let run = Command::new(&exe).output().unwrap();
    (
        run.status.code().unwrap(),
        String::from_utf8_lossy(&run.stdout).into_owned(),
    )
}

#[test]
fn reviewed_read_predicate_bug_is_found_and_reproduced() {
    let tmp = tempfile::tempdir().unwrap();
    let kunit = with_build(&[READ_BUG], |b| {
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        let report_diff = report.clone();
        let f = finding(&report, "softleaf_is_migration_read");
        assert_eq!(f["kind"], "divergence");
        assert_eq!(strings(&f["inputs"]), ["SWP_MIGRATION_DEVICE_READ"]);
        // Exactly the configs that have the device-private types.
        let with_device_private: Vec<&str> = strings(&report["variants"])
            .into_iter()
            .filter(|v| v.contains("DEVICE_PRIVATE"))
            .collect();
        let mut seen = strings(&f["seen_in"]);
        seen.sort_unstable();
        let mut want = with_device_private.clone();
        want.sort_unstable();
        assert_eq!(seen, want);
        // The three consistent predicates are not blamed.
        for h in [
            "softleaf_is_migration",
            "softleaf_is_migration_write",
            "softleaf_is_migration_read_exclusive",
        ] {
            assert!(!blamed(&report).contains(&h), "{h} blamed:\n{report:#}");
        }

        // The model-free properties alone find it too.
        let props = tempfile::tempdir().unwrap();
        let (code, report) = b.check(props.path(), &["--sweep-only", "--only", "props"]);
        assert_eq!(code, 1, "{report:#}");
        let p = finding(&report, "softleaf_is_migration_read");
        assert_eq!(p["kind"], "property");
        assert_eq!(strings(&p["inputs"]), ["SWP_MIGRATION_DEVICE_READ"]);

        let repro = PathBuf::from(f["reproducer"].as_str().unwrap());
        let (code, kunit) = b.repro(&repro, &["--kunit"]);
        assert_eq!(code, 1, "{kunit}");
        assert!(
            kunit.contains("swp_entry(SWP_MIGRATION_DEVICE_READ, 0x0ULL)")
                && kunit.contains("KUNIT_EXPECT_TRUE(test, !!softleaf_is_migration_read(entry));"),
            "{kunit}"
        );
        let (_, c_program) = b.repro(&repro, &["--c"]);
        let (code, out) = run_kunit(&kunit, &c_program, tmp.path(), &[]);
        assert_eq!(code, 1, "the KUnit test passes on the buggy kernel:\n{out}");

        // One root cause; the two properties it breaks are under it.
        assert_causes(&report_diff, &["softleaf_is_migration_read"]);
        // The helper is arch-independent: no arch guard, and it runs (and
        // fails) under UML too; only its type needs the config.
        let body = kunit.split("*/").nth(1).unwrap();
        assert!(
            !body.contains("CONFIG_X86_64") && !body.contains("CONFIG_UML"),
            "{kunit}"
        );
        let (code, out) = run_kunit(&kunit, &c_program, tmp.path(), &["-DCONFIG_UML=1"]);
        assert_eq!(
            code, 1,
            "the arch-independent test does not fail under UML:\n{out}"
        );
        // Its .kunitconfig: the device-private types and what Kconfig needs
        // for them, which UML cannot have (so the run line names x86_64).
        let (_, config) = b.repro(&repro, &["--kunitconfig"]);
        for line in [
            "CONFIG_KUNIT=y",
            "CONFIG_LEAFDIFF_KUNIT_TEST=y",
            "CONFIG_DEVICE_PRIVATE=y",
            "CONFIG_ZONE_DEVICE=y",
            "CONFIG_MEMORY_HOTREMOVE=y",
            "CONFIG_MEMORY_HOTPLUG=y",
            "CONFIG_MIGRATION=y",
        ] {
            assert!(config.lines().any(|l| l == line), "{line}:\n{config}");
        }
        // Options the bug does not need stay out.
        assert!(!config.contains("MEMORY_FAILURE"), "{config}");
        assert!(
            kunit
                .contains("kunit.py run --kunitconfig=mm/tests/leafdiff.kunitconfig --arch=x86_64"),
            "{kunit}"
        );

        // The kernel's definition, quoted from the headers it was built
        // from: file and line range, then exactly those lines.
        let (_, shown) = b.repro(&repro, &[]);
        let info = String::from_utf8_lossy(&b.run(&["info"]).stdout).into_owned();
        let include = info
            .lines()
            .find_map(|l| l.trim().strip_prefix("extracted headers: "))
            .unwrap();
        let header = std::fs::read_to_string(Path::new(include).join("linux/leafops.h")).unwrap();
        let at = shown
            .find("kernel's definition of softleaf_is_migration_read: ")
            .unwrap_or_else(|| panic!("{shown}"));
        let place = shown[at..]
            .lines()
            .find_map(|l| l.strip_prefix("include/linux/leafops.h:"))
            .unwrap_or_else(|| panic!("{shown}"));
        let (first, last) = place.split_once('-').unwrap();
        let (first, last): (usize, usize) = (first.parse().unwrap(), last.parse().unwrap());
        let quoted: Vec<&str> = shown[at..]
            .lines()
            .skip_while(|l| !l.starts_with("include/linux/leafops.h:"))
            .skip(1)
            .take(last - first + 1)
            .collect();
        let lines: Vec<&str> = header.lines().collect();
        for (n, q) in (first..=last).zip(&quoted) {
            assert_eq!(*q, format!("{n:>5}  {}", lines[n - 1]), "{shown}");
        }
        assert!(
            lines[first - 1].contains("softleaf_is_migration_read("),
            "{shown}"
        );
        assert_eq!(lines[last - 1].trim(), "}", "{shown}");

        // A property reproducer's KUnit test checks the breaking helper.
        let props_repro = PathBuf::from(p["reproducer"].as_str().unwrap());
        let (code, props_kunit) = b.repro(&props_repro, &["--kunit"]);
        assert_eq!(code, 1);
        let (code, out) = run_kunit(&props_kunit, &c_program, tmp.path(), &[]);
        assert_eq!(code, 1, "the property's KUnit test passes:\n{out}");

        // The fuzzer's minimized crash (cargo fuzz tmin), kept in the
        // regression corpus that tests/corpus.rs replays on every build,
        // still reproduces here.
        let regression =
            root().join("corpus/regressions/diff_entry/softleaf_is_migration_read-device-read");
        let (code, shown) = b.repro(&regression, &[]);
        assert_eq!(code, 1, "{shown}");
        assert!(
            shown.contains("softleaf_is_migration_read(swp_entry(SWP_MIGRATION_DEVICE_READ"),
            "{shown}"
        );
        kunit
    });

    // On the consistent series: the same case shows nothing and the same
    // KUnit test passes.
    with_build(&[SERIES], |b| {
        let regression =
            root().join("corpus/regressions/diff_entry/softleaf_is_migration_read-device-read");
        let (code, shown) = b.repro(&regression, &[]);
        assert_eq!(code, 0, "{shown}");
        let (_, fixed_c) = b.repro(&regression, &["--c"]);
        let (code, out) = run_kunit(&kunit, &fixed_c, tmp.path(), &[]);
        assert_eq!(code, 0, "the KUnit test fails on the fixed kernel:\n{out}");
    });
}

#[test]
fn consistent_series_shows_no_divergence() {
    with_build(&[SERIES], |b| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
        let (code, report) = b.check(tmp.path(), &["--time", "5", "--seed", "3"]);
        assert_eq!(code, 0, "{report:#}");
        let info = b.run(&["info"]);
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.contains("device-private migration series: present"),
            "{info}"
        );
        assert!(info.contains("SOFTLEAF_MIGRATION_DEVICE_READ"), "{info}");
    });
}

#[test]
fn colliding_type_number_is_found_with_both_names() {
    with_build(&["device-migration-type-collision.patch"], |b| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        let build = strings(&report["build_findings"]);
        assert!(!build.is_empty(), "{report:#}");
        for b in build {
            assert!(b.contains("DEVICE_PRIVATE"), "{b}");
            assert!(b.contains("the model expects it to compile"), "{b}");
            for name in ["SWP_MIGRATION_DEVICE_WRITE", "SWP_DEVICE_EXCLUSIVE"] {
                assert!(b.contains(name), "{b} lacks {name}");
            }
        }
    });
}

// Revisions of the device-private migration series (ARCHITECTURE.md §6).

/// The second revision as posted: `(page, flags)` makers, `softleaf_to_flags`,
/// the device-private `_from_page` makers, and a misspelled stub.
const SERIES_V2: &str = "device-migration-series-v2.patch";
/// The third: the stub spelled right.
const SERIES_V3: &str = "device-migration-series-v3.patch";

/// The info line of one helper: its name, how it is checked, its prototype.
fn info_line<'i>(info: &'i str, helper: &str) -> &'i str {
    info.lines()
        .find(|l| l.split_whitespace().next() == Some(helper))
        .unwrap_or_else(|| panic!("info does not list {helper}:\n{info}"))
}

#[test]
fn second_revision_builds_and_its_misspelled_stub_is_named() {
    with_build(&[SERIES_V2], |b| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        assert!(findings(&report).is_empty(), "{report:#}");
        let build = strings(&report["build_findings"]);
        assert!(!build.is_empty(), "{report:#}");
        for line in &build {
            assert!(
                line.contains("`make_writable_migration_entry_from_page`")
                    && line.contains("`make_writeable_migration_entry_from_page` instead"),
                "{line}"
            );
            // Only the configs without migration have the stub.
            assert!(!line.contains("MIGRATION+"), "{line}");
        }
        let info = b.info();
        for h in [
            "make_readable_migration_entry_from_page",
            "softleaf_to_flags",
            "make_readable_device_private_entry_from_page",
        ] {
            let line = info_line(&info, h);
            assert!(line.contains(" modelled "), "{line}");
        }
        assert!(info_line(&info, "make_readable_migration_entry_from_page")
            .contains("(struct page *page, pgoff_t flags)"));
    });
}

#[test]
fn third_revision_is_consistent() {
    with_build(&[SERIES_V3], |b| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 0, "{report:#}");
        assert!(
            report["helpers_compared"].as_u64().unwrap() > 120,
            "{report:#}"
        );
    });
}

#[test]
fn changed_prototype_builds_and_is_named() {
    with_build(&["prototype-changed.patch"], |b| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(code, 1, "{report:#}");
        assert!(findings(&report).is_empty(), "{report:#}");
        let build = strings(&report["build_findings"]);
        assert_eq!(build.len(), 1, "{report:#}");
        assert!(
            build[0].contains("prototype changed: make_pte_marker_entry now takes `swp_entry_t make_pte_marker_entry(pte_marker marker, pte_marker extra)`"),
            "{}",
            build[0]
        );
        let info = b.info();
        assert!(info_line(&info, "make_pte_marker_entry").contains("not modelled: properties only"));
    });
}

#[test]
fn unknown_helper_bug_is_found_by_a_property() {
    let report = assert_found(
        "unknown-helper-offset-cut.patch",
        &["make_device_exclusive_entry_for_device"],
    );
    assert_eq!(blamed(&report), ["make_device_exclusive_entry_for_device"]);
    let f = finding(&report, "make_device_exclusive_entry_for_device");
    assert_eq!(f["property"], "maker-keeps-its-offset");
    let helpers = report["helpers"][0]["properties_only"].clone();
    assert!(strings(&helpers).contains(&"make_device_exclusive_entry_for_device"));
}

#[test]
fn diff_shows_the_read_bug_as_an_asymmetry_first() {
    with_base_build(&[READ_BUG], |b| {
        let out = b.run(&["diff"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        // Its first lines: the kernels, then the asymmetry.
        let first_finding = text.lines().nth(3).unwrap_or_else(|| panic!("{text}"));
        assert!(
            first_finding.starts_with("  softleaf_is_migration_read: the series leaves it unchanged on SWP_MIGRATION_DEVICE_READ"),
            "{text}"
        );
        for changed in [
            "softleaf_is_migration on SWP_MIGRATION_DEVICE_READ:",
            "softleaf_is_migration_write on SWP_MIGRATION_DEVICE_WRITE:",
            "softleaf_is_migration_read_exclusive on SWP_MIGRATION_DEVICE_READ_EXCLUSIVE:",
        ] {
            assert!(text.contains(changed), "{changed} missing:\n{text}");
        }
        assert!(
            !text.contains("softleaf_is_migration_read on SWP_MIGRATION_DEVICE_READ:"),
            "{text}"
        );
        // The kernels under test exclude the base: check sees one kernel.
        let tmp = tempfile::tempdir().unwrap();
        let (_, report) = b.check(tmp.path(), &["--sweep-only"]);
        assert_eq!(report["kernels"].as_array().unwrap().len(), 1, "{report:#}");
    });
}

#[test]
fn diff_of_a_series_that_changes_no_header_reports_nothing() {
    with_base_build(&["mm-only-series.patch"], |b| {
        let out = b.run(&["diff"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("The series changes nothing"), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
    });
}

/// Every regression case runs on some build `cargo test` makes: the
/// default kernel, or the series that its recorded requirements name.
#[test]
fn every_regression_case_runs_somewhere() {
    let dir = root().join("corpus/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flat_map(|t| std::fs::read_dir(t.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut ran: Vec<usize> = vec![0; files.len()];
    for patches in [&[][..], &[SERIES][..]] {
        with_build(patches, |b| {
            for (file, ran) in files.iter().zip(ran.iter_mut()) {
                let out = b.run_any(&["repro", &file.display().to_string()]);
                match out.status.code() {
                    Some(3) => {}
                    Some(0) => *ran += 1,
                    code => panic!(
                        "{} on {patches:?}: exit {code:?}\n{}",
                        file.display(),
                        String::from_utf8_lossy(&out.stdout)
                    ),
                }
            }
        });
    }
    for (file, ran) in files.iter().zip(&ran) {
        assert!(
            *ran > 0,
            "{} runs on no build cargo test makes",
            file.display()
        );
    }
}
