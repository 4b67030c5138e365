//! Properties that hold without any model (DESIGN §3), checked on the C alone.
//! They catch a helper that disagrees with its siblings even when nobody has
//! written down what the right answer is.

use super::Engine;
use crate::call::{Args, Knobs};
use crate::oracle::Variant;
use leafdiff_kernel::helpers::lookup;

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

/// Calls a helper by name on a variant, `None` when the variant lacks it.
fn ask(v: &Variant, name: &str, a: u64, knobs: Knobs) -> Option<u64> {
    let args = Args {
        a,
        knobs,
        ..Args::default()
    };
    v.eval(lookup(name)?, &args).map(|o| o.value)
}

/// Each classification predicate and the `enum softleaf_type` enumerators it
/// accepts. The device-private migration types are specialisations of the
/// migration types (DESIGN §5): each migration predicate accepts its device twin.
/// Enumerators a kernel does not define are simply never seen.
pub const PREDICATES: &[(&str, &[&str])] = &[
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
pub const CONFIG_INDEPENDENT: &[&str] = &[
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

pub fn check(engine: &Engine, variant: usize, args: &Args) -> Vec<Violation> {
    let v = &engine.variants[variant];
    let mut out = Vec::new();
    classification(v, args.a, args.knobs, &mut out);
    page_table(v, args.a, args.knobs, &mut out);
    across_variants(engine, variant, args, &mut out);
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

fn type_name(v: &Variant, entry: u64, knobs: Knobs) -> Option<&'static str> {
    let raw_index = ask(v, "softleaf_type", entry, knobs)?;
    leafdiff_kernel::helpers::SOFTLEAF_TYPES
        .get(raw_index as usize)
        .copied()
}

fn classification(v: &Variant, e: u64, knobs: Knobs, out: &mut Vec<Violation>) {
    let Some(ty) = type_name(v, e, knobs) else {
        return;
    };
    for (pred, accepts) in PREDICATES {
        let Some(got) = ask(v, pred, e, knobs) else {
            continue;
        };
        let want = accepts.contains(&ty);
        if (got == 1) != want {
            out.push(violation(
                "predicate-agrees-with-softleaf_type",
                (pred, e),
                e,
                format!("{pred}() = {} but softleaf_type() = {ty}", got == 1),
            ));
        }
    }
    let holding: Vec<&str> = CLASSES
        .iter()
        .copied()
        .filter(|c| ask(v, c, e, knobs) == Some(1))
        .collect();
    if holding.len() > 1 {
        out.push(violation(
            "classification-is-a-partition",
            (holding[1], e),
            e,
            format!("{} all hold", holding.join(", ")),
        ));
    }
    let migration = ask(v, "softleaf_is_migration", e, knobs);
    let parts: Vec<(&'static str, u64)> = [
        "softleaf_is_migration_read",
        "softleaf_is_migration_read_exclusive",
        "softleaf_is_migration_write",
    ]
    .into_iter()
    .filter_map(|p| Some((p, ask(v, p, e, knobs)?)))
    .collect();
    if let (Some(m), 3) = (migration, parts.len()) {
        let union = parts.iter().any(|(_, x)| *x == 1);
        if (m == 1) != union {
            // Blame the part that is out of line with the whole: when the
            // whole holds and no part does, each part is suspect; name the
            // one matching the entry's type.
            let suspect = parts
                .iter()
                .find(|(p, _)| {
                    PREDICATES
                        .iter()
                        .any(|(name, acc)| name == p && acc.contains(&ty))
                })
                .map_or("softleaf_is_migration", |(p, _)| p);
            out.push(violation(
                "migration-is-union-of-read-read_exclusive-write",
                (suspect, e),
                e,
                format!(
                    "softleaf_is_migration() = {} but read/read_exclusive/write = {:?} (softleaf_type() = {ty})",
                    m == 1,
                    parts.iter().map(|(_, x)| *x == 1).collect::<Vec<_>>()
                ),
            ));
        }
    }
}

/// Bits the arch's swap PTE holds for type and offset.
fn arch_capacity(v: &Variant, knobs: Knobs) -> Option<(u32, u32)> {
    let type_bits = ask(v, "SWP_TYPE_BITS", 0, knobs)? as u32;
    let shift = ask(v, "SWP_OFFSET_SHIFT", 0, knobs)? as u32;
    Some((type_bits, 64 - shift))
}

fn page_table(v: &Variant, e: u64, knobs: Knobs, out: &mut Vec<Violation>) {
    let (Some(ty), Some(off)) = (ask(v, "swp_type", e, knobs), ask(v, "swp_offset", e, knobs))
    else {
        return;
    };
    let Some((type_bits, offset_bits)) = arch_capacity(v, knobs) else {
        return;
    };
    // x86 inverts the offset, so type 0 with an all-ones offset would encode
    // to the empty PTE. Such an offset lies beyond the kernel's maximum swap
    // size: the arch cannot hold that entry.
    let encodes_to_none = ty == 0 && off == (1 << offset_bits) - 1;
    if e == 0 || ty >= 1 << type_bits || off >= 1 << offset_bits || encodes_to_none {
        return;
    }
    let to_pte = if v.has("softleaf_to_pte") {
        "softleaf_to_pte"
    } else {
        "swp_entry_to_pte"
    };
    let Some(pte) = ask(v, to_pte, e, knobs) else {
        return;
    };
    let Some(back) = ask(v, "softleaf_from_pte", pte, knobs) else {
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
    for (name, want) in [("pte_present", 0), ("pte_none", 0)] {
        if let Some(got) = ask(v, name, pte, knobs) {
            if got != want {
                out.push(violation(
                    "swap-pte-is-neither-present-nor-none",
                    (name, pte),
                    e,
                    format!("{name}({pte:#x}) = {got} for the swap PTE of {e:#x}"),
                ));
            }
        }
    }
    for (mk, test, clear) in PTE_FLAGS {
        let Some(marked) = ask(v, mk, pte, knobs) else {
            continue;
        };
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
                (test, pte),
                e,
                format!("{test}({pte:#x}) holds on a PTE made by {to_pte}()"),
            ));
        }
        if changed != 0 {
            if ask(v, test, marked, knobs) == Some(0) {
                out.push(violation(
                    "pte-flag-helper-sets-what-it-tests",
                    (test, marked),
                    e,
                    format!("{test}({mk}({pte:#x}) = {marked:#x}) is false"),
                ));
            }
            if let Some(cleared) = ask(v, clear, marked, knobs) {
                if cleared != pte {
                    out.push(violation(
                        "pte-flag-clear-undoes-mk",
                        (clear, marked),
                        e,
                        format!("{clear}({marked:#x}) = {cleared:#x}, expected {pte:#x}"),
                    ));
                }
            }
        }
        if let Some(decoded) = ask(v, "softleaf_from_pte", marked, knobs) {
            if decoded != e {
                out.push(violation(
                    "pte-flags-do-not-change-the-entry",
                    (mk, pte),
                    e,
                    format!("softleaf_from_pte({mk}(pte) = {marked:#x}) = {decoded:#x}, expected {e:#x}"),
                ));
            }
        }
    }
}

/// Config-independent helpers agree across every variant of the kernel, and
/// across kernels that define them.
fn across_variants(engine: &Engine, variant: usize, args: &Args, out: &mut Vec<Violation>) {
    let here = &engine.variants[variant];
    for name in CONFIG_INDEPENDENT {
        let Some(h) = lookup(name) else { continue };
        let input =
            if name.starts_with("pte_") || name.contains("from_pte") || name.starts_with("__pte") {
                args.b
            } else {
                args.a
            };
        let call = Args {
            a: input,
            b: 0,
            ..*args
        };
        let Some(mine) = here.eval(h, &call) else {
            continue;
        };
        // Each variant against the next: agreement is transitive, so the
        // ring covers every pair while costing one call per helper.
        let next = (variant + 1) % engine.variants.len();
        if let Some(other) = (next != variant).then(|| &engine.variants[next]) {
            if let Some(theirs) = other.eval(h, &call) {
                if theirs != mine {
                    out.push(violation(
                        "config-independent-helpers-agree",
                        (h.name, input),
                        args.a,
                        format!(
                            "{}({input:#x}) = {:#x} on {} but {:#x} on {}",
                            h.name,
                            mine.value,
                            here.label(),
                            theirs.value,
                            other.label()
                        ),
                    ));
                }
            }
        }
    }
}
