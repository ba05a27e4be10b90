// elevation_of_privilege.missing_authorization: fires on an external caller of a process without authorization; silent when the process declares it, and on a store read across a boundary (the store is no caller).
// fires: elevation_of_privilege.missing_authorization@partner>legacy_api
// silent: elevation_of_privilege.missing_authorization@partner>gateway
// silent: elevation_of_privilege.missing_authorization@warehouse>reports

external partner "Partner"
process gateway "Gateway" { controls [authentication, authorization] }
process legacy_api "Legacy API" { controls [authentication] }
partner -> gateway "Calls" { protocol "HTTPS" }
partner -> legacy_api "Calls" { protocol "HTTPS" }
boundary analytics "Analytics" {
  store warehouse "Warehouse"
}
process reports "Report job"
warehouse -> reports "Read by the report job" { protocol "JDBC/TLS" }
