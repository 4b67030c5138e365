//! Kernel acquisition with no network: local paths, unpacking, and the
//! cache's failure modes (corrupted, half-unpacked, incomplete, offline).

mod acquire_support;

use acquire_support::*;
use leafdiff_kernel::debian::{self, DebianError, Marker, MARKER};
use leafdiff_kernel::pin::PinError;
use leafdiff_kernel::settings::KernelItem;
use leafdiff_kernel::source::{self, SourceError};
use leafdiff_kernel::{Provenance, Verification};
use std::path::Path;

fn marker(pkg: &FakePackage) -> Marker {
    Marker {
        sha256: pkg.sha256(),
        package: pkg.package.clone(),
        version: pkg.version.clone(),
        suite: "experimental".into(),
        verified: Verification::Unrecorded,
    }
}

fn rc7() -> FakePackage {
    FakePackage::new("7.3", "7.3~rc7-1~exp1", (7, 3, 0, "-rc7"))
}

fn tree_dir(cache: &Path, pkg: &FakePackage) -> std::path::PathBuf {
    trees_dir(cache).join(format!("{}_{}", pkg.package, pkg.version))
}

fn resolve_pinned(
    cache: &Path,
    pin_file: &Path,
    offline: bool,
) -> Result<Vec<leafdiff_kernel::KernelTree>, SourceError> {
    let s = settings(cache, &dead_mirror(), vec![KernelItem::Pinned], offline);
    let no_apt = tempfile::tempdir().unwrap();
    source::resolve_with(&s, pin_file, no_apt.path(), &mut |_| {})
}

#[test]
fn unpacking_every_data_compression() {
    for compression in [Compression::Xz, Compression::Gz, Compression::Zst] {
        let dir = tempfile::tempdir().unwrap();
        let deb_path = dir.path().join("p.deb");
        let files = tree_files((7, 3, 0, ""));
        std::fs::write(
            &deb_path,
            build_deb("linux-headers-7.3-common", &files, compression),
        )
        .unwrap();
        let dest = dir.path().join("trees/p");
        let m = Marker {
            sha256: "ab".into(),
            package: "linux-headers-7.3-common".into(),
            version: "7.3-1".into(),
            suite: "sid".into(),
            verified: Verification::Unrecorded,
        };
        let root = debian::unpack_deb(&deb_path, &dest, &m).unwrap();
        assert_eq!(
            root,
            dest.join("usr/src/linux-headers-7.3-common"),
            "{compression:?}"
        );
        for (rel, data) in &files {
            assert_eq!(
                &std::fs::read(root.join(rel)).unwrap(),
                data,
                "{compression:?} {rel}"
            );
        }
        assert!(root
            .join("scripts")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(
            !dest.join("usr/share").exists(),
            "{compression:?}: only usr/src/"
        );
    }
}

#[test]
fn unpacking_is_atomic_and_replaces_leftovers() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let deb_path = cache.path().join("p.deb");
    std::fs::write(&deb_path, &pkg.deb).unwrap();
    let dest = tree_dir(cache.path(), &pkg);
    // An interrupted run's temp dir, and a destination without a marker.
    let stale_tmp = trees_dir(cache.path()).join(format!(
        "{}.tmp-4194303",
        dest.file_name().unwrap().to_str().unwrap()
    ));
    std::fs::create_dir_all(stale_tmp.join("usr/src")).unwrap();
    std::fs::create_dir_all(dest.join("usr/src/linux-headers-7.3-common/include")).unwrap();

    debian::unpack_deb(&deb_path, &dest, &marker(&pkg)).unwrap();
    assert_eq!(
        list_dir(&trees_dir(cache.path())),
        [dest.file_name().unwrap().to_str().unwrap()],
        "temp dirs are gone"
    );
    let text = std::fs::read_to_string(dest.join(MARKER)).unwrap();
    assert!(text.contains(&pkg.sha256()), "{text}");
    source::check_tree(&dest.join("usr/src/linux-headers-7.3-common")).unwrap();
}

#[test]
fn a_deb_without_headers_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let deb_path = dir.path().join("p.deb");
    std::fs::write(
        &deb_path,
        build_deb("not-headers", &tree_files((7, 3, 0, "")), Compression::Xz),
    )
    .unwrap();
    let dest = dir.path().join("trees/p");
    let err = debian::unpack_deb(&deb_path, &dest, &marker(&rc7())).unwrap_err();
    assert!(
        matches!(err, DebianError::NoHeadersDir { found: 0, .. }),
        "{err}"
    );
    assert_eq!(list_dir(&dir.path().join("trees")), Vec::<String>::new());

    std::fs::write(&deb_path, b"!<arch>\ngarbage").unwrap();
    let err = debian::unpack_deb(&deb_path, &dest, &marker(&rc7())).unwrap_err();
    assert!(matches!(err, DebianError::BadDeb { .. }), "{err}");
    assert!(err.to_string().contains("delete it"), "{err}");
    assert_eq!(list_dir(&dir.path().join("trees")), Vec::<String>::new());
}

#[test]
fn offline_without_cache_says_how_to_get_the_kernel() {
    let cache = tempfile::tempdir().unwrap();
    let pin_file = cache.path().join("kernel-pin.toml");
    rc7().pin("experimental").save(&pin_file).unwrap();
    let err = resolve_pinned(cache.path(), &pin_file, true).unwrap_err();
    assert!(
        matches!(err, SourceError::Debian(DebianError::NotCached { .. })),
        "{err}"
    );
    let msg = err.to_string();
    let expected_path = tree_dir(cache.path(), &rc7());
    assert!(
        msg.contains(&format!("not cached at {}", expected_path.display())),
        "{msg}"
    );
    assert!(
        msg.contains("without LEAFDIFF_OFFLINE") && msg.contains("LEAFDIFF_KERNEL"),
        "{msg}"
    );

    let s = settings(
        cache.path(),
        &dead_mirror(),
        vec![KernelItem::DebianVersion("7.2.13".into())],
        true,
    );
    let err = source::resolve_with(&s, &pin_file, cache.path(), &mut |_| {}).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("Debian kernel 7.2.13 is not cached at"),
        "{msg}"
    );
}

#[test]
fn a_tree_without_its_marker_is_never_used() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    // A complete-looking tree from an interrupted unpack: no marker.
    write_tree(
        &tree_dir(cache.path(), &pkg).join("usr/src/linux-headers-7.3-common"),
        &tree_files((7, 3, 0, "-rc7")),
    );
    let err = resolve_pinned(cache.path(), &pin_file, true).unwrap_err();
    assert!(
        matches!(err, SourceError::Debian(DebianError::NotCached { .. })),
        "{err}"
    );
}

#[test]
fn a_cached_deb_is_verified_and_unpacked_offline() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    std::fs::create_dir_all(cache.path().join("downloads")).unwrap();
    std::fs::write(
        cache.path().join("downloads").join(pkg.deb_basename()),
        &pkg.deb,
    )
    .unwrap();
    let trees = resolve_pinned(cache.path(), &pin_file, true).unwrap();
    assert_eq!(trees[0].version, "7.3~rc7-1~exp1");
    assert!(trees[0].root.join("include/linux/swapops.h").is_file());
}

#[test]
fn a_corrupted_cached_deb_is_an_error_naming_it() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    let deb = cache.path().join("downloads").join(pkg.deb_basename());
    std::fs::create_dir_all(deb.parent().unwrap()).unwrap();
    let mut corrupted = pkg.deb.clone();
    corrupted.truncate(corrupted.len() - 10);
    std::fs::write(&deb, &corrupted).unwrap();

    for offline in [true, false] {
        let err = resolve_pinned(cache.path(), &pin_file, offline).unwrap_err();
        let SourceError::Debian(DebianError::CorruptCache {
            path,
            expected,
            actual,
            ..
        }) = &err
        else {
            panic!("{err}");
        };
        assert_eq!(path, &deb);
        assert_eq!(expected, &pkg.sha256());
        assert_eq!(actual, &sha256_hex(&corrupted));
        let msg = err.to_string();
        assert!(msg.contains(&format!("delete {}", deb.display())), "{msg}");
    }
    assert!(deb.exists(), "the user decides what to delete");
}

#[test]
fn a_cached_tree_missing_a_needed_file_is_the_check_tree_error() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    let deb = cache.path().join("p.deb");
    std::fs::write(&deb, &pkg.deb).unwrap();
    let root = debian::unpack_deb(&deb, &tree_dir(cache.path(), &pkg), &marker(&pkg)).unwrap();
    std::fs::remove_file(root.join("include/linux/swap.h")).unwrap();
    let err = resolve_pinned(cache.path(), &pin_file, true).unwrap_err();
    assert!(matches!(err, SourceError::MissingFiles { .. }), "{err}");
    assert!(err.to_string().contains("include/linux/swap.h"), "{err}");
}

#[test]
fn path_missing_a_needed_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = tree_files((7, 1, 0, ""))
        .into_iter()
        .filter(|(rel, _)| rel != "include/linux/swap.h")
        .collect();
    write_tree(dir.path(), &files);
    let s = settings(
        dir.path(),
        &dead_mirror(),
        vec![KernelItem::Path(dir.path().into())],
        true,
    );
    let err = source::resolve_with(&s, Path::new("/no/pin"), dir.path(), &mut |_| {}).unwrap_err();
    let SourceError::MissingFiles { root, missing } = &err else {
        panic!("{err}");
    };
    assert_eq!(root, dir.path());
    assert_eq!(missing, &["include/linux/swap.h"]);
    let msg = err.to_string();
    assert!(
        msg.contains("include/linux/swap.h") && msg.contains("linux-headers-*-common"),
        "{msg}"
    );
}

#[test]
fn path_items_accept_trees_and_unpacked_debs() {
    let dir = tempfile::tempdir().unwrap();
    let source_tree = dir.path().join("linux");
    write_tree(&source_tree, &tree_files((7, 3, 0, "-rc7")));
    let unpacked = dir.path().join("unpacked");
    let headers = unpacked.join("usr/src/linux-headers-7.2.13+deb14-common");
    let files: Vec<_> = tree_files((0, 0, 0, ""))
        .into_iter()
        .filter(|(r, _)| r != "Makefile")
        .collect();
    write_tree(&headers, &files);

    let s = settings(
        dir.path(),
        &dead_mirror(),
        vec![
            KernelItem::Path(source_tree.clone()),
            KernelItem::Path(unpacked.clone()),
        ],
        true,
    );
    let trees = source::resolve_with(&s, Path::new("/no/pin"), dir.path(), &mut |_| {}).unwrap();
    assert_eq!(trees[0].root, source_tree);
    assert_eq!(trees[0].version, "7.3.0-rc7");
    assert_eq!(trees[0].provenance, Provenance::Path(source_tree));
    assert_eq!(
        trees[1].root, headers,
        "descends into the one headers directory"
    );
    assert_eq!(trees[1].version, "7.2.13+deb14", "from the directory name");

    // Two headers directories: the user must choose.
    write_tree(&unpacked.join("usr/src/linux-headers-7.3-common"), &files);
    let err = source::path_tree(&unpacked).unwrap_err();
    assert!(matches!(err, SourceError::AmbiguousHeaders { .. }), "{err}");
}

#[test]
fn a_malformed_pin_is_an_error_naming_it() {
    let cache = tempfile::tempdir().unwrap();
    let pin_file = cache.path().join("kernel-pin.toml");
    std::fs::write(&pin_file, "series = 7.3\n").unwrap();
    let err = resolve_pinned(cache.path(), &pin_file, true).unwrap_err();
    assert!(
        matches!(err, SourceError::Pin(PinError::Malformed { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains(&pin_file.display().to_string()),
        "{err}"
    );
}
