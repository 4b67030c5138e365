//! Stable names for findings: helper, variant, and a coarse class of the
//! input, so that the thousand inputs showing one bug count as one finding.

use super::describe::TypeNames;
use super::properties::Violation;
use super::{Case, Engine};
use crate::call::{Args, Outcome};
use leafdiff_kernel::helpers::{lookup, Sig};

/// The class of a swp entry: the name of its type number.
fn entry_class(names: &TypeNames, entry: u64) -> String {
    if entry == 0 {
        return "none".into();
    }
    names.name(names.split(entry).0)
}

/// The class of a PTE/PMD word, decoded by the variant's own helpers.
fn pte_class(engine: &Engine, variant: usize, names: &TypeNames, word: u64, pmd: bool) -> String {
    let v = &engine.variants[variant];
    let ask = |name: &str| {
        let args = Args {
            a: word,
            ..Args::default()
        };
        lookup(name).and_then(|h| v.eval(h, &args)).map(|o| o.value)
    };
    let (present, none, decode) = if pmd {
        ("pmd_present", "pmd_none", "softleaf_from_pmd")
    } else {
        ("pte_present", "pte_none", "softleaf_from_pte")
    };
    if ask(present) == Some(1) {
        return "present".into();
    }
    if ask(none) == Some(1) {
        return "none".into();
    }
    match ask(decode) {
        Some(e) => format!("swap:{}", entry_class(names, e)),
        None => "non-present".into(),
    }
}

fn offset_class(offset: u64) -> &'static str {
    match offset {
        0 => "offset-zero",
        o if o < 1 << 34 => "offset-pfn",
        o if o < 1 << 42 => "offset-ad-bits",
        _ => "offset-high",
    }
}

pub fn input_class(engine: &Engine, variant: usize, case: &Case) -> String {
    let names = TypeNames::of(&engine.variants[variant], case.args.knobs);
    let a = case.args.a;
    let pmd = case.helper.name.contains("pmd");
    match case.helper.sig {
        Sig::Const | Sig::VoidToEntry | Sig::VoidToBool => "-".into(),
        Sig::TypeOffsetToEntry => names.name(a),
        Sig::WordToEntry | Sig::WordToPte => offset_class(a).into(),
        Sig::RadixToEntry => entry_class(&names, a >> 1),
        Sig::PageToEntry => format!(
            "page(device_private={},locked={})",
            case.args.page.device_private as u8, case.args.page.locked as u8
        ),
        Sig::EntryToPage => format!(
            "{} locked={}",
            entry_class(&names, a),
            case.args.page.locked as u8
        ),
        Sig::EntryToWord
        | Sig::EntryToBool
        | Sig::EntryToSoftleafType
        | Sig::EntryToEntry
        | Sig::EntryToPte
        | Sig::ArchEntryToWord => entry_class(&names, a),
        Sig::PteToEntry | Sig::PteToPte | Sig::PteToBool => {
            pte_class(engine, variant, &names, a, pmd)
        }
    }
}

/// What differs, coarsely: a wrong value and a missing warning are different bugs.
fn difference(c: &Outcome, m: &Outcome) -> &'static str {
    if c.bugged != m.bugged {
        "bug"
    } else if c.value != m.value {
        "value"
    } else {
        "warning"
    }
}

pub fn divergence(
    engine: &Engine,
    variant: usize,
    case: &Case,
    c: &Outcome,
    m: &Outcome,
) -> String {
    format!(
        "{} | {} | {} | {}",
        case.helper.name,
        engine.variants[variant].label(),
        input_class(engine, variant, case),
        difference(c, m)
    )
}

pub fn property(engine: &Engine, variant: usize, v: &Violation, args: &Args) -> String {
    let names = TypeNames::of(&engine.variants[variant], args.knobs);
    format!(
        "property {} | {} | {} | {}",
        v.property,
        v.helper,
        engine.variants[variant].label(),
        entry_class(&names, v.entry)
    )
}
