// information_disclosure.error_leakage: floor rule: fires on every process; a store is a different kind.
// fires: information_disclosure.error_leakage@api
// silent: information_disclosure.error_leakage@db

process api "API"
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
