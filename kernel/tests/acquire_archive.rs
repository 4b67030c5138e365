//! Kernel acquisition against a fake mirror on loopback: indexes, download,
//! verification, unpacking, the pin's fallback, and what failures leave behind.

mod acquire_support;

use acquire_support::*;
use leafdiff_kernel::debian::{DebianError, MARKER, REFRESH_COMMAND};
use leafdiff_kernel::pin;
use leafdiff_kernel::settings::KernelItem;
use leafdiff_kernel::source::{self, SourceError};
use leafdiff_kernel::{Provenance, Verification};
use std::collections::HashMap;
use std::path::Path;

/// An apt directory with no sources, so only LEAFDIFF_MIRROR can name the mirror.
fn no_apt() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn routes(indexes: &[(&str, Vec<String>)], debs: &[&FakePackage]) -> HashMap<String, Route> {
    let mut routes = HashMap::new();
    for (suite, stanzas) in indexes {
        routes.extend(suite_routes(suite, stanzas));
    }
    for deb in debs {
        routes.insert(deb.pool_path(), Route::Body(deb.deb.clone()));
    }
    routes
}

/// Enough for every suite's InRelease, the indexes and a package.
const REQUESTS: usize = 32;

fn rc7() -> FakePackage {
    FakePackage::new("7.3", "7.3~rc7-1~exp1", (7, 3, 0, "-rc7"))
}

#[test]
fn pinned_kernel_is_downloaded_verified_unpacked_then_used_offline() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    let mirror = FakeMirror::start(
        routes(
            &[
                ("trixie-backports", vec![]),
                ("sid", vec![]),
                ("experimental", vec![pkg.stanza()]),
            ],
            &[&pkg],
        ),
        REQUESTS,
    );
    let settings = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let mut log = Log::default();
    let trees =
        source::resolve_with(&settings, &pin_file, no_apt().path(), &mut log.sink()).unwrap();

    assert_eq!(trees.len(), 1);
    let tree = &trees[0];
    assert_eq!(tree.version, "7.3~rc7-1~exp1");
    assert_eq!(
        tree.provenance,
        Provenance::Debian {
            package: pkg.package.clone(),
            version: pkg.version.clone(),
            sha256: pkg.sha256(),
            suite: "experimental".into(),
            fell_back_from: None,
            verified: Verification::Pinned {
                pin_file: pin_file.clone()
            },
        }
    );
    assert!(
        tree.root.ends_with("usr/src/linux-headers-7.3-common"),
        "{:?}",
        tree.root
    );
    assert!(tree.root.join("include/linux/leafops.h").is_file());
    assert!(
        mirror.requests().contains(&pkg.pool_path()),
        "{:?}",
        mirror.requests()
    );

    let tree_dir = tree
        .root
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap();
    let marker = std::fs::read_to_string(tree_dir.join(MARKER)).unwrap();
    assert!(marker.contains(&pkg.sha256()), "{marker}");
    assert!(
        !tree_dir.join("usr/share").exists(),
        "only usr/src/ is unpacked"
    );
    assert_eq!(
        list_dir(&cache.path().join("downloads")),
        [pkg.deb_basename()]
    );
    assert_eq!(
        list_dir(&trees_dir(cache.path())),
        ["linux-headers-7.3-common_7.3~rc7-1~exp1"]
    );

    // Cached: neither the network nor a mirror is needed any more.
    let requests_before = mirror.requests().len();
    for (mirror_url, offline) in [(dead_mirror(), false), (dead_mirror(), true)] {
        let s =
            acquire_support::settings(cache.path(), &mirror_url, vec![KernelItem::Pinned], offline);
        let again = source::resolve_with(&s, &pin_file, no_apt().path(), &mut |_| {}).unwrap();
        assert_eq!(again, trees);
    }
    assert_eq!(mirror.requests().len(), requests_before);
}

#[test]
fn debian_version_item_takes_the_newest_matching_package() {
    let cache = tempfile::tempdir().unwrap();
    let sid = FakePackage::new("7.2.13+deb14", "7.2.13-1", (7, 2, 13, ""));
    let bpo = FakePackage::new("7.2.13+deb13", "7.2.13-1~bpo13+1", (7, 2, 13, ""));
    let older = FakePackage::new("7.2.12+deb14", "7.2.12-1", (7, 2, 12, ""));
    let mirror = FakeMirror::start(
        routes(
            &[
                ("trixie-backports", vec![bpo.stanza()]),
                ("sid", vec![older.stanza(), sid.stanza()]),
                ("experimental", vec![rc7().stanza()]),
            ],
            &[&sid],
        ),
        REQUESTS,
    );
    let s = settings(
        cache.path(),
        &mirror.url,
        vec![KernelItem::DebianVersion("7.2.13".into())],
        false,
    );
    let trees = source::resolve_with(
        &s,
        Path::new("/no/pin/needed"),
        no_apt().path(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(trees[0].version, "7.2.13-1");
    match &trees[0].provenance {
        Provenance::Debian { package, suite, .. } => {
            assert_eq!(package, "linux-headers-7.2.13+deb14-common");
            assert_eq!(suite, "sid");
        }
        other => panic!("{other:?}"),
    }

    // The same item offline finds the cached tree without an index.
    let s = settings(
        cache.path(),
        &dead_mirror(),
        vec![KernelItem::DebianVersion("7.2.13".into())],
        true,
    );
    let offline =
        source::resolve_with(&s, Path::new("/no/pin"), no_apt().path(), &mut |_| {}).unwrap();
    assert_eq!(offline, trees);
}

#[test]
fn unknown_debian_version_lists_what_the_archive_has() {
    let cache = tempfile::tempdir().unwrap();
    let sid = FakePackage::new("7.2.13+deb14", "7.2.13-1", (7, 2, 13, ""));
    let mirror = FakeMirror::start(
        routes(
            &[
                ("trixie-backports", vec![]),
                ("sid", vec![sid.stanza()]),
                ("experimental", vec![]),
            ],
            &[],
        ),
        REQUESTS,
    );
    let s = settings(
        cache.path(),
        &mirror.url,
        vec![KernelItem::DebianVersion("7.1.1".into())],
        false,
    );
    let err =
        source::resolve_with(&s, Path::new("/no/pin"), no_apt().path(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, SourceError::NoSuchVersion { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("7.1.1") && msg.contains("7.2.13-1"), "{msg}");
}

#[test]
fn pin_the_archive_dropped_falls_back_to_newest_of_its_series() {
    let cache = tempfile::tempdir().unwrap();
    let pinned = rc7();
    let rc8 = FakePackage::new("7.3", "7.3~rc8-1~exp1", (7, 3, 0, "-rc8"));
    let stable = FakePackage::new("7.3.1+deb14", "7.3.1-1", (7, 3, 1, ""));
    let bpo = FakePackage::new("7.3.1+deb13", "7.3.1-1~bpo13+1", (7, 3, 1, ""));
    let next = FakePackage::new("7.4", "7.4~rc1-1~exp1", (7, 4, 0, "-rc1"));
    let pin_file = cache.path().join("kernel-pin.toml");
    pinned.pin("experimental").save(&pin_file).unwrap();
    let mirror = FakeMirror::start(
        routes(
            &[
                ("trixie-backports", vec![bpo.stanza()]),
                ("sid", vec![stable.stanza()]),
                ("experimental", vec![rc8.stanza(), next.stanza()]),
            ],
            &[&stable],
        ),
        REQUESTS,
    );
    let s = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let mut log = Log::default();
    let trees = source::resolve_with(&s, &pin_file, no_apt().path(), &mut log.sink()).unwrap();

    assert_eq!(trees[0].version, "7.3.1-1");
    assert_eq!(
        trees[0].provenance,
        Provenance::Debian {
            package: stable.package.clone(),
            version: "7.3.1-1".into(),
            sha256: stable.sha256(),
            suite: "sid".into(),
            fell_back_from: Some("7.3~rc7-1~exp1".into()),
            verified: Verification::SignedIndex {
                suite: "sid".into(),
                key: fingerprint(&keys().archive),
            },
        }
    );
    let warning = log
        .0
        .iter()
        .find(|l| l.starts_with("warning: the pinned kernel"))
        .unwrap_or_else(|| panic!("no warning in {:?}", log.0));
    for needle in ["7.3~rc7-1~exp1", "7.3.1-1", REFRESH_COMMAND, "no longer"] {
        assert!(warning.contains(needle), "{needle:?} not in {warning}");
    }
}

#[test]
fn pin_whose_hash_disagrees_with_the_index_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    let mut pin = pkg.pin("experimental");
    pin.sha256 = "0".repeat(64);
    pin.save(&pin_file).unwrap();
    let mirror = FakeMirror::start(
        routes(&[("experimental", vec![pkg.stanza()])], &[&pkg]),
        REQUESTS,
    );
    let s = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let err = source::resolve_with(&s, &pin_file, no_apt().path(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, SourceError::PinMismatch { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&pkg.sha256()) && msg.contains(&"0".repeat(64)),
        "{msg}"
    );
    assert!(
        !mirror.requests().contains(&pkg.pool_path()),
        "nothing downloaded"
    );
}

#[test]
fn corrupted_download_is_an_error_and_leaves_no_file() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    let mut routes = routes(&[("experimental", vec![pkg.stanza()])], &[]);
    // Same size as the index says, different bytes.
    let mut bad = pkg.deb.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0xff;
    routes.insert(pkg.pool_path(), Route::Body(bad.clone()));
    let mirror = FakeMirror::start(routes, REQUESTS);
    let s = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let err = source::resolve_with(&s, &pin_file, no_apt().path(), &mut |_| {}).unwrap_err();

    let SourceError::Debian(DebianError::HashMismatch {
        expected, actual, ..
    }) = &err
    else {
        panic!("{err}");
    };
    assert_eq!(expected, &pkg.sha256());
    assert_eq!(actual, &sha256_hex(&bad));
    let msg = err.to_string();
    assert!(msg.contains("another mirror"), "{msg}");
    assert_eq!(
        list_dir(&cache.path().join("downloads")),
        Vec::<String>::new()
    );
    assert_eq!(list_dir(&trees_dir(cache.path())), Vec::<String>::new());
}

#[test]
fn interrupted_download_is_an_error_and_leaves_no_file() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = rc7();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin("experimental").save(&pin_file).unwrap();
    let mut routes = routes(&[("experimental", vec![pkg.stanza()])], &[]);
    let half = pkg.deb.len() / 2;
    routes.insert(
        pkg.pool_path(),
        Route::Truncated {
            body: pkg.deb[..half].to_vec(),
            claimed: pkg.deb.len(),
        },
    );
    let mirror = FakeMirror::start(routes, REQUESTS);
    let s = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let err = source::resolve_with(&s, &pin_file, no_apt().path(), &mut |_| {}).unwrap_err();

    let SourceError::Debian(DebianError::Interrupted {
        received, expected, ..
    }) = &err
    else {
        panic!("{err}");
    };
    assert!(*received <= half as u64, "{err}");
    assert_eq!(expected, &pkg.deb.len().to_string());
    assert!(err.to_string().contains("rerun to retry"), "{err}");
    assert_eq!(
        list_dir(&cache.path().join("downloads")),
        Vec::<String>::new()
    );
    assert_eq!(list_dir(&trees_dir(cache.path())), Vec::<String>::new());
}

#[test]
fn refresh_pins_the_newest_package_of_the_series() {
    let cache = tempfile::tempdir().unwrap();
    let stable = FakePackage::new("7.3.2+deb14", "7.3.2-1", (7, 3, 2, ""));
    let mirror = FakeMirror::start(
        routes(
            &[
                (
                    "trixie-backports",
                    vec![
                        FakePackage::new("7.3.1+deb13", "7.3.1-1~bpo13+1", (7, 3, 1, "")).stanza(),
                    ],
                ),
                (
                    "sid",
                    vec![
                        FakePackage::new("7.2.13+deb14", "7.2.13-1", (7, 2, 13, "")).stanza(),
                        stable.stanza(),
                    ],
                ),
                ("experimental", vec![rc7().stanza()]),
            ],
            &[],
        ),
        REQUESTS,
    );
    let s = settings(cache.path(), &mirror.url, vec![], false);
    let pin = pin::refresh_with(&s, no_apt().path(), "7.3", &mut |_| {}).unwrap();
    assert_eq!(pin, stable.pin("sid"));
    let indexes: Vec<String> = mirror
        .requests()
        .into_iter()
        .filter(|r| r.ends_with("Packages.xz"))
        .collect();
    assert_eq!(
        indexes,
        [
            index_path("trixie-backports"),
            index_path("sid"),
            index_path("experimental")
        ],
        "one index per suite the release lists"
    );
}

#[test]
fn a_suite_the_mirror_lacks_is_skipped_with_a_warning() {
    let cache = tempfile::tempdir().unwrap();
    let mirror = FakeMirror::start(
        routes(&[("experimental", vec![rc7().stanza()])], &[]),
        REQUESTS,
    );
    let s = settings(cache.path(), &mirror.url, vec![], false);
    let mut log = Log::default();
    let pin = pin::refresh_with(&s, no_apt().path(), "7.3", &mut log.sink()).unwrap();
    assert_eq!(pin.version, "7.3~rc7-1~exp1");
    let skipped: Vec<&String> = log
        .0
        .iter()
        .filter(|l| l.contains("skipping suite"))
        .collect();
    assert_eq!(
        skipped.len(),
        leafdiff_kernel::debian::KERNEL_SUITES.len() - 1,
        "{:?}",
        log.0
    );
    assert!(skipped[0].contains("404"), "{:?}", skipped);
}
