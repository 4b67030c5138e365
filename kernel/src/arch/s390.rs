//! s390 (64-bit only since Linux 4.1): big-endian bit numbering in its
//! layout comment, bit 0 the most significant.

use super::Arch;
use crate::config::ConfigOption::*;

pub const S390: Arch = Arch {
    name: "s390",
    shims: "s390",
    id: 6,
    word_bits: 64,
    pte_bits: 64,
    shims_need: super::SOFTLEAF_SHIMS,
    files: &[
        "arch/s390/include/asm/page.h",
        "arch/s390/include/asm/sparsemem.h",
        "arch/s390/include/asm/pgtable.h",
    ],
    provided: &["pgprot_val", "pte_val", "pmd_val", "pud_val", "p4d_val", "pgd_val"],
    defines: &[
        ("CONFIG_S390", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "5"),
        ("CONFIG_MAX_PHYSMEM_BITS", "46"),
        ("CONFIG_HAVE_ARCH_SOFT_DIRTY", "1"),
    ],
    // s390 selects HAVE_ARCH_SOFT_DIRTY and ARCH_ENABLE_THP_MIGRATION, but
    // not HAVE_ARCH_USERFAULTFD_WP nor ZONE_DEVICE's memory hot-remove.
    options: &[Migration, Swap, PmdSoftleaves, SoftDirty],
    cflags: &[],
    knobs: &[],
    layout: "(bit 0 most significant) offset 0-51, exclusive 52, type 57-61, soft-dirty 62; invalid 53, a swap PTE has (pte & 0x201) == 0x200",
    kunit_arch: "s390",
    kunit_skip_if: "!IS_ENABLED(CONFIG_S390)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Clang { triplet: "s390x-linux-gnu", debian_arch: "s390x", qemu: "s390x" },
};
