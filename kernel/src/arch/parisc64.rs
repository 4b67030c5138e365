//! parisc with CONFIG_64BIT (PA-RISC 2.0 wide mode): 4K pages, 3 levels.
//! Its layout comment numbers bits from the most significant (bit 0).

use super::Arch;
use crate::config::ConfigOption::*;

pub const PARISC64: Arch = Arch {
    name: "parisc64",
    shims: "parisc64",
    id: 8,
    word_bits: 64,
    pte_bits: 64,
    shims_need: &[],
    files: &[
        "arch/parisc/include/asm/page.h",
        "arch/parisc/include/asm/sparsemem.h",
        "arch/parisc/include/asm/pgtable.h",
    ],
    provided: &[],
    defines: &[
        ("CONFIG_PARISC", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PARISC_PAGE_SIZE_4KB", "1"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    cflags: &[],
    // parisc has no THP migration, soft-dirty, uffd-wp nor memory hot-remove.
    options: &[Migration, Swap],
    knobs: &[],
    layout:
        "(low bits) type 4-0, offset 7-5 and 63-10, exclusive (ACCESSED) and present in between",
    kunit_arch: "parisc",
    kunit_skip_if: "!IS_ENABLED(CONFIG_PARISC) || !IS_ENABLED(CONFIG_64BIT)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Unavailable(
        "Linux has no 64-bit parisc userland (hppa64-linux-gnu-gcc builds kernels only)",
    ),
};
