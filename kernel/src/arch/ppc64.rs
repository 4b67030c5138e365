//! powerpc book3s64, little-endian (ppc64el), 64K pages. Whether the MMU is
//! radix or hash is found at boot (`radix_enabled()`): a knob, taken both
//! ways. Page-table words are stored big-endian whatever the CPU's order.

use super::Arch;
use crate::config::ConfigOption::*;

pub const PPC64: Arch = Arch {
    name: "ppc64",
    shims: "ppc64",
    id: 9,
    word_bits: 64,
    pte_bits: 64,
    shims_need: super::SOFTLEAF_SHIMS,
    files: &[
        "arch/powerpc/include/asm/page.h",
        "arch/powerpc/include/asm/pgtable-be-types.h",
        "arch/powerpc/include/asm/book3s/64/hash-64k.h",
        "arch/powerpc/include/asm/book3s/64/hash.h",
        "arch/powerpc/include/asm/book3s/64/radix-64k.h",
        "arch/powerpc/include/asm/book3s/64/radix.h",
        "arch/powerpc/include/asm/book3s/64/pgtable-64k.h",
        "arch/powerpc/include/asm/book3s/64/pgtable.h",
    ],
    provided: &["radix_enabled", "cpu_to_be64", "be64_to_cpu"],
    defines: &[
        // Its hash-MMU helpers sit under the kernel's own build's __KERNEL__.
        ("__KERNEL__", "1"),
        ("CONFIG_PPC", "1"),
        ("CONFIG_PPC64", "1"),
        ("CONFIG_PPC_BOOK3S", "1"),
        ("CONFIG_PPC_BOOK3S_64", "1"),
        ("CONFIG_CPU_LITTLE_ENDIAN", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PPC_64K_PAGES", "1"),
        ("CONFIG_PAGE_SHIFT", "16"),
        ("CONFIG_PGTABLE_LEVELS", "4"),
        ("CONFIG_HAVE_ARCH_SOFT_DIRTY", "1"),
    ],
    cflags: &[],
    // book3s64 selects HAVE_ARCH_SOFT_DIRTY, ARCH_ENABLE_THP_MIGRATION and
    // memory hot-remove, but not HAVE_ARCH_USERFAULTFD_WP.
    options: &[
        Migration,
        DevicePrivate,
        MemoryFailure,
        Swap,
        ZoneDevice,
        PmdSoftleaves,
        SoftDirty,
    ],
    knobs: &["radix_enabled()"],
    layout: "(of the big-endian word) type 4-0, offset from PAGE_SHIFT up to the RPN's top, exclusive NON_IDEMPOTENT, soft-dirty, _PAGE_PTE 62 always set",
    kunit_arch: "powerpc",
    kunit_skip_if: "!IS_ENABLED(CONFIG_PPC_BOOK3S_64)",
    table_words: super::TableWords::Raw,
    cross: super::Cross::Clang { triplet: "powerpc64le-linux-gnu", debian_arch: "ppc64el", qemu: "ppc64le" },
};
