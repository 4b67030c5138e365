//! Properties that hold without any model (DESIGN §3), checked on the C alone.
//! They catch a helper that disagrees with its siblings even when nobody has
//! written down what the right answer is.

use super::Engine;
use crate::call::{Args, Knobs};
use crate::oracle::Variant;
use leafdiff_kernel::helpers::{lookup, HelperSpec, SOFTLEAF_TYPES};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub property: &'static str,
    /// The helper whose answer breaks the property.
    pub helper: &'static str,
    /// The swp entry the property was checked on.
    pub entry: u64,
    /// The argument of `helper` that shows the violation: the call a
    /// reproducer makes.
    pub arg: u64,
    pub detail: String,
}

/// Calls a helper on a variant, `None` when the variant lacks it.
fn ask(v: &Variant, helper: &HelperSpec, a: u64, knobs: Knobs) -> Option<u64> {
    let args = Args {
        a,
        knobs,
        ..Args::default()
    };
    v.eval(helper, &args).map(|o| o.value)
}

/// Each classification predicate and the `enum softleaf_type` enumerators it
/// accepts. The device-private migration types are specialisations of the
/// migration types (DESIGN §5): each migration predicate accepts its device twin.
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
struct Helpers {
    softleaf_type: &'static HelperSpec,
    predicates: Vec<Predicate>,
    migration: usize,
    swp_type: &'static HelperSpec,
    swp_offset: &'static HelperSpec,
    swp_type_bits: &'static HelperSpec,
    swp_offset_shift: &'static HelperSpec,
    softleaf_to_pte: &'static HelperSpec,
    swp_entry_to_pte: &'static HelperSpec,
    softleaf_from_pte: &'static HelperSpec,
    pte_present: &'static HelperSpec,
    pte_none: &'static HelperSpec,
    flags: Vec<[&'static HelperSpec; 3]>,
    /// Each config-independent helper, and whether it takes a PTE (else an entry).
    config_independent: Vec<(&'static HelperSpec, bool)>,
}

struct Predicate {
    helper: &'static HelperSpec,
    /// Bit `i` set: accepts `SOFTLEAF_TYPES[i]`.
    accepts: u64,
    class: bool,
    migration_part: bool,
}

fn spec(name: &str) -> &'static HelperSpec {
    lookup(name).unwrap_or_else(|| panic!("{name} is in the helper table"))
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
                .map(|name| {
                    let takes_pte = name.starts_with("pte_")
                        || name.contains("from_pte")
                        || name.starts_with("__pte");
                    (spec(name), takes_pte)
                })
                .collect(),
        }
    })
}

pub fn check(engine: &Engine, variant: usize, args: &Args) -> Vec<Violation> {
    let h = helpers();
    let v = &engine.variants[variant];
    let mut out = Vec::new();
    classification(h, v, args.a, args.knobs, &mut out);
    page_table(h, v, args.a, args.knobs, &mut out);
    across_variants(h, engine, variant, args, &mut out);
    out
}

fn violation(
    property: &'static str,
    (helper, arg): (&'static str, u64),
    entry: u64,
    detail: String,
) -> Violation {
    Violation {
        property,
        helper,
        entry,
        arg,
        detail,
    }
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
        let Some(got) = *answer else { continue };
        if got != (p.accepts >> index & 1 == 1) {
            let name = p.helper.name;
            out.push(violation(
                "predicate-agrees-with-softleaf_type",
                (name, e),
                e,
                format!("{name}() = {got} but softleaf_type() = {ty}"),
            ));
        }
    }
    let holding: Vec<&str> = h
        .predicates
        .iter()
        .zip(answers)
        .filter(|(p, a)| p.class && *a == Some(true))
        .map(|(p, _)| p.helper.name)
        .collect();
    if holding.len() > 1 {
        out.push(violation(
            "classification-is-a-partition",
            (holding[1], e),
            e,
            format!("{} all hold", holding.join(", ")),
        ));
    }
    let parts: Vec<(&Predicate, bool)> = h
        .predicates
        .iter()
        .zip(answers)
        .filter(|(p, _)| p.migration_part)
        .filter_map(|(p, a)| Some((p, a?)))
        .collect();
    if let (Some(whole), 3) = (answers[h.migration], parts.len()) {
        let union = parts.iter().any(|(_, x)| *x);
        if whole != union {
            // Blame the part that is out of line with the whole: when the
            // whole holds and no part does, each part is suspect; name the
            // one matching the entry's type.
            let suspect = parts
                .iter()
                .find(|(p, _)| p.accepts >> index & 1 == 1)
                .map_or("softleaf_is_migration", |(p, _)| p.helper.name);
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

/// Bits the arch's swap PTE holds for type and offset.
fn arch_capacity(h: &Helpers, v: &Variant, knobs: Knobs) -> Option<(u32, u32)> {
    let type_bits = ask(v, h.swp_type_bits, 0, knobs)? as u32;
    let shift = ask(v, h.swp_offset_shift, 0, knobs)? as u32;
    Some((type_bits, 64 - shift))
}

fn page_table(h: &Helpers, v: &Variant, e: u64, knobs: Knobs, out: &mut Vec<Violation>) {
    let (Some(ty), Some(off)) = (ask(v, h.swp_type, e, knobs), ask(v, h.swp_offset, e, knobs))
    else {
        return;
    };
    let Some((type_bits, offset_bits)) = arch_capacity(h, v, knobs) else {
        return;
    };
    // x86 inverts the offset, so type 0 with an all-ones offset would encode
    // to the empty PTE. Such an offset lies beyond the kernel's maximum swap
    // size: the arch cannot hold that entry.
    let encodes_to_none = ty == 0 && off == (1 << offset_bits) - 1;
    if e == 0 || ty >= 1 << type_bits || off >= 1 << offset_bits || encodes_to_none {
        return;
    }
    let (to_pte, Some(pte)) = [h.softleaf_to_pte, h.swp_entry_to_pte]
        .into_iter()
        .map(|to| (to.name, ask(v, to, e, knobs)))
        .find(|(_, pte)| pte.is_some())
        .unwrap_or(("", None))
    else {
        return;
    };
    let Some(back) = ask(v, h.softleaf_from_pte, pte, knobs) else {
        return;
    };
    if back != e {
        out.push(violation(
            "softleaf_from_pte-inverts-softleaf_to_pte",
            ("softleaf_from_pte", pte),
            e,
            format!("{to_pte}({e:#x}) = {pte:#x}, softleaf_from_pte() of it = {back:#x}"),
        ));
        return;
    }
    for test in [h.pte_present, h.pte_none] {
        if let Some(got) = ask(v, test, pte, knobs).filter(|&got| got != 0) {
            let name = test.name;
            out.push(violation(
                "swap-pte-is-neither-present-nor-none",
                (name, pte),
                e,
                format!("{name}({pte:#x}) = {got} for the swap PTE of {e:#x}"),
            ));
        }
    }
    for &[mk, test, clear] in &h.flags {
        let Some(marked) = ask(v, mk, pte, knobs) else {
            continue;
        };
        let (mk, test_name, clear_name) = (mk.name, test.name, clear.name);
        let changed = marked ^ pte;
        if changed.count_ones() > 1 {
            out.push(violation(
                "pte-flag-helper-touches-one-bit",
                (mk, pte),
                e,
                format!("{mk}({pte:#x}) = {marked:#x} changes bits {changed:#x}"),
            ));
        }
        if ask(v, test, pte, knobs) == Some(1) {
            out.push(violation(
                "fresh-swap-pte-has-no-flags",
                (test_name, pte),
                e,
                format!("{test_name}({pte:#x}) holds on a PTE made by {to_pte}()"),
            ));
        }
        if changed != 0 {
            if ask(v, test, marked, knobs) == Some(0) {
                out.push(violation(
                    "pte-flag-helper-sets-what-it-tests",
                    (test_name, marked),
                    e,
                    format!("{test_name}({mk}({pte:#x}) = {marked:#x}) is false"),
                ));
            }
            if let Some(cleared) = ask(v, clear, marked, knobs).filter(|&c| c != pte) {
                out.push(violation(
                    "pte-flag-clear-undoes-mk",
                    (clear_name, marked),
                    e,
                    format!("{clear_name}({marked:#x}) = {cleared:#x}, expected {pte:#x}"),
                ));
            }
        }
        if let Some(decoded) = ask(v, h.softleaf_from_pte, marked, knobs).filter(|&d| d != e) {
            out.push(violation(
                "pte-flags-do-not-change-the-entry",
                (mk, pte),
                e,
                format!(
                    "softleaf_from_pte({mk}(pte) = {marked:#x}) = {decoded:#x}, expected {e:#x}"
                ),
            ));
        }
    }
}

/// Config-independent helpers agree across every variant of the kernel, and
/// across kernels that define them.
fn across_variants(
    h: &Helpers,
    engine: &Engine,
    variant: usize,
    args: &Args,
    out: &mut Vec<Violation>,
) {
    // Each variant against the next: agreement is transitive, so the ring
    // covers every pair while costing one call per helper.
    let next = (variant + 1) % engine.variants.len();
    if next == variant {
        return;
    }
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
                (helper.name, input),
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
