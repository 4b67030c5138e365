//! The differential engine: evaluates a case on a C variant and on the model,
//! compares every output (value, warning, BUG), checks model-free properties,
//! and names each finding by a stable signature. `check`, the fuzz targets
//! and the corpus replay all go through `Engine::run`.

pub mod across;
pub mod bisect;
pub mod case;
pub mod causes;
pub mod check;
pub mod describe;
pub mod diff;
pub mod inventory;
pub mod known;
pub mod minimize;
pub mod properties;
pub mod report;
pub mod reproducer;
pub mod sweep;

use crate::call::{Args, Evaluate, Outcome};
use crate::helpers::HelperSpec;
use crate::model::{Features, Model};
use crate::oracle::{self, evaluator, select, Variant};
pub use case::{Case, Target};
pub use signature::Signature;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which checks a run performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    pub differential: bool,
    pub properties: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            differential: true,
            properties: true,
        }
    }
}

/// Something the harness found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// C and model disagree.
    Divergence { c: Outcome, model: Outcome },
    /// A model-free property failed on the C alone.
    Property {
        property: &'static str,
        detail: String,
        /// The call of the breaking helper that shows it, for reproducers.
        call: Box<Case>,
        /// What that call should answer, where the property says.
        expected: Option<u64>,
        /// The call whose answer is `call`'s argument, where a reproducer
        /// must make it (a round trip's encoder).
        arg_from: Option<Box<Case>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub case: Case,
    /// The helper the finding is about (for properties, the one that broke it).
    pub helper: &'static str,
    pub variant: usize,
    pub signature: Signature,
}

/// Counts of what really ran, so that a run which compared nothing fails loudly.
#[derive(Debug, Default)]
pub struct Stats {
    pub cases: AtomicU64,
    pub compared: AtomicU64,
    pub properties: AtomicU64,
    /// Helper absent from the C or the model for that variant.
    pub skipped: AtomicU64,
    /// Cases and differential comparisons per kernel (one tree for one
    /// arch), in `Engine::kernels` order.
    pub kernel_cases: Vec<AtomicU64>,
    pub kernel_compared: Vec<AtomicU64>,
}

impl Stats {
    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }
    fn bump(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }
}

pub struct Engine {
    pub variants: Vec<&'static Variant>,
    models: Vec<Model>,
    /// The variants of each kernel that has any, in kernel order.
    by_kernel: Vec<Vec<usize>>,
    /// The selector naming each of those kernels exactly: worked out once,
    /// since every case is matched against it.
    selectors: Vec<case::KernelSelector>,
    /// Each variant's position in `by_kernel`.
    kernel_of: Vec<usize>,
    pub checks: Checks,
    pub stats: Stats,
}

impl Engine {
    /// An engine over every compiled variant of the kernels under test
    /// (not the unpatched bases `LEAFDIFF_BASE=1` adds for `leafdiff diff`).
    pub fn new(checks: Checks) -> Engine {
        Engine::over(checks, under_test(oracle::variants().iter().collect()))
    }

    /// An engine over the variants `LEAFDIFF_VARIANTS` selects (all when unset).
    pub fn from_env(checks: Checks) -> Result<Engine, select::SelectError> {
        Self::from_env_with_bases(checks).map(|e| {
            let variants = under_test(e.variants);
            Engine::over(checks, variants)
        })
    }

    /// As `from_env`, with the unpatched base kernels too.
    pub fn from_env_with_bases(checks: Checks) -> Result<Engine, select::SelectError> {
        let spec = std::env::var(select::ENV).unwrap_or_default();
        Ok(Engine::over(
            checks,
            select::select(oracle::variants(), &spec)?,
        ))
    }

    fn over(checks: Checks, variants: Vec<&'static Variant>) -> Engine {
        let models = variants.iter().map(|v| model_for(v)).collect();
        let by_kernel = (0..oracle::kernels().len())
            .map(|k| {
                (0..variants.len())
                    .filter(|&i| variants[i].meta.kernel == k)
                    .collect::<Vec<_>>()
            })
            .filter(|of_kernel: &Vec<usize>| !of_kernel.is_empty())
            .collect::<Vec<_>>();
        let selectors = by_kernel
            .iter()
            .map(|of| selector_of(variants[of[0]].kernel()))
            .collect();
        let mut kernel_of = vec![0; variants.len()];
        for (k, of) in by_kernel.iter().enumerate() {
            for &v in of {
                kernel_of[v] = k;
            }
        }
        let per_kernel = || (0..by_kernel.len()).map(|_| AtomicU64::new(0)).collect();
        let stats = Stats {
            kernel_cases: per_kernel(),
            kernel_compared: per_kernel(),
            ..Stats::default()
        };
        Engine {
            variants,
            models,
            by_kernel,
            selectors,
            kernel_of,
            checks,
            stats,
        }
    }

    /// The kernels of the engine's variants, each once, in build order.
    pub fn kernels(&self) -> Vec<&'static oracle::KernelMeta> {
        self.by_kernel
            .iter()
            .map(|of| self.variants[of[0]].kernel())
            .collect()
    }

    /// The build's index of each kernel of the engine's variants, in build order.
    pub fn kernel_indices(&self) -> Vec<usize> {
        self.by_kernel
            .iter()
            .map(|of| self.variants[of[0]].meta.kernel)
            .collect()
    }

    /// An engine over this one's variants of kernel `kernel` (a build index).
    pub fn of_kernel(&self, kernel: usize) -> Engine {
        let variants = self
            .variants
            .iter()
            .copied()
            .filter(|v| v.meta.kernel == kernel)
            .collect();
        Engine::over(self.checks, variants)
    }

    pub fn model(&self, variant: usize) -> &Model {
        &self.models[variant]
    }

    /// The variant a case selects: the first variant (in kernel, then
    /// config order) of the arch, series and features it names, whose config
    /// has the option values it requires. `None`: this build has none.
    pub fn variant_for(&self, case: &Case) -> Option<usize> {
        let mask = u32::from(case.config_mask);
        let want = u32::from(case.config_bits) & mask;
        self.by_kernel
            .iter()
            .zip(&self.selectors)
            .filter(|(of, _)| self.variants[of[0]].arch().id == case.arch)
            .filter(|(_, have)| have.satisfies(&case.kernel))
            .flat_map(|(of, _)| of.iter().copied())
            .find(|&i| self.variants[i].meta.config_bits & mask == want)
    }

    /// Makes `case` name exactly the variant it runs on, so reproducers are explicit.
    pub fn pin_variant(&self, case: &Case) -> Option<Case> {
        self.variant_for(case).map(|v| self.pinned(case, v))
    }

    fn pinned(&self, case: &Case, variant: usize) -> Case {
        let v = self.variants[variant];
        let k = self
            .by_kernel
            .iter()
            .position(|of| of.contains(&variant))
            .expect("every variant has its kernel");
        Case {
            kernel: self.selectors[k],
            config_mask: u8::MAX,
            config_bits: v.meta.config_bits as u8,
            ..case.clone()
        }
    }

    /// Both sides of one helper call on one variant; `None` if either lacks it.
    pub fn evaluate(
        &self,
        variant: usize,
        helper: &HelperSpec,
        args: &Args,
    ) -> Option<(Outcome, Outcome)> {
        let c = self.variants[variant].eval(helper, args)?;
        let m = self.models[variant].eval(helper, args)?;
        Some((c, m))
    }

    /// Runs every enabled check for `case`; findings come back unminimized.
    pub fn run(&self, case: &Case) -> Vec<Finding> {
        self.run_many(std::slice::from_ref(case))
            .pop()
            .expect("one case, one list")
    }

    /// `run` on each case. Cases on 32-bit variants are evaluated together
    /// (`evaluator::batched`), a round trip per dependent call for all of them.
    pub fn run_many(&self, cases: &[Case]) -> Vec<Vec<Finding>> {
        let variants: Vec<Option<usize>> = cases.iter().map(|c| self.variant_for(c)).collect();
        let remote = variants
            .iter()
            .flatten()
            .any(|&v| self.variants[v].in_evaluator());
        let tallied = |(case, &variant): &(&Case, &Option<usize>)| {
            let mut tally = Tally::default();
            (self.run_tallied(case, variant, &mut tally), tally)
        };
        let work: Vec<(&Case, &Option<usize>)> = cases.iter().zip(&variants).collect();
        let results = if remote {
            evaluator::batched(&work, tallied)
        } else {
            work.iter().map(tallied).collect()
        };
        results
            .into_iter()
            .map(|(findings, tally)| {
                self.count(&tally);
                findings
            })
            .collect()
    }

    /// Adds what one case ran to the stats, once its pass is the one that counts.
    fn count(&self, t: &Tally) {
        Stats::bump(&self.stats.cases, 1);
        Stats::bump(&self.stats.skipped, t.skipped);
        Stats::bump(&self.stats.compared, t.compared);
        Stats::bump(&self.stats.properties, t.properties);
        if let Some(k) = t.kernel {
            Stats::bump(&self.stats.kernel_cases[k], 1);
            Stats::bump(&self.stats.kernel_compared[k], t.compared);
        }
    }

    fn run_tallied(&self, case: &Case, variant: Option<usize>, tally: &mut Tally) -> Vec<Finding> {
        let Some(variant) = variant else {
            tally.skipped += 1;
            return Vec::new();
        };
        let case = self.pinned(case, variant);
        tally.kernel = Some(self.kernel_of[variant]);
        let mut findings = Vec::new();
        if self.checks.differential && case.target != Target::Props {
            findings.extend(self.differential(&case, variant, tally));
        }
        if self.checks.properties && case.target == Target::Props {
            let violations = properties::check(self, variant, &case.args);
            tally.properties += 1;
            findings.extend(violations.into_iter().map(|v| {
                let signature = signature::property(self, variant, &v, &case.args);
                let call = Case::call(&case, v.read_by.unwrap_or(v.helper), v.arg);
                let helper = v.helper.name;
                Finding {
                    kind: FindingKind::Property {
                        property: v.property,
                        detail: v.detail,
                        call: Box::new(call),
                        expected: v.expected,
                        arg_from: v
                            .arg_from
                            .map(|(helper, a)| Box::new(Case::call(&case, helper, a))),
                    },
                    helper,
                    case: case.clone(),
                    variant,
                    signature,
                }
            }));
        }
        findings
    }

    fn differential(&self, case: &Case, variant: usize, tally: &mut Tally) -> Option<Finding> {
        let Some((c, m)) = self.evaluate(variant, case.helper, &case.args) else {
            tally.skipped += 1;
            return None;
        };
        tally.compared += 1;
        if agree(&c, &m) {
            return None;
        }
        Some(Finding {
            kind: FindingKind::Divergence { c, model: m },
            helper: case.helper.name,
            signature: signature::divergence(self, variant, case, &c, &m),
            case: case.clone(),
            variant,
        })
    }
}

/// What one case ran, counted into `Stats` only from the pass that counts
/// (a batched case may be run more than once).
#[derive(Debug, Default)]
struct Tally {
    skipped: u64,
    compared: u64,
    properties: u64,
    /// The case's kernel, in `by_kernel` order, once it had a variant.
    kernel: Option<usize>,
}

/// After a BUG_ON the kernel would not have returned, so only the BUG itself
/// is compared; otherwise value and warning both must match.
pub fn agree(c: &Outcome, m: &Outcome) -> bool {
    if c.bugged || m.bugged {
        return c.bugged == m.bugged;
    }
    c == m
}

fn under_test(variants: Vec<&'static Variant>) -> Vec<&'static Variant> {
    variants
        .into_iter()
        .filter(|v| v.kernel().base_of.is_none())
        .collect()
}

/// The (major, minor) series of a kernel version such as `7.3~rc7-1~exp1` or `7.2.13`.
pub fn series(version: &str) -> Option<(u8, u8)> {
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The features a kernel's headers have, as a case names them.
fn features_of(k: &oracle::KernelMeta) -> u8 {
    let f = Features::from_defined(k.arch, &|n| k.defines(n));
    if f.device_migration {
        case::FEATURE_DEVICE_MIGRATION
    } else {
        0
    }
}

/// The selector that names exactly this kernel's series and features.
pub fn selector_of(k: &oracle::KernelMeta) -> case::KernelSelector {
    case::KernelSelector {
        series: series(k.version).unwrap_or((0, 0)),
        features: features_of(k),
    }
}

fn model_for(v: &Variant) -> Model {
    Model::new(
        v.arch(),
        v.config.clone(),
        Features::from_defined(v.arch(), &|n| v.defines(n)),
    )
}

pub mod signature;
