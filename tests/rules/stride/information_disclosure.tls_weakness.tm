// information_disclosure.tls_weakness: fires on an encrypted flow (protocol names TLS); silent on a plaintext flow.
// fires: information_disclosure.tls_weakness@web>modern
// silent: information_disclosure.tls_weakness@web>legacy

process web "Web"
process legacy "Legacy service"
process modern "Modern service"
web -> legacy "Reads stock" { protocol "HTTP" }
web -> modern "Reads prices" { protocol "Native/TLS" }
