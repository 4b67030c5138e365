//! The Debian archive: finding a mirror, reading its `Packages` indexes,
//! downloading a `linux-headers-*-common` package verified against them, and
//! unpacking it into the cache.
//!
//! No mirror host name is written here: the mirror is `LEAFDIFF_MIRROR` or the
//! first Debian archive in the machine's apt sources.
//!
//! Every index is read the way apt reads it (see [`crate::trust`]): the
//! suite's `InRelease` is verified against the archive keyring, then each
//! `Packages.xz` against the SHA-256 and size the signed text lists, then each
//! `.deb` against its index entry.
//!
//! Cache layout (under `LEAFDIFF_CACHE`):
//! - `indexes/<mirror>/<suite>/InRelease` and `main_binary-<arch>_Packages.xz`:
//!   a suite's verified release and indexes, reused for an hour. `InRelease` is
//!   written last, and every use verifies it again and re-hashes the indexes
//!   against it, so a half-written or altered set is never read;
//! - `downloads/<file>.deb` (and `<file>.deb.partial` while downloading);
//! - `trees/<package>_<version>/`: an unpacked package, complete only once it
//!   holds the [`MARKER`] file, which is written before the atomic rename;
//! - `locks/`: one lock file per package or index, so concurrent builds
//!   (`cargo build` and `cargo test` at once) never write the same file.

use crate::settings::Settings;
use crate::trust::{self, Keyring, Release, TrustError};
use crate::Verification;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where apt keeps its sources on a Debian machine.
pub const DEFAULT_APT_DIR: &str = "/etc/apt";

/// Suites searched for kernels, in order of preference when two list the same
/// version: Debian's stable kernels (6.1 in bookworm, 6.12 in trixie and
/// bookworm-backports), newer ones in trixie-backports, sid and experimental.
/// [`Archive::kernel_suites`] adds the suites the machine's apt sources name.
pub const KERNEL_SUITES: &[&str] = &[
    "trixie-backports",
    "sid",
    "experimental",
    "trixie",
    "bookworm-backports",
    "bookworm",
];

/// The component kernels live in.
const COMPONENT: &str = "main";

/// The Debian architecture of this machine, whose `binary-<arch>` index is read
/// besides `binary-all`: the archive may list an `Architecture: all` package
/// only in the architecture indexes (trixie-backports lists its 7.3.4 headers
/// only in `binary-amd64`), and the two can disagree on the newest version.
pub fn debian_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "i386",
        "aarch64" => "arm64",
        "arm" => "armhf",
        "powerpc64" => "ppc64el",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "loongarch64" => "loong64",
        "mips64" => "mips64el",
        // Unknown: binary-all alone is still read.
        _ => "all",
    }
}

/// The indexes read in each suite, relative to `dists/<suite>/`.
pub fn index_paths() -> Vec<String> {
    let mut archs = vec![debian_arch(), "all"];
    archs.dedup();
    archs
        .into_iter()
        .map(|a| format!("{COMPONENT}/binary-{a}/Packages.xz"))
        .collect()
}

/// The command that re-pins the default kernel, named in every warning about the pin.
pub const REFRESH_COMMAND: &str = "cargo run --release -- pin --refresh";

/// Written into an unpacked tree as its last step: a tree without it is a
/// left-over from an interrupted unpack and is never used.
pub const MARKER: &str = ".leafdiff-complete";

/// A downloaded index younger than this is reused instead of fetched again,
/// so that several kernels or builds in a row cost one download.
const INDEX_MAX_AGE: Duration = Duration::from_secs(3600);

/// Downloads larger than this report their progress.
const PROGRESS_MIN_BYTES: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum DebianError {
    #[error(
        "no Debian mirror: LEAFDIFF_MIRROR is unset and {apt}/sources.list and {apt}/sources.list.d/ \
         name no Debian archive (a `deb` entry for the `main` component that is not a -security archive); \
         set LEAFDIFF_MIRROR to a Debian mirror URL (the directory holding dists/ and pool/)",
        apt = .apt_dir.display()
    )]
    NoMirror { apt_dir: PathBuf },
    #[error(
        "cannot download {url}: {detail}; check the network and LEAFDIFF_MIRROR, then rerun \
         (or set LEAFDIFF_KERNEL to a local kernel tree)"
    )]
    Http { url: String, detail: String },
    #[error("{url} does not exist on the mirror (HTTP 404)")]
    NotFound { url: String },
    #[error(
        "download of {url} was interrupted after {received} of {expected} bytes ({detail}); \
         the partial file was deleted, rerun to retry"
    )]
    Interrupted {
        url: String,
        received: u64,
        expected: String,
        detail: String,
    },
    #[error(
        "download of {url} is complete but has {received} bytes where {against} says {expected}: \
         the mirror serves a different file than the one listed, which no rerun fixes. \
         The download was deleted; set LEAFDIFF_MIRROR to another mirror (or wait until this \
         one has finished syncing)"
    )]
    SizeMismatch {
        url: String,
        received: u64,
        expected: u64,
        against: String,
    },
    #[error(
        "download of {url} does not match {against}: expected SHA-256 {expected}, got {actual}; \
         the mirror serves a different file than the one listed, or someone on the way changed \
         it. The download was deleted; set LEAFDIFF_MIRROR to another mirror"
    )]
    HashMismatch {
        url: String,
        expected: String,
        actual: String,
        against: String,
    },
    #[error(
        "cached package {path} is corrupted: its SHA-256 is {actual} but {against} says {expected}; \
         delete {path} to download it again"
    )]
    CorruptCache {
        path: PathBuf,
        expected: String,
        actual: String,
        against: String,
    },
    #[error(
        "{what} is not cached at {path} and LEAFDIFF_OFFLINE=1 forbids downloading it; \
         run once without LEAFDIFF_OFFLINE to download it, or point LEAFDIFF_KERNEL at a local kernel tree"
    )]
    NotCached { what: String, path: PathBuf },
    #[error("cannot {action} {path}: {source}; check that the cache directory (LEAFDIFF_CACHE) is writable")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    // Not `source`: the failure is part of this message, and anyhow's
    // `{:#}` would print it a second time as the cause.
    #[error("{url} {failure}")]
    Trust { url: String, failure: TrustError },
    #[error(
        "the signed release {url} lists none of the indexes {wanted}; \
         check that LEAFDIFF_MIRROR is a complete Debian mirror"
    )]
    NoIndexListed { url: String, wanted: String },
    #[error("cannot read the package index {path}: {detail}; delete it to download it again")]
    BadIndex { path: PathBuf, detail: String },
    #[error("cannot unpack {path}: {detail}; delete it to download it again")]
    BadDeb { path: PathBuf, detail: String },
    #[error(
        "{path} holds {found} usr/src/linux-headers-*-common directories where one was expected: \
         is it a linux-headers-*-common package? delete it to download it again"
    )]
    NoHeadersDir { path: PathBuf, found: usize },
}

impl DebianError {
    /// A failure a rerun may not see (the network), as opposed to a file that
    /// failed verification: only these may fall back to a cached index or
    /// skip a suite.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            DebianError::Http { .. }
                | DebianError::Interrupted { .. }
                | DebianError::NotFound { .. }
        )
    }
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> DebianError {
    let path = path.to_path_buf();
    move |source| DebianError::Io {
        action,
        path,
        source,
    }
}

// ---------------------------------------------------------------------------
// The mirror

/// The mirror to use: the configured one, else the first Debian archive in the apt sources.
pub fn find_mirror(configured: Option<&str>, apt_dir: &Path) -> Result<String, DebianError> {
    configured
        .map(str::to_string)
        .or_else(|| apt_mirror(apt_dir))
        .map(|m| m.trim_end_matches('/').to_string())
        .ok_or_else(|| DebianError::NoMirror {
            apt_dir: apt_dir.to_path_buf(),
        })
}

/// The first Debian archive URI in apt's sources under `apt_dir`, read in
/// apt's own order: `sources.list`, then `sources.list.d/` alphabetically.
pub fn apt_mirror(apt_dir: &Path) -> Option<String> {
    apt_entries(apt_dir)
        .into_iter()
        .find(AptEntry::is_debian_archive)
        .map(|e| e.uri)
}

/// Every `deb` entry of apt's sources under `apt_dir`, in apt's order.
pub fn apt_entries(apt_dir: &Path) -> Vec<AptEntry> {
    apt_source_files(apt_dir)
        .into_iter()
        .flat_map(|path| {
            let text = fs::read_to_string(&path).unwrap_or_default();
            if path.extension().is_some_and(|e| e == "sources") {
                parse_deb822_sources(&text)
            } else {
                parse_one_line_sources(&text)
            }
        })
        .collect()
}

fn apt_source_files(apt_dir: &Path) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = fs::read_dir(apt_dir.join("sources.list.d"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sources" || e == "list"))
        .collect();
    parts.sort();
    let mut files = vec![apt_dir.join("sources.list")];
    files.extend(parts);
    files
}

/// One `deb` source: a single URI with its suites and components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptEntry {
    pub uri: String,
    pub suites: Vec<String>,
    pub components: Vec<String>,
}

impl AptEntry {
    /// A Debian archive we can read `dists/<suite>/main/binary-all/` from:
    /// http(s), has `main`, and is not the security archive (which carries
    /// only stable's security updates, never the kernels we look for).
    pub fn is_debian_archive(&self) -> bool {
        let uri = self.uri.trim_end_matches('/');
        let http = uri.starts_with("http://") || uri.starts_with("https://");
        let security_uri = uri.ends_with("-security");
        let security_suites = self.suites.iter().all(|s| s.ends_with("-security"));
        http && !security_uri && !security_suites && self.components.iter().any(|c| c == "main")
    }
}

/// Parses deb822 `.sources` text into one entry per URI of each enabled `deb` stanza.
pub fn parse_deb822_sources(text: &str) -> Vec<AptEntry> {
    let mut entries = Vec::new();
    for stanza in deb822_stanzas(text) {
        let field = |name: &str| {
            stanza
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let enabled = field("Enabled").first().is_none_or(|v| v != "no");
        if !enabled || !field("Types").iter().any(|t| t == "deb") {
            continue;
        }
        let (suites, components) = (field("Suites"), field("Components"));
        entries.extend(field("URIs").into_iter().map(|uri| AptEntry {
            uri,
            suites: suites.clone(),
            components: components.clone(),
        }));
    }
    entries
}

/// Splits deb822 text into stanzas of (field, value); continuation lines join their field.
fn deb822_stanzas(text: &str) -> Vec<Vec<(String, String)>> {
    let mut stanzas: Vec<Vec<(String, String)>> = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                stanzas.push(std::mem::take(&mut current));
            }
        } else if line.starts_with('#') {
            continue;
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = line.split_once(':') {
            current.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    if !current.is_empty() {
        stanzas.push(current);
    }
    stanzas
}

/// Parses one-line `deb [options] uri suite component...` sources.
pub fn parse_one_line_sources(text: &str) -> Vec<AptEntry> {
    text.lines().filter_map(parse_one_line).collect()
}

fn parse_one_line(line: &str) -> Option<AptEntry> {
    let line = line.split('#').next()?;
    let mut words = line.split_whitespace();
    if words.next()? != "deb" {
        return None;
    }
    let mut uri = words.next()?;
    // Options: `[arch=amd64 signed-by=...]`, possibly spread over several words.
    if uri.starts_with('[') {
        let mut word = uri;
        while !word.ends_with(']') {
            word = words.next()?;
        }
        uri = words.next()?;
    }
    let suite = words.next()?;
    Some(AptEntry {
        uri: uri.to_string(),
        suites: vec![suite.to_string()],
        components: words.map(str::to_string).collect(),
    })
}

// ---------------------------------------------------------------------------
// Indexes and versions

/// One binary package as an archive index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub package: String,
    pub version: String,
    /// Path of the `.deb` relative to the mirror, e.g. `pool/main/l/linux/...deb`.
    pub filename: String,
    /// `None` when not known (a package described by the pin rather than an index).
    pub size: Option<u64>,
    pub sha256: String,
    /// The suite whose index listed it.
    pub suite: String,
    /// Fingerprint of the keyring key that signed the suite's `InRelease`,
    /// when the index was verified against it; `None` for a package the pin
    /// describes.
    pub signed_by: Option<String>,
}

/// The stanzas of a `Packages` index whose package name `keep` accepts and
/// which have every field a download needs.
pub fn parse_packages(text: &str, suite: &str, keep: impl Fn(&str) -> bool) -> Vec<Package> {
    text.split("\n\n")
        .filter_map(|stanza| parse_stanza(stanza, suite, &keep))
        .collect()
}

fn parse_stanza(stanza: &str, suite: &str, keep: &impl Fn(&str) -> bool) -> Option<Package> {
    let field = |name: &str| {
        stanza.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key == name).then(|| value.trim())
        })
    };
    let package = field("Package")?;
    if !keep(package) {
        return None;
    }
    Some(Package {
        package: package.to_string(),
        version: field("Version")?.to_string(),
        filename: field("Filename")?.to_string(),
        size: field("Size").and_then(|s| s.parse().ok()),
        sha256: field("SHA256")?.to_ascii_lowercase(),
        suite: suite.to_string(),
        signed_by: None,
    })
}

/// The upstream part of a headers package name:
/// `linux-headers-7.2.13+deb14-common` → `7.2.13`, `linux-headers-7.3-common` → `7.3`.
/// `None` for anything that is not a `linux-headers-*-common` package (`-common-rt` included).
pub fn headers_upstream(package: &str) -> Option<&str> {
    let middle = package
        .strip_prefix("linux-headers-")?
        .strip_suffix("-common")?;
    middle.split('+').next().filter(|u| !u.is_empty())
}

pub fn is_headers_common(package: &str) -> bool {
    headers_upstream(package).is_some()
}

/// Whether a headers package belongs to a series such as `7.3`:
/// `linux-headers-7.3-common` and `linux-headers-7.3.N+...-common`, not `7.30`.
pub fn in_series(package: &str, series: &str) -> bool {
    headers_upstream(package).is_some_and(|up| {
        up == series
            || up
                .strip_prefix(series)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The upstream part of a Debian version: no epoch, no revision.
/// `7.3~rc7-1~exp1` → `7.3~rc7`, `1:2.0-3` → `2.0`.
pub fn upstream_version(version: &str) -> &str {
    let no_epoch = version.split_once(':').map_or(version, |(_, v)| v);
    no_epoch.rsplit_once('-').map_or(no_epoch, |(up, _)| up)
}

/// Whether a package is what a user means by the Debian kernel version `wanted`
/// (`7.2.13`, `7.3~rc7`, the exact `7.3~rc7-1~exp1`, or a series such as
/// `7.2`, of which the caller takes the newest).
pub fn matches_version(package: &str, version: &str, wanted: &str) -> bool {
    is_headers_common(package)
        && (version == wanted
            || headers_upstream(package) == Some(wanted)
            || upstream_version(version) == wanted
            || (is_series(wanted) && in_series(package, wanted)))
}

/// `7.2`: a major and a minor number, nothing more.
fn is_series(wanted: &str) -> bool {
    wanted.split_once('.').is_some_and(|(major, minor)| {
        [major, minor]
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The newest package by Debian version ordering; on a tie the first listed wins,
/// so suite order decides. Versions that do not parse are never chosen.
pub fn newest<'a, I>(packages: I) -> Option<&'a Package>
where
    I: IntoIterator<Item = &'a Package>,
{
    let mut best: Option<(debversion::Version, &Package)> = None;
    for p in packages {
        let Ok(v) = p.version.parse::<debversion::Version>() else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, _)| v > *b) {
            best = Some((v, p));
        }
    }
    best.map(|(_, p)| p)
}

/// Whether a Debian version is a release rather than a release candidate
/// (`7.3~rc7-1~exp1`): its upstream part has no `~`.
pub fn is_release(version: &str) -> bool {
    !upstream_version(version).contains('~')
}

/// The newest release among the packages, or when there is none, the newest
/// release candidate: a user asking for a series wants its released kernel
/// even if an rc of a later point release were ever listed.
pub fn newest_release_first<'a, I>(packages: I) -> Option<&'a Package>
where
    I: IntoIterator<Item = &'a Package>,
{
    let all: Vec<&Package> = packages.into_iter().collect();
    newest(all.iter().copied().filter(|p| is_release(&p.version))).or_else(|| newest(all))
}

/// Distinct versions, newest first, for "did you mean" hints.
pub fn versions_newest_first(packages: &[Package]) -> Vec<String> {
    let mut versions: Vec<debversion::Version> = packages
        .iter()
        .filter_map(|p| p.version.parse().ok())
        .collect();
    versions.sort();
    versions.dedup();
    versions.iter().rev().map(|v| v.to_string()).collect()
}

// ---------------------------------------------------------------------------
// The cache and the archive

/// An unpacked, complete package in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTree {
    /// The `usr/src/linux-headers-*-common` directory: the kernel tree root.
    pub root: PathBuf,
    pub package: String,
    pub version: String,
    pub sha256: String,
    pub suite: String,
    /// How the package was verified when it was unpacked.
    pub verified: Verification,
}

/// Access to the archive through the cache. The mirror and the HTTP client
/// are set up only when something must be downloaded, so a fully cached
/// kernel needs neither network nor apt sources.
pub struct Archive {
    cache: PathBuf,
    offline: bool,
    configured_mirror: Option<String>,
    apt_dir: PathBuf,
    mirror: Option<String>,
    agent: Option<ureq::Agent>,
    indexes: HashMap<String, Vec<Package>>,
    keyring_path: PathBuf,
    /// Loaded on first use: a fully cached kernel needs no keyring.
    keyring: Option<Keyring>,
    /// Suites that failed verification, see [`Archive::headers_packages`].
    refused: Vec<DebianError>,
}

impl Archive {
    pub fn new(settings: &Settings, apt_dir: &Path) -> Self {
        Archive {
            cache: settings.cache_dir.clone(),
            offline: settings.offline,
            configured_mirror: settings.mirror.clone(),
            apt_dir: apt_dir.to_path_buf(),
            mirror: None,
            agent: None,
            indexes: HashMap::new(),
            keyring_path: settings.keyring.clone(),
            keyring: None,
            refused: Vec::new(),
        }
    }

    pub fn offline(&self) -> bool {
        self.offline
    }

    pub fn mirror(&mut self) -> Result<String, DebianError> {
        if self.mirror.is_none() {
            self.mirror = Some(find_mirror(
                self.configured_mirror.as_deref(),
                &self.apt_dir,
            )?);
        }
        Ok(self.mirror.clone().expect("just set"))
    }

    /// Where unpacked packages live.
    pub fn trees_dir(&self) -> PathBuf {
        self.cache.join("trees")
    }

    /// Where a package is (or will be) unpacked.
    pub fn tree_dir(&self, package: &str, version: &str) -> PathBuf {
        self.trees_dir().join(tree_name(package, version))
    }

    /// Where a package's `.deb` is (or will be) downloaded.
    pub fn deb_path(&self, filename: &str) -> PathBuf {
        let base = filename.rsplit('/').next().unwrap_or(filename);
        self.cache.join("downloads").join(base)
    }

    /// The complete unpacked tree of this package, if the cache holds one
    /// (with this SHA-256, when given).
    pub fn cached_tree(
        &self,
        package: &str,
        version: &str,
        sha256: Option<&str>,
    ) -> Option<CachedTree> {
        read_cached_tree(&self.tree_dir(package, version))
            .filter(|t| t.package == package && t.version == version)
            .filter(|t| sha256.is_none_or(|s| t.sha256.eq_ignore_ascii_case(s)))
    }

    /// Every complete unpacked tree in the cache, for offline version lookup.
    pub fn cached_trees(&self) -> Vec<CachedTree> {
        let Ok(dir) = fs::read_dir(self.trees_dir()) else {
            return Vec::new();
        };
        dir.flatten()
            .filter_map(|e| read_cached_tree(&e.path()))
            .collect()
    }

    /// [`KERNEL_SUITES`], then any other suite the machine's apt sources name
    /// for the mirror in use (so a mirror's own `bookworm-updates` is read too).
    pub fn kernel_suites(&mut self) -> Vec<String> {
        let mut suites: Vec<String> = KERNEL_SUITES.iter().map(|s| s.to_string()).collect();
        let Ok(mirror) = self.mirror() else {
            return suites;
        };
        for entry in apt_entries(&self.apt_dir) {
            if entry.is_debian_archive() && entry.uri.trim_end_matches('/') == mirror {
                for suite in entry.suites {
                    if !suite.ends_with("-security") && !suites.contains(&suite) {
                        suites.push(suite);
                    }
                }
            }
        }
        suites
    }

    /// The `linux-headers-*-common` packages listed in these suites, each
    /// from a verified index. A suite that cannot be read or fails
    /// verification is left out with a warning, as apt leaves out a source
    /// it cannot trust: nothing of it is used, and the other suites still
    /// serve. A suite refused for its verification is remembered, so that a
    /// lookup that then finds nothing reports that refusal
    /// ([`Archive::take_refusal`]) rather than "no such version". With no
    /// suite read at all, the first failure is the error.
    pub fn headers_packages<S: AsRef<str>>(
        &mut self,
        suites: &[S],
        log: &mut dyn FnMut(&str),
    ) -> Result<Vec<Package>, DebianError> {
        let mut all = Vec::new();
        let mut read_any = false;
        let mut first_error = None;
        for suite in suites {
            let suite = suite.as_ref();
            match self.suite_index(suite, log) {
                Ok(packages) => {
                    read_any = true;
                    all.extend(packages);
                }
                Err(e) if e.is_transient() => {
                    log(&format!("warning: skipping suite {suite}: {e}"));
                    // A suite the mirror lacks says less than one that broke off.
                    let keep = match &first_error {
                        None => true,
                        Some(DebianError::NotFound { .. }) => {
                            !matches!(e, DebianError::NotFound { .. })
                        }
                        Some(_) => false,
                    };
                    if keep {
                        first_error = Some(e);
                    }
                }
                Err(e) => {
                    log(&format!(
                        "warning: not using suite {suite}, which failed verification: {e}"
                    ));
                    self.refused.push(e);
                }
            }
        }
        if read_any {
            return Ok(all);
        }
        match self.take_refusal().or(first_error) {
            Some(e) => Err(e),
            None => Ok(all),
        }
    }

    /// The first suite refused for failing verification since the last call.
    pub fn take_refusal(&mut self) -> Option<DebianError> {
        if self.refused.is_empty() {
            None
        } else {
            let first = self.refused.remove(0);
            self.refused.clear();
            Some(first)
        }
    }

    fn suite_index(
        &mut self,
        suite: &str,
        log: &mut dyn FnMut(&str),
    ) -> Result<Vec<Package>, DebianError> {
        if let Some(p) = self.indexes.get(suite) {
            return Ok(p.clone());
        }
        let mirror = self.mirror()?;
        let dir = self
            .cache
            .join("indexes")
            .join(path_safe(&mirror))
            .join(suite);
        let _lock = self.lock(&format!("index-{}-{suite}", path_safe(&mirror)), log)?;
        let inrelease = dir.join("InRelease");
        let mut verified = None;
        if is_fresh(&inrelease) {
            match self.cached_suite(&dir, suite) {
                Ok(v) => verified = Some(v),
                Err(e) => log(&format!(
                    "the cached {suite} index no longer verifies ({e}); downloading it again"
                )),
            }
        }
        let (release, files) = match verified {
            Some(v) => v,
            None => match self.fetch_suite(&mirror, suite, &dir, log) {
                Ok(v) => v,
                // A stale index still names what the archive served recently:
                // better than failing while the network is down, and it is
                // verified (signature, Valid-Until, hashes) like a fresh one.
                Err(e) if e.is_transient() && inrelease.is_file() => {
                    match self.cached_suite(&dir, suite) {
                        Ok(v) => {
                            log(&format!(
                                "warning: using the cached {suite} index because {e}"
                            ));
                            v
                        }
                        Err(_) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            },
        };
        let mut packages = Vec::new();
        for path in files {
            for mut p in parse_packages(&read_xz_index(&path)?, suite, is_headers_common) {
                p.signed_by = Some(release.key.clone());
                packages.push(p);
            }
        }
        self.indexes.insert(suite.to_string(), packages.clone());
        Ok(packages)
    }

    fn verify_release(
        &mut self,
        text: &str,
        suite: &str,
        url: &str,
    ) -> Result<Release, DebianError> {
        let trust_err = |failure| DebianError::Trust {
            url: url.to_string(),
            failure,
        };
        if self.keyring.is_none() {
            self.keyring = Some(Keyring::load(&self.keyring_path).map_err(trust_err)?);
        }
        let keyring = self.keyring.as_ref().expect("just set");
        trust::verify_inrelease(text, suite, keyring, trust::now()).map_err(trust_err)
    }

    /// The cached release and indexes of a suite, verified again.
    fn cached_suite(
        &mut self,
        dir: &Path,
        suite: &str,
    ) -> Result<(Release, Vec<PathBuf>), DebianError> {
        let inrelease = dir.join("InRelease");
        let text = fs::read_to_string(&inrelease).map_err(io_err("read", &inrelease))?;
        let release = self.verify_release(&text, suite, &inrelease.display().to_string())?;
        let mut files = Vec::new();
        for rel in release_indexes(&release) {
            let Some(entry) = release.sha256.get(&rel) else {
                continue;
            };
            let path = dir.join(index_file_name(&rel));
            verify_cached_deb(
                &path,
                &entry.sha256,
                &format!("the signed {suite} InRelease"),
            )?;
            files.push(path);
        }
        Ok((release, files))
    }

    /// Downloads and verifies a suite's `InRelease` and the indexes it lists.
    /// Nothing is written into `dir` until every file has verified, and the
    /// `InRelease` last, so a failure leaves the cache as it was.
    fn fetch_suite(
        &mut self,
        mirror: &str,
        suite: &str,
        dir: &Path,
        log: &mut dyn FnMut(&str),
    ) -> Result<(Release, Vec<PathBuf>), DebianError> {
        let url = format!("{mirror}/dists/{suite}/InRelease");
        log(&format!("downloading {url}"));
        fs::create_dir_all(dir).map_err(io_err("create", dir))?;
        let new_inrelease = dir.join("InRelease.new");
        self.download(&url, &new_inrelease, None, log)?;
        let text = fs::read_to_string(&new_inrelease).map_err(|e| DebianError::Trust {
            url: url.clone(),
            failure: TrustError::Malformed {
                detail: e.to_string(),
            },
        });
        let release = text.and_then(|t| self.verify_release(&t, suite, &url));
        let release = match release {
            Ok(r) => r,
            Err(e) => {
                let _ = fs::remove_file(&new_inrelease);
                return Err(e);
            }
        };
        let against = format!("the signed {suite} InRelease");
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut result = Ok(());
        for rel in release_indexes(&release) {
            let Some(entry) = release.sha256.get(&rel) else {
                continue;
            };
            let dest = dir.join(index_file_name(&rel));
            let new = with_suffix(&dest, ".new");
            let index_url = format!("{mirror}/dists/{suite}/{rel}");
            log(&format!("downloading index {index_url}"));
            let expect = Expected {
                sha256: &entry.sha256,
                size: Some(entry.size),
                against: &against,
            };
            if let Err(e) = self.download(&index_url, &new, Some(&expect), log) {
                result = Err(e);
                break;
            }
            staged.push((new, dest));
        }
        if result.is_ok() && staged.is_empty() {
            result = Err(DebianError::NoIndexListed {
                url: url.clone(),
                wanted: index_paths().join(", "),
            });
        }
        if let Err(e) = result {
            for (new, _) in &staged {
                let _ = fs::remove_file(new);
            }
            let _ = fs::remove_file(&new_inrelease);
            return Err(e);
        }
        let mut files = Vec::new();
        for (new, dest) in staged {
            fs::rename(&new, &dest).map_err(io_err("rename", &new))?;
            files.push(dest);
        }
        let inrelease = dir.join("InRelease");
        fs::rename(&new_inrelease, &inrelease).map_err(io_err("rename", &new_inrelease))?;
        Ok((release, files))
    }

    /// Makes `pkg` available unpacked: from the cache when complete, else from
    /// the cached `.deb` (verified), else downloaded and verified first.
    /// `against` names what the SHA-256 comes from, for error messages.
    pub fn install(
        &mut self,
        pkg: &Package,
        against: &str,
        verified: &Verification,
        log: &mut dyn FnMut(&str),
    ) -> Result<CachedTree, DebianError> {
        let dir = self.tree_dir(&pkg.package, &pkg.version);
        let _lock = self.lock(&tree_name(&pkg.package, &pkg.version), log)?;
        // Checked again under the lock: another build may have just finished it.
        if let Some(tree) = self.cached_tree(&pkg.package, &pkg.version, Some(&pkg.sha256)) {
            return Ok(tree);
        }
        let deb = self.deb_path(&pkg.filename);
        if deb.is_file() {
            verify_cached_deb(&deb, &pkg.sha256, against)?;
        } else if self.offline {
            return Err(DebianError::NotCached {
                what: format!("{} {}", pkg.package, pkg.version),
                path: dir,
            });
        } else {
            let url = format!("{}/{}", self.mirror()?, pkg.filename);
            let expect = Expected {
                sha256: &pkg.sha256,
                size: pkg.size,
                against,
            };
            self.download(&url, &deb, Some(&expect), log)?;
        }
        log(&format!("unpacking {}", deb.display()));
        let marker = Marker {
            sha256: pkg.sha256.clone(),
            package: pkg.package.clone(),
            version: pkg.version.clone(),
            suite: pkg.suite.clone(),
            verified: verified.clone(),
        };
        unpack_deb(&deb, &dir, &marker)?;
        read_cached_tree(&dir).ok_or(DebianError::NoHeadersDir {
            path: dir,
            found: 0,
        })
    }

    fn agent(&mut self) -> ureq::Agent {
        self.agent
            .get_or_insert_with(|| {
                ureq::Agent::config_builder()
                    .timeout_connect(Some(Duration::from_secs(30)))
                    .timeout_recv_response(Some(Duration::from_secs(60)))
                    .user_agent(concat!("leafdiff/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .into()
            })
            .clone()
    }

    /// Downloads `url` to `dest` through `dest.partial`, renamed only once
    /// complete and (when `expect` is given) verified. Any failure deletes
    /// the partial file, so a rerun starts clean.
    fn download(
        &mut self,
        url: &str,
        dest: &Path,
        expect: Option<&Expected>,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), DebianError> {
        if self.offline {
            return Err(DebianError::NotCached {
                what: url.to_string(),
                path: dest.to_path_buf(),
            });
        }
        let parent = dest.parent().expect("cache paths have a parent");
        fs::create_dir_all(parent).map_err(io_err("create", parent))?;
        let partial = with_suffix(dest, ".partial");
        let agent = self.agent();
        let result = stream_to(&agent, url, &partial, expect, log)
            .and_then(|()| fs::rename(&partial, dest).map_err(io_err("rename", &partial)));
        if result.is_err() {
            let _ = fs::remove_file(&partial);
        }
        result
    }

    /// Holds an exclusive lock on `locks/<name>.lock` until dropped.
    fn lock(&self, name: &str, log: &mut dyn FnMut(&str)) -> Result<File, DebianError> {
        let dir = self.cache.join("locks");
        fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
        let path = dir.join(format!("{name}.lock"));
        let file = File::create(&path).map_err(io_err("create", &path))?;
        if file.try_lock().is_err() {
            log(&format!(
                "waiting for another leafdiff build that holds {}",
                path.display()
            ));
            file.lock().map_err(io_err("lock", &path))?;
        }
        Ok(file)
    }
}

/// What a download must match.
struct Expected<'a> {
    sha256: &'a str,
    size: Option<u64>,
    /// Where the hash comes from ("the sid index"), for messages.
    against: &'a str,
}

fn stream_to(
    agent: &ureq::Agent,
    url: &str,
    partial: &Path,
    expect: Option<&Expected>,
    log: &mut dyn FnMut(&str),
) -> Result<(), DebianError> {
    let response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::StatusCode(404) => DebianError::NotFound {
            url: url.to_string(),
        },
        e => DebianError::Http {
            url: url.to_string(),
            detail: e.to_string(),
        },
    })?;
    // What the server announced, told apart from what the index lists: a
    // download that stops short of the announced length was interrupted; one
    // that got every announced byte is complete, whatever the index says.
    let announced: Option<u64> = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let total = expect.and_then(|e| e.size).or(announced);
    let mut reader = response.into_body().into_reader();
    let file = File::create(partial).map_err(io_err("create", partial))?;
    let mut out = BufWriter::new(file);
    let mut hasher = Sha256::new();
    let mut progress = Progress::new(url, total);
    let mut received = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    let interrupted = |received, detail: String| DebianError::Interrupted {
        url: url.to_string(),
        received,
        expected: announced
            .or(total)
            .map_or("an unknown number of".into(), |t| t.to_string()),
        detail,
    };
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(interrupted(received, e.to_string())),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(io_err("write", partial))?;
        received += n as u64;
        progress.report(received, log);
    }
    let file = out
        .into_inner()
        .map_err(|e| io_err("write", partial)(e.into_error()))?;
    // On disk before the rename makes it look complete.
    file.sync_all().map_err(io_err("write", partial))?;
    if announced.is_some_and(|a| received < a) {
        return Err(interrupted(received, "the connection closed early".into()));
    }
    let Some(expect) = expect else {
        return Ok(());
    };
    match expect.size {
        Some(size) if received != size => {
            return Err(DebianError::SizeMismatch {
                url: url.to_string(),
                received,
                expected: size,
                against: expect.against.to_string(),
            })
        }
        _ => {}
    }
    let actual = hex(&hasher.finalize());
    if !actual.eq_ignore_ascii_case(expect.sha256) {
        return Err(DebianError::HashMismatch {
            url: url.to_string(),
            expected: expect.sha256.to_string(),
            actual,
            against: expect.against.to_string(),
        });
    }
    log(&format!("verified {url}: SHA-256 {actual}"));
    Ok(())
}

/// Logs a download's progress at every quarter, for downloads large enough to notice.
struct Progress<'a> {
    url: &'a str,
    total: Option<u64>,
    started: bool,
    next_quarter: u64,
}

impl<'a> Progress<'a> {
    fn new(url: &'a str, total: Option<u64>) -> Self {
        Progress {
            url,
            total: total.filter(|t| *t >= PROGRESS_MIN_BYTES),
            started: false,
            next_quarter: 1,
        }
    }

    fn report(&mut self, received: u64, log: &mut dyn FnMut(&str)) {
        let Some(total) = self.total else { return };
        if !self.started {
            self.started = true;
            log(&format!(
                "downloading {} ({:.1} MB)",
                self.url,
                total as f64 / 1e6
            ));
        }
        while self.next_quarter < 4 && received * 4 >= total * self.next_quarter {
            log(&format!(
                "downloading {}: {}%",
                self.url,
                self.next_quarter * 25
            ));
            self.next_quarter += 1;
        }
    }
}

/// Checks a `.deb` left in the cache by an earlier run against the expected hash.
pub fn verify_cached_deb(path: &Path, expected: &str, against: &str) -> Result<(), DebianError> {
    let actual = sha256_file(path)?;
    if actual.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(DebianError::CorruptCache {
            path: path.to_path_buf(),
            expected: expected.to_string(),
            actual,
            against: against.to_string(),
        })
    }
}

pub fn sha256_file(path: &Path) -> Result<String, DebianError> {
    let mut file = File::open(path).map_err(io_err("read", path))?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(io_err("read", path))?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read_xz_index(path: &Path) -> Result<String, DebianError> {
    let file = File::open(path).map_err(io_err("read", path))?;
    let mut text = String::new();
    xz2::read::XzDecoder::new_multi_decoder(BufReader::new(file))
        .read_to_string(&mut text)
        .map_err(|e| DebianError::BadIndex {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
    Ok(text)
}

fn is_fresh(path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < INDEX_MAX_AGE)
}

/// A file or directory name standing for `text` (a URL or a version).
fn path_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+-.~".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The indexes of [`index_paths`] that this release asks clients to read: a
/// release saying `No-Support-for-Architecture-all: Packages` lists its
/// `Architecture: all` packages in every architecture index and keeps
/// `binary-all` only for old clients, so apt does not read it and neither
/// do we (on the archive today such a `binary-all` file may even disagree
/// with the hash its release lists).
fn release_indexes(release: &Release) -> Vec<String> {
    let all = format!("{COMPONENT}/binary-all/Packages.xz");
    index_paths()
        .into_iter()
        .filter(|rel| !(release.no_arch_all && *rel == all && debian_arch() != "all"))
        .collect()
}

/// `main/binary-amd64/Packages.xz` → `main_binary-amd64_Packages.xz`.
fn index_file_name(rel: &str) -> String {
    rel.replace('/', "_")
}

fn tree_name(package: &str, version: &str) -> String {
    format!("{}_{}", path_safe(package), path_safe(version))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

// ---------------------------------------------------------------------------
// Unpacking

/// What the completion marker records: enough to use the tree with no index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub sha256: String,
    pub package: String,
    pub version: String,
    pub suite: String,
    pub verified: Verification,
}

impl Marker {
    fn render(&self) -> String {
        format!(
            "sha256={}\npackage={}\nversion={}\nsuite={}\nverified={}\n",
            self.sha256,
            self.package,
            self.version,
            self.suite,
            self.verified.to_marker()
        )
    }

    fn parse(text: &str) -> Option<Marker> {
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_string)
        };
        Some(Marker {
            sha256: field("sha256")?,
            package: field("package")?,
            version: field("version")?,
            suite: field("suite")?,
            // Markers written before verification was recorded lack the line.
            verified: field("verified")
                .map_or(Verification::Unrecorded, |v| Verification::from_marker(&v)),
        })
    }
}

/// The tree in `dir` if it is complete: marked, with exactly one headers directory.
fn read_cached_tree(dir: &Path) -> Option<CachedTree> {
    let marker = Marker::parse(&fs::read_to_string(dir.join(MARKER)).ok()?)?;
    let [root] = <[PathBuf; 1]>::try_from(headers_common_dirs(dir)).ok()?;
    Some(CachedTree {
        root,
        package: marker.package,
        version: marker.version,
        sha256: marker.sha256,
        suite: marker.suite,
        verified: marker.verified,
    })
}

/// The `usr/src/linux-headers-*-common` directories under `dir` (an unpacked package).
pub fn headers_common_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join("usr/src")) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(is_headers_common))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Unpacks the `usr/src/` part of `deb` into `dest`, atomically: into a
/// temporary sibling first, marked complete, then renamed. Temporary
/// directories left by interrupted runs are removed; a `dest` that exists
/// without a valid marker (never a finished unpack) is replaced.
/// The caller holds the package's lock.
pub fn unpack_deb(deb: &Path, dest: &Path, marker: &Marker) -> Result<PathBuf, DebianError> {
    let parent = dest.parent().expect("tree dirs have a parent");
    let name = dest
        .file_name()
        .expect("tree dirs have a name")
        .to_string_lossy();
    fs::create_dir_all(parent).map_err(io_err("create", parent))?;
    remove_stale_temps(parent, &name);
    let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
    let result = unpack_into(deb, &tmp, marker).and_then(|()| {
        if dest.exists() {
            fs::remove_dir_all(dest).map_err(io_err("remove the stale", dest))?;
        }
        fs::rename(&tmp, dest).map_err(io_err("rename", &tmp))
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result?;
    let [root] = <[PathBuf; 1]>::try_from(headers_common_dirs(dest)).expect("checked before");
    Ok(root)
}

fn remove_stale_temps(parent: &Path, name: &str) {
    let prefix = format!("{name}.tmp-");
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn unpack_into(deb: &Path, tmp: &Path, marker: &Marker) -> Result<(), DebianError> {
    fs::create_dir_all(tmp).map_err(io_err("create", tmp))?;
    extract_usr_src(deb, tmp).map_err(|e| DebianError::BadDeb {
        path: deb.to_path_buf(),
        detail: e.to_string(),
    })?;
    let found = headers_common_dirs(tmp).len();
    if found != 1 {
        return Err(DebianError::NoHeadersDir {
            path: deb.to_path_buf(),
            found,
        });
    }
    let marker_path = tmp.join(MARKER);
    fs::write(&marker_path, marker.render()).map_err(io_err("write", &marker_path))
}

/// Streams the `data.tar.*` member of the `.deb` through its decompressor,
/// writing only entries under `usr/src/`.
fn extract_usr_src(deb: &Path, dest: &Path) -> io::Result<()> {
    let file = File::open(deb)?;
    let mut archive = ar::Archive::new(BufReader::new(file));
    while let Some(entry) = archive.next_entry() {
        let entry = entry?;
        let name = String::from_utf8_lossy(entry.header().identifier()).into_owned();
        let name = name.trim_end_matches('/');
        let data: Box<dyn Read + '_> = match name {
            "data.tar" => Box::new(entry),
            "data.tar.xz" => Box::new(xz2::read::XzDecoder::new_multi_decoder(entry)),
            "data.tar.gz" => Box::new(flate2::read::GzDecoder::new(entry)),
            "data.tar.zst" => Box::new(
                ruzstd::decoding::StreamingDecoder::new(entry)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?,
            ),
            other if other.starts_with("data.tar") => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("unsupported compression of member {other}"),
                ))
            }
            _ => continue,
        };
        return extract_tar_usr_src(data, dest);
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "no data.tar member: not a .deb package",
    ))
}

fn extract_tar_usr_src(data: impl Read, dest: &Path) -> io::Result<()> {
    let mut tar = tar::Archive::new(data);
    for entry in tar.entries()? {
        let mut entry = entry?;
        let path = entry.path()?;
        let mut parts = path
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir));
        let under_usr_src = parts.next().is_some_and(|c| c.as_os_str() == "usr")
            && parts.next().is_some_and(|c| c.as_os_str() == "src");
        if under_usr_src {
            // unpack_in refuses paths that would escape `dest`.
            entry.unpack_in(dest)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb822_takes_first_archive_and_skips_security() {
        let text = "\
# the security archive first, to be skipped
Types: deb
URIs: http://mirror.example/debian-security
Suites: trixie-security
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: trixie
Components: main

Types: deb
URIs: http://mirror.example/debian/
Suites: trixie trixie-updates
Components: main contrib
Signed-By: -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGP...
 -----END PGP PUBLIC KEY BLOCK-----
";
        let entries = parse_deb822_sources(text);
        assert_eq!(entries.len(), 2, "deb-src is not an entry: {entries:?}");
        assert!(!entries[0].is_debian_archive());
        assert!(entries[1].is_debian_archive());
        assert_eq!(entries[1].suites, ["trixie", "trixie-updates"]);
    }

    #[test]
    fn security_suites_on_an_ordinary_uri_are_skipped() {
        let e = AptEntry {
            uri: "http://mirror.example/debian".into(),
            suites: vec!["trixie-security".into()],
            components: vec!["main".into()],
        };
        assert!(!e.is_debian_archive());
    }

    #[test]
    fn disabled_and_componentless_stanzas_are_skipped() {
        let text = "Types: deb\nURIs: http://a.example/debian\nSuites: sid\nComponents: main\nEnabled: no\n\n\
                    Types: deb\nURIs: http://b.example/debian\nSuites: stable\nComponents: stable\n";
        let entries = parse_deb822_sources(text);
        assert_eq!(entries.len(), 1);
        assert!(
            !entries[0].is_debian_archive(),
            "a third-party repo without main"
        );
    }

    #[test]
    fn one_line_sources_with_options() {
        let text = "\
# deb http://commented.example/debian sid main
deb-src http://src.example/debian sid main
deb [ arch=amd64 signed-by=/usr/share/keyrings/k.gpg ] https://mirror.example/debian sid main
deb [arch=amd64] http://other.example/debian sid main
";
        let entries = parse_one_line_sources(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].uri, "https://mirror.example/debian");
        assert_eq!(entries[0].suites, ["sid"]);
        assert_eq!(entries[0].components, ["main"]);
        assert_eq!(entries[1].uri, "http://other.example/debian");
    }

    #[test]
    fn mirror_comes_from_apt_dir_in_apt_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("sources.list.d");
        fs::create_dir_all(&d).unwrap();
        fs::write(
            d.join("b.sources"),
            "Types: deb\nURIs: http://second.example/debian\nSuites: sid\nComponents: main\n",
        )
        .unwrap();
        fs::write(
            d.join("a.sources"),
            "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: trixie-security\nComponents: main\n",
        )
        .unwrap();
        assert_eq!(
            find_mirror(None, dir.path()).unwrap(),
            "http://second.example/debian"
        );
        fs::write(
            dir.path().join("sources.list"),
            "deb http://first.example/debian/ trixie main\n",
        )
        .unwrap();
        assert_eq!(
            find_mirror(None, dir.path()).unwrap(),
            "http://first.example/debian"
        );
        assert_eq!(
            find_mirror(Some("http://mirror.example/debian/"), dir.path()).unwrap(),
            "http://mirror.example/debian"
        );
    }

    #[test]
    fn no_mirror_says_to_set_leafdiff_mirror() {
        let dir = tempfile::tempdir().unwrap();
        let err = find_mirror(None, dir.path()).unwrap_err();
        assert!(matches!(err, DebianError::NoMirror { .. }));
        let msg = err.to_string();
        assert!(msg.contains("set LEAFDIFF_MIRROR"), "{msg}");
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
    }

    const INDEX: &str = "\
Package: linux-headers-7.2.13+deb14-common
Source: linux
Version: 7.2.13-1
Architecture: all
Description: Common header files
 for Linux 7.2.13+deb14
Filename: pool/main/l/linux/linux-headers-7.2.13+deb14-common_7.2.13-1_all.deb
Size: 1000
SHA256: AA00

Package: linux-headers-7.3-common
Version: 7.3~rc7-1~exp1
Filename: pool/main/l/linux/linux-headers-7.3-common_7.3~rc7-1~exp1_all.deb
Size: 2000
SHA256: bb00

Package: linux-headers-7.3.1+deb14-common
Version: 7.3.1-1
Filename: pool/main/l/linux/linux-headers-7.3.1+deb14-common_7.3.1-1_all.deb
Size: 3000
SHA256: cc00

Package: linux-headers-7.3.1+deb13-common
Version: 7.3.1-1~bpo13+1
Filename: pool/main/l/linux/linux-headers-7.3.1+deb13-common_7.3.1-1~bpo13+1_all.deb
Size: 3000
SHA256: dd00

Package: linux-headers-7.30-common
Version: 7.30-1
Filename: pool/main/l/linux/linux-headers-7.30-common_7.30-1_all.deb
Size: 10
SHA256: ee00

Package: linux-headers-7.3.1+deb14-common-rt
Version: 7.3.1-1
Filename: pool/main/l/linux/rt.deb
Size: 10
SHA256: ff00

Package: linux-headers-7.3.2-common
Version: 7.3.2-1
Size: 10
SHA256: 0000

Package: hello
Version: 2.10-3
Filename: pool/main/h/hello/hello_2.10-3_all.deb
Size: 10
SHA256: 1100
";

    fn index() -> Vec<Package> {
        parse_packages(INDEX, "sid", is_headers_common)
    }

    #[test]
    fn packages_parsing_keeps_complete_headers_stanzas() {
        let p = index();
        let names: Vec<&str> = p.iter().map(|p| p.package.as_str()).collect();
        assert_eq!(
            names,
            [
                "linux-headers-7.2.13+deb14-common",
                "linux-headers-7.3-common",
                "linux-headers-7.3.1+deb14-common",
                "linux-headers-7.3.1+deb13-common",
                "linux-headers-7.30-common",
            ],
            "-common-rt, hello and the stanza without Filename are left out"
        );
        assert_eq!(p[0].sha256, "aa00", "hashes are normalised to lower case");
        assert_eq!(p[0].size, Some(1000));
        assert_eq!(p[0].suite, "sid");
        assert_eq!(p[1].version, "7.3~rc7-1~exp1");
    }

    #[test]
    fn series_matches_by_package_name() {
        assert!(in_series("linux-headers-7.3-common", "7.3"));
        assert!(in_series("linux-headers-7.3.1+deb14-common", "7.3"));
        assert!(in_series("linux-headers-6.1.0-18-common", "6.1"));
        assert!(!in_series("linux-headers-7.30-common", "7.3"));
        assert!(!in_series("linux-headers-7.3.1+deb14-common-rt", "7.3"));
        assert!(!in_series("linux-headers-7.2.13+deb14-common", "7.3"));
    }

    #[test]
    fn newest_of_series_uses_debian_ordering() {
        let p = index();
        let newest = newest(p.iter().filter(|p| in_series(&p.package, "7.3"))).unwrap();
        // 7.3~rc7 < 7.3.1-1~bpo13+1 < 7.3.1-1; 7.30 is another series.
        assert_eq!(newest.version, "7.3.1-1");
        assert_eq!(newest.package, "linux-headers-7.3.1+deb14-common");
    }

    #[test]
    fn rc_is_older_than_release_and_bpo_older_than_unstable() {
        let pkg = |v: &str| Package {
            package: "linux-headers-7.3-common".into(),
            version: v.into(),
            filename: String::new(),
            size: None,
            sha256: String::new(),
            suite: String::new(),
            signed_by: None,
        };
        let list = [
            pkg("7.3~rc7-1~exp1"),
            pkg("7.3-1~bpo13+1"),
            pkg("7.3~rc6-1~exp1"),
        ];
        assert_eq!(newest(&list).unwrap().version, "7.3-1~bpo13+1");
        let list = [pkg("7.3-1~bpo13+1"), pkg("7.3-1")];
        assert_eq!(newest(&list).unwrap().version, "7.3-1");
        let list = [pkg("7.3-1"), pkg("7.3-1+b1")];
        assert_eq!(newest(&list).unwrap().version, "7.3-1+b1");
    }

    #[test]
    fn a_release_is_preferred_to_an_rc_of_its_series() {
        let pkg = |name: &str, v: &str| Package {
            package: name.into(),
            version: v.into(),
            filename: String::new(),
            size: None,
            sha256: String::new(),
            suite: String::new(),
            signed_by: None,
        };
        let list = [
            pkg("linux-headers-7.3-common", "7.3~rc7-1~exp1"),
            pkg("linux-headers-7.3.4+deb13-common", "7.3.4-1~bpo13+1"),
            pkg("linux-headers-7.3.5-common", "7.3.5~rc1-1~exp1"),
        ];
        assert_eq!(
            newest_release_first(&list).unwrap().version,
            "7.3.4-1~bpo13+1",
            "a point release's rc does not beat the release"
        );
        assert_eq!(newest(&list).unwrap().version, "7.3.5~rc1-1~exp1");
        assert_eq!(
            newest_release_first(&list[..1]).unwrap().version,
            "7.3~rc7-1~exp1",
            "with no release, the rc"
        );
        assert!(is_release("7.3.4-1~bpo13+1"));
        assert!(!is_release("7.3~rc7-1~exp1"));
    }

    #[test]
    fn debian_version_items_match_upstream_or_exact() {
        let m = |pkg, ver, wanted| matches_version(pkg, ver, wanted);
        assert!(m("linux-headers-7.2.13+deb14-common", "7.2.13-1", "7.2.13"));
        assert!(m(
            "linux-headers-7.2.13+deb13-common",
            "7.2.13-1~bpo13+1",
            "7.2.13"
        ));
        assert!(!m("linux-headers-7.2.13+deb14-common", "7.2.13-1", "7.2.1"));
        assert!(m(
            "linux-headers-7.3-common",
            "7.3~rc7-1~exp1",
            "7.3~rc7-1~exp1"
        ));
        assert!(m("linux-headers-7.3-common", "7.3~rc7-1~exp1", "7.3~rc7"));
        assert!(m("linux-headers-7.3-common", "7.3~rc7-1~exp1", "7.3"));
        // A series takes in every release of it, not 7.20.
        assert!(m("linux-headers-7.2.13+deb14-common", "7.2.13-1", "7.2"));
        assert!(!m("linux-headers-7.20.1+deb14-common", "7.20.1-1", "7.2"));
        assert!(!m("linux-headers-7.2.13+deb14-common", "7.2.13-1", "7"));
        assert!(!m("linux-libc-dev", "7.3~rc7-1~exp1", "7.3~rc7-1~exp1"));
        let p = index();
        let best = newest(
            p.iter()
                .filter(|p| matches_version(&p.package, &p.version, "7.3.1")),
        );
        assert_eq!(best.unwrap().version, "7.3.1-1");
    }

    #[test]
    fn upstream_version_strips_epoch_and_revision() {
        assert_eq!(upstream_version("7.3~rc7-1~exp1"), "7.3~rc7");
        assert_eq!(upstream_version("1:2.0-3"), "2.0");
        assert_eq!(upstream_version("7.2"), "7.2");
    }

    #[test]
    fn versions_are_listed_newest_first() {
        assert_eq!(
            versions_newest_first(&index()),
            [
                "7.30-1",
                "7.3.1-1",
                "7.3.1-1~bpo13+1",
                "7.3~rc7-1~exp1",
                "7.2.13-1"
            ]
        );
    }

    #[test]
    fn marker_roundtrips() {
        let m = Marker {
            sha256: "ab".into(),
            package: "linux-headers-7.3-common".into(),
            version: "7.3~rc7-1~exp1".into(),
            suite: "experimental".into(),
            verified: Verification::SignedIndex {
                suite: "experimental".into(),
                key: "ABCD".into(),
            },
        };
        assert_eq!(Marker::parse(&m.render()), Some(m.clone()));
        let pinned = Marker {
            verified: Verification::Pinned {
                pin_file: "/src/kernel-pin.toml".into(),
            },
            ..m.clone()
        };
        assert_eq!(Marker::parse(&pinned.render()), Some(pinned));
        assert_eq!(Marker::parse("sha256=ab\n"), None);
        let old = "sha256=ab\npackage=p\nversion=1\nsuite=sid\n";
        assert_eq!(
            Marker::parse(old).unwrap().verified,
            Verification::Unrecorded,
            "a marker from before verification was recorded"
        );
    }

    #[test]
    fn progress_reports_each_quarter_once() {
        let mut lines = Vec::new();
        let mut p = Progress::new("u", Some(4 << 20));
        for step in 1..=8u64 {
            p.report(step << 19, &mut |l: &str| lines.push(l.to_string()));
        }
        let pct: Vec<&String> = lines.iter().filter(|l| l.ends_with('%')).collect();
        assert_eq!(pct.len(), 3, "{lines:?}");
        assert_eq!(lines.len(), 4, "one start line: {lines:?}");
        assert!(lines[0].contains("4.2 MB"), "{lines:?}");
    }
}
