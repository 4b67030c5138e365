//! `softleaf_type()` and everything built on it.
//!
//! Every `softleaf_*` predicate classifies its entry first, and classifying
//! an entry whose type number is neither a swap file nor a special type this
//! config defines is a kernel bug worth a warning (the entry then reads as
//! none). So any helper that classifies warns on such an entry, whatever it
//! was asked; helpers that only compare the type number do not.

use super::entries::{PteMarker, SwpEntry};
use super::out::{self, Record};
use super::types::SoftleafType;
use super::Ctx;
use crate::call::{Outcome, Page};
use leafdiff_kernel::config::ConfigOption;

/// An entry as classification sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    pub entry: SwpEntry,
    pub kind: SoftleafType,
    /// Classifying it warned: its type number means nothing in this config.
    pub unknown: bool,
}

impl Leaf {
    /// A result computed from this classification, carrying its warning.
    pub fn answer(&self, value: u64) -> Outcome {
        out::value(value).warned_if(self.unknown)
    }
}

impl Ctx<'_> {
    /// `softleaf_type`.
    pub fn classify(&self, entry: SwpEntry) -> Leaf {
        let leaf = |kind, unknown| Leaf {
            entry,
            kind,
            unknown,
        };
        if entry.is_none() {
            return leaf(SoftleafType::None, false);
        }
        let type_num = self.widths.swp_type(entry);
        if type_num < u64::from(self.types.max_swapfiles) {
            return leaf(SoftleafType::Swap, false);
        }
        match self.types.kind_of(type_num) {
            Some(kind) => leaf(kind.softleaf_type(), false),
            None => leaf(SoftleafType::None, true),
        }
    }

    /// The pfn a pfn entry carries.
    pub fn pfn_of(&self, entry: SwpEntry) -> u64 {
        self.pfn.pfn(self.widths, entry)
    }

    /// The marker a marker entry carries.
    pub fn marker_of(&self, entry: SwpEntry) -> PteMarker {
        PteMarker::of(self.widths, entry)
    }

    /// A yes/no question about the entry's softleaf type.
    pub fn leaf_is(&self, entry: SwpEntry, test: impl Fn(SoftleafType) -> bool) -> Outcome {
        let leaf = self.classify(entry);
        leaf.answer(u64::from(test(leaf.kind)))
    }

    /// Is it a marker with `bit` set (`softleaf_is_{poison,guard,uffd_wp}_marker`)?
    pub fn leaf_is_marker_with(&self, entry: SwpEntry, bit: PteMarker) -> Outcome {
        let leaf = self.classify(entry);
        let yes = leaf.kind == SoftleafType::Marker && self.marker_of(entry).contains(bit);
        leaf.answer(u64::from(yes))
    }

    /// `softleaf_to_marker`: only meaningful for markers, warns otherwise.
    pub fn softleaf_to_marker(&self, entry: SwpEntry) -> Outcome {
        let leaf = self.classify(entry);
        leaf.answer(self.marker_of(entry).0)
            .warned_if(leaf.kind != SoftleafType::Marker)
    }

    /// `softleaf_to_flags` (the series from its second revision): the
    /// young/dirty bits of a migration entry's offset, to be carried into
    /// the entry that replaces it; only meaningful for migration entries.
    pub fn softleaf_to_flags(&self, entry: SwpEntry) -> Outcome {
        let leaf = self.classify(entry);
        leaf.answer(self.widths.swp_offset(entry) & (self.pfn.young() | self.pfn.dirty()))
            .warned_if(!leaf.kind.is_migration())
    }

    /// `softleaf_to_pfn`: only meaningful for pfn entries, warns otherwise.
    pub fn softleaf_to_pfn(&self, entry: SwpEntry) -> Outcome {
        let leaf = self.classify(entry);
        leaf.answer(self.pfn_of(entry))
            .warned_if(!leaf.kind.has_pfn())
    }

    /// `softleaf_to_page`/`softleaf_to_folio`: the page at the entry's pfn
    /// (answered as that pfn). Besides the pfn check, a migration entry may
    /// only be followed while its folio is locked, which is warned about.
    pub fn softleaf_to_page(&self, entry: SwpEntry, page: &Page) -> Outcome {
        let leaf = self.classify(entry);
        let unlocked_migration = leaf.kind.is_migration() && !page.locked;
        leaf.answer(self.pfn_of(entry))
            .warned_if(!leaf.kind.has_pfn() || unlocked_migration)
    }

    /// `softleaf_is_migration_young`/`_dirty` (`bit` is the A or D bit): the
    /// bit is only meaningful when the kernel stores A/D bits in migration
    /// entries; asking a non-migration entry is a bug the migration code
    /// warns about. Without migration support the answer is a plain no.
    pub fn softleaf_is_migration_ad(&self, entry: SwpEntry, bit: u64) -> Outcome {
        if !self.has(ConfigOption::Migration) {
            return out::flag(false);
        }
        let leaf = self.classify(entry);
        let set = self.migration_entry_supports_ad() && self.widths.swp_offset(entry) & bit != 0;
        leaf.answer(u64::from(set))
            .warned_if(!leaf.kind.is_migration())
    }
}
