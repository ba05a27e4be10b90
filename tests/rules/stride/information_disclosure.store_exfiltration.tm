// information_disclosure.store_exfiltration: fires on a store reached only by our own process; silent on a store that an actor reaches directly across a boundary (that one gets public_store).
// fires: information_disclosure.store_exfiltration@db
// silent: information_disclosure.store_exfiltration@uploads

actor user "User"
boundary cloud "Cloud account" {
  process api "API"
  store db "Database"
  store uploads "Upload bucket"
}
user -> api "Uses" { protocol "HTTPS" }
api -> db "Writes" { protocol "PostgreSQL/TLS" }
user -> uploads "Uploads files directly" { protocol "HTTPS" }
