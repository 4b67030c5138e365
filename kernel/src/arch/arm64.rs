//! arm64, one encoding per page size (4K, 16K, 64K): the swap PTE layout is
//! the same, but PAGE_SHIFT and the physical address width differ. 16K is
//! built with 52-bit physical addresses through LPA2, whose use the kernel
//! decides at boot (`lpa2_is_enabled()`): a knob.

use super::Arch;
use crate::config::ConfigOption;
use crate::config::ConfigOption::*;

const FILES: &[&str] = &[
    "arch/arm64/include/asm/page-def.h",
    "arch/arm64/include/asm/sparsemem.h",
    "arch/arm64/include/asm/pgtable-types.h",
    "arch/arm64/include/asm/pgtable-hwdef.h",
    "arch/arm64/include/asm/pgtable-prot.h",
    "arch/arm64/include/asm/pgtable.h",
];

/// arm64 selects HAVE_ARCH_USERFAULTFD_WP, ARCH_ENABLE_THP_MIGRATION and the
/// memory hot-remove ZONE_DEVICE needs, but not HAVE_ARCH_SOFT_DIRTY.
const OPTIONS: &[ConfigOption] = &[
    Migration,
    DevicePrivate,
    MemoryFailure,
    Swap,
    ZoneDevice,
    PmdSoftleaves,
    UffdWp,
];

const LAYOUT: &str = "type 10-6, offset 61-12, exclusive 2, uffd-wp 3; valid 0, PRESENT_INVALID 11";

const fn arm64(
    name: &'static str,
    id: u8,
    defines: &'static [(&'static str, &'static str)],
    knobs: &'static [&'static str],
) -> Arch {
    Arch {
        name,
        shims: "arm64",
        id,
        word_bits: 64,
        pte_bits: 64,
        files: FILES,
        shims_need: super::SOFTLEAF_SHIMS,
        provided: &["lpa2_is_enabled"],
        defines,
        cflags: &[],
        options: OPTIONS,
        knobs,
        layout: LAYOUT,
        kunit_arch: "arm64",
        kunit_skip_if: "!IS_ENABLED(CONFIG_ARM64)",
        table_words: super::TableWords::Value,
        cross: super::Cross::Clang {
            triplet: "aarch64-linux-gnu",
            debian_arch: "arm64",
            qemu: "aarch64",
        },
    }
}

pub const ARM64_4K: Arch = arm64(
    "arm64-4k",
    1,
    &[
        ("CONFIG_ARM64", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_ARM64_4K_PAGES", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_ARM64_VA_BITS", "48"),
        ("CONFIG_ARM64_PA_BITS", "48"),
        ("CONFIG_PGTABLE_LEVELS", "4"),
    ],
    &[],
);

pub const ARM64_16K: Arch = arm64(
    "arm64-16k",
    2,
    &[
        ("CONFIG_ARM64", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_ARM64_16K_PAGES", "1"),
        ("CONFIG_PAGE_SHIFT", "14"),
        ("CONFIG_ARM64_VA_BITS", "52"),
        ("CONFIG_ARM64_PA_BITS", "52"),
        ("CONFIG_ARM64_PA_BITS_52", "1"),
        ("CONFIG_ARM64_LPA2", "1"),
        ("CONFIG_PGTABLE_LEVELS", "4"),
    ],
    &["lpa2_is_enabled()"],
);

pub const ARM64_64K: Arch = arm64(
    "arm64-64k",
    3,
    &[
        ("CONFIG_ARM64", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_ARM64_64K_PAGES", "1"),
        ("CONFIG_PAGE_SHIFT", "16"),
        ("CONFIG_ARM64_VA_BITS", "52"),
        ("CONFIG_ARM64_PA_BITS", "52"),
        ("CONFIG_ARM64_PA_BITS_52", "1"),
        ("CONFIG_PGTABLE_LEVELS", "3"),
    ],
    &[],
);
