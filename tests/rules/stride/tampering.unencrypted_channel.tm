// tampering.unencrypted_channel: fires on a plain HTTP flow; silent on an HTTPS flow.
// fires: tampering.unencrypted_channel@web>legacy
// silent: tampering.unencrypted_channel@web>modern

process web "Web"
process legacy "Legacy service"
process modern "Modern service"
web -> legacy "Reads stock" { protocol "HTTP" }
web -> modern "Reads prices" { protocol "HTTPS" }
