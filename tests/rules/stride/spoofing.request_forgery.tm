// spoofing.request_forgery: fires on a flow from a person (a browser) into a process; silent on a system-to-system flow, and on a terminal session (SSH).
// fires: spoofing.request_forgery@user>portal
// silent: spoofing.request_forgery@partner>portal
// silent: spoofing.request_forgery@operator>bastion

actor user "User"
external partner "Partner"
process portal "Portal"
user -> portal "Manages account" { protocol "HTTPS" }
partner -> portal "Pushes updates" { protocol "HTTPS" }
actor operator "Operator"
process bastion "Bastion host"
operator -> bastion "Shell access" { protocol "SSH" }
