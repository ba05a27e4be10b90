// denial_of_service.no_backup: fires on a store without backup; silent on a store that declares it.
// fires: denial_of_service.no_backup@db
// silent: denial_of_service.no_backup@ledger

process api "API"
store db "Database"
store ledger "Ledger" { controls [backup] }
api -> db "Writes" { protocol "PostgreSQL/TLS" }
api -> ledger "Books payments" { protocol "PostgreSQL/TLS" }
