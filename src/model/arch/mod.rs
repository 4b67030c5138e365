//! Each arch's swap-PTE encoding, one file per encoding beside this one,
//! each written from that arch's layout comment and drawing it. What the
//! rest of the model needs of an arch is [`SwapPteCodec`]; which arches it
//! models is [`CODECS`], and nothing else.
//!
//! Words are the arch's `pte_val()`/`pmd_val()` and `swp_entry_t` as the C
//! ABI passes them, in the low bits of a `u64`: an entry is an `unsigned
//! long` of the arch's width (`Arch::word_bits`), a PTE or PMD is
//! `Arch::pte_bits` wide (64 bits on a 32-bit arch with PAE or LPAE). A
//! codec is handed words no wider than that and keeps what it makes within
//! them, as the C's types do.

use crate::call::Knobs;
use leafdiff_kernel::arch::{self as karch, Arch};

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

/// An entry in the arch's own format (`swp_entry_t` as `__swp_entry` makes
/// it and `__swp_type`/`__swp_offset` read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ArchSwpEntry(pub u64);

/// A PTE word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pte(pub u64);

/// A PMD word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pmd(pub u64);

/// The software flags a swap PTE/PMD carries beside its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SwpFlag {
    /// `_PAGE_SWP_EXCLUSIVE`: the anon page was exclusive to this mapping.
    Exclusive,
    /// `_PAGE_SWP_SOFT_DIRTY`: soft-dirty survives swap-out and migration.
    SoftDirty,
    /// `_PAGE_SWP_UFFD`: userfaultfd write-protection.
    Uffd,
}

/// An arch's swap-PTE encoding as the model needs it: the arch entry's
/// fields, how it sits in a PTE and a PMD, the flag bits beside it, and what
/// `pte/pmd_present` and `pte/pmd_none` read in a word.
pub trait SwapPteCodec: Sync {
    /// `PAGE_SHIFT`.
    fn page_shift(&self) -> u32;

    /// `MAX_PHYSMEM_BITS` as a call with these run-time answers sees it;
    /// `None` where the arch's headers leave it undefined.
    fn max_physmem_bits(&self, knobs: Knobs) -> Option<u32>;

    /// The width of the type field (`MAX_SWAPFILES_CHECK()` holds
    /// `MAX_SWAPFILES_SHIFT` against it).
    fn swp_type_bits(&self) -> u32;

    /// `__swp_entry(type, offset)`.
    fn encode(&self, type_num: u64, offset: u64) -> ArchSwpEntry;

    /// `__swp_type`.
    fn type_num(&self, entry: ArchSwpEntry) -> u64;

    /// `__swp_offset`.
    fn offset(&self, entry: ArchSwpEntry) -> u64;

    /// `__swp_entry_to_pte`: on most arches the word is the entry.
    fn entry_to_pte(&self, entry: ArchSwpEntry) -> Pte {
        Pte(entry.0)
    }

    /// `__pte_to_swp_entry`.
    fn pte_to_entry(&self, pte: Pte) -> ArchSwpEntry {
        ArchSwpEntry(pte.0)
    }

    /// `__swp_entry_to_pmd`, where PMDs hold entries.
    fn entry_to_pmd(&self, entry: ArchSwpEntry) -> Pmd {
        Pmd(entry.0)
    }

    /// `__pmd_to_swp_entry`.
    fn pmd_to_entry(&self, pmd: Pmd) -> ArchSwpEntry {
        ArchSwpEntry(pmd.0)
    }

    /// Whether the arch defines `__swp_entry_to_pmd`/`__pmd_to_swp_entry`
    /// only where PMDs hold leaf entries (`CONFIG_ARCH_HAS_PMD_SOFTLEAVES`).
    fn pmd_conversions_need_pmd_softleaves(&self) -> bool {
        false
    }

    /// The bit `flag` takes in a swap PTE when its feature is configured
    /// (soft-dirty, uffd-wp; exclusive always), 0 where the arch has none.
    fn swp_pte_bit(&self, flag: SwpFlag, knobs: Knobs) -> u64;

    /// The bit `flag` takes in a swap PMD; the PTE's unless the arch says.
    fn swp_pmd_bit(&self, flag: SwpFlag, knobs: Knobs) -> u64 {
        self.swp_pte_bit(flag, knobs)
    }

    /// `pte_present`.
    fn pte_present(&self, pte: Pte) -> bool;

    /// `pte_none`, as a call with these run-time answers sees it.
    fn pte_none(&self, pte: Pte, knobs: Knobs) -> bool;

    /// `pmd_present`; `thp` is `CONFIG_TRANSPARENT_HUGEPAGE`, which some
    /// arches read a splitting huge PMD's leaf bits under.
    fn pmd_present(&self, pmd: Pmd, thp: bool) -> bool;

    /// `pmd_none`.
    fn pmd_none(&self, pmd: Pmd) -> bool;

    /// Whether headers that define what `defined` answers for carry the
    /// layout this codec draws: an arch whose older headers laid the entry
    /// out otherwise names what tells them apart.
    fn drawn_in(&self, _defined: &dyn Fn(&str) -> bool) -> bool {
        true
    }

    /// The arch's own constants under test by name (x86's `SWP_TYPE_BITS`);
    /// `None` for a name the arch does not define.
    fn constant(&self, _name: &str, _knobs: Knobs) -> Option<u64> {
        None
    }
}

/// The arches the model has a codec for, with it: every arch leafdiff
/// builds. An arch not here would be checked by properties alone.
pub const CODECS: &[(&Arch, &dyn SwapPteCodec)] = &[
    (&karch::x86_64::X86_64, &x86_64::X86_64),
    (&karch::arm64::ARM64_4K, &arm64::ARM64_4K),
    (&karch::arm64::ARM64_16K, &arm64::ARM64_16K),
    (&karch::arm64::ARM64_64K, &arm64::ARM64_64K),
    (&karch::riscv64::RISCV64, &riscv64::RISCV64),
    (&karch::loongarch64::LOONGARCH64, &loongarch64::LOONGARCH64),
    (&karch::s390::S390, &s390::S390),
    (&karch::alpha::ALPHA, &alpha::ALPHA),
    (&karch::parisc64::PARISC64, &parisc64::PARISC64),
    (&karch::ppc64::PPC64, &ppc64::PPC64),
    (&karch::i386::I386, &i386::I386),
    (&karch::i386::I386_PAE, &i386::I386_PAE),
    (&karch::arm::ARM, &arm::ARM),
    (&karch::arm::ARM_LPAE, &arm::ARM_LPAE),
    (&karch::m68k::M68K, &m68k::M68K),
    (&karch::sh::SH, &sh::SH),
    (&karch::ppc32::PPC32, &ppc32::PPC32),
];

/// The codec of `arch`, if the model has one.
pub fn codec(arch: &Arch) -> Option<&'static dyn SwapPteCodec> {
    CODECS
        .iter()
        .find(|(a, _)| *a == arch)
        .map(|(_, codec)| *codec)
}

/// A mask of the low `n` bits.
pub const fn low_bits(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1 << n) - 1
    }
}

pub const fn bit(n: u32) -> u64 {
    1 << n
}

/// A field of `bits` bits starting at bit `shift` of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub shift: u32,
    pub bits: u32,
}

impl Field {
    /// The field's value in `word`.
    pub const fn get(self, word: u64) -> u64 {
        (word >> self.shift) & low_bits(self.bits)
    }

    /// `value` cut to the field's width, in its place.
    pub const fn put(self, value: u64) -> u64 {
        (value & low_bits(self.bits)) << self.shift
    }

    /// The field's bits.
    pub const fn mask(self) -> u64 {
        low_bits(self.bits) << self.shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_codec_is_of_a_known_arch_once() {
        for (i, (a, _)) in CODECS.iter().enumerate() {
            assert!(karch::ALL.contains(a), "{}", a.name);
            assert!(CODECS[i + 1..].iter().all(|(b, _)| b != a), "{}", a.name);
        }
        assert!(karch::ALL.iter().all(|a| codec(a).is_some()));
    }

    #[test]
    fn fields_cut_and_place() {
        let f = Field { shift: 6, bits: 5 };
        assert_eq!(f.put(33), 1 << 6);
        assert_eq!(f.get(u64::MAX), 31);
        assert_eq!(f.mask(), 0x7c0);
        let top = Field {
            shift: 12,
            bits: 52,
        };
        assert_eq!(top.get(u64::MAX), low_bits(52));
        assert_eq!(top.put(u64::MAX), u64::MAX << 12);
    }

    /// Per codec: the entry round-trips through its PTE on the edges of
    /// both fields (the offset as wide as the PTE keeps it, as the kernel
    /// measures a swap file's largest offset), the flag bits lie outside the
    /// fields, and no encoded entry reads as present or none.
    #[test]
    fn every_codec_round_trips_its_fields_and_keeps_flags_apart() {
        for (arch, c) in CODECS {
            let knob_settings = 0..1u8 << arch.knobs.len();
            for knobs in knob_settings.map(|arch| Knobs {
                arch,
                swap_migration_ad_supported: false,
            }) {
                let max_type = low_bits(c.swp_type_bits().min(5));
                let pte = |t, o| c.entry_to_pte(c.encode(t, o)).0;
                let fields = pte(max_type, 0) | pte(0, u64::MAX) | pte(0, 0);
                for flag in [SwpFlag::Exclusive, SwpFlag::SoftDirty, SwpFlag::Uffd] {
                    let b = c.swp_pte_bit(flag, knobs);
                    assert_eq!(b & fields, 0, "{}: {flag:?} on a field bit", arch.name);
                }
                let max_offset = c.offset(c.pte_to_entry(Pte(pte(0, u64::MAX))));
                for (t, o) in [(0, 1), (max_type, 0), (1, max_offset), (3, 0x1234)] {
                    let e = c.encode(t, o);
                    assert_eq!((c.type_num(e), c.offset(e)), (t, o), "{}", arch.name);
                    let pte = c.entry_to_pte(e);
                    assert_eq!(c.pte_to_entry(pte), e, "{}", arch.name);
                    assert!(
                        !c.pte_present(pte) && !c.pte_none(pte, knobs),
                        "{}",
                        arch.name
                    );
                }
            }
        }
    }
}
