//! CSV files of mailboxes: read at compile time so a missing file or column is a diagnostic,
//! not a failure halfway through a move.

use super::Cx;
use crate::diag::{Code, Diagnostic};
use crate::ir::CsvFile;
use crate::source::Spanned;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasher as _;

/// Reads files that a plan names, relative to the plan's folder.
pub trait FileLoader: Sync {
    /// The bytes of `path` as written in the plan (Windows or `/` separators).
    ///
    /// # Errors
    /// Why the file cannot be read: [`ReadError`].
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError>;

    /// A file the plan includes (`include "path"`, the path already checked to stay in the
    /// plan's folder as written): [`FileLoader::read`], refusing a file larger than `limit`
    /// bytes ([`ReadError::TooLarge`]), what is left of the plan's size limit. A loader that
    /// reads from disk stops reading at the limit, and refuses a file whose real path (through
    /// links) leaves the plan's folder ([`ReadError::Outside`]).
    ///
    /// # Errors
    /// As [`FileLoader::read`].
    fn read_included(&self, path: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
        let bytes = self.read(path)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { limit });
        }
        Ok(bytes)
    }
}

/// Why a file could not be read. Each kind has its own diagnostic code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// It does not exist or cannot be opened or read (E0502); the reason in plain words,
    /// such as `file not found`.
    Unreadable(String),
    /// It is a directory, device, pipe or socket, not a regular file (E0504); what it is,
    /// such as `a directory`.
    NotAFile(&'static str),
    /// It is larger than `limit` bytes (E0505).
    TooLarge {
        /// The most bytes a file may have.
        limit: u64,
    },
    /// Through a symbolic link (or junction) its real path leaves the plan's folder (E0129;
    /// only for included files, [`FileLoader::read_included`]).
    Outside,
}

impl From<String> for ReadError {
    fn from(reason: String) -> Self {
        ReadError::Unreadable(reason)
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Unreadable(reason) => f.write_str(reason),
            ReadError::NotAFile(what) => write!(f, "it is {what}, not a file"),
            ReadError::TooLarge { limit } => {
                write!(f, "it is larger than {} MiB", limit / (1024 * 1024))
            }
            ReadError::Outside => f.write_str("it is a link to a file outside the plan's folder"),
        }
    }
}

impl ReadError {
    /// The diagnostic code for this kind of failure.
    #[must_use]
    pub fn code(&self) -> Code {
        match self {
            ReadError::Unreadable(_) => Code::E0502,
            ReadError::NotAFile(_) => Code::E0504,
            ReadError::TooLarge { .. } => Code::E0505,
            ReadError::Outside => Code::E0129,
        }
    }
}

/// Columns that can hold the mailbox to move, in order of preference.
const IDENTITY_COLUMNS: &[&str] = &["EmailAddress", "Identity"];

/// The most mailbox rows one CSV file may have (E0506): ten times the largest organization
/// exgen is benchmarked on, and a bound on the work a wrong file can cause.
pub const MAX_CSV_ROWS: usize = 1_000_000;

/// One CSV file read and checked, before it is tied to the statement that names it.
pub(super) type Loaded = Result<(Table, std::sync::Arc<str>), Unusable>;

/// Why a CSV file cannot be used.
pub(super) enum Unusable {
    Read(ReadError),
    NotUtf8,
    Table(Problem),
}

/// Reads and checks every CSV file `plan` names, on every core: each is independent of the
/// others and of the rest of the analysis. Keyed by the path as written.
pub(super) fn prefetch(
    loader: &dyn FileLoader,
    plan: &crate::syntax::ast::Plan,
) -> HashMap<String, Loaded> {
    use crate::syntax::ast::{ItemKind, MoveSource};
    let mut paths: Vec<&str> = Vec::new();
    for item in &plan.items {
        if let ItemKind::Move(mv) = &item.kind {
            for source in &mv.sources {
                if let MoveSource::Csv(path) = source
                    && !paths.contains(&path.node.as_str())
                {
                    paths.push(&path.node);
                }
            }
        }
    }
    let loaded = crate::parallel::in_parallel(paths.len(), |i| read_csv(loader, paths[i]));
    paths.into_iter().map(str::to_owned).zip(loaded).collect()
}

/// Reads `path` and checks it as a mailbox list.
fn read_csv(loader: &dyn FileLoader, path: &str) -> Loaded {
    let bytes = loader.read(path).map_err(Unusable::Read)?;
    let text = String::from_utf8(bytes).map_err(|_| Unusable::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let table = read_table(text, MAX_CSV_ROWS).map_err(Unusable::Table)?;
    Ok((table, text.into()))
}

/// The CSV file named at `path`, checked (read ahead by [`prefetch`], else now); `None`
/// after reporting why it cannot be used.
pub(super) fn load(cx: &mut Cx<'_>, path: &Spanned<String>) -> Option<CsvFile> {
    let loaded = match cx.csv.remove(&path.node) {
        Some(loaded) => loaded,
        None => read_csv(cx.loader, &path.node),
    };
    match loaded {
        Ok((table, contents)) => Some(CsvFile {
            source: path.node.clone(),
            column: table.column,
            rows: table.rows,
            contents,
            origin: path.span,
        }),
        Err(Unusable::Read(error)) => {
            cx.report(read_error(path, &error));
            None
        }
        Err(Unusable::NotUtf8) => {
            cx.report(
                Diagnostic::new(
                    Code::E0502,
                    path.span,
                    format!("`{}` is not UTF-8 text", path.node),
                )
                .with_label("CSV file named here")
                .with_help("save the file as UTF-8 (Excel: \"CSV UTF-8\")"),
            );
            None
        }
        Err(Unusable::Table(problem)) => {
            cx.report(problem.diagnostic(path));
            None
        }
    }
}

/// E0502, E0504 or E0505 for a file that cannot be read.
fn read_error(path: &Spanned<String>, error: &ReadError) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        error.code(),
        path.span,
        format!("cannot read `{}`: {error}", path.node),
    )
    .with_label("CSV file named here");
    match error {
        ReadError::Unreadable(_) => {
            diagnostic.with_help("the path is relative to the plan file's folder")
        }
        ReadError::NotAFile(_) | ReadError::Outside => {
            diagnostic.with_help("name a CSV file; the path is relative to the plan file's folder")
        }
        ReadError::TooLarge { .. } => diagnostic
            .with_help("split the mailboxes into several CSV files, one `csv` line or batch each"),
    }
}

/// What a readable CSV file holds: the identity column and the number of mailbox rows.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Table {
    column: String,
    rows: usize,
}

/// Why a CSV file cannot be used. Row numbers are 1-based records after the header (as a
/// spreadsheet numbers them, less the header row).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Problem {
    /// No identity column (E0503); the header's columns.
    NoIdentityColumn(Vec<String>),
    /// A header and no rows (E0503).
    NoRows,
    /// More rows than the limit (E0506).
    TooManyRows(usize),
    /// A column is named twice (E0507).
    RepeatedColumn(String),
    /// The text is not CSV, such as a quote left open (E0507); the reader's words.
    Malformed { line: u64, reason: String },
    /// A row has another number of fields than the header (E0507).
    Ragged {
        line: u64,
        fields: usize,
        columns: usize,
    },
    /// A row has no mailbox in the identity column (E0507).
    NoIdentity { line: u64, column: String },
    /// A mailbox holds a character a reviewer cannot see (E0115).
    Hidden { line: u64, ch: char },
    /// A mailbox in the `EmailAddress` column is not an SMTP address (E0118).
    NotAnAddress {
        line: u64,
        identity: String,
        reason: String,
    },
    /// A mailbox starts with a character that makes a spreadsheet read a formula (E0507).
    Formula { line: u64, identity: String },
    /// The same mailbox twice (E0508): the identity, its lines, and how many others repeat.
    Duplicate {
        identity: String,
        lines: (u64, u64),
        others: usize,
    },
}

/// Reads the CSV `text` (without BOM) as `Import-Csv` will: the first record names the
/// columns; blank lines are skipped; quoted fields may hold commas, quotes and line breaks.
fn read_table(text: &str, max_rows: usize) -> Result<Table, Problem> {
    let mut reader = reader(text);
    let header: Vec<String> = reader
        .headers()
        .map_err(malformed)?
        .iter()
        .map(str::to_owned)
        .collect();
    let header: Vec<String> = if header.iter().all(String::is_empty) {
        Vec::new()
    } else {
        header
    };
    if let Some(twice) = header.iter().enumerate().find_map(|(i, name)| {
        header[..i]
            .iter()
            .find(|earlier| earlier.eq_ignore_ascii_case(name))
    }) {
        return Err(Problem::RepeatedColumn(twice.clone()));
    }
    let email_column = header
        .iter()
        .position(|name| name.eq_ignore_ascii_case(IDENTITY_COLUMNS[0]));
    let Some(index) = IDENTITY_COLUMNS.iter().find_map(|want| {
        header
            .iter()
            .position(|name| name.eq_ignore_ascii_case(want))
    }) else {
        return Err(Problem::NoIdentityColumn(header));
    };
    // Duplicates are found by a keyed hash of each identity in lower case, with the line it
    // is on: no allocation per row. Rows whose hashes meet are compared by their text in a
    // second pass, so a hash collision is never reported as a duplicate.
    let keys = std::hash::RandomState::new();
    let mut seen: HashMap<u64, u64, Prehashed> =
        HashMap::with_capacity_and_hasher(text.len() / 32, Prehashed);
    let mut candidates: Vec<(u64, u64)> = Vec::new();
    let mut lower = String::new();
    let mut rows = 0;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(malformed)? {
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            return Err(Problem::Ragged {
                line,
                fields: record.len(),
                columns: header.len(),
            });
        }
        let identity = record.get(index).unwrap_or("").trim();
        if identity.is_empty() {
            return Err(Problem::NoIdentity {
                line,
                column: header[index].clone(),
            });
        }
        check_identity(identity, email_column == Some(index), line)?;
        rows += 1;
        if rows > max_rows {
            return Err(Problem::TooManyRows(max_rows));
        }
        fold(identity, &mut lower);
        match seen.entry(keys.hash_one(&lower)) {
            Entry::Occupied(first) => candidates.push((*first.get(), line)),
            Entry::Vacant(slot) => {
                slot.insert(line);
            }
        }
    }
    if !candidates.is_empty()
        && let Some(problem) = confirm_duplicates(text, index, &candidates)
    {
        return Err(problem);
    }
    if rows == 0 {
        return Err(Problem::NoRows);
    }
    Ok(Table {
        column: header[index].clone(),
        rows,
    })
}

/// The checks a `mailbox` line's value gets, for a CSV row's mailbox: no character a reviewer
/// cannot see (the copy beside the script is what they review), an SMTP address in the
/// `EmailAddress` column, and no leading `=`, `+`, `-` or `@`, which make a spreadsheet opened
/// for the review run the cell as a formula.
fn check_identity(identity: &str, email: bool, line: u64) -> Result<(), Problem> {
    if let Some(ch) = identity.chars().find(|&c| crate::escape::is_hidden(c)) {
        return Err(Problem::Hidden { line, ch });
    }
    if identity.starts_with(['=', '+', '-', '@']) {
        return Err(Problem::Formula {
            line,
            identity: identity.to_owned(),
        });
    }
    if email && let Err(reason) = crate::syntax::values::smtp_address(identity) {
        return Err(Problem::NotAnAddress {
            line,
            identity: identity.to_owned(),
            reason,
        });
    }
    Ok(())
}

/// The reader every pass uses: `Import-Csv`'s view of the text.
fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes())
}

/// `identity` in lower case, into `out`: how Exchange compares addresses.
fn fold(identity: &str, out: &mut String) {
    out.clear();
    if identity.is_ascii() {
        out.push_str(identity);
        out.make_ascii_lowercase();
    } else {
        out.extend(identity.chars().flat_map(char::to_lowercase));
    }
}

/// The first of `candidates` (pairs of lines whose identities hashed alike, in file order of
/// the later line) that holds the same identity twice, with how many more do; `None` when
/// every pair was a hash collision. Runs only when the file has candidates: rarely, and then
/// mostly on a real duplicate.
fn confirm_duplicates(text: &str, index: usize, candidates: &[(u64, u64)]) -> Option<Problem> {
    let wanted: std::collections::HashSet<u64> =
        candidates.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut identities: HashMap<u64, String> = HashMap::with_capacity(wanted.len());
    let mut reader = reader(text);
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        let line = record.position().map_or(0, csv::Position::line);
        if wanted.contains(&line) {
            identities.insert(line, record.get(index).unwrap_or("").trim().to_owned());
        }
    }
    let (mut a, mut b) = (String::new(), String::new());
    let mut same = candidates.iter().filter(|(first, later)| {
        match (identities.get(first), identities.get(later)) {
            (Some(x), Some(y)) => {
                fold(x, &mut a);
                fold(y, &mut b);
                a == b
            }
            _ => false,
        }
    });
    let &(first, later) = same.next()?;
    Some(Problem::Duplicate {
        identity: identities.get(&later).cloned().unwrap_or_default(),
        lines: (first, later),
        others: same.count(),
    })
}

/// A hasher for keys that are already keyed hashes ([`std::hash::RandomState`]): hashing them
/// again would only cost time.
#[derive(Clone, Copy, Default)]
struct Prehashed;

impl std::hash::BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

/// The [`Prehashed`] hasher: the `u64` it is given.
struct PrehashedHasher(u64);

impl std::hash::Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with it; fold anything else in rather than lose it.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn malformed(error: csv::Error) -> Problem {
    let line = error.position().map_or(0, csv::Position::line);
    let reason = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8".to_owned(),
        _ => error.to_string(),
    };
    Problem::Malformed { line, reason }
}

impl Problem {
    fn diagnostic(&self, path: &Spanned<String>) -> Diagnostic {
        let name = &path.node;
        let new = |code, message: String| {
            Diagnostic::new(code, path.span, message).with_label("CSV file named here")
        };
        match self {
            Problem::NoIdentityColumn(header) => {
                let found = if header.is_empty() {
                    "no header".to_owned()
                } else {
                    header.join(", ")
                };
                Diagnostic::new(
                    Code::E0503,
                    path.span,
                    format!("`{name}` has no `EmailAddress` or `Identity` column"),
                )
                .with_label(format!("columns: {found}"))
                .with_help(
                    "the first line must name the columns, one of them `EmailAddress` or `Identity`",
                )
            }
            Problem::NoRows => Diagnostic::new(
                Code::E0503,
                path.span,
                format!("`{name}` lists no mailboxes"),
            )
            .with_label("only a header line")
            .with_help("add one mailbox per line below the header, or remove the `csv` line"),
            Problem::TooManyRows(limit) => new(
                Code::E0506,
                format!("`{name}` has more than {limit} mailbox rows"),
            )
            .with_help("split the mailboxes into several CSV files, one `csv` line or batch each"),
            Problem::RepeatedColumn(column) => new(
                Code::E0507,
                format!("`{name}` names the column `{column}` twice"),
            )
            .with_help("give every column of the header line its own name; Import-Csv refuses repeated names"),
            Problem::Malformed { line, reason } => new(
                Code::E0507,
                format!("`{name}` line {line} is not valid CSV: {reason}"),
            )
            .with_help("close every quoted field with `\"` and write a quote inside one as `\"\"`"),
            Problem::Ragged {
                line,
                fields,
                columns,
            } => new(
                Code::E0507,
                format!(
                    "`{name}` line {line} has {} where the header names {}",
                    plural(*fields, "field"),
                    plural(*columns, "column")
                ),
            )
            .with_help("quote a field that holds a comma (`\"Jones, Ann\"`), so every row has one field per column"),
            Problem::NoIdentity { line, column } => new(
                Code::E0507,
                format!("`{name}` line {line} has no mailbox in the `{column}` column"),
            )
            .with_help(format!("give every row a mailbox in `{column}`, or remove the row")),
            Problem::Hidden { line, ch } => new(
                Code::E0115,
                format!(
                    "`{name}` line {line}: the mailbox holds an invisible character, {}",
                    crate::syntax::values::describe_hidden(*ch)
                ),
            )
            .with_help("delete it from the file: a reviewer of the copy beside the script cannot see it, and the lookup would not find the mailbox"),
            Problem::NotAnAddress {
                line,
                identity,
                reason,
            } => new(
                Code::E0118,
                format!("`{name}` line {line}: `{identity}` is not an SMTP address ({reason})"),
            )
            .with_help("write each mailbox's primary SMTP address in the `EmailAddress` column, or name the column `Identity` for other forms (alias, user principal name)"),
            Problem::Formula { line, identity } => new(
                Code::E0507,
                format!(
                    "`{name}` line {line}: `{identity}` starts with a character a spreadsheet reads as a formula"
                ),
            )
            .with_help("no mailbox identity starts with `=`, `+`, `-` or `@`: correct the row"),
            Problem::Duplicate {
                identity,
                lines: (first, second),
                others,
            } => {
                let more = match others {
                    0 => String::new(),
                    n => format!(" (and {} more)", plural(*n, "repeated row")),
                };
                new(
                    Code::E0508,
                    format!(
                        "`{name}` lists `{identity}` twice, on lines {first} and {second}{more}"
                    ),
                )
                .with_help("list each mailbox once: a second move request for a mailbox that is already moving fails")
            }
        }
    }
}

fn plural(count: usize, noun: &str) -> String {
    crate::diag::render::plural(count, noun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Result<Table, Problem> {
        read_table(text, 5)
    }

    fn ok(column: &str, rows: usize) -> Result<Table, Problem> {
        Ok(Table {
            column: column.to_owned(),
            rows,
        })
    }

    #[test]
    fn quoted_fields_may_hold_commas_quotes_and_line_breaks() {
        let text = "Name,\"Email\"\"Address\",EmailAddress\r\n\"Jones, Ann\",x,ann@contoso.com\r\n\"Two\nlines\",\"a \"\"b\"\"\",bob@contoso.com\n";
        assert_eq!(table(text), ok("EmailAddress", 2));
    }

    #[test]
    fn the_header_is_trimmed_and_matched_ignoring_case() {
        assert_eq!(table(" identity ,Name\na,b\n"), ok("identity", 1));
        assert_eq!(
            table("Identity,EmailAddress\na,b@contoso.com\n"),
            ok("EmailAddress", 1)
        );
    }

    #[test]
    fn blank_lines_are_skipped_and_cr_only_endings_are_lines() {
        assert_eq!(table("Identity\n\na\n  \nb\n\n"), ok("Identity", 2));
        assert_eq!(table("Identity\ra\rb\r"), ok("Identity", 2));
    }

    #[test]
    fn a_missing_column_or_rows_is_reported() {
        assert_eq!(
            table("Name,Mail\nx,y\n"),
            Err(Problem::NoIdentityColumn(vec![
                "Name".into(),
                "Mail".into()
            ]))
        );
        assert_eq!(table(""), Err(Problem::NoIdentityColumn(vec![])));
        assert_eq!(table("Identity\n"), Err(Problem::NoRows));
        assert_eq!(table("Identity"), Err(Problem::NoRows));
    }

    #[test]
    fn ragged_rows_and_empty_identities_are_refused_with_their_line() {
        assert_eq!(
            table("Name,EmailAddress\nJones, Ann,ann@contoso.com\n"),
            Err(Problem::Ragged {
                line: 2,
                fields: 3,
                columns: 2
            })
        );
        assert_eq!(
            table("EmailAddress,Name\na@contoso.com,b\n,c\n"),
            Err(Problem::NoIdentity {
                line: 3,
                column: "EmailAddress".into()
            })
        );
        assert_eq!(
            table("Identity,Identity\na,b\n"),
            Err(Problem::RepeatedColumn("Identity".into()))
        );
    }

    #[test]
    fn an_open_quote_is_malformed_or_swallows_the_rest() {
        // The csv reader reads an open quote to the end of the text as one field; the row
        // then has too few fields, or the file too few rows.
        assert!(matches!(
            table("Identity,Name\n\"a,b\nc,d\n"),
            Err(Problem::Ragged {
                line: 2,
                fields: 1,
                columns: 2
            })
        ));
    }

    #[test]
    fn duplicates_are_found_ignoring_case() {
        assert_eq!(
            table("Identity\na\nb\nA\nb\nc\n"),
            Err(Problem::Duplicate {
                identity: "A".into(),
                lines: (2, 4),
                others: 1
            })
        );
    }

    #[test]
    fn mailboxes_are_checked_as_mailbox_lines_are() {
        assert_eq!(
            table("EmailAddress\nann@contoso.com\nz\u{200B}@contoso.com\n"),
            Err(Problem::Hidden {
                line: 3,
                ch: '\u{200B}'
            })
        );
        assert!(matches!(
            table("EmailAddress\nann@contoso.com\nnot-an-address\n"),
            Err(Problem::NotAnAddress { line: 3, .. })
        ));
        assert!(matches!(
            table("EmailAddress\n=1+2@contoso.com\n"),
            Err(Problem::Formula { line: 2, .. })
        ));
        // The `Identity` column takes any form Get-Mailbox accepts, but not what cannot be seen.
        assert_eq!(table("Identity\nCONTOSO\\ann\nbob\n"), ok("Identity", 2));
        assert!(matches!(
            table("Identity\n-ann\n"),
            Err(Problem::Formula { line: 2, .. })
        ));
        assert_eq!(
            table("Identity\nann\u{202E}\n"),
            Err(Problem::Hidden {
                line: 2,
                ch: '\u{202E}'
            })
        );
    }

    #[test]
    fn rows_whose_hashes_meet_are_compared_by_their_text() {
        let text = "Identity\na\nb\nA\nc\nB\n";
        // A collision alone (lines 2 and 3 hold a and b) is no duplicate.
        assert_eq!(confirm_duplicates(text, 0, &[(2, 3)]), None);
        // A collision before a real duplicate is skipped, and one counted after it.
        assert_eq!(
            confirm_duplicates(text, 0, &[(3, 5), (2, 4), (3, 6), (4, 5)]),
            Some(Problem::Duplicate {
                identity: "A".into(),
                lines: (2, 4),
                others: 1
            })
        );
    }

    #[test]
    fn rows_past_the_limit_are_refused() {
        assert_eq!(table("Identity\n1\n2\n3\n4\n5\n"), ok("Identity", 5));
        assert_eq!(
            table("Identity\n1\n2\n3\n4\n5\n6\n"),
            Err(Problem::TooManyRows(5))
        );
    }
}
