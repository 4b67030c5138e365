//! LEAFDIFF_PATCHES (README: "Checking a patch series"): applying patch files and saved mail series
//! to a private copy of the kernel files leafdiff reads, never to the
//! user's tree.
//!
//! A posted series drifts against a released kernel, so hunks apply as GNU
//! `patch` does by default (offsets, then fuzz up to 2) and the report says
//! which needed it. A series also touches `mm/*.c` and drivers that a
//! headers package lacks: hunks for files leafdiff does not read are skipped
//! and listed, while a hunk that does not apply to a file it reads is an
//! error naming the patch, the mail, the file and the hunk.

mod apply;
mod lines;
mod mail;
mod parse;
mod report;

pub use mail::PatchFormat;
pub use report::{
    FileChange, FileReport, HunkReport, MessageReport, MessageStatus, PatchFileReport, PatchReport,
};

use lines::FileText;
use mail::Message;
use parse::FileDiff;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where a diff came from: the patch file and, for a mail, its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub patch: PathBuf,
    pub subject: Option<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.patch.display())?;
        if let Some(subject) = &self.subject {
            write!(f, " (message \"{subject}\")")?;
        }
        Ok(())
    }
}

/// `Origin`s are boxed to keep `Result<_, PatchError>` small on the happy path.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    #[error("cannot read patch file {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("{}: no diff found in it{detail}", path.display())]
    NoDiff {
        path: PathBuf,
        /// Why, when we can tell (a reply quoting a patch, a cover letter only).
        detail: String,
    },
    #[error("{origin}: malformed diff at line {line}{}: {reason}",
        if *.decoded { " of the decoded message" } else { "" })]
    Malformed {
        origin: Box<Origin>,
        /// 1-based line of the patch file, or of the decoded message body when `decoded`.
        line: usize,
        decoded: bool,
        reason: String,
    },
    #[error("{origin}: hunk #{hunk} {header} does not apply to {file}: {reason}")]
    HunkFailed {
        origin: Box<Origin>,
        file: String,
        /// 1-based among the file's hunks in the message, as `patch` numbers them.
        hunk: usize,
        header: String,
        reason: String,
    },
    #[error("{origin}: {file}: {problem}")]
    FileConflict {
        origin: Box<Origin>,
        file: String,
        problem: String,
    },
    #[error("patched copy: {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("the patched copy would overwrite the kernel tree itself ({})", path.display())]
    DestIsSource { path: PathBuf },
}

/// Copies each of `files` (relative to a kernel tree root) that exists under
/// `src_root` into `dest_root`, then applies `patches` in order to the copies.
pub fn apply_series(
    src_root: &Path,
    files: &[&str],
    patches: &[PathBuf],
    dest_root: &Path,
) -> Result<PatchReport, PatchError> {
    refuse_same_tree(src_root, dest_root)?;
    let tree = Tree {
        src: src_root,
        dest: dest_root,
        files,
    };
    let (copied, missing) = tree.copy_in()?;
    let mut report = PatchReport {
        copied,
        missing,
        patches: Vec::new(),
    };
    for patch in patches {
        report.patches.push(apply_patch_file(patch, &tree)?);
    }
    Ok(report)
}

/// The user's tree is read-only to us; a dest that is the tree would change it.
fn refuse_same_tree(src: &Path, dest: &Path) -> Result<(), PatchError> {
    match (fs::canonicalize(src), fs::canonicalize(dest)) {
        (Ok(s), Ok(d)) if s == d => Err(PatchError::DestIsSource {
            path: dest.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// The kernel tree, its private copy, and the files leafdiff reads.
struct Tree<'a> {
    src: &'a Path,
    dest: &'a Path,
    files: &'a [&'a str],
}

impl Tree<'_> {
    fn reads(&self, path: &str) -> bool {
        self.files.contains(&path)
    }

    /// Copies the files that exist; returns (copied, missing).
    fn copy_in(&self) -> Result<(Vec<String>, Vec<String>), PatchError> {
        fs::create_dir_all(self.dest).map_err(|source| PatchError::Io {
            path: self.dest.to_path_buf(),
            source,
        })?;
        let (mut copied, mut missing) = (Vec::new(), Vec::new());
        for &file in self.files {
            let from = self.src.join(file);
            if from.is_file() {
                let to = self.dest.join(file);
                create_parent(&to)?;
                fs::copy(&from, &to).map_err(|source| PatchError::Io { path: to, source })?;
                copied.push(file.to_string());
            } else {
                missing.push(file.to_string());
            }
        }
        Ok((copied, missing))
    }

    /// The current text of `path`: the patched copy, or for a file leafdiff
    /// does not read (the source of a rename into the set) the user's tree.
    fn read(&self, path: &str) -> Option<FileText> {
        let root = if self.reads(path) {
            self.dest
        } else {
            self.src
        };
        fs::read(root.join(path))
            .ok()
            .map(|b| FileText::from_bytes(&b))
    }

    fn write(&self, path: &str, text: &FileText) -> Result<(), PatchError> {
        let to = self.dest.join(path);
        create_parent(&to)?;
        fs::write(&to, text.to_bytes()).map_err(|source| PatchError::Io { path: to, source })
    }

    fn remove(&self, path: &str) -> Result<(), PatchError> {
        let target = self.dest.join(path);
        match fs::remove_file(&target) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(PatchError::Io {
                path: target,
                source: e,
            }),
            _ => Ok(()),
        }
    }
}

fn create_parent(path: &Path) -> Result<(), PatchError> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    fs::create_dir_all(parent).map_err(|source| PatchError::Io {
        path: parent.to_path_buf(),
        source,
    })
}

/// A message with its diff read.
struct Parsed {
    message: Message,
    diffs: Vec<FileDiff>,
}

fn apply_patch_file(path: &Path, tree: &Tree) -> Result<PatchFileReport, PatchError> {
    let bytes = fs::read(path).map_err(|source| PatchError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let (format, messages) = mail::split(&bytes);
    // Read every diff before changing anything, so a malformed or empty
    // patch file fails as a whole.
    let parsed = messages
        .into_iter()
        .map(|message| parse_message(path, message))
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.iter().all(|p| p.diffs.is_empty()) {
        return Err(PatchError::NoDiff {
            path: path.to_path_buf(),
            detail: why_no_diff(&bytes, &parsed),
        });
    }
    let messages = parsed
        .into_iter()
        .map(|p| apply_message(path, p, tree))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PatchFileReport {
        path: path.to_path_buf(),
        format,
        messages,
    })
}

/// Reads the diff of a message that is part of the series; others get none.
fn parse_message(path: &Path, message: Message) -> Result<Parsed, PatchError> {
    if message.ignored.is_some() {
        return Ok(Parsed {
            message,
            diffs: Vec::new(),
        });
    }
    match parse::parse(&message.body) {
        Ok(diffs) => Ok(Parsed { message, diffs }),
        Err(e) => Err(PatchError::Malformed {
            line: message
                .first_line
                .map_or(e.line + 1, |first| first + e.line),
            decoded: message.first_line.is_none(),
            origin: Box::new(origin(path, &message)),
            reason: e.reason,
        }),
    }
}

fn origin(path: &Path, message: &Message) -> Origin {
    Origin {
        patch: path.to_path_buf(),
        subject: message.subject.clone(),
    }
}

/// Explains an empty result in the terms of the usual mistakes.
fn why_no_diff(bytes: &[u8], parsed: &[Parsed]) -> String {
    // Anywhere in a line: archives sometimes flatten a mail's lines into one.
    let quoted_diff = [&b"> diff --git "[..], b"> @@ -", b">diff --git "]
        .iter()
        .any(|needle| bytes.windows(needle.len()).any(|w| w == *needle));
    let ignored = parsed
        .iter()
        .filter(|p| p.message.ignored.is_some())
        .count();
    if quoted_diff {
        " (only quoted lines such as `> diff --git`: a reply quoting a patch cannot be applied; \
         save the patch mail itself)"
            .to_string()
    } else if ignored > 0 {
        format!(
            " ({ignored} cover letter or reply message(s) ignored, and no other message has a diff)"
        )
    } else {
        String::new()
    }
}

fn apply_message(path: &Path, parsed: Parsed, tree: &Tree) -> Result<MessageReport, PatchError> {
    let Parsed { message, diffs } = parsed;
    let origin = origin(path, &message);
    let status = match message.ignored {
        Some(ignored) => ignored.into(),
        None if diffs.is_empty() => MessageStatus::NoDiff,
        None => MessageStatus::Applied,
    };
    let mut report = MessageReport {
        subject: message.subject,
        status,
        files: Vec::new(),
        skipped: Vec::new(),
        note: message.note,
    };
    for diff in &diffs {
        let target = diff.target();
        if tree.reads(target) || diff.old.as_deref().is_some_and(|old| tree.reads(old)) {
            report.files.push(apply_file(&origin, diff, tree)?);
        } else if !report.skipped.iter().any(|s| s == target) {
            report.skipped.push(target.to_string());
        }
    }
    Ok(report)
}

/// Applies one file section to the copy.
fn apply_file(origin: &Origin, diff: &FileDiff, tree: &Tree) -> Result<FileReport, PatchError> {
    let target = diff.target().to_string();
    let conflict = |problem: String| PatchError::FileConflict {
        origin: Box::new(origin.clone()),
        file: target.clone(),
        problem,
    };
    if diff.binary {
        return Err(conflict("a binary patch cannot be applied".into()));
    }
    let input = match &diff.old {
        None => match tree.read(&target) {
            Some(existing) if !existing.lines.is_empty() => {
                return Err(conflict(
                    "the patch creates it, but the kernel tree already has it \
                     (is the series already applied?)"
                        .into(),
                ))
            }
            _ => FileText::empty(),
        },
        Some(old) => tree.read(old).ok_or_else(|| {
            conflict(format!(
                "the patch changes {old}, which the kernel tree at {} does not have",
                tree.src.display()
            ))
        })?,
    };
    let (output, placements) = apply::apply(&input, &diff.hunks)
        .map_err(|failure| hunk_failed(origin, diff, &input, failure))?;
    if diff.new.is_none() && !output.lines.is_empty() {
        return Err(conflict(
            "the patch deletes it, but lines it does not know of remain".into(),
        ));
    }
    let change = store(diff, &output, tree)?;
    let hunks = diff
        .hunks
        .iter()
        .zip(placements)
        .enumerate()
        .map(|(i, (hunk, at))| HunkReport {
            number: i + 1,
            header: hunk.header.clone(),
            line: at.line,
            offset: at.offset,
            fuzz: at.fuzz,
        })
        .collect();
    Ok(FileReport {
        path: target,
        change,
        hunks,
    })
}

fn hunk_failed(
    origin: &Origin,
    diff: &FileDiff,
    input: &FileText,
    failure: apply::Failure,
) -> PatchError {
    let hunk = &diff.hunks[failure.hunk];
    let reason = match apply::already_applied(input, hunk) {
        Some(line) => format!(
            "{}; its result is already at line {line} (is the patch already applied?)",
            failure.reason
        ),
        None => failure.reason,
    };
    PatchError::HunkFailed {
        origin: Box::new(origin.clone()),
        file: diff.target().to_string(),
        hunk: failure.hunk + 1,
        header: hunk.header.clone(),
        reason,
    }
}

/// Writes the result where the diff says: the new name, or nowhere for a deletion.
fn store(diff: &FileDiff, output: &FileText, tree: &Tree) -> Result<FileChange, PatchError> {
    match (&diff.old, &diff.new) {
        (_, None) => {
            tree.remove(diff.target())?;
            Ok(FileChange::Deleted)
        }
        (None, Some(new)) => {
            tree.write(new, output)?;
            Ok(FileChange::Created)
        }
        (Some(old), Some(new)) if old == new => {
            tree.write(new, output)?;
            Ok(FileChange::Modified)
        }
        (Some(old), Some(new)) => {
            if tree.reads(new) {
                tree.write(new, output)?;
            }
            if diff.copy {
                return Ok(FileChange::Copied { from: old.clone() });
            }
            if tree.reads(old) {
                tree.remove(old)?;
            }
            Ok(FileChange::Renamed { from: old.clone() })
        }
    }
}
