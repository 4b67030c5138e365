//! Everything leafdiff needs to know about a kernel before any C is compiled:
//! where its headers come from (a path or a Debian package), which patches
//! apply to them, which definitions the harness extracts, which helpers exist,
//! and which configurations are built. Shared by `build.rs` and the CLI so
//! that `leafdiff info` reports exactly what the build used.

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
    },
}
