//! From settings to headers ready to compile: resolve each kernel, apply the
//! patches to a private copy of the files the harness reads, and extract.
//! `build.rs` calls this; the C compilation itself stays in `build.rs`.

use crate::config;
use crate::extract::{self, HeaderFacts};
use crate::kconfig::Kconfig;
use crate::patch::{self, PatchReport};
use crate::settings::Settings;
use crate::{source, KernelTree};
use std::path::{Path, PathBuf};

/// One kernel, patched and extracted under `work_dir`.
#[derive(Debug, Clone)]
pub struct PreparedKernel {
    pub tree: KernelTree,
    /// The tree the harness actually read: the private patched copy, or `tree.root`.
    pub read_root: PathBuf,
    pub patch_report: Option<PatchReport>,
    pub facts: HeaderFacts,
    /// Holds the verbatim and extracted headers, to be put on the include path.
    pub include_dir: PathBuf,
    /// This is kernel `i` without `LEAFDIFF_PATCHES` (`LEAFDIFF_BASE=1`).
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
    let mut kernels: Vec<PreparedKernel> = trees
        .iter()
        .enumerate()
        .map(|(i, tree)| prepare_one(settings, tree.clone(), &work_dir.join(format!("k{i}"))))
        .collect::<Result<_, _>>()?;
    if settings.base && !settings.patches.is_empty() {
        let unpatched = Settings {
            patches: Vec::new(),
            ..settings.clone()
        };
        for (i, tree) in trees.into_iter().enumerate() {
            let dir = work_dir.join(format!("k{}", kernels.len()));
            let base = prepare_one(&unpatched, tree, &dir)?;
            kernels.push(PreparedKernel {
                base_of: Some(i),
                ..base
            });
        }
    }
    Ok(kernels)
}

fn prepare_one(
    settings: &Settings,
    tree: KernelTree,
    dir: &Path,
) -> Result<PreparedKernel, PrepareError> {
    let label = tree.root.display().to_string();
    let (read_root, patch_report) = if settings.patches.is_empty() {
        (tree.root.clone(), None)
    } else {
        let copy = dir.join("patched");
        // A fresh copy every time: a stale one could hide a patch that no longer applies.
        let _ = std::fs::remove_dir_all(&copy);
        let report =
            patch::apply_series(&tree.root, &extract::read_files(), &settings.patches, &copy)
                .map_err(|source| PrepareError::Patch {
                    kernel: label.clone(),
                    source,
                })?;
        (copy, Some(report))
    };
    let include_dir = dir.join("include");
    let facts =
        extract::extract(&read_root, &include_dir).map_err(|source| PrepareError::Extract {
            kernel: label,
            source,
        })?;
    Ok(PreparedKernel {
        tree,
        read_root,
        patch_report,
        facts,
        include_dir,
        base_of: None,
    })
}
