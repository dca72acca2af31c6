//! Quick fixes and explanations: the fixes a diagnostic already knows, as text edits, and each
//! code's explanation (`exgen explain`) as a file an editor can open.
//!
//! A misspelt word's fix is its help line's suggestion ([`suggest::suggested`]), applied only
//! when the diagnostic's span is that word; a missing setting's fixes are the complete
//! statements its diagnostic lists ([`Fix::AddStatement`]), each added to the statement's block
//! in the block's own layout.

use crate::diag::{Code, Diagnostic, Fix, suggest};
use crate::source::Span;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

/// One quick fix: a title and the text that replaces a span (empty for an insertion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub title: String,
    pub span: Span,
    pub text: String,
}

/// The quick fixes of `d` on the plan `text`.
pub fn edits(d: &Diagnostic, text: &str) -> Vec<Edit> {
    let mut out = Vec::new();
    let span = d.primary.span;
    if let Some(word) = d.help.as_deref().and_then(suggest::suggested)
        && let Some(written) = text.get(span.start..span.end)
        && is_bare(written)
        && is_bare(word)
        && suggest::did_you_mean(written, &[word]) == Some(word)
    {
        out.push(Edit {
            title: format!("Replace `{written}` with `{word}`"),
            span,
            text: word.to_owned(),
        });
    }
    for fix in d.fixes.iter().flat_map(|f| f.iter()) {
        match fix {
            Fix::AddStatement {
                statement,
                text: add,
            } => {
                if let Some((span, new)) = add_to_block(text, *statement, add) {
                    out.push(Edit {
                        title: format!("Add `{add}`"),
                        span,
                        text: new,
                    });
                }
            }
        }
    }
    out
}

/// A word the plan may hold unquoted.
fn is_bare(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The edit that adds statement `add` to the block of the statement at `statement` in
/// `text`: before a one-line block's `}` after a `;`, on a line of its own in a block that
/// spans lines (indented like the block's first statement), or in a new `{ }` when it has no
/// block. `None` when the span is not a statement of `text`.
fn add_to_block(text: &str, statement: Span, add: &str) -> Option<(Span, String)> {
    let stmt = text.get(statement.start..statement.end)?;
    // The file's own line break: CRLF, a CR alone (old Mac files) or LF.
    let newline = if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\r') {
        "\r"
    } else {
        "\n"
    };
    let Some(open) = block_open(stmt).map(|i| statement.start + i) else {
        // After the last argument, before a comment on the line.
        let code = comment_start(stmt).map_or(stmt, |i| &stmt[..i]);
        let end = statement.start + code.trim_end().len();
        return Some((Span { start: end, end }, format!(" {{ {add} }}")));
    };
    let close = statement.end.checked_sub(1)?;
    if text.as_bytes().get(close) != Some(&b'}') || close <= open {
        return None;
    }
    let inner = &text[open + 1..close];
    if !inner.contains(['\n', '\r']) {
        if inner.trim().is_empty() {
            let span = Span {
                start: open + 1,
                end: close,
            };
            return Some((span, format!(" {add} ")));
        }
        let at = open + 1 + inner.trim_end().len();
        return Some((Span { start: at, end: at }, after_last(inner, add)));
    }
    let line_start = text[..close].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before_close = &text[line_start..close];
    if !before_close.trim().is_empty() {
        // `  roles mailbox }`: the last statement shares the line of `}`.
        let at = line_start + before_close.trim_end().len();
        return Some((Span { start: at, end: at }, after_last(before_close, add)));
    }
    // The indentation of the block's first statement, or the `}` line's and two spaces.
    let indent = inner
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(|l| l[..l.len() - l.trim_start().len()].to_owned())
        .unwrap_or_else(|| format!("{before_close}  "));
    let at = Span {
        start: line_start,
        end: line_start,
    };
    Some((at, format!("{indent}{add}{newline}")))
}

/// `add` written after the statements of `before`: after a `;` unless one ends them.
fn after_last(before: &str, add: &str) -> String {
    if before.trim_end().ends_with(';') {
        format!(" {add}")
    } else {
        format!("; {add}")
    }
}

/// The offset of the `{` that opens a statement's block (outside quoted strings, before a
/// comment: a block opens on its statement's line).
fn block_open(stmt: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in stmt.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted => return Some(i),
            '#' | '\n' | '\r' if !quoted => return None,
            _ => {}
        }
    }
    None
}

/// The offset of the first `#` outside quoted strings: where a comment starts.
fn comment_start(stmt: &str) -> Option<usize> {
    let mut quoted = false;
    stmt.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        '#' if !quoted => Some(i),
        _ => None,
    })
}

/// The explanation of `code` (what `exgen explain` prints) as a file on this machine, written
/// once per process in the user's cache folder: what a diagnostic's `codeDescription` and the
/// "Explain" action open. `None` when there is no cache folder or it cannot be written.
pub fn explanation_file(code: Code) -> Option<PathBuf> {
    // Asked for every diagnostic of every check: the folder is found once per process.
    static FOLDER: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    static WRITTEN: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let folder = FOLDER
        .get_or_init(|| {
            cache_folder().map(|c| {
                c.join("exgen")
                    .join(env!("CARGO_PKG_VERSION"))
                    .join("codes")
            })
        })
        .as_ref()?;
    let path = folder.join(format!("{}.md", code.as_str()));
    let mut written = WRITTEN.lock().ok()?;
    if !written.contains(code.as_str()) {
        std::fs::create_dir_all(folder).ok()?;
        // Written through a temporary file and renamed, so an editor never opens half of it
        // and a file that is not ours is replaced, never written through.
        let temporary = tempfile::NamedTempFile::new_in(folder).ok()?;
        std::fs::write(temporary.path(), code.explanation()).ok()?;
        temporary.persist(&path).ok()?;
        written.insert(code.as_str());
    }
    Some(path)
}

/// The user's cache folder: `%LOCALAPPDATA%` on Windows, else `$XDG_CACHE_HOME` or
/// `$HOME/.cache`.
fn cache_folder() -> Option<PathBuf> {
    let from = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        from("LOCALAPPDATA")
    } else {
        from("XDG_CACHE_HOME").or_else(|| from("HOME").map(|h| h.join(".cache")))
    }
}

/// A `file:` URI for `path` (percent-encoding what a URI cannot hold as is).
pub fn file_uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, (span, new): (Span, String)) -> String {
        format!("{}{new}{}", &text[..span.start], &text[span.end..])
    }

    fn add(text: &str, head: &str, stmt: &str) -> String {
        let start = text.find(head).unwrap();
        let end = if text[start..].lines().next().unwrap().contains('{') {
            // To the matching `}` of this statement: the last one before the next statement.
            start + text[start..].find("}\n").unwrap() + 1
        } else {
            start + text[start..].find('\n').unwrap()
        };
        apply(
            text,
            add_to_block(text, Span { start, end }, stmt).expect("an edit"),
        )
    }

    #[test]
    fn statements_go_where_the_block_s_layout_puts_them() {
        let one_line = "  outlook-anywhere { host \"a\" }\n";
        assert_eq!(
            add(one_line, "outlook-anywhere", "auth ntlm"),
            "  outlook-anywhere { host \"a\"; auth ntlm }\n"
        );
        let empty = "  outlook-anywhere { }\n";
        assert_eq!(
            add(empty, "outlook-anywhere", "auth ntlm"),
            "  outlook-anywhere { auth ntlm }\n"
        );
        let lines = "  outlook-anywhere {\n    host \"a\"\n  }\n";
        assert_eq!(
            add(lines, "outlook-anywhere", "auth ntlm"),
            "  outlook-anywhere {\n    host \"a\"\n    auth ntlm\n  }\n"
        );
        let none = "  dag DAG1\n";
        assert_eq!(add(none, "dag", "ip dhcp"), "  dag DAG1 { ip dhcp }\n");
        let commented = "  dag DAG1   # the main one\n";
        let start = commented.find("dag").unwrap();
        let edit = add_to_block(
            commented,
            Span {
                start,
                end: commented.len() - 1,
            },
            "ip dhcp",
        );
        assert_eq!(
            apply(commented, edit.unwrap()),
            "  dag DAG1 { ip dhcp }   # the main one\n"
        );
        let trailing = "  outlook-anywhere { ssl-offloading off; }\n";
        assert_eq!(
            add(trailing, "outlook-anywhere", "auth ntlm"),
            "  outlook-anywhere { ssl-offloading off; auth ntlm }\n"
        );
        let cr = "  outlook-anywhere {\r    host \"a\"\r  }\r";
        let start = cr.find("outlook").unwrap();
        let end = cr.rfind('}').unwrap() + 1;
        assert_eq!(
            apply(
                cr,
                add_to_block(cr, Span { start, end }, "auth ntlm").unwrap()
            ),
            "  outlook-anywhere {\r    host \"a\"\r    auth ntlm\r  }\r"
        );
        let braces_in_name = "  cross-forest-connector \"a{b\" { tls }\n";
        assert_eq!(
            add(braces_in_name, "cross", "auth none"),
            "  cross-forest-connector \"a{b\" { tls; auth none }\n"
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            file_uri(std::path::Path::new("/tmp/a b/E0106.md")),
            "file:///tmp/a%20b/E0106.md"
        );
        assert_eq!(
            file_uri(std::path::Path::new("C:\\Users\\x\\E0106.md")),
            "file:///C:/Users/x/E0106.md"
        );
    }
}
