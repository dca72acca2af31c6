//! The `.cmd` escapers against models of their two readers written from the documented rules
//! (not from the escapers): cmd's batch-line parsing (phase 1: `%%` is `%`, a lone `%`
//! expands; phase 2: `"` toggles quoting, outside quotes `^` escapes the next character and
//! `& | < > ( )` are operators; `!` expands under delayed expansion anywhere) and the C
//! runtime's argument splitting (backslashes escape a `"` only right before it). Each
//! function refuses exactly its documented set, and everything `cmd_value` lets through
//! (what analysis lets reach a `.cmd` file) every escaper can write.
#![no_main]

use exgen::escape::{cmd_arg, cmd_line, cmd_value, ini_value, schtasks_tr};
use libfuzzer_sys::fuzz_target;

const CMD_ACTS_ON: &str = "%!\"&|<>^()";
const OPERATORS: &str = "&|<>()";

/// cmd's phase 1 in a batch file: `%%` becomes `%`; a lone `%` would expand a variable.
fn phase1(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            assert_eq!(chars.next(), Some('%'), "a lone `%` expands: {line:?}");
        }
        out.push(c);
    }
    out
}

/// cmd's phase 2: what the command receives, with every special character accounted for.
fn phase2(line: &str) -> String {
    assert!(
        !line.contains('!'),
        "`!` expands under delayed expansion: {line:?}"
    );
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            '^' if !quoted => out.push(chars.next().expect("a caret escapes something")),
            c if !quoted && OPERATORS.contains(c) => panic!("bare `{c}` acts: {line:?}"),
            c => out.push(c),
        }
    }
    out
}

/// The C runtime's argument splitting (parse_cmdline rules, post-2008).
fn crt_args(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && matches!(chars[i], ' ' | '\t') {
            i += 1;
        }
        if i == chars.len() {
            return args;
        }
        let mut arg = String::new();
        let mut quoted = false;
        while i < chars.len() && (quoted || !matches!(chars[i], ' ' | '\t')) {
            let backslashes = chars[i..].iter().take_while(|&&c| c == '\\').count();
            i += backslashes;
            if chars.get(i) == Some(&'"') {
                arg.extend(std::iter::repeat_n('\\', backslashes / 2));
                if backslashes % 2 == 1 {
                    arg.push('"');
                } else if quoted && chars.get(i + 1) == Some(&'"') {
                    arg.push('"');
                    i += 1;
                } else {
                    quoted = !quoted;
                }
                i += 1;
            } else {
                arg.extend(std::iter::repeat_n('\\', backslashes));
                if let Some(&c) = chars.get(i) {
                    if !(quoted || !matches!(c, ' ' | '\t')) {
                        break;
                    }
                    arg.push(c);
                    i += 1;
                }
            }
        }
        args.push(arg);
    }
}

fn control_or_non_ascii(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_control()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = &*text;

    // cmd_value: refuses exactly cmd's special characters, controls and non-ASCII.
    let value_ok = !text
        .chars()
        .any(|c| CMD_ACTS_ON.contains(c) || control_or_non_ascii(c));
    assert_eq!(cmd_value(text).is_ok(), value_ok, "cmd_value {text:?}");

    // cmd_arg: one double-quoted argument; `"`, `!`, controls but tab and non-ASCII refused.
    let arg_ok = !text
        .chars()
        .any(|c| c == '"' || c == '!' || (control_or_non_ascii(c) && c != '\t'));
    match cmd_arg(text) {
        Ok(arg) => {
            assert!(arg_ok, "cmd_arg accepted {text:?}");
            let inner = arg
                .strip_prefix('"')
                .and_then(|a| a.strip_suffix('"'))
                .unwrap();
            assert!(!inner.contains('"'), "one quoted stretch: {arg:?}");
            let line = phase2(&phase1(&arg));
            let args = crt_args(&line);
            assert_eq!(args, [text], "cmd_arg {arg:?}");
        }
        Err(_) => assert!(!arg_ok, "cmd_arg refused {text:?}"),
    }

    // cmd_line: passes through cmd unchanged; `!`, controls and non-ASCII refused.
    let line_ok = !text.chars().any(|c| c == '!' || control_or_non_ascii(c));
    match cmd_line(text) {
        Ok(line) => {
            assert!(line_ok, "cmd_line accepted {text:?}");
            assert_eq!(phase2(&phase1(&line)), text, "cmd_line {line:?}");
        }
        Err(_) => assert!(!line_ok, "cmd_line refused {text:?}"),
    }

    // schtasks_tr: as cmd_line, `%` refused too; schtasks.exe receives one argument that
    // is the command.
    let tr_ok = line_ok && !text.contains('%');
    match schtasks_tr(text) {
        Ok(tr) => {
            assert!(tr_ok, "schtasks_tr accepted {text:?}");
            assert!(!tr.contains('%'), "Task Scheduler expands `%`: {tr:?}");
            let received = phase2(&phase1(&tr));
            assert_eq!(crt_args(&received), [text], "schtasks_tr {tr:?}");
        }
        Err(_) => assert!(!tr_ok, "schtasks_tr refused {text:?}"),
    }

    // Analysis lets through only what cmd_value accepts; every escaper can write that.
    if value_ok {
        assert!(arg_ok && line_ok && tr_ok);
    }

    // ini_value: printable ASCII without `"`, no space at either end; returned unchanged.
    let ini_ok = text.chars().all(|c| (' '..='~').contains(&c) && c != '"')
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    match ini_value(text) {
        Ok(value) => {
            assert!(ini_ok, "ini_value accepted {text:?}");
            assert_eq!(value, text);
        }
        Err(_) => assert!(!ini_ok, "ini_value refused {text:?}"),
    }
});
