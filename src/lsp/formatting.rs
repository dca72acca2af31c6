//! `textDocument/formatting`: the whole document in the canonical layout, from the code behind
//! `exgen fmt` ([`crate::syntax::format()`]). The client's formatting options (tab size,
//! spaces) are not asked: the layout is the plan language's, the same in every editor.

use super::position::{Encoding, LineIndex};
use crate::diag::Code;
use crate::source::Span;
use lsp_server::{ErrorCode, RequestId, Response};
use lsp_types::TextEdit;

/// The reply to a formatting request for `text`: one edit replacing the whole document, none
/// when it is already canonical, or RequestFailed when it does not parse (nothing changes).
pub fn reply(id: RequestId, text: &str, encoding: Encoding) -> Response {
    match crate::syntax::format(text) {
        Ok(formatted) if formatted == text => Response::new_ok(id, Vec::<TextEdit>::new()),
        Ok(formatted) => {
            let index = LineIndex::new(text);
            let whole = index.range(Span::new(0, text.len()), encoding);
            Response::new_ok(id, vec![TextEdit::new(whole, formatted)])
        }
        Err(diagnostics) => {
            let index = LineIndex::new(text);
            let first = diagnostics.iter().next().map_or_else(String::new, |d| {
                let at = index.position(d.primary.span.start, encoding);
                format!(": {} {} (line {})", d.code, d.message, at.line + 1)
            });
            let message = if diagnostics.iter().any(|d| d.code == Code::E9001) {
                format!("exgen could not format the plan{first}")
            } else {
                format!("the plan has syntax errors, so it is not formatted{first}")
            };
            Response::new_err(id, ErrorCode::RequestFailed as i32, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(response: &Response) -> serde_json::Value {
        serde_json::to_value(response).expect("a JSON reply")
    }

    #[test]
    fn the_edit_replaces_the_whole_document_in_the_negotiated_encoding() {
        let text = "plan \"é😀\" {\r\na 1  \r\n}";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let reply = result(&reply(RequestId::from(1), text, encoding));
            let edits = reply["result"].as_array().expect("edits");
            assert_eq!(edits.len(), 1, "{reply}");
            assert_eq!(edits[0]["newText"], "plan \"é😀\" {\r\n  a 1\r\n}\r\n");
            assert_eq!(
                edits[0]["range"]["start"],
                serde_json::json!({"line": 0, "character": 0})
            );
            assert_eq!(
                edits[0]["range"]["end"],
                serde_json::json!({"line": 2, "character": 1})
            );
        }
        // The end of a document whose last line has wide characters counts them as encoded.
        let text = "a \"é😀\"";
        let utf8 = result(&reply(RequestId::from(2), text, Encoding::Utf8));
        assert_eq!(utf8["result"][0]["range"]["end"]["character"], text.len());
        let utf16 = result(&reply(RequestId::from(3), text, Encoding::Utf16));
        assert_eq!(utf16["result"][0]["range"]["end"]["character"], 7);
    }

    #[test]
    fn a_canonical_document_gets_no_edit_and_a_broken_one_an_error() {
        let canonical = result(&reply(RequestId::from(1), "a { b }\n", Encoding::Utf16));
        assert_eq!(canonical["result"], serde_json::json!([]));
        let broken = result(&reply(
            RequestId::from(2),
            "a {\n  b @\n}\n",
            Encoding::Utf16,
        ));
        assert_eq!(broken["error"]["code"], ErrorCode::RequestFailed as i32);
        let message = broken["error"]["message"].as_str().expect("a message");
        assert!(
            message.starts_with("the plan has syntax errors, so it is not formatted: E0100 "),
            "{message}"
        );
        assert!(message.ends_with("(line 2)"), "{message}");
    }
}
