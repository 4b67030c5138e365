//! `leafdiff bisect`: the first kernel of a range where a finding appears
//! (ARCHITECTURE.md §8). The range is the kernels of the build, in the order
//! `LEAFDIFF_KERNEL` lists them (oldest first), narrowed by
//! `LEAFDIFF_VARIANTS`; each one is asked on its own, whatever series the
//! finding's case names, so trees of one series bisect too. A finding is a
//! case file (reproducer, corpus or crash file), which is replayed, or a
//! signature as `check` prints it, which the sweep looks for (the variant
//! part aside: labels differ between kernels). Where it first appears, the
//! header hunks that differ from the last kernel without it are shown: those
//! that mention the helper or what its definition uses, else all.

use super::case::KernelSelector;
use super::{sweep, Case, Engine, Target};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What to look for on each kernel.
pub enum Wanted {
    Case(Case),
    /// `what`, `input` and `how` of a signature (`check`'s format).
    Signature {
        what: String,
        input: String,
        how: String,
    },
}

impl Wanted {
    /// A signature as `check` prints it: `what | variant | input | how`,
    /// where `what` may itself be `property NAME | helper`.
    pub fn signature(text: &str) -> Option<Wanted> {
        let parts: Vec<&str> = text.split(" | ").map(str::trim).collect();
        let [what @ .., _variant, input, how] = parts.as_slice() else {
            return None;
        };
        (!what.is_empty()).then(|| Wanted::Signature {
            what: what.join(" | "),
            input: input.to_string(),
            how: how.to_string(),
        })
    }

    /// The helper the finding is about.
    pub fn helper(&self) -> &str {
        match self {
            Wanted::Case(c) => c.helper.name,
            Wanted::Signature { what, .. } => what.rsplit(" | ").next().unwrap_or(what),
        }
    }

    /// Whether it appears on this one-kernel engine; `None`: it cannot run
    /// there (the kernel lacks the helper or the config the case needs).
    fn appears(&self, engine: &Engine) -> Option<bool> {
        match self {
            Wanted::Case(case) => {
                let any = Case {
                    kernel: KernelSelector {
                        series: (0, 0),
                        ..case.kernel
                    },
                    ..case.clone()
                };
                let variant = engine.variant_for(&any)?;
                engine.variants[variant]
                    .has_spec(any.helper)
                    .then_some(())?;
                Some(!engine.run(&any).is_empty())
            }
            Wanted::Signature { what, input, how } => {
                let found = sweep::cases(engine, &Target::ALL).any(|case| {
                    engine.run(&case).iter().any(|f| {
                        let s = &f.signature;
                        &s.what == what && &s.input == input && s.how == how
                    })
                });
                Some(found)
            }
        }
    }
}

/// One kernel of the range and what it showed.
pub struct Verdict {
    pub kernel: usize,
    pub title: String,
    pub include_dir: PathBuf,
    /// `None`: the finding cannot run there.
    pub appears: Option<bool>,
}

pub struct Bisection {
    pub verdicts: Vec<Verdict>,
    /// Indices into `verdicts`.
    pub last_good: Option<usize>,
    pub first_bad: Option<usize>,
    /// `diff -u` hunks between the last good and the first bad headers.
    pub hunks: String,
}

pub fn bisect(engine: &Engine, wanted: &Wanted) -> std::io::Result<Bisection> {
    let verdicts: Vec<Verdict> = engine
        .kernel_indices()
        .into_iter()
        .map(|k| {
            let meta = &crate::oracle::kernels()[k];
            Verdict {
                kernel: k,
                title: meta.title(),
                include_dir: PathBuf::from(meta.include_dir),
                appears: wanted.appears(&engine.of_kernel(k)),
            }
        })
        .collect();
    let first_bad = verdicts.iter().position(|v| v.appears == Some(true));
    let last_good =
        first_bad.and_then(|b| verdicts[..b].iter().rposition(|v| v.appears == Some(false)));
    let hunks = match (last_good, first_bad) {
        (Some(g), Some(b)) => {
            let meta = &crate::oracle::kernels()[verdicts[b].kernel];
            let mut names = vec![wanted.helper()];
            names.extend(meta.refs_of(wanted.helper()));
            header_hunks(&verdicts[g].include_dir, &verdicts[b].include_dir, &names)?
        }
        _ => String::new(),
    };
    Ok(Bisection {
        verdicts,
        last_good,
        first_bad,
        hunks,
    })
}

impl Bisection {
    pub fn to_text(&self, what: &str) -> String {
        let mut s = format!(
            "bisect: {what}, over {} kernels in build order\n",
            self.verdicts.len()
        );
        for v in &self.verdicts {
            let verdict = match v.appears {
                Some(true) => "bad: the finding appears",
                Some(false) => "good",
                None => "cannot run there (helper or config absent)",
            };
            s.push_str(&format!("  k{} {}: {verdict}\n", v.kernel, v.title));
        }
        match (self.last_good, self.first_bad) {
            (Some(g), Some(b)) => s.push_str(&format!(
                "range: good up to k{} ({}), bad from k{} ({})\n\nheader hunks that differ there:\n{}",
                self.verdicts[g].kernel,
                self.verdicts[g].title,
                self.verdicts[b].kernel,
                self.verdicts[b].title,
                self.hunks
            )),
            (None, Some(b)) => s.push_str(&format!(
                "range: bad from the first kernel that can run it, k{} ({}); no good kernel before it\n",
                self.verdicts[b].kernel, self.verdicts[b].title
            )),
            _ => s.push_str("the finding appears on no kernel of the range\n"),
        }
        s
    }
}

/// Every header file under either directory, relative to it, sorted.
fn header_files(dirs: [&Path; 2]) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        walk(d, d, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// `diff -u` of the two header trees, hunk by hunk: those that mention one
/// of `names`, or every hunk when none does.
fn header_hunks(good: &Path, bad: &Path, names: &[&str]) -> std::io::Result<String> {
    let mut all: Vec<(String, String)> = Vec::new();
    for rel in header_files([good, bad]) {
        let side = |root: &Path| {
            let p = root.join(&rel);
            if p.is_file() {
                p
            } else {
                PathBuf::from("/dev/null")
            }
        };
        let out = Command::new("diff")
            .arg("-u")
            .arg("--label")
            .arg(format!("a/{}", rel.display()))
            .arg("--label")
            .arg(format!("b/{}", rel.display()))
            .arg(side(good))
            .arg(side(bad))
            .output()
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot run `diff` (diffutils) to compare the headers: {e}"),
                )
            })?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let header: String = lines.by_ref().take(2).map(|l| format!("{l}\n")).collect();
        let mut hunk = String::new();
        for line in lines {
            if line.starts_with("@@") && !hunk.is_empty() {
                all.push((header.clone(), std::mem::take(&mut hunk)));
            }
            hunk.push_str(line);
            hunk.push('\n');
        }
        if !hunk.is_empty() {
            all.push((header, hunk));
        }
    }
    let mentions = |h: &str| names.iter().any(|n| h.contains(n));
    let relevant: Vec<&(String, String)> = all.iter().filter(|(_, h)| mentions(h)).collect();
    let shown: Vec<&(String, String)> = if relevant.is_empty() {
        all.iter().collect()
    } else {
        relevant
    };
    let mut s = String::new();
    let mut last_header = "";
    for (header, hunk) in shown {
        if header != last_header {
            s.push_str(header);
            last_header = header;
        }
        s.push_str(hunk);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_parse_with_and_without_a_property() {
        let Some(Wanted::Signature { what, input, how }) =
            Wanted::signature("is_pfn_swap_entry | k0:SWAP | SWP_DEVICE_EXCLUSIVE_READ | value")
        else {
            panic!("a divergence signature parses");
        };
        assert_eq!(
            (what.as_str(), input.as_str(), how.as_str()),
            ("is_pfn_swap_entry", "SWP_DEVICE_EXCLUSIVE_READ", "value")
        );
        let p =
            Wanted::signature("property partition | softleaf_type | k1:none | swapfile | violated")
                .unwrap();
        assert_eq!(p.helper(), "softleaf_type");
        assert!(Wanted::signature("just a name").is_none());
    }

    #[test]
    fn only_hunks_naming_the_helper_are_shown_when_one_does() {
        let dir = tempfile::tempdir().unwrap();
        let (good, bad) = (dir.path().join("a"), dir.path().join("b"));
        for (root, body) in [
            (&good, "int f(void);\nint g(void);\n"),
            (&bad, "int f(int);\nint g(void);\n"),
        ] {
            std::fs::create_dir_all(root.join("linux")).unwrap();
            std::fs::write(root.join("linux/x.h"), body).unwrap();
        }
        std::fs::write(bad.join("linux/new.h"), "int h(void);\n").unwrap();
        let only_f = header_hunks(&good, &bad, &["f"]).unwrap();
        assert!(
            only_f.contains("+int f(int);") && !only_f.contains("new.h"),
            "{only_f}"
        );
        let all = header_hunks(&good, &bad, &["nothing"]).unwrap();
        assert!(
            all.contains("+++ b/linux/new.h") && all.contains("+int f(int);"),
            "{all}"
        );
    }
}
