// tampering.query_injection: fires on a process that takes input and writes a store; silent on a scheduled job with no inbound flow.
// fires: tampering.query_injection@api>db
// silent: tampering.query_injection@nightly>db

actor user "User"
process api "API"
process nightly "Nightly job"
store db "Database"
user -> api "Searches" { protocol "HTTPS" }
api -> db "Queries" { protocol "PostgreSQL/TLS" }
nightly -> db "Purges old rows" { protocol "PostgreSQL/TLS" }
