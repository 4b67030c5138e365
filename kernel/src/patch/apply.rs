//! Applying one file's hunks the way GNU `patch` does by default, because
//! that is what a kernel developer expects a posted series to do to a
//! released kernel: each hunk is tried where its header says, shifted by
//! the drift of the hunks before it; failing that, at the nearest offset
//! (below before above at equal distance) where its lines match; failing
//! that, with fuzz 1 and then 2, ignoring that many context lines at each
//! end. Hunks apply in order and never overlap: the file is read front to
//! back, so line numbers are those of the original file and the line-count
//! changes of earlier hunks are accounted for by construction.

use super::lines::{show_line, FileText};
use super::parse::{Hunk, HunkLine};

/// Most context lines GNU `patch` ignores by default (`-F 2`).
const MAX_FUZZ: usize = 2;

/// Where one hunk went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placement {
    /// 1-based line of the patched file where the hunk starts.
    pub line: usize,
    /// Lines between where the header said and where the hunk matched.
    pub offset: isize,
    /// Context lines ignored at each end.
    pub fuzz: usize,
}

/// A hunk that matched nowhere: its index in the file's hunks, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub hunk: usize,
    pub reason: String,
}

/// Applies `hunks` to `input` in order.
pub(crate) fn apply(
    input: &FileText,
    hunks: &[Hunk],
) -> Result<(FileText, Vec<Placement>), Failure> {
    let mut out = FileText {
        lines: Vec::with_capacity(input.lines.len()),
        final_newline: input.final_newline,
    };
    let mut placements = Vec::with_capacity(hunks.len());
    // Input lines already copied or replaced: a later hunk cannot match there.
    let mut frozen = 0;
    // Drift of the previous hunk, carried to the next as patch does.
    let mut drift: isize = 0;
    for (index, hunk) in hunks.iter().enumerate() {
        let search = Search::new(&input.lines, hunk, frozen, drift);
        let Some((start, fuzz)) =
            (0..=search.max_fuzz()).find_map(|f| search.at_fuzz(f).map(|s| (s, f)))
        else {
            return Err(Failure {
                hunk: index,
                reason: search.explain(),
            });
        };
        drift = start as isize + 1 - hunk.first_line() as isize;
        out.lines.extend_from_slice(&input.lines[frozen..start]);
        placements.push(Placement {
            line: out.lines.len() + 1,
            offset: drift,
            fuzz,
        });
        frozen = splice(&mut out, input, start, hunk);
    }
    out.lines.extend_from_slice(&input.lines[frozen..]);
    Ok((out, placements))
}

/// Writes the hunk's result for the input starting at `start`; returns the
/// first input line after it. Context lines are copied from the input, not
/// the hunk, so lines ignored by fuzz keep the file's own text.
fn splice(out: &mut FileText, input: &FileText, start: usize, hunk: &Hunk) -> usize {
    let mut cursor = start;
    for line in &hunk.lines {
        match line {
            HunkLine::Context(_) => {
                out.lines.push(input.lines[cursor].clone());
                cursor += 1;
            }
            HunkLine::Delete(_) => cursor += 1,
            HunkLine::Add(text) => out.lines.push(text.clone()),
        }
    }
    if cursor == input.lines.len() {
        // The hunk reaches the end of the file, so it decides about the final newline.
        if hunk.new_no_newline {
            out.final_newline = false;
        } else if hunk.old_no_newline {
            out.final_newline = true;
        }
    }
    cursor
}

/// Looking for one hunk's old lines in the input.
struct Search<'a> {
    input: &'a [Vec<u8>],
    pattern: Vec<&'a [u8]>,
    /// 0-based input line where the header, shifted by the drift so far, puts the hunk.
    guess: isize,
    /// The first input line the hunk may start at.
    frozen: usize,
    prefix_context: usize,
    suffix_context: usize,
    /// The header's line is 1 (or 0): the hunk belongs at the start of the file.
    at_file_start: bool,
}

impl<'a> Search<'a> {
    fn new(input: &'a [Vec<u8>], hunk: &'a Hunk, frozen: usize, drift: isize) -> Self {
        Search {
            input,
            pattern: hunk.old_lines(),
            guess: hunk.first_line() as isize - 1 + drift,
            frozen,
            prefix_context: hunk.prefix_context(),
            suffix_context: hunk.suffix_context(),
            at_file_start: hunk.first_line() <= 1,
        }
    }

    fn context(&self) -> usize {
        self.prefix_context.max(self.suffix_context)
    }

    /// Fuzz cannot ignore more context than the hunk has.
    fn max_fuzz(&self) -> usize {
        MAX_FUZZ.min(self.context())
    }

    /// The start line at which the hunk matches with `fuzz`, if any.
    ///
    /// Context lines ignored at each end are `fuzz` less the shortfall of that
    /// end's context against the longer end: diff gives a hunk fewer context
    /// lines on one side only at the start or end of a file, so such a hunk
    /// is anchored there until fuzz makes up the difference.
    fn at_fuzz(&self, fuzz: usize) -> Option<usize> {
        if self.pattern.is_empty() {
            // A pure insertion has nothing to match: it goes where the header says.
            let at = usize::try_from(self.guess).ok()?;
            return (self.frozen..=self.input.len()).contains(&at).then_some(at);
        }
        let context = self.context();
        let prefix_fuzz = (fuzz + self.prefix_context).checked_sub(context);
        let suffix_fuzz = (fuzz + self.suffix_context).checked_sub(context);
        match (prefix_fuzz, suffix_fuzz) {
            (None, suffix) if self.at_file_start => self.at_start(suffix),
            (prefix, None) => self.at_end(prefix.unwrap_or(0)),
            (prefix, Some(suffix)) => self.nearest(prefix.unwrap_or(0), suffix),
        }
    }

    /// Only line 1 will do; with no suffix fuzz either, only the whole file.
    fn at_start(&self, suffix_fuzz: Option<usize>) -> Option<usize> {
        let fits = match suffix_fuzz {
            Some(_) => self.pattern.len() <= self.input.len(),
            None => self.pattern.len() == self.input.len(),
        };
        if !fits {
            return None;
        }
        (self.frozen == 0 && self.matches(0, 0, suffix_fuzz.unwrap_or(0))).then_some(0)
    }

    /// Only the position that ends at the last line will do.
    fn at_end(&self, prefix_fuzz: usize) -> Option<usize> {
        let start = self.input.len().checked_sub(self.pattern.len())?;
        (start >= self.frozen && self.matches(start, prefix_fuzz, 0)).then_some(start)
    }

    /// The match nearest the guess, trying after it before before it.
    fn nearest(&self, prefix_fuzz: usize, suffix_fuzz: usize) -> Option<usize> {
        // The whole hunk must fit, fuzzed lines included: they are copied from the file.
        let last = self.input.len().checked_sub(self.pattern.len())? as isize;
        let first = self.frozen as isize;
        if last < first {
            return None;
        }
        let guess = self.guess.clamp(first, last);
        let reach = (guess - first).max(last - guess);
        (0..=reach)
            .flat_map(|distance| [guess + distance, guess - distance])
            .filter(|at| (first..=last).contains(at))
            .map(|at| at as usize)
            .find(|&at| self.matches(at, prefix_fuzz, suffix_fuzz))
    }

    /// Whether the pattern, less `prefix_fuzz` and `suffix_fuzz` lines at its
    /// ends, equals the input from `start` on.
    fn matches(&self, start: usize, prefix_fuzz: usize, suffix_fuzz: usize) -> bool {
        let end = self.pattern.len() - suffix_fuzz;
        (prefix_fuzz..end).all(|k| {
            self.input
                .get(start + k)
                .is_some_and(|line| line.as_slice() == self.pattern[k])
        })
    }

    /// Why the hunk did not apply, with the first difference at the expected place.
    fn explain(&self) -> String {
        let line = (self.guess.max(0) as usize).max(self.frozen);
        let mismatch =
            self.pattern.iter().enumerate().find(|&(k, expected)| {
                self.input.get(line + k).map(Vec::as_slice) != Some(*expected)
            });
        let detail = match mismatch {
            Some((k, expected)) => match self.input.get(line + k) {
                Some(found) => format!(
                    "; at line {} it expects `{}` but the file has `{}`",
                    line + k + 1,
                    show_line(expected),
                    show_line(found)
                ),
                None => format!(
                    "; it expects `{}` at line {}, past the end of the file ({} lines)",
                    show_line(expected),
                    line + k + 1,
                    self.input.len()
                ),
            },
            None => String::new(),
        };
        format!(
            "its lines match nowhere from line {} on, at any offset, with fuzz up to {}{detail}",
            self.frozen + 1,
            self.max_fuzz()
        )
    }
}

/// Whether the hunk's result is already in the file at or after `from`: a
/// patch applied twice, or a kernel that already has the series.
pub(crate) fn already_applied(input: &FileText, hunk: &Hunk) -> Option<usize> {
    let result = hunk.new_lines();
    if result.is_empty() || result.len() > input.lines.len() {
        return None;
    }
    (0..=input.lines.len() - result.len())
        .find(|&at| {
            result
                .iter()
                .zip(&input.lines[at..])
                .all(|(want, have)| *want == have.as_slice())
        })
        .map(|at| at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::parse::parse;

    fn file(lines: &[&str]) -> FileText {
        FileText::from_bytes(format!("{}\n", lines.join("\n")).as_bytes())
    }

    fn hunks(diff: &str) -> Vec<Hunk> {
        parse(format!("--- a/f\n+++ b/f\n{diff}").as_bytes()).unwrap()[0]
            .hunks
            .clone()
    }

    fn text(f: &FileText) -> String {
        String::from_utf8(f.to_bytes()).unwrap()
    }

    const TEN: [&str; 10] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];

    #[test]
    fn exact_position() {
        let (out, at) = apply(&file(&TEN), &hunks("@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n")).unwrap();
        assert_eq!(text(&out), "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n");
        assert_eq!(
            at,
            [Placement {
                line: 4,
                offset: 0,
                fuzz: 0
            }]
        );
    }

    #[test]
    fn offset_is_carried_to_the_next_hunk() {
        let input = file(&["a", "b", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
        let (out, at) = apply(
            &input,
            &hunks("@@ -2,3 +2,4 @@\n 2\n+2.5\n 3\n 4\n@@ -8,3 +9,2 @@\n 8\n-9\n 10\n"),
        )
        .unwrap();
        assert_eq!(text(&out), "a\nb\n1\n2\n2.5\n3\n4\n5\n6\n7\n8\n10\n");
        assert_eq!(
            at[0],
            Placement {
                line: 4,
                offset: 2,
                fuzz: 0
            }
        );
        // Placed in the patched file: +2 drift, +1 from the first hunk's insertion.
        assert_eq!(
            at[1],
            Placement {
                line: 12 - 1,
                offset: 2,
                fuzz: 0
            }
        );
    }

    #[test]
    fn equal_distance_prefers_later_line() {
        let diff = "@@ -3 +3 @@\n-k\n+K\n";
        let (_, at) = apply(&file(&["x", "k", "y", "k"]), &hunks(diff)).unwrap();
        assert_eq!(at[0].offset, 1);
        let (_, at) = apply(&file(&["x", "k", "y", "z"]), &hunks(diff)).unwrap();
        assert_eq!(at[0].offset, -1);
    }

    #[test]
    fn changed_outer_context_needs_fuzz() {
        let mut input = TEN.to_vec();
        input[3] = "four";
        let (out, at) = apply(
            &file(&input),
            &hunks("@@ -4,5 +4,5 @@\n 4\n 5\n-6\n+six\n 7\n 8\n"),
        )
        .unwrap();
        assert_eq!(
            at[0],
            Placement {
                line: 4,
                offset: 0,
                fuzz: 1
            }
        );
        assert!(
            text(&out).contains("four\n5\nsix\n7\n"),
            "the file's own context is kept"
        );
        input[4] = "five";
        let (_, at) = apply(
            &file(&input),
            &hunks("@@ -4,5 +4,5 @@\n 4\n 5\n-6\n+six\n 7\n 8\n"),
        )
        .unwrap();
        assert_eq!(at[0].fuzz, 2);
    }

    #[test]
    fn changed_deleted_line_never_fuzzes() {
        let mut input = TEN.to_vec();
        input[5] = "SIX";
        let err = apply(
            &file(&input),
            &hunks("@@ -4,5 +4,5 @@\n 4\n 5\n-6\n+six\n 7\n 8\n"),
        )
        .unwrap_err();
        assert_eq!(err.hunk, 0);
        assert!(
            err.reason
                .contains("at line 6 it expects `6` but the file has `SIX`"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn start_of_file_hunk_stays_at_the_start() {
        // Fewer context lines before than after: the hunk is at line 1, or
        // elsewhere only once fuzz has made up the difference (as patch does).
        let diff = "@@ -1,3 +1,3 @@\n-1\n+one\n 2\n 3\n";
        let (out, at) = apply(&file(&["1", "2", "3", "4"]), &hunks(diff)).unwrap();
        assert_eq!(text(&out), "one\n2\n3\n4\n");
        assert_eq!(
            at[0],
            Placement {
                line: 1,
                offset: 0,
                fuzz: 0
            }
        );
        let (_, at) = apply(&file(&["x", "1", "2", "3", "4"]), &hunks(diff)).unwrap();
        assert_eq!(
            at[0],
            Placement {
                line: 2,
                offset: 1,
                fuzz: 2
            }
        );
    }

    #[test]
    fn end_of_file_hunk_stays_at_the_end() {
        let diff = "@@ -3,3 +3,3 @@\n 3\n 4\n-5\n+five\n";
        let (out, at) = apply(&file(&["0", "1", "2", "3", "4", "5"]), &hunks(diff)).unwrap();
        assert_eq!(text(&out), "0\n1\n2\n3\n4\nfive\n");
        assert_eq!(
            at[0],
            Placement {
                line: 4,
                offset: 1,
                fuzz: 0
            }
        );
        let (_, at) = apply(&file(&["1", "2", "3", "4", "5", "6"]), &hunks(diff)).unwrap();
        assert_eq!(
            at[0],
            Placement {
                line: 3,
                offset: 0,
                fuzz: 2
            }
        );
    }

    #[test]
    fn insertion_without_context_goes_after_the_header_line() {
        let (out, _) = apply(&file(&["a", "b"]), &hunks("@@ -1,0 +2 @@\n+new\n")).unwrap();
        assert_eq!(text(&out), "a\nnew\nb\n");
        let (out, _) = apply(&FileText::empty(), &hunks("@@ -0,0 +1,2 @@\n+x\n+y\n")).unwrap();
        assert_eq!(text(&out), "x\ny\n");
    }

    #[test]
    fn final_newline_follows_the_markers() {
        let input = FileText::from_bytes(b"a\nb");
        let diff = "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n";
        let (out, _) = apply(&input, &hunks(diff)).unwrap();
        assert_eq!(out.to_bytes(), b"a\nc\n");
        let diff = "@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n";
        let (out, _) = apply(&file(&["a", "b"]), &hunks(diff)).unwrap();
        assert_eq!(out.to_bytes(), b"a\nc");
    }

    #[test]
    fn hunks_cannot_go_back_over_earlier_ones() {
        let input = file(&["k", "1", "2", "k"]);
        let err = apply(&input, &hunks("@@ -4 +4 @@\n-k\n+K\n@@ -1 +1 @@\n-k\n+L\n")).unwrap_err();
        assert_eq!(err.hunk, 1);
    }

    #[test]
    fn already_applied_finds_the_result() {
        let hunk = &hunks("@@ -2,1 +2,1 @@\n-b\n+B\n")[0];
        assert_eq!(already_applied(&file(&["a", "B", "c"]), hunk), Some(2));
        assert_eq!(already_applied(&file(&["a", "b", "c"]), hunk), None);
    }
}
