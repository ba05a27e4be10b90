// tampering.cross_site_scripting: fires on a flow from a person into a process; silent on a flow from an external system, and on a terminal session (SSH).
// fires: tampering.cross_site_scripting@user>portal
// silent: tampering.cross_site_scripting@partner>portal
// silent: tampering.cross_site_scripting@operator>bastion

actor user "User"
external partner "Partner"
process portal "Portal"
user -> portal "Manages account" { protocol "HTTPS" }
partner -> portal "Pushes updates" { protocol "HTTPS" }
actor operator "Operator"
process bastion "Bastion host"
operator -> bastion "Shell access" { protocol "SSH" }
