//! Diagnostics: one [`Diagnostic`] type from the parser to the editor.
//!
//! A diagnostic carries a stable [`Code`], a message, a primary [`Label`] on a span, related
//! labels and at most one help line. It is rendered late, by [`render`], for the terminal and
//! as JSON; the language server converts the same value.

mod code;
pub mod render;
pub mod suggest;

pub use code::Code;

use crate::source::Span;
use serde::Serialize;

/// How serious a diagnostic is. Errors stop compilation; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The plan cannot be compiled.
    Error,
    /// The plan compiles, but something deserves a look.
    Warning,
}

/// A span with a short message saying what is wrong (or relevant) there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there, in a few words (may be empty).
    pub message: String,
}

impl Label {
    /// A label on `span` saying `message`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
        }
    }
}

/// One finding about a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, such as `E0202`.
    pub code: Code,
    /// The one-line message: lowercase, no trailing period, names in backticks.
    pub message: String,
    /// The span the diagnostic is about.
    pub primary: Label,
    /// Other places that explain it ("first defined here").
    pub related: Vec<Label>,
    /// How to fix it, in one line.
    pub help: Option<String>,
    /// Changes to the plan that resolve it, offered by editors as quick fixes (the help line
    /// says the same in words). A misspelt word's fix follows from its help line instead:
    /// [`suggest::suggested`].
    /// Boxed: most diagnostics have none, and every `Result` with a diagnostic carries it.
    #[serde(skip)]
    pub fixes: Option<Box<Vec<Fix>>>,
}

/// A change to the plan that resolves a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Add the statement `text` to the block of the statement whose span is `statement`.
    AddStatement {
        /// The statement whose block gets it.
        statement: Span,
        /// The whole statement (`auth ntlm`).
        text: String,
    },
}

impl Diagnostic {
    /// A diagnostic with code `code` and `message`, pointing at `span` (label text empty).
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            primary: Label::new(span, ""),
            related: Vec::new(),
            help: None,
            fixes: None,
        }
    }

    /// Sets the primary label's text.
    #[must_use]
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds a related span.
    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label::new(span, message));
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.get_or_insert_with(Box::default).push(fix);
        self
    }

    /// The severity, which follows from the code.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Whether this diagnostic stops compilation.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any of them is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sorts by position (stable, so equal spans keep the order they were found in).
    pub fn sort(&mut self) {
        self.0
            .sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
