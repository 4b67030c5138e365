//! Turning a patch file into the texts that may hold diffs: a plain diff is
//! one text; a mail or an mbox (a series saved from a mailing list, or
//! `git format-patch --stdout`) is split into messages whose bodies are
//! un-quoted (mboxrd) and decoded (quoted-printable) the way `git am` would.

use super::lines::split_lines;

/// How a patch file was laid out, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchFormat {
    /// A bare diff (`git diff`, `diff -u`) with no mail headers.
    Diff,
    /// One mail (`git format-patch` output, a saved message).
    Mail,
    /// Several mails separated by `From ` lines.
    Mbox,
}

/// One text that may hold a diff.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub subject: Option<String>,
    pub body: Vec<u8>,
    /// 1-based line of the patch file where `body` starts, when the body's
    /// lines are the file's lines (not decoded); used to point at malformed diffs.
    pub first_line: Option<usize>,
    /// Why this message is not a patch of the series, if it is not.
    pub ignored: Option<Ignored>,
    /// Something the reader should know about how the body was read.
    pub note: Option<String>,
}

/// Messages in a saved series that are not patches, as `b4` and `git am` users expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// `[PATCH 0/N]`: describes the series; an interdiff in it must not be applied.
    CoverLetter,
    /// `Re: ...`: a review; a diff in it is a suggestion, not part of the series.
    Reply,
}

/// Splits a patch file into its messages.
pub(crate) fn split(text: &[u8]) -> (PatchFormat, Vec<Message>) {
    let start = text
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .unwrap_or(text.len());
    let rest = &text[start..];
    let skipped_lines = text[..start].iter().filter(|&&b| b == b'\n').count();
    if rest.starts_with(b"From ") {
        let messages = split_mbox(rest, skipped_lines);
        let format = if messages.len() > 1 {
            PatchFormat::Mbox
        } else {
            PatchFormat::Mail
        };
        (format, messages)
    } else if looks_like_headers(rest) {
        (
            PatchFormat::Mail,
            vec![read_message(rest, skipped_lines + 1)],
        )
    } else {
        let message = Message {
            subject: None,
            body: text.to_vec(),
            first_line: Some(1),
            ignored: None,
            note: None,
        };
        (PatchFormat::Diff, vec![message])
    }
}

/// A mail saved without its `From ` line still starts with a header block
/// that names a subject; a bare diff never does.
fn looks_like_headers(text: &[u8]) -> bool {
    let lines = split_lines(text);
    let block: Vec<&[u8]> = lines.iter().copied().take_while(|l| !is_blank(l)).collect();
    !block.is_empty()
        && block
            .iter()
            .all(|l| is_continuation(l) || header_name(l).is_some())
        && block
            .iter()
            .any(|l| header_name(l).is_some_and(|n| n.eq_ignore_ascii_case("subject")))
}

/// Splits at `From ` lines that start a message: the first line, one after a
/// blank line (mbox), or git's fixed `From <sha> Mon Sep 17 00:00:00 2001`.
fn split_mbox(text: &[u8], line_base: usize) -> Vec<Message> {
    let lines = split_lines(text);
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            lines[i].starts_with(b"From ")
                && (i == 0
                    || is_blank(lines[i - 1])
                    || lines[i].ends_with(b"Mon Sep 17 00:00:00 2001"))
        })
        .collect();
    let offsets = line_offsets(text);
    starts
        .iter()
        .enumerate()
        .map(|(k, &first)| {
            let end = starts.get(k + 1).map_or(text.len(), |&next| offsets[next]);
            // Skip the `From ` separator itself: it is not a header.
            let from = offsets
                .get(first + 1)
                .copied()
                .unwrap_or(text.len())
                .min(end);
            read_message(&text[from..end], line_base + first + 2)
        })
        .collect()
}

/// Byte offset of the start of each line.
fn line_offsets(text: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

/// Reads one message: header block, blank line, body. `first_line` is the
/// 1-based line of the patch file where the message's headers start.
fn read_message(raw: &[u8], first_line: usize) -> Message {
    let text = crlf_to_lf(raw);
    let lines = split_lines(&text);
    let header_len = lines.iter().take_while(|l| !is_blank(l)).count();
    let headers = unfold(&lines[..header_len]);
    let body_start = (header_len + 1).min(lines.len());
    let body = unquote_mboxrd(&lines[body_start..]);
    let subject = header(&headers, "subject").map(|s| decode_words(&s));
    let encoding = header(&headers, "content-transfer-encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let (body, decoded, note) = decode_body(body, &encoding);
    Message {
        ignored: subject.as_deref().and_then(classify),
        subject,
        body,
        first_line: (!decoded).then_some(first_line + body_start),
        note,
    }
}

/// Undoes the transfer encoding; only quoted-printable is seen on patch mail
/// (git send-email uses it for non-ASCII patches); base64 is left as is and noted.
fn decode_body(body: Vec<u8>, encoding: &str) -> (Vec<u8>, bool, Option<String>) {
    match encoding {
        "quoted-printable" => {
            match quoted_printable::decode(&body, quoted_printable::ParseMode::Robust) {
                // The decoder ends lines with CRLF (MIME's canonical form); the diff has LF.
                Ok(decoded) => (crlf_to_lf(&decoded), true, None),
                Err(e) => (
                    body,
                    false,
                    Some(format!("quoted-printable body not decoded: {e}")),
                ),
            }
        }
        "base64" => (
            body,
            false,
            Some("base64-encoded body not decoded; save the series as text".to_string()),
        ),
        _ => (body, false, None),
    }
}

fn classify(subject: &str) -> Option<Ignored> {
    let trimmed = subject.trim_start();
    if trimmed.len() >= 3 && trimmed[..3].eq_ignore_ascii_case("re:") {
        return Some(Ignored::Reply);
    }
    is_cover_letter(trimmed).then_some(Ignored::CoverLetter)
}

/// `[PATCH v2 0/3] ...`, `[RFC PATCH 00/12] ...`: a zero patch number in the leading tag.
fn is_cover_letter(subject: &str) -> bool {
    let Some(tag) = subject
        .strip_prefix('[')
        .and_then(|s| s.split_once(']'))
        .map(|(tag, _)| tag)
    else {
        return false;
    };
    tag.split_whitespace().any(|word| {
        word.split_once('/').is_some_and(|(n, total)| {
            !n.is_empty()
                && n.bytes().all(|b| b == b'0')
                && !total.is_empty()
                && total.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t'))
}

/// The name of a `Name: value` header line.
fn header_name(line: &[u8]) -> Option<&str> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = std::str::from_utf8(&line[..colon]).ok()?;
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(name)
}

/// Joins folded header lines; keeps `(name, value)` pairs in order.
fn unfold(lines: &[&[u8]]) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        let text = String::from_utf8_lossy(line);
        if is_continuation(line) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(text.trim());
            }
        } else if let Some((name, value)) = text.split_once(':') {
            headers.push((name.to_string(), value.trim().to_string()));
        }
    }
    headers
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// Mail saved on Windows or by some archives has CRLF line ends; the diff inside does not.
fn crlf_to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

/// mboxrd stores a body line `>*From ` with one more `>`; take it off again.
fn unquote_mboxrd(lines: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for line in lines {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        let unquoted = if quotes > 0 && line[quotes..].starts_with(b"From ") {
            &line[1..]
        } else {
            line
        };
        body.extend_from_slice(unquoted);
        body.push(b'\n');
    }
    body
}

/// Decodes RFC 2047 `=?charset?Q?...?=` words, which git uses for non-ASCII
/// subjects; other encodings are kept verbatim (the subject is only a label).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, word) = rest.split_at(start);
        match decode_word(word) {
            Some((text, used)) => {
                // Whitespace between two encoded words is not part of the text.
                if !(after_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &word[used..];
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &word[2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes one `=?charset?Q?text?=` word; returns the text and the bytes used.
fn decode_word(word: &str) -> Option<(String, usize)> {
    let inner = word.strip_prefix("=?")?;
    let (charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    if !encoding.eq_ignore_ascii_case("q") {
        return None;
    }
    let underscores_as_spaces = inner[..end].replace('_', " ");
    let bytes =
        quoted_printable::decode(underscores_as_spaces, quoted_printable::ParseMode::Robust)
            .ok()?;
    let text = if charset.eq_ignore_ascii_case("iso-8859-1") {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let used = word.len() - inner.len() + end + 2;
    Some((text, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_letters_are_recognised_by_their_zero_number() {
        assert!(is_cover_letter("[PATCH 0/3] mm: series"));
        assert!(is_cover_letter("[RFC PATCH v2 00/12] mm: series"));
        assert!(!is_cover_letter("[PATCH 1/3] mm: first"));
        assert!(!is_cover_letter("[PATCH] mm: single"));
        assert!(!is_cover_letter("mm: 0/3 in text"));
    }

    #[test]
    fn replies_are_ignored() {
        assert_eq!(classify("Re: [PATCH 1/3] x"), Some(Ignored::Reply));
        assert_eq!(classify("RE: [PATCH 1/3] x"), Some(Ignored::Reply));
        assert_eq!(classify("[PATCH 1/3] Re: x"), None);
    }

    #[test]
    fn encoded_subject_words_are_decoded() {
        assert_eq!(
            decode_words("[PATCH] =?UTF-8?q?mm:_caf=C3=A9?= =?UTF-8?q?_fix?="),
            "[PATCH] mm: café fix"
        );
        assert_eq!(decode_words("plain =?x"), "plain =?x");
    }

    #[test]
    fn mboxrd_from_quoting_is_undone() {
        let body = unquote_mboxrd(&[b">From here", b">>From there", b"> quoted"]);
        assert_eq!(body, b"From here\n>From there\n> quoted\n");
    }

    #[test]
    fn folded_subject_is_joined() {
        let text =
            b"From abc Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/2] a long\n subject\n\nbody\n";
        let (format, messages) = split(text);
        assert_eq!(format, PatchFormat::Mail);
        assert_eq!(
            messages[0].subject.as_deref(),
            Some("[PATCH 1/2] a long subject")
        );
        assert_eq!(messages[0].body, b"body\n");
        assert_eq!(messages[0].first_line, Some(5));
    }

    #[test]
    fn bare_diff_is_one_headerless_text() {
        let (format, messages) = split(b"diff --git a/x b/x\n");
        assert_eq!(format, PatchFormat::Diff);
        assert_eq!(messages[0].subject, None);
    }
}
