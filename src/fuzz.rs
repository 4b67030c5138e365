//! The fuzz targets' input type and body: bytes in, a panic naming the
//! helper, variant, input and both results out. libFuzzer and AFL++ call
//! exactly this.

use crate::engine::case::{Case, Target};
use crate::engine::describe::{case_in_kernel_terms, TypeNames};
use crate::engine::reproducer::render_outcome;
use crate::engine::{Checks, Engine, FindingKind, Stats};
use std::sync::OnceLock;

/// After this many inputs a target that compared nothing is broken, not lucky.
const VACUOUS_AFTER: u64 = 10_000;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::from_env(Checks::default()).unwrap_or_else(|e| panic!("leafdiff: {e}"))
    })
}

/// A fuzz target's input: the case `Case::from_bytes` decodes from all of
/// the input's bytes for `Target::ALL[T]`. `arbitrary` (AFL++) and
/// `arbitrary_take_rest` (libFuzzer) both take every byte, so a file replays
/// as the same case in every engine, `repro` and the corpus replay; inputs of
/// another format version are rejected, not run. `Debug` shows the case in
/// kernel terms: what `cargo fuzz fmt` prints.
pub struct Input<const T: usize>(pub Case);

pub type EntryInput = Input<0>;
pub type PteInput = Input<1>;
pub type PropsInput = Input<2>;

impl<const T: usize> Input<T> {
    fn decode(bytes: &[u8]) -> arbitrary::Result<Self> {
        Case::from_bytes(Target::ALL[T], bytes)
            .map(Input)
            .map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a, const T: usize> arbitrary::Arbitrary<'a> for Input<T> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::decode(u.bytes(u.len())?)
    }

    fn arbitrary_take_rest(u: arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::decode(u.take_rest())
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        // Up to the helper id: a shorter input names no helper.
        (11, None)
    }
}

impl<const T: usize> std::fmt::Debug for Input<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Runs one case; panics on a finding, unless `known-findings.toml` lists
/// it: a known kernel bug would otherwise be every run's first crash.
pub fn run(case: &Case) {
    let engine = engine();
    let findings = engine.run(case);
    let s = &engine.stats;
    let n = Stats::get(&s.cases);
    if n == VACUOUS_AFTER && Stats::get(&s.compared) + Stats::get(&s.properties) == 0 {
        panic!("leafdiff: {n} inputs and nothing compared: no helper exists in both the C and the model");
    }
    let unknown = findings
        .iter()
        .find(|f| crate::engine::known::why(&f.signature.bucket()).is_none());
    if let Some(f) = unknown {
        let names = TypeNames::of(engine.variants[f.variant], f.case.args.knobs);
        let what = match &f.kind {
            FindingKind::Divergence { c, model } => format!(
                "kernel's C: {}\nmodel:      {}",
                render_outcome(f.case.helper.sig, c, &names),
                render_outcome(f.case.helper.sig, model, &names)
            ),
            FindingKind::Property {
                property, detail, ..
            } => format!("property {property}: {detail}"),
        };
        panic!(
            "leafdiff divergence in {}\nsignature: {}\ncase: {}\n{what}",
            f.helper,
            f.signature,
            case_in_kernel_terms(engine, f.variant, &f.case)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::case::FORMAT_VERSION;
    use arbitrary::{Arbitrary, Unstructured};

    /// A version-2 case of `helper` with a few argument bytes set.
    fn case_bytes(helper: &str) -> Vec<u8> {
        let id = crate::helpers::lookup(helper).unwrap().id;
        let mut bytes = vec![FORMAT_VERSION, 0, 0, 0, 0, 0, 0];
        bytes.extend(id.to_be_bytes());
        bytes.extend([0x70, 0, 0, 0, 0, 0, 0x2a]);
        bytes
    }

    #[test]
    fn every_engine_route_decodes_the_same_case() {
        let bytes = case_bytes("pte_swp_exclusive");
        let want = Case::from_bytes(Target::Pte, &bytes).unwrap();
        let taken = PteInput::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        let drawn = PteInput::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
        assert_eq!(taken.0, want);
        assert_eq!(drawn.0, want);
    }

    #[test]
    fn inputs_of_another_format_are_rejected() {
        assert!(EntryInput::arbitrary_take_rest(Unstructured::new(&[9, 1, 2])).is_err());
        assert!(EntryInput::arbitrary_take_rest(Unstructured::new(&[])).is_err());
    }

    #[test]
    fn debug_is_the_case_in_kernel_terms() {
        let bytes = case_bytes("softleaf_is_migration_read");
        let input = EntryInput::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        let shown = format!("{input:?}");
        assert!(shown.starts_with(input.0.helper.name), "{shown}");
    }
}
