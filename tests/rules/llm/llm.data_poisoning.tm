// llm.data_poisoning: fires on an llm marked fine_tuned; silent on an llm used as is.
// fires: llm.data_poisoning@tuned_model
// silent: llm.data_poisoning@base_model

use llm

process app "App"
process tuned_model "Fine-tuned model" { tags [llm]; fine_tuned true }
external base_model "Hosted LLM" { tags [llm] }
app -> tuned_model "Classifies tickets" { protocol "HTTPS" }
app -> base_model "Drafts replies" { protocol "HTTPS" }
