//! Growing `corpus/<target>` from a run's new inputs without ever losing
//! one. libFuzzer's `-merge=1 A B...` copies into A each input of B... that
//! adds coverage A lacks; it writes in place, so an interrupt could leave
//! half a file in A. leafdiff therefore merges into a staging copy of the
//! corpus and then adopts the staging directory's new files into the corpus
//! one by one (temporary name, then rename): the corpus only ever gains
//! whole files, and nothing in it is deleted or overwritten.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Copies every file of `dir` into `staging` (created), so a merge into
/// `staging` starts from the corpus as it is.
pub fn stage(dir: &Path, staging: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(staging)?;
    for path in files(dir)? {
        let to = staging.join(path.file_name().expect("a file has a name"));
        if !to.exists() {
            std::fs::copy(&path, &to)?;
        }
    }
    Ok(())
}

/// The regular files directly in `dir` (none if it does not exist), sorted.
pub fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Adds to `corpus` each file of `staging` whose contents `corpus` does not
/// hold yet, under its staging name (a fresh name if that one is taken);
/// returns the files added.
pub fn adopt(staging: &Path, corpus: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(corpus)?;
    let mut have: BTreeSet<Vec<u8>> = BTreeSet::new();
    for path in files(corpus)? {
        have.insert(std::fs::read(&path)?);
    }
    let mut added = Vec::new();
    for path in files(staging)? {
        let bytes = std::fs::read(&path)?;
        if have.contains(&bytes) {
            continue;
        }
        let name = path
            .file_name()
            .expect("a file has a name")
            .to_string_lossy()
            .into_owned();
        added.push(add_file(corpus, &name, &bytes)?);
        have.insert(bytes);
    }
    Ok(added)
}

/// Writes `bytes` into `dir` as `name`, or `name.N` if taken: to a hidden
/// temporary file first, then hard-linked to its name, which fails rather
/// than replace a file another process put there meanwhile.
fn add_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    let mut result = Err(std::io::Error::other("no free name"));
    for n in 0..1000 {
        let to = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{name}.{n}"))
        };
        match std::fs::hard_link(&tmp, &to) {
            Ok(()) => {
                result = Ok(to);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    std::fs::remove_file(&tmp)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real case files from the repository's corpus.
    fn seeds(n: usize) -> Vec<(String, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/diff_entry");
        let out: Vec<(String, Vec<u8>)> = files(&dir)
            .unwrap()
            .into_iter()
            .take(n)
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        assert_eq!(out.len(), n, "corpus/diff_entry holds at least {n} cases");
        out
    }

    #[test]
    fn a_merge_adds_only_new_inputs_and_loses_none() {
        let tmp = tempfile::tempdir().unwrap();
        let (corpus, staging) = (tmp.path().join("corpus"), tmp.path().join("staging"));
        std::fs::create_dir_all(&corpus).unwrap();
        let cases = seeds(4);
        for (name, bytes) in &cases[..2] {
            std::fs::write(corpus.join(name), bytes).unwrap();
        }
        stage(&corpus, &staging).unwrap();
        assert_eq!(files(&staging).unwrap().len(), 2);
        // What libFuzzer's merge leaves: the corpus plus new inputs, named by hash.
        std::fs::write(staging.join("3c1f0a"), &cases[2].1).unwrap();
        std::fs::write(staging.join("9ab2e7"), &cases[3].1).unwrap();
        let added = adopt(&staging, &corpus).unwrap();
        assert_eq!(added.len(), 2, "{added:?}");
        let mut held: Vec<Vec<u8>> = files(&corpus)
            .unwrap()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        held.sort();
        let mut want: Vec<Vec<u8>> = cases.iter().map(|(_, b)| b.clone()).collect();
        want.sort();
        assert_eq!(held, want);
        // Adopting again adds nothing: the corpus already holds every input.
        assert!(adopt(&staging, &corpus).unwrap().is_empty());
    }

    #[test]
    fn a_name_taken_by_other_contents_is_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let (corpus, staging) = (tmp.path().join("corpus"), tmp.path().join("staging"));
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::create_dir_all(&staging).unwrap();
        let cases = seeds(2);
        std::fs::write(corpus.join("same-name"), &cases[0].1).unwrap();
        std::fs::write(staging.join("same-name"), &cases[1].1).unwrap();
        let added = adopt(&staging, &corpus).unwrap();
        assert_eq!(added, vec![corpus.join("same-name.1")]);
        assert_eq!(std::fs::read(corpus.join("same-name")).unwrap(), cases[0].1);
        assert_eq!(std::fs::read(&added[0]).unwrap(), cases[1].1);
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&corpus).unwrap().count(), 2);
    }
}
