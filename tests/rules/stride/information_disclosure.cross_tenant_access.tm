// information_disclosure.cross_tenant_access: fires on a flow from a partner (one of many tenants); silent on a flow from a single external vendor.
// fires: information_disclosure.cross_tenant_access@tenant_app>api
// silent: information_disclosure.cross_tenant_access@vendor>api

external tenant_app "Tenant application" { tags [partner] }
external vendor "Monitoring vendor"
process api "API"
tenant_app -> api "Reads its orders" { protocol "HTTPS" }
vendor -> api "Polls health" { protocol "HTTPS" }
