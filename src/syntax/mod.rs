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
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits { max_depth: 64 }
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
    if !precheck::precheck(file, text, limits.max_depth, sink) {
        return None;
    }
    match <TmParser as pest::Parser<Rule>>::parse(Rule::file, text) {
        Ok(pairs) => lower::lower_file(file, pairs, limits, sink),
        Err(error) => {
            // Errors are rare: parse again with pest's attempt tracking for a precise message.
            pest::set_error_detail(true);
            let detailed = <TmParser as pest::Parser<Rule>>::parse(Rule::file, text).err();
            pest::set_error_detail(false);
            sink.push(errors::syntax_error(
                file,
                text,
                detailed.as_ref().unwrap_or(&error),
            ));
            None
        }
    }
}

pub use strings::derive_id;
