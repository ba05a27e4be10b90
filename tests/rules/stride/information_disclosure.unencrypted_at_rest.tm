// information_disclosure.unencrypted_at_rest: fires on a store of confidential data without encryption_at_rest; silent when it declares encryption, and on a store of public data.
// fires: information_disclosure.unencrypted_at_rest@customers
// silent: information_disclosure.unencrypted_at_rest@customers_encrypted
// silent: information_disclosure.unencrypted_at_rest@catalogue

data customer_records "Customer records" { classification confidential; tags [pii] }
data products "Product catalogue" { classification public }
process api "API"
store customers "Customer database" { stores [customer_records] }
store customers_encrypted "Encrypted customer database" { stores [customer_records]; controls [encryption_at_rest] }
store catalogue "Catalogue" { stores [products] }
api -> customers "Writes" { protocol "PostgreSQL/TLS" }
api -> customers_encrypted "Writes" { protocol "PostgreSQL/TLS" }
api -> catalogue "Reads" { protocol "PostgreSQL/TLS" }
