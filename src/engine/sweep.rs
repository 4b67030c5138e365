//! The deterministic sweep: every type number against structured offsets,
//! swap PTEs with every subset of flag bits, every single bit alone and
//! flipped in a swap PTE and PMD, every run-time knob setting and every
//! compiled variant. Lazy, so `check` can stop it at its deadline.

use super::case::{Case, Target};
use super::Engine;
use crate::call::{Args, Evaluate, Knobs, Page};
use crate::helpers::{Answer, HelperSpec, Param, Sig};
use leafdiff_kernel::arch::Arch;

/// Number of type numbers a 5-bit type field holds, plus one past it.
const TYPES: u64 = 33;

/// swapops.h's SWP_TYPE_SHIFT: BITS_PER_XA_VALUE (an `unsigned long` less
/// one bit) less MAX_SWAPFILES_SHIFT (5).
pub fn type_shift(arch: &Arch) -> u32 {
    arch.word_bits - 1 - 5
}

/// Offsets worth trying: the edges of every field a swap offset is cut into.
pub fn offsets() -> Vec<u64> {
    let mut v = vec![0, 1, 0x1f, 0x1234, u64::MAX];
    v.extend((0..64).map(|b| 1u64 << b));
    // SWP_PFN_BITS is 34 (4-level) or 40 (5-level): the PFN's edge, then the
    // young and dirty bits above it, alone and with a PFN below.
    for pfn_bits in [34u32, 40] {
        let pfn_max = (1u64 << pfn_bits) - 1;
        let young = 1u64 << pfn_bits;
        let dirty = 1u64 << (pfn_bits + 1);
        v.extend([
            pfn_max,
            young | 0x1234,
            dirty | 0x1234,
            young | dirty | pfn_max,
        ]);
    }
    // The x86 offset field (50 bits) and SWP_TYPE_SHIFT.
    v.extend([(1 << 50) - 1, (1 << 58) - 1]);
    v.sort_unstable();
    v.dedup();
    v
}

/// Fewer offsets for the PTE sweep, where each is multiplied by flag subsets.
fn pte_offsets() -> Vec<u64> {
    vec![
        0,
        1,
        0x1234,
        (1 << 34) - 1,
        1 << 34,
        (1 << 40) | 7,
        (1 << 50) - 1,
        1 << 50,
    ]
}

/// Every type number with each offset, as an entry of `arch`'s width.
pub fn entries(offsets: &[u64], arch: &Arch) -> Vec<u64> {
    let shift = type_shift(arch);
    let mask = (1u64 << shift) - 1;
    let mut v: Vec<u64> = (0..TYPES)
        .flat_map(|t| {
            offsets
                .iter()
                .map(move |o| ((t << shift) | (o & mask)) & arch.word_mask())
        })
        .collect();
    v.push(arch.word_mask());
    v.sort_unstable();
    v.dedup();
    v
}

/// The swap-PTE flag setters: each sets its own bit, wherever the arch has it.
const FLAG_SETTERS: &[&str] = &[
    "pte_swp_mkexclusive",
    "pte_swp_mksoft_dirty",
    "pte_swp_mkuffd_wp",
];

/// The low bits of a PTE, flipped one at a time: where the arches keep
/// present, PROT_NONE, accessed, dirty, huge and valid bits.
const LOW_BITS: u32 = 9;

/// `pte` with every subset of the swap flags (`flags`, the bits the arch's
/// own setters set), then with each low bit alone.
fn flag_variants(pte: u64, flags: &[u64]) -> Vec<u64> {
    let mut v: Vec<u64> = (0..1u64 << flags.len())
        .map(|subset| {
            flags
                .iter()
                .enumerate()
                .filter(|(i, _)| subset >> i & 1 != 0)
                .fold(pte, |p, (_, f)| p | f)
        })
        .collect();
    v.extend((0..LOW_BITS).map(|b| pte | 1 << b));
    v
}

/// Every setting of the run-time knobs `arch` has: each of its questions
/// (`Arch::knobs`) both ways, and `swap_migration_ad_supported` both ways.
pub fn knobs(arch: &Arch) -> Vec<Knobs> {
    knob_settings(arch.knobs.len())
}

fn knob_settings(questions: usize) -> Vec<Knobs> {
    (0..1u8 << questions)
        .flat_map(|arch| {
            [false, true].map(|ad| Knobs {
                arch,
                swap_migration_ad_supported: ad,
            })
        })
        .collect()
}

/// Whether `knobs` answers only questions `arch` asks.
fn applies(knobs: Knobs, arch: &Arch) -> bool {
    u32::from(knobs.arch) >> arch.knobs.len() == 0
}

const PAGE_PFNS: &[u64] = &[0, 1, 0x1234, (1 << 34) - 1, (1 << 40) - 1];

fn pages() -> Vec<Page> {
    PAGE_PFNS
        .iter()
        .flat_map(|&pfn| {
            (0..8u8).map(move |f| Page {
                pfn,
                device_private: f & 1 != 0,
                anon: f & 2 != 0,
                locked: f & 4 != 0,
            })
        })
        .collect()
}

/// The entry (a swapfile's) whose swap PTE and PMD the sweep flips each
/// bit of.
fn bit_flipped_entry(arch: &Arch) -> u64 {
    1 << type_shift(arch) | 0x1234
}

/// Swap PTEs of `variant` for a set of entries, each with flag variants;
/// and every single bit, alone and flipped in one swap PTE and PMD, so that
/// whichever bit an arch gives a swap flag, or `pte/pmd_none` ignores, or
/// `pte/pmd_present` reads, some word sets it.
pub fn ptes(engine: &Engine, variant: usize, knobs: Knobs) -> Vec<u64> {
    let v = &engine.variants[variant];
    let helper = |names: [&str; 2]| names.into_iter().find_map(|n| v.helper(n));
    let to_pte = helper(["swp_entry_to_pte", "softleaf_to_pte"]);
    let to_pmd = helper(["swp_entry_to_pmd", "softleaf_to_pmd"]);
    let ask = |helper: &HelperSpec, a: u64| {
        v.eval(
            helper,
            &Args {
                a,
                knobs,
                ..Args::default()
            },
        )
        .map(|o| o.value)
    };
    let made = |e: u64| -> Option<(u64, Vec<u64>)> {
        let pte = ask(to_pte?, e)?;
        let flags = FLAG_SETTERS
            .iter()
            .filter_map(|&name| ask(v.helper(name)?, pte))
            .map(|marked| marked ^ pte)
            .filter(|&bit| bit != 0)
            .collect();
        Some((pte, flags))
    };
    let word_of = |to: Option<&'static HelperSpec>, e: u64| ask(to?, e);
    let entries = entries(&pte_offsets(), v.arch());
    let made: Vec<Option<(u64, Vec<u64>)>> = if v.in_evaluator() {
        crate::oracle::evaluator::batched(&entries, |&e| made(e))
    } else {
        entries.iter().map(|&e| made(e)).collect()
    };
    let mut words: Vec<u64> = made
        .into_iter()
        .flatten()
        .flat_map(|(pte, flags)| flag_variants(pte, &flags))
        .collect();
    words.extend([0, u64::MAX, 1, 1 << 8, 0x60]);
    let bits: Vec<u64> = (0..u64::BITS).map(|b| 1u64 << b).collect();
    words.extend(&bits);
    for to in [to_pte, to_pmd] {
        if let Some(word) = word_of(to, bit_flipped_entry(v.arch())) {
            words.extend(bits.iter().map(|b| word ^ b));
        }
    }
    words.sort_unstable();
    words.dedup();
    words
}

/// Argument sets for one helper, by signature.
pub fn arguments(
    sig: Sig,
    entries: &[u64],
    ptes: &[u64],
    offsets: &[u64],
    knobs: Knobs,
) -> Vec<Args> {
    let with = |a: u64, b: u64| Args {
        a,
        b,
        knobs,
        ..Args::default()
    };
    let shape = sig.shape();
    match shape.params {
        [] => vec![with(0, 0)],
        [Param::Type, Param::Word] => (0..TYPES)
            .flat_map(|t| offsets.iter().map(move |&o| (t, o)))
            .map(|(t, o)| with(t, o))
            .collect(),
        [Param::Word] => offsets.iter().map(|&o| with(o, 0)).collect(),
        [Param::Radix] => entries.iter().map(|&e| with(e << 1 | 1, 0)).collect(),
        [Param::Page] => pages()
            .into_iter()
            .map(|page| Args { page, ..with(0, 0) })
            .collect(),
        // Flags are offset bits above the pfn: every single bit, none and all.
        [Param::Page, Param::Word] => pages()
            .into_iter()
            .flat_map(|page| {
                std::iter::once(0)
                    .chain((30..58).map(|b| 1u64 << b))
                    .chain([u64::MAX])
                    .map(move |flags| Args {
                        page,
                        ..with(flags, 0)
                    })
            })
            .collect(),
        // The page an entry names is locked or not: a migration entry's
        // must be (pfn_swap_entry_to_page's BUG_ON).
        [Param::Entry] if shape.answer == Answer::Page => entries
            .iter()
            .flat_map(|&e| {
                [false, true].map(|locked| Args {
                    page: Page {
                        locked,
                        ..Page::default()
                    },
                    ..with(e, 0)
                })
            })
            .collect(),
        [Param::Entry | Param::ArchEntry] => entries.iter().map(|&e| with(e, 0)).collect(),
        [Param::TableWord] => ptes.iter().map(|&p| with(p, 0)).collect(),
        params => unreachable!("no shape takes {params:?}: see Sig::shape"),
    }
}

fn case(
    target: Target,
    engine: &Engine,
    variant: usize,
    helper: &'static HelperSpec,
    args: Args,
) -> Case {
    let v = engine.variants[variant];
    Case {
        target,
        arch: v.arch().id,
        kernel: super::selector_of(v.kernel()),
        config_mask: u8::MAX,
        config_bits: v.meta.config_bits as u8,
        helper,
        args,
    }
}

/// Every sweep case for `targets`. Helper by helper, each over every
/// variant, so that a run cut short by its deadline has still tried the
/// helpers it reached on every config (and can say where a bug shows).
/// Lazy: only one helper's arguments on one variant are held at a time.
pub fn cases<'e>(engine: &'e Engine, targets: &'e [Target]) -> impl Iterator<Item = Case> + 'e {
    let offsets = offsets();
    // The props target's case names a helper only to carry its arguments.
    let props = crate::helpers::lookup("softleaf_type")
        .or_else(|| crate::helpers::lookup("swp_type"))
        .expect("every kernel defines swp_type");
    let questions = engine
        .variants
        .iter()
        .map(|v| v.arch().knobs.len())
        .max()
        .unwrap_or(0);
    knob_settings(questions).into_iter().flat_map(move |knobs| {
        let ptes: Vec<Vec<u64>> = (0..engine.variants.len())
            .map(|v| ptes(engine, v, knobs))
            .collect();
        let offsets = offsets.clone();
        // The props target checks every entry against one swap PTE each.
        let helpers = targets.iter().flat_map(move |&target| match target {
            Target::Props => vec![(target, props)],
            _ => target.helpers().iter().map(|&h| (target, h)).collect(),
        });
        helpers.flat_map(move |(target, helper)| {
            let (ptes, offsets) = (ptes.clone(), offsets.clone());
            (0..engine.variants.len())
                .filter(move |&variant| {
                    let v = engine.variants[variant];
                    // A differential case the model cannot answer would
                    // only be skipped: the props target covers those.
                    let compared = target == Target::Props || engine.model(variant).models(helper);
                    v.has_spec(helper) && applies(knobs, v.arch()) && compared
                })
                .flat_map(move |variant| {
                    let entries = entries(&offsets, engine.variants[variant].arch());
                    let args = if target == Target::Props {
                        entries
                            .iter()
                            .zip(ptes[variant].iter().cycle())
                            .map(|(&a, &b)| Args {
                                a,
                                b,
                                knobs,
                                ..Args::default()
                            })
                            .collect()
                    } else {
                        arguments(helper.sig, &entries, &ptes[variant], &offsets, knobs)
                    };
                    args.into_iter()
                        .map(move |args| case(target, engine, variant, helper, args))
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_cover_field_edges() {
        let o = offsets();
        for want in [
            0,
            1,
            (1 << 34) - 1,
            1 << 34,
            1 << 35,
            (1 << 50) - 1,
            (1 << 58) - 1,
            u64::MAX,
        ] {
            assert!(o.contains(&want), "{want:#x} missing");
        }
    }

    #[test]
    fn every_type_number_is_swept_at_the_arch_s_type_shift() {
        let e = entries(&[0], &leafdiff_kernel::arch::x86_64::X86_64);
        for t in 0..32u64 {
            assert!(e.contains(&(t << 58)));
        }
        // 32 bits: SWP_TYPE_SHIFT is 31 - 5, and nothing is wider.
        let e = entries(&[0, u64::MAX], &leafdiff_kernel::arch::i386::I386);
        for t in 0..32u64 {
            assert!(e.contains(&(t << 26)));
        }
        assert!(e.iter().all(|&w| w <= u32::MAX as u64));
    }

    #[test]
    fn flag_variants_include_all_swap_flag_subsets() {
        let flags = [1 << 3, 1 << 60];
        let v = flag_variants(0x100000, &flags);
        for subset in [0, 1 << 3, 1 << 60, 1 << 3 | 1 << 60] {
            assert!(v.contains(&(0x100000 | subset)));
        }
        for b in 0..LOW_BITS {
            assert!(v.contains(&(0x100000 | 1 << b)));
        }
    }
}
