// llm.improper_output_handling: fires on a process that calls an llm and uses its answer; silent on the same process's call to its database, and on its read of a vector store (tagged llm, but it answers with what was put in it).
// fires: llm.improper_output_handling@app>model
// silent: llm.improper_output_handling@app>db
// silent: llm.improper_output_handling@app>vectors

use llm

process app "App"
store db "Database"
store vectors "Vector store" { tags [llm] }
external model "Hosted LLM" { tags [llm] }
app -> model "Generates product descriptions" { protocol "HTTPS" }
app -> db "Stores descriptions" { protocol "PostgreSQL/TLS" }
app -> vectors "Finds similar descriptions" { protocol "HTTPS" }
