// spoofing.unauthenticated_internal_call: fires on an unauthenticated call between processes in the same boundary; silent when the callee authenticates.
// fires: spoofing.unauthenticated_internal_call@gateway>orders
// silent: spoofing.unauthenticated_internal_call@gateway>billing

boundary cluster "Cluster" {
  process gateway "Gateway"
  process orders "Orders service"
  process billing "Billing service" { controls [authentication] }
}
gateway -> orders "Forwards orders" { protocol "HTTP" }
gateway -> billing "Forwards invoices" { protocol "HTTP" }
