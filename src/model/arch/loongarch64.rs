//! loongarch64 with 16K pages (kernel/src/arch/loongarch64.rs), from its
//! 64-bit swap PTE format comment.
//!
//! ```text
//!  63                            24  23  22        16 15              0
//! |            offset              | E |   type    |     zeroes      |
//! ```
//! * the zeroed bits include `_PAGE_PRESENT` (bit 7) and `_PAGE_PROTNONE`
//!   (bit 10); bit 6 is the global bit of a PTE and `_PAGE_HUGE` of a PMD;
//! * bits 16-22: the swap type, seven bits; bit 23: the exclusive marker,
//!   not part of the entry; bits 24-63: the offset, 40 bits;
//! * no soft-dirty or uffd-wp bit.
//!
//! A PTE is present when present or PROT_NONE, and none when nothing but
//! its global bit is set. A swap PMD is the entry with `_PAGE_HUGE` set: a
//! huge PMD is present when present, PROT_NONE or present-invalid (bit 60,
//! a huge page being split); a PMD without it points at a page table, and
//! is none exactly when that is the kernel's empty `invalid_pte_table`, whose
//! address (the shim's) no case carries: the model reads every such PMD as
//! present and not none.

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The loongarch64 encoding.
pub struct Loongarch64;

pub const LOONGARCH64: Loongarch64 = Loongarch64;

const PAGE_GLOBAL: u64 = bit(6);
const PAGE_HUGE: u64 = bit(6);
const PAGE_PRESENT: u64 = bit(7);
const PAGE_PROTNONE: u64 = bit(10);
const PAGE_PRESENT_INVALID: u64 = bit(60);
const TYPE: Field = Field { shift: 16, bits: 7 };
const OFFSET: Field = Field {
    shift: 24,
    bits: 40,
};

impl SwapPteCodec for Loongarch64 {
    fn page_shift(&self) -> u32 {
        14
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

    fn entry_to_pmd(&self, entry: ArchSwpEntry) -> Pmd {
        Pmd(entry.0 | PAGE_HUGE)
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(23),
            SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & (PAGE_PRESENT | PAGE_PROTNONE) != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 & !PAGE_GLOBAL == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd.0 & PAGE_HUGE == 0 || pmd.0 & (PAGE_PRESENT | PAGE_PROTNONE | PAGE_PRESENT_INVALID) != 0
    }

    fn pmd_none(&self, _pmd: Pmd) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::arch::low_bits;

    #[test]
    fn seven_type_bits_under_a_forty_bit_offset() {
        let c = LOONGARCH64;
        let e = c.encode(0x7f | 0x80, u64::MAX);
        assert_eq!(e.0, u64::MAX << 24 | 0x7f << 16);
        assert_eq!((c.type_num(e), c.offset(e)), (0x7f, (1 << 40) - 1));
        assert_eq!(c.swp_pte_bit(SwpFlag::Exclusive, Knobs::default()), 1 << 23);
    }

    #[test]
    fn a_swap_pmd_is_huge_and_not_present() {
        let c = LOONGARCH64;
        let pmd = c.entry_to_pmd(c.encode(3, 5));
        assert_eq!(pmd.0 & PAGE_HUGE, PAGE_HUGE);
        assert!(!c.pmd_present(pmd, true));
        assert_eq!(c.pmd_to_entry(pmd).0 & !PAGE_HUGE, c.encode(3, 5).0);
        assert!(c.pmd_present(Pmd(PAGE_HUGE | PAGE_PRESENT_INVALID), true));
        assert!(c.pmd_present(Pmd(0), true));
    }

    #[test]
    fn the_global_bit_alone_is_none() {
        let c = LOONGARCH64;
        assert!(c.pte_none(Pte(PAGE_GLOBAL), Knobs::default()));
        assert!(!c.pte_none(Pte(PAGE_GLOBAL | bit(23)), Knobs::default()));
        assert!(c.pte_present(Pte(PAGE_PROTNONE)));
    }

    /// A PMD holds pfn entries: a pfn and the two migration A/D bits above
    /// it, 36 bits, which end just below present-invalid; one bit more
    /// would read as present.
    #[test]
    fn a_pfn_entry_with_its_ad_bits_ends_below_present_invalid() {
        let c = LOONGARCH64;
        let physmem_bits = c
            .max_physmem_bits(Knobs::default())
            .expect("loongarch defines it");
        let total_bits = physmem_bits - c.page_shift() + 2;
        assert_eq!(total_bits, 36);
        let top = c.entry_to_pmd(c.encode(31, low_bits(total_bits)));
        assert!(!c.pmd_present(top, true));
        let past = c.entry_to_pmd(c.encode(31, low_bits(total_bits + 1)));
        assert!(c.pmd_present(past, true));
    }
}
