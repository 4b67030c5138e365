//! What the model knows about the helpers: each one's name (and earlier
//! spellings), the prototypes it understands, and its layer. The set of
//! helpers a build checks is not this table: it is what the kernel's headers
//! define (`discover`), with the prototypes they declare. A helper this table
//! lacks is still called and checked by properties; one whose prototype is
//! not among those listed here is a "prototype changed" finding.

/// How a helper is called and what its result means: a call shape, derived
/// from the helper's prototype (`prototype::Prototype::sig`). Every wrapper
/// has the same C ABI (`ld_result f(const ld_args *)`); the shape says which
/// argument fields are read and how the 64-bit result is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sig {
    /// A constant macro; absent in variants whose config leaves it undefined.
    Const,
    /// `(a = type, b = offset) -> swp_entry_t`
    TypeOffsetToEntry,
    /// `(a = swp_entry_t) -> unsigned long`
    EntryToWord,
    /// `(a = swp_entry_t) -> bool` (or an `int` truth value)
    EntryToBool,
    /// `(a = swp_entry_t) -> enum softleaf_type`, compared by enumerator name.
    EntryToSoftleafType,
    /// `(a = swp_entry_t) -> swp_entry_t`
    EntryToEntry,
    /// `(a = offset or marker) -> swp_entry_t`
    WordToEntry,
    /// `(a = xarray value pointer) -> swp_entry_t` (`radix_to_swp_entry`)
    RadixToEntry,
    /// `() -> swp_entry_t`
    VoidToEntry,
    /// `() -> bool`
    VoidToBool,
    /// `(page) -> swp_entry_t`
    PageToEntry,
    /// `(page, a = flags word) -> swp_entry_t`
    PageFlagsToEntry,
    /// `(a = swp_entry_t, page attributes) -> page`, result is the page's pfn.
    EntryToPage,
    /// `(a = swp_entry_t) -> pte_t/pmd_t`
    EntryToPte,
    /// `(a = marker) -> pte_t`
    WordToPte,
    /// `(a = pte_t/pmd_t) -> swp_entry_t`
    PteToEntry,
    /// `(a = pte_t/pmd_t) -> pte_t/pmd_t`
    PteToPte,
    /// `(a = pte_t/pmd_t) -> bool`
    PteToBool,
    /// `(a = pte_t/pmd_t) -> page`, result is the page's pfn, all ones for NULL.
    PteToPage,
    /// `(a = arch swp_entry_t) -> unsigned long` (`__swp_type`, `__swp_offset`)
    ArchEntryToWord,
}

impl Sig {
    /// A stable name for the shape: part of a helper's id in case files, so
    /// it must never change for an existing shape.
    pub fn shape(self) -> &'static str {
        match self {
            Sig::Const => "const",
            Sig::TypeOffsetToEntry => "type,offset->entry",
            Sig::EntryToWord => "entry->word",
            Sig::EntryToBool => "entry->bool",
            Sig::EntryToSoftleafType => "entry->softleaf_type",
            Sig::EntryToEntry => "entry->entry",
            Sig::WordToEntry => "word->entry",
            Sig::RadixToEntry => "radix->entry",
            Sig::VoidToEntry => "void->entry",
            Sig::VoidToBool => "void->bool",
            Sig::PageToEntry => "page->entry",
            Sig::PageFlagsToEntry => "page,flags->entry",
            Sig::EntryToPage => "entry->page",
            Sig::EntryToPte => "entry->pte",
            Sig::WordToPte => "word->pte",
            Sig::PteToEntry => "pte->entry",
            Sig::PteToPte => "pte->pte",
            Sig::PteToBool => "pte->bool",
            Sig::PteToPage => "pte->page",
            Sig::ArchEntryToWord => "arch_entry->word",
        }
    }

    /// Whether the helper reads a swap entry (`swp_entry_t`/`softleaf_t`).
    pub fn takes_entry(self) -> bool {
        matches!(
            self,
            Sig::EntryToWord
                | Sig::EntryToBool
                | Sig::EntryToSoftleafType
                | Sig::EntryToEntry
                | Sig::EntryToPte
                | Sig::EntryToPage
        )
    }

    /// Whether the helper reads a page-table word rather than an entry.
    pub fn takes_table_word(self) -> bool {
        matches!(
            self,
            Sig::PteToEntry | Sig::PteToPte | Sig::PteToBool | Sig::PteToPage
        )
    }
}

/// Which layer a helper belongs to; fuzz targets pick layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Constant,
    Entry,
    Classification,
    PageTable,
}

impl Layer {
    /// The layer of a helper the model does not know, from its shape and name.
    pub fn of(name: &str, sig: Sig) -> Layer {
        match sig {
            Sig::Const => Layer::Constant,
            Sig::EntryToPte
            | Sig::WordToPte
            | Sig::PteToEntry
            | Sig::PteToPte
            | Sig::PteToBool
            | Sig::PteToPage
            | Sig::ArchEntryToWord => Layer::PageTable,
            _ if name.starts_with("softleaf_") => Layer::Classification,
            _ => Layer::Entry,
        }
    }
}

/// One helper of this build: a name the kernel defines, the shape its
/// prototype has there, and whether the model understands that prototype.
/// `build.rs` generates the table of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HelperSpec {
    /// The model's spelling when it knows the helper, else the kernel's.
    pub name: &'static str,
    pub sig: Sig,
    pub layer: Layer,
    /// The model evaluates it; otherwise it is checked by properties only.
    pub modelled: bool,
    /// [`helper_id`] of name and shape: what case files name it by.
    pub id: u32,
}

/// A helper the model knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Known {
    /// The current kernel spelling.
    pub name: &'static str,
    /// Earlier spellings of the same helper (7.2 `pte_swp_uffd_wp` for 7.3 `pte_swp_uffd`).
    pub aliases: &'static [&'static str],
    /// The prototypes the model has a meaning for, oldest first.
    pub sigs: &'static [Sig],
    pub layer: Layer,
}

impl Known {
    /// The build-table entry for this helper with its first prototype: for
    /// tests and tools that evaluate the model on its own.
    pub fn spec(&self, sig: Sig) -> HelperSpec {
        HelperSpec {
            name: self.name,
            sig,
            layer: self.layer,
            modelled: self.sigs.contains(&sig),
            id: helper_id(self.name, sig),
        }
    }
}

/// A helper's id in case files: FNV-1a of its name and shape. Derived from
/// the kernel's name, so a helper no table lists has one too, and the same
/// in every build; the shape is part of it because a helper whose prototype
/// changed means something else.
pub fn helper_id(name: &str, sig: Sig) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes().chain([b'/']).chain(sig.shape().bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

const fn h(name: &'static str, sigs: &'static [Sig], layer: Layer) -> Known {
    Known {
        name,
        aliases: &[],
        sigs,
        layer,
    }
}

const fn aka(
    name: &'static str,
    aliases: &'static [&'static str],
    sigs: &'static [Sig],
    layer: Layer,
) -> Known {
    Known {
        name,
        aliases,
        sigs,
        layer,
    }
}

use Layer::*;
use Sig::*;

pub static KNOWN: &[Known] = &[
    // constants
    h("MAX_SWAPFILES_SHIFT", &[Const], Constant),
    h("MAX_SWAPFILES", &[Const], Constant),
    h("SWP_HWPOISON_NUM", &[Const], Constant),
    h("SWP_MIGRATION_NUM", &[Const], Constant),
    h("SWP_DEVICE_NUM", &[Const], Constant),
    h("SWP_PTE_MARKER_NUM", &[Const], Constant),
    h("SWP_HWPOISON", &[Const], Constant),
    h("SWP_MIGRATION_READ", &[Const], Constant),
    h("SWP_MIGRATION_READ_EXCLUSIVE", &[Const], Constant),
    h("SWP_MIGRATION_WRITE", &[Const], Constant),
    h("SWP_DEVICE_WRITE", &[Const], Constant),
    h("SWP_DEVICE_READ", &[Const], Constant),
    h("SWP_DEVICE_EXCLUSIVE", &[Const], Constant),
    h("SWP_DEVICE_EXCLUSIVE_READ", &[Const], Constant),
    h("SWP_DEVICE_EXCLUSIVE_WRITE", &[Const], Constant),
    h("SWP_SWAPIN_ERROR", &[Const], Constant),
    h("SWP_SWAPIN_ERROR_NUM", &[Const], Constant),
    h("SWP_MIGRATION_DEVICE_READ", &[Const], Constant),
    h("SWP_MIGRATION_DEVICE_READ_EXCLUSIVE", &[Const], Constant),
    h("SWP_MIGRATION_DEVICE_WRITE", &[Const], Constant),
    h("SWP_PTE_MARKER", &[Const], Constant),
    h("SWP_TYPE_SHIFT", &[Const], Constant),
    h("SWP_OFFSET_MASK", &[Const], Constant),
    h("SWP_PFN_BITS", &[Const], Constant),
    h("SWP_PFN_MASK", &[Const], Constant),
    h("SWP_MIG_YOUNG_BIT", &[Const], Constant),
    h("SWP_MIG_DIRTY_BIT", &[Const], Constant),
    h("SWP_MIG_TOTAL_BITS", &[Const], Constant),
    h("SWP_MIG_YOUNG", &[Const], Constant),
    h("SWP_MIG_DIRTY", &[Const], Constant),
    h("PTE_MARKER_UFFD_WP", &[Const], Constant),
    h("PTE_MARKER_POISONED", &[Const], Constant),
    h("PTE_MARKER_GUARD", &[Const], Constant),
    h("PTE_MARKER_MASK", &[Const], Constant),
    h("SWP_TYPE_BITS", &[Const], Constant),
    h("SWP_OFFSET_FIRST_BIT", &[Const], Constant),
    h("SWP_OFFSET_SHIFT", &[Const], Constant),
    h("MAX_PHYSMEM_BITS", &[Const], Constant),
    // arch-independent entries
    h("swp_entry", &[TypeOffsetToEntry], Entry),
    h("swp_type", &[EntryToWord], Entry),
    h("swp_offset", &[EntryToWord], Entry),
    h("make_readable_device_private_entry", &[WordToEntry], Entry),
    h("make_writable_device_private_entry", &[WordToEntry], Entry),
    h("make_device_exclusive_entry", &[WordToEntry], Entry),
    h("make_readable_migration_entry", &[WordToEntry], Entry),
    h(
        "make_readable_exclusive_migration_entry",
        &[WordToEntry],
        Entry,
    ),
    h("make_writable_migration_entry", &[WordToEntry], Entry),
    h(
        "make_readable_migration_device_private_entry",
        &[WordToEntry],
        Entry,
    ),
    h(
        "make_readable_exclusive_migration_device_private_entry",
        &[WordToEntry],
        Entry,
    ),
    h(
        "make_writable_migration_device_private_entry",
        &[WordToEntry],
        Entry,
    ),
    h(
        "make_readable_migration_entry_from_page",
        &[PageToEntry, PageFlagsToEntry],
        Entry,
    ),
    h(
        "make_readable_exclusive_migration_entry_from_page",
        &[PageToEntry, PageFlagsToEntry],
        Entry,
    ),
    h(
        "make_writable_migration_entry_from_page",
        &[PageToEntry, PageFlagsToEntry],
        Entry,
    ),
    h(
        "make_readable_device_private_entry_from_page",
        &[PageFlagsToEntry],
        Entry,
    ),
    h(
        "make_writable_device_private_entry_from_page",
        &[PageFlagsToEntry],
        Entry,
    ),
    h("make_hwpoison_entry", &[PageToEntry], Entry),
    h("make_pte_marker_entry", &[WordToEntry], Entry),
    h("make_poisoned_swp_entry", &[VoidToEntry], Entry),
    h("make_guard_swp_entry", &[VoidToEntry], Entry),
    h("make_migration_entry_young", &[EntryToEntry], Entry),
    h("make_migration_entry_dirty", &[EntryToEntry], Entry),
    h("migration_entry_supports_ad", &[VoidToBool], Entry),
    h("is_hwpoison_entry", &[EntryToBool], Entry),
    h("is_device_private_migration_entry", &[EntryToBool], Entry),
    h(
        "is_readable_device_migration_private_entry",
        &[EntryToBool],
        Entry,
    ),
    h(
        "is_writable_device_migration_private_entry",
        &[EntryToBool],
        Entry,
    ),
    h(
        "is_readable_exclusive_device_private_migration_entry",
        &[EntryToBool],
        Entry,
    ),
    h("swp_to_radix_entry", &[EntryToWord], Entry),
    h("radix_to_swp_entry", &[RadixToEntry], Entry),
    // entries before leafops.h (6.1, 6.12)
    h("is_migration_entry", &[EntryToBool], Entry),
    h("is_readable_migration_entry", &[EntryToBool], Entry),
    h(
        "is_readable_exclusive_migration_entry",
        &[EntryToBool],
        Entry,
    ),
    h("is_writable_migration_entry", &[EntryToBool], Entry),
    h("is_device_private_entry", &[EntryToBool], Entry),
    h("is_writable_device_private_entry", &[EntryToBool], Entry),
    h("is_device_exclusive_entry", &[EntryToBool], Entry),
    h("is_writable_device_exclusive_entry", &[EntryToBool], Entry),
    h("is_pte_marker_entry", &[EntryToBool], Entry),
    h("is_swapin_error_entry", &[EntryToBool], Entry),
    h("is_poisoned_swp_entry", &[EntryToBool], Entry),
    h("is_pfn_swap_entry", &[EntryToBool], Entry),
    h("non_swap_entry", &[EntryToBool], Entry),
    h("is_migration_entry_young", &[EntryToBool], Entry),
    h("is_migration_entry_dirty", &[EntryToBool], Entry),
    h("pte_marker_get", &[EntryToWord], Entry),
    h("swp_offset_pfn", &[EntryToWord], Entry),
    h("pfn_swap_entry_to_page", &[EntryToPage], Entry),
    h("pfn_swap_entry_folio", &[EntryToPage], Entry),
    h(
        "make_readable_device_exclusive_entry",
        &[WordToEntry],
        Entry,
    ),
    h(
        "make_writable_device_exclusive_entry",
        &[WordToEntry],
        Entry,
    ),
    h("make_swapin_error_entry", &[PageToEntry], Entry),
    // classification
    h("softleaf_mk_none", &[VoidToEntry], Classification),
    h("softleaf_type", &[EntryToSoftleafType], Classification),
    h("softleaf_is_none", &[EntryToBool], Classification),
    h("softleaf_is_swap", &[EntryToBool], Classification),
    h("softleaf_is_migration", &[EntryToBool], Classification),
    h("softleaf_is_migration_read", &[EntryToBool], Classification),
    h(
        "softleaf_is_migration_read_exclusive",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_migration_write",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private_read",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private_read_exclusive",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private_write",
        &[EntryToBool],
        Classification,
    ),
    h("softleaf_is_device_private", &[EntryToBool], Classification),
    h(
        "softleaf_is_device_private_write",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_device_exclusive",
        &[EntryToBool],
        Classification,
    ),
    h("softleaf_is_hwpoison", &[EntryToBool], Classification),
    h("softleaf_is_marker", &[EntryToBool], Classification),
    h("softleaf_has_pfn", &[EntryToBool], Classification),
    h("softleaf_to_pfn", &[EntryToWord], Classification),
    h("softleaf_to_marker", &[EntryToWord], Classification),
    h("softleaf_to_flags", &[EntryToWord], Classification),
    h("softleaf_is_poison_marker", &[EntryToBool], Classification),
    h("softleaf_is_guard_marker", &[EntryToBool], Classification),
    h("softleaf_is_uffd_wp_marker", &[EntryToBool], Classification),
    h(
        "softleaf_is_migration_young",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_migration_dirty",
        &[EntryToBool],
        Classification,
    ),
    h(
        "softleaf_is_valid_pmd_entry",
        &[EntryToBool],
        Classification,
    ),
    h("softleaf_to_page", &[EntryToPage], Classification),
    h("softleaf_to_folio", &[EntryToPage], Classification),
    // page-table entries
    h("swp_entry_to_pte", &[EntryToPte], PageTable),
    h("swp_entry_to_pmd", &[EntryToPte], PageTable),
    h("softleaf_to_pte", &[EntryToPte], PageTable),
    h("softleaf_to_pmd", &[EntryToPte], PageTable),
    h("softleaf_from_pte", &[PteToEntry], PageTable),
    h("softleaf_from_pmd", &[PteToEntry], PageTable),
    h("make_pte_marker", &[WordToPte], PageTable),
    h("pte_swp_clear_flags", &[PteToPte], PageTable),
    h("pte_swp_mkexclusive", &[PteToPte], PageTable),
    h("pte_swp_exclusive", &[PteToBool], PageTable),
    h("pte_swp_clear_exclusive", &[PteToPte], PageTable),
    h("pte_swp_mksoft_dirty", &[PteToPte], PageTable),
    h("pte_swp_soft_dirty", &[PteToBool], PageTable),
    h("pte_swp_clear_soft_dirty", &[PteToPte], PageTable),
    aka(
        "pte_swp_mkuffd",
        &["pte_swp_mkuffd_wp"],
        &[PteToPte],
        PageTable,
    ),
    aka(
        "pte_swp_uffd",
        &["pte_swp_uffd_wp"],
        &[PteToBool],
        PageTable,
    ),
    aka(
        "pte_swp_clear_uffd",
        &["pte_swp_clear_uffd_wp"],
        &[PteToPte],
        PageTable,
    ),
    h("pmd_swp_mksoft_dirty", &[PteToPte], PageTable),
    h("pmd_swp_soft_dirty", &[PteToBool], PageTable),
    h("pmd_swp_clear_soft_dirty", &[PteToPte], PageTable),
    aka(
        "pmd_swp_mkuffd",
        &["pmd_swp_mkuffd_wp"],
        &[PteToPte],
        PageTable,
    ),
    aka(
        "pmd_swp_uffd",
        &["pmd_swp_uffd_wp"],
        &[PteToBool],
        PageTable,
    ),
    aka(
        "pmd_swp_clear_uffd",
        &["pmd_swp_clear_uffd_wp"],
        &[PteToPte],
        PageTable,
    ),
    h("pte_present", &[PteToBool], PageTable),
    h("pte_none", &[PteToBool], PageTable),
    h("pmd_present", &[PteToBool], PageTable),
    h("pmd_none", &[PteToBool], PageTable),
    h("pte_is_marker", &[PteToBool], PageTable),
    h("pte_is_uffd_wp_marker", &[PteToBool], PageTable),
    h("pte_is_uffd_marker", &[PteToBool], PageTable),
    h("pmd_is_migration_entry", &[PteToBool], PageTable),
    h("pmd_is_device_private_entry", &[PteToBool], PageTable),
    h("pmd_is_valid_softleaf", &[PteToBool], PageTable),
    h("pte_to_swp_entry", &[PteToEntry], PageTable),
    h("pmd_to_swp_entry", &[PteToEntry], PageTable),
    h("is_swap_pte", &[PteToBool], PageTable),
    h("is_pte_marker", &[PteToBool], PageTable),
    h("pte_none_mostly", &[PteToBool], PageTable),
    h("is_pmd_migration_entry", &[PteToBool], PageTable),
    h("__swp_entry", &[TypeOffsetToEntry], PageTable),
    h("__swp_type", &[ArchEntryToWord], PageTable),
    h("__swp_offset", &[ArchEntryToWord], PageTable),
    h("__pte_to_swp_entry", &[PteToEntry], PageTable),
    h("__pmd_to_swp_entry", &[PteToEntry], PageTable),
    h("__swp_entry_to_pte", &[EntryToPte], PageTable),
    h("__swp_entry_to_pmd", &[EntryToPte], PageTable),
];

/// The helper the model knows as `name` (current spelling or an alias).
pub fn known(name: &str) -> Option<&'static Known> {
    static BY_NAME: std::sync::OnceLock<std::collections::HashMap<&'static str, usize>> =
        std::sync::OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        KNOWN
            .iter()
            .enumerate()
            .flat_map(|(i, h)| {
                std::iter::once(h.name)
                    .chain(h.aliases.iter().copied())
                    .map(move |n| (n, i))
            })
            .collect()
    });
    by_name.get(name).map(|&i| &KNOWN[i])
}

/// The `enum softleaf_type` enumerators the model knows, in the model's order.
/// C results are mapped to these by name, never by number: a patch that adds
/// a type renumbers everything after it.
pub const SOFTLEAF_TYPES: &[&str] = &[
    "SOFTLEAF_NONE",
    "SOFTLEAF_SWAP",
    "SOFTLEAF_MIGRATION_READ",
    "SOFTLEAF_MIGRATION_READ_EXCLUSIVE",
    "SOFTLEAF_MIGRATION_WRITE",
    "SOFTLEAF_DEVICE_PRIVATE_READ",
    "SOFTLEAF_DEVICE_PRIVATE_WRITE",
    "SOFTLEAF_DEVICE_EXCLUSIVE",
    "SOFTLEAF_HWPOISON",
    "SOFTLEAF_MARKER",
    "SOFTLEAF_MIGRATION_DEVICE_READ",
    "SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE",
    "SOFTLEAF_MIGRATION_DEVICE_WRITE",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut all: Vec<&str> = KNOWN
            .iter()
            .flat_map(|h| std::iter::once(h.name).chain(h.aliases.iter().copied()))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a helper name or alias appears twice");
    }

    #[test]
    fn lookup_finds_old_spelling() {
        assert_eq!(known("pte_swp_uffd_wp").unwrap().name, "pte_swp_uffd");
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        // Case files name helpers by these ids for months: this value must never change.
        assert_eq!(
            helper_id("softleaf_is_migration_read", EntryToBool),
            0x5463_36ea
        );
        let mut ids: Vec<u32> = KNOWN
            .iter()
            .flat_map(|k| k.sigs.iter().map(move |&s| helper_id(k.name, s)))
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_ne!(
            helper_id("make_readable_migration_entry_from_page", PageToEntry),
            helper_id("make_readable_migration_entry_from_page", PageFlagsToEntry)
        );
    }
}
