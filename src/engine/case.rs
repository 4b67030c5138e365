//! A case: one helper, one kernel/arch/config selection, one set of
//! arguments. Every engine (libFuzzer, AFL++, `check`, the corpus replay)
//! turns bytes into a case through `Case::from_bytes`, so a file reproduces
//! the same way everywhere.
//!
//! Byte format, version 2. Corpora and crash files are kept for months, so
//! every field means the same in any build: the helper is named by its id
//! (`helpers::helper_id`, from the kernel's name and the prototype's shape),
//! never by a position in a table that grows; kernel and config are
//! requirements, not indices. A case whose requirements this build cannot
//! meet is skipped (`DecodeError::NotInBuild`), never reinterpreted.
//! Missing bytes read as zero; words are big-endian so that an entry's type
//! field comes first and short fuzzer inputs set it.
//!
//! ```text
//! [0] version (2)
//! [1] arch: `Arch::id` (kernel/src/arch/), 0 = x86_64
//! [2..4] kernel series (major, minor); 0.0: the build's first kernel with the features
//! [4] kernel features required: bit 0, the device-private migration series
//! [5] config mask: the `ConfigOption` bits the case requires ...
//! [6] config bits: ... to have these values (the others are free)
//! [7..11] helper id
//! [11..19] a | [19..27] b | [27..35] page pfn | [35] page flags
//! [36] knobs: bit 1 swap_migration_ad_supported; bits 0, 2-7 the arch's
//!      run-time questions in order (`Knobs::to_byte`)
//! ```
//! Version 1 files (a helper by table position) are refused with a message:
//! what they meant depended on the build that wrote them, so converting one
//! would be a guess.

use crate::call::{Args, Knobs, Page};
use crate::helpers::{self, HelperSpec, Layer};
use leafdiff_kernel::arch::Arch;
use std::sync::OnceLock;

pub const FORMAT_VERSION: u8 = 2;
pub const CASE_LEN: usize = 37;

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

    pub fn of_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Helpers this target chooses among, in table order. Built once: fuzz
    /// targets must not allocate per input.
    pub fn helpers(self) -> &'static [&'static HelperSpec] {
        static BY_TARGET: OnceLock<[Vec<&'static HelperSpec>; 3]> = OnceLock::new();
        let by_target = BY_TARGET.get_or_init(|| {
            Target::ALL.map(|t| helpers::all().iter().filter(|h| t.owns(h)).collect())
        });
        &by_target[self as usize]
    }

    pub fn owns(self, helper: &HelperSpec) -> bool {
        match self {
            Target::Entry => helper.layer != Layer::PageTable,
            Target::Pte => helper.layer == Layer::PageTable,
            Target::Props => true,
        }
    }
}

/// Kernel features a case may require, as they are detected from headers.
pub const FEATURE_DEVICE_MIGRATION: u8 = 1;

/// Which kernel a case runs on: a series, or any, with the features it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KernelSelector {
    /// (major, minor); (0, 0) for the first kernel of the build that has the features.
    pub series: (u8, u8),
    pub features: u8,
}

impl KernelSelector {
    /// Whether a kernel named exactly by `self` meets what `want` asks.
    pub fn satisfies(&self, want: &KernelSelector) -> bool {
        (want.series == (0, 0) || want.series == self.series)
            && self.features & want.features == want.features
    }
}

impl std::fmt::Display for KernelSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.series {
            (0, 0) => write!(f, "any")?,
            (major, minor) => write!(f, "{major}.{minor}")?,
        }
        if self.features & FEATURE_DEVICE_MIGRATION != 0 {
            write!(f, " with the device-private migration series")?;
        }
        Ok(())
    }
}

/// The arch byte of x86_64, the one arch of files written before there were others.
pub const ARCH_X86_64: u8 = leafdiff_kernel::arch::x86_64::X86_64.id;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Case {
    pub target: Target,
    pub arch: u8,
    pub kernel: KernelSelector,
    /// `ConfigOption` bits the case requires to have the values of `config_bits`.
    pub config_mask: u8,
    pub config_bits: u8,
    pub helper: &'static HelperSpec,
    pub args: Args,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("case format version 1: it names its helper by a position in a table that has since grown and its kernel by a position in the build that wrote it, so no build can read it safely; rerun the fuzzer or `leafdiff check` to find the case again in version 2, and delete this file")]
    Version1,
    #[error("case format version {found}, this leafdiff reads version {FORMAT_VERSION}: the file was written by a newer leafdiff")]
    Version { found: u8 },
    #[error("empty input: a case needs at least its version byte")]
    Empty,
    #[error("the case's helper (id {id:#010x}) is defined by none of this build's kernels: it does not apply here")]
    NotInBuild { id: u32 },
    #[error("the case's helper {helper} is not one the {target} target exercises: pass the target the file belongs to")]
    WrongTarget {
        helper: &'static str,
        target: &'static str,
    },
    #[error("the case names arch number {arch}, which this leafdiff does not know (a newer leafdiff wrote it)")]
    Arch { arch: u8 },
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
    /// format version, or one naming what this build lacks, is refused by
    /// every engine alike (fuzz targets skip it).
    pub fn from_bytes(target: Target, bytes: &[u8]) -> Result<Case, DecodeError> {
        let version = *bytes.first().ok_or(DecodeError::Empty)?;
        match version {
            FORMAT_VERSION => Self::decode_body(target, bytes, helpers::by_id),
            1 => Err(DecodeError::Version1),
            found => Err(DecodeError::Version { found }),
        }
    }

    /// The body of a version-2 case, its helper found by `by_id` in a table.
    pub fn decode_body(
        target: Target,
        bytes: &[u8],
        by_id: impl Fn(u32) -> Option<&'static HelperSpec>,
    ) -> Result<Case, DecodeError> {
        let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let id = u32::from_be_bytes([byte(7), byte(8), byte(9), byte(10)]);
        let helper = by_id(id).ok_or(DecodeError::NotInBuild { id })?;
        if !target.owns(helper) {
            return Err(DecodeError::WrongTarget {
                helper: helper.name,
                target: target.name(),
            });
        }
        if Arch::by_id(byte(1)).is_none() {
            return Err(DecodeError::Arch { arch: byte(1) });
        }
        let flags = byte(35);
        let knobs = byte(36);
        Ok(Case {
            target,
            arch: byte(1),
            kernel: KernelSelector {
                series: (byte(2), byte(3)),
                features: byte(4),
            },
            config_mask: byte(5),
            config_bits: byte(6),
            helper,
            args: Args {
                a: word(bytes, 11),
                b: word(bytes, 19),
                page: Page {
                    pfn: word(bytes, 27),
                    device_private: flags & 1 != 0,
                    anon: flags & 2 != 0,
                    locked: flags & 4 != 0,
                },
                knobs: Knobs::from_byte(knobs),
            },
        })
    }

    /// The single call `helper(a)` on `props`'s variant and knobs: how a
    /// property violation is shown in a reproducer.
    pub fn call(props: &Case, helper: &'static HelperSpec, a: u64) -> Case {
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

    pub fn to_bytes(&self) -> [u8; CASE_LEN] {
        let p = &self.args.page;
        let mut out = [0u8; CASE_LEN];
        out[0] = FORMAT_VERSION;
        out[1] = self.arch;
        out[2] = self.kernel.series.0;
        out[3] = self.kernel.series.1;
        out[4] = self.kernel.features;
        out[5] = self.config_mask;
        out[6] = self.config_bits;
        out[7..11].copy_from_slice(&self.helper.id.to_be_bytes());
        out[11..19].copy_from_slice(&self.args.a.to_be_bytes());
        out[19..27].copy_from_slice(&self.args.b.to_be_bytes());
        out[27..35].copy_from_slice(&p.pfn.to_be_bytes());
        out[35] = p.device_private as u8 | (p.anon as u8) << 1 | (p.locked as u8) << 2;
        out[36] = self.args.knobs.to_byte();
        out
    }
}

/// The `arbitrary` route goes through the same byte decoder, so a case drawn
/// by `arbitrary` and one read from a file agree; the helper is drawn from
/// this build's table so that every draw applies.
impl<'a> arbitrary::Arbitrary<'a> for Case {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let target = *u.choose(&Target::ALL)?;
        let helper = *u.choose(target.helpers())?;
        let mut bytes = [0u8; CASE_LEN];
        u.fill_buffer(&mut bytes)?;
        bytes[0] = FORMAT_VERSION;
        bytes[1] = ARCH_X86_64;
        bytes[7..11].copy_from_slice(&helper.id.to_be_bytes());
        Case::decode_body(target, &bytes, helpers::by_id)
            .map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_for(helper: &HelperSpec) -> [u8; CASE_LEN] {
        let mut bytes = [0u8; CASE_LEN];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37);
        }
        bytes[0] = FORMAT_VERSION;
        bytes[1] = ARCH_X86_64;
        bytes[7..11].copy_from_slice(&helper.id.to_be_bytes());
        bytes[35] &= 7;
        bytes[36] &= 3;
        bytes
    }

    #[test]
    fn bytes_roundtrip() {
        let helper = Target::Entry.helpers()[0];
        let bytes = bytes_for(helper);
        let case = Case::from_bytes(Target::Entry, &bytes).unwrap();
        assert_eq!(case.helper.id, helper.id);
        assert_eq!(case.to_bytes(), bytes);
    }

    #[test]
    fn helper_is_named_by_id_not_position() {
        let helper = helpers::lookup("softleaf_is_migration_read").unwrap();
        let mut bytes = [0u8; CASE_LEN];
        bytes[0] = FORMAT_VERSION;
        // The id is a constant of the helper's name and shape: the same file
        // means the same helper whatever else the table holds.
        bytes[7..11].copy_from_slice(&0x5463_36eau32.to_be_bytes());
        let case = Case::from_bytes(Target::Entry, &bytes).unwrap();
        assert_eq!(case.helper.name, helper.name);
    }

    #[test]
    fn what_this_build_lacks_is_skipped() {
        let mut bytes = [0u8; CASE_LEN];
        bytes[0] = FORMAT_VERSION;
        bytes[7..11].copy_from_slice(&0xdead_beefu32.to_be_bytes());
        assert_eq!(
            Case::from_bytes(Target::Entry, &bytes),
            Err(DecodeError::NotInBuild { id: 0xdead_beef })
        );
    }

    #[test]
    fn other_versions_are_refused() {
        assert_eq!(
            Case::from_bytes(Target::Entry, &[9, 0, 0]),
            Err(DecodeError::Version { found: 9 })
        );
        assert_eq!(
            Case::from_bytes(Target::Entry, &[1, 0, 0]),
            Err(DecodeError::Version1)
        );
        assert_eq!(
            Case::from_bytes(Target::Entry, &[]),
            Err(DecodeError::Empty)
        );
    }
}
