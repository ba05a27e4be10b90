// repudiation.log_tampering: fires on a store tagged logs; silent on an ordinary store.
// fires: repudiation.log_tampering@audit_log
// silent: repudiation.log_tampering@db

process api "API"
store db "Database" { controls [audit_logging] }
store audit_log "Audit log" { tags [logs]; controls [audit_logging] }
api -> db "Writes" { protocol "PostgreSQL/TLS" }
api -> audit_log "Appends audit records" { protocol "HTTPS" }
