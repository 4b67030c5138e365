//! Extraction of the definitions the harness compiles: the real `swapops.h`
//! and `leafops.h` are used whole; from `swap.h`, `xarray.h` and one arch's
//! headers (its file under `crate::arch` lists them) only the definitions
//! the helpers need are taken, with their preprocessor conditions, by
//! following references from a set of roots.

pub mod closure;
pub mod index;
pub mod lexer;

/// Files of a kernel tree every arch needs, relative to its root. A tree that
/// lacks one of them cannot be tested; an arch whose own files
/// (`Arch::files`) it lacks is left out. Patches touching files no list
/// names are skipped.
pub const NEEDED_FILES: &[&str] = &[
    "include/linux/swapops.h",
    "include/linux/swap.h",
    "include/linux/xarray.h",
    "include/asm-generic/pgtable_uffd.h",
    "include/linux/pgtable.h",
];

/// The generic fallbacks the arch headers leave configs to, indexed after them.
const GENERIC_ARCH_FILES: &[&str] = &[
    "include/asm-generic/pgtable_uffd.h",
    "include/linux/pgtable.h",
];

use crate::arch::Arch;
use index::{HeaderIndex, IndexError, Kind};
use std::path::{Path, PathBuf};

/// How the roots of one extracted header are chosen.
enum Roots {
    /// These names.
    Names(&'static [&'static str]),
    /// Every macro whose name starts with one of these prefixes.
    MacroPrefixes(&'static [&'static str]),
    /// These names, and every function or function-like helper macro
    /// (arm64 spells its PMD flag helpers as macros) whose name starts
    /// with one of the prefixes.
    NamesAndHelperPrefixes(&'static [&'static [&'static str]], &'static [&'static str]),
}

/// One generated header: definitions from `files`, closed over references.
struct Extracted {
    output: &'static str,
    files: Vec<&'static str>,
    roots: Roots,
}

/// Files read when the kernel has them: `leafops.h` (the softleaf API, from
/// 7.2 on; earlier kernels spell the same ideas in `swapops.h`), and
/// `vdso/page.h` (`PAGE_SHIFT` moved there from the arch's page_types.h).
pub const OPTIONAL_FILES: &[&str] = &[
    "include/linux/leafops.h",
    "include/vdso/page.h",
    "include/linux/huge_mm.h",
];

/// The files leafdiff reads for `arch`.
pub fn read_files_of(arch: &Arch) -> Vec<&'static str> {
    let mut files: Vec<&'static str> = NEEDED_FILES.iter().chain(OPTIONAL_FILES).copied().collect();
    files.extend(arch.files);
    files
}

/// Every file a patch may change that leafdiff reads, for any arch: the
/// rest are skipped.
pub fn read_files() -> Vec<&'static str> {
    let mut files: Vec<&'static str> = NEEDED_FILES.iter().chain(OPTIONAL_FILES).copied().collect();
    files.extend(crate::arch::all_files());
    files.dedup();
    files
}

/// Headers used whole and unmodified (`leafops.h` where the kernel has it).
pub const VERBATIM: &[&str] = &["include/linux/swapops.h", "include/linux/leafops.h"];

/// What is generated for `arch`: the arch-independent extractions, and
/// the arch's own definitions read from its files.
fn extracted(arch: &Arch) -> Vec<Extracted> {
    let arch_files = std::iter::once("include/vdso/page.h")
        .chain(arch.files.iter().copied())
        .chain(GENERIC_ARCH_FILES.iter().copied())
        .collect();
    vec![
        Extracted {
            output: "leafdiff/extracted/swap.h",
            files: vec!["include/linux/swap.h"],
            roots: Roots::MacroPrefixes(&["SWP_", "MAX_SWAPFILES"]),
        },
        Extracted {
            // Older swapops.h (6.1) calls is_swap_pmd() and relies on its
            // includer for it, as mm/*.c include huge_mm.h.
            output: "leafdiff/extracted/huge_mm.h",
            files: vec!["include/linux/huge_mm.h"],
            roots: Roots::Names(&["is_swap_pmd"]),
        },
        Extracted {
            output: "leafdiff/extracted/xarray.h",
            files: vec!["include/linux/xarray.h"],
            roots: Roots::Names(&["BITS_PER_XA_VALUE", "xa_mk_value", "xa_to_value"]),
        },
        Extracted {
            output: "leafdiff/extracted/arch.h",
            files: arch_files,
            roots: Roots::NamesAndHelperPrefixes(
                &[ARCH_ROOTS, GENERIC_NEEDS],
                ARCH_HELPER_PREFIXES,
            ),
        },
    ]
}

/// What is taken from the arch headers: the constants the generic headers
/// need, and the arch's swap encoding.
const ARCH_ROOTS: &[&str] = &[
    "PAGE_SHIFT",
    "MAX_PHYSMEM_BITS",
    "SWP_TYPE_BITS",
    "SWP_OFFSET_FIRST_BIT",
    "SWP_OFFSET_SHIFT",
    "MAX_SWAPFILES_CHECK",
    "__swp_type",
    "__swp_offset",
    "__swp_entry",
    "__pte_to_swp_entry",
    "__pmd_to_swp_entry",
    "__swp_entry_to_pte",
    "__swp_entry_to_pmd",
    "pte_present",
    "pte_none",
    "pmd_present",
    "pmd_none",
];

/// Arch names the generic headers call that no arch helper need reach
/// (`swapops.h` builds PMDs with `__pmd`): taken, but not under test.
const GENERIC_NEEDS: &[&str] = &["__pte", "__pmd", "pte_val", "pmd_val"];

/// Functions and macros of the arch headers that are helpers under test by
/// their name alone: the swap-PTE flag helpers. The other arch helpers are the
/// `__swp_*` codec and `pte/pmd_present/none` among [`ARCH_ROOTS`]; what else
/// the arch extraction pulls in (`pte_flags`, `native_pte_val`, ...) is
/// plumbing, not under test.
pub const ARCH_HELPER_PREFIXES: &[&str] = &["pte_swp_", "pmd_swp_"];

/// Whether an arch definition called `name` is a helper under test.
pub fn is_arch_helper(name: &str) -> bool {
    ARCH_HELPER_PREFIXES.iter().any(|p| name.starts_with(p))
        || (ARCH_ROOTS.contains(&name)
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase() || c == '_'))
}

/// Names `csrc/shim/` provides for every arch: the kernel environment
/// around the helpers (generic bit macros, types). Extraction never follows
/// a reference into these, nor into an arch's `Arch::provided`.
pub const SHIM_PROVIDED: &[&str] = &[
    "BITS_PER_LONG",
    "BIT",
    "BIT_ULL",
    "_AC",
    "_AT",
    "_UL",
    "_ULL",
    "__ASSEMBLER__",
    "swp_entry_t",
    "phys_addr_t",
    "bool",
];

/// What extraction learnt about a kernel, for wrapper generation and `info`.
#[derive(Debug, Clone, Default)]
pub struct HeaderFacts {
    /// Every definition found in the verbatim headers and the extracted ones.
    pub index: HeaderIndex,
    /// The `enum softleaf_type` enumerators, in declaration order.
    pub softleaf_types: Vec<String>,
    /// Generated files, relative to the include directory.
    pub generated: Vec<PathBuf>,
}

impl HeaderFacts {
    pub fn defines(&self, name: &str) -> bool {
        self.index.defines(name)
    }

    /// `#if` expression under which `name` exists as a function: the
    /// disjunction of the conditions of its function definitions. Macros are
    /// tested with `defined()` by the caller instead. `None`: no function.
    pub fn function_condition(&self, name: &str) -> Option<String> {
        let conds: Vec<String> = self
            .index
            .named(name)
            .filter(|d| d.kind == Kind::Function)
            .map(|d| {
                if d.cond.is_empty() {
                    "1".to_string()
                } else {
                    d.cond.join(" && ")
                }
            })
            .collect();
        (!conds.is_empty()).then(|| {
            conds
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" || ")
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot parse {0}")]
    Parse(#[from] IndexError),
    #[error("{file} defines no `enum softleaf_type`: is it a kernel's leafops.h? (kernels before 7.2 have none, and that is fine; a leafops.h without the enum is not)")]
    NoSoftleafEnum { file: String },
}

fn read(root: &Path, rel: &str) -> Result<String, ExtractError> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|source| ExtractError::Read { path, source })
}

fn write(path: &Path, text: &str) -> Result<(), ExtractError> {
    let werr = |source| ExtractError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(werr)?;
    }
    std::fs::write(path, text).map_err(werr)
}

fn roots_of(index: &HeaderIndex, roots: &Roots) -> Vec<String> {
    let by_prefix = |prefixes: &[&str], kind: Kind| -> Vec<String> {
        let mut names: Vec<String> = index
            .defs
            .iter()
            .filter(|d| d.kind == kind && prefixes.iter().any(|p| d.name.starts_with(p)))
            .map(|d| d.name.clone())
            .collect();
        names.dedup();
        names
    };
    match roots {
        Roots::Names(names) => names.iter().map(|s| s.to_string()).collect(),
        Roots::MacroPrefixes(prefixes) => by_prefix(prefixes, Kind::Macro),
        Roots::NamesAndHelperPrefixes(names, prefixes) => names
            .iter()
            .flat_map(|list| list.iter())
            .map(|s| s.to_string())
            .chain(by_prefix(prefixes, Kind::Function))
            .chain(by_prefix(prefixes, Kind::Macro))
            .collect(),
    }
}

/// Copies the verbatim headers and writes the extracted ones for `arch`
/// under `include_dir`, returning what was found.
pub fn extract(root: &Path, arch: &Arch, include_dir: &Path) -> Result<HeaderFacts, ExtractError> {
    // A fresh directory every time: a header left by the kernel built here
    // before (a 7.3 `leafops.h` under a 6.1 that has none) would be included.
    let _ = std::fs::remove_dir_all(include_dir);
    let mut facts = HeaderFacts::default();
    for rel in VERBATIM {
        if OPTIONAL_FILES.contains(rel) && !root.join(rel).is_file() {
            continue;
        }
        let text = read(root, rel)?;
        let out = include_dir.join(rel.trim_start_matches("include/"));
        write(&out, &text)?;
        facts
            .index
            .defs
            .extend(HeaderIndex::parse(rel, &text)?.defs);
        facts.generated.push(out);
    }
    for spec in extracted(arch) {
        let mut index = HeaderIndex::default();
        for rel in spec
            .files
            .iter()
            .filter(|rel| !OPTIONAL_FILES.contains(rel) || root.join(rel).is_file())
        {
            index
                .defs
                .extend(HeaderIndex::parse(rel, &read(root, rel)?)?.defs);
        }
        let stop: Vec<&str> = SHIM_PROVIDED.iter().chain(arch.provided).copied().collect();
        let selected = closure::select(&index, &roots_of(&index, &spec.roots), &stop);
        let guard = spec.output.replace(['/', '.'], "_").to_uppercase();
        let text = format!(
            "/* Extracted by leafdiff from {}: the definitions {} needs, with their conditions. */\n#ifndef {guard}\n#define {guard}\n{}#endif\n",
            spec.files.join(", "),
            "the swap-entry helpers",
            closure::emit(&selected)
        );
        let out = include_dir.join(spec.output);
        write(&out, &text)?;
        facts.index.defs.extend(selected.into_iter().cloned());
        facts.generated.push(out);
    }
    let has_leafops = root.join("include/linux/leafops.h").is_file();
    facts.softleaf_types = match facts.index.enumerators("softleaf_type") {
        Some(types) => types.to_vec(),
        None if has_leafops => {
            return Err(ExtractError::NoSoftleafEnum {
                file: "include/linux/leafops.h".into(),
            })
        }
        // A kernel before the softleaf API.
        None => Vec::new(),
    };
    Ok(facts)
}
