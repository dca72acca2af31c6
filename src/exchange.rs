//! Exchange concepts that the specs and the IR both name: the services clients use and the
//! kinds of mailbox. A bottom layer, like `step_kind`.

use serde::{Deserialize, Serialize};

/// A client service, as the namespaces carry it (facts §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// Outlook Web App.
    Owa,
    /// Exchange ActiveSync.
    Eas,
    /// Exchange Web Services: free/busy, out of office.
    Ews,
    /// Offline address book downloads.
    Oab,
    /// Outlook Anywhere (RPC over HTTP), and MAPI over HTTP where the version has it.
    OutlookAnywhere,
    /// Autodiscover.
    Autodiscover,
}

impl Service {
    /// Every service, in display order.
    pub const ALL: [Service; 6] = [
        Service::Owa,
        Service::Eas,
        Service::Ews,
        Service::Oab,
        Service::OutlookAnywhere,
        Service::Autodiscover,
    ];

    /// Its name as specs and diagnostics write it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Service::Owa => "owa",
            Service::Eas => "eas",
            Service::Ews => "ews",
            Service::Oab => "oab",
            Service::OutlookAnywhere => "outlook-anywhere",
            Service::Autodiscover => "autodiscover",
        }
    }

    /// What users call it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Service::Owa => "Outlook Web App",
            Service::Eas => "ActiveSync",
            Service::Ews => "Exchange Web Services (free/busy, out of office)",
            Service::Oab => "offline address book downloads",
            Service::OutlookAnywhere => "Outlook Anywhere",
            Service::Autodiscover => "Autodiscover",
        }
    }

    /// The service a virtual directory's cmdlet noun serves.
    #[must_use]
    pub fn of_virtual_directory(noun: &str) -> Option<Service> {
        match noun {
            "OwaVirtualDirectory" => Some(Service::Owa),
            "ActiveSyncVirtualDirectory" => Some(Service::Eas),
            "WebServicesVirtualDirectory" => Some(Service::Ews),
            "OabVirtualDirectory" => Some(Service::Oab),
            "MapiVirtualDirectory" => Some(Service::OutlookAnywhere),
            _ => None,
        }
    }
}

/// A kind of mailbox: each kind is listed by its own `Get-Mailbox` switch and blocks the
/// removal of its database until it has moved (facts §6.1, §6.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailboxKind {
    /// User, resource, shared and discovery mailboxes (`Get-Mailbox`).
    User,
    /// Arbitration (system) mailboxes, 2010 and later (`-Arbitration`).
    Arbitration,
    /// Audit log mailboxes, 2016 and later (`-AuditLog`).
    AuditLog,
    /// Archives (`-Archive`), which move with their user's mailbox.
    Archive,
    /// Public folder mailboxes, 2013 and later (`-PublicFolder`).
    PublicFolder,
}

impl MailboxKind {
    /// What the kind is called in messages.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            MailboxKind::User => "user mailboxes",
            MailboxKind::Arbitration => "arbitration mailboxes",
            MailboxKind::AuditLog => "audit log mailboxes",
            MailboxKind::Archive => "archive mailboxes",
            MailboxKind::PublicFolder => "public folder mailboxes",
        }
    }
}
