# Exchange: 2016
# Pasted from the wiki page "Litigation hold".
Set-Mailbox –Identity “jdoe” -LitigationHoldEnabled $true
