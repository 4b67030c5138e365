//! s390 (kernel/src/arch/s390.rs), from its two swap entry format comments:
//! one for PTEs, one for region and segment table entries (RSTEs), which
//! is what a PMD is. The comments number bits from the most significant
//! (bit 0); drawn here from the least significant, as everywhere else:
//!
//! ```text
//! PTE   63                            12  11  10  9  8  7  6      2  1  0
//!      |            offset              | E | I | P| X| X|   type   | S| 0|
//! PMD   63                            12  11  10      6  5  4  3  2  1  0
//!      |            offset              | X |   type   | I| C|  TT | S| 0|
//! ```
//! * a swap PTE has the invalid (I, 0x400) and protect (P, 0x200) bits set
//!   and the software present bit (bit 0) clear; E remembers
//!   PG_anon_exclusive, S is soft-dirty (where configured); no uffd-wp bit;
//! * a swap RSTE has invalid (0x20) and common (C, 0x10) set, its type one
//!   field higher, its own soft-dirty bit at bit 1; TT (table type) is 0 for
//!   a segment;
//! * both offsets are 52 bits, both types 5; `__swp_entry` cuts each value
//!   to its field.
//!
//! Common code only knows the PTE form: `__pmd_to_swp_entry` rebuilds an
//! RSTE's type and offset as a swap PTE, `__swp_entry_to_pmd` the reverse,
//! so a PMD's other bits do not survive the round trip.
//!
//! A PTE is present when its software present bit is set and none when it
//! is exactly the invalid bit; a PMD is present by bit 0 and none when it
//! is exactly the invalid segment entry.

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The s390 encoding (a unit value, as `S390`).
pub struct S390;

const PAGE_PRESENT: u64 = bit(0);
const PAGE_PROTECT: u64 = 0x200;
const PAGE_INVALID: u64 = 0x400;
const PTE_TYPE: Field = Field { shift: 2, bits: 5 };
const RSTE_TYPE: Field = Field { shift: 6, bits: 5 };
/// Both forms keep the offset here.
const OFFSET: Field = Field {
    shift: 12,
    bits: 52,
};
const RST_ENTRY_COMM: u64 = 0x10;
const RST_ENTRY_INVALID: u64 = 0x20;
const SEGMENT_ENTRY_PRESENT: u64 = bit(0);
/// An empty segment table entry: the invalid bit alone.
const SEGMENT_ENTRY_EMPTY: u64 = RST_ENTRY_INVALID;

/// A swap PTE of this type and offset.
fn swap_pte(type_num: u64, offset: u64) -> u64 {
    PAGE_INVALID | PAGE_PROTECT | OFFSET.put(offset) | PTE_TYPE.put(type_num)
}

impl SwapPteCodec for S390 {
    fn page_shift(&self) -> u32 {
        12
    }

    /// `CONFIG_MAX_PHYSMEM_BITS`, as kernel/src/arch/s390.rs fixes it.
    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(46)
    }

    fn swp_type_bits(&self) -> u32 {
        PTE_TYPE.bits
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry(swap_pte(type_num, offset))
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        PTE_TYPE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        OFFSET.get(entry.0)
    }

    fn entry_to_pmd(&self, entry: ArchSwpEntry) -> Pmd {
        let (type_num, offset) = (self.type_num(entry), self.offset(entry));
        Pmd(RST_ENTRY_INVALID | RST_ENTRY_COMM | OFFSET.put(offset) | RSTE_TYPE.put(type_num))
    }

    fn pmd_to_entry(&self, pmd: Pmd) -> ArchSwpEntry {
        ArchSwpEntry(swap_pte(RSTE_TYPE.get(pmd.0), OFFSET.get(pmd.0)))
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(11),
            SwpFlag::SoftDirty => bit(1),
            SwpFlag::Uffd => 0,
        }
    }

    /// The segment entry's soft-dirty bit is bit 1 too; no exclusive bit.
    fn swp_pmd_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::SoftDirty => bit(1),
            SwpFlag::Exclusive | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & PAGE_PRESENT != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == PAGE_INVALID
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd.0 & SEGMENT_ENTRY_PRESENT != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == SEGMENT_ENTRY_EMPTY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swap_pte_is_invalid_and_protected() {
        let c = S390;
        let e = c.encode(31 | 32, u64::MAX);
        assert_eq!(e.0, u64::MAX << 12 | 0x600 | 31 << 2);
        assert_eq!((c.type_num(e), c.offset(e)), (31, (1 << 52) - 1));
        assert!(
            !c.pte_none(Pte(e.0), Knobs::default())
                && c.pte_none(Pte(PAGE_INVALID), Knobs::default())
        );
    }

    #[test]
    fn pmds_carry_the_type_one_field_higher() {
        let c = S390;
        let e = c.encode(5, 0x1234);
        let pmd = c.entry_to_pmd(e);
        assert_eq!(pmd.0, 0x1234 << 12 | 5 << 6 | 0x30);
        assert_eq!(c.pmd_to_entry(pmd), e);
        assert!(!c.pmd_present(pmd, true) && !c.pmd_none(pmd));
        // Bits outside type and offset are not carried back.
        assert_eq!(c.pmd_to_entry(Pmd(pmd.0 | bit(1) | bit(11))), e);
    }
}
