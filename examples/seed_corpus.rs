//! Writes the seed corpora `corpus/<target>/`: for every helper of a target,
//! one case per swap type number (arguments shaped by its signature), on
//! any kernel and config of the build that runs it (the corpus replay runs
//! each on every variant). Run: `cargo run --example seed_corpus`.

use leafdiff::call::{Args, Page};
use leafdiff::engine::case::{Case, KernelSelector, Target, ARCH_X86_64};
use leafdiff::helpers::{HelperSpec, Sig};
use std::path::Path;

fn args_for(sig: Sig, ty: u64) -> Args {
    let entry = ty << 58 | 0x1234;
    let a = match sig {
        Sig::TypeOffsetToEntry => ty,
        Sig::WordToEntry | Sig::WordToPte => 1 << (ty % 64),
        Sig::RadixToEntry => entry << 1 | 1,
        // A swap PTE of type `ty` as x86 lays it out: type on top, offset inverted.
        Sig::PteToEntry | Sig::PteToPte | Sig::PteToBool | Sig::PteToPage => {
            ty << 59 | (!0x1234u64 & ((1 << 50) - 1)) << 9
        }
        _ => entry,
    };
    Args {
        a,
        b: 0x1234,
        page: Page {
            pfn: 0x1234,
            device_private: ty % 2 == 1,
            anon: true,
            locked: !ty.is_multiple_of(3),
        },
        ..Args::default()
    }
}

/// Every helper the model knows, in every prototype it knows: seeds for
/// kernels and series this build may not have (a case names its helper by
/// id, so a seed for an absent helper is skipped, not misread).
fn every_known_prototype() -> impl Iterator<Item = &'static HelperSpec> {
    leafdiff_kernel::helpers::KNOWN.iter().flat_map(|k| {
        k.sigs
            .iter()
            .map(move |&sig| &*Box::leak(Box::new(k.spec(sig))))
    })
}

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for target in [Target::Entry, Target::Pte, Target::Props] {
        let dir = root.join(target.name());
        std::fs::create_dir_all(&dir)?;
        for helper in every_known_prototype().filter(|h| target.owns(h)) {
            if target == Target::Props && helper.name != "softleaf_type" {
                continue;
            }
            let types: &[u64] = if helper.sig == Sig::Const {
                &[0]
            } else {
                &[0, 1, 24, 25, 26, 27, 28, 29, 30, 31]
            };
            for &ty in types {
                let case = Case {
                    target,
                    arch: ARCH_X86_64,
                    kernel: KernelSelector::default(),
                    config_mask: 0,
                    config_bits: 0,
                    helper,
                    args: args_for(helper.sig, ty),
                };
                let shape = match helper.sig {
                    Sig::PageFlagsToEntry => "-flags",
                    _ => "",
                };
                std::fs::write(
                    dir.join(format!("{}{shape}-type{ty}", helper.name)),
                    case.to_bytes(),
                )?;
            }
        }
    }
    Ok(())
}
