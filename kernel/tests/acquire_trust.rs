//! apt's chain of trust against a loopback mirror signed by a key generated
//! here: InRelease signature → Packages.xz hash → .deb hash. Every broken
//! link is refused with its own error, and nothing of it stays in the cache.

mod acquire_support;

use acquire_support::*;
use leafdiff_kernel::debian::{self, DebianError, MARKER};
use leafdiff_kernel::settings::KernelItem;
use leafdiff_kernel::source::{self, SourceError};
use leafdiff_kernel::trust::TrustError;
use leafdiff_kernel::{KernelTree, Provenance, Verification};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const REQUESTS: usize = 32;
const SUITE: &str = "sid";

fn pkg() -> FakePackage {
    FakePackage::new("7.2.13+deb14", "7.2.13-1", (7, 2, 13, ""))
}

/// A mirror for one suite: its index listing `pkg`, the `.deb`, and an
/// `InRelease` over that index, each of which a test may replace.
struct Archive {
    routes: HashMap<String, Route>,
}

impl Archive {
    fn good(pkg: &FakePackage) -> Self {
        let mut routes: HashMap<String, Route> =
            suite_routes(SUITE, &[pkg.stanza()]).into_iter().collect();
        routes.insert(pkg.pool_path(), Route::Body(pkg.deb.clone()));
        Archive { routes }
    }

    fn set(&mut self, path: String, body: Vec<u8>) {
        self.routes.insert(path, Route::Body(body));
    }

    fn start(self) -> FakeMirror {
        FakeMirror::start(self.routes, REQUESTS)
    }
}

fn resolve(cache: &Path, mirror: &str, offline: bool) -> Result<Vec<KernelTree>, SourceError> {
    let s = settings(
        cache,
        mirror,
        vec![KernelItem::DebianVersion("7.2.13".into())],
        offline,
    );
    let no_apt = tempfile::tempdir().unwrap();
    source::resolve_with(&s, Path::new("/no/pin"), no_apt.path(), &mut |_| {})
}

/// Every file under `dir` but the lock files, relative.
fn cached_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.retain(|f| !f.starts_with("locks/"));
    out.sort();
    out
}

fn assert_nothing_cached(cache: &Path) {
    assert_eq!(cached_files(cache), Vec::<String>::new());
}

fn trust_error(err: &SourceError) -> &TrustError {
    match err {
        SourceError::Debian(DebianError::Trust { failure, .. }) => failure,
        other => panic!("not a trust error: {other}"),
    }
}

#[test]
fn the_good_chain_builds_records_its_key_and_works_offline() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = pkg();
    let mirror = Archive::good(&pkg).start();
    let trees = resolve(cache.path(), &mirror.url, false).unwrap();
    let verified = Verification::SignedIndex {
        suite: SUITE.into(),
        key: fingerprint(&keys().archive),
    };
    match &trees[0].provenance {
        Provenance::Debian {
            verified: v,
            sha256,
            ..
        } => {
            assert_eq!(v, &verified);
            assert_eq!(sha256, &pkg.sha256());
        }
        other => panic!("{other:?}"),
    }
    assert!(verified.to_string().contains(&fingerprint(&keys().archive)));
    assert!(trees[0].root.join("include/linux/leafops.h").is_file());
    let files = cached_files(cache.path());
    for wanted in [
        "/sid/InRelease",
        "/sid/main_binary-all_Packages.xz",
        &format!("downloads/{}", pkg.deb_basename()),
        MARKER,
    ] {
        assert!(
            files.iter().any(|f| f.ends_with(wanted)),
            "{wanted} not in {files:?}"
        );
    }

    // Within the hour the verified indexes are reused: no request for sid.
    let before = mirror.requests();
    assert_eq!(resolve(cache.path(), &mirror.url, false).unwrap(), trees);
    let again: Vec<String> = mirror.requests()[before.len()..].to_vec();
    assert!(
        !again.iter().any(|r| r.contains("/sid/")),
        "reused the cached sid index: {again:?}"
    );

    // Offline, with no mirror at all, the marker says how it was verified.
    assert_eq!(resolve(cache.path(), &dead_mirror(), true).unwrap(), trees);
}

#[test]
fn a_tampered_deb_is_refused_and_not_cached() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = pkg();
    let mut archive = Archive::good(&pkg);
    let mut bad = pkg.deb.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x01;
    archive.set(pkg.pool_path(), bad);
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    let SourceError::Debian(DebianError::HashMismatch { against, .. }) = &err else {
        panic!("{err}");
    };
    assert_eq!(against, "the signed sid index");
    assert!(err.to_string().contains("another mirror"), "{err}");
    assert_eq!(
        list_dir(&cache.path().join("downloads")),
        Vec::<String>::new()
    );
    assert_eq!(list_dir(&trees_dir(cache.path())), Vec::<String>::new());
}

#[test]
fn a_tampered_index_with_a_matching_deb_is_refused_and_not_cached() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    // The attacker's package, and an index rewritten to its hash and size;
    // the InRelease still lists the genuine index.
    let evil = FakePackage::new("7.2.13+deb14", "7.2.13-1", (7, 2, 13, "-evil"));
    assert_ne!(evil.sha256(), good.sha256());
    archive.set(index_path(SUITE), packages_xz(&[evil.stanza()]));
    archive.set(evil.pool_path(), evil.deb.clone());
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    match &err {
        SourceError::Debian(DebianError::HashMismatch { against, .. })
        | SourceError::Debian(DebianError::SizeMismatch { against, .. }) => {
            assert_eq!(against, "the signed sid InRelease", "{err}")
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("Packages.xz"), "{err}");
    assert!(
        !mirror.requests().contains(&evil.pool_path()),
        "the package was never fetched: {:?}",
        mirror.requests()
    );
    assert_nothing_cached(cache.path());
}

#[test]
fn a_tampered_inrelease_is_a_bad_signature() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    // Edit the signed text after signing: point its hash at the attacker's index.
    let evil = FakePackage::new("7.2.13+deb14", "7.2.13-1", (7, 2, 13, "-evil"));
    let evil_index = packages_xz(&[evil.stanza()]);
    let genuine = packages_xz(&[good.stanza()]);
    let signed = clearsign(
        &release_text(SUITE, &[(index_rel("all"), genuine.clone())], Some(VALID)),
        &keys().archive,
    );
    let forged = signed
        .replace(&sha256_hex(&genuine), &sha256_hex(&evil_index))
        .replace(
            &format!(" {} main", genuine.len()),
            &format!(" {} main", evil_index.len()),
        );
    assert_ne!(forged, signed);
    archive.set(inrelease_path(SUITE), forged.into_bytes());
    archive.set(index_path(SUITE), evil_index);
    archive.set(evil.pool_path(), evil.deb.clone());
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    let TrustError::BadSignature { key, .. } = trust_error(&err) else {
        panic!("{err}");
    };
    assert_eq!(key, &fingerprint(&keys().archive));
    let msg = err.to_string();
    assert!(
        msg.contains("BAD signature") && msg.contains("InRelease"),
        "{msg}"
    );
    assert!(msg.contains("changed after it was signed"), "{msg}");
    assert!(
        !mirror.requests().iter().any(|r| r.ends_with("Packages.xz")),
        "no index read after a bad signature: {:?}",
        mirror.requests()
    );
    assert_nothing_cached(cache.path());
}

#[test]
fn an_unsigned_release_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    let index = packages_xz(&[good.stanza()]);
    archive.set(
        inrelease_path(SUITE),
        release_text(SUITE, &[(index_rel("all"), index)], Some(VALID)).into_bytes(),
    );
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    assert_eq!(trust_error(&err), &TrustError::Unsigned, "{err}");
    assert!(err.to_string().contains("is not signed"), "{err}");
    // The failure is in the message itself, not repeated as a cause (which
    // the CLI's `{:#}` would print a second time).
    let SourceError::Debian(inner) = &err else {
        unreachable!()
    };
    assert!(std::error::Error::source(inner).is_none());
    assert_nothing_cached(cache.path());
}

#[test]
fn a_release_signed_by_a_key_outside_the_keyring_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    let index = packages_xz(&[good.stanza()]);
    archive.set(
        inrelease_path(SUITE),
        clearsign(
            &release_text(SUITE, &[(index_rel("all"), index)], Some(VALID)),
            &keys().stranger,
        )
        .into_bytes(),
    );
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    let TrustError::UnknownKey { issuers, keyring } = trust_error(&err) else {
        panic!("{err}");
    };
    assert!(
        issuers.contains(&fingerprint(&keys().stranger)),
        "{issuers}"
    );
    assert_eq!(keyring, &keys().keyring);
    assert!(err.to_string().contains("not in the keyring"), "{err}");
    assert_nothing_cached(cache.path());
}

#[test]
fn an_expired_release_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    let index = packages_xz(&[good.stanza()]);
    let past = "Fri, 06 Nov 2020 08:08:01 UTC";
    archive.set(
        inrelease_path(SUITE),
        clearsign(
            &release_text(SUITE, &[(index_rel("all"), index)], Some(past)),
            &keys().archive,
        )
        .into_bytes(),
    );
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    assert_eq!(
        trust_error(&err),
        &TrustError::Expired {
            valid_until: past.into()
        }
    );
    assert!(err.to_string().contains("Valid-Until"), "{err}");
    assert_nothing_cached(cache.path());
}

#[test]
fn another_suites_release_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    let index = packages_xz(&[good.stanza()]);
    archive.set(
        inrelease_path(SUITE),
        clearsign(
            &release_text("bookworm", &[(index_rel("all"), index)], Some(VALID)),
            &keys().archive,
        )
        .into_bytes(),
    );
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    assert!(
        matches!(trust_error(&err), TrustError::WrongSuite { .. }),
        "{err}"
    );
    assert_nothing_cached(cache.path());
}

#[test]
fn an_interrupted_index_download_is_reported_as_interrupted() {
    let cache = tempfile::tempdir().unwrap();
    let good = pkg();
    let mut archive = Archive::good(&good);
    let index = packages_xz(&[good.stanza()]);
    archive.routes.insert(
        index_path(SUITE),
        Route::Truncated {
            body: index[..index.len() / 2].to_vec(),
            claimed: index.len(),
        },
    );
    let mirror = archive.start();
    let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
    assert!(
        matches!(err, SourceError::Debian(DebianError::Interrupted { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("rerun to retry"), "{err}");
    assert_nothing_cached(cache.path());
}

#[test]
fn a_complete_download_of_the_wrong_size_is_not_called_interrupted() {
    let pkg = pkg();
    for body in [
        pkg.deb[..pkg.deb.len() - 10].to_vec(),
        [pkg.deb.clone(), b"extra".to_vec()].concat(),
    ] {
        let cache = tempfile::tempdir().unwrap();
        let mut archive = Archive::good(&pkg);
        archive.set(pkg.pool_path(), body.clone());
        let mirror = archive.start();
        let err = resolve(cache.path(), &mirror.url, false).unwrap_err();
        let SourceError::Debian(DebianError::SizeMismatch {
            received, expected, ..
        }) = &err
        else {
            panic!("{err}");
        };
        assert_eq!(*received, body.len() as u64);
        assert_eq!(*expected, pkg.deb.len() as u64);
        let msg = err.to_string();
        assert!(
            !msg.contains("interrupted") && !msg.contains("rerun to retry"),
            "{msg}"
        );
        assert!(msg.contains("no rerun fixes"), "{msg}");
        assert_eq!(
            list_dir(&cache.path().join("downloads")),
            Vec::<String>::new()
        );
        assert_eq!(list_dir(&trees_dir(cache.path())), Vec::<String>::new());
    }
}

#[test]
fn the_architecture_index_is_read_and_a_refused_suite_does_not_hide_a_good_one() {
    let cache = tempfile::tempdir().unwrap();
    // trixie-backports lists the package only in its architecture index and,
    // like the archive, says binary-all is not for Architecture: all
    // packages; its binary-all file does not even match the release.
    let pkg = pkg();
    let arch_rel = index_rel(debian::debian_arch());
    let arch_index = packages_xz(&[pkg.stanza()]);
    let all_index = packages_xz(&[]);
    let release = release_text(
        "trixie-backports",
        &[
            (arch_rel.clone(), arch_index.clone()),
            (index_rel("all"), all_index),
        ],
        Some(VALID),
    )
    .replace(
        "Components: main\n",
        "Components: main\nNo-Support-for-Architecture-all: Packages\n",
    );
    let mut archive = Archive::good(&FakePackage::new("7.1.1+deb14", "7.1.1-1", (7, 1, 1, "")));
    archive.set(
        inrelease_path("trixie-backports"),
        clearsign(&release, &keys().archive).into_bytes(),
    );
    archive.set(format!("dists/trixie-backports/{arch_rel}"), arch_index);
    archive.set(index_path("trixie-backports"), b"stale".to_vec());
    archive.set(pkg.pool_path(), pkg.deb.clone());
    // sid is signed by a stranger: left out, with a warning.
    let sid_index = packages_xz(&[]);
    archive.set(index_path(SUITE), sid_index.clone());
    archive.set(
        inrelease_path(SUITE),
        clearsign(
            &release_text(SUITE, &[(index_rel("all"), sid_index)], Some(VALID)),
            &keys().stranger,
        )
        .into_bytes(),
    );
    let mirror = archive.start();
    let s = settings(
        cache.path(),
        &mirror.url,
        vec![KernelItem::DebianVersion("7.2.13".into())],
        false,
    );
    let no_apt = tempfile::tempdir().unwrap();
    let mut log = Log::default();
    let trees =
        source::resolve_with(&s, Path::new("/no/pin"), no_apt.path(), &mut log.sink()).unwrap();
    match &trees[0].provenance {
        Provenance::Debian {
            suite, verified, ..
        } => {
            assert_eq!(suite, "trixie-backports");
            assert!(
                matches!(verified, Verification::SignedIndex { suite, .. } if suite == "trixie-backports")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        log.0
            .iter()
            .any(|l| l.contains("not using suite sid") && l.contains("not in the keyring")),
        "{:?}",
        log.0
    );
    assert!(
        !mirror.requests().contains(&index_path("trixie-backports")),
        "binary-all is not read when the release says so: {:?}",
        mirror.requests()
    );
    let sid_dir: Vec<PathBuf> = cached_files(cache.path())
        .into_iter()
        .filter(|f| f.contains("/sid/"))
        .map(PathBuf::from)
        .collect();
    assert_eq!(sid_dir, Vec::<PathBuf>::new(), "nothing of sid is cached");
}

#[test]
fn a_missing_keyring_says_how_to_install_it() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = pkg();
    let mirror = Archive::good(&pkg).start();
    let mut s = settings(
        cache.path(),
        &mirror.url,
        vec![KernelItem::DebianVersion("7.2.13".into())],
        false,
    );
    s.keyring = cache.path().join("no-keyring.gpg");
    let no_apt = tempfile::tempdir().unwrap();
    let err =
        source::resolve_with(&s, Path::new("/no/pin"), no_apt.path(), &mut |_| {}).unwrap_err();
    assert!(
        matches!(trust_error(&err), TrustError::Keyring { .. }),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("apt-get install debian-archive-keyring"),
        "{msg}"
    );
    assert!(msg.contains("LEAFDIFF_KEYRING"), "{msg}");
    assert_eq!(list_dir(&trees_dir(cache.path())), Vec::<String>::new());
}

#[test]
fn the_pinned_kernel_needs_only_its_pin_when_its_index_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let pkg = pkg();
    let pin_file = cache.path().join("kernel-pin.toml");
    pkg.pin(SUITE).save(&pin_file).unwrap();
    let mut archive = Archive::good(&pkg);
    let index = packages_xz(&[pkg.stanza()]);
    let past = "Fri, 06 Nov 2020 08:08:01 UTC";
    archive.set(
        inrelease_path(SUITE),
        clearsign(
            &release_text(SUITE, &[(index_rel("all"), index)], Some(past)),
            &keys().archive,
        )
        .into_bytes(),
    );
    let mirror = archive.start();
    let s = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let no_apt = tempfile::tempdir().unwrap();
    let mut log = Log::default();
    let trees = source::resolve_with(&s, &pin_file, no_apt.path(), &mut log.sink()).unwrap();
    match &trees[0].provenance {
        Provenance::Debian { verified, .. } => assert_eq!(
            verified,
            &Verification::Pinned {
                pin_file: pin_file.clone()
            }
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        log.0
            .iter()
            .any(|l| l.contains("by the SHA-256 in") && l.contains("expired")),
        "{:?}",
        log.0
    );

    // A pin whose package the mirror does not serve: the refusal is the error.
    let cache = tempfile::tempdir().unwrap();
    let pin_dir = tempfile::tempdir().unwrap();
    let pin_file = pin_dir.path().join("kernel-pin.toml");
    let mut pin = pkg.pin(SUITE);
    pin.filename = "pool/main/l/linux/gone_all.deb".into();
    pin.save(&pin_file).unwrap();
    let s = settings(cache.path(), &mirror.url, vec![KernelItem::Pinned], false);
    let err = source::resolve_with(&s, &pin_file, no_apt.path(), &mut |_| {}).unwrap_err();
    assert!(
        matches!(trust_error(&err), TrustError::Expired { .. }),
        "{err}"
    );
    assert_nothing_cached(cache.path());
}

#[test]
fn refresh_never_pins_a_hash_from_an_unverified_index() {
    let cache = tempfile::tempdir().unwrap();
    let good = FakePackage::new("7.3.4+deb13", "7.3.4-1~bpo13+1", (7, 3, 4, ""));
    let mut archive = Archive::good(&good);
    let evil = FakePackage::new("7.3.4+deb13", "7.3.4-1~bpo13+1", (7, 3, 4, "-evil"));
    archive.set(index_path(SUITE), packages_xz(&[evil.stanza()]));
    let mirror = archive.start();
    let s = settings(cache.path(), &mirror.url, vec![], false);
    let no_apt = tempfile::tempdir().unwrap();
    let err = leafdiff_kernel::pin::refresh_with(&s, no_apt.path(), "7.3", &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("signed sid InRelease") && err.contains("Packages.xz"),
        "{err}"
    );
    assert!(!err.contains(&evil.sha256()), "{err}");
    assert_nothing_cached(cache.path());

    // The genuine index: the pin takes the hash the signed index lists.
    let cache = tempfile::tempdir().unwrap();
    let mirror = Archive::good(&good).start();
    let s = settings(cache.path(), &mirror.url, vec![], false);
    let pin = leafdiff_kernel::pin::refresh_with(&s, no_apt.path(), "7.3", &mut |_| {}).unwrap();
    assert_eq!(pin, good.pin(SUITE));
}

#[test]
fn a_release_signed_by_a_keyring_keys_signing_subkey_verifies() {
    let (key, keyring, _dir) = subkey_signer();
    let cache = tempfile::tempdir().unwrap();
    let pkg = pkg();
    let mut archive = Archive::good(&pkg);
    let index = packages_xz(&[pkg.stanza()]);
    archive.set(
        inrelease_path(SUITE),
        clearsign_with_subkey(
            &release_text(SUITE, &[(index_rel("all"), index)], Some(VALID)),
            &key,
        )
        .into_bytes(),
    );
    let mirror = archive.start();
    let mut s = settings(
        cache.path(),
        &mirror.url,
        vec![KernelItem::DebianVersion("7.2.13".into())],
        false,
    );
    s.keyring = keyring;
    let no_apt = tempfile::tempdir().unwrap();
    let trees = source::resolve_with(&s, Path::new("/no/pin"), no_apt.path(), &mut |_| {}).unwrap();
    let Provenance::Debian {
        verified: Verification::SignedIndex { key: named, .. },
        ..
    } = &trees[0].provenance
    else {
        panic!("{:?}", trees[0].provenance);
    };
    use pgp::types::KeyDetails;
    let sub = format!("{:X}", key.secret_subkeys[0].key.fingerprint());
    assert_eq!(
        named,
        &format!("{} (signing subkey {sub})", fingerprint(&key))
    );
}
