//! The macro constants under test. A constant the config leaves undefined
//! (the number of a type it does not reserve) answers `None`; the `*_NUM`
//! counts are always defined, as 0 when their block is off.

use super::entries::PteMarker;
use super::types::{SwpKind, MAX_SWAPFILES_SHIFT};
use super::Ctx;

impl Ctx<'_> {
    pub fn constant(&self, name: &str) -> Option<u64> {
        if let Some(kind) = SwpKind::from_name(name) {
            return self.types.number(kind).map(u64::from);
        }
        let t = &self.types;
        let knobs = self.args.knobs;
        if let Some(value) = self.codec.constant(name, knobs) {
            return Some(value);
        }
        let value = match name {
            "MAX_SWAPFILES_SHIFT" => MAX_SWAPFILES_SHIFT.into(),
            "MAX_SWAPFILES" => t.max_swapfiles.into(),
            "SWP_HWPOISON_NUM" => t.hwpoison_num.into(),
            "SWP_MIGRATION_NUM" => t.migration_num.into(),
            "SWP_DEVICE_NUM" => t.device_num.into(),
            "SWP_PTE_MARKER_NUM" => t.pte_marker_num.into(),
            "SWP_SWAPIN_ERROR_NUM" => t.swapin_error_num.into(),
            "SWP_TYPE_SHIFT" => self.widths.swp_type_shift().into(),
            "SWP_OFFSET_MASK" => self.widths.swp_offset_mask(),
            "SWP_PFN_BITS" => self.pfn.pfn_bits.into(),
            "SWP_PFN_MASK" => self.pfn.pfn_mask(),
            "SWP_MIG_YOUNG_BIT" => self.pfn.young_bit().into(),
            "SWP_MIG_DIRTY_BIT" => self.pfn.dirty_bit().into(),
            "SWP_MIG_TOTAL_BITS" => self.pfn.total_bits().into(),
            "SWP_MIG_YOUNG" => self.pfn.young(),
            "SWP_MIG_DIRTY" => self.pfn.dirty(),
            "PTE_MARKER_UFFD_WP" => PteMarker::UFFD_WP.0,
            "PTE_MARKER_POISONED" => PteMarker::POISONED.0,
            "PTE_MARKER_GUARD" => PteMarker::GUARD.0,
            "PTE_MARKER_MASK" => self.features.generation.marker_mask().0,
            "MAX_PHYSMEM_BITS" => self.codec.max_physmem_bits(knobs)?.into(),
            _ => return None,
        };
        Some(value)
    }
}
