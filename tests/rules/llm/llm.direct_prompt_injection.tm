// llm.direct_prompt_injection: fires when a process that serves callers sends prompts to an llm; silent for a batch job with no callers.
// fires: llm.direct_prompt_injection@chat_api>model
// silent: llm.direct_prompt_injection@summary_job>model

use llm

actor user "User"
process chat_api "Chat API"
process summary_job "Nightly summary job"
external model "Hosted LLM" { tags [llm] }
user -> chat_api "Asks questions" { protocol "HTTPS" }
chat_api -> model "Completes chats" { protocol "HTTPS" }
summary_job -> model "Summarises metrics" { protocol "HTTPS" }
