# Exchange: 2010
# Nightly mailbox size report, run by Task Scheduler on EX2010-01 at 02:00.
Add-PSSnapin Microsoft.Exchange.Management.PowerShell.E2010

$report = "D:\Reports\mailboxes-$(Get-Date -Format yyyyMMdd).csv"
Get-Mailbox -ResultSize Unlimited | ? { $_.RecipientTypeDetails -eq 'UserMailbox' } |
    % { Get-MailboxStatistics $_.Identity } |
    select DisplayName, TotalItemSize, ItemCount |
    sort TotalItemSize -Descending |
    Export-Csv $report -NoTypeInformation

Get-ExchangeServer | fl Name, AdminDisplayVersion
