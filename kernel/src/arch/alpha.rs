//! alpha: 8K pages, 3-level page tables.

use super::Arch;
use crate::config::ConfigOption::*;

pub const ALPHA: Arch = Arch {
    name: "alpha",
    shims: "alpha",
    id: 7,
    word_bits: 64,
    pte_bits: 64,
    shims_need: &[],
    files: &[
        "arch/alpha/include/asm/page.h",
        "arch/alpha/include/asm/sparsemem.h",
        "arch/alpha/include/asm/pgtable.h",
    ],
    provided: &[],
    defines: &[
        ("CONFIG_ALPHA", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "13"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    // Its `extern inline` helpers mean what GNU C89 gives them, as the
    // kernel's own alpha build compiles them: never an external definition.
    cflags: &["-fgnu89-inline"],
    // alpha has no THP migration, soft-dirty, uffd-wp nor memory hot-remove.
    options: &[Migration, Swap],
    knobs: &[],
    layout: "type 38-32, offset 63-40, exclusive 39; valid 0",
    kunit_arch: "alpha",
    kunit_skip_if: "!IS_ENABLED(CONFIG_ALPHA)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Gcc {
        triplet: "alpha-linux-gnu",
        qemu: "alpha",
    },
};
