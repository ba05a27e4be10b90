// repudiation.unattributable_actions: floor rule: fires on every process; a store is a different kind.
// fires: repudiation.unattributable_actions@api
// silent: repudiation.unattributable_actions@db

process api "API" { controls [audit_logging] }
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
