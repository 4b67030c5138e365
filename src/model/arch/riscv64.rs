//! riscv64 (kernel/src/arch/riscv64.rs), from its swap PTE format comment.
//!
//! ```text
//!  63                              12 11      7  6   5   4   3   2  1  0
//! |             offset               |  type   | E | PN| U | SD| 0  0| P|
//! ```
//! * bit 0: `_PAGE_PRESENT`, zero; bits 1-2 zero;
//! * bit 3: soft-dirty, bit 4: uffd-wp: only with the Svrsw60t59b extension
//!   (the run-time question 0), whose bits 59-60 take those roles in a
//!   present PTE, and only where the feature is configured; bit 3 is
//!   `_PAGE_EXEC`, always zero in a swap entry, bit 4 `_PAGE_USER`;
//! * bit 5: `_PAGE_PROT_NONE` (the global bit, set on a PROT_NONE page that
//!   is not present), zero;
//! * bit 6: the exclusive marker (the accessed bit);
//! * bits 7-11: the swap type; bits 12-63: the offset, 52 bits, so offset
//!   bits past them shift out.
//!
//! A PTE is present when it is present or PROT_NONE, none only when zero.
//! A PMD reads likewise, except that under `CONFIG_TRANSPARENT_HUGEPAGE` a
//! huge page being split clears present but keeps its leaf bits (read,
//! write, exec: bits 1-3), so those read as present too.

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The riscv64 encoding.
pub struct Riscv64;

pub const RISCV64: Riscv64 = Riscv64;

const PAGE_PRESENT: u64 = bit(0);
const PAGE_PROT_NONE: u64 = bit(5);
/// `_PAGE_LEAF`: read, write, exec.
const PAGE_LEAF: u64 = bit(1) | bit(2) | bit(3);
const TYPE: Field = Field { shift: 7, bits: 5 };
const OFFSET: Field = Field {
    shift: 12,
    bits: 52,
};

/// Whether the CPU has Svrsw60t59b, question 0.
fn svrsw60t59b(knobs: Knobs) -> bool {
    knobs.arch_knob(0)
}

impl SwapPteCodec for Riscv64 {
    fn page_shift(&self) -> u32 {
        12
    }

    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(56)
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

    fn pmd_conversions_need_pmd_softleaves(&self) -> bool {
        true
    }

    fn swp_pte_bit(&self, flag: SwpFlag, knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(6),
            SwpFlag::SoftDirty if svrsw60t59b(knobs) => bit(3),
            SwpFlag::Uffd if svrsw60t59b(knobs) => bit(4),
            _ => 0,
        }
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & (PAGE_PRESENT | PAGE_PROT_NONE) != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, thp: bool) -> bool {
        let leaf = if thp { PAGE_LEAF } else { 0 };
        pmd.0 & (PAGE_PRESENT | PAGE_PROT_NONE | leaf) != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXT: Knobs = Knobs {
        arch: 1,
        swap_migration_ad_supported: false,
    };

    #[test]
    fn type_and_offset_fields() {
        let c = RISCV64;
        let e = c.encode(31 | 32, u64::MAX);
        assert_eq!(e.0, u64::MAX << 12 | 31 << 7);
        assert_eq!((c.type_num(e), c.offset(e)), (31, (1 << 52) - 1));
    }

    #[test]
    fn flag_bits_need_the_extension() {
        let c = RISCV64;
        assert_eq!(c.swp_pte_bit(SwpFlag::SoftDirty, Knobs::default()), 0);
        assert_eq!(c.swp_pte_bit(SwpFlag::SoftDirty, EXT), 1 << 3);
        assert_eq!(c.swp_pte_bit(SwpFlag::Uffd, EXT), 1 << 4);
        assert_eq!(c.swp_pte_bit(SwpFlag::Exclusive, Knobs::default()), 1 << 6);
    }

    /// The soft-dirty bit is a leaf bit, which a huge PMD reads as present:
    /// the arch's own header bug that known-findings.toml records.
    #[test]
    fn a_swap_pmds_soft_dirty_bit_reads_present_under_thp() {
        let c = RISCV64;
        let pmd = Pmd(c.encode(1, 1).0 | c.swp_pmd_bit(SwpFlag::SoftDirty, EXT));
        assert!(c.pmd_present(pmd, true));
        assert!(!c.pmd_present(pmd, false));
        assert!(!c.pte_present(Pte(pmd.0)));
    }
}
