//! x86_64: 4-level or 5-level paging, decided at boot (`pgtable_l5_enabled()`),
//! so the headers are compiled for 5 levels and the question is a knob.

use super::Arch;
use crate::config::ConfigOption;

pub const X86_64: Arch = Arch {
    name: "x86_64",
    shims: "x86_64",
    id: 0,
    word_bits: 64,
    pte_bits: 64,
    shims_need: &[],
    files: &[
        "arch/x86/include/asm/page_types.h",
        "arch/x86/include/asm/page_64_types.h",
        "arch/x86/include/asm/sparsemem.h",
        "arch/x86/include/asm/pgtable_64_types.h",
        "arch/x86/include/asm/pgtable_types.h",
        "arch/x86/include/asm/pgtable.h",
        "arch/x86/include/asm/pgtable_64.h",
    ],
    provided: &[
        "pgtable_l5_enabled",
        "cpu_feature_enabled",
        "boot_cpu_has",
        "static_cpu_has",
        "physical_mask",
    ],
    defines: &[
        ("CONFIG_X86_64", "1"),
        ("CONFIG_64BIT", "1"),
        ("CONFIG_SPARSEMEM", "1"),
        ("CONFIG_PAGE_SHIFT", "12"),
        ("CONFIG_PGTABLE_LEVELS", "5"),
        ("CONFIG_HAVE_ARCH_SOFT_DIRTY", "1"),
    ],
    // x86_64 selects every arch capability the varied options need.
    options: &ConfigOption::ALL,
    cflags: &[],
    knobs: &["pgtable_l5_enabled()"],
    layout: "type 63-59, ~offset 58-9 (stored inverted), exclusive 3, uffd-wp 2, soft-dirty 1; present 0, PROT_NONE 8, PSE 7",
    kunit_arch: "x86_64",
    // UML defines CONFIG_X86_64 too but has an encoding of its own.
    kunit_skip_if: "!IS_ENABLED(CONFIG_X86_64) || IS_ENABLED(CONFIG_UML)",
    table_words: super::TableWords::Value,
    cross: super::Cross::Host,
};
