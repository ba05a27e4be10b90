// denial_of_service.store_exhaustion: floor rule: fires on every store; a process is a different kind.
// fires: denial_of_service.store_exhaustion@db
// silent: denial_of_service.store_exhaustion@api

process api "API"
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
