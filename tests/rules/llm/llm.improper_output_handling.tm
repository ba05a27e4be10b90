// llm.improper_output_handling: fires on a process that calls an llm and uses its answer; silent on the same process's call to its database.
// fires: llm.improper_output_handling@app>model
// silent: llm.improper_output_handling@app>db

use llm

process app "App"
store db "Database"
external model "Hosted LLM" { tags [llm] }
app -> model "Generates product descriptions" { protocol "HTTPS" }
app -> db "Stores descriptions" { protocol "PostgreSQL/TLS" }
