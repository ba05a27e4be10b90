// spoofing.unauthenticated_source: fires on a boundary-crossing flow into a process without authentication; silent when the target authenticates (with authentication or mtls).
// fires: spoofing.unauthenticated_source@partner>internal_api
// silent: spoofing.unauthenticated_source@partner>gateway
// silent: spoofing.unauthenticated_source@partner>mesh_api

boundary internet "Internet" {
  external partner "Partner system"
}
boundary dc "Data centre" {
  process gateway "Gateway" { controls [authentication] }
  process internal_api "Internal API"
  process mesh_api "Mesh API" { controls [mtls] }
}
partner -> gateway "Calls the API" { protocol "HTTPS" }
partner -> internal_api "Calls the API directly" { protocol "HTTPS" }
partner -> mesh_api "Calls the mesh" { protocol "HTTPS" }
