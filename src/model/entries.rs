//! The arch-independent swap entry (`swp_entry_t` / `softleaf_t`) and the
//! layout of the pfn-carrying entries.
//!
//! The entry is laid out for the swap cache's XArray: the offset is dense in
//! the low bits and the type sits on top, leaving the word's top bit free so
//! the whole entry still fits an XArray value (which loses one bit to its tag).
//! The word is an `unsigned long`: drawn here for 64 bits, where the type
//! starts at bit 58; on a 32-bit arch it starts at bit 26 (31 - 5).
//!
//! ```text
//!  63      58 57                                    0
//! |  type   |               offset                  |
//!                     for pfn entries (migration, device, hwpoison):
//!           |  reserved  | D | A |        pfn        |
//!                         ^   ^ SWP_PFN_BITS, then +1
//! ```

use super::arch::{low_bits, SwapPteCodec};
use super::out::{self, Record};
use super::types::{SwpKind, MAX_SWAPFILES_SHIFT};
use super::Ctx;
use crate::call::{Knobs, Outcome, Page};
use leafdiff_kernel::arch::Arch;
use leafdiff_kernel::config::ConfigOption;

/// The widths of the C types an arch's helpers compute in: `unsigned long`
/// (an entry, an offset, an XArray value), `pte_t` (wider than the word with
/// PAE and LPAE) and `phys_addr_t`. The entry's fields follow the word: its
/// type sits at the top of an XArray value, one bit below the word's top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Widths {
    pub word_bits: u32,
    pub pte_bits: u32,
    /// 64 bits on a 64-bit arch and where the arch's Kconfig sets
    /// `CONFIG_PHYS_ADDR_T_64BIT` (PAE, LPAE), as csrc/shim/linux/types.h
    /// has it; else 32.
    pub phys_addr_bits: u32,
}

impl Widths {
    pub fn of(arch: &Arch) -> Widths {
        let wide_phys = arch.word_bits == 64
            || arch
                .defines
                .iter()
                .any(|(name, _)| *name == "CONFIG_PHYS_ADDR_T_64BIT");
        Widths {
            word_bits: arch.word_bits,
            pte_bits: arch.pte_bits,
            phys_addr_bits: if wide_phys { 64 } else { 32 },
        }
    }

    /// The bits of an `unsigned long`.
    pub fn word_mask(self) -> u64 {
        low_bits(self.word_bits)
    }

    /// The bits of a `pte_t` (and of a `pmd_t`, as wide on every arch here).
    pub fn pte_mask(self) -> u64 {
        low_bits(self.pte_bits)
    }

    /// `BITS_PER_XA_VALUE`: a pointer-sized word less its tag bit.
    pub fn bits_per_xa_value(self) -> u32 {
        self.word_bits - 1
    }

    /// `SWP_TYPE_SHIFT`: where the type field starts.
    pub fn swp_type_shift(self) -> u32 {
        self.bits_per_xa_value() - MAX_SWAPFILES_SHIFT
    }

    /// `SWP_OFFSET_MASK`: everything below the type.
    pub fn swp_offset_mask(self) -> u64 {
        low_bits(self.swp_type_shift())
    }

    /// `swp_entry(type, offset)`: the offset is cut to its field; the type is
    /// shifted into place as given (bits pushed out of the word are lost).
    pub fn swp_entry(self, type_num: u64, offset: u64) -> SwpEntry {
        let word = (type_num << self.swp_type_shift()) | (offset & self.swp_offset_mask());
        SwpEntry(word & self.word_mask())
    }

    /// `swp_type`: everything above the offset. Six bits, since the type field
    /// is five bits wide but the word has one more.
    pub fn swp_type(self, entry: SwpEntry) -> u64 {
        entry.0 >> self.swp_type_shift()
    }

    /// `swp_offset`.
    pub fn swp_offset(self, entry: SwpEntry) -> u64 {
        entry.0 & self.swp_offset_mask()
    }

    /// `swp_to_radix_entry`: store the entry as an XArray value, which shifts
    /// it up past the tag bit. A value with the word's top bit set does not
    /// fit, and the XArray warns about it.
    pub fn to_radix(self, entry: SwpEntry) -> (u64, bool) {
        let fits = entry.0 >> self.bits_per_xa_value() == 0;
        (((entry.0 << 1) | 1) & self.word_mask(), !fits)
    }

    /// `radix_to_swp_entry`: the value back out of an XArray entry.
    pub fn from_radix(self, xa_entry: u64) -> SwpEntry {
        SwpEntry((xa_entry & self.word_mask()) >> 1)
    }

    /// The same type with extra offset bits set (the migration A/D bits).
    pub fn with_offset_bits(self, entry: SwpEntry, bits: u64) -> SwpEntry {
        self.swp_entry(self.swp_type(entry), self.swp_offset(entry) | bits)
    }
}

/// An arch-independent swap entry (`swp_entry_t`, also `softleaf_t`), its
/// fields as [`Widths`] lays them out on the arch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SwpEntry(pub u64);

impl SwpEntry {
    /// The empty entry (`softleaf_mk_none`), what a none or present PTE reads as.
    pub const NONE: SwpEntry = SwpEntry(0);

    /// `softleaf_is_none`: only the all-zero word is empty.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
}

/// Where a pfn entry keeps its pfn and the migration A/D bits. The pfn is as
/// wide as the physical address space allows, which on some arches is
/// decided at run time (x86_64's 5-level paging, arm64's LPA2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PfnLayout {
    /// `SWP_PFN_BITS`.
    pub pfn_bits: u32,
}

impl PfnLayout {
    /// `SWP_PFN_BITS` is `MAX_PHYSMEM_BITS - PAGE_SHIFT`.
    pub fn new(max_physmem_bits: u32, page_shift: u32) -> PfnLayout {
        PfnLayout {
            pfn_bits: max_physmem_bits - page_shift,
        }
    }

    /// The layout on `codec`'s arch, of these widths, with these run-time
    /// answers. Where the arch leaves `MAX_PHYSMEM_BITS` undefined, the pfn
    /// is what a `phys_addr_t` holds above the page offset, capped by the
    /// offset field.
    pub fn of(codec: &dyn SwapPteCodec, widths: Widths, knobs: Knobs) -> PfnLayout {
        let page_shift = codec.page_shift();
        match codec.max_physmem_bits(knobs) {
            Some(bits) => PfnLayout::new(bits, page_shift),
            None => PfnLayout {
                pfn_bits: (widths.phys_addr_bits - page_shift).min(widths.swp_type_shift()),
            },
        }
    }

    /// `SWP_PFN_MASK`.
    pub fn pfn_mask(self) -> u64 {
        (1 << self.pfn_bits) - 1
    }

    /// `SWP_MIG_YOUNG_BIT`: the first bit above the pfn.
    pub fn young_bit(self) -> u32 {
        self.pfn_bits
    }

    /// `SWP_MIG_DIRTY_BIT`: right above the young bit.
    pub fn dirty_bit(self) -> u32 {
        self.pfn_bits + 1
    }

    /// `SWP_MIG_TOTAL_BITS`: pfn plus both A/D bits.
    pub fn total_bits(self) -> u32 {
        self.pfn_bits + 2
    }

    pub fn young(self) -> u64 {
        1 << self.young_bit()
    }

    pub fn dirty(self) -> u64 {
        1 << self.dirty_bit()
    }

    /// The pfn a pfn entry carries.
    pub fn pfn(self, widths: Widths, entry: SwpEntry) -> u64 {
        widths.swp_offset(entry) & self.pfn_mask()
    }
}

/// A PTE marker: flags persisted in a PTE that would otherwise be none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PteMarker(pub u64);

impl PteMarker {
    /// userfaultfd write-protection of an unpopulated PTE.
    pub const UFFD_WP: PteMarker = PteMarker(1 << 0);
    /// Access is invalid (UFFDIO_POISON and the like); faults as hwpoison.
    pub const POISONED: PteMarker = PteMarker(1 << 1);
    /// A guard region: access gets SIGSEGV.
    pub const GUARD: PteMarker = PteMarker(1 << 2);
    /// All marker bits defined so far.
    pub const MASK: PteMarker = PteMarker((1 << 3) - 1);

    /// The marker a marker entry carries: its offset, cut to the known bits.
    pub fn of(widths: Widths, entry: SwpEntry) -> PteMarker {
        PteMarker(widths.swp_offset(entry) & Self::MASK.0)
    }

    pub fn contains(self, other: PteMarker) -> bool {
        self.0 & other.0 != 0
    }
}

/// The access a migration entry records for the page under migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    /// Read-only, but the anon page is exclusive to this mapping.
    ReadExclusive,
    Write,
}

impl Access {
    /// The migration type for this access, and the device-private twin the
    /// series adds for pages that live in device memory.
    fn migration_kinds(self) -> (SwpKind, SwpKind) {
        match self {
            Access::Read => (SwpKind::MigrationRead, SwpKind::MigrationDeviceRead),
            Access::ReadExclusive => (
                SwpKind::MigrationReadExclusive,
                SwpKind::MigrationDeviceReadExclusive,
            ),
            Access::Write => (SwpKind::MigrationWrite, SwpKind::MigrationDeviceWrite),
        }
    }
}

/// The `make_*` helpers and the swapops-level type tests.
impl Ctx<'_> {
    /// An entry of a special type. When the config does not define the type
    /// the maker exists anyway and yields the empty entry, so callers compile
    /// unconditionally.
    pub fn make(&self, kind: SwpKind, offset: u64) -> SwpEntry {
        match self.types.number(kind) {
            Some(number) => self.widths.swp_entry(u64::from(number), offset),
            None => SwpEntry::NONE,
        }
    }

    /// `make_*_migration_entry_from_page` (the series): a migration entry for
    /// the page's pfn, in the device-private form when the page is device
    /// private. Without migration support there are no migration entries.
    /// From the series' second revision the maker also takes `flags`, the
    /// young/dirty offset bits of the entry it replaces (`softleaf_to_flags`),
    /// which it ORs into the offset above the pfn.
    pub fn make_migration_from_page(&self, access: Access, page: &Page, flags: u64) -> SwpEntry {
        if !self.has(ConfigOption::Migration) {
            return SwpEntry::NONE;
        }
        let (host, device) = access.migration_kinds();
        let kind = if self.is_device_private_page(page) {
            device
        } else {
            host
        };
        self.make(kind, page.pfn | flags)
    }

    /// `make_hwpoison_entry`: the page must be locked while it is poisoned,
    /// which the kernel enforces with BUG_ON.
    pub fn make_hwpoison_entry(&self, page: &Page) -> Outcome {
        if !self.has(ConfigOption::MemoryFailure) {
            return out::value(SwpEntry::NONE.0);
        }
        out::value(self.make(SwpKind::Hwpoison, page.pfn).0).bugged_if(!page.locked)
    }

    /// A marker entry: the whole marker word goes into the offset, unknown
    /// bits included (only reading it back masks them).
    pub fn make_marker(&self, marker: PteMarker) -> SwpEntry {
        self.make(SwpKind::PteMarker, marker.0)
    }

    /// `make_pte_marker_entry`: where the config has no marker type (6.1
    /// without CONFIG_PTE_MARKER) it must never be called, and warns.
    pub fn make_marker_entry(&self, marker: PteMarker) -> Outcome {
        let missing = self.types.number(SwpKind::PteMarker).is_none();
        out::value(self.make_marker(marker).0).warned_if(missing)
    }

    /// Whether migration entries can carry the old PTE's A/D bits: the swap
    /// code decides at boot whether the arch's offset has room for them.
    pub fn migration_entry_supports_ad(&self) -> bool {
        self.has(ConfigOption::Migration)
            && self.has(ConfigOption::Swap)
            && self.args.knobs.swap_migration_ad_supported
    }

    /// Sets the young bit of a migration entry, when A/D bits are kept at all
    /// (otherwise the entry is returned as is). The type is not checked.
    pub fn migration_entry_young(&self, entry: SwpEntry) -> SwpEntry {
        self.with_ad_bit(entry, self.pfn.young())
    }

    pub fn migration_entry_dirty(&self, entry: SwpEntry) -> SwpEntry {
        self.with_ad_bit(entry, self.pfn.dirty())
    }

    fn with_ad_bit(&self, entry: SwpEntry, bit: u64) -> SwpEntry {
        if self.migration_entry_supports_ad() {
            self.widths.with_offset_bits(entry, bit)
        } else {
            entry
        }
    }

    /// The swapops-level tests (`is_hwpoison_entry`, the series'
    /// `is_*device*migration*`): a plain comparison of the type number, no
    /// classification and so never a warning. A type the config does not
    /// define matches nothing.
    pub fn is_type(&self, entry: SwpEntry, kinds: &[SwpKind]) -> bool {
        let type_num = self.widths.swp_type(entry);
        kinds.iter().any(|k| self.types.is(type_num, *k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leafdiff_kernel::arch::{arm, i386, m68k, x86_64};

    fn lp64() -> Widths {
        Widths::of(&x86_64::X86_64)
    }

    fn ilp32() -> Widths {
        Widths::of(&i386::I386)
    }

    #[test]
    fn type_sits_above_a_58_bit_offset() {
        let w = lp64();
        assert_eq!(w.swp_type_shift(), 58);
        assert_eq!(w.swp_offset_mask(), 0x03ff_ffff_ffff_ffff);
        let e = w.swp_entry(3, 0x1234);
        assert_eq!(e.0, (3 << 58) | 0x1234);
        assert_eq!((w.swp_type(e), w.swp_offset(e)), (3, 0x1234));
    }

    #[test]
    fn offset_is_cut_to_its_field() {
        let w = lp64();
        let e = w.swp_entry(1, u64::MAX);
        assert_eq!(e.0, (1 << 58) | w.swp_offset_mask());
        assert_eq!(w.swp_type(e), 1);
    }

    #[test]
    fn type_reads_six_bits() {
        let w = lp64();
        assert_eq!(w.swp_type(SwpEntry(u64::MAX)), 63);
        // A type of 64 or more shifts out of the word entirely.
        assert_eq!(w.swp_entry(64 + 5, 7).0, (5 << 58) | 7);
    }

    #[test]
    fn radix_round_trip() {
        let w = lp64();
        let e = w.swp_entry(31, 42);
        let (x, warned) = w.to_radix(e);
        assert_eq!(x, (e.0 << 1) | 1);
        assert!(!warned);
        assert_eq!(w.from_radix(x), e);
        assert!(w.to_radix(SwpEntry(1 << 63)).1);
    }

    /// A 32-bit `unsigned long`: the type starts at bit 26, the offset is 26
    /// bits, and what is shifted past bit 31 is lost.
    #[test]
    fn a_32_bit_word_narrows_both_fields() {
        let w = ilp32();
        assert_eq!((w.bits_per_xa_value(), w.swp_type_shift()), (31, 26));
        assert_eq!(w.swp_offset_mask(), (1 << 26) - 1);
        let e = w.swp_entry(31, u64::MAX);
        assert_eq!(e.0, 0x7fff_ffff);
        assert_eq!((w.swp_type(e), w.swp_offset(e)), (31, (1 << 26) - 1));
        assert_eq!(w.swp_entry(64 + 5, 7).0, (5 << 26) | 7);
        assert_eq!(w.swp_type(SwpEntry(u32::MAX.into())), 63);
    }

    #[test]
    fn a_32_bit_radix_value_loses_bit_31() {
        let w = ilp32();
        let e = w.swp_entry(31, 42);
        assert_eq!(w.to_radix(e), ((e.0 << 1) | 1, false));
        assert_eq!(w.from_radix((e.0 << 1) | 1 | 1 << 40), e);
        assert_eq!(w.to_radix(SwpEntry(1 << 31)), (1, true));
    }

    #[test]
    fn widths_of_each_kind_of_arch() {
        assert_eq!((lp64().word_mask(), lp64().phys_addr_bits), (u64::MAX, 64));
        assert_eq!(
            (ilp32().word_mask(), ilp32().pte_mask()),
            (0xffff_ffff, 0xffff_ffff)
        );
        assert_eq!(ilp32().phys_addr_bits, 32);
        let pae = Widths::of(&i386::I386_PAE);
        assert_eq!(
            (pae.word_bits, pae.pte_bits, pae.phys_addr_bits),
            (32, 64, 64)
        );
        assert_eq!(Widths::of(&arm::ARM_LPAE).phys_addr_bits, 64);
        assert_eq!(Widths::of(&m68k::M68K).phys_addr_bits, 32);
    }

    #[test]
    fn pfn_layout_by_paging_depth() {
        let four = PfnLayout::new(46, 12);
        assert_eq!(four.pfn_bits, 46 - 12);
        assert_eq!(four.pfn_mask(), (1 << 34) - 1);
        assert_eq!(
            (four.young_bit(), four.dirty_bit(), four.total_bits()),
            (34, 35, 36)
        );
        let five = PfnLayout::new(52, 12);
        assert_eq!(five.pfn_bits, 40);
        assert_eq!(five.young(), 1 << 40);
        assert_eq!(five.dirty(), 1 << 41);
    }

    #[test]
    fn young_bit_survives_with_type() {
        let w = lp64();
        let l = PfnLayout::new(46, 12);
        let e = w.with_offset_bits(w.swp_entry(25, 0x77), l.young());
        assert_eq!(e.0, (25 << 58) | (1 << 34) | 0x77);
        assert_eq!(l.pfn(w, e), 0x77);
    }
}
