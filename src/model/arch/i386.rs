//! x86 32-bit, one codec per page-table format (kernel/src/arch/i386.rs):
//! 2-level, whose 32-bit PTE is the entry, and PAE, whose 64-bit PTE holds
//! a 32-bit `swp_entry_t` rebuilt into x86_64's layout on the way in.
//!
//! 2-level:
//!
//! ```text
//!  31                                  9  8  7  6    1  0
//! |              offset               | 0| E|  type  | 0|
//! ```
//! PAE, the PTE:
//!
//! ```text
//!  63    59 58                           9  8  7  6          0
//! |  type  |        ~offset              | 0| E|      0      |
//! ```
//! and its 32-bit entry:
//!
//! ```text
//!  31                              5  4      0
//! |            offset              |  type   |
//! ```
//! * bit 0 (present) and bit 8 (global, read as PROT_NONE when not present)
//!   stay clear, so neither layout reads as present;
//! * bit 7 (PSE) is the exclusive marker, which is not part of the entry;
//! * PAE's `pte_none` and `pmd_none` ignore bits 5 and 6 (accessed/dirty)
//!   as x86_64's do, for the Knights Landing erratum, which only a kernel
//!   with PAE or 64-bit paging runs into: 2-level's none is all zero;
//! * PAE stores the offset inverted, as x86_64 does (the L1TF mitigation),
//!   over the PTE's 50 bits; reading it back keeps what an `unsigned long`
//!   holds, and the entry keeps 27 bits of that above its type;
//! * no soft-dirty or uffd-wp bit: the arch selects neither on 32 bits.
//!
//! A PMD reads as a PTE, PSE (a huge page being split) counting as present.
//! PAE's `pmd_none` reads the low word alone: its header's comment says the
//! upper half may be out of sync with it.

use super::{bit, low_bits, ArchSwpEntry, Field, Pmd, Pte, SwapPteCodec, SwpFlag};
use crate::call::Knobs;

/// 2-level paging (kernel/src/arch/i386.rs `I386`).
pub struct TwoLevel;

/// PAE (kernel/src/arch/i386.rs `I386_PAE`).
pub struct Pae;

pub const I386: TwoLevel = TwoLevel;
pub const I386_PAE: Pae = Pae;

const PAGE_SHIFT: u32 = 12;
const PAGE_PRESENT: u64 = bit(0);
const PAGE_PSE: u64 = bit(7);
const PAGE_PROTNONE: u64 = bit(8);
/// Bits hardware may set on a non-present entry (the KNL erratum), which
/// PAE's none tests ignore.
const KNL_ERRATUM_MASK: u64 = bit(5) | bit(6);
/// An `unsigned long`, what an entry is and what PAE's `pmd_none` reads.
const WORD: u64 = low_bits(32);
const SWP_TYPE_BITS: u32 = 5;
/// The offset starts right above PROT_NONE in either PTE.
const SWP_OFFSET_FIRST_BIT: u32 = 9;

/// 2-level: the type sits above present, the offset above PROT_NONE.
const TYPE_2LEVEL: Field = Field {
    shift: 1,
    bits: SWP_TYPE_BITS,
};
/// PAE's entry: the type at the bottom, the offset above it.
const TYPE_PAE: Field = Field {
    shift: 0,
    bits: SWP_TYPE_BITS,
};
/// PAE's PTE: the type on top, the inverted offset between it and bit 9.
const PTE_TYPE_PAE: Field = Field {
    shift: 64 - SWP_TYPE_BITS,
    bits: SWP_TYPE_BITS,
};
const PTE_OFFSET_PAE: Field = Field {
    shift: SWP_OFFSET_FIRST_BIT,
    bits: 64 - SWP_TYPE_BITS - SWP_OFFSET_FIRST_BIT,
};

fn pte_present(pte: Pte) -> bool {
    pte.0 & (PAGE_PRESENT | PAGE_PROTNONE) != 0
}

fn pmd_present(pmd: Pmd) -> bool {
    pmd.0 & (PAGE_PRESENT | PAGE_PROTNONE | PAGE_PSE) != 0
}

fn swp_pte_bit(flag: SwpFlag) -> u64 {
    match flag {
        SwpFlag::Exclusive => PAGE_PSE,
        SwpFlag::SoftDirty | SwpFlag::Uffd => 0,
    }
}

impl SwapPteCodec for TwoLevel {
    fn page_shift(&self) -> u32 {
        PAGE_SHIFT
    }

    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(32)
    }

    fn swp_type_bits(&self) -> u32 {
        SWP_TYPE_BITS
    }

    /// The type keeps its low five bits; the offset is placed by shift, its
    /// bits past the word's top lost.
    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry((TYPE_2LEVEL.put(type_num) | offset << SWP_OFFSET_FIRST_BIT) & WORD)
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE_2LEVEL.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        entry.0 >> SWP_OFFSET_FIRST_BIT
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        swp_pte_bit(flag)
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte_present(pte)
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd_present(pmd)
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 == 0
    }

    fn drawn_in(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        defined("_PAGE_SWP_EXCLUSIVE")
    }

    fn constant(&self, name: &str, _knobs: Knobs) -> Option<u64> {
        let value = match name {
            "SWP_TYPE_BITS" => SWP_TYPE_BITS,
            "SWP_OFFSET_SHIFT" => SWP_OFFSET_FIRST_BIT,
            _ => return None,
        };
        Some(value.into())
    }
}

impl SwapPteCodec for Pae {
    fn page_shift(&self) -> u32 {
        PAGE_SHIFT
    }

    fn max_physmem_bits(&self, _knobs: Knobs) -> Option<u32> {
        Some(36)
    }

    fn swp_type_bits(&self) -> u32 {
        SWP_TYPE_BITS
    }

    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry {
        ArchSwpEntry((TYPE_PAE.put(type_num) | offset << SWP_TYPE_BITS) & WORD)
    }

    fn type_num(&self, entry: ArchSwpEntry) -> u64 {
        TYPE_PAE.get(entry.0)
    }

    fn offset(&self, entry: ArchSwpEntry) -> u64 {
        entry.0 >> SWP_TYPE_BITS
    }

    /// The entry's fields in x86_64's places, the offset inverted across
    /// the whole field (so its bits above the entry's read as ones).
    fn entry_to_pte(&self, entry: ArchSwpEntry) -> Pte {
        let type_num = self.type_num(entry);
        let offset = self.offset(entry);
        Pte(PTE_TYPE_PAE.put(type_num) | PTE_OFFSET_PAE.put(!offset))
    }

    /// The fields back out, the offset cut to an `unsigned long` before the
    /// entry is made of it.
    fn pte_to_entry(&self, pte: Pte) -> ArchSwpEntry {
        let type_num = PTE_TYPE_PAE.get(pte.0);
        let offset = PTE_OFFSET_PAE.get(!pte.0) & WORD;
        self.encode(type_num, offset)
    }

    fn swp_pte_bit(&self, flag: SwpFlag, _knobs: Knobs) -> u64 {
        swp_pte_bit(flag)
    }

    fn pte_present(&self, pte: Pte) -> bool {
        pte_present(pte)
    }

    fn pte_none(&self, pte: Pte, _knobs: Knobs) -> bool {
        pte.0 & !KNL_ERRATUM_MASK == 0
    }

    fn pmd_present(&self, pmd: Pmd, _thp: bool) -> bool {
        pmd_present(pmd)
    }

    fn pmd_none(&self, pmd: Pmd) -> bool {
        pmd.0 & WORD & !KNL_ERRATUM_MASK == 0
    }

    fn drawn_in(&self, defined: &dyn Fn(&str) -> bool) -> bool {
        defined("_PAGE_SWP_EXCLUSIVE")
    }

    fn constant(&self, name: &str, _knobs: Knobs) -> Option<u64> {
        let value = match name {
            "SWP_TYPE_BITS" => SWP_TYPE_BITS,
            "SWP_OFFSET_FIRST_BIT" => SWP_OFFSET_FIRST_BIT,
            "SWP_OFFSET_SHIFT" => SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS,
            _ => return None,
        };
        Some(value.into())
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
    fn two_level_fields_sit_between_present_and_the_word_top() {
        let e = I386.encode(31, (1 << 23) - 1);
        assert_eq!(e.0, 0xffff_fe3e);
        assert_eq!((I386.type_num(e), I386.offset(e)), (31, (1 << 23) - 1));
        assert_eq!(e.0 & (PAGE_PRESENT | PAGE_PSE | PAGE_PROTNONE), 0);
        // The type keeps five bits; offset bits past bit 31 are lost.
        assert_eq!(I386.encode(33, 1 << 23 | 5).0, 1 << 1 | 5 << 9);
        assert_eq!(I386.entry_to_pte(e), Pte(e.0));
    }

    #[test]
    fn pae_entry_is_type_then_offset() {
        let e = I386_PAE.encode(3, 0x1234);
        assert_eq!(e.0, 3 | 0x1234 << 5);
        assert_eq!((I386_PAE.type_num(e), I386_PAE.offset(e)), (3, 0x1234));
        assert_eq!(I386_PAE.encode(0, u64::MAX).0, WORD & !0x1f);
    }

    #[test]
    fn pae_pte_holds_the_entry_inverted_in_x86_64_places() {
        let pte = I386_PAE.entry_to_pte(I386_PAE.encode(1, 0));
        assert_eq!(pte.0, 1 << 59 | low_bits(50) << 9);
        let pte = I386_PAE.entry_to_pte(I386_PAE.encode(31, 0x1234));
        assert_eq!(pte.0 >> 59, 31);
        assert_eq!(pte.0 >> 9 & low_bits(50), !0x1234 & low_bits(50));
        assert_eq!(pte.0 & 0x1ff, 0);
        assert_eq!(I386_PAE.pte_to_entry(pte), I386_PAE.encode(31, 0x1234));
    }

    #[test]
    fn pae_reads_back_what_an_unsigned_long_holds() {
        // An offset field whose bits past the word are set reads as its low
        // 32 bits, of which the entry keeps 27.
        let pte = Pte(PTE_OFFSET_PAE.put(!(1 << 40 | 0x7u64 << 26 | 9)));
        let e = I386_PAE.pte_to_entry(pte);
        assert_eq!((I386_PAE.type_num(e), I386_PAE.offset(e)), (0, 1 << 26 | 9));
    }

    #[test]
    fn presence_and_emptiness() {
        for c in [&I386 as &dyn SwapPteCodec, &I386_PAE] {
            assert!(c.pte_present(Pte(PAGE_PRESENT)) && c.pte_present(Pte(PAGE_PROTNONE)));
            assert!(!c.pte_present(Pte(PAGE_PSE)));
            assert!(c.pmd_present(Pmd(PAGE_PSE), false));
            assert!(!c.pte_none(Pte(bit(1)), K));
            assert_eq!(c.swp_pte_bit(SwpFlag::Exclusive, K), bit(7));
            assert_eq!(c.swp_pte_bit(SwpFlag::SoftDirty, K), 0);
            assert_eq!(c.swp_pte_bit(SwpFlag::Uffd, K), 0);
        }
        assert!(I386_PAE.pte_none(Pte(KNL_ERRATUM_MASK), K));
        assert!(I386_PAE.pmd_none(Pmd(KNL_ERRATUM_MASK | bit(59))));
        assert!(!I386.pte_none(Pte(KNL_ERRATUM_MASK), K));
        assert!(!I386.pmd_none(Pmd(bit(5))));
        assert!(!I386_PAE.pte_none(Pte(bit(59)), K));
    }
}
