//! Equivalence across kernel versions (ARCHITECTURE.md §8): every pair of
//! kernels in the build, not only neighbours, answers the same entries with
//! each kernel's spelling of one meaning (`model::lineage`), config by
//! config. Entries are mapped by the meaning of their type, as `diff` maps
//! them (a type number moves with the generation and the config), from the
//! older generation to the newer: a device-exclusive entry of 6.12's read
//! or write type is 7.2's one device-exclusive type; a type the newer kernel
//! has no counterpart for (6.1's swapin error) is not compared.
//!
//! A difference the model names a change for is reported as that change and
//! the kernels it lies between; any other is a finding.

use super::sweep;
use super::Engine;
use crate::call::{Args, Evaluate, Outcome};
use crate::helpers::{HelperSpec, Sig};
use crate::model::lineage::{Lineage, Output, LINEAGES};
use crate::model::types::{SwapTypes, TYPE_NUMBERS};
use crate::model::Generation;
use crate::oracle::{evaluator, Variant};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default, serde::Serialize)]
pub struct AcrossVersions {
    /// Kernel pairs compared.
    pub pairs: usize,
    /// Calls compared, two per input.
    pub compared: u64,
    /// Each change the model names that the kernels' C shows: the two
    /// spellings, the change, the generation that made it (and its first
    /// kernel in this build), and the pairs of kernels it lies between.
    pub changes: Vec<String>,
    /// Differences no named change explains: findings.
    pub disagreements: Vec<String>,
}

impl AcrossVersions {
    /// Whether nothing differs that the model does not name.
    pub fn agree(&self) -> bool {
        self.disagreements.is_empty()
    }

    /// The report's section; empty for a build of one kernel.
    pub fn to_markdown(&self) -> String {
        if self.pairs == 0 {
            return String::new();
        }
        let mut s = format!(
            "\n## Across kernel versions\n\n{} pairs of kernels, {} calls, each kernel on its spelling of one meaning.\n",
            self.pairs, self.compared
        );
        if !self.disagreements.is_empty() {
            s.push_str("\nDifferences no change the model names explains:\n\n");
            for d in &self.disagreements {
                s.push_str(&format!("- {d}\n"));
            }
        }
        if !self.changes.is_empty() {
            s.push_str("\nChanges the model names, as the kernels show them:\n\n");
            for c in &self.changes {
                s.push_str(&format!("- {c}\n"));
            }
        }
        s
    }
}

/// The entry of the newer kernel's type table that means what `e` means on
/// the older one; `None` when it has no such type.
fn mapped(e: u64, type_shift: u32, old: &SwapTypes, new: &SwapTypes) -> Option<u64> {
    let ty = e >> type_shift;
    let offset = e & ((1 << type_shift) - 1);
    let swap_files = old.max_swapfiles.min(new.max_swapfiles);
    if e == 0 || ty < u64::from(swap_files) || ty >= u64::from(TYPE_NUMBERS) {
        // The none entry, a swap file on both, or a number no config defines.
        return Some(e);
    }
    let kind = old.kind_of(ty)?;
    let number = new
        .number(kind)
        .or_else(|| new.number(kind.merged_into()?))?;
    Some(u64::from(number) << type_shift | offset)
}

/// The parts of two answers that differ; after a BUG only the BUG counts,
/// as in `engine::agree`.
fn differing(a: &Outcome, b: &Outcome) -> Vec<Output> {
    if a.bugged || b.bugged {
        return if a.bugged == b.bugged {
            Vec::new()
        } else {
            vec![Output::Bug]
        };
    }
    let mut out = Vec::new();
    if a.value != b.value {
        out.push(Output::Value);
    }
    if a.warned != b.warned {
        out.push(Output::Warning);
    }
    out
}

/// The newest spelling of `lineage` the variant has, if it reads an entry.
fn spelling(v: &Variant, lineage: &Lineage) -> Option<&'static HelperSpec> {
    lineage
        .spellings
        .iter()
        .rev()
        .find_map(|n| v.helper(n))
        .filter(|h| h.sig.takes_entry() && h.sig != Sig::EntryToSoftleafType)
}

fn shown(o: &Outcome) -> String {
    match (o.bugged, o.warned) {
        (true, _) => "BUG".into(),
        (false, true) => format!("{:#x} (warned)", o.value),
        (false, false) => format!("{:#x}", o.value),
    }
}

pub fn compare(engine: &Engine) -> AcrossVersions {
    let mut report = AcrossVersions::default();
    let generation = |i: usize| engine.model(i).features.generation;
    let kernel = |i: usize| engine.variants[i].meta.kernel;
    // (old kernel, new kernel) -> the variant pairs of one config.
    let mut pairs: BTreeMap<(usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
    for i in 0..engine.variants.len() {
        for j in 0..engine.variants.len() {
            // One arch's kernels against each other: arches encode entries
            // each their own way, and config bits are per arch.
            let same_config = engine.variants[i].arch().id == engine.variants[j].arch().id
                && engine.variants[i].meta.config_bits == engine.variants[j].meta.config_bits;
            let older = (generation(i), kernel(i)) < (generation(j), kernel(j));
            if same_config && older && kernel(i) != kernel(j) {
                pairs
                    .entry((kernel(i), kernel(j)))
                    .or_default()
                    .push((i, j));
            }
        }
    }
    report.pairs = pairs.len();
    let offsets = sweep::offsets();
    let first_of = |g: Generation| {
        (0..engine.variants.len())
            .find(|&i| generation(i) == g)
            .map_or("", |i| engine.variants[i].kernel().version)
    };
    let mut changes: BTreeMap<(&str, &str, String), BTreeSet<String>> = BTreeMap::new();
    let mut disagreements: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for of_pair in pairs.values() {
        for &(old, new) in of_pair {
            let (ov, nv) = (engine.variants[old], engine.variants[new]);
            let (ot, nt) = (
                engine.model(old).swap_types(),
                engine.model(new).swap_types(),
            );
            let (og, ng) = (generation(old), generation(new));
            let entries = sweep::entries(&offsets, ov.arch());
            let type_shift = sweep::type_shift(ov.arch());
            // Every call of the pair, then their answers: in one batch, as a
            // 32-bit arch's calls go to the evaluator.
            let calls: Vec<_> = LINEAGES
                .iter()
                .filter_map(|lineage| {
                    Some((lineage, spelling(ov, lineage)?, spelling(nv, lineage)?))
                })
                .flat_map(|(lineage, oh, nh)| {
                    entries.iter().filter_map(move |&e| {
                        Some((lineage, oh, nh, e, mapped(e, type_shift, &ot, &nt)?))
                    })
                })
                .collect();
            let at = |a| Args {
                a,
                ..Args::default()
            };
            let answers = evaluator::batched(&calls, |&(_, oh, nh, e, ne)| {
                (ov.eval(oh, &at(e)), nv.eval(nh, &at(ne)))
            });
            for (&(lineage, oh, nh, e, ne), answer) in calls.iter().zip(answers) {
                let (Some(oa), Some(na)) = answer else {
                    continue;
                };
                report.compared += 2;
                for output in differing(&oa, &na) {
                    let (over, nver) = (ov.kernel().version, nv.kernel().version);
                    match lineage.explains(output, og, ng) {
                        Some(change) => {
                            let what = format!(
                                "{} ({}; made by {}, here first in {})",
                                change.what,
                                change.output.name(),
                                change.since.name(),
                                first_of(change.since)
                            );
                            changes
                                .entry((oh.name, nh.name, what))
                                .or_default()
                                .insert(format!("{over} → {nver}"));
                        }
                        None => {
                            let pair =
                                format!("`{}` on {over} and `{}` on {nver}", oh.name, nh.name);
                            let key = format!("{pair}: the {} differs", output.name());
                            let example = format!(
                                "{}({e:#x}) = {} on {} but {}({ne:#x}) = {} on {}",
                                oh.name,
                                shown(&oa),
                                ov.label(),
                                nh.name,
                                shown(&na),
                                nv.label()
                            );
                            disagreements.entry(key).or_insert((0, example)).0 += 1;
                        }
                    }
                }
            }
        }
    }
    report.changes = changes
        .into_iter()
        .map(|((old, new, what), pairs)| {
            let pairs: Vec<String> = pairs.into_iter().collect();
            format!("`{old}` → `{new}`: {what}; between {}", pairs.join(", "))
        })
        .collect();
    report.disagreements = disagreements
        .into_iter()
        .map(|(key, (n, example))| {
            format!("{key}, and no change the model names explains it ({n} inputs; e.g. {example})")
        })
        .collect();
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Features;
    use leafdiff_kernel::config::{ConfigOption, KernelConfig};

    fn types(generation: Generation) -> SwapTypes {
        let config = KernelConfig {
            enabled: ConfigOption::ALL.into_iter().collect(),
        };
        SwapTypes::new(
            &config,
            &Features {
                generation,
                ..Features::default()
            },
        )
    }

    #[test]
    fn entries_map_by_the_meaning_of_their_type() {
        let (six_one, six_twelve, softleaf) = (
            types(Generation::SwapinError),
            types(Generation::Swapops),
            types(Generation::Softleaf),
        );
        // x86_64's SWP_TYPE_SHIFT.
        const SWP_TYPE_SHIFT: u32 = 58;
        let e = |t: u64| t << SWP_TYPE_SHIFT | 0x42;
        // Hwpoison: 22 on 6.1, 23 on 6.12, 24 on 7.2 (all options on).
        assert_eq!(
            mapped(e(22), SWP_TYPE_SHIFT, &six_one, &six_twelve),
            Some(e(23))
        );
        assert_eq!(
            mapped(e(23), SWP_TYPE_SHIFT, &six_twelve, &softleaf),
            Some(e(24))
        );
        // 6.12's two device-exclusive types are 7.2's one.
        assert_eq!(
            mapped(e(29), SWP_TYPE_SHIFT, &six_twelve, &softleaf),
            Some(e(30))
        );
        assert_eq!(
            mapped(e(30), SWP_TYPE_SHIFT, &six_twelve, &softleaf),
            Some(e(30))
        );
        // 6.1's swapin error has no counterpart; swap files and unknown
        // numbers stay as they are.
        assert_eq!(mapped(e(31), SWP_TYPE_SHIFT, &six_one, &six_twelve), None);
        assert_eq!(
            mapped(e(3), SWP_TYPE_SHIFT, &six_one, &softleaf),
            Some(e(3))
        );
        assert_eq!(
            mapped(e(40), SWP_TYPE_SHIFT, &six_one, &softleaf),
            Some(e(40))
        );
        assert_eq!(mapped(0, SWP_TYPE_SHIFT, &six_one, &softleaf), Some(0));
    }

    #[test]
    fn only_named_changes_explain_a_difference() {
        let pfn = LINEAGES
            .iter()
            .find(|l| l.spellings.contains(&"softleaf_to_pfn"))
            .unwrap();
        let bug = Outcome {
            value: 0,
            warned: false,
            bugged: true,
        };
        let warn = Outcome {
            value: 5,
            warned: true,
            bugged: false,
        };
        assert_eq!(differing(&bug, &warn), [Output::Bug]);
        assert_eq!(differing(&bug, &bug), []);
        assert!(pfn
            .explains(Output::Bug, Generation::Swapops, Generation::Softleaf)
            .is_some());
        // Between two kernels of one generation nothing changed.
        assert!(pfn
            .explains(Output::Bug, Generation::Softleaf, Generation::Softleaf)
            .is_none());
        // And the value of a pfn read never changed.
        let quiet = Outcome {
            warned: false,
            ..warn
        };
        let other = Outcome { value: 6, ..quiet };
        assert_eq!(differing(&quiet, &other), [Output::Value]);
        assert!(pfn
            .explains(Output::Value, Generation::SwapinError, Generation::Softleaf)
            .is_none());
    }
}
