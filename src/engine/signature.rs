//! Stable names for findings. A signature says what broke (a helper, or a
//! property and the helper breaking it), on which variant, for which coarse
//! class of input, and how (value, warning, BUG). `check` folds signatures
//! that differ only in variant or input class into one finding, so the
//! thousand inputs and eight configs showing one bug read as one bug.

use super::causes::CallGraph;
use super::describe::TypeNames;
use super::properties::Violation;
use super::{Case, Engine};
use crate::call::{Args, Evaluate, Outcome};
use crate::helpers::{self, Answer, HelperSpec, Layer, Param};
use std::fmt;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signature {
    /// The helper that diverged, or `property NAME | helper`.
    pub what: String,
    /// The variant's label.
    pub variant: String,
    /// The class of input: a swap type's name, `swapfile`, a PTE's kind...
    pub input: String,
    /// `value`, `warning` or `bug` for a divergence; `violated` for a property.
    pub how: &'static str,
    /// The arch, when the helper's answer is its arch's encoding (it
    /// reaches an arch header): each arch's encoding is its own bug.
    pub arch: Option<&'static str>,
}

impl Signature {
    /// What `check` deduplicates on: the same helper going wrong the same
    /// way (on the same arch, for a helper built on the arch's encoding).
    pub fn bucket(&self) -> String {
        match self.arch {
            Some(arch) => format!("{} | {arch} | {}", self.what, self.how),
            None => format!("{} | {}", self.what, self.how),
        }
    }
}

/// `Some(arch)` of the variant when `helper` reaches an arch header.
fn arch_of(engine: &Engine, variant: usize, helper: &HelperSpec) -> Option<&'static str> {
    arch_dependent(helper).then(|| engine.variants[variant].arch().name)
}

/// Whether `helper`'s answer is an arch's encoding: its definition is, or
/// reaches, one from an arch header (by the kernels' own definitions;
/// page-table helpers where the headers say nothing). Worked out once for
/// every helper of the build.
pub fn arch_dependent(helper: &HelperSpec) -> bool {
    static DEPENDS: OnceLock<Vec<bool>> = OnceLock::new();
    let depends = DEPENDS.get_or_init(|| {
        let names = helpers::all().iter().map(|h| h.name);
        let graph = CallGraph::of_kernels(crate::oracle::kernels(), names);
        helpers::all()
            .iter()
            .map(|h| {
                graph
                    .arch_dependent(h.name)
                    .unwrap_or(h.layer == Layer::PageTable)
            })
            .collect()
    });
    depends[helpers::index(helper)]
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} | {} | {} | {}",
            self.what, self.variant, self.input, self.how
        )
    }
}

/// The class of a swap type number: its name, `swapfile` for any swap file,
/// or `unnamed type` for a number the config gives no name.
fn type_class(names: &TypeNames, ty: u64) -> String {
    match names.named(ty) {
        Some(name) => name,
        None if names.max_swapfiles.is_some_and(|max| ty < max) => "swapfile".into(),
        None => "unnamed type".into(),
    }
}

/// The class of a swp entry: the class of its type, or `none`.
pub fn entry_class(names: &TypeNames, entry: u64) -> String {
    if entry == 0 {
        return "none".into();
    }
    type_class(names, names.split(entry).0)
}

/// The class of a PTE/PMD word, decoded by the variant's own helpers.
fn pte_class(engine: &Engine, variant: usize, names: &TypeNames, word: u64, pmd: bool) -> String {
    let v = &engine.variants[variant];
    let ask = |name: &str| {
        let args = Args {
            a: word,
            ..Args::default()
        };
        v.helper(name)
            .and_then(|h| v.eval(h, &args))
            .map(|o| o.value)
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
    let names = TypeNames::of(engine.variants[variant], case.args.knobs);
    let a = case.args.a;
    let pmd = helpers::table_of(case.helper.name) == "pmd";
    let shape = case.helper.sig.shape();
    match shape.params {
        [] => "-".into(),
        [Param::Type, Param::Word] => type_class(&names, a),
        [Param::Word] => offset_class(a).into(),
        [Param::Radix] => entry_class(&names, a >> 1),
        [Param::Page] => format!(
            "page(device_private={},locked={})",
            case.args.page.device_private as u8, case.args.page.locked as u8
        ),
        [Param::Page, Param::Word] => format!(
            "page(device_private={}) flags={}",
            case.args.page.device_private as u8,
            offset_class(a)
        ),
        [Param::Entry] if shape.answer == Answer::Page => format!(
            "{} locked={}",
            entry_class(&names, a),
            case.args.page.locked as u8
        ),
        [Param::Entry | Param::ArchEntry] => entry_class(&names, a),
        [Param::TableWord] => pte_class(engine, variant, &names, a, pmd),
        params => unreachable!("no shape takes {params:?}: see Sig::shape"),
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
) -> Signature {
    Signature {
        what: case.helper.name.to_string(),
        variant: engine.variants[variant].label(),
        input: input_class(engine, variant, case),
        how: difference(c, m),
        arch: arch_of(engine, variant, case.helper),
    }
}

pub fn property(engine: &Engine, variant: usize, v: &Violation, args: &Args) -> Signature {
    let names = TypeNames::of(engine.variants[variant], args.knobs);
    Signature {
        what: format!("property {} | {}", v.property, v.helper.name),
        variant: engine.variants[variant].label(),
        input: entry_class(&names, v.entry),
        how: "violated",
        arch: arch_of(engine, variant, v.helper),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> TypeNames {
        TypeNames::from_parts(
            Some(24),
            58,
            vec![
                (25, vec!["SWP_MIGRATION_READ"]),
                (31, vec!["SWP_PTE_MARKER"]),
            ],
        )
    }

    #[test]
    fn every_swap_file_is_one_class() {
        let n = names();
        assert_eq!(type_class(&n, 0), "swapfile");
        assert_eq!(type_class(&n, 23), "swapfile");
        assert_eq!(type_class(&n, 25), "SWP_MIGRATION_READ");
    }

    #[test]
    fn numbers_without_a_name_are_one_class() {
        let n = names();
        assert_eq!(type_class(&n, 24), "unnamed type");
        assert_eq!(type_class(&n, 1 << 40), type_class(&n, u64::MAX));
    }

    #[test]
    fn entry_classes_follow_the_type_field() {
        let n = names();
        assert_eq!(entry_class(&n, 0), "none");
        assert_eq!(entry_class(&n, 25 << 58 | 0x1234), "SWP_MIGRATION_READ");
        assert_eq!(entry_class(&n, 3 << 58), "swapfile");
    }

    #[test]
    fn bucket_ignores_variant_and_input() {
        let s = |variant: &str, input: &str| Signature {
            what: "swp_offset".into(),
            variant: variant.into(),
            input: input.into(),
            how: "value",
            arch: None,
        };
        assert_eq!(
            s("k0:none", "swapfile").bucket(),
            s("k0:SWAP", "SWP_HWPOISON").bucket()
        );
        assert_ne!(s("k0:none", "swapfile"), s("k0:SWAP", "swapfile"));
    }
}
