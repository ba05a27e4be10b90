// tampering.unencrypted_channel: fires on a plain HTTP flow, and on one whose protocol says it has no TLS; silent on an HTTPS flow and on an SMTPS one.
// fires: tampering.unencrypted_channel@web>legacy
// fires: tampering.unencrypted_channel@web>notls
// silent: tampering.unencrypted_channel@web>modern
// silent: tampering.unencrypted_channel@web>mail

process web "Web"
process legacy "Legacy service"
process notls "Old service"
process modern "Modern service"
process mail "Mail relay"
web -> legacy "Reads stock" { protocol "HTTP" }
web -> notls "Reads orders" { protocol "HTTP (no TLS)" }
web -> modern "Reads prices" { protocol "HTTPS" }
web -> mail "Sends receipts" { protocol "SMTPS" }
