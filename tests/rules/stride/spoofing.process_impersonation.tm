// spoofing.process_impersonation: floor rule: fires on every process; an actor is a different kind.
// fires: spoofing.process_impersonation@api
// silent: spoofing.process_impersonation@user

actor user "User"
process api "API"
user -> api "Uses"
