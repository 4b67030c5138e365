//! Reading unified diffs out of a text that may hold other things too: a
//! commit message, a `---` diffstat, a `-- ` signature. A file section starts
//! at `diff --git` or at a `---`/`+++`/`@@` triple; everything else is prose.
//! Paths lose their first component (`a/`, `b/`), as `git am` and `patch -p1` do.

use super::lines::split_lines;

/// One file's changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileDiff {
    /// `None` when the file is created (`--- /dev/null`).
    pub old: Option<String>,
    /// `None` when the file is deleted (`+++ /dev/null`).
    pub new: Option<String>,
    /// A copy keeps its source; a rename removes it.
    pub copy: bool,
    /// A `GIT binary patch` or `Binary files ... differ`: nothing we can apply.
    pub binary: bool,
    pub hunks: Vec<Hunk>,
}

impl FileDiff {
    /// The file the section is about: where its result goes, or what it deletes.
    pub fn target(&self) -> &str {
        self.new.as_deref().or(self.old.as_deref()).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HunkLine {
    Context(Vec<u8>),
    Delete(Vec<u8>),
    Add(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hunk {
    /// The `@@ -a,b +c,d @@` line, without any section heading after it.
    pub header: String,
    pub old_start: usize,
    pub old_len: usize,
    pub lines: Vec<HunkLine>,
    /// `\ No newline at end of file` after the last old / new line.
    pub old_no_newline: bool,
    pub new_no_newline: bool,
}

impl Hunk {
    /// The lines the file must have: context and deletions.
    pub fn old_lines(&self) -> Vec<&[u8]> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                HunkLine::Context(t) | HunkLine::Delete(t) => Some(t.as_slice()),
                HunkLine::Add(_) => None,
            })
            .collect()
    }

    /// The lines the file has afterwards: context and additions.
    pub fn new_lines(&self) -> Vec<&[u8]> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                HunkLine::Context(t) | HunkLine::Add(t) => Some(t.as_slice()),
                HunkLine::Delete(_) => None,
            })
            .collect()
    }

    /// Context lines before the first change.
    pub fn prefix_context(&self) -> usize {
        self.lines
            .iter()
            .take_while(|l| matches!(l, HunkLine::Context(_)))
            .count()
    }

    /// Context lines after the last change.
    pub fn suffix_context(&self) -> usize {
        self.lines
            .iter()
            .rev()
            .take_while(|l| matches!(l, HunkLine::Context(_)))
            .count()
    }

    /// 1-based line of the file where the old lines start. A hunk that only
    /// inserts (`-a,0`) goes after line `a`, so its first line is `a + 1`.
    pub fn first_line(&self) -> usize {
        if self.old_len == 0 {
            self.old_start + 1
        } else {
            self.old_start
        }
    }
}

/// A diff that cannot be read; `line` is 0-based within the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub line: usize,
    pub reason: String,
}

/// Every file section in `text`, in order.
pub(crate) fn parse(text: &[u8]) -> Result<Vec<FileDiff>, ParseError> {
    let lines = split_lines(text);
    let mut parser = Parser { lines, pos: 0 };
    let mut files = Vec::new();
    while parser.pos < parser.lines.len() {
        if parser.at(b"diff --git ") {
            files.push(parser.git_section()?);
        } else if parser.at_unified_header() {
            let mut file = FileDiff {
                old: None,
                new: None,
                copy: false,
                binary: false,
                hunks: Vec::new(),
            };
            parser.unified_section(&mut file)?;
            files.push(file);
        } else {
            parser.pos += 1;
        }
    }
    Ok(files)
}

struct Parser<'a> {
    lines: Vec<&'a [u8]>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn line(&self, at: usize) -> Option<&'a [u8]> {
        self.lines.get(at).copied()
    }

    fn at(&self, prefix: &[u8]) -> bool {
        self.line(self.pos).is_some_and(|l| l.starts_with(prefix))
    }

    /// `--- x` / `+++ y` / `@@ -`: only this triple is a diff outside a git
    /// section, so a `---` line in prose or the diffstat separator is not.
    fn at_unified_header(&self) -> bool {
        let starts =
            |at: usize, prefix: &[u8]| self.line(at).is_some_and(|l| l.starts_with(prefix));
        starts(self.pos, b"--- ") && starts(self.pos + 1, b"+++ ") && starts(self.pos + 2, b"@@ -")
    }

    fn error(&self, line: usize, reason: impl Into<String>) -> ParseError {
        ParseError {
            line,
            reason: reason.into(),
        }
    }

    /// `diff --git a/x b/y`, git's extended headers, then an optional unified section.
    fn git_section(&mut self) -> Result<FileDiff, ParseError> {
        let header = &self.lines[self.pos][b"diff --git ".len()..];
        let (old, new) = split_git_paths(header)
            .ok_or_else(|| self.error(self.pos, "cannot read the paths of `diff --git`"))?;
        let mut file = FileDiff {
            old: Some(old),
            new: Some(new),
            copy: false,
            binary: false,
            hunks: Vec::new(),
        };
        self.pos += 1;
        while let Some(line) = self.line(self.pos) {
            if !self.extended_header(line, &mut file) {
                break;
            }
            self.pos += 1;
        }
        if self.at(b"--- ")
            && self
                .line(self.pos + 1)
                .is_some_and(|l| l.starts_with(b"+++ "))
        {
            self.unified_section(&mut file)?;
        }
        Ok(file)
    }

    /// Applies one git extended header line to `file`; false if `line` is not one.
    fn extended_header(&self, line: &[u8], file: &mut FileDiff) -> bool {
        let text = String::from_utf8_lossy(line);
        let value = |prefix: &str| text.strip_prefix(prefix).map(|v| unquote(v.trim_end()));
        if text.starts_with("new file mode ") {
            file.old = None;
        } else if text.starts_with("deleted file mode ") {
            file.new = None;
        } else if let Some(path) = value("rename from ") {
            file.old = Some(path);
        } else if let Some(path) = value("rename to ") {
            file.new = Some(path);
        } else if let Some(path) = value("copy from ") {
            file.old = Some(path);
            file.copy = true;
        } else if let Some(path) = value("copy to ") {
            file.new = Some(path);
            file.copy = true;
        } else if text.starts_with("GIT binary patch") || text.starts_with("Binary files ") {
            file.binary = true;
        } else {
            return [
                "old mode ",
                "new mode ",
                "similarity index ",
                "dissimilarity index ",
                "index ",
            ]
            .iter()
            .any(|p| text.starts_with(p));
        }
        true
    }

    /// `--- old` and `+++ new` lines, then hunks.
    fn unified_section(&mut self, file: &mut FileDiff) -> Result<(), ParseError> {
        file.old = diff_path(&self.lines[self.pos][4..]);
        file.new = diff_path(&self.lines[self.pos + 1][4..]);
        self.pos += 2;
        while self.at(b"@@ -") {
            let hunk = self.hunk()?;
            file.hunks.push(hunk);
        }
        Ok(())
    }

    fn hunk(&mut self) -> Result<Hunk, ParseError> {
        let header_line = self.pos;
        let (header, old_start, old_len, new_len) = parse_hunk_header(self.lines[self.pos])
            .ok_or_else(|| self.error(header_line, "cannot read the `@@ -a,b +c,d @@` line"))?;
        self.pos += 1;
        let mut hunk = Hunk {
            header,
            old_start,
            old_len,
            lines: Vec::new(),
            old_no_newline: false,
            new_no_newline: false,
        };
        let (mut old_left, mut new_left) = (old_len, new_len);
        while old_left > 0 || new_left > 0 {
            let line = self
                .line(self.pos)
                .ok_or_else(|| self.error(self.pos, truncated(&hunk.header, old_left, new_left)))?;
            let entry = match line.first() {
                // Mailers strip the space of an empty context line.
                None => HunkLine::Context(Vec::new()),
                Some(b' ') => HunkLine::Context(line[1..].to_vec()),
                Some(b'-') => HunkLine::Delete(line[1..].to_vec()),
                Some(b'+') => HunkLine::Add(line[1..].to_vec()),
                Some(b'\\') => {
                    mark_no_newline(&mut hunk);
                    self.pos += 1;
                    continue;
                }
                Some(_) => {
                    return Err(self.error(self.pos, truncated(&hunk.header, old_left, new_left)))
                }
            };
            let (takes_old, takes_new) = match entry {
                HunkLine::Context(_) => (1, 1),
                HunkLine::Delete(_) => (1, 0),
                HunkLine::Add(_) => (0, 1),
            };
            if takes_old > old_left || takes_new > new_left {
                return Err(self.error(
                    self.pos,
                    format!("hunk {} has more lines than its header says", hunk.header),
                ));
            }
            old_left -= takes_old;
            new_left -= takes_new;
            hunk.lines.push(entry);
            self.pos += 1;
        }
        if self.at(b"\\") {
            mark_no_newline(&mut hunk);
            self.pos += 1;
        }
        Ok(hunk)
    }
}

fn truncated(header: &str, old_left: usize, new_left: usize) -> String {
    format!(
        "hunk {header} ends early: {old_left} old and {new_left} new lines missing \
         (was the patch wrapped or cut by a mailer?)"
    )
}

/// `\ No newline at end of file` is about the line just before it.
fn mark_no_newline(hunk: &mut Hunk) {
    match hunk.lines.last() {
        Some(HunkLine::Context(_)) => {
            hunk.old_no_newline = true;
            hunk.new_no_newline = true;
        }
        Some(HunkLine::Delete(_)) => hunk.old_no_newline = true,
        Some(HunkLine::Add(_)) => hunk.new_no_newline = true,
        None => {}
    }
}

/// `@@ -a[,b] +c[,d] @@ heading` to (`@@ -a,b +c,d @@`, a, b, d).
fn parse_hunk_header(line: &[u8]) -> Option<(String, usize, usize, usize)> {
    let text = std::str::from_utf8(line).ok().or_else(|| {
        // The heading after the second `@@` may be in any encoding; the numbers are ASCII.
        let end = line.windows(2).skip(2).position(|w| w == b"@@")? + 4;
        std::str::from_utf8(&line[..end]).ok()
    })?;
    let rest = text.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let (old_start, old_len) = parse_range(old)?;
    let (new_start, new_len) = parse_range(new)?;
    let header = format!("@@ -{old_start},{old_len} +{new_start},{new_len} @@");
    Some((header, old_start, old_len, new_len))
}

/// `a,b` or `a` (length 1).
fn parse_range(range: &str) -> Option<(usize, usize)> {
    match range.split_once(',') {
        Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
        None => Some((range.parse().ok()?, 1)),
    }
}

/// The path of a `---`/`+++` line, `None` for `/dev/null`. A tab starts a timestamp.
fn diff_path(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let path = text.split('\t').next().unwrap_or("").trim_end();
    let path = unquote(path);
    (path != "/dev/null").then(|| strip_component(&path))
}

/// `a/x b/y` from `diff --git`. Paths with spaces are ambiguous; git writes
/// both the same when nothing is renamed, so try the middle split first.
fn split_git_paths(raw: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_end();
    if text.starts_with('"') {
        let (old, rest) = split_quoted(text)?;
        let new = unquote(rest.trim_start());
        return Some((strip_component(&old), strip_component(&new)));
    }
    let middle = text.len() / 2;
    if text.len() % 2 == 1 && text.as_bytes()[middle] == b' ' {
        let (old, new) = (&text[..middle], &text[middle + 1..]);
        if strip_component(old) == strip_component(new) {
            return Some((strip_component(old), strip_component(new)));
        }
    }
    let (old, new) = text
        .split_once(" b/")
        .map(|(o, n)| (o.to_string(), format!("b/{n}")))?;
    Some((strip_component(&old), strip_component(&new)))
}

/// A leading C-quoted path and what follows it.
fn split_quoted(text: &str) -> Option<(String, &str)> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some((unquote(&text[..=i]), &text[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// Git quotes paths with unusual bytes in C style: `"a/t\303\251st"`.
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_string();
    };
    let bytes = inner.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' || i + 1 == bytes.len() {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let octal = bytes[i + 1..]
            .iter()
            .take(3)
            .take_while(|b| (b'0'..=b'7').contains(b));
        let digits = octal.count();
        if digits == 3 {
            let value = bytes[i + 1..i + 4]
                .iter()
                .fold(0u32, |v, b| v * 8 + u32::from(b - b'0'));
            out.push(value as u8);
            i += 4;
            continue;
        }
        out.push(match bytes[i + 1] {
            b'n' => b'\n',
            b't' => b'\t',
            other => other,
        });
        i += 2;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `-p1`: drop everything up to the first `/` (`a/`, `b/`, `linux-7.3/`).
fn strip_component(path: &str) -> String {
    path.split_once('/')
        .map_or(path, |(_, rest)| rest)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Vec<FileDiff> {
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn git_diff_with_two_files_and_prose_around() {
        let files = parse_str(
            "Subject line\n\nSome text.\n---\n a.h | 2 +-\n\n\
             diff --git a/inc/a.h b/inc/a.h\nindex 1..2 100644\n--- a/inc/a.h\n+++ b/inc/a.h\n\
             @@ -1,2 +1,2 @@\n x\n-y\n+z\n\
             diff --git a/mm/b.c b/mm/b.c\n--- a/mm/b.c\n+++ b/mm/b.c\n@@ -3 +3 @@\n-q\n+r\n\
             -- \n2.34.1\n",
        );
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].target(), "inc/a.h");
        assert_eq!(files[0].hunks[0].header, "@@ -1,2 +1,2 @@");
        assert_eq!(files[1].target(), "mm/b.c");
        assert_eq!(files[1].hunks[0].old_start, 3);
        assert_eq!(files[1].hunks[0].old_len, 1);
    }

    #[test]
    fn creation_deletion_and_rename() {
        let files = parse_str(
            "diff --git a/n.h b/n.h\nnew file mode 100644\nindex 0..1\n--- /dev/null\n+++ b/n.h\n@@ -0,0 +1 @@\n+x\n\
             diff --git a/d.h b/d.h\ndeleted file mode 100644\n--- a/d.h\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n\
             diff --git a/o.h b/r.h\nsimilarity index 100%\nrename from o.h\nrename to r.h\n",
        );
        assert_eq!((files[0].old.as_deref(), files[0].target()), (None, "n.h"));
        assert_eq!((files[1].new.as_deref(), files[1].target()), (None, "d.h"));
        assert_eq!(files[2].old.as_deref(), Some("o.h"));
        assert_eq!(files[2].new.as_deref(), Some("r.h"));
        assert!(files[2].hunks.is_empty());
    }

    #[test]
    fn no_newline_markers_attach_to_their_side() {
        let files = parse_str(
            "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n",
        );
        let hunk = &files[0].hunks[0];
        assert!(hunk.old_no_newline && hunk.new_no_newline);
        assert_eq!(hunk.lines.len(), 2);
    }

    #[test]
    fn empty_line_in_hunk_is_empty_context() {
        let files = parse_str("--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n");
        assert_eq!(files[0].hunks[0].lines[1], HunkLine::Context(Vec::new()));
    }

    #[test]
    fn short_hunk_is_an_error_with_its_line() {
        let err =
            parse(b"--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+c\nnot a diff line\n").unwrap_err();
        assert_eq!(err.line, 6);
        assert!(err.reason.contains("ends early"), "{}", err.reason);
    }

    #[test]
    fn quoted_and_timestamped_paths() {
        assert_eq!(diff_path(b"a/x.h\t2024-01-01 00:00:00"), Some("x.h".into()));
        assert_eq!(
            diff_path(b"\"a/t\\303\\251st.h\""),
            Some("t\u{e9}st.h".into())
        );
        assert_eq!(
            split_git_paths(b"a/my file.h b/my file.h"),
            Some(("my file.h".into(), "my file.h".into()))
        );
    }

    #[test]
    fn quoted_patch_in_a_reply_is_not_a_diff() {
        assert!(
            parse_str("> diff --git a/x b/x\n> --- a/x\n> +++ b/x\n> @@ -1 +1 @@\n").is_empty()
        );
    }
}
