# Exchange: 2016
# Move OAB generation off the old server before it is removed.
Move-OfflineAddressBook 'Default Offline Address Book' -Server 'EX2016-01'
Get-OfflineAddressBook | fl Name, Server, GeneratingMailbox
