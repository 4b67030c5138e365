//! The helpers of `swapops.h` before `leafops.h` (6.1, 6.12;
//! ARCHITECTURE.md §8), and the two kinds of helper every generation has,
//! spelled as tables: type tests and type makers.
//!
//! Before the softleaf API nothing classifies: each predicate compares the
//! entry's type number with the types it names, so none of them warns, and
//! a type the config leaves out matches nothing. What can go wrong is
//! enforced by `VM_BUG_ON`/`BUG_ON` instead of warnings: reading the pfn of
//! an entry that holds none, or following a migration entry to a page that
//! is not locked.

use super::arch::{Pmd, Pte};
use super::entries::{PteMarker, SwpEntry};
use super::out::{self, Record};
use super::pagetable::PMD_SWP_FLAGS;
use super::types::SwpKind::PteMarker as Marker;
use super::types::SwpKind::{self, *};
use super::Ctx;
use crate::call::{Outcome, Page};
use leafdiff_kernel::config::ConfigOption;

/// The migration types (`is_migration_entry`).
const MIGRATION_KINDS: &[SwpKind] = &[MigrationRead, MigrationReadExclusive, MigrationWrite];

/// The types whose entries hold a pfn in their offset (`is_pfn_swap_entry`):
/// migration, device private, device exclusive, hardware poison.
const PFN_KINDS: &[SwpKind] = &[
    MigrationRead,
    MigrationReadExclusive,
    MigrationWrite,
    DeviceRead,
    DeviceWrite,
    DeviceExclusiveRead,
    DeviceExclusiveWrite,
    Hwpoison,
];

/// `(entry) -> bool` helpers that are true exactly for entries of these types.
pub const TYPE_TESTS: &[(&str, &[SwpKind])] = &[
    ("is_migration_entry", MIGRATION_KINDS),
    ("is_readable_migration_entry", &[MigrationRead]),
    (
        "is_readable_exclusive_migration_entry",
        &[MigrationReadExclusive],
    ),
    ("is_writable_migration_entry", &[MigrationWrite]),
    ("is_device_private_entry", &[DeviceRead, DeviceWrite]),
    ("is_writable_device_private_entry", &[DeviceWrite]),
    (
        "is_device_exclusive_entry",
        &[DeviceExclusiveRead, DeviceExclusiveWrite],
    ),
    (
        "is_writable_device_exclusive_entry",
        &[DeviceExclusiveWrite],
    ),
    ("is_hwpoison_entry", &[Hwpoison]),
    ("is_pte_marker_entry", &[Marker]),
    ("is_swapin_error_entry", &[SwapinError]),
    ("is_pfn_swap_entry", PFN_KINDS),
    // The device-private migration series (ARCHITECTURE.md §6).
    (
        "is_device_private_migration_entry",
        &[
            MigrationDeviceRead,
            MigrationDeviceReadExclusive,
            MigrationDeviceWrite,
        ],
    ),
    (
        "is_readable_device_migration_private_entry",
        &[MigrationDeviceRead],
    ),
    (
        "is_writable_device_migration_private_entry",
        &[MigrationDeviceWrite],
    ),
    (
        "is_readable_exclusive_device_private_migration_entry",
        &[MigrationDeviceReadExclusive],
    ),
];

/// `(offset) -> entry` helpers that make an entry of this type with that
/// offset; where the config lacks the type, the empty entry.
pub const TYPE_MAKERS: &[(&str, SwpKind)] = &[
    ("make_readable_device_private_entry", DeviceRead),
    ("make_writable_device_private_entry", DeviceWrite),
    ("make_device_exclusive_entry", DeviceExclusive),
    ("make_readable_device_exclusive_entry", DeviceExclusiveRead),
    ("make_writable_device_exclusive_entry", DeviceExclusiveWrite),
    ("make_readable_migration_entry", MigrationRead),
    (
        "make_readable_exclusive_migration_entry",
        MigrationReadExclusive,
    ),
    ("make_writable_migration_entry", MigrationWrite),
    (
        "make_readable_migration_device_private_entry",
        MigrationDeviceRead,
    ),
    (
        "make_readable_exclusive_migration_device_private_entry",
        MigrationDeviceReadExclusive,
    ),
    (
        "make_writable_migration_device_private_entry",
        MigrationDeviceWrite,
    ),
];

/// 6.12's transitional softleaf spellings: macros for the swapops helper of
/// the same meaning, which is what they mean before `leafops.h`.
pub const TRANSITIONAL: &[(&str, &str)] = &[
    ("softleaf_from_pte", "pte_to_swp_entry"),
    ("softleaf_to_pfn", "swp_offset_pfn"),
];

pub fn type_test(name: &str) -> Option<&'static [SwpKind]> {
    TYPE_TESTS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

pub fn type_maker(name: &str) -> Option<SwpKind> {
    TYPE_MAKERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
}

/// The helper whose meaning `name` has in a generation before `leafops.h`.
pub fn transitional(name: &str) -> &str {
    TRANSITIONAL
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, means)| means)
}

impl Ctx<'_> {
    /// The swapops helpers no table above describes; `None` for a name
    /// that is none of them.
    pub(super) fn swapops(&self, name: &str) -> Option<Outcome> {
        let e = self.entry_arg();
        let pte = self.pte_arg();
        let pmd = self.pmd_arg();
        let page = &self.args.page;
        let out = match name {
            "non_swap_entry" => {
                out::flag(self.widths.swp_type(e) >= u64::from(self.types.max_swapfiles))
            }
            "swp_offset_pfn" => self.swp_offset_pfn(e),
            "pfn_swap_entry_to_page" | "pfn_swap_entry_folio" => {
                self.pfn_swap_entry_to_page(e, page)
            }
            "make_swapin_error_entry" => out::value(self.make(SwapinError, page.pfn).0),
            "pte_marker_get" => out::value(self.pte_marker_get(e).0),
            "is_poisoned_swp_entry" => out::flag(
                self.is_type(e, &[Marker]) && self.pte_marker_get(e).contains(PteMarker::POISONED),
            ),
            "is_migration_entry_young" => {
                out::flag(self.is_migration_entry_ad(e, self.pfn.young()))
            }
            "is_migration_entry_dirty" => {
                out::flag(self.is_migration_entry_ad(e, self.pfn.dirty()))
            }
            "pte_to_swp_entry" => out::value(self.pte_to_swp_entry(pte).0),
            "pmd_to_swp_entry" => out::value(self.pmd_to_swp_entry(pmd).0),
            "is_swap_pte" => out::flag(self.is_swap_pte(pte)),
            "is_pte_marker" => out::flag(self.is_pte_marker(pte)),
            "pte_none_mostly" => out::flag(self.pte_none(pte) || self.is_pte_marker(pte)),
            "is_pmd_migration_entry" => out::flag(self.is_pmd_migration_entry(pmd)),
            _ => return None,
        };
        Some(out)
    }

    /// `swp_offset_pfn`: the pfn of a pfn entry; asking any other entry is
    /// a `VM_BUG_ON`.
    fn swp_offset_pfn(&self, e: SwpEntry) -> Outcome {
        out::value(self.pfn_of(e)).bugged_if(!self.is_type(e, PFN_KINDS))
    }

    /// `pfn_swap_entry_to_page`/`_folio`: the page at the entry's pfn
    /// (answered as that pfn); a migration entry may only be followed while
    /// its page is locked, which is a `BUG_ON`.
    fn pfn_swap_entry_to_page(&self, e: SwpEntry, page: &Page) -> Outcome {
        self.swp_offset_pfn(e)
            .bugged_if(self.is_type(e, MIGRATION_KINDS) && !page.locked)
    }

    /// `pte_marker_get`: the marker bits of the offset, whatever the type;
    /// nothing where the config has no markers (6.1 without CONFIG_PTE_MARKER).
    fn pte_marker_get(&self, e: SwpEntry) -> PteMarker {
        if self.types.number(Marker).is_none() {
            return PteMarker(0);
        }
        PteMarker(self.widths.swp_offset(e) & self.features.generation.marker_mask().0)
    }

    /// `is_migration_entry_young`/`_dirty`: the A or D bit of the offset
    /// where migration entries keep them, whatever the type; else false.
    fn is_migration_entry_ad(&self, e: SwpEntry, bit: u64) -> bool {
        self.migration_entry_supports_ad() && self.widths.swp_offset(e) & bit != 0
    }

    /// `pte_to_swp_entry`: the entry of a swap PTE once its software flags
    /// are stripped; a present or none PTE is decoded all the same.
    pub fn pte_to_swp_entry(&self, pte: Pte) -> SwpEntry {
        self.swp_entry_of(self.codec.pte_to_entry(self.pte_swp_clear_flags(pte)))
    }

    /// `pmd_to_swp_entry`: likewise for PMDs (no exclusive bit), where
    /// PMDs can hold entries (THP migration); the empty entry otherwise.
    fn pmd_to_swp_entry(&self, pmd: Pmd) -> SwpEntry {
        if !self.has(ConfigOption::PmdSoftleaves) {
            return SwpEntry::NONE;
        }
        let bare = PMD_SWP_FLAGS
            .iter()
            .fold(pmd, |pmd, flag| self.pmd_clear(pmd, *flag));
        self.swp_entry_of(self.codec.pmd_to_entry(bare))
    }

    /// `is_pte_marker`: a swap PTE holding a marker entry.
    fn is_pte_marker(&self, pte: Pte) -> bool {
        self.is_swap_pte(pte) && self.is_type(self.pte_to_swp_entry(pte), &[Marker])
    }

    /// `is_pmd_migration_entry`: a non-present PMD holding a migration
    /// entry (a none PMD decodes to type 0, which is none); never without
    /// THP migration.
    fn is_pmd_migration_entry(&self, pmd: Pmd) -> bool {
        self.has(ConfigOption::PmdSoftleaves)
            && !self.pmd_present(pmd)
            && self.is_type(self.pmd_to_swp_entry(pmd), MIGRATION_KINDS)
    }

    /// `is_swap_pte`: neither none nor present.
    fn is_swap_pte(&self, pte: Pte) -> bool {
        !self.pte_none(pte) && !self.codec.pte_present(pte)
    }
}
