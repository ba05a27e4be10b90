// spoofing.actor_impersonation: fires on an actor that is not tagged admin; the admin actor gets the privileged rule instead.
// fires: spoofing.actor_impersonation@customer
// silent: spoofing.actor_impersonation@operator

actor customer "Customer"
actor operator "Operator" { tags [admin] }
process shop "Shop"
customer -> shop "Buys"
operator -> shop "Configures"
