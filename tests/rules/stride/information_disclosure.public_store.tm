// information_disclosure.public_store: fires on a store that an actor reaches directly across a boundary; silent on a store behind the application.
// fires: information_disclosure.public_store@uploads
// silent: information_disclosure.public_store@db

actor user "User"
boundary cloud "Cloud account" {
  process api "API"
  store db "Database"
  store uploads "Upload bucket"
}
user -> api "Uses" { protocol "HTTPS" }
api -> db "Writes" { protocol "PostgreSQL/TLS" }
user -> uploads "Uploads files directly" { protocol "HTTPS" }
