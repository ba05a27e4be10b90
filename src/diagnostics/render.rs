//! Rendering diagnostics: for people through codespan-reporting (`file:line:col`, the source
//! line, carets, help), and for tools as a JSON array with 1-based positions.

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor::Buffer};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

fn to_codespan(sources: &SourceMap, diagnostic: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    // A file whose text was never read (the root file over `--max-file-size`) has no line to
    // show: its snippet would be an empty line with a caret under nothing.
    let shown = |label: &super::Label| !sources.text(label.span.file).is_empty();
    let primary = &diagnostic.primary;
    let mut labels = Vec::with_capacity(1 + diagnostic.secondary.len());
    if shown(primary) {
        labels.push(
            cs::Label::primary(primary.span.file.index(), primary.span.range())
                .with_message(printable(&primary.message)),
        );
    }
    labels.extend(
        diagnostic
            .secondary
            .iter()
            .filter(|l| shown(l))
            .map(|label| {
                cs::Label::secondary(label.span.file.index(), label.span.range())
                    .with_message(printable(&label.message))
            }),
    );
    let mut notes = Vec::new();
    let file = sources.name(primary.span.file);
    if !shown(primary) && !diagnostic.message.contains(file) {
        notes.push(format!("in {}", printable(file)));
    }
    notes.extend((diagnostic.help.iter()).map(|help| format!("help: {}", printable(help))));
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.id)
        .with_message(printable(&diagnostic.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders diagnostics the way rustc and gleam do, followed by a one-line tally.
pub fn render_human(sources: &SourceMap, diagnostics: &[Diagnostic], color: ColorChoice) -> String {
    let mut buffer = match color {
        ColorChoice::Always => Buffer::ansi(),
        ColorChoice::Never => Buffer::no_color(),
    };
    let config = term::Config::default();
    let files = sources.printable_files();
    for diagnostic in diagnostics {
        // A span past the end of its file would be an internal bug; show the message anyway.
        if term::emit_to_write_style(
            &mut buffer,
            &config,
            &*files,
            &to_codespan(sources, diagnostic),
        )
        .is_err()
        {
            let line = format!(
                "{}[{}]: {}\n",
                severity_word(diagnostic.severity),
                diagnostic.code.id,
                printable(&diagnostic.message)
            );
            let _ = std::io::Write::write_all(&mut buffer, line.as_bytes());
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// `text` as it may go to a terminal: control characters (which a model can write as escapes,
/// `"\u{1b}[2J"`, and which would reach the terminal of whoever runs `tmc`, a CI log) and the
/// bidirectional overrides that reorder what is shown are written as the escapes that make them,
/// `\u{1b}`, so the message shows what the model has without acting on it.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    printable_except(text, &[])
}

/// [`printable`] for text of many lines, such as a model's source: newlines and tabs are kept.
pub fn printable_lines(text: &str) -> std::borrow::Cow<'_, str> {
    printable_except(text, &['\n', '\t'])
}

fn printable_except<'t>(text: &'t str, kept: &[char]) -> std::borrow::Cow<'t, str> {
    let hidden =
        |c: char| (c.is_control() && !kept.contains(&c)) || crate::source::is_bidi_control(c);
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn label_json(sources: &SourceMap, label: &super::Label) -> Value {
    let span = label.span;
    let start = sources.line_col(span.file, span.start());
    let end = sources.line_col(span.file, span.end());
    json!({
        "file": sources.name(span.file),
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
        "message": label.message,
    })
}

/// One JSON object per diagnostic, in the documented shape.
pub fn to_json_values(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let span = diagnostic.primary.span;
            let start = sources.line_col(span.file, span.start());
            let end = sources.line_col(span.file, span.end());
            json!({
                "code": diagnostic.code.id,
                "severity": severity_word(diagnostic.severity),
                "message": diagnostic.message,
                "file": sources.name(span.file),
                "line": start.line,
                "column": start.column,
                "end_line": end.line,
                "end_column": end.column,
                "labels": std::iter::once(&diagnostic.primary)
                    .chain(&diagnostic.secondary)
                    .map(|label| label_json(sources, label))
                    .collect::<Vec<_>>(),
                "help": diagnostic.help,
            })
        })
        .collect()
}

/// The JSON array `--format json` prints.
pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let values = to_json_values(sources, diagnostics);
    let mut text = serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{codes, Diagnostic};
    use crate::source::Span;

    #[test]
    fn control_characters_in_the_source_never_reach_the_terminal() {
        let mut sources = SourceMap::new();
        let text = "// \u{1b}]0;owned\u{7}\u{1b}[2J\nactor a \"A\" flurb\n";
        let file = sources.add("m.tm", text);
        let at = text.find("flurb").unwrap_or_default();
        let on_the_comment = Diagnostic::new(codes::E0001, Span::new(file, 3, 4), "here");
        let later = Diagnostic::new(codes::E0001, Span::new(file, at, at + 5), "there");
        let shown = render_human(&sources, &[on_the_comment, later], ColorChoice::Never);
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        assert!(shown.contains("// ?]0;owned??[2J"), "{shown}");
        // Columns are unchanged: the second diagnostic still points at `flurb`.
        assert!(shown.contains("m.tm:2:13"), "{shown}");
        assert!(
            shown.contains("2 │ actor a \"A\" flurb\n  │             ^^^^^"),
            "{shown}"
        );
    }

    #[test]
    fn printable_escapes_what_a_terminal_would_act_on() {
        assert!(matches!(
            printable("plain é ☕"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("a\u{1b}[2J\u{0}\n\u{9b}\u{202e}b\u{7f}"),
            "a\\u{1b}[2J\\u{0}\\u{a}\\u{9b}\\u{202e}b\\u{7f}"
        );
    }
}
