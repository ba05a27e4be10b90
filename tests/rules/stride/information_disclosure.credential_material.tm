// information_disclosure.credential_material: fires on a process that declares authentication (it holds what it checks callers against); silent on one that does not.
// fires: information_disclosure.credential_material@gateway
// silent: information_disclosure.credential_material@worker

external partner "Partner"
process gateway "API gateway" { controls [authentication] }
process worker "Worker"
partner -> gateway "Calls the API" { protocol "HTTPS" }
gateway -> worker "Queues jobs" { protocol "HTTPS" }
