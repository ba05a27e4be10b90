// tampering.input_injection: fires on input from an external system; silent on a call from an internal process that is not internet-facing, in the same boundary.
// fires: tampering.input_injection@partner>api
// silent: tampering.input_injection@worker>api

external partner "Partner"
boundary app "Application" {
  process api "API"
  process worker "Worker"
}
partner -> api "Submits orders" { protocol "HTTPS" }
worker -> api "Reports progress" { protocol "HTTPS" }
