//! `leafdiff diff`: what a series changes, with no model. The kernel with
//! `LEAFDIFF_PATCHES` and the same kernel without them (built side by side
//! with `LEAFDIFF_BASE=1`) answer the same inputs, config by config, and
//! every helper whose answer the series changes is listed per input class.
//!
//! Entries are compared by meaning: a series that adds swap types renumbers
//! the ones after them, so an entry of a type both kernels name is compared
//! with the entry of that name on the base, and an entry of a type only the
//! series defines with a plain swap entry of the same offset on the base
//! (what the base makes of an entry no special type claims).
//!
//! Asymmetries come first: when a series adds types that differ by a suffix
//! (`SWP_MIGRATION_DEVICE_READ`, `_WRITE`, ...) and of the sibling helpers
//! named by the same suffixes (`softleaf_is_migration_read`, `_write`, ...)
//! some change on their namesake type and some do not, the ones that do not
//! are the likely bug.

use super::describe::TypeNames;
use super::signature::entry_class;
use super::sweep;
use super::Engine;
use crate::call::{Args, Evaluate, Knobs};
use crate::helpers::{Answer, HelperSpec, Sig};
use crate::oracle::Variant;
use std::collections::BTreeMap;

/// One helper whose answers the series changes on one input class.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub helper: &'static str,
    /// The result is a truth value or a softleaf type: what the helper
    /// means changed, not only how a renumbered type is encoded.
    pub meaning: bool,
    pub class: String,
    /// Inputs of the class whose answer changed, of those tried.
    pub changed: u64,
    pub tried: u64,
    /// One changed input, in kernel terms, with both answers.
    pub example: String,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct DiffReport {
    /// (patched kernel, its base), by title.
    pub kernels: Vec<(String, String)>,
    pub asymmetries: Vec<String>,
    pub changes: Vec<Change>,
    /// Helpers only the series defines, and only the base.
    pub added: Vec<&'static str>,
    pub removed: Vec<&'static str>,
    pub compared: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("this leafdiff has no unpatched base to compare with: build it with LEAFDIFF_PATCHES set and LEAFDIFF_BASE=1 (`LEAFDIFF_BASE=1 cargo run --release -- diff`)")]
    NoBase,
}

/// The entry on the base that means what `e` means on the patched kernel.
fn on_base(e: u64, patched: &TypeNames, base: &TypeNames) -> u64 {
    let (ty, offset) = patched.split(e);
    let rebuild = |t: u64| t << patched.type_shift() | offset;
    match patched.named(ty) {
        Some(name) if !name.contains('/') => base.number(&name).map_or(rebuild(0), rebuild),
        _ => e,
    }
}

/// An answer with what it recorded: `0x1`, `0x0 (warned)`, `BUG`.
fn shown((value, warned, bugged): (u64, bool, bool)) -> String {
    match (bugged, warned) {
        (true, _) => "BUG".to_string(),
        (false, true) => format!("{value:#x} (warned)"),
        (false, false) => format!("{value:#x}"),
    }
}

fn is_meaning(sig: Sig) -> bool {
    matches!(sig.answer(), Answer::Truth | Answer::SoftleafType)
}

/// Answers compared by meaning: softleaf types by enumerator (the oracle
/// maps them to the model's indices already), the rest by value.
fn answer(v: &Variant, h: &HelperSpec, args: &Args) -> Option<(u64, bool, bool)> {
    v.eval(h, args).map(|o| (o.value, o.warned, o.bugged))
}

pub fn diff(engine: &Engine) -> Result<DiffReport, DiffError> {
    let pairs: Vec<(usize, usize)> = engine
        .variants
        .iter()
        .enumerate()
        .filter_map(|(b, bv)| {
            let of = bv.kernel().base_of?;
            let p = engine.variants.iter().position(|pv| {
                pv.meta.kernel == of && pv.meta.config_bits == bv.meta.config_bits
            })?;
            Some((p, b))
        })
        .collect();
    if pairs.is_empty() {
        return Err(DiffError::NoBase);
    }
    let mut report = DiffReport::default();
    let mut by_key: BTreeMap<(&'static str, String), Change> = BTreeMap::new();
    let offsets = sweep::offsets();
    for &(p, b) in &pairs {
        let (pv, bv) = (engine.variants[p], engine.variants[b]);
        let kernels = (pv.kernel().title(), bv.kernel().title());
        if !report.kernels.contains(&kernels) {
            report.kernels.push(kernels);
        }
        for h in pv.helper_specs() {
            if !bv.has_spec(h) {
                push_once(&mut report.added, h.name);
            }
        }
        for h in bv.helper_specs() {
            if !pv.has_spec(h) {
                push_once(&mut report.removed, h.name);
            }
        }
        let entries = sweep::entries(&offsets, pv.arch());
        for knobs in sweep::knobs(pv.arch()) {
            compare_pair(
                engine,
                (p, b),
                knobs,
                &offsets,
                &entries,
                &mut by_key,
                &mut report,
            );
        }
    }
    report.changes = by_key.into_values().collect();
    report.asymmetries = asymmetries(engine, pairs[0].0, pairs[0].1, &report.changes);
    Ok(report)
}

fn push_once(list: &mut Vec<&'static str>, name: &'static str) {
    if !list.contains(&name) {
        list.push(name);
    }
}

fn compare_pair(
    engine: &Engine,
    (p, b): (usize, usize),
    knobs: Knobs,
    offsets: &[u64],
    entries: &[u64],
    by_key: &mut BTreeMap<(&'static str, String), Change>,
    report: &mut DiffReport,
) {
    let (pv, bv) = (engine.variants[p], engine.variants[b]);
    let (pn, bn) = (TypeNames::of(pv, knobs), TypeNames::of(bv, knobs));
    let ptes = sweep::ptes(engine, p, knobs);
    for h in pv.helper_specs().filter(|h| bv.has_spec(h)) {
        for args in sweep::arguments(h.sig, entries, &ptes, offsets, knobs) {
            let base_args = if h.sig.takes_entry() {
                Args {
                    a: on_base(args.a, &pn, &bn),
                    ..args
                }
            } else {
                args
            };
            let (Some(mine), Some(theirs)) = (answer(pv, h, &args), answer(bv, h, &base_args))
            else {
                continue;
            };
            report.compared += 1;
            let class = if h.sig.takes_entry() {
                entry_class(&pn, args.a)
            } else {
                "-".to_string()
            };
            let change = by_key.entry((h.name, class.clone())).or_insert(Change {
                helper: h.name,
                meaning: is_meaning(h.sig),
                class,
                changed: 0,
                tried: 0,
                example: String::new(),
            });
            change.tried += 1;
            if mine != theirs {
                change.changed += 1;
                if change.example.is_empty() {
                    change.example = format!(
                        "{}({}) on {}: {} with the series, {} without",
                        h.name,
                        if h.sig.takes_entry() {
                            pn.entry(args.a)
                        } else {
                            format!("{:#x}", args.a)
                        },
                        pv.config.label(),
                        shown(mine),
                        shown(theirs)
                    );
                }
            }
        }
    }
}

/// Sibling helpers named by the suffixes that tell the series' new types
/// apart, some changed on their namesake type and some not.
fn asymmetries(engine: &Engine, p: usize, b: usize, changes: &[Change]) -> Vec<String> {
    let knobs = Knobs::default();
    let (pn, bn) = (
        TypeNames::of(engine.variants[p], knobs),
        TypeNames::of(engine.variants[b], knobs),
    );
    let new_types: Vec<String> = (0..64u64)
        .filter_map(|t| pn.named(t))
        .filter(|n| !n.contains('/') && bn.number(n).is_none())
        .collect();
    if new_types.len() < 2 {
        return Vec::new();
    }
    let prefix = common_prefix(&new_types);
    // Longest suffix first, so `_read_exclusive` is not taken for `_read`.
    let mut suffixes: Vec<(String, &String)> = new_types
        .iter()
        .map(|t| (t[prefix.len()..].to_lowercase(), t))
        .collect();
    suffixes.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    let changed_on = |helper: &str, ty: &str| {
        changes
            .iter()
            .any(|c| c.helper == helper && c.class == ty && c.changed > 0)
    };
    let mut families: BTreeMap<String, Vec<(&'static str, &String, bool)>> = BTreeMap::new();
    let base = engine.variants[b];
    for h in engine.variants[p]
        .helper_specs()
        .filter(|h| base.has_spec(h))
    {
        if let Some((suffix, ty)) = suffixes
            .iter()
            .find(|(s, _)| h.name.ends_with(&format!("_{s}")))
        {
            let family = h.name[..h.name.len() - suffix.len() - 1].to_string();
            families
                .entry(family)
                .or_default()
                .push((h.name, ty, changed_on(h.name, ty)));
        }
    }
    let mut out = Vec::new();
    for members in families.values().filter(|m| m.len() > 1) {
        let (changed, unchanged): (Vec<_>, Vec<_>) = members.iter().partition(|m| m.2);
        if changed.is_empty() || unchanged.is_empty() {
            continue;
        }
        let siblings: Vec<String> = changed
            .iter()
            .map(|(h, ty, _)| format!("{h} changed on {ty}"))
            .collect();
        for (h, ty, _) in unchanged {
            out.push(format!(
                "{h}: the series leaves it unchanged on {ty}, while {}",
                siblings.join(" and ")
            ));
        }
    }
    out
}

fn common_prefix(names: &[String]) -> String {
    let first = &names[0];
    let len = names.iter().skip(1).fold(first.len(), |len, n| {
        first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count()
    });
    first[..len].to_string()
}

impl DiffReport {
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (patched, base) in &self.kernels {
            s.push_str(&format!("leafdiff diff: {patched} against {base}\n"));
        }
        let changed: Vec<&Change> = self.changes.iter().filter(|c| c.changed > 0).collect();
        if self.asymmetries.is_empty()
            && changed.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
        {
            s.push_str(&format!(
                "\nThe series changes nothing: {} answers compared, all the same.\n",
                self.compared
            ));
            return s;
        }
        if !self.asymmetries.is_empty() {
            s.push_str("\nAsymmetries among sibling helpers (the likely bugs first):\n");
            for a in &self.asymmetries {
                s.push_str(&format!("  {a}\n"));
            }
        }
        let (meaning, encoding): (Vec<&Change>, Vec<&Change>) =
            changed.into_iter().partition(|c| c.meaning);
        if !meaning.is_empty() {
            s.push_str(&format!(
                "\nWhat the series changes ({} answers compared):\n",
                self.compared
            ));
            for c in meaning {
                s.push_str(&format!(
                    "  {} on {}: {} of {} inputs, e.g. {}\n",
                    c.helper, c.class, c.changed, c.tried, c.example
                ));
            }
        }
        if !encoding.is_empty() {
            s.push_str("\nValues and encodings the series changes (type numbers it moved):\n");
            let mut helpers: Vec<&str> = encoding.iter().map(|c| c.helper).collect();
            helpers.dedup();
            for h in helpers {
                let of: Vec<&&Change> = encoding.iter().filter(|c| c.helper == h).collect();
                let n: u64 = of.iter().map(|c| c.changed).sum();
                let classes: Vec<&str> = of.iter().map(|c| c.class.as_str()).collect();
                s.push_str(&format!("  {h}: {n} inputs, on {}\n", classes.join(", ")));
            }
        }
        if !self.added.is_empty() {
            s.push_str(&format!(
                "\nAdded by the series: {}\n",
                self.added.join(", ")
            ));
        }
        if !self.removed.is_empty() {
            s.push_str(&format!(
                "\nRemoved by the series: {}\n",
                self.removed.join(", ")
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_of_the_new_types() {
        let names = [
            "SWP_MIGRATION_DEVICE_READ".to_string(),
            "SWP_MIGRATION_DEVICE_READ_EXCLUSIVE".to_string(),
            "SWP_MIGRATION_DEVICE_WRITE".to_string(),
        ];
        assert_eq!(common_prefix(&names), "SWP_MIGRATION_DEVICE_");
    }
}
