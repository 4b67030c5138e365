//! From settings to headers ready to compile: resolve each kernel, apply the
//! patches to a private copy of the files the harness reads, and extract.
//! `build.rs` calls this; the C compilation itself stays in `build.rs`.

use crate::arch::Arch;
use crate::config;
use crate::extract::{self, HeaderFacts};
use crate::kconfig::Kconfig;
use crate::patch::{self, PatchReport};
use crate::settings::Settings;
use crate::{source, KernelTree};
use std::path::{Path, PathBuf};

/// One kernel's headers for one arch, patched and extracted under `work_dir`.
#[derive(Debug, Clone)]
pub struct PreparedKernel {
    pub tree: KernelTree,
    /// Which of the resolved trees this is (`k0`, `k1`, ... in labels).
    pub tree_index: usize,
    pub arch: &'static Arch,
    /// The tree the harness actually read: the private patched copy, or `tree.root`.
    pub read_root: PathBuf,
    pub patch_report: Option<PatchReport>,
    pub facts: HeaderFacts,
    /// Holds the verbatim and extracted headers, to be put on the include path.
    pub include_dir: PathBuf,
    /// This is prepared kernel `i` (same tree and arch) without
    /// `LEAFDIFF_PATCHES` (`LEAFDIFF_BASE=1`).
    pub base_of: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Source(#[from] source::SourceError),
    #[error("applying LEAFDIFF_PATCHES to {kernel}: {source}")]
    Patch {
        kernel: String,
        source: patch::PatchError,
    },
    #[error(
        "{kernel} has the headers of none of the arches asked for ({asked}): is it a kernel tree?"
    )]
    NoArch { kernel: String, asked: String },
    #[error("extracting from {kernel}: {source}")]
    Extract {
        kernel: String,
        source: extract::ExtractError,
    },
}

pub fn prepare(
    settings: &Settings,
    pin_file: &Path,
    work_dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<PreparedKernel>, PrepareError> {
    let trees = source::resolve(settings, pin_file, log)?;
    for tree in &trees {
        if let Some(kconfig) = Kconfig::read_tree(&tree.root) {
            for mismatch in config::kconfig_mismatches(&kconfig) {
                log(&format!("{}: {mismatch}", tree.root.display()));
            }
        }
    }
    let mut kernels = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        let dir = work_dir.join(format!("k{i}"));
        kernels.extend(prepare_tree(settings, tree.clone(), i, &dir, log)?);
    }
    if settings.base && !settings.patches.is_empty() {
        let unpatched = Settings {
            patches: Vec::new(),
            ..settings.clone()
        };
        let patched = kernels.len();
        let n = trees.len();
        for (i, tree) in trees.into_iter().enumerate() {
            // A base is a tree of its own in labels: `k{n + i}`.
            let dir = work_dir.join(format!("k{}", n + i));
            for base in prepare_tree(&unpatched, tree, n + i, &dir, log)? {
                let of = (0..patched)
                    .find(|&p| kernels[p].tree_index == i && kernels[p].arch == base.arch);
                kernels.push(PreparedKernel {
                    base_of: of,
                    ..base
                });
            }
        }
    }
    Ok(kernels)
}

/// One tree, patched once, extracted for every arch asked for that it has.
fn prepare_tree(
    settings: &Settings,
    tree: KernelTree,
    tree_index: usize,
    dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Vec<PreparedKernel>, PrepareError> {
    let label = tree.root.display().to_string();
    let (arches, missing): (Vec<&'static Arch>, Vec<&'static Arch>) = settings
        .arches
        .iter()
        .partition(|a| a.missing_in(&tree.root).is_empty());
    for a in &missing {
        log(&format!(
            "{label}: leaving out {}: the tree lacks {} (its headers, and what its shims are written for)",
            a.name,
            a.missing_in(&tree.root).join(", ")
        ));
    }
    if arches.is_empty() {
        return Err(PrepareError::NoArch {
            kernel: label,
            asked: settings
                .arches
                .iter()
                .map(|a| a.name)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let (read_root, patch_report) = patch_tree(settings, &tree, dir)?;
    arches
        .into_iter()
        .map(|arch| {
            let include_dir = dir.join(arch.name).join("include");
            let facts = extract::extract(&read_root, arch, &include_dir).map_err(|source| {
                PrepareError::Extract {
                    kernel: format!("{label} ({})", arch.name),
                    source,
                }
            })?;
            Ok(PreparedKernel {
                tree: tree.clone(),
                tree_index,
                arch,
                read_root: read_root.clone(),
                patch_report: patch_report.clone(),
                facts,
                include_dir,
                base_of: None,
            })
        })
        .collect()
}

/// The tree to read: a private patched copy when there are patches.
fn patch_tree(
    settings: &Settings,
    tree: &KernelTree,
    dir: &Path,
) -> Result<(PathBuf, Option<PatchReport>), PrepareError> {
    if settings.patches.is_empty() {
        return Ok((tree.root.clone(), None));
    }
    let copy = dir.join("patched");
    // A fresh copy every time: a stale one could hide a patch that no longer applies.
    let _ = std::fs::remove_dir_all(&copy);
    let report = patch::apply_series(&tree.root, &extract::read_files(), &settings.patches, &copy)
        .map_err(|source| PrepareError::Patch {
            kernel: tree.root.display().to_string(),
            source,
        })?;
    Ok((copy, Some(report)))
}
