// A root that reaches the fuzzer's fixed files: elements from inc.tm, rules from rules.tm.
model "Fuzz seed" { description "uses the fixed files"; version "1" }
include "inc.tm"
use "rules.tm"
use llm
process gateway "Gateway" { controls [rate_limiting]; replicas 3 }
user -> gateway "Calls" { protocol "HTTPS" }
gateway -> api "Forwards" { data [pii] }
mitigate "fuzz.flow_rule@gateway>api" { by "TLS on the way" }
accept "fuzz.element_rule@gateway" { reason "fine"; until "2030-01-01"; by "sec" }
