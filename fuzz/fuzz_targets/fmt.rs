//! Formats arbitrary text: `tmc fmt` must never panic, hang or change a file's meaning. When the
//! text parses, the formatted text must parse too and formatting it again must change nothing.
//! (`compile` checks the same on its inputs; this target spends all its time on the formatter.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmc::diagnostics::Diagnostics;
use tmc::format::{format, FormatError};
use tmc::source::FileId;
use tmc::syntax::{parse, ParseLimits};

fn parses(text: &str) -> bool {
    let mut sink = Diagnostics::new();
    parse(FileId(0), text, ParseLimits::default(), &mut sink).is_some() && !sink.has_errors()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let formatted = match format(text) {
        Ok(formatted) => formatted,
        Err(FormatError::Syntax(diagnostics)) => {
            assert!(!diagnostics.is_empty(), "a syntax error without a diagnostic");
            assert!(!parses(text), "format reported syntax errors in a file that parses");
            return;
        }
        // A form the formatter does not handle is refused on purpose; a changed meaning is a bug.
        Err(FormatError::Refused(reason)) if !reason.contains("bug") => return,
        Err(error) => panic!("a file that parses was not formatted: {error:?}"),
    };
    assert!(parses(&formatted), "formatted text does not parse:\n{formatted}");
    match format(&formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
        Err(error) => panic!("formatted text cannot be formatted again: {error:?}\n{formatted}"),
    }
});
