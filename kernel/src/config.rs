//! Kernel configurations: the options the harness varies, the Kconfig
//! dependencies between them that matter here, and the variant matrix.

use crate::arch::Arch;
use crate::kconfig::Kconfig;
use std::collections::BTreeSet;

/// A config option the harness varies at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigOption {
    Migration,
    DevicePrivate,
    MemoryFailure,
    Swap,
    ZoneDevice,
    PmdSoftleaves,
    SoftDirty,
    UffdWp,
}

impl ConfigOption {
    pub const ALL: [ConfigOption; 8] = [
        ConfigOption::Migration,
        ConfigOption::DevicePrivate,
        ConfigOption::MemoryFailure,
        ConfigOption::Swap,
        ConfigOption::ZoneDevice,
        ConfigOption::PmdSoftleaves,
        ConfigOption::SoftDirty,
        ConfigOption::UffdWp,
    ];

    /// The name used in reports and variant labels.
    pub fn name(self) -> &'static str {
        match self {
            ConfigOption::Migration => "MIGRATION",
            ConfigOption::DevicePrivate => "DEVICE_PRIVATE",
            ConfigOption::MemoryFailure => "MEMORY_FAILURE",
            ConfigOption::Swap => "SWAP",
            ConfigOption::ZoneDevice => "ZONE_DEVICE",
            ConfigOption::PmdSoftleaves => "ARCH_HAS_PMD_SOFTLEAVES",
            ConfigOption::SoftDirty => "MEM_SOFT_DIRTY",
            ConfigOption::UffdWp => "HAVE_ARCH_USERFAULTFD_WP",
        }
    }

    /// Every `CONFIG_*` symbol the option turns on. Where a kernel renamed a
    /// symbol (7.3 `ARCH_HAS_PMD_SOFTLEAVES` was 7.2 `ARCH_ENABLE_THP_MIGRATION`)
    /// both spellings are defined, so one option means the same on either kernel.
    pub fn symbols(self) -> &'static [&'static str] {
        match self {
            ConfigOption::Migration => &["CONFIG_MIGRATION"],
            ConfigOption::DevicePrivate => &["CONFIG_DEVICE_PRIVATE"],
            ConfigOption::MemoryFailure => &["CONFIG_MEMORY_FAILURE"],
            ConfigOption::Swap => &["CONFIG_SWAP"],
            ConfigOption::ZoneDevice => &["CONFIG_ZONE_DEVICE"],
            // THP migration depends on TRANSPARENT_HUGEPAGE, without which
            // 6.1's is_swap_pmd() says no to every PMD.
            ConfigOption::PmdSoftleaves => &[
                "CONFIG_ARCH_HAS_PMD_SOFTLEAVES",
                "CONFIG_ARCH_ENABLE_THP_MIGRATION",
                "CONFIG_TRANSPARENT_HUGEPAGE",
            ],
            ConfigOption::SoftDirty => &["CONFIG_MEM_SOFT_DIRTY"],
            // 6.1's PTE markers need CONFIG_PTE_MARKER, which
            // PTE_MARKER_UFFD_WP (default y where the arch has uffd-wp) selects.
            ConfigOption::UffdWp => &["CONFIG_HAVE_ARCH_USERFAULTFD_WP", "CONFIG_PTE_MARKER"],
        }
    }
}

/// Kconfig dependencies between the options above (`option` needs `requires`),
/// direct or through options the harness does not vary: ZONE_DEVICE depends
/// on MEMORY_HOTREMOVE, which depends on MIGRATION. A headers package ships
/// no Kconfig files, so this table is ours; `kconfig_mismatches` holds it
/// against a tree's own Kconfig text when the tree has one.
pub const DEPENDENCIES: &[(ConfigOption, ConfigOption)] = &[
    (ConfigOption::DevicePrivate, ConfigOption::ZoneDevice),
    (ConfigOption::ZoneDevice, ConfigOption::Migration),
];

/// Whether `option` needs `other`, by `DEPENDENCIES` and their consequences.
fn table_requires(option: ConfigOption, other: ConfigOption) -> bool {
    DEPENDENCIES
        .iter()
        .filter(|(o, _)| *o == option)
        .any(|&(_, r)| r == other || table_requires(r, other))
}

/// Where `DEPENDENCIES` and a kernel's Kconfig text disagree about two of
/// the varied options, one sentence each; empty when they agree (options
/// the text does not define are not judged).
pub fn kconfig_mismatches(kconfig: &Kconfig) -> Vec<String> {
    let symbol = |o: ConfigOption| {
        o.symbols()
            .iter()
            .map(|s| s.trim_start_matches("CONFIG_"))
            .find(|s| kconfig.defines(s))
    };
    let mut out = Vec::new();
    for a in ConfigOption::ALL {
        for b in ConfigOption::ALL.into_iter().filter(|b| *b != a) {
            let (Some(sa), Some(sb)) = (symbol(a), symbol(b)) else {
                continue;
            };
            match (kconfig.requires(sa, sb), table_requires(a, b)) {
                (true, false) => out.push(format!(
                    "Kconfig makes {sa} depend on {sb}, but leafdiff's DEPENDENCIES table does not: the matrix builds configs no kernel can have"
                )),
                (false, true) => out.push(format!(
                    "leafdiff's DEPENDENCIES table makes {sa} depend on {sb}, but this Kconfig does not: the matrix leaves out configs a kernel can have"
                )),
                _ => {}
            }
        }
    }
    out
}

/// Symbols every variant defines whatever its arch and options; the arch's
/// own come from its file under `arch/`.
pub const BASE_DEFINES: &[(&str, &str)] = &[("CONFIG_MMU", "1")];

/// One compile-time configuration.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct KernelConfig {
    pub enabled: BTreeSet<ConfigOption>,
}

impl KernelConfig {
    pub fn from_bits(bits: u32) -> Self {
        KernelConfig {
            enabled: ConfigOption::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, o)| *o)
                .collect(),
        }
    }

    pub fn bits(&self) -> u32 {
        ConfigOption::ALL
            .iter()
            .enumerate()
            .filter(|(_, o)| self.enabled.contains(o))
            .map(|(i, _)| 1 << i)
            .sum()
    }

    pub fn has(&self, option: ConfigOption) -> bool {
        self.enabled.contains(&option)
    }

    /// Whether Kconfig allows this config on `arch`: the dependencies
    /// hold, and every option on is one the arch lets vary.
    pub fn is_valid(&self, arch: &Arch) -> bool {
        DEPENDENCIES
            .iter()
            .all(|(option, requires)| !self.has(*option) || self.has(*requires))
            && self.enabled.iter().all(|o| arch.allows(*o))
    }

    /// `CONFIG_*` symbols and values to define when compiling this variant
    /// for `arch`.
    pub fn defines(&self, arch: &Arch) -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<(&'static str, &'static str)> = BASE_DEFINES.to_vec();
        out.extend(arch.defines);
        for option in &self.enabled {
            out.extend(option.symbols().iter().map(|s| (*s, "1")));
        }
        out
    }

    /// A readable label: the enabled options, `+`-separated, or `none`.
    pub fn label(&self) -> String {
        if self.enabled.is_empty() {
            return "none".into();
        }
        self.enabled
            .iter()
            .map(|o| o.name())
            .collect::<Vec<_>>()
            .join("+")
    }
}

fn all_valid(arch: &Arch) -> Vec<KernelConfig> {
    (0..1u32 << ConfigOption::ALL.len())
        .map(KernelConfig::from_bits)
        .filter(|c| c.is_valid(arch))
        .collect()
}

/// Every (option, value, option, value) pair a config exhibits.
fn pairs(config: &KernelConfig) -> Vec<(usize, bool, usize, bool)> {
    let n = ConfigOption::ALL.len();
    let value = |i: usize| config.has(ConfigOption::ALL[i]);
    (0..n)
        .flat_map(|i| ((i + 1)..n).map(move |j| (i, j)))
        .map(|(i, j)| (i, value(i), j, value(j)))
        .collect()
}

/// A covering array: the fewest configs (found greedily, deterministically) such
/// that every pair of option values any valid config exhibits appears in one of them.
/// All options on (that the arch allows) and all options off come first, as
/// the two configs people build most.
pub fn pairwise(arch: &Arch) -> Vec<KernelConfig> {
    let candidates = all_valid(arch);
    let mut uncovered: BTreeSet<_> = candidates.iter().flat_map(pairs).collect();
    let mut chosen: Vec<KernelConfig> = Vec::new();
    let everything = KernelConfig {
        enabled: arch.options.iter().copied().collect(),
    };
    for seed in [everything, KernelConfig::default()] {
        uncovered.retain(|p| !pairs(&seed).contains(p));
        chosen.push(seed);
    }
    while !uncovered.is_empty() {
        let best = candidates
            .iter()
            .max_by_key(|c| {
                let gain = pairs(c).iter().filter(|p| uncovered.contains(p)).count();
                // Prefer the lowest-numbered config on ties, for a stable matrix.
                (gain, std::cmp::Reverse(c.bits()))
            })
            .expect("at least one valid config")
            .clone();
        uncovered.retain(|p| !pairs(&best).contains(p));
        chosen.push(best);
    }
    chosen
}

/// The full product of the configs `arch` allows.
pub fn full(arch: &Arch) -> Vec<KernelConfig> {
    all_valid(arch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::x86_64::X86_64;

    #[test]
    fn pairwise_covers_every_valid_pair() {
        let chosen = pairwise(&X86_64);
        let covered: BTreeSet<_> = chosen.iter().flat_map(pairs).collect();
        let needed: BTreeSet<_> = all_valid(&X86_64).iter().flat_map(pairs).collect();
        assert_eq!(covered, needed);
        assert!(
            chosen.len() < 16,
            "covering array too large: {}",
            chosen.len()
        );
        assert!(chosen.iter().all(|c| c.is_valid(&X86_64)));
    }

    #[test]
    fn device_private_needs_zone_device_which_needs_migration() {
        let c = |options: &[ConfigOption]| KernelConfig {
            enabled: options.iter().copied().collect(),
        };
        use ConfigOption::*;
        assert!(!c(&[DevicePrivate]).is_valid(&X86_64));
        assert!(!c(&[DevicePrivate, ZoneDevice]).is_valid(&X86_64));
        assert!(c(&[DevicePrivate, ZoneDevice, Migration]).is_valid(&X86_64));
        assert!(c(&[Migration]).is_valid(&X86_64));
        // Of MIGRATION, ZONE_DEVICE, DEVICE_PRIVATE, 4 of 8 settings remain.
        assert_eq!(full(&X86_64).len(), 4 << 5);
        assert!(table_requires(DevicePrivate, Migration));
        assert!(!table_requires(Migration, ZoneDevice));
    }

    // Our own text in Kconfig's syntax, stating the chain the table encodes.
    const CHAIN: &str = "
config MIGRATION
\tbool
config MEMORY_HOTREMOVE
\tbool
\tdepends on MEMORY_HOTPLUG
\tdepends on MIGRATION
config ZONE_DEVICE
\tbool
\tdepends on MEMORY_HOTREMOVE
config DEVICE_PRIVATE
\tbool
\tdepends on ZONE_DEVICE
config SWAP
\tbool
";

    #[test]
    fn the_table_agrees_with_the_kconfig_chain() {
        assert_eq!(
            kconfig_mismatches(&Kconfig::parse(CHAIN)),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_dependency_the_table_lacks_or_invents_is_named() {
        let extra = format!("{CHAIN}config SWAP\n\tdepends on MIGRATION\n");
        let found = kconfig_mismatches(&Kconfig::parse(&extra));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("SWAP depend on MIGRATION"), "{found:?}");

        let without = CHAIN.replace("\tdepends on MIGRATION\n", "");
        let found = kconfig_mismatches(&Kconfig::parse(&without));
        assert!(
            found
                .iter()
                .any(|m| m.contains("table makes ZONE_DEVICE depend on MIGRATION")),
            "{found:?}"
        );
    }

    #[test]
    fn renamed_symbols_are_both_defined() {
        let c = KernelConfig {
            enabled: [ConfigOption::PmdSoftleaves].into_iter().collect(),
        };
        let d = c.defines(&X86_64);
        assert!(d.contains(&("CONFIG_ARCH_HAS_PMD_SOFTLEAVES", "1")));
        assert!(d.contains(&("CONFIG_ARCH_ENABLE_THP_MIGRATION", "1")));
    }
}
