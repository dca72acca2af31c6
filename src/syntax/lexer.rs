//! The fast path in front of pest: a hand-written reader of the same grammar
//! (`grammar/exm.pest`) for text that is valid, in one pass over the bytes.
//!
//! pest matches a string one character at a time through closures, lookaheads and a
//! stack-depth check per rule: about 120 ns a byte, 0.5 s for a plan of 100,000 `mailbox`
//! lines. The grammar is small and regular (`keyword argument* block?`, one statement a line),
//! so this reader follows it rule by rule, with the same ordered choices and the same implicit
//! whitespace and comments, and builds the same [`Stmt`] trees with the same spans. It gives up
//! (`None`) at the first thing the grammar would not accept; the caller then runs pest, whose
//! error message is the one users see. pest stays the definition: a property test and the
//! fuzz target compare the two on random text.

use super::stmt::{Arg, ArgKind, Block, Stmt};
use crate::source::Span;

/// The statements of `text`, or `None` when the text is not valid (pest reports why).
pub fn statements(text: &str) -> Option<Vec<Stmt>> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    // file = { SOI ~ sep* ~ statement_list? ~ sep* ~ EOI }
    r.skip();
    r.seps();
    r.skip();
    let stmts = r.statement_list()?;
    r.skip();
    r.seps();
    r.skip();
    (r.pos == r.bytes.len()).then_some(stmts)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// `word_char = _{ ASCII_ALPHANUMERIC | "_" | "." | "-" }`
fn word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// `word_start = _{ ASCII_ALPHANUMERIC | "_" }`
fn word_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    /// pest's implicit `(WHITESPACE | COMMENT)*` between the tokens of a non-atomic rule.
    /// `WHITESPACE = _{ " " | "\t" | "\u{FEFF}" }`, `COMMENT = _{ "#" ~ (!("\n" | "\r") ~ ANY)* }`.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(0xEF) if self.bytes[self.pos..].starts_with("\u{FEFF}".as_bytes()) => {
                    self.pos += 3;
                }
                Some(b'#') => {
                    while !matches!(self.peek(), None | Some(b'\n' | b'\r')) {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// `sep = { ";" | "\r\n" | "\n" | "\r" }`
    fn sep(&mut self) -> bool {
        match self.peek() {
            Some(b';' | b'\n') => self.pos += 1,
            Some(b'\r') => self.pos += if self.at(1) == Some(b'\n') { 2 } else { 1 },
            _ => return false,
        }
        true
    }

    /// `sep*` with whitespace between the repetitions, rolled back after the last one.
    fn seps(&mut self) -> bool {
        let mut any = false;
        loop {
            let before = self.pos;
            if any {
                self.skip();
            }
            if !self.sep() {
                self.pos = before;
                return any;
            }
            any = true;
        }
    }

    /// `statement_list = _{ statement ~ (sep+ ~ statement)* }`, optional: an empty list when
    /// no statement starts here.
    fn statement_list(&mut self) -> Option<Vec<Stmt>> {
        let mut stmts = Vec::new();
        let before = self.pos;
        match self.statement()? {
            Some(stmt) => stmts.push(stmt),
            None => {
                self.pos = before;
                return Some(stmts);
            }
        }
        loop {
            let before = self.pos;
            self.skip();
            if !self.seps() {
                self.pos = before;
                return Some(stmts);
            }
            self.skip();
            match self.statement()? {
                Some(stmt) => stmts.push(stmt),
                None => {
                    self.pos = before;
                    return Some(stmts);
                }
            }
        }
    }

    /// `statement = { keyword ~ (argument ~ (comma? ~ argument)*)? ~ block? }`: `Some(None)`
    /// when no keyword starts here, `None` when the text is not valid.
    fn statement(&mut self) -> Option<Option<Stmt>> {
        let start = self.pos;
        let Some(keyword_span) = self.word() else {
            return Some(None);
        };
        let mut args = Vec::new();
        // (argument ~ (comma? ~ argument)*)?
        let before = self.pos;
        self.skip();
        if let Some(first) = self.argument() {
            args.push(first);
            loop {
                let before = self.pos;
                self.skip();
                if self.peek() == Some(b',') {
                    self.pos += 1;
                    self.skip();
                }
                match self.argument() {
                    Some(arg) => args.push(arg),
                    None => {
                        self.pos = before;
                        break;
                    }
                }
            }
        } else {
            self.pos = before;
        }
        self.skip();
        let block = if self.peek() == Some(b'{') {
            Some(self.block()?)
        } else {
            None
        };
        Some(Some(Stmt {
            keyword: self.text[keyword_span.start..keyword_span.end].to_owned(),
            keyword_span,
            args,
            block,
            span: Span::new(start, self.pos),
        }))
    }

    /// `block = { open ~ sep* ~ statement_list? ~ sep* ~ close }`
    fn block(&mut self) -> Option<Block> {
        let start = self.pos;
        self.pos += 1;
        self.skip();
        self.seps();
        self.skip();
        let stmts = self.statement_list()?;
        self.skip();
        self.seps();
        self.skip();
        if self.peek() != Some(b'}') {
            return None;
        }
        self.pos += 1;
        Some(Block {
            stmts,
            span: Span::new(start, self.pos),
        })
    }

    /// `argument = _{ string | time | build | number | word }`, in that order.
    fn argument(&mut self) -> Option<Arg> {
        let start = self.pos;
        let (kind, text) = if self.peek() == Some(b'"') {
            (ArgKind::String, self.string()?)
        } else if self.time() {
            (ArgKind::Time, self.text[start..self.pos].to_owned())
        } else if self.build() {
            (ArgKind::Build, self.text[start..self.pos].to_owned())
        } else if self.number() {
            (ArgKind::Number, self.text[start..self.pos].to_owned())
        } else if self.word().is_some() {
            (ArgKind::Word, self.text[start..self.pos].to_owned())
        } else {
            return None;
        };
        Some(Arg {
            kind,
            text,
            span: Span::new(start, self.pos),
        })
    }

    /// `string = ${ "\"" ~ string_inner ~ "\"" }`, `string_inner = @{ ("\"\"" | !("\"" | "\n"
    /// | "\r") ~ ANY)* }`: the unescaped text, or `None` for a string not closed on its line.
    fn string(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut i = start;
        let mut doubled = false;
        loop {
            match self.bytes.get(i)? {
                b'"' if self.bytes.get(i + 1) == Some(&b'"') => {
                    doubled = true;
                    i += 2;
                }
                b'"' => break,
                b'\n' | b'\r' => return None,
                _ => i += 1,
            }
        }
        let inner = &self.text[start..i];
        self.pos = i + 1;
        Some(if doubled {
            inner.replace("\"\"", "\"")
        } else {
            inner.to_owned()
        })
    }

    fn digits(&self, from: usize) -> usize {
        self.bytes[from.min(self.bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    /// Whether the token ending at `end` is not followed by a word character (`!word_char`).
    fn ends_word(&self, end: usize) -> bool {
        self.bytes.get(end).is_none_or(|&b| !word_char(b))
    }

    /// `time = @{ ASCII_DIGIT{1, 2} ~ ":" ~ ASCII_DIGIT{2} ~ !word_char }`
    fn time(&mut self) -> bool {
        let hours = self.digits(self.pos).min(2);
        let colon = self.pos + hours;
        let ok = hours >= 1
            && self.bytes.get(colon) == Some(&b':')
            && self.digits(colon + 1) >= 2
            && self.ends_word(colon + 3);
        if ok {
            self.pos = colon + 3;
        }
        ok
    }

    /// `build = @{ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)+ ~ !word_char }`
    fn build(&mut self) -> bool {
        let mut end = self.pos + self.digits(self.pos);
        if end == self.pos {
            return false;
        }
        let mut parts = 0;
        while self.bytes.get(end) == Some(&b'.') && self.digits(end + 1) > 0 {
            end += 1 + self.digits(end + 1);
            parts += 1;
        }
        let ok = parts > 0 && self.ends_word(end);
        if ok {
            self.pos = end;
        }
        ok
    }

    /// `number = @{ ASCII_DIGIT+ ~ !word_char }`
    fn number(&mut self) -> bool {
        let end = self.pos + self.digits(self.pos);
        let ok = end > self.pos && self.ends_word(end);
        if ok {
            self.pos = end;
        }
        ok
    }

    /// `keyword` and `word`: `@{ word_start ~ word_char* }`; the span read.
    fn word(&mut self) -> Option<Span> {
        let start = self.pos;
        if !self.peek().is_some_and(word_start) {
            return None;
        }
        self.pos += 1;
        while self.peek().is_some_and(word_char) {
            self.pos += 1;
        }
        Some(Span::new(start, self.pos))
    }
}

#[cfg(test)]
mod tests {
    use super::statements;
    use crate::syntax::parser::pest_statements;
    use proptest::prelude::*;

    /// Both readers on `text`: the fast one accepts exactly what pest accepts, with the same
    /// statements and spans.
    fn agree(text: &str) {
        let fast = statements(text);
        let pest = pest_statements(text).ok();
        assert_eq!(fast, pest, "{text:?}");
    }

    #[test]
    fn the_examples_and_test_plans_read_the_same_as_with_pest() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("examples"), root.join("tests/plans")];
        let mut read = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "exm")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    agree(&text);
                    read += 1;
                }
            }
        }
        assert!(read > 100, "{read}");
    }

    #[test]
    fn tricky_spans_and_tokens() {
        for text in [
            "",
            "\n\n",
            "a",
            "a # c\n",
            "a b , c,d {\n x 1:30 ; y 1.2.3 }  # end\n",
            "a \"x\"\"y\" \"\" z",
            "a \"x\"\"\"",
            "a 123:45",
            "a 1:234",
            "a 1.2.x 1. 2008r2 -x",
            "a {}",
            "a { } b",
            "a {\r\n b\r c\r\n}\r\n",
            "\u{feff}plan x { }",
            "a\t\u{feff} b",
            "a, ",
            "a {",
            "}",
            "a \"unterminated",
            "a\n  \n  b ;; c",
        ] {
            agree(text);
        }
    }

    fn token() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a",
            "Bc",
            "x-1",
            "_y",
            "2010",
            "12",
            "1",
            "02:00",
            "8.2.176.2",
            "1.",
            ".",
            ":",
            "\"",
            "\"\"",
            "\"s t\"",
            ",",
            "{",
            "}",
            ";",
            "\n",
            "\r\n",
            "\r",
            " ",
            "  ",
            "\t",
            "# c",
            "\u{feff}",
            "-",
            "é",
            "{ }",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn the_fast_reader_agrees_with_pest(tokens in prop::collection::vec(token(), 0..24)) {
            agree(&tokens.concat());
        }

        #[test]
        fn the_fast_reader_agrees_with_pest_on_line_shaped_text(
            lines in prop::collection::vec(
                (prop::sample::select(vec!["a", "server", "x1"]),
                 prop::collection::vec(token(), 0..6)),
                0..8,
            )
        ) {
            let text: String = lines
                .iter()
                .map(|(k, rest)| format!("{k} {}\n", rest.concat()))
                .collect();
            agree(&text);
        }
    }
}
