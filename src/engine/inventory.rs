//! What was done with each helper a kernel's headers define: modelled
//! (compared with the model and checked by properties), checked by
//! properties only (the model does not know it, or knows another
//! prototype), or unchecked (leafdiff cannot call it, with the reason).
//! `info` and the report print it; `check` also reports, as build findings,
//! what the headers lack in a config where the model expects a helper.

use super::Engine;
use crate::call::Evaluate;
use crate::helpers::HelperSpec;
use crate::model::{Features, Model};
use crate::oracle::KernelMeta;
use leafdiff_kernel::config::KernelConfig;

/// One kernel's helpers, sorted into what leafdiff did with them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KernelHelpers {
    pub kernel: String,
    /// The model has a codec for the arch; without one every helper is
    /// checked by properties alone.
    pub arch_modelled: bool,
    pub modelled: Vec<&'static str>,
    /// "not modelled: properties only".
    pub properties_only: Vec<&'static str>,
    /// Each with why leafdiff cannot call it.
    pub unchecked: Vec<(&'static str, &'static str)>,
    pub prototype_changes: Vec<&'static str>,
}

pub fn of_kernel(k: &'static KernelMeta) -> KernelHelpers {
    let features = Features::from_defined(k.arch, &|n| k.defines(n));
    let model = Model::new(k.arch, KernelConfig::default(), features);
    let (modelled, properties_only): (Vec<&HelperSpec>, Vec<&HelperSpec>) =
        k.helper_specs().partition(|h| model.models(h));
    KernelHelpers {
        kernel: k.title(),
        arch_modelled: model.knows_arch(),
        modelled: modelled.iter().map(|h| h.name).collect(),
        properties_only: properties_only.iter().map(|h| h.name).collect(),
        unchecked: k.unchecked.to_vec(),
        prototype_changes: k.prototype_changes.to_vec(),
    }
}

impl KernelHelpers {
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "- {}: {} modelled, {} not modelled (properties only), {} unchecked\n",
            self.kernel,
            self.modelled.len(),
            self.properties_only.len(),
            self.unchecked.len()
        );
        if !self.arch_modelled {
            s.push_str(
                "  - these headers lay the swap PTE out otherwise than the model's codec of this arch draws: every helper by properties only\n",
            );
        } else if !self.properties_only.is_empty() {
            s.push_str(&format!(
                "  - not modelled, properties only: {}\n",
                self.properties_only.join(", ")
            ));
        }
        for (name, why) in &self.unchecked {
            s.push_str(&format!("  - unchecked `{name}`: {why}\n"));
        }
        for change in &self.prototype_changes {
            s.push_str(&format!("  - {change}\n"));
        }
        s
    }
}

/// Helpers the model expects in a variant's config that its headers do not
/// define there, each naming a similar spelling the variant does define (a
/// stub spelled differently in one branch of an `#ifdef` compiles, and
/// leaves callers of the right spelling broken in that config).
pub fn missing_in_config(engine: &Engine) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in engine.variants.iter().enumerate() {
        let model = engine.model(i);
        for h in v.kernel().helper_specs().filter(|h| model.models(h)) {
            let expected = model.eval(h, &Default::default()).is_some();
            if !expected || v.has_spec(h) {
                continue;
            }
            let similar: Vec<&str> = v
                .helper_specs()
                .map(|o| o.name)
                .filter(|o| strsim::levenshtein(o, h.name) <= 2)
                .collect();
            let hint = match similar.as_slice() {
                [] => String::new(),
                names => format!("; it defines `{}` instead", names.join("`, `")),
            };
            out.push(format!(
                "{}: the headers do not define `{}` in this config, where the model expects it{hint}",
                v.label(),
                h.name
            ));
        }
    }
    out
}

/// Each kernel's changed prototypes, as build findings.
pub fn prototype_changes(engine: &Engine) -> Vec<String> {
    engine
        .kernels()
        .iter()
        .flat_map(|k| {
            k.prototype_changes
                .iter()
                .map(move |c| format!("{}: {c}", k.title()))
        })
        .collect()
}
