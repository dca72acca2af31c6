//! The step kinds: one list, expanded twice.
//!
//! [`StepKind`] is the fieldless enum the specs name in their `phases` (checked when they load)
//! and every stage uses; `ir::steps::StepContext` is the enum of typed template contexts, one
//! per kind. Both come from the one list in [`with_step_kinds!`](crate::with_step_kinds), so a
//! kind cannot exist in one and be missing from the other. This module is a bottom layer: specs
//! and the IR both use it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Calls `$callback!` with every step kind: its name (the template `<name>.ps1.j2`, the runbook
/// partial `<name>.md.j2`, the word in a spec's `phases`), its variant and its context type in
/// `ir::steps`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_step_kinds {
    ($callback:ident) => {
        $crate::$callback! {
            /// R01, R02: existing servers at the coexistence minimum, forest level, global catalogs.
            "preflight" => Preflight(Preflight),
            /// R07: `/PrepareSchema` from the media.
            "prepare_schema" => PrepareSchema(Prepare),
            /// R07: `/PrepareAD` from the media.
            "prepare_ad" => PrepareAd(Prepare),
            /// Facts §4.1, §4.3: `/PrepareDomain:<FQDN>` for each domain of a forest with several.
            "prepare_domains" => PrepareDomains(PrepareDomains),
            /// R06: setup of one new server, all its roles in one run.
            "install_server" => InstallServer(InstallServer),
            /// Autodiscover service connection point and virtual directory URLs of a new server.
            "post_install" => PostInstall(PostInstall),
            /// A new mailbox or public folder database.
            "databases" => Databases(DatabaseStep),
            /// R09: an older Client Access server answers on the legacy name.
            "legacy_urls" => LegacyUrls(LegacyUrls),
            /// R10: the certificate request on its first server.
            "certificate_request" => CertificateRequest(CertificateRequest),
            /// R10: the issued certificate imported and enabled on the servers of the request's version.
            "certificate_install" => CertificateInstall(CertificateInstall),
            /// R10, facts §6.4: the exported certificate imported and enabled on another server of the
            /// request's version, on that server, where the version's certificate cmdlets are local.
            "certificate_import" => CertificateImport(CertificateImport),
            /// R10, R38: the certificate on a server of another version.
            "certificate_legacy" => CertificateLegacy(CertificateImport),
            /// R11: Outlook Anywhere on a new Client Access server.
            "outlook_anywhere" => OutlookAnywhere(OutlookAnywhereStep),
            /// R12: offline address book generation and distribution.
            "offline_address_book" => OfflineAddressBook(OfflineAddressBookStep),
            /// R13: anonymous internet mail.
            "inbound_anonymous" => InboundAnonymous(InboundAnonymous),
            /// R14: a send connector's source server.
            "send_connector" => SendConnector(SendConnectorStep),
            /// Validation checks on a server.
            "validate" => Validate(ValidateStep),
            /// R15: moves of one batch (move requests, or `Move-Mailbox` on 2007).
            "move_mailboxes" => MoveMailboxes(MoveMailboxes),
            /// R15: watching one batch's move requests.
            "move_status" => MoveStatus(BatchStep),
            /// R15: clearing one batch's completed move requests.
            "move_clear" => MoveClear(BatchStep),
            /// R16: public folder replicas to the new server.
            "public_folders" => PublicFolders(PublicFolderReplicas),
            /// R16: waiting for public folder replication.
            "public_folders_status" => PublicFoldersStatus(PublicFolderReplicas),
            /// R17: removing an emptied server's databases.
            "decommission" => Decommission(DecommissionStep),
            /// R22, R29, R30: the GALSync provisioning script and its scheduled task.
            "galsync" => Galsync(GalSyncStep),
            /// R35: existing client access validated before anything changes.
            "validate_legacy" => ValidateLegacy(ValidateStep),
            /// Facts §6.2: an explicit OAB on every legacy mailbox database before the first new server.
            "legacy_oab" => LegacyOab(LegacyOab),
            /// Facts §6.1: the arbitration mailboxes move before the user mailboxes.
            "move_arbitration" => MoveArbitration(MoveArbitration),
            /// Facts §6.3: Outlook Anywhere on a legacy Client Access server, for proxying.
            "legacy_outlook_anywhere" => LegacyOutlookAnywhere(LegacyOutlookAnywhere),
            /// R39: the primary and Autodiscover names move to the new Client Access servers.
            "namespace_switch" => NamespaceSwitch(NamespaceSwitch),
            /// R41–R43: checks of an organization with Exchange 2000/2003, through Active Directory.
            "preflight_legacy" => PreflightLegacy(PreflightLegacy),
            /// Facts §4.2: `/PrepareLegacyExchangePermissions` while 2000/2003 servers exist.
            "prepare_legacy_permissions" => PrepareLegacyPermissions(PrepareLegacyPermissions),
            /// Facts §6.5, R44: a routing group connector to a 2000/2003 bridgehead.
            "routing_group_connector" => RoutingGroupConnector(RoutingGroupConnectorStep),
            /// Facts §6.6: replicas leave a 2000/2003 server once the new one holds the content.
            "public_folders_remove" => PublicFoldersRemove(PublicFolderReplicas),
            /// R28: checks and database removal of a 2000/2003 server, from the new version's shell.
            "decommission_legacy" => DecommissionLegacy(DecommissionLegacy),
            /// R28: the routing group connectors go with the last 2000/2003 server.
            "routing_group_connector_remove" => RoutingGroupConnectorRemove(RoutingGroupConnectorRemove),
            /// R28, facts §6.7: recipient policies and address lists upgraded to OPATH.
            "address_policies" => AddressPolicies(AddressPolicies),
            /// R25: an accepted domain.
            "accepted_domain" => AcceptedDomain(AcceptedDomainStep),
            /// R24: a send connector to another forest.
            "cross_forest_connector" => CrossForestConnector(CrossForestConnectorStep),
            /// R26: moves of one batch from another forest.
            "move_mailboxes_cross_forest" => MoveMailboxesCrossForest(MoveMailboxes),
            /// Facts §6.3: OWA of 2003 mailboxes through the new version (`-Exchange2003Url`).
            "legacy_owa" => LegacyOwa(LegacyOwa),
            /// Facts §2.2: the in-place upgrade of 2019 CU14/CU15 to SE.
            "upgrade_server" => UpgradeServer(UpgradeServer),
            /// Facts §6.6: public folder mailboxes move to a new database.
            "public_folder_mailboxes" => PublicFolderMailboxes(PublicFolderMailboxes),
            /// Facts §6.6: waiting for the public folder mailbox moves.
            "public_folder_mailboxes_status" => PublicFolderMailboxesStatus(PublicFolderMailboxes),
            /// R40, facts §6.8: a database availability group and its members.
            "dag" => Dag(DagStep),
            /// R40, facts §6.8: the passive copies of one database.
            "database_copies" => DatabaseCopies(DatabaseStep),
            /// Facts §6.1: `New-MigrationBatch -Local` for one batch.
            "migration_batch" => MigrationBatch(MoveMailboxes),
            /// Facts §6.1: watching one migration batch.
            "migration_batch_status" => MigrationBatchStatus(BatchStep),
            /// Facts §6.1: starting or completing one migration batch.
            "migration_batch_complete" => MigrationBatchComplete(BatchStep),
            /// Facts §6.6: checks and the Microsoft scripts for a public folder batch migration.
            "public_folder_migration_check" => PublicFolderMigrationCheck(PublicFolderMigration),
            /// Facts §6.6: snapshots and maps on the legacy public folder server.
            "public_folder_migration_prepare" => PublicFolderMigrationPrepare(PublicFolderMigration),
            /// Facts §6.6: public folder mailboxes and the migration batch.
            "public_folder_migration_batch" => PublicFolderMigrationBatch(PublicFolderMigration),
            /// Facts §6.6: waiting for the public folder migration batch.
            "public_folder_migration_status" => PublicFolderMigrationStatus(PublicFolderMigration),
            /// Facts §6.6: the legacy public folders locked for the cut-over.
            "public_folder_migration_lock" => PublicFolderMigrationLock(PublicFolderMigration),
            /// Facts §6.6: the cut-over: public folders remote, the batch completed, then unlocked.
            "public_folder_migration_cutover" => PublicFolderMigrationCutover(PublicFolderMigration),
            /// Facts §6.6: the migration marked complete on the legacy side.
            "public_folder_migration_finish" => PublicFolderMigrationFinish(PublicFolderMigration),
            /// Facts §6.6: public folders served locally.
            "public_folder_migration_local" => PublicFolderMigrationLocal(PublicFolderMigration),
            /// Facts §3, §5.1: the Edge subscription file, in the Edge server's own shell.
            "edge_subscription" => EdgeSubscription(EdgeStep),
            /// Facts §6.5: the subscription imported on a transport server, EdgeSync started.
            "edge_sync" => EdgeSync(EdgeStep),
            /// R33: PST files of an ExMerge export imported with `Import-Mailbox`.
            "import_mailbox" => ImportMailbox(ImportMailbox),
            /// Facts §6.3: a legacy Client Access server's Autodiscover service connection point
            /// goes to the Autodiscover name before the name moves.
            "legacy_scp" => LegacyScp(LegacyScp),
            /// Facts §6.1: the requests of a batch that stopped when ready to complete resume.
            "move_resume" => MoveResume(BatchStep),
            /// Facts §6.1: waiting for the system mailboxes' moves before user mailboxes move.
            "arbitration_status" => ArbitrationStatus(BatchStep),
            /// Facts §6.2, §6.10: the legacy offline address books are removed.
            "legacy_oab_remove" => LegacyOabRemove(LegacyOabRemove),
            /// Facts §6.10 step 6: a decommissioned member leaves its existing DAG.
            "dag_leave" => DagLeave(DagLeave),
            /// A site's Client Access array (2010), before its first new database.
            "client_access_array" => ClientAccessArray(ClientAccessArray),
        }
    };
}

/// Defines [`StepKind`] from the list.
#[macro_export]
#[doc(hidden)]
macro_rules! define_step_kind {
    ($($(#[doc = $doc:literal])+ $name:literal => $variant:ident($ty:ty),)+) => {
        /// A kind of step.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum StepKind {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl StepKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [StepKind] = &[$(StepKind::$variant,)+];

            /// The kind's name: its template is `<name>.ps1.j2`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self {
                    $(StepKind::$variant => $name,)+
                }
            }
        }
    };
}

with_step_kinds!(define_step_kind);

impl StepKind {
    /// The kind named `name` in a spec's phases.
    #[must_use]
    pub fn from_name(name: &str) -> Option<StepKind> {
        StepKind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

impl std::fmt::Display for StepKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for StepKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for StepKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        StepKind::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown step kind `{name}` (src/step_kind.rs lists the kinds)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::StepKind;

    #[test]
    fn kind_names_are_unique_and_round_trip() {
        for kind in StepKind::ALL {
            assert_eq!(StepKind::from_name(kind.name()), Some(*kind));
            assert!(
                kind.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                kind.name()
            );
        }
        let mut names: Vec<&str> = StepKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), StepKind::ALL.len());
    }
}
