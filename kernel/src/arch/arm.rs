//! 32-bit arm, one encoding per page-table format: the classic 2-level
//! tables (a 32-bit Linux PTE beside the hardware one) and LPAE (3-level,
//! 64-bit PTEs while `unsigned long` and `swp_entry_t` stay 32 bits).
//! Compiled with `-m32` (build.rs derives it from `word_bits`).

use super::Arch;
use crate::config::ConfigOption;
use crate::config::ConfigOption::*;

/// The headers of each format, in the order pgtable.h includes them: each
/// `pgtable-<n>level` set defines the same names its own way.
macro_rules! files {
    ($types:literal, $hwdef:literal, $table:literal) => {
        &[
            // PAGE_SHIFT: Debian 6.1's and 6.12's define it here, 7.x's
            // take it from vdso/page.h.
            "arch/arm/include/asm/page.h",
            "arch/arm/include/asm/sparsemem.h",
            $types,
            "include/asm-generic/pgtable-nop4d.h",
            "include/asm-generic/pgtable-nopud.h",
            $hwdef,
            "arch/arm/include/asm/pgtable-hwdef.h",
            $table,
            "arch/arm/include/asm/pgtable.h",
        ]
    };
}

/// arm selects ARCH_ENABLE_THP_MIGRATION nowhere, nor HAVE_ARCH_SOFT_DIRTY
/// or HAVE_ARCH_USERFAULTFD_WP; ZONE_DEVICE needs memory hot-remove, which
/// arm lacks, and it does not select ARCH_SUPPORTS_MEMORY_FAILURE.
const OPTIONS: &[ConfigOption] = &[Migration, Swap];

const fn arm(
    name: &'static str,
    id: u8,
    pte_bits: u32,
    files: &'static [&'static str],
    defines: &'static [(&'static str, &'static str)],
    layout: &'static str,
) -> Arch {
    Arch {
        name,
        shims: "arm",
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
        kunit_arch: "arm",
        kunit_skip_if: "!IS_ENABLED(CONFIG_ARM)",
        table_words: super::TableWords::Value,
        cross: super::Cross::Clang {
            triplet: "arm-linux-gnueabihf",
            debian_arch: "armhf",
            qemu: "arm",
        },
    }
}

pub const ARM: Arch = arm(
    "arm",
    12,
    32,
    files!(
        "arch/arm/include/asm/pgtable-2level-types.h",
        "arch/arm/include/asm/pgtable-2level-hwdef.h",
        "arch/arm/include/asm/pgtable-2level.h"
    ),
    &[
        ("CONFIG_ARM", "1"),
        ("CONFIG_MMU", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "2"),
    ],
    "32-bit Linux PTE: type 6-2, exclusive 7 (RDONLY), offset 31-8; present 0, none = all zero",
);

pub const ARM_LPAE: Arch = arm(
    "arm-lpae",
    13,
    64,
    files!(
        "arch/arm/include/asm/pgtable-3level-types.h",
        "arch/arm/include/asm/pgtable-3level-hwdef.h",
        "arch/arm/include/asm/pgtable-3level.h"
    ),
    &[
        ("CONFIG_ARM", "1"),
        ("CONFIG_MMU", "1"),
        ("CONFIG_ARM_LPAE", "1"),
        ("CONFIG_PHYS_ADDR_T_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    "64-bit PTE holding the 32-bit entry: type 6-2, exclusive 7, offset 31-8; present 1-0, PROT_NONE 57, none = all zero",
);
