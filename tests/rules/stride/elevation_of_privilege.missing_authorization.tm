// elevation_of_privilege.missing_authorization: fires on an external caller of a process without authorization; silent when the process declares it.
// fires: elevation_of_privilege.missing_authorization@partner>legacy_api
// silent: elevation_of_privilege.missing_authorization@partner>gateway

external partner "Partner"
process gateway "Gateway" { controls [authentication, authorization] }
process legacy_api "Legacy API" { controls [authentication] }
partner -> gateway "Calls" { protocol "HTTPS" }
partner -> legacy_api "Calls" { protocol "HTTPS" }
