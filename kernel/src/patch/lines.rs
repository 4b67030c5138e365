//! Line-level text handling shared by the parser and the applier. Files are
//! kept as bytes: a patch must not alter a byte it does not touch, whatever
//! the encoding of a comment.

/// Splits at `\n`, without the terminators; a final `\n` does not start a new line.
pub(crate) fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    if text.is_empty() {
        return Vec::new();
    }
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    text.split(|&b| b == b'\n').collect()
}

/// A file as lines, remembering whether its last line ends with a newline
/// (a diff says so with `\ No newline at end of file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileText {
    pub lines: Vec<Vec<u8>>,
    pub final_newline: bool,
}

impl FileText {
    pub fn empty() -> Self {
        FileText {
            lines: Vec::new(),
            final_newline: true,
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        FileText {
            lines: split_lines(bytes).into_iter().map(<[u8]>::to_vec).collect(),
            final_newline: bytes.is_empty() || bytes.ends_with(b"\n"),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.lines.join(&b'\n');
        if !self.lines.is_empty() && self.final_newline {
            out.push(b'\n');
        }
        out
    }
}

/// A line for an error message: lossy UTF-8 with tabs, CRs and other
/// controls escaped (lines that differ only there must not look the same),
/// shortened.
pub(crate) fn show_line(line: &[u8]) -> String {
    const MAX: usize = 70;
    let text: String = String::from_utf8_lossy(line).escape_debug().collect();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_lines_make_invisible_differences_visible() {
        assert_eq!(show_line(b"\tx = 1;\r"), "\\tx = 1;\\r");
        assert_eq!(show_line("café".as_bytes()), "café");
    }

    #[test]
    fn round_trips_with_and_without_final_newline() {
        for bytes in [&b"a\nb\n"[..], b"a\nb", b"", b"\n", b"a\n\n"] {
            assert_eq!(FileText::from_bytes(bytes).to_bytes(), bytes, "{bytes:?}");
        }
    }
}
