// tampering.untrusted_external_response: fires on a process calling an external system; silent on the same process calling its own store.
// fires: tampering.untrusted_external_response@api>geo
// silent: tampering.untrusted_external_response@api>db

process api "API"
external geo "Geocoding service"
store db "Database"
api -> geo "Looks up addresses" { protocol "HTTPS" }
api -> db "Stores addresses" { protocol "PostgreSQL/TLS" }
