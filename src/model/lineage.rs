//! One meaning across kernel generations (ARCHITECTURE.md §8): the
//! spellings a helper has had, and what changed about its answers in
//! which generation. `engine::across` holds every pair of kernels in a build
//! to it: where nothing changed, the old and the new spelling must give the
//! same answer on the same entry.

use super::Generation::{self, Softleaf, Swapops};

/// The part of an answer a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Output {
    Value,
    Warning,
    Bug,
}

impl Output {
    pub fn name(self) -> &'static str {
        match self {
            Output::Value => "value",
            Output::Warning => "warning",
            Output::Bug => "BUG",
        }
    }
}

/// A change to a helper's answers, made by the generation `since`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub since: Generation,
    pub output: Output,
    pub what: &'static str,
}

/// One helper's meaning, with its spellings oldest first (a kernel is asked
/// by the newest it defines) and the changes made to it.
#[derive(Debug, Clone, Copy)]
pub struct Lineage {
    pub spellings: &'static [&'static str],
    pub changes: &'static [Change],
}

impl Lineage {
    /// The change that explains `output` differing between a kernel of
    /// generation `old` and one of `new`, if the model names one.
    pub fn explains(&self, output: Output, old: Generation, new: Generation) -> Option<&Change> {
        self.changes
            .iter()
            .find(|c| c.output == output && old < c.since && c.since <= new)
    }
}

const CLASSIFIES: Change = Change {
    since: Softleaf,
    output: Output::Warning,
    what: "softleaf_type() classifies first, and warns on a type number the config does not define",
};

/// Reading the pfn of an entry that holds none.
const PFN_READ: &[Change] = &[
    Change {
        since: Softleaf,
        output: Output::Bug,
        what: "reading the pfn of an entry that holds none is no longer a VM_BUG_ON",
    },
    Change {
        since: Softleaf,
        output: Output::Warning,
        what: "reading the pfn of an entry that holds none warns instead",
    },
];

/// Following a pfn entry to its page.
const PAGE_READ: &[Change] = &[
    Change {
        since: Softleaf,
        output: Output::Bug,
        what: "a pfn read of an entry without one, or a migration entry of an unlocked page, is no longer a (VM_)BUG_ON",
    },
    Change {
        since: Softleaf,
        output: Output::Warning,
        what: "a pfn read of an entry without one, or a migration entry of an unlocked page, warns instead",
    },
];

const MIGRATION_AD: &[Change] = &[Change {
    since: Softleaf,
    output: Output::Warning,
    what: "asking an entry that is not a migration entry warns",
}];

const fn same_but_classified(spellings: &'static [&'static str]) -> Lineage {
    Lineage {
        spellings,
        changes: &[CLASSIFIES],
    }
}

pub const LINEAGES: &[Lineage] = &[
    same_but_classified(&["is_migration_entry", "softleaf_is_migration"]),
    same_but_classified(&["is_readable_migration_entry", "softleaf_is_migration_read"]),
    same_but_classified(&[
        "is_readable_exclusive_migration_entry",
        "softleaf_is_migration_read_exclusive",
    ]),
    same_but_classified(&["is_writable_migration_entry", "softleaf_is_migration_write"]),
    same_but_classified(&["is_device_private_entry", "softleaf_is_device_private"]),
    same_but_classified(&[
        "is_writable_device_private_entry",
        "softleaf_is_device_private_write",
    ]),
    same_but_classified(&["is_device_exclusive_entry", "softleaf_is_device_exclusive"]),
    same_but_classified(&["is_hwpoison_entry", "softleaf_is_hwpoison"]),
    same_but_classified(&["is_pte_marker_entry", "softleaf_is_marker"]),
    same_but_classified(&["is_pfn_swap_entry", "softleaf_has_pfn"]),
    same_but_classified(&["is_poisoned_swp_entry", "softleaf_is_poison_marker"]),
    Lineage {
        spellings: &["swp_offset_pfn", "softleaf_to_pfn"],
        changes: PFN_READ,
    },
    Lineage {
        spellings: &["pfn_swap_entry_to_page", "softleaf_to_page"],
        changes: PAGE_READ,
    },
    Lineage {
        spellings: &["pfn_swap_entry_folio", "softleaf_to_folio"],
        changes: PAGE_READ,
    },
    Lineage {
        spellings: &["is_migration_entry_young", "softleaf_is_migration_young"],
        changes: MIGRATION_AD,
    },
    Lineage {
        spellings: &["is_migration_entry_dirty", "softleaf_is_migration_dirty"],
        changes: MIGRATION_AD,
    },
    Lineage {
        spellings: &["pte_marker_get", "softleaf_to_marker"],
        changes: &[
            Change {
                since: Swapops,
                output: Output::Value,
                what: "markers exist in every config (6.1: only with CONFIG_PTE_MARKER) and PTE_MARKER_POISONED joins the marker bits",
            },
            Change {
                since: Softleaf,
                output: Output::Value,
                what: "PTE_MARKER_GUARD joins the marker bits",
            },
            Change {
                since: Softleaf,
                output: Output::Warning,
                what: "asking an entry that is not a marker warns",
            },
        ],
    },
];
