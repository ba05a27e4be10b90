// Included by the fuzzed root with `include "inc.tm"`: elements, data and flows in another file.
boundary cloud "Cloud" {
  process api "API" { technology "Go"; controls [authentication, tls]; tags [internet_facing] }
  store db "Database" { stores [pii]; encrypted true }
  boundary inner "Inner" {
    process worker "Worker"
  }
}
actor user "User"
external llm_provider "LLM provider" { tags [llm] }
data pii "Personal data" { classification confidential }
user -> api "Requests" { protocol "HTTPS"; data [pii] }
api <-> db "Reads and writes" { data [pii] }
api -> worker "Jobs"
worker -> llm_provider "Prompts" { data [pii] }
threat inc_threat "Hand-written threat" {
  on api -> db
  category tampering
  severity medium
}
