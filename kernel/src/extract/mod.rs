//! Extraction of the definitions the harness compiles.

/// Files of a kernel tree the harness reads, relative to its root. A tree that
/// lacks one of them cannot be tested; patches touching other files are skipped.
pub const NEEDED_FILES: &[&str] = &[
    "include/linux/swapops.h",
    "include/linux/leafops.h",
    "include/linux/swap.h",
    "include/linux/xarray.h",
    "arch/x86/include/asm/pgtable.h",
    "arch/x86/include/asm/pgtable_64.h",
    "arch/x86/include/asm/pgtable_types.h",
    "arch/x86/include/asm/pgtable_64_types.h",
    "arch/x86/include/asm/page_types.h",
    "arch/x86/include/asm/page_64_types.h",
    "arch/x86/include/asm/sparsemem.h",
];
