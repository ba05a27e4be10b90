// tampering.cross_site_scripting: fires on a flow from a person into a process; silent on a flow from an external system.
// fires: tampering.cross_site_scripting@user>portal
// silent: tampering.cross_site_scripting@partner>portal

actor user "User"
external partner "Partner"
process portal "Portal"
user -> portal "Manages account" { protocol "HTTPS" }
partner -> portal "Pushes updates" { protocol "HTTPS" }
