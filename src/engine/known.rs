//! Findings we have read in the kernel's headers and believe are the
//! kernel's (`known-findings.toml`, compiled in): `check` reports them
//! marked known, and they alone do not fail it.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
pub struct KnownFinding {
    /// `Signature::bucket` of the finding.
    pub bucket: String,
    /// Why we believe it is the kernel's.
    pub why: String,
}

#[derive(Deserialize)]
struct KnownFile {
    #[serde(default)]
    finding: Vec<KnownFinding>,
}

fn parse(text: &str) -> Result<Vec<KnownFinding>, toml::de::Error> {
    Ok(toml::from_str::<KnownFile>(text)?.finding)
}

/// The list as compiled into this build.
pub fn all() -> &'static [KnownFinding] {
    static KNOWN: OnceLock<Vec<KnownFinding>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        parse(include_str!("../../known-findings.toml"))
            .expect("known-findings.toml parses (a unit test checks it)")
    })
}

/// Why the finding of `bucket` is known, if it is.
pub fn why(bucket: &str) -> Option<&'static str> {
    all()
        .iter()
        .find(|k| k.bucket == bucket)
        .map(|k| k.why.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_parses_and_names_each_bucket_once() {
        let list = all();
        assert!(list.iter().all(|k| !k.why.trim().is_empty()));
        let mut buckets: Vec<&str> = list.iter().map(|k| k.bucket.as_str()).collect();
        buckets.sort();
        buckets.dedup();
        assert_eq!(buckets.len(), list.len());
        assert!(parse("[[finding]]\nbucket = 1\n").is_err());
        assert!(why("no such bucket").is_none());
    }
}
