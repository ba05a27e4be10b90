// tampering.process_integrity: floor rule: fires on every process; a store is a different kind.
// fires: tampering.process_integrity@api
// silent: tampering.process_integrity@db

process api "API"
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
