//! Root causes: one divergence in a helper that other helpers are built on
//! shows up again in each of them, on the same class of input. A reviewer
//! wants the one helper that is wrong, with the others listed as what it
//! breaks. Which helper is built on which comes from the kernel's own
//! definitions, parsed from the headers the variants were compiled from
//! (`HeaderIndex`: every definition's `refs`), so a series that adds a
//! caller is grouped correctly without any table of ours.
//!
//! `group` is independent of how the findings were produced: `check` uses it
//! on its buckets, and anything else that collects findings (a fuzz driver)
//! can hand it the same three facts per finding.

use crate::oracle::KernelMeta;
use leafdiff_kernel::extract::index::{Definition, HeaderIndex};
use leafdiff_kernel::extract::lexer::{brace_delta, logical_lines};
use leafdiff_kernel::extract::read_files_of;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What grouping needs to know of one finding.
#[derive(Debug, Clone)]
pub struct Symptom<'a> {
    /// The helper that diverged (or broke a property).
    pub helper: &'a str,
    /// Other helpers the finding involves: those a property relates the
    /// helper to (`softleaf_from_pte` inverts `softleaf_to_pte`).
    pub involves: Vec<&'a str>,
    /// Input classes it went wrong for, as signatures spell them.
    pub inputs: &'a [String],
    /// A divergence from the model rather than a property violation: on the
    /// same helper and class, the divergence is the cause and the property
    /// it breaks a consequence.
    pub divergence: bool,
    /// The arch it shows on, when its helper is the arch's encoding
    /// (`Signature::arch`): a bug in one arch's encoding explains nothing
    /// on another.
    pub arch: Option<&'a str>,
}

/// One root cause: the index of its finding and of the findings it explains.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cause {
    pub finding: usize,
    pub consequences: Vec<usize>,
    /// Findings no call explains either, whose helpers meet this one's at
    /// `meets_at` (see `merge_siblings`).
    pub siblings: Vec<usize>,
    /// Definitions all of the cause's and its siblings' helpers reach and no
    /// helper that agrees does: where the one wrong line is.
    pub meets_at: Vec<String>,
}

/// The entry class a finding's input class names, with what wraps it
/// removed: `swap:SWP_HWPOISON` (a PTE holding that entry) and
/// `SWP_HWPOISON locked=1` (that entry with a locked page) are the class of
/// the entry `SWP_HWPOISON`.
fn class(input: &str) -> &str {
    let entry = input.strip_prefix("swap:").unwrap_or(input);
    entry.split(' ').next().unwrap_or(entry)
}

/// Whether an input class is a kind of entry (`swapfile`, a type's name,
/// `none`...), as opposed to a maker's offset (`offset-pfn`), a page's
/// attributes or no input at all (`-`): only entry classes of two findings
/// can be compared.
fn is_entry_class(input: &str) -> bool {
    !(input == "-" || input.starts_with("offset-") || input.starts_with("page("))
}

/// Whether two findings go wrong on the same inputs, as far as their
/// classes tell: on a common entry class, or, when their classes cannot be
/// compared (a constant, which is wrong whatever the input; a maker's
/// offsets against a predicate's entries), taken to be.
fn same_class(cause: &Symptom, other: &Symptom) -> bool {
    let entries = |s: &Symptom| -> Vec<String> {
        s.inputs
            .iter()
            .filter(|c| is_entry_class(c))
            .map(|c| class(c).to_string())
            .collect()
    };
    let (a, b) = (entries(cause), entries(other));
    a.is_empty() || b.is_empty() || a.iter().any(|c| b.contains(c))
}

/// Whether `cause` explains `other`: `other`'s helper, or a helper its
/// property involves, is built on `cause`'s (or is the same helper, unless
/// `other` diverges where `cause` only breaks a property), and they go
/// wrong on the same inputs.
fn explains(graph: &CallGraph, cause: &Symptom, other: &Symptom) -> bool {
    let built_on = if cause.helper == other.helper {
        // One helper wrong on one class is one bug, however many checks
        // see it; a divergence, when there is one, is the cause.
        cause.divergence || !other.divergence
    } else {
        std::iter::once(other.helper)
            .chain(other.involves.iter().copied())
            .any(|h| h == cause.helper || graph.builds_on(h, cause.helper))
    };
    let same_arch = cause.arch.is_none() || cause.arch == other.arch;
    built_on && same_arch && same_class(cause, other)
}

/// Groups findings under their root causes, causes in the order of their
/// findings. A finding is a cause unless another finding explains it; each
/// consequence is listed under exactly one cause (the first that explains
/// it, directly or through other consequences).
pub fn group(symptoms: &[Symptom], graph: &CallGraph) -> Vec<Cause> {
    // Callees before callers, so that a cause is decided before anything
    // built on it; helpers built on each other (a cycle) keep their order.
    let mut order: Vec<usize> = (0..symptoms.len()).collect();
    order.sort_by_key(|&i| (graph.depth(symptoms[i].helper), !symptoms[i].divergence, i));
    let mut root_of: Vec<Option<usize>> = vec![None; symptoms.len()];
    let mut done: Vec<usize> = Vec::new();
    for &i in &order {
        let root = done
            .iter()
            .filter(|&&j| explains(graph, &symptoms[j], &symptoms[i]))
            .map(|&j| root_of[j].expect("decided"))
            .min()
            .unwrap_or(i);
        root_of[i] = Some(root);
        done.push(i);
    }
    let mut causes: Vec<Cause> = (0..symptoms.len())
        .filter(|&i| root_of[i] == Some(i))
        .map(|i| Cause {
            finding: i,
            ..Cause::default()
        })
        .collect();
    for (i, root) in root_of.iter().enumerate() {
        let root = root.expect("decided");
        if root != i {
            let cause = causes
                .iter_mut()
                .find(|c| c.finding == root)
                .expect("a root is a cause");
            cause.consequences.push(i);
        }
    }
    causes
}

/// Causes that no call relates may still be one bug: helpers that share a
/// definition none of them is (`pte_swp_mkexclusive`, `pte_swp_exclusive`
/// and `pte_swp_clear_exclusive` all use the arch's exclusive bit). Causes
/// that go wrong on the same inputs and whose helpers all reach a definition
/// that no helper in `agreeing` (checked, and never wrong) reaches but
/// through a wrong one are merged: the first keeps the rest as siblings,
/// with that definition. Causes on two arches' encodings are never merged:
/// each arch's helpers reach its own definitions.
pub fn merge_siblings(
    causes: Vec<Cause>,
    symptoms: &[Symptom],
    graph: &CallGraph,
    agreeing: &[&str],
) -> Vec<Cause> {
    let wrong: Vec<&str> = symptoms.iter().map(|s| s.helper).collect();
    let mut out: Vec<Cause> = Vec::new();
    for cause in causes {
        let s = &symptoms[cause.finding];
        let merged = out.iter_mut().find_map(|group| {
            let first = &symptoms[group.finding];
            if first.arch != s.arch || !same_class(first, s) || !same_class(s, first) {
                return None;
            }
            let mut helpers: Vec<&str> = std::iter::once(group.finding)
                .chain(group.siblings.iter().copied())
                .map(|i| symptoms[i].helper)
                .collect();
            helpers.push(s.helper);
            let at = graph.meeting_points(&helpers, agreeing, &wrong);
            (!at.is_empty()).then_some((group, at))
        });
        match merged {
            Some((group, at)) => {
                group.siblings.push(cause.finding);
                group.consequences.extend(cause.consequences);
                group.meets_at = at;
            }
            None => out.push(cause),
        }
    }
    out
}

/// Which helper is built on which, from the kernel's definitions: helper A
/// is built on B when A's definition reaches B through the identifiers
/// definitions mention (macros and functions in between included). Also
/// which helpers reach an architecture's own definitions.
#[derive(Debug, Default, Clone)]
pub struct CallGraph {
    /// Every defined name each helper reaches.
    reaches: BTreeMap<String, BTreeSet<String>>,
    /// Defined names that come from an `arch/` header.
    arch: BTreeSet<String>,
    /// What each defined name reaches, for the names helpers reach.
    below: BTreeMap<String, BTreeSet<String>>,
    /// The defined names each definition mentions.
    refs: BTreeMap<String, BTreeSet<String>>,
    /// Where each defined name is first defined: file and line.
    places: BTreeMap<String, (String, usize)>,
}

impl CallGraph {
    /// The graph over `helpers` of the definitions in `defs`.
    pub fn from_definitions<'a>(
        defs: &[Definition],
        helpers: impl IntoIterator<Item = &'a str>,
    ) -> CallGraph {
        let mut refs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut arch = BTreeSet::new();
        let mut places = BTreeMap::new();
        for d in defs {
            places
                .entry(d.name.clone())
                .or_insert_with(|| (d.file.clone(), d.line));
            refs.entry(d.name.as_str())
                .or_default()
                .extend(d.refs.iter().map(String::as_str));
            if d.file.starts_with("arch/") {
                arch.insert(d.name.clone());
            }
        }
        let reach = |from: &str| -> BTreeSet<String> {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut stack: Vec<&str> = refs
                .get(from)
                .map(|r| r.iter().copied().collect())
                .unwrap_or_default();
            while let Some(name) = stack.pop() {
                if name == from || !refs.contains_key(name) || !seen.insert(name) {
                    continue;
                }
                stack.extend(refs[name].iter().copied());
            }
            seen.into_iter().map(str::to_string).collect()
        };
        let mut reaches = BTreeMap::new();
        let mut below = BTreeMap::new();
        for helper in helpers {
            let r = reach(helper);
            for name in &r {
                if !below.contains_key(name) {
                    below.insert(name.clone(), reach(name));
                }
            }
            reaches.insert(helper.to_string(), r);
        }
        let refs = refs
            .iter()
            .map(|(name, r)| {
                let defined = r.iter().filter(|n| refs.contains_key(*n));
                (name.to_string(), defined.map(|n| n.to_string()).collect())
            })
            .collect();
        CallGraph {
            reaches,
            arch,
            below,
            places,
            refs,
        }
    }

    /// What `from` is or reaches without going through any of `stop`.
    fn reach_avoiding(&self, from: &str, stop: &[&str]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(name) = stack.pop() {
            if (name != from && stop.contains(&name.as_str())) || !seen.insert(name.clone()) {
                continue;
            }
            if let Some(r) = self.refs.get(&name) {
                stack.extend(r.iter().cloned());
            }
        }
        seen
    }

    /// The definitions every one of `helpers` is or reaches, none of
    /// `agreeing` is or reaches other than through a helper in `wrong` (an
    /// agreeing caller of a wrong helper says nothing of what is below it:
    /// its inputs did not show the bug), and no other such definition
    /// reaches: the nearest points where the helpers meet. Empty when the
    /// headers do not define one of the helpers.
    pub fn meeting_points(
        &self,
        helpers: &[&str],
        agreeing: &[&str],
        wrong: &[&str],
    ) -> Vec<String> {
        let with_self = |h: &str| -> Option<BTreeSet<String>> {
            let mut r = self.reaches.get(h)?.clone();
            r.insert(h.to_string());
            Some(r)
        };
        let mut common: Option<BTreeSet<String>> = None;
        for h in helpers {
            let Some(r) = with_self(h) else {
                return Vec::new();
            };
            common = Some(match common {
                None => r,
                Some(c) => c.intersection(&r).cloned().collect(),
            });
        }
        let mut common = common.unwrap_or_default();
        for a in agreeing {
            let r = self.reach_avoiding(a, wrong);
            common.retain(|n| !r.contains(n));
        }
        let reached_by_another = |n: &String| {
            common
                .iter()
                .any(|o| o != n && self.below.get(o).is_some_and(|b| b.contains(n)))
        };
        common
            .iter()
            .filter(|n| !helpers.contains(&n.as_str()) && !reached_by_another(n))
            .cloned()
            .collect()
    }

    /// Where `name` is first defined: file and line.
    pub fn place(&self, name: &str) -> Option<(&str, usize)> {
        self.places.get(name).map(|(f, l)| (f.as_str(), *l))
    }

    /// The graph of every kernel's headers together (a helper built on
    /// another in any of them counts); helpers whose headers cannot be read
    /// are simply built on nothing.
    pub fn of_kernels<'a>(
        kernels: &[KernelMeta],
        helpers: impl IntoIterator<Item = &'a str> + Clone,
    ) -> CallGraph {
        let mut defs = Vec::new();
        for k in kernels {
            defs.extend(definitions(k));
        }
        CallGraph::from_definitions(&defs, helpers)
    }

    /// Whether `helper`'s definition reaches `other`'s.
    pub fn builds_on(&self, helper: &str, other: &str) -> bool {
        self.reaches.get(helper).is_some_and(|r| r.contains(other))
    }

    /// How many definitions `helper` reaches: a callee reaches fewer than
    /// its callers.
    fn depth(&self, helper: &str) -> usize {
        self.reaches.get(helper).map_or(0, BTreeSet::len)
    }

    /// Whether `helper` is, or reaches, a definition from an architecture's
    /// headers (its answer depends on that arch's encoding); `None` when
    /// the headers did not define it.
    pub fn arch_dependent(&self, helper: &str) -> Option<bool> {
        let reaches = self.reaches.get(helper)?;
        Some(self.arch.contains(helper) || reaches.iter().any(|n| self.arch.contains(n)))
    }
}

/// The tree whose files the variants were compiled from: the private
/// patched copy when `LEAFDIFF_PATCHES` applied, the kernel's own tree
/// otherwise (as `leafdiff_kernel::prepare` recorded it).
pub fn read_root(k: &KernelMeta) -> PathBuf {
    PathBuf::from(k.read_root)
}

/// Every top-level definition of the files leafdiff reads from `k` for its
/// arch, as the tree it compiled has them; a file that cannot be read or
/// parsed gives none.
pub fn definitions(k: &KernelMeta) -> Vec<Definition> {
    let root = read_root(k);
    let mut out = Vec::new();
    for rel in read_files_of(k.arch) {
        let Ok(src) = std::fs::read_to_string(root.join(rel)) else {
            continue;
        };
        if let Ok(index) = HeaderIndex::parse(rel, &src) {
            out.extend(index.defs);
        }
    }
    out
}

/// A definition as its file has it, comments included: the path relative to
/// the tree, the first and last line (1-based) and those lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub file: String,
    pub first: usize,
    pub last: usize,
    pub text: String,
}

impl std::fmt::Display for Quote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}:{}-{}", self.file, self.first, self.last)?;
        for (n, line) in self.text.lines().enumerate() {
            writeln!(f, "{:>5}  {line}", self.first + n)?;
        }
        Ok(())
    }
}

/// Where `def` ends in `src`: a macro at its last continued line, anything
/// else at the line that closes its braces (or ends its statement).
pub fn quote(def: &Definition, src: &str) -> Option<Quote> {
    let lines: Vec<&str> = src.lines().collect();
    let first = def.line;
    if first == 0 || first > lines.len() {
        return None;
    }
    let last = if def.text.starts_with("#define") {
        let mut last = first;
        while last < lines.len() && lines[last - 1].trim_end().ends_with('\\') {
            last += 1;
        }
        last
    } else {
        // Logical lines of the rest of the file, comments removed, so that
        // a brace in a comment does not count.
        let rest = lines[first - 1..].join("\n");
        let mut depth = 0;
        let mut opened = false;
        let mut end = None;
        for l in logical_lines(&rest) {
            depth += brace_delta(&l.text);
            opened |= l.text.contains('{');
            let done = if opened {
                depth <= 0
            } else {
                l.text.trim_end().ends_with(';')
            };
            if done {
                end = Some(first + l.line - 1);
                break;
            }
        }
        end?
    };
    Some(Quote {
        file: def.file.clone(),
        first,
        last,
        text: lines[first - 1..last].join("\n"),
    })
}

/// `helper`'s definitions in `k` as the compiled tree has them, each with
/// its preprocessor condition (empty when unconditional).
pub fn quotes(k: &KernelMeta, helper: &str) -> Vec<(Quote, Vec<String>)> {
    let root = read_root(k);
    let mut sources: BTreeMap<String, Option<String>> = BTreeMap::new();
    definitions(k)
        .into_iter()
        .filter(|d| d.name == helper)
        .filter_map(|d| {
            let src = sources
                .entry(d.file.clone())
                .or_insert_with(|| std::fs::read_to_string(root.join(&d.file)).ok())
                .as_deref()?;
            Some((quote(&d, src)?, d.cond.clone()))
        })
        .collect()
}

/// Whether a definition's condition (a conjunction of preprocessor
/// expressions, as `Definition::cond` has it) holds with `defines` (name,
/// value) defined and everything else undefined; `None` when it tests
/// something other than macros being defined, their 0/1 values, `!`, `&&`
/// and `||`.
pub fn holds(cond: &[String], defines: &[(&str, &str)]) -> Option<bool> {
    let mut all = true;
    for c in cond {
        let tokens = tokens(c)?;
        let mut p = CondParser {
            tokens: &tokens,
            at: 0,
            defines,
        };
        let v = p.or()?;
        if p.at != tokens.len() {
            return None;
        }
        all &= v;
    }
    Some(all)
}

fn tokens(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if (c == '&' || c == '|') && chars.get(i + 1) == Some(&c) {
            out.push(format!("{c}{c}"));
            i += 2;
        } else if matches!(c, '!' | '(' | ')') && chars.get(i + 1) != Some(&'=') {
            out.push(c.to_string());
            i += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

struct CondParser<'a> {
    tokens: &'a [String],
    at: usize,
    defines: &'a [(&'a str, &'a str)],
}

impl CondParser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }
    fn eat(&mut self, t: &str) -> bool {
        let hit = self.peek() == Some(t);
        self.at += hit as usize;
        hit
    }
    fn or(&mut self) -> Option<bool> {
        let mut v = self.and()?;
        while self.eat("||") {
            v |= self.and()?;
        }
        Some(v)
    }
    fn and(&mut self) -> Option<bool> {
        let mut v = self.not()?;
        while self.eat("&&") {
            v &= self.not()?;
        }
        Some(v)
    }
    fn not(&mut self) -> Option<bool> {
        if self.eat("!") {
            return Some(!self.not()?);
        }
        if self.eat("(") {
            let v = self.or()?;
            return self.eat(")").then_some(v);
        }
        let word = self.peek()?.to_string();
        self.at += 1;
        let value = |name: &str| {
            self.defines
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
        };
        match word.as_str() {
            "defined" | "IS_ENABLED" => {
                let paren = self.eat("(");
                let name = self.peek()?.to_string();
                self.at += 1;
                if paren && !self.eat(")") {
                    return None;
                }
                Some(if word == "defined" {
                    value(&name).is_some()
                } else {
                    value(&name) == Some("1")
                })
            }
            "0" => Some(false),
            "1" => Some(true),
            // An undefined CONFIG_ symbol reads as 0, as cpp reads it.
            w if w.starts_with("CONFIG_") => Some(value(w).is_some_and(|v| v != "0")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAF: &str = r#"
#define TYPE_SHIFT 58
#define get_type(e) ((e).val >> TYPE_SHIFT)
static inline int leaf_type(entry_t e)
{
	/* a comment with a brace { */
	switch (get_type(e)) {
	case 1:
		return 1;
	}
	return 0;
}
static inline bool leaf_is_one(entry_t e)
{
	return leaf_type(e) == 1;
}
static inline bool leaf_is_two(entry_t e)
{
	return get_type(e) == 2;
}
#define FLAG_BIT 3
#define FLAG (1UL << FLAG_BIT)
static inline bool leaf_flag(entry_t e)
{
	return e.val & FLAG;
}
static inline entry_t leaf_mkflag(entry_t e)
{
	return (entry_t){ e.val | FLAG };
}
#define LONG_MACRO(x) \
	((x) + \
	 TYPE_SHIFT)
"#;

    const ARCH: &str = "#define __arch_bits(x) ((x) << 3)\n";

    fn graph() -> CallGraph {
        let mut defs = HeaderIndex::parse("include/linux/leaf.h", LEAF)
            .unwrap()
            .defs;
        defs.extend(
            HeaderIndex::parse("arch/x/include/asm/bits.h", ARCH)
                .unwrap()
                .defs,
        );
        CallGraph::from_definitions(
            &defs,
            [
                "leaf_type",
                "leaf_is_one",
                "leaf_is_two",
                "TYPE_SHIFT",
                "__arch_bits",
                "leaf_flag",
                "leaf_mkflag",
            ],
        )
    }

    fn s<'a>(helper: &'a str, inputs: &'a [String], divergence: bool) -> Symptom<'a> {
        Symptom {
            arch: None,
            helper,
            involves: Vec::new(),
            inputs,
            divergence,
        }
    }

    fn classes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn calls_are_followed_through_macros() {
        let g = graph();
        assert!(g.builds_on("leaf_is_one", "leaf_type"));
        assert!(g.builds_on("leaf_is_one", "TYPE_SHIFT"));
        assert!(!g.builds_on("leaf_is_two", "leaf_type"));
        assert!(!g.builds_on("leaf_type", "leaf_is_one"));
        assert_eq!(g.arch_dependent("leaf_type"), Some(false));
        assert_eq!(g.arch_dependent("__arch_bits"), Some(true));
        assert_eq!(g.arch_dependent("not_defined"), None);
    }

    #[test]
    fn a_caller_on_the_same_class_is_a_consequence() {
        let g = graph();
        let a = classes(&["SWP_HWPOISON"]);
        let b = classes(&["swap:SWP_HWPOISON", "SWP_HWPOISON locked=1"]);
        let other = classes(&["SWP_DEVICE_READ"]);
        // Listed caller first: the order of findings does not decide.
        let symptoms = [
            s("leaf_is_one", &b, true),
            s("leaf_type", &a, true),
            s("leaf_is_two", &a, true),
            s("leaf_type", &a, false),
        ];
        let causes = group(&symptoms, &g);
        assert_eq!(
            causes,
            [
                Cause {
                    finding: 1,
                    consequences: vec![0, 3],
                    ..Cause::default()
                },
                Cause {
                    finding: 2,
                    ..Cause::default()
                },
            ]
        );
        // On another class, the caller has a bug of its own.
        let symptoms = [s("leaf_type", &a, true), s("leaf_is_one", &other, true)];
        assert_eq!(group(&symptoms, &g).len(), 2);
    }

    #[test]
    fn one_arch_encoding_explains_nothing_on_another() {
        let g = graph();
        let a = classes(&["swapfile"]);
        let on = |arch| Symptom {
            arch: Some(arch),
            ..s("__arch_bits", &a, false)
        };
        assert_eq!(group(&[on("arm64-4k"), on("loongarch64")], &g).len(), 2);
        assert_eq!(group(&[on("arm64-4k"), on("arm64-4k")], &g).len(), 1);
        // A bug in the generic headers explains what it shows on any arch.
        let generic = s("__arch_bits", &a, true);
        assert_eq!(group(&[generic, on("loongarch64")], &g).len(), 1);
    }

    #[test]
    fn a_wrong_constant_explains_every_class() {
        let g = graph();
        let none = classes(&["-"]);
        let a = classes(&["swapfile"]);
        let symptoms = [s("leaf_is_one", &a, true), s("TYPE_SHIFT", &none, true)];
        let causes = group(&symptoms, &g);
        assert_eq!(
            causes,
            [Cause {
                finding: 1,
                consequences: vec![0],
                ..Cause::default()
            }]
        );
    }

    #[test]
    fn a_property_is_explained_through_the_helpers_it_involves() {
        let g = graph();
        let a = classes(&["SWP_HWPOISON"]);
        let offsets = classes(&["offset-zero"]);
        let mut property = s("leaf_is_two", &a, false);
        let symptoms = [s("TYPE_SHIFT", &offsets, true), property.clone()];
        // leaf_is_two itself does not reach leaf_type...
        let lone = [s("leaf_type", &a, true), property.clone()];
        assert_eq!(group(&lone, &g).len(), 2);
        // ... but a property relating it to leaf_is_one does.
        property.involves = vec!["leaf_is_one"];
        let related = [s("leaf_type", &a, true), property];
        assert_eq!(group(&related, &g).len(), 1);
        // Offsets and entries cannot be compared: the calls decide.
        assert_eq!(group(&symptoms, &g).len(), 1);
    }

    #[test]
    fn conditions_are_evaluated_or_left_undecided() {
        let d = [("CONFIG_MIGRATION", "1"), ("CONFIG_X86_64", "1")];
        let c = |s: &[&str]| holds(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>(), &d);
        assert_eq!(c(&[]), Some(true));
        assert_eq!(c(&["(defined(CONFIG_MIGRATION))"]), Some(true));
        assert_eq!(c(&["!(defined(CONFIG_MIGRATION))"]), Some(false));
        assert_eq!(
            c(&["(IS_ENABLED(CONFIG_X86_64)) && !(defined(CONFIG_SWAP))"]),
            Some(true)
        );
        assert_eq!(
            c(&["(CONFIG_DEVICE_PRIVATE) || (CONFIG_MIGRATION)"]),
            Some(true)
        );
        assert_eq!(c(&["(MAX_SWAPFILES_SHIFT > 5)"]), None);
    }

    #[test]
    fn siblings_meet_at_the_definition_only_they_use() {
        let g = graph();
        let a = classes(&["swapfile"]);
        let symptoms = [s("leaf_flag", &a, true), s("leaf_mkflag", &a, true)];
        let causes = group(&symptoms, &g);
        assert_eq!(causes.len(), 2);
        let merged = merge_siblings(causes.clone(), &symptoms, &g, &["leaf_type"]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].siblings, [1]);
        // FLAG reaches FLAG_BIT: the nearer one is named.
        assert_eq!(merged[0].meets_at, ["FLAG"]);
        assert_eq!(g.place("FLAG"), Some(("include/linux/leaf.h", 22)));
        // A helper that agrees and uses the same bit clears it.
        let g2 = {
            let mut defs = HeaderIndex::parse("include/linux/leaf.h", LEAF)
                .unwrap()
                .defs;
            defs.extend(
                HeaderIndex::parse("x.h", "#define leaf_other(e) ((e).val & FLAG)\n")
                    .unwrap()
                    .defs,
            );
            CallGraph::from_definitions(&defs, ["leaf_flag", "leaf_mkflag", "leaf_other"])
        };
        let merged = merge_siblings(causes.clone(), &symptoms, &g2, &["leaf_other"]);
        assert_eq!(merged.len(), 2);
        // One that reaches the bit only through a wrong helper does not.
        let g3 = {
            let mut defs = HeaderIndex::parse("include/linux/leaf.h", LEAF)
                .unwrap()
                .defs;
            defs.extend(
                HeaderIndex::parse("x.h", "#define leaf_caller(e) leaf_flag(e)\n")
                    .unwrap()
                    .defs,
            );
            CallGraph::from_definitions(&defs, ["leaf_flag", "leaf_mkflag", "leaf_caller"])
        };
        let merged = merge_siblings(causes, &symptoms, &g3, &["leaf_caller"]);
        assert_eq!(merged.len(), 1);
        // The same two helpers wrong on two arches are two bugs.
        let on = |helper, arch| Symptom {
            arch: Some(arch),
            ..s(helper, &a, true)
        };
        let symptoms = [on("leaf_flag", "arm64-4k"), on("leaf_mkflag", "ppc64")];
        let causes = group(&symptoms, &g);
        assert_eq!(
            merge_siblings(causes, &symptoms, &g, &["leaf_type"]).len(),
            2
        );
    }

    #[test]
    fn no_findings_no_causes() {
        assert!(group(&[], &graph()).is_empty());
    }

    #[test]
    fn quotes_span_the_whole_definition() {
        let idx = HeaderIndex::parse("include/linux/leaf.h", LEAF).unwrap();
        let q = |name: &str| quote(idx.named(name).next().unwrap(), LEAF).unwrap();
        let t = q("leaf_type");
        assert_eq!((t.first, t.last), (4, 12));
        assert!(t.text.contains("a comment with a brace {"), "{}", t.text);
        assert!(t.text.ends_with('}'));
        let m = q("LONG_MACRO");
        assert_eq!((m.first, m.last), (31, 33));
        let one = q("TYPE_SHIFT");
        assert_eq!((one.first, one.last), (2, 2));
        assert!(one.to_string().starts_with("include/linux/leaf.h:2-2\n"));
    }
}
