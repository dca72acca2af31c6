# Exchange: 2010
# Move the sales team to the new 2010 database (copied from the 2007 runbook).
$users = Get-Content 'D:\Scripts\sales.txt'
foreach ($u in $users) {
    Move-Mailbox $u -TargetDatabase 'EX2010-01\DB-Sales' -BadItemLimit 10 -Confirm:$false
}
Get-MoveRequest | Get-MoveRequestStatistics | ft DisplayName, Status, PercentComplete
