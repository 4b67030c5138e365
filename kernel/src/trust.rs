//! apt's chain of trust: a suite's `InRelease` is a clearsigned OpenPGP
//! message, signed by a key in the Debian archive keyring; the `Release`
//! text it signs lists the SHA-256 and size of every `Packages` index; each
//! index lists the SHA-256 and size of every `.deb`. Only the first link
//! needs a signature: every later one is a hash the signed text vouches for.
//!
//! The OpenPGP work (keyring parsing, signature verification) is rPGP's; this
//! module decides which keys count and reads the signed `Release` fields.

use pgp::composed::{CleartextSignedMessage, PublicOrSecret, SignedPublicKey};
use pgp::packet::Signature;
use pgp::types::{KeyDetails, VerifyingKey};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The keyring the `debian-archive-keyring` package installs, which apt's
/// own sources on a Debian machine name in `Signed-By`.
pub const DEFAULT_KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// Why a suite's `InRelease` was not accepted. Each says which link failed
/// and what to do; the caller adds the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error(
        "cannot be verified: cannot read the archive keyring {path}: {detail}; install it with `apt-get install \
         debian-archive-keyring` (scripts/setup does) or set LEAFDIFF_KEYRING to an OpenPGP keyring file",
        path = .path.display()
    )]
    Keyring { path: PathBuf, detail: String },
    #[error(
        "is not signed (no `-----BEGIN PGP SIGNED MESSAGE-----` block): leafdiff reads only \
         signed release files; set LEAFDIFF_MIRROR to a Debian mirror that serves a signed InRelease"
    )]
    Unsigned,
    #[error(
        "has a BAD signature by key {key}, which is in the keyring {keyring}: the file was changed \
         after it was signed. Do not use this mirror: set LEAFDIFF_MIRROR to another one",
        keyring = .keyring.display()
    )]
    BadSignature { key: String, keyring: PathBuf },
    #[error(
        "is signed only by keys not in the keyring {keyring} (issuer {issuers}); if Debian rotated \
         its archive key, update the keyring (`apt-get install debian-archive-keyring`); otherwise \
         the mirror is not Debian's: set LEAFDIFF_MIRROR to another one",
        keyring = .keyring.display()
    )]
    UnknownKey { issuers: String, keyring: PathBuf },
    #[error("cannot be read as a signed message: {detail}; set LEAFDIFF_MIRROR to another mirror")]
    Malformed { detail: String },
    #[error(
        "expired at {valid_until} (its Valid-Until): the mirror serves a stale or replayed release. \
         Check the system clock, then set LEAFDIFF_MIRROR to an up-to-date mirror"
    )]
    Expired { valid_until: String },
    #[error(
        "is the release of {found}, not of {wanted}: the mirror answers with another suite's \
         release; set LEAFDIFF_MIRROR to another mirror"
    )]
    WrongSuite { wanted: String, found: String },
}

/// The keys a signature may come from: every primary key and signing
/// subkey of the keyring whose self-signatures verify.
pub struct Keyring {
    pub path: PathBuf,
    keys: Vec<SignedPublicKey>,
}

impl Keyring {
    /// Reads a binary (as Debian ships) or ASCII-armored keyring.
    pub fn load(path: &Path) -> Result<Keyring, TrustError> {
        let err = |detail: String| TrustError::Keyring {
            path: path.to_path_buf(),
            detail,
        };
        let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let (parsed, _) =
            PublicOrSecret::from_reader_many(&bytes[..]).map_err(|e| err(e.to_string()))?;
        let keys: Vec<SignedPublicKey> = parsed
            .filter_map(Result::ok)
            .map(|k| match k {
                PublicOrSecret::Public(k) => k,
                PublicOrSecret::Secret(k) => k.to_public_key(),
            })
            .collect();
        if keys.is_empty() {
            return Err(err("it holds no OpenPGP public key".into()));
        }
        Ok(Keyring {
            path: path.to_path_buf(),
            keys,
        })
    }

    /// (fingerprint of the signing key, of its primary key, key) for every
    /// key usable for signing. A subkey counts only with a valid binding to
    /// its primary key (rPGP checks the primary's back-signature too), so a
    /// subkey grafted onto a keyring key is not trusted.
    fn signers(&self) -> Vec<(String, String, &dyn Signer)> {
        let mut out: Vec<(String, String, &dyn Signer)> = Vec::new();
        for key in &self.keys {
            let primary = fingerprint(&key.fingerprint());
            out.push((primary.clone(), primary.clone(), key));
            for sub in &key.public_subkeys {
                if sub.verify_bindings(&key.primary_key).is_ok() {
                    out.push((fingerprint(&sub.fingerprint()), primary.clone(), sub));
                }
            }
        }
        out
    }
}

/// A primary key or subkey that can check a signature.
trait Signer {
    fn check(&self, sig: &Signature, data: &[u8]) -> bool;
    fn key_id(&self) -> Vec<u8>;
}

impl<K: VerifyingKey + KeyDetails> Signer for K {
    fn check(&self, sig: &Signature, data: &[u8]) -> bool {
        sig.verify(self, data).is_ok()
    }
    fn key_id(&self) -> Vec<u8> {
        self.legacy_key_id().as_ref().to_vec()
    }
}

fn fingerprint(fp: &pgp::types::Fingerprint) -> String {
    format!("{fp:X}")
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// One index file as a `Release` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub sha256: String,
    pub size: u64,
}

/// The signed `Release` text of a suite, with who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Fingerprint of the keyring key that made the signature, and of its
    /// signing subkey when that made it (as Debian's archive keys do).
    pub key: String,
    /// `Valid-Until` as written, if the archive sets one.
    pub valid_until: Option<String>,
    /// Index files by path relative to `dists/<suite>/` (`main/binary-all/Packages.xz`).
    pub sha256: HashMap<String, IndexEntry>,
    /// `No-Support-for-Architecture-all: Packages`: `Architecture: all`
    /// packages are listed in the architecture indexes.
    pub no_arch_all: bool,
}

/// Verifies a suite's `InRelease` against the keyring and reads the signed
/// `Release` text. Only the signed text is read: anything outside the
/// signature is ignored. `now` is seconds since the epoch.
pub fn verify_inrelease(
    text: &str,
    suite: &str,
    keyring: &Keyring,
    now: i64,
) -> Result<Release, TrustError> {
    if !text
        .trim_start()
        .starts_with("-----BEGIN PGP SIGNED MESSAGE-----")
    {
        return Err(TrustError::Unsigned);
    }
    let (msg, _) =
        CleartextSignedMessage::from_string(text).map_err(|e| TrustError::Malformed {
            detail: e.to_string(),
        })?;
    let signed = msg.signed_text();
    let signers = keyring.signers();
    let mut good = None;
    let mut bad = None;
    let mut issuers = Vec::new();
    for sig in msg.signatures() {
        let ids: Vec<Vec<u8>> = sig
            .issuer_key_id()
            .iter()
            .map(|id| id.as_ref().to_vec())
            .collect();
        let fps: Vec<String> = sig
            .issuer_fingerprint()
            .iter()
            .map(|f| fingerprint(f))
            .collect();
        issuers.extend(fps.iter().cloned());
        issuers.extend(ids.iter().map(|id| hex_upper(id)));
        let matching = signers
            .iter()
            .filter(|(fp, _, k)| fps.contains(fp) || ids.contains(&k.key_id()));
        for (fp, primary, key) in matching {
            if key.check(sig, signed.as_bytes()) {
                good.get_or_insert_with(|| {
                    if fp == primary {
                        primary.clone()
                    } else {
                        format!("{primary} (signing subkey {fp})")
                    }
                });
            } else {
                bad.get_or_insert_with(|| fp.clone());
            }
        }
    }
    let key = match (good, bad) {
        (Some(key), _) => key,
        (None, Some(key)) => {
            return Err(TrustError::BadSignature {
                key,
                keyring: keyring.path.clone(),
            })
        }
        (None, None) => {
            issuers.sort();
            issuers.dedup();
            return Err(TrustError::UnknownKey {
                issuers: if issuers.is_empty() {
                    "none named".into()
                } else {
                    issuers.join(", ")
                },
                keyring: keyring.path.clone(),
            });
        }
    };
    let release = signed.replace("\r\n", "\n");
    let fields = release_fields(&release);
    let field = |name: &str| fields.get(name).map(String::as_str);
    let names: Vec<&str> = [field("Suite"), field("Codename")]
        .into_iter()
        .flatten()
        .collect();
    if !names.contains(&suite) {
        return Err(TrustError::WrongSuite {
            wanted: suite.to_string(),
            found: if names.is_empty() {
                "no suite".into()
            } else {
                names.join("/")
            },
        });
    }
    let valid_until = field("Valid-Until").map(str::to_string);
    if let Some(v) = &valid_until {
        // A date we cannot read is treated as expired: failing safe beats
        // accepting a release whose freshness we cannot judge.
        if parse_rfc2822(v).is_none_or(|t| t < now) {
            return Err(TrustError::Expired {
                valid_until: v.clone(),
            });
        }
    }
    let sha256 = field("SHA256")
        .unwrap_or("")
        .lines()
        .filter_map(|line| {
            let mut w = line.split_whitespace();
            let (hash, size, path) = (w.next()?, w.next()?, w.next()?);
            Some((
                path.to_string(),
                IndexEntry {
                    sha256: hash.to_ascii_lowercase(),
                    size: size.parse().ok()?,
                },
            ))
        })
        .collect();
    Ok(Release {
        key,
        valid_until,
        sha256,
        no_arch_all: field("No-Support-for-Architecture-all") == Some("Packages"),
    })
}

/// The fields of a single-stanza deb822 text; multi-line values keep their
/// continuation lines, one per line.
fn release_fields(text: &str) -> HashMap<String, String> {
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = last.as_ref().and_then(|k| fields.get_mut(k)) {
                v.push('\n');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            fields.insert(k.trim().to_string(), v.trim().to_string());
            last = Some(k.trim().to_string());
        }
    }
    fields
}

/// Seconds since the epoch now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Parses the RFC 2822 dates of `Release` files: `Sat, 12 Dec 2026 08:14:11 UTC`
/// (the weekday optional; zones UTC, GMT, Z or ±HHMM).
pub fn parse_rfc2822(text: &str) -> Option<i64> {
    let text = text.split_once(',').map_or(text, |(_, rest)| rest);
    let mut w = text.split_whitespace();
    let day: i64 = w.next()?.parse().ok()?;
    let month_name = w.next()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m.eq_ignore_ascii_case(month_name))? as i64
        + 1;
    let year: i64 = w.next()?.parse().ok()?;
    let mut hms = w.next()?.split(':').map(|n| n.parse::<i64>().ok());
    let (h, m, s) = (
        hms.next()??,
        hms.next()??,
        hms.next().flatten().unwrap_or(0),
    );
    let offset = match w.next().unwrap_or("UTC") {
        "UTC" | "GMT" | "Z" | "UT" => 0,
        z => {
            let sign = match z.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let n: i64 = z.get(1..5)?.parse().ok()?;
            sign * ((n / 100) * 3600 + (n % 100) * 60)
        }
    };
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86400 + h * 3600 + m * 60 + s - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2822_dates_of_release_files() {
        assert_eq!(parse_rfc2822("Thu, 01 Jan 1970 00:00:00 UTC"), Some(0));
        assert_eq!(
            parse_rfc2822("Sat, 10 Jun 2023 08:53:53 UTC"),
            Some(1686387233)
        );
        assert_eq!(
            parse_rfc2822("10 Jun 2023 09:53:53 +0100"),
            Some(1686387233)
        );
        assert_eq!(
            parse_rfc2822("Tue, 29 Feb 2028 00:00:00 GMT"),
            Some(1835395200)
        );
        assert_eq!(parse_rfc2822("yesterday"), None);
        assert_eq!(parse_rfc2822("Sat, 10 Foo 2023 08:53:53 UTC"), None);
    }

    #[test]
    fn release_fields_keep_multiline_values() {
        let f = release_fields(
            "Suite: unstable\nCodename: sid\nSHA256:\n aa 10 main/binary-all/Packages.xz\n bb 20 main/binary-amd64/Packages.xz\nDate: x\n",
        );
        assert_eq!(f["Codename"], "sid");
        assert_eq!(
            f["SHA256"],
            "\naa 10 main/binary-all/Packages.xz\nbb 20 main/binary-amd64/Packages.xz"
        );
        assert_eq!(f["Date"], "x");
    }

    #[test]
    fn unsigned_text_is_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring {
            path: dir.path().join("k.gpg"),
            keys: vec![],
        };
        let err = verify_inrelease("Suite: sid\n", "sid", &keyring, 0).unwrap_err();
        assert_eq!(err, TrustError::Unsigned);
    }

    #[test]
    fn a_missing_keyring_says_how_to_install_it() {
        let dir = tempfile::tempdir().unwrap();
        let Err(err) = Keyring::load(&dir.path().join("none.gpg")) else {
            panic!("loaded a missing keyring")
        };
        let msg = err.to_string();
        assert!(msg.contains("debian-archive-keyring"), "{msg}");
        assert!(msg.contains("LEAFDIFF_KEYRING"), "{msg}");
    }
}
