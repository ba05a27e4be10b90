// elevation_of_privilege.exposed_admin_interface: fires on an admin-tagged process reachable by an actor across a boundary; silent on an admin tool reached only from inside its boundary.
// fires: elevation_of_privilege.exposed_admin_interface@admin_console
// silent: elevation_of_privilege.exposed_admin_interface@ops_tool

actor operator "Operator" { tags [admin] }
boundary cloud "Cloud account" {
  process admin_console "Admin console" { tags [admin] }
  process ops_tool "Ops tool" { tags [admin] }
}
operator -> admin_console "Administers" { protocol "HTTPS" }
admin_console -> ops_tool "Runs maintenance tasks" { protocol "HTTPS" }
