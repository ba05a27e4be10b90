// spoofing.unauthenticated_internal_user: fires on a person using an internal tool without authentication inside its boundary; silent when the tool authenticates.
// fires: spoofing.unauthenticated_internal_user@admin>console
// silent: spoofing.unauthenticated_internal_user@admin>portal

boundary office "Office network" {
  actor admin "Administrator"
  process console "Admin console"
  process portal "HR portal" { controls [authentication] }
}
admin -> console "Changes settings" { protocol "HTTPS" }
admin -> portal "Reads payslips" { protocol "HTTPS" }
