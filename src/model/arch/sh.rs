//! sh (SH-4, 2-level, a 32-bit PTE; kernel/src/arch/sh.rs). The entry is
//! the PTE shifted right by one:
//!
//! ```text
//!  the PTE:
//!  31                             11 10    7  6  5      1  0
//! |            offset              | 0 0 0 0 | E |  type  | 0|
//!  the entry:
//!  31                                10 9           5 4      0
//! |             offset                |      0      |  type  |
//! ```
//! * bits 8 (`_PAGE_PRESENT`) and 9 (`_PAGE_PROTNONE`) stay zero, so the
//!   PTE is not present;
//! * bit 6 (`_PAGE_USER`) is the exclusive marker, not part of the entry;
//! * the entry's offset, from bit 10, is placed by shift (bits past the
//!   word's top are lost), and moving it into the PTE loses its top bit;
//! * no soft-dirty or uffd-wp bit: the arch selects neither.
//!
//! A PTE or PMD is none only when it is zero, and a PMD is present when it
//! is not zero. The arch defines no `MAX_PHYSMEM_BITS`.

use super::{bit, low_bits, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The SH-4 encoding.
pub struct Sh;

pub const SH: Sh = Sh;

/// An `unsigned long`, what an entry and a PTE are.
const WORD: u64 = low_bits(32);
const PAGE_PRESENT: u64 = bit(8);
const PAGE_PROTNONE: u64 = bit(9);
const PAGE_USER: u64 = bit(6);
const TYPE: Field = Field { shift: 0, bits: 5 };
const OFFSET_SHIFT: u32 = 10;
/// How far the entry sits up in its PTE.
const PTE_SHIFT: u32 = 1;

impl SwapPteCodec for Sh {
    fn page_shift(&self) -> u32 {
        12
    }

    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        None
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

    fn entry_to_pte(&self, entry: ArchSwpEntry) -> Pte {
        Pte(entry.0 << PTE_SHIFT & WORD)
    }

    fn pte_to_entry(&self, pte: Pte) -> ArchSwpEntry {
        ArchSwpEntry(pte.0 >> PTE_SHIFT)
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => PAGE_USER,
            SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & (PAGE_PRESENT | PAGE_PROTNONE) != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd.0 != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }

    fn drawn_in(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        defined("_PAGE_SWP_EXCLUSIVE")
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
    fn the_entry_sits_one_bit_up_in_its_pte() {
        let e = SH.encode(31, 0x1234);
        assert_eq!(e.0, 31 | 0x1234 << 10);
        let pte = SH.entry_to_pte(e);
        assert_eq!(pte.0, 31 << 1 | 0x1234 << 11);
        assert_eq!(pte.0 & (PAGE_PRESENT | PAGE_PROTNONE | PAGE_USER), 0);
        assert_eq!(SH.pte_to_entry(pte), e);
    }

    #[test]
    fn the_pte_keeps_one_offset_bit_fewer_than_the_entry() {
        let e = SH.encode(0, u64::MAX);
        assert_eq!(SH.offset(e), (1 << 22) - 1);
        let back = SH.pte_to_entry(SH.entry_to_pte(e));
        assert_eq!(SH.offset(back), (1 << 21) - 1);
    }

    #[test]
    fn presence_and_emptiness() {
        assert!(SH.pte_present(Pte(PAGE_PRESENT)) && SH.pte_present(Pte(PAGE_PROTNONE)));
        assert!(!SH.pte_present(Pte(bit(0) | PAGE_USER)));
        assert!(SH.pte_none(Pte(0), K) && !SH.pte_none(Pte(bit(0)), K));
        assert!(SH.pmd_present(Pmd(bit(3)), false) && SH.pmd_none(Pmd(0)));
        assert_eq!(SH.swp_pte_bit(SwpFlag::Exclusive, K), bit(6));
        assert_eq!(SH.swp_pte_bit(SwpFlag::Uffd, K), 0);
    }
}
