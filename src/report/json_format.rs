//! The layout of `threats.json` and `threats.sarif`: indented like `serde_json`'s pretty
//! printer down to the lists of records, and one record per line below that.
//!
//! A record (a threat, a flow, a SARIF result or rule) is one line, so a change to a threat is
//! a one-line diff and `grep` finds whole records; fully indented, the 10,000-element benchmark
//! model's JSON and SARIF were over half whitespace, and writing it was most of a build's time.

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Serializes `value` to `writer`: indented, with every element of an array nested
/// `record_depth` arrays deep written on one line.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
    record_depth: usize,
) -> serde_json::Result<()> {
    let formatter = RecordPerLine {
        pretty: PrettyFormatter::new(),
        compact: CompactFormatter,
        depth: 0,
        arrays: 0,
        record_depth,
        record_at: None,
    };
    let mut serializer = serde_json::Serializer::with_formatter(writer, formatter);
    value.serialize(&mut serializer)
}

struct RecordPerLine {
    pretty: PrettyFormatter<'static>,
    compact: CompactFormatter,
    /// Objects and arrays open.
    depth: usize,
    /// Arrays open.
    arrays: usize,
    record_depth: usize,
    /// The `depth` of the array whose element is being written on one line.
    record_at: Option<usize>,
}

/// Calls the compact formatter inside a record, the pretty one outside.
macro_rules! route {
    ($self:ident, $method:ident ( $($arg:expr),* )) => {
        if $self.record_at.is_some() {
            $self.compact.$method($($arg),*)
        } else {
            $self.pretty.$method($($arg),*)
        }
    };
}

impl Formatter for RecordPerLine {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.arrays += 1;
        route!(self, begin_array(writer))
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        self.arrays -= 1;
        route!(self, end_array(writer))
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        route!(self, begin_array_value(writer, first))?;
        if self.record_at.is_none() && self.arrays == self.record_depth {
            self.record_at = Some(self.depth);
        }
        Ok(())
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.record_at == Some(self.depth) {
            self.record_at = None;
        }
        route!(self, end_array_value(writer))
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        route!(self, begin_object(writer))
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        route!(self, end_object(writer))
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        route!(self, begin_object_key(writer, first))
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        route!(self, end_object_key(writer))
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        route!(self, begin_object_value(writer))
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        route!(self, end_object_value(writer))
    }
}

#[cfg(test)]
mod tests {
    use super::to_writer;
    use serde_json::json;

    fn text(value: &serde_json::Value, depth: usize) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, value, depth).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn records_are_one_line_each_and_the_rest_is_indented() {
        let value = json!({
            "model": { "name": "m" },
            "threats": [ { "id": "a", "refs": ["x", "y"], "at": { "line": 1 } }, { "id": "b" } ],
            "empty": [],
        });
        assert_eq!(
            text(&value, 1),
            "{\n  \"model\": {\n    \"name\": \"m\"\n  },\n  \"threats\": [\n    \
             {\"id\":\"a\",\"refs\":[\"x\",\"y\"],\"at\":{\"line\":1}},\n    {\"id\":\"b\"}\n  ],\n  \
             \"empty\": []\n}"
        );
    }

    #[test]
    fn records_two_arrays_deep() {
        let value = json!({ "runs": [ { "results": [ { "a": [1] } ], "tool": { "n": 1 } } ] });
        assert_eq!(
            text(&value, 2),
            "{\n  \"runs\": [\n    {\n      \"results\": [\n        {\"a\":[1]}\n      ],\n      \
             \"tool\": {\n        \"n\": 1\n      }\n    }\n  ]\n}"
        );
    }

    #[test]
    fn the_layout_reads_back_as_the_same_value() {
        let value = json!({ "a": [ { "b": [ { "c": "|\"\\\n<" } ] } ], "d": null });
        for depth in 0..4 {
            let back: serde_json::Value =
                serde_json::from_str(&text(&value, depth)).unwrap_or_default();
            assert_eq!(back, value, "depth {depth}");
        }
    }
}
