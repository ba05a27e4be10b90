//! Text templates in rules (`title`, `explanation`, `mitigations`): literal text with
//! `{{ path }}` holes over the same names as `when`. Checked and compiled once per rule, so an
//! unknown name is an error at its place in the rule file, not when the rule fires.

use super::path::{self, Path, PathSite, Role, Scope, SetProperties};
use super::value::Value;
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Path(Path),
    /// The `(s)` of a noun counted by the path before it: `s`, or nothing after a count of one.
    Plural,
}

/// How many words after a hole may come before the counted noun: `{{ n }} inbound flow(s)`.
const PLURAL_REACH: usize = 3;

/// Where the `(s)` of a noun counted by a hole starts in the text right after it: within the
/// first [`PLURAL_REACH`] words, each of letters and hyphens, the last ending in `(s)`.
pub(crate) fn counted_noun(text: &str) -> Option<usize> {
    let words = text.strip_prefix(' ')?;
    let mut offset = 1;
    for word in words.split(' ').take(PLURAL_REACH) {
        let is_word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '-');
        if let Some((stem, after)) = word.split_once("(s)") {
            let ends = after.chars().all(|c| c.is_ascii_punctuation());
            return (is_word(stem) && ends).then_some(offset + stem.len());
        }
        if !is_word(word) {
            return None;
        }
        offset += word.len() + 1;
    }
    None
}

/// Splits the `(s)` of a noun counted by a hole into its own part.
fn mark_plurals(parts: Vec<Part>) -> Vec<Part> {
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let after_path = matches!(out.last(), Some(Part::Path(_)));
        match part {
            Part::Text(text) if after_path => match counted_noun(&text) {
                Some(at) => {
                    out.push(Part::Text(text.get(..at).unwrap_or_default().to_string()));
                    out.push(Part::Plural);
                    let rest = text.get(at + 3..).unwrap_or_default();
                    if !rest.is_empty() {
                        out.push(Part::Text(rest.to_string()));
                    }
                }
                None => out.push(Part::Text(text)),
            },
            other => out.push(other),
        }
    }
    out
}

/// Where a piece of rendered text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The template's own text.
    Template,
    /// A value read from the model, or text made for one threat.
    Model,
}

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    parts: Vec<Part>,
    /// The text of a template without holes, made once and shared by every threat.
    constant: Option<Arc<str>>,
    /// A guess at the rendered length, so rendering allocates once.
    capacity: usize,
}

/// Maps byte offsets in a string's value back to the source: exact for strings without
/// escapes, the whole literal otherwise (escapes and dedenting move offsets).
#[derive(Debug, Clone, Copy)]
struct Locator {
    span: Span,
    base: Option<usize>,
}

impl Locator {
    fn new(text: &str, span: Span) -> Locator {
        let written = span.end().saturating_sub(span.start());
        // Six more bytes written than read is a one-line `"""..."""`, or a `"..."` whose
        // escapes took four bytes away: four one-byte escapes (which leave a `"`, a `\` or a
        // control character) or a `\u{..}` (which leaves a character past ASCII, or takes
        // five or more). Text with none of those was not escaped.
        let unescaped = || {
            text.bytes()
                .all(|b| b.is_ascii() && !b.is_ascii_control() && b != b'"' && b != b'\\')
        };
        let base = if written == text.len() + 2 {
            Some(span.start() + 1)
        } else if written == text.len() + 6 && unescaped() {
            Some(span.start() + 3)
        } else {
            None
        };
        Locator { span, base }
    }

    fn at(self, start: usize, end: usize) -> Span {
        match self.base {
            Some(base) => Span::new(self.span.file, base + start, base + end),
            None => self.span,
        }
    }
}

impl Template {
    /// Checks and compiles `text`, the value of the string literal at `span`.
    pub fn compile(
        text: &str,
        span: Span,
        role: Role,
        set: &SetProperties,
        sink: &mut Diagnostics,
    ) -> Option<Template> {
        let locate = Locator::new(text, span);
        let mut parts = Vec::new();
        let mut ok = true;
        let mut rest = 0;
        while let Some(found) = text.get(rest..).and_then(|t| t.find("{{")) {
            let open = rest + found;
            if open > rest {
                parts.push(Part::Text(
                    text.get(rest..open).unwrap_or_default().to_string(),
                ));
            }
            let inner_start = open + 2;
            let Some(close) = text
                .get(inner_start..)
                .and_then(|t| t.find("}}"))
                .map(|i| inner_start + i)
            else {
                sink.push(
                    Diagnostic::new(codes::E0105, locate.at(open, open + 2), "unclosed `{{`")
                        .label("this `{{` has no `}}`")
                        .with_help("close it: `{{ target.name }}`"),
                );
                return None;
            };
            let inner = text.get(inner_start..close).unwrap_or_default();
            let lead = inner.len() - inner.trim_start().len();
            let trimmed = inner.trim();
            let path_start = inner_start + lead;
            match segments(trimmed, path_start) {
                Some(found) => {
                    let located: Vec<(&str, Span)> = found
                        .iter()
                        .map(|(s, start)| (*s, locate.at(*start, start + s.len())))
                        .collect();
                    match path::compile(&located, role, PathSite::Template, set, sink) {
                        Some(path) => parts.push(Part::Path(path)),
                        None => ok = false,
                    }
                }
                None => {
                    sink.push(
                        Diagnostic::new(
                            codes::E0105,
                            locate.at(open, close + 2),
                            format!("`{{{{{inner}}}}}` is not a path"),
                        )
                        .label("expected a path such as `target.name`")
                        .with_help(
                            "a template hole holds one path, `{{ source.name }}`; there are no filters or expressions",
                        ),
                    );
                    ok = false;
                }
            }
            rest = close + 2;
        }
        if rest < text.len() {
            parts.push(Part::Text(text.get(rest..).unwrap_or_default().to_string()));
        }
        let parts = mark_plurals(parts);
        let capacity = parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.len(),
                Part::Path(_) => 24,
                Part::Plural => 1,
            })
            .sum();
        let constant = match parts.as_slice() {
            [] => Some(Arc::from("")),
            [Part::Text(text)] => Some(Arc::from(text.as_str())),
            _ => None,
        };
        ok.then_some(Template {
            parts,
            constant,
            capacity,
        })
    }

    /// The rendered text, handed to `piece` a piece at a time.
    pub fn pieces<'a>(&'a self, scope: &Scope<'a>, piece: &mut impl FnMut(&str)) {
        self.pieces_marked(scope, &mut |text, _| piece(text));
    }

    /// [`Template::pieces`], each piece marked with where it comes from: the template's own
    /// text is the same `&str`, at the same address, every time the template renders.
    pub fn pieces_marked<'a>(&'a self, scope: &Scope<'a>, piece: &mut impl FnMut(&str, Origin)) {
        let mut count = None;
        for part in &self.parts {
            match part {
                Part::Text(text) => piece(text, Origin::Template),
                Part::Path(path) => {
                    let value = scope.read(path);
                    count = match value {
                        Value::Int(n) => Some(n),
                        _ => None,
                    };
                    value.pieces(scope.model, &mut |text| piece(text, Origin::Model));
                }
                Part::Plural => match count {
                    Some(1) => {}
                    Some(_) => piece("s", Origin::Template),
                    None => piece("(s)", Origin::Template),
                },
            }
        }
    }

    /// The length of the rendered text in bytes, without rendering it.
    pub fn rendered_len<'a>(&'a self, scope: &Scope<'a>) -> usize {
        let mut length = 0;
        self.pieces(scope, &mut |piece| length += piece.len());
        length
    }

    pub fn render<'a>(&'a self, scope: &Scope<'a>) -> String {
        let mut out = String::with_capacity(self.capacity);
        self.pieces(scope, &mut |piece| out.push_str(piece));
        out
    }

    /// The text of a template without holes, shared by every threat.
    pub fn constant(&self) -> Option<&Arc<str>> {
        self.constant.as_ref()
    }
}

/// Splits `a.b.c` (starting at byte `start` of the template) into identifiers with their
/// offsets; `None` when it is not a path.
fn segments(text: &str, start: usize) -> Option<Vec<(&str, usize)>> {
    let mut out = Vec::new();
    let mut offset = start;
    for segment in text.split('.') {
        let mut chars = segment.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        out.push((segment, offset));
        offset += segment.len() + 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span_of(text: &str) -> Span {
        Span::new(FileId(0), 100, 100 + text.len() + 2)
    }

    fn check(text: &str, role: Role) -> (Option<Template>, Diagnostics) {
        let mut sink = Diagnostics::new();
        let set = SetProperties::default();
        let template = Template::compile(text, span_of(text), role, &set, &mut sink);
        (template, sink)
    }

    /// A `"..."` whose escapes took four bytes away is as long as a one-line `"""..."""`; the
    /// caret must not be put two columns off in it.
    #[test]
    fn escaped_text_points_at_the_whole_string() {
        let whole = |written: usize| Span::new(FileId(0), 10, 10 + written);
        // `"Set \"a\" and \"b\" {{ x }}"`: 4 escapes.
        let escaped = "Set \"a\" and \"b\" {{ x }}";
        let locate = Locator::new(escaped, whole(escaped.len() + 6));
        assert_eq!(locate.at(3, 5), whole(escaped.len() + 6));
        // `"caf\u{e9} {{ x }}"`: one escape, four bytes shorter.
        let accented = "caf\u{e9} {{ x }}";
        let locate = Locator::new(accented, whole(accented.len() + 6));
        assert_eq!(locate.at(0, 1), whole(accented.len() + 6));
        // `"""plain {{ x }}"""`: exact.
        let plain = "plain {{ x }}";
        let locate = Locator::new(plain, whole(plain.len() + 6));
        assert_eq!(locate.at(6, 8), Span::new(FileId(0), 19, 21));
    }

    #[test]
    fn splits_text_and_holes() {
        let (template, sink) = check(
            "Spoof {{source.name}} to reach {{ target.name }}!",
            Role::Target,
        );
        assert!(sink.is_empty());
        let parts = template.map(|t| t.parts.len());
        assert_eq!(parts, Some(5));
        let (template, _) = check("no holes at all", Role::Flow);
        assert_eq!(template.map(|t| t.parts.len()), Some(1));
    }

    #[test]
    fn unknown_names_are_reported_where_they_are() {
        let text = "Reach {{ tagret.name }}";
        let (template, sink) = check(text, Role::Target);
        assert!(template.is_none());
        let diagnostic = sink.iter().next().cloned();
        let diagnostic = diagnostic.map(|d| (d.code.id, d.primary.span.start(), d.help));
        // `tagret` starts at byte 9 of the value, 10 of the literal (after the quote).
        assert_eq!(
            diagnostic,
            Some(("E0105", 110, Some("did you mean `target`?".to_string())))
        );
    }

    #[test]
    fn unclosed_and_malformed_holes() {
        let (template, sink) = check("Reach {{ target.name", Role::Target);
        assert!(template.is_none());
        assert_eq!(
            sink.iter().next().map(|d| d.primary.span.start()),
            Some(107)
        );
        let (template, sink) = check("{{ target.name | upper }}", Role::Target);
        assert!(template.is_none());
        assert_eq!(sink.iter().next().map(|d| d.code.id), Some("E0105"));
        let (template, _) = check("{{}}", Role::Target);
        assert!(template.is_none());
    }

    #[test]
    fn element_is_not_bound_in_flow_rules() {
        let (template, sink) = check("{{ element.name }}", Role::Flow);
        assert!(template.is_none());
        assert!(sink
            .iter()
            .any(|d| d.message.contains("not bound in an `on flow` rule")));
    }

    #[test]
    fn finds_the_noun_a_hole_counts() {
        assert_eq!(counted_noun(" inbound flow(s) and more"), Some(13));
        assert_eq!(counted_noun(" flow(s)"), Some(5));
        assert_eq!(counted_noun(" open third-party call(s)."), Some(22));
        // Too far, not words, or not right after the hole.
        assert_eq!(counted_noun(" a b c flow(s)"), None);
        assert_eq!(counted_noun(" flows, and (s)"), None);
        assert_eq!(counted_noun("flow(s)"), None);
        assert_eq!(counted_noun(" (s)"), None);
        assert_eq!(counted_noun(" 2 flow(s)"), None);
    }
}
