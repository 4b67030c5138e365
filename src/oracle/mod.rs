//! Safe handles over the compiled C variants: one `Variant` per (kernel,
//! config) that built, each answering "evaluate helper H on these arguments"
//! with the kernel's own code, or `None` when that kernel/config lacks H.

mod ffi {
    #![allow(non_camel_case_types, non_snake_case, dead_code, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}

pub(crate) mod generated {
    use super::ffi::ld_variant;
    use super::meta::*;
    use crate::helpers::{HelperSpec, Layer, Sig};
    include!(concat!(env!("OUT_DIR"), "/variants.rs"));
}

pub mod evaluator;
pub mod meta;
pub mod select;

use crate::call::{Args, Evaluate, Outcome};
use crate::helpers::{self, Answer, HelperSpec, SOFTLEAF_TYPES};
use leafdiff_kernel::config::KernelConfig;
pub use meta::{BuildFinding, KernelMeta, Table, VariantMeta};
use std::ffi::CStr;
use std::sync::OnceLock;

/// A softleaf type the C returned whose enumerator name the model does not
/// know: reported as this base plus the raw value, so it never equals a known index.
pub const UNKNOWN_SOFTLEAF: u64 = 1 << 32;

/// A compiled helper: linked in, or the evaluator's variant and slot.
#[derive(Clone, Copy)]
enum Wrapper {
    Linked(unsafe extern "C" fn(*const ffi::ld_args) -> ffi::ld_result),
    Evaluator { variant: u32, helper: u32 },
}

pub struct Variant {
    pub meta: &'static VariantMeta,
    pub config: KernelConfig,
    /// How to call the variant's wrapper of each entry of `helpers::all()`, by index.
    helpers: Vec<Option<Wrapper>>,
    /// The C `enum softleaf_type` values with their enumerator names.
    softleaf_types: Vec<(u64, &'static str)>,
    /// Each C enumerator value with the model's index for its name, looked
    /// up once rather than by string on every call.
    softleaf_indices: Vec<(u64, u64)>,
}

/// Every variant that compiled, across all kernels.
pub fn variants() -> &'static [Variant] {
    static ALL: OnceLock<Vec<Variant>> = OnceLock::new();
    ALL.get_or_init(|| generated::VARIANTS.iter().map(Variant::load).collect())
}

pub fn kernels() -> &'static [KernelMeta] {
    generated::KERNELS
}

/// Variants whose headers failed to compile: findings, not build errors.
pub fn build_findings() -> &'static [BuildFinding] {
    generated::BUILD_FINDINGS
}

fn static_str(p: *const std::os::raw::c_char) -> &'static str {
    // SAFETY: the generated wrapper's tables hold string literals.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .expect("ASCII helper name")
}

impl Variant {
    fn load(meta: &'static VariantMeta) -> Variant {
        let kernel = &generated::KERNELS[meta.kernel];
        let (table, softleaf_types) = match meta.table {
            Table::Linked(table) => linked_table(table()),
            Table::Evaluator(variant) => evaluator_table(variant),
        };
        let mut helpers: Vec<Option<Wrapper>> = vec![None; helpers::all().len()];
        for (name, wrapper) in table {
            let index = kernel
                .helpers
                .iter()
                .copied()
                .find(|&i| helpers::all()[i].name == name)
                .expect("the wrapper wraps the kernel's discovered helpers");
            helpers[index] = Some(wrapper);
        }
        Variant {
            meta,
            config: KernelConfig::from_bits(meta.config_bits),
            helpers,
            softleaf_indices: softleaf_types
                .iter()
                .filter_map(|&(raw, name)| {
                    let index = SOFTLEAF_TYPES.iter().position(|n| *n == name)?;
                    Some((raw, index as u64))
                })
                .collect(),
            softleaf_types,
        }
    }

    /// Whether its helpers run in the evaluator (a 32-bit arch): calls are
    /// then cheapest inside `evaluator::batched`.
    pub fn in_evaluator(&self) -> bool {
        matches!(self.meta.table, Table::Evaluator(_))
    }

    pub fn kernel(&self) -> &'static KernelMeta {
        &generated::KERNELS[self.meta.kernel]
    }

    /// `k0:x86_64:MIGRATION+SWAP`: which kernel tree, which arch, which config.
    pub fn label(&self) -> String {
        let k = self.kernel();
        format!("k{}:{}:{}", k.tree, k.arch.name, self.config.label())
    }

    pub fn arch(&self) -> &'static leafdiff_kernel::arch::Arch {
        self.kernel().arch
    }

    pub fn has(&self, helper: &str) -> bool {
        self.helper(helper).is_some()
    }

    /// Whether this variant wraps exactly this helper (name and prototype).
    pub fn has_spec(&self, helper: &HelperSpec) -> bool {
        self.helpers[helpers::index(helper)].is_some()
    }

    /// The helper this variant has under `name`.
    pub fn helper(&self, name: &str) -> Option<&'static HelperSpec> {
        helpers::all()
            .iter()
            .zip(&self.helpers)
            .find(|(h, f)| h.name == name && f.is_some())
            .map(|(h, _)| h)
    }

    pub fn helper_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.helper_specs().map(|h| h.name)
    }

    pub fn helper_specs(&self) -> impl Iterator<Item = &'static HelperSpec> + '_ {
        helpers::all()
            .iter()
            .zip(&self.helpers)
            .filter(|(_, f)| f.is_some())
            .map(|(h, _)| h)
    }

    /// Whether this kernel's headers define `name` (a macro, function, type or enum).
    pub fn defines(&self, name: &str) -> bool {
        self.kernel().defines(name)
    }
}

impl Evaluate for Variant {
    fn eval(&self, helper: &HelperSpec, args: &Args) -> Option<Outcome> {
        let r = match self.helpers[helpers::index(helper)]? {
            Wrapper::Linked(call) => linked_call(call, args),
            Wrapper::Evaluator { variant, helper } => evaluator::eval(evaluator::Call {
                variant,
                helper,
                args: *args,
            }),
        };
        let value = match helper.sig.answer() {
            Answer::SoftleafType => self.softleaf_index(r.value),
            _ => r.value,
        };
        Some(Outcome { value, ..r })
    }
}

impl Variant {
    /// Maps a C enumerator value to the model's index by name.
    fn softleaf_index(&self, raw: u64) -> u64 {
        self.softleaf_indices
            .iter()
            .find(|(v, _)| *v == raw)
            .map_or(UNKNOWN_SOFTLEAF | raw, |&(_, i)| i)
    }

    /// The C enumerators, in declaration order, with their values.
    pub fn softleaf_enumerators(&self) -> &[(u64, &'static str)] {
        &self.softleaf_types
    }
}

/// A linked variant's helpers and enumerators, read from its C tables.
fn linked_table(table: &'static ffi::ld_variant) -> TableContents {
    let mut helpers = Vec::new();
    let mut p = table.helpers;
    // SAFETY: both tables end with a NULL-name sentinel (see csrc/leafdiff.h).
    unsafe {
        while !(*p).name.is_null() {
            if let Some(call) = (*p).call {
                helpers.push((static_str((*p).name).to_string(), Wrapper::Linked(call)));
            }
            p = p.add(1);
        }
    }
    let mut softleaf_types = Vec::new();
    let mut e = table.softleaf_types;
    unsafe {
        while !(*e).name.is_null() {
            softleaf_types.push(((*e).value, static_str((*e).name)));
            e = e.add(1);
        }
    }
    (helpers, softleaf_types)
}

/// An evaluator variant's helpers and enumerators, as the evaluator lists
/// them; the enumerators' names are kept for the process's life, as the
/// linked tables' strings are static.
fn evaluator_table(variant: u32) -> TableContents {
    let d = evaluator::describe(variant);
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let helpers = (0u32..)
        .zip(d.helpers)
        .map(|(helper, name)| (name, Wrapper::Evaluator { variant, helper }))
        .collect();
    let softleaf_types = d
        .softleaf_types
        .into_iter()
        .map(|(value, name)| (value, leak(name)))
        .collect();
    (helpers, softleaf_types)
}

type TableContents = (Vec<(String, Wrapper)>, Vec<(u64, &'static str)>);

fn linked_call(
    call: unsafe extern "C" fn(*const ffi::ld_args) -> ffi::ld_result,
    args: &Args,
) -> Outcome {
    let raw = ffi::ld_args {
        a: args.a,
        b: args.b,
        page: ffi::ld_page_spec {
            pfn: args.page.pfn,
            device_private: args.page.device_private.into(),
            anon: args.page.anon.into(),
            locked: args.page.locked.into(),
        },
        arch_knobs: args.knobs.arch,
        swap_migration_ad_supported: args.knobs.swap_migration_ad_supported.into(),
    };
    // SAFETY: every wrapper reads only the argument block and thread-local state.
    let r = unsafe { call(&raw) };
    Outcome {
        value: r.value,
        warned: r.warned != 0,
        bugged: r.bugged != 0,
    }
}
