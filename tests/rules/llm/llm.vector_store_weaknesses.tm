// llm.vector_store_weaknesses: fires on a store tagged llm (embeddings retrieved into prompts); silent on an ordinary store.
// fires: llm.vector_store_weaknesses@vectors
// silent: llm.vector_store_weaknesses@db

use llm

process app "App"
store vectors "Vector index" { tags [llm] }
store db "Database"
app -> vectors "Retrieves passages" { protocol "HTTPS" }
app -> db "Stores conversations" { protocol "PostgreSQL/TLS" }
