//! A linear scan before parsing that finds what a PEG parser reports badly or could not survive:
//! unterminated strings and block comments (with the span of their opening), NUL bytes, and
//! nesting deeper than the limit (so the recursive parser can never overflow its stack).

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// What the scan found of a file the parser may have.
pub struct Scanned {
    /// Where the file can be cut into pieces of about `chunk_len` bytes (see [`scan`]): line
    /// starts outside every block, string and comment, the first at or past `chunk_len`, each
    /// next at least `chunk_len` past the one before. A top-level statement (or a blank or
    /// comment line) starts at each, so the text between two is a whole file of statements.
    pub cuts: Vec<usize>,
}

/// Reports what the parser would report badly, and finds where the file can be cut into
/// pieces of about `chunk_len` bytes (none with `None`); `None` when the file must not be
/// handed to the parser.
pub fn scan(
    file: FileId,
    text: &str,
    limits: super::ParseLimits,
    chunk_len: Option<usize>,
    sink: &mut Diagnostics,
) -> Option<Scanned> {
    let mut cuts = Vec::new();
    let mut next_cut = chunk_len.unwrap_or(usize::MAX);
    let max_depth = limits.max_depth;
    let bytes = text.as_bytes();
    let mut ok = true;
    // Where each bracket still open was opened (at most `max_depth` of them): its length is the
    // nesting depth.
    let mut open: Vec<usize> = Vec::new();
    // The first block closed by a `}` on a line of its own indented unlike the line that opened
    // it: where a `}` is most likely missing when a bracket is left open at the end.
    let mut misclosed: Option<(usize, usize)> = None;
    let mut mismatched = false;
    // A NUL byte, or a carriage return not followed by a line feed, in one pass. A lone CR
    // ends a line for the grammar's comments but not for its statements: a file with classic
    // Mac line endings read as one long line, and a lone CR in a comment turned the rest of
    // the line into code.
    let odd = bytes
        .iter()
        .enumerate()
        .find(|&(at, &b)| b == 0 || (b == b'\r' && bytes.get(at + 1) != Some(&b'\n')));
    match odd {
        Some((at, 0)) => {
            sink.push(nul_byte(file, at));
            return None;
        }
        Some((at, _)) => {
            sink.push(
                Diagnostic::new(
                    codes::E0001,
                    Span::new(file, at, at + 1),
                    "a carriage return that is not part of a line break",
                )
                .label("a CR without the LF after it")
                .with_help("lines end in LF or CRLF; convert the file's line endings (a lone CR is a classic Mac OS line ending)"),
            );
            return None;
        }
        None => {}
    }
    bidi_controls(file, bytes, sink);
    let mut i = 0usize;
    while i < bytes.len() {
        match bytes.get(i..).unwrap_or_default() {
            [b'/', b'/', ..] => {
                i = find(bytes, i, b"\n").unwrap_or(bytes.len());
            }
            [b'/', b'*', ..] => match find(bytes, i + 2, b"*/") {
                Some(end) => i = end + 2,
                None => {
                    sink.push(
                        Diagnostic::new(
                            codes::E0002,
                            Span::new(file, i, i + 2),
                            "unterminated block comment",
                        )
                        .label("this comment is never closed")
                        .with_help("close it with `*/` (block comments do not nest)"),
                    );
                    return None;
                }
            },
            [b'"', b'"', b'"', ..] => match find(bytes, i + 3, b"\"\"\"") {
                Some(end) => {
                    if !within_string_limit(file, i, end + 3, limits, sink) {
                        return None;
                    }
                    i = end + 3
                }
                None => {
                    sink.push(
                        Diagnostic::new(
                            codes::E0002,
                            Span::new(file, i, i + 3),
                            "unterminated triple-quoted string",
                        )
                        .label("this string is never closed")
                        .with_help("close it with `\"\"\"`"),
                    );
                    return None;
                }
            },
            [b'"', ..] => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            if !within_string_limit(file, start, i, limits, sink) {
                                return None;
                            }
                            break;
                        }
                        None | Some(b'\n' | b'\r') => {
                            sink.push(
                                Diagnostic::new(codes::E0002, Span::new(file, start, i.min(bytes.len())), "unterminated string")
                                    .label("this string is not closed before the end of the line")
                                    .with_help("add the closing `\"`, or use `\"\"\"...\"\"\"` for text over several lines"),
                            );
                            ok = false;
                            break;
                        }
                        Some(&byte) if byte < 0x20 && byte != b'\t' => {
                            sink.push(
                                Diagnostic::new(
                                    codes::E0001,
                                    Span::new(file, i, i + 1),
                                    format!("control character U+{byte:04X} in a string"),
                                )
                                .label("not allowed in a string")
                                .with_help(format!(
                                    "remove it, or write it as the escape `\\u{{{byte:x}}}`"
                                )),
                            );
                            return None;
                        }
                        Some(_) => i = skip_until(bytes, i + 1, special_in_string),
                    }
                }
            }
            [b'{' | b'(' | b'[', ..] => {
                open.push(i);
                if open.len() > max_depth {
                    sink.push(
                        Diagnostic::new(
                            codes::E0003,
                            Span::new(file, i, i + 1),
                            format!("nesting deeper than {max_depth} levels"),
                        )
                        .label("too deep")
                        .with_help("flatten the model, or raise the limit with `--max-depth`"),
                    );
                    return None;
                }
                i += 1;
            }
            [b'}' | b')' | b']', ..] => {
                let opened = open.pop();
                // `(` closed by `}` and the like: the parser reports that well, where it is.
                mismatched |=
                    opened.is_some_and(|at| closer_of(bytes, at) != bytes.get(i).copied());
                if let Some(opened) = opened {
                    if misclosed.is_none()
                        && leading_blanks(bytes, i).is_some_and(|b| b != indentation(bytes, opened))
                    {
                        misclosed = Some((opened, i));
                    }
                }
                i += 1;
            }
            [b'\n', ..] => {
                i += 1;
                if open.is_empty() && i >= next_cut && i < bytes.len() {
                    cuts.push(i);
                    next_cut = i.saturating_add(chunk_len.unwrap_or(usize::MAX));
                }
            }
            _ => i = skip_until(bytes, i + 1, special),
        }
    }
    if let (true, false, Some(&innermost)) = (ok, mismatched, open.last()) {
        sink.push(never_closed(file, text, innermost, misclosed));
        return None;
    }
    ok.then_some(Scanned { cuts })
}

/// At most this many W0012 warnings per file: one is enough to look, the rest would bury
/// everything else.
const MAX_BIDI_WARNINGS: usize = 8;

/// W0012 for each bidirectional control in the file (the first [`MAX_BIDI_WARNINGS`]): in a
/// string or a comment, one shows the text around it in another order than the compiler reads
/// it, so a reviewer of a model (an `accept` in a pull request, say) sees something else than
/// what is compiled ("Trojan Source").
fn bidi_controls(file: FileId, bytes: &[u8], sink: &mut Diagnostics) {
    let mut found =
        memchr::memchr_iter(0xE2, bytes).filter(|&at| crate::source::bidi_control_at(bytes, at));
    let listed: Vec<usize> = found.by_ref().take(MAX_BIDI_WARNINGS).collect();
    let count = listed.len() + found.count();
    for (index, &at) in listed.iter().enumerate() {
        let c = std::str::from_utf8(bytes.get(at..at + 3).unwrap_or_default())
            .ok()
            .and_then(|text| text.chars().next())
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        let code = u32::from(c);
        let unlisted = match count - index - 1 {
            more if index + 1 == MAX_BIDI_WARNINGS && more > 0 => {
                format!("; {more} more in this file are not listed")
            }
            _ => String::new(),
        };
        let warning = Diagnostic::new(
            codes::W0012,
            Span::new(file, at, at + 3),
            format!("bidirectional control character U+{code:04X} ({})", bidi_name(c)),
        )
        .label("the text around it is shown in another order than it is read")
        .with_help(format!(
            "remove it; if a string needs it, write the escape `\\u{{{code:X}}}` instead, which shows in the source (reports show it as U+FFFD){unlisted}"
        ));
        sink.push(warning);
    }
}

/// The Unicode name of a bidirectional control.
fn bidi_name(c: char) -> &'static str {
    match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        _ => "POP DIRECTIONAL ISOLATE",
    }
}

fn nul_byte(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::new(
        codes::E0015,
        Span::new(file, at, at + 1),
        "NUL byte in the file",
    )
    .label("a .tm file is text; this byte is not")
    .with_help("remove the byte, or check that this is the file you meant")
}

/// The error for a bracket still open at the end of the file. The parser would report it at
/// the end, far from the cause; a block closed by a `}` indented like an outer one points at
/// where the `}` is missing.
fn never_closed(
    file: FileId,
    text: &str,
    innermost: usize,
    misclosed: Option<(usize, usize)>,
) -> Diagnostic {
    let bytes = text.as_bytes();
    let bracket = |at: usize| char::from(bytes.get(at).copied().unwrap_or(b'{'));
    let closing = |at: usize| char::from(closer_of(bytes, at).unwrap_or(b'}'));
    let line_of = |at: usize| {
        1 + bytes
            .get(..at)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
    };
    match misclosed.filter(|(opened, _)| bracket(*opened) == '{' && bracket(innermost) == '{') {
        Some((opened, closed)) => Diagnostic::new(
            codes::E0001,
            Span::new(file, opened, opened + 1),
            "a `{` is never closed",
        )
        .label("this block seems to lack its `}`")
        .with_secondary(
            Span::new(file, closed, closed + 1),
            format!(
                "this `}}` closes the block of line {}, but is indented like an outer one",
                line_of(opened)
            ),
        )
        .with_secondary(
            Span::new(file, innermost, innermost + 1),
            "so this `{` is still open at the end of the file",
        )
        .with_help("add the missing `}` where the block ends"),
        None => Diagnostic::new(
            codes::E0001,
            Span::new(file, innermost, innermost + 1),
            format!("a `{}` is never closed", bracket(innermost)),
        )
        .label(format!("no `{}` closes this", closing(innermost)))
        .with_help(format!(
            "add the missing `{}` where it ends",
            closing(innermost)
        )),
    }
}

/// The bracket that closes the one at `at`.
fn closer_of(bytes: &[u8], at: usize) -> Option<u8> {
    match bytes.get(at) {
        Some(b'(') => Some(b')'),
        Some(b'[') => Some(b']'),
        Some(b'{') => Some(b'}'),
        _ => None,
    }
}

/// The spaces and tabs before `at` when nothing else comes before it on its line. Looks back
/// over them only, so a long line of brackets costs no more than a short one.
fn leading_blanks(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let before = bytes.get(..at).unwrap_or_default();
    let blanks = before
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let start = at.saturating_sub(blanks);
    let line_start = start == 0 || before.get(start - 1) == Some(&b'\n');
    line_start.then(|| before.get(start..).unwrap_or_default())
}

/// The leading spaces and tabs of the line `at` is on.
fn indentation(bytes: &[u8], at: usize) -> &[u8] {
    let before = bytes.get(..at).unwrap_or_default();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let line = bytes.get(start..).unwrap_or_default();
    let width = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    line.get(..width).unwrap_or_default()
}

/// Whether a byte starts something the scan looks at outside strings (anything else is
/// skipped in a tight loop: most of a model is names and words).
fn special(byte: u8) -> bool {
    matches!(
        byte,
        b'/' | b'"' | b'{' | b'(' | b'[' | b'}' | b')' | b']' | b'\n'
    )
}

/// Whether a byte ends a run of plain text inside a string: the quote, an escape, a line
/// break or another control character (a tab is plain).
fn special_in_string(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t') || byte == b'"' || byte == b'\\'
}

/// The first position from `from` whose byte `stops` the run, or the end.
fn skip_until(bytes: &[u8], from: usize, stops: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| stops(b)))
        .map_or(bytes.len(), |at| from + at)
}

/// Reports a string literal longer than the limit.
fn within_string_limit(
    file: FileId,
    start: usize,
    end: usize,
    limits: super::ParseLimits,
    sink: &mut Diagnostics,
) -> bool {
    let length = end.saturating_sub(start);
    if length <= limits.max_string_length {
        return true;
    }
    sink.push(
        Diagnostic::new(
            codes::E0016,
            Span::new(file, start, start + 1),
            format!(
                "a string of {length} bytes, over the limit of {} bytes",
                limits.max_string_length
            ),
        )
        .label("this string")
        .with_help("shorten it, or raise the limit with `--max-string-length`"),
    );
    false
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| at + from)
}
