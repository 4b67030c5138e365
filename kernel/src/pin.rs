//! The pinned default kernel (`kernel-pin.toml`): the Debian package used
//! when `LEAFDIFF_KERNEL` is unset, with the SHA-256 it must have.

use crate::debian::{self, Archive, DebianError, REFRESH_COMMAND};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The kernel series `pin --refresh` follows.
pub const SERIES: &str = "7.3";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// The series a pin falls back within when the archive drops the pinned version.
    pub series: String,
    pub package: String,
    pub version: String,
    /// Path of the `.deb` relative to the mirror.
    pub filename: String,
    pub sha256: String,
    /// The suite whose index listed the package.
    pub suite: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error(
        "cannot read the kernel pin {path}: {source}; restore it with `git checkout -- {name}` \
         or create it with `{REFRESH_COMMAND}`",
        name = file_name(.path)
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the kernel pin {path} is malformed: {detail}; restore it with `git checkout -- {name}` \
         or recreate it with `{REFRESH_COMMAND}`",
        name = file_name(.path)
    )]
    Malformed { path: PathBuf, detail: String },
    #[error("cannot write the kernel pin {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refreshing the pin reads the archive index, but LEAFDIFF_OFFLINE=1 forbids the network; unset it and rerun")]
    Offline,
    #[error(
        "no linux-headers-{series}*-common package is listed in the suites {suites} of {mirror}; \
         check that LEAFDIFF_MIRROR is a complete Debian mirror"
    )]
    NoPackage {
        series: String,
        suites: String,
        mirror: String,
    },
    #[error(transparent)]
    Debian(#[from] DebianError),
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

const HEADER: &str = "\
# The default kernel, used when LEAFDIFF_KERNEL is unset: a Debian
# linux-headers-*-common package and the SHA-256 it must have.
# Refresh with `cargo run --release -- pin --refresh`.
";

impl Pin {
    pub fn load(path: &Path) -> Result<Pin, PinError> {
        let text = std::fs::read_to_string(path).map_err(|source| PinError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let malformed = |detail: String| PinError::Malformed {
            path: path.to_path_buf(),
            detail,
        };
        let pin: Pin =
            toml::from_str(&text).map_err(|e| malformed(e.to_string().trim().to_string()))?;
        pin.validate().map_err(malformed)?;
        Ok(pin)
    }

    /// Writes the pin through a temporary file, so an interrupted save never
    /// leaves a half-written pin behind.
    pub fn save(&self, path: &Path) -> Result<(), PinError> {
        let write_err = |source| PinError::Write {
            path: path.to_path_buf(),
            source,
        };
        let body = toml::to_string(self).expect("a struct of strings always serializes");
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, format!("{HEADER}{body}")).map_err(write_err)?;
        std::fs::rename(&tmp, path).map_err(write_err)
    }

    /// Catches hand edits that would otherwise fail far from their cause.
    fn validate(&self) -> Result<(), String> {
        if !debian::is_headers_common(&self.package) {
            return Err(format!(
                "package {:?} is not a linux-headers-*-common package",
                self.package
            ));
        }
        if !debian::in_series(&self.package, &self.series) {
            return Err(format!(
                "package {} is not in series {}",
                self.package, self.series
            ));
        }
        if self.version.parse::<debversion::Version>().is_err() {
            return Err(format!(
                "version {:?} is not a Debian version",
                self.version
            ));
        }
        let hex = self.sha256.len() == 64 && self.sha256.chars().all(|c| c.is_ascii_hexdigit());
        if !hex {
            return Err(format!(
                "sha256 {:?} is not 64 hexadecimal digits",
                self.sha256
            ));
        }
        if !self.filename.ends_with(".deb") {
            return Err(format!("filename {:?} is not a .deb", self.filename));
        }
        Ok(())
    }

    /// The pinned package in the form the archive code uses (size unknown).
    pub fn to_package(&self) -> debian::Package {
        debian::Package {
            package: self.package.clone(),
            version: self.version.clone(),
            filename: self.filename.clone(),
            size: None,
            sha256: self.sha256.to_ascii_lowercase(),
            suite: self.suite.clone(),
            signed_by: None,
        }
    }
}

/// Looks up the newest `linux-headers-<SERIES>...-common` package in the
/// archive and returns a pin for it (the caller saves it).
pub fn refresh(settings: &Settings, log: &mut dyn FnMut(&str)) -> Result<Pin, PinError> {
    refresh_with(settings, Path::new(debian::DEFAULT_APT_DIR), SERIES, log)
}

/// [`refresh`] with the apt sources directory and the series given.
pub fn refresh_with(
    settings: &Settings,
    apt_dir: &Path,
    series: &str,
    log: &mut dyn FnMut(&str),
) -> Result<Pin, PinError> {
    if settings.offline {
        return Err(PinError::Offline);
    }
    let mut archive = Archive::new(settings, apt_dir);
    let suites = archive.kernel_suites();
    let listed = archive.headers_packages(&suites, log)?;
    // Every entry of `listed` comes from an index whose hash the suite's
    // signed InRelease lists, so the SHA-256 written into the pin is the
    // one Debian signed.
    let newest = debian::newest_release_first(
        listed
            .iter()
            .filter(|p| debian::in_series(&p.package, series)),
    );
    if newest.is_none() {
        if let Some(refusal) = archive.take_refusal() {
            return Err(refusal.into());
        }
    }
    let newest = newest.ok_or_else(|| PinError::NoPackage {
        series: series.to_string(),
        suites: suites.join(", "),
        mirror: archive.mirror().unwrap_or_default(),
    })?;
    log(&format!(
        "newest {series} package: {} {} in {} (index signed by {})",
        newest.package,
        newest.version,
        newest.suite,
        newest.signed_by.as_deref().unwrap_or("no key")
    ));
    Ok(Pin {
        series: series.to_string(),
        package: newest.package.clone(),
        version: newest.version.clone(),
        filename: newest.filename.clone(),
        sha256: newest.sha256.clone(),
        suite: newest.suite.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin() -> Pin {
        Pin {
            series: "7.3".into(),
            package: "linux-headers-7.3-common".into(),
            version: "7.3~rc7-1~exp1".into(),
            filename: "pool/main/l/linux/linux-headers-7.3-common_7.3~rc7-1~exp1_all.deb".into(),
            sha256: "669e058f66a91872791e7ffe94c2ffc7d18ff1f9ede1af5accbeeb51eb17515d".into(),
            suite: "experimental".into(),
        }
    }

    #[test]
    fn save_then_load_roundtrips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kernel-pin.toml");
        pin().save(&path).unwrap();
        assert_eq!(Pin::load(&path).unwrap(), pin());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# The default kernel"), "{text}");
        assert!(!dir.path().join("kernel-pin.toml.tmp").exists());
    }

    #[test]
    fn malformed_pin_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kernel-pin.toml");
        for (text, needle) in [
            ("series = \"7.3\"\npackage = ", "malformed"),
            ("series = \"7.3\"\n", "missing field"),
            (
                &toml::to_string(&Pin {
                    sha256: "abc".into(),
                    ..pin()
                })
                .unwrap(),
                "64 hexadecimal",
            ),
            (
                &toml::to_string(&Pin {
                    series: "7.2".into(),
                    ..pin()
                })
                .unwrap(),
                "not in series 7.2",
            ),
            (
                &format!("{}extra = 1\n", toml::to_string(&pin()).unwrap()),
                "unknown field",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Pin::load(&path).unwrap_err();
            assert!(matches!(err, PinError::Malformed { .. }), "{err}");
            let msg = err.to_string();
            assert!(msg.contains(&path.display().to_string()), "{msg}");
            assert!(msg.contains(needle), "{needle:?} not in {msg}");
            assert!(msg.contains(REFRESH_COMMAND), "{msg}");
        }
    }

    #[test]
    fn missing_pin_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.toml");
        let msg = Pin::load(&path).unwrap_err().to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("cannot read"), "{msg}");
    }

    #[test]
    fn refresh_refuses_to_run_offline() {
        let settings = Settings {
            kernels: vec![],
            patches: vec![],
            cache_dir: "/nonexistent".into(),
            offline: true,
            mirror: Some("http://mirror.example/debian".into()),
            matrix: crate::settings::Matrix::Pairwise,
            base: false,
            keyring: "/nonexistent.gpg".into(),
            arches: crate::arch::ALL.to_vec(),
        };
        let err = refresh(&settings, &mut |_| {}).unwrap_err();
        assert!(matches!(err, PinError::Offline), "{err}");
    }
}
