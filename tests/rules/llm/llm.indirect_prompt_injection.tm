// llm.indirect_prompt_injection: fires when a flow to an llm carries declared data (content placed in the prompt); silent when it carries none.
// fires: llm.indirect_prompt_injection@assistant>model
// silent: llm.indirect_prompt_injection@health_check>model

use llm

data tickets "Support tickets" { classification internal }
process assistant "Support assistant"
process health_check "Health check"
external model "Hosted LLM" { tags [llm] }
assistant -> model "Drafts replies to tickets" { protocol "HTTPS"; data [tickets] }
health_check -> model "Pings the model" { protocol "HTTPS" }
