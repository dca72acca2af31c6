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

/// Why `new` cannot replace the name declared by `target`, if it cannot. `new` is written as
/// the plan will hold it: a word the reader takes as a word (not a number, time or build), or
/// a string in quotes (`"Mailboxes 02"`). Servers and DAGs need a computer name, and share
/// Active Directory's names with each other; no other declaration of the kind may have it.
pub fn refuse_rename(
    names: &Names,
    target: &crate::analyze::Definition,
    new: &str,
) -> Option<String> {
    use crate::analyze::NameKind;
    let Some(value) = written_name(new) else {
        return Some(format!(
            "`{new}` is not a name: write a word of letters, digits, `-`, `_` and `.`, or a \
             string in quotes"
        ));
    };
    let computer = |k: NameKind| matches!(k, NameKind::Server | NameKind::Dag);
    if computer(target.kind)
        && let Err(why) = crate::syntax::values::computer_name(&value)
    {
        return Some(format!("`{value}` is not a computer name: {why}"));
    }
    names
        .definitions
        .iter()
        .find(|d| {
            let same_space = d.kind == target.kind || (computer(d.kind) && computer(target.kind));
            same_space && d.span != target.span && d.name.eq_ignore_ascii_case(&value)
        })
        .map(|d| format!("`{}` is already declared", d.name))
}

/// The name `new` stands for when the plan holds it as written: a word the plan's reader
/// takes as one word, or one string; `None` for anything else (two words, a number, a build,
/// a string with a line break).
fn written_name(new: &str) -> Option<String> {
    let statement = format!("x {new}");
    if new.len() > crate::syntax::MAX_WORD_BYTES || crate::syntax::scan_has_errors(&statement) {
        return None;
    }
    let stmts = crate::syntax::parser::parse_statements(&statement).ok()?;
    let [stmt] = stmts.as_slice() else {
        return None;
    };
    let [arg] = stmt.args.as_slice() else {
        return None;
    };
    let whole = arg.span.start == 2 && arg.span.end == statement.len();
    let kind = matches!(
        arg.kind,
        crate::syntax::stmt::ArgKind::Word | crate::syntax::stmt::ArgKind::String
    );
    (whole && kind && stmt.block.is_none() && !arg.text.trim().is_empty()).then(|| arg.text.clone())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_name_is_one_word_or_one_string_as_the_reader_takes_it() {
        assert_eq!(written_name("MAIL2010").as_deref(), Some("MAIL2010"));
        assert_eq!(
            written_name("\"Mailboxes 02\"").as_deref(),
            Some("Mailboxes 02")
        );
        for bad in [
            "8.2.176.2",
            "02:00",
            "100",
            "a b",
            "\"a",
            "a{",
            "#x",
            "",
            "\"\"",
            "a;b",
        ] {
            assert_eq!(written_name(bad), None, "{bad}");
        }
    }
}
