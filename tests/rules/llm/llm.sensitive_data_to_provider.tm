// llm.sensitive_data_to_provider: fires when confidential data goes to a third-party model; silent when only public data does.
// fires: llm.sensitive_data_to_provider@assistant>model
// silent: llm.sensitive_data_to_provider@faq_bot>model

use llm

data case_notes "Case notes" { classification confidential; tags [pii] }
data faq "Public FAQ" { classification public }
process assistant "Case assistant"
process faq_bot "FAQ bot"
external model "Hosted LLM" { tags [llm] }
assistant -> model "Summarises cases" { protocol "HTTPS"; data [case_notes] }
faq_bot -> model "Answers from the FAQ" { protocol "HTTPS"; data [faq] }
