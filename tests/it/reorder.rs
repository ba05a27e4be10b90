//! Property: reordering a model's top-level declarations leaves the set of threat ids, and
//! their statuses, unchanged.

use crate::rules::compile_text;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Top-level declarations, each a statement of its own. Decisions do not overlap (which one
/// wins an overlap depends on order, by design), and the two `a -> b` flows are alike, so
/// which is `#2` does not change what fires.
const DECLARATIONS: &[&str] = &[
    r#"rule r.target { category spoofing; on target process, store; when flow.crosses_boundary; title "Spoof {{ target.name }}" }"#,
    r#"rule r.source { category repudiation; on source actor; title "{{ source.name }} denies it" }"#,
    r#"rule r.flow { category information_disclosure; on flow; when not flow.encrypted; title "Sniff {{ flow.id }}"; mitigated_by [tls] }"#,
    r#"rule r.element { category tampering; on element; when element.inbound > 0 or element.kind == store; title "Tamper with {{ element.name }}" }"#,
    r#"data secrets "Secrets" { classification restricted }"#,
    r#"actor a "A""#,
    r#"process b "B" { controls [authentication] }"#,
    "boundary cloud \"Cloud\" {\n  process c \"C\"\n  store d \"D\" { stores [secrets] }\n}",
    r#"external e "E" { formerly [old_e] }"#,
    r#"a -> b "Uses" { protocol "HTTP" }"#,
    r#"a -> b "Uses" { protocol "HTTP" }"#,
    r#"b -> c "Calls" { protocol "HTTPS" }"#,
    r#"c -> d "Stores" { data [secrets] }"#,
    r#"c <-> e "Syncs" { controls [tls] }"#,
    r#"threat leak "Leak" { on c -> d; category information_disclosure }"#,
    r#"threat misuse "Misuse" { on b; category elevation_of_privilege }"#,
    r#"mitigate "r.target@b>c" { by "mTLS" }"#,
    r#"accept "r.flow@a>b#2" { reason "Lab only"; until "2030-01-01" }"#,
    r#"accept "r.element@*" { reason "Reviewed"; until "2020-01-01" }"#,
    r#"mitigate "leak" { by "Encrypt" }"#,
    r#"mitigate "r.source@a>b" { by "Audit log" }"#,
];

fn threat_set(declarations: &[&str]) -> BTreeSet<(String, String)> {
    let compilation = compile_text(&declarations.join("\n"));
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    compilation
        .threats
        .threats
        .iter()
        .map(|t| (t.id.clone(), t.status.to_string()))
        .collect()
}

#[test]
fn the_baseline_covers_every_kind_of_id() {
    let set = threat_set(DECLARATIONS);
    let ids: Vec<&str> = set.iter().map(|(id, _)| id.as_str()).collect();
    for id in [
        "r.flow@a>b#2",
        "r.element@d",
        "r.target@b>c",
        "leak",
        "r.target@e>c",
    ] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    assert!(set.contains(&("r.target@b>c".into(), "mitigated".into())));
    assert!(set.contains(&("r.flow@a>b#2".into(), "accepted".into())));
    assert!(set.contains(&("r.element@d".into(), "open".into())));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn reordering_declarations_keeps_ids_and_statuses(
        order in Just((0..DECLARATIONS.len()).collect::<Vec<usize>>()).prop_shuffle()
    ) {
        let shuffled: Vec<&str> = order
            .iter()
            .filter_map(|i| DECLARATIONS.get(*i).copied())
            .collect();
        prop_assert_eq!(threat_set(&shuffled), threat_set(DECLARATIONS));
    }
}
