//! Parses arbitrary bytes as a `.tm` file: must never panic, hang or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmc::diagnostics::Diagnostics;
use tmc::source::FileId;
use tmc::syntax::{parse, ParseLimits};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut sink = Diagnostics::new();
        let _ = parse(FileId(0), text, ParseLimits::default(), &mut sink);
    }
});
