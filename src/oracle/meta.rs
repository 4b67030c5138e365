//! What build.rs records about each kernel and variant (see `variants.rs` in OUT_DIR).

use super::ffi::ld_variant;

#[derive(Debug)]
pub struct KernelMeta {
    pub root: &'static str,
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
    /// Every name the harness found defined, sorted.
    pub defined: &'static [&'static str],
    pub softleaf_types: &'static [&'static str],
}

impl KernelMeta {
    /// Where it came from and its version, the version once.
    pub fn title(&self) -> String {
        if self.source.contains(self.version) {
            self.source.to_string()
        } else {
            format!("{} ({})", self.source, self.version)
        }
    }

    /// Whether this kernel's headers define `name` (a macro, function, type or enum).
    pub fn defines(&self, name: &str) -> bool {
        self.defined.binary_search(&name).is_ok()
    }
}

pub struct VariantMeta {
    pub kernel: usize,
    pub config_bits: u32,
    /// Prefix of the variant's exported C symbols.
    pub prefix: &'static str,
    /// How many helpers the wrapper wraps before per-config `#if`s.
    pub wrapped: usize,
    pub table: fn() -> &'static ld_variant,
}

#[derive(Debug)]
pub struct BuildFinding {
    pub kernel: usize,
    pub config_bits: u32,
    pub compiler_output: &'static str,
}
