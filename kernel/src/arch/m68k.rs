//! m68k with the Motorola MMU (68030/68040/68060, as Debian's m68k kernel
//! runs), 4K pages, 3-level tables. Compiled with `-m32` (build.rs derives
//! it from `word_bits`).

use super::Arch;
use crate::config::ConfigOption::*;

pub const M68K: Arch = Arch {
    name: "m68k",
    shims: "m68k",
    id: 14,
    word_bits: 32,
    pte_bits: 32,
    shims_need: &[],
    files: &[
        "arch/m68k/include/asm/page.h",
        "include/asm-generic/pgtable-nop4d.h",
        "include/asm-generic/pgtable-nopud.h",
        "arch/m68k/include/asm/pgtable_mm.h",
        "arch/m68k/include/asm/motorola_pgtable.h",
    ],
    provided: &[],
    defines: &[
        ("CONFIG_M68K", "1"),
        ("CONFIG_MMU", "1"),
        ("CONFIG_MMU_MOTOROLA", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    cflags: &[],
    // m68k selects no THP, soft-dirty, uffd-wp, memory failure or hot-remove.
    options: &[Migration, Swap],
    knobs: &[],
    layout: "type 10-4, offset 31-12, exclusive 11; present 0 (and PROT_NONE 2), none = all zero",
    kunit_arch: "m68k",
    kunit_skip_if: "!IS_ENABLED(CONFIG_MMU_MOTOROLA)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Gcc {
        triplet: "m68k-linux-gnu",
        qemu: "m68k",
    },
};
