//! Planted bugs: each fixture patch, applied to the real default headers,
//! builds leafdiff anew and `check` must find its bug and name the helper.
//! The unpatched kernel's zero-divergence run is in tests/clean.rs.
//!
//! These builds share `target/fixture-builds` so dependencies compile once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// One fixture build at a time: they share a target directory.
static BUILD: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn leafdiff(patches: &[&str], args: &[&str]) -> Output {
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let patches: Vec<String> = patches
        .iter()
        .map(|p| root().join("tests/fixtures").join(p).display().to_string())
        .collect();
    let out = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["run", "--quiet", "--bin", "leafdiff", "--"])
        .args(args)
        .env("LEAFDIFF_PATCHES", patches.join(":"))
        .env("CARGO_TARGET_DIR", root().join("target/fixture-builds"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "leafdiff {args:?} with {patches:?} failed to run:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn check(fixture: &str, extra: &[&str], out_dir: &Path) -> (i32, String) {
    let dir = out_dir.display().to_string();
    let mut args = vec!["check", "--time", "10", "--out", dir.as_str()];
    args.extend_from_slice(extra);
    let out = leafdiff(&[fixture], &args);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn assert_found(fixture: &str, helpers: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let (code, report) = check(fixture, &[], tmp.path());
    assert_eq!(code, 1, "{fixture}: check should exit 1, report:\n{report}");
    for h in helpers {
        assert!(
            report.contains(h),
            "{fixture}: report does not name {h}:\n{report}"
        );
    }
}

#[test]
fn dropped_softleaf_type_case_is_found() {
    assert_found(
        "drop-softleaf-type-case.patch",
        &["softleaf_type", "SWP_HWPOISON"],
    );
}

#[test]
fn predicate_accepting_wrong_type_is_found() {
    assert_found(
        "predicate-wrong-type.patch",
        &["softleaf_is_device_private_write"],
    );
}

#[test]
fn young_and_dirty_confused_is_found() {
    assert_found(
        "young-dirty-confused.patch",
        &["make_migration_entry_young"],
    );
}

#[test]
fn pte_flag_on_wrong_bit_is_found() {
    assert_found("pte-flag-wrong-bit.patch", &["pte_swp_mkexclusive"]);
}

#[test]
fn offset_mask_one_bit_short_is_found() {
    assert_found("offset-mask-short.patch", &["swp_offset"]);
}

#[test]
fn arch_offset_encoding_error_is_found() {
    assert_found("arch-offset-not-inverted.patch", &["softleaf_from_pte"]);
}

// The device-private migration series (DESIGN §5).

fn reproducer_for(dir: &Path, helper: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(helper))
        .unwrap_or_else(|| panic!("no reproducer for {helper} in {}", dir.display()))
}

#[test]
fn reviewed_read_predicate_bug_is_found_and_reproduced() {
    let fixture = "device-migration-series-read-bug.patch";
    let tmp = tempfile::tempdir().unwrap();
    let (code, report) = check(fixture, &[], tmp.path());
    assert_eq!(code, 1, "{report}");
    for want in [
        "softleaf_is_migration_read",
        "SWP_MIGRATION_DEVICE_READ",
        "seen in: k0:MIGRATION+DEVICE_PRIVATE",
    ] {
        assert!(report.contains(want), "report lacks {want}:\n{report}");
    }
    assert!(
        !report.contains("### `softleaf_is_migration_write"),
        "a consistent predicate was blamed:\n{report}"
    );

    let props = tempfile::tempdir().unwrap();
    let (code, report) = check(fixture, &["--only", "props"], props.path());
    assert_eq!(
        code, 1,
        "the model-free properties alone must find it:\n{report}"
    );
    assert!(report.contains("softleaf_is_migration_read"), "{report}");

    let repro = reproducer_for(tmp.path(), "softleaf_is_migration_read");
    let repro_arg = repro.display().to_string();
    let out = leafdiff(&[fixture], &["repro", &repro_arg, "--kunit"]);
    let kunit = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{kunit}");
    assert!(
        kunit.contains("swp_entry(SWP_MIGRATION_DEVICE_READ, 0x0UL)"),
        "{kunit}"
    );
    assert!(
        kunit.contains("KUNIT_EXPECT_TRUE(test, !!softleaf_is_migration_read(entry));"),
        "{kunit}"
    );
    assert!(kunit.contains("kunit_test_suite("), "{kunit}");

    // The fuzzer's minimized crash (cargo fuzz tmin), kept in the regression
    // corpus that tests/corpus.rs replays on every build, still reproduces here.
    let regression =
        root().join("corpus/regressions/diff_entry/softleaf_is_migration_read-device-read");
    let out = leafdiff(&[fixture], &["repro", &regression.display().to_string()]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("softleaf_is_migration_read(swp_entry(SWP_MIGRATION_DEVICE_READ"),
        "{shown}"
    );

    // The same case on the consistent series: no divergence.
    let out = leafdiff(&["device-migration-series.patch"], &["repro", &repro_arg]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn consistent_series_shows_no_divergence() {
    let tmp = tempfile::tempdir().unwrap();
    let out = leafdiff(
        &["device-migration-series.patch"],
        &[
            "check",
            "--time",
            "20",
            "--out",
            &tmp.path().display().to_string(),
        ],
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("No divergences."), "{report}");
    let info = leafdiff(&["device-migration-series.patch"], &["info"]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("device-private migration series: present"),
        "{info}"
    );
    assert!(info.contains("SOFTLEAF_MIGRATION_DEVICE_READ"), "{info}");
}

#[test]
fn colliding_type_number_is_found_with_both_names() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, report) = check("device-migration-type-collision.patch", &[], tmp.path());
    assert_eq!(code, 1, "{report}");
    for name in ["SWP_MIGRATION_DEVICE_WRITE", "SWP_DEVICE_EXCLUSIVE"] {
        assert!(report.contains(name), "report lacks {name}:\n{report}");
    }
}
