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

use leafdiff_kernel::config::{ConfigOption, KernelConfig};

pub const PAGE_SHIFT: u32 = 12;

/// Whether the call runs with 5-level paging: `pgtable_l5_enabled()`, the
/// arch's run-time question 0 (kernel/src/arch/x86_64.rs).
pub fn la57(knobs: crate::call::Knobs) -> bool {
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

const fn bit(n: u32) -> u64 {
    1 << n
}

const fn low_bits(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1 << n) - 1
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

/// Physical address bits an entry can hold (`__PHYSICAL_MASK_SHIFT`).
const PHYSICAL_MASK_SHIFT: u32 = 52;
/// The frame-number bits of a 4K entry; everything else counts as flags.
pub const PTE_PFN_MASK: u64 = low_bits(PHYSICAL_MASK_SHIFT) & !low_bits(PAGE_SHIFT);
/// A 2M huge PMD's frame bits start at bit 21.
const PMD_PAGE_PFN_MASK: u64 = low_bits(PHYSICAL_MASK_SHIFT) & !low_bits(21);

pub const SWP_TYPE_BITS: u32 = 5;
/// The offset field starts right above PROT_NONE.
pub const SWP_OFFSET_FIRST_BIT: u32 = PAGE_BIT_PROTNONE + 1;
/// The kernel's shift for moving the offset in and out (offset start plus the
/// type width it shifts past).
pub const SWP_OFFSET_SHIFT: u32 = SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS;
/// The offset field fills the word between bit 9 and the type.
const SWP_OFFSET_BITS: u32 = u64::BITS - SWP_TYPE_BITS - SWP_OFFSET_FIRST_BIT;
const SWP_TYPE_FIRST_BIT: u32 = u64::BITS - SWP_TYPE_BITS;

/// An entry in the arch's own format, i.e. exactly the non-present PTE word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ArchSwpEntry(pub u64);

impl ArchSwpEntry {
    /// `__swp_entry`: the type keeps its low five bits, the offset its low 50,
    /// stored inverted.
    pub fn encode(type_num: u64, offset: u64) -> ArchSwpEntry {
        let type_field = (type_num & low_bits(SWP_TYPE_BITS)) << SWP_TYPE_FIRST_BIT;
        let offset_field = (!offset & low_bits(SWP_OFFSET_BITS)) << SWP_OFFSET_FIRST_BIT;
        ArchSwpEntry(type_field | offset_field)
    }

    /// `__swp_type`.
    pub fn type_num(self) -> u64 {
        self.0 >> SWP_TYPE_FIRST_BIT
    }

    /// `__swp_offset`: un-invert the field; bits below it (flags) are ignored.
    pub fn offset(self) -> u64 {
        !(self.0 >> SWP_OFFSET_FIRST_BIT) & low_bits(SWP_OFFSET_BITS)
    }
}

/// A PTE word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pte(pub u64);

/// A PMD word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pmd(pub u64);

impl Pte {
    /// The bits outside the frame number.
    pub fn flags(self) -> u64 {
        self.0 & !PTE_PFN_MASK
    }

    /// Present, or PROT_NONE (not accessible but still mapped).
    pub fn present(self) -> bool {
        self.flags() & (PAGE_PRESENT | PAGE_PROTNONE) != 0
    }

    pub fn none(self) -> bool {
        self.0 & !KNL_ERRATUM_MASK == 0
    }

    /// `__pte_to_swp_entry`: the word is the arch entry.
    pub fn arch_entry(self) -> ArchSwpEntry {
        ArchSwpEntry(self.0)
    }

    pub fn from_arch(entry: ArchSwpEntry) -> Pte {
        Pte(entry.0)
    }
}

impl Pmd {
    /// The bits outside the frame number, which for a huge PMD starts higher.
    pub fn flags(self) -> u64 {
        let pfn_mask = if self.0 & PAGE_PSE != 0 {
            PMD_PAGE_PFN_MASK
        } else {
            PTE_PFN_MASK
        };
        self.0 & !pfn_mask
    }

    /// As for a PTE, and PSE too: splitting a huge page clears present for a
    /// while but leaves PSE set.
    pub fn present(self) -> bool {
        self.flags() & (PAGE_PRESENT | PAGE_PROTNONE | PAGE_PSE) != 0
    }

    pub fn none(self) -> bool {
        self.0 & !KNL_ERRATUM_MASK == 0
    }

    pub fn arch_entry(self) -> ArchSwpEntry {
        ArchSwpEntry(self.0)
    }

    pub fn from_arch(entry: ArchSwpEntry) -> Pmd {
        Pmd(entry.0)
    }
}

/// The software flags a swap PTE/PMD carries beside its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SwpFlag {
    /// `_PAGE_SWP_EXCLUSIVE`: the anon page was exclusive to this mapping.
    Exclusive,
    /// `_PAGE_SWP_SOFT_DIRTY`: soft-dirty survives swap-out and migration.
    SoftDirty,
    /// `_PAGE_SWP_UFFD`: userfaultfd write-protection.
    Uffd,
}

/// Which flag bits this config gives swap PTEs and PMDs. A flag whose
/// feature is off has no bit: setting it changes nothing, testing it is false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwpFlags {
    soft_dirty: bool,
    uffd: bool,
    pmd_softleaves: bool,
}

impl SwpFlags {
    pub fn new(config: &KernelConfig) -> SwpFlags {
        SwpFlags {
            soft_dirty: config.has(ConfigOption::SoftDirty),
            uffd: config.has(ConfigOption::UffdWp),
            pmd_softleaves: config.has(ConfigOption::PmdSoftleaves),
        }
    }

    /// The PTE bit for `flag`, or 0 when the config gives it none.
    pub fn pte_mask(self, flag: SwpFlag) -> u64 {
        match flag {
            SwpFlag::Exclusive => bit(PAGE_BIT_PWT),
            SwpFlag::SoftDirty if self.soft_dirty => bit(PAGE_BIT_RW),
            SwpFlag::Uffd if self.uffd => bit(PAGE_BIT_USER),
            _ => 0,
        }
    }

    /// The PMD bit for `flag`. Soft-dirty on swap PMDs needs PMD leaf
    /// entries at all; without them the generic no-op helpers stand in.
    /// The uffd bit depends on uffd support alone.
    pub fn pmd_mask(self, flag: SwpFlag) -> u64 {
        match flag {
            SwpFlag::SoftDirty if !self.pmd_softleaves => 0,
            _ => self.pte_mask(flag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_constants() {
        assert_eq!(SWP_OFFSET_FIRST_BIT, 9);
        assert_eq!(SWP_OFFSET_SHIFT, 14);
        assert_eq!(SWP_OFFSET_BITS, 50);
        assert_eq!(PTE_PFN_MASK, 0x000f_ffff_ffff_f000);
        assert_eq!(max_physmem_bits(false), 46);
        assert_eq!(max_physmem_bits(true), 52);
    }

    #[test]
    fn encode_inverts_the_offset() {
        // Offset 0 inverted is all ones across bits 9..58.
        let e = ArchSwpEntry::encode(1, 0);
        assert_eq!(e.0, (u64::MAX << 14 >> 5) | (1 << 59));
        assert_eq!(e.0, 0x0fff_ffff_ffff_fe00);
        assert_eq!((e.type_num(), e.offset()), (1, 0));
        let e = ArchSwpEntry::encode(31, 0x1234);
        assert_eq!(e.0 >> 59, 31);
        assert_eq!((e.0 >> 9) & ((1 << 50) - 1), !0x1234u64 & ((1 << 50) - 1));
        assert_eq!(e.offset(), 0x1234);
        assert_eq!(e.0 & 0x1ff, 0);
    }

    #[test]
    fn encode_keeps_only_field_widths() {
        let wide = ArchSwpEntry::encode(33, 1 << 50 | 5);
        assert_eq!((wide.type_num(), wide.offset()), (1, 5));
    }

    #[test]
    fn decode_ignores_low_flag_bits() {
        let e = ArchSwpEntry(ArchSwpEntry::encode(7, 99).0 | 0x1fe);
        assert_eq!((e.type_num(), e.offset()), (7, 99));
    }

    #[test]
    fn encoded_entries_are_neither_present_nor_none() {
        for (t, o) in [(0, 0), (31, (1 << 50) - 1), (5, 12345)] {
            let pte = Pte::from_arch(ArchSwpEntry::encode(t, o));
            assert!(!pte.present() && !pte.none(), "type {t} offset {o:#x}");
            assert!(!Pmd(pte.0).present());
        }
    }

    #[test]
    fn presence_and_emptiness() {
        assert!(Pte(PAGE_PRESENT).present());
        assert!(Pte(PAGE_PROTNONE).present());
        assert!(!Pte(PAGE_PSE).present());
        assert!(Pmd(PAGE_PSE).present());
        assert!(Pte(KNL_ERRATUM_MASK).none());
        assert!(!Pte(1 << 1).none());
        assert!(Pmd(0x60).none());
    }

    #[test]
    fn flag_bits_follow_config() {
        let none = SwpFlags::new(&KernelConfig::default());
        assert_eq!(none.pte_mask(SwpFlag::Exclusive), 1 << 3);
        assert_eq!(none.pte_mask(SwpFlag::SoftDirty), 0);
        assert_eq!(none.pte_mask(SwpFlag::Uffd), 0);
        let all = SwpFlags::new(&KernelConfig::from_bits(0xff));
        assert_eq!(all.pte_mask(SwpFlag::SoftDirty), 1 << 1);
        assert_eq!(all.pte_mask(SwpFlag::Uffd), 1 << 2);
        assert_eq!(all.pmd_mask(SwpFlag::SoftDirty), 1 << 1);
        let no_pmd = SwpFlags::new(&KernelConfig {
            enabled: [ConfigOption::SoftDirty, ConfigOption::UffdWp]
                .into_iter()
                .collect(),
        });
        assert_eq!(no_pmd.pmd_mask(SwpFlag::SoftDirty), 0);
        assert_eq!(no_pmd.pmd_mask(SwpFlag::Uffd), 1 << 2);
    }
}
