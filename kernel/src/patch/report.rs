//! What applying LEAFDIFF_PATCHES did, for `leafdiff info`: every message
//! seen, every file changed, every hunk that needed an offset or fuzz, and
//! every file skipped because leafdiff does not read it.

use super::mail::{Ignored, PatchFormat};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatchReport {
    /// Files copied from the kernel tree into the private copy, relative to its root.
    pub copied: Vec<String>,
    /// Files leafdiff reads that the kernel tree lacks (not copied).
    pub missing: Vec<String>,
    /// One entry per patch file, in LEAFDIFF_PATCHES order.
    pub patches: Vec<PatchFileReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchFileReport {
    pub path: PathBuf,
    pub format: PatchFormat,
    /// In file order; a plain diff is one message without a subject.
    pub messages: Vec<MessageReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReport {
    /// The mail's subject; `None` for a plain diff.
    pub subject: Option<String>,
    pub status: MessageStatus,
    /// Files changed, in the order the message changes them.
    pub files: Vec<FileReport>,
    /// Files the message changes that leafdiff does not read.
    pub skipped: Vec<String>,
    /// How the message was read, when that matters (an encoding not decoded).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    /// Its diff was applied (or skipped file by file).
    Applied,
    /// A `[PATCH 0/N]` cover letter: not applied even if it holds an interdiff.
    CoverLetter,
    /// A `Re:` reply: a diff in it is a review suggestion, not part of the series.
    Reply,
    /// A message with no diff in it.
    NoDiff,
}

impl From<Ignored> for MessageStatus {
    fn from(ignored: Ignored) -> Self {
        match ignored {
            Ignored::CoverLetter => MessageStatus::CoverLetter,
            Ignored::Reply => MessageStatus::Reply,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// Relative to the tree root: the file's name after the patch (or the deleted file).
    pub path: String,
    pub change: FileChange,
    pub hunks: Vec<HunkReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    Modified,
    Created,
    Deleted,
    Renamed { from: String },
    Copied { from: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HunkReport {
    /// 1-based among the file's hunks in this message, as `patch` numbers them.
    pub number: usize,
    /// `@@ -a,b +c,d @@`.
    pub header: String,
    /// 1-based line of the patched file where the hunk starts.
    pub line: usize,
    /// Lines between where the header put the hunk and where it matched.
    pub offset: isize,
    /// Context lines ignored at each end of the hunk.
    pub fuzz: usize,
}

impl HunkReport {
    pub fn is_exact(&self) -> bool {
        self.offset == 0 && self.fuzz == 0
    }
}

impl PatchReport {
    /// Every (patch file, skipped file) pair.
    pub fn skipped(&self) -> Vec<(&Path, &str)> {
        self.patches
            .iter()
            .flat_map(|p| {
                p.messages.iter().flat_map(move |m| {
                    m.skipped
                        .iter()
                        .map(move |f| (p.path.as_path(), f.as_str()))
                })
            })
            .collect()
    }

    /// Every hunk applied, with its patch file and target file.
    pub fn hunks(&self) -> Vec<(&Path, &str, &HunkReport)> {
        self.patches
            .iter()
            .flat_map(|p| {
                p.messages.iter().flat_map(move |m| {
                    m.files.iter().flat_map(move |f| {
                        f.hunks
                            .iter()
                            .map(move |h| (p.path.as_path(), f.path.as_str(), h))
                    })
                })
            })
            .collect()
    }

    /// Hunks that applied only at an offset or with fuzz: the series drifted.
    pub fn inexact_hunks(&self) -> Vec<(&Path, &str, &HunkReport)> {
        self.hunks()
            .into_iter()
            .filter(|(_, _, h)| !h.is_exact())
            .collect()
    }
}

impl fmt::Display for PatchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "patched copy of {} files", self.copied.len())?;
        if !self.missing.is_empty() {
            write!(f, " (not in the tree: {})", self.missing.join(", "))?;
        }
        writeln!(f)?;
        for patch in &self.patches {
            write!(f, "{patch}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PatchFileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.format {
            PatchFormat::Diff => "diff".to_string(),
            PatchFormat::Mail => "mail".to_string(),
            PatchFormat::Mbox => format!("mbox, {} messages", self.messages.len()),
        };
        writeln!(f, "patch {} ({kind})", self.path.display())?;
        for message in &self.messages {
            message.write(f)?;
        }
        Ok(())
    }
}

impl MessageReport {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A plain diff has no subject: its files go one level up.
        let indent = match &self.subject {
            Some(subject) => {
                let status = match self.status {
                    MessageStatus::Applied => "",
                    MessageStatus::CoverLetter => ": cover letter, ignored",
                    MessageStatus::Reply => ": reply, ignored",
                    MessageStatus::NoDiff => ": no diff, ignored",
                };
                writeln!(f, "  \"{subject}\"{status}")?;
                "    "
            }
            None => "  ",
        };
        if let Some(note) = &self.note {
            writeln!(f, "{indent}note: {note}")?;
        }
        for file in &self.files {
            file.write(f, indent)?;
        }
        for skipped in &self.skipped {
            writeln!(f, "{indent}{skipped}: skipped, not read by leafdiff")?;
        }
        Ok(())
    }
}

impl FileReport {
    fn write(&self, f: &mut fmt::Formatter<'_>, indent: &str) -> fmt::Result {
        let change = match &self.change {
            FileChange::Modified => "modified".to_string(),
            FileChange::Created => "created".to_string(),
            FileChange::Deleted => "deleted".to_string(),
            FileChange::Renamed { from } => format!("renamed from {from}"),
            FileChange::Copied { from } => format!("copied from {from}"),
        };
        let count = self.hunks.len();
        let plural = if count == 1 { "" } else { "s" };
        let inexact = self.hunks.iter().filter(|h| !h.is_exact()).count();
        let exactness = match inexact {
            0 if count > 0 => " exactly".to_string(),
            0 => String::new(),
            n => format!(", {n} at an offset or with fuzz"),
        };
        writeln!(
            f,
            "{indent}{}: {change}, {count} hunk{plural} applied{exactness}",
            self.path
        )?;
        for hunk in self.hunks.iter().filter(|h| !h.is_exact()) {
            writeln!(f, "{indent}  {hunk}")?;
        }
        Ok(())
    }
}

impl fmt::Display for HunkReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "hunk #{} {} applied at line {}",
            self.number, self.header, self.line
        )?;
        let mut details = Vec::new();
        if self.offset != 0 {
            let plural = if self.offset.abs() == 1 { "" } else { "s" };
            details.push(format!("offset {:+} line{plural}", self.offset));
        }
        if self.fuzz != 0 {
            details.push(format!("fuzz {}", self.fuzz));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}
