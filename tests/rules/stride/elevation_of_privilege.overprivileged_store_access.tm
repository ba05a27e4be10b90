// elevation_of_privilege.overprivileged_store_access: fires on a process connecting to a store; silent on a person writing to a store directly.
// fires: elevation_of_privilege.overprivileged_store_access@api>db
// silent: elevation_of_privilege.overprivileged_store_access@analyst>db

actor analyst "Analyst"
process api "API"
store db "Database"
api -> db "Writes" { protocol "PostgreSQL/TLS" }
analyst -> db "Corrects records" { protocol "PostgreSQL/TLS" }
