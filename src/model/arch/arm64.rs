//! arm64, one codec per page size (4K, 16K, 64K; kernel/src/arch/arm64.rs):
//! the swap PTE is laid out alike, but `PAGE_SHIFT` and the physical address
//! width differ.
//!
//! ```text
//!  63 62 61                      12  11   10      6  5  4  3  2  1  0
//! | -  - |        offset          | PI |   type   | -  - | U| E| 0  0|
//! ```
//! * bits 0-1: zero, so the hardware never walks it (bit 0 is `PTE_VALID`);
//! * bit 2: the anon page was exclusive; bit 3: uffd-wp, only where the
//!   kernel has userfaultfd write-protection; no soft-dirty bit at all;
//! * bits 6-10: the swap type; bit 11 (`PTE_PRESENT_INVALID`, a page the
//!   kernel keeps mapped but made inaccessible) must stay zero;
//! * bits 12-61: the offset, 50 bits.
//!
//! A word is present when it is valid, or when it is present-invalid; none
//! only when it is zero. A PMD reads as the PTE of the same word. Fields are
//! placed by shift alone: a type of 32 or more runs into bit 11 and the
//! offset, and offset bits past the 50th into bits 62-63, which reading the
//! offset back ignores.

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// One page size of arm64.
pub struct Arm64 {
    page_shift: u32,
    /// `CONFIG_ARM64_PA_BITS`.
    pa_bits: u32,
    /// With LPA2, 52-bit physical addresses only if the CPU turned it on at
    /// boot (`lpa2_is_enabled()`, question 0), else 48.
    lpa2: bool,
}

pub const ARM64_4K: Arm64 = Arm64 {
    page_shift: 12,
    pa_bits: 48,
    lpa2: false,
};

pub const ARM64_16K: Arm64 = Arm64 {
    page_shift: 14,
    pa_bits: 52,
    lpa2: true,
};

pub const ARM64_64K: Arm64 = Arm64 {
    page_shift: 16,
    pa_bits: 52,
    lpa2: false,
};

const PTE_VALID: u64 = bit(0);
const PTE_PRESENT_INVALID: u64 = bit(11);
const TYPE: Field = Field { shift: 6, bits: 5 };
const OFFSET: Field = Field {
    shift: 12,
    bits: 50,
};

impl SwapPteCodec for Arm64 {
    fn page_shift(&self) -> u32 {
        self.page_shift
    }

    fn max_physmem_bits(&self, knobs: Knobs) -> Option<u32> {
        Some(if self.lpa2 && !knobs.arch_knob(0) {
            48
        } else {
            self.pa_bits
        })
    }

    fn swp_type_bits(&self) -> u32 {
        TYPE.bits
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry(type_num << TYPE.shift | offset << OFFSET.shift)
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        OFFSET.get(entry.0)
    }

    fn pmd_conversions_need_pmd_softleaves(&self) -> bool {
        true
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(2),
            SwpFlag::Uffd => bit(3),
            SwpFlag::SoftDirty => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & (PTE_VALID | PTE_PRESENT_INVALID) != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        self.pte_present(Pte(pmd.0))
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lpa2(on: bool) -> Knobs {
        Knobs {
            arch: u8::from(on),
            swap_migration_ad_supported: false,
        }
    }

    #[test]
    fn fields_sit_between_the_flags_and_the_top_two_bits() {
        let c = ARM64_4K;
        let e = c.encode(31, (1 << 50) - 1);
        assert_eq!(e.0, 0x3fff_ffff_ffff_f7c0);
        assert_eq!((c.type_num(e), c.offset(e)), (31, (1 << 50) - 1));
        assert!(!c.pte_present(Pte(e.0)));
    }

    #[test]
    fn a_type_past_its_field_reads_as_present_invalid() {
        let c = ARM64_4K;
        let e = c.encode(32, 0);
        assert_eq!(e.0, PTE_PRESENT_INVALID);
        assert!(c.pte_present(Pte(e.0)));
        assert_eq!(c.offset(c.encode(0, 1 << 50 | 3)), 3);
    }

    #[test]
    fn physical_width_by_page_size_and_lpa2() {
        assert_eq!(ARM64_4K.max_physmem_bits(lpa2(false)), Some(48));
        assert_eq!(ARM64_16K.max_physmem_bits(lpa2(false)), Some(48));
        assert_eq!(ARM64_16K.max_physmem_bits(lpa2(true)), Some(52));
        assert_eq!(ARM64_64K.max_physmem_bits(lpa2(false)), Some(52));
    }

    #[test]
    fn only_zero_is_none_and_pmds_read_as_ptes() {
        let c = ARM64_64K;
        assert!(c.pte_none(Pte(0), Knobs::default()) && !c.pte_none(Pte(bit(2)), Knobs::default()));
        assert!(c.pmd_present(Pmd(PTE_VALID), false));
        assert!(c.pmd_present(Pmd(PTE_PRESENT_INVALID), true));
        assert!(!c.pmd_present(Pmd(bit(2) | bit(3)), true));
    }
}
