// denial_of_service.resource_exhaustion: floor rule: fires on every process; a store is a different kind.
// fires: denial_of_service.resource_exhaustion@api
// silent: denial_of_service.resource_exhaustion@db

process api "API"
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
