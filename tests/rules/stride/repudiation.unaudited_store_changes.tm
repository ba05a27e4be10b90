// repudiation.unaudited_store_changes: fires on a store without audit_logging; silent on a store that declares it.
// fires: repudiation.unaudited_store_changes@db
// silent: repudiation.unaudited_store_changes@ledger

process api "API"
store db "Database"
store ledger "Ledger" { controls [audit_logging] }
api -> db "Writes" { protocol "PostgreSQL/TLS" }
api -> ledger "Books payments" { protocol "PostgreSQL/TLS" }
