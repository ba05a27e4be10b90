// The examples of the v1 language contract (LANGUAGE.md), in its order, as one model.
// tests/it/docs_blocks.rs compiles them together.

model "AI Nutrition-Pro" {            // at most one per compiled model; optional
  description "Backend that generates diet content with an LLM"
  version "1.2"
  owner "platform-security@example.com"
}
include "shared/aws-common.tm"        // path relative to this file; its declarations join the model
use stride                            // a built-in rule pack from stdlib/ (stride is on by default)
use "rules/our-team.tm"               // a rule-pack file of the user's own

boundary internet "Internet" {
  actor admin "Administrator" { description "Manages the configuration of the system" }
  external meal_planner "Meal Planner application" { tags [partner] }
  external chatgpt "ChatGPT" { technology "OpenAI API, gpt-4"; tags [llm] }
}

boundary aws "AWS Cloud" {
  boundary vpc "Application VPC" {
    process api_gateway "API Gateway" {
      technology "Kong"
      controls [authentication, rate_limiting, input_validation]
      tags [internet_facing]
    }
    process "API Application" { technology "Golang, AWS ECS" }
    store api_db "API Database" {
      technology "Amazon RDS"
      stores [dietitian_content, llm_requests]
      controls [encryption_at_rest]
    }
  }
}

data dietitian_content "Dietitian content samples" { classification confidential }
data llm_requests "LLM requests and responses" { classification internal; tags [pii] }

meal_planner -> api_gateway "Uses for AI content generation" {
  protocol "HTTPS/REST"
  data [dietitian_content]
  controls [tls, authentication]
}
"API Application" -> chatgpt "Generates content" { protocol "HTTPS/REST"; controls [tls] }
api_gateway <-> "API Application"      // two flows, one each way, both with the same properties

threat prompt_injection "Prompt injection through dietitian samples" {
  on "API Application" -> chatgpt     // a flow, or a single element: `on api_gateway`
  category tampering                  // spoofing | tampering | repudiation |
                                      // information_disclosure | denial_of_service | elevation_of_privilege
  severity high                       // low | medium | high | critical
  explanation "Samples are passed to the model verbatim"
  mitigations ["Strip instructions from samples", "Constrain the output format"]
}

mitigate "spoofing.unauthenticated_source@meal_planner>api_gateway" {
  by "Per-tenant API keys checked by Kong"
}
accept "denial_of_service.flood@api_gateway" {
  reason "Covered by AWS Shield Advanced at the edge"
  until "2027-06-30"                    // after this date the acceptance lapses, with a warning
}

rule spoofing.unauthenticated_source {
  category spoofing
  on target process, store               // role: source | target | flow | element; then element kinds
  when flow.crosses_boundary and not (target.controls has authentication or flow.controls has authentication)
  title "Attacker spoofs {{ source.name }} to gain unauthorized access to {{ target.name }}"
  explanation "{{ target.name }} accepts requests from outside {{ target.boundary.name }} without authentication"
  mitigations ["Authenticate every caller (OAuth 2.0, mTLS or signed API keys)"]
  mitigated_by [authentication]          // a declared control that lowers likelihood, and says so
  impact high
  likelihood medium
  references ["CAPEC-151", "CWE-287"]
}
