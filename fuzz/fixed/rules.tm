// A rule pack used by the fuzzed root with `use "rules.tm"`: flow and element rules, every kind
// of `when` operator and templates with every role.
rule fuzz.flow_rule {
  category information_disclosure
  on target process, store
  when flow.crosses_boundary and not (flow.controls has tls or flow.protocol == "HTTPS") or source.kind == actor
  title "{{ source.name }} to {{ target.name }} over {{ flow.number }}"
  explanation "Flow {{ flow.id }} carries {{ flow.max_classification }}"
  mitigations ["Encrypt {{ flow.label }}", "Check {{ target.name }}"]
  impact high
  likelihood medium
  references ["CWE-319"]
}

rule fuzz.element_rule {
  category tampering
  on element process, store, actor, external
  when element.tags contains "llm" or element.kind in [process, store] and element.controls != [] or element.replicas >= 2
  title "Tamper with {{ element.name }}"
  explanation "{{ element.name }} ({{ element.kind }}) in {{ element.boundary }}"
  mitigations ["Harden {{ element.name }}"]
  impact medium
  likelihood low
}
