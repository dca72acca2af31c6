# Exchange: 2010
# Mailboxes nobody has logged on to for 90 days, written on a 2016 admin box.
$cutoff = (Get-Date).AddDays(-90)
$stale = foreach ($m in Get-Mailbox -ResultSize Unlimited) {
    $stats = Get-MailboxStatistics -Identity $m.Identity
    if ($stats.LastLogonTime -lt $cutoff) {
        [pscustomobject]@{ Name = $m.Name; LastLogon = $stats.LastLogonTime }
    }
}
$stale | Export-Csv -Path "$PSScriptRoot\stale.csv" -NoTypeInformation
