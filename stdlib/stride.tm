// stdlib/stride.tm — the built-in STRIDE pack (on by default).
//
// How this pack is built
//
// 1. A floor. Every element kind gets the STRIDE-per-element categories in every model, whatever
//    the model declares:
//      process   S T R I D E
//      store       T R I D      (R when it holds logs or lacks audit_logging)
//      actor     S   R
//      external  S   R
//      flow        T   I D      (on the channel itself)
//    Where the floor is split in two (encrypted or not, internet-facing or not, admin or not) the two
//    `when` conditions are complementary, so exactly one of the pair fires.
//
// 2. Rules on the model's facts: trust boundaries crossed, internet exposure, classification of
//    the data carried or stored, the protocol, and controls that are missing.
//
// 3. Controls. A rule names in `mitigated_by` the controls that address it; the compiler lowers the
//    severity one step for each of them that is declared, and says so. A `when` tests for a control
//    only in rules that are about that control being missing ("no rate limiting on an internet-facing
//    process"); everywhere else the threat stays and the control lowers it.
//
// 4. No two rules describe the same attack on the same element or flow. Rules that look alike
//    differ in the attack (volumetric flood vs. malformed input; credential theft vs. missing
//    authentication) or have complementary conditions.
//
// 5. Externals tagged `llm` are left to the llm pack (`use llm`) for what that pack covers in more
//    depth: sensitive data sent to the model, trust in its output, and consumption of its quota.

// ============================================================================ Spoofing

rule spoofing.unauthenticated_source {
  category spoofing
  on target process, store
  when source.kind != store and flow.crosses_boundary and not (target.controls has authentication or target.controls has mtls or flow.controls has authentication or flow.controls has mtls) and not (target.kind == store and target.max_classification == public)
  title "Anyone who reaches {{ target.name }} can pose as {{ source.name }}"
  explanation "Data flow {{ flow.number }} from {{ source.name }} to {{ target.name }} crosses a trust boundary, and neither the flow nor {{ target.name }} declares authentication or mtls. {{ target.name }} cannot tell {{ source.name }} from anyone else who can reach it from outside its boundary, so an attacker can send the same requests and get the same answers."
  mitigations [
    "Authenticate every caller of {{ target.name }}: per-client API keys or OAuth 2.0 client credentials for systems, SSO with MFA for people, mTLS between services",
    "Reject unauthenticated requests before any processing, and record the authenticated identity with each request",
    "Limit network reachability of {{ target.name }} to the expected callers (security groups, allow-lists, private endpoints)",
  ]
  impact high
  likelihood medium
  references ["CWE-306", "CWE-287", "CAPEC-151", "CAPEC-115"]
}

rule spoofing.unauthenticated_internal_call {
  category spoofing
  on target process, store
  when source.kind == process and not flow.crosses_boundary and not (target.controls has authentication or target.controls has mtls or flow.controls has authentication or flow.controls has mtls)
  title "Any workload beside {{ source.name }} can call {{ target.name }} in its place"
  explanation "{{ source.name }} and {{ target.name }} are in the same trust boundary and data flow {{ flow.number }} declares no authentication or mtls, so {{ target.name }} trusts whatever reaches it over the internal network. A compromised or misconfigured neighbour can connect to {{ target.name }} directly, skipping every check that {{ source.name }} performs, and claim any identity that {{ source.name }} would normally pass on (identity headers, tenant or user fields)."
  mitigations [
    "Authenticate service-to-service calls: mTLS with workload identities, or short-lived tokens that {{ target.name }} verifies",
    "Have {{ target.name }} enforce authorization itself instead of relying on network position or headers set upstream",
    "Restrict which workloads can open connections to {{ target.name }} (security groups, network policies)",
  ]
  impact medium
  likelihood medium
  references ["CWE-306", "CWE-940", "CAPEC-179"]
}

rule spoofing.unauthenticated_internal_user {
  category spoofing
  on target process, store
  when source.kind == actor and not flow.crosses_boundary and not (target.controls has authentication or target.controls has mtls or flow.controls has authentication or flow.controls has mtls)
  title "Anyone on the network of {{ source.name }} can use {{ target.name }} as them"
  explanation "{{ source.name }} reaches {{ target.name }} from inside its trust boundary, and neither data flow {{ flow.number }} nor {{ target.name }} declares authentication. {{ target.name }} cannot tell {{ source.name }} from any other person or host on that network: a visitor, a contractor or a compromised laptop can do what {{ source.name }} does, and nothing records who did it."
  mitigations [
    "Require sign-in to {{ target.name }} through the organisation's SSO with MFA, on the internal network too",
    "Give each person their own account; no shared logins",
    "Limit network access to {{ target.name }} to the people and devices that need it (an identity-aware proxy, VPN groups)",
  ]
  impact high
  likelihood medium
  references ["CWE-306", "CWE-287", "CAPEC-115"]
}

rule spoofing.process_impersonation {
  category spoofing
  on element process
  title "Attacker impersonates {{ element.name }} to the components that trust it"
  explanation "{{ element.name }} exchanges data with other components ({{ element.inbound }} flow(s) in and {{ element.outbound }} out in this model). Unless its identity is bound to something an attacker cannot copy, such as a certificate or a workload role, a rogue instance, a hijacked DNS name or a stolen service credential lets an attacker stand in for it: receive what is sent to it and send data in its name."
  mitigations [
    "Give {{ element.name }} a verifiable workload identity (mTLS certificates, cloud IAM roles) and have its peers check it",
    "Keep its service credentials in a secrets manager, scoped to this workload and rotated",
    "Control who can register instances or DNS names for {{ element.name }}; alert on unexpected ones",
  ]
  mitigated_by [mtls, secrets_management]
  impact medium
  likelihood low
  references ["CWE-290", "CWE-923", "CAPEC-151", "CAPEC-633"]
}

rule spoofing.actor_impersonation {
  category spoofing
  on element actor
  when not (element.tags has admin)
  title "Attacker signs in as {{ element.name }}"
  explanation "{{ element.name }} is a person who uses the system through {{ element.outbound }} flow(s). Phishing, reused or guessed passwords, credential stuffing or a stolen session let an attacker act with this person's access, and the system sees a legitimate user."
  mitigations [
    "Require MFA for {{ element.name }}, phishing-resistant (WebAuthn) where possible",
    "Protect sessions: short lifetimes, Secure and HttpOnly cookies, re-authentication for sensitive actions",
    "Detect credential stuffing: breached-password checks, login throttling, alerts on unusual sign-ins",
  ]
  mitigated_by [authentication, session_management]
  impact medium
  likelihood medium
  references ["CWE-308", "CWE-287", "CAPEC-98", "CAPEC-600", "CAPEC-593"]
}

rule spoofing.privileged_actor_impersonation {
  category spoofing
  on element actor
  when element.tags has admin
  title "Attacker takes over the privileged account of {{ element.name }}"
  explanation "{{ element.name }} is tagged admin: the account can change configuration, tenants or data for everyone. Privileged users are singled out by spear phishing, MFA-fatigue and session-theft attacks, and one taken-over admin account gives the attacker control of the system."
  mitigations [
    "Require phishing-resistant MFA (FIDO2/WebAuthn) for every privileged account",
    "Separate admin accounts from day-to-day accounts; grant elevation just in time and for a limited period",
    "Alert on admin sign-ins from new devices or locations and review admin sessions regularly",
  ]
  mitigated_by [authentication, session_management]
  impact high
  likelihood medium
  references ["CWE-308", "CWE-1390", "CAPEC-163", "CAPEC-560"]
}

rule spoofing.external_impersonation {
  category spoofing
  on element external
  title "Attacker impersonates {{ element.name }}"
  explanation "{{ element.name }} is an external system that we do not operate ({{ element.inbound }} flow(s) in and {{ element.outbound }} out in this model). Whoever obtains its credentials, or controls the network path or DNS name used to reach it, can pose as it: send requests in its name, or answer requests that were meant for it."
  mitigations [
    "Authenticate {{ element.name }} with credentials issued to it alone (API key, OAuth client, client certificate), and validate its server certificate when calling it",
    "Keep an inventory of which credential belongs to which system, and revoke and rotate it on any suspicion",
    "Monitor its traffic for use from unexpected networks or at unusual volumes",
  ]
  mitigated_by [authentication, mtls]
  impact medium
  likelihood medium
  references ["CWE-290", "CWE-287", "CAPEC-151", "CAPEC-194"]
}

rule spoofing.stolen_outbound_credentials {
  category spoofing
  on source process
  when target.kind == external or target.controls has authentication or target.controls has mtls or flow.controls has authentication or flow.controls has mtls
  title "Credentials that {{ source.name }} uses for {{ target.name }} are stolen and replayed"
  explanation "{{ source.name }} presents a secret (API key, password or client certificate) to use {{ target.name }}: {{ target.name }} is an external service, which issues its own credentials, or it or the flow declares authentication or mTLS. The secret lives in the configuration, environment or memory of {{ source.name }}; leaked through a repository, a log, an image layer or a compromise, it lets an attacker use {{ target.name }} as {{ source.name }} from anywhere the endpoint is reachable."
  mitigations [
    "Keep the secret in a secrets manager and inject it at run time; never in code, images, environment dumps or logs",
    "Scope the credential to what {{ source.name }} needs, and rotate it on a schedule and on staff or vendor changes",
    "Prefer short-lived credentials (IAM database authentication, workload identity federation) where {{ target.name }} supports them",
    "Alert on use of the credential from unexpected addresses or at unexpected volume",
  ]
  mitigated_by [secrets_management]
  impact high
  likelihood medium
  references ["CWE-522", "CWE-798", "CAPEC-555", "CAPEC-560"]
}

rule spoofing.request_forgery {
  category spoofing
  on target process
  when source.kind == actor and not (flow.protocol contains "ssh" or flow.protocol contains "ftp" or flow.protocol contains "rdp" or flow.protocol contains "vnc")
  title "A malicious web page makes {{ source.name }}'s browser act on {{ target.name }} (CSRF)"
  explanation "{{ source.name }} is a person using {{ target.name }}, usually from a browser that also visits other sites. If {{ target.name }} recognises the session by a cookie alone, a page the person visits can submit state-changing requests that run with {{ source.name }}'s rights, without their knowledge."
  mitigations [
    "Use SameSite=Lax or Strict session cookies and anti-CSRF tokens on every state-changing request",
    "Check the Origin header, and never change state on GET requests",
    "Ask for re-authentication before critical operations (keys, roles, billing, tenant changes)",
  ]
  mitigated_by [session_management]
  impact medium
  likelihood low
  references ["CWE-352", "CAPEC-62"]
}

// ============================================================================ Tampering

rule tampering.unencrypted_channel {
  category tampering
  on flow
  when not flow.encrypted
  title "Attacker alters data in transit from {{ source.name }} to {{ target.name }}"
  explanation "Data flow {{ flow.number }} is not declared encrypted: it has neither the tls nor the mtls control, and its protocol names no encrypted channel (HTTPS, TLS, SSH, SFTP, WSS, SMTPS and the like). Anyone on the network path (a compromised host, a rogue access point, a misconfigured proxy) can change requests and responses without either end noticing."
  mitigations [
    "Carry the flow over TLS 1.2 or later (HTTPS, database TLS) and refuse plaintext connections",
    "Validate the peer certificate and hostname on the client side",
    "If the flow is in fact encrypted, record it: set its protocol (\"HTTPS\") or add the tls control",
  ]
  mitigated_by [integrity_check]
  impact high
  likelihood medium
  references ["CWE-319", "CWE-924", "CAPEC-94", "CAPEC-384"]
}

rule tampering.tls_interception {
  category tampering
  on flow
  when flow.encrypted
  title "Attacker intercepts and alters the TLS channel from {{ source.name }} to {{ target.name }}"
  explanation "Data flow {{ flow.number }} is encrypted, so changing it in transit takes a weakness in how TLS is used: a client that does not validate certificates, a downgrade to an obsolete protocol version, a mis-issued or stolen certificate, or TLS terminated at an intermediary that forwards the traffic in plaintext."
  mitigations [
    "Enforce TLS 1.2 or later with certificate and hostname validation on every client; no 'skip verify' setting in any environment",
    "Keep private keys in a managed store and watch Certificate Transparency logs for the domains involved",
    "Use mTLS where both ends are ours, and re-encrypt after every TLS termination point",
  ]
  mitigated_by [mtls, integrity_check]
  impact medium
  likelihood low
  references ["CWE-295", "CWE-757", "CAPEC-94", "CAPEC-217"]
}

rule tampering.input_injection {
  category tampering
  on target process
  when flow.crosses_boundary or source.kind in [actor, external] or source.internet_facing
  title "Malicious input from {{ source.name }} injects code or commands into {{ target.name }}"
  explanation "{{ target.name }} acts on input that arrives on data flow {{ flow.number }} from {{ source.name }}, and that input is untrusted: it comes from across a trust boundary, from a person or an external system, or is passed on by an internet-facing component. Input that reaches an interpreter unvalidated (SQL, shell, template engine, deserializer, file path, URL fetcher) lets an attacker change what {{ target.name }} does."
  mitigations [
    "Validate every field against a strict schema (type, length, format, allow-lists) in {{ target.name }} itself, not only upstream",
    "Use parameterised queries and safe APIs; never build commands, queries, templates or paths by string concatenation",
    "Put a WAF in front of internet-facing endpoints as defence in depth",
  ]
  mitigated_by [input_validation, waf]
  impact high
  likelihood medium
  references ["CWE-20", "CWE-74", "CAPEC-248", "CAPEC-153"]
}

rule tampering.query_injection {
  category tampering
  on source process
  when target.kind == store and source.inbound > 0 and not (target.tags has logs)
  title "Injection through {{ source.name }} alters queries to {{ target.name }}"
  explanation "{{ source.name }} receives input on {{ source.inbound }} inbound flow(s) and reads or writes {{ target.name }} on data flow {{ flow.number }}. If any of that input is concatenated into queries, an attacker can read, change or delete records in {{ target.name }} beyond what the request should touch (SQL or NoSQL injection)."
  mitigations [
    "Use parameterised queries or an ORM with bound parameters for every statement, including sorting and filtering clauses",
    "Validate input in {{ source.name }} against the expected types and ranges",
    "Connect with a database account that can run only the statements {{ source.name }} needs",
  ]
  mitigated_by [input_validation, least_privilege]
  impact high
  likelihood medium
  references ["CWE-89", "CWE-943", "CAPEC-66", "CAPEC-676"]
}

rule tampering.request_smuggling {
  category tampering
  on target process
  when source.kind == process and source.internet_facing and flow.protocol contains "http"
  title "HTTP request smuggling between {{ source.name }} and {{ target.name }}"
  explanation "{{ source.name }} is internet-facing and forwards requests to {{ target.name }} over {{ flow.protocol }}. When the two parse message boundaries differently (Content-Length against Transfer-Encoding, HTTP/2 to HTTP/1.1 downgrade), an attacker can hide a second request inside the first: it reaches {{ target.name }} without the checks {{ source.name }} applies, or poisons responses for other clients."
  mitigations [
    "Normalise requests in {{ source.name }} and reject ambiguous ones (both Content-Length and Transfer-Encoding, malformed chunking)",
    "Use HTTP/2 end to end, or the same HTTP implementation on both hops; otherwise disable backend connection reuse",
    "Keep {{ source.name }} patched: smuggling flaws are fixed in proxy and gateway releases",
  ]
  mitigated_by [input_validation]
  impact high
  likelihood low
  references ["CWE-444", "CAPEC-33"]
}

rule tampering.process_integrity {
  category tampering
  on element process
  title "Attacker modifies the code or configuration of {{ element.name }}"
  explanation "{{ element.name }} runs code built from our sources and third-party dependencies, packaged as an artifact and started with a configuration. Whoever can change any of these (a dependency, the build pipeline, the image registry, environment variables, feature flags) controls what {{ element.name }} does, with all of its access."
  mitigations [
    "Build only in CI from reviewed commits; pin and verify dependencies (lock files, checksums, an SBOM)",
    "Sign images or artifacts and verify the signature at deploy time; deploy immutable versions",
    "Restrict who can change runtime configuration and secrets, and log every change",
  ]
  mitigated_by [integrity_check, least_privilege]
  impact high
  likelihood low
  references ["CWE-494", "CWE-829", "CAPEC-184", "CAPEC-538", "CAPEC-176"]
}

rule tampering.stored_data {
  category tampering
  on element store
  title "Data in {{ element.name }} is modified without authorization"
  explanation "{{ element.name }} is written through {{ element.inbound }} flow(s) in this model, and other components rely on what it holds. Anyone who gets write access outside those paths (leaked database credentials, an over-privileged service, a console user, a tampered backup restored) can change records that the system will then trust."
  mitigations [
    "Grant write access only to the services that own the data, each with its own account",
    "Audit changes to sensitive tables and alert on changes made outside the application",
    "Keep point-in-time recovery so tampered data can be restored",
    "Add integrity protection (checksums, signed records) to data that other components rely on",
  ]
  mitigated_by [least_privilege, integrity_check]
  impact high
  likelihood low
  references ["CWE-732", "CWE-284", "CAPEC-180"]
}

rule tampering.untrusted_external_response {
  category tampering
  on source process
  when target.kind == external and not (target.tags has llm)
  title "{{ source.name }} trusts what {{ target.name }} returns"
  explanation "{{ source.name }} calls the external system {{ target.name }} on data flow {{ flow.number }} and uses the response. {{ target.name }} is run by someone else: a compromise, a bug or a malicious operator there turns its responses into attacker-controlled input inside {{ source.name }}."
  mitigations [
    "Validate responses from {{ target.name }} against a strict schema, with size limits, before using them",
    "Treat the content as untrusted when storing or displaying it: encode it for its output context",
    "Set timeouts and fail closed on malformed or unexpected responses",
  ]
  mitigated_by [input_validation]
  impact medium
  likelihood low
  references ["CWE-20", "CWE-345", "CAPEC-148"]
}

rule tampering.cross_site_scripting {
  category tampering
  on target process
  when source.kind == actor and not (flow.protocol contains "ssh" or flow.protocol contains "ftp" or flow.protocol contains "rdp" or flow.protocol contains "vnc")
  title "Cross-site scripting in {{ target.name }} runs script in {{ source.name }}'s browser"
  explanation "{{ source.name }} is a person using {{ target.name }}. Values that {{ target.name }} displays but did not write itself (names, uploaded content, values other users or systems entered) can carry script; rendered without encoding, it runs in {{ source.name }}'s session and acts on their behalf."
  mitigations [
    "Encode all output for its context (HTML, attribute, JavaScript, URL), with a template engine that escapes by default",
    "Set a strict Content-Security-Policy, and HttpOnly and Secure on session cookies",
    "Sanitise rich text on input with a maintained allow-list sanitiser",
  ]
  mitigated_by [output_encoding]
  impact medium
  likelihood medium
  references ["CWE-79", "CAPEC-63", "CAPEC-592"]
}

// ============================================================================ Repudiation

rule repudiation.unattributable_actions {
  category repudiation
  on element process
  title "Actions performed through {{ element.name }} cannot be traced to who did them"
  explanation "{{ element.name }} acts on requests from {{ element.inbound }} inbound flow(s) in this model. Without an audit trail that records the authenticated caller, the action, its object and the time, kept where {{ element.name }} cannot rewrite it, a caller can deny a change or a usage, and an incident cannot be reconstructed."
  mitigations [
    "Log security-relevant actions with caller identity, tenant, action, object, result and timestamp",
    "Ship audit records to a separate append-only store that the process and its operators cannot change",
    "Synchronise clocks, and keep records as long as disputes and investigations require",
  ]
  mitigated_by [audit_logging, integrity_check]
  impact medium
  likelihood medium
  references ["CWE-778", "CWE-223", "CAPEC-268"]
}

rule repudiation.log_tampering {
  category repudiation
  on element store
  when element.tags has logs
  title "Attacker erases or forges records in the log store {{ element.name }}"
  explanation "{{ element.name }} is tagged logs: it holds the records used to attribute actions. An attacker who can write to it, or an insider covering their tracks, can delete or alter entries, and unneutralised values written into logs can forge entries that never happened."
  mitigations [
    "Make the log store append-only (object lock, WORM storage) and separate from the systems it records",
    "Neutralise line breaks and control characters in logged values",
    "Forward logs in near real time to an independent SIEM and alert on gaps",
  ]
  mitigated_by [integrity_check, least_privilege]
  impact medium
  likelihood medium
  references ["CWE-117", "CWE-732", "CAPEC-268", "CAPEC-93"]
}

rule repudiation.unaudited_store_changes {
  category repudiation
  on element store
  when not (element.controls has audit_logging)
  title "Changes made directly in {{ element.name }} cannot be attributed"
  explanation "{{ element.name }} declares no audit_logging control. Reads and writes made directly against it (by an administrator, a migration script, or an attacker holding its credentials) leave no record of who did what, so data changes can be denied and a breach cannot be scoped."
  mitigations [
    "Enable the store's audit log for writes and for reads of sensitive data (pgaudit or RDS Database Activity Streams for a database, object-level data events for a bucket, the broker's audit log for a queue)",
    "Give people individual accounts on the store; no shared administrator logins",
    "Send audit records to a place that the store's administrators cannot alter",
  ]
  impact medium
  likelihood medium
  references ["CWE-778", "CAPEC-268"]
}

rule repudiation.actor_denial {
  category repudiation
  on element actor
  title "{{ element.name }} denies having performed an action"
  explanation "{{ element.name }} changes things in the system through {{ element.outbound }} flow(s). If the system cannot show which person did what and when (shared accounts, logs without the authenticated identity), {{ element.name }} can dispute a change, an order or a charge, and misuse cannot be pinned on anyone."
  mitigations [
    "Give every person an individual account; no shared logins",
    "Record the authenticated user with each action, in an audit trail that users cannot alter",
    "Confirm high-impact actions explicitly (re-authentication, recorded approval)",
  ]
  mitigated_by [audit_logging]
  impact medium
  likelihood medium
  references ["CWE-778", "CWE-223"]
}

rule repudiation.external_denial {
  category repudiation
  on element external
  title "{{ element.name }} disputes what it sent or received"
  explanation "{{ element.name }} is operated by another party. Without records on our side that we can stand behind (authenticated caller, request id, timestamp, hash of the payload), it can dispute billed usage, data it sent or responses it returned, and we cannot show what really happened."
  mitigations [
    "Record every exchange with {{ element.name }}: authenticated identity, request id, timestamp, payload hash, outcome",
    "Keep these records tamper-evident and for as long as contracts and billing disputes require",
    "Agree on usage reporting and reconciliation with the operator of {{ element.name }}",
  ]
  mitigated_by [audit_logging]
  impact medium
  likelihood low
  references ["CWE-778", "CWE-223"]
}

// ============================================================================ Information disclosure

rule information_disclosure.unencrypted_channel {
  category information_disclosure
  on flow
  when not flow.encrypted
  title "Data sent from {{ source.name }} to {{ target.name }} can be read in transit"
  explanation "Data flow {{ flow.number }} is not declared encrypted (no tls or mtls control on it, no mtls on its target, and no encrypted protocol named). Anyone who can observe the network path can read everything it carries, including any credentials and session tokens sent on it."
  mitigations [
    "Use TLS 1.2 or later for the flow and disable plaintext listeners",
    "Never send credentials or tokens over an unencrypted connection",
    "If the flow is in fact encrypted, record it: set its protocol (\"HTTPS\") or add the tls control",
  ]
  impact high
  likelihood medium
  references ["CWE-319", "CAPEC-157", "CAPEC-158"]
}

rule information_disclosure.tls_weakness {
  category information_disclosure
  on flow
  when flow.encrypted
  title "Traffic from {{ source.name }} to {{ target.name }} is exposed through weak TLS"
  explanation "Data flow {{ flow.number }} is encrypted, so reading it takes a weakness: an obsolete protocol version or cipher suite, a client that does not validate certificates, a stolen private key, or plaintext behind a TLS termination point (load balancer, proxy, sidecar)."
  mitigations [
    "Allow only TLS 1.2 or later with forward-secret cipher suites, and scan the endpoints regularly",
    "Validate certificates and hostnames on every client",
    "Keep traffic encrypted behind TLS terminators (re-encrypt to the backend)",
  ]
  mitigated_by [mtls]
  impact medium
  likelihood low
  references ["CWE-326", "CWE-295", "CAPEC-217", "CAPEC-620"]
}

rule information_disclosure.error_leakage {
  category information_disclosure
  on element process
  title "{{ element.name }} leaks internal details through errors, debug output or banners"
  explanation "{{ element.name }}, like every process, answers some requests with errors. Stack traces, database errors, debug endpoints, version banners or overly detailed responses reveal internals and data that help an attacker map the system and aim the next attack."
  mitigations [
    "Return generic error messages to callers; log the details server-side under a correlation id",
    "Disable debug modes, profilers and unused management endpoints in production",
    "Remove version banners and internal headers from responses",
  ]
  impact medium
  likelihood low
  references ["CWE-209", "CWE-215", "CWE-497", "CAPEC-54"]
}

rule information_disclosure.sensitive_data_in_logs {
  category information_disclosure
  on target process
  when flow.max_classification in [confidential, restricted]
  title "{{ target.name }} copies sensitive data from {{ source.name }} into logs and telemetry"
  explanation "Data flow {{ flow.number }} brings {{ flow.data }} (classified up to {{ flow.max_classification }}) to {{ target.name }}. Request logging, error reports, traces and analytics in {{ target.name }} commonly capture payloads, headers and keys, copying that data to places with wider access and longer retention than where it belongs."
  mitigations [
    "Log metadata, not payloads: an allow-list of logged fields, with secrets and personal data redacted",
    "Never log credentials, API keys or Authorization headers",
    "Restrict and time-limit access to logs, traces and error-tracking tools",
  ]
  mitigated_by [data_minimization]
  impact medium
  likelihood medium
  references ["CWE-532", "CWE-779"]
}

rule information_disclosure.store_exfiltration {
  category information_disclosure
  on element store
  when not element.internet_facing
  title "Attacker copies the contents of {{ element.name }}"
  explanation "{{ element.name }} is a data store. Anyone who reaches it outside the application path (with leaked database credentials, through an over-broad network rule, from a shared snapshot or backup, or as a console user) can copy everything it holds in one go."
  mitigations [
    "Keep {{ element.name }} on private networks, reachable only from the services that use it",
    "Use individual least-privilege accounts and short-lived credentials (IAM authentication)",
    "Encrypt snapshots and backups, and restrict who can share, copy or restore them",
    "Alert on bulk reads and unusual query patterns",
  ]
  mitigated_by [least_privilege, monitoring]
  impact high
  likelihood low
  references ["CWE-284", "CWE-668", "CAPEC-545"]
}

rule information_disclosure.public_store {
  category information_disclosure
  on element store
  when element.internet_facing
  title "{{ element.name }} is exposed directly to callers outside its trust boundary"
  explanation "{{ element.name }} is internet-facing: it is tagged so, or a person or external system reaches it directly across a trust boundary. Exposed databases and buckets are found by automated scanners within hours, and one wrong permission discloses everything in it."
  mitigations [
    "Put {{ element.name }} behind an application or API instead of exposing it directly",
    "Block public access at the account level (S3 Block Public Access, no publicly accessible database endpoints)",
    "Where direct access is needed, use short-lived signed URLs or per-user credentials with least privilege",
  ]
  mitigated_by [authentication, least_privilege]
  impact high
  likelihood high
  references ["CWE-668", "CWE-552", "CAPEC-150"]
}

rule information_disclosure.unencrypted_at_rest {
  category information_disclosure
  on element store
  when not (element.controls has encryption_at_rest) and element.max_classification in [confidential, restricted]
  title "Sensitive data in {{ element.name }} is stored unencrypted"
  explanation "{{ element.name }} stores {{ element.stores }} (classified up to {{ element.max_classification }}) and declares no encryption_at_rest control. Its disks, snapshots, backups and replicas are readable by whoever obtains them, without passing any access control."
  mitigations [
    "Enable storage encryption with a managed key (KMS) for {{ element.name }}, its snapshots, backups and replicas",
    "Restrict use of the key to the roles that operate {{ element.name }}",
    "Encrypt the most sensitive fields at application level as well",
  ]
  impact high
  likelihood low
  references ["CWE-311", "CWE-312", "CAPEC-675"]
}

rule information_disclosure.third_party_data_exposure {
  category information_disclosure
  on target external
  when source.kind in [process, store] and flow.max_classification in [confidential, restricted] and not (target.tags has llm)
  title "Sensitive data sent to {{ target.name }} leaves our control"
  explanation "{{ source.name }} sends {{ flow.data }} (classified up to {{ flow.max_classification }}) to {{ target.name }} on data flow {{ flow.number }}, and {{ target.name }} is run by another party. From then on its retention, access and onward sharing depend on that party: a breach, misuse or legal request there discloses it."
  mitigations [
    "Send only the fields {{ target.name }} needs; pseudonymise or drop personal data",
    "Have a data processing agreement covering retention, sub-processors and breach notification",
    "Review the party's security posture and data residency before sending confidential data",
  ]
  mitigated_by [data_minimization]
  impact high
  likelihood low
  references ["CWE-359", "CWE-201"]
}

rule information_disclosure.credential_material {
  category information_disclosure
  on element process
  when element.controls has authentication
  title "Credential material held by {{ element.name }} is stolen"
  explanation "{{ element.name }} authenticates its callers (it declares the authentication control), so it holds what it checks them against: API keys or their hashes, password hashes, token signing or validation keys. Read from its configuration, its database or its memory, these let an attacker impersonate any of its callers."
  mitigations [
    "Store API keys hashed, or delegate verification to an identity provider; never keep keys in plaintext configuration",
    "Keep signing keys in a KMS or HSM and rotate them",
    "Restrict and audit who can read the configuration and credential store of {{ element.name }}",
  ]
  mitigated_by [secrets_management]
  impact high
  likelihood low
  references ["CWE-522", "CWE-256", "CAPEC-37"]
}

rule information_disclosure.cross_tenant_access {
  category information_disclosure
  on target process
  when source.tags has partner
  title "One {{ source.name }} tenant reaches another tenant's data through {{ target.name }}"
  explanation "{{ source.name }} is tagged partner: {{ target.name }} serves several organisations of this kind, each with its own data. If object identifiers in requests are not checked against the caller's tenant, one tenant can read or change another's data by changing an id (broken object-level authorization)."
  mitigations [
    "Derive the tenant from the authenticated credential, never from request parameters",
    "Check tenant ownership on every object access, with tenant filters applied by default in the data layer",
    "Test with two tenants: automated tests that try to read and write across tenants",
  ]
  mitigated_by [authorization]
  impact high
  likelihood medium
  references ["CWE-639", "CWE-863", "CAPEC-77"]
}

// ============================================================================ Denial of service

rule denial_of_service.flood {
  category denial_of_service
  on element process, store
  when element.internet_facing
  title "Volumetric flood takes internet-facing {{ element.name }} offline"
  explanation "{{ element.name }} is internet-facing (tagged so, or reached directly by a person or external system across a trust boundary). A botnet can saturate its bandwidth, connection tables or TLS handshakes from many addresses, before any application logic runs."
  mitigations [
    "Put {{ element.name }} behind a DDoS-protected edge (AWS Shield, CloudFront, Cloudflare)",
    "Scale out behind a load balancer, with connection and request timeouts",
    "Keep a runbook and alerts for traffic surges",
  ]
  mitigated_by [ddos_protection]
  impact high
  likelihood medium
  references ["CWE-400", "CAPEC-125", "CAPEC-482", "CAPEC-488"]
}

rule denial_of_service.no_rate_limiting {
  category denial_of_service
  on element process
  when element.internet_facing and not (element.controls has rate_limiting)
  title "Without rate limiting, a single client can exhaust {{ element.name }}"
  explanation "{{ element.name }} is internet-facing and declares no rate_limiting control. One client, authenticated or not, can send requests as fast as it likes; expensive operations, sign-in attempts and the calls they trigger downstream multiply until the service, its database or its budget gives out."
  mitigations [
    "Limit requests per client, per credential and per source address, with tighter limits on expensive and authentication endpoints",
    "Answer over-limit requests with 429 and Retry-After, and alert on clients that keep hitting the limit",
    "Bound the work per request: pagination, payload size limits, timeouts",
  ]
  impact medium
  likelihood high
  references ["CWE-770", "CWE-799", "CAPEC-469"]
}

rule denial_of_service.resource_exhaustion {
  category denial_of_service
  on element process
  title "Malformed or expensive requests crash or stall {{ element.name }}"
  explanation "{{ element.name }} parses and acts on input from {{ element.inbound }} inbound flow(s) in this model. Oversized payloads, deeply nested or malformed documents, pathological regular expressions, or requests that trigger unbounded work can crash it or tie up its CPU, memory and connections; a handful of requests is enough, so volume limits alone do not prevent it."
  mitigations [
    "Limit request size, nesting depth and element counts before parsing",
    "Set timeouts and resource limits per request and per container, and restart unhealthy instances automatically",
    "Fuzz the parsers, and handle errors without crashing the process",
  ]
  mitigated_by [input_validation, monitoring]
  impact medium
  likelihood medium
  references ["CWE-400", "CWE-1333", "CAPEC-130", "CAPEC-197", "CAPEC-492"]
}

rule denial_of_service.store_exhaustion {
  category denial_of_service
  on element store
  title "{{ element.name }} runs out of capacity and stops serving"
  explanation "{{ element.name }} serves {{ element.inbound }} inbound flow(s) in this model, and everything that depends on it fails with it. Exhausted connections, a full disk, lock contention or runaway queries, whether caused by an attacker or by load, make it unavailable."
  mitigations [
    "Cap connections per client service and use connection pools",
    "Alert on storage, connection and CPU thresholds; enable storage auto-scaling",
    "Bound the work of each request: statement timeouts, indexes on the hot paths and read replicas for reporting on a database; retention limits and consumer-lag alerts on a queue",
  ]
  mitigated_by [monitoring]
  impact medium
  likelihood low
  references ["CWE-400", "CWE-770", "CAPEC-130"]
}

rule denial_of_service.no_backup {
  category denial_of_service
  on element store
  when not (element.controls has backup)
  title "Data in {{ element.name }} is lost for good after deletion, corruption or ransomware"
  explanation "{{ element.name }} declares no backup control. An attacker with write access, a faulty migration or an operator mistake can destroy its data, and without independent, tested backups it cannot be brought back."
  mitigations [
    "Enable automated backups with point-in-time recovery",
    "Keep copies in a separate account or under object lock, so the credentials that can delete the data cannot delete the backups",
    "Test restores regularly against agreed recovery time and recovery point objectives",
  ]
  impact high
  likelihood low
  references ["CWE-693", "T1485", "T1486", "T1490"]
}

rule denial_of_service.channel_disruption {
  category denial_of_service
  on flow
  when not (source.kind == process and target.kind == external)
  title "Data flow from {{ source.name }} to {{ target.name }} is disrupted"
  explanation "Data flow {{ flow.number }} needs the network between {{ source.name }} and {{ target.name }} and both ends to be up. Exhausted connections, a network or DNS failure, or a flood against either end interrupts it, and whatever relies on it stalls."
  mitigations [
    "Set connect and read timeouts and bounded retries with backoff on the sending side",
    "Run the receiving side with health checks and redundant instances",
    "Monitor error rate and latency of the flow and alert on anomalies",
  ]
  mitigated_by [monitoring]
  impact medium
  likelihood low
  references ["CWE-400", "CAPEC-607"]
}

rule denial_of_service.external_dependency {
  category denial_of_service
  on flow
  when source.kind == process and target.kind == external
  title "{{ source.name }} fails when {{ target.name }} is slow or unavailable"
  explanation "{{ source.name }} depends on the external system {{ target.name }} on data flow {{ flow.number }}. Outages, degraded performance or breaking changes on the other side are outside our control, and the features that need {{ target.name }} fail with it."
  mitigations [
    "Call {{ target.name }} with timeouts, bounded retries and a circuit breaker",
    "Degrade gracefully: queue the work, serve cached results, or return a clear error",
    "Follow the provider's status page and change notices; plan an alternative for critical features",
  ]
  mitigated_by [monitoring]
  impact medium
  likelihood medium
  references ["CWE-703", "CAPEC-607"]
}

rule denial_of_service.quota_exhaustion {
  category denial_of_service
  on source process
  when target.kind == external and source.inbound > 0 and not (target.tags has llm)
  title "Callers of {{ source.name }} use up its quota at {{ target.name }}"
  explanation "{{ source.name }} calls the external system {{ target.name }} while serving {{ source.inbound }} inbound flow(s). Every request it receives can turn into paid or rate-limited calls to {{ target.name }}: one abusive caller can exhaust the shared quota or budget, and the service fails for every other caller."
  mitigations [
    "Enforce per-caller quotas in {{ source.name }} before calling {{ target.name }}",
    "Cache results and batch calls where possible",
    "Set spending limits and alerts with the provider, and track usage per caller",
  ]
  mitigated_by [rate_limiting, usage_quota]
  impact medium
  likelihood medium
  references ["CWE-770", "CAPEC-469"]
}

// ============================================================================ Elevation of privilege

rule elevation_of_privilege.exposed_component_exploit {
  category elevation_of_privilege
  on element process
  when element.internet_facing
  title "Attacker exploits a vulnerability in internet-facing {{ element.name }} to run code"
  explanation "{{ element.name }} is internet-facing, so any unpatched vulnerability in it (in our code, its framework, or the product it is built on) is within reach of anyone who scans for it. Remote code execution gives the attacker the privileges, credentials and network position of {{ element.name }} inside the system."
  mitigations [
    "Patch {{ element.name }} and its dependencies on a set schedule, and follow the vendors' security advisories",
    "Scan images and dependencies for known vulnerabilities in CI and in production",
    "Run it with least privilege: non-root, read-only filesystem, minimal IAM role, no network route it does not need",
    "Use WAF rules to block known exploit patterns while patches roll out",
  ]
  mitigated_by [least_privilege, waf]
  impact high
  likelihood medium
  references ["CWE-1395", "CWE-250", "CAPEC-310"]
}

rule elevation_of_privilege.process_compromise {
  category elevation_of_privilege
  on element process
  when not element.internet_facing
  title "A vulnerability in {{ element.name }} lets an attacker run code with its privileges"
  explanation "{{ element.name }} is not exposed directly, but it processes data that arrives on {{ element.inbound }} inbound flow(s) and runs third-party code. A vulnerability reached through that data gives the attacker its privileges: its credentials, its network access and every store it can reach."
  mitigations [
    "Patch {{ element.name }} and its dependencies, and scan them for known vulnerabilities in CI",
    "Run it with least privilege: non-root, minimal IAM role, only the network routes it needs",
    "Segment the network so a compromise stays contained",
  ]
  mitigated_by [least_privilege]
  impact high
  likelihood low
  references ["CWE-1395", "CWE-250", "CAPEC-233"]
}

rule elevation_of_privilege.missing_authorization {
  category elevation_of_privilege
  on target process
  when source.kind != store and (source.kind in [actor, external] or flow.crosses_boundary) and not (target.controls has authorization or flow.controls has authorization)
  title "{{ source.name }} can use functions of {{ target.name }} beyond its role"
  explanation "{{ source.name }} calls {{ target.name }} on data flow {{ flow.number }} as a person, as an external system or across a trust boundary, and neither {{ target.name }} nor the flow declares authorization. Authentication says who the caller is, not what it may do: without a permission check on each function, any caller that gets in can reach administrative operations or functions meant for other roles."
  mitigations [
    "Define the roles and permissions for each function and enforce them in {{ target.name }} on every request, denying by default",
    "Separate administrative functions from tenant functions (different routes, different credentials)",
    "Test authorization with a matrix of roles against endpoints",
  ]
  impact high
  likelihood medium
  references ["CWE-862", "CWE-285", "CAPEC-1", "CAPEC-58"]
}

rule elevation_of_privilege.exposed_admin_interface {
  category elevation_of_privilege
  on element process
  when element.tags has admin and element.internet_facing
  title "Administrative interface {{ element.name }} is reachable from outside"
  explanation "{{ element.name }} is tagged admin (it offers privileged functions) and is internet-facing. Every weakness in its sign-in, session handling or authorization can be tried from anywhere, and a single foothold gives control over the configuration of the whole system."
  mitigations [
    "Reach administrative functions only through a VPN, a zero-trust access proxy or an IP allow-list",
    "Split tenant self-service from staff administration: separate applications, or at least separate routes with separate authorization",
    "Require MFA and log every administrative action",
  ]
  mitigated_by [authentication, authorization]
  impact high
  likelihood medium
  references ["CWE-668", "CWE-749", "CAPEC-115", "CAPEC-600"]
}

rule elevation_of_privilege.overprivileged_store_access {
  category elevation_of_privilege
  on target store
  when source.kind == process
  title "A compromise of {{ source.name }} becomes full control of {{ target.name }}"
  explanation "{{ source.name }} connects to {{ target.name }} on data flow {{ flow.number }}. If its account or role there can do more than it needs (change the schema or the access policy, reach other databases, buckets or queues, act as owner or administrator), any injection into or compromise of {{ source.name }} turns into full read, write and delete access to {{ target.name }}, and possibly into control of the storage service itself."
  mitigations [
    "Give {{ source.name }} its own account or role with only the operations and objects it needs (statements and tables, bucket prefixes, queues); no owner or administrator rights",
    "Apply schema and policy changes with a separate deployment or migration account",
    "Review grants regularly and remove unused ones",
  ]
  mitigated_by [least_privilege]
  impact high
  likelihood low
  references ["CWE-250", "CWE-269", "CAPEC-470", "CAPEC-122"]
}
