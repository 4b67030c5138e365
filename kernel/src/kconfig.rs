//! Just enough of Kconfig to read what a symbol needs: `config NAME` entries
//! and their `depends on` lines, of which only the plain `&&` terms count
//! (`A && (B || C)` needs A; `!A` needs nothing). That is all the variant
//! matrix's dependency table is checked against, when a kernel tree carries
//! its Kconfig files (a headers package does not).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The Kconfig files whose entries define the options the harness varies.
pub const FILES: &[&str] = &["mm/Kconfig", "arch/x86/Kconfig"];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Kconfig {
    /// Each symbol's hard dependencies, as written.
    needs: BTreeMap<String, BTreeSet<String>>,
}

impl Kconfig {
    /// Parses Kconfig text; later entries for a symbol add to earlier ones.
    pub fn parse(text: &str) -> Kconfig {
        let mut k = Kconfig::default();
        k.add(text);
        k
    }

    /// Reads `FILES` under `root`; `None` if the tree has none of them.
    pub fn read_tree(root: &Path) -> Option<Kconfig> {
        let mut k = Kconfig::default();
        let mut any = false;
        for file in FILES {
            if let Ok(text) = std::fs::read_to_string(root.join(file)) {
                k.add(&text);
                any = true;
            }
        }
        any.then_some(k)
    }

    fn add(&mut self, text: &str) {
        let mut current: Option<String> = None;
        // Inside help text: the indentation of its first line, once seen.
        let mut help: Option<Option<usize>> = None;
        let mut lines = text.lines().peekable();
        while let Some(raw) = lines.next() {
            if let Some(indent) = help {
                if raw.trim().is_empty() {
                    continue;
                }
                let here = indentation(raw);
                match indent {
                    None => {
                        help = Some(Some(here));
                        continue;
                    }
                    Some(first) if here >= first => continue,
                    Some(_) => help = None,
                }
            }
            let mut line = raw.trim().to_string();
            // A trailing backslash continues the line.
            while line.ends_with('\\') {
                line.pop();
                line.push(' ');
                line.push_str(lines.next().unwrap_or("").trim());
            }
            let mut words = line.split_whitespace();
            match words.next() {
                Some("config" | "menuconfig") => {
                    current = words.next().map(str::to_string);
                    if let Some(name) = &current {
                        self.needs.entry(name.clone()).or_default();
                    }
                }
                Some("depends") if words.next() == Some("on") => {
                    if let Some(name) = &current {
                        let expr = line.splitn(3, char::is_whitespace).nth(2).unwrap_or("");
                        let terms = hard_terms(expr);
                        self.needs.entry(name.clone()).or_default().extend(terms);
                    }
                }
                Some("help" | "---help---") => help = Some(None),
                Some(
                    "choice" | "endchoice" | "menu" | "endmenu" | "if" | "endif" | "source"
                    | "comment" | "mainmenu",
                ) => current = None,
                _ => {}
            }
        }
    }

    pub fn defines(&self, symbol: &str) -> bool {
        self.needs.contains_key(symbol)
    }

    /// Whether `symbol` can only be enabled with `other`, directly or through
    /// the symbols it needs.
    pub fn requires(&self, symbol: &str, other: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![symbol];
        while let Some(s) = todo.pop() {
            for need in self.needs.get(s).into_iter().flatten() {
                if need == other {
                    return true;
                }
                if seen.insert(need.as_str()) {
                    todo.push(need);
                }
            }
        }
        false
    }
}

/// Columns of leading whitespace, a tab counting to the next multiple of 8.
fn indentation(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .fold(0, |col, c| {
            if c == '\t' {
                (col / 8 + 1) * 8
            } else {
                col + 1
            }
        })
}

/// The top-level `&&` terms of a dependency expression that are plain symbols.
fn hard_terms(expr: &str) -> Vec<String> {
    let expr = expr.split('#').next().unwrap_or("");
    let mut terms = Vec::new();
    let mut depth = 0i32;
    let mut term = String::new();
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '&' if depth == 0 && chars.peek() == Some(&'&') => {
                chars.next();
                terms.push(std::mem::take(&mut term));
                continue;
            }
            _ => {}
        }
        term.push(c);
    }
    terms.push(term);
    terms
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Our own text in Kconfig's syntax, shaped like the entries that matter.
    const TEXT: &str = "
config ALPHA
\tbool \"alpha\"
\tdepends on BETA && (GAMMA || DELTA)
\tdepends on !EPSILON
\thelp
\t  Alpha needs beta. A help line may read like a dependency:
\t  depends on OMEGA

config BETA
\tbool
\tdepends on ZETA && \\
\t\tETA # a comment

menuconfig ZETA
\tbool \"zeta\"

if ZETA
config THETA
\tbool
endif
";

    #[test]
    fn plain_and_terms_are_dependencies() {
        let k = Kconfig::parse(TEXT);
        assert!(k.requires("ALPHA", "BETA"));
        assert!(!k.requires("ALPHA", "GAMMA"));
        assert!(!k.requires("ALPHA", "EPSILON"));
        assert!(k.requires("BETA", "ETA"), "continued lines are joined");
    }

    #[test]
    fn requirements_are_transitive() {
        let k = Kconfig::parse(TEXT);
        assert!(k.requires("ALPHA", "ZETA"));
        assert!(!k.requires("ZETA", "ALPHA"));
        assert!(k.defines("THETA") && !k.defines("GAMMA"));
    }

    #[test]
    fn help_text_is_not_read_as_dependencies() {
        let k = Kconfig::parse(TEXT);
        assert!(!k.requires("ALPHA", "OMEGA"));
    }
}
