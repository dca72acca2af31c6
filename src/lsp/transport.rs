//! stdin and stdout as LSP frames (`Content-Length: N`, a blank line, N bytes of JSON), read so
//! that a bad frame costs only itself: a missing or wrong length, a body that is not JSON or
//! not a message is logged on stderr and skipped, and the next frame is served. (lsp-server's
//! own stdio transport stops at the first one.)

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};

/// The largest frame read: a plan is at most 16 MiB, and JSON escaping may double it.
const MAX_FRAME: usize = 40 * 1024 * 1024;

/// Channels to and from the client over stdin and stdout, served by two threads. Reading ends
/// at the end of stdin; writing when every sender is dropped.
pub fn stdio() -> (
    Sender<Message>,
    Receiver<Message>,
    std::thread::JoinHandle<()>,
) {
    let (to_server, from_client) = unbounded::<Message>();
    let (to_client, outgoing) = unbounded::<Message>();
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        while let Some(frame) = read_frame(&mut input) {
            match frame.and_then(|body| {
                serde_json::from_slice::<Message>(&body).map_err(|e| format!("not a message: {e}"))
            }) {
                Ok(message) => {
                    if to_server.send(message).is_err() {
                        return;
                    }
                }
                Err(why) => eprintln!("exgen lsp: skipped a frame: {why}"),
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        for message in outgoing {
            let mut out = stdout.lock();
            if message.write(&mut out).and_then(|()| out.flush()).is_err() {
                return;
            }
        }
    });
    (to_client, from_client, writer)
}

/// The next frame's body, why it is unusable, or `None` at the end of the input.
pub fn read_frame(input: &mut impl BufRead) -> Option<Result<Vec<u8>, String>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        match input.by_ref().take(8 * 1024).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return any.then(|| Err("the input ended inside a header".into())),
            Ok(_) => {}
        }
        any = true;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("a Content-Length of `{}`", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Some(Err("a header without Content-Length".into())),
        Some(Err(why)) => return Some(Err(why)),
        Some(Ok(n)) => n,
    };
    if length > MAX_FRAME {
        // Read past it, so the next frame starts where the client put it.
        let skipped = io::copy(&mut input.by_ref().take(length as u64), &mut io::sink());
        return Some(Err(format!(
            "a frame of {length} bytes, more than {MAX_FRAME} ({} skipped)",
            skipped.unwrap_or(0)
        )));
    }
    let mut body = vec![0; length];
    if input.read_exact(&mut body).is_err() {
        return Some(Err("the input ended inside a frame".into()));
    }
    Some(Ok(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Result<String, String>> {
        let mut input = input.as_bytes();
        std::iter::from_fn(|| read_frame(&mut input))
            .map(|f| f.map(|b| String::from_utf8(b).unwrap()))
            .collect()
    }

    #[test]
    fn bad_frames_are_skipped_and_the_next_one_is_read() {
        let got = frames(
            "garbage\r\n\r\nContent-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}Content-Length: 9\r\n\r\n{}",
        );
        assert_eq!(
            got,
            [
                Err("a header without Content-Length".to_owned()),
                Err("a Content-Length of `x`".to_owned()),
                Ok("{}".to_owned()),
                Err("the input ended inside a frame".to_owned()),
            ]
        );
    }
}
