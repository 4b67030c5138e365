//! A case: one helper, one variant, one set of arguments. Every engine
//! (libFuzzer, AFL++, `check`, the corpus replay) turns bytes into a case
//! through `Case::from_bytes`, so a file reproduces the same way everywhere.
//!
//! Byte format, version 1 (missing bytes read as zero; words big-endian so
//! that an entry's type field comes first and short fuzzer inputs set it):
//! `[0] version | [1] kernel | [2] config bits | [3..5] helper selector |
//!  [5..13] a | [13..21] b | [21..29] page pfn | [29] page flags | [30] knobs`

use crate::call::{Args, Knobs, Page};
use leafdiff_kernel::helpers::{lookup, HelperSpec, Layer, HELPERS};

pub const FORMAT_VERSION: u8 = 1;
pub const CASE_LEN: usize = 31;

/// What a fuzz target (or a `check` phase) exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Target {
    /// Arch-independent helpers: constants, entries, classification.
    Entry,
    /// Page-table level helpers and the arch encoding.
    Pte,
    /// Model-free properties of the C alone.
    Props,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Entry, Target::Pte, Target::Props];

    pub fn name(self) -> &'static str {
        match self {
            Target::Entry => "diff_entry",
            Target::Pte => "diff_pte",
            Target::Props => "props",
        }
    }

    /// Helpers this target chooses among, in table order.
    pub fn helpers(self) -> Vec<&'static HelperSpec> {
        HELPERS
            .iter()
            .filter(|h| match self {
                Target::Entry => h.layer != Layer::PageTable,
                Target::Pte => h.layer == Layer::PageTable,
                Target::Props => true,
            })
            .collect()
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub target: Target,
    pub kernel: u8,
    pub config_bits: u8,
    pub helper: &'static HelperSpec,
    pub args: Args,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("case format version {found}, this leafdiff reads version {FORMAT_VERSION}: the file was written by another leafdiff; re-minimize it with this one")]
    Version { found: u8 },
    #[error("empty input: a case needs at least its version byte")]
    Empty,
}

fn word(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    for (i, b) in w.iter_mut().enumerate() {
        *b = bytes.get(at + i).copied().unwrap_or(0);
    }
    u64::from_be_bytes(w)
}

impl Case {
    /// Decodes a case. Short inputs are zero-padded; an input of another
    /// format version is refused by every engine alike (fuzz targets skip it).
    pub fn from_bytes(target: Target, bytes: &[u8]) -> Result<Case, DecodeError> {
        let version = *bytes.first().ok_or(DecodeError::Empty)?;
        if version != FORMAT_VERSION {
            return Err(DecodeError::Version { found: version });
        }
        Ok(Self::decode_body(target, bytes))
    }

    fn decode_body(target: Target, bytes: &[u8]) -> Case {
        let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let helpers = target.helpers();
        let selector = u16::from_le_bytes([byte(3), byte(4)]) as usize;
        let flags = byte(29);
        let knobs = byte(30);
        Case {
            target,
            kernel: byte(1),
            config_bits: byte(2),
            helper: helpers[selector % helpers.len()],
            args: Args {
                a: word(bytes, 5),
                b: word(bytes, 13),
                page: Page {
                    pfn: word(bytes, 21),
                    device_private: flags & 1 != 0,
                    anon: flags & 2 != 0,
                    locked: flags & 4 != 0,
                },
                knobs: Knobs {
                    la57: knobs & 1 != 0,
                    swap_migration_ad_supported: knobs & 2 != 0,
                },
            },
        }
    }

    /// The single call `helper(a)` on `props`'s variant and knobs: how a
    /// property violation is shown in a reproducer.
    pub fn call(props: &Case, helper: &str, a: u64) -> Case {
        let helper = lookup(helper).expect("properties name helpers of the table");
        Case {
            target: if helper.layer == Layer::PageTable {
                Target::Pte
            } else {
                Target::Entry
            },
            helper,
            args: Args {
                a,
                b: 0,
                ..props.args
            },
            ..props.clone()
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let selector = self
            .target
            .helpers()
            .iter()
            .position(|h| h.name == self.helper.name)
            .expect("a case's helper belongs to its target") as u16;
        let p = &self.args.page;
        let k = &self.args.knobs;
        let mut out = vec![FORMAT_VERSION, self.kernel, self.config_bits];
        out.extend_from_slice(&selector.to_le_bytes());
        out.extend_from_slice(&self.args.a.to_be_bytes());
        out.extend_from_slice(&self.args.b.to_be_bytes());
        out.extend_from_slice(&p.pfn.to_be_bytes());
        out.push(p.device_private as u8 | (p.anon as u8) << 1 | (p.locked as u8) << 2);
        out.push(k.la57 as u8 | (k.swap_migration_ad_supported as u8) << 1);
        debug_assert_eq!(out.len(), CASE_LEN);
        out
    }
}

/// The `arbitrary` route goes through the same byte decoder, so a case drawn
/// by `arbitrary` and one read from a file agree.
impl<'a> arbitrary::Arbitrary<'a> for Case {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let target = *u.choose(&Target::ALL)?;
        let mut bytes = [0u8; CASE_LEN];
        u.fill_buffer(&mut bytes)?;
        bytes[0] = FORMAT_VERSION;
        Ok(Case::decode_body(target, &bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_roundtrip() {
        let mut bytes: Vec<u8> = (0..CASE_LEN as u8).map(|b| b.wrapping_mul(37)).collect();
        bytes[0] = FORMAT_VERSION;
        bytes[29] &= 7;
        bytes[30] &= 3;
        let helpers = Target::Entry.helpers().len() as u16;
        let sel = u16::from_le_bytes([bytes[3], bytes[4]]) % helpers;
        bytes[3..5].copy_from_slice(&sel.to_le_bytes());
        let case = Case::from_bytes(Target::Entry, &bytes).unwrap();
        assert_eq!(case.to_bytes(), bytes);
    }

    #[test]
    fn short_input_is_zero_padded() {
        let case = Case::from_bytes(Target::Pte, &[FORMAT_VERSION]).unwrap();
        assert_eq!(case.args, Args::default());
        assert_eq!(case.helper.name, Target::Pte.helpers()[0].name);
    }

    #[test]
    fn other_versions_are_refused() {
        assert_eq!(
            Case::from_bytes(Target::Entry, &[9, 0, 0]),
            Err(DecodeError::Version { found: 9 })
        );
        assert_eq!(
            Case::from_bytes(Target::Entry, &[]),
            Err(DecodeError::Empty)
        );
    }
}
