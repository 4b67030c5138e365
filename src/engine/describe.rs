//! Values in kernel terms: `swp_entry(SWP_MIGRATION_READ, 0x1f)` rather than
//! `0x0a0000000000001f`. Names come from the C variant itself (the kernel
//! under test defines them), so a reproducer compiles against that kernel.

use crate::call::{Args, Evaluate, Knobs};
use crate::helpers::{table_of, Answer, Param, Sig};
use crate::oracle::Variant;

/// Type numbers the variant's headers name, with every name for each (two
/// names for one number is a collision, worth showing).
pub struct TypeNames {
    pub max_swapfiles: Option<u64>,
    pub type_shift: u32,
    names: Vec<(u64, Vec<&'static str>)>,
}

/// Constants that are swap type numbers, as opposed to counts and shifts.
fn is_type_number(name: &str) -> bool {
    name.starts_with("SWP_")
        && !name.ends_with("_NUM")
        && !name.contains("SHIFT")
        && !name.contains("MASK")
        && !name.contains("BIT")
        && !name.starts_with("SWP_MIG_")
        && !name.starts_with("SWP_OFFSET")
        && !name.starts_with("SWP_TYPE")
}

fn constant(variant: &Variant, name: &str, knobs: Knobs) -> Option<u64> {
    let args = Args {
        knobs,
        ..Args::default()
    };
    variant.eval(variant.helper(name)?, &args).map(|o| o.value)
}

impl TypeNames {
    pub fn from_parts(
        max_swapfiles: Option<u64>,
        type_shift: u32,
        names: Vec<(u64, Vec<&'static str>)>,
    ) -> TypeNames {
        TypeNames {
            max_swapfiles,
            type_shift,
            names,
        }
    }

    pub fn of(variant: &Variant, knobs: Knobs) -> TypeNames {
        let mut names: Vec<(u64, Vec<&'static str>)> = Vec::new();
        for h in variant
            .helper_specs()
            .filter(|h| h.sig == Sig::Const && is_type_number(h.name))
        {
            if let Some(v) = constant(variant, h.name, knobs) {
                match names.iter_mut().find(|(n, _)| *n == v) {
                    Some((_, list)) => list.push(h.name),
                    None => names.push((v, vec![h.name])),
                }
            }
        }
        TypeNames {
            max_swapfiles: constant(variant, "MAX_SWAPFILES", knobs),
            type_shift: constant(variant, "SWP_TYPE_SHIFT", knobs).unwrap_or(58) as u32,
            names,
        }
    }

    /// The macro naming `ty`, `SWP_A/SWP_B` on a collision; `None` if unnamed.
    pub fn named(&self, ty: u64) -> Option<String> {
        self.names
            .iter()
            .find(|(n, _)| *n == ty)
            .map(|(_, list)| list.join("/"))
    }

    /// The number of the type macro `name`, if the variant defines it.
    pub fn number(&self, name: &str) -> Option<u64> {
        self.names
            .iter()
            .find(|(_, list)| list.contains(&name))
            .map(|(n, _)| *n)
    }

    pub fn type_shift(&self) -> u32 {
        self.type_shift
    }

    /// The C spelling of a type number: its macro when it has exactly one.
    pub fn c_name(&self, ty: u64) -> String {
        match self.names.iter().find(|(n, _)| *n == ty) {
            Some((_, list)) if list.len() == 1 => list[0].to_string(),
            _ => ty.to_string(),
        }
    }

    pub fn split(&self, entry: u64) -> (u64, u64) {
        let ty = entry.checked_shr(self.type_shift).unwrap_or(0);
        let offset = entry & ((1u64 << self.type_shift) - 1);
        (ty, offset)
    }

    /// `swp_entry(SWP_MIGRATION_READ, 0x1f)`.
    pub fn entry(&self, entry: u64) -> String {
        let (ty, offset) = self.split(entry);
        format!("swp_entry({}, {offset:#x})", self.c_name(ty))
    }
}

/// A case with its variant: the helper call as a kernel developer would write it.
pub fn case_in_kernel_terms(engine: &super::Engine, variant: usize, case: &super::Case) -> String {
    let v = &engine.variants[variant];
    let names = TypeNames::of(v, case.args.knobs);
    let a = case.args.a;
    let call = match case.helper.sig {
        _ if case.target == super::Target::Props => {
            format!(
                "properties of {} and pte {:#x}",
                names.entry(a),
                case.args.b
            )
        }
        _ => {
            let words = [a, case.args.b];
            let args: Vec<String> = case
                .helper
                .sig
                .shape()
                .carried()
                .map(|(param, word)| argument(param, word.map(|i| words[i]), case, v, &names))
                .collect();
            match case.helper.sig.answer() {
                Answer::Constant => case.helper.name.to_string(),
                _ => format!("{}({})", case.helper.name, args.join(", ")),
            }
        }
    };
    let k = case.args.knobs;
    format!(
        "{call} on {} [{}{}]",
        v.label(),
        k.describe(v.arch().knobs),
        if case.helper.sig.answer() == Answer::Page {
            format!(", page locked={}", case.args.page.locked as u8)
        } else {
            String::new()
        }
    )
}

/// One argument of a call as a kernel developer would write it, of the
/// call's word that carries it (none for the page, which is the call's).
fn argument(
    param: Param,
    word: Option<u64>,
    case: &super::Case,
    v: &Variant,
    names: &TypeNames,
) -> String {
    let page = &case.args.page;
    let word = word.unwrap_or_default();
    match param {
        Param::Type => names.c_name(word),
        Param::Word => format!("{word:#x}"),
        Param::Entry | Param::ArchEntry => names.entry(word),
        Param::Radix => format!("(void *){word:#x}"),
        Param::Page => format!(
            "page{{pfn={:#x}, device_private={}, anon={}, locked={}}}",
            page.pfn, page.device_private as u8, page.anon as u8, page.locked as u8
        ),
        Param::TableWord => {
            let table = table_of(case.helper.name);
            format!("{}({word:#x})", v.arch().table_words.make(table))
        }
    }
}
