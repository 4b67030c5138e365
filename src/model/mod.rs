//! The Rust model of the kernel's swap-entry and softleaf helpers, on every
//! arch it has a codec for (`arch::CODECS`),
//! written from their documented meaning (layout comments, kernel-doc, the
//! design's account of the device-private migration series) rather than from
//! the C. The engine asks it the same question it asks a compiled C variant:
//! "evaluate helper H on these arguments", and gets an `Outcome` or `None`
//! when this kernel and config have no such helper.
//!
//! Helpers it does not know, or knows by another prototype, it does not
//! answer: those are checked by properties alone.
//!
//! Layout of the module:
//! * `types`: which swap type numbers a config reserves; `enum softleaf_type`;
//! * `entries`: the arch-independent entry in the arch's widths, pfn/A-D
//!   layout, markers, makers;
//! * `classify`: the `softleaf_*` classification and what it warns about;
//! * `swapops`: the generations before it (6.1, 6.12) and the type tests
//!   and makers every generation spells as a table;
//! * `arch`: one codec per arch encoding: its swap PTE's fields, flag bits
//!   and what `pte/pmd_present` and `_none` read;
//! * `pagetable`: entries in and out of PTEs/PMDs, swap PTE flags;
//! * `constants`: every macro constant under test;
//! * `static_checks`: which configs the headers should refuse to compile;
//! * `lineage`: one meaning's spellings across generations, and its changes.

pub mod arch;
pub mod classify;
pub mod constants;
pub mod entries;
pub mod lineage;
pub mod pagetable;
pub mod static_checks;
pub mod swapops;
pub mod types;

use crate::call::{Args, Evaluate, Outcome, Page};
use crate::helpers::{HelperSpec, Sig};
use arch::{ArchSwpEntry, Pmd, Pte, SwapPteCodec, SwpFlag};
use entries::{PfnLayout, PteMarker, SwpEntry, Widths};
use leafdiff_kernel::arch::Arch;
use leafdiff_kernel::config::{ConfigOption, KernelConfig};
use pagetable::SwpFlags;
use types::{SoftleafType, SwapTypes, SwpKind};

/// Optional API a kernel's headers may or may not carry, detected from what
/// they define rather than from a version number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Features {
    pub generation: Generation,
    /// The device-private migration entry series (ARCHITECTURE.md §6) is applied.
    pub device_migration: bool,
    /// The arch's headers lay swap PTEs out as the model's codec for the
    /// arch draws them (`SwapPteCodec::drawn_in`); false where the model has
    /// no codec for the arch, or its headers predate the layout drawn.
    pub arch_layout: bool,
}

impl Features {
    /// `names` answers whether the kernel's headers for `arch` define a
    /// macro or function.
    pub fn from_defined(arch: &Arch, names: &dyn Fn(&str) -> bool) -> Features {
        Features {
            generation: Generation::from_defined(names),
            device_migration: names("SWP_MIGRATION_DEVICE_READ"),
            arch_layout: arch::codec(arch).is_some_and(|c| c.drawn_in(names)),
        }
    }
}

/// The generation of the swap-entry API a kernel's headers carry
/// (ARCHITECTURE.md §8), told apart by what they define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Generation {
    /// `swapops.h` with a swapin-error type (Debian's 6.1): device-exclusive
    /// entries in a read and a write type, PTE markers (the uffd-wp bit
    /// alone) only with `CONFIG_PTE_MARKER`, and `SWP_SWAPIN_ERROR` last.
    SwapinError,
    /// `swapops.h` alone (Debian's 6.12): the two device-exclusive types,
    /// markers in every config with a poisoned bit beside uffd-wp.
    Swapops,
    /// `leafops.h` (7.2 on): `softleaf_type()` classifies, one
    /// device-exclusive type, and a guard marker bit.
    #[default]
    Softleaf,
}

impl Generation {
    pub const ALL: [Generation; 3] = [
        Generation::SwapinError,
        Generation::Swapops,
        Generation::Softleaf,
    ];

    pub fn from_defined(names: &dyn Fn(&str) -> bool) -> Generation {
        if names("softleaf_type") {
            Generation::Softleaf
        } else if names("SWP_SWAPIN_ERROR") {
            Generation::SwapinError
        } else {
            Generation::Swapops
        }
    }

    /// What defines it, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Generation::SwapinError => "swapops.h with SWP_SWAPIN_ERROR",
            Generation::Swapops => "swapops.h without SWP_SWAPIN_ERROR",
            Generation::Softleaf => "leafops.h",
        }
    }

    /// Device-exclusive entries come as `SWP_DEVICE_EXCLUSIVE_{READ,WRITE}`.
    pub fn device_exclusive_rw(self) -> bool {
        self != Generation::Softleaf
    }

    /// Whether `config` reserves the PTE marker type. 6.1 needs
    /// `CONFIG_PTE_MARKER`, which `PTE_MARKER_UFFD_WP` (default y on
    /// HAVE_ARCH_USERFAULTFD_WP) selects: the `UffdWp` option defines it.
    pub fn has_markers(self, config: &KernelConfig) -> bool {
        self != Generation::SwapinError || config.has(ConfigOption::UffdWp)
    }

    /// `PTE_MARKER_MASK`: the marker bits this generation defines.
    pub fn marker_mask(self) -> PteMarker {
        match self {
            Generation::SwapinError => PteMarker::UFFD_WP,
            Generation::Swapops => PteMarker(PteMarker::UFFD_WP.0 | PteMarker::POISONED.0),
            Generation::Softleaf => PteMarker::MASK,
        }
    }
}

/// The model of one kernel flavour (its features) on one arch under one config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub arch: &'static Arch,
    pub config: KernelConfig,
    pub features: Features,
}

impl Model {
    pub fn new(arch: &'static Arch, config: KernelConfig, features: Features) -> Model {
        Model {
            arch,
            config,
            features,
        }
    }

    /// The codec of this arch's encoding, if the model has one for the
    /// layout these headers carry.
    pub fn codec(&self) -> Option<&'static dyn SwapPteCodec> {
        arch::codec(self.arch).filter(|_| self.features.arch_layout)
    }

    /// Whether the model describes this arch's encoding.
    pub fn knows_arch(&self) -> bool {
        self.codec().is_some()
    }

    /// Whether the model has a meaning for `helper` on this kernel: it knows
    /// the helper with that prototype (in every generation that defines it)
    /// and the arch's encoding.
    pub fn models(&self, helper: &HelperSpec) -> bool {
        helper.modelled && self.knows_arch()
    }

    /// The type-number table this model's config reserves.
    pub fn swap_types(&self) -> SwapTypes {
        SwapTypes::new(&self.config, &self.features)
    }
}

impl Evaluate for Model {
    /// `None` also when this kernel/config does not define the helper (a
    /// constant left undefined, a series helper without the series,
    /// `migration_entry_supports_ad` without migration, ...).
    fn eval(&self, helper: &HelperSpec, args: &Args) -> Option<Outcome> {
        let codec = self.codec().filter(|_| helper.modelled)?;
        Ctx::new(self, codec, args).call(helper)
    }
}

/// Everything one call can consult: the config-derived tables and the
/// call's arguments. Cheap to build, so every call builds its own.
pub(crate) struct Ctx<'a> {
    pub config: &'a KernelConfig,
    pub features: Features,
    pub types: SwapTypes,
    pub widths: Widths,
    pub pfn: PfnLayout,
    pub flags: SwpFlags,
    pub codec: &'static dyn SwapPteCodec,
    pub args: &'a Args,
}

impl<'a> Ctx<'a> {
    fn new(model: &'a Model, codec: &'static dyn SwapPteCodec, args: &'a Args) -> Ctx<'a> {
        let widths = Widths::of(model.arch);
        Ctx {
            config: &model.config,
            features: model.features,
            types: model.swap_types(),
            widths,
            pfn: PfnLayout::of(codec, widths, args.knobs),
            flags: SwpFlags::new(&model.config, codec, args.knobs),
            codec,
            args,
        }
    }

    pub fn has(&self, option: ConfigOption) -> bool {
        self.config.has(option)
    }

    /// Argument `a` as the entry (`swp_entry_t`, an arch entry) a helper
    /// takes: an `unsigned long`, so a 32-bit arch keeps its low half.
    pub fn entry_arg(&self) -> SwpEntry {
        SwpEntry(self.args.a & self.widths.word_mask())
    }

    /// Argument `a` as a `pte_t`, as wide as the arch makes it.
    pub fn pte_arg(&self) -> Pte {
        Pte(self.args.a & self.widths.pte_mask())
    }

    /// Argument `a` as a `pmd_t`.
    pub fn pmd_arg(&self) -> Pmd {
        Pmd(self.args.a & self.widths.pte_mask())
    }

    /// The series' helpers exist only when its headers are there.
    fn series(&self) -> bool {
        self.features.device_migration
    }

    /// `is_device_private_page`: device-private pages exist only with
    /// CONFIG_DEVICE_PRIVATE; otherwise no page is one.
    pub fn is_device_private_page(&self, page: &Page) -> bool {
        self.has(ConfigOption::DevicePrivate) && page.device_private
    }

    /// Whether this kernel and config define `name` at all. Constants are
    /// answered by `constant`, which knows which of them each config defines.
    fn defines(&self, name: &str) -> bool {
        if SERIES_HELPERS.contains(&name) {
            return self.series();
        }
        match name {
            // Only the migration code defines them (the second before 7.2,
            // whose migration stubs leave it out).
            "migration_entry_supports_ad" | "is_readable_exclusive_migration_entry" => {
                self.has(ConfigOption::Migration)
            }
            "__swp_entry_to_pmd" | "__pmd_to_swp_entry" => {
                !self.codec.pmd_conversions_need_pmd_softleaves()
                    || self.has(ConfigOption::PmdSoftleaves)
            }
            _ => true,
        }
    }

    /// Dispatch by helper name (current spelling, and earlier spellings where
    /// a helper was renamed). Arguments are read as the helper's `Sig` says;
    /// where revisions of a helper differ in prototype, the `Sig` picks the
    /// meaning (the `(page, flags)` makers carry the flags into the offset).
    /// Type tests and makers are tables (`swapops`), as are the softleaf
    /// spellings 6.12 defines for swapops helpers.
    fn call(&self, helper: &HelperSpec) -> Option<Outcome> {
        let name = match self.features.generation {
            Generation::Softleaf => helper.name,
            _ => swapops::transitional(helper.name),
        };
        use entries::Access::{Read, ReadExclusive, Write};
        use SoftleafType as T;
        use SwpKind as K;
        if !self.defines(name) {
            return None;
        }
        let a = self.args.a;
        let e = self.entry_arg();
        let pte = self.pte_arg();
        let pmd = self.pmd_arg();
        let page = &self.args.page;
        let flags = if helper.sig == Sig::PageFlagsToEntry {
            a
        } else {
            0
        };
        let entry = |e: SwpEntry| out::value(e.0);
        if let Some(kinds) = swapops::type_test(name) {
            return Some(out::flag(self.is_type(e, kinds)));
        }
        if let Some(kind) = swapops::type_maker(name) {
            return Some(entry(self.make(kind, a)));
        }
        let out = match name {
            // arch-independent entries
            "swp_entry" => entry(self.widths.swp_entry(a, self.args.b)),
            "swp_type" => out::value(self.widths.swp_type(e)),
            "swp_offset" => out::value(self.widths.swp_offset(e)),
            "swp_to_radix_entry" => {
                let (word, warned) = self.widths.to_radix(e);
                out::value(word).warned_if(warned)
            }
            "radix_to_swp_entry" => entry(self.widths.from_radix(a)),
            "make_readable_migration_entry_from_page" => {
                entry(self.make_migration_from_page(Read, page, flags))
            }
            "make_readable_exclusive_migration_entry_from_page" => {
                entry(self.make_migration_from_page(ReadExclusive, page, flags))
            }
            "make_writable_migration_entry_from_page" => {
                entry(self.make_migration_from_page(Write, page, flags))
            }
            "make_readable_device_private_entry_from_page" => {
                entry(self.make(K::DeviceRead, page.pfn | flags))
            }
            "make_writable_device_private_entry_from_page" => {
                entry(self.make(K::DeviceWrite, page.pfn | flags))
            }
            "make_hwpoison_entry" => self.make_hwpoison_entry(page),
            "make_pte_marker_entry" => self.make_marker_entry(PteMarker(a)),
            "make_poisoned_swp_entry" => entry(self.make_marker(PteMarker::POISONED)),
            "make_guard_swp_entry" => entry(self.make_marker(PteMarker::GUARD)),
            "make_migration_entry_young" => entry(self.migration_entry_young(e)),
            "make_migration_entry_dirty" => entry(self.migration_entry_dirty(e)),
            "migration_entry_supports_ad" => out::flag(self.migration_entry_supports_ad()),

            // classification
            "softleaf_type" => {
                let leaf = self.classify(e);
                leaf.answer(leaf.kind.index())
            }
            "softleaf_is_none" => out::flag(e.is_none()),
            "softleaf_is_swap" => self.leaf_is(e, |t| t == T::Swap),
            "softleaf_is_migration" => self.leaf_is(e, T::is_migration),
            "softleaf_is_migration_read" => self.leaf_is(e, T::is_migration_read),
            "softleaf_is_migration_read_exclusive" => {
                self.leaf_is(e, T::is_migration_read_exclusive)
            }
            "softleaf_is_migration_write" => self.leaf_is(e, T::is_migration_write),
            "softleaf_is_migration_device_private" => {
                self.leaf_is(e, T::is_migration_device_private)
            }
            "softleaf_is_migration_device_private_read" => {
                self.leaf_is(e, |t| t == T::MigrationDeviceRead)
            }
            "softleaf_is_migration_device_private_read_exclusive" => {
                self.leaf_is(e, |t| t == T::MigrationDeviceReadExclusive)
            }
            "softleaf_is_migration_device_private_write" => {
                self.leaf_is(e, |t| t == T::MigrationDeviceWrite)
            }
            "softleaf_is_device_private" => self.leaf_is(e, T::is_device_private),
            "softleaf_is_device_private_write" => self.leaf_is(e, |t| t == T::DevicePrivateWrite),
            "softleaf_is_device_exclusive" => self.leaf_is(e, |t| t == T::DeviceExclusive),
            "softleaf_is_hwpoison" => self.leaf_is(e, |t| t == T::Hwpoison),
            "softleaf_is_marker" => self.leaf_is(e, |t| t == T::Marker),
            "softleaf_has_pfn" => self.leaf_is(e, T::has_pfn),
            "softleaf_to_pfn" => self.softleaf_to_pfn(e),
            "softleaf_to_marker" => self.softleaf_to_marker(e),
            "softleaf_to_flags" => self.softleaf_to_flags(e),
            "softleaf_mk_none" => entry(SwpEntry::NONE),
            "softleaf_is_poison_marker" => self.leaf_is_marker_with(e, PteMarker::POISONED),
            "softleaf_is_guard_marker" => self.leaf_is_marker_with(e, PteMarker::GUARD),
            "softleaf_is_uffd_wp_marker" => self.leaf_is_marker_with(e, PteMarker::UFFD_WP),
            "softleaf_is_migration_young" => self.softleaf_is_migration_ad(e, self.pfn.young()),
            "softleaf_is_migration_dirty" => self.softleaf_is_migration_ad(e, self.pfn.dirty()),
            "softleaf_is_valid_pmd_entry" => self.leaf_is(e, T::valid_at_pmd),
            "softleaf_to_page" | "softleaf_to_folio" => self.softleaf_to_page(e, page),

            // page-table entries
            "swp_entry_to_pte" | "softleaf_to_pte" => out::value(self.entry_to_pte(e).0),
            "swp_entry_to_pmd" | "softleaf_to_pmd" => out::value(self.entry_to_pmd(e).0),
            "softleaf_from_pte" => entry(self.softleaf_from_pte(pte)),
            "softleaf_from_pmd" => entry(self.softleaf_from_pmd(pmd)),
            "make_pte_marker" => {
                let made = self.make_marker_entry(PteMarker(a));
                out::value(self.entry_to_pte(SwpEntry(made.value)).0).warned_if(made.warned)
            }
            "pte_swp_clear_flags" => out::value(self.pte_swp_clear_flags(pte).0),
            "pte_swp_mkexclusive" => out::value(self.pte_set(pte, SwpFlag::Exclusive).0),
            "pte_swp_exclusive" => out::flag(self.pte_test(pte, SwpFlag::Exclusive)),
            "pte_swp_clear_exclusive" => out::value(self.pte_clear(pte, SwpFlag::Exclusive).0),
            "pte_swp_mksoft_dirty" => out::value(self.pte_set(pte, SwpFlag::SoftDirty).0),
            "pte_swp_soft_dirty" => out::flag(self.pte_test(pte, SwpFlag::SoftDirty)),
            "pte_swp_clear_soft_dirty" => out::value(self.pte_clear(pte, SwpFlag::SoftDirty).0),
            "pte_swp_mkuffd" | "pte_swp_mkuffd_wp" => {
                out::value(self.pte_set(pte, SwpFlag::Uffd).0)
            }
            "pte_swp_uffd" | "pte_swp_uffd_wp" => out::flag(self.pte_test(pte, SwpFlag::Uffd)),
            "pte_swp_clear_uffd" | "pte_swp_clear_uffd_wp" => {
                out::value(self.pte_clear(pte, SwpFlag::Uffd).0)
            }
            "pmd_swp_mksoft_dirty" => out::value(self.pmd_set(pmd, SwpFlag::SoftDirty).0),
            "pmd_swp_soft_dirty" => out::flag(self.pmd_test(pmd, SwpFlag::SoftDirty)),
            "pmd_swp_clear_soft_dirty" => out::value(self.pmd_clear(pmd, SwpFlag::SoftDirty).0),
            "pmd_swp_mkuffd" | "pmd_swp_mkuffd_wp" => {
                out::value(self.pmd_set(pmd, SwpFlag::Uffd).0)
            }
            "pmd_swp_uffd" | "pmd_swp_uffd_wp" => out::flag(self.pmd_test(pmd, SwpFlag::Uffd)),
            "pmd_swp_clear_uffd" | "pmd_swp_clear_uffd_wp" => {
                out::value(self.pmd_clear(pmd, SwpFlag::Uffd).0)
            }
            "pte_present" => out::flag(self.codec.pte_present(pte)),
            "pte_none" => out::flag(self.pte_none(pte)),
            "pmd_present" => out::flag(self.pmd_present(pmd)),
            "pmd_none" => out::flag(self.codec.pmd_none(pmd)),
            "pte_is_marker" => self.leaf_is(self.softleaf_from_pte(pte), |t| t == T::Marker),
            "pte_is_uffd_wp_marker" => {
                self.leaf_is_marker_with(self.softleaf_from_pte(pte), PteMarker::UFFD_WP)
            }
            "pte_is_uffd_marker" => self.pte_is_uffd_marker(pte),
            "pmd_is_migration_entry" => self.leaf_is(self.softleaf_from_pmd(pmd), T::is_migration),
            "pmd_is_device_private_entry" => self.pmd_is_device_private_entry(pmd),
            "pmd_is_valid_softleaf" => self.leaf_is(self.softleaf_from_pmd(pmd), T::valid_at_pmd),
            "__swp_entry" => out::value(self.codec.encode(a, self.args.b).0),
            "__swp_type" => out::value(self.codec.type_num(ArchSwpEntry(e.0))),
            "__swp_offset" => out::value(self.codec.offset(ArchSwpEntry(e.0))),
            "__pte_to_swp_entry" => out::value(self.codec.pte_to_entry(pte).0),
            "__pmd_to_swp_entry" => out::value(self.codec.pmd_to_entry(pmd).0),
            "__swp_entry_to_pte" => out::value(self.codec.entry_to_pte(ArchSwpEntry(e.0)).0),
            "__swp_entry_to_pmd" => out::value(self.codec.entry_to_pmd(ArchSwpEntry(e.0)).0),

            _ => {
                return self
                    .swapops(name)
                    .or_else(|| self.constant(name).map(out::value))
            }
        };
        Some(out)
    }
}

/// Helpers that only the device-private migration series defines (in every
/// config: without CONFIG_DEVICE_PRIVATE its makers yield the empty entry and
/// its predicates say no). Its constants are handled with the other types.
pub const SERIES_HELPERS: &[&str] = &[
    "make_readable_device_private_entry_from_page",
    "make_writable_device_private_entry_from_page",
    "softleaf_to_flags",
    "make_readable_migration_device_private_entry",
    "make_readable_exclusive_migration_device_private_entry",
    "make_writable_migration_device_private_entry",
    "make_readable_migration_entry_from_page",
    "make_readable_exclusive_migration_entry_from_page",
    "make_writable_migration_entry_from_page",
    "is_device_private_migration_entry",
    "is_readable_device_migration_private_entry",
    "is_writable_device_migration_private_entry",
    "is_readable_exclusive_device_private_migration_entry",
    "softleaf_is_migration_device_private",
    "softleaf_is_migration_device_private_read",
    "softleaf_is_migration_device_private_read_exclusive",
    "softleaf_is_migration_device_private_write",
];

/// Building `Outcome`s.
pub(crate) mod out {
    use crate::call::Outcome;

    pub fn value(value: u64) -> Outcome {
        Outcome {
            value,
            warned: false,
            bugged: false,
        }
    }

    /// A boolean result, normalised to 0/1 as the C side normalises `int` flags.
    pub fn flag(b: bool) -> Outcome {
        value(u64::from(b))
    }

    pub trait Record {
        /// Also record a `VM_WARN_ON_ONCE`/`WARN_ON_ONCE` when `cond` holds.
        fn warned_if(self, cond: bool) -> Self;
        /// Also record a `BUG_ON` when `cond` holds.
        fn bugged_if(self, cond: bool) -> Self;
    }

    impl Record for Outcome {
        fn warned_if(mut self, cond: bool) -> Self {
            self.warned |= cond;
            self
        }

        fn bugged_if(mut self, cond: bool) -> Self {
            self.bugged |= cond;
            self
        }
    }
}

use out::Record;

#[cfg(test)]
mod tests;
