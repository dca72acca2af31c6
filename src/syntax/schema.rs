//! The schema: which keywords each kind of block accepts. The builders dispatch on these
//! lists, and diagnostics use them to suggest a keyword or say where one belongs.

/// The kinds of block whose statements are keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// `plan "..." { }`
    Plan,
    /// `forest "..." { }`
    Forest,
    /// `namespaces { }`
    Namespaces,
    /// `site "..." { }`
    Site,
    /// `server NAME { }`
    Server,
    /// `database NAME on SERVER { }` and `public-folder-database ...`
    Database,
    /// `certificate on SERVER { }`
    Certificate,
    /// `client-access on SERVER { }`
    ClientAccess,
    /// `outlook-anywhere { }`
    OutlookAnywhere,
    /// `urls { }`
    Urls,
    /// `mail-flow on SERVER { }`
    MailFlow,
    /// `routing-group-connector "..." { }`
    RoutingGroupConnector,
    /// `cross-forest-connector "..." { }`
    CrossForestConnector,
    /// `move mailboxes to DATABASE { }`
    Move,
    /// `galsync "..." { }`
    GalSync,
    /// `dag "..." { }`
    Dag,
    /// `exmerge from SERVER { }`
    ExMerge,
    /// `ccr "..." { }`
    Ccr,
}

impl BlockKind {
    /// Every kind, in the order the language reference lists them.
    pub const ALL: &'static [BlockKind] = &[
        BlockKind::Plan,
        BlockKind::Forest,
        BlockKind::Namespaces,
        BlockKind::Site,
        BlockKind::Server,
        BlockKind::Database,
        BlockKind::Certificate,
        BlockKind::ClientAccess,
        BlockKind::OutlookAnywhere,
        BlockKind::Urls,
        BlockKind::MailFlow,
        BlockKind::RoutingGroupConnector,
        BlockKind::CrossForestConnector,
        BlockKind::Move,
        BlockKind::GalSync,
        BlockKind::Dag,
        BlockKind::ExMerge,
        BlockKind::Ccr,
    ];

    /// The keyword that opens this kind of block.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Plan => "plan",
            BlockKind::Forest => "forest",
            BlockKind::Namespaces => "namespaces",
            BlockKind::Site => "site",
            BlockKind::Server => "server",
            BlockKind::Database => "database",
            BlockKind::Certificate => "certificate",
            BlockKind::ClientAccess => "client-access",
            BlockKind::OutlookAnywhere => "outlook-anywhere",
            BlockKind::Urls => "urls",
            BlockKind::MailFlow => "mail-flow",
            BlockKind::RoutingGroupConnector => "routing-group-connector",
            BlockKind::CrossForestConnector => "cross-forest-connector",
            BlockKind::Move => "move",
            BlockKind::GalSync => "galsync",
            BlockKind::Dag => "dag",
            BlockKind::ExMerge => "exmerge",
            BlockKind::Ccr => "ccr",
        }
    }

    /// The keywords its statements may start with.
    pub fn keywords(self) -> &'static [&'static str] {
        match self {
            BlockKind::Plan => &[
                "include",
                "organization",
                "target",
                "media",
                "move-order",
                "forest",
                "namespaces",
                "site",
                "database",
                "public-folder-database",
                "certificate",
                "client-access",
                "mail-flow",
                "move",
                "public-folders",
                "galsync",
                "validate",
                "decommission",
                "manual",
                "dag",
                "exmerge",
                "ccr",
            ],
            BlockKind::Forest => &[
                "functional-level",
                "domain",
                "global-catalog",
                "ntaccount-ou",
                "galsync-ou",
            ],
            BlockKind::Namespaces => NAMESPACE_KINDS,
            BlockKind::Site => &["server", "cas-array"],
            BlockKind::Server => &[
                "exchange",
                "os",
                "roles",
                "new",
                "fqdn",
                "cluster",
                "upgrade-to",
            ],
            BlockKind::Database => &["edb", "logs", "storage-group", "copies"],
            BlockKind::Certificate => &["names", "subject", "friendly-name", "services"],
            BlockKind::ClientAccess => &[
                "outlook-anywhere",
                "offline-address-book",
                "urls",
                "autodiscover",
            ],
            BlockKind::OutlookAnywhere => &["host", "auth", "ssl-offloading", "iis-auth"],
            BlockKind::Urls => &["internal", "external"],
            BlockKind::MailFlow => &[
                "inbound",
                "send-connector",
                "accepted-domain",
                "routing-group-connector",
                "cross-forest-connector",
            ],
            BlockKind::RoutingGroupConnector => &["to", "cost", "bidirectional"],
            BlockKind::CrossForestConnector => &["address-space", "smart-host", "auth", "tls"],
            BlockKind::Move => &[
                "batch",
                "from",
                "mailbox",
                "csv",
                "bad-item-limit",
                "accept-large-data-loss",
                "suspend-when-ready",
                "method",
                "auto-start",
                "auto-complete",
            ],
            BlockKind::GalSync => &[
                "update",
                "email-address-policy",
                "address-list",
                "global-address-list",
                "schedule",
            ],
            BlockKind::Dag => &["witness", "ip"],
            BlockKind::Ccr => &["ip", "witness"],
            BlockKind::ExMerge => &["pst-folder"],
        }
    }

    /// The kinds of block, other than `self`, where `keyword` is allowed.
    pub fn homes_of(self, keyword: &str) -> Vec<BlockKind> {
        BlockKind::ALL
            .iter()
            .copied()
            .filter(|&k| k != self && k.keywords().contains(&keyword))
            .collect()
    }
}

/// The words a statement starting with `keyword` takes in a block of kind `block`, when it
/// takes one of a fixed list (`roles cas hub mailbox`); hover and completion offer them.
#[must_use]
pub fn values_of(block: BlockKind, keyword: &str) -> Option<&'static [&'static str]> {
    Some(match (block, keyword) {
        (_, "roles") => ROLES,
        (_, "cluster") => CLUSTER_KINDS,
        (_, "services") => CERT_SERVICES,
        (_, "names") => NAMESPACE_KINDS,
        (BlockKind::CrossForestConnector, "auth") => CONNECTOR_AUTH,
        (_, "auth") => OA_AUTH,
        (_, "iis-auth") => IIS_AUTH,
        (_, "ssl-offloading") => ON_OFF,
        (_, "update") => GALSYNC_UPDATES,
        (_, "schedule") => PERIODS,
        (_, "method") => MOVE_METHODS,
        _ => return None,
    })
}

/// The namespace kinds: keywords in `namespaces { }`, words in a certificate's `names`.
pub const NAMESPACE_KINDS: &[&str] = &["primary", "autodiscover", "legacy"];

/// Server roles.
pub const ROLES: &[&str] = &["cas", "hub", "mailbox", "um", "edge"];

/// Cluster kinds: CCR and SCC (2007), DAG (2010 and later).
pub const CLUSTER_KINDS: &[&str] = &["ccr", "scc", "dag"];

/// Certificate services, as `Enable-ExchangeCertificate -Services` names them.
pub const CERT_SERVICES: &[&str] = &[
    "iis",
    "smtp",
    "pop",
    "imap",
    "um",
    "umcallrouter",
    "federation",
];

/// Outlook Anywhere client authentication.
pub const OA_AUTH: &[&str] = &["basic", "ntlm"];

/// IIS authentication methods for the `/rpc` virtual directory.
pub const IIS_AUTH: &[&str] = &["basic", "ntlm", "negotiate"];

/// Cross-forest connector authentication.
pub const CONNECTOR_AUTH: &[&str] = &["basic", "externally-secured", "none"];

/// Organization modes (2000/2003).
pub const MODES: &[&str] = &["native", "mixed"];

/// `ssl-offloading` values.
pub const ON_OFF: &[&str] = &["on", "off"];

/// GALSync update scopes.
pub const GALSYNC_UPDATES: &[&str] = &["all", "contacts", "specific"];

/// GALSync schedule periods.
pub const PERIODS: &[&str] = &["daily", "hourly", "weekly"];

/// Mailbox move methods: `New-MoveRequest` or `New-MigrationBatch -Local` (2013+).
pub const MOVE_METHODS: &[&str] = &["move-request", "migration-batch"];
