//! The architectures leafdiff compiles: one file per arch beside this one,
//! each saying what to read from that arch's headers, how to compile it
//! (word size, `CONFIG_*` the arch fixes), which of the varied config
//! options its Kconfig lets vary, and which run-time questions its headers
//! ask (answered by a knob the sweep takes both ways). Nothing outside this
//! directory knows a fact of one arch but the model's codec of its encoding
//! (`src/model/arch/`); a new arch is a new file here, its entry in [`ALL`],
//! its shims under `csrc/shim/<arch>/`, and for the model its codec.

pub mod alpha;
pub mod arm;
pub mod arm64;
pub mod i386;
pub mod loongarch64;
pub mod m68k;
pub mod parisc64;
pub mod ppc32;
pub mod ppc64;
pub mod riscv64;
pub mod s390;
pub mod sh;
pub mod x86_64;

use crate::config::ConfigOption;

/// One swap encoding: an arch compiled one way (page size, PAE, ...).
#[derive(Debug, PartialEq, Eq)]
pub struct Arch {
    /// The name labels, `LEAFDIFF_ARCH` and `LEAFDIFF_VARIANTS` use.
    pub name: &'static str,
    /// The directory of its shims, `csrc/shim/<shims>/`, shared by the
    /// encodings of one arch.
    pub shims: &'static str,
    /// The case-file byte naming it (format 2, byte 1): never reused.
    pub id: u8,
    /// `unsigned long` in bits as the arch's compiler has it.
    pub word_bits: u32,
    /// `pte_t` in bits: wider than `unsigned long` with PAE and LPAE.
    pub pte_bits: u32,
    /// Its header files, relative to the tree root, in the order their
    /// definitions are indexed (the generic fallbacks follow them).
    pub files: &'static [&'static str],
    /// Files a tree must also have for its shims to stand in for what its
    /// headers expect: the kernel generation they were written against.
    pub shims_need: &'static [&'static str],
    /// Names its shims (`csrc/shim/<name>/`) provide instead of its headers:
    /// run-time switches, CPU feature tests, paravirt plumbing.
    pub provided: &'static [&'static str],
    /// `CONFIG_*` symbols the arch (and this way of compiling it) fixes.
    pub defines: &'static [(&'static str, &'static str)],
    /// Compiler flags the arch's own build uses that its headers rely on.
    pub cflags: &'static [&'static str],
    /// The config options its Kconfig lets vary; the others stay off.
    pub options: &'static [ConfigOption],
    /// The run-time questions its headers ask, knob bit `i` answering
    /// question `i` (`pgtable_l5_enabled()`), as the shims map them.
    pub knobs: &'static [&'static str],
    /// The swap PTE's fields from its layout comments, for `info`.
    pub layout: &'static str,
    /// How the kernel's own test runner builds it: `kunit.py run --arch=`.
    pub kunit_arch: &'static str,
    /// The C condition under which a KUnit reproducer's kernel did not
    /// compile this encoding, so the test skips.
    pub kunit_skip_if: &'static str,
    /// How C spells a page-table word as leafdiff holds it: the word the
    /// helpers' wrapper passes and returns, which is the stored word.
    pub table_words: TableWords,
    /// How a C reproducer is built for the arch itself.
    pub cross: Cross,
}

/// How a C reproducer is built and run for its arch rather than the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cross {
    /// The host compiler's line builds for the arch already (x86, with
    /// `-m32` for its 32-bit encodings).
    Host,
    /// clang for `--target=<triplet>`, linked by lld against Debian's cross C
    /// library of the arch (`libc6-dev-<debian_arch>-cross`), run by
    /// qemu-user-static (`qemu-<qemu>-static`). Preferred to the cross gcc:
    /// on Debian 12 every gcc-<triplet> excludes gcc-multilib, which the
    /// 32-bit arches' build needs.
    Clang {
        triplet: &'static str,
        debian_arch: &'static str,
        qemu: &'static str,
    },
    /// Debian's cross gcc (`gcc-<triplet>`), where clang's or lld's support
    /// of the arch is missing, run by qemu-user-static.
    Gcc {
        triplet: &'static str,
        qemu: &'static str,
    },
    /// No cross line, and why.
    Unavailable(&'static str),
}

/// What a page-table word in a case is, as a reproducer spells it in C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableWords {
    /// The stored word is the value: `__pte(x)` makes it, `pte_val()` reads it.
    Value,
    /// The stored word is the value byte-swapped (ppc64 keeps page tables
    /// big-endian): `__pte_raw(x)` makes it, `pte_raw()` reads it.
    Raw,
}

impl TableWords {
    /// The C that makes a `<table>_t` (`pte`, `pmd`) of a stored word.
    pub fn make(self, table: &str) -> String {
        match self {
            TableWords::Value => format!("__{table}"),
            TableWords::Raw => format!("__{table}_raw"),
        }
    }

    /// The C that reads a `<table>_t`'s stored word.
    pub fn read(self, table: &str) -> String {
        match self {
            TableWords::Value => format!("{table}_val"),
            TableWords::Raw => format!("{table}_raw"),
        }
    }
}

/// Every arch this leafdiff knows, in the order variants are built.
/// What the shims of arches written against the softleaf generation need.
pub const SOFTLEAF_SHIMS: &[&str] = &["include/linux/leafops.h"];

pub const ALL: &[&Arch] = &[
    &x86_64::X86_64,
    &arm64::ARM64_4K,
    &arm64::ARM64_16K,
    &arm64::ARM64_64K,
    &riscv64::RISCV64,
    &loongarch64::LOONGARCH64,
    &s390::S390,
    &alpha::ALPHA,
    &parisc64::PARISC64,
    &ppc64::PPC64,
    &i386::I386,
    &i386::I386_PAE,
    &arm::ARM,
    &arm::ARM_LPAE,
    &m68k::M68K,
    &sh::SH,
    &ppc32::PPC32,
];

impl Arch {
    pub fn by_name(name: &str) -> Option<&'static Arch> {
        ALL.iter().copied().find(|a| a.name == name)
    }

    pub fn by_id(id: u8) -> Option<&'static Arch> {
        ALL.iter().copied().find(|a| a.id == id)
    }

    /// The bits of an `unsigned long` (an entry, an offset) on this arch.
    pub fn word_mask(&self) -> u64 {
        u64::MAX >> (64 - self.word_bits)
    }

    /// Whether this arch's Kconfig lets `option` be on.
    pub fn allows(&self, option: ConfigOption) -> bool {
        self.options.contains(&option)
    }

    /// Whether the tree has every header this arch reads.
    /// The files of `files` and `shims_need` that `root` lacks: none when
    /// this arch can be built from the tree.
    pub fn missing_in(&self, root: &std::path::Path) -> Vec<&'static str> {
        self.files
            .iter()
            .chain(self.shims_need)
            .copied()
            .filter(|f| !root.join(f).is_file())
            .collect()
    }
}

/// Every file some arch reads, for the patcher's list of files leafdiff reads.
pub fn all_files() -> impl Iterator<Item = &'static str> {
    ALL.iter().flat_map(|a| a.files.iter().copied())
}

/// `LEAFDIFF_ARCH`: a comma-separated list of arch names, or every arch.
pub fn parse_list(list: Option<&str>) -> Result<Vec<&'static Arch>, String> {
    let Some(list) = list else {
        return Ok(ALL.to_vec());
    };
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let arch = Arch::by_name(name).ok_or_else(|| {
            format!(
                "LEAFDIFF_ARCH: unknown arch `{name}`; known: {}",
                ALL.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
            )
        })?;
        if !out.contains(&arch) {
            out.push(arch);
        }
    }
    if out.is_empty() {
        return Err("LEAFDIFF_ARCH is set but names no arch; unset it for every arch".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.id, b.id);
            }
        }
    }

    #[test]
    fn arch_lists_parse_or_say_what_is_known() {
        assert_eq!(parse_list(None).unwrap().len(), ALL.len());
        assert_eq!(parse_list(Some("x86_64")).unwrap(), [&x86_64::X86_64]);
        let e = parse_list(Some("vax")).unwrap_err();
        assert!(
            e.contains("unknown arch `vax`") && e.contains("x86_64"),
            "{e}"
        );
        assert!(parse_list(Some(",")).is_err());
    }
}
