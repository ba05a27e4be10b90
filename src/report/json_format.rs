//! The layout of `threats.json` and `threats.sarif`: indented like `serde_json`'s pretty
//! printer down to the lists of records, and one record per line below that.
//!
//! A record (a threat, a flow, a SARIF result or rule) is one line, so a change to a threat is
//! a one-line diff and `grep` finds whole records; fully indented, the 10,000-element benchmark
//! model's JSON and SARIF were over half whitespace, and writing it was most of a build's time.
//!
//! The bytes are exactly those of `serde_json::Serializer` with its pretty formatter outside the
//! records and its compact one inside (the tests hold the two equal). It is a serializer of its
//! own because `serde_json` escapes strings a byte at a time, and the records are mostly long
//! strings: this one checks eight bytes at a time ([`escape::json_into`]) and writes into one
//! buffer that it hands to the writer in large pieces. At 1,000 elements, escaping was a third
//! of everything `tmc build --emit json` did.

use super::escape;
use serde::ser::{self, Serialize};
use std::fmt::Display;
use std::io::{self, Write};

/// The buffer is handed to the writer once it holds this much.
const FLUSH_AT: usize = 1 << 20;

/// Serializes `value` to `writer`: indented, with every element of an array nested
/// `record_depth` arrays deep written on one line.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
    record_depth: usize,
) -> Result<(), Error> {
    to_writer_at(writer, value, record_depth, 0)
}

/// [`to_writer`] for a value that is itself `depth` objects and arrays deep in the document:
/// indented as it would be there.
pub fn to_writer_at<W: Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
    record_depth: usize,
    depth: usize,
) -> Result<(), Error> {
    let mut layout = Layout {
        out: Vec::with_capacity(FLUSH_AT + FLUSH_AT / 4),
        writer,
        depth,
        arrays: 0,
        record_depth,
        record_at: None,
    };
    value.serialize(&mut layout)?;
    layout.writer.write_all(&layout.out)?;
    Ok(())
}

/// Appends `value` to `out` as it would be written inside a record: on one line.
pub fn compact_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    let mut layout = Layout {
        out: std::mem::take(out),
        writer: io::sink(),
        depth: 0,
        arrays: 0,
        record_depth: 0,
        // Never reset: everything is inside the record.
        record_at: Some(usize::MAX),
    };
    let written = value.serialize(&mut layout);
    *out = layout.out;
    written
}

/// Why serializing stopped: the writer failed, or a value cannot be JSON (a map key that is not
/// a string, number or boolean; the report's types have none).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Unsupported(String),
}

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Self {
        Error::Unsupported(message.to_string())
    }
}

impl From<Error> for io::Error {
    fn from(error: Error) -> Self {
        match error {
            Error::Io(error) => error,
            Error::Unsupported(message) => io::Error::other(message),
        }
    }
}

struct Layout<W> {
    /// Written but not yet handed to `writer`.
    out: Vec<u8>,
    writer: W,
    /// Objects and arrays open.
    depth: usize,
    /// Arrays open.
    arrays: usize,
    record_depth: usize,
    /// The `depth` of the array whose element is being written on one line.
    record_at: Option<usize>,
}

impl<W: Write> Layout<W> {
    fn in_record(&self) -> bool {
        self.record_at.is_some()
    }

    fn newline_and_indent(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn open(&mut self, bracket: u8, array: bool) {
        self.depth += 1;
        if array {
            self.arrays += 1;
        }
        self.out.push(bracket);
    }

    /// Before an array element or an object key.
    fn separate(&mut self, first: bool) {
        if self.in_record() {
            if !first {
                self.out.push(b',');
            }
        } else {
            if !first {
                self.out.push(b',');
            }
            self.newline_and_indent();
        }
    }

    fn close(&mut self, bracket: u8, array: bool, empty: bool) -> Result<(), Error> {
        self.depth -= 1;
        if array {
            self.arrays -= 1;
        }
        if !self.in_record() && !empty {
            self.newline_and_indent();
        }
        self.out.push(bracket);
        // Handed to the writer only between records (or outside them): `compact_into` writes
        // a value into a record that its caller holds, with no writer to hand anything to.
        let record_done = self.record_at.map_or(true, |at| at == self.depth);
        if self.out.len() >= FLUSH_AT && record_done {
            self.writer.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    fn before_value(&mut self) {
        self.out
            .extend_from_slice(if self.in_record() { b":" } else { b": " });
    }

    fn string(&mut self, text: &str) {
        self.out.push(b'"');
        escape::json_into(&mut self.out, text);
        self.out.push(b'"');
    }

    fn integer(&mut self, value: impl itoa::Integer) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    /// Floats as `serde_json` prints them (shortest round trip, `null` for NaN and infinities).
    fn float(&mut self, value: impl Serialize) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, &value).map_err(|e| Error::Unsupported(e.to_string()))
    }
}

/// An array, object, or `{"variant": ...}` being written.
struct Compound<'a, W> {
    layout: &'a mut Layout<W>,
    array: bool,
    first: bool,
    /// Closes the object around an enum variant's array or object too.
    in_variant: bool,
}

impl<'a, W: Write> Compound<'a, W> {
    fn begin(layout: &'a mut Layout<W>, array: bool, variant: Option<&str>) -> Self {
        if let Some(variant) = variant {
            layout.open(b'{', false);
            layout.separate(true);
            layout.string(variant);
            layout.before_value();
        }
        layout.open(if array { b'[' } else { b'{' }, array);
        Compound {
            layout,
            array,
            first: true,
            in_variant: variant.is_some(),
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let first = std::mem::replace(&mut self.first, false);
        let layout = &mut *self.layout;
        layout.separate(first);
        if layout.record_at.is_none() && layout.arrays == layout.record_depth {
            layout.record_at = Some(layout.depth);
        }
        value.serialize(&mut *layout)?;
        if layout.record_at == Some(layout.depth) {
            layout.record_at = None;
        }
        Ok(())
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let first = std::mem::replace(&mut self.first, false);
        self.layout.separate(first);
        key.serialize(KeySerializer(&mut *self.layout))
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.layout.before_value();
        value.serialize(&mut *self.layout)
    }

    fn end(self) -> Result<(), Error> {
        let (close, array) = if self.array {
            (b']', true)
        } else {
            (b'}', false)
        };
        self.layout.close(close, array, self.first)?;
        if self.in_variant {
            self.layout.close(b'}', false, false)?;
        }
        Ok(())
    }
}

/// The ten `serialize_{integer}` methods of a `Serializer`, each running `$body` with the
/// serializer and the value.
macro_rules! integer_methods {
    (|$serializer:ident, $value:ident| $body:expr) => {
        integer_methods!(@each $serializer $value $body;
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
            serialize_u64: u64, serialize_u128: u128);
    };
    (@each $serializer:ident $value:ident $body:expr; $($method:ident: $type:ty),*) => {
        $(
            fn $method(self, $value: $type) -> Result<(), Error> {
                let $serializer = self;
                $body
            }
        )*
    };
}

impl<'a, W: Write> ser::Serializer for &'a mut Layout<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }
    integer_methods!(|layout, value| {
        layout.integer(value);
        Ok(())
    });
    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        self.float(value)
    }
    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        self.float(value)
    }
    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.string(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value);
        Ok(())
    }
    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            seq.serialize_element(byte)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut object = Compound::begin(self, false, None);
        object.key(variant)?;
        object.value(value)?;
        object.end()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, true, None))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, true, None))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, true, None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, true, Some(variant)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, false, None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, false, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        Ok(Compound::begin(self, false, Some(variant)))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        use std::fmt::Write as _;
        /// Escapes each piece as the value writes it, without putting the string together.
        struct Escaping<'b>(&'b mut Vec<u8>);
        impl std::fmt::Write for Escaping<'_> {
            fn write_str(&mut self, piece: &str) -> std::fmt::Result {
                escape::json_into(self.0, piece);
                Ok(())
            }
        }
        self.out.push(b'"');
        write!(Escaping(&mut self.out), "{value}")
            .map_err(|_| Error::Unsupported("a value failed to format itself".into()))?;
        self.out.push(b'"');
        Ok(())
    }
}

macro_rules! compound_element {
    ($trait:ident, $method:ident) => {
        impl<W: Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                Compound::end(self)
            }
        }
    };
}

compound_element!(SerializeSeq, serialize_element);
compound_element!(SerializeTuple, serialize_element);
compound_element!(SerializeTupleStruct, serialize_field);
compound_element!(SerializeTupleVariant, serialize_field);

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

macro_rules! compound_field {
    ($trait:ident) => {
        impl<W: Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.key(key)?;
                self.value(value)
            }
            fn end(self) -> Result<(), Error> {
                Compound::end(self)
            }
        }
    };
}

compound_field!(SerializeStruct);
compound_field!(SerializeStructVariant);

/// Object keys: strings as they are; numbers, booleans and characters quoted, as `serde_json`
/// does; anything else is an error.
struct KeySerializer<'a, W>(&'a mut Layout<W>);

impl<W: Write> KeySerializer<'_, W> {
    fn quoted(self, text: impl Display) -> Result<(), Error> {
        self.0.string(&text.to_string());
        Ok(())
    }
}

fn key_must_be_a_string() -> Error {
    Error::Unsupported("key must be a string".into())
}

impl<W: Write> ser::Serializer for KeySerializer<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.0.string(value);
        Ok(())
    }
    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.quoted(value)
    }
    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.quoted(value)
    }
    integer_methods!(|key, value| key.quoted(value));
    fn serialize_f32(self, _value: f32) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_f64(self, _value: f64) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_bytes(self, _value: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::to_writer;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// A value written into a record that already holds a megabyte keeps all of it: a full
    /// buffer used to be handed to `compact_into`'s writer, which drops everything.
    #[test]
    fn a_value_added_to_a_full_record_loses_nothing() {
        let mut out = vec![b'x'; super::FLUSH_AT + 10];
        let value = json!({"kind": "mitigate", "pattern": "r@e", "nested": [[1], {"a": []}]});
        super::compact_into(&mut out, &value).unwrap_or_else(|e| panic!("{e}"));
        let written = out.get(super::FLUSH_AT + 10..).unwrap_or_default();
        assert_eq!(
            written,
            serde_json::to_string(&value).unwrap_or_default().as_bytes()
        );
        assert_eq!(out.len(), super::FLUSH_AT + 10 + written.len());
    }

    /// The layout as `serde_json` itself writes it, through its pretty and compact formatters:
    /// what [`to_writer`] must equal.
    mod reference {
        use serde::Serialize;
        use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
        use std::io::{self, Write};

        pub fn to_string<T: Serialize + ?Sized>(value: &T, record_depth: usize) -> String {
            let formatter = RecordPerLine {
                pretty: PrettyFormatter::new(),
                compact: CompactFormatter,
                depth: 0,
                arrays: 0,
                record_depth,
                record_at: None,
            };
            let mut out = Vec::new();
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
            value
                .serialize(&mut serializer)
                .unwrap_or_else(|e| panic!("{e}"));
            String::from_utf8(out).unwrap_or_default()
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
    }

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

    /// Any JSON value: strings over the whole range of characters, control characters and
    /// quotes in particular, numbers of every kind, nesting in arrays and objects.
    fn any_value() -> impl Strategy<Value = Value> {
        let text = prop_oneof![
            "[ -~]{0,20}",
            "[\\x00-\\x1f\"\\\\a-z]{0,24}",
            any::<String>(),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text.clone().prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::vec((text.clone(), inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn writes_what_serde_json_writes(value in any_value(), depth in 0usize..4) {
            prop_assert_eq!(text(&value, depth), reference::to_string(&value, depth));
        }

        #[test]
        fn escapes_strings_as_serde_json_does(text in any::<String>()) {
            let mut out = Vec::new();
            crate::report::escape::json_into(&mut out, &text);
            let expected = serde_json::to_string(&text).unwrap_or_default();
            prop_assert_eq!(format!("\"{}\"", String::from_utf8_lossy(&out)), expected);
        }
    }

    #[test]
    fn every_control_character_and_escape_at_every_offset() {
        // Each special byte at each place in strings shorter than a word, a word long, and
        // around and across 16-byte blocks.
        for byte in (0u8..0x20).chain([b'"', b'\\', 0x7F]) {
            for (len, at) in (0..40).flat_map(|len| (0..=len).map(move |at| (len, at))) {
                let mut line: String = ('a'..='z').cycle().take(len).collect();
                line.insert(at, char::from(byte));
                let value = json!({ "k": [line.clone(), { "n": line }] });
                for depth in 0..3 {
                    assert_eq!(text(&value, depth), reference::to_string(&value, depth));
                }
            }
        }
    }

    #[test]
    fn the_report_types_write_as_serde_json_writes_them() {
        // Enums as strings, skipped and renamed fields, maps with string keys, `collect_str`.
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Record<'a> {
            kind: crate::vocab::Level,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            some_text: Option<&'a str>,
            shown: Shown,
            tuple: (u8, char, f32),
            bytes: &'a [u8],
            unit: (),
            keys: std::collections::BTreeMap<u32, bool>,
            variant: Variant,
            newtype: Variant,
            tuple_variant: Variant,
        }
        #[derive(serde::Serialize)]
        enum Variant {
            Plain { a: u8 },
            Newtype(String),
            Pair(u8, u8),
        }
        struct Shown;
        impl std::fmt::Display for Shown {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a \"piece\"\n")?;
                write!(f, "and\tanother {}", 7)
            }
        }
        impl serde::Serialize for Shown {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        let record = Record {
            kind: crate::vocab::Level::High,
            skipped: None,
            some_text: Some("x|y<z"),
            shown: Shown,
            tuple: (1, '"', 0.1),
            bytes: b"ab",
            unit: (),
            keys: [(1, true), (20, false)].into_iter().collect(),
            variant: Variant::Plain { a: 1 },
            newtype: Variant::Newtype("n".into()),
            tuple_variant: Variant::Pair(1, 2),
        };
        let list = vec![&record, &record];
        for depth in 0..3 {
            let mut out = Vec::new();
            to_writer(&mut out, &list, depth).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                String::from_utf8(out).unwrap_or_default(),
                reference::to_string(&list, depth),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn a_key_that_is_not_a_string_is_an_error() {
        let map: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
        assert!(to_writer(Vec::new(), &map, 0).is_err());
    }
}
