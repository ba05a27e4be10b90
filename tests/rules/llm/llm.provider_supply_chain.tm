// llm.provider_supply_chain: fires on an external system tagged llm; silent on an ordinary external system.
// fires: llm.provider_supply_chain@model
// silent: llm.provider_supply_chain@psp

use llm

process app "App"
external model "Hosted LLM" { tags [llm] }
external psp "Payment provider"
app -> model "Generates text" { protocol "HTTPS" }
app -> psp "Charges cards" { protocol "HTTPS" }
