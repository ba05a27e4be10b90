// llm.system_prompt_leakage: fires when a process that serves callers sends its instructions to an llm; silent for a job with no callers.
// fires: llm.system_prompt_leakage@chat_api>model
// silent: llm.system_prompt_leakage@summary_job>model

use llm

actor user "User"
process chat_api "Chat API"
process summary_job "Nightly summary job"
external model "Hosted LLM" { tags [llm] }
user -> chat_api "Asks questions" { protocol "HTTPS" }
chat_api -> model "Completes chats" { protocol "HTTPS" }
summary_job -> model "Summarises metrics" { protocol "HTTPS" }
