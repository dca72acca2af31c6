# Exchange: 2013
# Publish Outlook Anywhere on the new CAS (the 2010 steps, kept from the old build sheet).
$cas = 'EX2013-01'
Enable-OutlookAnywhere -Server $cas -ExternalHostname 'mail.contoso.com' -ClientAuthenticationMethod Basic -SSLOffloading $false
Get-OutlookAnywhere -Server $cas | Set-OutlookAnywhere -ClientAuthenticationMethod Ntlm
