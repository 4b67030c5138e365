//! A helper's prototype as the kernel's headers declare it: the C types of its
//! parameters and result, read from the function definition the extraction
//! index found, and the call shape (`Sig`) leafdiff calls it by. The headers,
//! not a table of ours, say what a helper takes: a series that adds an
//! argument changes the prototype, and with it how the wrapper calls it.

use crate::extract::index::{Definition, Kind};
use crate::extract::lexer::identifiers;
use crate::helpers::{Answer, Param, Sig};

/// A value leafdiff can pass to a helper or read back from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `swp_entry_t` / `softleaf_t`.
    Entry,
    Pte,
    Pmd,
    /// An integer word: `pgoff_t`, `unsigned long`, `unsigned int`, `pte_marker`, flag words.
    Word,
    /// A truth value: `bool`, or `int` as the kernel's predicates return it.
    Truth,
    /// `enum softleaf_type`, compared by enumerator name.
    SoftleafType,
    /// `struct page *` / `struct folio *`, through the shim pages.
    Page,
    /// `void *` (an xarray value entry).
    Pointer,
    /// `void` (a result only).
    Void,
}

/// Parameter and result kinds of one function definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prototype {
    pub params: Vec<ValueKind>,
    pub result: ValueKind,
    /// The prototype as written, for messages (`swp_entry_t f(struct page *page, pgoff_t flags)`).
    pub text: String,
}

/// Why a definition cannot be called by leafdiff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Uncallable {
    #[error("takes `{0}`, which is not a value leafdiff passes")]
    Param(String),
    #[error("returns `{0}`, which is not a value leafdiff reads")]
    Result(String),
    #[error("returns nothing")]
    Void,
    #[error("no call shape for ({params}) -> {result}")]
    Shape { params: String, result: String },
    #[error("a function-like macro has no prototype to call it by")]
    Macro,
}

/// The C type of one declaration (`const struct page *page` → `struct page *`),
/// without qualifiers, attributes and the declared name.
fn c_type(decl: &str, drop_name: bool) -> String {
    let stars = decl.matches('*').count();
    let mut words: Vec<&str> = identifiers(decl)
        .into_iter()
        .filter(|w| {
            !matches!(
                *w,
                "const" | "static" | "inline" | "__always_inline" | "extern" | "volatile"
            ) && !w.starts_with("__")
        })
        .collect();
    if drop_name && words.len() > 1 {
        words.pop();
    }
    let mut t = words.join(" ");
    if stars > 0 {
        t.push(' ');
        t.push_str(&"*".repeat(stars));
    }
    t
}

fn kind_of(c_type: &str) -> Option<ValueKind> {
    use ValueKind::*;
    Some(match c_type {
        "swp_entry_t" | "softleaf_t" => Entry,
        "pte_t" => Pte,
        "pmd_t" => Pmd,
        "pgoff_t" | "unsigned long" | "unsigned" | "unsigned int" | "pte_marker"
        | "unsigned long long" | "u64" | "u32" | "phys_addr_t" | "long" => Word,
        "bool" | "int" => Truth,
        "enum softleaf_type" => SoftleafType,
        "struct page *" | "struct folio *" => Page,
        "void *" => Pointer,
        "void" => Void,
        _ => return None,
    })
}

/// The text between a function header's outermost parentheses after its name.
fn split_header<'a>(header: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let at = header.find(&format!("{name}("))?;
    let open = at + name.len();
    let mut depth = 0;
    for (i, c) in header[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&header[..at], &header[open + 1..open + i]));
                }
            }
            _ => {}
        }
    }
    None
}

/// The prototype of a function definition, or why leafdiff cannot call it.
pub fn of_function(def: &Definition) -> Result<Prototype, Uncallable> {
    if def.kind != Kind::Function {
        return Err(Uncallable::Macro);
    }
    let header = def
        .pasted_header
        .as_deref()
        .unwrap_or_else(|| def.text.split('{').next().unwrap_or(&def.text));
    let (before, params) = split_header(header, &def.name).ok_or(Uncallable::Macro)?;
    let result_type = c_type(before, false);
    let result = kind_of(&result_type).ok_or_else(|| Uncallable::Result(result_type.clone()))?;
    let params: Vec<ValueKind> = match params.trim() {
        "" | "void" => Vec::new(),
        list => list
            .split(',')
            .map(|p| {
                let t = c_type(p, true);
                match kind_of(&t) {
                    Some(ValueKind::Void) | None => Err(Uncallable::Param(t)),
                    Some(k) => Ok(k),
                }
            })
            .collect::<Result<_, _>>()?,
    };
    let text = format!(
        "{result_type} {}({})",
        def.name,
        params_text(header, &def.name)
    );
    Ok(Prototype {
        params,
        result,
        text,
    })
}

fn params_text(header: &str, name: &str) -> String {
    split_header(header, name)
        .map(|(_, p)| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

impl Prototype {
    /// The call shape leafdiff calls this prototype by: the one whose
    /// description ([`Sig::shape`]) its parameter and result kinds fit.
    pub fn sig(&self) -> Result<Sig, Uncallable> {
        if self.result == ValueKind::Void {
            return Err(Uncallable::Void);
        }
        Sig::ALL
            .into_iter()
            .find(|sig| {
                let shape = sig.shape();
                shape.params.len() == self.params.len()
                    && shape
                        .params
                        .iter()
                        .zip(&self.params)
                        .all(|(&p, &k)| param_fits(p, k))
                    && answer_fits(shape.answer, self.result)
            })
            .ok_or_else(|| Uncallable::Shape {
                params: self
                    .params
                    .iter()
                    .map(|k| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                result: format!("{:?}", self.result),
            })
    }
}

/// Whether a parameter of C kind `kind` is a shape's `param`. No C type is
/// an arch-format entry: where a helper is defined tells that
/// (`discover::in_arch_format`).
fn param_fits(param: Param, kind: ValueKind) -> bool {
    use ValueKind as K;
    match param {
        Param::Type | Param::Word => kind == K::Word,
        Param::Entry => kind == K::Entry,
        Param::ArchEntry => false,
        Param::TableWord => matches!(kind, K::Pte | K::Pmd),
        Param::Radix => kind == K::Pointer,
        Param::Page => kind == K::Page,
    }
}

/// Whether a result of C kind `kind` is a shape's `answer`.
fn answer_fits(answer: Answer, kind: ValueKind) -> bool {
    use ValueKind as K;
    match answer {
        Answer::Constant => false,
        Answer::Entry => kind == K::Entry,
        Answer::Word => matches!(kind, K::Word | K::Pointer),
        Answer::Truth => kind == K::Truth,
        Answer::SoftleafType => kind == K::SoftleafType,
        Answer::TableWord => matches!(kind, K::Pte | K::Pmd),
        Answer::Page => kind == K::Page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::index::HeaderIndex;

    fn proto(src: &str) -> Result<Prototype, Uncallable> {
        let idx = HeaderIndex::parse("x.h", src).unwrap();
        of_function(&idx.defs[0])
    }

    /// A C kind each shape's parameter or answer is written with.
    fn kind_of_param(p: Param) -> Option<ValueKind> {
        Some(match p {
            Param::Type | Param::Word => ValueKind::Word,
            Param::Entry => ValueKind::Entry,
            Param::ArchEntry => return None,
            Param::TableWord => ValueKind::Pte,
            Param::Radix => ValueKind::Pointer,
            Param::Page => ValueKind::Page,
        })
    }

    #[test]
    fn every_shape_but_the_constant_and_the_arch_entry_is_read_back_from_its_kinds() {
        let kind_of_answer = |a: Answer| {
            Some(match a {
                Answer::Constant => return None,
                Answer::Entry => ValueKind::Entry,
                Answer::Word => ValueKind::Word,
                Answer::Truth => ValueKind::Truth,
                Answer::SoftleafType => ValueKind::SoftleafType,
                Answer::TableWord => ValueKind::Pmd,
                Answer::Page => ValueKind::Page,
            })
        };
        let mut read = 0;
        for sig in Sig::ALL {
            let shape = sig.shape();
            let params: Option<Vec<ValueKind>> =
                shape.params.iter().map(|&p| kind_of_param(p)).collect();
            let (Some(params), Some(result)) = (params, kind_of_answer(shape.answer)) else {
                continue;
            };
            let p = Prototype {
                params,
                result,
                text: String::new(),
            };
            assert_eq!(p.sig(), Ok(sig));
            read += 1;
        }
        assert_eq!(read, Sig::ALL.len() - 2);
    }

    #[test]
    fn reads_parameter_and_result_kinds() {
        let p = proto(
            "static inline swp_entry_t make_readable_migration_entry_from_page(struct page *page, pgoff_t flags)\n{\n\treturn swp_entry(1, 2);\n}\n",
        )
        .unwrap();
        assert_eq!(p.params, [ValueKind::Page, ValueKind::Word]);
        assert_eq!(p.result, ValueKind::Entry);
        assert_eq!(p.sig(), Ok(Sig::PageFlagsToEntry));
        assert_eq!(
            p.text,
            "swp_entry_t make_readable_migration_entry_from_page(struct page *page, pgoff_t flags)"
        );
    }

    #[test]
    fn qualifiers_and_enums() {
        let p = proto("static inline enum softleaf_type softleaf_type(const softleaf_t entry)\n{\n\treturn 0;\n}\n").unwrap();
        assert_eq!(p.sig(), Ok(Sig::EntryToSoftleafType));
        let p = proto(
            "static inline struct folio *pmd_to_softleaf_folio(pmd_t pmd)\n{\n\treturn 0;\n}\n",
        )
        .unwrap();
        assert_eq!(p.sig(), Ok(Sig::PteToPage));
        let p = proto("static inline bool migration_entry_supports_ad(void)\n{\n\treturn 0;\n}\n")
            .unwrap();
        assert_eq!(p.sig(), Ok(Sig::VoidToBool));
    }

    #[test]
    fn what_cannot_be_called_says_why() {
        let e = proto("static inline void migration_entry_wait(struct mm_struct *mm, pmd_t *pmd,\n\t\tunsigned long address) { }\n").unwrap_err();
        assert_eq!(e, Uncallable::Param("struct mm_struct *".into()));
        let p = proto("static inline void softleaf_sync(softleaf_t entry)\n{\n}\n").unwrap();
        assert_eq!(p.sig(), Err(Uncallable::Void));
    }
}
