// repudiation.external_denial: floor rule: fires on every external system; an actor is a different kind.
// fires: repudiation.external_denial@carrier
// silent: repudiation.external_denial@clerk

actor clerk "Clerk"
external carrier "Shipping carrier"
process backoffice "Back office"
clerk -> backoffice "Books shipments" { protocol "HTTPS" }
backoffice -> carrier "Orders pickups" { protocol "HTTPS" }
