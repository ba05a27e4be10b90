// denial_of_service.channel_disruption: fires on a flow between our own components; silent on a call from a process to an external system (that one gets external_dependency).
// fires: denial_of_service.channel_disruption@api>db
// silent: denial_of_service.channel_disruption@api>psp

process api "API"
store db "Database"
external psp "Payment provider"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
api -> psp "Charges cards" { protocol "HTTPS" }
