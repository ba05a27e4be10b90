//! Stage 1: syntax. Text → `ast::File`. `grammar/tm.pest` is the whole surface syntax; this
//! module is the only place pest types appear. A pre-scan reports what a PEG parser reports
//! badly (unterminated strings, runaway nesting); pest reports the first syntax error in words.

pub mod ast;
mod errors;
mod expr;
mod hints;
mod lower;
mod precheck;
mod strings;
#[cfg(test)]
mod tests;

use crate::diagnostics::Diagnostics;
use crate::source::FileId;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    parse_with(file, text, limits, sink, chunk_len(text.len()))
}

/// From this many bytes, a file is parsed in pieces on two threads.
const PARALLEL_FROM: usize = 256 * 1024;

/// About how many bytes of a large file are parsed at a time.
const CHUNK: usize = 128 * 1024;

/// How long the pieces of a file of `len` bytes are: at least two, of about [`CHUNK`] bytes.
fn chunk_len(len: usize) -> Option<usize> {
    (len >= PARALLEL_FROM).then(|| len / (len / CHUNK).max(2))
}

/// [`parse`], cutting the file into pieces of about `chunk_len` bytes (`None`: whole) whatever
/// its size: the result is the same as [`parse`]'s, which the tests and the `parse` fuzz target
/// check on small files.
pub fn parse_in_pieces(
    file: FileId,
    text: &str,
    limits: ParseLimits,
    chunk_len: Option<usize>,
    sink: &mut Diagnostics,
) -> Option<ast::File> {
    parse_with(file, text, limits, sink, chunk_len)
}

/// [`parse`], cutting the file into pieces of about `chunk_len` bytes.
fn parse_with(
    file: FileId,
    text: &str,
    limits: ParseLimits,
    sink: &mut Diagnostics,
    chunk_len: Option<usize>,
) -> Option<ast::File> {
    let scanned = precheck::scan(file, text, limits, chunk_len, sink)?;
    if !scanned.cuts.is_empty() {
        if let Some(parsed) = parse_chunks(file, text, &scanned.cuts, limits, sink) {
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

/// Parses the pieces of the file between `cuts` on two threads, each piece lowered as soon as
/// it is parsed: a large model's parse is a fifth of its build, and pest's list of tokens for
/// a whole file was most of the compile's peak memory (100 MB for 2 MB of model). `None` when a
/// piece has a syntax error: the whole file is then parsed again, so that errors are reported
/// exactly as for any file; otherwise the lowered file (or `Some(None)` with the lowering's
/// diagnostics).
fn parse_chunks(
    file: FileId,
    text: &str,
    cuts: &[usize],
    limits: ParseLimits,
    sink: &mut Diagnostics,
) -> Option<Option<ast::File>> {
    let starts = std::iter::once(0).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(text.len()));
    let pieces: Vec<(usize, usize)> = starts.zip(ends).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    type Lowered = (Option<ast::File>, Diagnostics);
    // Takes the next piece until none is left (or one failed to parse).
    let work = || -> Vec<(usize, Lowered)> {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(start, end)) = pieces.get(index) else {
                break;
            };
            let Some(pairs) = text
                .get(start..end)
                .and_then(|piece| <TmParser as pest::Parser<Rule>>::parse(Rule::file, piece).ok())
            else {
                failed.store(true, Ordering::Relaxed);
                break;
            };
            let mut diagnostics = Diagnostics::new();
            let lowered = lower::lower_file(file, pairs, start, limits, &mut diagnostics);
            done.push((index, (lowered, diagnostics)));
        }
        done
    };
    let mut done = std::thread::scope(|threads| {
        let theirs = threads.spawn(work);
        let mut done = work();
        done.extend(theirs.join().ok()?);
        Some(done)
    })?;
    if failed.load(Ordering::Relaxed) || done.len() != pieces.len() {
        return None;
    }
    done.sort_unstable_by_key(|(index, _)| *index);
    let count = done
        .iter()
        .map(|(_, (lowered, _))| lowered.as_ref().map_or(0, |l| l.items.len()))
        .sum();
    let mut items = Some(Vec::with_capacity(count));
    for (_, (lowered, diagnostics)) in done {
        sink.extend(diagnostics);
        match (&mut items, lowered) {
            (Some(items), Some(lowered)) => items.extend(lowered.items),
            _ => items = None,
        }
    }
    Some(items.map(|items| ast::File { items }))
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
        let at = diagnostic.primary.span.start();
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
