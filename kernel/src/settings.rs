//! The build-time selection read from the environment (the variables the README lists).

use std::path::PathBuf;

/// Every variable `build.rs` reads, so it can tell cargo to rerun when one changes.
pub const ENV_VARS: &[&str] = &[
    "LEAFDIFF_KERNEL",
    "LEAFDIFF_PATCHES",
    "LEAFDIFF_CACHE",
    "LEAFDIFF_OFFLINE",
    "LEAFDIFF_MIRROR",
    "LEAFDIFF_KEYRING",
    "LEAFDIFF_MATRIX",
    "LEAFDIFF_BASE",
    "LEAFDIFF_ARCH",
    "XDG_CACHE_HOME",
    "HOME",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelItem {
    /// A kernel tree or a `linux-headers-*-common` directory.
    Path(PathBuf),
    /// A Debian kernel version such as `7.3.4` or `7.3~rc7-1~exp1`.
    DebianVersion(String),
    /// The version pinned in `kernel-pin.toml`.
    Pinned,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matrix {
    /// Every pair of config options covered (a covering array).
    Pairwise,
    /// The full product of the config options Kconfig allows.
    Full,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub kernels: Vec<KernelItem>,
    pub patches: Vec<PathBuf>,
    pub cache_dir: PathBuf,
    pub offline: bool,
    /// `LEAFDIFF_MIRROR`; `None` means "read the machine's apt sources".
    pub mirror: Option<String>,
    pub matrix: Matrix,
    /// `LEAFDIFF_BASE=1`: also build each kernel without `LEAFDIFF_PATCHES`,
    /// so that `leafdiff diff` can show what the series changes.
    pub base: bool,
    /// `LEAFDIFF_KEYRING`: the OpenPGP keyring a suite's `InRelease` must be
    /// signed by; Debian's archive keyring unless set (tests sign with their own).
    pub keyring: PathBuf,
    /// `LEAFDIFF_ARCH`: the arches to build, every one unless set.
    pub arches: Vec<&'static crate::arch::Arch>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("LEAFDIFF_MATRIX={0:?} is not understood: use `pairwise` (the default) or `full`")]
    Matrix(String),
    #[error("no cache directory: set LEAFDIFF_CACHE, XDG_CACHE_HOME or HOME")]
    NoCacheDir,
    #[error("{0}")]
    Arch(String),
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Parses settings from any variable lookup, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let kernels = match get("LEAFDIFF_KERNEL") {
            None => vec![KernelItem::Pinned],
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(parse_kernel_item)
                .collect(),
        };
        let patches = get("LEAFDIFF_PATCHES")
            .map(|v| {
                v.split(':')
                    .filter(|s| !s.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();
        let cache_dir = match (get("LEAFDIFF_CACHE"), get("XDG_CACHE_HOME"), get("HOME")) {
            (Some(dir), _, _) => PathBuf::from(dir),
            (None, Some(xdg), _) => PathBuf::from(xdg).join("leafdiff"),
            (None, None, Some(home)) => PathBuf::from(home).join(".cache").join("leafdiff"),
            (None, None, None) => return Err(SettingsError::NoCacheDir),
        };
        let offline = get("LEAFDIFF_OFFLINE").is_some_and(|v| v != "0");
        let matrix = match get("LEAFDIFF_MATRIX").as_deref() {
            None | Some("pairwise") => Matrix::Pairwise,
            Some("full") => Matrix::Full,
            Some(other) => return Err(SettingsError::Matrix(other.to_string())),
        };
        Ok(Settings {
            kernels,
            patches,
            cache_dir,
            offline,
            mirror: get("LEAFDIFF_MIRROR"),
            matrix,
            base: get("LEAFDIFF_BASE").is_some_and(|v| v != "0"),
            keyring: PathBuf::from(
                get("LEAFDIFF_KEYRING").unwrap_or_else(|| crate::trust::DEFAULT_KEYRING.into()),
            ),
            arches: crate::arch::parse_list(get("LEAFDIFF_ARCH").as_deref())
                .map_err(SettingsError::Arch)?,
        })
    }
}

/// An item is a path when it looks like one (contains a `/` or names an
/// existing directory); otherwise a Debian version, which always starts with a digit.
fn parse_kernel_item(item: &str) -> KernelItem {
    let looks_like_version = item.starts_with(|c: char| c.is_ascii_digit()) && !item.contains('/');
    if looks_like_version && !std::path::Path::new(item).is_dir() {
        KernelItem::DebianVersion(item.to_string())
    } else {
        KernelItem::Path(PathBuf::from(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_pinned_kernel_and_home_cache() {
        let s = settings(&[("HOME", "/home/u")]).unwrap();
        assert_eq!(s.kernels, vec![KernelItem::Pinned]);
        assert_eq!(s.cache_dir, PathBuf::from("/home/u/.cache/leafdiff"));
        assert!(!s.offline);
        assert_eq!(s.matrix, Matrix::Pairwise);
    }

    #[test]
    fn kernel_list_mixes_paths_and_versions() {
        let s = settings(&[("HOME", "/h"), ("LEAFDIFF_KERNEL", "/src/linux, 7.2.13")]).unwrap();
        assert_eq!(
            s.kernels,
            vec![
                KernelItem::Path("/src/linux".into()),
                KernelItem::DebianVersion("7.2.13".into())
            ]
        );
    }

    #[test]
    fn cache_prefers_explicit_then_xdg() {
        let s = settings(&[("HOME", "/h"), ("XDG_CACHE_HOME", "/x")]).unwrap();
        assert_eq!(s.cache_dir, PathBuf::from("/x/leafdiff"));
        let s = settings(&[("XDG_CACHE_HOME", "/x"), ("LEAFDIFF_CACHE", "/c")]).unwrap();
        assert_eq!(s.cache_dir, PathBuf::from("/c"));
    }

    #[test]
    fn bad_matrix_is_an_error() {
        assert_eq!(
            settings(&[("HOME", "/h"), ("LEAFDIFF_MATRIX", "all")]),
            Err(SettingsError::Matrix("all".into()))
        );
    }

    #[test]
    fn patches_split_on_colons() {
        let s = settings(&[("HOME", "/h"), ("LEAFDIFF_PATCHES", "a.patch:b.mbox")]).unwrap();
        assert_eq!(
            s.patches,
            vec![PathBuf::from("a.patch"), PathBuf::from("b.mbox")]
        );
    }
}
