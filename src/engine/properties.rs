//! Properties that hold without any model (ARCHITECTURE.md §5), checked on the C alone.
//! They catch a helper that disagrees with its siblings even when nobody has
//! written down what the right answer is.

use super::Engine;
use crate::call::{Args, Evaluate, Knobs};
use crate::helpers::{self, HelperSpec, Sig, SOFTLEAF_TYPES};
use crate::oracle::Variant;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub property: &'static str,
    /// The helper whose answer breaks the property.
    pub helper: &'static HelperSpec,
    /// The swp entry the property was checked on.
    pub entry: u64,
    /// The argument of `helper` that shows the violation: the call a
    /// reproducer makes.
    pub arg: u64,
    /// What that call should answer, where the property says (a round
    /// trip's entry): a reproducer's expectation on an arch the model has
    /// no codec for.
    pub expected: Option<u64>,
    /// The call whose answer is `arg`, where a reproducer must make it
    /// rather than replay its answer (a round trip's encoder).
    pub arg_from: Option<(&'static HelperSpec, u64)>,
    /// The helper a reproducer calls on `arg` where that is not `helper`:
    /// the arch's `__swp_type` reading back what a culprit `__swp_entry` made.
    pub read_by: Option<&'static HelperSpec>,
    pub detail: String,
}

/// Calls a helper on a variant, `None` when the variant (or the build) lacks it.
fn ask(v: &Variant, helper: Option<&HelperSpec>, a: u64, knobs: Knobs) -> Option<u64> {
    let args = Args {
        a,
        knobs,
        ..Args::default()
    };
    v.eval(helper?, &args).map(|o| o.value)
}

/// Each classification predicate and the `enum softleaf_type` enumerators it
/// accepts. The device-private migration types are specialisations of the
/// migration types (ARCHITECTURE.md §6): each migration predicate accepts its device twin.
/// Enumerators a kernel does not define are simply never seen.
const PREDICATES: &[(&str, &[&str])] = &[
    ("softleaf_is_swap", &["SOFTLEAF_SWAP"]),
    (
        "softleaf_is_migration",
        &[
            "SOFTLEAF_MIGRATION_READ",
            "SOFTLEAF_MIGRATION_READ_EXCLUSIVE",
            "SOFTLEAF_MIGRATION_WRITE",
            "SOFTLEAF_MIGRATION_DEVICE_READ",
            "SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE",
            "SOFTLEAF_MIGRATION_DEVICE_WRITE",
        ],
    ),
    (
        "softleaf_is_migration_read",
        &["SOFTLEAF_MIGRATION_READ", "SOFTLEAF_MIGRATION_DEVICE_READ"],
    ),
    (
        "softleaf_is_migration_read_exclusive",
        &[
            "SOFTLEAF_MIGRATION_READ_EXCLUSIVE",
            "SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE",
        ],
    ),
    (
        "softleaf_is_migration_write",
        &[
            "SOFTLEAF_MIGRATION_WRITE",
            "SOFTLEAF_MIGRATION_DEVICE_WRITE",
        ],
    ),
    (
        "softleaf_is_migration_device_private",
        &[
            "SOFTLEAF_MIGRATION_DEVICE_READ",
            "SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE",
            "SOFTLEAF_MIGRATION_DEVICE_WRITE",
        ],
    ),
    (
        "softleaf_is_migration_device_private_read",
        &["SOFTLEAF_MIGRATION_DEVICE_READ"],
    ),
    (
        "softleaf_is_migration_device_private_read_exclusive",
        &["SOFTLEAF_MIGRATION_DEVICE_READ_EXCLUSIVE"],
    ),
    (
        "softleaf_is_migration_device_private_write",
        &["SOFTLEAF_MIGRATION_DEVICE_WRITE"],
    ),
    (
        "softleaf_is_device_private",
        &[
            "SOFTLEAF_DEVICE_PRIVATE_READ",
            "SOFTLEAF_DEVICE_PRIVATE_WRITE",
        ],
    ),
    (
        "softleaf_is_device_private_write",
        &["SOFTLEAF_DEVICE_PRIVATE_WRITE"],
    ),
    (
        "softleaf_is_device_exclusive",
        &["SOFTLEAF_DEVICE_EXCLUSIVE"],
    ),
    ("softleaf_is_hwpoison", &["SOFTLEAF_HWPOISON"]),
    ("softleaf_is_marker", &["SOFTLEAF_MARKER"]),
];

/// The parts `softleaf_is_migration` is the union of.
const MIGRATION_PARTS: [&str; 3] = [
    "softleaf_is_migration_read",
    "softleaf_is_migration_read_exclusive",
    "softleaf_is_migration_write",
];

/// Top-level classes: at most one holds for any entry.
const CLASSES: &[&str] = &[
    "softleaf_is_swap",
    "softleaf_is_migration",
    "softleaf_is_device_private",
    "softleaf_is_device_exclusive",
    "softleaf_is_hwpoison",
    "softleaf_is_marker",
];

/// `(mk, test, clear)` for each swap PTE flag.
const PTE_FLAGS: &[(&str, &str, &str)] = &[
    (
        "pte_swp_mkexclusive",
        "pte_swp_exclusive",
        "pte_swp_clear_exclusive",
    ),
    (
        "pte_swp_mksoft_dirty",
        "pte_swp_soft_dirty",
        "pte_swp_clear_soft_dirty",
    ),
    ("pte_swp_mkuffd", "pte_swp_uffd", "pte_swp_clear_uffd"),
];

/// Helpers that set a flag on a swap PMD.
const PMD_FLAG_SETTERS: &[&str] = &["pmd_swp_mksoft_dirty", "pmd_swp_mkuffd"];

/// Helpers whose meaning no config option changes: every variant of a kernel
/// must agree on them (and kernels too, where both define them).
const CONFIG_INDEPENDENT: &[&str] = &[
    "swp_entry",
    "swp_type",
    "swp_offset",
    "swp_entry_to_pte",
    "softleaf_to_pte",
    "softleaf_from_pte",
    "softleaf_is_none",
    "pte_present",
    "pte_none",
    "pte_swp_exclusive",
    "pte_swp_mkexclusive",
    "pte_swp_clear_exclusive",
    "__swp_type",
    "__swp_offset",
    "__pte_to_swp_entry",
    "__swp_entry_to_pte",
    "swp_to_radix_entry",
];

/// The tables above with their names resolved once: the `props` fuzz target
/// runs these checks per input and must not hash strings to do it.
/// A name the build's kernels may not define is `None`, and every check that
/// needs it is skipped.
struct Helpers {
    softleaf_type: Option<&'static HelperSpec>,
    predicates: Vec<Predicate>,
    migration: usize,
    swp_type: Option<&'static HelperSpec>,
    swp_offset: Option<&'static HelperSpec>,
    swp_type_bits: Option<&'static HelperSpec>,
    swp_offset_shift: Option<&'static HelperSpec>,
    arch_entry: Option<&'static HelperSpec>,
    arch_type: Option<&'static HelperSpec>,
    arch_offset: Option<&'static HelperSpec>,
    arch_entry_to_pte: Option<&'static HelperSpec>,
    arch_pte_to_entry: Option<&'static HelperSpec>,
    max_swapfiles_shift: Option<&'static HelperSpec>,
    swp_pfn_bits: Option<&'static HelperSpec>,
    max_physmem_bits: Option<&'static HelperSpec>,
    /// How many types of each kind whose offset is a pfn the config has.
    pfn_type_counts: [Option<&'static HelperSpec>; 3],
    swp_mig_total_bits: Option<&'static HelperSpec>,
    softleaf_is_valid_pmd_entry: Option<&'static HelperSpec>,
    swp_entry_to_pmd: Option<&'static HelperSpec>,
    pmd_present: Option<&'static HelperSpec>,
    pmd_none: Option<&'static HelperSpec>,
    /// The swap PMD flag setters.
    pmd_flag_setters: Vec<&'static HelperSpec>,
    softleaf_to_pte: Option<&'static HelperSpec>,
    swp_entry_to_pte: Option<&'static HelperSpec>,
    softleaf_from_pte: Option<&'static HelperSpec>,
    pte_present: Option<&'static HelperSpec>,
    pte_none: Option<&'static HelperSpec>,
    flags: Vec<[Option<&'static HelperSpec>; 3]>,
    /// Each config-independent helper, and whether it takes a PTE (else an entry).
    config_independent: Vec<(&'static HelperSpec, bool)>,
    /// Helpers the model does not know, by the properties their kind implies.
    unmodelled: Unmodelled,
}

/// Helpers of this build the model has no meaning for, grouped by what
/// their prototype makes them: each kind has properties that need no model.
#[derive(Default)]
struct Unmodelled {
    /// `(entry) -> bool` predicates that classify by type alone (their
    /// definition reads the type, never the offset).
    type_predicates: Vec<&'static HelperSpec>,
    /// `(word) -> entry` makers.
    makers: Vec<&'static HelperSpec>,
    /// `(pte) -> pte` helpers.
    pte_flag_helpers: Vec<&'static HelperSpec>,
}

struct Predicate {
    helper: Option<&'static HelperSpec>,
    /// Bit `i` set: accepts `SOFTLEAF_TYPES[i]`.
    accepts: u64,
    class: bool,
    migration_part: bool,
}

fn spec(name: &str) -> Option<&'static HelperSpec> {
    helpers::lookup(name)
}

fn helpers() -> &'static Helpers {
    static HELPERS: OnceLock<Helpers> = OnceLock::new();
    HELPERS.get_or_init(|| {
        let predicates: Vec<Predicate> = PREDICATES
            .iter()
            .map(|(name, accepts)| Predicate {
                helper: spec(name),
                accepts: SOFTLEAF_TYPES
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| accepts.contains(t))
                    .fold(0, |m, (i, _)| m | 1 << i),
                class: CLASSES.contains(name),
                migration_part: MIGRATION_PARTS.contains(name),
            })
            .collect();
        Helpers {
            softleaf_type: spec("softleaf_type"),
            migration: PREDICATES
                .iter()
                .position(|(n, _)| *n == "softleaf_is_migration")
                .expect("softleaf_is_migration is a predicate"),
            predicates,
            swp_type: spec("swp_type"),
            swp_offset: spec("swp_offset"),
            swp_type_bits: spec("SWP_TYPE_BITS"),
            swp_offset_shift: spec("SWP_OFFSET_SHIFT"),
            arch_entry: spec("__swp_entry"),
            arch_type: spec("__swp_type"),
            arch_offset: spec("__swp_offset"),
            arch_entry_to_pte: spec("__swp_entry_to_pte"),
            arch_pte_to_entry: spec("__pte_to_swp_entry"),
            max_swapfiles_shift: spec("MAX_SWAPFILES_SHIFT"),
            swp_pfn_bits: spec("SWP_PFN_BITS"),
            max_physmem_bits: spec("MAX_PHYSMEM_BITS"),
            pfn_type_counts: [
                spec("SWP_MIGRATION_NUM"),
                spec("SWP_DEVICE_NUM"),
                spec("SWP_HWPOISON_NUM"),
            ],
            swp_mig_total_bits: spec("SWP_MIG_TOTAL_BITS"),
            softleaf_is_valid_pmd_entry: spec("softleaf_is_valid_pmd_entry"),
            swp_entry_to_pmd: spec("swp_entry_to_pmd").or_else(|| spec("softleaf_to_pmd")),
            pmd_present: spec("pmd_present"),
            pmd_none: spec("pmd_none"),
            pmd_flag_setters: PMD_FLAG_SETTERS.iter().filter_map(|n| spec(n)).collect(),
            softleaf_to_pte: spec("softleaf_to_pte"),
            swp_entry_to_pte: spec("swp_entry_to_pte"),
            softleaf_from_pte: spec("softleaf_from_pte"),
            pte_present: spec("pte_present"),
            pte_none: spec("pte_none"),
            flags: PTE_FLAGS
                .iter()
                .map(|(mk, test, clear)| [spec(mk), spec(test), spec(clear)])
                .collect(),
            config_independent: CONFIG_INDEPENDENT
                .iter()
                .filter_map(|name| Some((spec(name)?, spec(name)?.sig.takes_table_word())))
                .collect(),
            unmodelled: unmodelled(),
        }
    })
}

pub fn check(engine: &Engine, variant: usize, args: &Args) -> Vec<Violation> {
    let h = helpers();
    let v = &engine.variants[variant];
    // The entry is an `unsigned long`: on a 32-bit arch, the case's word
    // as the kernel would hold it.
    let args = &Args {
        a: args.a & v.arch().word_mask(),
        ..*args
    };
    let mut out = Vec::new();
    classification(h, v, args.a, args.knobs, &mut out);
    capacity(h, v, args.knobs, &mut out);
    page_table(h, v, args.a, args.knobs, &mut out);
    across_variants(h, engine, variant, args, &mut out);
    unmodelled_helpers(h, v, args, &mut out);
    out
}

fn violation(
    property: &'static str,
    (helper, arg): (&'static HelperSpec, u64),
    entry: u64,
    detail: String,
) -> Violation {
    Violation {
        property,
        helper,
        entry,
        arg,
        expected: None,
        arg_from: None,
        read_by: None,
        detail,
    }
}

/// The helpers of this build the model does not know, by kind. A predicate
/// counts as classifying by type when its definition, as the headers have
/// it, calls `softleaf_type`/`swp_type` and reads no offset or pfn.
fn unmodelled() -> Unmodelled {
    let mut u = Unmodelled::default();
    for h in helpers::all().iter().filter(|h| !h.modelled) {
        match h.sig {
            Sig::EntryToBool if classifies_by_type(h.name) => u.type_predicates.push(h),
            Sig::WordToEntry => u.makers.push(h),
            Sig::PteToPte => u.pte_flag_helpers.push(h),
            _ => {}
        }
    }
    u
}

fn classifies_by_type(name: &str) -> bool {
    crate::oracle::kernels().iter().any(|k| {
        let refs = k.refs_of(name);
        let reads = |n: &str| refs.contains(&n);
        (reads("softleaf_type") || reads("swp_type"))
            && ![
                "swp_offset",
                "softleaf_to_pfn",
                "swp_offset_pfn",
                "softleaf_to_marker",
            ]
            .iter()
            .any(|n| reads(n))
    })
}

fn classification(h: &Helpers, v: &Variant, e: u64, knobs: Knobs, out: &mut Vec<Violation>) {
    let Some(index) = ask(v, h.softleaf_type, e, knobs) else {
        return;
    };
    let Some(ty) = SOFTLEAF_TYPES.get(index as usize) else {
        return;
    };
    let mut answers = [None; PREDICATES.len()];
    for (p, answer) in h.predicates.iter().zip(answers.iter_mut()) {
        *answer = ask(v, p.helper, e, knobs).map(|x| x == 1);
        let (Some(got), Some(helper)) = (*answer, p.helper) else {
            continue;
        };
        if got != (p.accepts >> index & 1 == 1) {
            let name = helper.name;
            out.push(violation(
                "predicate-agrees-with-softleaf_type",
                (helper, e),
                e,
                format!("{name}() = {got} but softleaf_type() = {ty}"),
            ));
        }
    }
    let holding: Vec<&'static HelperSpec> = h
        .predicates
        .iter()
        .zip(answers)
        .filter(|(p, a)| p.class && *a == Some(true))
        .filter_map(|(p, _)| p.helper)
        .collect();
    if holding.len() > 1 {
        let names: Vec<&str> = holding.iter().map(|h| h.name).collect();
        out.push(violation(
            "classification-is-a-partition",
            (holding[1], e),
            e,
            format!("{} all hold", names.join(", ")),
        ));
    }
    let parts: Vec<(&Predicate, bool)> = h
        .predicates
        .iter()
        .zip(answers)
        .filter(|(p, _)| p.migration_part)
        .filter_map(|(p, a)| Some((p, a?)))
        .collect();
    let whole_helper = h.predicates[h.migration].helper;
    if let (Some(whole), Some(whole_helper), 3) = (answers[h.migration], whole_helper, parts.len())
    {
        let union = parts.iter().any(|(_, x)| *x);
        if whole != union {
            // Blame the part that is out of line with the whole: when the
            // whole holds and no part does, each part is suspect; name the
            // one matching the entry's type.
            let suspect = parts
                .iter()
                .find(|(p, _)| p.accepts >> index & 1 == 1)
                .and_then(|(p, _)| p.helper)
                .unwrap_or(whole_helper);
            out.push(violation(
                "migration-is-union-of-read-read_exclusive-write",
                (suspect, e),
                e,
                format!(
                    "softleaf_is_migration() = {whole} but read/read_exclusive/write = {:?} (softleaf_type() = {ty})",
                    parts.iter().map(|(_, x)| *x).collect::<Vec<_>>()
                ),
            ));
        }
    }
}

/// Bits the arch's swap PTE holds for type and offset: as its headers
/// state them (x86's `SWP_TYPE_BITS`, `SWP_OFFSET_SHIFT`), else measured
/// through its own codec, the way the kernel finds its largest swap
/// offset: the most of each field `__swp_entry` keeps.
fn arch_capacity(h: &Helpers, v: &Variant, knobs: Knobs) -> Option<(u32, u32)> {
    let arch = v.arch();
    // A stated layout (x86's SWP_TYPE_BITS and SWP_OFFSET_SHIFT) describes
    // the PTE; the offset also passes through the `unsigned long` entry,
    // narrower than the PTE on PAE.
    let stated = (|| {
        let type_bits = ask(v, h.swp_type_bits, 0, knobs)? as u32;
        let shift = ask(v, h.swp_offset_shift, 0, knobs)? as u32;
        let offset_bits = (arch.pte_bits - shift).min(arch.word_bits - type_bits);
        Some((type_bits, offset_bits))
    })();
    // What the arch's own `__swp_*` helpers keep, through the PTE and back
    // as the kernel sizes swap devices: sh and ppc32 shift the entry on
    // its way into the PTE.
    let measured = (|| {
        let kept = |t: u64, o: u64, field: Option<&'static HelperSpec>| {
            let entry = ask_pair(v, h.arch_entry, t, o, knobs)?;
            let pte = ask(v, h.arch_entry_to_pte, entry, knobs)?;
            let back = ask(v, h.arch_pte_to_entry, pte, knobs)?;
            ask(v, field, back, knobs)
        };
        let types = kept(u64::MAX, 0, h.arch_type)?;
        let offsets = kept(0, u64::MAX, h.arch_offset)?;
        Some((low_ones(types), low_ones(offsets)))
    })();
    match (stated, measured) {
        // The type field is what the helpers keep, whatever the width
        // stated beside them (a mask one bit short keeps fewer). A stated
        // offset field stands: an encoder that breaks offsets breaks every
        // round trip, which the round-trip property reports as itself.
        (Some((stated_types, offsets)), Some((kept_types, _))) => {
            Some((stated_types.min(kept_types), offsets))
        }
        (stated, measured) => stated.or(measured),
    }
}

/// How many low bits of `x` are set before the first clear one.
fn low_ones(x: u64) -> u32 {
    x.trailing_ones()
}

/// Calls a `(type, offset)` helper.
fn ask_pair(v: &Variant, helper: Option<&HelperSpec>, a: u64, b: u64, knobs: Knobs) -> Option<u64> {
    let args = Args {
        a,
        b,
        knobs,
        ..Args::default()
    };
    v.eval(helper?, &args).map(|o| o.value)
}

/// The arch's swap PTE holds every type number and every pfn the generic
/// headers make: its type field has `MAX_SWAPFILES_SHIFT` bits, its offset
/// at least `SWP_PFN_BITS`, however the headers state or compute them.
fn capacity(h: &Helpers, v: &Variant, knobs: Knobs, out: &mut Vec<Violation>) {
    let Some((type_bits, offset_bits)) = arch_capacity(h, v, knobs) else {
        return;
    };
    let culprit = h.arch_entry.or(h.swp_entry_to_pte);
    let Some(culprit) = culprit else { return };
    if let Some(shift) = ask(v, h.max_swapfiles_shift, 0, knobs) {
        if u64::from(type_bits) < shift {
            let detail =
                format!("the swap PTE keeps {type_bits} type bits, MAX_SWAPFILES_SHIFT is {shift}");
            let lost = violation("arch-holds-every-swap-type", (culprit, 0), 0, detail);
            out.push(type_read_back(h, v, knobs, shift, lost));
        }
    }
    let pfn_entries = h
        .pfn_type_counts
        .iter()
        .filter_map(|c| ask(v, *c, 0, knobs))
        .sum::<u64>()
        > 0;
    if let Some(pfn_bits) = ask(v, h.swp_pfn_bits, 0, knobs).filter(|_| pfn_entries) {
        if u64::from(offset_bits) < pfn_bits {
            out.push(violation(
                "arch-holds-every-pfn",
                (culprit, 0),
                0,
                format!(
                    "the swap PTE keeps {offset_bits} offset bits, SWP_PFN_BITS is {pfn_bits} (MAX_PHYSMEM_BITS {})",
                    ask(v, h.max_physmem_bits, 0, knobs).map_or("undefined".into(), |b| b.to_string())
                ),
            ));
        }
    }
}

/// A lost swap type as a reproducer shows it without the model: the arch's
/// `__swp_type` of `__swp_entry(largest type, 0)` should be that type.
/// Where the pair keeps it (the PTE loses it), the violation stays as it is.
fn type_read_back(
    h: &Helpers,
    v: &Variant,
    knobs: Knobs,
    shift: u64,
    lost: Violation,
) -> Violation {
    let largest = (1 << shift) - 1;
    let read_back = (|| {
        let (encode, read) = (h.arch_entry?, h.arch_type?);
        let entry = ask_pair(v, Some(encode), largest, 0, knobs)?;
        let back = ask(v, Some(read), entry, knobs)?;
        (back != largest).then_some(Violation {
            arg: entry,
            expected: Some(largest),
            arg_from: Some((encode, largest)),
            read_by: Some(read),
            ..lost.clone()
        })
    })();
    read_back.unwrap_or(lost)
}

/// Whether the arch can hold entry `e` in a swap PTE at all.
fn arch_holds(h: &Helpers, v: &Variant, e: u64, knobs: Knobs) -> bool {
    let (Some(ty), Some(off)) = (ask(v, h.swp_type, e, knobs), ask(v, h.swp_offset, e, knobs))
    else {
        return false;
    };
    let Some((type_bits, offset_bits)) = arch_capacity(h, v, knobs) else {
        return false;
    };
    // x86 inverts the offset, so type 0 with an all-ones offset would encode
    // to the empty PTE. Such an offset lies beyond the kernel's maximum swap
    // size: the arch cannot hold that entry.
    let fits = |x: u64, bits: u32| bits >= 64 || x < 1 << bits;
    let encodes_to_none = ty == 0 && !fits(off + 1, offset_bits);
    e != 0 && fits(ty, type_bits) && fits(off, offset_bits) && !encodes_to_none
}

/// The swap PTE of `e`, and the helper that made it.
fn swap_pte(h: &Helpers, v: &Variant, e: u64, knobs: Knobs) -> Option<(&'static HelperSpec, u64)> {
    [h.softleaf_to_pte, h.swp_entry_to_pte]
        .into_iter()
        .find_map(|to| Some((to?, ask(v, to, e, knobs)?)))
}

fn page_table(h: &Helpers, v: &Variant, e: u64, knobs: Knobs, out: &mut Vec<Violation>) {
    if !arch_holds(h, v, e, knobs) {
        return;
    }
    let Some((to_pte, pte)) = swap_pte(h, v, e, knobs) else {
        return;
    };
    let (Some(from_pte), Some(back)) =
        (h.softleaf_from_pte, ask(v, h.softleaf_from_pte, pte, knobs))
    else {
        return;
    };
    if back != e {
        out.push(Violation {
            expected: Some(e),
            arg_from: Some((to_pte, e)),
            ..violation(
                "softleaf_from_pte-inverts-softleaf_to_pte",
                (from_pte, pte),
                e,
                format!(
                    "{}({e:#x}) = {pte:#x}, softleaf_from_pte() of it = {back:#x}",
                    to_pte.name
                ),
            )
        });
        return;
    }
    for test in [h.pte_present, h.pte_none].into_iter().flatten() {
        if let Some(got) = ask(v, Some(test), pte, knobs).filter(|&got| got != 0) {
            let name = test.name;
            out.push(violation(
                "swap-pte-is-neither-present-nor-none",
                (test, pte),
                e,
                format!("{name}({pte:#x}) = {got} for the swap PTE of {e:#x}"),
            ));
        }
    }
    swap_pmd(h, v, e, knobs, out);
    for &[mk, test, clear] in &h.flags {
        let (Some(mk), Some(marked)) = (mk, ask(v, mk, pte, knobs)) else {
            continue;
        };
        let changed = marked ^ pte;
        if changed.count_ones() > 1 {
            out.push(violation(
                "pte-flag-helper-touches-one-bit",
                (mk, pte),
                e,
                format!(
                    "{}({pte:#x}) = {marked:#x} changes bits {changed:#x}",
                    mk.name
                ),
            ));
        }
        if let (Some(test), Some(1)) = (test, ask(v, test, pte, knobs)) {
            out.push(violation(
                "fresh-swap-pte-has-no-flags",
                (test, pte),
                e,
                format!(
                    "{}({pte:#x}) holds on a PTE made by {}()",
                    test.name, to_pte.name
                ),
            ));
        }
        if changed != 0 {
            if let (Some(test), Some(0)) = (test, ask(v, test, marked, knobs)) {
                out.push(violation(
                    "pte-flag-helper-sets-what-it-tests",
                    (test, marked),
                    e,
                    format!(
                        "{}({}({pte:#x}) = {marked:#x}) is false",
                        test.name, mk.name
                    ),
                ));
            }
            if let Some((clear, cleared)) = clear
                .and_then(|c| Some((c, ask(v, Some(c), marked, knobs)?)))
                .filter(|&(_, c)| c != pte)
            {
                out.push(violation(
                    "pte-flag-clear-undoes-mk",
                    (clear, marked),
                    e,
                    format!(
                        "{}({marked:#x}) = {cleared:#x}, expected {pte:#x}",
                        clear.name
                    ),
                ));
            }
        }
        if let Some(decoded) = ask(v, h.softleaf_from_pte, marked, knobs).filter(|&d| d != e) {
            out.push(violation(
                "pte-flags-do-not-change-the-entry",
                (mk, pte),
                e,
                format!(
                    "softleaf_from_pte({}(pte) = {marked:#x}) = {decoded:#x}, expected {e:#x}",
                    mk.name
                ),
            ));
        }
    }
}

/// A swap PMD (where the config makes one: without PMD leaf entries
/// `swp_entry_to_pmd` gives the empty PMD) is neither present nor none.
/// Only pfn entries (migration, device-private) live in PMDs, so only
/// entries of a type valid there with an offset of pfn and A/D bits are.
fn swap_pmd(h: &Helpers, v: &Variant, e: u64, knobs: Knobs, out: &mut Vec<Violation>) {
    let offset_bits = ask(v, h.swp_mig_total_bits, 0, knobs)
        .or_else(|| ask(v, h.swp_pfn_bits, 0, knobs))
        .unwrap_or(0);
    let pfn_like = ask(v, h.swp_offset, e, knobs).is_some_and(|o| o >> offset_bits == 0);
    let valid = ask(v, h.softleaf_is_valid_pmd_entry, e, knobs) != Some(0);
    if !(pfn_like && valid) {
        return;
    }
    let Some(pmd) = ask(v, h.swp_entry_to_pmd, e, knobs).filter(|&p| p != 0) else {
        return;
    };
    for test in [h.pmd_present, h.pmd_none].into_iter().flatten() {
        if let Some(got) = ask(v, Some(test), pmd, knobs).filter(|&got| got != 0) {
            out.push(violation(
                "swap-pmd-is-neither-present-nor-none",
                (test, pmd),
                e,
                format!("{}({pmd:#x}) = {got} for the swap PMD of {e:#x}", test.name),
            ));
        }
    }
    // A flag the swap PMD carries must keep it a swap PMD.
    for &mk in &h.pmd_flag_setters {
        let Some(marked) = ask(v, Some(mk), pmd, knobs) else {
            continue;
        };
        if ask(v, h.pmd_present, marked, knobs).is_some_and(|p| p != 0) {
            out.push(violation(
                "swap-pmd-flags-keep-it-not-present",
                (mk, pmd),
                e,
                format!(
                    "{}({pmd:#x}) = {marked:#x}, which pmd_present() reads as present",
                    mk.name
                ),
            ));
        }
    }
}

/// Config-independent helpers agree across every variant of the kernel, and
/// across kernels of one generation that define them (between generations
/// a meaning may change: 6.12's `softleaf_from_pte` decodes a none PTE;
/// those pairs are the cross-version check's, ARCHITECTURE.md §8).
fn across_variants(
    h: &Helpers,
    engine: &Engine,
    variant: usize,
    args: &Args,
    out: &mut Vec<Violation>,
) {
    // Each variant against the next of its arch and generation: agreement
    // is transitive, so the ring covers every pair while costing one call
    // per helper. Arches encode PTEs each their own way, so the ring stays
    // in one.
    let arch = engine.variants[variant].arch().id;
    let generation = |i: usize| engine.model(i).features.generation;
    let n = engine.variants.len();
    let Some(next) = (1..n)
        .map(|d| (variant + d) % n)
        .find(|&o| engine.variants[o].arch().id == arch && generation(o) == generation(variant))
    else {
        return;
    };
    let (here, other) = (&engine.variants[variant], &engine.variants[next]);
    for &(helper, takes_pte) in &h.config_independent {
        let input = if takes_pte { args.b } else { args.a };
        let call = Args {
            a: input,
            b: 0,
            ..*args
        };
        let (Some(mine), Some(theirs)) = (here.eval(helper, &call), other.eval(helper, &call))
        else {
            continue;
        };
        if theirs != mine {
            out.push(violation(
                "config-independent-helpers-agree",
                (helper, input),
                args.a,
                format!(
                    "{}({input:#x}) = {:#x} on {} but {:#x} on {}",
                    helper.name,
                    mine.value,
                    here.label(),
                    theirs.value,
                    other.label()
                ),
            ));
        }
    }
}

/// What a helper the model does not know must still do, by its kind:
/// a type predicate answers alike for every entry of one `softleaf_type`;
/// a maker's entry has a type this config defines and keeps its offset; a
/// PTE helper changes at most one bit and never the entry the PTE holds.
fn unmodelled_helpers(h: &Helpers, v: &Variant, args: &Args, out: &mut Vec<Violation>) {
    let (e, knobs) = (args.a, args.knobs);
    let u = &h.unmodelled;
    if u.type_predicates.is_empty() && u.makers.is_empty() && u.pte_flag_helpers.is_empty() {
        return;
    }
    if let Some(ty) = ask(v, h.softleaf_type, e, knobs).filter(|_| !u.type_predicates.is_empty()) {
        // The same type number with the smallest offset it can have.
        let twin = e & !((1u64 << 58) - 1) | 1;
        let same_type = ask(v, h.softleaf_type, twin, knobs) == Some(ty);
        for &p in u.type_predicates.iter().filter(|p| v.has_spec(p)) {
            let (Some(got), Some(twin_got)) =
                (ask(v, Some(p), e, knobs), ask(v, Some(p), twin, knobs))
            else {
                continue;
            };
            if same_type && got != twin_got {
                out.push(violation(
                    "type-predicate-answers-by-type",
                    (p, e),
                    e,
                    format!(
                        "{}({e:#x}) = {got} but {}({twin:#x}) = {twin_got}, and both have softleaf_type() = {}",
                        p.name,
                        p.name,
                        SOFTLEAF_TYPES.get(ty as usize).unwrap_or(&"an unknown type")
                    ),
                ));
            }
        }
    }
    let offset = e & ((1u64 << 34) - 1);
    for &m in u.makers.iter().filter(|m| v.has_spec(m)) {
        let Some(made) = ask(v, Some(m), offset, knobs) else {
            continue;
        };
        if made == 0 {
            // The stub a config without the type compiles in.
            continue;
        }
        let kept = ask(v, h.swp_offset, made, knobs);
        let ty = ask(v, h.softleaf_type, made, knobs);
        if kept.is_some_and(|k| k != offset) {
            out.push(violation(
                "maker-keeps-its-offset",
                (m, offset),
                e,
                format!(
                    "swp_offset({}({offset:#x})) = {:#x}",
                    m.name,
                    kept.unwrap_or(0)
                ),
            ));
        }
        if ty.is_some_and(|t| t == 0 || SOFTLEAF_TYPES.get(t as usize).is_none()) {
            out.push(violation(
                "maker-makes-a-defined-type",
                (m, offset),
                e,
                format!(
                    "softleaf_type({}({offset:#x})) is not a type this config defines",
                    m.name
                ),
            ));
        }
    }
    if u.pte_flag_helpers.is_empty() || !arch_holds(h, v, e, knobs) {
        return;
    }
    let Some((_, pte)) = swap_pte(h, v, e, knobs) else {
        return;
    };
    for &f in u.pte_flag_helpers.iter().filter(|f| v.has_spec(f)) {
        let Some(changed) = ask(v, Some(f), pte, knobs) else {
            continue;
        };
        let bits = changed ^ pte;
        if bits.count_ones() > 1 {
            out.push(violation(
                "pte-flag-helper-touches-one-bit",
                (f, pte),
                e,
                format!("{}({pte:#x}) = {changed:#x} changes bits {bits:#x}", f.name),
            ));
        }
        if let Some(decoded) = ask(v, h.softleaf_from_pte, changed, knobs).filter(|&d| d != e) {
            out.push(violation(
                "pte-flags-do-not-change-the-entry",
                (f, pte),
                e,
                format!(
                    "softleaf_from_pte({}(pte) = {changed:#x}) = {decoded:#x}, expected {e:#x}",
                    f.name
                ),
            ));
        }
    }
}
