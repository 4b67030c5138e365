//! `Model::eval` as the engine calls it: values worked out by hand from the
//! documented layouts, the warnings and BUGs, and which helpers exist where.

use super::*;
use crate::call::Knobs;
use crate::helpers::{known, HelperSpec, Sig, SOFTLEAF_TYPES};
use leafdiff_kernel::helpers::KNOWN;
use std::sync::OnceLock;

/// A helper the model knows, with its first prototype, whether or not this
/// build's kernels define it: the model is tested on its own.
fn lookup(name: &str) -> Option<&'static HelperSpec> {
    static SPECS: OnceLock<Vec<HelperSpec>> = OnceLock::new();
    let specs = SPECS.get_or_init(|| KNOWN.iter().map(|k| k.spec(k.sigs[0])).collect());
    let k = known(name)?;
    specs.iter().find(|s| s.name == k.name)
}

/// Every helper the model knows, with its first prototype.
fn known_helpers() -> impl Iterator<Item = &'static HelperSpec> {
    KNOWN.iter().filter_map(|k| lookup(k.name))
}

const SERIES: Features = Features {
    generation: Generation::Softleaf,
    device_migration: true,
    arch_layout: true,
};
const STOCK: Features = Features {
    generation: Generation::Softleaf,
    device_migration: false,
    arch_layout: true,
};
/// Debian's 6.1 and 6.12 (ARCHITECTURE.md §8).
const SIX_ONE: Features = Features {
    generation: Generation::SwapinError,
    device_migration: false,
    arch_layout: true,
};
const SIX_TWELVE: Features = Features {
    generation: Generation::Swapops,
    device_migration: false,
    arch_layout: true,
};

fn config(options: &[ConfigOption]) -> KernelConfig {
    KernelConfig {
        enabled: options.iter().copied().collect(),
    }
}

fn all_on() -> KernelConfig {
    config(&ConfigOption::ALL)
}

const X86: &Arch = &leafdiff_kernel::arch::x86_64::X86_64;

fn model(config: KernelConfig, features: Features) -> Model {
    Model::new(X86, config, features)
}

fn call(m: &Model, name: &str, args: Args) -> Option<Outcome> {
    let helper = lookup(name).unwrap_or_else(|| panic!("{name} is not in HELPERS"));
    m.eval(helper, &args)
}

fn on(a: u64) -> Args {
    Args {
        a,
        ..Args::default()
    }
}

/// The value of a call that must exist and neither warn nor BUG.
fn value(m: &Model, name: &str, args: Args) -> u64 {
    let o = call(m, name, args).unwrap_or_else(|| panic!("{name} absent"));
    assert!(
        !o.warned && !o.bugged,
        "{name}({args:?}) warned or bugged: {o:?}"
    );
    o.value
}

fn softleaf_name(m: &Model, entry: u64) -> (&'static str, bool) {
    let o = call(m, "softleaf_type", on(entry)).unwrap();
    (SOFTLEAF_TYPES[o.value as usize], o.warned)
}

fn swp(type_num: u64, offset: u64) -> u64 {
    (type_num << 58) | offset
}

fn locked_page(pfn: u64) -> Page {
    Page {
        pfn,
        locked: true,
        ..Page::default()
    }
}

// ---- which helpers exist -------------------------------------------------

/// Helpers a softleaf kernel with everything on (and the series) still
/// lacks: the types only the generations before it reserve.
const ABSENT_WHEN_ALL_ON: &[&str] = &[
    "SWP_DEVICE_EXCLUSIVE_READ",
    "SWP_DEVICE_EXCLUSIVE_WRITE",
    "SWP_SWAPIN_ERROR",
];

#[test]
fn every_helper_is_modelled_with_everything_on() {
    let m = model(all_on(), SERIES);
    let args = Args {
        page: locked_page(1),
        ..on(swp(25, 1))
    };
    for h in known_helpers() {
        let got = m.eval(h, &args);
        assert_eq!(
            got.is_none(),
            ABSENT_WHEN_ALL_ON.contains(&h.name),
            "{} answered {got:?}",
            h.name
        );
    }
}

#[test]
fn aliases_reach_the_same_model() {
    let m = model(all_on(), STOCK);
    let pte = on(1 << 2);
    for (old, new) in [
        ("pte_swp_uffd_wp", "pte_swp_uffd"),
        ("pmd_swp_clear_uffd_wp", "pmd_swp_clear_uffd"),
    ] {
        let spec = HelperSpec {
            name: old,
            sig: Sig::PteToBool,
            layer: leafdiff_kernel::helpers::Layer::PageTable,
            modelled: true,
            id: 0,
        };
        assert_eq!(m.eval(&spec, &pte), call(&m, new, pte));
    }
}

#[test]
fn series_helpers_exist_only_with_the_series() {
    let stock = model(all_on(), STOCK);
    let absent: Vec<&str> = known_helpers()
        .filter(|h| stock.eval(h, &on(0)).is_none())
        .map(|h| h.name)
        .collect();
    let mut expected: Vec<&str> = SERIES_HELPERS.to_vec();
    expected.extend(ABSENT_WHEN_ALL_ON);
    expected.extend([
        "SWP_MIGRATION_DEVICE_READ",
        "SWP_MIGRATION_DEVICE_READ_EXCLUSIVE",
        "SWP_MIGRATION_DEVICE_WRITE",
    ]);
    expected.sort_unstable();
    let mut absent_sorted = absent.clone();
    absent_sorted.sort_unstable();
    assert_eq!(absent_sorted, expected);
    assert!(SERIES_HELPERS.iter().all(|n| lookup(n).is_some()));
}

#[test]
fn config_decides_which_type_constants_exist() {
    let m = model(KernelConfig::default(), SERIES);
    for name in [
        "SWP_HWPOISON",
        "SWP_MIGRATION_READ",
        "SWP_DEVICE_WRITE",
        "SWP_MIGRATION_DEVICE_READ",
        "migration_entry_supports_ad",
    ] {
        assert_eq!(call(&m, name, on(0)), None, "{name}");
    }
    assert_eq!(value(&m, "SWP_PTE_MARKER", on(0)), 31);
    assert_eq!(value(&m, "SWP_DEVICE_NUM", on(0)), 0);
    // The series' helpers exist in every config once its headers are there.
    assert_eq!(value(&m, "softleaf_is_migration_device_private", on(0)), 0);
    assert_eq!(
        value(&m, "make_writable_migration_device_private_entry", on(5)),
        0
    );
}

#[test]
fn features_come_from_what_is_defined() {
    assert_eq!(
        Features::from_defined(X86, &|n| n == "softleaf_type"),
        STOCK
    );
    assert_eq!(
        Features::from_defined(X86, &|n| ["softleaf_type", "SWP_MIGRATION_DEVICE_READ"]
            .contains(&n)),
        SERIES
    );
    // Before leafops.h: 6.12's swapops.h, and 6.1's with a swapin-error type.
    assert_eq!(
        Features::from_defined(X86, &|n| n == "is_migration_entry"),
        SIX_TWELVE
    );
    assert_eq!(
        Features::from_defined(X86, &|n| ["is_migration_entry", "SWP_SWAPIN_ERROR"]
            .contains(&n)),
        SIX_ONE
    );
}

/// 6.1's alpha kept an eight-bit type and no exclusive marker: a layout the
/// alpha codec does not draw, so those headers are left to the properties.
#[test]
fn a_codec_answers_only_for_the_layout_it_draws() {
    let alpha = &leafdiff_kernel::arch::alpha::ALPHA;
    let six_one = Features::from_defined(alpha, &|n| n == "SWP_SWAPIN_ERROR");
    assert!(!six_one.arch_layout);
    assert!(!Model::new(alpha, KernelConfig::default(), six_one).knows_arch());
    let later = Features::from_defined(alpha, &|n| n == "_PAGE_SWP_EXCLUSIVE");
    assert!(Model::new(alpha, KernelConfig::default(), later).knows_arch());
    // x86_64's codec draws every layout its headers have had.
    assert!(Features::from_defined(X86, &|_| false).arch_layout);
    // 6.1's 32-bit arches had no exclusive marker, and their fields moved.
    let i386 = &leafdiff_kernel::arch::i386::I386;
    assert!(!Features::from_defined(i386, &|n| n == "SWP_SWAPIN_ERROR").arch_layout);
    assert!(Features::from_defined(i386, &|n| n == "_PAGE_SWP_EXCLUSIVE").arch_layout);
    let arm = &leafdiff_kernel::arch::arm::ARM;
    assert!(Features::from_defined(arm, &|n| n == "L_PTE_SWP_EXCLUSIVE").arch_layout);
}

// ---- before leafops.h ------------------------------------------------------

#[test]
fn six_one_type_tests_compare_numbers_and_never_warn() {
    let m = model(all_on(), SIX_ONE);
    // 6.1, all on: hwpoison 22, migration 23..25, device 26..29, marker 30, swapin error 31.
    let e = |t: u64| on(t << 58 | 0x42);
    assert_eq!(value(&m, "is_migration_entry", e(24)), 1);
    assert_eq!(value(&m, "is_readable_exclusive_migration_entry", e(24)), 1);
    assert_eq!(value(&m, "is_writable_migration_entry", e(24)), 0);
    assert_eq!(value(&m, "is_device_exclusive_entry", e(28)), 1);
    assert_eq!(value(&m, "is_device_exclusive_entry", e(29)), 1);
    assert_eq!(value(&m, "is_writable_device_exclusive_entry", e(29)), 0);
    assert_eq!(value(&m, "is_swapin_error_entry", e(31)), 1);
    assert_eq!(value(&m, "is_pte_marker_entry", e(30)), 1);
    assert_eq!(value(&m, "is_pfn_swap_entry", e(22)), 1);
    assert_eq!(value(&m, "is_pfn_swap_entry", e(30)), 0);
    assert_eq!(value(&m, "non_swap_entry", e(21)), 0);
    assert_eq!(value(&m, "non_swap_entry", e(22)), 1);
    // A type number no config defines is simply no match.
    assert_eq!(value(&m, "is_migration_entry", e(40)), 0);
    assert_eq!(
        value(&m, "make_readable_device_exclusive_entry", on(7)),
        29 << 58 | 7
    );
    assert_eq!(
        value(
            &m,
            "make_swapin_error_entry",
            Args {
                page: Page {
                    pfn: 9,
                    ..Page::default()
                },
                ..on(0)
            }
        ),
        31 << 58 | 9
    );
}

#[test]
fn six_one_markers_need_uffd_wp() {
    let without = model(config(&[ConfigOption::Migration]), SIX_ONE);
    let made = call(&without, "make_pte_marker_entry", on(1)).unwrap();
    assert!(
        made.warned,
        "6.1 warns when asked for a marker it cannot make"
    );
    assert_eq!(made.value, 0);
    assert_eq!(value(&without, "pte_marker_get", on(31 << 58 | 1)), 0);
    assert_eq!(value(&without, "PTE_MARKER_MASK", on(0)), 1);
    let with = model(config(&[ConfigOption::UffdWp]), SIX_ONE);
    // Only the marker and the swapin error are reserved: 30 and 31.
    assert_eq!(value(&with, "make_pte_marker_entry", on(3)), 30 << 58 | 3);
    assert_eq!(value(&with, "pte_marker_get", on(30 << 58 | 3)), 1);
}

#[test]
fn pfn_reads_bug_on_entries_without_one() {
    for f in [SIX_ONE, SIX_TWELVE] {
        let m = model(all_on(), f);
        let swap = on(3 << 58 | 5);
        assert!(call(&m, "swp_offset_pfn", swap).unwrap().bugged);
        let hwpoison = m.swap_types().number(types::SwpKind::Hwpoison).unwrap();
        let poisoned = on(u64::from(hwpoison) << 58 | 5);
        assert_eq!(value(&m, "swp_offset_pfn", poisoned), 5);
        // A migration entry may only be followed to a locked page.
        let mig = u64::from(hwpoison + 1) << 58 | 5;
        assert!(call(&m, "pfn_swap_entry_to_page", on(mig)).unwrap().bugged);
        let locked = Args {
            page: Page {
                locked: true,
                ..Page::default()
            },
            ..on(mig)
        };
        assert_eq!(value(&m, "pfn_swap_entry_to_page", locked), 5);
    }
    // 6.12's transitional softleaf_to_pfn means swp_offset_pfn; 7.2's warns.
    let six_twelve = model(all_on(), SIX_TWELVE);
    assert!(
        call(&six_twelve, "softleaf_to_pfn", on(3 << 58 | 5))
            .unwrap()
            .bugged
    );
    let softleaf = call(&model(all_on(), STOCK), "softleaf_to_pfn", on(3 << 58 | 5)).unwrap();
    assert!(softleaf.warned && !softleaf.bugged);
}

#[test]
fn pte_to_swp_entry_decodes_what_softleaf_from_pte_refuses() {
    let m = model(all_on(), SIX_TWELVE);
    let pte = value(&m, "swp_entry_to_pte", on(31 << 58 | 2));
    assert_eq!(value(&m, "pte_to_swp_entry", on(pte)), 31 << 58 | 2);
    assert_eq!(value(&m, "is_swap_pte", on(pte)), 1);
    assert_eq!(value(&m, "is_pte_marker", on(pte)), 1);
    assert_eq!(value(&m, "pte_none_mostly", on(pte)), 1);
    assert_eq!(value(&m, "is_swap_pte", on(0)), 0);
    // A none PTE: softleaf_from_pte (7.2) says none; 6.12's spelling decodes it.
    let decoded = value(&m, "pte_to_swp_entry", on(0));
    assert_eq!(value(&m, "softleaf_from_pte", on(0)), decoded);
    assert_eq!(
        value(&model(all_on(), STOCK), "softleaf_from_pte", on(0)),
        0
    );
}

#[test]
fn readable_exclusive_test_needs_migration_before_leafops() {
    let m = model(config(&[ConfigOption::Swap]), SIX_TWELVE);
    assert!(call(&m, "is_readable_exclusive_migration_entry", on(0)).is_none());
    assert_eq!(value(&m, "is_migration_entry", on(0)), 0);
}

// ---- constants -----------------------------------------------------------

#[test]
fn constants_all_on() {
    let m = model(all_on(), STOCK);
    let c = |name| value(&m, name, on(0));
    assert_eq!(c("MAX_SWAPFILES_SHIFT"), 5);
    assert_eq!(c("MAX_SWAPFILES"), 32 - 3 - 3 - 1 - 1);
    assert_eq!(
        (
            c("SWP_HWPOISON_NUM"),
            c("SWP_MIGRATION_NUM"),
            c("SWP_DEVICE_NUM")
        ),
        (1, 3, 3)
    );
    assert_eq!(c("SWP_PTE_MARKER_NUM"), 1);
    assert_eq!(c("SWP_HWPOISON"), 24);
    assert_eq!(c("SWP_MIGRATION_READ"), 25);
    assert_eq!(c("SWP_MIGRATION_READ_EXCLUSIVE"), 26);
    assert_eq!(c("SWP_MIGRATION_WRITE"), 27);
    assert_eq!(c("SWP_DEVICE_WRITE"), 28);
    assert_eq!(c("SWP_DEVICE_READ"), 29);
    assert_eq!(c("SWP_DEVICE_EXCLUSIVE"), 30);
    assert_eq!(c("SWP_PTE_MARKER"), 31);
    assert_eq!(c("SWP_TYPE_SHIFT"), 58);
    assert_eq!(c("SWP_OFFSET_MASK"), (1 << 58) - 1);
    assert_eq!(c("PTE_MARKER_UFFD_WP"), 1);
    assert_eq!(c("PTE_MARKER_POISONED"), 2);
    assert_eq!(c("PTE_MARKER_GUARD"), 4);
    assert_eq!(c("PTE_MARKER_MASK"), 7);
    assert_eq!(c("SWP_TYPE_BITS"), 5);
    assert_eq!(c("SWP_OFFSET_FIRST_BIT"), 9);
    assert_eq!(c("SWP_OFFSET_SHIFT"), 14);
}

#[test]
fn physical_width_constants_follow_la57() {
    let m = model(all_on(), STOCK);
    for (la57, phys) in [(false, 46u64), (true, 52)] {
        let args = Args {
            knobs: Knobs {
                arch: u8::from(la57),
                ..Knobs::default()
            },
            ..Args::default()
        };
        let c = |name| value(&m, name, args);
        let pfn_bits = phys - 12;
        assert_eq!(c("MAX_PHYSMEM_BITS"), phys);
        assert_eq!(c("SWP_PFN_BITS"), pfn_bits);
        assert_eq!(c("SWP_PFN_MASK"), (1 << pfn_bits) - 1);
        assert_eq!(c("SWP_MIG_YOUNG_BIT"), pfn_bits);
        assert_eq!(c("SWP_MIG_DIRTY_BIT"), pfn_bits + 1);
        assert_eq!(c("SWP_MIG_TOTAL_BITS"), pfn_bits + 2);
    }
}

#[test]
fn series_constants() {
    let m = model(all_on(), SERIES);
    let c = |name| value(&m, name, on(0));
    assert_eq!(c("SWP_DEVICE_NUM"), 6);
    assert_eq!(c("MAX_SWAPFILES"), 21);
    assert_eq!(c("SWP_DEVICE_WRITE"), 25);
    assert_eq!(c("SWP_MIGRATION_DEVICE_READ"), 25 + 3);
    assert_eq!(c("SWP_MIGRATION_DEVICE_READ_EXCLUSIVE"), 25 + 4);
    assert_eq!(c("SWP_MIGRATION_DEVICE_WRITE"), 25 + 5);
    assert_eq!(c("SWP_PTE_MARKER"), 31);
}

// ---- entries -------------------------------------------------------------

#[test]
fn swp_entry_packs_type_over_offset() {
    let m = model(all_on(), STOCK);
    let args = Args {
        a: 3,
        b: 0x1234,
        ..Args::default()
    };
    assert_eq!(value(&m, "swp_entry", args), (3 << 58) | 0x1234);
    assert_eq!(value(&m, "swp_type", on(swp(3, 0x1234))), 3);
    assert_eq!(value(&m, "swp_offset", on(swp(3, 0x1234))), 0x1234);
    assert_eq!(value(&m, "swp_type", on(u64::MAX)), 63);
}

#[test]
fn makers_use_the_config_numbers_or_yield_empty() {
    let all = model(all_on(), STOCK);
    let none = model(KernelConfig::default(), STOCK);
    for (name, type_num) in [
        ("make_readable_migration_entry", 25),
        ("make_readable_exclusive_migration_entry", 26),
        ("make_writable_migration_entry", 27),
        ("make_writable_device_private_entry", 28),
        ("make_readable_device_private_entry", 29),
        ("make_device_exclusive_entry", 30),
        ("make_pte_marker_entry", 31),
    ] {
        assert_eq!(value(&all, name, on(0x42)), swp(type_num, 0x42), "{name}");
        let expect_none = if name == "make_pte_marker_entry" {
            swp(31, 0x42)
        } else {
            0
        };
        assert_eq!(value(&none, name, on(0x42)), expect_none, "{name}");
    }
    assert_eq!(value(&all, "make_poisoned_swp_entry", on(0)), swp(31, 2));
    assert_eq!(value(&all, "make_guard_swp_entry", on(0)), swp(31, 4));
}

#[test]
fn hwpoison_needs_a_locked_page() {
    let m = model(all_on(), STOCK);
    let locked = Args {
        page: locked_page(0x99),
        ..Args::default()
    };
    assert_eq!(value(&m, "make_hwpoison_entry", locked), swp(24, 0x99));
    let unlocked = Args {
        page: Page {
            pfn: 0x99,
            ..Page::default()
        },
        ..Args::default()
    };
    assert!(call(&m, "make_hwpoison_entry", unlocked).unwrap().bugged);
    let off = model(config(&[ConfigOption::Migration]), STOCK);
    assert_eq!(value(&off, "make_hwpoison_entry", unlocked), 0);
    assert_eq!(value(&m, "is_hwpoison_entry", on(swp(24, 1))), 1);
    assert_eq!(value(&off, "is_hwpoison_entry", on(swp(24, 1))), 0);
}

#[test]
fn migration_ad_bits() {
    let m = model(all_on(), STOCK);
    let entry = swp(25, 0x1000);
    let with = |la57, ad| Args {
        knobs: Knobs {
            arch: u8::from(la57),
            swap_migration_ad_supported: ad,
        },
        ..on(entry)
    };
    assert_eq!(
        value(&m, "migration_entry_supports_ad", with(false, true)),
        1
    );
    assert_eq!(
        value(&m, "make_migration_entry_young", with(false, true)),
        entry | 1 << 34
    );
    assert_eq!(
        value(&m, "make_migration_entry_dirty", with(false, true)),
        entry | 1 << 35
    );
    assert_eq!(
        value(&m, "make_migration_entry_young", with(true, true)),
        entry | 1 << 40
    );
    assert_eq!(
        value(&m, "make_migration_entry_young", with(false, false)),
        entry
    );
    // Reading: only when A/D bits are kept.
    let young = Args {
        a: entry | 1 << 34,
        ..with(false, true)
    };
    assert_eq!(value(&m, "softleaf_is_migration_young", young), 1);
    assert_eq!(value(&m, "softleaf_is_migration_dirty", young), 0);
    let ignored = Args {
        knobs: Knobs::default(),
        ..young
    };
    assert_eq!(value(&m, "softleaf_is_migration_young", ignored), 0);
    // Asking a non-migration entry warns.
    let o = call(&m, "softleaf_is_migration_young", on(swp(1, 1))).unwrap();
    assert!(o.warned);
    // Without CONFIG_SWAP the knob is never consulted.
    let no_swap = model(config(&[ConfigOption::Migration]), STOCK);
    assert_eq!(
        value(&no_swap, "migration_entry_supports_ad", with(false, true)),
        0
    );
    assert_eq!(
        value(&no_swap, "make_migration_entry_young", with(false, true)),
        entry
    );
    // Without CONFIG_MIGRATION: no A/D, no warning.
    let no_mig = model(config(&[ConfigOption::Swap]), STOCK);
    assert_eq!(
        value(&no_mig, "softleaf_is_migration_young", on(swp(1, 1))),
        0
    );
    assert_eq!(
        value(&no_mig, "make_migration_entry_dirty", with(false, true)),
        entry
    );
}

#[test]
fn radix_conversions() {
    let m = model(all_on(), STOCK);
    let e = swp(31, 4);
    assert_eq!(value(&m, "swp_to_radix_entry", on(e)), (e << 1) | 1);
    assert_eq!(value(&m, "radix_to_swp_entry", on((e << 1) | 1)), e);
    assert!(call(&m, "swp_to_radix_entry", on(1 << 63)).unwrap().warned);
}

// ---- 32-bit words ----------------------------------------------------------

const I386: &Arch = &leafdiff_kernel::arch::i386::I386;
const I386_PAE: &Arch = &leafdiff_kernel::arch::i386::I386_PAE;
const M68K: &Arch = &leafdiff_kernel::arch::m68k::M68K;

/// On a 32-bit arch the entry is a 32-bit `unsigned long`: the type starts
/// at bit 26 and the pfn is as wide as the arch's physical addresses allow,
/// or, where the arch does not say (m68k), as a 32-bit `phys_addr_t`
/// allows above the page offset.
#[test]
fn a_32_bit_arch_lays_the_entry_out_in_its_word() {
    let constant = |arch, name| value(&Model::new(arch, all_on(), STOCK), name, on(0));
    for arch in [I386, I386_PAE, M68K] {
        assert_eq!(constant(arch, "SWP_TYPE_SHIFT"), 26, "{}", arch.name);
        assert_eq!(constant(arch, "SWP_OFFSET_MASK"), (1 << 26) - 1);
    }
    assert_eq!(constant(I386, "SWP_PFN_BITS"), 32 - 12);
    assert_eq!(constant(I386_PAE, "SWP_PFN_BITS"), 36 - 12);
    assert_eq!(constant(I386_PAE, "SWP_MIG_DIRTY"), 1 << 25);
    assert_eq!(constant(M68K, "SWP_PFN_BITS"), 32 - 12);
    let m68k = Model::new(M68K, all_on(), STOCK);
    assert!(call(&m68k, "MAX_PHYSMEM_BITS", on(0)).is_none());
}

/// A helper taking an entry sees the low 32 bits of the word it is given,
/// one taking a PTE as many bits as the PTE has.
#[test]
fn a_32_bit_arch_cuts_arguments_to_their_c_types() {
    let m = Model::new(I386, all_on(), STOCK);
    let high = 1 << 40;
    let e = (3 << 26) | 0x1234;
    assert_eq!(value(&m, "swp_type", on(high | e)), 3);
    assert_eq!(
        value(
            &m,
            "swp_entry",
            Args {
                a: 3,
                b: high | 0x1234,
                ..Args::default()
            }
        ),
        e
    );
    assert!(call(&m, "swp_to_radix_entry", on(1 << 31)).unwrap().warned);
    assert_eq!(value(&m, "radix_to_swp_entry", on(high | e << 1 | 1)), e);
    let pae = Model::new(I386_PAE, all_on(), STOCK);
    let pte = value(&pae, "softleaf_to_pte", on(e));
    assert!(pte > u64::from(u32::MAX), "a PAE PTE is 64 bits: {pte:#x}");
    assert_eq!(value(&pae, "softleaf_from_pte", on(pte)), e);
    // The same word on 2-level: its high half is not there to read.
    assert_eq!(value(&m, "pte_none", on(high)), 1);
}

// ---- classification ------------------------------------------------------

#[test]
fn softleaf_type_of_every_type_number_all_on() {
    let m = model(all_on(), STOCK);
    assert_eq!(softleaf_name(&m, 0), ("SOFTLEAF_NONE", false));
    // Offset 0 of swap file 0 is the empty entry; offset 1 is a swap entry.
    assert_eq!(softleaf_name(&m, 1), ("SOFTLEAF_SWAP", false));
    for t in 1..24 {
        assert_eq!(
            softleaf_name(&m, swp(t, 0)),
            ("SOFTLEAF_SWAP", false),
            "type {t}"
        );
    }
    let named = [
        (24, "SOFTLEAF_HWPOISON"),
        (25, "SOFTLEAF_MIGRATION_READ"),
        (26, "SOFTLEAF_MIGRATION_READ_EXCLUSIVE"),
        (27, "SOFTLEAF_MIGRATION_WRITE"),
        (28, "SOFTLEAF_DEVICE_PRIVATE_WRITE"),
        (29, "SOFTLEAF_DEVICE_PRIVATE_READ"),
        (30, "SOFTLEAF_DEVICE_EXCLUSIVE"),
        (31, "SOFTLEAF_MARKER"),
    ];
    for (t, name) in named {
        assert_eq!(softleaf_name(&m, swp(t, 7)), (name, false), "type {t}");
    }
    // Type numbers above the 5-bit space are unknown: warn, read as none.
    for t in 32..64 {
        assert_eq!(
            softleaf_name(&m, swp(t, 7)),
            ("SOFTLEAF_NONE", true),
            "type {t}"
        );
    }
}

#[test]
fn softleaf_type_with_the_series() {
    let m = model(all_on(), SERIES);
    assert_eq!(softleaf_name(&m, swp(20, 1)).0, "SOFTLEAF_SWAP");
    assert_eq!(softleaf_name(&m, swp(21, 1)).0, "SOFTLEAF_HWPOISON");
    assert_eq!(softleaf_name(&m, swp(22, 1)).0, "SOFTLEAF_MIGRATION_READ");
    assert_eq!(
        softleaf_name(&m, swp(25, 1)).0,
        "SOFTLEAF_DEVICE_PRIVATE_WRITE"
    );
    assert_eq!(softleaf_name(&m, swp(27, 1)).0, "SOFTLEAF_DEVICE_EXCLUSIVE");
    assert_eq!(
        softleaf_name(&m, swp(28, 1)).0,
        "SOFTLEAF_MIGRATION_DEVICE_READ"
    );
    assert_eq!(
        softleaf_name(&m, swp(29, 1)).0,
        "SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE"
    );
    assert_eq!(
        softleaf_name(&m, swp(30, 1)).0,
        "SOFTLEAF_MIGRATION_DEVICE_WRITE"
    );
    assert_eq!(softleaf_name(&m, swp(31, 1)).0, "SOFTLEAF_MARKER");
}

#[test]
fn series_types_are_migration_specialisations() {
    let m = model(all_on(), SERIES);
    let yes = |name, e| value(&m, name, on(e)) == 1;
    for (t, which) in [
        (28, "softleaf_is_migration_read"),
        (29, "softleaf_is_migration_read_exclusive"),
        (30, "softleaf_is_migration_write"),
    ] {
        let e = swp(t, 0x55);
        assert!(yes("softleaf_is_migration", e));
        assert!(yes(which, e), "{which} of type {t}");
        assert!(yes("softleaf_has_pfn", e));
        assert!(yes("softleaf_is_migration_device_private", e));
        assert!(yes("is_device_private_migration_entry", e));
        assert!(yes("softleaf_is_valid_pmd_entry", e));
        assert!(!yes("softleaf_is_device_private", e));
        assert_eq!(value(&m, "softleaf_to_pfn", on(e)), 0x55);
    }
    assert!(yes("softleaf_is_migration_device_private_read", swp(28, 1)));
    assert!(yes(
        "softleaf_is_migration_device_private_read_exclusive",
        swp(29, 1)
    ));
    assert!(yes(
        "softleaf_is_migration_device_private_write",
        swp(30, 1)
    ));
    assert!(yes(
        "is_readable_device_migration_private_entry",
        swp(28, 1)
    ));
    assert!(yes(
        "is_readable_exclusive_device_private_migration_entry",
        swp(29, 1)
    ));
    assert!(yes(
        "is_writable_device_migration_private_entry",
        swp(30, 1)
    ));
    // Ordinary migration types are not device ones.
    assert!(!yes("softleaf_is_migration_device_private", swp(22, 1)));
    assert!(!yes("is_device_private_migration_entry", swp(22, 1)));
    // A/D bits as for migration: no warning, bit read.
    let young = Args {
        knobs: Knobs {
            arch: 0,
            swap_migration_ad_supported: true,
        },
        ..on(swp(30, 1 << 34))
    };
    assert_eq!(value(&m, "softleaf_is_migration_young", young), 1);
}

#[test]
fn from_page_makers_pick_the_device_form() {
    let m = model(all_on(), SERIES);
    let host = Args {
        page: locked_page(0x1234),
        ..Args::default()
    };
    let device = Args {
        page: Page {
            device_private: true,
            ..host.page
        },
        ..host
    };
    for (name, host_type, device_type) in [
        ("make_readable_migration_entry_from_page", 22, 28),
        ("make_readable_exclusive_migration_entry_from_page", 23, 29),
        ("make_writable_migration_entry_from_page", 24, 30),
    ] {
        assert_eq!(value(&m, name, host), swp(host_type, 0x1234), "{name}");
        assert_eq!(value(&m, name, device), swp(device_type, 0x1234), "{name}");
    }
    // Without CONFIG_DEVICE_PRIVATE no page is device private.
    let no_dev = model(config(&[ConfigOption::Migration]), SERIES);
    assert_eq!(
        value(&no_dev, "make_writable_migration_entry_from_page", device),
        swp(30, 0x1234)
    );
    // Without CONFIG_MIGRATION there are no migration entries.
    let no_mig = model(
        config(&[ConfigOption::DevicePrivate, ConfigOption::ZoneDevice]),
        SERIES,
    );
    assert_eq!(
        value(&no_mig, "make_writable_migration_entry_from_page", device),
        0
    );
}

#[test]
fn pfn_and_marker_accessors_warn_on_the_wrong_kind() {
    let m = model(all_on(), STOCK);
    let pfn = call(&m, "softleaf_to_pfn", on(swp(1, 0x10))).unwrap();
    assert_eq!((pfn.value, pfn.warned), (0x10, true));
    // The pfn is cut to SWP_PFN_BITS (34 with 4-level paging).
    assert_eq!(value(&m, "softleaf_to_pfn", on(swp(25, 1 << 34 | 3))), 3);
    let marker = call(&m, "softleaf_to_marker", on(swp(25, 0xf))).unwrap();
    assert_eq!((marker.value, marker.warned), (7, true));
    assert_eq!(value(&m, "softleaf_to_marker", on(swp(31, 0xf))), 7);
    assert_eq!(value(&m, "softleaf_is_guard_marker", on(swp(31, 4))), 1);
    assert_eq!(value(&m, "softleaf_is_poison_marker", on(swp(31, 4))), 0);
    assert_eq!(value(&m, "softleaf_is_uffd_wp_marker", on(swp(31, 1))), 1);
    assert_eq!(value(&m, "softleaf_is_uffd_wp_marker", on(swp(30, 1))), 0);
    // Any classifying helper warns on an unknown type number.
    for name in ["softleaf_is_swap", "softleaf_is_marker", "softleaf_has_pfn"] {
        let o = call(&m, name, on(swp(40, 1))).unwrap();
        assert_eq!((o.value, o.warned), (0, true), "{name}");
    }
    // Type comparisons and emptiness do not classify.
    assert_eq!(value(&m, "softleaf_is_none", on(swp(40, 1))), 0);
    assert_eq!(value(&m, "is_hwpoison_entry", on(swp(40, 1))), 0);
}

#[test]
fn to_page_checks_pfn_and_migration_lock() {
    let m = model(all_on(), STOCK);
    let with = |entry, locked| Args {
        page: Page {
            pfn: 0,
            locked,
            ..Page::default()
        },
        ..on(entry)
    };
    for name in ["softleaf_to_page", "softleaf_to_folio"] {
        assert_eq!(value(&m, name, with(swp(27, 0x77), true)), 0x77);
        let unlocked = call(&m, name, with(swp(27, 0x77), false)).unwrap();
        assert_eq!((unlocked.value, unlocked.warned), (0x77, true));
        // Device-private entries need no lock.
        assert_eq!(value(&m, name, with(swp(29, 0x77), false)), 0x77);
        // Swap entries carry no pfn.
        assert!(call(&m, name, with(swp(3, 0x77), true)).unwrap().warned);
    }
}

// ---- page tables ---------------------------------------------------------

#[test]
fn arch_codec() {
    let m = model(all_on(), STOCK);
    let args = Args {
        a: 1,
        b: 0,
        ..Args::default()
    };
    let arch = value(&m, "__swp_entry", args);
    assert_eq!(arch, (!0u64 << 14 >> 5) | 1 << 59);
    assert_eq!(value(&m, "__swp_type", on(arch)), 1);
    assert_eq!(value(&m, "__swp_offset", on(arch)), 0);
    assert_eq!(value(&m, "__swp_entry_to_pte", on(arch)), arch);
    assert_eq!(value(&m, "__pte_to_swp_entry", on(arch)), arch);
    assert_eq!(value(&m, "__pmd_to_swp_entry", on(arch)), arch);
    assert_eq!(value(&m, "__swp_entry_to_pmd", on(arch)), arch);
}

#[test]
fn entries_round_trip_through_ptes() {
    let m = model(all_on(), STOCK);
    for e in [
        swp(1, 0),
        swp(3, 0x1234),
        swp(25, (1 << 50) - 1),
        swp(31, 4),
    ] {
        let pte = value(&m, "softleaf_to_pte", on(e));
        assert_eq!(pte, value(&m, "swp_entry_to_pte", on(e)));
        assert_eq!(pte >> 59, e >> 58, "type moves up one bit");
        assert_eq!(value(&m, "pte_present", on(pte)), 0);
        assert_eq!(value(&m, "softleaf_from_pte", on(pte)), e);
        // Flags ride along without changing the entry.
        let flagged = pte | 0b1110;
        assert_eq!(value(&m, "softleaf_from_pte", on(flagged)), e);
        let pmd = value(&m, "softleaf_to_pmd", on(e));
        assert_eq!(pmd, pte);
        assert_eq!(value(&m, "softleaf_from_pmd", on(pmd)), e);
    }
    // Offsets wider than the arch's 50-bit field lose their top bits.
    let wide = swp(2, 1 << 50 | 9);
    let pte = value(&m, "softleaf_to_pte", on(wide));
    assert_eq!(value(&m, "softleaf_from_pte", on(pte)), swp(2, 9));
    // Present and none PTEs hold no entry.
    assert_eq!(value(&m, "softleaf_from_pte", on(0x63)), 0);
    assert_eq!(value(&m, "softleaf_from_pte", on(0x60)), 0);
    assert_eq!(value(&m, "softleaf_from_pmd", on(0x80 | swp(1, 0))), 0);
}

/// On every arch with a codec, with each arch's allowed options on: an entry
/// the arch's PTE holds (its offset as wide as the PTE keeps it) comes back
/// from it with its flags set, and a fresh swap PTE is neither present nor
/// none. Entries are laid out in the arch's word.
#[test]
fn every_codec_arch_round_trips_entries_through_its_ptes() {
    for (arch, codec) in arch::CODECS {
        let m = Model::new(arch, config(arch.options), STOCK);
        let widths = entries::Widths::of(arch);
        let swp = |t, o| widths.swp_entry(t, o).0;
        let widest = codec.entry_to_pte(codec.encode(0, u64::MAX));
        let max_offset = codec.offset(codec.pte_to_entry(widest));
        for e in [swp(1, 0), swp(3, 0x1234), swp(25, max_offset), swp(31, 4)] {
            let pte = value(&m, "softleaf_to_pte", on(e));
            assert_eq!(value(&m, "pte_present", on(pte)), 0, "{}", arch.name);
            assert_eq!(value(&m, "pte_none", on(pte)), 0, "{}", arch.name);
            let flagged = value(&m, "pte_swp_mkexclusive", on(pte));
            assert_ne!(flagged, pte, "{}: no exclusive bit", arch.name);
            assert_eq!(
                value(&m, "softleaf_from_pte", on(flagged)),
                e,
                "{}",
                arch.name
            );
        }
        // Where PMDs hold entries, a pfn entry's PMD (s390's in its own
        // segment-entry form) is not present and reads back the same entry.
        // (A PMD entry's offset is a pfn and its A/D bits: loongarch's
        // offset field reaches its huge PMD's present-invalid bit only
        // above those.)
        if arch.allows(ConfigOption::PmdSoftleaves) {
            for e in [swp(1, 0), swp(3, 0x1234), swp(31, 4)] {
                let pmd = value(&m, "softleaf_to_pmd", on(e));
                assert_eq!(value(&m, "pmd_present", on(pmd)), 0, "{}", arch.name);
                assert_eq!(value(&m, "softleaf_from_pmd", on(pmd)), e, "{}", arch.name);
            }
        }
    }
}

#[test]
fn markers_in_ptes() {
    let m = model(all_on(), STOCK);
    let pte = value(&m, "make_pte_marker", on(2));
    assert_eq!(pte, (31 << 59) | (!2u64 & ((1 << 50) - 1)) << 9);
    assert_eq!(value(&m, "pte_is_marker", on(pte)), 1);
    assert_eq!(value(&m, "pte_is_uffd_marker", on(pte)), 1);
    assert_eq!(value(&m, "pte_is_uffd_wp_marker", on(pte)), 0);
    let guard = value(&m, "make_pte_marker", on(4));
    assert_eq!(value(&m, "pte_is_uffd_marker", on(guard)), 0);
    let wp = value(&m, "make_pte_marker", on(1));
    assert_eq!(value(&m, "pte_is_uffd_wp_marker", on(wp)), 1);
    assert_eq!(value(&m, "pte_is_marker", on(0)), 0);
}

#[test]
fn pte_flag_bits_follow_config() {
    let all = model(all_on(), STOCK);
    let bare = model(KernelConfig::default(), STOCK);
    let pte = value(&all, "softleaf_to_pte", on(swp(1, 1)));
    for (mk, test, clear, bit) in [
        (
            "pte_swp_mkexclusive",
            "pte_swp_exclusive",
            "pte_swp_clear_exclusive",
            3,
        ),
        (
            "pte_swp_mksoft_dirty",
            "pte_swp_soft_dirty",
            "pte_swp_clear_soft_dirty",
            1,
        ),
        ("pte_swp_mkuffd", "pte_swp_uffd", "pte_swp_clear_uffd", 2),
    ] {
        let set = value(&all, mk, on(pte));
        assert_eq!(set, pte | 1 << bit, "{mk}");
        assert_eq!(value(&all, test, on(set)), 1);
        assert_eq!(value(&all, clear, on(set)), pte);
        if bit != 3 {
            // No soft-dirty/uffd support: no bit at all.
            assert_eq!(value(&bare, mk, on(pte)), pte, "{mk} without support");
            assert_eq!(value(&bare, test, on(pte | 1 << bit)), 0);
        }
    }
    assert_eq!(value(&all, "pte_swp_clear_flags", on(pte | 0b1110)), pte);
    assert_eq!(
        value(&bare, "pte_swp_clear_flags", on(pte | 0b1110)),
        pte | 0b0110
    );
}

#[test]
fn pmd_helpers_follow_pmd_softleaves() {
    let with = model(all_on(), STOCK);
    let mut no_pmd_config = all_on();
    no_pmd_config.enabled.remove(&ConfigOption::PmdSoftleaves);
    let without = model(no_pmd_config, STOCK);
    let e = swp(25, 0x200);
    let pmd = value(&with, "swp_entry_to_pmd", on(e));
    assert_eq!(value(&with, "pmd_is_migration_entry", on(pmd)), 1);
    assert_eq!(value(&with, "pmd_is_valid_softleaf", on(pmd)), 1);
    assert_eq!(value(&without, "swp_entry_to_pmd", on(e)), 0);
    assert_eq!(value(&without, "softleaf_to_pmd", on(e)), 0);
    assert_eq!(value(&without, "softleaf_from_pmd", on(pmd)), 0);
    assert_eq!(value(&without, "pmd_is_migration_entry", on(pmd)), 0);
    // Soft-dirty on PMDs needs PMD leaves; uffd does not.
    assert_eq!(value(&with, "pmd_swp_mksoft_dirty", on(pmd)), pmd | 2);
    assert_eq!(value(&without, "pmd_swp_mksoft_dirty", on(pmd)), pmd);
    assert_eq!(value(&without, "pmd_swp_soft_dirty", on(pmd | 2)), 0);
    assert_eq!(value(&without, "pmd_swp_mkuffd", on(pmd)), pmd | 4);
    // Device-private PMDs need ZONE_DEVICE and PMD leaves.
    let dev = value(&with, "swp_entry_to_pmd", on(swp(29, 0x200)));
    assert_eq!(value(&with, "pmd_is_device_private_entry", on(dev)), 1);
    assert_eq!(value(&without, "pmd_is_device_private_entry", on(dev)), 0);
    assert_eq!(value(&with, "pmd_is_device_private_entry", on(pmd)), 0);
}

#[test]
fn presence_and_none() {
    let m = model(KernelConfig::default(), STOCK);
    assert_eq!(value(&m, "pte_present", on(1)), 1);
    assert_eq!(value(&m, "pte_present", on(1 << 8)), 1);
    assert_eq!(value(&m, "pte_present", on(1 << 7)), 0);
    assert_eq!(value(&m, "pmd_present", on(1 << 7)), 1);
    assert_eq!(value(&m, "pte_none", on(0x60)), 1);
    assert_eq!(value(&m, "pte_none", on(0x70)), 0);
    assert_eq!(value(&m, "pmd_none", on(0x20)), 1);
}

// ---- across configs ------------------------------------------------------

/// Every entry an arch PTE can hold classifies without warning in every
/// config: the special types fill the type space from MAX_SWAPFILES up.
#[test]
fn pte_entries_never_warn_in_any_config() {
    for bits in 0..1u32 << ConfigOption::ALL.len() {
        for features in [STOCK, SERIES] {
            let m = model(KernelConfig::from_bits(bits), features);
            for t in 0..32 {
                let pte = value(&m, "softleaf_to_pte", on(swp(t, 1)));
                let o = call(&m, "pte_is_marker", on(pte)).unwrap();
                assert!(!o.warned);
                assert_eq!(o.value, u64::from(t == 31));
            }
        }
    }
}

/// Every predicate agrees with `softleaf_type` (an ARCHITECTURE.md §5 property, here on
/// the model itself).
#[test]
fn predicates_agree_with_softleaf_type() {
    let m = model(all_on(), SERIES);
    let preds: &[(&str, &[&str])] = &[
        ("softleaf_is_swap", &["SOFTLEAF_SWAP"]),
        ("softleaf_is_hwpoison", &["SOFTLEAF_HWPOISON"]),
        ("softleaf_is_marker", &["SOFTLEAF_MARKER"]),
        (
            "softleaf_is_device_exclusive",
            &["SOFTLEAF_DEVICE_EXCLUSIVE"],
        ),
        (
            "softleaf_is_device_private_write",
            &["SOFTLEAF_DEVICE_PRIVATE_WRITE"],
        ),
        (
            "softleaf_is_device_private",
            &[
                "SOFTLEAF_DEVICE_PRIVATE_READ",
                "SOFTLEAF_DEVICE_PRIVATE_WRITE",
            ],
        ),
        (
            "softleaf_is_migration_read",
            &["SOFTLEAF_MIGRATION_READ", "SOFTLEAF_MIGRATION_DEVICE_READ"],
        ),
    ];
    for t in 0..64 {
        let e = swp(t, 1);
        let (kind, _) = softleaf_name(&m, e);
        for (pred, kinds) in preds {
            let got = call(&m, pred, on(e)).unwrap().value == 1;
            assert_eq!(got, kinds.contains(&kind), "{pred} of type {t} ({kind})");
        }
    }
}
