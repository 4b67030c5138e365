//! Everything leafdiff needs to know about a kernel before any C is compiled:
//! where its headers come from (a path or a Debian package), which patches
//! apply to them, which definitions the harness extracts, which helpers exist,
//! and which configurations are built. Shared by `build.rs` and the CLI so
//! that `leafdiff info` reports exactly what the build used.

pub mod arch;
pub mod compiler;
pub mod config;
pub mod debian;
pub mod discover;
pub mod extract;
pub mod helpers;
pub mod kconfig;
pub mod patch;
pub mod pin;
pub mod prepare;
pub mod prototype;
pub mod settings;
pub mod source;
pub mod trust;
pub mod wrapper;

use std::path::PathBuf;

/// A kernel header tree ready for extraction: `root` holds `include/` and `arch/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelTree {
    pub root: PathBuf,
    /// Kernel version as the source names it ("7.3~rc7-1~exp1" for Debian, the
    /// Makefile's VERSION.PATCHLEVEL.SUBLEVEL for a tree), or "unknown".
    pub version: String,
    pub provenance: Provenance,
}

/// Where a kernel tree came from, for `leafdiff info` and reproducer headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// A user-supplied kernel tree or `linux-headers-*-common` directory.
    Path(PathBuf),
    /// A Debian `linux-headers-*-common` package, verified against the archive index.
    Debian {
        package: String,
        version: String,
        sha256: String,
        /// Suite whose index listed the package (sid, experimental, ...).
        suite: String,
        /// The pinned version this one replaced because the archive no longer serves it.
        fell_back_from: Option<String>,
        /// What vouched for the package's SHA-256.
        verified: Verification,
    },
}

/// What vouched for a Debian package's SHA-256, for `leafdiff info` and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The SHA-256 recorded in the pin file (`kernel-pin.toml`).
    Pinned { pin_file: PathBuf },
    /// Listed in a `Packages` index whose SHA-256 is in the suite's
    /// `InRelease`, whose signature verified with the keyring key `key`
    /// (the primary key's fingerprint).
    SignedIndex { suite: String, key: String },
    /// Unpacked by an earlier leafdiff that did not record how it verified
    /// the package (before signed indexes were checked).
    Unrecorded,
}

impl Verification {
    /// One line in the unpacked tree's marker file.
    pub fn to_marker(&self) -> String {
        match self {
            Verification::Pinned { pin_file } => format!("pinned {}", pin_file.display()),
            Verification::SignedIndex { suite, key } => format!("signed-index {suite} {key}"),
            Verification::Unrecorded => "unrecorded".into(),
        }
    }

    pub fn from_marker(line: &str) -> Verification {
        match line.split_once(' ') {
            Some(("pinned", path)) => Verification::Pinned {
                pin_file: PathBuf::from(path),
            },
            Some(("signed-index", rest)) => match rest.split_once(' ') {
                Some((suite, key)) => Verification::SignedIndex {
                    suite: suite.into(),
                    key: key.into(),
                },
                None => Verification::Unrecorded,
            },
            _ => Verification::Unrecorded,
        }
    }
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verification::Pinned { pin_file } => {
                write!(f, "SHA-256 pinned in {}", pin_file.display())
            }
            Verification::SignedIndex { suite, key } => write!(
                f,
                "SHA-256 listed in the signed {suite} index (InRelease signed by key {key})"
            ),
            Verification::Unrecorded => f.write_str(
                "not recorded (unpacked by an older leafdiff; delete the cached tree to verify it again)",
            ),
        }
    }
}
