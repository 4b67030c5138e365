//! Software leaf entries in page tables: turning an arch-independent entry
//! into a non-present PTE/PMD and back, and the per-entry flag bits that
//! ride along in the PTE without being part of the entry.
//!
//! Only PTEs always hold leaf entries; PMDs hold them only where the arch
//! supports PMD leaf entries (THP migration, device-private THP). Without
//! that, converting to a PMD yields an empty PMD and reading one yields the
//! empty entry.

use super::arch_x86_64::{ArchSwpEntry, Pmd, Pte, SwpFlag};
use super::entries::{PteMarker, SwpEntry};
use super::out;
use super::types::SoftleafType;
use super::Ctx;
use crate::call::Outcome;
use leafdiff_kernel::config::ConfigOption;

/// The flags a swap PTE can carry, all of which `pte_swp_clear_flags` drops.
const PTE_SWP_FLAGS: [SwpFlag; 3] = [SwpFlag::Exclusive, SwpFlag::SoftDirty, SwpFlag::Uffd];

/// The flags `softleaf_from_pmd` and `pmd_to_swp_entry` drop: PMDs keep no
/// exclusive bit.
pub(super) const PMD_SWP_FLAGS: [SwpFlag; 2] = [SwpFlag::SoftDirty, SwpFlag::Uffd];

impl Ctx<'_> {
    fn pmd_softleaves(&self) -> bool {
        self.has(ConfigOption::PmdSoftleaves)
    }

    /// The arch form of an entry: same type and offset, the arch's packing.
    fn to_arch(entry: SwpEntry) -> ArchSwpEntry {
        ArchSwpEntry::encode(entry.type_num(), entry.offset())
    }

    pub(super) fn from_arch(arch: ArchSwpEntry) -> SwpEntry {
        SwpEntry::new(arch.type_num(), arch.offset())
    }

    /// `swp_entry_to_pte`/`softleaf_to_pte`.
    pub fn entry_to_pte(&self, entry: SwpEntry) -> Pte {
        Pte::from_arch(Self::to_arch(entry))
    }

    /// `swp_entry_to_pmd`/`softleaf_to_pmd`: an empty PMD without PMD leaves.
    pub fn entry_to_pmd(&self, entry: SwpEntry) -> Pmd {
        if !self.pmd_softleaves() {
            return Pmd(0);
        }
        Pmd::from_arch(Self::to_arch(entry))
    }

    /// `softleaf_from_pte`: a present or none PTE holds no leaf entry; any
    /// other is decoded as `pte_to_swp_entry` decodes it.
    pub fn softleaf_from_pte(&self, pte: Pte) -> SwpEntry {
        if pte.present() || pte.none() {
            return SwpEntry::NONE;
        }
        self.pte_to_swp_entry(pte)
    }

    /// `softleaf_from_pmd`: likewise, where PMDs can hold leaf entries.
    pub fn softleaf_from_pmd(&self, pmd: Pmd) -> SwpEntry {
        if !self.pmd_softleaves() || pmd.present() || pmd.none() {
            return SwpEntry::NONE;
        }
        let bare = PMD_SWP_FLAGS
            .iter()
            .fold(pmd, |pmd, flag| self.pmd_clear(pmd, *flag));
        Self::from_arch(bare.arch_entry())
    }

    pub fn pte_swp_clear_flags(&self, pte: Pte) -> Pte {
        PTE_SWP_FLAGS
            .iter()
            .fold(pte, |pte, flag| self.pte_clear(pte, *flag))
    }

    pub fn pte_set(&self, pte: Pte, flag: SwpFlag) -> Pte {
        Pte(pte.0 | self.flags.pte_mask(flag))
    }

    pub fn pte_clear(&self, pte: Pte, flag: SwpFlag) -> Pte {
        Pte(pte.0 & !self.flags.pte_mask(flag))
    }

    pub fn pte_test(&self, pte: Pte, flag: SwpFlag) -> bool {
        pte.flags() & self.flags.pte_mask(flag) != 0
    }

    pub fn pmd_set(&self, pmd: Pmd, flag: SwpFlag) -> Pmd {
        Pmd(pmd.0 | self.flags.pmd_mask(flag))
    }

    pub fn pmd_clear(&self, pmd: Pmd, flag: SwpFlag) -> Pmd {
        Pmd(pmd.0 & !self.flags.pmd_mask(flag))
    }

    pub fn pmd_test(&self, pmd: Pmd, flag: SwpFlag) -> bool {
        pmd.flags() & self.flags.pmd_mask(flag) != 0
    }

    /// `pte_is_uffd_marker`: markers userfaultfd handles (write-protect and
    /// poison), not guard regions.
    pub fn pte_is_uffd_marker(&self, pte: Pte) -> Outcome {
        let entry = self.softleaf_from_pte(pte);
        let leaf = self.classify(entry);
        let marker = PteMarker::of(entry);
        let yes = leaf.kind == SoftleafType::Marker
            && (marker.contains(PteMarker::UFFD_WP) || marker.contains(PteMarker::POISONED));
        leaf.answer(u64::from(yes))
    }

    /// `pmd_is_device_private_entry`: device-private THPs need both
    /// ZONE_DEVICE and PMD leaf entries; otherwise never.
    pub fn pmd_is_device_private_entry(&self, pmd: Pmd) -> Outcome {
        if !(self.has(ConfigOption::ZoneDevice) && self.pmd_softleaves()) {
            return out::flag(false);
        }
        self.leaf_is(self.softleaf_from_pmd(pmd), SoftleafType::is_device_private)
    }
}
