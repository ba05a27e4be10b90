// llm.misinformation: fires on every llm-tagged element; silent on an ordinary process.
// fires: llm.misinformation@model
// silent: llm.misinformation@app

use llm

process app "App"
external model "Hosted LLM" { tags [llm] }
app -> model "Generates advice" { protocol "HTTPS" }
