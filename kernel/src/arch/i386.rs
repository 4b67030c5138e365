//! x86 32-bit, one encoding per page-table format: 2-level (a 32-bit PTE)
//! and PAE (3-level, a 64-bit PTE while `unsigned long` and `swp_entry_t`
//! stay 32 bits, so the entry is rebuilt on its way into the PTE).
//! Compiled with `-m32` (build.rs derives it from `word_bits`).

use super::Arch;
use crate::config::ConfigOption;
use crate::config::ConfigOption::*;

/// The headers of each page-table format, in the order pgtable_types.h and
/// pgtable_32.h include them: each format's `pgtable-<n>level` pair defines
/// the same names its own way, so an encoding reads its own pair only.
macro_rules! files {
    ($types:literal, $table:literal) => {
        &[
            "arch/x86/include/asm/page_types.h",
            "arch/x86/include/asm/page_32_types.h",
            "arch/x86/include/asm/sparsemem.h",
            $types,
            "arch/x86/include/asm/pgtable_32_types.h",
            "arch/x86/include/asm/pgtable_types.h",
            "arch/x86/include/asm/pgtable.h",
            $table,
            "arch/x86/include/asm/pgtable_32.h",
        ]
    };
}

/// THP migration, soft-dirty and uffd-wp are X86_64-only selects, and
/// ZONE_DEVICE needs SPARSEMEM_VMEMMAP, which x86 enables for X86_64 alone.
const OPTIONS: &[ConfigOption] = &[Migration, MemoryFailure, Swap];

const fn i386(
    name: &'static str,
    id: u8,
    pte_bits: u32,
    files: &'static [&'static str],
    defines: &'static [(&'static str, &'static str)],
    layout: &'static str,
) -> Arch {
    Arch {
        name,
        shims: "i386",
        id,
        word_bits: 32,
        pte_bits,
        shims_need: &[],
        files,
        provided: &[],
        defines,
        cflags: &[],
        options: OPTIONS,
        knobs: &[],
        layout,
        kunit_arch: "i386",
        kunit_skip_if: "!IS_ENABLED(CONFIG_X86_32)",
        table_words: super::TableWords::Value,
        cross: super::Cross::Host,
    }
}

pub const I386: Arch = i386(
    "i386",
    10,
    32,
    // Two levels fold the PMD into the PGD as the generic headers do it.
    &[
        "arch/x86/include/asm/page_types.h",
        "arch/x86/include/asm/page_32_types.h",
        "arch/x86/include/asm/sparsemem.h",
        "arch/x86/include/asm/pgtable-2level_types.h",
        "include/asm-generic/pgtable-nop4d.h",
        "include/asm-generic/pgtable-nopud.h",
        "include/asm-generic/pgtable-nopmd.h",
        "arch/x86/include/asm/pgtable_32_types.h",
        "arch/x86/include/asm/pgtable_types.h",
        "arch/x86/include/asm/pgtable.h",
        "arch/x86/include/asm/pgtable-2level.h",
        "arch/x86/include/asm/pgtable_32.h",
    ],
    &[
        ("CONFIG_X86_32", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "2"),
    ],
    "32-bit PTE: type 5-1, offset 31-9, exclusive 7 (PSE); present 0, PROT_NONE 8",
);

pub const I386_PAE: Arch = i386(
    "i386-pae",
    11,
    64,
    files!(
        "arch/x86/include/asm/pgtable-3level_types.h",
        "arch/x86/include/asm/pgtable-3level.h"
    ),
    &[
        ("CONFIG_X86_32", "1"),
        ("CONFIG_X86_PAE", "1"),
        ("CONFIG_PHYS_ADDR_T_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    "64-bit PTE: type 63-59, ~offset 58-9 (stored inverted), exclusive 7 (PSE); present 0, PROT_NONE 8; a 32-bit swp_entry_t: type 4-0, offset 31-5",
);
