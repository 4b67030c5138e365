//! loongarch64 with its default 16K pages and 3-level page tables.

use super::Arch;
use crate::config::ConfigOption::*;

pub const LOONGARCH64: Arch = Arch {
    name: "loongarch64",
    shims: "loongarch64",
    id: 5,
    word_bits: 64,
    pte_bits: 64,
    shims_need: &[],
    files: &[
        "arch/loongarch/include/asm/types.h",
        "arch/loongarch/include/asm/page.h",
        "arch/loongarch/include/asm/sparsemem.h",
        "arch/loongarch/include/asm/pgtable-bits.h",
        "arch/loongarch/include/asm/pgtable.h",
    ],
    provided: &["invalid_pte_table"],
    defines: &[
        ("CONFIG_LOONGARCH", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "14"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    // loongarch selects ARCH_ENABLE_THP_MIGRATION and memory hot-remove,
    // but neither HAVE_ARCH_SOFT_DIRTY nor HAVE_ARCH_USERFAULTFD_WP.
    options: &[Migration, DevicePrivate, Swap, ZoneDevice, PmdSoftleaves],
    cflags: &[],
    knobs: &[],
    layout: "type 22-16, offset 63-24, exclusive 23; present 0 (and PROTNONE), global ignored by pte_none",
    kunit_arch: "loongarch",
    kunit_skip_if: "!IS_ENABLED(CONFIG_LOONGARCH) || !IS_ENABLED(CONFIG_64BIT)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Unavailable("Debian 12 has no gcc-loongarch64-linux-gnu"),
};
