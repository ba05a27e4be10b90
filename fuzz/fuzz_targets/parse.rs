//! Parses arbitrary bytes as a `.tm` file: must never panic, hang or overflow the stack. The
//! file parsed in pieces (as a large file is, on two threads) must give the same syntax tree and
//! the same diagnostics as the file parsed whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmc::diagnostics::Diagnostics;
use tmc::source::FileId;
use tmc::syntax::{parse_in_pieces, ParseLimits};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let outcome = |chunk_len: Option<usize>| {
            let mut sink = Diagnostics::new();
            let file = parse_in_pieces(
                FileId(0),
                text,
                ParseLimits::default(),
                chunk_len,
                &mut sink,
            );
            let diagnostics: Vec<String> = sink.iter().map(|d| format!("{d:?}")).collect();
            (file, diagnostics)
        };
        let whole = outcome(None);
        assert_eq!(outcome(Some(64)), whole, "cut every 64 bytes");
        assert_eq!(
            outcome(Some(1)),
            whole,
            "cut wherever a statement can start"
        );
    }
});
