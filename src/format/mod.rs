//! The formatter behind `tmc fmt`: one `.tm` file's text → the same file in the canonical layout.
//!
//! A stage beside the pipeline rather than in it: its input is the text of one file, its output
//! is text, and nothing else reads it. Because the syntax tree drops comments, the formatter
//! works from its own token stream (`lex`), nested by brackets and printed by `layout`; the
//! layout rules are in docs/formatting.md.
//!
//! Invariants:
//! - Only text that parses without errors is formatted; otherwise the parse diagnostics are
//!   returned and nothing is written.
//! - Meaning is kept: the formatted text parses to the same syntax tree, spans aside. This is
//!   checked on every call (`verify`); a formatter bug is an error, never a changed model.
//! - Every comment is kept, in order; strings and block comments are copied verbatim.
//! - Formatting formatted text changes nothing.

mod layout;
mod lex;
#[cfg(test)]
mod tests;
mod verify;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::FileId;
use crate::syntax::{self, ParseLimits};

/// Why a text was not formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The text does not parse; the diagnostics say why, with spans in the file that was given.
    #[error("the file has syntax errors")]
    Syntax(Vec<Diagnostic>),
    /// The formatter will not rewrite this text: it has a form the formatter does not handle,
    /// or (a bug) the result would not mean the same. The text is left as it is.
    #[error("cannot format this file: {0}")]
    Refused(String),
}

/// Formats the text of one file with the default parse limits; diagnostics point at `FileId(0)`.
pub fn format(text: &str) -> Result<String, FormatError> {
    format_file(FileId(0), text, ParseLimits::default())
}

/// Formats the text of one file; diagnostics point at `file`.
pub fn format_file(file: FileId, text: &str, limits: ParseLimits) -> Result<String, FormatError> {
    let before = parse(file, text, limits).map_err(FormatError::Syntax)?;
    let tokens = lex::lex(text).map_err(FormatError::Refused)?;
    let nodes = layout::tree(tokens).map_err(FormatError::Refused)?;
    let formatted = layout::print(&nodes);
    let unchanged = match parse(file, &formatted, limits) {
        Ok(after) => verify::same_tree(before, after),
        Err(_) => false,
    };
    if !unchanged {
        return Err(FormatError::Refused(
            "the formatted text would not mean the same as the original; \
             this is a bug in tmc fmt, please report it with this file"
                .to_string(),
        ));
    }
    Ok(formatted)
}

fn parse(
    file: FileId,
    text: &str,
    limits: ParseLimits,
) -> Result<syntax::ast::File, Vec<Diagnostic>> {
    let mut sink = Diagnostics::new();
    match syntax::parse(file, text, limits, &mut sink) {
        Some(ast) if !sink.has_errors() => Ok(ast),
        _ => Err(sink.into_sorted()),
    }
}
