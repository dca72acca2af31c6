//! Client access, certificates and namespaces (R09, R10, R11, R12, R13, R14).

use super::super::names::NAMESPACE_KINDS;
use super::{Builder, Ref};
use crate::analyze::Cx;
use crate::analyze::NameKind;
use crate::diag::suggest;
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;
use crate::step_kind::StepKind;
use crate::syntax::ast;

pub(super) fn certificate(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    cert: &ast::Certificate,
    span: Span,
    out: &mut ir::Plan,
) {
    let servers: Vec<Ref<'_>> = cert
        .servers
        .iter()
        .filter_map(|s| b.server(cx, s))
        .collect();
    if servers.len() != cert.servers.len() {
        return;
    }
    let Some(first) = servers.first() else { return };
    if !first.new {
        cx.report(
            Diagnostic::new(Code::E0404, cert.servers[0].span, format!("the certificate request is made on `{}`, which this plan does not install", first.name))
                .with_label("request server")
                .with_help("name a new server first: the request is made there, then the certificate is copied to the others"),
        );
        return;
    }
    let mut names = Vec::new();
    for name in &cert.names {
        let host = match name {
            ast::CertName::Host(host) => Some(host.node.clone()),
            ast::CertName::Namespace(kind) => namespace_ref(cx, b, kind),
        };
        if let Some(host) =
            host.filter(|h| !names.iter().any(|n: &String| n.eq_ignore_ascii_case(h)))
        {
            names.push(host);
        }
    }
    let services: Vec<String> = if cert.services.is_empty() {
        vec!["IIS".to_owned(), "SMTP".to_owned()]
    } else {
        cert.services.iter().map(|s| s.to_uppercase()).collect()
    };
    let subject = cert.subject.as_ref().map_or_else(
        || format!("CN={}", names.first().cloned().unwrap_or_default()),
        |s| s.node.clone(),
    );
    out.certificates.push(ir::Certificate {
        request_on: first.name.clone(),
        request_version: first.version.clone(),
        install_on: servers
            .iter()
            .map(|s| (s.name.clone(), s.version.clone()))
            .collect(),
        subject,
        friendly_name: cert
            .friendly_name
            .as_ref()
            .map_or_else(|| format!("{} (exgen)", out.title), |f| f.node.clone()),
        names,
        services,
        origin: cx.origin(span),
    });
}

/// A namespace kind used as a value: declared (E0204) and known (E0107).
pub(super) fn namespace_ref(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    kind: &ast::Text,
) -> Option<String> {
    let key = kind.to_lowercase();
    if !NAMESPACE_KINDS.contains(&key.as_str()) {
        let help = suggest::help(&key, NAMESPACE_KINDS, || {
            "write a namespace kind (`primary`, `autodiscover`, `legacy`) or a host name in quotes"
                .to_owned()
        });
        cx.report(
            Diagnostic::new(
                Code::E0107,
                kind.span,
                format!("unknown namespace kind `{}`", kind.node),
            )
            .with_label("not a namespace kind")
            .with_help(help),
        );
        return None;
    }
    if let Some(ns) = b.symbols.namespace(&key) {
        b.symbols.note(NameKind::Namespace, kind.span, ns.kind.span);
    }
    let host = b.namespace(&key);
    if host.is_none() {
        cx.report(
            Diagnostic::new(
                Code::E0204,
                kind.span,
                format!("namespace `{key}` is not declared"),
            )
            .with_label("used here")
            .with_help(format!(
                "declare it: `namespaces {{ {key} \"host.example.com\" }}`"
            )),
        );
    }
    host
}

pub(super) fn client_access(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    ca: &ast::ClientAccess,
    span: Span,
    out: &mut ir::Plan,
) {
    let role = b.versions.spec.roles.client_access_role();
    let Some(server) = b.new_server(cx, &ca.server, role, "client access is configured") else {
        return;
    };
    let origin = cx.origin(span);
    let primary = b.namespace("primary");
    let need_primary = |cx: &mut Cx<'_>, at: Span, what: &str| -> Option<String> {
        if primary.is_none() {
            cx.report(
                Diagnostic::new(
                    Code::E0603,
                    at,
                    format!("{what} defaults to the `primary` namespace, which is not declared"),
                )
                .with_label("needs a host name")
                .with_help(
                    "declare `namespaces { primary \"mail.example.com\" }` or give the host here",
                ),
            );
        }
        primary.clone()
    };
    let outlook_anywhere = ca.outlook_anywhere.as_ref().and_then(|oa| {
        let host = match &oa.host {
            Some(h) => Some(h.node.clone()),
            None => need_primary(cx, oa.span, "the Outlook Anywhere host"),
        }?;
        let auth = oa.auth.as_ref()?;
        let iis_auth = oa.iis_auth.iter().map(|a| auth_name(&a.node)).collect();
        Some(ir::OutlookAnywhere {
            host,
            auth: auth_name(&auth.node),
            ssl_offloading: oa.ssl_offloading.as_ref().is_some_and(|s| s.node),
            iis_auth,
            origin: cx.origin(oa.span),
        })
    });
    let urls = ca.urls.as_ref();
    let internal = urls
        .and_then(|u| u.internal.as_ref())
        .map(|h| h.node.clone());
    let external = urls
        .and_then(|u| u.external.as_ref())
        .map(|h| h.node.clone());
    let at = urls.map_or(ca.server.span, |u| u.span);
    let internal_host = internal
        .or_else(|| need_primary(cx, at, "the internal URL host"))
        .unwrap_or_default();
    let external_host = external.or_else(|| primary.clone()).unwrap_or_default();
    let autodiscover_host = match &ca.autodiscover {
        Some(h) => h.node.clone(),
        None => b
            .namespace("autodiscover")
            .unwrap_or_else(|| internal_host.clone()),
    };
    let offline_address_book = ca
        .offline_address_book
        .as_ref()
        .map(|o| (o.node.clone(), cx.origin(o.span)));
    if let Some(dup) = out.client_access.iter().find(|c| c.server == server.name) {
        let line = dup.origin.line;
        cx.report(
            Diagnostic::new(
                Code::E0201,
                ca.server.span,
                format!("client access for `{}` is configured twice", server.name),
            )
            .with_label(format!("first configured on line {line}"))
            .with_help("merge the two `client-access` blocks"),
        );
        return;
    }
    out.client_access.push(ir::ClientAccess {
        server: server.name.clone(),
        version: server.version.clone(),
        outlook_anywhere,
        offline_address_book,
        internal_host,
        external_host,
        autodiscover_host,
        new: true,
        origin,
    });
}

/// The parameter value Exchange uses for an authentication keyword.
pub(super) fn auth_name(word: &str) -> String {
    match word.to_ascii_lowercase().as_str() {
        "basic" => "Basic".to_owned(),
        "ntlm" => "Ntlm".to_owned(),
        "negotiate" => "Negotiate".to_owned(),
        other => other.to_owned(),
    }
}

/// Every new Client Access server gets its post-install URLs, even without a
/// `client-access` block: Autodiscover SCP and virtual directories on the primary namespace.
pub(super) fn post_install_defaults(cx: &mut Cx<'_>, b: &Builder<'_, '_, '_>, out: &mut ir::Plan) {
    let new_cas: Vec<&ir::Server> = out
        .servers
        .iter()
        .filter(|s| s.new && s.has(ir::Role::Cas))
        .collect();
    let mut added = Vec::new();
    for server in new_cas {
        if out.client_access.iter().any(|c| c.server == server.name) {
            continue;
        }
        let Some(primary) = b.namespace("primary") else {
            let span = b
                .symbols
                .servers
                .get(&server.name.to_lowercase())
                .map_or_else(Span::default, |s| s.server.name.span);
            cx.report(
                Diagnostic::new(Code::E0603, span, format!("new Client Access server `{}` needs the `primary` namespace for its URLs", server.name))
                    .with_label("new Client Access server")
                    .with_help("declare `namespaces { primary \"mail.example.com\"; autodiscover \"autodiscover.example.com\" }`"),
            );
            continue;
        };
        added.push(ir::ClientAccess {
            server: server.name.clone(),
            version: server.exchange.version.clone(),
            outlook_anywhere: None,
            offline_address_book: None,
            internal_host: primary.clone(),
            external_host: primary.clone(),
            autodiscover_host: b.namespace("autodiscover").unwrap_or(primary),
            new: true,
            origin: server.origin.clone(),
        });
    }
    out.client_access.extend(added);
}

pub(super) fn mail_flow(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    mf: &ast::MailFlow,
    span: Span,
    out: &mut ir::Plan,
) {
    let transport = b.versions.spec.roles.transport_role();
    let Some(server) = b.new_server(cx, &mf.server, transport, "mail flow is configured") else {
        return;
    };
    let routing_group_connectors = mf
        .routing_group_connectors
        .iter()
        .filter_map(|rgc| super::legacy::routing_group_connector(cx, b, rgc, &server.name))
        .collect();
    let mut cross_forest_connectors = Vec::new();
    for xf in &mf.cross_forest_connectors {
        if b.versions.spec.carries_out(StepKind::CrossForestConnector) {
            cross_forest_connectors.extend(super::forests::cross_forest_connector(
                cx,
                xf,
                &server.name,
            ));
        } else {
            cx.not_generated(xf.name.span, "a cross-forest connector");
        }
    }
    let mut accepted_domains = Vec::new();
    for ad in &mf.accepted_domains {
        if b.versions.spec.carries_out(StepKind::AcceptedDomain) {
            accepted_domains.push(super::forests::accepted_domain(cx, ad));
        } else {
            cx.not_generated(ad.domain.span, "an accepted domain");
        }
    }
    // R13: a gateway or relay in front delivers anonymously too; the runbook points it at the
    // new server.
    let inbound = match &mf.inbound {
        Some(ast::Inbound::Anonymous(at)) => Some(ir::Inbound {
            gateway: None,
            origin: cx.origin(*at),
        }),
        Some(ast::Inbound::Gateway(host)) => Some(ir::Inbound {
            gateway: Some(host.node.clone()),
            origin: cx.origin(host.span),
        }),
        None => None,
    };
    out.mail_flow.push(ir::MailFlow {
        server: server.name.clone(),
        version: server.version.clone(),
        inbound,
        send_connectors: mf
            .send_connectors
            .iter()
            .map(|c| ir::SendConnector {
                name: c.name.node.clone(),
                smart_host: c.smart_host.as_ref().map(|h| h.node.clone()),
                origin: cx.origin(c.name.span),
            })
            .collect(),
        routing_group_connectors,
        cross_forest_connectors,
        accepted_domains,
        origin: cx.origin(span),
    });
}

/// R09 and facts §6.3: a legacy namespace exactly while servers of a version that needs one
/// still serve clients.
pub(super) fn namespace_rules(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    plan: &ast::Plan,
    out: &ir::Plan,
) {
    let spec = b.versions.spec;
    if b.versions.servers.len() != b.symbols.servers.len() {
        return; // a server's version did not resolve (reported); which legacy names apply is unknown
    }
    let legacy_cas: Vec<&ir::Server> = out
        .servers
        .iter()
        .filter(|s| {
            !s.new
                && s.has(ir::Role::Cas)
                && spec.legacy_namespace_for.contains(&s.exchange.version)
        })
        .collect();
    let declared = b.symbols.namespace("legacy");
    match (legacy_cas.first(), declared) {
        (Some(server), None) => {
            let span = namespaces_span(plan).unwrap_or(plan.title.span);
            cx.report(
                Diagnostic::new(Code::E0602, span, format!("Exchange {} clients of `{}` need a legacy namespace", server.exchange.version, server.name))
                    .with_label("no `legacy` namespace")
                    .with_help("add `legacy \"legacy.example.com\"` to `namespaces`: the current names move to the new servers (R09)"),
            );
        }
        (None, Some(ns)) => {
            cx.report(
                Diagnostic::new(
                    Code::E0602,
                    ns.kind.span,
                    "a legacy namespace is declared, but no older Client Access server needs one",
                )
                .with_label("not needed")
                .with_help(format!(
                    "Exchange {} needs a legacy name only for {} Client Access servers; remove it",
                    spec.version,
                    spec.legacy_namespace_for.join(" or ")
                )),
            );
        }
        _ => {}
    }
}

pub(super) fn namespaces_span(plan: &ast::Plan) -> Option<Span> {
    plan.items
        .iter()
        .find(|i| matches!(i.kind, ast::ItemKind::Namespaces(_)))
        .map(|i| i.keyword)
}

/// R10: the certificate on the new servers covers every namespace in use.
pub(super) fn certificate_coverage(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    plan: &ast::Plan,
    out: &ir::Plan,
) {
    let in_use: Vec<(&str, String)> = NAMESPACE_KINDS
        .iter()
        .filter_map(|k| b.namespace(k).map(|h| (*k, h)))
        .collect();
    if in_use.is_empty() {
        return;
    }
    let certs: Vec<&ast::Item> = plan
        .items
        .iter()
        .filter(|i| matches!(i.kind, ast::ItemKind::Certificate(_)))
        .collect();
    if certs.is_empty() {
        let span = namespaces_span(plan).unwrap_or(plan.title.span);
        let names: Vec<&str> = in_use.iter().map(|(k, _)| *k).collect();
        cx.report(
            Diagnostic::new(
                Code::E0601,
                span,
                "no certificate covers the namespaces in use",
            )
            .with_label("these names need a certificate")
            .with_help(format!(
                "add `certificate on SERVER {{ names {} }}` (R10)",
                names.join(" ")
            )),
        );
        return;
    }
    if certs.len() != out.certificates.len() {
        return; // a certificate failed to resolve and was reported already
    }
    // Every new Client Access server answers on the namespaces, so each needs the certificate.
    for server in out.servers.iter().filter(|s| s.new && s.has(ir::Role::Cas)) {
        if !out
            .certificates
            .iter()
            .any(|c| c.install_on.iter().any(|(n, _)| *n == server.name))
        {
            cx.report(
                Diagnostic::new(
                    Code::E0601,
                    certs[0].keyword,
                    format!(
                        "new Client Access server `{}` gets no certificate",
                        server.name
                    ),
                )
                .with_label("installed on other servers only")
                .with_help(format!(
                    "add `{}` to the servers after `certificate on` (R10)",
                    server.name
                )),
            );
        }
    }
    legacy_cas_certificate(cx, b, &certs, out);
    for (cert, item) in out.certificates.iter().zip(&certs) {
        client_hosts(cx, cert, item, out);
        for (kind, host) in &in_use {
            if !cert.names.iter().any(|n| covers(n, host)) {
                cx.report(
                    Diagnostic::new(
                        Code::E0601,
                        item.keyword,
                        format!("the certificate does not cover the `{kind}` namespace `{host}`"),
                    )
                    .with_label("certificate")
                    .with_help(format!("add `{kind}` to its `names` (R10)")),
                );
            }
        }
    }
}

/// R38: while the target needs it, every older Client Access server that answers on the legacy
/// namespace (those of the internet-facing site) gets the certificate too (E0314).
fn legacy_cas_certificate(
    cx: &mut Cx<'_>,
    b: &Builder<'_, '_, '_>,
    certs: &[&ast::Item],
    out: &ir::Plan,
) {
    let spec = b.versions.spec;
    let Some(rule) = spec.legacy_cas_certificate.as_ref().filter(|f| f.value) else {
        return;
    };
    if b.namespace("legacy").is_none() {
        return;
    }
    for server in out.servers.iter().filter(|s| {
        !s.new
            && s.has(ir::Role::Cas)
            && spec.legacy_namespace_for.contains(&s.exchange.version)
            && out.faces_internet(&s.site)
    }) {
        if out
            .certificates
            .iter()
            .any(|c| c.install_on.iter().any(|(n, _)| *n == server.name))
        {
            continue;
        }
        let code = if rule.confidence == crate::specs::Confidence::Unverified {
            Code::W0301
        } else {
            Code::E0314
        };
        cx.report(
            Diagnostic::new(
                code,
                certs[0].keyword,
                format!(
                    "Exchange {} Client Access server `{}` answers on the legacy namespace but gets no certificate",
                    server.exchange.version, server.name
                ),
            )
            .with_label("certificate")
            .with_help(format!(
                "add `{}` to the servers after `certificate on` ({})",
                server.name, rule.source
            )),
        );
    }
}

/// The host names clients reach a certificate's Client Access servers by (Outlook Anywhere,
/// virtual directory URLs, Autodiscover) must be on it too, or clients see certificate errors.
pub(super) fn client_hosts(
    cx: &mut Cx<'_>,
    cert: &ir::Certificate,
    item: &ast::Item,
    out: &ir::Plan,
) {
    let mut reported: Vec<String> = Vec::new();
    for ca in out
        .client_access
        .iter()
        .filter(|c| cert.install_on.iter().any(|(s, _)| *s == c.server))
    {
        let oa = ca
            .outlook_anywhere
            .as_ref()
            .map(|o| (o.host.as_str(), "the Outlook Anywhere host"));
        let hosts = [
            (ca.internal_host.as_str(), "the internal URL host"),
            (ca.external_host.as_str(), "the external URL host"),
            (ca.autodiscover_host.as_str(), "the Autodiscover host"),
        ];
        for (host, what) in oa.into_iter().chain(hosts) {
            if host.is_empty()
                || cert.names.iter().any(|n| covers(n, host))
                || reported.contains(&host.to_owned())
            {
                continue;
            }
            reported.push(host.to_owned());
            cx.report(
                Diagnostic::new(
                    Code::E0601,
                    item.keyword,
                    format!(
                        "the certificate does not cover `{host}`, {what} of `{}`",
                        ca.server
                    ),
                )
                .with_label("certificate")
                .with_help(format!("add \"{host}\" to its `names` (R10)")),
            );
        }
    }
}

/// Whether a certificate name covers a host: the same name, or a wildcard one level up.
pub(super) fn covers(name: &str, host: &str) -> bool {
    if name.eq_ignore_ascii_case(host) {
        return true;
    }
    name.strip_prefix("*.").is_some_and(|parent| {
        host.split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest.eq_ignore_ascii_case(parent))
    })
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_level() {
        assert!(covers("mail.contoso.com", "MAIL.contoso.com"));
        assert!(covers("*.contoso.com", "mail.contoso.com"));
        assert!(!covers("*.contoso.com", "contoso.com"));
        assert!(!covers("*.contoso.com", "a.b.contoso.com"));
        assert!(!covers("*.contoso.com", "mail.contoso.net"));
    }
}
