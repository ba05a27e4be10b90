// tampering.stored_data: floor rule: fires on every store; a process is a different kind.
// fires: tampering.stored_data@db
// silent: tampering.stored_data@api

process api "API"
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
