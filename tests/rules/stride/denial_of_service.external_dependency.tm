// denial_of_service.external_dependency: fires on a call from a process to an external system; silent on a flow between our own components.
// fires: denial_of_service.external_dependency@api>psp
// silent: denial_of_service.external_dependency@api>db

process api "API"
store db "Database"
external psp "Payment provider"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
api -> psp "Charges cards" { protocol "HTTPS" }
