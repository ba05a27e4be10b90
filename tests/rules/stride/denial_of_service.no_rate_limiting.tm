// denial_of_service.no_rate_limiting: fires on an internet-facing process without rate limiting; silent on one that declares it.
// fires: denial_of_service.no_rate_limiting@public_api
// silent: denial_of_service.no_rate_limiting@limited_api

external client "Client"
boundary dc "Data centre" {
  process public_api "Public API"
  process limited_api "Rate-limited API" { controls [rate_limiting] }
}
client -> public_api "Requests" { protocol "HTTPS" }
client -> limited_api "Requests" { protocol "HTTPS" }
