//! powerpc book3s32 (the hash MMU, 32-bit PTEs; kernel/src/arch/ppc32.rs).
//! The layout comment numbers bits from the most significant, as IBM does;
//! drawn here from the least, the entry is the PTE shifted right by three:
//!
//! ```text
//!  the PTE:
//!  31                                 8 7        3  2  1  0
//! |               offset               |   type   | E| H| P|
//!  the entry:
//!  31                                    5 4      0
//! |                offset                 |  type  |
//! ```
//! * bits 0 (`_PAGE_PRESENT`) and 1 (`_PAGE_HASHPTE`) must be zero;
//! * bit 2 (`_PAGE_READ`) is the exclusive marker, not part of the entry;
//! * the entry's offset, from bit 5, is placed by shift (bits past the
//!   word's top are lost), and moving it into the PTE loses its top three
//!   bits;
//! * no soft-dirty or uffd-wp bit: book3s32 selects neither.
//!
//! A PTE is none when nothing but `_PAGE_HASHPTE` is set. A PMD is present
//! when it holds a page-table address (any bit from `PAGE_SHIFT` up), none
//! only when it is zero. The arch defines no `MAX_PHYSMEM_BITS`.

use super::{bit, low_bits, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The book3s32 encoding.
pub struct Ppc32;

pub const PPC32: Ppc32 = Ppc32;

const PAGE_SHIFT: u32 = 12;
/// An `unsigned long`, what an entry and a PTE are.
const WORD: u64 = low_bits(32);
const PAGE_PRESENT: u64 = bit(0);
const PAGE_HASHPTE: u64 = bit(1);
const PAGE_READ: u64 = bit(2);
const TYPE: Field = Field { shift: 0, bits: 5 };
const OFFSET_SHIFT: u32 = 5;
/// How far the entry sits up in its PTE.
const PTE_SHIFT: u32 = 3;

impl SwapPteCodec for Ppc32 {
    fn page_shift(&self) -> u32 {
        PAGE_SHIFT
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
            SwpFlag::Exclusive => PAGE_READ,
            SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & PAGE_PRESENT != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 & !PAGE_HASHPTE == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd.0 >> PAGE_SHIFT != 0
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
    fn the_entry_sits_three_bits_up_in_its_pte() {
        let e = PPC32.encode(31, 0x1234);
        assert_eq!(e.0, 31 | 0x1234 << 5);
        let pte = PPC32.entry_to_pte(e);
        assert_eq!(pte.0, 31 << 3 | 0x1234 << 8);
        assert_eq!(pte.0 & (PAGE_PRESENT | PAGE_HASHPTE | PAGE_READ), 0);
        assert_eq!(PPC32.pte_to_entry(pte), e);
    }

    #[test]
    fn the_pte_keeps_three_offset_bits_fewer_than_the_entry() {
        let e = PPC32.encode(0, u64::MAX);
        assert_eq!(PPC32.offset(e), (1 << 27) - 1);
        let back = PPC32.pte_to_entry(PPC32.entry_to_pte(e));
        assert_eq!(PPC32.offset(back), (1 << 24) - 1);
    }

    #[test]
    fn presence_and_emptiness() {
        assert!(PPC32.pte_present(Pte(PAGE_PRESENT)));
        assert!(!PPC32.pte_present(Pte(PAGE_HASHPTE | PAGE_READ)));
        assert!(PPC32.pte_none(Pte(PAGE_HASHPTE), K) && !PPC32.pte_none(Pte(PAGE_READ), K));
        assert!(PPC32.pmd_present(Pmd(bit(12)), false));
        assert!(!PPC32.pmd_present(Pmd(0xfff), false) && !PPC32.pmd_none(Pmd(0xfff)));
        assert_eq!(PPC32.swp_pte_bit(SwpFlag::Exclusive, K), bit(2));
    }
}
