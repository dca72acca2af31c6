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

/// The declaration of the name at byte `at`, when it can be renamed: servers, databases and
/// DAGs. Site names are Active Directory's (strings, left alone) and namespace kinds are
/// keywords.
#[must_use]
pub fn renamable(names: &Names, at: usize) -> Option<&crate::analyze::Definition> {
    let (definition, _) = same_name(names, at)?;
    names
        .definitions
        .iter()
        .find(|d| d.span == definition)
        .filter(|d| {
            use crate::analyze::NameKind;
            matches!(
                d.kind,
                NameKind::Server | NameKind::Database | NameKind::Dag
            )
        })
}

/// Why `new` cannot replace the name declared by `target`, if it cannot: not a bare word, not
/// a computer name (servers), or the name of another declaration of the same kind.
pub fn refuse_rename(
    names: &Names,
    target: &crate::analyze::Definition,
    new: &str,
) -> Option<String> {
    let word = new
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && new
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && new.len() <= crate::syntax::MAX_WORD_BYTES;
    if !word {
        return Some(format!(
            "`{new}` is not a name: use letters, digits, `-`, `_` and `.`"
        ));
    }
    if matches!(
        target.kind,
        crate::analyze::NameKind::Server | crate::analyze::NameKind::Dag
    ) && let Err(why) = crate::syntax::values::computer_name(new)
    {
        return Some(format!("`{new}` is not a computer name: {why}"));
    }
    names
        .definitions
        .iter()
        .find(|d| {
            d.kind == target.kind && d.span != target.span && d.name.eq_ignore_ascii_case(new)
        })
        .map(|d| format!("`{}` is already declared", d.name))
}

/// The span of the name (declaration or use) at byte `at`.
#[must_use]
pub fn span_at(names: &Names, at: usize) -> Option<Span> {
    let inside = |s: &Span| s.start <= at && at <= s.end;
    names
        .definitions
        .iter()
        .map(|d| d.span)
        .chain(names.uses.iter().map(|u| u.span))
        .find(|s| inside(s))
}
