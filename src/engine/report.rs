//! What `check` found, as Markdown for people and JSON for scripts.

use super::check::Seen;
use super::describe::TypeNames;
use super::reproducer::render_outcome;
use super::{Engine, Finding, FindingKind};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct KernelSummary {
    /// Source and version, for people.
    pub title: String,
    pub source: String,
    pub version: String,
    pub sha256: String,
    /// How the kernel was verified (pinned hash, signed index and key, or a local tree).
    pub verified: String,
    pub patches: String,
}

#[derive(Debug, Serialize)]
pub struct FindingSummary {
    /// The minimized case's full signature.
    pub signature: String,
    pub kind: &'static str,
    pub helper: String,
    /// For a property finding, the property.
    pub property: Option<&'static str>,
    /// `value`, `warning`, `bug` (divergences) or `violated` (properties).
    pub how: &'static str,
    pub variant: String,
    pub case: String,
    pub c: String,
    pub expected: String,
    pub reproducer: Option<String>,
    /// Every variant (config) in which the same helper went wrong the same way.
    pub seen_in: Vec<String>,
    /// Every class of input it went wrong for.
    pub inputs: Vec<String>,
    pub hits: u64,
    /// Seconds from the start of the run to the first hit.
    pub first_after: f64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub kernels: Vec<KernelSummary>,
    /// The variants checked (`LEAFDIFF_VARIANTS` may narrow them)...
    pub variants: Vec<String>,
    /// ... out of this many built.
    pub variants_built: usize,
    /// Variants whose build disagrees with the model: one line each.
    pub build_findings: Vec<String>,
    pub seconds: f64,
    pub cases: u64,
    /// Whether the deterministic sweep ran to its end.
    pub sweep: String,
    pub compared: u64,
    pub property_checks: u64,
    pub skipped: u64,
    pub helpers_compared: usize,
    /// Per kernel: helpers modelled, checked by properties only, unchecked.
    pub helpers: Vec<super::inventory::KernelHelpers>,
    pub findings: Vec<FindingSummary>,
}

pub fn summarize(
    engine: &Engine,
    f: &Finding,
    reproducer: Option<String>,
    seen: &Seen,
) -> FindingSummary {
    let v = &engine.variants[f.variant];
    let names = TypeNames::of(v, f.case.args.knobs);
    let sig = f.case.helper.sig;
    let (kind, property, c, expected) = match &f.kind {
        FindingKind::Divergence { c, model } => (
            "divergence",
            None,
            render_outcome(sig, c, &names),
            render_outcome(sig, model, &names),
        ),
        FindingKind::Property {
            property, detail, ..
        } => (
            "property",
            Some(*property),
            detail.clone(),
            format!("property {property} holds"),
        ),
    };
    FindingSummary {
        signature: f.signature.to_string(),
        kind,
        helper: f.helper.to_string(),
        property,
        how: f.signature.how,
        variant: v.label(),
        case: super::describe::case_in_kernel_terms(engine, f.variant, &f.case),
        c,
        expected,
        reproducer,
        seen_in: seen.variants.clone(),
        inputs: seen.inputs.clone(),
        hits: seen.hits,
        first_after: seen.after.as_secs_f64(),
    }
}

impl FindingSummary {
    /// One line saying what went wrong, for a heading.
    fn headline(&self) -> String {
        match self.property {
            Some(p) => format!("`{}` breaks property `{p}`", self.helper),
            None => match self.how {
                "bug" => format!("`{}`: BUG_ON differs from the model", self.helper),
                "warning" => format!("`{}`: warning differs from the model", self.helper),
                _ => format!("`{}`: value differs from the model", self.helper),
            },
        }
    }
}

impl Report {
    fn outcome_line(&self) -> String {
        let mut parts = Vec::new();
        if !self.findings.is_empty() {
            let first = self
                .findings
                .iter()
                .map(|f| f.first_after)
                .fold(f64::INFINITY, f64::min);
            parts.push(format!(
                "{} findings, the first after {first:.2} s",
                self.findings.len()
            ));
        }
        if !self.build_findings.is_empty() {
            parts.push(format!(
                "{} variants whose build disagrees with the model",
                self.build_findings.len()
            ));
        }
        if parts.is_empty() {
            "No divergences.".into()
        } else {
            parts.join("; ")
        }
    }

    pub fn to_markdown(&self) -> String {
        let mut s = String::from("# leafdiff check\n\n");
        for k in &self.kernels {
            s.push_str(&format!("- kernel: {}", k.title));
            if !k.sha256.is_empty() {
                s.push_str(&format!(", sha256 `{}`", k.sha256));
            }
            s.push_str(&format!(", verified: {}", k.verified));
            s.push('\n');
        }
        if self.variants.len() < self.variants_built {
            s.push_str(&format!(
                "- {} of the {} variants built, as LEAFDIFF_VARIANTS selects\n",
                self.variants.len(),
                self.variants_built
            ));
        }
        s.push_str(&format!(
            "- {} variants, {} cases in {:.1} s: {} differential comparisons over {} helpers, {} property checks, {} skipped (helper absent)\n- sweep: {}\n\n{}\n",
            self.variants.len(), self.cases, self.seconds, self.compared, self.helpers_compared, self.property_checks, self.skipped, self.sweep, self.outcome_line()
        ));
        s.push_str("\n## Helpers\n\n");
        for k in &self.helpers {
            s.push_str(&k.to_markdown());
        }
        if !self.build_findings.is_empty() {
            s.push_str("\n## Variants whose build disagrees with the model\n\n");
            for b in &self.build_findings {
                s.push_str(&format!("- {b}\n"));
            }
        }
        if !self.findings.is_empty() {
            s.push_str("\n## Findings\n\n| # | helper | what differs | inputs | variants | first after |\n|---|---|---|---|---|---|\n");
            for (i, f) in self.findings.iter().enumerate() {
                s.push_str(&format!(
                    "| {} | `{}` | {} | {} | {} of {} | {:.2} s |\n",
                    i + 1,
                    f.helper,
                    f.property
                        .map_or(f.how.to_string(), |p| format!("property `{p}`")),
                    f.inputs.join(", "),
                    f.seen_in.len(),
                    self.variants.len(),
                    f.first_after
                ));
            }
        }
        for (i, f) in self.findings.iter().enumerate() {
            s.push_str(&format!(
                "\n### {}. {}\n\n- case: `{}`\n- kernel's C: {}\n- expected: {}\n- inputs: {}\n- seen in {} of {} variants: {}\n- first after {:.2} s, {} hits\n- signature: `{}`\n",
                i + 1,
                f.headline(),
                f.case,
                f.c,
                f.expected,
                f.inputs.join(", "),
                f.seen_in.len(),
                self.variants.len(),
                f.seen_in.join(", "),
                f.first_after,
                f.hits,
                f.signature,
            ));
            if let Some(r) = &f.reproducer {
                s.push_str(&format!(
                    "- reproducer: `{r}` (`leafdiff repro {r} --kunit`)\n"
                ));
            }
        }
        s
    }
}
