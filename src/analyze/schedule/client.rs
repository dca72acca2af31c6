//! Client access URLs, the legacy namespace, certificates, mail flow and validation
//! (R09–R14).

use super::Steps;
use crate::ir::steps::{
    AcceptedDomainStep, CertificateImport, CertificateInstall, CertificateRequest,
    ClientAccessArray, CrossForestConnectorStep, InboundAnonymous, LegacyOwa, LegacyUrls,
    LegacyVirtualDirectory, OfflineAddressBookStep, OutlookAnywhereStep, PostInstall,
    RoutingGroupConnectorStep, SendConnectorStep, StepContext, StepKind, ValidateStep,
    VirtualDirectoryUrls,
};
use crate::ir::{self, Role};

pub(super) fn url(host: &str, path: &str) -> String {
    format!("https://{host}{path}")
}

/// Post-install URLs (Autodiscover SCP, virtual directories), Outlook Anywhere and OAB.
pub(super) fn client_access(s: &mut Steps<'_>) {
    for ca in &s.plan.client_access {
        let Some(spec) = s.specs.get(&ca.version) else {
            continue;
        };
        let virtual_directories = spec
            .virtual_directories
            .iter()
            .map(|v| VirtualDirectoryUrls {
                noun: v.noun.clone(),
                name: v.name.clone(),
                internal: url(&ca.internal_host, &v.path),
                external: url(&ca.external_host, &v.path),
            })
            .collect();
        let shell = Steps::exchange(&ca.version);
        let context = PostInstall {
            server: ca.server.clone(),
            scp: url(&ca.autodiscover_host, "/Autodiscover/Autodiscover.xml"),
            virtual_directories,
        };
        s.push(shell.clone(), &ca.origin, StepContext::PostInstall(context));
        if let Some(oa) = outlook_anywhere(s, ca) {
            let origin = oa.origin.clone();
            let context = OutlookAnywhereStep {
                server: ca.server.clone(),
                oa,
                internal_host: ca.internal_host.clone(),
            };
            s.push(
                shell.clone(),
                &origin,
                StepContext::OutlookAnywhere(context),
            );
        }
        if let Some((oab, origin)) = &ca.offline_address_book {
            // The new mailbox databases of this version get the OAB explicitly (2013+).
            let databases = s
                .plan
                .databases
                .iter()
                .filter(|d| {
                    d.create && d.kind == ir::DatabaseKind::Mailbox && d.version == ca.version
                })
                .map(|d| d.name.clone())
                .collect();
            let context = OfflineAddressBookStep {
                server: if spec.oab_generating_mailbox {
                    ca.server.clone()
                } else {
                    oab_generator(s, &ca.server)
                },
                distributed_by: ca.server.clone(),
                oab: oab.clone(),
                databases,
                moves_default: !spec.oab_generating_mailbox,
            };
            s.push(
                shell.clone(),
                origin,
                StepContext::OfflineAddressBook(context),
            );
        }
    }
}

/// Facts §6.2 (point 2 of the third consultant review): where a server generates the OAB (2007,
/// 2010), it is a Mailbox server: the Client Access server named in the plan if it has the role,
/// else a new Mailbox server of its site (else of any site); a CCR node's databases, and so its
/// OAB generation, belong to its clustered mailbox server.
fn oab_generator(s: &Steps<'_>, cas: &str) -> String {
    let plan = s.plan;
    let Some(x) = s.server(cas) else {
        return cas.to_owned();
    };
    let mailbox = if x.has(Role::Mailbox) {
        Some(x)
    } else {
        let new_mailbox = || {
            plan.servers.iter().filter(|m| {
                m.new && m.has(Role::Mailbox) && m.exchange.version == x.exchange.version
            })
        };
        new_mailbox()
            .find(|m| m.site == x.site)
            .or_else(|| new_mailbox().next())
    };
    let Some(m) = mailbox else {
        return cas.to_owned();
    };
    plan.ccrs
        .iter()
        .find(|c| c.has_node(&m.name))
        .map_or_else(|| m.name.clone(), |c| c.name.clone())
}

/// The Outlook Anywhere settings of a Client Access server: its own, or, where the version has
/// Outlook Anywhere always on (2013 and later, facts §6.3), every new Client Access server of
/// the target gets the plan's first settings (or the external host with NTLM), since
/// Autodiscover hands out the settings of a server in each mailbox's site (point 8 of the
/// consultant review): a server left at its defaults offers its own name, which the
/// certificate does not cover.
fn outlook_anywhere(s: &Steps<'_>, ca: &ir::ClientAccess) -> Option<ir::OutlookAnywhere> {
    if let Some(oa) = &ca.outlook_anywhere {
        return Some(oa.clone());
    }
    let always_on = s
        .specs
        .get(&ca.version)
        .is_some_and(|spec| spec.outlook_anywhere_always_on);
    if !always_on || !ca.new || ca.version != s.plan.target.version {
        return None;
    }
    let first = s
        .plan
        .client_access
        .iter()
        .find_map(|c| c.outlook_anywhere.as_ref());
    Some(match first {
        Some(oa) => ir::OutlookAnywhere {
            host: ca.external_host.clone(),
            origin: ca.origin.clone(),
            ..oa.clone()
        },
        None => ir::OutlookAnywhere {
            host: ca.external_host.clone(),
            auth: "Ntlm".to_owned(),
            ssl_offloading: false,
            iis_auth: Vec::new(),
            origin: ca.origin.clone(),
        },
    })
}

/// R09: older Client Access servers of the internet-facing site answer on the legacy name.
/// Those of other sites keep no external URL, so that the internet-facing ones proxy to them
/// (an external URL there would send their users to the legacy name, back to the
/// internet-facing site, in a loop).
pub(super) fn legacy_urls(s: &mut Steps<'_>) {
    let Some(legacy) = &s.plan.namespaces.legacy else {
        return;
    };
    let facing = |x: &&ir::Server| s.plan.faces_internet(&x.site);
    for server in s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new && x.has(Role::Cas))
        .filter(facing)
    {
        if !s
            .target
            .legacy_namespace_for
            .contains(&server.exchange.version)
        {
            continue;
        }
        let Some(spec) = s.specs.get(&server.exchange.version) else {
            continue;
        };
        if spec.shell.is_none() {
            continue; // a 2003 front-end: its users reach it through the new version's OWA (legacy_owa)
        }
        let virtual_directories = spec
            .virtual_directories
            .iter()
            .filter(|v| v.legacy)
            .map(|v| LegacyVirtualDirectory {
                noun: v.noun.clone(),
                name: v.name.clone(),
                external: url(&legacy.host, &v.path),
                source: v.source.clone(),
            })
            .collect();
        let new_cas = s
            .plan
            .servers
            .iter()
            .find(|x| x.new && x.has(Role::Cas))
            .map(|x| x.name.clone());
        let current_names = [&s.plan.namespaces.primary, &s.plan.namespaces.autodiscover]
            .into_iter()
            .flatten()
            .map(|n| n.host.clone())
            .collect();
        let context = LegacyUrls {
            server: server.name.clone(),
            legacy: legacy.host.clone(),
            virtual_directories,
            current_names,
            new_cas,
            switch_later: s.wants(StepKind::NamespaceSwitch),
        };
        s.push(
            Steps::exchange(&server.exchange.version),
            &legacy.origin,
            StepContext::LegacyUrls(context),
        );
    }
}

/// Facts §6.3: the new Client Access servers send OWA users whose mailbox is still on an
/// older version without a shell (2003) to its front-end on the legacy name
/// (`Set-OwaVirtualDirectory -Exchange2003Url` on 2010).
pub(super) fn legacy_owa(s: &mut Steps<'_>) {
    let (Some(rule), Some(legacy)) = (&s.target.legacy_owa_url, &s.plan.namespaces.legacy) else {
        return;
    };
    let back_ends: Vec<String> = s
        .plan
        .servers
        .iter()
        .filter(|x| !x.new && x.has(Role::Mailbox) && rule.versions.contains(&x.exchange.version))
        .map(|x| x.name.clone())
        .collect();
    // Who answers on the legacy name: the 2003 front-ends, or in a mixed organization the
    // older Client Access servers that serve 2003 mailboxes too (2007's /exchange).
    let front_ends: Vec<String> = s
        .plan
        .servers
        .iter()
        .filter(|x| {
            !x.new
                && x.has(Role::Cas)
                && s.target.legacy_namespace_for.contains(&x.exchange.version)
        })
        .map(|x| x.name.clone())
        .collect();
    if back_ends.is_empty() || front_ends.is_empty() {
        return;
    }
    let target = &s.plan.target.version;
    let servers: Vec<String> = s
        .plan
        .servers
        .iter()
        .filter(|x| x.new && x.has(Role::Cas) && x.exchange.version == *target)
        .map(|x| x.name.clone())
        .collect();
    // Front-ends of a version without a shell get their DNS name and certificate by hand.
    let by_hand: Vec<String> = s
        .plan
        .servers
        .iter()
        .filter(|x| front_ends.contains(&x.name) && rule.versions.contains(&x.exchange.version))
        .map(|x| x.name.clone())
        .collect();
    for server in servers {
        let context = LegacyOwa {
            server,
            by_hand: by_hand.clone(),
            url: url(&legacy.host, &rule.path),
            legacy: legacy.host.clone(),
            front_ends: front_ends.clone(),
            back_ends: back_ends.clone(),
            versions: rule.versions.clone(),
            source: rule.source.clone(),
            current_names: [&s.plan.namespaces.primary, &s.plan.namespaces.autodiscover]
                .into_iter()
                .flatten()
                .map(|n| n.host.clone())
                .collect(),
        };
        s.push(
            Steps::exchange(target),
            &legacy.origin,
            StepContext::LegacyOwa(context),
        );
    }
}

/// R10: request on the first server, install on every server named: the other servers of the
/// request's version from the installation script (`-Server`), or, where that version's
/// certificate cmdlets act on the local server only (`certificate_cmdlets_local`, 2007), each in
/// a script of its own run on it; servers of other versions in their own shell.
pub(super) fn certificates(s: &mut Steps<'_>) {
    for cert in &s.plan.certificates {
        let exported = cert.install_on.len() > 1;
        let request = CertificateRequest {
            server: cert.request_on.clone(),
            subject: cert.subject.clone(),
            names: cert.names.clone(),
            friendly_name: cert.friendly_name.clone(),
            exportable: exported,
        };
        // Run on the request server where the target's phase is per server (2013 writes the
        // request with -RequestFile, a path on that server; 2007's New-ExchangeCertificate has
        // no -Server and works on the local computer).
        s.push_on(
            Steps::exchange(&cert.request_version),
            Some(cert.request_on.clone()),
            &cert.origin,
            StepContext::CertificateRequest(request),
        );
        let same: Vec<&String> = cert
            .install_on
            .iter()
            .filter(|(_, v)| *v == cert.request_version)
            .map(|(n, _)| n)
            .collect();
        let others: Vec<&(String, String)> = cert
            .install_on
            .iter()
            .filter(|(_, v)| *v != cert.request_version)
            .collect();
        let local = s
            .specs
            .get(&cert.request_version)
            .and_then(|spec| spec.certificate_cmdlets_local.as_ref())
            .is_some_and(|f| f.value);
        let also: Vec<String> = same.iter().skip(1).map(|n| (*n).clone()).collect();
        let (also, imports) = if local {
            (Vec::new(), also)
        } else {
            (also, Vec::new())
        };
        let install = CertificateInstall {
            server: cert.request_on.clone(),
            also,
            services: cert.services.clone(),
            export: !others.is_empty() || same.len() > 1,
            friendly_name: cert.friendly_name.clone(),
            names: cert.names.clone(),
        };
        s.push_on(
            Steps::exchange(&cert.request_version),
            Some(cert.request_on.clone()),
            &cert.origin,
            StepContext::CertificateInstall(install),
        );
        for server in imports {
            let context = CertificateImport {
                server: server.clone(),
                from: cert.request_on.clone(),
                services: cert.services.clone(),
                friendly_name: cert.friendly_name.clone(),
                names: cert.names.clone(),
            };
            s.push_on(
                Steps::exchange(&cert.request_version),
                Some(server),
                &cert.origin,
                StepContext::CertificateImport(context),
            );
        }
        for (server, version) in others {
            let context = CertificateImport {
                server: server.clone(),
                from: cert.request_on.clone(),
                services: vec!["IIS".to_owned()],
                friendly_name: cert.friendly_name.clone(),
                names: cert.names.clone(),
            };
            s.push_on(
                Steps::exchange(version),
                Some(server.clone()),
                &cert.origin,
                StepContext::CertificateLegacy(context),
            );
        }
    }
}

/// R13, R14: anonymous inbound mail and send connector sources.
pub(super) fn mail_flow(s: &mut Steps<'_>) {
    for mf in &s.plan.mail_flow {
        let shell = Steps::exchange(&mf.version);
        if let Some(inbound) = &mf.inbound {
            // Where the version receives internet mail on its Client Access servers (2013's
            // front end transport), those of the new servers in the same site.
            let site = s.server(&mf.server).map(|x| x.site.clone());
            let frontend = s
                .plan
                .servers
                .iter()
                .filter(|x| x.new && x.has(Role::Cas) && Some(&x.site) == site.as_ref())
                .map(|x| x.name.clone())
                .collect();
            let context = InboundAnonymous {
                server: mf.server.clone(),
                frontend,
                gateway: inbound.gateway.clone(),
            };
            s.push(
                shell.clone(),
                &inbound.origin,
                StepContext::InboundAnonymous(context),
            );
        }
        for c in &mf.send_connectors {
            let context = SendConnectorStep {
                server: mf.server.clone(),
                connector: c.name.clone(),
                smart_host: c.smart_host.clone(),
            };
            s.push(
                shell.clone(),
                &c.origin,
                StepContext::SendConnector(context),
            );
        }
    }
}

/// Facts §6.5, R44: routing group connectors from the new Hub Transport server to the 2000/2003
/// bridgeheads, created in the new version's shell.
pub(super) fn routing_group_connectors(s: &mut Steps<'_>) {
    let Some(routing) = &s.target.legacy_routing else {
        return;
    };
    for mf in &s.plan.mail_flow {
        for rgc in &mf.routing_group_connectors {
            let context = RoutingGroupConnectorStep {
                rgc: rgc.clone(),
                routing_group: routing.routing_group.clone(),
                administrative_group: routing.administrative_group.clone(),
                source: routing.source.clone(),
            };
            s.push(
                Steps::exchange(&mf.version),
                &rgc.origin,
                StepContext::RoutingGroupConnector(context),
            );
        }
    }
}

/// R25 and R24: accepted domains, then the send connectors to the other forests, in the
/// shell of the transport server's version.
pub(super) fn cross_forest(s: &mut Steps<'_>) {
    for mf in &s.plan.mail_flow {
        let shell = Steps::exchange(&mf.version);
        for ad in &mf.accepted_domains {
            let context = AcceptedDomainStep { ad: ad.clone() };
            s.push(
                shell.clone(),
                &ad.origin,
                StepContext::AcceptedDomain(context),
            );
        }
        for xf in &mf.cross_forest_connectors {
            let context = CrossForestConnectorStep { xf: xf.clone() };
            s.push(
                shell.clone(),
                &xf.origin,
                StepContext::CrossForestConnector(context),
            );
        }
    }
}

pub(super) fn validations(s: &mut Steps<'_>) {
    let before = s.wants(StepKind::ValidateLegacy);
    let defaults = default_validations(s);
    for v in s.plan.validations.iter().chain(&defaults) {
        if before && s.server(&v.server).is_some_and(|x| !x.new) {
            continue; // validated before the upgrade (coexistence::legacy_validations)
        }
        // Hosts-file tests reach a server's client front end: only a Client Access server has
        // one (point m3 of the second consultant review).
        let before_switch = s.wants(StepKind::NamespaceSwitch)
            && s.server(&v.server)
                .is_some_and(|x| x.new && x.has(Role::Cas));
        let context = ValidateStep {
            v: v.clone(),
            before_switch,
        };
        s.push(
            Steps::exchange(&v.version),
            &v.origin,
            StepContext::Validate(context),
        );
    }
}

/// Point 11 of the consultant review: every new Client Access server the names will point at
/// (the internet-facing sites') is validated before the namespace switch; one the plan gives no
/// `validate` gets the service health check.
fn default_validations(s: &Steps<'_>) -> Vec<ir::Validation> {
    if !s.wants(StepKind::Validate) || !s.wants(StepKind::NamespaceSwitch) {
        return Vec::new();
    }
    switch_targets(s)
        .into_iter()
        .filter(|x| !s.plan.validations.iter().any(|v| v.server == x.name))
        .map(|x| ir::Validation {
            server: x.name.clone(),
            version: x.exchange.version.clone(),
            checks: vec!["service-health".to_owned()],
            remote_connectivity_analyzer: false,
            origin: x.origin.clone(),
        })
        .collect()
}

/// The new Client Access servers of the internet-facing sites, in install order: where the
/// namespace switch points the names.
pub(super) fn switch_targets<'p>(s: &Steps<'p>) -> Vec<&'p ir::Server> {
    let plan = s.plan;
    plan.install_order
        .iter()
        .filter_map(|n| plan.servers.iter().find(|x| x.name.eq_ignore_ascii_case(n)))
        .filter(|x| x.has(Role::Cas) && plan.faces_internet(&x.site))
        .collect()
}

/// Point 11 of the consultant review: each site's Client Access array (2010), in the target's
/// shell, before the site's first new database.
pub(super) fn client_access_arrays(s: &mut Steps<'_>) {
    if !s.wants(StepKind::ClientAccessArray) {
        return;
    }
    let plan = s.plan;
    for site in &plan.sites {
        let Some(array) = &site.cas_array else {
            continue;
        };
        let servers = plan
            .servers
            .iter()
            .filter(|x| x.new && x.site == site.name && x.has(Role::Cas))
            .map(|x| x.name.clone())
            .collect();
        let context = ClientAccessArray {
            site: site.name.clone(),
            fqdn: array.host.clone(),
            servers,
        };
        s.push(
            Steps::exchange(&plan.target.version),
            &array.origin,
            StepContext::ClientAccessArray(context),
        );
    }
}
