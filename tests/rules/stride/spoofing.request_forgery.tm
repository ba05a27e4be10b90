// spoofing.request_forgery: fires on a flow from a person (a browser) into a process; silent on a system-to-system flow.
// fires: spoofing.request_forgery@user>portal
// silent: spoofing.request_forgery@partner>portal

actor user "User"
external partner "Partner"
process portal "Portal"
user -> portal "Manages account" { protocol "HTTPS" }
partner -> portal "Pushes updates" { protocol "HTTPS" }
