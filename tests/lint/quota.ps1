# Exchange: 2016
# Scheduled weekly: raise the quota of everyone on DB01.
Get-Mailbox -Database 'DB01' | Set-Mailbox -ProhibitSendQ 2GB -IssueWarningQuota 1900MB
Set-Mailbox -ProhibitSendReceiveQuota 2200MB
Get-MailboxStatistic -Identity 'jdoe' | Format-List -Property TotalItemSize
