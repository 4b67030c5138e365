//! riscv64 (Sv57 page tables, the widest the kernel builds for). Its swap
//! PTE borrows bits 3 and 4 for soft-dirty and uffd-wp only when the CPU has
//! the Svrsw60t59b extension, which the kernel asks at run time
//! (`riscv_has_extension_unlikely()`): a knob.

use super::Arch;
use crate::config::ConfigOption::*;

pub const RISCV64: Arch = Arch {
    name: "riscv64",
    shims: "riscv64",
    id: 4,
    word_bits: 64,
    pte_bits: 64,
    shims_need: super::SOFTLEAF_SHIMS,
    files: &[
        "arch/riscv/include/asm/hwcap.h",
        "arch/riscv/include/asm/page.h",
        "arch/riscv/include/asm/sparsemem.h",
        "arch/riscv/include/asm/pgtable-bits.h",
        "arch/riscv/include/asm/pgtable-64.h",
        "arch/riscv/include/asm/pgtable.h",
    ],
    provided: &["riscv_has_extension_unlikely", "riscv_has_extension_likely"],
    defines: &[
        ("CONFIG_RISCV", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "5"),
        ("CONFIG_HAVE_ARCH_SOFT_DIRTY", "1"),
    ],
    // riscv64 selects HAVE_ARCH_SOFT_DIRTY, HAVE_ARCH_USERFAULTFD_WP,
    // ARCH_ENABLE_THP_MIGRATION and memory hot-remove.
    options: &[
        Migration,
        DevicePrivate,
        MemoryFailure,
        Swap,
        ZoneDevice,
        PmdSoftleaves,
        SoftDirty,
        UffdWp,
    ],
    cflags: &[],
    knobs: &["riscv_has_extension(RISCV_ISA_EXT_SVRSW60T59B)"],
    layout: "type 11-7, offset 63-12, exclusive 6, uffd-wp 4 and soft-dirty 3 (with Svrsw60t59b); present 0, PROT_NONE 5",
    kunit_arch: "riscv",
    kunit_skip_if: "!IS_ENABLED(CONFIG_RISCV) || !IS_ENABLED(CONFIG_64BIT)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Clang { triplet: "riscv64-linux-gnu", debian_arch: "riscv64", qemu: "riscv64" },
};
