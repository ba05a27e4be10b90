// elevation_of_privilege.process_compromise: fires on a process that is not internet-facing; silent on an internet-facing one.
// fires: elevation_of_privilege.process_compromise@backend
// silent: elevation_of_privilege.process_compromise@edge

external client "Client"
boundary dc "Data centre" {
  process edge "Edge"
  process backend "Backend"
}
client -> edge "Requests" { protocol "HTTPS" }
edge -> backend "Forwards" { protocol "HTTPS" }
