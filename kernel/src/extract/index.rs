//! An index of a header's top-level definitions, each with the preprocessor
//! condition it sits under, found by parsing rather than by line numbers so
//! that it survives patches and kernel versions.

use super::lexer::{brace_delta, identifiers, logical_lines, LogicalLine};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `#define NAME ...` or `#define NAME(params) ...`.
    Macro,
    /// A function definition with a body.
    Function,
    /// A `typedef`.
    Typedef,
    /// `enum tag { ... };` — `enumerators` lists its constants.
    Enum { enumerators: Vec<String> },
    /// A `struct`/`union` definition.
    Struct,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub name: String,
    pub kind: Kind,
    /// The definition's source, comments removed, as it can be re-emitted.
    pub text: String,
    /// Conjunction of C preprocessor expressions that must hold for it to exist.
    pub cond: Vec<String>,
    /// File it came from (relative to the tree root) and 1-based line.
    pub file: String,
    pub line: usize,
    /// Identifiers the definition (or its condition) mentions, minus its own
    /// name and macro parameters.
    pub refs: BTreeSet<String>,
    /// A macro-generated function's header as the macro pastes it (its
    /// `text` is the macro's invocation).
    pub pasted_header: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct HeaderIndex {
    pub defs: Vec<Definition>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IndexError {
    #[error("{file}:{line}: #{directive} without a matching #if")]
    Unbalanced {
        file: String,
        line: usize,
        directive: String,
    },
    #[error("{file}: {open} #if block(s) never closed")]
    Unclosed { file: String, open: usize },
}

struct Frame {
    /// An include guard: not a condition worth carrying.
    guard: bool,
    /// Conditions of earlier branches of this `#if` chain (all false here).
    earlier: Vec<String>,
    /// Condition of the branch we are in.
    current: String,
}

impl Frame {
    fn condition(&self) -> Option<String> {
        if self.guard {
            return None;
        }
        let mut parts: Vec<String> = self.earlier.iter().map(|c| format!("!({c})")).collect();
        if self.current != "1" {
            parts.push(format!("({})", self.current));
        }
        (!parts.is_empty()).then(|| parts.join(" && "))
    }
}

impl HeaderIndex {
    pub fn parse(file: &str, src: &str) -> Result<HeaderIndex, IndexError> {
        let lines = logical_lines(src);
        let guard = include_guard(&lines);
        let mut frames: Vec<Frame> = Vec::new();
        let mut defs = Vec::new();
        let mut pending: Option<(usize, String, i32)> = None;

        for l in &lines {
            if pending.as_ref().is_some_and(|p| p.2 <= 0) && l.directive().is_some() {
                // A directive outside braces ends whatever was not a statement
                // (assembler macros, unterminated declarations): drop it.
                pending = None;
            }
            if let Some((text_start, text, depth)) = pending.as_mut() {
                // Inside a statement's braces: directives are part of its body.
                text.push('\n');
                text.push_str(&l.text);
                if l.directive().is_none() {
                    *depth += brace_delta(&l.text);
                }
                if statement_complete(text, *depth) {
                    let line = *text_start;
                    let stmt = std::mem::take(text);
                    pending = None;
                    let def = statement(&stmt, file, line, &frames)
                        .or_else(|| generated_function(&stmt, file, line, &frames, &defs));
                    defs.extend(def);
                }
                continue;
            }
            match l.directive() {
                Some((d, arg)) => {
                    directive(d, arg, l, file, guard.as_deref(), &mut frames, &mut defs)?
                }
                None => {
                    let depth = brace_delta(&l.text);
                    if statement_complete(&l.text, depth) {
                        let def = statement(&l.text, file, l.line, &frames)
                            .or_else(|| generated_function(&l.text, file, l.line, &frames, &defs));
                        defs.extend(def);
                    } else {
                        pending = Some((l.line, l.text.clone(), depth));
                    }
                }
            }
        }
        if !frames.is_empty() {
            return Err(IndexError::Unclosed {
                file: file.into(),
                open: frames.len(),
            });
        }
        Ok(HeaderIndex { defs })
    }

    pub fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Definition> + 'a {
        let name = name.to_string();
        self.defs.iter().filter(move |d| d.name == name)
    }

    pub fn defines(&self, name: &str) -> bool {
        self.named(name).next().is_some()
    }

    /// The enumerators of `enum tag`, in declaration order.
    pub fn enumerators(&self, tag: &str) -> Option<&[String]> {
        self.named(tag).find_map(|d| match &d.kind {
            Kind::Enum { enumerators } => Some(enumerators.as_slice()),
            _ => None,
        })
    }
}

/// The file's include guard: a first `#ifndef X` immediately followed by `#define X`.
fn include_guard(lines: &[LogicalLine]) -> Option<String> {
    let mut directives = lines.iter().filter_map(LogicalLine::directive);
    let (d1, a1) = directives.next()?;
    let (d2, a2) = directives.next()?;
    (d1 == "ifndef" && d2 == "define" && a1 == a2).then(|| a1.to_string())
}

fn conditions(frames: &[Frame]) -> Vec<String> {
    frames.iter().filter_map(Frame::condition).collect()
}

fn directive(
    d: &str,
    arg: &str,
    l: &LogicalLine,
    file: &str,
    guard: Option<&str>,
    frames: &mut Vec<Frame>,
    defs: &mut Vec<Definition>,
) -> Result<(), IndexError> {
    let unbalanced = || IndexError::Unbalanced {
        file: file.into(),
        line: l.line,
        directive: d.into(),
    };
    match d {
        "if" | "ifdef" | "ifndef" => {
            let current = match d {
                "ifdef" => format!("defined({arg})"),
                "ifndef" => format!("!defined({arg})"),
                _ => arg.to_string(),
            };
            let is_guard = frames.is_empty() && d == "ifndef" && Some(arg) == guard;
            frames.push(Frame {
                guard: is_guard,
                earlier: Vec::new(),
                current,
            });
        }
        "elif" | "else" => {
            let frame = frames.last_mut().ok_or_else(unbalanced)?;
            let previous = std::mem::replace(
                &mut frame.current,
                if d == "elif" {
                    arg.to_string()
                } else {
                    "1".into()
                },
            );
            frame.earlier.push(previous);
        }
        "endif" => {
            frames.pop().ok_or_else(unbalanced)?;
        }
        "define" if Some(macro_name(arg)) != guard => {
            defs.push(macro_definition(arg, file, l.line, frames));
        }
        _ => {}
    }
    Ok(())
}

fn macro_name(arg: &str) -> &str {
    let end = arg
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(arg.len());
    &arg[..end]
}

fn macro_definition(arg: &str, file: &str, line: usize, frames: &[Frame]) -> Definition {
    let name = macro_name(arg);
    let after = &arg[name.len()..];
    // A function-like macro has its '(' immediately after the name.
    let (params, body): (Vec<&str>, &str) = match after.strip_prefix('(') {
        Some(rest) => {
            let close = rest.find(')').unwrap_or(rest.len());
            (
                identifiers(&rest[..close]),
                rest.get(close + 1..).unwrap_or(""),
            )
        }
        None => (Vec::new(), after),
    };
    let cond = conditions(frames);
    let refs = refs_of(body, &cond, name, &params);
    Definition {
        name: name.into(),
        kind: Kind::Macro,
        text: format!("#define {arg}"),
        cond,
        file: file.into(),
        line,
        refs,
        pasted_header: None,
    }
}

fn refs_of(text: &str, cond: &[String], own: &str, params: &[&str]) -> BTreeSet<String> {
    identifiers(text)
        .into_iter()
        .chain(cond.iter().flat_map(|c| identifiers(c)))
        .filter(|id| *id != own && !params.contains(id) && *id != "defined")
        .map(str::to_string)
        .collect()
}

/// A top-level statement ends at a `;` at depth 0, or at the `}` closing a
/// function body (a `{` preceded by a parameter list, not `struct`/`enum`/`=`).
fn statement_complete(text: &str, depth: i32) -> bool {
    if depth > 0 {
        return false;
    }
    let t = text.trim_end();
    if t.ends_with(';') {
        return true;
    }
    t.ends_with('}') && is_function_header(header(t))
}

fn header(stmt: &str) -> &str {
    stmt.split('{').next().unwrap_or(stmt)
}

fn is_function_header(h: &str) -> bool {
    let first = identifiers(h).into_iter().next().unwrap_or("");
    h.contains('(') && !h.contains('=') && !matches!(first, "typedef" | "struct" | "enum" | "union")
}

fn statement(stmt: &str, file: &str, line: usize, frames: &[Frame]) -> Option<Definition> {
    let ids = identifiers(header(stmt));
    let first = *ids.first()?;
    let (name, kind) = if first == "typedef" {
        let before_semicolon = stmt.trim_end().trim_end_matches(';');
        (last_identifier(before_semicolon)?, Kind::Typedef)
    } else if stmt.contains('{') && matches!(first, "struct" | "union") && ids.len() >= 2 {
        (ids[1].to_string(), Kind::Struct)
    } else if stmt.contains('{') && first == "enum" && ids.len() >= 2 {
        let enumerators = enumerators_of(stmt);
        (ids[1].to_string(), Kind::Enum { enumerators })
    } else if stmt.trim_end().ends_with('}') && is_function_header(header(stmt)) {
        (function_name(header(stmt))?, Kind::Function)
    } else {
        return None;
    };
    let cond = conditions(frames);
    let refs = refs_of(stmt, &cond, &name, &[]);
    Some(Definition {
        name,
        kind,
        text: stmt.to_string(),
        cond,
        file: file.into(),
        line,
        refs,
        pasted_header: None,
    })
}

/// A function a macro of the same file generates at top level, as sh's
/// `PTE_BIT_FUNC(low, swp_mkexclusive, |= ...);` defines
/// `pte_swp_mkexclusive`: named by pasting the invocation's arguments into
/// the macro's function header. The invocation is its text; it refers to
/// the macro, so the macro comes along.
fn generated_function(
    stmt: &str,
    file: &str,
    line: usize,
    frames: &[Frame],
    earlier: &[Definition],
) -> Option<Definition> {
    let t = stmt.trim().strip_suffix(';')?.trim_end();
    let open = t.find('(')?;
    let macro_name = t[..open].trim();
    let args = split_arguments(t[open + 1..].strip_suffix(')')?);
    let generator = earlier
        .iter()
        .rev()
        .find(|d| d.name == macro_name && d.kind == Kind::Macro)?;
    let after = generator.text.strip_prefix("#define ")?[macro_name.len()..].strip_prefix('(')?;
    let close = after.find(')')?;
    let params = identifiers(&after[..close]);
    let body = &after[close + 1..];
    if params.len() != args.len() || !body.contains('{') {
        return None;
    }
    let pasted = paste(header(body), &params, &args);
    let name = function_name(&pasted)?;
    let cond = conditions(frames);
    let refs = refs_of(stmt, &cond, &name, &[]);
    Some(Definition {
        name,
        kind: Kind::Function,
        text: stmt.to_string(),
        cond,
        file: file.into(),
        line,
        refs,
        pasted_header: Some(pasted),
    })
}

/// A macro's arguments, split at the commas outside parentheses.
fn split_arguments(args: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in args.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(args[start..].trim());
    out
}

/// `text` with each parameter replaced by its argument and `##` pasted.
fn paste(text: &str, params: &[&str], args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.push_str(&rest[..start]);
        let word = &rest[start..];
        let end = word
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(word.len());
        let ident = &word[..end];
        out.push_str(
            params
                .iter()
                .position(|p| *p == ident)
                .map_or(ident, |i| args[i]),
        );
        rest = &word[end..];
    }
    out.push_str(rest);
    out.split("##").map(str::trim).collect::<Vec<_>>().join("")
}

fn last_identifier(text: &str) -> Option<String> {
    identifiers(text).last().map(|s| s.to_string())
}

/// The last identifier immediately followed by `(` at parenthesis depth 0:
/// skips return types and leading attributes like `__attribute__((x))`.
fn function_name(header: &str) -> Option<String> {
    let bytes = header.as_bytes();
    let mut depth = 0;
    let mut name = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let rest = header[i..].trim_start();
            if depth == 0 && rest.starts_with('(') {
                name = Some(header[start..i].to_string());
            }
            continue;
        }
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    name
}

fn enumerators_of(stmt: &str) -> Vec<String> {
    let open = stmt.find('{').map_or(0, |i| i + 1);
    let close = stmt.rfind('}').unwrap_or(stmt.len());
    stmt[open..close]
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .split(',')
        .filter_map(|item| identifiers(item).first().map(|s| s.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_macro_generated_function_is_indexed_under_its_pasted_name() {
        let src = "#define BIT_FUNC(h,fn,op) \\\nstatic inline pte_t pte_##fn(pte_t pte) { pte.pte_##h op; return pte; }\n#ifdef CONFIG_X\nBIT_FUNC(low, swp_mkexclusive, |= _PAGE_SWP_EXCLUSIVE);\n#endif\nOTHER(a, b);\n";
        let index = HeaderIndex::parse("x.h", src).unwrap();
        let def = index.named("pte_swp_mkexclusive").next().expect("indexed");
        assert_eq!(def.kind, Kind::Function);
        assert_eq!(def.cond, ["(defined(CONFIG_X))"]);
        assert!(
            def.refs.contains("BIT_FUNC") && def.refs.contains("_PAGE_SWP_EXCLUSIVE"),
            "{:?}",
            def.refs
        );
        assert_eq!(
            def.text.trim(),
            "BIT_FUNC(low, swp_mkexclusive, |= _PAGE_SWP_EXCLUSIVE);"
        );
        // An invocation of a macro the file does not define generates nothing.
        assert_eq!(index.defs.len(), 2, "{:?}", index.defs);
    }

    const SRC: &str = r#"
#ifndef _GUARD_H
#define _GUARD_H
#define PLAIN 5
#ifdef CONFIG_A
#define ONLY_A(x) ((x) << PLAIN)
#elif defined(CONFIG_B)
#define ONLY_A(x) (x)
#else
typedef struct { unsigned long val; } thing_t;
#endif
enum colour {
	RED,
	GREEN, /* comment */
#ifdef CONFIG_BLUE
	BLUE,
#endif
};
static inline __attribute__((pure)) int pick(thing_t t)
{
#ifdef CONFIG_A
	return ONLY_A(t.val);
#endif
	return 0;
}
struct page;
extern int declared(void);
#endif /* _GUARD_H */
"#;

    #[test]
    fn finds_definitions_with_conditions() {
        let idx = HeaderIndex::parse("x.h", SRC).unwrap();
        let names: Vec<&str> = idx.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["PLAIN", "ONLY_A", "ONLY_A", "thing_t", "colour", "pick"]
        );
        let only_a: Vec<_> = idx.named("ONLY_A").map(|d| d.cond.clone()).collect();
        assert_eq!(only_a[0], ["(defined(CONFIG_A))"]);
        assert_eq!(only_a[1], ["!(defined(CONFIG_A)) && (defined(CONFIG_B))"]);
        let thing = idx.named("thing_t").next().unwrap();
        assert_eq!(thing.cond, ["!(defined(CONFIG_A)) && !(defined(CONFIG_B))"]);
        assert!(idx.named("PLAIN").next().unwrap().cond.is_empty());
    }

    #[test]
    fn function_bodies_keep_their_directives() {
        let idx = HeaderIndex::parse("x.h", SRC).unwrap();
        let pick = idx.named("pick").next().unwrap();
        assert_eq!(pick.kind, Kind::Function);
        assert!(pick.text.contains("#ifdef CONFIG_A"));
        assert!(pick.refs.contains("ONLY_A") && pick.refs.contains("thing_t"));
        assert!(pick.text.trim_end().ends_with('}'));
    }

    #[test]
    fn macro_params_are_not_refs() {
        let idx = HeaderIndex::parse("x.h", SRC).unwrap();
        let m = idx.named("ONLY_A").next().unwrap();
        assert_eq!(m.refs, ["CONFIG_A", "PLAIN"].map(String::from).into());
    }

    #[test]
    fn enumerators_in_order() {
        let idx = HeaderIndex::parse("x.h", SRC).unwrap();
        assert_eq!(idx.enumerators("colour").unwrap(), ["RED", "GREEN", "BLUE"]);
    }

    #[test]
    fn unbalanced_endif_is_an_error() {
        let err = HeaderIndex::parse("y.h", "#endif\n").unwrap_err();
        assert!(matches!(err, IndexError::Unbalanced { line: 1, .. }));
    }
}
