//! `leafdiff dict`: a libFuzzer/AFL++ dictionary of the kernel's own
//! constants, read from the compiled C variants (never from a table of
//! ours), so a fuzzer can splice the type numbers, marker bits and PTE bits
//! of the kernel under test into its inputs.
//!
//! Entries are byte strings of values, not of case fields: each value as a
//! big-endian 8-byte word (how case bytes hold words, `src/engine/case.rs`,
//! so that an entry's type field comes first), each small constant also as
//! a swap type field (`value << SWP_TYPE_SHIFT`), each type field as the swap
//! PTE and PMD the kernel makes of it, and the bits each swap-PTE flag helper
//! sets or clears, and each helper's case-file id. Nothing here depends on
//! where a field sits in a case, so the dictionary stays valid when the
//! case layout changes.

use crate::call::{Args, Evaluate};
use crate::engine::sweep::knobs;
use crate::helpers::Sig;
use crate::oracle::Variant;

/// One dictionary entry: a name saying where the value came from, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Where the type field sits when a variant does not say (x86_64's layout,
/// which every variant built today has).
const DEFAULT_TYPE_SHIFT: u64 = 58;

fn call(v: &Variant, name: &str, args: Args) -> Option<u64> {
    let h = v.helper(name)?;
    v.eval(h, &args).filter(|o| !o.bugged).map(|o| o.value)
}

/// The entries for a set of variants, without duplicate byte strings (the
/// first name that produced a value keeps it), in a stable order.
pub fn entries(variants: &[&Variant]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut push = |name: String, value: u64| {
        let bytes = value.to_be_bytes().to_vec();
        if value != 0 && !out.iter().any(|e| e.bytes == bytes) {
            out.push(Entry { name, bytes });
        }
    };
    for v in variants {
        for knobs in knobs(v.arch()) {
            let args = Args {
                knobs,
                ..Args::default()
            };
            let shift = call(v, "SWP_TYPE_SHIFT", args).unwrap_or(DEFAULT_TYPE_SHIFT);
            let type_bits = 64u64.saturating_sub(shift);
            let mut type_fields = Vec::new();
            for h in v.helper_specs().filter(|h| h.sig == Sig::Const) {
                let Some(value) = v.eval(h, &args).map(|o| o.value) else {
                    continue;
                };
                push(format!("{}_word", h.name), value);
                // A constant small enough to be a type number also goes where
                // an entry's type sits: the fuzzer then reaches SWP_* types.
                if shift < 64 && value < (1 << type_bits) {
                    let field = value << shift;
                    push(format!("{}_type_field", h.name), field);
                    type_fields.push((h.name, field));
                }
            }
            // How the arch encodes each type field in a PTE or PMD.
            for h in v.helper_specs().filter(|h| h.sig == Sig::EntryToPte) {
                for &(ty, field) in &type_fields {
                    let pte = Args { a: field, ..args };
                    if let Some(word) = call(v, h.name, pte) {
                        push(format!("{}_of_{ty}", h.name), word);
                    }
                }
            }
            // The bits each flag helper sets (from an empty word) or clears
            // (from a full one): the exclusive, soft-dirty and uffd bits.
            for h in v.helper_specs().filter(|h| h.sig == Sig::PteToPte) {
                let set = call(v, h.name, args).unwrap_or(0);
                let cleared = call(v, h.name, Args { a: !0, ..args }).map_or(0, |w| !w);
                push(format!("{}_bits", h.name), set | cleared);
            }
        }
    }
    // Each helper's id as a case file holds it (four big-endian bytes): a
    // fuzzer splicing these in reaches every helper the build has.
    for h in variants.iter().flat_map(|v| v.helper_specs()) {
        let bytes = h.id.to_be_bytes().to_vec();
        if !out.iter().any(|e| e.bytes == bytes) {
            out.push(Entry {
                name: format!("{}_id", h.name),
                bytes,
            });
        }
    }
    out
}

/// libFuzzer's dictionary syntax (`name="\xNN..."`), which AFL++ reads too;
/// names keep only the characters both accept.
pub fn render(entries: &[Entry]) -> String {
    let mut s = String::from(
        "# The kernel's constants as leafdiff's C variants compile them: `leafdiff dict`.\n",
    );
    for e in entries {
        let name: String = e
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let bytes: String = e.bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
        s.push_str(&format!("{name}=\"{bytes}\"\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle;

    fn all() -> Vec<&'static Variant> {
        oracle::variants().iter().collect()
    }

    fn has(entries: &[Entry], value: u64) -> bool {
        entries.iter().any(|e| e.bytes == value.to_be_bytes())
    }

    #[test]
    fn holds_every_constant_of_every_variant_as_a_word_and_a_type_field() {
        let entries = entries(&all());
        let mut checked = 0;
        for v in all() {
            let args = Args::default();
            let shift = call(v, "SWP_TYPE_SHIFT", args).unwrap_or(DEFAULT_TYPE_SHIFT);
            for h in v.helper_specs().filter(|h| h.sig == Sig::Const) {
                let Some(value) = v.eval(h, &args).map(|o| o.value) else {
                    continue;
                };
                if value == 0 {
                    continue;
                }
                assert!(has(&entries, value), "{} = {value:#x}", h.name);
                if h.name.starts_with("SWP_MIGRATION_READ") {
                    assert!(has(&entries, value << shift), "{} field", h.name);
                }
                checked += 1;
            }
        }
        assert!(checked > 0, "no variant defines any constant");
    }

    #[test]
    fn holds_the_bits_the_flag_helpers_set() {
        let entries = entries(&all());
        let v = all()
            .into_iter()
            .find(|v| v.has("pte_swp_mkexclusive"))
            .expect("some variant defines pte_swp_mkexclusive");
        let bits = call(v, "pte_swp_mkexclusive", Args::default()).unwrap();
        assert_ne!(bits, 0);
        assert!(has(&entries, bits));
    }

    #[test]
    fn entries_are_unique_and_render_as_escaped_bytes() {
        let entries = entries(&all());
        for (i, e) in entries.iter().enumerate() {
            assert!(
                entries[..i].iter().all(|o| o.bytes != e.bytes),
                "{}",
                e.name
            );
        }
        let text = render(&[Entry {
            name: "SWP_X word".into(),
            bytes: vec![0x68, 0, 0x0a],
        }]);
        assert!(text.ends_with("SWP_X_word=\"\\x68\\x00\\x0a\"\n"), "{text}");
        assert!(text
            .lines()
            .all(|l| l.starts_with('#') || l.contains("=\"")));
    }
}
