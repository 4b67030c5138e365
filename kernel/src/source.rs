//! Resolving `LEAFDIFF_KERNEL` items to kernel trees: a local path, a Debian
//! version fetched on demand, or the pinned default (README: "Choosing the kernel").

use crate::debian::{self, Archive, CachedTree, DebianError, REFRESH_COMMAND};
use crate::extract::NEEDED_FILES;
use crate::pin::{Pin, PinError};
use crate::settings::{KernelItem, Settings};
use crate::{KernelTree, Provenance, Verification};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "{root} is not a usable kernel tree: it lacks {missing}; point LEAFDIFF_KERNEL at a kernel \
         source tree or an unpacked linux-headers-*-common directory (the directory holding include/ and arch/)",
        root = .root.display(),
        missing = .missing.join(", ")
    )]
    MissingFiles { root: PathBuf, missing: Vec<String> },
    #[error(
        "LEAFDIFF_KERNEL names {path}, which is not a directory; give a kernel source tree, \
         an unpacked linux-headers-*-common directory, or a Debian version such as 7.2.13"
    )]
    NotADirectory { path: PathBuf },
    #[error(
        "{path} holds several linux-headers-*-common directories ({found}); \
         point LEAFDIFF_KERNEL at the one to use"
    )]
    AmbiguousHeaders { path: PathBuf, found: String },
    #[error(
        "no linux-headers-*-common package for Debian version {version} in {suites} of {mirror}; \
         versions listed there: {available}"
    )]
    NoSuchVersion {
        version: String,
        suites: String,
        mirror: String,
        available: String,
    },
    #[error(
        "the archive's {suite} index lists {package} {version} with SHA-256 {listed}, but {pin_file} \
         pins SHA-256 {pinned}; if the archive rebuilt the package, refresh the pin with `{REFRESH_COMMAND}`, \
         otherwise set LEAFDIFF_MIRROR to another mirror",
        pin_file = .pin_file.display(),
        package = .pin.package,
        version = .pin.version,
        pinned = .pin.sha256
    )]
    PinMismatch {
        pin_file: PathBuf,
        pin: Box<Pin>,
        suite: String,
        listed: String,
    },
    #[error(
        "the pinned kernel {package} {version} ({pin_file}) is no longer in the archive and no other \
         linux-headers-{series}*-common package is listed in {suites}; pin another kernel with \
         `{REFRESH_COMMAND}` or set LEAFDIFF_KERNEL",
        pin_file = .pin_file.display(),
        package = .pin.package,
        version = .pin.version,
        series = .pin.series
    )]
    NoFallback {
        pin_file: PathBuf,
        pin: Box<Pin>,
        suites: String,
    },
    #[error(transparent)]
    Debian(#[from] DebianError),
    #[error(transparent)]
    Pin(#[from] PinError),
}

/// One tree per `settings.kernels` item, in order. `log` receives progress
/// and warnings (build.rs turns them into cargo warnings).
pub fn resolve(
    settings: &Settings,
    pin_file: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<KernelTree>, SourceError> {
    resolve_with(settings, pin_file, Path::new(debian::DEFAULT_APT_DIR), log)
}

/// [`resolve`] reading the apt sources from `apt_dir` instead of `/etc/apt`.
pub fn resolve_with(
    settings: &Settings,
    pin_file: &Path,
    apt_dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<KernelTree>, SourceError> {
    let mut archive = Archive::new(settings, apt_dir);
    settings
        .kernels
        .iter()
        .map(|item| match item {
            KernelItem::Path(path) => path_tree(path),
            KernelItem::DebianVersion(version) => debian_version_tree(&mut archive, version, log),
            KernelItem::Pinned => pinned_tree(&mut archive, pin_file, log),
        })
        .collect()
}

/// Every [`NEEDED_FILES`] entry exists under `root`.
pub fn check_tree(root: &Path) -> Result<(), SourceError> {
    let missing: Vec<String> = NEEDED_FILES
        .iter()
        .filter(|rel| !root.join(rel).is_file())
        .map(|rel| rel.to_string())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(SourceError::MissingFiles {
            root: root.to_path_buf(),
            missing,
        })
    }
}

/// A user-supplied directory: a tree itself, or an unpacked `.deb` holding
/// exactly one `usr/src/linux-headers-*-common`, which is then the tree.
pub fn path_tree(path: &Path) -> Result<KernelTree, SourceError> {
    if !path.is_dir() {
        return Err(SourceError::NotADirectory {
            path: path.to_path_buf(),
        });
    }
    let root = if check_tree(path).is_ok() {
        path.to_path_buf()
    } else {
        match debian::headers_common_dirs(path).as_slice() {
            [] => path.to_path_buf(),
            [one] => one.clone(),
            several => {
                return Err(SourceError::AmbiguousHeaders {
                    path: path.to_path_buf(),
                    found: several
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    };
    check_tree(&root)?;
    Ok(KernelTree {
        version: tree_version(&root),
        provenance: Provenance::Path(root.clone()),
        root,
    })
}

/// The kernel version of a tree: from its Makefile, else from a
/// `linux-headers-X-common` directory name, else "unknown".
pub fn tree_version(root: &Path) -> String {
    makefile_version(root)
        .or_else(|| {
            let name = root.file_name()?.to_str()?;
            let middle = name
                .strip_prefix("linux-headers-")?
                .strip_suffix("-common")?;
            Some(middle.to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// `VERSION.PATCHLEVEL[.SUBLEVEL]EXTRAVERSION`, as `make kernelversion` prints it.
fn makefile_version(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("Makefile")).ok()?;
    let field = |name: &str| {
        text.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim_end_matches([':', '?', ' ', '\t']) == name).then(|| value.trim())
        })
    };
    let number = |name| field(name)?.parse::<u32>().ok();
    let mut version = format!("{}.{}", number("VERSION")?, number("PATCHLEVEL")?);
    if let Some(sublevel) = number("SUBLEVEL") {
        version.push_str(&format!(".{sublevel}"));
    }
    version.push_str(field("EXTRAVERSION").unwrap_or(""));
    Some(version)
}

/// A Debian version item: the newest matching package listed in the archive,
/// or offline, the newest matching tree already in the cache.
fn debian_version_tree(
    archive: &mut Archive,
    wanted: &str,
    log: &mut dyn FnMut(&str),
) -> Result<KernelTree, SourceError> {
    if archive.offline() {
        let cached = archive.cached_trees();
        let best = newest_cached(&cached, wanted).ok_or_else(|| DebianError::NotCached {
            what: format!("Debian kernel {wanted}"),
            path: archive.trees_dir(),
        })?;
        // Verified when it was unpacked; the marker says how.
        let verified = best.verified.clone();
        return debian_tree(best.clone(), None, verified);
    }
    let suites = archive.kernel_suites();
    let listed = archive.headers_packages(&suites, log)?;
    let matching = listed
        .iter()
        .filter(|p| debian::matches_version(&p.package, &p.version, wanted));
    let Some(pkg) = debian::newest_release_first(matching) else {
        if let Some(refusal) = archive.take_refusal() {
            return Err(refusal.into());
        }
        return Err(SourceError::NoSuchVersion {
            version: wanted.to_string(),
            suites: suites.join(", "),
            mirror: archive.mirror()?,
            available: debian::versions_newest_first(&listed).join(", "),
        });
    };
    let pkg = pkg.clone();
    install_from_index(archive, &pkg, None, log)
}

/// Installs a package an index listed, verified against that index.
fn install_from_index(
    archive: &mut Archive,
    pkg: &debian::Package,
    fell_back_from: Option<String>,
    log: &mut dyn FnMut(&str),
) -> Result<KernelTree, SourceError> {
    let against = format!("the signed {} index", pkg.suite);
    let verified = Verification::SignedIndex {
        suite: pkg.suite.clone(),
        key: pkg.signed_by.clone().unwrap_or_default(),
    };
    let tree = archive.install(pkg, &against, &verified, log)?;
    debian_tree(tree, fell_back_from, verified)
}

fn newest_cached<'a>(cached: &'a [CachedTree], wanted: &str) -> Option<&'a CachedTree> {
    let as_packages: Vec<debian::Package> = cached
        .iter()
        .map(|t| debian::Package {
            package: t.package.clone(),
            version: t.version.clone(),
            filename: String::new(),
            size: None,
            sha256: t.sha256.clone(),
            suite: t.suite.clone(),
            signed_by: None,
        })
        .collect();
    let matching = as_packages
        .iter()
        .filter(|p| debian::matches_version(&p.package, &p.version, wanted));
    let best = debian::newest(matching)?;
    cached
        .iter()
        .find(|t| t.package == best.package && t.version == best.version)
}

/// The pinned kernel: from the cache with no network when it is there;
/// else downloaded; else, when the archive dropped it, the newest package of
/// the same series, with a warning.
fn pinned_tree(
    archive: &mut Archive,
    pin_file: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<KernelTree, SourceError> {
    let pin = Pin::load(pin_file)?;
    // The pin's SHA-256 is what vouches for the pinned kernel, whether or not
    // an index was read on the way.
    let pinned_by = Verification::Pinned {
        pin_file: pin_file.to_path_buf(),
    };
    if let Some(tree) = archive.cached_tree(&pin.package, &pin.version, Some(&pin.sha256)) {
        return debian_tree(tree, None, pinned_by);
    }
    let against_pin = format!("{} (and the {} index)", pin_file.display(), pin.suite);
    if archive.offline() || archive.deb_path(&pin.filename).is_file() {
        // A `.deb` downloaded earlier is verified against the pin and unpacked
        // with no index; offline, this reports what is missing.
        let tree = archive.install(&pin.to_package(), &against_pin, &pinned_by, log)?;
        return debian_tree(tree, None, pinned_by);
    }
    let mut suites = archive.kernel_suites();
    if !suites.contains(&pin.suite) {
        suites.push(pin.suite.clone());
    }
    let listed = match archive.headers_packages(&suites, log) {
        Ok(listed) => listed,
        Err(e) if e.is_transient() => return Err(e.into()),
        Err(refusal) => return pinned_without_index(archive, &pin, pin_file, refusal, log),
    };
    let pinned = listed
        .iter()
        .find(|p| p.package == pin.package && p.version == pin.version);
    if pinned.is_none() {
        if let Some(refusal) = archive.take_refusal() {
            return pinned_without_index(archive, &pin, pin_file, refusal, log);
        }
    }
    if let Some(pkg) = pinned {
        if !pkg.sha256.eq_ignore_ascii_case(&pin.sha256) {
            return Err(SourceError::PinMismatch {
                pin_file: pin_file.to_path_buf(),
                pin: Box::new(pin.clone()),
                suite: pkg.suite.clone(),
                listed: pkg.sha256.clone(),
            });
        }
        let pkg = pkg.clone();
        let tree = archive.install(&pkg, &against_pin, &pinned_by, log)?;
        return debian_tree(tree, None, pinned_by);
    }
    let series = listed
        .iter()
        .filter(|p| debian::in_series(&p.package, &pin.series));
    let fallback = debian::newest_release_first(series);
    if fallback.is_none() {
        if let Some(refusal) = archive.take_refusal() {
            return Err(refusal.into());
        }
    }
    let fallback = fallback
        .ok_or_else(|| SourceError::NoFallback {
            pin_file: pin_file.to_path_buf(),
            pin: Box::new(pin.clone()),
            suites: suites.join(", "),
        })?
        .clone();
    log(&format!(
        "warning: the pinned kernel {} {} ({}) is no longer in the archive; using {} {} from {}, \
         the newest {} package, verified against the archive index. \
         Run `{REFRESH_COMMAND}` to pin it.",
        pin.package,
        pin.version,
        pin_file.display(),
        fallback.package,
        fallback.version,
        fallback.suite,
        pin.series
    ));
    install_from_index(archive, &fallback, Some(pin.version), log)
}

/// The pinned kernel when a suite's index was refused: the pin's SHA-256
/// alone vouches for the package, so it is fetched by its pool path; if the
/// mirror does not have it, the refusal is the error (a fallback would rest
/// on indexes that did not verify).
fn pinned_without_index(
    archive: &mut Archive,
    pin: &Pin,
    pin_file: &Path,
    refusal: DebianError,
    log: &mut dyn FnMut(&str),
) -> Result<KernelTree, SourceError> {
    let pinned_by = Verification::Pinned {
        pin_file: pin_file.to_path_buf(),
    };
    let against_pin = pin_file.display().to_string();
    match archive.install(&pin.to_package(), &against_pin, &pinned_by, log) {
        Ok(tree) => {
            log(&format!(
                "warning: fetched the pinned kernel {} {} by the SHA-256 in {} because an index \
                 could not be verified: {refusal}",
                pin.package,
                pin.version,
                pin_file.display()
            ));
            debian_tree(tree, None, pinned_by)
        }
        Err(DebianError::NotFound { .. }) => Err(refusal.into()),
        Err(e) => Err(e.into()),
    }
}

fn debian_tree(
    tree: CachedTree,
    fell_back_from: Option<String>,
    verified: Verification,
) -> Result<KernelTree, SourceError> {
    check_tree(&tree.root)?;
    Ok(KernelTree {
        root: tree.root,
        version: tree.version.clone(),
        provenance: Provenance::Debian {
            package: tree.package,
            version: tree.version,
            sha256: tree.sha256,
            suite: tree.suite,
            fell_back_from,
            verified,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn makefile_version_includes_sublevel_and_extraversion() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "Makefile",
            "# SPDX-License-Identifier: GPL-2.0\nVERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 0\nEXTRAVERSION = -rc7\nNAME = x\nKERNELVERSION = $(VERSION)\n",
        );
        assert_eq!(tree_version(dir.path()), "7.3.0-rc7");
        write(
            dir.path(),
            "Makefile",
            "VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 13\nEXTRAVERSION =\n",
        );
        assert_eq!(tree_version(dir.path()), "7.2.13");
    }

    #[test]
    fn version_from_directory_name_else_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let headers = dir.path().join("linux-headers-7.2.13+deb14-common");
        std::fs::create_dir(&headers).unwrap();
        assert_eq!(tree_version(&headers), "7.2.13+deb14");
        write(&headers, "Makefile", "all:\n\techo\n");
        assert_eq!(
            tree_version(&headers),
            "7.2.13+deb14",
            "a Makefile without VERSION"
        );
        assert_eq!(tree_version(dir.path()), "unknown");
    }

    #[test]
    fn check_tree_lists_every_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        for rel in NEEDED_FILES.iter().skip(2) {
            write(dir.path(), rel, "");
        }
        let msg = check_tree(dir.path()).unwrap_err().to_string();
        assert!(
            msg.contains("include/linux/swapops.h, include/linux/swap.h"),
            "{msg}"
        );
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        assert!(msg.contains("linux-headers-*-common"), "{msg}");
        assert!(msg.contains("include/ and arch/"), "{msg}");
    }

    #[test]
    fn a_file_is_not_a_tree() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "f", "");
        let err = path_tree(&dir.path().join("f")).unwrap_err();
        assert!(matches!(err, SourceError::NotADirectory { .. }), "{err}");
    }
}
