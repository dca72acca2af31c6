//! Plan values by kind: the one place that says what a host name, a domain, an SMTP
//! address, a distinguished name, a path, a computer name, an account or a time may hold.
//!
//! Every argument the schema layer reads names its [`ValueKind`] (`Args::name`, `string`,
//! `address` take one), so a new statement cannot take a value without saying what it is.
//! [`check`] is then run on it at the argument's span: a value of the wrong shape is a coded
//! diagnostic at compile time instead of a script that fails on the server, and a value that
//! would be inert but misleading in a script (a namespace holding a backtick-n, a domain
//! holding `'; Stop-Computer; '`) is refused before anything is written. Before its kind, every
//! string is checked for [hidden](crate::escape::is_hidden) characters (E0115): a bidi
//! override or a zero-width space would make the plan, and the scripts citing it, read
//! differently from what they do.
//!
//! Each validator is a pure function of the text. Rules that depend on where a value is used
//! (a PST folder must be a share, E0372; a GALSync OU must be an OU in a domain, E0605; the
//! GALSync script must be a `.ps1`, E0607; a value written into a `.cmd` file must hold nothing
//! cmd acts on, E0604) stay with the analysis of that statement, which calls these functions.

use crate::diag::Code;
use crate::escape;

/// What a plan value is, as the statement that reads it declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Free text: a title, a display name, a database, batch or connector name, an operating
    /// system, a step's text. Only hidden characters are refused.
    Text,
    /// A computer name (a server, a DAG, a cluster): a NetBIOS name of 1 to 15 letters,
    /// digits and hyphens, not all digits, not starting with a hyphen (E0121).
    Computer,
    /// A DNS host name (RFC 1123): dot-separated labels of letters, digits and hyphens, each
    /// 1 to 63 long, neither starting nor ending with a hyphen, 253 characters at most (E0117).
    Host,
    /// A DNS domain name, with the rules of [`ValueKind::Host`] (E0117).
    Domain,
    /// A name on a certificate: a host name, or `*.` and a host name (a wildcard covering one
    /// label) (E0117).
    CertificateName,
    /// A connector's address space: a domain, `*.` and a domain, or `*` (E0117).
    AddressSpace,
    /// An SMTP address `local@domain` (E0118): the domain as [`ValueKind::Domain`], the local
    /// part 1 to 64 characters without spaces, `"(),:;<>[\]@`, or a leading, trailing or double
    /// dot (non-ASCII letters are allowed: SMTPUTF8).
    Smtp,
    /// An LDAP distinguished name (RFC 4514), such as `OU=FromMIIS,DC=contoso,DC=com` or a
    /// certificate subject `CN=mail.contoso.com, O=Contoso, C=US` (E0119).
    Dn,
    /// A full path: `X:\...` or a UNC path `\\server\share\...`, without the characters
    /// Windows refuses in file names (`< > : " / | ? *`) (E0120).
    Path,
    /// A path on a server's own disk: `X:\...` (E0120).
    LocalPath,
    /// A Windows account: `DOMAIN\name` or `name@domain` (E0122).
    Account,
    /// A time of day, `HH:MM`, 00:00 to 23:59 (E0123).
    Time,
    /// An IPv4 address or a word (`dhcp`, `none`): which of them a statement accepts depends
    /// on the statement, so the `dag` and `ccr` analysis checks them (E0364).
    Address,
}

/// Why a value does not fit its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The code to report.
    pub code: Code,
    /// The message: what the value is not.
    pub message: String,
    /// The label at the value: what is wrong with it.
    pub label: String,
    /// How to write it.
    pub help: String,
}

/// Checks `value` against `kind`. Hidden characters are checked separately
/// ([`hidden_char`]), before this.
///
/// # Errors
///
/// [`Invalid`] with the code of the kind, when the value does not fit.
pub fn check(kind: ValueKind, value: &str) -> Result<(), Invalid> {
    let invalid = |code: Code, what: &str, reason: String, help: &str| Invalid {
        code,
        message: format!("`{}` is not {what}", shown(value)),
        label: reason,
        help: help.to_owned(),
    };
    match kind {
        ValueKind::Text | ValueKind::Address => Ok(()),
        ValueKind::Computer => computer_name(value).map_err(|r| {
            invalid(
                Code::E0121,
                "a computer name",
                r,
                "write the computer's NetBIOS name: 1 to 15 letters, digits and hyphens, such as `MAIL2010`",
            )
        }),
        ValueKind::Host => dns_name(value).map_err(|r| {
            invalid(
                Code::E0117,
                "a host name",
                r,
                "write a DNS name of letters, digits, hyphens and dots, such as \"mail.contoso.com\"",
            )
        }),
        ValueKind::Domain => dns_name(value).map_err(|r| {
            invalid(
                Code::E0117,
                "a domain name",
                r,
                "write a DNS domain of letters, digits, hyphens and dots, such as \"contoso.com\"",
            )
        }),
        ValueKind::CertificateName => dns_name(value.strip_prefix("*.").unwrap_or(value))
            .map_err(|r| {
                invalid(
                    Code::E0117,
                    "a host name",
                    r,
                    "write a DNS name such as \"mail.contoso.com\", or a wildcard such as \"*.contoso.com\"",
                )
            }),
        ValueKind::AddressSpace => address_space(value).map_err(|r| {
            invalid(
                Code::E0117,
                "an address space",
                r,
                "write a domain (\"fabrikam.com\"), a domain with its subdomains (\"*.fabrikam.com\") or \"*\"",
            )
        }),
        ValueKind::Smtp => smtp_address(value).map_err(|r| {
            invalid(
                Code::E0118,
                "an SMTP address",
                r,
                "write the mailbox's primary SMTP address, such as \"someone@contoso.com\"",
            )
        }),
        ValueKind::Dn => distinguished_name(value).map_err(|r| {
            invalid(
                Code::E0119,
                "a distinguished name",
                r,
                "write `TYPE=value` parts separated by commas, such as \"OU=FromMIIS,DC=contoso,DC=com\"; write `\\,` for a comma inside a value",
            )
        }),
        ValueKind::Path => full_path(value).map_err(|r| {
            invalid(
                Code::E0120,
                "a full path",
                r,
                "write the full path, from a drive (\"D:\\Exchange\") or a share (\"\\\\fs01\\media\")",
            )
        }),
        ValueKind::LocalPath => local_path(value).map_err(|r| {
            invalid(
                Code::E0120,
                "a full path on the server's own disk",
                r,
                "write the full path from a drive of the server, such as \"E:\\DB01\\DB01.edb\"",
            )
        }),
        ValueKind::Account => account(value).map_err(|r| {
            invalid(
                Code::E0122,
                "a Windows account",
                r,
                "write the account as \"DOMAIN\\name\" (such as \"CONTOSO\\svc-galsync\") or \"name@contoso.com\"",
            )
        }),
        ValueKind::Time => time_of_day(value).map(drop).map_err(|r| {
            invalid(
                Code::E0123,
                "a time of day",
                r,
                "write the time in 24-hour form, 00:00 to 23:59, such as `02:00`",
            )
        }),
    }
}

/// The first [hidden](escape::is_hidden) character of `value` (tab is allowed) and its byte
/// offset: a control character, a line or paragraph separator, a format character (zero-width,
/// bidi control, BOM, tag) or another invisible filler (E0115).
#[must_use]
pub fn hidden_char(value: &str) -> Option<(usize, char)> {
    value.char_indices().find(|&(_, c)| escape::is_hidden(c))
}

/// How a hidden character is named in messages: `U+202E RIGHT-TO-LEFT OVERRIDE` for the
/// common ones, `U+XXXX` otherwise.
#[must_use]
pub fn describe_hidden(c: char) -> String {
    let name = match c {
        '\u{200B}' => " (zero width space)",
        '\u{200C}' => " (zero width non-joiner)",
        '\u{200D}' => " (zero width joiner)",
        '\u{200E}' => " (left-to-right mark)",
        '\u{200F}' => " (right-to-left mark)",
        '\u{202A}' => " (left-to-right embedding)",
        '\u{202B}' => " (right-to-left embedding)",
        '\u{202C}' => " (pop directional formatting)",
        '\u{202D}' => " (left-to-right override)",
        '\u{202E}' => " (right-to-left override)",
        '\u{2066}' => " (left-to-right isolate)",
        '\u{2067}' => " (right-to-left isolate)",
        '\u{2068}' => " (first strong isolate)",
        '\u{2069}' => " (pop directional isolate)",
        '\u{FEFF}' => " (zero width no-break space, byte order mark)",
        '\u{2028}' => " (line separator)",
        '\u{2029}' => " (paragraph separator)",
        '\u{AD}' => " (soft hyphen)",
        c if c.is_control() => " (a control character)",
        _ => "",
    };
    format!("U+{:04X}{name}", u32::from(c))
}

/// A value for a message: at most 40 characters, hidden characters as `\u{..}`.
fn shown(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars().take(40) {
        if escape::is_hidden(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    if value.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// A character for a label: `` `c` `` when it shows, its code point otherwise.
fn ch(c: char) -> String {
    if c == '`' {
        "`` ` ``".to_owned()
    } else if c.is_ascii_graphic() {
        format!("`{c}`")
    } else if c == ' ' {
        "a space".to_owned()
    } else {
        format!("`{}` (U+{:04X})", c.escape_default(), u32::from(c))
    }
}

/// A NetBIOS computer name: 1 to 15 ASCII letters, digits and hyphens, not all digits, not
/// starting with a hyphen.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn computer_name(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("empty".to_owned());
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!("{} is not a letter, digit or hyphen", ch(c)));
    }
    if value.len() > 15 {
        return Err(format!(
            "{} characters; a computer name has at most 15",
            value.len()
        ));
    }
    if value.starts_with('-') {
        return Err("starts with a hyphen".to_owned());
    }
    if value.chars().all(|c| c.is_ascii_digit()) {
        return Err("only digits".to_owned());
    }
    Ok(())
}

/// A DNS name by RFC 1123: labels of ASCII letters, digits and hyphens, 1 to 63 long, not
/// starting or ending with a hyphen, joined by dots; 253 characters at most.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn dns_name(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("empty".to_owned());
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    if !value.bytes().all(allowed)
        && let Some(c) = value.chars().find(|c| !c.is_ascii() || !allowed(*c as u8))
    {
        return Err(format!("{} cannot be part of a DNS name", ch(c)));
    }
    if value.len() > 253 {
        return Err(format!(
            "{} characters; a DNS name has at most 253",
            value.len()
        ));
    }
    for label in value.split('.') {
        if label.is_empty() {
            return Err("an empty label: a dot at an end, or two dots in a row".to_owned());
        }
        if label.len() > 63 {
            return Err(format!("the label `{label}` is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label `{label}` starts or ends with a hyphen"));
        }
    }
    Ok(())
}

/// An address space: `*`, `*.` and a DNS name, or a DNS name.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn address_space(value: &str) -> Result<(), String> {
    if value == "*" {
        return Ok(());
    }
    dns_name(value.strip_prefix("*.").unwrap_or(value))
}

/// An SMTP address `local@domain`.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn smtp_address(value: &str) -> Result<(), String> {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err("no `@`".to_owned());
    };
    if local.is_empty() {
        return Err("nothing before the `@`".to_owned());
    }
    if local.len() > 64 && local.chars().count() > 64 {
        return Err("more than 64 characters before the `@`".to_owned());
    }
    if let Some(c) = local.chars().find(|&c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']' | '@'
            )
    }) {
        return Err(format!("{} before the `@`", ch(c)));
    }
    if local.starts_with('.')
        || local.ends_with('.')
        || local.as_bytes().windows(2).any(|w| w == b"..")
    {
        return Err("a dot at an end of the name, or two in a row".to_owned());
    }
    dns_name(domain).map_err(|r| format!("the domain: {r}"))
}

/// An LDAP distinguished name (RFC 4514): relative names separated by unescaped commas, each
/// one or more `type=value` joined by `+`; a type is a letter then letters, digits and
/// hyphens, or an OID; a value is not empty and escapes `"`, `;`, `<`, `>`, `,`, `+` and `\`
/// with a backslash (or writes a byte as `\` and two hex digits). Spaces around the parts
/// are allowed.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn distinguished_name(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("empty".to_owned());
    }
    for rdn in split_unescaped(value, ',')? {
        for part in split_unescaped(rdn, '+')? {
            let Some((kind, val)) = part.split_once('=') else {
                return Err(format!("`{}` has no `=`", part.trim()));
            };
            let kind = kind.trim();
            let named = kind.starts_with(|c: char| c.is_ascii_alphabetic())
                && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            let oid = !kind.is_empty()
                && kind
                    .split('.')
                    .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if !(named || oid) {
                return Err(format!(
                    "`{kind}` is not an attribute type such as `OU` or `DC`"
                ));
            }
            if val.trim().is_empty() {
                return Err(format!("`{kind}=` has no value"));
            }
            if let Some(c) = val.chars().find(|c| "\";<>".contains(*c)) {
                return Err(format!("{} in a value must be escaped as `\\{c}`", ch(c)));
            }
        }
    }
    Ok(())
}

/// `text` split at each `sep` not escaped by a backslash; each escape must be a special
/// character or two hex digits.
fn split_unescaped(text: &str, sep: char) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some((_, e)) if ",+\"\\<>;=# ".contains(e) => {}
                Some((_, h)) if h.is_ascii_hexdigit() => {
                    if !chars.next().is_some_and(|(_, l)| l.is_ascii_hexdigit()) {
                        return Err("`\\` followed by one hex digit only".to_owned());
                    }
                }
                _ => return Err("a `\\` that escapes nothing".to_owned()),
            }
        } else if c == sep {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// A full path: `X:\` and the rest, or `\\server\share` and the rest.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn full_path(value: &str) -> Result<(), String> {
    if let Some(rest) = value.strip_prefix(r"\\") {
        let mut parts = rest.split('\\');
        let server = parts.next().unwrap_or("");
        let share = parts.next().unwrap_or("");
        if server.is_empty() || share.is_empty() {
            return Err("a UNC path needs a server and a share: \\\\server\\share".to_owned());
        }
        return path_names(rest);
    }
    local_path(value)
}

/// A path from a drive letter: `X:\` and the rest.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn local_path(value: &str) -> Result<(), String> {
    if value.starts_with(r"\\") {
        return Err("a share, not a folder on the server's own disk".to_owned());
    }
    let bytes = value.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":\\";
    if !drive {
        return Err("a relative path: it does not start with a drive such as `D:\\`".to_owned());
    }
    path_names(&value[3..])
}

/// The folder and file names of a path: none of the characters Windows refuses in a name.
fn path_names(rest: &str) -> Result<(), String> {
    match rest
        .chars()
        .find(|c| "<>:\"/|?*".contains(*c) || c.is_control())
    {
        Some('/') => Err("`/`: Windows paths separate folders with `\\`".to_owned()),
        Some(c) => Err(format!(
            "{}, which Windows does not allow in a file name",
            ch(c)
        )),
        None => Ok(()),
    }
}

/// A Windows account: `DOMAIN\name` (a NetBIOS domain and a logon name) or `name@domain`.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn account(value: &str) -> Result<(), String> {
    let logon = |name: &str| -> Result<(), String> {
        if name.is_empty() {
            return Err("no account name".to_owned());
        }
        match name
            .chars()
            .find(|&c| c.is_control() || "\"/\\[]:;|=,+*?<>@".contains(c))
        {
            Some(c) => Err(format!("{} cannot be part of a logon name", ch(c))),
            None => Ok(()),
        }
    };
    if let Some((domain, name)) = value.split_once('\\') {
        if domain.is_empty()
            || domain.len() > 15
            || !domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(format!("`{domain}` is not a NetBIOS domain name"));
        }
        return logon(name);
    }
    if let Some((name, domain)) = value.rsplit_once('@') {
        logon(name)?;
        return dns_name(domain).map_err(|r| format!("the domain: {r}"));
    }
    Err("no domain: `DOMAIN\\name` or `name@domain`".to_owned())
}

/// A time of day `H:MM` or `HH:MM`, as hours and minutes.
///
/// # Errors
///
/// What is wrong, for the label.
pub fn time_of_day(value: &str) -> Result<(u32, u32), String> {
    let parsed = value.split_once(':').and_then(|(h, m)| {
        let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
        };
        (digits(h, 1..=2) && digits(m, 2..=2)).then(|| (h.parse().ok(), m.parse().ok()))
    });
    match parsed {
        Some((Some(h), Some(m))) if h < 24 && m < 60 => Ok((h, m)),
        Some(_) => Err("outside 00:00 to 23:59".to_owned()),
        None => Err("expected HH:MM".to_owned()),
    }
}

#[cfg(test)]
mod tests;
