//! `LEAFDIFF_VARIANTS`: narrowing the compiled variants at run time, without
//! a rebuild. A comma-separated list; each item is a config option as labels
//! spell it (`DEVICE_PRIVATE`), `none` (the config with every option off), a
//! kernel (`k1`), an arch (`arm64`) or a whole label
//! (`k0:x86_64:MIGRATION+SWAP`); an item with a
//! leading `-` takes variants away. Variants matching any plain item (every
//! variant when there is none) stay, minus those matching a `-` item.

use super::Variant;
use leafdiff_kernel::arch::Arch;
use leafdiff_kernel::config::ConfigOption;

pub const ENV: &str = "LEAFDIFF_VARIANTS";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Option(ConfigOption),
    NoOptions,
    Kernel(usize),
    Arch(&'static str),
    Label(String),
}

impl Item {
    fn parse(text: &str) -> Result<Item, SelectError> {
        if text == "none" {
            return Ok(Item::NoOptions);
        }
        if let Some(k) = text.strip_prefix('k').and_then(|n| n.parse().ok()) {
            return Ok(Item::Kernel(k));
        }
        if text.starts_with('k') && text.contains(':') {
            return Ok(Item::Label(text.to_string()));
        }
        if let Some(arch) = Arch::by_name(text) {
            return Ok(Item::Arch(arch.name));
        }
        ConfigOption::ALL
            .into_iter()
            .find(|o| o.name() == text)
            .map(Item::Option)
            .ok_or_else(|| SelectError::Unknown(text.to_string()))
    }

    fn matches(&self, v: &Variant) -> bool {
        match self {
            Item::Option(o) => v.config.has(*o),
            Item::NoOptions => v.config.enabled.is_empty(),
            Item::Kernel(k) => v.kernel().tree == *k,
            Item::Arch(a) => v.kernel().arch.name == *a,
            Item::Label(l) => v.label() == *l,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectError {
    #[error("{ENV}: unknown item `{0}`; items are config options ({options}), `none`, kernels (`k0`), arches ({arches}) or variant labels (see `leafdiff info`), each optionally prefixed with `-`", options = option_names(), arches = arch_names())]
    Unknown(String),
    #[error("{ENV}={0} leaves no variant; `leafdiff info` lists them")]
    Empty(String),
}

fn option_names() -> String {
    ConfigOption::ALL.map(ConfigOption::name).join(", ")
}

fn arch_names() -> String {
    leafdiff_kernel::arch::ALL
        .iter()
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The variants `spec` keeps, in their order.
pub fn select<'v>(variants: &'v [Variant], spec: &str) -> Result<Vec<&'v Variant>, SelectError> {
    let mut keep = Vec::new();
    let mut drop = Vec::new();
    for raw in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match raw.strip_prefix('-') {
            Some(item) => drop.push(Item::parse(item)?),
            None => keep.push(Item::parse(raw)?),
        }
    }
    let chosen: Vec<&Variant> = variants
        .iter()
        .filter(|v| keep.is_empty() || keep.iter().any(|i| i.matches(v)))
        .filter(|v| !drop.iter().any(|i| i.matches(v)))
        .collect();
    if chosen.is_empty() {
        return Err(SelectError::Empty(spec.to_string()));
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::variants;

    fn labels(spec: &str) -> Vec<String> {
        select(variants(), spec)
            .unwrap()
            .iter()
            .map(|v| v.label())
            .collect()
    }

    #[test]
    fn no_items_keep_everything() {
        assert_eq!(labels("").len(), variants().len());
    }

    #[test]
    fn options_keep_and_minus_items_take_away() {
        let dp = labels("DEVICE_PRIVATE");
        assert!(!dp.is_empty() && dp.iter().all(|l| l.contains("DEVICE_PRIVATE")));
        let rest = labels("-DEVICE_PRIVATE");
        assert_eq!(dp.len() + rest.len(), variants().len());
        assert!(labels("DEVICE_PRIVATE,-SWAP")
            .iter()
            .all(|l| !l.contains("SWAP")));
        let none = labels("none");
        assert!(!none.is_empty() && none.iter().all(|l| l.ends_with(":none")));
    }

    #[test]
    fn labels_and_kernels_select_exactly() {
        let first = variants()[0].label();
        assert_eq!(labels(&first), [first]);
        let k0 = variants().iter().filter(|v| v.kernel().tree == 0).count();
        assert_eq!(labels("k0").len(), k0);
        let x86 = labels("x86_64");
        assert!(!x86.is_empty() && x86.iter().all(|l| l.contains(":x86_64:")));
    }

    #[test]
    fn unknown_items_and_empty_selections_are_errors() {
        let Err(e) = select(variants(), "DEVICE_PRIVAT") else {
            panic!("a misspelt option is refused");
        };
        assert_eq!(e, SelectError::Unknown("DEVICE_PRIVAT".into()));
        assert!(e.to_string().contains("MIGRATION, DEVICE_PRIVATE"), "{e}");
        assert!(matches!(
            select(variants(), "k7"),
            Err(SelectError::Empty(_))
        ));
    }
}
