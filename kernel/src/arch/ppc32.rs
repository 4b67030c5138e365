//! powerpc book3s32 (the 603/604/G3/G4 hash MMU, as Debian's powerpc port
//! runs), 4K pages, 2-level tables. Compiled with `-m32` (build.rs derives
//! it from `word_bits`).

use super::Arch;
use crate::config::ConfigOption::*;

pub const PPC32: Arch = Arch {
    name: "ppc32",
    shims: "ppc32",
    id: 16,
    word_bits: 32,
    pte_bits: 32,
    shims_need: &[],
    files: &[
        "arch/powerpc/include/asm/page.h",
        "arch/powerpc/include/asm/page_32.h",
        "arch/powerpc/include/asm/pgtable-types.h",
        "include/asm-generic/pgtable-nop4d.h",
        "include/asm-generic/pgtable-nopud.h",
        "include/asm-generic/pgtable-nopmd.h",
        "arch/powerpc/include/asm/book3s/32/pgtable.h",
    ],
    provided: &[],
    defines: &[
        ("__KERNEL__", "1"),
        ("CONFIG_PPC", "1"),
        ("CONFIG_PPC32", "1"),
        ("CONFIG_PPC_BOOK3S", "1"),
        ("CONFIG_PPC_BOOK3S_32", "1"),
        ("CONFIG_PPC_4K_PAGES", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        // The same value under the name Debian 6.1's page.h reads.
        ("CONFIG_PPC_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "2"),
    ],
    cflags: &[],
    // book3s32 selects no THP migration, soft-dirty or uffd-wp, nor the
    // memory hot-remove ZONE_DEVICE needs.
    options: &[Migration, Swap],
    knobs: &[],
    layout: "(the PTE shifted right by 3) type 4-0, offset 31-5, exclusive READ; present 0, none = all zero",
    kunit_arch: "powerpc",
    kunit_skip_if: "!IS_ENABLED(CONFIG_PPC_BOOK3S_32)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Gcc { triplet: "powerpc-linux-gnu", qemu: "ppc" },
};
