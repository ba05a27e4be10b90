// llm.model_artifact_supply_chain: fires on a self-hosted model (a process tagged llm); silent on an ordinary process.
// fires: llm.model_artifact_supply_chain@local_model
// silent: llm.model_artifact_supply_chain@app

use llm

process app "App"
process local_model "Self-hosted model server" { tags [llm]; technology "vLLM" }
app -> local_model "Generates text" { protocol "HTTP" }
