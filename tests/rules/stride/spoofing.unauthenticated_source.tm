// spoofing.unauthenticated_source: fires on a boundary-crossing flow into a process without authentication; silent when the target authenticates (with authentication or mtls), when a store is read by a process (the store is no caller), and into a store of public data only.
// fires: spoofing.unauthenticated_source@partner>internal_api
// silent: spoofing.unauthenticated_source@partner>gateway
// silent: spoofing.unauthenticated_source@partner>mesh_api
// silent: spoofing.unauthenticated_source@warehouse>reports
// silent: spoofing.unauthenticated_source@partner>public_assets

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
boundary analytics "Analytics" {
  store warehouse "Warehouse"
}
warehouse -> reports "Read by the report job" { protocol "JDBC/TLS" }
process reports "Report job"
data brochure "Brochure" { classification public }
store public_assets "Public assets" { stores [brochure] }
partner -> public_assets "Fetches the brochure" { protocol "HTTPS" }
