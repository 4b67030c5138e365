//! powerpc book3s64 with 64K pages (kernel/src/arch/ppc64.rs). Its header
//! draws no swap layout; this one is drawn from what its bit definitions
//! and comments say (the real page number field, `_PAGE_PTE`, the software
//! bits), in the word's value as `pte_val()` gives it:
//!
//! ```text
//!  63  62  61   60    53 52                 16 15   10   9   8    5  4     0
//! | P | T | I |  ...   |       offset        | ...    | SD| . | E |  type   |
//! ```
//! * bits 0-4: the swap type (`SWP_TYPE_BITS` 5), ORed in as given, so a
//!   type of 32 or more lands on the flag bits above it;
//! * bit 5: the exclusive marker (`_PAGE_NON_IDEMPOTENT`); bit 9: soft-dirty
//!   (`_RPAGE_SW3`), where configured; no uffd-wp bit;
//! * bits 16-52: the offset, shifted by `PAGE_SHIFT` into the real page
//!   number field, which Linux uses up to bit 52 (`_PAGE_PA_MAX` 53): 37 bits;
//! * bit 62, `_PAGE_PTE` (a PTE, not a pointer to a table), is set when an
//!   entry becomes a PTE or PMD and cleared when it is read back.
//!
//! A PTE is present when `_PAGE_PRESENT` (bit 63) and `_PAGE_PTE` are both
//! set, or, while it is being changed, `_PAGE_INVALID` (bit 61) and
//! `_PAGE_PTE`. It is none when nothing but the bits the MMU may leave set
//! are: the referenced and changed bits with the radix MMU, the hash MMU's
//! own bookkeeping bits (busy, has-a-hash-entry, combo) with the hash MMU;
//! which MMU runs is found at boot (`radix_enabled()`, question 0). A PMD is
//! the same word: present when `_PAGE_PRESENT` or `_PAGE_INVALID` is set,
//! none only when zero.
//!
//! The page table stores each word big-endian, and a PTE or PMD argument
//! or result is that stored word (`pte_raw()`), which on the little-endian
//! ppc64el is the value byte-swapped. A swap entry is a plain value.

use super::{bit, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The ppc64 encoding.
pub struct Ppc64;

pub const PPC64: Ppc64 = Ppc64;

const PAGE_SHIFT: u32 = 16;
const PAGE_PRESENT: u64 = bit(63);
const PAGE_PTE: u64 = bit(62);
const PAGE_INVALID: u64 = bit(61);
/// Referenced and changed: what radix's `pte_none` ignores.
const RADIX_PTE_NONE_MASK: u64 = bit(8) | bit(7);
/// Busy, has a hash PTE, combo page: what hash's `pte_none` ignores.
const HASH_PTE_NONE_MASK: u64 = bit(6) | bit(55) | bit(12);
const SWP_TYPE_BITS: u32 = 5;
const TYPE: Field = Field {
    shift: 0,
    bits: SWP_TYPE_BITS,
};
/// Linux's real page number: bits `PAGE_SHIFT` to 52.
const OFFSET: Field = Field {
    shift: PAGE_SHIFT,
    bits: 53 - PAGE_SHIFT,
};

/// The stored (big-endian) form of a word's value, and back.
const fn stored(value: u64) -> u64 {
    value.swap_bytes()
}

/// Whether the MMU is radix, question 0.
fn radix(knobs: Knobs) -> bool {
    knobs.arch_knob(0)
}

impl SwapPteCodec for Ppc64 {
    fn page_shift(&self) -> u32 {
        PAGE_SHIFT
    }

    /// Both MMUs' limit without `SPARSEMEM_VMEMMAP` and `_EXTREME`.
    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(46)
    }

    fn swp_type_bits(&self) -> u32 {
        SWP_TYPE_BITS
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry(type_num | (offset << OFFSET.shift) & OFFSET.mask())
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        OFFSET.get(entry.0)
    }

    fn entry_to_pte(&self, entry: ArchSwpEntry) -> Pte {
        Pte(stored(entry.0 | PAGE_PTE))
    }

    fn pte_to_entry(&self, pte: Pte) -> ArchSwpEntry {
        ArchSwpEntry(stored(pte.0) & !PAGE_PTE)
    }

    fn entry_to_pmd(&self, entry: ArchSwpEntry) -> Pmd {
        Pmd(self.entry_to_pte(entry).0)
    }

    fn pmd_to_entry(&self, pmd: Pmd) -> ArchSwpEntry {
        self.pte_to_entry(Pte(pmd.0))
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        stored(match flag {
            SwpFlag::Exclusive => bit(5),
            SwpFlag::SoftDirty => bit(9),
            SwpFlag::Uffd => 0,
        })
    }

    fn pte_present(&self, pte: Pte) -> bool {
        let value = stored(pte.0);
        let valid = PAGE_PRESENT | PAGE_PTE;
        let invalidated = PAGE_INVALID | PAGE_PTE;
        value & valid == valid || value & invalidated == invalidated
    }

    fn pte_none(&self, pte: Pte, knobs: Knobs) -> bool {
        let ignored = if radix(knobs) {
            RADIX_PTE_NONE_MASK
        } else {
            HASH_PTE_NONE_MASK
        };
        stored(pte.0) & !ignored == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        stored(pmd.0) & (PAGE_PRESENT | PAGE_INVALID) != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }

    fn constant(&self, name: &str, _knobs: Knobs) -> Option<u64> {
        (name == "SWP_TYPE_BITS").then_some(SWP_TYPE_BITS.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::arch::low_bits;

    #[test]
    fn the_offset_fills_the_real_page_number() {
        let c = PPC64;
        let e = c.encode(31, u64::MAX);
        assert_eq!(e.0, (low_bits(53) & !low_bits(16)) | 31);
        assert_eq!((c.type_num(e), c.offset(e)), (31, (1 << 37) - 1));
        // A type past its field sets the exclusive bit (stored big-endian).
        let exclusive = stored(c.swp_pte_bit(SwpFlag::Exclusive, Knobs::default()));
        assert_eq!(c.encode(32, 0).0, exclusive);
    }

    #[test]
    fn a_swap_pte_carries_page_pte_but_is_not_present() {
        let c = PPC64;
        let pte = c.entry_to_pte(c.encode(3, 7));
        assert_eq!(pte.0 & stored(PAGE_PTE), stored(PAGE_PTE));
        assert!(!c.pte_present(pte) && !c.pte_none(pte, Knobs::default()));
        assert_eq!(c.pte_to_entry(pte), c.encode(3, 7));
        assert!(c.pte_present(Pte(stored(PAGE_INVALID | PAGE_PTE))));
        assert!(!c.pte_present(Pte(stored(PAGE_PRESENT))));
        assert!(!c.pte_present(Pte(PAGE_INVALID | PAGE_PTE)));
    }

    #[test]
    fn what_pte_none_ignores_depends_on_the_mmu() {
        let c = PPC64;
        let radix = Knobs {
            arch: 1,
            swap_migration_ad_supported: false,
        };
        let referenced_changed = Pte(stored(bit(8) | bit(7)));
        assert!(c.pte_none(referenced_changed, radix));
        assert!(!c.pte_none(referenced_changed, Knobs::default()));
        assert!(c.pte_none(Pte(stored(bit(55) | bit(6))), Knobs::default()));
        assert!(!c.pte_none(Pte(stored(bit(55))), radix));
    }
}
