//! x86_64: the page-table word bits the swap helpers care about, and how a
//! swap entry is packed into a non-present PTE or PMD.
//!
//! ```text
//!  63    59 58                           9  8 7 6 5 4 3 2 1  0
//! |  type  |        ~offset              | 0|0|x|x|x|E|F|SD|0|
//! ```
//! * bit 0 (present) and bit 8 (global, read as PROT_NONE when not present)
//!   must stay clear or the word would read as present, so the offset starts
//!   at bit 9;
//! * bits 5 and 6 (accessed/dirty) are avoided: Knights Landing may set them
//!   on non-present entries, which is also why `pte_none` ignores them;
//! * bit 7 (PSE) must stay clear because `pmd_present` looks at it;
//! * bits 1-3 carry per-entry software flags outside the entry proper:
//!   soft-dirty, userfaultfd, anon-exclusive;
//! * the offset is stored inverted so that a small offset sets the high
//!   physical-address bits (an L1TF mitigation: such a word never points at
//!   real memory).

use super::{bit, low_bits, ArchSwpEntry, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// The x86_64 encoding (kernel/src/arch/x86_64.rs).
pub struct X86_64;

pub const PAGE_SHIFT: u32 = 12;

/// Whether the call runs with 5-level paging: `pgtable_l5_enabled()`, the
/// arch's run-time question 0 (kernel/src/arch/x86_64.rs).
pub fn la57(knobs: Knobs) -> bool {
    knobs.arch_knob(0)
}

/// Physical address width: 52 bits with 5-level paging, else 46. A run-time
/// property (`pgtable_l5_enabled()`), not a compile-time one.
pub fn max_physmem_bits(la57: bool) -> u32 {
    if la57 {
        52
    } else {
        46
    }
}

pub const PAGE_BIT_PRESENT: u32 = 0;
pub const PAGE_BIT_RW: u32 = 1;
pub const PAGE_BIT_USER: u32 = 2;
pub const PAGE_BIT_PWT: u32 = 3;
pub const PAGE_BIT_ACCESSED: u32 = 5;
pub const PAGE_BIT_DIRTY: u32 = 6;
pub const PAGE_BIT_PSE: u32 = 7;
/// The global bit doubles as the PROT_NONE marker on non-present entries.
pub const PAGE_BIT_PROTNONE: u32 = 8;

pub const PAGE_PRESENT: u64 = bit(PAGE_BIT_PRESENT);
pub const PAGE_PSE: u64 = bit(PAGE_BIT_PSE);
pub const PAGE_PROTNONE: u64 = bit(PAGE_BIT_PROTNONE);

/// Bits hardware may set on a non-present entry (the KNL erratum).
pub const KNL_ERRATUM_MASK: u64 = bit(PAGE_BIT_ACCESSED) | bit(PAGE_BIT_DIRTY);

pub const SWP_TYPE_BITS: u32 = 5;
/// The offset field starts right above PROT_NONE.
pub const SWP_OFFSET_FIRST_BIT: u32 = PAGE_BIT_PROTNONE + 1;
/// The kernel's shift for moving the offset in and out (offset start plus the
/// type width it shifts past).
pub const SWP_OFFSET_SHIFT: u32 = SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS;
/// The offset field fills the word between bit 9 and the type.
const SWP_OFFSET_BITS: u32 = u64::BITS - SWP_TYPE_BITS - SWP_OFFSET_FIRST_BIT;
const SWP_TYPE_FIRST_BIT: u32 = u64::BITS - SWP_TYPE_BITS;

impl SwapPteCodec for X86_64 {
    fn page_shift(&self) -> u32 {
        PAGE_SHIFT
    }

    fn max_physmem_bits(&self, knobs: Knobs) -> Option<u32> {
        Some(max_physmem_bits(la57(knobs)))
    }

    fn swp_type_bits(&self) -> u32 {
        SWP_TYPE_BITS
    }

    /// The type keeps its low five bits, the offset its low 50, stored
    /// inverted.
    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        let type_field = (type_num & low_bits(SWP_TYPE_BITS)) << SWP_TYPE_FIRST_BIT;
        let offset_field = (!offset & low_bits(SWP_OFFSET_BITS)) << SWP_OFFSET_FIRST_BIT;
        ArchSwpEntry(type_field | offset_field)
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        entry.0 >> SWP_TYPE_FIRST_BIT
    }

    /// Un-invert the field; bits below it (flags) are ignored.
    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        !(entry.0 >> SWP_OFFSET_FIRST_BIT) & low_bits(SWP_OFFSET_BITS)
    }

    /// Exclusive always; soft-dirty and uffd-wp where configured.
    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(PAGE_BIT_PWT),
            SwpFlag::SoftDirty => bit(PAGE_BIT_RW),
            SwpFlag::Uffd => bit(PAGE_BIT_USER),
        }
    }

    /// Present, or PROT_NONE (not accessible but still mapped).
    fn pte_present(&self, pte: Pte) -> bool {
        pte.0 & (PAGE_PRESENT | PAGE_PROTNONE) != 0
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 & !KNL_ERRATUM_MASK == 0
    }

    /// As for a PTE, and PSE too: splitting a huge page clears present for a
    /// while but leaves PSE set.
    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd.0 & (PAGE_PRESENT | PAGE_PROTNONE | PAGE_PSE) != 0
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 & !KNL_ERRATUM_MASK == 0
    }

    fn constant(&self, name: &str, _knobs: Knobs) -> Option<u64> {
        let value = match name {
            "SWP_TYPE_BITS" => SWP_TYPE_BITS,
            "SWP_OFFSET_FIRST_BIT" => SWP_OFFSET_FIRST_BIT,
            "SWP_OFFSET_SHIFT" => SWP_OFFSET_SHIFT,
            _ => return None,
        };
        Some(value.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: X86_64 = X86_64;

    #[test]
    fn layout_constants() {
        assert_eq!(SWP_OFFSET_FIRST_BIT, 9);
        assert_eq!(SWP_OFFSET_SHIFT, 14);
        assert_eq!(SWP_OFFSET_BITS, 50);
        assert_eq!(max_physmem_bits(false), 46);
        assert_eq!(max_physmem_bits(true), 52);
    }

    #[test]
    fn encode_inverts_the_offset() {
        // Offset 0 inverted is all ones across bits 9..58.
        let e = C.encode(1, 0);
        assert_eq!(e.0, (u64::MAX << 14 >> 5) | (1 << 59));
        assert_eq!(e.0, 0x0fff_ffff_ffff_fe00);
        assert_eq!((C.type_num(e), C.offset(e)), (1, 0));
        let e = C.encode(31, 0x1234);
        assert_eq!(e.0 >> 59, 31);
        assert_eq!((e.0 >> 9) & ((1 << 50) - 1), !0x1234u64 & ((1 << 50) - 1));
        assert_eq!(C.offset(e), 0x1234);
        assert_eq!(e.0 & 0x1ff, 0);
    }

    #[test]
    fn encode_keeps_only_field_widths() {
        let wide = C.encode(33, 1 << 50 | 5);
        assert_eq!((C.type_num(wide), C.offset(wide)), (1, 5));
    }

    #[test]
    fn decode_ignores_low_flag_bits() {
        let e = ArchSwpEntry(C.encode(7, 99).0 | 0x1fe);
        assert_eq!((C.type_num(e), C.offset(e)), (7, 99));
    }

    #[test]
    fn encoded_entries_are_neither_present_nor_none() {
        for (t, o) in [(0, 0), (31, (1 << 50) - 1), (5, 12345)] {
            let pte = C.entry_to_pte(C.encode(t, o));
            assert!(
                !C.pte_present(pte) && !C.pte_none(pte, Knobs::default()),
                "type {t} offset {o:#x}"
            );
            assert!(!C.pmd_present(Pmd(pte.0), true));
        }
    }

    #[test]
    fn presence_and_emptiness() {
        assert!(C.pte_present(Pte(PAGE_PRESENT)));
        assert!(C.pte_present(Pte(PAGE_PROTNONE)));
        assert!(!C.pte_present(Pte(PAGE_PSE)));
        assert!(C.pmd_present(Pmd(PAGE_PSE), false));
        assert!(C.pte_none(Pte(KNL_ERRATUM_MASK), Knobs::default()));
        assert!(!C.pte_none(Pte(1 << 1), Knobs::default()));
        assert!(C.pmd_none(Pmd(0x60)));
    }

    #[test]
    fn flag_bits() {
        let k = Knobs::default();
        assert_eq!(C.swp_pte_bit(SwpFlag::Exclusive, k), 1 << 3);
        assert_eq!(C.swp_pte_bit(SwpFlag::SoftDirty, k), 1 << 1);
        assert_eq!(C.swp_pte_bit(SwpFlag::Uffd, k), 1 << 2);
        assert_eq!(C.swp_pmd_bit(SwpFlag::SoftDirty, k), 1 << 1);
    }
}
