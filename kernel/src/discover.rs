//! Which helpers a kernel has, read from its headers: every function of
//! `swapops.h` and `leafops.h`, the arch's swap encoding, and the swap-type
//! constants, each with the call shape its own prototype gives it. The model's
//! table (`helpers::KNOWN`) only says which of them it can evaluate; it never
//! decides what exists. A helper leafdiff cannot call is kept with the reason,
//! for `info` and the report.

use crate::extract::index::{Definition, Kind};
use crate::extract::{is_arch_helper, HeaderFacts, VERBATIM};
use crate::helpers::{known, Layer, Sig, KNOWN};
use crate::prototype::{self, Uncallable};

/// A helper this kernel defines and leafdiff calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The model's spelling when it knows the helper, else the kernel's.
    pub name: String,
    /// The kernel's spelling.
    pub spelling: String,
    pub sig: Sig,
    pub layer: Layer,
    /// The model knows this helper with this prototype.
    pub modelled: bool,
    /// The prototype as the headers write it, or `macro` / `constant`.
    pub prototype: String,
}

/// A helper the headers define that leafdiff cannot call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchecked {
    pub name: String,
    pub reason: String,
}

/// A helper the model knows whose prototype is none of those it understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrototypeChange {
    pub name: String,
    /// The prototype the headers now declare.
    pub now: String,
    /// The shapes the model understands.
    pub known: Vec<Sig>,
}

impl std::fmt::Display for PrototypeChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let known: Vec<&str> = self.known.iter().map(|s| s.shape().name).collect();
        write!(
            f,
            "prototype changed: {} now takes `{}`; the model knows it as {}",
            self.name,
            self.now,
            known.join(" or ")
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovery {
    pub helpers: Vec<Discovered>,
    pub unchecked: Vec<Unchecked>,
    pub changed: Vec<PrototypeChange>,
}

/// Names whose object-like macros are the swap-type constants under test.
const CONSTANT_PREFIXES: &[&str] = &["SWP_", "MAX_SWAPFILES", "PTE_MARKER_"];

fn is_candidate(def: &Definition) -> bool {
    let in_generic = VERBATIM.contains(&def.file.as_str());
    let in_arch = def.file.starts_with("arch/") && is_arch_helper(&def.name);
    match def.kind {
        Kind::Function => in_generic || in_arch,
        Kind::Macro => {
            in_generic || in_arch || CONSTANT_PREFIXES.iter().any(|p| def.name.starts_with(p))
        }
        _ => false,
    }
}

fn is_object_like(def: &Definition) -> bool {
    let after = &def.text["#define ".len().min(def.text.len())..];
    !after[def.name.len().min(after.len())..].starts_with('(')
}

/// The function an object-like macro renames (s390's
/// `#define pte_swp_soft_dirty pte_soft_dirty`), which gives the helper
/// its prototype: such a macro is no constant.
fn renamed_function<'a>(facts: &'a HeaderFacts, def: &Definition) -> Option<&'a Definition> {
    let body = def.text.split_whitespace().nth(2)?;
    let target = facts.index.named(body).find(|d| d.kind == Kind::Function)?;
    (def.text.split_whitespace().count() == 3).then_some(target)
}

/// An arch header's function on a `swp_entry_t` reads the arch's own
/// format (s390 spells `__swp_type` as a function; x86 as a macro): the
/// entry as the swap PTE lays it out, not the arch-independent one.
fn in_arch_format(def: &Definition, sig: Sig) -> Sig {
    match sig {
        Sig::EntryToWord if def.file.starts_with("arch/") => Sig::ArchEntryToWord,
        sig => sig,
    }
}

/// What the extraction found, sorted into helpers, unchecked names and
/// changed prototypes. Deterministic: sorted by name.
pub fn discover(facts: &HeaderFacts) -> Discovery {
    let mut out = Discovery::default();
    let mut names: Vec<&str> = facts
        .index
        .defs
        .iter()
        .filter(|d| is_candidate(d))
        .map(|d| d.name.as_str())
        .collect();
    // Constants the model knows wherever the headers define them; each
    // variant's `#ifdef` decides (a config may leave one undefined).
    names.extend(
        KNOWN
            .iter()
            .filter(|k| k.sigs == [Sig::Const] && facts.defines(k.name))
            .map(|k| k.name),
    );
    names.sort_unstable();
    names.dedup();
    for name in names {
        classify(facts, name, &mut out);
    }
    out
}

fn classify(facts: &HeaderFacts, spelling: &str, out: &mut Discovery) {
    let model = known(spelling);
    let name = model.map_or(spelling, |k| k.name).to_string();
    let defs: Vec<&Definition> = facts.index.named(spelling).collect();
    let function = defs
        .iter()
        .find(|d| d.kind == Kind::Function)
        .copied()
        .or_else(|| defs.first().and_then(|d| renamed_function(facts, d)));
    let found = match (function, defs.first()) {
        (None, None) => unreachable!("only defined names are classified"),
        (Some(def), _) => prototype::of_function(def)
            .and_then(|p| Ok((in_arch_format(def, p.sig()?), p.text)))
            .map_err(|e| e.to_string()),
        (None, Some(def)) if is_object_like(def) => Ok((Sig::Const, "constant".to_string())),
        (None, Some(_)) => match model {
            // A function-like macro has no prototype: the model's is the only one.
            Some(k) => Ok((k.sigs[0], "macro".to_string())),
            None => Err(Uncallable::Macro.to_string()),
        },
    };
    let (sig, prototype) = match found {
        Ok(found) => found,
        Err(reason) => {
            if model.is_some() {
                out.changed.push(PrototypeChange {
                    name: name.clone(),
                    now: reason.clone(),
                    known: model.map(|k| k.sigs.to_vec()).unwrap_or_default(),
                });
            }
            out.unchecked.push(Unchecked { name, reason });
            return;
        }
    };
    let modelled = model.is_some_and(|k| k.sigs.contains(&sig));
    if let (Some(k), false) = (model, modelled) {
        out.changed.push(PrototypeChange {
            name: name.clone(),
            now: prototype.clone(),
            known: k.sigs.to_vec(),
        });
    }
    out.helpers.push(Discovered {
        layer: model.map_or_else(|| Layer::of(&name, sig), |k| k.layer),
        name,
        spelling: spelling.to_string(),
        sig,
        modelled,
        prototype,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::index::HeaderIndex;

    fn facts(src: &str) -> HeaderFacts {
        HeaderFacts {
            index: HeaderIndex::parse("include/linux/swapops.h", src).unwrap(),
            ..HeaderFacts::default()
        }
    }

    const SRC: &str = "\
static inline swp_entry_t make_readable_migration_entry_from_page(struct page *page, pgoff_t flags)
{
	return swp_entry(1, 2);
}
static inline bool softleaf_is_brand_new(softleaf_t entry)
{
	return 0;
}
static inline swp_entry_t make_pte_marker_entry(pte_marker marker, unsigned long extra, int more)
{
	return swp_entry(1, 2);
}
static inline void migration_entry_wait(struct mm_struct *mm, pmd_t *pmd)
{
}
#define SWP_MIG_YOUNG BIT(SWP_MIG_YOUNG_BIT)
";

    #[test]
    fn prototypes_come_from_the_headers() {
        let d = discover(&facts(SRC));
        let find = |n: &str| d.helpers.iter().find(|h| h.name == n).unwrap();
        let maker = find("make_readable_migration_entry_from_page");
        assert_eq!(maker.sig, Sig::PageFlagsToEntry);
        assert!(maker.modelled);
        let new = find("softleaf_is_brand_new");
        assert_eq!((new.sig, new.modelled), (Sig::EntryToBool, false));
        assert_eq!(new.layer, Layer::Classification);
        assert_eq!(find("SWP_MIG_YOUNG").sig, Sig::Const);
    }

    #[test]
    fn what_cannot_be_called_is_listed_with_why() {
        let d = discover(&facts(SRC));
        let wait = d
            .unchecked
            .iter()
            .find(|u| u.name == "migration_entry_wait")
            .unwrap();
        assert!(
            wait.reason.contains("struct mm_struct *"),
            "{}",
            wait.reason
        );
        let marker = d
            .changed
            .iter()
            .find(|c| c.name == "make_pte_marker_entry")
            .unwrap();
        assert!(marker
            .to_string()
            .starts_with("prototype changed: make_pte_marker_entry"));
        assert!(!d.helpers.iter().any(|h| h.name == "make_pte_marker_entry"));
    }
}
