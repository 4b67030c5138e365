//! Selecting definitions by reference closure and emitting them, each under
//! its own preprocessor condition, in an order C accepts.

use super::index::{Definition, HeaderIndex};
use std::collections::BTreeSet;

/// Definitions reachable from `roots`, without crossing into names the shims
/// provide (`stop`). Names defined nowhere in `index` are left for the shims
/// or the compiler; a missing one shows up as a compile error for the variant.
pub fn select<'a>(index: &'a HeaderIndex, roots: &[String], stop: &[&str]) -> Vec<&'a Definition> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut order: Vec<&'a Definition> = Vec::new();
    for root in roots {
        visit(index, root, stop, &mut seen, &mut order);
    }
    order
}

/// Depth-first, dependencies before dependants: functions and types must be
/// declared before use (macros would not care, but the order costs nothing).
fn visit<'a>(
    index: &'a HeaderIndex,
    name: &str,
    stop: &[&str],
    seen: &mut BTreeSet<&'a str>,
    order: &mut Vec<&'a Definition>,
) {
    if stop.contains(&name) {
        return;
    }
    let defs: Vec<&'a Definition> = index.named(name).collect();
    let Some(first) = defs.first() else { return };
    if !seen.insert(first.name.as_str()) {
        return;
    }
    for def in &defs {
        for r in &def.refs {
            visit(index, r, stop, seen, order);
        }
    }
    order.extend(defs);
}

/// C text for the selected definitions, each wrapped in its condition.
pub fn emit(defs: &[&Definition]) -> String {
    let mut out = String::new();
    for def in defs {
        out.push_str(&format!("/* {}:{} */\n", def.file, def.line));
        if def.cond.is_empty() {
            out.push_str(&def.text);
            out.push('\n');
        } else {
            out.push_str(&format!(
                "#if {}\n{}\n#endif\n",
                def.cond.join(" && "),
                def.text
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "#define TOP (MID + 1)\n#define MID LEAF\n#ifdef CONFIG_X\n#define LEAF 1\n#else\n#define LEAF 2\n#endif\n#define UNUSED 3\n#define SHIMMED 4\n#define USES_SHIM SHIMMED\n";

    #[test]
    fn closure_takes_dependencies_first_and_skips_the_rest() {
        let idx = HeaderIndex::parse("t.h", SRC).unwrap();
        let picked = select(&idx, &["TOP".into(), "USES_SHIM".into()], &["SHIMMED"]);
        let names: Vec<&str> = picked.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["LEAF", "LEAF", "MID", "TOP", "USES_SHIM"]);
    }

    #[test]
    fn emitted_text_keeps_conditions() {
        let idx = HeaderIndex::parse("t.h", SRC).unwrap();
        let text = emit(&select(&idx, &["LEAF".into()], &[]));
        assert!(text.contains("#if (defined(CONFIG_X))\n#define LEAF 1\n#endif"));
        assert!(text.contains("#if !(defined(CONFIG_X))\n#define LEAF 2\n#endif"));
    }
}
