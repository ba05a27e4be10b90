// spoofing.privileged_actor_impersonation: fires on an actor tagged admin; silent on an ordinary actor.
// fires: spoofing.privileged_actor_impersonation@operator
// silent: spoofing.privileged_actor_impersonation@customer

actor customer "Customer"
actor operator "Operator" { tags [admin] }
process shop "Shop"
customer -> shop "Buys"
operator -> shop "Configures"
