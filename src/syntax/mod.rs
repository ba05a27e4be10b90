//! Stage 1: syntax. Text → `ast::File`. `grammar/tm.pest` is the whole surface syntax; this
//! module is the only place pest types appear. A pre-scan reports what a PEG parser reports
//! badly (unterminated strings, runaway nesting); pest reports the first syntax error in words.

pub mod ast;
mod errors;
mod expr;
mod lower;
mod precheck;
mod strings;
#[cfg(test)]
mod tests;

use crate::diagnostics::Diagnostics;
use crate::source::FileId;

/// Limits that keep the parser linear and its stack bounded.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    /// Deepest nesting of `{`, `(`, `[` and `not`.
    pub max_depth: usize,
    /// Longest string literal, in bytes.
    pub max_string_length: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: 64,
            max_string_length: 1024 * 1024,
        }
    }
}

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/tm.pest"]
pub(crate) struct TmParser;

/// Parses one file. On a syntax error the diagnostics say why and the result is `None`.
pub fn parse(
    file: FileId,
    text: &str,
    limits: ParseLimits,
    sink: &mut Diagnostics,
) -> Option<ast::File> {
    parse_with(file, text, limits, sink, PARALLEL_FROM)
}

/// From this many bytes, a file is parsed in two halves on two threads.
const PARALLEL_FROM: usize = 256 * 1024;

/// [`parse`], cutting files of `parallel_from` bytes or more in two.
fn parse_with(
    file: FileId,
    text: &str,
    limits: ParseLimits,
    sink: &mut Diagnostics,
    parallel_from: usize,
) -> Option<ast::File> {
    let scanned = precheck::scan(file, text, limits, sink)?;
    if text.len() >= parallel_from {
        if let Some(parsed) = scanned
            .middle_statement
            .and_then(|middle| parse_halves(file, text, middle, limits, sink))
        {
            return parsed;
        }
    }
    match <TmParser as pest::Parser<Rule>>::parse(Rule::file, text) {
        Ok(pairs) => lower::lower_file(file, pairs, 0, limits, sink),
        Err(error) => {
            report_syntax_errors(file, text, error, sink);
            None
        }
    }
}

/// Parses the statements before `middle` and those from it on two threads: a large model's
/// parse is a fifth of its build, and only one core was busy. `None` when either half has a
/// syntax error: the whole file is then parsed again, so that errors are reported exactly as
/// for any file; otherwise the lowered file (or `Some(None)` with the lowering's diagnostics).
fn parse_halves(
    file: FileId,
    text: &str,
    middle: usize,
    limits: ParseLimits,
    sink: &mut Diagnostics,
) -> Option<Option<ast::File>> {
    let (first, second) = (text.get(..middle)?, text.get(middle..)?);
    let half = |part: &str, offset: usize| {
        let pairs = <TmParser as pest::Parser<Rule>>::parse(Rule::file, part).ok()?;
        let mut diagnostics = Diagnostics::new();
        let lowered = lower::lower_file(file, pairs, offset, limits, &mut diagnostics);
        Some((lowered, diagnostics))
    };
    let (first, second) = std::thread::scope(|threads| {
        let second = threads.spawn(|| half(second, middle));
        (half(first, 0), second.join())
    });
    let ((first, first_diagnostics), (second, second_diagnostics)) = (first?, second.ok()??);
    sink.extend(first_diagnostics);
    sink.extend(second_diagnostics);
    Some(first.zip(second).map(|(mut first, second)| {
        first.items.extend(second.items);
        first
    }))
}

/// Most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Reports the first error, then resumes at the next line that starts a top-level statement
/// (unindented, beginning with a word or a quote) to report later ones in the same run.
fn report_syntax_errors(
    file: FileId,
    text: &str,
    first: pest::error::Error<Rule>,
    sink: &mut Diagnostics,
) {
    let mut offset = 0;
    let mut error = Some(first);
    let mut reported = 0;
    while let Some(current) = error.take() {
        let chunk = text.get(offset..).unwrap_or("");
        // Errors are rare: parse again with pest's attempt tracking for a precise message.
        pest::set_error_detail(true);
        let detailed = <TmParser as pest::Parser<Rule>>::parse(Rule::file, chunk).err();
        pest::set_error_detail(false);
        let diagnostic =
            errors::syntax_error(file, text, offset, detailed.as_ref().unwrap_or(&current));
        let at = diagnostic.primary.span.start;
        sink.push(diagnostic);
        reported += 1;
        if reported >= MAX_SYNTAX_ERRORS {
            break;
        }
        let Some(resume) = next_statement_start(text, at) else {
            break;
        };
        offset = resume;
        error =
            <TmParser as pest::Parser<Rule>>::parse(Rule::file, text.get(offset..).unwrap_or(""))
                .err();
    }
}

fn next_statement_start(text: &str, after: usize) -> Option<usize> {
    let mut position = text.get(after..)?.find('\n')? + after + 1;
    loop {
        let line = text.get(position..)?;
        if line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '"') {
            return Some(position);
        }
        position += line.find('\n')? + 1;
    }
}

pub use strings::derive_id;
