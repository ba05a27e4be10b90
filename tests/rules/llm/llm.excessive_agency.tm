// llm.excessive_agency: fires on an llm that has outbound flows (it drives other components); silent on an llm that only answers.
// fires: llm.excessive_agency@agent
// silent: llm.excessive_agency@model

use llm

actor user "User"
process agent "Support agent" { tags [llm] }
external model "Hosted LLM" { tags [llm] }
external crm "CRM"
user -> agent "Asks for help" { protocol "HTTPS" }
agent -> crm "Updates customer records" { protocol "HTTPS" }
agent -> model "Plans the next step" { protocol "HTTPS" }
