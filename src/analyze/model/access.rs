//! The client access invariant, checked after every phase: every name clients use resolves to
//! servers whose certificate covers it and that serve, proxy or redirect every mailbox that
//! exists at that moment, for each service (facts §6.3); and every Autodiscover service
//! connection point leads to a server that answers for every mailbox. It also yields the rows
//! of "what users see" for the runbook.

use super::initial::role;
use crate::exchange::{MailboxKind, Service};
use crate::ir::state::{Access, NameState, ServerState, State};
use crate::ir::{self};
use crate::specs::{How, Specs};

/// A broken promise to users, found after a phase.
#[derive(Debug, Clone)]
pub(super) struct Breach {
    /// What makes it the same breach in later phases.
    pub key: String,
    /// The certificate (E0703) rather than the service (E0702).
    pub certificate: bool,
    /// The message.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Names, servers and batches involved, to find the step that broke it.
    pub subjects: Vec<String>,
}

/// What the check needs besides the state.
pub(super) struct Clients<'a> {
    pub plan: &'a ir::Plan,
    pub specs: &'a Specs,
    /// Whether clients use Outlook Anywhere (the plan configures it, or the target always has
    /// it on).
    pub outlook_anywhere: bool,
    /// The servers outside the target's forest, in lower case (usually none): looked up for
    /// every server after every phase, so computed once.
    pub foreign: std::collections::HashSet<String>,
    /// Whether to word who answers each name (the rows of kept states): a check that keeps no
    /// state needs only what breaks.
    pub describe: bool,
}

impl Clients<'_> {
    /// `words()` when answers are described, else nothing.
    fn said(&self, words: impl FnOnce() -> String) -> String {
        if self.describe {
            words()
        } else {
            String::new()
        }
    }

    /// The breaches in `state`, and the rows of what users see (none unless `rows_wanted`:
    /// only the states kept for the runbook show them).
    pub fn check(&self, state: &State, rows_wanted: bool) -> (Vec<Breach>, Vec<Access>) {
        let mut breaches = Vec::new();
        let mut rows = Vec::new();
        let versions = self.mailbox_versions(state);
        for name in state.names.iter().filter(|n| !n.servers.is_empty()) {
            let services = self.services_of(name);
            // The legacy name serves only its own version's users, whom the primary name's
            // checks send there; but its servers' certificate must cover it once an older
            // server's URLs are on it.
            let handed_out = state.servers.iter().any(|s| {
                s.present
                    && s.urls.iter().any(|u| {
                        u.external
                            .as_deref()
                            .is_some_and(|h| h.eq_ignore_ascii_case(&name.host))
                    })
            });
            if services.is_empty() && !handed_out {
                continue;
            }
            for server in &name.servers {
                let Some(c) = find(state, server) else {
                    continue;
                };
                if !c.present {
                    breaches.push(Breach {
                        key: format!("gone {} {}", name.host, c.name),
                        certificate: false,
                        message: format!(
                            "the name {} points at {}, which is no longer in the organization",
                            name.host, c.name
                        ),
                        help: "point the name at a server that stays before removing the old one"
                            .to_owned(),
                        subjects: vec![name.host.clone(), c.name.clone()],
                    });
                    continue;
                }
                if !c
                    .certificate
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&name.host))
                {
                    breaches.push(Breach {
                        key: format!("certificate {} {}", name.host, c.name),
                        certificate: true,
                        message: format!(
                            "clients reach {} at {}, but its certificate does not cover that name",
                            c.name, name.host
                        ),
                        help: format!(
                            "put {} on a certificate installed on {} (`certificate on ... {{ names ... }}`); the certificate phases run before the name points there",
                            name.host, c.name
                        ),
                        subjects: vec![name.host.clone(), c.name.clone()],
                    });
                }
                for version in &versions {
                    for service in &services {
                        if !self.uses(version, *service) {
                            continue;
                        }
                        let served = self.serve(state, name, c, version, *service);
                        if rows_wanted {
                            rows.push(Access {
                                host: name.host.clone(),
                                service: *service,
                                mailboxes: version.clone(),
                                answer: match &served {
                                    Ok(answer) => answer.clone(),
                                    Err(why) => why.message.clone(),
                                },
                                ok: served.is_ok(),
                            });
                        }
                        if let Err(why) = served {
                            breaches.push(Breach {
                                key: format!(
                                    "serve {} {} {} {}",
                                    name.host,
                                    c.name,
                                    version,
                                    service.name()
                                ),
                                certificate: false,
                                message: format!(
                                    "users of Exchange {version} mailboxes lose {}: {} points at {} (Exchange {}), which {}",
                                    service.label(),
                                    name.host,
                                    c.name,
                                    c.version,
                                    why.message
                                ),
                                help: why.help,
                                subjects: vec![name.host.clone(), c.name.clone()],
                            });
                        }
                    }
                }
            }
        }
        breaches.extend(self.scps(state, &versions));
        breaches.extend(self.handed_out(state, &versions));
        rows.dedup();
        (breaches, rows)
    }

    /// Versions whose user mailboxes exist in the target's forest now, oldest first.
    fn mailbox_versions(&self, state: &State) -> Vec<String> {
        let mut versions: Vec<String> = state
            .servers
            .iter()
            .filter(|s| {
                s.present && s.mailboxes.contains(&MailboxKind::User) && self.in_forest(&s.name)
            })
            .map(|s| s.version.clone())
            .collect();
        versions.sort_by_key(|v| self.specs.rank(v));
        versions.dedup();
        versions
    }

    fn in_forest(&self, server: &str) -> bool {
        self.foreign.is_empty() || !self.foreign.contains(&server.to_ascii_lowercase())
    }

    /// The servers of `plan` outside the target's forest, for [`Clients::foreign`].
    pub fn foreign_servers(plan: &ir::Plan) -> std::collections::HashSet<String> {
        plan.servers
            .iter()
            .filter(|x| !plan.in_target_forest(x))
            .map(|x| x.name.to_ascii_lowercase())
            .collect()
    }

    /// The services clients reach through `name`.
    fn services_of(&self, name: &NameState) -> Vec<Service> {
        match name.role.as_str() {
            role::PRIMARY => Service::ALL
                .into_iter()
                .filter(|s| *s != Service::Autodiscover)
                .filter(|s| *s != Service::OutlookAnywhere || self.outlook_anywhere)
                .collect(),
            role::AUTODISCOVER => vec![Service::Autodiscover],
            // The legacy name carries what older servers hand out on it; each service is
            // checked through the name that sends users there.
            _ => Vec::new(),
        }
    }

    /// Whether users of `version` mailboxes use `service`.
    fn uses(&self, version: &str, service: Service) -> bool {
        self.specs
            .get(version)
            .and_then(|s| s.client_access.as_ref())
            .is_some_and(|c| c.services.contains(&service))
    }

    /// How `c` serves users of `version` mailboxes reaching it through `name` for `service`.
    fn serve(
        &self,
        state: &State,
        name: &NameState,
        c: &ServerState,
        version: &str,
        service: Service,
    ) -> Result<String, Why> {
        let here = || self.said(|| format!("{} answers", c.name));
        if c.version == version {
            return self.own(name, c, service).map(|()| here());
        }
        let rank = |v: &str| self.specs.rank(v);
        if rank(&c.version) < rank(version) {
            let served = self
                .specs
                .get(version)
                .and_then(|s| s.client_access.as_ref())
                .is_some_and(|ca| ca.served_by_older.contains(&c.version));
            return if served {
                self.own(name, c, service).map(|()| here())
            } else {
                Err(Why {
                    message: format!("cannot serve the newer Exchange {version} mailboxes"),
                    help: format!(
                        "point {} at an Exchange {version} server (the namespace switch) before mailboxes move to Exchange {version}",
                        name.host
                    ),
                })
            };
        }
        let rule = self
            .specs
            .get(&c.version)
            .and_then(|s| s.client_access.as_ref())
            .and_then(|ca| ca.serves.iter().find(|r| r.with == version));
        let Some(rule) = rule else {
            return Err(Why {
                message: format!("does not serve Exchange {version} mailboxes"),
                help: format!(
                    "keep {} on an Exchange {version} server until those mailboxes have moved",
                    name.host
                ),
            });
        };
        let Some(how) = rule.how.get(&service) else {
            return Err(Why {
                message: format!(
                    "does not serve {} for Exchange {version} mailboxes",
                    service.label()
                ),
                help: format!(
                    "keep {} on an Exchange {version} server until those mailboxes have moved",
                    name.host
                ),
            });
        };
        match how {
            How::Answer => {
                Ok(self
                    .said(|| format!("{} answers with their Exchange {version} settings", c.name)))
            }
            How::Proxy => {
                if service == Service::OutlookAnywhere {
                    self.own(name, c, service)?;
                    if rule.needs_legacy_outlook_anywhere && !self.legacy_oa(state, version) {
                        return Err(Why {
                            message: format!(
                                "proxies Outlook Anywhere to the Exchange {version} Client Access servers of each mailbox's site, and not every one has it enabled with NTLM"
                            ),
                            help: "the target's phases enable Outlook Anywhere with NTLM on the legacy Client Access servers before the namespace switch; keep that phase".to_owned(),
                        });
                    }
                }
                Ok(self.said(|| format!("{} proxies to Exchange {version}", c.name)))
            }
            How::Redirect => self.redirect(state, c, version, service),
            How::Exchange2003Url => match &c.exchange2003_url {
                Some(host) if self.leads_to(state, host, version, service) => {
                    Ok(self.said(|| format!("{} redirects to {host}", c.name)))
                }
                _ => Err(Why {
                    message: format!(
                        "sends Outlook Web App users of Exchange {version} mailboxes to -Exchange2003Url, which does not lead to an Exchange {version} front-end yet"
                    ),
                    help: "declare a legacy name that the Exchange 2003 front-ends answer on"
                        .to_owned(),
                }),
            },
        }
    }

    /// A server serving its own version's mailboxes: Outlook Anywhere must be on, on a name
    /// its certificate covers (Autodiscover hands that name out).
    fn own(&self, name: &NameState, c: &ServerState, service: Service) -> Result<(), Why> {
        if service != Service::OutlookAnywhere {
            return Ok(());
        }
        match c
            .outlook_anywhere
            .as_ref()
            .and_then(|oa| oa.external.as_deref())
        {
            Some(host) if c.certificate.iter().any(|n| n.eq_ignore_ascii_case(host)) => Ok(()),
            Some(host) => Err(Why {
                message: format!(
                    "hands out Outlook Anywhere on {host}, which its certificate does not cover"
                ),
                help: format!("put {host} on the certificate installed on {}", c.name),
            }),
            None => Err(Why {
                message: "has no Outlook Anywhere enabled yet".to_owned(),
                help: format!(
                    "enable Outlook Anywhere on {} (`client-access on {} {{ outlook-anywhere {{ ... }} }}`) before {} points at it",
                    c.name, c.name, name.host
                ),
            }),
        }
    }

    /// Whether the Exchange `version` Client Access servers that newer ones proxy Outlook
    /// Anywhere to have it enabled with NTLM: every one in a site with that version's
    /// mailboxes (the proxy picks a server in the mailbox's site), else any one.
    fn legacy_oa(&self, state: &State, version: &str) -> bool {
        let ntlm = |s: &ServerState| s.outlook_anywhere.as_ref().is_some_and(|oa| oa.ntlm);
        let cas = || {
            state
                .servers
                .iter()
                .filter(|s| s.present && s.client_access && s.version == version)
        };
        let sites: Vec<&str> = state
            .servers
            .iter()
            .filter(|s| {
                s.present && s.version == version && s.mailboxes.contains(&MailboxKind::User)
            })
            .map(|s| s.site.as_str())
            .collect();
        let local: Vec<&ServerState> = cas().filter(|s| sites.contains(&s.site.as_str())).collect();
        if local.is_empty() {
            cas().any(ntlm)
        } else {
            local.into_iter().all(ntlm)
        }
    }

    /// Outlook Anywhere where it is always on (2013 and later): Autodiscover hands the clients
    /// of a mailbox the host names of a Client Access server of its version in its site, so
    /// each of those must carry names its certificate covers, not its defaults (its own server
    /// name).
    fn handed_out(&self, state: &State, versions: &[String]) -> Vec<Breach> {
        let mut out = Vec::new();
        if !self.outlook_anywhere {
            return out;
        }
        for version in versions {
            let always_on = self
                .specs
                .get(version)
                .is_some_and(|s| s.outlook_anywhere_always_on);
            if !always_on {
                continue;
            }
            let mut sites: Vec<&str> = state
                .servers
                .iter()
                .filter(|s| {
                    s.present
                        && s.version == *version
                        && s.mailboxes.contains(&MailboxKind::User)
                        && self.in_forest(&s.name)
                })
                .map(|s| s.site.as_str())
                .collect();
            sites.dedup();
            for c in state.servers.iter().filter(|c| {
                c.present
                    && c.client_access
                    && c.version == *version
                    && sites.contains(&c.site.as_str())
            }) {
                // Production's servers are configured with names the plan may not declare.
                let host = c.outlook_anywhere.as_ref().map(|oa| oa.external.as_deref());
                let problem = match host {
                    None => "still its defaults (its own server name, which no certificate covers)"
                        .to_owned(),
                    Some(Some(h)) if !c.certificate.iter().any(|n| n.eq_ignore_ascii_case(h)) => {
                        format!("{h}, which its certificate does not cover")
                    }
                    Some(_) => continue,
                };
                out.push(Breach {
                    key: format!("outlook anywhere {} {version}", c.name),
                    certificate: true,
                    message: format!(
                        "Autodiscover hands Outlook clients of the Exchange {version} mailboxes in site {} the Outlook Anywhere host names of {}: {problem}",
                        c.site, c.name
                    ),
                    help: format!(
                        "give {} Outlook Anywhere on a name its certificate covers (`client-access on {} {{ outlook-anywhere {{ ... }} }}`) before mailboxes of its site move",
                        c.name, c.name
                    ),
                    subjects: vec![c.name.clone()],
                });
            }
        }
        out
    }

    /// Whether `host` resolves to present servers that each serve `service` to `version`
    /// mailboxes themselves: of that version, or proxying to it.
    fn leads_to(&self, state: &State, host: &str, version: &str, service: Service) -> bool {
        resolves_to_all(state, host, |x| {
            x.version == version
                || self
                    .specs
                    .get(&x.version)
                    .and_then(|sp| sp.client_access.as_ref())
                    .and_then(|ca| ca.serves.iter().find(|r| r.with == version))
                    .is_some_and(|r| r.how.get(&service) == Some(&How::Proxy))
        })
    }

    /// Whether `host` resolves to present Client Access servers of `version` only.
    fn points_at_version(&self, state: &State, host: &str, version: &str) -> bool {
        resolves_to_all(state, host, |x| x.version == version)
    }

    /// A redirect to the older version's own URL for `service`, which must be on a name that
    /// leads to that version's Client Access servers.
    fn redirect(
        &self,
        state: &State,
        c: &ServerState,
        version: &str,
        service: Service,
    ) -> Result<String, Why> {
        let legacy = self.plan.namespaces.legacy.as_ref().map(|n| n.host.clone());
        // An older server outside the internet-facing sites with an external URL on the legacy
        // name sends its users back to the internet-facing site, which sends them to it again.
        let looping = state.servers.iter().find(|s| {
            s.present
                && s.client_access
                && s.version == version
                && !self.plan.faces_internet(&s.site)
                && s.urls.iter().any(|u| {
                    u.service == service
                        && legacy.is_some()
                        && u.external.as_deref() == legacy.as_deref()
                })
        });
        if let Some(s) = looping {
            return Err(Why {
                message: format!(
                    "redirects them to the legacy name for {}, where the internet-facing site's Exchange {version} server redirects them back to {}'s external URL, the legacy name again",
                    service.label(),
                    s.name
                ),
                help: format!(
                    "keep the external URLs of {} empty: only the internet-facing site's Exchange {version} servers answer on the legacy name, and they proxy to the other sites",
                    s.name
                ),
            });
        }
        let urls: Vec<&str> = state
            .servers
            .iter()
            .filter(|s| s.present && s.client_access && s.version == version)
            .filter_map(|s| {
                s.urls
                    .iter()
                    .find(|u| u.service == service)
                    .and_then(|u| u.external.as_deref())
            })
            .collect();
        let good = urls.iter().find(|host| {
            Some(**host) == legacy.as_deref() && self.points_at_version(state, host, version)
        });
        match (good, &legacy) {
            (Some(host), _) => Ok(self.said(|| format!("{} redirects to {host}", c.name))),
            (None, Some(legacy)) => Err(Why {
                message: format!(
                    "redirects them to their Exchange {version} URL for {}, which is not on {legacy} yet (or {legacy} does not lead to an Exchange {version} Client Access server)",
                    service.label()
                ),
                help: format!(
                    "move the Exchange {version} external URLs to {legacy} and create its DNS records before the names point at Exchange {}",
                    c.version
                ),
            }),
            (None, None) => Err(Why {
                message: format!(
                    "redirects them to their Exchange {version} URL for {}, and the plan declares no legacy name",
                    service.label()
                ),
                help: "declare `legacy \"legacy.example.com\"` in the namespaces block (R09)"
                    .to_owned(),
            }),
        }
    }

    /// Autodiscover service connection points: each leads domain-joined Outlook to a server
    /// that must answer for every mailbox.
    fn scps(&self, state: &State, versions: &[String]) -> Vec<Breach> {
        let mut out = Vec::new();
        for c in state
            .servers
            .iter()
            .filter(|s| s.present && s.client_access)
        {
            let Some(host) = &c.scp else { continue };
            let own = crate::ir::state::key::scp(&c.name);
            if state.pending.iter().any(|p| p.key == own) {
                continue; // a new server's own SCP, finished by its post-install step
            }
            let targets: Vec<&ServerState> = if host.eq_ignore_ascii_case(&c.name) {
                vec![c]
            } else {
                state
                    .names
                    .iter()
                    .find(|n| n.host.eq_ignore_ascii_case(host))
                    .map(|n| n.servers.iter().filter_map(|s| find(state, s)).collect())
                    .unwrap_or_default()
            };
            for t in targets {
                for version in versions {
                    if !self.uses(version, Service::Autodiscover) {
                        continue;
                    }
                    let name = NameState {
                        host: host.clone(),
                        role: role::AUTODISCOVER.to_owned(),
                        servers: vec![t.name.clone()],
                    };
                    if let Err(why) = self.serve(state, &name, t, version, Service::Autodiscover) {
                        out.push(Breach {
                            key: format!("scp {} {} {version}", c.name, t.name),
                            certificate: false,
                            message: format!(
                                "domain-joined Outlook clients that find the Autodiscover service connection point of {} ({host}) reach {} (Exchange {}), which {} for Exchange {version} mailboxes",
                                c.name, t.name, t.version, why.message
                            ),
                            help: format!(
                                "point the service connection point of {} at the Autodiscover name (`Set-ClientAccessServer -AutoDiscoverServiceInternalUri`) before mailboxes move",
                                c.name
                            ),
                            subjects: vec![c.name.clone(), t.name.clone(), host.clone()],
                        });
                    }
                }
            }
        }
        out
    }
}

/// Why a service fails, and the fix.
pub(super) struct Why {
    message: String,
    help: String,
}

/// Whether `host` resolves to at least one server, and every one it resolves to is present and
/// meets `ok`.
fn resolves_to_all(state: &State, host: &str, ok: impl Fn(&ServerState) -> bool) -> bool {
    state
        .names
        .iter()
        .find(|n| n.host.eq_ignore_ascii_case(host))
        .is_some_and(|n| {
            !n.servers.is_empty()
                && n.servers
                    .iter()
                    .all(|s| find(state, s).is_some_and(|x| x.present && ok(x)))
        })
}

fn find<'s>(state: &'s State, name: &str) -> Option<&'s ServerState> {
    state.server(name)
}
