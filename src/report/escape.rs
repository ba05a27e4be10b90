//! Stage: report (rendering helpers). Escaping of user text for each output syntax.
//!
//! Input: any string from the model (names, labels, descriptions, ids), which may hold quotes,
//! pipes, backslashes, angle brackets, ampersands, braces, newlines, control characters, non-ASCII
//! text and emoji. Output: text that is inert in the target syntax.
//!
//! Invariants, one per function:
//! - [`md`]: never contains an unescaped `|` or a line break, never forms HTML, a code span, a link
//!   or emphasis; safe inside a Markdown table cell, a heading and a paragraph.
//! - [`md_code`]: a complete code span (fences included) safe inside a Markdown table cell.
//! - [`dot`]: safe between the double quotes of a Graphviz string; `\n` stands for a line break.
//! - [`mermaid`]: safe between the double quotes of a Mermaid label; never closes the quotes,
//!   starts a Markdown string, a directive or an HTML tag, or forms a stray entity code.
//! - [`html`]: safe as HTML text and inside a double- or single-quoted attribute; never forms a
//!   tag, an entity or a comment (the escaping of every `.html.tera` template).
//! - [`url_path`]: a relative URL path whose segments are only unreserved characters, safe in an
//!   `href` and as a Markdown link destination.
//!
//! Control characters other than tab and line breaks have no meaning in any target and break
//! XML-based renderings (Graphviz SVG), so every function turns them into U+FFFD. So do the
//! bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a name
//! with one would show a report's line in another order than it is written (GitHub flags such
//! a file as "bidirectional Unicode text").

const REPLACEMENT: char = '\u{FFFD}';

/// The pieces of a text between its line breaks (`\r\n`, `\n` or `\r`).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .flat_map(|line| line.split('\r'))
}

/// The bytes of each syntax that make a text need escaping. Besides these, every text with an
/// ASCII control character (line breaks among them) or the byte 0xC2, the lead byte of the C1
/// controls (U+0080..U+009F), is left to the full walk; other non-ASCII bytes are never special.
/// 0xE2 starts U+2028 and U+2029, which some Markdown parsers (marked) take for line breaks.
const MD_SPECIAL: &[u8; 12] = b"&<>\\|`*[]~_\xE2";
/// [`MD_SPECIAL`] but `_` (a test keeps the two in step).
const MD_SPECIAL_BUT_UNDERSCORE: &[u8; 11] = b"&<>\\|`*[]~\xE2";
/// 0xE2 starts U+2028 and U+2029, at which some Markdown parsers end a line.
const MD_CODE_SPECIAL: &[u8; 3] = b"|`\xE2";
/// 0xEF starts U+FFFE and U+FFFF, which XML forbids (Graphviz copies them into the SVG).
/// 0xE2 starts the bidirectional controls.
const DOT_SPECIAL: &[u8; 5] = b"\\\"&\xEF\xE2";
/// 0xE2 starts U+2028 and U+2029, line separators, which become `<br>` as line breaks do.
const MERMAID_SPECIAL: &[u8; 14] = b"\"#;:<>&|`{}\\%\xE2";
/// 0xE2 starts the bidirectional controls.
const HTML_SPECIAL: &[u8; 6] = b"&<>\"'\xE2";

/// No special byte: the text needs no escaping. Checked sixteen bytes at a time with no early
/// exit inside a block, which the compiler turns into a few vector compares per special byte:
/// on a large report most cells are plain, and a table lookup per byte was a fifth of
/// rendering the Markdown.
#[inline]
pub(crate) fn is_plain<const N: usize>(text: &str, special: &[u8; N]) -> bool {
    let bytes = text.as_bytes();
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        if let Ok(block) = <&[u8; BLOCK]>::try_from(block) {
            if block_has_special(block, special) {
                return false;
            }
        }
    }
    !block_has_special(&padded(blocks.remainder()), special)
}

/// The bytes after the last whole block as one more block, padded with a byte no syntax treats
/// specially.
fn padded(rest: &[u8]) -> [u8; BLOCK] {
    let mut last = [b'a'; BLOCK];
    if let Some(start) = last.get_mut(..rest.len()) {
        start.copy_from_slice(rest);
    }
    last
}

/// How many bytes [`is_plain`] checks at a time.
const BLOCK: usize = 16;

/// Whether a byte of `block` is an ASCII control, 0xC2 or one of `special`. Each byte's answer
/// is a byte of its own, and the sixteen are read as one number: folded into one `bool`
/// instead, the compiler widened and shuffled the lanes, and the check was half of escaping
/// the HTML page's text.
#[inline(always)]
fn block_has_special<const N: usize>(block: &[u8; BLOCK], special: &[u8; N]) -> bool {
    let mut hits = [0u8; BLOCK];
    for (hit, &byte) in hits.iter_mut().zip(block) {
        let control = byte.is_ascii_control() | (byte == 0xC2);
        *hit = u8::from(special.iter().fold(control, |any, &s| any | (byte == s)));
    }
    u128::from_ne_bytes(hits) != 0
}

/// What becomes U+FFFD in every output: control characters but tab (line breaks are handled
/// before this is asked) and the bidirectional controls.
fn is_control(c: char) -> bool {
    (c.is_control() && c != '\t') || crate::source::is_bidi_control(c)
}

/// Inline Markdown text: a table cell, a heading, a paragraph. Line breaks become `<br>`.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    md_to(&mut out, text, "<br>");
    out
}

/// [`md`] and the period that ends a sentence starting a line. A text of digits alone would
/// make `443.` there, which Markdown reads as the start of a numbered list (the label lost to
/// a list number): its period is escaped.
pub fn md_sentence(text: &str) -> String {
    let mut out = md(text);
    out.push_str(sentence_end(text));
    out
}

/// What ends the sentence `text` (see [`md_sentence`]).
pub fn sentence_end(text: &str) -> &'static str {
    // CommonMark: a list item starts with one to nine digits and `.` or `)`.
    if (1..=9).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        "\\."
    } else {
        "."
    }
}

/// Like [`md`], but line breaks become spaces (for headings, where `<br>` would show).
pub fn md_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    md_heading_to(&mut out, text);
    out
}

/// Appends `text` escaped as by [`md_line`] to `out`: for a heading, where a last run of `#`
/// after a space would be read as the heading's closing sequence and dropped (`Model #`).
pub(crate) fn md_heading_to(out: &mut String, text: &str) {
    let start = out.len();
    md_to(out, text, " ");
    let written = out.get(start..).unwrap_or_default().trim_end();
    let hashes = written.len() - written.trim_end_matches('#').len();
    if hashes == 0 {
        return;
    }
    let run = start + written.len() - hashes;
    let before = out.get(..run).and_then(|head| head.chars().next_back());
    if before.map_or(true, char::is_whitespace) {
        out.insert(run, '\\');
    }
}

/// Appends `text` escaped as by [`md`] (or [`md_line`], with `line_break` a space) to `out`.
pub(crate) fn md_to(out: &mut String, text: &str, line_break: &str) {
    // Most text needs nothing: check cheaply before the character-by-character walk.
    if md_plain_start(text) && (md_plain(text) || md_plain_but_inner_underscores(text)) {
        out.push_str(text);
        return;
    }
    // Leading blanks mean nothing in a cell or a paragraph, but four of them make a code block.
    let text = text.trim_start_matches([' ', '\t']);
    for (i, line) in lines(text).enumerate() {
        if i > 0 {
            out.push_str(line_break);
        }
        md_line_into(line, out, i == 0);
    }
}

/// No byte of `text` needs escaping in Markdown, wherever it stands (a property of each byte,
/// so text made of pieces is plain when every piece is).
pub(crate) fn md_plain(text: &str) -> bool {
    is_plain(text, MD_SPECIAL)
}

/// No byte of `text` needs escaping but underscores inside words (`input_validation`), which
/// [`md_line_into`] leaves as they are: such text is common (control and data names), and
/// [`md_plain`] sends it to the walk. The other bytes are checked a block at a time, as by
/// [`md_plain`], and the underscores found with `memchr`.
fn md_plain_but_inner_underscores(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word_byte = |at: Option<usize>| {
        at.and_then(|at| bytes.get(at))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    is_plain(text, MD_SPECIAL_BUT_UNDERSCORE)
        && text
            .match_indices('_')
            .all(|(at, _)| word_byte(at.checked_sub(1)) && word_byte(at.checked_add(1)))
}

/// `text` does not start with what would be block syntax or a list number at the start of a
/// cell's text.
pub(crate) fn md_plain_start(text: &str) -> bool {
    !text.starts_with(|c: char| {
        matches!(c, '#' | '-' | '+' | '=' | ' ' | '\t') || c.is_ascii_digit()
    })
}

/// A character CommonMark counts as part of a word around `_` (neither whitespace nor Unicode
/// punctuation or symbol). Rust's `is_alphanumeric` also takes the circled and squared letters
/// (`Ⓐ`, `🅐`, `🅰`: alphabetic, but symbols to CommonMark), beside which `_` starts emphasis.
fn md_word_char(c: char) -> bool {
    c.is_alphanumeric() && !matches!(c, '\u{24B6}'..='\u{24E9}' | '\u{1F130}'..='\u{1F189}')
}

fn md_line_into(line: &str, out: &mut String, first: bool) {
    let chars: Vec<char> = line.chars().collect();
    // `1. text` or `1) text` at the very start would be an ordered list item.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let marker_end = |at: usize| chars.get(at).map_or(true, |c| c.is_whitespace());
    let list_marker = first
        && (1..10).contains(&digits)
        && matches!(chars.get(digits), Some('.') | Some(')'))
        && marker_end(digits + 1);
    let mut prev: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // GFM splits table rows on `|` before anything else; a backslash keeps it in the cell.
            '\\' | '|' | '`' | '*' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // An underscore between two letters or digits never starts emphasis; leave it readable.
            '_' if !(prev.is_some_and(md_word_char) && next.is_some_and(md_word_char)) => {
                out.push_str("\\_")
            }
            // Block syntax only matters at the start of the text: `# heading`, `- item`, `+ item`,
            // `---` or `===` (a rule, a setext underline).
            '#' | '-' | '+' | '=' if first && i == 0 && (marker_end(1) || next == Some(c)) => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if list_marker && i == digits => {
                out.push('\\');
                out.push(c);
            }
            '\u{2028}' => out.push_str("&#x2028;"),
            '\u{2029}' => out.push_str("&#x2029;"),
            c if is_control(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
        prev = Some(c);
    }
}

/// A Markdown code span holding `text` verbatim (as far as Markdown allows), for ids.
///
/// The fence is one backtick longer than the longest run inside; `|` is escaped for tables (GFM
/// removes that backslash even inside code spans); line breaks (U+2028 and U+2029 too) become
/// spaces, as code spans would.
pub fn md_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    md_code_to(&mut out, text);
    out
}

/// A code span outside a table, as [`md_code`] but with `|` as it is: outside a table GFM keeps
/// the backslash before it, and the reader would see `a\|b`.
pub fn md_code_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    code_span_to(&mut out, text, false);
    out
}

/// Appends `text` as a code span, as by [`md_code`], to `out`.
pub(crate) fn md_code_to(out: &mut String, text: &str) {
    code_span_to(out, text, true);
}

/// Appends `text` as a code span, as by [`md_code_text`], to `out`.
pub(crate) fn md_code_text_to(out: &mut String, text: &str) {
    code_span_to(out, text, false);
}

fn code_span_to(out: &mut String, text: &str, in_table: bool) {
    if !text.is_empty() && is_plain(text, MD_CODE_SPECIAL) {
        out.push('`');
        out.push_str(text);
        out.push('`');
        return;
    }
    let mut body = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '|' if in_table => body.push_str("\\|"),
            // A code span shows entities as written, so these become spaces as line breaks do.
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => body.push(' '),
            c if is_control(c) => body.push(REPLACEMENT),
            c => body.push(c),
        }
    }
    if body.is_empty() {
        out.push_str("` `");
        return;
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space so the fence is not lengthened.
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    for part in [fence.as_str(), pad, body.as_str(), pad, fence.as_str()] {
        out.push_str(part);
    }
}

/// The inside of a Graphviz double-quoted string: `\` → `\\`, `"` → `\"`, line breaks → `\n`,
/// `&` → `&amp;` (Graphviz decodes entities in labels).
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    dot_to(&mut out, text);
    out
}

/// The longest piece of a quoted string written at once. Graphviz (2.43, Debian's) cannot scan
/// a quoted string of more than 16,384 bytes; a longer text is written as quoted pieces joined
/// by `+`, which DOT's grammar concatenates (`"ab" + "cd"` is `"abcd"`). Pieces of at most 4 KiB
/// stay under the limit even where a template writes two of them with text between in one
/// string (a name's last piece, `\n[`, its technology's first piece).
const DOT_PIECE: usize = 4096;
const DOT_JOIN: &str = "\" + \"";

/// Appends `text` escaped as by [`dot`] to `out`.
pub(crate) fn dot_to(out: &mut String, text: &str) {
    DotPieces::default().text(out, text);
}

/// Writes escaped DOT text in pieces of at most [`DOT_PIECE`] bytes, counting across calls, so
/// a list written item by item (with separators between) is cut as one text would be.
#[derive(Default)]
pub(crate) struct DotPieces {
    piece: usize,
}

impl DotPieces {
    fn unit(&mut self, out: &mut String, unit: &str) {
        if self.piece + unit.len() > DOT_PIECE && self.piece > 0 {
            out.push_str(DOT_JOIN);
            self.piece = 0;
        }
        out.push_str(unit);
        self.piece += unit.len();
    }

    /// Appends `text`, escaped.
    pub(crate) fn text(&mut self, out: &mut String, text: &str) {
        if self.piece + text.len() <= DOT_PIECE && is_plain(text, DOT_SPECIAL) {
            out.push_str(text);
            self.piece += text.len();
            return;
        }
        // Cut only between escaped characters, never inside `\"` or `&amp;`.
        let mut buffer = [0; 4];
        for (i, line) in lines(text).enumerate() {
            if i > 0 {
                self.unit(out, "\\n");
            }
            for c in line.chars() {
                let unit = match c {
                    '\\' => "\\\\",
                    '"' => "\\\"",
                    '&' => "&amp;",
                    c if is_control(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                        REPLACEMENT.encode_utf8(&mut buffer)
                    }
                    c => c.encode_utf8(&mut buffer),
                };
                self.unit(out, unit);
            }
        }
    }

    /// Appends `raw` as it is (a separator a template gives, already in DOT's syntax), uncut.
    pub(crate) fn raw(&mut self, out: &mut String, raw: &str) {
        self.unit(out, raw);
    }
}

/// The inside of a Mermaid double-quoted label. Mermaid labels are HTML, and Mermaid turns
/// `#name;` / `#123;` into entities, so every character with a meaning becomes `#NNN;`;
/// line breaks become `<br>`.
pub fn mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    mermaid_to(&mut out, text);
    out
}

/// Appends `text` escaped as by [`mermaid`] to `out`.
pub(crate) fn mermaid_to(out: &mut String, text: &str) {
    if is_plain(text, MERMAID_SPECIAL) && direction_ends(text).next().is_none() {
        out.push_str(text);
        return;
    }
    for (i, line) in lines(text).enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        let mut ends = direction_ends(line).peekable();
        for (at, c) in line.char_indices() {
            let ends_direction = ends.next_if_eq(&at).is_some();
            match c {
                '"' | '#' | ';' | ':' | '<' | '>' | '&' | '|' | '`' | '{' | '}' | '\\' | '%' => {
                    out.push('#');
                    out.push_str(&u32::from(c).to_string());
                    out.push(';');
                }
                c if ends_direction => {
                    out.push('#');
                    out.push_str(&u32::from(c).to_string());
                    out.push(';');
                }
                '\u{2028}' | '\u{2029}' => out.push_str("<br>"),
                c if is_control(c) => out.push(REPLACEMENT),
                c => out.push(c),
            }
        }
    }
}

/// Where each `direction` (in any case) in `text` ends: the offset of its `n`. Mermaid's
/// flowchart lexer reads `direction TB` (or `BT`, `LR`, `RL`, `TD`) anywhere on a line, even
/// inside a quoted label, as a change of the diagram's direction, which ends the label and
/// breaks the diagram; a label with the word's last letter as an entity does not match.
fn direction_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    const WORD: &[u8] = b"direction";
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(WORD.len() - 1))
        .filter(move |&at| {
            bytes
                .get(at..at + WORD.len())
                .is_some_and(|word| word.eq_ignore_ascii_case(WORD))
        })
        .map(|at| at + WORD.len() - 1)
}

/// HTML text or attribute value: `&`, `<`, `>`, `"` and `'` become entities. Line breaks stay
/// (CSS decides whether they show); other control characters become U+FFFD.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    html_to(&mut out, text);
    out
}

/// Appends `text` escaped as by [`html`] to `out`.
///
/// Sixteen bytes at a time, as [`is_plain`] checks them: a block with something in it is
/// walked byte by byte, and the runs between escapes are copied whole. Every character it
/// changes is ASCII, a C1 control (`0xC2 0x80..=0x9F`) or a bidirectional control (three bytes
/// from `0xE2`), so each run is whole characters.
/// A threat's explanation with one quote in it went through a character-at-a-time walk, a
/// seventh of a 10,000-element `--emit html` build.
pub(crate) fn html_to(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // `text[plain_from..]` needs no escaping as far as it has been walked, and is not written.
    let mut plain_from = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut at = 0;
    for block in &mut blocks {
        if let Ok(block) = <&[u8; BLOCK]>::try_from(block) {
            if block_has_special(block, HTML_SPECIAL) {
                html_walk(out, text, at..at + BLOCK, &mut plain_from);
            }
        }
        at += BLOCK;
    }
    if block_has_special(&padded(blocks.remainder()), HTML_SPECIAL) {
        html_walk(out, text, at..bytes.len(), &mut plain_from);
    }
    out.push_str(text.get(plain_from..).unwrap_or_default());
}

/// Escapes the bytes of `text` in `range`, writing out what came before each escape since
/// `plain_from`.
fn html_walk(out: &mut String, text: &str, range: std::ops::Range<usize>, plain_from: &mut usize) {
    let bytes = text.as_bytes();
    let start = range.start;
    for (offset, &byte) in bytes.get(range).unwrap_or_default().iter().enumerate() {
        let at = start + offset;
        let (escaped, width) = match byte {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\n' | b'\r' | b'\t' => continue,
            0x00..=0x1F | 0x7F => (REPLACEMENT_UTF8, 1),
            0xC2 if bytes
                .get(at + 1)
                .is_some_and(|next| (0x80..=0x9F).contains(next)) =>
            {
                (REPLACEMENT_UTF8, 2)
            }
            0xE2 if crate::source::bidi_control_at(bytes, at) => (REPLACEMENT_UTF8, 3),
            _ => continue,
        };
        out.push_str(text.get(*plain_from..at).unwrap_or_default());
        out.push_str(escaped);
        *plain_from = at + width;
    }
}

/// [`REPLACEMENT`] as text.
const REPLACEMENT_UTF8: &str = "\u{FFFD}";

/// A relative path (`/`-separated) as a URL path: every byte but ASCII letters, digits, `-`, `.`,
/// `_`, `~` and the `/` separators is percent-encoded, so no file name can end the link, start a
/// query or a fragment, or be read as a scheme. Bytes, not text: a file name on Unix need not be
/// UTF-8, and the link must name the file it was made from.
pub fn url_path(path: impl AsRef<[u8]>) -> String {
    let path = path.as_ref();
    let mut out = String::with_capacity(path.len());
    for &byte in path {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push_str(&format!("{byte:02X}"));
        }
    }
    out
}

/// A vocabulary word (`Category::word`, a SARIF level and the like) as a JSON string: fixed
/// ASCII that JSON never escapes (`the_words_are_the_serialized_names`), so it is copied
/// without [`json_into`]'s scan.
#[inline]
pub(crate) fn json_word_into(out: &mut Vec<u8>, word: &'static str) {
    out.push(b'"');
    out.extend_from_slice(word.as_bytes());
    out.push(b'"');
}

/// The inside of a JSON string (quotes not included), byte for byte as `serde_json` writes it:
/// `"` and `\` escaped, `\b \f \n \r \t` for those controls, `\u00xx` for the other ASCII
/// controls, and everything else (non-ASCII included) as it is.
///
/// JSON and SARIF output is a great many strings, nearly all with nothing to escape: each is
/// checked eight bytes at a time and then copied whole, where `serde_json` walks a byte at a time.
pub fn json_into(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !has_json_special(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    // `bytes[plain_from..at]` needs no escaping and is not written yet.
    let mut plain_from = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let escaped: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0x00..=0x1F => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                hex_digit(byte >> 4),
                hex_digit(byte & 0xF),
            ],
            _ => continue,
        };
        out.extend_from_slice(bytes.get(plain_from..at).unwrap_or_default());
        out.extend_from_slice(escaped);
        plain_from = at + 1;
    }
    out.extend_from_slice(bytes.get(plain_from..).unwrap_or_default());
}

fn hex_digit(nibble: u8) -> u8 {
    b"0123456789abcdef"
        .get(usize::from(nibble))
        .copied()
        .unwrap_or(b'0')
}

/// Whether `bytes` holds a byte JSON escapes: below 0x20, `"` or `\`.
#[inline]
fn has_json_special(bytes: &[u8]) -> bool {
    const BLOCK: usize = 16;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        if let Ok(block) = <&[u8; BLOCK]>::try_from(block) {
            if block_has_json_special(block) {
                return true;
            }
        }
    }
    if blocks.remainder().is_empty() {
        return false;
    }
    // The last block, overlapping bytes already checked, when there is a whole one.
    let last = bytes
        .len()
        .checked_sub(BLOCK)
        .and_then(|start| bytes.get(start..));
    if let Some(Ok(last)) = last.map(<&[u8; BLOCK]>::try_from) {
        return block_has_json_special(last);
    }
    // A string shorter than a block: a word at a time, the last one overlapping.
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        if let Ok(word) = <[u8; 8]>::try_from(word) {
            if word_has_json_special(u64::from_le_bytes(word)) {
                return true;
            }
        }
    }
    match bytes
        .len()
        .checked_sub(8)
        .and_then(|start| bytes.get(start..))
    {
        Some(last) => <[u8; 8]>::try_from(last)
            .is_ok_and(|word| word_has_json_special(u64::from_le_bytes(word))),
        None => words.remainder().iter().any(|&byte| is_json_special(byte)),
    }
}

/// A fixed-size block with no early exit, which the compiler checks with a few vector
/// instructions.
#[inline]
fn block_has_json_special(block: &[u8; 16]) -> bool {
    block
        .iter()
        .fold(false, |any, &byte| any | is_json_special(byte))
}

#[inline]
fn is_json_special(byte: u8) -> bool {
    (byte < 0x20) | (byte == b'"') | (byte == b'\\')
}

/// Whether any of the eight bytes of `word` is below 0x20, `"` or `\` (the classic bit tricks
/// "has a byte less than n" and "has a zero byte", exact as a yes/no for the whole word).
#[inline]
fn word_has_json_special(word: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quote = has_zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero_byte(word ^ (ONES * u64::from(b'\\')));
    below_space | quote | backslash != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block check finds every byte that needs the full walk, wherever it is: each special
    /// byte of each syntax, each ASCII control character and the C1 lead byte, at every place
    /// in texts of every length up to three blocks; and passes text without one.
    #[test]
    fn is_plain_finds_every_special_byte_at_every_offset() {
        fn check<const N: usize>(special: &[u8; N]) {
            // A lead byte stands for the characters it starts that need escaping.
            let lead = |b: u8| match b {
                0xE2 => '\u{2028}',
                0xEF => '\u{FFFE}',
                b => char::from(b),
            };
            let mut needs_walk: Vec<char> = special.iter().map(|&b| lead(b)).collect();
            needs_walk.extend((0u8..0x20).chain([0x7F]).map(char::from));
            needs_walk.push('\u{85}'); // 0xC2 0x85
            for len in 0..48 {
                let plain: String = "aé😀 zZ09".chars().cycle().take(len).collect();
                assert!(super::is_plain(&plain, special), "{plain:?}");
                let chars: Vec<char> = plain.chars().collect();
                for at in 0..=chars.len() {
                    for &c in &needs_walk {
                        let mut text: String = chars.get(..at).unwrap_or_default().iter().collect();
                        text.push(c);
                        text.extend(chars.get(at..).unwrap_or_default());
                        assert!(!super::is_plain(&text, special), "{text:?} {special:?}");
                    }
                }
            }
        }
        check(super::MD_SPECIAL);
        check(super::MD_CODE_SPECIAL);
        check(super::DOT_SPECIAL);
        check(super::MERMAID_SPECIAL);
        check(super::HTML_SPECIAL);
    }

    /// The shortcut for underscores inside words gives what the walk gives, and takes only
    /// text the walk would leave as it is.
    #[test]
    fn inner_underscores_are_left_as_the_walk_leaves_them() {
        let mut walked = String::new();
        for text in [
            "input_validation",
            "a_b_c and x_1",
            "_lead",
            "trail_",
            "a__b",
            "a_ b",
            "é_a",
            "a_é",
            "a_b | c",
            "a_b\nc",
            "1_000",
            "x_y <z>",
        ] {
            walked.clear();
            for (i, line) in super::lines(text).enumerate() {
                if i > 0 {
                    walked.push_str("<br>");
                }
                super::md_line_into(line, &mut walked, i == 0);
            }
            assert_eq!(md(text), walked, "{text:?}");
            if super::md_plain_but_inner_underscores(text) {
                assert_eq!(walked, text, "{text:?}");
            }
        }
        for byte in 0x20u8..0x7F {
            let text = format!("a{}b", char::from(byte));
            let special = super::MD_SPECIAL.contains(&byte);
            assert_eq!(
                super::md_plain_but_inner_underscores(&text),
                !special || byte == b'_'
            );
        }
        let but_underscore: Vec<u8> = (super::MD_SPECIAL.iter())
            .copied()
            .filter(|&b| b != b'_')
            .collect();
        assert_eq!(but_underscore, super::MD_SPECIAL_BUT_UNDERSCORE);
        assert!(super::md_plain_but_inner_underscores(
            "input_validation and x_1"
        ));
        assert!(!super::md_plain_but_inner_underscores("a__b"));
        assert!(!super::md_plain_but_inner_underscores("_a"));
    }

    #[test]
    fn md_escapes_table_and_html_syntax() {
        assert_eq!(md("a | b"), "a \\| b");
        assert_eq!(md("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(md("x\\|y"), "x\\\\\\|y");
        assert_eq!(
            md("line 1\nline 2\r\nline 3\rline 4"),
            "line 1<br>line 2<br>line 3<br>line 4"
        );
        assert_eq!(
            md("`code` *em* [link](x) ~s~"),
            "\\`code\\` \\*em\\* \\[link\\](x) \\~s\\~"
        );
        assert_eq!(md("snake_case _em_"), "snake_case \\_em\\_");
        // Letters beyond ASCII are word characters; circled and squared letters are symbols.
        assert_eq!(md("é_é 名_前"), "é_é 名_前");
        assert_eq!(md("Ⓐ_bar_Ⓐ 🅐_x_🅰"), "Ⓐ\\_bar\\_Ⓐ 🅐\\_x\\_🅰");
        assert_eq!(md("{{ x }} \"q\" 🚀 é"), "{{ x }} \"q\" 🚀 é");
        assert_eq!(md("a\u{1b}b"), "a\u{FFFD}b");
    }

    #[test]
    fn bidirectional_controls_never_reach_an_output() {
        // An override in a name, then an isolate, a pop and an embedding; 16 bytes before the
        // last put it across the block boundary of the quick checks.
        let text = "admin\u{202E}gpj.exe\u{2066}x\u{202C}1234567890abcde\u{202A}";
        let shown = "admin\u{FFFD}gpj.exe\u{FFFD}x\u{FFFD}1234567890abcde\u{FFFD}";
        assert_eq!(md(text), shown);
        assert_eq!(md_code(text), format!("`{shown}`"));
        assert_eq!(dot(text), shown);
        assert_eq!(mermaid(text), shown);
        assert_eq!(html(text), shown);
        // Neighbours that are not controls stay: an en dash, a line separator's own handling.
        assert_eq!(html("a\u{2013}b\u{2069}"), "a\u{2013}b\u{FFFD}");
        assert_eq!(dot("\u{2065}\u{2070}\u{2029}"), "\u{2065}\u{2070}\u{2029}");
    }

    #[test]
    fn md_escapes_block_starts() {
        assert_eq!(md("# not a heading"), "\\# not a heading");
        assert_eq!(md("- not a list"), "\\- not a list");
        assert_eq!(md("12. not a list"), "12\\. not a list");
        assert_eq!(md("3) nor this"), "3\\) nor this");
        assert_eq!(md("C# - fine"), "C# - fine");
        assert_eq!(md("1.2"), "1.2");
        assert_eq!(md("-5 degrees"), "-5 degrees");
        assert_eq!(md("#tag"), "#tag");
        assert_eq!(md("---"), "\\---");
        assert_eq!(md("1234567890. x"), "1234567890. x");
        assert_eq!(md("2024 plan"), "2024 plan");
        assert_eq!(md("é1. x\n2. y"), "é1. x<br>2. y");
        assert_eq!(md(""), "");
    }

    #[test]
    fn md_line_has_no_breaks() {
        assert_eq!(md_line("a\nb"), "a b");
        assert_eq!(md_line("a|b"), "a\\|b");
    }

    #[test]
    fn md_keeps_text_from_turning_into_other_blocks() {
        // Four blanks at the start would make an indented code block; leading blanks show nowhere.
        assert_eq!(md("    code?\nsecond"), "code?<br>second");
        assert_eq!(md("\t- item?"), "\\- item?");
        // marked ends a line (and a table row) at U+2028 and U+2029.
        assert_eq!(md("a\u{2028}b\u{2029}c — d"), "a&#x2028;b&#x2029;c — d");
        // A heading's last run of `#` after a space is its closing sequence, which is dropped.
        assert_eq!(md_line("Model #"), "Model \\#");
        assert_eq!(md_line("Model ## "), "Model \\## ");
        assert_eq!(md_line("C#"), "C#");
        assert_eq!(md_line("#"), "\\#");
        assert_eq!(md("Model #"), "Model #");
    }

    #[test]
    fn md_code_fences_around_backticks() {
        assert_eq!(md_code("rule@a>b#2"), "`rule@a>b#2`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`a``"), "``` `a`` ```");
        assert_eq!(md_code("a|b\nc"), "`a\\|b c`");
        assert_eq!(md_code_text("a|b\nc"), "`a|b c`");
        assert_eq!(md_code_text("a`|"), "``a`|``");
        assert_eq!(md_code(""), "` `");
        assert_eq!(md_code("a\u{2028}b\u{2029}c"), "`a b c`");
    }

    #[test]
    fn dot_escapes_quotes_backslashes_and_breaks() {
        assert_eq!(dot(r#"say "hi" \ bye"#), r#"say \"hi\" \\ bye"#);
        assert_eq!(dot("a\nb\r\nc"), "a\\nb\\nc");
        assert_eq!(dot("AT&amp;T <b>{x}</b> 🚀"), "AT&amp;amp;T <b>{x}</b> 🚀");
        assert_eq!(dot("\u{0}"), "\u{FFFD}");
        // Not characters XML allows: Graphviz would copy them into the SVG.
        assert_eq!(
            dot("a\u{FFFE}b\u{FFFF}c\u{FFFD}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
    }

    #[test]
    fn dot_writes_long_text_in_pieces_cut_between_escapes() {
        // Every escape at every offset of the cut, and a multi-byte character.
        let text: String = (0..3000)
            .map(|i| ["\"", "\\", "&", "\n", "é", "🚀", "a"][i % 7])
            .collect();
        let written = dot(&text);
        let pieces: Vec<&str> = written.split(DOT_JOIN).collect();
        assert!(pieces.len() > 1, "{}", written.len());
        for piece in &pieces {
            assert!(piece.len() <= DOT_PIECE, "{}", piece.len());
            let run = piece.chars().rev().take_while(|&c| c == '\\').count();
            assert!(run % 2 == 0, "a piece ends inside an escape: {piece}");
            assert!(!piece.ends_with("&amp") && !piece.ends_with('&'));
        }
        assert_eq!(pieces.concat(), written.replace(DOT_JOIN, ""));
        let whole = text
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('&', "&amp;")
            .replace('\n', "\\n");
        assert_eq!(pieces.concat(), whole);
        // Plain text over the limit too; at the limit, one piece.
        assert!(dot(&"x".repeat(DOT_PIECE + 1)).contains(DOT_JOIN));
        assert!(!dot(&"x".repeat(DOT_PIECE)).contains(DOT_JOIN));
    }

    #[test]
    fn mermaid_uses_entity_codes() {
        assert_eq!(
            mermaid(r#"a "b" #c; <d> & e|f"#),
            "a #34;b#34; #35;c#59; #60;d#62; #38; e#124;f"
        );
        assert_eq!(mermaid("`md` {x} %%"), "#96;md#96; #123;x#125; #37;#37;");
        assert_eq!(mermaid("one\ntwo"), "one<br>two");
        assert_eq!(mermaid("Ünïcode 🚀 ok."), "Ünïcode 🚀 ok.");
        // Mermaid's lexer reads `direction TB` anywhere, even in a label.
        assert_eq!(mermaid("Switch direction TB"), "Switch directio#110; TB");
        assert_eq!(
            mermaid("DIRECTION lr, direction"),
            "DIRECTIO#78; lr, directio#110;"
        );
        assert_eq!(mermaid("directions"), "directio#110;s");
        assert_eq!(
            mermaid("one\u{2028}two\u{2029}three"),
            "one<br>two<br>three"
        );
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("a\nb\u{0}c 🚀 é"), "a\nb\u{FFFD}c 🚀 é");
        assert_eq!(html("<!-- x -->"), "&lt;!-- x --&gt;");
    }

    /// The character walk [`html_to`] replaced, kept as its reference.
    fn html_walked(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\n' | '\r' => out.push(c),
                c if is_control(c) => out.push(REPLACEMENT),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn html_escapes_as_the_character_walk_does() {
        let samples = [
            "",
            "plain",
            "a \"quoted\" word",
            "it's <b>&amp;</b>",
            "tab\there\r\nline",
            "\u{0}\u{1F}\u{7F}\u{80}\u{85}\u{9F}\u{A0}\u{C2}\u{100}",
            "é\"à\u{9F}ü'🚀<",
            "\u{80}",
            "ends with a quote\"",
        ];
        for text in samples {
            assert_eq!(html(text), html_walked(text), "{text:?}");
        }
    }

    #[test]
    fn url_path_encodes_everything_but_unreserved() {
        assert_eq!(
            url_path("team a/api.v2/threat-model.md"),
            "team%20a/api.v2/threat-model.md"
        );
        assert_eq!(url_path("x)(y)#?:\"<é"), "x%29%28y%29%23%3F%3A%22%3C%C3%A9");
    }

    /// Every `|` in the output of `md` is escaped (an odd run of backslashes before it).
    fn pipes_escaped(out: &str) -> bool {
        let bytes = out.as_bytes();
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'|')
            .all(|(i, _)| {
                let run = bytes
                    .get(..i)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .take_while(|b| **b == b'\\')
                    .count();
                run % 2 == 1
            })
    }

    proptest::proptest! {
        /// Text made of the characters the HTML escape treats specially, and their neighbours.
        #[test]
        fn html_escapes_special_text_as_the_character_walk_does(
            text in "[&<>\"'\\t\\n\\r\u{0}-\u{1F}\u{7F}-\u{A1}\u{C2}\u{FFFD}é🚀a ]{0,40}"
        ) {
            proptest::prop_assert_eq!(html(&text), html_walked(&text));
        }

        #[test]
        fn escaped_text_is_inert(text in "(?s).{0,40}") {
            let md_out = md(&text);
            proptest::prop_assert!(!md_out.replace("<br>", "").contains(['\n', '\r', '<', '>', '\u{2028}', '\u{2029}']), "{md_out}");
            proptest::prop_assert!(!md_out.starts_with([' ', '\t']));
            proptest::prop_assert!(pipes_escaped(&md_out));
            let code = md_code(&text);
            proptest::prop_assert!(!code.contains(['\n', '\r']));
            let dot_out = dot(&text);
            proptest::prop_assert!(!dot_out.contains(['\n', '\r', '\u{FFFE}', '\u{FFFF}']), "{dot_out}");
            proptest::prop_assert!(!dot_out.replace("\\\\", "").replace("\\\"", "").replace(DOT_JOIN, "").contains('"'));
            let mermaid_out = mermaid(&text).replace("<br>", "");
            let forbidden = ['"', '<', '>', '`', '\n', '\r', '{', '}', '\u{2028}', '\u{2029}'];
            proptest::prop_assert!(!mermaid_out.contains(forbidden), "{mermaid_out}");
            proptest::prop_assert!(!mermaid_out.to_ascii_lowercase().contains("direction"), "{mermaid_out}");
            let html_out = html(&text);
            proptest::prop_assert!(!html_out.contains(['<', '>', '"', '\'']), "{html_out}");
            proptest::prop_assert!(html_out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
                .replace("&quot;", "").replace("&#39;", "").find('&').is_none());
            proptest::prop_assert_eq!(&html_out, &html_walked(&text));
            let url = url_path(&text);
            proptest::prop_assert!(url.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)));
        }
    }
}
