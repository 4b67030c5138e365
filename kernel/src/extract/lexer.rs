//! A careful C tokenizer, just deep enough to find top-level definitions:
//! comments and line continuations removed, strings and character literals
//! kept intact, preprocessor directives kept as whole logical lines.

/// One logical source line: continuations joined, comments removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// 1-based number of the physical line the logical line starts on.
    pub line: usize,
    pub text: String,
}

impl LogicalLine {
    /// The directive name and its argument text, for a `#...` line.
    pub fn directive(&self) -> Option<(&str, &str)> {
        let rest = self.text.trim_start().strip_prefix('#')?.trim_start();
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        Some((&rest[..end], rest[end..].trim()))
    }
}

/// Splits source into logical lines. Comments become a single space so that
/// tokens on either side stay apart; a comment spanning lines leaves the
/// remainder of the logical line on the line where the comment ended, as cpp does.
pub fn logical_lines(src: &str) -> Vec<LogicalLine> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start_line = 1;
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next == Some('\n') => {
                i += 2;
                line += 1;
                continue;
            }
            '/' if next == Some('*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
                cur.push(' ');
                continue;
            }
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '"' | '\'' => {
                let quote = c;
                cur.push(c);
                i += 1;
                while i < chars.len() && chars[i] != quote && chars[i] != '\n' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        cur.push(chars[i]);
                        i += 1;
                    }
                    cur.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() && chars[i] == quote {
                    cur.push(quote);
                    i += 1;
                }
                continue;
            }
            '\n' => {
                push_line(&mut out, &mut cur, start_line);
                line += 1;
                start_line = line;
                i += 1;
                continue;
            }
            _ => cur.push(c),
        }
        i += 1;
    }
    push_line(&mut out, &mut cur, start_line);
    out
}

fn push_line(out: &mut Vec<LogicalLine>, cur: &mut String, line: usize) {
    let text = cur.trim_end().to_string();
    cur.clear();
    if !text.trim().is_empty() {
        out.push(LogicalLine { line, text });
    }
}

/// Identifiers in `text`, in order, skipping string and character literals
/// and the digits-and-suffix tokens of numbers.
pub fn identifiers(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\'' {
            i = skip_literal(bytes, i);
        } else if b.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(&text[start..i]);
        } else {
            i += 1;
        }
    }
    out
}

fn skip_literal(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != quote {
        if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    i + 1
}

/// Net change in brace depth over `text`, ignoring literals.
pub fn brace_delta(text: &str) -> i32 {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                i = skip_literal(bytes, i);
                continue;
            }
            b'{' => depth += 1,
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_drops_comments() {
        let src =
            "#define A(x) \\\n\t((x) + 1) /* one */\nint b; // two\n/* multi\nline */ int c;\n";
        let lines = logical_lines(src);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["#define A(x) \t((x) + 1)", "int b;", "  int c;"]);
        assert_eq!(lines[0].line, 1);
        assert_eq!(lines[1].line, 3);
        assert_eq!(lines[0].directive(), Some(("define", "A(x) \t((x) + 1)")));
    }

    #[test]
    fn comment_markers_inside_strings_are_text() {
        let lines = logical_lines("char *s = \"/* not */\"; // gone\n");
        assert_eq!(lines[0].text, "char *s = \"/* not */\";");
    }

    #[test]
    fn identifiers_skip_numbers_and_literals() {
        assert_eq!(
            identifiers("x1 + 0x1fUL * foo(\"bar\", 'c') >> _Y"),
            ["x1", "foo", "_Y"]
        );
    }

    #[test]
    fn brace_delta_ignores_literals() {
        assert_eq!(brace_delta("{ if (a) { s = \"}\"; }"), 1);
    }
}
