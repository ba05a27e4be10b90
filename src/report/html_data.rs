//! Stage: report → `html` (large pages). The threats of a page with more of them than one table
//! can hold, as the data its script shows a page at a time: one JSON value, the content of
//! `<script type="application/json" id="threat-data">`.
//!
//! The value (read by the script in `threat-model.html.tera`; tables first, rows by index):
//!
//! ```text
//! {"levels": [[word, name, rank]...],   Level::ALL; rank 1 (critical) .. 4 (low) sorts severity
//!  "statuses": [[word, name]...],       Status::ALL, then the open status of a lapsed acceptance
//!  "categories": [[word, name]...],     Category::ALL
//!  "threats": [[title, id, component, flow, category, severity, likelihood, impact, status,
//!               explanation, mitigations, reasons, references, rule]...],
//!  "lists": [[text...]...], "pieces": [text...], "rules": [id...]}
//! ```
//!
//! `title` and `explanation` are lists of pieces, joined: a number is an index into `pieces`
//! (the rules' own text, the same for every threat of a rule: most of a large page written
//! once), a string is text from the model. `flow` is the flow's number or 0; `mitigations` is
//! an index into `lists` when the threat shares its list, else the list itself; `reasons` and
//! `references` are indexes into `lists`; `rule` is an index into `rules`, or null for a
//! hand-written threat.
//!
//! Invariant: the bytes hold no `<` (it is written `\u003c`, the same string to JSON), so no
//! text from the model can end the script element or open a comment in it.

use super::summary::{status_name, SEVERITIES};
use super::view::{Report, Text};
use crate::rules::text::Origin;
use crate::vocab::{Category, Level, Status};
use crate::Map;
use std::borrow::Cow;
use std::io::{self, Write};

/// Hand the data to the writer in pieces of about this size (as the rows of a smaller page).
const FLUSH_AT: usize = 1 << 20;

/// Writes the data of `report`'s threats; `component` gives a threat's component (as the table
/// shows it) and the number of its flow.
pub(super) fn write<'a>(
    report: &'a Report,
    component: impl Fn(&'a super::view::ThreatView) -> (std::borrow::Cow<'a, str>, Option<usize>),
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut buffer: Vec<u8> = Vec::with_capacity(FLUSH_AT + FLUSH_AT / 4);
    buffer.extend_from_slice(b"{\"levels\":[");
    for (i, level) in Level::ALL.iter().enumerate() {
        let rank = SEVERITIES
            .iter()
            .position(|s| s == level)
            .map_or(0, |i| i + 1);
        if i > 0 {
            buffer.push(b',');
        }
        buffer.push(b'[');
        string(&mut buffer, level.word());
        buffer.push(b',');
        string(&mut buffer, level.display());
        buffer.push(b',');
        number(&mut buffer, rank);
        buffer.push(b']');
    }
    buffer.extend_from_slice(b"],\"statuses\":[");
    for (i, status) in Status::ALL.iter().enumerate() {
        pair(&mut buffer, i, status.word(), status.display());
    }
    pair(
        &mut buffer,
        Status::ALL.len(),
        Status::Open.word(),
        super::summary::OPEN_LAPSED,
    );
    buffer.extend_from_slice(b"],\"categories\":[");
    for (i, category) in Category::ALL.iter().enumerate() {
        pair(&mut buffer, i, category.word(), category.display());
    }
    buffer.extend_from_slice(b"],\"threats\":[");

    let mut pieces = Pieces::default();
    let mut lists = Lists::default();
    // Rule ids by first use: the order the data lists them in.
    let mut rules: Map<&str, usize> = Map::default();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut rendered = Vec::new();
    for (i, threat) in report.threats.iter().enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        let (component, flow) = component(threat);
        buffer.push(b'[');
        pieces.write(&mut buffer, &threat.title);
        buffer.push(b',');
        string(&mut buffer, &threat.id);
        buffer.push(b',');
        string(&mut buffer, &component);
        buffer.push(b',');
        number(&mut buffer, flow.unwrap_or(0));
        buffer.push(b',');
        number(&mut buffer, index_of(Category::ALL, threat.category));
        for level in [threat.severity, threat.likelihood, threat.impact] {
            buffer.push(b',');
            number(&mut buffer, index_of(Level::ALL, level));
        }
        buffer.push(b',');
        let status = match status_name(threat) {
            (_, true) if threat.status == Status::Open => Status::ALL.len(),
            _ => index_of(Status::ALL, threat.status),
        };
        number(&mut buffer, status);
        buffer.push(b',');
        pieces.write(&mut buffer, &threat.explanation);
        buffer.push(b',');
        match threat.mitigations.kept() {
            Some(list) if std::sync::Arc::strong_count(list) >= 2 => {
                let key = std::sync::Arc::as_ptr(list).cast::<u8>() as usize;
                let at = lists.shared(key, || {
                    let mut text = Vec::new();
                    strings(&mut text, list.iter().map(|m| &**m));
                    text
                });
                number(&mut buffer, at);
            }
            _ => strings(
                &mut buffer,
                threat.mitigations.as_list(&mut rendered).iter(),
            ),
        }
        for texts in [&threat.severity_reasons, &threat.references] {
            buffer.push(b',');
            number(&mut buffer, lists.of(texts));
        }
        buffer.push(b',');
        match threat.rule.as_deref().filter(|r| !r.is_empty()) {
            Some(rule) => {
                let at = *rules.entry(rule).or_insert_with(|| {
                    rule_ids.push(rule);
                    rule_ids.len() - 1
                });
                number(&mut buffer, at);
            }
            None => buffer.extend_from_slice(b"null"),
        }
        buffer.push(b']');
        if buffer.len() >= FLUSH_AT {
            write_guarded(&buffer, out)?;
            buffer.clear();
        }
    }
    buffer.extend_from_slice(b"],\"lists\":[");
    table(&mut buffer, &lists.texts, out)?;
    buffer.extend_from_slice(b"],\"pieces\":[");
    table(&mut buffer, &pieces.texts, out)?;
    buffer.extend_from_slice(b"],\"rules\":[");
    for (i, rule) in rule_ids.iter().enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        string(&mut buffer, rule);
    }
    buffer.extend_from_slice(b"]}");
    write_guarded(&buffer, out)
}

/// Appends `items` (JSON values) with commas between them, handing full pieces to `out`.
fn table(buffer: &mut Vec<u8>, items: &[Vec<u8>], out: &mut dyn Write) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            buffer.push(b',');
        }
        buffer.extend_from_slice(item);
        if buffer.len() >= FLUSH_AT {
            write_guarded(buffer, out)?;
            buffer.clear();
        }
    }
    Ok(())
}

/// The rules' own text in titles and explanations, each piece once.
#[derive(Default)]
struct Pieces {
    /// Each piece as a JSON string.
    texts: Vec<Vec<u8>>,
    /// By the piece's address and length (the rules' templates outlive the writing).
    by_address: Map<(usize, usize), usize>,
}

impl Pieces {
    /// `text` as a list of pieces: the index of each of the rule's own, the model's as strings.
    fn write(&mut self, out: &mut Vec<u8>, text: &Text) {
        out.push(b'[');
        let mut first = true;
        text.pieces_marked(|piece, origin| {
            if piece.is_empty() {
                return;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            match origin {
                Origin::Template => {
                    let texts = &mut self.texts;
                    let key = (piece.as_ptr() as usize, piece.len());
                    let at = *self.by_address.entry(key).or_insert_with(|| {
                        let mut text = Vec::new();
                        string(&mut text, piece);
                        texts.push(text);
                        texts.len() - 1
                    });
                    number(out, at);
                }
                Origin::Model => string(out, piece),
            }
        });
        out.push(b']');
    }
}

/// The lists of texts the threats point into, each once.
#[derive(Default)]
struct Lists<'a> {
    /// Each list as a JSON array.
    texts: Vec<Vec<u8>>,
    /// Shared mitigation lists, by address (as `shared::PerList` keys them).
    by_address: Map<usize, usize>,
    /// Severity reasons and references, by the address of the list many threats share, and
    /// by content (a list of its own may say what another says).
    by_list: Map<usize, usize>,
    by_content: Map<&'a [String], usize>,
}

impl<'a> Lists<'a> {
    fn shared(&mut self, key: usize, make: impl FnOnce() -> Vec<u8>) -> usize {
        let texts = &mut self.texts;
        *self.by_address.entry(key).or_insert_with(|| {
            texts.push(make());
            texts.len() - 1
        })
    }

    fn of(&mut self, list: &'a std::sync::Arc<[String]>) -> usize {
        let address = std::sync::Arc::as_ptr(list).cast::<u8>() as usize;
        if let Some(at) = self.by_list.get(&address) {
            return *at;
        }
        let texts = &mut self.texts;
        let at = *self.by_content.entry(list).or_insert_with(|| {
            let mut text = Vec::new();
            strings(&mut text, list.iter().map(String::as_str));
            texts.push(text);
            texts.len() - 1
        });
        self.by_list.insert(address, at);
        at
    }
}

fn index_of<T: PartialEq + Copy>(all: &[T], value: T) -> usize {
    all.iter().position(|v| *v == value).unwrap_or(0)
}

fn number(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// `["word","name"]`, after a comma unless it is the first of its list.
fn pair(out: &mut Vec<u8>, index: usize, word: &str, name: &str) {
    if index > 0 {
        out.push(b',');
    }
    out.push(b'[');
    string(out, word);
    out.push(b',');
    string(out, name);
    out.push(b']');
}

/// Writes `bytes` with each `<` as `\u003c`: JSON's escape for it, which a `<` can only be
/// inside a string.
fn write_guarded(bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let mut from = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        out.write_all(bytes.get(from..at).unwrap_or_default())?;
        out.write_all(b"\\u003c")?;
        from = at + 1;
    }
    out.write_all(bytes.get(from..).unwrap_or_default())
}

/// `text` as a JSON string, as the page shows it (see [`as_shown`]).
fn string(out: &mut Vec<u8>, text: &str) {
    super::json::string(out, &as_shown(text));
}

/// `texts` as a JSON array of strings, as the page shows them.
fn strings<'a>(out: &mut Vec<u8>, texts: impl Iterator<Item = &'a str>) {
    super::json::strings_with(out, texts, string);
}

/// `text` as the same text in a table row of the page shows: control characters (bidirectional
/// ones too) become U+FFFD, as the HTML escape writes them, and a carriage return (with the
/// line feed after it) a line feed, as an HTML parser reads one. A row made from the data is
/// then the row the table would have had.
fn as_shown(text: &str) -> Cow<'_, str> {
    // Nearly every text has no control: checked a block at a time (0xE2 starts the
    // bidirectional controls); a byte-at-a-time walk here was a sixth of an HTML build.
    if super::escape::is_plain(text, b"\xE2") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let special = |at: usize, byte: u8| match byte {
        b'\n' | b'\t' => false,
        0x00..=0x1F | 0x7F => true,
        0xC2 => bytes
            .get(at + 1)
            .is_some_and(|next| (0x80..=0x9F).contains(next)),
        0xE2 => crate::source::bidi_control_at(bytes, at),
        _ => false,
    };
    if !bytes
        .iter()
        .enumerate()
        .any(|(at, &byte)| special(at, byte))
    {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                shown.push('\n');
            }
            '\n' | '\t' => shown.push(c),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => shown.push('\u{FFFD}'),
            c if crate::source::is_bidi_control(c) => shown.push('\u{FFFD}'),
            _ => shown.push(c),
        }
    }
    Cow::Owned(shown)
}
