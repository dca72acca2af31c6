# Who is over quota?
Get-Mailbox -ResultSize Unlimited | Get-MailboxStatistics | Where-Object { $_.StorageLimitStatus -ne 'BelowLimit' }
