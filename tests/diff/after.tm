// Version 2: adds a payment provider flow, removes the legacy export, mitigates one threat.
model "Shop"
boundary internet "Internet" {
  actor customer "Customer"
  external psp "Payment provider"
}
boundary cloud "Cloud" {
  process web "Web shop" { controls [authentication] }
  store orders "Orders" { stores [order_data] }
}
data order_data "Orders" { classification confidential }
customer -> web "Buys" { protocol "HTTPS" }
web -> orders "Writes orders" { protocol "Native/TLS"; data [order_data] }
web -> psp "Charges cards" { protocol "HTTPS"; data [order_data] }
mitigate "tampering.process_integrity@web" { by "Signed container images, read-only root filesystem" }
