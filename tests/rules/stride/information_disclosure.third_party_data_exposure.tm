// information_disclosure.third_party_data_exposure: fires when a process or a store sends confidential data to an external system; silent when it sends only internal data.
// fires: information_disclosure.third_party_data_exposure@crm_sync>crm
// silent: information_disclosure.third_party_data_exposure@crm_sync>status_page
// fires: information_disclosure.third_party_data_exposure@warehouse>crm

data contacts "Customer contacts" { classification confidential; tags [pii] }
data uptime "Uptime metrics" { classification internal }
process crm_sync "CRM sync"
external crm "Hosted CRM"
external status_page "Hosted status page"
crm_sync -> crm "Pushes contacts" { protocol "HTTPS"; data [contacts] }
crm_sync -> status_page "Pushes uptime" { protocol "HTTPS"; data [uptime] }
store warehouse "Warehouse" { stores [contacts] }
warehouse -> crm "Reverse ETL sync" { protocol "HTTPS"; data [contacts] }
