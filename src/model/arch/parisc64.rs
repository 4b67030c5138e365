//! parisc64 (kernel/src/arch/parisc64.rs), from its swap PTE format comment.
//! The comment draws the 32-bit word with bit 0 the most significant, and
//! says the 64-bit word extends the offset by 32 bits; drawn here from the
//! least significant:
//!
//! ```text
//!  63                              10  9   8   7    5  4      0
//! |            offset (high)         | P | E | ofs  |   type   |
//! ```
//! * bits 0-4: the swap type; bits 5-7: the offset's low three bits;
//! * bit 8: the exclusive marker (the accessed bit), not part of the entry;
//! * bit 9: `_PAGE_PRESENT`, zero;
//! * bits 10-63: the rest of the offset, 57 bits in all; no soft-dirty or
//!   uffd-wp bit, and no swap PMDs.
//!
//! A PTE is present when `_PAGE_PRESENT` is set, none only when zero. A PMD
//! is a 32-bit word (a wider argument is cut to it): present by its flag
//! bit 0, none only when zero.

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The parisc64 encoding.
pub struct Parisc64;

pub const PARISC64: Parisc64 = Parisc64;

const PAGE_PRESENT: u64 = bit(9);
const PXD_FLAG_PRESENT: u32 = 1;
const TYPE: Field = Field { shift: 0, bits: 5 };
const OFFSET_LOW: Field = Field { shift: 5, bits: 3 };
const OFFSET_HIGH: Field = Field {
    shift: 10,
    bits: 54,
};

/// The PMD word as the arch's 32-bit `pmd_t` holds it.
fn pmd_word(pmd: Pmd) -> u32 {
    pmd.0 as u32
}

impl SwapPteCodec for Parisc64 {
    fn page_shift(&self) -> u32 {
        12
    }

    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(39)
    }

    fn swp_type_bits(&self) -> u32 {
        TYPE.bits
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        let high = offset >> OFFSET_LOW.bits;
        ArchSwpEntry(TYPE.put(type_num) | OFFSET_LOW.put(offset) | OFFSET_HIGH.put(high))
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        OFFSET_LOW.get(entry.0) | OFFSET_HIGH.get(entry.0) << OFFSET_LOW.bits
    }

    /// The layout with the exclusive marker; before it (Debian's 6.1) the
    /// entry had an offset's low bits at 6-8 and no exclusive marker.
    fn drawn_in(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        defined("_PAGE_SWP_EXCLUSIVE")
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(8),
            SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & PAGE_PRESENT != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd_word(pmd) & PXD_FLAG_PRESENT != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd_word(pmd) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_straddles_the_present_and_exclusive_bits() {
        let c = PARISC64;
        let e = c.encode(31 | 32, u64::MAX);
        assert_eq!(e.0, !0x300);
        assert_eq!((c.type_num(e), c.offset(e)), (31, (1 << 57) - 1));
        let e = c.encode(1, 0b1101);
        assert_eq!(e.0, 1 | 0b101 << 5 | 1 << 10);
        assert_eq!(c.offset(e), 0b1101);
    }

    #[test]
    fn a_pmd_is_a_32_bit_word() {
        let c = PARISC64;
        assert!(c.pmd_none(Pmd(1 << 32)));
        assert!(!c.pmd_present(Pmd(1 << 32 | 2), false));
        assert!(c.pmd_present(Pmd(1), false));
        assert!(!c.pte_present(Pte(c.encode(3, 7).0)));
    }
}
