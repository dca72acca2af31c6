//! Renders [`Diagnostics`] for people (rustc-style terminal text) and for tools (JSON lines).
//!
//! Takes the plan's [`SourceFile`] and its diagnostics and returns a `String`. Lines and
//! columns are computed here from byte spans, which are clamped first, so no input panics.

mod excerpt;
mod json;

pub use json::json;

use super::{Diagnostic, Diagnostics, Label, Severity};
use crate::source::SourceFile;
use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Renderer, Snippet};
use excerpt::{Excerpt, clamp};
use std::ops::Range;

/// Width that source lines are trimmed to, around their labels.
const TERM_WIDTH: usize = 140;

/// The most diagnostics [`terminal`] shows; the rest are counted in one line. A person reads
/// the first ones, and a plan of many thousand lines with one error repeated on each would
/// otherwise print megabytes. JSON shows every diagnostic: a tool filters for itself.
pub const MAX_SHOWN: usize = 200;

/// Renders the diagnostics rustc-style (the first [`MAX_SHOWN`], then how many more), then
/// a summary line; empty when there are none.
///
/// With `color` false the text is plain, deterministic and free of ANSI escapes.
#[must_use]
pub fn terminal(file: &SourceFile, diagnostics: &Diagnostics, color: bool) -> String {
    if diagnostics.is_empty() {
        return String::new();
    }
    let mut out = terminal_body(file, diagnostics, color);
    out.push_str(&renderer(color).render(&[summary(file.name(), diagnostics)]));
    out.push('\n');
    out
}

/// [`terminal`] without its summary line, for a command that sums up several files itself
/// (`exgen lint`).
#[must_use]
pub fn terminal_body(file: &SourceFile, diagnostics: &Diagnostics, color: bool) -> String {
    let renderer = renderer(color);
    let mut out = String::new();
    for diagnostic in diagnostics.iter().take(MAX_SHOWN) {
        out.push_str(&render_one(&renderer, file, diagnostic));
        out.push_str("\n\n");
    }
    let hidden = &diagnostics.0[diagnostics.0.len().min(MAX_SHOWN)..];
    if !hidden.is_empty() {
        let errors = hidden.iter().filter(|d| d.is_error()).count();
        out.push_str(&format!(
            "... and {} ({}, {}); --message-format json lists all\n\n",
            plural(hidden.len(), "diagnostic").replacen(' ', " more ", 1),
            plural(errors, "error"),
            plural(hidden.len() - errors, "warning"),
        ));
    }
    out
}

/// Whether diagnostics on stderr are coloured: `--color always|never` when given (the global
/// [`anstream::ColorChoice`]), else as the environment and the terminal say — `NO_COLOR`,
/// `CLICOLOR_FORCE`, `CLICOLOR=0`, `TERM=dumb` and whether stderr is a terminal, as anstream
/// reads them. On a Windows console, colour turns on its escape sequences first; a console that
/// has none gets no colour.
#[must_use]
pub fn use_color() -> bool {
    use anstream::ColorChoice;
    if matches!(
        ColorChoice::global(),
        ColorChoice::Always | ColorChoice::AlwaysAnsi
    ) {
        return true;
    }
    let stderr = std::io::stderr();
    match anstream::AutoStream::choice(&stderr) {
        ColorChoice::Never => false,
        _ => cfg!(not(windows)) || anstyle_query::windows::enable_ansi_colors().unwrap_or(false),
    }
}

fn renderer(color: bool) -> Renderer {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer
        .decor_style(DecorStyle::Ascii)
        .term_width(TERM_WIDTH)
}

/// The primary label first, then the related ones, each with whether it is the primary.
fn labels(diagnostic: &Diagnostic) -> impl Iterator<Item = (&Label, bool)> {
    std::iter::once((&diagnostic.primary, true))
        .chain(diagnostic.related.iter().map(|l| (l, false)))
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    }
}

/// One diagnostic, without a trailing newline. Labels in different files (the plan and the
/// files it includes) get a snippet each, the primary label's file first.
fn render_one(renderer: &Renderer, file: &SourceFile, diagnostic: &Diagnostic) -> String {
    let all: Vec<(&Label, bool)> = labels(diagnostic).collect();
    let mut groups: Vec<(crate::source::Located<'_>, Vec<usize>)> = Vec::new();
    for (i, (label, _)) in all.iter().enumerate() {
        let located = file.locate(label.span.start);
        match groups.iter_mut().find(|(g, _)| g.base == located.base) {
            Some((_, members)) => members.push(i),
            None => groups.push((located, vec![i])),
        }
    }
    let mut group = Group::with_title(
        level(diagnostic.severity())
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.as_str()),
    );
    let mut excerpts = Vec::with_capacity(groups.len());
    for (located, members) in &groups {
        let spans: Vec<_> = members
            .iter()
            .map(|&i| clamp(located.file, located.local(all[i].0.span)))
            .collect();
        excerpts.push((Excerpt::new(located.file, &spans), spans));
    }
    for ((located, members), (excerpt, spans)) in groups.iter().zip(&excerpts) {
        let annotations = members.iter().zip(spans).map(|(&i, span)| {
            let (label, is_primary) = all[i];
            annotation(label, is_primary, excerpt.map_range(span))
        });
        let snippet = Snippet::source(excerpt.text.as_str())
            .line_start(excerpt.first_line)
            .path(located.file.name())
            .annotations(annotations);
        group = group.element(snippet);
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let rendered = trim_line_ends(&renderer.render(&[group]));
    let (primary_file, (excerpt, spans)) = (groups[0].0.file, &excerpts[0]);
    if !excerpt.cut {
        return rendered;
    }
    let primary = spans[0].start;
    let shown = excerpt.text[..excerpt.map(primary)]
        .rsplit('\n')
        .next()
        .map_or(0, |line| line.chars().count());
    fix_column(&rendered, shown + 1, primary_file.line_col(primary).column)
}

fn annotation<'a>(label: &'a Label, is_primary: bool, range: Range<usize>) -> Annotation<'a> {
    let kind = if is_primary {
        AnnotationKind::Primary
    } else {
        AnnotationKind::Context
    };
    let annotation = kind.span(range);
    if label.message.is_empty() {
        annotation
    } else {
        annotation.label(label.message.as_str())
    }
}

/// `text` without spaces at the ends of its lines (stand-ins and trailing blanks in the plan).
fn trim_line_ends(text: &str) -> String {
    text.split('\n')
        .map(|line| line.trim_end_matches(' '))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `rendered` with the column of its ` --> file:line:col` header changed from `shown`, which
/// annotate-snippets counted in a cut line, to `real`, the column in the file.
fn fix_column(rendered: &str, shown: usize, real: usize) -> String {
    let suffix = format!(":{shown}");
    let mut fixed = false;
    let lines: Vec<String> = rendered
        .split('\n')
        .map(|line| match line.strip_suffix(&suffix) {
            Some(stem) if !fixed && line.contains("--> ") => {
                fixed = true;
                format!("{stem}:{real}")
            }
            _ => line.to_owned(),
        })
        .collect();
    lines.join("\n")
}

/// The closing line: how many errors and warnings there were.
fn summary(name: &str, diagnostics: &Diagnostics) -> Group<'static> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.iter().count() - errors;
    let warned = plural(warnings, "warning");
    let title = if errors == 0 {
        Level::WARNING.primary_title(format!("`{name}` generated {warned}"))
    } else {
        let errored = plural(errors, "error");
        let emitted = if warnings > 0 {
            format!("; {warned} emitted")
        } else {
            String::new()
        };
        Level::ERROR.primary_title(format!(
            "could not compile `{name}` due to {errored}{emitted}"
        ))
    };
    Group::with_title(title)
}

/// `1 file`, `2 files`: a count with its noun, for messages.
pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests;
