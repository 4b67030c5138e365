//! What the model knows about the helpers: each one's name (and earlier
//! spellings), the prototypes it understands, and its layer. The set of
//! helpers a build checks is not this table: it is what the kernel's headers
//! define (`discover`), with the prototypes they declare. A helper this table
//! lacks is still called and checked by properties; one whose prototype is
//! not among those listed here is a "prototype changed" finding.

/// How a helper is called and what its result means: a call shape, derived
/// from the helper's prototype (`prototype::Prototype::sig`). Every wrapper
/// has the same C ABI (`ld_result f(const ld_args *)`); the shape's
/// [`Shape`] (the one table of them is [`Sig::shape`]) says which argument
/// fields are read as what, and how the 64-bit result is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sig {
    Const,
    TypeOffsetToEntry,
    EntryToWord,
    EntryToBool,
    EntryToSoftleafType,
    EntryToEntry,
    WordToEntry,
    RadixToEntry,
    VoidToEntry,
    VoidToBool,
    PageToEntry,
    PageFlagsToEntry,
    EntryToPage,
    EntryToPte,
    WordToPte,
    PteToEntry,
    PteToPte,
    PteToBool,
    PteToPage,
    ArchEntryToWord,
}

/// One parameter of a call shape. A call carries its parameters in order
/// in the `a` and `b` words of `ld_args`, but for the page, which is the
/// call's own (`Args::page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// A swap type number.
    Type,
    /// An `unsigned long`: an offset, a marker, flags.
    Word,
    /// A swap entry, `swp_entry_t`/`softleaf_t`.
    Entry,
    /// A `swp_entry_t` in the arch's own format, as `__swp_type` reads it.
    ArchEntry,
    /// A page-table word, `pte_t` or `pmd_t` as the helper's name says.
    TableWord,
    /// An XArray value pointer (`radix_to_swp_entry`).
    Radix,
    /// The call's page, passed as `struct page *`.
    Page,
}

/// The page-table word a `pte_*`/`pmd_*` helper takes or makes, `pte` or
/// `pmd`, as its name says (`<table>_t`, `__<table>()`, `<table>_val()`).
pub fn table_of(helper: &str) -> &'static str {
    if helper.contains("pmd") {
        "pmd"
    } else {
        "pte"
    }
}

/// What a call shape's result is, and how its 64-bit answer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A constant macro's value, absent in variants whose config leaves it
    /// undefined: no call at all.
    Constant,
    /// A swap entry's word.
    Entry,
    /// An `unsigned long`, or a pointer's address.
    Word,
    /// A truth value (`bool` or an `int` one), 0 or 1.
    Truth,
    /// An `enum softleaf_type`, compared by enumerator name.
    SoftleafType,
    /// A page-table word.
    TableWord,
    /// A `struct page *`, as its pfn; all ones for NULL.
    Page,
}

/// A call shape described: its stable name, parameters and answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Part of a helper's id in case files, so it must never change for an
    /// existing shape.
    pub name: &'static str,
    pub params: &'static [Param],
    pub answer: Answer,
}

impl Shape {
    /// Each parameter with the call word that carries it: 0 for `a`, 1 for
    /// `b`, in order; `None` for the page, which is the call's own.
    pub fn carried(&self) -> impl Iterator<Item = (Param, Option<usize>)> + '_ {
        let mut next = 0;
        self.params.iter().map(move |&param| {
            if param == Param::Page {
                return (param, None);
            }
            next += 1;
            (param, Some(next - 1))
        })
    }
}

impl Sig {
    /// Every shape, for code that derives a shape from its description.
    pub const ALL: [Sig; 20] = [
        Sig::Const,
        Sig::TypeOffsetToEntry,
        Sig::EntryToWord,
        Sig::EntryToBool,
        Sig::EntryToSoftleafType,
        Sig::EntryToEntry,
        Sig::WordToEntry,
        Sig::RadixToEntry,
        Sig::VoidToEntry,
        Sig::VoidToBool,
        Sig::PageToEntry,
        Sig::PageFlagsToEntry,
        Sig::EntryToPage,
        Sig::EntryToPte,
        Sig::WordToPte,
        Sig::PteToEntry,
        Sig::PteToPte,
        Sig::PteToBool,
        Sig::PteToPage,
        Sig::ArchEntryToWord,
    ];

    /// The one description of each shape, which the prototype reader, the
    /// wrapper generator, the sweep, `describe`, signatures and reproducers
    /// all read.
    pub const fn shape(self) -> Shape {
        use Answer as A;
        use Param::*;
        let (name, params, answer): (_, &'static [Param], _) = match self {
            Sig::Const => ("const", &[], A::Constant),
            Sig::TypeOffsetToEntry => ("type,offset->entry", &[Type, Word], A::Entry),
            Sig::EntryToWord => ("entry->word", &[Entry], A::Word),
            Sig::EntryToBool => ("entry->bool", &[Entry], A::Truth),
            Sig::EntryToSoftleafType => ("entry->softleaf_type", &[Entry], A::SoftleafType),
            Sig::EntryToEntry => ("entry->entry", &[Entry], A::Entry),
            Sig::WordToEntry => ("word->entry", &[Word], A::Entry),
            Sig::RadixToEntry => ("radix->entry", &[Radix], A::Entry),
            Sig::VoidToEntry => ("void->entry", &[], A::Entry),
            Sig::VoidToBool => ("void->bool", &[], A::Truth),
            Sig::PageToEntry => ("page->entry", &[Page], A::Entry),
            Sig::PageFlagsToEntry => ("page,flags->entry", &[Page, Word], A::Entry),
            Sig::EntryToPage => ("entry->page", &[Entry], A::Page),
            Sig::EntryToPte => ("entry->pte", &[Entry], A::TableWord),
            Sig::WordToPte => ("word->pte", &[Word], A::TableWord),
            Sig::PteToEntry => ("pte->entry", &[TableWord], A::Entry),
            Sig::PteToPte => ("pte->pte", &[TableWord], A::TableWord),
            Sig::PteToBool => ("pte->bool", &[TableWord], A::Truth),
            Sig::PteToPage => ("pte->page", &[TableWord], A::Page),
            Sig::ArchEntryToWord => ("arch_entry->word", &[ArchEntry], A::Word),
        };
        Shape {
            name,
            params,
            answer,
        }
    }

    pub fn params(self) -> &'static [Param] {
        self.shape().params
    }

    pub fn answer(self) -> Answer {
        self.shape().answer
    }

    /// Whether the helper reads a swap entry (`swp_entry_t`/`softleaf_t`).
    pub fn takes_entry(self) -> bool {
        self.params() == [Param::Entry]
    }

    /// Whether the helper reads a page-table word rather than an entry.
    pub fn takes_table_word(self) -> bool {
        self.params() == [Param::TableWord]
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
        let shape = sig.shape();
        let page_table = shape.answer == Answer::TableWord
            || shape
                .params
                .iter()
                .any(|p| matches!(p, Param::TableWord | Param::ArchEntry));
        match shape.answer {
            Answer::Constant => Layer::Constant,
            _ if page_table => Layer::PageTable,
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
    for b in name.bytes().chain([b'/']).chain(sig.shape().name.bytes()) {
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

    #[test]
    fn shapes_are_named_once_and_carry_at_most_two_words() {
        let mut names: Vec<&str> = Sig::ALL.iter().map(|s| s.shape().name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Sig::ALL.len());
        for sig in Sig::ALL {
            let words: Vec<usize> = sig.shape().carried().filter_map(|(_, w)| w).collect();
            assert!(words.len() <= 2, "{sig:?}");
            assert_eq!(words, (0..words.len()).collect::<Vec<_>>(), "{sig:?}");
        }
        // The flags after a page are the call's first word.
        let flags: Vec<_> = PageFlagsToEntry.shape().carried().collect();
        assert_eq!(flags, [(Param::Page, None), (Param::Word, Some(0))]);
    }
}
