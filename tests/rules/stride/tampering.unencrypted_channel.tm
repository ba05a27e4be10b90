// tampering.unencrypted_channel: fires on a plain HTTP flow, and on one whose protocol says it has no TLS (even to a target that declares mtls); silent on an HTTPS flow, on an SMTPS one, and on a flow to a target that declares mtls (it takes mutual TLS only).
// fires: tampering.unencrypted_channel@web>legacy
// fires: tampering.unencrypted_channel@web>notls
// fires: tampering.unencrypted_channel@device>insecure_broker
// silent: tampering.unencrypted_channel@device>broker
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
process device "Device"
process broker "MQTT broker" { controls [mtls] }
process insecure_broker "Test broker" { controls [mtls] }
device -> broker "Publishes telemetry" { protocol "MQTT" }
device -> insecure_broker "Publishes test data" { protocol "MQTT (TLS disabled)" }
