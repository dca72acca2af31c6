//! Builders for what the organization is made of: organization, target, media, forests,
//! namespaces, sites and servers, databases and certificates.

use super::args::{self, Args};
use super::ast::{
    Ccr, CertName, Certificate, Cluster, Dag, Database, DatabaseKind, Forest, ItemKind, Namespace,
    Organization, Server, Site,
};
use super::build::{Builder, Seen, build_version};
use super::parser::{ArgKind, Stmt};
use super::schema::{self, BlockKind};
use super::values::ValueKind;
use crate::source::Spanned;

/// `organization "Contoso" [mode native|mixed]`
pub fn build_organization(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "organization \"Name\" [mode native|mixed]");
    let name = args.name(b, "the organization's name", ValueKind::Text);
    let mode = if args.eat("mode").is_some() {
        args.choice(b, "`native` or `mixed`", schema::MODES)
    } else {
        None
    };
    let ok = args.finish(b);
    b.no_block(stmt);
    ok.then_some(ItemKind::Organization(Organization { name: name?, mode }))
}

/// `target exchange 2010 sp3`
pub fn build_target(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "target exchange VERSION [UPDATE]");
    let version = build_version(b, &mut args, None);
    b.no_block(stmt);
    version.map(ItemKind::Target)
}

/// `media "\\fs01\media\Exchange2010SP3"`
pub fn build_media(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "media \"\\\\server\\share\\folder\"");
    let path = args.string(b, "the setup media's path as a string", ValueKind::Path);
    let ok = args.finish(b);
    b.no_block(stmt);
    ok.then_some(ItemKind::Media(path?))
}

/// `forest "contoso.com" { functional-level 2003; domain "contoso.com" }`
pub fn build_forest(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "forest \"contoso.com\" { ... }");
    let name = args.name(b, "the forest's root domain", ValueKind::Domain);
    let ok = args.finish(b);
    let mut forest = Forest {
        name: args::blank(name),
        functional_level: None,
        domains: Vec::new(),
        global_catalog: None,
        ntaccount_ou: None,
        galsync_ou: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Forest) {
        b.no_block(child);
        let mut args = Args::new(
            child,
            "functional-level LEVEL | domain|global-catalog|ntaccount-ou|galsync-ou \"...\"",
        );
        match key.as_str() {
            "functional-level" if seen.first(b, child) => {
                forest.functional_level = args.value(b, "a functional level such as `2003`");
            }
            "domain" => forest
                .domains
                .extend(args.name(b, "a domain name", ValueKind::Domain)),
            "global-catalog" if seen.first(b, child) => {
                forest.global_catalog =
                    args.name(b, "a global catalog's host name", ValueKind::Host);
            }
            "ntaccount-ou" if seen.first(b, child) => {
                forest.ntaccount_ou =
                    args.name(b, "an OU's distinguished name as a string", ValueKind::Dn);
            }
            "galsync-ou" if seen.first(b, child) => {
                forest.galsync_ou =
                    args.name(b, "an OU's distinguished name as a string", ValueKind::Dn);
            }
            _ => continue,
        }
        args.finish(b);
    }
    ok.then_some(ItemKind::Forest(forest))
}

/// `namespaces { primary "mail.contoso.com"; autodiscover "..."; legacy "..." }`
pub fn build_namespaces(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "namespaces { primary \"host\" ... }");
    let ok = args.finish(b);
    let mut seen = Seen::default();
    let mut namespaces = Vec::new();
    for (key, child) in b.children(stmt, BlockKind::Namespaces) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        let mut args = Args::new(child, "primary|autodiscover|legacy \"host name\"");
        let host = args.name(b, "a host name", ValueKind::Host);
        if let (Some(host), true) = (host, args.finish(b)) {
            let kind = Spanned::new(key, child.keyword_span);
            namespaces.push(Namespace { kind, host });
        }
    }
    ok.then_some(ItemKind::Namespaces(namespaces))
}

/// `site "HQ" [internet-facing] { server ... }`
pub fn build_site(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(
        stmt,
        "site NAME [internet-facing] [forest \"root.domain\"] { server ... }",
    );
    let name = args.name(b, "the site's name", ValueKind::Text);
    let mut internet_facing = args.eat("internet-facing");
    let forest = if args.eat("forest").is_some() {
        args.name(b, "the forest's root domain", ValueKind::Domain)
    } else {
        None
    };
    if internet_facing.is_none() {
        internet_facing = args.eat("internet-facing");
    }
    let ok = args.finish(b);
    let mut servers = Vec::new();
    let mut cas_array = None;
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Site) {
        if key == "cas-array" {
            if seen.first(b, child) {
                b.no_block(child);
                let mut args = Args::new(child, "cas-array \"outlook.contoso.com\"");
                let host = args.name(
                    b,
                    "the Client Access array's internal host name",
                    ValueKind::Host,
                );
                if args.finish(b) {
                    cas_array = host.map(|h| (h, child.span));
                }
            }
        } else if let Some(server) = build_server(b, child) {
            servers.push(server);
        }
    }
    ok.then_some(ItemKind::Site(Site {
        name: name?,
        internet_facing,
        forest,
        servers,
        cas_array,
    }))
}

/// `server NAME { exchange ...; os "..."; roles ...; new; fqdn "..."; cluster ...; upgrade-to ... }`
fn build_server(b: &mut Builder, stmt: &Stmt) -> Option<Server> {
    let mut args = Args::new(stmt, "server NAME { exchange VERSION; roles ... }");
    let name = args.name(b, "the server's name", ValueKind::Computer);
    let ok = args.finish(b);
    let mut server = Server {
        name: args::blank(name),
        exchange: None,
        os: None,
        roles: Vec::new(),
        new: None,
        fqdn: None,
        cluster: None,
        upgrade_to: None,
        span: stmt.span,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Server) {
        b.no_block(child);
        if seen.first(b, child) {
            server_setting(b, &mut server, &key, child);
        }
    }
    if ok && !seen.has("exchange") {
        let message = format!("server `{}` has no `exchange` version", server.name.node);
        b.missing(
            stmt,
            message,
            "add `exchange VERSION UPDATE` (such as `exchange 2010 sp3`) to its block",
        );
    }
    ok.then_some(server)
}

/// One statement of a server block.
fn server_setting(b: &mut Builder, server: &mut Server, key: &str, stmt: &Stmt) {
    let mut args = Args::new(stmt, usage_of_server(key));
    match key {
        "exchange" => server.exchange = build_version(b, &mut args, Some(stmt.keyword_span)),
        "os" => server.os = args.string(b, "the operating system as a string", ValueKind::Text),
        "roles" => {
            server.roles = args::roles(b, &mut args);
            if server.roles.is_empty() {
                args.reject(b, "a role");
            }
        }
        "new" => server.new = Some(stmt.keyword_span),
        "fqdn" => server.fqdn = args.name(b, "the server's fully qualified name", ValueKind::Host),
        "cluster" => {
            let kind = args.choice(b, "`ccr`, `scc` or `dag`", schema::CLUSTER_KINDS);
            let name = args.name(b, "the cluster's name", ValueKind::Computer);
            if let (Some(kind), Some(name)) = (kind, name) {
                server.cluster = Some(Cluster { kind, name });
            }
        }
        "upgrade-to" => server.upgrade_to = build_version(b, &mut args, None),
        _ => {}
    }
    args.finish(b);
}

fn usage_of_server(key: &str) -> &'static str {
    match key {
        "exchange" => "exchange VERSION [UPDATE ...]",
        "os" => "os \"Windows Server 2008 R2\"",
        "roles" => "roles cas hub mailbox um edge",
        "new" => "new",
        "fqdn" => "fqdn \"host.contoso.com\"",
        "cluster" => "cluster ccr|scc|dag NAME",
        _ => "upgrade-to exchange VERSION [UPDATE ...]",
    }
}

/// `database NAME on SERVER [{ ... }]` and `public-folder-database NAME on SERVER [{ ... }]`
pub fn build_database(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let kind = if stmt.key() == "database" {
        DatabaseKind::Mailbox
    } else {
        DatabaseKind::PublicFolder
    };
    let mut args = Args::new(
        stmt,
        "database NAME on SERVER [{ edb \"...\"; logs \"...\" }]",
    );
    let name = args.name(b, "the database's name", ValueKind::Text);
    args.keyword(b, "on");
    let server = args.name(b, "a server name", ValueKind::Computer);
    let ok = args.finish(b);
    let mut paths = [None, None, None];
    let mut copies = Vec::new();
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Database) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        if key == "copies" {
            let mut args = Args::new(child, "copies SERVER [SERVER ...]");
            loop {
                copies.extend(args.name(b, "a server name", ValueKind::Computer));
                if !args.more() {
                    break;
                }
            }
            args.finish(b);
            continue;
        }
        let mut args = Args::new(child, "edb|logs|storage-group \"...\"");
        let slot = ["edb", "logs", "storage-group"]
            .iter()
            .position(|k| *k == key);
        let kind = if key == "storage-group" {
            ValueKind::Text
        } else {
            ValueKind::LocalPath
        };
        let value = args.name(b, "a path or name as a string", kind);
        if let (Some(slot), true) = (slot, args.finish(b)) {
            paths[slot] = value;
        }
    }
    let [edb, logs, storage_group] = paths;
    ok.then_some(ItemKind::Database(Database {
        kind,
        name: name?,
        server: server?,
        edb,
        logs,
        storage_group,
        copies,
    }))
}

/// `certificate on SERVER [SERVER ...] { names ...; subject "..."; friendly-name "..."; services ... }`
pub fn build_certificate(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "certificate on SERVER [SERVER ...] { names ... }");
    args.keyword(b, "on");
    let mut servers = Vec::new();
    loop {
        servers.extend(args.name(b, "a server name", ValueKind::Computer));
        if !args.more() {
            break;
        }
    }
    let ok = args.finish(b);
    let mut cert = Certificate {
        servers,
        names: Vec::new(),
        subject: None,
        friendly_name: None,
        services: Vec::new(),
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Certificate) {
        b.no_block(child);
        if seen.first(b, child) {
            certificate_setting(b, &mut cert, &key, child);
        }
    }
    if !seen.has("names") {
        b.missing(
            stmt,
            "the certificate has no `names`".to_owned(),
            "add `names primary autodiscover legacy` (namespace kinds, or host names as strings)",
        );
    }
    ok.then_some(ItemKind::Certificate(cert))
}

fn certificate_setting(b: &mut Builder, cert: &mut Certificate, key: &str, stmt: &Stmt) {
    let usage = match key {
        "names" => "names primary|autodiscover|legacy|\"host\" ...",
        "subject" => "subject \"CN=mail.contoso.com, O=Contoso\"",
        "friendly-name" => "friendly-name \"Exchange SAN\"",
        _ => "services iis smtp ...",
    };
    let mut args = Args::new(stmt, usage);
    match key {
        "names" => {
            while let Some(arg) = args.peek() {
                let name = if arg.kind == ArgKind::String {
                    args.string(b, "a host name", ValueKind::CertificateName)
                        .map(CertName::Host)
                } else {
                    let what = "a namespace kind or a host name as a string";
                    args.choice(b, what, schema::NAMESPACE_KINDS)
                        .map(CertName::Namespace)
                };
                cert.names.extend(name);
            }
            if cert.names.is_empty() {
                args.reject(b, "a namespace kind or a host name");
            }
        }
        "subject" => cert.subject = args.string(b, "the subject as a string", ValueKind::Dn),
        "friendly-name" => cert.friendly_name = args.name(b, "the friendly name", ValueKind::Text),
        "services" => {
            cert.services =
                args::words(b, &mut args, "a certificate service", schema::CERT_SERVICES);
            if cert.services.is_empty() {
                args.reject(b, "a certificate service");
            }
        }
        _ => {}
    }
    args.finish(b);
}

/// `dag NAME { witness SERVER "C:\\DAG1"; ip 10.0.0.8 [ADDRESS ...] | ip dhcp | ip none }`
pub fn build_dag(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(
        stmt,
        "dag NAME { witness SERVER \"C:\\DIR\"; ip ADDRESS ... }",
    );
    let name = args.name(b, "the DAG's name", ValueKind::Computer);
    let ok = args.finish(b);
    let mut dag = Dag {
        name: args::blank(name),
        witness: None,
        ip: Vec::new(),
        ip_span: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Dag) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        if key == "witness" {
            let mut args = Args::new(child, "witness SERVER \"C:\\DIR\"");
            let server = args.name(b, "the witness server's name", ValueKind::Host);
            let dir = args.string(b, "the witness directory as a string", ValueKind::Path);
            if let (Some(server), Some(dir), true) = (server, dir, args.finish(b)) {
                dag.witness = Some((server, dir));
            }
        } else {
            let mut args = Args::new(child, "ip ADDRESS [ADDRESS ...] | ip dhcp | ip none");
            let mut ip = Vec::new();
            loop {
                ip.extend(args.address(b, "an IPv4 address, `dhcp` or `none`", ValueKind::Address));
                if !args.more() {
                    break;
                }
            }
            if args.finish(b) {
                dag.ip = ip;
                dag.ip_span = Some(child.span);
            }
        }
    }
    if ok && !seen.has("witness") {
        b.missing(
            stmt,
            format!("DAG `{}` has no `witness`", dag.name.node),
            "add `witness SERVER \"C:\\DIR\"`: a file server outside the DAG and a local folder on it",
        );
    }
    if ok && !seen.has("ip") {
        b.missing_one_of(
            stmt,
            format!("DAG `{}` has no `ip`", dag.name.node),
            "add `ip ADDRESS ...` (one static IPv4 address per subnet of its members), `ip dhcp`, or `ip none` for a DAG without an administrative access point",
            &["ip dhcp", "ip none"],
        );
    }
    ok.then_some(ItemKind::Dag(dag))
}

/// `ccr NAME { ip ADDRESS; witness SERVER "C:\\DIR" }`: the clustered mailbox server of a
/// two-node CCR cluster (Exchange 2007).
pub fn build_ccr(b: &mut Builder, stmt: &Stmt) -> Option<ItemKind> {
    let mut args = Args::new(stmt, "ccr NAME { ip ADDRESS; witness SERVER \"C:\\DIR\" }");
    let name = args.name(
        b,
        "the clustered mailbox server's name",
        ValueKind::Computer,
    );
    let ok = args.finish(b);
    let mut ccr = Ccr {
        name: args::blank(name),
        ip: None,
        witness: None,
    };
    let mut seen = Seen::default();
    for (key, child) in b.children(stmt, BlockKind::Ccr) {
        b.no_block(child);
        if !seen.first(b, child) {
            continue;
        }
        if key == "witness" {
            let mut args = Args::new(child, "witness SERVER \"C:\\DIR\"");
            let server = args.name(
                b,
                "the file share witness server's name",
                ValueKind::Computer,
            );
            let dir = args.string(b, "the witness directory as a string", ValueKind::Path);
            if let (Some(server), Some(dir), true) = (server, dir, args.finish(b)) {
                ccr.witness = Some((server, dir));
            }
        } else {
            let mut args = Args::new(child, "ip ADDRESS");
            let ip = args.address(
                b,
                "the clustered mailbox server's IPv4 address",
                ValueKind::Address,
            );
            if args.finish(b) {
                ccr.ip = ip;
            }
        }
    }
    if ok && !seen.has("ip") {
        b.missing(
            stmt,
            format!("clustered mailbox server `{}` has no `ip`", ccr.name.node),
            "add `ip ADDRESS`: the static IPv4 address of the clustered mailbox server on the public network",
        );
    }
    if ok && !seen.has("witness") {
        b.missing(
            stmt,
            format!("clustered mailbox server `{}` has no `witness`", ccr.name.node),
            "add `witness SERVER \"C:\\DIR\"`: the file share witness of the cluster's majority node set quorum, on a server outside the cluster (a Hub Transport server is recommended)",
        );
    }
    ok.then_some(ItemKind::Ccr(ccr))
}
