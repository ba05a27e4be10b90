// spoofing.stolen_outbound_credentials: fires where a process presents credentials (to an external service); silent on an unauthenticated internal store connection.
// fires: spoofing.stolen_outbound_credentials@api>psp
// silent: spoofing.stolen_outbound_credentials@api>cache

boundary app "Application" {
  process api "API"
  store cache "Cache"
}
external psp "Payment provider"
api -> psp "Charges cards" { protocol "HTTPS" }
api -> cache "Caches sessions" { protocol "TCP" }
