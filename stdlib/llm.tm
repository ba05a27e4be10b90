// stdlib/llm.tm — threats of systems that use large language models. Turn it on with `use llm`.
//
// Follows the OWASP Top 10 for LLM Applications (2025). The rules look for elements tagged `llm`:
// an external model API (external), a model we host ourselves (process), or a vector or embedding
// store that feeds a model (store). The process that builds prompts and receives answers is the
// `source` of a flow whose `target` is tagged `llm`.
//
// Conventions the rules read:
//   tags [llm]          the element is, or directly serves, a language model
//   fine_tuned true     (custom property; "true" and "yes" count too) the model is trained or fine-tuned on data we supply
//   data [..]           on the flow to the model: what goes into its context window
//
// Controls for LLM systems: prompt_hardening, output_validation, content_filtering, usage_quota,
// human_review, data_minimization (plus the general ones: input_validation, least_privilege, ...).
//
// The STRIDE pack leaves three things about llm-tagged externals to this pack, which covers them
// in more depth: sensitive data sent to the model (llm.sensitive_data_to_provider), trust in what
// comes back (llm.improper_output_handling) and consumption of its quota (llm.unbounded_consumption).

// ---------------------------------------------------------------------------- LLM01 Prompt injection

rule llm.direct_prompt_injection {
  category tampering
  on target external, process
  when target.tags has llm and (source.kind in [actor, external] or source.inbound > 0)
  title "Instructions smuggled into what {{ source.name }} sends hijack {{ target.name }}"
  explanation "{{ target.name }} is a language model, and the text it receives from {{ source.name }} on data flow {{ flow.number }} is shaped by people or systems outside our control: written by a person or external system directly, or built from requests that {{ source.name }} receives. Instructions hidden in that text (\"ignore the previous instructions and ...\") can override the system prompt, change or poison the output, make the model produce harmful content, or draw out other data in its context."
  mitigations [
    "Keep system instructions and caller content in separate message roles; never concatenate caller text into the system prompt",
    "Constrain the task and the output format (structured output with allow-listed fields) and reject answers that do not conform",
    "Screen inputs for known injection patterns and cap their length, knowing that screening alone does not stop a determined attacker",
    "Give the model no capability or data that the caller is not entitled to anyway",
  ]
  mitigated_by [prompt_hardening, input_validation, output_validation]
  impact medium
  likelihood high
  references ["OWASP-LLM01:2025", "CWE-1427", "CWE-77"]
}

rule llm.indirect_prompt_injection {
  category tampering
  on target external, process
  when target.tags has llm and flow.max_classification in [public, internal, confidential, restricted]
  title "Content placed in prompts to {{ target.name }} carries hidden instructions"
  explanation "Data flow {{ flow.number }} puts {{ flow.data }} into the context of the model {{ target.name }}. That content was written by others (documents, samples, stored records) and the model cannot tell data from instructions: text planted in it steers every generation that includes it, long after it was stored, even when the caller who triggers the generation is honest (indirect prompt injection)."
  mitigations [
    "Mark embedded content as data (delimiters, a separate message) and tell the model never to follow instructions found inside it",
    "Scan content for instruction-like text when it is stored, not only when it is used",
    "Validate the output so that a hijacked generation can produce nothing worse than a rejected answer",
    "Record which stored items went into each prompt, so that a poisoned item can be traced and removed",
  ]
  mitigated_by [prompt_hardening, content_filtering, output_validation]
  impact medium
  likelihood medium
  references ["OWASP-LLM01:2025", "CWE-1427"]
}

// ---------------------------------------------------------------------------- LLM02 Sensitive information disclosure

rule llm.sensitive_data_to_provider {
  category information_disclosure
  on target external
  when target.tags has llm and flow.max_classification in [confidential, restricted]
  title "Sensitive data is sent to the model provider {{ target.name }}"
  explanation "Data flow {{ flow.number }} sends {{ flow.data }} (classified up to {{ flow.max_classification }}) to {{ target.name }}, a model run by a third party. Depending on the provider's terms and account settings it may be retained for abuse monitoring, read by the provider's staff, used for training, or exposed in a breach at the provider; personal data sent there also needs a legal basis and a processing agreement."
  mitigations [
    "Send the minimum: remove names, contact details and identifiers from prompts, or pseudonymise them and restore them afterwards",
    "Use a business or API tier with zero data retention and no training on inputs, under a data processing agreement",
    "Record the consent or other legal basis for personal data sent to the model, and where the provider processes it",
  ]
  mitigated_by [data_minimization]
  impact high
  likelihood medium
  references ["OWASP-LLM02:2025", "CWE-359", "CWE-201"]
}

// ---------------------------------------------------------------------------- LLM03 Supply chain

rule llm.provider_supply_chain {
  category tampering
  on element external
  when element.tags has llm
  title "The model behind {{ element.name }} changes or is compromised without our knowledge"
  explanation "{{ element.name }} is a model operated by a third party. The provider can update, retrain or retire it, change its safety filters or terms, or be compromised itself, and what the system produces changes with no change on our side."
  mitigations [
    "Pin a dated model version and test before moving to a new one",
    "Keep an evaluation set of prompts with expected properties and run it on every model or prompt change",
    "Review the provider's security and data-handling commitments, and keep an exit plan to another model",
  ]
  mitigated_by [output_validation]
  impact medium
  likelihood medium
  references ["OWASP-LLM03:2025", "CWE-1357"]
}

rule llm.model_artifact_supply_chain {
  category tampering
  on element process
  when element.tags has llm
  title "Model files or ML packages loaded by {{ element.name }} are tampered with"
  explanation "{{ element.name }} runs a model itself. Weights, tokenizers, adapters and inference libraries fetched from model hubs and package registries can carry backdoors or code that runs when loaded (pickle files), and an unpinned download can change silently."
  mitigations [
    "Load models only from vetted sources, pinned by hash, in formats that cannot run code (safetensors)",
    "Scan model artifacts and ML dependencies, and list models in the SBOM",
    "Run inference with least privilege and without outbound network access",
  ]
  mitigated_by [integrity_check, least_privilege]
  impact high
  likelihood low
  references ["OWASP-LLM03:2025", "CWE-494", "CWE-502", "CAPEC-538"]
}

// ---------------------------------------------------------------------------- LLM04 Data and model poisoning

rule llm.data_poisoning {
  category tampering
  on element external, process
  when element.tags has llm and element.fine_tuned in [true, "true", "yes"]
  title "Poisoned training data plants behaviour in {{ element.name }}"
  explanation "{{ element.name }} is marked fine_tuned: it is trained or fine-tuned on data we supply. Whoever can get content into that data set (users, partners, a compromised pipeline) can plant biases, false facts or backdoor triggers that surface in later answers for everyone."
  mitigations [
    "Track the provenance of every training record, and accept training data only from vetted sources",
    "Review and filter training data for outliers and instruction-like content before each run",
    "Evaluate every new model version against a fixed test set, including known trigger phrases, before release",
  ]
  mitigated_by [integrity_check, human_review]
  impact high
  likelihood low
  references ["OWASP-LLM04:2025", "CWE-345"]
}

// ---------------------------------------------------------------------------- LLM05 Improper output handling

rule llm.improper_output_handling {
  category elevation_of_privilege
  on source process
  when target.tags has llm and target.kind != store
  title "{{ source.name }} uses output from {{ target.name }} without validating it"
  explanation "The answer to data flow {{ flow.number }} comes back from the model {{ target.name }} to {{ source.name }}, which stores it or passes it on to other components and to people. Model output is unpredictable and can be steered by prompt injection; used as HTML, Markdown, SQL, commands, URLs or structured data without validation, it becomes cross-site scripting, injection or logic abuse downstream, with the privileges of {{ source.name }}."
  mitigations [
    "Treat model output like untrusted user input: validate it against the expected schema, type and length",
    "Encode it for the context where it is shown or used (HTML, Markdown, SQL parameters)",
    "Never execute, evaluate or follow links and commands from model output without an allow-list",
  ]
  mitigated_by [output_validation, output_encoding]
  impact high
  likelihood medium
  references ["OWASP-LLM05:2025", "CWE-1426", "CWE-116"]
}

// ---------------------------------------------------------------------------- LLM06 Excessive agency

rule llm.excessive_agency {
  category elevation_of_privilege
  on element external, process
  when element.tags has llm and element.outbound > 0
  title "{{ element.name }} can act on other components on the model's say-so"
  explanation "{{ element.name }} is tagged llm and has {{ element.outbound }} outbound flow(s) in this model: what the model decides turns into calls to other components (tools, functions, APIs). A manipulated or simply wrong decision becomes a real action (changing, deleting, sending, paying) with whatever privileges those calls carry."
  mitigations [
    "Give the model only the tools it needs, each with the narrowest permissions, acting as the current user rather than as a service",
    "Require human confirmation for actions with side effects",
    "Validate tool arguments in code, and limit the rate and volume of tool calls",
  ]
  mitigated_by [least_privilege, human_review]
  impact high
  likelihood medium
  references ["OWASP-LLM06:2025", "CWE-250", "CWE-441"]
}

// ---------------------------------------------------------------------------- LLM07 System prompt leakage

rule llm.system_prompt_leakage {
  category information_disclosure
  on target external, process
  when target.tags has llm and source.kind == process and source.inbound > 0
  title "Callers of {{ source.name }} extract the instructions it sends to {{ target.name }}"
  explanation "{{ source.name }} sends its own instructions (the system prompt) to {{ target.name }} together with text from its callers, and the callers see the answers. A caller can ask the model to repeat or paraphrase its instructions, exposing business rules, guardrails and anything sensitive written into them, and making further attacks easier."
  mitigations [
    "Keep credentials, internal addresses, tenant data and other secrets out of system prompts",
    "Do not rely on the system prompt for security: enforce authorization and limits in code",
    "Detect and block answers that reproduce the system prompt",
  ]
  mitigated_by [prompt_hardening, output_validation]
  impact medium
  likelihood medium
  references ["OWASP-LLM07:2025", "CWE-200", "CWE-497"]
}

// ---------------------------------------------------------------------------- LLM08 Vector and embedding weaknesses

rule llm.vector_store_weaknesses {
  category information_disclosure
  on element store
  when element.tags has llm
  title "Retrieval from {{ element.name }} leaks or injects content across users and tenants"
  explanation "{{ element.name }} is tagged llm: it holds embeddings or documents that are retrieved into model prompts. Without access control at retrieval time, a query returns content belonging to other users or tenants, and anyone who can write to it can plant content that is later retrieved into prompts; embeddings can also be inverted to recover the source text."
  mitigations [
    "Filter retrieval by the caller's tenant and permissions, enforced in the query, not in the prompt",
    "Validate and tag the source of every document before it is embedded, and keep the embedding pipeline write-protected",
    "Treat embeddings as sensitive as the text they were made from",
  ]
  mitigated_by [authorization, integrity_check]
  impact high
  likelihood medium
  references ["OWASP-LLM08:2025", "CWE-284", "CWE-639"]
}

// ---------------------------------------------------------------------------- LLM09 Misinformation

rule llm.misinformation {
  category tampering
  on element external, process
  when element.tags has llm
  title "{{ element.name }} produces plausible but wrong content that people rely on"
  explanation "{{ element.name }} is a language model: it writes fluent text with no guarantee of accuracy and can invent facts, figures and sources. When its output reaches people as authoritative (advice, summaries, generated documents), the errors are acted upon and can cause harm, and the operator of the system is accountable for them."
  mitigations [
    "Have a qualified person review generated content before it is published or acted upon",
    "Ground generation in vetted sources and flag claims that the sources do not support",
    "Label AI-generated content as such and make errors easy to report",
  ]
  mitigated_by [human_review, output_validation]
  impact medium
  likelihood high
  references ["OWASP-LLM09:2025", "CWE-1426"]
}

// ---------------------------------------------------------------------------- LLM10 Unbounded consumption

rule llm.unbounded_consumption {
  category denial_of_service
  on target external, process
  when target.tags has llm and (source.kind in [actor, external] or source.inbound > 0)
  title "Requests from or through {{ source.name }} run up the cost and quota of {{ target.name }}"
  explanation "Every call to the model {{ target.name }} on data flow {{ flow.number }} costs tokens and counts against rate limits and spending caps, and the calls are driven by callers outside our control. Many requests, very long inputs or runaway retries run up the bill (denial of wallet) or exhaust the shared quota, and the feature stops for everyone."
  mitigations [
    "Enforce per-tenant and per-user quotas on requests and tokens before calling the model",
    "Cap input size and maximum output tokens per request, and bound retries",
    "Set spending limits and alerts with the provider, and track cost per tenant",
  ]
  mitigated_by [usage_quota, rate_limiting]
  impact medium
  likelihood high
  references ["OWASP-LLM10:2025", "CWE-770", "CWE-400"]
}
