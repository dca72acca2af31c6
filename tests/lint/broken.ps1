# Exchange: 2019
# Disable POP for new hires (half edited).
$hires = Get-Mailbox -OrganizationalUnit 'contoso.com/New Hires' -ResultSize Unlimited
foreach ($h in $hires {
    Set-CASMailbox -Identity $h.Identity -PopEnabled $false
}
