//! m68k with the Motorola MMU (kernel/src/arch/m68k.rs): a 32-bit PTE that
//! is the entry.
//!
//! ```text
//!  31                         12  11  10          4  3  2  1  0
//! |            offset           | E |    type     | 0  0  0  0 |
//! ```
//! * bits 0-3: zero, so the descriptor is invalid and not PROT_NONE (bit 2,
//!   which `pte_present` reads beside bit 0);
//! * bits 4-10: the swap type, seven bits (more than `MAX_SWAPFILES_SHIFT`
//!   needs); bit 11: the exclusive marker, not part of the entry;
//! * bits 12-31: the offset, 20 bits, placed by shift (bits past the word's
//!   top are lost);
//! * no soft-dirty or uffd-wp bit: the arch selects neither.
//!
//! A PTE is none only when it is zero; a PMD is present when its
//! descriptor-type bit 1 (a table) is set, none only when it is zero. The
//! arch defines no `MAX_PHYSMEM_BITS`.

use super::{bit, low_bits, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The Motorola-MMU encoding.
pub struct M68k;

pub const M68K: M68k = M68k;

/// An `unsigned long`, what an entry and a PTE are.
const WORD: u64 = low_bits(32);
const PAGE_PRESENT: u64 = bit(0);
/// `_PAGE_TABLE`: a PMD pointing at a page table.
const PAGE_TABLE: u64 = bit(1);
const PAGE_PROTNONE: u64 = bit(2);
const TYPE: Field = Field { shift: 4, bits: 7 };
const SWP_EXCLUSIVE: u64 = bit(11);
const OFFSET_SHIFT: u32 = 12;

impl SwapPteCodec for M68k {
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

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => SWP_EXCLUSIVE,
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
        pmd.0 & PAGE_TABLE != 0
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
    fn fields_sit_above_the_descriptor_bits() {
        let e = M68K.encode(127, (1 << 20) - 1);
        assert_eq!(e.0, 0xffff_f7f0);
        assert_eq!((M68K.type_num(e), M68K.offset(e)), (127, (1 << 20) - 1));
        assert_eq!(M68K.encode(128 | 3, 1 << 20 | 5).0, 3 << 4 | 5 << 12);
        assert!(!M68K.pte_present(M68K.entry_to_pte(e)));
    }

    #[test]
    fn presence_and_emptiness() {
        assert!(M68K.pte_present(Pte(PAGE_PRESENT)) && M68K.pte_present(Pte(PAGE_PROTNONE)));
        assert!(!M68K.pte_present(Pte(PAGE_TABLE | SWP_EXCLUSIVE)));
        assert!(M68K.pmd_present(Pmd(PAGE_TABLE), false));
        assert!(!M68K.pmd_present(Pmd(PAGE_PRESENT), false));
        assert!(M68K.pte_none(Pte(0), K) && !M68K.pte_none(Pte(bit(4)), K));
        assert_eq!(M68K.swp_pte_bit(SwpFlag::Exclusive, K), bit(11));
        assert_eq!(M68K.max_physmem_bits(K), None);
    }
}
