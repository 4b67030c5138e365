//! The helpers under test, as data. `build.rs` generates one C wrapper per
//! entry (skipping the ones a kernel does not define), the oracle looks them up
//! by name, the model implements them by name and the engine chooses arguments
//! by signature, so adding a helper is one line here plus its model.

/// How a helper is called and what its result means. Every wrapper has the same
/// C ABI (`ld_result f(const ld_args *)`); the signature says which argument
/// fields are read and how the 64-bit result is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sig {
    /// A constant macro; absent in variants whose config leaves it undefined.
    Const,
    /// `(a = type, b = offset) -> swp_entry_t`
    TypeOffsetToEntry,
    /// `(a = swp_entry_t) -> unsigned long`
    EntryToWord,
    /// `(a = swp_entry_t) -> bool`
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
    /// `(a = arch swp_entry_t) -> unsigned long` (`__swp_type`, `__swp_offset`)
    ArchEntryToWord,
}

/// Which layer of DESIGN §1 a helper belongs to; fuzz targets pick layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Constant,
    Entry,
    Classification,
    PageTable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HelperSpec {
    /// The current kernel spelling.
    pub name: &'static str,
    /// Earlier spellings of the same helper (7.2 `pte_swp_uffd_wp` for 7.3 `pte_swp_uffd`).
    pub aliases: &'static [&'static str],
    pub sig: Sig,
    pub layer: Layer,
}

const fn h(name: &'static str, sig: Sig, layer: Layer) -> HelperSpec {
    HelperSpec {
        name,
        aliases: &[],
        sig,
        layer,
    }
}

const fn aka(
    name: &'static str,
    aliases: &'static [&'static str],
    sig: Sig,
    layer: Layer,
) -> HelperSpec {
    HelperSpec {
        name,
        aliases,
        sig,
        layer,
    }
}

use Layer::*;
use Sig::*;

pub static HELPERS: &[HelperSpec] = &[
    // constants
    h("MAX_SWAPFILES_SHIFT", Const, Constant),
    h("MAX_SWAPFILES", Const, Constant),
    h("SWP_HWPOISON_NUM", Const, Constant),
    h("SWP_MIGRATION_NUM", Const, Constant),
    h("SWP_DEVICE_NUM", Const, Constant),
    h("SWP_PTE_MARKER_NUM", Const, Constant),
    h("SWP_HWPOISON", Const, Constant),
    h("SWP_MIGRATION_READ", Const, Constant),
    h("SWP_MIGRATION_READ_EXCLUSIVE", Const, Constant),
    h("SWP_MIGRATION_WRITE", Const, Constant),
    h("SWP_DEVICE_WRITE", Const, Constant),
    h("SWP_DEVICE_READ", Const, Constant),
    h("SWP_DEVICE_EXCLUSIVE", Const, Constant),
    h("SWP_MIGRATION_DEVICE_READ", Const, Constant),
    h("SWP_MIGRATION_DEVICE_READ_EXCLUSIVE", Const, Constant),
    h("SWP_MIGRATION_DEVICE_WRITE", Const, Constant),
    h("SWP_PTE_MARKER", Const, Constant),
    h("SWP_TYPE_SHIFT", Const, Constant),
    h("SWP_OFFSET_MASK", Const, Constant),
    h("SWP_PFN_BITS", Const, Constant),
    h("SWP_PFN_MASK", Const, Constant),
    h("SWP_MIG_YOUNG_BIT", Const, Constant),
    h("SWP_MIG_DIRTY_BIT", Const, Constant),
    h("SWP_MIG_TOTAL_BITS", Const, Constant),
    h("PTE_MARKER_UFFD_WP", Const, Constant),
    h("PTE_MARKER_POISONED", Const, Constant),
    h("PTE_MARKER_GUARD", Const, Constant),
    h("PTE_MARKER_MASK", Const, Constant),
    h("SWP_TYPE_BITS", Const, Constant),
    h("SWP_OFFSET_FIRST_BIT", Const, Constant),
    h("SWP_OFFSET_SHIFT", Const, Constant),
    h("MAX_PHYSMEM_BITS", Const, Constant),
    // arch-independent entries
    h("swp_entry", TypeOffsetToEntry, Entry),
    h("swp_type", EntryToWord, Entry),
    h("swp_offset", EntryToWord, Entry),
    h("make_readable_device_private_entry", WordToEntry, Entry),
    h("make_writable_device_private_entry", WordToEntry, Entry),
    h("make_device_exclusive_entry", WordToEntry, Entry),
    h("make_readable_migration_entry", WordToEntry, Entry),
    h(
        "make_readable_exclusive_migration_entry",
        WordToEntry,
        Entry,
    ),
    h("make_writable_migration_entry", WordToEntry, Entry),
    h(
        "make_readable_migration_device_private_entry",
        WordToEntry,
        Entry,
    ),
    h(
        "make_readable_exclusive_migration_device_private_entry",
        WordToEntry,
        Entry,
    ),
    h(
        "make_writable_migration_device_private_entry",
        WordToEntry,
        Entry,
    ),
    h(
        "make_readable_migration_entry_from_page",
        PageToEntry,
        Entry,
    ),
    h(
        "make_readable_exclusive_migration_entry_from_page",
        PageToEntry,
        Entry,
    ),
    h(
        "make_writable_migration_entry_from_page",
        PageToEntry,
        Entry,
    ),
    h("make_hwpoison_entry", PageToEntry, Entry),
    h("make_pte_marker_entry", WordToEntry, Entry),
    h("make_poisoned_swp_entry", VoidToEntry, Entry),
    h("make_guard_swp_entry", VoidToEntry, Entry),
    h("make_migration_entry_young", EntryToEntry, Entry),
    h("make_migration_entry_dirty", EntryToEntry, Entry),
    h("migration_entry_supports_ad", VoidToBool, Entry),
    h("is_hwpoison_entry", EntryToBool, Entry),
    h("is_device_private_migration_entry", EntryToBool, Entry),
    h(
        "is_readable_device_migration_private_entry",
        EntryToBool,
        Entry,
    ),
    h(
        "is_writable_device_migration_private_entry",
        EntryToBool,
        Entry,
    ),
    h(
        "is_readable_exclusive_device_private_migration_entry",
        EntryToBool,
        Entry,
    ),
    h("swp_to_radix_entry", EntryToWord, Entry),
    h("radix_to_swp_entry", RadixToEntry, Entry),
    // classification
    h("softleaf_type", EntryToSoftleafType, Classification),
    h("softleaf_is_none", EntryToBool, Classification),
    h("softleaf_is_swap", EntryToBool, Classification),
    h("softleaf_is_migration", EntryToBool, Classification),
    h("softleaf_is_migration_read", EntryToBool, Classification),
    h(
        "softleaf_is_migration_read_exclusive",
        EntryToBool,
        Classification,
    ),
    h("softleaf_is_migration_write", EntryToBool, Classification),
    h(
        "softleaf_is_migration_device_private",
        EntryToBool,
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private_read",
        EntryToBool,
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private_read_exclusive",
        EntryToBool,
        Classification,
    ),
    h(
        "softleaf_is_migration_device_private_write",
        EntryToBool,
        Classification,
    ),
    h("softleaf_is_device_private", EntryToBool, Classification),
    h(
        "softleaf_is_device_private_write",
        EntryToBool,
        Classification,
    ),
    h("softleaf_is_device_exclusive", EntryToBool, Classification),
    h("softleaf_is_hwpoison", EntryToBool, Classification),
    h("softleaf_is_marker", EntryToBool, Classification),
    h("softleaf_has_pfn", EntryToBool, Classification),
    h("softleaf_to_pfn", EntryToWord, Classification),
    h("softleaf_to_marker", EntryToWord, Classification),
    h("softleaf_is_poison_marker", EntryToBool, Classification),
    h("softleaf_is_guard_marker", EntryToBool, Classification),
    h("softleaf_is_uffd_wp_marker", EntryToBool, Classification),
    h("softleaf_is_migration_young", EntryToBool, Classification),
    h("softleaf_is_migration_dirty", EntryToBool, Classification),
    h("softleaf_is_valid_pmd_entry", EntryToBool, Classification),
    h("softleaf_to_page", EntryToPage, Classification),
    h("softleaf_to_folio", EntryToPage, Classification),
    // page-table entries
    h("swp_entry_to_pte", EntryToPte, PageTable),
    h("swp_entry_to_pmd", EntryToPte, PageTable),
    h("softleaf_to_pte", EntryToPte, PageTable),
    h("softleaf_to_pmd", EntryToPte, PageTable),
    h("softleaf_from_pte", PteToEntry, PageTable),
    h("softleaf_from_pmd", PteToEntry, PageTable),
    h("make_pte_marker", WordToPte, PageTable),
    h("pte_swp_clear_flags", PteToPte, PageTable),
    h("pte_swp_mkexclusive", PteToPte, PageTable),
    h("pte_swp_exclusive", PteToBool, PageTable),
    h("pte_swp_clear_exclusive", PteToPte, PageTable),
    h("pte_swp_mksoft_dirty", PteToPte, PageTable),
    h("pte_swp_soft_dirty", PteToBool, PageTable),
    h("pte_swp_clear_soft_dirty", PteToPte, PageTable),
    aka(
        "pte_swp_mkuffd",
        &["pte_swp_mkuffd_wp"],
        PteToPte,
        PageTable,
    ),
    aka("pte_swp_uffd", &["pte_swp_uffd_wp"], PteToBool, PageTable),
    aka(
        "pte_swp_clear_uffd",
        &["pte_swp_clear_uffd_wp"],
        PteToPte,
        PageTable,
    ),
    h("pmd_swp_mksoft_dirty", PteToPte, PageTable),
    h("pmd_swp_soft_dirty", PteToBool, PageTable),
    h("pmd_swp_clear_soft_dirty", PteToPte, PageTable),
    aka(
        "pmd_swp_mkuffd",
        &["pmd_swp_mkuffd_wp"],
        PteToPte,
        PageTable,
    ),
    aka("pmd_swp_uffd", &["pmd_swp_uffd_wp"], PteToBool, PageTable),
    aka(
        "pmd_swp_clear_uffd",
        &["pmd_swp_clear_uffd_wp"],
        PteToPte,
        PageTable,
    ),
    h("pte_present", PteToBool, PageTable),
    h("pte_none", PteToBool, PageTable),
    h("pmd_present", PteToBool, PageTable),
    h("pmd_none", PteToBool, PageTable),
    h("pte_is_marker", PteToBool, PageTable),
    h("pte_is_uffd_wp_marker", PteToBool, PageTable),
    h("pte_is_uffd_marker", PteToBool, PageTable),
    h("pmd_is_migration_entry", PteToBool, PageTable),
    h("pmd_is_device_private_entry", PteToBool, PageTable),
    h("pmd_is_valid_softleaf", PteToBool, PageTable),
    h("__swp_entry", TypeOffsetToEntry, PageTable),
    h("__swp_type", ArchEntryToWord, PageTable),
    h("__swp_offset", ArchEntryToWord, PageTable),
    h("__pte_to_swp_entry", PteToEntry, PageTable),
    h("__pmd_to_swp_entry", PteToEntry, PageTable),
    h("__swp_entry_to_pte", EntryToPte, PageTable),
    h("__swp_entry_to_pmd", EntryToPte, PageTable),
];

/// The helper spelled `name` (current spelling or an alias). Hashed once:
/// fuzz targets look helpers up on every input.
pub fn lookup(name: &str) -> Option<&'static HelperSpec> {
    static BY_NAME: std::sync::OnceLock<std::collections::HashMap<&'static str, usize>> =
        std::sync::OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        HELPERS
            .iter()
            .enumerate()
            .flat_map(|(i, h)| {
                std::iter::once(h.name)
                    .chain(h.aliases.iter().copied())
                    .map(move |n| (n, i))
            })
            .collect()
    });
    by_name.get(name).map(|&i| &HELPERS[i])
}

/// Position of `helper` in `HELPERS`, for tables indexed by helper.
pub fn index(helper: &HelperSpec) -> usize {
    let offset = (helper as *const HelperSpec as usize).wrapping_sub(HELPERS.as_ptr() as usize);
    let i = offset / std::mem::size_of::<HelperSpec>();
    assert!(
        i < HELPERS.len(),
        "{} is not an entry of HELPERS",
        helper.name
    );
    i
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
        let mut all: Vec<&str> = HELPERS
            .iter()
            .flat_map(|h| std::iter::once(h.name).chain(h.aliases.iter().copied()))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a helper name or alias appears twice");
    }

    #[test]
    fn index_is_the_table_position() {
        for (i, h) in HELPERS.iter().enumerate() {
            assert_eq!(index(h), i);
            assert_eq!(index(lookup(h.name).unwrap()), i);
        }
    }

    #[test]
    fn lookup_finds_old_spelling() {
        assert_eq!(lookup("pte_swp_uffd_wp").unwrap().name, "pte_swp_uffd");
    }
}
