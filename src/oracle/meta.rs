//! What build.rs records about each kernel and variant (see `variants.rs` in OUT_DIR).

use super::ffi::ld_variant;
use crate::helpers::HelperSpec;
use leafdiff_kernel::arch::Arch;

/// One kernel tree's headers as one arch compiles them.
#[derive(Debug)]
pub struct KernelMeta {
    /// Which kernel tree of the build (`k0`, `k1`, ... in labels).
    pub tree: usize,
    /// The arch these headers are compiled as (`kernel/src/arch/`).
    pub arch: &'static Arch,
    pub root: &'static str,
    /// The tree the variants were compiled from: a private patched copy of
    /// `root` when `LEAFDIFF_PATCHES` applied, else `root`.
    pub read_root: &'static str,
    /// The extracted and (if patched) patched headers the variants compile against.
    pub include_dir: &'static str,
    pub version: &'static str,
    /// Where it came from, e.g. `Debian linux-headers-7.3-common 7.3~rc7-1~exp1 (experimental)`.
    pub source: &'static str,
    /// The package's SHA-256, empty for a path.
    pub sha256: &'static str,
    /// How the kernel was verified: pinned hash, signed index and key, or a local tree.
    pub verified: &'static str,
    /// `LEAFDIFF_PATCHES` report (applied hunks, offsets, fuzz, skipped files), empty if none.
    pub patches: &'static str,
    /// This is kernel `i` built without `LEAFDIFF_PATCHES`, for `leafdiff diff`.
    pub base_of: Option<usize>,
    /// Every name the harness found defined, sorted.
    pub defined: &'static [&'static str],
    pub softleaf_types: &'static [&'static str],
    /// The helpers its headers define, as indices into `helpers::all()`.
    pub helpers: &'static [usize],
    /// Each helper's prototype as the headers write it (`macro`, `constant`).
    pub prototypes: &'static [(&'static str, &'static str)],
    /// The names each helper's definition mentions: the kernel's own call
    /// graph among the helpers, as the extraction sees it.
    pub refs: &'static [(&'static str, &'static [&'static str])],
    /// Names its headers define that leafdiff cannot call, with the reason.
    pub unchecked: &'static [(&'static str, &'static str)],
    /// "prototype changed: …" for each helper the model knows by another prototype.
    pub prototype_changes: &'static [&'static str],
}

impl KernelMeta {
    /// Where it came from and its version, the version once.
    pub fn title(&self) -> String {
        format!("{} for {}", self.tree_title(), self.arch.name)
    }

    /// Where the tree came from and its version, whatever the arch.
    pub fn tree_title(&self) -> String {
        let title = if self.source.contains(self.version) {
            self.source.to_string()
        } else {
            format!("{} ({})", self.source, self.version)
        };
        match self.base_of {
            Some(_) => format!("{title}, without LEAFDIFF_PATCHES"),
            None => title,
        }
    }

    /// Whether this kernel's headers define `name` (a macro, function, type or enum).
    pub fn defines(&self, name: &str) -> bool {
        self.defined.binary_search(&name).is_ok()
    }

    /// The helpers this kernel's headers define.
    pub fn helper_specs(&self) -> impl Iterator<Item = &'static HelperSpec> + '_ {
        self.helpers.iter().map(|&i| &crate::helpers::all()[i])
    }

    /// The names the definition of helper `name` mentions.
    pub fn refs_of(&self, name: &str) -> &'static [&'static str] {
        self.refs
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[], |(_, r)| r)
    }

    /// The prototype of `name` as the headers write it.
    pub fn prototype(&self, name: &str) -> Option<&'static str> {
        self.prototypes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| *p)
    }
}

pub struct VariantMeta {
    pub kernel: usize,
    pub config_bits: u32,
    /// Prefix of the variant's exported C symbols.
    pub prefix: &'static str,
    /// How many helpers the wrapper wraps before per-config `#if`s.
    pub wrapped: usize,
    pub table: Table,
}

/// Where a variant's compiled helpers are.
#[derive(Debug)]
pub enum Table {
    /// Linked into leafdiff: the accessor of its exported table.
    Linked(fn() -> &'static ld_variant),
    /// In the evaluator program (a 32-bit arch), as its `i`-th variant.
    Evaluator(u32),
}

#[derive(Debug)]
pub struct BuildFinding {
    pub kernel: usize,
    pub config_bits: u32,
    pub compiler_output: &'static str,
}
