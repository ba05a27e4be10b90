//! Stage 0: source text. Files get a `FileId`; every later stage points back into them with a
//! byte `Span`. Line and column are computed only when something is shown to a person.

use codespan_reporting::files::{Files, SimpleFiles};
use serde::Serialize;
use std::ops::Range;

/// One loaded file; an index into the `SourceMap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

impl FileId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The longest file a span can point into: offsets are `u32`, which keeps a span at 12 bytes
/// (a large model's syntax tree and threats hold millions of them). The loader refuses larger
/// files whatever `--max-file-size` says.
pub const MAX_FILE_BYTES: usize = u32::MAX as usize;

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    start: u32,
    end: u32,
}

impl Span {
    /// Offsets past [`MAX_FILE_BYTES`] (only in text the loader did not read) are clamped.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        Span {
            file,
            start: offset(start),
            end: offset(end),
        }
    }

    /// The empty span at the start of `file`.
    pub const fn empty(file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The smallest span covering both (they must be in the same file; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }
}

/// A 1-based position, as people and editors count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Every file of one compilation: the root, its includes, the rule packs and the embedded stdlib.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    /// Per file, characters counted at every [`COLUMN_STEP`] bytes, so a column costs at most
    /// one step of counting however long its line is (a model may be one 64 KB line; counting from
    /// the line start for every element made building its report quadratic). `None` for an ASCII
    /// file, where every byte is a character.
    columns: Vec<Option<Vec<usize>>>,
    count: usize,
}

/// Bytes between two checkpoints of the character count.
const COLUMN_STEP: usize = 256;

/// Counts the bytes `b` in `from..to` where `b + 1` is a character boundary: the characters that
/// end in that range (codespan-reporting's way of counting columns, so both agree).
fn chars_ending_in(text: &str, from: usize, to: usize) -> usize {
    (from..to)
        .filter(|byte| text.is_char_boundary(byte + 1))
        .count()
}

fn column_checkpoints(text: &str) -> Vec<usize> {
    let mut checkpoints = vec![0];
    let mut total = 0;
    let mut at = 0;
    while at + COLUMN_STEP <= text.len() {
        total += chars_ending_in(text, at, at + COLUMN_STEP);
        checkpoints.push(total);
        at += COLUMN_STEP;
    }
    checkpoints
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file; `name` is how people will see it (`examples/x.tm`, `<stdlib/stride.tm>`).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        self.columns
            .push((!text.is_ascii()).then(|| column_checkpoints(&text)));
        let id = self.files.add(name.into(), text);
        self.count += 1;
        FileId(u32::try_from(id).unwrap_or(u32::MAX))
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files
            .get(file.index())
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files
            .get(file.index())
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset; the same numbers as
    /// codespan-reporting's, in time independent of the length of the line.
    pub fn line_col(&self, file: FileId, offset: usize) -> LineCol {
        let line_index = self.files.line_index(file.index(), offset).unwrap_or(0);
        let column = match self.files.line_range(file.index(), line_index) {
            Ok(range) => {
                let text = self.text(file);
                let end = offset.min(range.end).min(text.len());
                self.chars_before(file, end)
                    .saturating_sub(self.chars_before(file, range.start.min(end)))
                    + 1
            }
            Err(_) => 1,
        };
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Characters that end before byte `offset` (at most the length of the file).
    fn chars_before(&self, file: FileId, offset: usize) -> usize {
        let text = self.text(file);
        let offset = offset.min(text.len());
        let checkpoints = match self.columns.get(file.index()) {
            Some(None) => return offset,
            Some(Some(checkpoints)) => checkpoints.as_slice(),
            None => &[],
        };
        let step = offset / COLUMN_STEP;
        match checkpoints.get(step) {
            Some(counted) => counted + chars_ending_in(text, step * COLUMN_STEP, offset),
            None => chars_ending_in(text, 0, offset),
        }
    }

    /// The files in the form codespan-reporting renders from.
    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    /// [`SourceMap::files`] safe to print on a terminal: codespan-reporting prints source lines
    /// as they are, so a control character in a model (an escape sequence in a comment, say), a
    /// carriage return that sends the cursor back over the line, or a bidirectional override
    /// that reorders what is shown would reach the terminal. Each is replaced by a character of
    /// the same length in bytes (`?` for ASCII, `¿` for a C1 control, U+FFFD for an override),
    /// so every span still points where it did. Borrowed when no file has one.
    pub fn printable_files(&self) -> std::borrow::Cow<'_, SimpleFiles<String, String>> {
        let sources = || (0..self.count).filter_map(|id| self.files.get(id).ok());
        // A file's name comes from the file system (a folder of models from a pull request):
        // one with control characters must not reach the terminal as they are either.
        let plain_name = |name: &String| {
            matches!(
                crate::diagnostics::printable(name),
                std::borrow::Cow::Borrowed(_)
            )
        };
        let texts: Vec<Option<String>> = sources().map(|f| printable_text(f.source())).collect();
        if texts.iter().all(Option::is_none) && sources().all(|file| plain_name(file.name())) {
            return std::borrow::Cow::Borrowed(&self.files);
        }
        let mut printable = SimpleFiles::new();
        for (file, text) in sources().zip(texts) {
            let text = text.unwrap_or_else(|| file.source().clone());
            printable.add(
                crate::diagnostics::printable(file.name()).into_owned(),
                text,
            );
        }
        std::borrow::Cow::Owned(printable)
    }
}

/// The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
/// make a terminal show text in another order than it is.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a bidirectional control (see [`is_bidi_control`]) is encoded at `at` of `bytes`.
pub(crate) fn bidi_control_at(bytes: &[u8], at: usize) -> bool {
    matches!(
        bytes.get(at..at + 3),
        Some([0xE2, 0x80, 0xAA..=0xAE] | [0xE2, 0x81, 0xA6..=0xA9])
    )
}

/// What [`SourceMap::printable_files`] shows for `c`, followed by `next`: itself, or a
/// character as long in bytes that does nothing to a terminal.
fn shown(c: char, next: Option<char>) -> char {
    match c {
        '\r' if next == Some('\n') => c,
        '\t' | '\n' => c,
        c if c.is_ascii_control() => '?',
        '\u{80}'..='\u{9F}' => '¿',
        c if is_bidi_control(c) => char::REPLACEMENT_CHARACTER,
        // Zero-width characters and line separators: a caret under one would be under nothing.
        '\u{200B}'..='\u{200D}' | '\u{2028}' | '\u{2029}' | '\u{2060}' | '\u{FEFF}' => {
            char::REPLACEMENT_CHARACTER
        }
        c => c,
    }
}

/// `text` with each character as [`shown`] shows it; `None` when none changes.
fn printable_text(text: &str) -> Option<String> {
    // A byte order mark that starts the file is no character of the model.
    let (bom, text) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    // Nearly every model has none: its bytes are scanned once (C1 controls start with 0xC2,
    // the bidi controls and zero-width characters with 0xE2, U+FEFF with 0xEF).
    if !text.bytes().any(|b| {
        (b.is_ascii_control() && !matches!(b, b'\t' | b'\n')) || matches!(b, 0xC2 | 0xE2 | 0xEF)
    }) {
        return None;
    }
    let mut out = String::with_capacity(bom.len() + text.len());
    out.push_str(bom);
    let mut changed = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let shown = shown(c, chars.peek().copied());
        changed |= shown != c;
        out.push(shown);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns codespan-reporting computes by counting from the start of the line.
    fn slow(sources: &SourceMap, file: FileId, offset: usize) -> LineCol {
        let line = sources.files.line_index(file.index(), offset).unwrap_or(0);
        let column = sources
            .files
            .column_number(file.index(), line, offset)
            .unwrap_or(1);
        LineCol {
            line: line + 1,
            column,
        }
    }

    #[test]
    fn columns_match_codespan_on_long_and_non_ascii_lines() {
        let long_line = "process p; ".repeat(100) + "é→😀x".repeat(200).as_str();
        let texts = [
            String::new(),
            "a".to_string(),
            "ab\ncd\n".to_string(),
            "héllo\nwörld → 😀\n\n".to_string(),
            long_line.clone(),
            format!("{long_line}\n{long_line}\r\n{long_line}"),
            "process p; ".repeat(300) + "\r\nx\ry\n" + &"z".repeat(700),
        ];
        let mut sources = SourceMap::new();
        for (index, text) in texts.iter().enumerate() {
            let file = sources.add(format!("f{index}"), text.clone());
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    sources.line_col(file, offset),
                    slow(&sources, file, offset),
                    "file {index}, offset {offset}"
                );
            }
        }
    }
}
