//! Builders for client access and mail flow: Outlook Anywhere, virtual directory URLs,
//! Autodiscover, inbound mail, connectors and accepted domains.

use super::args::{self, Args};
use super::ast::{
    AcceptedDomain, ClientAccess, CrossForestConnector, Inbound, ItemKind, MailFlow,
    OutlookAnywhere, RoutingGroupConnector, SendConnector, Text, Urls,
};
use super::build::{Builder, Seen};
use super::parser::Stmt;
use super::schema::{self, BlockKind};
use super::values::ValueKind;
use crate::source::Spanned;

/// `on SERVER` after a statement's keyword.
fn on_server(b: &mut Builder, args: &mut Args<'_>) -> Option<Text> {
    args.keyword(b, "on");
    args.name(b, "a server name", ValueKind::Computer)
}

/// `client-access on SERVER { outlook-anywhere { ... }; offline-address-book "..."; urls { ... }; autodiscover "host" }`
pub fn build_client_access(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "client-access on SERVER { ... }");
    let server = on_server(b, &mut args);
    let ok = args.finish(b);
    let mut access = ClientAccess {
        server: args::blank(server),
        outlook_anywhere: None,
        offline_address_book: None,
        urls: None,
        autodiscover: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::ClientAccess) {
        if !seen.first(b, child) {
            continue;
        }
        match key.as_str() {
            "outlook-anywhere" => access.outlook_anywhere = build_outlook_anywhere(b, child),
            "urls" => access.urls = build_urls(b, child),
            _ => {
                b.no_block(child);
                let mut args = Args::new(child, "offline-address-book|autodiscover \"...\"");
                let kind = if key == "autodiscover" {
                    ValueKind::Host
                } else {
                    ValueKind::Text
                };
                let value = args.name(b, "a name as a string", kind);
                if args.finish(b) {
                    if key == "autodiscover" {
                        access.autodiscover = value;
                    } else {
                        access.offline_address_book = value;
                    }
                }
            }
        }
    }
    ok.then_some(ItemKind::ClientAccess(access))
}

/// `outlook-anywhere { host "..."; auth basic|ntlm; ssl-offloading on|off; iis-auth basic ntlm }`
fn build_outlook_anywhere(b: &mut Builder, stmt: &Stmt) -> Option<Spanned<OutlookAnywhere>> {
    let mut args = Args::new(stmt, "outlook-anywhere { auth basic|ntlm; ... }");
    let ok = args.finish(b);
    let mut oa = OutlookAnywhere {
        host: None,
        auth: None,
        ssl_offloading: None,
        iis_auth: Vec::new(),
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::OutlookAnywhere) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        let mut args = Args::new(child, oa_usage(&key));
        match key.as_str() {
            "host" => oa.host = args.name(b, "a host name", ValueKind::Host),
            "auth" => oa.auth = args.choice(b, "`basic` or `ntlm`", schema::OA_AUTH),
            "ssl-offloading" => {
                let value = args.choice(b, "`on` or `off`", schema::ON_OFF);
                oa.ssl_offloading = value.map(|v| Spanned::new(v.node == "on", v.span));
            }
            _ => {
                oa.iis_auth = args::words(
                    b,
                    &mut args,
                    "an IIS authentication method",
                    schema::IIS_AUTH,
                );
                if oa.iis_auth.is_empty() {
                    args.reject(b, "an IIS authentication method");
                }
            }
        }
        args.finish(b);
    }
    if !seen.has("auth") {
        b.missing_one_of(
            stmt,
            "`outlook-anywhere` has no `auth`".to_owned(),
            "write `auth basic` or `auth ntlm`: exgen never picks an authentication method for you",
            &["auth ntlm", "auth basic"],
        );
    }
    ok.then_some(Spanned::new(oa, stmt.span))
}

fn oa_usage(key: &str) -> &'static str {
    match key {
        "host" => "host \"mail.contoso.com\"",
        "auth" => "auth basic|ntlm",
        "ssl-offloading" => "ssl-offloading on|off",
        _ => "iis-auth basic|ntlm|negotiate ...",
    }
}

/// `urls { internal "host"; external "host" }`
fn build_urls(b: &mut Builder, stmt: &Stmt) -> Option<Spanned<Urls>> {
    let mut args = Args::new(stmt, "urls { internal \"host\"; external \"host\" }");
    let ok = args.finish(b);
    let mut urls = Urls {
        internal: None,
        external: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Urls) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        let mut args = Args::new(child, "internal|external \"host name\"");
        let host = args.name(b, "a host name", ValueKind::Host);
        if args.finish(b) {
            if key == "internal" {
                urls.internal = host;
            } else {
                urls.external = host;
            }
        }
    }
    ok.then_some(Spanned::new(urls, stmt.span))
}

/// `mail-flow on SERVER { inbound ...; send-connector "..."; accepted-domain "..."; ... }`
pub fn build_mail_flow(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "mail-flow on SERVER { ... }");
    let server = on_server(b, &mut args);
    let ok = args.finish(b);
    let mut flow = MailFlow {
        server: args::blank(server),
        inbound: None,
        send_connectors: Vec::new(),
        accepted_domains: Vec::new(),
        routing_group_connectors: Vec::new(),
        cross_forest_connectors: Vec::new(),
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::MailFlow) {
        match key.as_str() {
            "routing-group-connector" => flow
                .routing_group_connectors
                .extend(build_routing_group_connector(b, child)),
            "cross-forest-connector" => flow
                .cross_forest_connectors
                .extend(build_cross_forest_connector(b, child)),
            "inbound" if seen.first(b, child) => flow.inbound = build_inbound(b, child),
            "send-connector" => {
                b.no_block(child);
                let mut args = Args::new(child, "send-connector \"Name\" [smart-host \"host\"]");
                let name = args.name(b, "the connector's name", ValueKind::Text);
                let smart_host = if args.eat("smart-host").is_some() {
                    args.name(b, "the smart host's name", ValueKind::Host)
                } else {
                    None
                };
                if args.finish(b) {
                    flow.send_connectors
                        .extend(name.map(|name| SendConnector { name, smart_host }));
                }
            }
            "accepted-domain" => flow
                .accepted_domains
                .extend(build_accepted_domain(b, child)),
            _ => {}
        }
    }
    ok.then_some(ItemKind::MailFlow(flow))
}

/// `inbound anonymous` or `inbound gateway "host"`
fn build_inbound(b: &mut Builder, stmt: &Stmt) -> Option<Inbound> {
    b.no_block(stmt);
    let mut args = Args::new(stmt, "inbound anonymous | inbound gateway \"host\"");
    let how = args.choice(b, "`anonymous` or `gateway`", &["anonymous", "gateway"])?;
    let inbound = if how.node == "anonymous" {
        Inbound::Anonymous(how.span)
    } else {
        Inbound::Gateway(args.name(b, "the gateway's host name", ValueKind::Host)?)
    };
    args.finish(b).then_some(inbound)
}

/// `accepted-domain "contoso.com" [authoritative]`
fn build_accepted_domain(b: &mut Builder, stmt: &Stmt) -> Option<AcceptedDomain> {
    b.no_block(stmt);
    let mut args = Args::new(stmt, "accepted-domain \"contoso.com\" [authoritative]");
    let domain = args.name(b, "the domain name", ValueKind::Domain);
    let authoritative = args.eat("authoritative");
    let ok = args.finish(b);
    ok.then_some(AcceptedDomain {
        domain: domain?,
        authoritative,
    })
}

/// `routing-group-connector "NAME" { to SERVER; cost 100; bidirectional }`
fn build_routing_group_connector(b: &mut Builder, stmt: &Stmt) -> Option<RoutingGroupConnector> {
    let mut args = Args::new(stmt, "routing-group-connector \"Name\" { to SERVER; ... }");
    let name = args.name(b, "the connector's name", ValueKind::Text);
    let ok = args.finish(b);
    let mut rgc = RoutingGroupConnector {
        name: args::blank(name),
        to: None,
        cost: None,
        bidirectional: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::RoutingGroupConnector) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        let mut args = Args::new(child, "to SERVER | cost NUMBER | bidirectional");
        match key.as_str() {
            "to" => rgc.to = args.name(b, "the legacy server's name", ValueKind::Computer),
            "cost" => rgc.cost = args.number(b, "a cost such as `100`"),
            _ => rgc.bidirectional = Some(child.keyword_span),
        }
        args.finish(b);
    }
    if ok && !seen.has("to") {
        let message = format!("routing group connector `{}` has no `to`", rgc.name.node);
        b.missing(
            stmt,
            message,
            "add `to SERVER`, the Exchange 2003 bridgehead it connects to",
        );
    }
    ok.then_some(rgc)
}

/// `cross-forest-connector "NAME" { address-space "..."; smart-host "..."; auth ...; tls }`
fn build_cross_forest_connector(b: &mut Builder, stmt: &Stmt) -> Option<CrossForestConnector> {
    let mut args = Args::new(stmt, "cross-forest-connector \"Name\" { ... }");
    let name = args.name(b, "the connector's name", ValueKind::Text);
    let ok = args.finish(b);
    let mut cfc = CrossForestConnector {
        name: args::blank(name),
        address_space: None,
        smart_host: None,
        auth: None,
        tls: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::CrossForestConnector) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        let mut args = Args::new(
            child,
            "address-space|smart-host \"...\" | auth basic|externally-secured|none | tls",
        );
        match key.as_str() {
            "address-space" => {
                cfc.address_space = args.name(b, "an address space", ValueKind::AddressSpace)
            }
            "smart-host" => cfc.smart_host = args.name(b, "a host name", ValueKind::Host),
            "auth" => {
                cfc.auth = args.choice(
                    b,
                    "`basic`, `externally-secured` or `none`",
                    schema::CONNECTOR_AUTH,
                )
            }
            _ => cfc.tls = Some(child.keyword_span),
        }
        args.finish(b);
    }
    for (key, help, add) in [
        (
            "address-space",
            "add `address-space \"fabrikam.com\"`, the domain it sends to",
            &[][..],
        ),
        (
            "smart-host",
            "add `smart-host \"mail.fabrikam.com\"`, the other forest's server",
            &[],
        ),
        (
            "auth",
            "write `auth basic`, `auth externally-secured` or `auth none`: exgen never picks an authentication method for you",
            &["auth basic", "auth externally-secured", "auth none"],
        ),
    ] {
        if ok && !seen.has(key) {
            let message = format!("cross-forest connector `{}` has no `{key}`", cfc.name.node);
            b.missing_one_of(stmt, message, help, add);
        }
    }
    ok.then_some(cfc)
}
