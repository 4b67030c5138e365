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
