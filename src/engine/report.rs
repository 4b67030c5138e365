//! What `check` found, as Markdown for people and JSON for scripts.

use super::describe::TypeNames;
use super::reproducer::render_outcome;
use super::{Engine, Finding, FindingKind};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct KernelSummary {
    pub source: String,
    pub version: String,
    pub sha256: String,
    pub patches: String,
}

#[derive(Debug, Serialize)]
pub struct FindingSummary {
    pub signature: String,
    pub kind: &'static str,
    pub helper: String,
    pub variant: String,
    pub case: String,
    pub c: String,
    pub expected: String,
    pub reproducer: Option<String>,
    /// Every variant (config) in which the same helper and input class diverged.
    pub seen_in: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub kernels: Vec<KernelSummary>,
    pub variants: Vec<String>,
    pub build_findings: Vec<String>,
    pub seconds: f64,
    pub cases: u64,
    pub compared: u64,
    pub property_checks: u64,
    pub skipped: u64,
    pub helpers_compared: usize,
    pub findings: Vec<FindingSummary>,
}

pub fn summarize(
    engine: &Engine,
    f: &Finding,
    reproducer: Option<String>,
    seen_in: Vec<String>,
) -> FindingSummary {
    let v = &engine.variants[f.variant];
    let names = TypeNames::of(v, f.case.args.knobs);
    let sig = f.case.helper.sig;
    let (kind, c, expected) = match &f.kind {
        FindingKind::Divergence { c, model } => (
            "divergence",
            render_outcome(sig, c, &names),
            render_outcome(sig, model, &names),
        ),
        FindingKind::Property { property, detail } => (
            "property",
            detail.clone(),
            format!("property {property} holds"),
        ),
    };
    FindingSummary {
        signature: f.signature.clone(),
        kind,
        helper: f.helper.to_string(),
        variant: v.label(),
        case: super::describe::case_in_kernel_terms(engine, f.variant, &f.case),
        c,
        expected,
        reproducer,
        seen_in,
    }
}

impl Report {
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("# leafdiff check\n\n");
        for k in &self.kernels {
            s.push_str(&format!("- kernel: {} ({})", k.source, k.version));
            if !k.sha256.is_empty() {
                s.push_str(&format!(", sha256 `{}`", k.sha256));
            }
            s.push('\n');
        }
        s.push_str(&format!(
            "- {} variants, {} cases in {:.1} s: {} differential comparisons over {} helpers, {} property checks, {} skipped (helper absent)\n",
            self.variants.len(), self.cases, self.seconds, self.compared, self.helpers_compared, self.property_checks, self.skipped
        ));
        if !self.build_findings.is_empty() {
            s.push_str("\n## Variants whose headers do not compile\n\n");
            for b in &self.build_findings {
                s.push_str(&format!("- {b}\n"));
            }
        }
        if self.findings.is_empty() {
            s.push_str("\nNo divergences.\n");
            return s;
        }
        s.push_str(&format!("\n## {} findings\n", self.findings.len()));
        for f in &self.findings {
            s.push_str(&format!(
                "\n### `{}`\n\n- {}: `{}`\n- case: `{}`\n- kernel's C: {}\n- expected: {}\n",
                f.signature, f.kind, f.helper, f.case, f.c, f.expected
            ));
            if f.seen_in.len() > 1 {
                s.push_str(&format!("- seen in: {}\n", f.seen_in.join(", ")));
            }
            if let Some(r) = &f.reproducer {
                s.push_str(&format!(
                    "- reproducer: `{r}` (`leafdiff repro {r} --kunit`)\n"
                ));
            }
        }
        s
    }
}
