//! LEAFDIFF_PATCHES end to end: patch files and saved mail series applied to
//! a private copy of a small synthetic kernel tree (tests/data/patch/tree).
//! The expected trees under tests/data/patch/expected were produced by GNU
//! patch from the same fixtures, and the offsets and fuzz asserted here are
//! the ones it reports.

use leafdiff_kernel::extract::read_files;
use leafdiff_kernel::patch::{
    apply_series, FileChange, MessageStatus, PatchError, PatchFormat, PatchReport,
};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The files the synthetic tree has, plus one a patch creates.
const FILES: &[&str] = &[
    "include/linux/swapops.h",
    "include/linux/swap.h",
    "include/linux/leafops.h",
    "include/linux/toy_types.h",
];

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/patch")
        .join(path)
}

/// Applies fixture patches to the fixture tree; the copy lives as long as the TempDir.
fn apply(files: &[&str], patches: &[&str]) -> (TempDir, Result<PatchReport, PatchError>) {
    let dest = TempDir::new().unwrap();
    let patches: Vec<PathBuf> = patches.iter().map(|p| data(p)).collect();
    let result = apply_series(&data("tree"), files, &patches, dest.path());
    (dest, result)
}

fn read(root: &Path, file: &str) -> String {
    fs::read_to_string(root.join(file))
        .unwrap_or_else(|e| panic!("{}: {e}", root.join(file).display()))
}

/// Asserts that `file` in the copy equals the expected tree `expected`.
fn assert_file(dest: &TempDir, expected: &str, file: &str) {
    let want = read(&data(expected), file);
    assert_eq!(
        read(dest.path(), file),
        want,
        "{file} differs from {expected}"
    );
}

/// Every file under `root` with its bytes, to tell whether a tree changed.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

fn copy_tree(from: &Path, to: &Path) {
    for (file, bytes) in snapshot(from) {
        let target = to.join(file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
}

/// A patch file written for one test.
fn scratch_patch(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn no_patches_just_copies_what_exists() {
    let (dest, report) = apply(FILES, &[]);
    let report = report.unwrap();
    assert!(report.patches.is_empty());
    assert_eq!(report.copied, FILES[..3]);
    assert_eq!(report.missing, ["include/linux/toy_types.h"]);
    assert_file(&dest, "tree", "include/linux/leafops.h");
    assert!(!dest.path().join("include/linux/toy_types.h").exists());
}

#[test]
fn plain_git_diff_applies_exactly() {
    let (dest, report) = apply(FILES, &["plain.diff"]);
    let report = report.unwrap();
    assert_file(&dest, "expected/plain", "include/linux/swap.h");
    assert_file(&dest, "expected/plain", "include/linux/swapops.h");
    assert_file(&dest, "tree", "include/linux/leafops.h");

    let patch = &report.patches[0];
    assert_eq!(patch.format, PatchFormat::Diff);
    let files: Vec<(&str, usize)> = patch.messages[0]
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.hunks.len()))
        .collect();
    assert_eq!(
        files,
        [("include/linux/swap.h", 1), ("include/linux/swapops.h", 2)]
    );
    assert_eq!(report.hunks().len(), 3);
    assert!(report.inexact_hunks().is_empty());
    assert!(report.skipped().is_empty());
    let shown = report.to_string();
    assert!(
        shown.contains("include/linux/swapops.h: modified, 2 hunks applied exactly"),
        "{shown}"
    );
}

#[test]
fn shifted_hunks_apply_at_an_offset_and_the_report_says_so() {
    let (dest, report) = apply(FILES, &["offset.diff"]);
    let report = report.unwrap();
    // Same change as plain.diff, made against a tree with lines added and removed.
    assert_file(&dest, "expected/plain", "include/linux/swapops.h");

    let hunks: Vec<(usize, usize, isize, usize)> = report
        .hunks()
        .iter()
        .map(|(_, _, h)| (h.number, h.line, h.offset, h.fuzz))
        .collect();
    // GNU patch: "Hunk #1 succeeded at 5 (offset 2 lines)", "Hunk #2 succeeded at 39 (offset -1 lines)".
    assert_eq!(hunks, [(1, 5, 2, 0), (2, 39, -1, 0)]);
    let shown = report.to_string();
    assert!(
        shown.contains("hunk #1 @@ -3,7 +3,7 @@ applied at line 5 (offset +2 lines)"),
        "{shown}"
    );
    assert!(
        shown.contains("hunk #2 @@ -40,7 +40,7 @@ applied at line 39 (offset -1 line)"),
        "{shown}"
    );
}

#[test]
fn changed_context_line_applies_with_fuzz_and_the_report_says_so() {
    let (dest, report) = apply(FILES, &["fuzz.diff"]);
    let report = report.unwrap();
    // The file's own version of the changed context line is kept.
    assert_file(&dest, "expected/fuzz", "include/linux/leafops.h");

    let inexact = report.inexact_hunks();
    assert_eq!(inexact.len(), 1);
    let (patch, file, hunk) = inexact[0];
    assert_eq!(
        (patch, file),
        (data("fuzz.diff").as_path(), "include/linux/leafops.h")
    );
    // GNU patch: "Hunk #1 succeeded at 43 with fuzz 1."
    assert_eq!((hunk.line, hunk.offset, hunk.fuzz), (43, 0, 1));
    let shown = report.to_string();
    assert!(
        shown.contains("hunk #1 @@ -43,6 +43,8 @@ applied at line 43 (fuzz 1)"),
        "{shown}"
    );
}

#[test]
fn non_applying_hunk_is_an_error_naming_patch_file_and_hunk() {
    let (_dest, result) = apply(FILES, &["nonapplying.diff"]);
    let err = result.unwrap_err();
    let PatchError::HunkFailed {
        origin,
        file,
        hunk,
        header,
        reason,
    } = &err
    else {
        panic!("expected HunkFailed, got {err:?}");
    };
    assert_eq!(origin.patch, data("nonapplying.diff"));
    assert_eq!(origin.subject, None);
    assert_eq!(file, "include/linux/swapops.h");
    assert_eq!((*hunk, header.as_str()), (2, "@@ -15,7 +15,7 @@"));
    assert!(
        reason.contains(
            "expects `\\treturn (unsigned int)(entry >> TOY_TYPE_SHIFT);` but the file has `\\treturn entry >> TOY_TYPE_SHIFT;`"
        ),
        "{reason}"
    );
    let shown = err.to_string();
    assert!(shown.contains("nonapplying.diff"), "{shown}");
    assert!(
        shown.contains("hunk #2 @@ -15,7 +15,7 @@ does not apply to include/linux/swapops.h"),
        "{shown}"
    );
}

#[test]
fn mbox_series_applies_in_order_and_lists_skipped_files() {
    // The real list of files leafdiff reads: mm/memory.c is not among them.
    let (dest, report) = apply(&read_files(), &["series.mbox"]);
    let report = report.unwrap();
    for file in [
        "include/linux/swap.h",
        "include/linux/swapops.h",
        "include/linux/leafops.h",
    ] {
        assert_file(&dest, "expected/series", file);
    }
    assert!(!dest.path().join("mm").exists());

    let patch = &report.patches[0];
    assert_eq!(patch.format, PatchFormat::Mbox);
    let messages: Vec<(&str, MessageStatus)> = patch
        .messages
        .iter()
        .map(|m| (m.subject.as_deref().unwrap(), m.status))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "[PATCH 0/3] toy: device-private migration entries",
                MessageStatus::CoverLetter
            ),
            (
                "[PATCH 1/3] toy: add device-private migration types",
                MessageStatus::Applied
            ),
            (
                "[PATCH 2/3] toy: recognise device-private migration entries",
                MessageStatus::Applied
            ),
            (
                "[PATCH 3/3] toy: softleaf types for device-private migration",
                MessageStatus::Applied
            ),
        ]
    );
    assert_eq!(
        report.skipped(),
        [(data("series.mbox").as_path(), "mm/memory.c")]
    );
    assert_eq!(patch.messages[2].skipped, ["mm/memory.c"]);
    // Patch 3 edits a line patch 1 added: it applied exactly, so the order was kept.
    let third: Vec<&str> = patch.messages[3]
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(third, ["include/linux/leafops.h", "include/linux/swap.h"]);
    assert!(report.inexact_hunks().is_empty());

    let shown = report.to_string();
    assert!(shown.contains("(mbox, 4 messages)"), "{shown}");
    assert!(
        shown.contains(
            "\"[PATCH 0/3] toy: device-private migration entries\": cover letter, ignored"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("mm/memory.c: skipped, not read by leafdiff"),
        "{shown}"
    );
}

#[test]
fn series_out_of_order_fails_on_the_hunk_that_needs_an_earlier_patch() {
    // Only patch 3 of the series: its swap.h hunk needs a line patch 1 adds.
    let scratch = TempDir::new().unwrap();
    let series = fs::read_to_string(data("series.mbox")).unwrap();
    let third = &series[series.find("Subject: [PATCH 3/3]").unwrap()..];
    let path = scratch_patch(
        &scratch,
        "third.mbox",
        &format!("From mboxrd@z Thu Jan  1 00:00:00 1970\n{third}"),
    );
    let dest = TempDir::new().unwrap();
    let err = apply_series(
        &data("tree"),
        FILES,
        std::slice::from_ref(&path),
        dest.path(),
    )
    .unwrap_err();
    let PatchError::HunkFailed {
        origin, file, hunk, ..
    } = &err
    else {
        panic!("expected HunkFailed, got {err:?}");
    };
    assert_eq!(origin.patch, path);
    assert_eq!(
        origin.subject.as_deref(),
        Some("[PATCH 3/3] toy: softleaf types for device-private migration")
    );
    assert_eq!((file.as_str(), *hunk), ("include/linux/swap.h", 1));
    assert!(
        err.to_string()
            .contains("(message \"[PATCH 3/3] toy: softleaf types"),
        "{err}"
    );
}

#[test]
fn quoted_printable_mail_is_decoded_and_applies() {
    let (dest, report) = apply(FILES, &["qp.mbox"]);
    let report = report.unwrap();
    assert_file(&dest, "expected/qp", "include/linux/swapops.h");
    let patched = read(dest.path(), "include/linux/swapops.h");
    assert!(patched.contains(" * Café-grade check"));
    assert!(patched.contains("\tint is_poison = toy_type(entry) == TOY_HWPOISON;"));

    let patch = &report.patches[0];
    assert_eq!(patch.format, PatchFormat::Mail);
    assert_eq!(
        patch.messages[0].subject.as_deref(),
        Some("[PATCH] toy: café comment, = signs and a long line")
    );
    assert!(report.inexact_hunks().is_empty());
}

#[test]
fn file_creation_creates_a_file_leafdiff_reads() {
    let (dest, report) = apply(FILES, &["create.diff"]);
    let report = report.unwrap();
    let created = read(dest.path(), "include/linux/toy_types.h");
    assert!(created.starts_with("/* SPDX-License-Identifier: GPL-2.0 */\n"));
    assert!(created.ends_with("#endif /* _TOY_TYPES_H */\n"));
    assert_eq!(created.lines().count(), 8);
    let file = &report.patches[0].messages[0].files[0];
    assert_eq!(
        (file.path.as_str(), &file.change),
        ("include/linux/toy_types.h", &FileChange::Created)
    );
    assert!(report
        .to_string()
        .contains("include/linux/toy_types.h: created, 1 hunk applied exactly"));
}

#[test]
fn creating_a_file_twice_is_a_conflict() {
    let (_dest, result) = apply(FILES, &["create.diff", "create.diff"]);
    let err = result.unwrap_err();
    assert!(
        matches!(&err, PatchError::FileConflict { file, .. } if file == "include/linux/toy_types.h")
    );
    assert!(err.to_string().contains("already has it"), "{err}");
}

#[test]
fn deletion_removes_the_copy_only() {
    let scratch = TempDir::new().unwrap();
    let swap_h = read(&data("tree"), "include/linux/swap.h");
    let minus: String = swap_h.lines().map(|l| format!("-{l}\n")).collect();
    let diff = format!(
        "diff --git a/include/linux/swap.h b/include/linux/swap.h\ndeleted file mode 100644\n\
         --- a/include/linux/swap.h\n+++ /dev/null\n@@ -1,{} +0,0 @@\n{minus}",
        swap_h.lines().count()
    );
    let patch = scratch_patch(&scratch, "delete.diff", &diff);
    let dest = TempDir::new().unwrap();
    let report = apply_series(&data("tree"), FILES, &[patch], dest.path()).unwrap();
    assert!(!dest.path().join("include/linux/swap.h").exists());
    assert!(data("tree/include/linux/swap.h").exists());
    assert_eq!(
        report.patches[0].messages[0].files[0].change,
        FileChange::Deleted
    );
}

#[test]
fn source_tree_is_unchanged_afterwards() {
    let src = TempDir::new().unwrap();
    copy_tree(&data("tree"), src.path());
    let before = snapshot(src.path());
    let dest = TempDir::new().unwrap();
    let patches = [data("plain.diff"), data("series.mbox"), data("create.diff")];
    let report = apply_series(src.path(), FILES, &patches, dest.path()).unwrap();
    assert_eq!(report.patches.len(), 3);
    assert_eq!(snapshot(src.path()), before, "the user's tree was modified");
    // And the copy did change.
    assert_ne!(
        read(dest.path(), "include/linux/swap.h"),
        read(src.path(), "include/linux/swap.h")
    );
}

#[test]
fn dest_that_is_the_source_tree_is_refused() {
    let src = TempDir::new().unwrap();
    copy_tree(&data("tree"), src.path());
    let before = snapshot(src.path());
    let err = apply_series(src.path(), FILES, &[data("plain.diff")], src.path()).unwrap_err();
    assert!(matches!(err, PatchError::DestIsSource { .. }), "{err:?}");
    assert_eq!(snapshot(src.path()), before);
}

#[test]
fn a_patch_applied_twice_says_it_is_already_applied() {
    let (_dest, result) = apply(FILES, &["plain.diff", "plain.diff"]);
    let err = result.unwrap_err();
    assert!(
        matches!(&err, PatchError::HunkFailed { hunk: 1, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("is the patch already applied?"),
        "{err}"
    );
}

#[test]
fn reply_quoting_a_patch_has_no_diff() {
    // Same shape as a real review mail: the patch only appears as `> > > ` quotes.
    let (_dest, result) = apply(FILES, &["reply.mbox"]);
    let err = result.unwrap_err();
    let PatchError::NoDiff { path, detail } = &err else {
        panic!("expected NoDiff, got {err:?}");
    };
    assert_eq!(path, &data("reply.mbox"));
    assert!(
        detail.contains("a reply quoting a patch cannot be applied"),
        "{detail}"
    );
    assert!(
        err.to_string().contains("reply.mbox: no diff found"),
        "{err}"
    );
}

#[test]
fn text_without_any_diff_is_an_error() {
    let scratch = TempDir::new().unwrap();
    let notes = scratch_patch(
        &scratch,
        "notes.txt",
        "Remember to test the series.\n--- \nnot a diff\n",
    );
    let err = apply_series(
        &data("tree"),
        FILES,
        std::slice::from_ref(&notes),
        scratch.path().join("out").as_path(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PatchError::NoDiff { path, .. } if *path == notes),
        "{err:?}"
    );
}

#[test]
fn unreadable_patch_file_is_named() {
    let (_dest, result) = apply(FILES, &["does-not-exist.patch"]);
    let err = result.unwrap_err();
    assert!(
        matches!(&err, PatchError::Unreadable { path, .. } if *path == data("does-not-exist.patch"))
    );
    assert!(err.to_string().contains("does-not-exist.patch"), "{err}");
}

#[test]
fn malformed_diff_gives_the_line() {
    let (_dest, result) = apply(FILES, &["truncated.diff"]);
    let err = result.unwrap_err();
    let PatchError::Malformed {
        origin,
        line,
        decoded,
        reason,
    } = &err
    else {
        panic!("expected Malformed, got {err:?}");
    };
    assert_eq!(origin.patch, data("truncated.diff"));
    assert_eq!((*line, *decoded), (11, false));
    assert!(reason.contains("@@ -3,7 +3,7 @@ ends early"), "{reason}");
    assert!(
        err.to_string().contains("malformed diff at line 11"),
        "{err}"
    );
}

#[test]
fn patch_for_a_file_the_tree_lacks_is_a_conflict() {
    let scratch = TempDir::new().unwrap();
    let patch = scratch_patch(
        &scratch,
        "missing.diff",
        "--- a/include/linux/toy_types.h\n+++ b/include/linux/toy_types.h\n@@ -1 +1 @@\n-a\n+b\n",
    );
    let dest = TempDir::new().unwrap();
    let err = apply_series(&data("tree"), FILES, &[patch], dest.path()).unwrap_err();
    assert!(
        matches!(&err, PatchError::FileConflict { file, .. } if file == "include/linux/toy_types.h"),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not have"), "{err}");
}

#[test]
fn report_display_is_one_line_per_fact() {
    let (_dest, report) = apply(&read_files(), &["series.mbox", "offset.diff"]);
    let shown = report.unwrap().to_string();
    let series = data("series.mbox");
    let offset = data("offset.diff");
    let expected = format!(
        "patched copy of 3 files (not in the tree: {missing})
patch {series} (mbox, 4 messages)
  \"[PATCH 0/3] toy: device-private migration entries\": cover letter, ignored
  \"[PATCH 1/3] toy: add device-private migration types\"
    include/linux/swap.h: modified, 1 hunk applied exactly
  \"[PATCH 2/3] toy: recognise device-private migration entries\"
    include/linux/swapops.h: modified, 1 hunk applied exactly
    mm/memory.c: skipped, not read by leafdiff
  \"[PATCH 3/3] toy: softleaf types for device-private migration\"
    include/linux/leafops.h: modified, 3 hunks applied exactly
    include/linux/swap.h: modified, 1 hunk applied exactly
patch {offset} (diff)
  include/linux/swapops.h: modified, 2 hunks applied, 2 at an offset or with fuzz
    hunk #1 @@ -3,7 +3,7 @@ applied at line 5 (offset +2 lines)
    hunk #2 @@ -40,7 +40,7 @@ applied at line 47 (offset +7 lines)
",
        missing = read_files()
            .iter()
            .filter(|f| ![
                "include/linux/swapops.h",
                "include/linux/swap.h",
                "include/linux/leafops.h"
            ]
            .contains(f))
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
        series = series.display(),
        offset = offset.display(),
    );
    assert_eq!(shown, expected);
}
