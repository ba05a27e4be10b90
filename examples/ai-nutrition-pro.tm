// AI Nutrition-Pro: the system described in "AI Nutrition-Pro architecture" (system context,
// containers and deployment to AWS). Compile it with `tmc build examples/ai-nutrition-pro.tm`.
//
// What is modelled, and from where
//   people        Dietitian, Meal Planner application manager, Administrator, App Onboarding Manager
//   externals     Meal Planner application (one of many tenants), ChatGPT-3.5 (OpenAI)
//   containers    API Gateway (Kong), Web Control Plane, API Application (Golang on AWS ECS)
//   databases     Control Plane Database, API database (Amazon RDS)
//   controls      only those the architecture states: per-tenant API keys, ACL rules, input
//                 filtering and rate limiting at the API Gateway; TLS between the Meal Planner
//                 applications and the API Gateway, and on both database connections (plus database
//                 authentication, which Amazon RDS always requires). Anything the
//                 document does not state (how staff sign in to the Web Control Plane, encryption at
//                 rest, backups, audit logging) is left out on purpose, so that it shows up as a gap.

model "AI Nutrition-Pro" {
  description "API backend that generates diet introductions and other dietitian content with OpenAI ChatGPT, for Meal Planner applications integrated as tenants"
  version "1.0"
  owner "AI Nutrition-Pro platform team"
}

use llm

// ---------------------------------------------------------------------------- trust boundaries
//
// The nesting follows the context diagram (three organisations: Meal Planner, OpenAI, AI
// Nutrition-Pro) and, inside AI Nutrition-Pro, the deployment diagram (AWS account > App VPC > ECS).
//
// - There is no "Internet" boundary: the Internet is the untrusted space between the organisations,
//   not a zone whose members trust each other. Every flow from one top-level boundary to another
//   crosses it, and `crosses_boundary` and `internet_facing` follow from that.
// - Meal Planner organisation stands for each integrated tenant: its dietitians, its application and
//   its manager of the integration. Tenants do not trust each other (tag `partner`).
// - The Administrator and the App Onboarding Manager are AI Nutrition-Pro staff (inside the
//   container boundary in the C4 diagram) but not inside AWS: they reach the Web Control Plane from
//   their workstations, so their flows cross into the AWS account.
// - The two RDS databases sit in the AWS account outside the App VPC and ECS, as the deployment
//   diagram draws them; their connections therefore cross the VPC boundary.

boundary meal_planner_org "Meal Planner organisation" {
  description "One integrated Meal Planner company (a tenant); there are many"

  actor dietitian "Dietitian" {
    description "Customer of the Meal Planner application; creates diets for patients and sees AI-generated content in Meal Planner; consents to AI processing of their data"
  }
  actor mp_manager "Meal Planner application manager" {
    description "Meal Planner employee who manages the AI Nutrition-Pro integration: configuration, API keys, billing"
    tags [partner]
  }
  external meal_planner "Meal Planner application" {
    description "Web application that dietitians use to create diets; uploads samples of dietitians' content and fetches AI-generated results over REST"
    technology "Web application, REST client"
    tags [partner]
  }
}

boundary openai "OpenAI" {
  external chatgpt "ChatGPT-3.5" {
    description "OpenAI's LLM, used to generate content from the samples provided"
    technology "OpenAI API, gpt-3.5"
    url "https://api.openai.com"
    tags [llm]
  }
}

boundary nutrition_pro "AI Nutrition-Pro" {
  description "The company that runs AI Nutrition-Pro"

  actor admin "Administrator" {
    description "Administrator of AI Nutrition-Pro: manages server configuration, resolves problems"
    tags [admin]
  }
  actor onboarding_manager "App Onboarding Manager" {
    description "Employee who onboards new Meal Planner applications and manages their configuration"
    tags [admin]
  }

  boundary aws "AWS account" {
    boundary vpc "App VPC" {
      boundary ecs "App ECS" {
        description "AWS Elastic Container Service cluster running the three containers"

        process api_gateway "API Gateway" {
          description "Authentication of clients, filtering of input, rate limiting; ACL rules allow or deny actions per Meal Planner application"
          technology "Kong"
          controls [authentication, authorization, input_validation, rate_limiting]
          tags [internet_facing]
        }
        process control_plane "Web Control Plane" {
          description "Control plane to onboard and manage clients, configure the system and check billing data; used by Administrators, App Onboarding Managers and Meal Planner application managers"
          technology "Golang, AWS Elastic Container Service"
          tags [admin]
        }
        process api_app "API Application" {
          description "Provides AI Nutrition-Pro functionality via API; builds prompts from dietitians' samples and calls ChatGPT"
          technology "Golang, AWS Elastic Container Service"
        }
      }
    }

    store control_plane_db "Control Plane Database" {
      description "All data of the control plane: tenants, configuration, billing"
      technology "Amazon RDS"
      stores [tenant_config, billing_data, tenant_api_keys, system_config]
    }
    store api_db "API database" {
      description "Dietitians' content samples, and requests to and responses from the LLM"
      technology "Amazon RDS"
      stores [dietitian_samples, llm_exchanges]
    }
  }
}

// ---------------------------------------------------------------------------- data

data patient_diets "Diets and patient details" {
  classification restricted
  description "Diets that dietitians create for their patients, with the patients' health details; stays in the Meal Planner application"
  tags [pii]
}
data dietitian_samples "Dietitian content samples" {
  classification confidential
  description "Samples of a dietitian's own writing (diet introductions and similar), uploaded so that generated content follows their personal style; may mention patients"
  tags [pii]
}
data generated_content "AI-generated content" {
  classification confidential
  description "Diet introductions and other content generated for a dietitian"
}
data llm_exchanges "LLM requests and responses" {
  classification confidential
  description "Prompts sent to ChatGPT (instructions plus dietitian samples) and the completions returned"
  tags [pii]
}
data tenant_api_keys "Meal Planner API keys" {
  classification restricted
  description "The individual API key of each Meal Planner application"
}
data tenant_config "Tenant and integration configuration" {
  classification internal
  description "Onboarded Meal Planner applications, their dietitians and integration settings"
}
data billing_data "Billing data" {
  classification confidential
  description "Usage and billing records per Meal Planner application"
}
data system_config "System configuration" {
  classification internal
  description "System properties set by the Administrator"
}

// ---------------------------------------------------------------------------- flows
//
// Relationships are taken from the container diagram, protocols from the container and deployment
// diagrams. A "read/write data" relationship is one flow from the application to its database
// (the request/response pair of a connection), not two. Where the architecture names no protocol
// (the people's flows), none is given, and the model reports the flow as not known to be encrypted.

dietitian -> meal_planner "Uses for diet creation" {
  data [patient_diets, dietitian_samples, generated_content]
}

meal_planner -> api_gateway "Uses for AI content generation" {
  protocol "HTTPS/REST"
  data [dietitian_samples, generated_content, tenant_api_keys]
  controls [tls, authentication, authorization]
}

api_gateway -> api_app "Uses for AI content generation" {
  protocol "HTTPS/REST"
  data [dietitian_samples, generated_content]
}

mp_manager -> control_plane "Manage billings, onboard new dietitians" {
  data [billing_data, tenant_config, tenant_api_keys]
}

admin -> control_plane "Configure system properties" {
  data [system_config]
}

onboarding_manager -> control_plane "Creates new tenant. Onboarding new meal planner applications" {
  data [tenant_config, tenant_api_keys]
}

api_app -> chatgpt "Utilizes ChatGPT for LLM-featured content creation" {
  protocol "HTTPS/REST"
  data [llm_exchanges, dietitian_samples]
}

control_plane -> control_plane_db "read/write data" {
  protocol "Native/TLS"
  data [tenant_config, billing_data, tenant_api_keys, system_config]
  controls [tls, authentication] // RDS accepts no connection without a database user
}

api_app -> api_db "read/write data" {
  protocol "Native/TLS"
  data [dietitian_samples, llm_exchanges]
  controls [tls, authentication] // RDS accepts no connection without a database user
}

// ---------------------------------------------------------------------------- threats written by hand
//
// Threats specific to this design that no generic rule can see. Prompt injection through the
// dietitians' samples is not written here: the llm pack generates it on the flow to ChatGPT as
// llm.indirect_prompt_injection@api_app>chatgpt (and the direct form as llm.direct_prompt_injection).

threat shared_openai_account "One tenant's abuse gets the shared OpenAI account suspended" {
  on api_app -> chatgpt
  category denial_of_service
  severity high
  explanation "All Meal Planner tenants are served through one OpenAI organisation and API key. Content that breaks OpenAI's usage policies, sent by one tenant on purpose or through prompt injection, can get the key rate-limited or the organisation suspended, which stops content generation for every tenant at once."
  mitigations [
    "Run OpenAI's moderation endpoint on inputs and outputs and block violating requests before they reach the model",
    "Pass a per-tenant end-user identifier with each request so that OpenAI can attribute abuse to a single tenant",
    "Suspend an abusive tenant quickly from the Web Control Plane, and keep a second project or provider ready",
  ]
}

threat cross_tenant_samples "Another dietitian's samples end up in a prompt" {
  on api_app
  category information_disclosure
  severity high
  explanation "The API Application selects which stored samples go into each prompt from the shared API database. A missing or wrong tenant or dietitian filter in that query puts one dietitian's samples (and any patient details in them) into another tenant's prompt, where the model can repeat them in the generated content."
  mitigations [
    "Select samples by tenant and dietitian taken from the authenticated request, with the tenant filter enforced in the data layer (row-level security)",
    "Test prompt assembly with two tenants and assert that no foreign sample is ever included",
    "Strip patient details from samples when they are uploaded",
  ]
}

// ---------------------------------------------------------------------------- decisions

mitigate "spoofing.external_impersonation@meal_planner" {
  by "Each Meal Planner application has its own API key, checked by the API Gateway on every request; a leaked key is revoked from the Web Control Plane, which cuts off only that tenant"
}

mitigate "llm.misinformation@chatgpt" {
  by "Generated content goes to the dietitian who asked for it, a qualified professional who reviews and edits it in Meal Planner before it reaches a patient"
}

accept "*@dietitian>meal_planner" {
  reason "The dietitians' use of their Meal Planner application is run and secured by each Meal Planner company under the integration agreement; AI Nutrition-Pro cannot control that channel"
  until "2027-03-31"
}

accept "denial_of_service.external_dependency@api_app>chatgpt" {
  reason "One LLM provider is accepted for version 1: content generation is not time-critical for Meal Planner and can be retried later; a second provider is planned for version 2"
  until "2027-06-30"
}
