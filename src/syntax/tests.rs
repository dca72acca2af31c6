//! Tests of the syntax stage: lexemes one rule at a time, whole plans, and every E01xx.

use super::ast::{CertName, DatabaseKind, Inbound, ItemKind, MoveSource, Plan};
use super::parser::{ExmParser, Rule};
use super::{MAX_LINE_BYTES, MAX_STATEMENTS, MAX_WORD_BYTES, parse};
use crate::source::SourceFile;
use pest::Parser as _;

/// Asserts that `rule` matches the whole of `input` as a single pair.
macro_rules! assert_lex_rule {
    ($rule:expr, $input:expr) => {{
        let input: &str = $input;
        let pairs = ExmParser::parse($rule, input)
            .unwrap_or_else(|e| panic!("{:?} failed on {input:?}: {e}", $rule));
        let pair = pairs.into_iter().next().expect("one pair");
        assert_eq!(pair.as_rule(), $rule, "on {input:?}");
        assert_eq!(
            pair.as_str(),
            input,
            "{:?} did not consume all of {input:?}",
            $rule
        );
    }};
}

/// Asserts that `rule` does not match the whole of `input`.
macro_rules! assert_not_lex_rule {
    ($rule:expr, $input:expr) => {{
        let input: &str = $input;
        let whole = ExmParser::parse($rule, input)
            .ok()
            .and_then(|p| p.into_iter().next())
            .is_some_and(|p| p.as_str() == input);
        assert!(!whole, "{:?} unexpectedly matched {input:?}", $rule);
    }};
}

/// Parses `text`, which must be a valid plan.
fn plan(text: &str) -> Plan {
    let (plan, diags) = parse(&SourceFile::new("t.exm", text));
    assert!(diags.is_empty(), "{}", render(text, &diags));
    plan.expect("a plan without diagnostics")
}

/// Items of a plan holding `body`.
fn items(body: &str) -> Vec<ItemKind> {
    let text = format!("plan \"t\" {{\n{body}\n}}\n");
    plan(&text).items.into_iter().map(|i| i.kind).collect()
}

/// Each diagnostic as `CODE line:col message`, with related labels and help indented below.
fn errors(text: &str) -> String {
    let (plan, diags) = parse(&SourceFile::new("t.exm", text));
    assert!(plan.is_none(), "errors expected in {text:?}");
    render(text, &diags)
}

fn render(text: &str, diags: &crate::diag::Diagnostics) -> String {
    let file = SourceFile::new("t.exm", text);
    let mut out = Vec::new();
    for d in diags.iter() {
        let at = file.line_col(d.primary.span.start);
        out.push(format!(
            "{} {}:{} {}",
            d.code, at.line, at.column, d.message
        ));
        for r in &d.related {
            let at = file.line_col(r.span.start);
            out.push(format!("  {}:{} {}", at.line, at.column, r.message));
        }
        out.extend(d.help.as_ref().map(|h| format!("  help: {h}")));
    }
    out.join("\n")
}

// ---- lexemes ----

#[test]
fn lex_strings() {
    for s in [
        r#""""#,
        r#""Contoso""#,
        r#""MAIL2007\SG1\DB1""#,
        r#""\\srv\share\wave1.csv""#,
        r#""C:\""#,
        r#""O""Brien""#,
        r#""O’Brien""#,
        r#""Zürich # not a comment""#,
        r#""a { b } ; c""#,
    ] {
        assert_lex_rule!(Rule::string, s);
    }
    assert_not_lex_rule!(Rule::string, "\"open");
    assert_not_lex_rule!(Rule::string, "\"two\nlines\"");
    assert_not_lex_rule!(Rule::string, r#""a"b""#);
}

#[test]
fn lex_numbers_times_builds_and_words() {
    assert_lex_rule!(Rule::time, "02:00");
    assert_lex_rule!(Rule::time, "2:30");
    assert_not_lex_rule!(Rule::time, "02:00x");
    assert_lex_rule!(Rule::build, "8.2.176.2");
    assert_lex_rule!(Rule::build, "14.3");
    assert_not_lex_rule!(Rule::build, "8.2a");
    assert_lex_rule!(Rule::number, "100");
    assert_not_lex_rule!(Rule::number, "2008r2");
    for w in [
        "MAIL2007",
        "EX2010DB01",
        "internet-facing",
        "sp3",
        "2008r2",
        "_x",
        "a.b-c",
    ] {
        assert_lex_rule!(Rule::word, w);
    }
    assert_not_lex_rule!(Rule::word, "-x");
    assert_not_lex_rule!(Rule::word, "Zürich");
    assert_lex_rule!(Rule::keyword, "public-folder-database");
}

#[test]
fn lex_statements_and_blocks() {
    assert_lex_rule!(Rule::statement, "roles cas, hub mailbox");
    assert_lex_rule!(Rule::statement, "new");
    assert_lex_rule!(
        Rule::statement,
        "server MAIL2007 { exchange 2007 sp2; roles cas }"
    );
    assert_lex_rule!(
        Rule::statement,
        "site \"HQ\" internet-facing {\n  server A {}\n}"
    );
    assert_lex_rule!(Rule::statement, "x 1 # a comment");
    assert_lex_rule!(Rule::block, "{}");
    assert_lex_rule!(Rule::block, "{\n\n  a; b\n\n  c\n}");
    assert_lex_rule!(Rule::sep, ";");
    assert_lex_rule!(Rule::sep, "\r\n");
    assert_lex_rule!(Rule::comma, ",");
    assert_lex_rule!(Rule::open, "{");
    assert_lex_rule!(Rule::close, "}");
    assert_lex_rule!(Rule::file, "\u{feff}# only a comment\r\n\r\n");
    assert_not_lex_rule!(Rule::statement, "site A\n{}");
}

// ---- whole plans ----

/// The sketch plan from design.md.
pub(crate) const SKETCH: &str = r#"plan "Contoso: Exchange 2007 to 2010" {
  organization "Contoso"
  target exchange 2010 sp3
  media "\\fs01\media\Exchange2010SP3"

  namespaces {
    primary      "mail.contoso.com"
    autodiscover "autodiscover.contoso.com"
    legacy       "legacy.contoso.com"
  }

  site "HQ" internet-facing {
    server MAIL2007 { exchange 2007 sp2; os "Windows Server 2003 R2 x64"; roles cas hub mailbox }
    server MAIL2010 { exchange 2010 sp3; os "Windows Server 2008 R2"; roles cas hub mailbox; new }
  }

  database EX2010DB01 on MAIL2010 { edb "E:\DB01\EX2010DB01.edb"; logs "F:\DB01" }

  certificate on MAIL2010 { names primary autodiscover legacy }

  client-access on MAIL2010 {
    outlook-anywhere { auth basic; ssl-offloading off }    # external host: the primary namespace
    offline-address-book "Default Offline Address List"
  }

  mail-flow on MAIL2010 {
    inbound anonymous                 # no Edge or SMTP gateway in front
    send-connector "Internet Connector"
  }

  move mailboxes to EX2010DB01 {
    from server MAIL2007
    mailbox "someone@contoso.com"
    csv "waves\wave1.csv"
  }

  public-folders from MAIL2007 to MAIL2010

  galsync "OU=FromMIIS,DC=contoso,DC=com" {
    update all
    schedule daily at 02:00 as "d:\scripts\MyScript.ps1" run-as "CONTOSO\svc-galsync"
  }

  decommission MAIL2007
}
"#;

#[test]
fn sketch_plan_builds_the_expected_ast() {
    let plan = plan(SKETCH);
    assert_eq!(plan.title.node, "Contoso: Exchange 2007 to 2010");
    assert_eq!(plan.span.start, 0);
    assert_eq!(
        &SKETCH[plan.title.span.start..plan.title.span.end],
        "\"Contoso: Exchange 2007 to 2010\""
    );
    let kinds: Vec<&str> = plan
        .items
        .iter()
        .map(|i| &SKETCH[i.keyword.start..i.keyword.end])
        .collect();
    assert_eq!(
        kinds,
        [
            "organization",
            "target",
            "media",
            "namespaces",
            "site",
            "database",
            "certificate",
            "client-access",
            "mail-flow",
            "move",
            "public-folders",
            "galsync",
            "decommission"
        ]
    );
    for item in &plan.items {
        assert!(
            SKETCH[item.span.start..item.span.end]
                .starts_with(&SKETCH[item.keyword.start..item.keyword.end])
        );
    }
    let ItemKind::Target(target) = &plan.items[1].kind else {
        panic!()
    };
    assert_eq!(
        (target.version.node.as_str(), target.update[0].node.as_str()),
        ("2010", "sp3")
    );
    assert_eq!(
        &SKETCH[target.span.start..target.span.end],
        "exchange 2010 sp3"
    );
    let ItemKind::Media(media) = &plan.items[2].kind else {
        panic!()
    };
    assert_eq!(media.node, r"\\fs01\media\Exchange2010SP3");
    let ItemKind::Namespaces(ns) = &plan.items[3].kind else {
        panic!()
    };
    let ns: Vec<(&str, &str)> = ns
        .iter()
        .map(|n| (n.kind.node.as_str(), n.host.node.as_str()))
        .collect();
    assert_eq!(ns[2], ("legacy", "legacy.contoso.com"));
    let ItemKind::Site(site) = &plan.items[4].kind else {
        panic!()
    };
    assert_eq!(site.name.node, "HQ");
    assert!(site.internet_facing.is_some());
    let [old, new] = &site.servers[..] else {
        panic!()
    };
    assert_eq!(old.name.node, "MAIL2007");
    assert_eq!(old.exchange.as_ref().unwrap().update[0].node, "sp2");
    assert_eq!(old.os.as_ref().unwrap().node, "Windows Server 2003 R2 x64");
    assert_eq!(
        old.roles
            .iter()
            .map(|r| r.node.as_str())
            .collect::<Vec<_>>(),
        ["cas", "hub", "mailbox"]
    );
    assert!(old.new.is_none() && new.new.is_some());
    let ItemKind::Database(db) = &plan.items[5].kind else {
        panic!()
    };
    assert_eq!(db.kind, DatabaseKind::Mailbox);
    assert_eq!(
        (db.name.node.as_str(), db.server.node.as_str()),
        ("EX2010DB01", "MAIL2010")
    );
    assert_eq!(db.edb.as_ref().unwrap().node, r"E:\DB01\EX2010DB01.edb");
    let ItemKind::Certificate(cert) = &plan.items[6].kind else {
        panic!()
    };
    assert_eq!(cert.names.len(), 3);
    assert!(matches!(&cert.names[0], CertName::Namespace(n) if n.node == "primary"));
    let ItemKind::ClientAccess(ca) = &plan.items[7].kind else {
        panic!()
    };
    let oa = ca.outlook_anywhere.as_ref().unwrap();
    assert_eq!(oa.auth.as_ref().unwrap().node, "basic");
    assert_eq!(oa.ssl_offloading.as_ref().map(|s| s.node), Some(false));
    assert_eq!(
        ca.offline_address_book.as_ref().unwrap().node,
        "Default Offline Address List"
    );
    let ItemKind::MailFlow(mf) = &plan.items[8].kind else {
        panic!()
    };
    assert!(matches!(mf.inbound, Some(Inbound::Anonymous(_))));
    assert_eq!(mf.send_connectors[0].name.node, "Internet Connector");
    assert_eq!(mf.send_connectors[0].smart_host, None);
    let ItemKind::Move(mv) = &plan.items[9].kind else {
        panic!()
    };
    assert_eq!(mv.target.node, "EX2010DB01");
    assert!(
        matches!(&mv.sources[..], [MoveSource::Server(s), MoveSource::Mailbox(_), MoveSource::Csv(c)]
        if s.node == "MAIL2007" && c.node == r"waves\wave1.csv")
    );
    let ItemKind::PublicFolders(pf) = &plan.items[10].kind else {
        panic!()
    };
    assert_eq!(
        (pf.from.node.as_str(), pf.to.node.as_str()),
        ("MAIL2007", "MAIL2010")
    );
    let ItemKind::GalSync(gal) = &plan.items[11].kind else {
        panic!()
    };
    assert_eq!(gal.ou.node, "OU=FromMIIS,DC=contoso,DC=com");
    assert_eq!(gal.update.as_ref().unwrap().node, "all");
    let schedule = gal.schedule.as_ref().unwrap();
    assert_eq!(schedule.every.node, "daily");
    assert_eq!(schedule.at.as_ref().unwrap().node, "02:00");
    assert_eq!(
        schedule.script_path.as_ref().unwrap().node,
        r"d:\scripts\MyScript.ps1"
    );
    assert_eq!(
        schedule.run_as.as_ref().unwrap().node,
        r"CONTOSO\svc-galsync"
    );
    let ItemKind::Decommission(servers) = &plan.items[12].kind else {
        panic!()
    };
    assert_eq!(servers[0].node, "MAIL2007");
}

#[test]
fn every_other_construct_builds() {
    let kinds = items(
        r#"organization Contoso mode MIXED
forest "contoso.com" { functional-level 2003; domain "contoso.com"; domain "eu.contoso.com" }
site Branch { server OLD { exchange 2007 sp3 ru10; fqdn "old.contoso.com"; cluster ccr "EXCLU1"; upgrade-to exchange 2010 } }
public-folder-database PF1 on MAIL2010 { storage-group "SG1" }
certificate on MAIL2010 MAIL2010B { names primary "extra.contoso.com"; subject "CN=mail.contoso.com"; friendly-name "SAN"; services iis, smtp }
client-access on MAIL2010 { outlook-anywhere { host "mail.contoso.com"; auth NTLM; ssl-offloading on; iis-auth basic ntlm }; urls { internal "int.contoso.com"; external "mail.contoso.com" }; autodiscover "autodiscover.contoso.com" }
mail-flow on MAIL2010 {
  inbound gateway "smtp.contoso.com"
  accepted-domain "contoso.com" authoritative
  routing-group-connector "Interop RGC" { to EX2003; cost 100; bidirectional }
  cross-forest-connector "To Fabrikam" { address-space "fabrikam.com"; smart-host "mail.fabrikam.com"; auth externally-secured; tls }
}
move mailboxes to "DB 2" { batch "Wave 1"; from database "MAIL2007\SG1\DB1"; bad-item-limit 10; accept-large-data-loss; suspend-when-ready }
galsync "OU=x" { update specific; email-address-policy "EAP"; address-list "AL"; global-address-list "GAL"; schedule weekly run-as "C\svc" }
validate on MAIL2010 { service-health; Mapi-Connectivity }
decommission A, B
manual "Point port 25 at MAIL2010" after mail-flow"#,
    );
    let ItemKind::Organization(org) = &kinds[0] else {
        panic!()
    };
    assert_eq!(org.mode.as_ref().unwrap().node, "mixed");
    let ItemKind::Forest(forest) = &kinds[1] else {
        panic!()
    };
    assert_eq!(forest.functional_level.as_ref().unwrap().node, "2003");
    assert_eq!(forest.domains.len(), 2);
    let ItemKind::Site(site) = &kinds[2] else {
        panic!()
    };
    let server = &site.servers[0];
    assert_eq!(server.exchange.as_ref().unwrap().update.len(), 2);
    assert_eq!(server.cluster.as_ref().unwrap().kind.node, "ccr");
    assert_eq!(server.upgrade_to.as_ref().unwrap().version.node, "2010");
    let ItemKind::Database(pf) = &kinds[3] else {
        panic!()
    };
    assert_eq!(pf.kind, DatabaseKind::PublicFolder);
    assert_eq!(pf.storage_group.as_ref().unwrap().node, "SG1");
    let ItemKind::Certificate(cert) = &kinds[4] else {
        panic!()
    };
    assert_eq!(cert.servers.len(), 2);
    assert!(matches!(&cert.names[1], CertName::Host(h) if h.node == "extra.contoso.com"));
    assert_eq!(cert.services.len(), 2);
    let ItemKind::ClientAccess(ca) = &kinds[5] else {
        panic!()
    };
    let oa = ca.outlook_anywhere.as_ref().unwrap();
    assert_eq!(oa.auth.as_ref().unwrap().node, "ntlm");
    assert_eq!(oa.iis_auth.len(), 2);
    assert_eq!(
        ca.urls.as_ref().unwrap().internal.as_ref().unwrap().node,
        "int.contoso.com"
    );
    assert!(ca.autodiscover.is_some());
    let ItemKind::MailFlow(mf) = &kinds[6] else {
        panic!()
    };
    assert!(matches!(&mf.inbound, Some(Inbound::Gateway(h)) if h.node == "smtp.contoso.com"));
    assert!(mf.accepted_domains[0].authoritative.is_some());
    let rgc = &mf.routing_group_connectors[0];
    assert_eq!(
        (
            rgc.to.as_ref().unwrap().node.as_str(),
            rgc.cost.as_ref().unwrap().node
        ),
        ("EX2003", 100)
    );
    let cfc = &mf.cross_forest_connectors[0];
    assert_eq!(cfc.auth.as_ref().unwrap().node, "externally-secured");
    assert!(cfc.tls.is_some());
    let ItemKind::Move(mv) = &kinds[7] else {
        panic!()
    };
    assert_eq!(mv.target.node, "DB 2");
    assert!(matches!(&mv.sources[0], MoveSource::Database(d) if d.node == r"MAIL2007\SG1\DB1"));
    assert_eq!(mv.bad_item_limit.as_ref().unwrap().node, 10);
    assert!(mv.accept_large_data_loss.is_some() && mv.suspend_when_ready.is_some());
    let ItemKind::GalSync(gal) = &kinds[8] else {
        panic!()
    };
    assert_eq!(gal.specific.len(), 3);
    assert_eq!(gal.specific[0].0.node, "email-address-policy");
    assert!(gal.schedule.as_ref().unwrap().at.is_none());
    let ItemKind::Validate(v) = &kinds[9] else {
        panic!()
    };
    assert_eq!(v.checks[1].node, "mapi-connectivity");
    let ItemKind::Decommission(d) = &kinds[10] else {
        panic!()
    };
    assert_eq!(d.len(), 2);
    let ItemKind::Manual(m) = &kinds[11] else {
        panic!()
    };
    assert_eq!(m.after.as_ref().unwrap().node, "mail-flow");
}

#[test]
fn strings_keep_backslashes_and_unescape_quotes() {
    let kinds = items(
        "manual \"MAIL2007\\SG1\\DB1\"\nmanual \"\\\\srv\\share\\\"\nmanual \"C:\\\"\n\
         manual \"O\"\"Brien\"\nmanual \"O’Brien\"\nmanual \"Zürich\"\nmanual \"\"",
    );
    let names: Vec<&str> = kinds
        .iter()
        .map(|k| match k {
            ItemKind::Manual(m) => m.text.node.as_str(),
            _ => panic!("{k:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            r"MAIL2007\SG1\DB1",
            r"\\srv\share\",
            r"C:\",
            r#"O"Brien"#,
            "O’Brien",
            "Zürich",
            ""
        ]
    );
}

#[test]
fn string_spans_cover_the_quotes() {
    let text = "plan \"Zürich\" {}";
    assert_eq!(plan(text).title.span, crate::source::Span::new(5, 14));
}

#[test]
fn crlf_line_endings_parse_like_lf() {
    let crlf = SKETCH.replace('\n', "\r\n");
    let a = plan(SKETCH);
    let b = plan(&crlf);
    assert_eq!(a.items.len(), b.items.len());
    let ItemKind::Media(media) = &b.items[2].kind else {
        panic!()
    };
    assert_eq!(media.node, r"\\fs01\media\Exchange2010SP3");
}

#[test]
fn keywords_match_ignoring_case_names_do_not_change() {
    let kinds = items("SITE hq { Server Mail2010 { EXCHANGE 2010 SP3; Roles CAS } }");
    let ItemKind::Site(site) = &kinds[0] else {
        panic!()
    };
    assert_eq!(site.name.node, "hq");
    assert_eq!(site.servers[0].name.node, "Mail2010");
    assert_eq!(site.servers[0].roles[0].node, "cas");
    assert_eq!(
        site.servers[0].exchange.as_ref().unwrap().update[0].node,
        "sp3"
    );
}

// ---- diagnostics, one code at a time ----

#[test]
fn e0100_syntax_errors_name_what_was_expected() {
    assert_eq!(
        errors("plan \"x\" { media @ }"),
        "E0100 1:18 expected an argument, a new line, `{` or `}`, found `@`"
    );
    assert_eq!(
        errors("plan \"x\" {\n  site A\n  {\n  }\n}"),
        "E0100 3:3 expected a keyword, a new line or `}`, found `{`\n  help: a block's `{` goes on the line of its keyword"
    );
    assert_eq!(
        errors("plan \"x\" {} x"),
        "E0100 1:13 expected the end of the file or a new line, found `x`"
    );
    assert_eq!(
        errors("plan \"x\" { roles cas, }"),
        "E0100 1:23 expected an argument, found `}`"
    );
}

#[test]
fn e0101_unterminated_string() {
    assert_eq!(
        errors("plan \"x\" {\n  os \"Windows }\n}"),
        "E0101 2:6 unterminated string\n  help: close it with `\"`, and write `\"\"` for a quote inside"
    );
}

#[test]
fn e0102_unbalanced_braces() {
    assert_eq!(
        errors("plan \"x\" {\n  site A {\n  server B {}\n}"),
        "E0102 2:10 unclosed `{`\n  help: add a `}` to close it"
    );
    assert_eq!(
        errors("plan \"x\" {\n}\n}"),
        "E0102 3:1 unmatched `}`\n  help: remove this `}`, or add the `{` it should close"
    );
}

#[test]
fn e0103_deep_nesting_is_refused_without_recursion() {
    let deep = format!("plan \"x\" {}", "{".repeat(10_000));
    // The 33rd `{` is one too many.
    // Run on a 1 MiB stack, as the main thread on Windows has.
    let out = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || errors(&deep))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        out,
        "E0103 1:42 blocks are nested more than 32 deep\n  help: a plan needs only a few levels of blocks; close the blocks above this one"
    );
}

#[test]
fn nesting_up_to_the_limit_is_a_schema_question() {
    let text = format!("plan \"x\" {{{}{}", "a {".repeat(31), "}".repeat(32));
    assert_eq!(
        errors(&text).lines().next(),
        Some("E0106 1:11 unknown keyword `a`")
    );
}

#[test]
fn e0105_no_plan() {
    let want = "E0105 1:1 the file holds no plan\n  help: write `plan \"Title\" { ... }` with the plan's statements inside";
    assert_eq!(errors(""), want);
    assert_eq!(errors("# just a comment\r\n\n  \n"), want);
}

#[test]
fn e0106_unknown_and_misplaced_keywords() {
    assert_eq!(
        errors("plan \"x\" {\n  sitee \"HQ\" { }\n}"),
        "E0106 2:3 unknown keyword `sitee`\n  help: did you mean `site`?"
    );
    assert_eq!(
        errors("plan \"x\" {\n  roles cas\n}"),
        "E0106 2:3 `roles` is not allowed in a `plan` block\n  help: `roles` belongs in a `server` block"
    );
    assert_eq!(
        errors("plan \"x\" { urls { intern \"a\"; zzz } }"),
        "E0106 1:12 `urls` is not allowed in a `plan` block\n  help: `urls` belongs in a `client-access` block"
    );
    assert_eq!(
        errors("plan \"x\" { namespaces { zzz \"a\" } }"),
        "E0106 1:25 unknown keyword `zzz`\n  help: valid in a `namespaces` block: `primary`, `autodiscover` or `legacy`"
    );
    assert_eq!(
        errors("media \"x\"\nplan \"x\" {}\nplan \"y\" {}"),
        "E0106 1:1 `media` must be inside the `plan` block\n  help: move it between the braces of `plan \"Title\" { ... }`\nE0106 3:1 a file holds only one `plan`\n  2:1 first plan here\n  help: put each plan in its own file"
    );
}

#[test]
fn e0107_wrong_arguments() {
    assert_eq!(
        errors("plan \"x\" { database DB1 in S }"),
        "E0107 1:25 expected `on` after `DB1`, found the word `in`\n  help: usage: `database NAME on SERVER [{ edb \"...\"; logs \"...\" }]`"
    );
    assert_eq!(
        errors("plan \"x\" { target exchange }"),
        "E0107 1:19 expected an Exchange version such as `2010` after `exchange`, found the end of the statement\n  help: usage: `target exchange VERSION [UPDATE]`"
    );
    assert_eq!(
        errors("plan \"x\" { client-access on S { outlook-anywhere { auth bsic } } }"),
        "E0107 1:57 expected `basic` or `ntlm`, found the word `bsic`\n  help: did you mean `basic`?"
    );
    assert_eq!(
        errors("plan \"x\" { media \"\\\\fs\\m\" extra }"),
        "E0107 1:27 expected the end of the statement after `\"\\\\fs\\m\"`, found the word `extra`\n  help: usage: `media \"\\\\server\\share\\folder\"`"
    );
    assert!(
        errors("plan \"x\" { public-folders from A to B { x } }")
            .starts_with("E0107 1:39 `public-folders` takes no block")
    );
    assert!(
        errors("plan \"x\" { move mailboxes to D { bad-item-limit 99999999999 } }")
            .contains("`99999999999` is too large")
    );
}

#[test]
fn e0108_setting_given_twice() {
    assert_eq!(
        errors("plan \"x\" { site S { server A { exchange 2010; exchange 2007 } } }"),
        "E0108 1:47 `exchange` is set twice\n  1:32 first set here\n  help: keep one of them"
    );
    assert!(
        errors("plan \"x\" { site S { server A { exchange 2010; roles cas cas } } }")
            .contains("E0108 1:57 `cas` is listed twice")
    );
    assert!(
        errors("plan \"x\" { galsync \"o\" { schedule daily run-as a run-as b } }")
            .contains("E0108 1:50 `run-as` is set twice")
    );
}

#[test]
fn e0109_required_settings() {
    assert_eq!(
        errors("plan \"x\" {\n  site S { server B { os \"x\" } }\n}"),
        "E0109 2:12 server `B` has no `exchange` version\n  help: add `exchange VERSION UPDATE` (such as `exchange 2010 sp3`) to its block"
    );
    assert_eq!(
        errors("plan \"x\" { client-access on S { outlook-anywhere { ssl-offloading on } } }"),
        "E0109 1:33 `outlook-anywhere` has no `auth`\n  help: write `auth basic` or `auth ntlm`: exgen never picks an authentication method for you"
    );
    assert_eq!(
        errors("plan \"x\" { galsync \"OU=x,DC=y\" { schedule daily at 02:00 as \"d:\\x.ps1\" } }"),
        "E0109 1:34 the schedule has no `run-as` account\n  help: add `run-as \"DOMAIN\\account\"`: the account the scheduled task runs as"
    );
}

#[test]
fn schema_errors_are_all_collected_in_one_pass() {
    let out = errors(
        "plan \"x\" {\n  sitee A\n  site S { server B { exchange 2010; rols cas } }\n  media 1\n  manual \"m\" after\n}",
    );
    let codes: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with('E'))
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        codes,
        ["E0106 2:3", "E0106 3:38", "E0107 4:9", "E0107 5:14"]
    );
}

#[test]
fn a_very_long_line_with_an_error_is_handled() {
    let long = format!("plan \"x\" {{ manual \"{}\" @ }}", "a".repeat(60_000));
    let out = errors(&long);
    assert!(out.starts_with("E0100 1:60022 expected"), "{out}");
    let ok = format!("plan \"x\" {{ manual \"{}\" }}", "a".repeat(60_000));
    assert_eq!(items_of(&ok), 1);
}

#[test]
fn lines_statements_and_words_are_bounded() {
    // The diagnostics, whether or not the text parses.
    let errors = |text: &str| render(text, &parse(&SourceFile::new("t.exm", text)).1);
    // The limit is where the line passes it, on a character boundary (é is two bytes).
    let line = format!("plan \"x\" {{ manual \"{}\" }}", "é".repeat(40_000));
    let out = errors(&line);
    assert!(
        out.starts_with("E0124 1:32778 a line of 80022 bytes"),
        "{out}"
    );
    let at_limit = format!("plan \"{}\" {{}}", "x".repeat(MAX_LINE_BYTES - 12));
    assert!(!errors(&at_limit).contains("E0124"));
    // A CR alone ends a line as well.
    let lines = format!(
        "plan \"x\" {{\r manual \"{}\"\r}}",
        "a".repeat(MAX_LINE_BYTES - 11)
    );
    assert!(!errors(&lines).contains("E0124"), "{}", errors(&lines));

    let statements = |n: usize| format!("plan \"x\" {{\n{}}}", "manual \"m\"\n".repeat(n));
    assert!(!errors(&statements(MAX_STATEMENTS - 1)).contains("E0125"));
    let out = errors(&statements(MAX_STATEMENTS));
    assert!(out.starts_with("E0125 500001:1 more than 500000"), "{out}");
    // Statements separated by `;` and blocks count too; arguments do not.
    let packed = format!(
        "plan \"x\" {{\n{}}}",
        "a b c d; e { f }\n".repeat(MAX_STATEMENTS / 3 + 1)
    );
    assert!(errors(&packed).starts_with("E0125"));

    let word = |n: usize| format!("plan \"x\" {{ manual {} }}", "w".repeat(n));
    assert!(!errors(&word(MAX_WORD_BYTES)).contains("E0126"));
    assert!(errors(&word(MAX_WORD_BYTES + 1)).starts_with("E0126 1:19 a word of 256 characters"));
}

fn items_of(text: &str) -> usize {
    plan(text).items.len()
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = parse(&SourceFile::new("p.exm", text));
        }

        #[test]
        fn parse_never_panics_on_plan_like_text(
            text in r#"(plan|site|server|roles|exchange|auth|"[a-z\\]*|"|\{|\}|;|,|\n|\r\n| |#|2010|02:00|8\.2|[a-z-]{1,6}|é){0,60}"#
        ) {
            let _ = parse(&SourceFile::new("p.exm", text));
        }
    }
}

#[test]
fn every_exm_example_in_the_language_reference_parses() {
    let doc = include_str!("../../docs/language.md");
    let mut count = 0;
    // Blocks open with "```exm" and an optional info string ("```exm not-generated").
    for (i, block) in doc.split("```exm").skip(1).enumerate() {
        let body = block.split_once('\n').map_or("", |(_, body)| body);
        let example = body.split("```").next().unwrap_or("");
        let (plan, diags) = parse(&SourceFile::new("language.md", example));
        assert!(
            plan.is_some(),
            "example {i} fails:\n{example}\n{}",
            render(example, &diags)
        );
        count += 1;
    }
    assert!(count >= 15, "only {count} examples found");
}

// ---- values by kind, hidden characters ----

/// The code and the source text under the span of each diagnostic of `text`.
fn spans(text: &str) -> Vec<(String, String)> {
    let (plan, diags) = parse(&SourceFile::new("t.exm", text));
    assert!(plan.is_none(), "errors expected in {text:?}");
    diags
        .iter()
        .map(|d| {
            let span = d.primary.span;
            (
                d.code.as_str().to_owned(),
                text[span.start..span.end].to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_hidden_character_is_reported_at_itself() {
    // `""` before it shifts it one byte further in the source than in the value.
    let text = "plan \"t\" {\n  organization \"a\"\"b\u{202E}c\"\n}\n";
    assert_eq!(spans(text), [("E0115".to_owned(), "\u{202E}".to_owned())]);
    let text = "plan \"t\" {\n  # note \u{2066}x\u{2069}\n  organization \"a\"\n}\n";
    assert_eq!(
        spans(text),
        [
            ("E0116".to_owned(), "\u{2066}".to_owned()),
            ("E0116".to_owned(), "\u{2069}".to_owned())
        ]
    );
    let text = "plan \"t\" {\n  organization\u{200B} \"a\"\n}\n";
    assert_eq!(spans(text), [("E0116".to_owned(), "\u{200B}".to_owned())]);
    // A byte order mark is allowed at the very start only.
    assert!(
        plan("\u{FEFF}plan \"t\" {\n  organization \"a\"\n}\n")
            .items
            .len()
            == 1
    );
}

#[test]
fn values_are_checked_by_kind_at_the_value() {
    let cases = [
        (
            "namespaces { primary \"mail.contoso.com`n\" }",
            "E0117",
            "\"mail.contoso.com`n\"",
        ),
        (
            "forest \"contoso.com\" { domain \"x'; Stop-Computer; '\" }",
            "E0117",
            "\"x'; Stop-Computer; '\"",
        ),
        ("media \"Exchange2010\"", "E0120", "\"Exchange2010\""),
        (
            "site \"HQ\" { server MAIL_2010 { exchange 2010 sp3; roles mailbox } }",
            "E0121",
            "MAIL_2010",
        ),
        ("galsync \"OU=x,DC\" { update all }", "E0119", "\"OU=x,DC\""),
        (
            "move mailboxes to DB1 { mailbox \"someone\" }",
            "E0118",
            "\"someone\"",
        ),
    ];
    for (body, code, at) in cases {
        let text = format!("plan \"t\" {{\n  {body}\n}}\n");
        assert_eq!(spans(&text), [(code.to_owned(), at.to_owned())], "{body}");
    }
}
