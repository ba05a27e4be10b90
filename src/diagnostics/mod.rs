//! Diagnostics: every user mistake is a `Diagnostic` value (code, severity, message, labels,
//! help), collected in a `Diagnostics` sink that each stage writes to. Rendering for people
//! (codespan-reporting) and for tools (JSON) lives in `render`.

pub mod codes;
mod render;
mod suggest;

pub use codes::{Code, CODES};
pub use render::{
    printable, printable_lines, render_human, render_json, to_json_values, ColorChoice,
};
pub use suggest::{closest, closest_many, closest_within, one_edit_apart, HintBudget, HINT_BUDGET};

use crate::source::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A span with something to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One thing the compiler tells a person about their model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error or warning; the severity comes from the code's table entry.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Text under the primary caret.
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    /// Another place involved (the other declaration of a duplicate, an include in a cycle).
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the help unless a more specific one is already there.
    pub fn or_help(mut self, help: impl Into<String>) -> Diagnostic {
        if self.help.is_none() {
            self.help = Some(help.into());
        }
        self
    }

    /// Adds "did you mean `x`?" when there is a close candidate. For a few fixed words (keys,
    /// values, pack names); names from the model go through [`Diagnostic::with_suggestion_within`].
    pub fn with_suggestion<'a>(
        self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Diagnostic {
        match closest(wanted, candidates) {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    /// [`Diagnostic::with_suggestion`] paid for from the run's [`HintBudget`]
    /// ([`Diagnostics::hints`]): for candidates that grow with the model.
    pub fn with_suggestion_within<'a>(
        self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'a str>,
        budget: &mut HintBudget,
    ) -> Diagnostic {
        match closest_within(wanted, candidates, 1, budget).first() {
            Some(best) => self.with_help(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The sink every stage writes to.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// What "did you mean" hints about the model's own names may still spend in this run.
    hints: HintBudget,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// The budget for hints that compare a name with every name of the model (see
    /// [`HINT_BUDGET`]): shared by the whole run, so their total time stays linear.
    pub fn hints(&mut self) -> &mut HintBudget {
        &mut self.hints
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// In file, position and code order, with exact repeats removed, so output is deterministic.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (a.primary.span, a.code.id, &a.message).cmp(&(b.primary.span, b.code.id, &b.message))
        });
        self.items.dedup();
        self.items
    }
}
