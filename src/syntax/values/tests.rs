//! Each validator on examples from the plans and the issue, and on generated values.

use super::*;
use proptest::prelude::*;

#[test]
fn host_and_domain_names_follow_rfc_1123() {
    for ok in [
        "mail.contoso.com",
        "autodiscover.obrien.example",
        "dc01",
        "10.0.0.8",
        "a-b.c",
    ] {
        assert_eq!(dns_name(ok), Ok(()), "{ok}");
    }
    for (bad, reason) in [
        ("mail.contoso.com`n", "`` ` `` cannot be part of a DNS name"),
        (
            "contoso.com'; Stop-Computer; '",
            "`'` cannot be part of a DNS name",
        ),
        (
            "mail..contoso.com",
            "an empty label: a dot at an end, or two dots in a row",
        ),
        (
            "mail.contoso.com.",
            "an empty label: a dot at an end, or two dots in a row",
        ),
        (
            "-mail.contoso.com",
            "the label `-mail` starts or ends with a hyphen",
        ),
        ("mail contoso", "a space cannot be part of a DNS name"),
        ("", "empty"),
    ] {
        assert_eq!(dns_name(bad), Err(reason.to_owned()), "{bad}");
    }
    assert!(dns_name(&"a".repeat(64)).is_err());
    assert!(dns_name(&vec!["a".repeat(63); 4].join(".")).is_err());
    assert_eq!(address_space("*"), Ok(()));
    assert_eq!(address_space("*.fabrikam.com"), Ok(()));
    assert!(address_space("**.fabrikam.com").is_err());
}

#[test]
fn smtp_addresses_need_a_name_an_at_and_a_domain() {
    for ok in [
        "someone@contoso.com",
        "seán.o'brien@obrien.example",
        "a+b@c",
    ] {
        assert_eq!(smtp_address(ok), Ok(()), "{ok}");
    }
    assert_eq!(
        smtp_address("someone.contoso.com"),
        Err("no `@`".to_owned())
    );
    assert_eq!(
        smtp_address("@contoso.com"),
        Err("nothing before the `@`".to_owned())
    );
    assert!(smtp_address("a b@contoso.com").is_err());
    assert!(smtp_address("a..b@contoso.com").is_err());
    assert!(smtp_address("a@contoso.com'").is_err());
    assert!(smtp_address("a@").is_err());
}

#[test]
fn distinguished_names_follow_rfc_4514() {
    for ok in [
        "OU=FromMIIS,DC=contoso,DC=com",
        "OU=Fabrikam Users,DC=contoso,DC=com",
        "CN=mail.contoso.com, O=Contoso, C=US",
        "CN=Smith\\, John,OU=Users,DC=x",
        "CN=a+UID=b,DC=x",
        "2.5.4.3=x",
        "CN=\\23hash",
    ] {
        assert_eq!(distinguished_name(ok), Ok(()), "{ok}");
    }
    for bad in [
        "FromMIIS",
        "OU=FromMIIS,,DC=com",
        "OU=,DC=com",
        "=x",
        "O U=x",
        "CN=a\"b",
        "CN=a;b",
        "CN=a\\",
        "CN=a\\4",
        "",
    ] {
        assert!(distinguished_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn paths_are_full_local_or_unc() {
    for ok in [
        r"\\fs01\media\Exchange2010SP3",
        r"\\fs01\media\Exchange 2010 SP3\",
        r"D:\Exchange2010SP3\",
        r"E:\DB's\O'Brien.edb",
        r"C:\",
    ] {
        assert_eq!(full_path(ok), Ok(()), "{ok}");
    }
    for bad in [
        r"MyScript.ps1",
        r"scripts\MyScript.ps1",
        r"\\fs01",
        r"\\fs01\",
        r"D:",
        r"D:/x",
        r"D:\a|b",
        r"D:\a:b",
        r"\\?\D:\x",
    ] {
        assert!(full_path(bad).is_err(), "{bad}");
    }
    assert_eq!(local_path(r"E:\DB01"), Ok(()));
    assert_eq!(
        local_path(r"\\fs01\db"),
        Err("a share, not a folder on the server's own disk".to_owned())
    );
}

#[test]
fn computer_names_are_netbios_names() {
    for ok in ["MAIL2010", "BR-EX2013", "EX55", "DAG1", "A"] {
        assert_eq!(computer_name(ok), Ok(()), "{ok}");
    }
    for bad in [
        "MAIL_2010",
        "mail.contoso.com",
        "SIXTEEN-CHARS-XX",
        "-X",
        "2010",
        "",
    ] {
        assert!(computer_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn accounts_name_a_domain() {
    for ok in [
        r"CONTOSO\svc-galsync",
        r"WOODGROVE\svc-galsync",
        "svc@contoso.com",
        r"CONTOSO\gmsa$",
    ] {
        assert_eq!(account(ok), Ok(()), "{ok}");
    }
    for bad in ["svc-galsync", r"\svc", r"CONTOSO\", r"CONTOSO\a:b", "a@b@"] {
        assert!(account(bad).is_err(), "{bad}");
    }
}

#[test]
fn times_are_hours_and_minutes() {
    assert_eq!(time_of_day("02:00"), Ok((2, 0)));
    assert_eq!(time_of_day("2:30"), Ok((2, 30)));
    assert_eq!(time_of_day("23:59"), Ok((23, 59)));
    assert!(time_of_day("24:00").is_err());
    assert!(time_of_day("12:60").is_err());
    assert!(time_of_day("12:5").is_err());
    assert!(time_of_day("123:00").is_err());
    assert!(time_of_day("+1:00").is_err());
}

#[test]
fn check_reports_the_code_of_each_kind() {
    let code = |kind, value| check(kind, value).unwrap_err().code;
    assert_eq!(code(ValueKind::Host, "mail.contoso.com`n"), Code::E0117);
    assert_eq!(code(ValueKind::Domain, "'; Stop-Computer; '"), Code::E0117);
    assert_eq!(code(ValueKind::AddressSpace, "a b"), Code::E0117);
    assert_eq!(code(ValueKind::Smtp, "someone"), Code::E0118);
    assert_eq!(code(ValueKind::Dn, "FromMIIS"), Code::E0119);
    assert_eq!(code(ValueKind::Path, "x.ps1"), Code::E0120);
    assert_eq!(code(ValueKind::LocalPath, r"\\fs\x"), Code::E0120);
    assert_eq!(code(ValueKind::Computer, "MAIL 2010"), Code::E0121);
    assert_eq!(code(ValueKind::Account, "svc"), Code::E0122);
    assert_eq!(code(ValueKind::Time, "25:00"), Code::E0123);
    assert_eq!(check(ValueKind::Text, "anything ' \" ` $"), Ok(()));
    let invalid = check(ValueKind::Host, "a\u{202E}b").unwrap_err();
    assert_eq!(invalid.message, "`a\\u{202e}b` is not a host name");
}

#[test]
fn hidden_characters_are_found_where_they_are() {
    assert_eq!(hidden_char("abc"), None);
    assert_eq!(hidden_char("a\tb"), None);
    assert_eq!(hidden_char("é\u{202E}x"), Some((2, '\u{202E}')));
    assert_eq!(hidden_char("\u{FEFF}"), Some((0, '\u{FEFF}')));
    for c in [
        '\u{0}',
        '\n',
        '\u{7F}',
        '\u{85}',
        '\u{AD}',
        '\u{200B}',
        '\u{200F}',
        '\u{2028}',
        '\u{2029}',
        '\u{202A}',
        '\u{2066}',
        '\u{2069}',
        '\u{2060}',
        '\u{E0041}',
        '\u{3164}',
    ] {
        assert_eq!(hidden_char(&format!("x{c}")), Some((1, c)), "{c:?}");
    }
    assert_eq!(
        describe_hidden('\u{202E}'),
        "U+202E (right-to-left override)"
    );
    assert_eq!(describe_hidden('\u{E0041}'), "U+E0041");
}

fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?"
}

fn domain() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..5).prop_map(|l| l.join("."))
}

proptest! {
    #[test]
    fn generated_dns_names_are_accepted(name in domain()) {
        prop_assert_eq!(dns_name(&name), Ok(()));
        prop_assert_eq!(address_space(&format!("*.{name}")), Ok(()));
    }

    #[test]
    fn a_dns_name_holds_nothing_a_script_could_act_on(value in any::<String>()) {
        // What passes as a host name is letters, digits, hyphens and dots: no quote, backtick,
        // `$`, `;`, space or hidden character can reach a script through one.
        if dns_name(&value).is_ok() {
            prop_assert!(value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
        }
    }

    #[test]
    fn a_foreign_character_spoils_a_dns_name(
        name in domain(),
        at in any::<prop::sample::Index>(),
        c in any::<char>().prop_filter("not a name character", |c| {
            !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        }),
    ) {
        let mut chars: Vec<char> = name.chars().collect();
        chars.insert(at.index(chars.len() + 1), c);
        let spoiled: String = chars.into_iter().collect();
        prop_assert!(dns_name(&spoiled).is_err());
        prop_assert!(check(ValueKind::Host, &spoiled).is_err());
    }

    #[test]
    fn generated_smtp_addresses_are_accepted(local in "[a-z0-9!#$%&'*+=?^_{|}~-]{1,20}", d in domain()) {
        let address = format!("{local}@{d}");
        prop_assert_eq!(smtp_address(&address), Ok(()));
        prop_assert!(smtp_address(&address.replace('@', "")).is_err());
    }

    #[test]
    fn generated_distinguished_names_are_accepted(
        parts in prop::collection::vec(("(OU|CN|DC|O|C)", "[A-Za-z0-9 ._-]{0,12}[A-Za-z0-9]"), 1..5)
    ) {
        let dn: Vec<String> = parts.iter().map(|(k, v)| format!("{k}={v}")).collect();
        prop_assert_eq!(distinguished_name(&dn.join(",")), Ok(()));
        // Without its `=`, a part is not a DN.
        let broken = dn.join(",").replacen('=', "", 1);
        prop_assert!(distinguished_name(&broken).is_err());
    }

    #[test]
    fn generated_paths_are_accepted(
        drive in "[A-Za-z]",
        names in prop::collection::vec("[A-Za-z0-9 '$#.()_-]{1,12}", 0..5),
    ) {
        let rest = names.join("\\");
        prop_assert_eq!(full_path(&format!("{drive}:\\{rest}")), Ok(()));
        prop_assert_eq!(local_path(&format!("{drive}:\\{rest}")), Ok(()));
        prop_assert_eq!(full_path(&format!("\\\\fs01\\share\\{rest}")), Ok(()));
        // The same names without a drive are relative.
        prop_assert!(full_path(&rest).is_err());
    }

    #[test]
    fn every_time_of_day_is_accepted_and_nothing_else(h in 0u32..100, m in 0u32..100) {
        let time = format!("{h:02}:{m:02}");
        prop_assert_eq!(time_of_day(&time).is_ok(), h < 24 && m < 60);
    }

    #[test]
    fn a_hidden_character_is_found_anywhere(
        text in "[a-z .'\"`$]{0,20}",
        at in any::<prop::sample::Index>(),
        c in prop::sample::select(vec!['\u{202E}', '\u{200B}', '\u{2066}', '\u{FEFF}', '\u{2028}', '\u{0}', '\u{1B}', '\u{E0020}']),
    ) {
        let at = at.index(text.len() + 1);
        let value = format!("{}{c}{}", &text[..at], &text[at..]);
        prop_assert_eq!(hidden_char(&value), Some((at, c)));
    }
}
