//! Go to definition, references and highlights, from the names analysis resolved
//! ([`crate::analyze::Names`]): no second resolver.

use crate::analyze::Names;
use crate::source::Span;

/// For the name at byte `at` (a declaration or a use), its declaration and every use of it.
#[must_use]
pub fn same_name(names: &Names, at: usize) -> Option<(Span, Vec<Span>)> {
    let inside = |s: &Span| s.start <= at && at <= s.end;
    let definition = names
        .definitions
        .iter()
        .map(|d| d.span)
        .find(|s| inside(s))
        .or_else(|| {
            names
                .uses
                .iter()
                .find(|u| inside(&u.span))
                .map(|u| u.definition)
        })?;
    let uses = names
        .uses
        .iter()
        .filter(|u| u.definition == definition)
        .map(|u| u.span)
        .collect();
    Some((definition, uses))
}
