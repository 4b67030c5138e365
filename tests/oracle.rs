//! The kernel's own helpers through the FFI, on values worked out by hand
//! from the documented layouts (swapops.h's type/offset split, the x86
//! swap-PTE diagram in pgtable_64.h), not from the C's own output.

use leafdiff::call::{Args, Evaluate, Knobs, Page};
use leafdiff::helpers::lookup;
use leafdiff::oracle::{self, Variant};
use leafdiff_kernel::config::ConfigOption::{self, *};

fn variant_with(on: &[ConfigOption], off: &[ConfigOption]) -> &'static Variant {
    oracle::variants()
        .iter()
        .filter(|v| v.meta.kernel == 0)
        .find(|v| on.iter().all(|o| v.config.has(*o)) && off.iter().all(|o| !v.config.has(*o)))
        .unwrap_or_else(|| panic!("no variant with {on:?} on and {off:?} off"))
}

fn all_on() -> &'static Variant {
    variant_with(&ConfigOption::ALL, &[])
}

fn call(v: &Variant, name: &str, args: Args) -> Option<leafdiff::call::Outcome> {
    v.eval(
        lookup(name).unwrap_or_else(|| panic!("{name} not in the helper table")),
        &args,
    )
}

fn value(v: &Variant, name: &str, a: u64) -> u64 {
    call(
        v,
        name,
        Args {
            a,
            ..Args::default()
        },
    )
    .unwrap_or_else(|| panic!("{name} missing from {}", v.label()))
    .value
}

const SHIFT: u32 = 58; // BITS_PER_XA_VALUE (63) - MAX_SWAPFILES_SHIFT (5)

#[test]
fn every_default_variant_built() {
    assert!(
        oracle::build_findings().is_empty(),
        "{:?}",
        oracle::build_findings()
    );
    assert!(oracle::variants().len() >= 6);
    for v in oracle::variants() {
        if v.arch().name == "x86_64" {
            assert!(
                v.helper_names().count() >= 95,
                "{} has too few helpers",
                v.label()
            );
        }
        // Every arch's headers give the codec and the swap PTE's tests.
        for name in [
            "__swp_entry",
            "__swp_type",
            "__swp_offset",
            "pte_present",
            "pte_none",
            "pte_swp_exclusive",
            "swp_entry_to_pte",
            "softleaf_from_pte",
        ] {
            assert!(v.has(name), "{} lacks {name}", v.label());
        }
    }
}

#[test]
fn swp_entry_packs_type_above_offset() {
    let v = all_on();
    let args = Args {
        a: 3,
        b: 0x1234,
        ..Args::default()
    };
    assert_eq!(
        call(v, "swp_entry", args).unwrap().value,
        3 << SHIFT | 0x1234
    );
    let e = 7u64 << SHIFT | 0xabc;
    assert_eq!(value(v, "swp_type", e), 7);
    assert_eq!(value(v, "swp_offset", e), 0xabc);
    assert_eq!(value(v, "SWP_TYPE_SHIFT", 0), SHIFT as u64);
    assert_eq!(value(v, "SWP_OFFSET_MASK", 0), (1 << SHIFT) - 1);
}

#[test]
fn type_numbers_follow_the_config() {
    // 32 type numbers; from the top: 1 marker, 3 device, 3 migration, 1 hwpoison.
    let v = all_on();
    assert_eq!(value(v, "MAX_SWAPFILES", 0), 32 - 1 - 3 - 3 - 1);
    assert_eq!(value(v, "SWP_HWPOISON", 0), 24);
    assert_eq!(value(v, "SWP_MIGRATION_READ", 0), 25);
    assert_eq!(value(v, "SWP_MIGRATION_WRITE", 0), 27);
    assert_eq!(value(v, "SWP_DEVICE_WRITE", 0), 28);
    assert_eq!(value(v, "SWP_DEVICE_EXCLUSIVE", 0), 30);
    assert_eq!(value(v, "SWP_PTE_MARKER", 0), 31);
    let bare = variant_with(&[], &[Migration, DevicePrivate, MemoryFailure]);
    assert_eq!(value(bare, "MAX_SWAPFILES", 0), 31);
    assert_eq!(value(bare, "SWP_PTE_MARKER", 0), 31);
    assert!(call(bare, "SWP_MIGRATION_READ", Args::default()).is_none());
}

#[test]
fn softleaf_type_classifies_by_number() {
    let v = all_on();
    let names: Vec<&str> = leafdiff_kernel::helpers::SOFTLEAF_TYPES.to_vec();
    let ty = |t: u64| names[value(v, "softleaf_type", t << SHIFT | 1) as usize];
    assert_eq!(ty(0), "SOFTLEAF_SWAP");
    assert_eq!(ty(23), "SOFTLEAF_SWAP");
    assert_eq!(ty(24), "SOFTLEAF_HWPOISON");
    assert_eq!(ty(26), "SOFTLEAF_MIGRATION_READ_EXCLUSIVE");
    assert_eq!(ty(29), "SOFTLEAF_DEVICE_PRIVATE_READ");
    assert_eq!(ty(31), "SOFTLEAF_MARKER");
    assert_eq!(
        names[value(v, "softleaf_type", 0) as usize],
        "SOFTLEAF_NONE"
    );
}

#[test]
fn unknown_type_warns() {
    // Type 40 is no swapfile and no special type: the kernel warns.
    let v = all_on();
    let o = call(
        v,
        "softleaf_type",
        Args {
            a: 40 << SHIFT,
            ..Args::default()
        },
    )
    .unwrap();
    assert!(o.warned);
    let o = call(
        v,
        "softleaf_to_marker",
        Args {
            a: 1 << SHIFT,
            ..Args::default()
        },
    )
    .unwrap();
    assert!(o.warned, "softleaf_to_marker of a swap entry warns");
    let marker = 31u64 << SHIFT | 0b101;
    let o = call(
        v,
        "softleaf_to_marker",
        Args {
            a: marker,
            ..Args::default()
        },
    )
    .unwrap();
    assert_eq!((o.value, o.warned), (0b101, false));
}

#[test]
fn x86_swap_pte_layout() {
    // TYPE in bits 59-63, the offset inverted in bits 9-58, bits 0-8 clear.
    let v = all_on();
    let args = Args {
        a: 1,
        b: 0,
        ..Args::default()
    };
    let arch = call(v, "__swp_entry", args).unwrap().value;
    assert_eq!(arch, 1 << 59 | ((1u64 << 50) - 1) << 9);
    assert_eq!(value(v, "__swp_type", arch), 1);
    assert_eq!(value(v, "__swp_offset", arch), 0);
    let e = 2u64 << SHIFT | 0x5;
    let pte = value(v, "swp_entry_to_pte", e);
    assert_eq!(pte, 2 << 59 | (!0x5u64 & ((1 << 50) - 1)) << 9);
    assert_eq!(value(v, "softleaf_from_pte", pte), e);
    assert_eq!(value(v, "pte_present", pte), 0);
    assert_eq!(value(v, "pte_none", pte), 0);
}

#[test]
fn present_and_none_bits() {
    let v = all_on();
    assert_eq!(value(v, "pte_present", 1), 1, "_PAGE_PRESENT is bit 0");
    assert_eq!(value(v, "pte_present", 1 << 8), 1, "PROT_NONE is bit 8");
    assert_eq!(value(v, "pte_none", 0), 1);
    assert_eq!(
        value(v, "pte_none", 0x60),
        1,
        "A and D are ignored (KNL erratum)"
    );
    assert_eq!(value(v, "pte_none", 0x2), 0);
    assert_eq!(
        value(v, "softleaf_from_pte", 1),
        0,
        "a present PTE has no leaf entry"
    );
}

#[test]
fn swap_pte_flags_live_in_bits_1_to_3() {
    let on = all_on();
    assert_eq!(value(on, "pte_swp_mkexclusive", 0), 1 << 3);
    assert_eq!(value(on, "pte_swp_mksoft_dirty", 0), 1 << 1);
    assert_eq!(value(on, "pte_swp_mkuffd", 0), 1 << 2);
    assert_eq!(value(on, "pte_swp_soft_dirty", 1 << 1), 1);
    let off = variant_with(&[], &[SoftDirty, UffdWp]);
    assert_eq!(
        value(off, "pte_swp_mksoft_dirty", 0),
        0,
        "no soft-dirty bit without MEM_SOFT_DIRTY"
    );
    assert_eq!(value(off, "pte_swp_mkuffd", 0), 0);
    assert_eq!(value(off, "pte_swp_mkexclusive", 0), 1 << 3);
}

#[test]
fn migration_ad_bits_follow_the_knob() {
    let v = variant_with(&[Migration, Swap], &[]);
    let e = 25u64 << SHIFT | 0x1234;
    let knobs = |ad| Knobs {
        arch: 0,
        swap_migration_ad_supported: ad,
    };
    let young = |ad| {
        call(
            v,
            "make_migration_entry_young",
            Args {
                a: e,
                knobs: knobs(ad),
                ..Args::default()
            },
        )
        .unwrap()
        .value
    };
    // SWP_PFN_BITS = 46 - 12 = 34 with 4-level paging: A is bit 34.
    assert_eq!(young(true), e | 1 << 34);
    assert_eq!(young(false), e);
    let five = Args {
        a: e,
        // x86_64's knob 0: pgtable_l5_enabled().
        knobs: Knobs {
            arch: 1,
            swap_migration_ad_supported: true,
        },
        ..Args::default()
    };
    assert_eq!(
        call(v, "make_migration_entry_young", five).unwrap().value,
        e | 1 << 40
    );
}

#[test]
fn hwpoison_of_unlocked_page_is_a_bug() {
    let v = variant_with(&[MemoryFailure], &[]);
    let page = |locked| Args {
        page: Page {
            pfn: 0x42,
            locked,
            ..Page::default()
        },
        ..Args::default()
    };
    let o = call(v, "make_hwpoison_entry", page(false)).unwrap();
    assert!(o.bugged);
    let o = call(v, "make_hwpoison_entry", page(true)).unwrap();
    let hwpoison = value(v, "SWP_HWPOISON", 0);
    assert_eq!((o.value, o.bugged), (hwpoison << SHIFT | 0x42, false));
}

#[test]
fn softleaf_types_are_read_by_name() {
    let names: Vec<&str> = all_on()
        .softleaf_enumerators()
        .iter()
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(names[0], "SOFTLEAF_NONE");
    assert!(names.contains(&"SOFTLEAF_MARKER"));
}

/// A 32-bit arch's `unsigned long` is 32 bits in its C: swp_entry() on i386
/// loses type bits above bit 31 (SWP_TYPE_SHIFT is 31 - 5 = 26), and a
/// PAE PTE keeps bits above 31. Worked out from swapops.h and the PAE
/// layout comment in pgtable-3level.h.
#[test]
fn a_32_bit_arch_computes_in_32_bits() {
    let on = |arch: &str| {
        oracle::variants()
            .iter()
            .find(|v| v.kernel().tree == 0 && v.arch().name == arch && v.config.has(Swap))
            .unwrap_or_else(|| panic!("no {arch} variant with SWAP"))
    };
    let i386 = on("i386");
    assert!(i386.in_evaluator());
    let entry = |v: &Variant, ty: u64, offset: u64| {
        call(
            v,
            "swp_entry",
            Args {
                a: ty,
                b: offset,
                ..Args::default()
            },
        )
        .unwrap()
        .value
    };
    assert_eq!(entry(i386, 3, 0x10), 3 << 26 | 0x10);
    // Past the 5-bit field, type 32 reaches bit 31 and type 64 bit 32,
    // which an i386 unsigned long does not have.
    assert_eq!(entry(i386, 32, 0x10), 1 << 31 | 0x10);
    assert_eq!(entry(i386, 64, 0x10), 0x10);
    // i386-pae stores the type in the PTE's top five bits (63-59).
    let pae = on("i386-pae");
    let pte = value(pae, "softleaf_to_pte", 3 << 26 | 0x10);
    assert_eq!(pte >> 59, 3, "{pte:#x}");
    assert_eq!(value(pae, "softleaf_from_pte", pte), 3 << 26 | 0x10);
}

/// Batched evaluation (the evaluator's replay) answers exactly what calls
/// one at a time answer, on every 32-bit variant.
#[test]
fn batched_calls_answer_as_single_calls() {
    let helper = lookup("softleaf_from_pte").unwrap();
    let args: Vec<Args> = (0..300u64)
        .map(|i| Args {
            a: i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (i % 40),
            ..Args::default()
        })
        .collect();
    let variants: Vec<&Variant> = oracle::variants()
        .iter()
        .filter(|v| v.in_evaluator())
        .collect();
    assert!(variants.len() >= 7, "{} evaluator variants", variants.len());
    for v in variants {
        let single: Vec<_> = args.iter().map(|a| v.eval(helper, a)).collect();
        let batched = oracle::evaluator::batched(&args, |a| v.eval(helper, a));
        assert_eq!(single, batched, "{}", v.label());
        assert!(single.iter().any(|o| o.is_some_and(|o| o.value != 0)));
    }
}
