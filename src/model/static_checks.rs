//! The headers' compile-time contract: the `BUILD_BUG_ON`s a config would
//! trip, and the type numbers that must stay distinct for `softleaf_type()`'s
//! switch to compile. The engine holds every variant's build against this:
//! a variant that fails to compile where nothing here fires, or compiles
//! where something does, is a finding.

use super::entries::{PfnLayout, Widths};
use super::types::{SwpKind, MAX_SWAPFILES_SHIFT};
use super::Model;
use crate::call::Knobs;

impl Model {
    /// Why this config's headers should not compile; empty if they should.
    pub fn expected_build_failures(&self) -> Vec<String> {
        let mut why = Vec::new();
        let Some(codec) = self.codec() else {
            return why;
        };
        // MAX_SWAPFILES_CHECK(), the arch's check that its swap PTE holds
        // every type number.
        if MAX_SWAPFILES_SHIFT > codec.swp_type_bits() {
            why.push("BUILD_BUG_ON(MAX_SWAPFILES_SHIFT > SWP_TYPE_BITS)".into());
        }
        // softleaf_has_pfn(): the offset holds a PFN however wide physical
        // addresses are at run time.
        let knob_settings = (0..1u8 << self.arch.knobs.len()).map(|arch| Knobs {
            arch,
            swap_migration_ad_supported: false,
        });
        let widths = Widths::of(self.arch);
        if knob_settings
            .into_iter()
            .any(|knobs| widths.swp_type_shift() < PfnLayout::of(codec, widths, knobs).pfn_bits)
        {
            why.push("BUILD_BUG_ON(SWP_TYPE_SHIFT < SWP_PFN_BITS)".into());
        }
        let types = self.swap_types();
        let mut numbers: Vec<(u32, SwpKind)> = SwpKind::ALL
            .into_iter()
            .filter_map(|k| Some((types.number(k)?, k)))
            .collect();
        numbers.sort_unstable_by_key(|(n, _)| *n);
        for pair in numbers.windows(2) {
            if pair[0].0 == pair[1].0 {
                why.push(format!(
                    "duplicate case value: {} and {}",
                    pair[0].1.name(),
                    pair[1].1.name()
                ));
            }
        }
        why
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Features, Generation};
    use leafdiff_kernel::config::KernelConfig;

    #[test]
    fn every_x86_config_is_expected_to_compile() {
        for bits in 0..1u32 << leafdiff_kernel::config::ConfigOption::ALL.len() {
            for (generation, device_migration) in Generation::ALL
                .into_iter()
                .zip([false, false, false])
                .chain([(Generation::Softleaf, true)])
            {
                let m = Model::new(
                    &leafdiff_kernel::arch::x86_64::X86_64,
                    KernelConfig::from_bits(bits),
                    Features {
                        generation,
                        device_migration,
                        arch_layout: true,
                    },
                );
                assert_eq!(m.expected_build_failures(), Vec::<String>::new());
            }
        }
    }
}
