// llm.unbounded_consumption: fires when calls to an llm are driven by callers; silent for a job with no callers.
// fires: llm.unbounded_consumption@chat_api>model
// silent: llm.unbounded_consumption@summary_job>model

use llm

actor user "User"
process chat_api "Chat API"
process summary_job "Nightly summary job"
external model "Hosted LLM" { tags [llm] }
user -> chat_api "Asks questions" { protocol "HTTPS" }
chat_api -> model "Completes chats" { protocol "HTTPS" }
summary_job -> model "Summarises metrics" { protocol "HTTPS" }
