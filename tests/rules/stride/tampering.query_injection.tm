// tampering.query_injection: fires on a process that takes input and writes a store; silent on a scheduled job with no inbound flow, and on a log store (repudiation.log_tampering covers forged entries there).
// fires: tampering.query_injection@api>db
// silent: tampering.query_injection@nightly>db
// silent: tampering.query_injection@api>audit_log

actor user "User"
process api "API"
process nightly "Nightly job"
store db "Database"
store audit_log "Audit log" { tags [logs] }
user -> api "Searches" { protocol "HTTPS" }
api -> db "Queries" { protocol "PostgreSQL/TLS" }
api -> audit_log "Writes audit records" { protocol "HTTPS" }
nightly -> db "Purges old rows" { protocol "PostgreSQL/TLS" }
