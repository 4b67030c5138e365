//! What `check` found, as Markdown for people and JSON for scripts.

use super::causes::Cause;
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
    /// The helpers its headers define, and what the run did with them.
    pub helpers: usize,
    pub cases: u64,
    pub compared: u64,
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
    /// The reproducer file; root causes only.
    pub reproducer: Option<String>,
    /// For a consequence, the helper of the root cause that explains it.
    pub root_cause: Option<String>,
    /// Every variant (config) in which the same helper went wrong the same way.
    pub seen_in: Vec<String>,
    /// Every class of input it went wrong for.
    pub inputs: Vec<String>,
    pub hits: u64,
    /// Seconds from the start of the run to the first hit.
    pub first_after: f64,
    /// The bucket: helper, arch and way of going wrong.
    pub bucket: String,
    /// Why it is the kernel's, for a finding in `known-findings.toml`.
    pub known: Option<&'static str>,
}

/// A consequence as listed under its cause.
#[derive(Debug, Serialize)]
pub struct ConsequenceSummary {
    /// Index into `Report::findings`.
    pub finding: usize,
    pub helper: String,
    pub kind: &'static str,
    pub property: Option<&'static str>,
    pub how: &'static str,
    pub inputs: Vec<String>,
}

/// One root cause: a finding that no other finding explains, and the
/// findings it does explain (helpers built on it going wrong on the same
/// inputs).
#[derive(Debug, Serialize)]
pub struct CauseSummary {
    /// Index into `Report::findings`.
    pub finding: usize,
    pub helper: String,
    pub kind: &'static str,
    pub property: Option<&'static str>,
    pub how: &'static str,
    pub inputs: Vec<String>,
    pub reproducer: Option<String>,
    /// Helpers no call relates to this one that are wrong on the same
    /// inputs and meet it at `meets_at`: one bug with several faces.
    pub siblings: Vec<String>,
    /// The definitions (`NAME (file:line)`) all of them reach and no helper
    /// that agrees reaches.
    pub meets_at: Vec<String>,
    pub consequence_count: usize,
    pub consequences: Vec<ConsequenceSummary>,
}

impl CauseSummary {
    /// The summary of `cause`; marks each consequence's finding with it.
    pub fn of(cause: &Cause, findings: &mut [FindingSummary]) -> CauseSummary {
        let helper = findings[cause.finding].helper.clone();
        let siblings = cause
            .siblings
            .iter()
            .map(|&i| {
                findings[i].root_cause = Some(helper.clone());
                findings[i].helper.clone()
            })
            .collect();
        let consequences = cause
            .consequences
            .iter()
            .map(|&i| {
                let f = &mut findings[i];
                f.root_cause = Some(helper.clone());
                ConsequenceSummary {
                    finding: i,
                    helper: f.helper.clone(),
                    kind: f.kind,
                    property: f.property,
                    how: f.how,
                    inputs: f.inputs.clone(),
                }
            })
            .collect::<Vec<_>>();
        let f = &findings[cause.finding];
        CauseSummary {
            finding: cause.finding,
            helper,
            kind: f.kind,
            property: f.property,
            how: f.how,
            inputs: f.inputs.clone(),
            reproducer: f.reproducer.clone(),
            siblings,
            meets_at: cause.meets_at.clone(),
            consequence_count: consequences.len(),
            consequences,
        }
    }
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
    /// Every pair of kernels on each one's spelling of a meaning.
    pub across_versions: super::across::AcrossVersions,
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
    /// The findings no other finding explains, first; each lists the
    /// findings it explains.
    pub causes: Vec<CauseSummary>,
    /// Every finding, causes and consequences, in the order first seen.
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
        root_cause: None,
        seen_in: seen.variants.clone(),
        inputs: seen.inputs.clone(),
        hits: seen.hits,
        first_after: seen.after.as_secs_f64(),
        bucket: f.signature.bucket(),
        known: super::known::why(&f.signature.bucket()),
    }
}

impl FindingSummary {
    /// `value`, `warning`, `bug` or the property broken, for a table cell.
    fn what_differs(&self) -> String {
        self.property
            .map_or(self.how.to_string(), |p| format!("property `{p}`"))
    }

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
    /// Nothing found but what `known-findings.toml` lists: `check` exits 0.
    pub fn clean(&self) -> bool {
        self.findings.iter().all(|f| f.known.is_some())
            && self.build_findings.is_empty()
            && self.across_versions.agree()
    }

    fn outcome_line(&self) -> String {
        let mut parts = Vec::new();
        if !self.findings.is_empty() {
            let first = self
                .findings
                .iter()
                .map(|f| f.first_after)
                .fold(f64::INFINITY, f64::min);
            let causes = match self.causes.len() {
                1 => "1 root cause".to_string(),
                n => format!("{n} root causes"),
            };
            let known = self.findings.iter().filter(|f| f.known.is_some()).count();
            parts.push(format!(
                "{causes} ({} findings{}), the first after {first:.2} s",
                self.findings.len(),
                if known > 0 {
                    format!(", {known} of them known to be the kernel's")
                } else {
                    String::new()
                }
            ));
        }
        if !self.build_findings.is_empty() {
            parts.push(format!(
                "{} variants whose build disagrees with the model",
                self.build_findings.len()
            ));
        }
        if !self.across_versions.disagreements.is_empty() {
            parts.push(format!(
                "{} unexplained differences between kernel versions",
                self.across_versions.disagreements.len()
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
            s.push_str(&format!(
                ", verified: {}: {} helpers, {} cases, {} compared with the model",
                k.verified, k.helpers, k.cases, k.compared
            ));
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
        s.push_str(&self.across_versions.to_markdown());
        if !self.causes.is_empty() {
            s.push_str("\n## Root causes\n\n| # | helper | what differs | inputs | variants | consequences |\n|---|---|---|---|---|---|\n");
            for (i, c) in self.causes.iter().enumerate() {
                let f = &self.findings[c.finding];
                let mut helpers = format!("`{}`", f.helper);
                if f.known.is_some() {
                    helpers.push_str(" (known)");
                }
                for sibling in &c.siblings {
                    helpers.push_str(&format!(", `{sibling}`"));
                }
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} of {} | {} |\n",
                    i + 1,
                    helpers,
                    f.what_differs(),
                    f.inputs.join(", "),
                    f.seen_in.len(),
                    self.variants.len(),
                    c.consequence_count,
                ));
            }
        }
        for (i, c) in self.causes.iter().enumerate() {
            let f = &self.findings[c.finding];
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
            if let Some(why) = f.known {
                s.push_str(&format!(
                    "- known (known-findings.toml; not counted in the exit status): {why}\n"
                ));
            }
            if !c.siblings.is_empty() {
                let quoted = |v: &[String]| {
                    v.iter()
                        .map(|x| format!("`{x}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                s.push_str(&format!(
                    "- with {}, wrong on the same inputs: they all reach {}, which no helper that agrees reaches\n",
                    quoted(&c.siblings),
                    quoted(&c.meets_at)
                ));
            }
            if !c.consequences.is_empty() {
                let on = if c.siblings.is_empty() {
                    format!("`{}`", f.helper)
                } else {
                    "them".to_string()
                };
                s.push_str(&format!(
                    "- {} consequences (helpers built on {on}, wrong on the same inputs):\n",
                    c.consequence_count
                ));
                for q in &c.consequences {
                    let cf = &self.findings[q.finding];
                    s.push_str(&format!(
                        "  - `{}`: {} on {}\n",
                        cf.helper,
                        cf.what_differs(),
                        cf.inputs.join(", ")
                    ));
                }
            }
        }
        if !self.findings.is_empty() {
            s.push_str("\n## All findings\n\n| # | helper | what differs | inputs | variants | root cause | first after |\n|---|---|---|---|---|---|---|\n");
            for (i, f) in self.findings.iter().enumerate() {
                s.push_str(&format!(
                    "| {} | `{}` | {} | {} | {} of {} | {} | {:.2} s |\n",
                    i + 1,
                    f.helper,
                    f.what_differs(),
                    f.inputs.join(", "),
                    f.seen_in.len(),
                    self.variants.len(),
                    f.root_cause
                        .as_ref()
                        .map_or("itself".to_string(), |c| format!("`{c}`")),
                    f.first_after
                ));
            }
        }
        s
    }
}
