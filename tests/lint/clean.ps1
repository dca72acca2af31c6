# Exchange: 2019
# Database copy health, mailed to the team every morning.
$rows = Get-MailboxDatabaseCopyStatus -Server 'EX2019-01' |
    Select-Object -Property Name, Status, CopyQueueLength, ReplayQueueLength
$body = $rows | ConvertTo-Html -Fragment | Out-String
Send-MailMessage -To 'exchange-team@contoso.com' -From 'ex2019-01@contoso.com' -Subject 'Copy status' -Body $body -BodyAsHtml -SmtpServer 'smtp.contoso.com'
