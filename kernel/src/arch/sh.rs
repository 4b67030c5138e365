//! sh (SH-4 without the extended TLB, as Debian's sh4 kernel runs), 4K
//! pages, 2-level tables with a 32-bit PTE. Compiled with `-m32` (build.rs
//! derives it from `word_bits`).

use super::Arch;
use crate::config::ConfigOption::*;

pub const SH: Arch = Arch {
    name: "sh",
    shims: "sh",
    id: 15,
    word_bits: 32,
    pte_bits: 32,
    shims_need: &[],
    files: &[
        "arch/sh/include/asm/page.h",
        "include/asm-generic/pgtable-nop4d.h",
        "include/asm-generic/pgtable-nopud.h",
        "include/asm-generic/pgtable-nopmd.h",
        "arch/sh/include/asm/pgtable-2level.h",
        "arch/sh/include/asm/pgtable.h",
        "arch/sh/include/asm/pgtable_32.h",
    ],
    provided: &[],
    defines: &[
        ("CONFIG_SUPERH", "1"),
        ("CONFIG_MMU", "1"),
        ("CONFIG_CPU_SH4", "1"),
        ("CONFIG_PAGE_SIZE_4KB", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "2"),
    ],
    cflags: &[],
    // sh selects no THP, soft-dirty, uffd-wp, memory failure or hot-remove.
    options: &[Migration, Swap],
    knobs: &[],
    layout: "(the PTE shifted right by 1) type 4-0, offset 31-10, exclusive USER; present 8 (and PROT_NONE), none = all zero",
    kunit_arch: "sh",
    kunit_skip_if: "!IS_ENABLED(CONFIG_SUPERH)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Unavailable(
        "Debian 12's qemu-sh4 runs no sh4 program (it hangs or crashes in the C library's start-up)",
    ),
};
