// repudiation.actor_denial: floor rule: fires on every actor; a process is a different kind.
// fires: repudiation.actor_denial@clerk
// silent: repudiation.actor_denial@backoffice

actor clerk "Clerk"
process backoffice "Back office"
clerk -> backoffice "Approves refunds" { protocol "HTTPS" }
