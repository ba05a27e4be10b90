// Version 1 of a small shop: tests/it/diff_cli.rs compares it with after.tm.
model "Shop"
boundary internet "Internet" {
  actor customer "Customer"
}
boundary cloud "Cloud" {
  process web "Web shop" { controls [authentication] }
  process legacy "Legacy export"
  store orders "Orders" { stores [order_data] }
}
data order_data "Orders" { classification confidential }
customer -> web "Buys" { protocol "HTTPS" }
web -> orders "Writes orders" { protocol "Native/TLS"; data [order_data] }
legacy -> orders "Reads orders" { protocol "ODBC" }
