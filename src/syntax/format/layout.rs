//! A plan as the formatter sees it: its tokens with the space written before each, read into
//! statements, blocks, comments and blank lines. Only for text the syntax stage accepts; the
//! caller checks that first, and anything unexpected here is `None`, never a panic.

/// What a token is. Words, numbers, times and build numbers are alike to the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Str,
    Comma,
    Semi,
    Newline,
    Open,
    Close,
    Comment,
}

/// One token and the space before it on its line, in columns (a tab reaching the next
/// multiple of [`TAB_WIDTH`]); the space before the first token of a line is its indentation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub kind: Kind,
    /// As written; a comment without the spaces that end its line.
    pub text: &'a str,
    pub gap: usize,
    /// Byte offset in the text read.
    pub at: usize,
}

/// The columns between tab stops when a tab between tokens becomes spaces.
const TAB_WIDTH: usize = 8;

/// The tokens of `text`, which must not start with a byte order mark.
pub(super) fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut column = 0;
    loop {
        let before = column;
        while let Some(&b) = bytes.get(i) {
            match b {
                b' ' => column += 1,
                b'\t' => column = (column / TAB_WIDTH + 1) * TAB_WIDTH,
                _ => break,
            }
            i += 1;
        }
        let Some(&b) = bytes.get(i) else {
            return out;
        };
        let (kind, end) = match b {
            b'\n' => (Kind::Newline, i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => (Kind::Newline, i + 2),
            b'\r' => (Kind::Newline, i + 1),
            b';' => (Kind::Semi, i + 1),
            b',' => (Kind::Comma, i + 1),
            b'{' => (Kind::Open, i + 1),
            b'}' => (Kind::Close, i + 1),
            b'#' => (
                Kind::Comment,
                find(bytes, i, |b| matches!(b, b'\n' | b'\r')),
            ),
            b'"' => (Kind::Str, string_end(bytes, i)),
            _ => (Kind::Word, find(bytes, i, ends_word)),
        };
        // Every end found is at an ASCII byte or the text's end: a character boundary.
        let mut token = &text[i..end];
        if kind == Kind::Comment {
            token = token.trim_end_matches([' ', '\t']);
        }
        out.push(Token {
            kind,
            text: token,
            gap: column - before,
            at: i,
        });
        column = if kind == Kind::Newline {
            0
        } else {
            column + token.chars().count()
        };
        i = end;
    }
}

/// The index of the first byte after `start` that `stop` accepts, or the text's end.
fn find(bytes: &[u8], start: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[start + 1..]
        .iter()
        .position(|&b| stop(b))
        .map_or(bytes.len(), |n| start + 1 + n)
}

/// The index after the string whose `"` is at `start` (`""` inside is a quote); at its line's
/// end for a string the pre-scan would have refused.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
            Some(b'"') => return i + 1,
            Some(b'\n' | b'\r') | None => return i,
            Some(_) => i += 1,
        }
    }
}

/// Whether `b` ends a word (or number, time, build number): the grammar's separators and the
/// start of anything else.
fn ends_word(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b',' | b'{' | b'}' | b'#' | b'"'
    )
}

/// A statement: its keyword and arguments, its block, and the comment ending its last line.
#[derive(Debug)]
pub(super) struct Stmt<'a> {
    /// The keyword, then each argument and comma, with the space written before it.
    pub head: Vec<Token<'a>>,
    pub block: Option<Block<'a>>,
    pub comment: Option<Token<'a>>,
}

/// A `{ ... }` block.
#[derive(Debug)]
pub(super) struct Block<'a> {
    /// The `{`, with the space before it.
    pub open: Token<'a>,
    /// Whether its `{` and `}` are on one line.
    pub one_line: bool,
    /// A comment on the line of its `{`, before any statement.
    pub comment: Option<Token<'a>>,
    pub items: Vec<Item<'a>>,
    /// The `}`.
    pub close: Token<'a>,
}

/// What a statement list holds, in order.
#[derive(Debug)]
pub(super) enum Item<'a> {
    Stmt(Stmt<'a>),
    /// A comment on a line of its own.
    Comment(Token<'a>),
    /// One or more blank lines between two items.
    Blank,
}

/// What the current line holds so far, for a comment: on a line of its own, after a `{`, or
/// after the statement just read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineSoFar {
    Nothing,
    Open,
    Stmt,
}

/// The items of a whole plan, or `None` when `tokens` do not follow the grammar.
pub(super) fn read<'a>(tokens: &[Token<'a>]) -> Option<Vec<Item<'a>>> {
    let mut reader = Reader {
        tokens,
        next: 0,
        newlines: 0,
        breaks: 0,
        line: LineSoFar::Nothing,
    };
    let mut ignored = None;
    let items = reader.items(&mut ignored)?;
    (reader.next == tokens.len() && ignored.is_none()).then_some(items)
}

struct Reader<'t, 'a> {
    tokens: &'t [Token<'a>],
    next: usize,
    /// Line breaks since the last token that was not a line break or `;`.
    newlines: usize,
    /// Line breaks read so far.
    breaks: usize,
    line: LineSoFar,
}

impl<'a> Reader<'_, 'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.next).copied()
    }

    fn bump(&mut self) -> Option<Token<'a>> {
        let token = self.peek()?;
        self.next += 1;
        match token.kind {
            Kind::Newline => {
                self.newlines += 1;
                self.breaks += 1;
                self.line = LineSoFar::Nothing;
            }
            Kind::Semi => {}
            _ => self.newlines = 0,
        }
        Some(token)
    }

    /// Statements, comments and blank lines up to a `}` or the end; a comment right after
    /// the `{` of the enclosing block goes to `open_comment`.
    fn items(&mut self, open_comment: &mut Option<Token<'a>>) -> Option<Vec<Item<'a>>> {
        let mut items = Vec::new();
        while let Some(token) = self.peek() {
            match token.kind {
                Kind::Close => break,
                Kind::Newline | Kind::Semi => {
                    self.bump();
                }
                Kind::Comment => {
                    let line = self.line;
                    let newlines = self.newlines;
                    self.bump();
                    let first = items.is_empty();
                    match (line, items.last_mut()) {
                        (LineSoFar::Stmt, Some(Item::Stmt(stmt))) if stmt.comment.is_none() => {
                            stmt.comment = Some(token);
                        }
                        (LineSoFar::Open, _) if first && open_comment.is_none() => {
                            *open_comment = Some(token);
                        }
                        (LineSoFar::Nothing, _) => {
                            blank_before(&mut items, newlines);
                            items.push(Item::Comment(token));
                        }
                        _ => return None,
                    }
                }
                Kind::Word => {
                    blank_before(&mut items, self.newlines);
                    let stmt = self.statement()?;
                    items.push(Item::Stmt(stmt));
                }
                Kind::Str | Kind::Comma | Kind::Open => return None,
            }
        }
        Some(items)
    }

    /// `keyword argument* block?`, at its keyword.
    fn statement(&mut self) -> Option<Stmt<'a>> {
        let mut head = vec![self.bump()?];
        let mut block = None;
        while let Some(token) = self.peek() {
            match token.kind {
                Kind::Word | Kind::Str | Kind::Comma => {
                    head.push(token);
                    self.bump();
                }
                Kind::Open => {
                    block = Some(self.block()?);
                    break;
                }
                _ => break,
            }
        }
        self.line = LineSoFar::Stmt;
        Some(Stmt {
            head,
            block,
            comment: None,
        })
    }

    /// `{ items }`, at its `{`.
    fn block(&mut self) -> Option<Block<'a>> {
        let open = self.bump()?;
        let breaks = self.breaks;
        self.line = LineSoFar::Open;
        let mut comment = None;
        let items = self.items(&mut comment)?;
        let close = self.bump().filter(|t| t.kind == Kind::Close)?;
        Some(Block {
            open,
            one_line: self.breaks == breaks,
            comment,
            items,
            close,
        })
    }
}

/// Marks blank lines before the next item: one or more, between two items only.
fn blank_before(items: &mut Vec<Item<'_>>, newlines: usize) {
    if newlines > 1 && !items.is_empty() {
        items.push(Item::Blank);
    }
}
