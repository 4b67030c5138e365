//! alpha with 8K pages (kernel/src/arch/alpha.rs), from its swap PTE
//! format comment.
//!
//! ```text
//!  63                         40  39  38      32 31                  0
//! |          offset             | E |   type   |        zeroes        |
//! ```
//! * bits 0-31 zero (bit 0 is `_PAGE_VALID`);
//! * bits 32-38: the swap type, seven bits; bit 39: the exclusive marker,
//!   not part of the entry; bits 40-63: the offset, 24 bits;
//! * no soft-dirty or uffd-wp bit, and no swap PMDs.
//!
//! A PTE or PMD is present when valid, none only when zero. The offset holds
//! 24 bits where a pfn entry needs `MAX_PHYSMEM_BITS - PAGE_SHIFT` = 35: the
//! model keeps what the PTE holds, and the property that the arch holds
//! every pfn says what is lost (known-findings.toml).

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The alpha encoding.
pub struct Alpha;

pub const ALPHA: Alpha = Alpha;

const PAGE_VALID: u64 = bit(0);
const TYPE: Field = Field { shift: 32, bits: 7 };
const OFFSET: Field = Field {
    shift: 40,
    bits: 24,
};

impl SwapPteCodec for Alpha {
    fn page_shift(&self) -> u32 {
        13
    }

    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(48)
    }

    fn swp_type_bits(&self) -> u32 {
        TYPE.bits
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry(TYPE.put(type_num) | OFFSET.put(offset))
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        OFFSET.get(entry.0)
    }

    /// The layout with the exclusive marker; before it (Debian's 6.1) the
    /// entry had an eight-bit type and no exclusive marker.
    fn drawn_in(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        defined("_PAGE_SWP_EXCLUSIVE")
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(39),
            SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & PAGE_VALID != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd.0 & PAGE_VALID != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_keeps_24_bits_above_the_exclusive_bit() {
        let c = ALPHA;
        let e = c.encode(0x7f, u64::MAX);
        assert_eq!(e.0, 0xffff_ff7f_0000_0000);
        assert_eq!((c.type_num(e), c.offset(e)), (0x7f, (1 << 24) - 1));
        // A 35-bit pfn loses its top 11 bits.
        assert_eq!(c.offset(c.encode(1, 1 << 34 | 9)), 9);
        assert_eq!(c.swp_pte_bit(SwpFlag::Exclusive, Knobs::default()) & e.0, 0);
    }

    #[test]
    fn valid_is_present_and_zero_is_none() {
        let c = ALPHA;
        assert!(c.pte_present(Pte(1)) && c.pmd_present(Pmd(1), false));
        assert!(!c.pte_present(Pte(c.encode(1, 1).0)));
        assert!(c.pte_none(Pte(0), Knobs::default()) && !c.pmd_none(Pmd(bit(39))));
    }
}
