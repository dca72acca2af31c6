//! A cursor over a statement's arguments. Each `expect`-style method reports E0107 with
//! "expected X after `Y`, found Z" and the statement's usage; after the first error in a
//! statement the cursor stays quiet, so one mistake gives one diagnostic.

use super::build::Builder;
use super::parser::{Arg, ArgKind, Stmt};
use super::schema;
use super::values::{self, ValueKind};
use crate::diag::suggest;
use crate::diag::{Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::ast::Text;

/// Reads one statement's arguments in order.
pub struct Args<'s> {
    stmt: &'s Stmt,
    usage: &'static str,
    next: usize,
    failed: bool,
}

impl<'s> Args<'s> {
    /// A cursor over `stmt`'s arguments; `usage` is the statement's form, for help lines.
    pub fn new(stmt: &'s Stmt, usage: &'static str) -> Self {
        Self {
            stmt,
            usage,
            next: 0,
            failed: false,
        }
    }

    /// Whether arguments remain.
    pub fn more(&self) -> bool {
        !self.failed && self.next < self.stmt.args.len()
    }

    /// The next argument, unread.
    pub fn peek(&self) -> Option<&'s Arg> {
        if self.failed {
            return None;
        }
        self.stmt.args.get(self.next)
    }

    /// A name: a word, a number or a string, kept as written, checked as a value of `kind`.
    pub fn name(&mut self, b: &mut Builder, what: &str, kind: ValueKind) -> Option<Text> {
        let arg = self.take(b, what, |a| {
            a.kind != ArgKind::Time && a.kind != ArgKind::Build
        })?;
        Some(checked(b, arg, kind))
    }

    /// Any argument but a time, as written, checked as a value of `kind`: a name, or a dotted
    /// address such as `10.0.0.8`.
    pub fn address(&mut self, b: &mut Builder, what: &str, kind: ValueKind) -> Option<Text> {
        let arg = self.take(b, what, |a| a.kind != ArgKind::Time)?;
        Some(checked(b, arg, kind))
    }

    /// A string, checked as a value of `kind`.
    pub fn string(&mut self, b: &mut Builder, what: &str, kind: ValueKind) -> Option<Text> {
        let arg = self.take(b, what, |a| a.kind == ArgKind::String)?;
        Some(checked(b, arg, kind))
    }

    /// A time of day such as `02:00` (E0123 outside 00:00 to 23:59).
    pub fn time(&mut self, b: &mut Builder, what: &str) -> Option<Text> {
        let arg = self.take(b, what, |a| a.kind == ArgKind::Time)?;
        Some(checked(b, arg, ValueKind::Time))
    }

    /// A bare word or number, in lower case (versions, levels, checks).
    pub fn value(&mut self, b: &mut Builder, what: &str) -> Option<Text> {
        self.take(b, what, |a| {
            matches!(a.kind, ArgKind::Word | ArgKind::Number)
        })
        .map(lower)
    }

    /// An Exchange version: a word or number (`2010`, `SE`), or a two-part number (`5.5`).
    pub fn version(&mut self, b: &mut Builder, what: &str) -> Option<Text> {
        self.take(b, what, |a| {
            matches!(a.kind, ArgKind::Word | ArgKind::Number)
                || (a.kind == ArgKind::Build && a.text.matches('.').count() == 1)
        })
        .map(lower)
    }

    /// One of `choices` (ignoring case), in lower case.
    pub fn choice(&mut self, b: &mut Builder, what: &str, choices: &[&str]) -> Option<Text> {
        let arg = self.take(b, what, |a| a.kind == ArgKind::Word)?;
        let value = lower(arg);
        if choices.contains(&value.node.as_str()) {
            return Some(value);
        }
        let help = suggest::help(&value.node, choices, || {
            format!("write {}", one_of(choices))
        });
        self.failed = true;
        b.error(
            Diagnostic::new(
                Code::E0107,
                arg.span,
                format!("expected {what}, found {}", describe(Some(arg))),
            )
            .with_label(format!("not {what}"))
            .with_help(help),
        );
        None
    }

    /// The word `word` (ignoring case), which must come next.
    pub fn keyword(&mut self, b: &mut Builder, word: &str) -> Option<Span> {
        let what = format!("`{word}`");
        self.take(b, &what, |a| {
            a.kind == ArgKind::Word && a.text.eq_ignore_ascii_case(word)
        })
        .map(|a| a.span)
    }

    /// The word `word`, if it comes next.
    pub fn eat(&mut self, word: &str) -> Option<Span> {
        let arg = self.peek()?;
        if arg.kind == ArgKind::Word && arg.text.eq_ignore_ascii_case(word) {
            self.next += 1;
            return Some(arg.span);
        }
        None
    }

    /// A whole number that fits in 32 bits.
    pub fn number(&mut self, b: &mut Builder, what: &str) -> Option<Spanned<u32>> {
        let arg = self.take(b, what, |a| a.kind == ArgKind::Number)?;
        if let Ok(n) = arg.text.parse() {
            return Some(Spanned::new(n, arg.span));
        }
        self.failed = true;
        b.error(
            Diagnostic::new(
                Code::E0107,
                arg.span,
                format!("`{}` is too large", arg.text),
            )
            .with_label("larger than 4294967295")
            .with_help(format!("usage: `{}`", self.usage)),
        );
        None
    }

    /// Reports the next argument as unexpected, as if `what` had been required there.
    pub fn reject(&mut self, b: &mut Builder, what: &str) {
        self.take(b, what, |_| false);
    }

    /// Ends the statement: any argument left is an error. True when every argument was fine.
    pub fn finish(&mut self, b: &mut Builder) -> bool {
        if self.more() {
            self.reject(b, "the end of the statement");
        }
        !self.failed
    }

    /// The next argument if `accept` likes it; otherwise reports E0107 once.
    fn take(
        &mut self,
        b: &mut Builder,
        what: &str,
        accept: impl Fn(&Arg) -> bool,
    ) -> Option<&'s Arg> {
        if self.failed {
            return None;
        }
        let arg = self.stmt.args.get(self.next);
        if let Some(arg) = arg.filter(|a| accept(a)) {
            self.next += 1;
            return Some(arg);
        }
        self.failed = true;
        let (prev, prev_span) = match self.next.checked_sub(1).and_then(|i| self.stmt.args.get(i)) {
            Some(p) => (shown(p), p.span),
            None => (self.stmt.keyword.clone(), self.stmt.keyword_span),
        };
        let (span, label) = match arg {
            Some(a) => (a.span, format!("expected {what}")),
            None => (prev_span, format!("expected {what} after this")),
        };
        b.error(
            Diagnostic::new(
                Code::E0107,
                span,
                format!("expected {what} after `{prev}`, found {}", describe(arg)),
            )
            .with_label(label)
            .with_help(format!("usage: `{}`", self.usage)),
        );
        None
    }
}

/// "`a`, `b` or `c`".
pub fn one_of(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What was found, for "found ...".
pub fn describe(arg: Option<&Arg>) -> String {
    let Some(arg) = arg else {
        return "the end of the statement".to_owned();
    };
    let kind = match arg.kind {
        ArgKind::String => "the string",
        ArgKind::Time => "the time",
        ArgKind::Build => "the build number",
        ArgKind::Number => "the number",
        ArgKind::Word => "the word",
    };
    format!("{kind} `{}`", shown(arg))
}

/// An argument as it would be written, shortened for messages.
fn shown(arg: &Arg) -> String {
    let mut s: String = arg.text.chars().take(40).collect();
    if arg.text.chars().nth(40).is_some() {
        s.push('…');
    }
    if arg.kind == ArgKind::String {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A header value, or an empty placeholder when it was wrong: the block is still checked so
/// every error is reported, and the statement is dropped because its arguments failed.
pub fn blank(value: Option<Text>) -> Text {
    value.unwrap_or_else(|| Spanned::new(String::new(), Span::default()))
}

/// `arg` as a value of `kind`: a string with a hidden character is E0115 at that character,
/// a value of the wrong shape is its kind's code at the value (`values::check`). The value is
/// returned either way: the plan does not compile, and the statement's other arguments and
/// settings are still checked without a follow-on "missing" error.
fn checked(b: &mut Builder, arg: &Arg, kind: ValueKind) -> Text {
    if let Some((offset, c)) = values::hidden_char(&arg.text) {
        b.error(hidden_in_string(arg, offset, c));
    } else if let Err(invalid) = values::check(kind, &arg.text) {
        b.error(
            Diagnostic::new(invalid.code, arg.span, invalid.message)
                .with_label(invalid.label)
                .with_help(invalid.help),
        );
    }
    text(arg)
}

/// E0115 for the hidden character `c` at byte `offset` of the string `arg`'s value.
fn hidden_in_string(arg: &Arg, offset: usize, c: char) -> Diagnostic {
    // The span of `c` in the source: after the opening quote, each `"` of the value was
    // written `""`.
    let doubled = arg.text[..offset].matches('"').count();
    let start = arg.span.start + 1 + offset + doubled;
    let span = Span::new(start, start + c.len_utf8());
    Diagnostic::new(
        Code::E0115,
        span,
        format!(
            "this string holds an invisible character, {}",
            values::describe_hidden(c)
        ),
    )
    .with_label("invisible character here")
    .with_help(
        "delete it and retype the text around it: a reviewer cannot see it, and a bidi control makes the line show something other than what it holds",
    )
}

fn text(arg: &Arg) -> Text {
    Spanned::new(arg.text.clone(), arg.span)
}

fn lower(arg: &Arg) -> Text {
    Spanned::new(arg.text.to_lowercase(), arg.span)
}

/// Roles, checks and other lists of words: every remaining argument must be one of `choices`.
pub fn words(b: &mut Builder, args: &mut Args<'_>, what: &str, choices: &[&str]) -> Vec<Text> {
    let mut out: Vec<Text> = Vec::new();
    while args.more() {
        let Some(word) = args.choice(b, what, choices) else {
            break;
        };
        if let Some(first) = out.iter().find(|w| w.node == word.node) {
            b.error(
                Diagnostic::new(
                    Code::E0108,
                    word.span,
                    format!("`{}` is listed twice", word.node),
                )
                .with_label("listed again here")
                .with_related(first.span, "first listed here")
                .with_help("remove one of them"),
            );
        }
        out.push(word);
    }
    out
}

/// Role words, for `roles`.
pub fn roles(b: &mut Builder, args: &mut Args<'_>) -> Vec<Text> {
    words(b, args, "a role", schema::ROLES)
}
