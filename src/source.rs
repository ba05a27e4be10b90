//! Stage 0: source text. Files get a `FileId`; every later stage points back into them with a
//! byte `Span`. Line and column are computed only when something is shown to a person.

use codespan_reporting::files::{Files, SimpleFiles};
use serde::Serialize;
use std::ops::Range;

/// One loaded file; an index into the `SourceMap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub usize);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start, end }
    }

    /// The smallest span covering both (they must be in the same file; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span::new(
            self.file,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// A 1-based position, as people and editors count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Every file of one compilation: the root, its includes, the rule packs and the embedded stdlib.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    count: usize,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file; `name` is how people will see it (`examples/x.tm`, `<stdlib/stride.tm>`).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = self.files.add(name.into(), text.into());
        self.count += 1;
        FileId(id)
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files
            .get(file.0)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files
            .get(file.0)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The text a span covers (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> LineCol {
        let line_index = self.files.line_index(file.0, offset).unwrap_or(0);
        let column = self
            .files
            .column_number(file.0, line_index, offset)
            .unwrap_or(1);
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// The files in the form codespan-reporting renders from.
    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }
}
