// tampering.tls_interception: fires on an encrypted flow (tls control); silent on a plaintext flow, which gets tampering.unencrypted_channel instead.
// fires: tampering.tls_interception@web>modern
// silent: tampering.tls_interception@web>legacy

process web "Web"
process legacy "Legacy service"
process modern "Modern service"
web -> legacy "Reads stock" { protocol "HTTP" }
web -> modern "Reads prices" { protocol "gRPC"; controls [tls] }
