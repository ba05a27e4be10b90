// information_disclosure.unencrypted_channel: fires on a flow with no encryption declared (no protocol, no tls); silent on a flow with the tls control.
// fires: information_disclosure.unencrypted_channel@web>legacy
// silent: information_disclosure.unencrypted_channel@web>modern

process web "Web"
process legacy "Legacy service"
process modern "Modern service"
web -> legacy "Reads stock"
web -> modern "Reads prices" { controls [tls] }
