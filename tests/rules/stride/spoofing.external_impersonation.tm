// spoofing.external_impersonation: floor rule: fires on every external system; a process is a different kind.
// fires: spoofing.external_impersonation@partner
// silent: spoofing.external_impersonation@api

external partner "Partner"
process api "API"
partner -> api "Sends orders" { protocol "HTTPS" }
