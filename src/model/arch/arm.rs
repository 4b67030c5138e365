//! 32-bit arm, one codec per page-table format (kernel/src/arch/arm.rs): the
//! classic 2-level tables' 32-bit Linux PTE and LPAE's 64-bit PTE lay the
//! entry out alike, in the low word, as the shared layout comment draws it:
//!
//! ```text
//!  31                                    8  7  6      2  1  0
//! |                offset                | E |  type  | 0  0|
//! ```
//! * bits 0-1: zero, so the word is neither valid nor present (2-level's
//!   present bit is bit 0, LPAE's either of bits 0-1);
//! * bits 2-6: the swap type; bit 7 (`L_PTE_RDONLY` on 2-level, its own bit
//!   on LPAE) is the exclusive marker, which is not part of the entry;
//! * bits 8-31: the offset, 24 bits, placed by shift (bits past the word's
//!   top are lost);
//! * no soft-dirty or uffd-wp bit: the arch selects neither.
//!
//! The PTE is the entry, zero-extended on LPAE; an LPAE PTE's high word is
//! lost on the way back, the entry being an `unsigned long`. A word is none
//! only when it is zero. A 2-level PMD is present when it is not zero, an
//! LPAE one when its section-valid bit (0) is set.

use super::{bit, low_bits, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// One page-table format of 32-bit arm.
pub struct Arm {
    /// LPAE: 64-bit PTEs, present in either of the low two bits.
    lpae: bool,
}

pub const ARM: Arm = Arm { lpae: false };
pub const ARM_LPAE: Arm = Arm { lpae: true };

/// An `unsigned long`, what an entry is.
const WORD: u64 = low_bits(32);
const TYPE: Field = Field { shift: 2, bits: 5 };
const SWP_EXCLUSIVE: u64 = bit(7);
const OFFSET_SHIFT: u32 = 8;

impl Arm {
    /// `L_PTE_PRESENT`.
    fn pte_present_bits(&self) -> u64 {
        if self.lpae {
            low_bits(2)
        } else {
            bit(0)
        }
    }
}

impl SwapPteCodec for Arm {
    fn page_shift(&self) -> u32 {
        12
    }

    /// The default of the arch's sparsemem.h, which a machine's memory.h
    /// may override (kernel/src/arch/arm.rs reads none).
    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(36)
    }

    fn swp_type_bits(&self) -> u32 {
        TYPE.bits
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry((TYPE.put(type_num) | offset << OFFSET_SHIFT) & WORD)
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        entry.0 >> OFFSET_SHIFT
    }

    fn pte_to_entry(&self, pte: Pte) -> ArchSwpEntry {
        ArchSwpEntry(pte.0 & WORD)
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => SWP_EXCLUSIVE,
            SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & self.pte_present_bits() != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        if self.lpae {
            pmd.0 & bit(0) != 0
        } else {
            pmd.0 != 0
        }
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }

    fn drawn_in(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        defined("L_PTE_SWP_EXCLUSIVE")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: Knobs = Knobs {
        arch: 0,
        swap_migration_ad_supported: false,
    };

    #[test]
    fn fields_sit_above_the_two_present_bits() {
        for c in [ARM, ARM_LPAE] {
            let e = c.encode(31, (1 << 24) - 1);
            assert_eq!(e.0, 0xffff_ff7c);
            assert_eq!((c.type_num(e), c.offset(e)), (31, (1 << 24) - 1));
            assert!(!c.pte_present(c.entry_to_pte(e)));
            assert_eq!(c.encode(33, 1 << 24 | 5).0, 1 << 2 | 5 << 8);
        }
    }

    #[test]
    fn an_lpae_pte_loses_its_high_word_to_the_entry() {
        let e = ARM_LPAE.encode(3, 0x1234);
        assert_eq!(ARM_LPAE.entry_to_pte(e), Pte(e.0));
        assert_eq!(ARM_LPAE.pte_to_entry(Pte(bit(40) | e.0)), e);
    }

    #[test]
    fn presence_and_emptiness_by_format() {
        assert!(ARM.pte_present(Pte(bit(0))) && !ARM.pte_present(Pte(bit(1))));
        assert!(ARM_LPAE.pte_present(Pte(bit(1))));
        assert!(ARM.pmd_present(Pmd(bit(4)), false));
        assert!(!ARM_LPAE.pmd_present(Pmd(bit(4)), false));
        assert!(ARM_LPAE.pmd_present(Pmd(bit(0)), false));
        for c in [ARM, ARM_LPAE] {
            assert!(c.pte_none(Pte(0), K) && !c.pte_none(Pte(bit(5)), K));
            assert!(c.pmd_none(Pmd(0)) && !c.pmd_none(Pmd(bit(40))));
            assert_eq!(c.swp_pte_bit(SwpFlag::Exclusive, K), bit(7));
            assert_eq!(c.swp_pte_bit(SwpFlag::SoftDirty, K), 0);
        }
    }
}
