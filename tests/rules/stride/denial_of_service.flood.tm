// denial_of_service.flood: fires on an internet-facing process; silent on an internal one.
// fires: denial_of_service.flood@edge
// silent: denial_of_service.flood@backend

external client "Client"
boundary dc "Data centre" {
  process edge "Edge"
  process backend "Backend"
}
client -> edge "Requests" { protocol "HTTPS" }
edge -> backend "Forwards" { protocol "HTTPS" }
