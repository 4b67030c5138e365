//! Software leaf entries in page tables: turning an arch-independent entry
//! into a non-present PTE/PMD and back, and the per-entry flag bits that
//! ride along in the PTE without being part of the entry.
//!
//! Only PTEs always hold leaf entries; PMDs hold them only where the arch
//! supports PMD leaf entries (THP migration, device-private THP). Without
//! that, converting to a PMD yields an empty PMD and reading one yields the
//! empty entry.

use super::arch::{ArchSwpEntry, Pmd, Pte, SwapPteCodec, SwpFlag};
use super::entries::{PteMarker, SwpEntry};
use super::out;
use super::types::SoftleafType;
use super::Ctx;
use crate::call::{Knobs, Outcome};
use leafdiff_kernel::config::{ConfigOption, KernelConfig};

/// The flags a swap PTE can carry, all of which `pte_swp_clear_flags` drops.
const PTE_SWP_FLAGS: [SwpFlag; 3] = [SwpFlag::Exclusive, SwpFlag::SoftDirty, SwpFlag::Uffd];

/// The flags `softleaf_from_pmd` and `pmd_to_swp_entry` drop: PMDs keep no
/// exclusive bit.
pub(super) const PMD_SWP_FLAGS: [SwpFlag; 2] = [SwpFlag::SoftDirty, SwpFlag::Uffd];

/// Which flag bits this config gives swap PTEs and PMDs on one arch. A flag
/// whose feature is off, or that the arch has no bit for, has none: setting
/// it changes nothing, testing it is false.
#[derive(Clone, Copy)]
pub struct SwpFlags {
    soft_dirty: bool,
    uffd: bool,
    pmd_softleaves: bool,
    codec: &'static dyn SwapPteCodec,
    knobs: Knobs,
}

impl SwpFlags {
    pub fn new(config: &KernelConfig, codec: &'static dyn SwapPteCodec, knobs: Knobs) -> SwpFlags {
        SwpFlags {
            soft_dirty: config.has(ConfigOption::SoftDirty),
            uffd: config.has(ConfigOption::UffdWp),
            pmd_softleaves: config.has(ConfigOption::PmdSoftleaves),
            codec,
            knobs,
        }
    }

    fn configured(self, flag: SwpFlag) -> bool {
        match flag {
            SwpFlag::Exclusive => true,
            SwpFlag::SoftDirty => self.soft_dirty,
            SwpFlag::Uffd => self.uffd,
        }
    }

    /// The PTE bit for `flag`, or 0 when the config gives it none.
    pub fn pte_mask(self, flag: SwpFlag) -> u64 {
        if !self.configured(flag) {
            return 0;
        }
        self.codec.swp_pte_bit(flag, self.knobs)
    }

    /// The PMD bit for `flag`. Soft-dirty on swap PMDs needs PMD leaf
    /// entries at all; without them the generic no-op helpers stand in.
    /// The uffd bit depends on uffd support alone.
    pub fn pmd_mask(self, flag: SwpFlag) -> u64 {
        if !self.configured(flag) || (flag == SwpFlag::SoftDirty && !self.pmd_softleaves) {
            return 0;
        }
        self.codec.swp_pmd_bit(flag, self.knobs)
    }
}

impl Ctx<'_> {
    fn pmd_softleaves(&self) -> bool {
        self.has(ConfigOption::PmdSoftleaves)
    }

    /// The arch form of an entry: same type and offset, the arch's packing.
    fn arch_entry(&self, entry: SwpEntry) -> ArchSwpEntry {
        self.codec
            .encode(self.widths.swp_type(entry), self.widths.swp_offset(entry))
    }

    /// The arch-independent entry of an arch one: its type and offset.
    pub(super) fn swp_entry_of(&self, arch: ArchSwpEntry) -> SwpEntry {
        self.widths
            .swp_entry(self.codec.type_num(arch), self.codec.offset(arch))
    }

    /// `pte_none`, with this call's run-time answers.
    pub fn pte_none(&self, pte: Pte) -> bool {
        self.codec.pte_none(pte, self.args.knobs)
    }

    /// `pmd_present`, as this config compiles it.
    pub fn pmd_present(&self, pmd: Pmd) -> bool {
        self.codec.pmd_present(pmd, self.pmd_softleaves())
    }

    /// `swp_entry_to_pte`/`softleaf_to_pte`.
    pub fn entry_to_pte(&self, entry: SwpEntry) -> Pte {
        self.codec.entry_to_pte(self.arch_entry(entry))
    }

    /// `swp_entry_to_pmd`/`softleaf_to_pmd`: an empty PMD without PMD leaves.
    pub fn entry_to_pmd(&self, entry: SwpEntry) -> Pmd {
        if !self.pmd_softleaves() {
            return Pmd(0);
        }
        self.codec.entry_to_pmd(self.arch_entry(entry))
    }

    /// `softleaf_from_pte`: a present or none PTE holds no leaf entry; any
    /// other is decoded as `pte_to_swp_entry` decodes it.
    pub fn softleaf_from_pte(&self, pte: Pte) -> SwpEntry {
        if self.codec.pte_present(pte) || self.pte_none(pte) {
            return SwpEntry::NONE;
        }
        self.pte_to_swp_entry(pte)
    }

    /// `softleaf_from_pmd`: likewise, where PMDs can hold leaf entries.
    pub fn softleaf_from_pmd(&self, pmd: Pmd) -> SwpEntry {
        if !self.pmd_softleaves() || self.pmd_present(pmd) || self.codec.pmd_none(pmd) {
            return SwpEntry::NONE;
        }
        let bare = PMD_SWP_FLAGS
            .iter()
            .fold(pmd, |pmd, flag| self.pmd_clear(pmd, *flag));
        self.swp_entry_of(self.codec.pmd_to_entry(bare))
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
        pte.0 & self.flags.pte_mask(flag) != 0
    }

    pub fn pmd_set(&self, pmd: Pmd, flag: SwpFlag) -> Pmd {
        Pmd(pmd.0 | self.flags.pmd_mask(flag))
    }

    pub fn pmd_clear(&self, pmd: Pmd, flag: SwpFlag) -> Pmd {
        Pmd(pmd.0 & !self.flags.pmd_mask(flag))
    }

    pub fn pmd_test(&self, pmd: Pmd, flag: SwpFlag) -> bool {
        pmd.0 & self.flags.pmd_mask(flag) != 0
    }

    /// `pte_is_uffd_marker`: markers userfaultfd handles (write-protect and
    /// poison), not guard regions.
    pub fn pte_is_uffd_marker(&self, pte: Pte) -> Outcome {
        let entry = self.softleaf_from_pte(pte);
        let leaf = self.classify(entry);
        let marker = self.marker_of(entry);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::arch::x86_64::X86_64;

    #[test]
    fn flag_bits_follow_config() {
        let k = Knobs::default();
        let none = SwpFlags::new(&KernelConfig::default(), &X86_64, k);
        assert_eq!(none.pte_mask(SwpFlag::Exclusive), 1 << 3);
        assert_eq!(none.pte_mask(SwpFlag::SoftDirty), 0);
        assert_eq!(none.pte_mask(SwpFlag::Uffd), 0);
        let all = SwpFlags::new(&KernelConfig::from_bits(0xff), &X86_64, k);
        assert_eq!(all.pte_mask(SwpFlag::SoftDirty), 1 << 1);
        assert_eq!(all.pte_mask(SwpFlag::Uffd), 1 << 2);
        assert_eq!(all.pmd_mask(SwpFlag::SoftDirty), 1 << 1);
        let no_pmd = KernelConfig {
            enabled: [ConfigOption::SoftDirty, ConfigOption::UffdWp]
                .into_iter()
                .collect(),
        };
        let no_pmd = SwpFlags::new(&no_pmd, &X86_64, k);
        assert_eq!(no_pmd.pmd_mask(SwpFlag::SoftDirty), 0);
        assert_eq!(no_pmd.pmd_mask(SwpFlag::Uffd), 1 << 2);
    }
}
