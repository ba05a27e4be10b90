//! The rules stage end to end: rules written in a model, applied, decided.

use crate::support::options;
use std::path::Path;
use tmc::compile::{compile, Compilation};
use tmc::load::MemoryLoader;
use tmc::rules::Threat;
use tmc::vocab::{Level, Status};

/// Compiles `text` as `model.tm`, with `files` beside it.
pub fn compile_with(text: &str, files: &[(&str, &str)]) -> Compilation {
    let mut loader = MemoryLoader::new().with("model.tm", text);
    for (path, body) in files {
        loader.insert(path, *body);
    }
    match compile(Path::new("model.tm"), &loader, &options()) {
        Ok(compilation) => compilation,
        Err(error) => panic!("{error}"),
    }
}

pub fn compile_text(text: &str) -> Compilation {
    compile_with(text, &[])
}

/// `CODE line` for every diagnostic, for short assertions.
pub fn codes(compilation: &Compilation) -> Vec<String> {
    compilation
        .diagnostics
        .iter()
        .map(|d| {
            let at = compilation
                .sources
                .line_col(d.primary.span.file, d.primary.span.start());
            format!("{} {}", d.code.id, at.line)
        })
        .collect()
}

/// Ids of the threats from the test's own rules and hand-written threats (the built-in packs
/// are on in every model, and are tested on their own).
fn ids(compilation: &Compilation) -> Vec<&str> {
    let builtin: Vec<&str> = compilation
        .threats
        .rules
        .iter()
        .filter(|r| tmc::load::STDLIB.iter().any(|(pack, _)| *pack == r.pack))
        .map(|r| r.id.as_str())
        .collect();
    compilation
        .threats
        .threats
        .iter()
        .filter(|t| t.rule.as_deref().map_or(true, |r| !builtin.contains(&r)))
        .map(|t| t.id.as_str())
        .collect()
}

fn threat<'c>(compilation: &'c Compilation, id: &str) -> &'c Threat {
    match compilation.threats.threats.iter().find(|t| t.id == id) {
        Some(threat) => threat,
        None => panic!("no threat {id} in {:?}", ids(compilation)),
    }
}

fn clean(compilation: &Compilation) {
    let rendered = tmc::diagnostics::render_human(
        &compilation.sources,
        &compilation.diagnostics,
        tmc::diagnostics::ColorChoice::Never,
    );
    assert!(compilation.diagnostics.is_empty(), "{rendered}");
}

const SHOP: &str = r#"
data cards "Card numbers" { classification restricted }
data orders "Orders" { classification confidential }
boundary internet "Internet" {
  actor customer "Customer"
  external psp "Payment provider" { tags [partner] }
}
boundary dc "Data centre" {
  boundary dmz "DMZ" {
    process gateway "API Gateway" { controls [authentication, rate_limiting]; tier 1 }
  }
  process checkout "Checkout" { technology "Go"; controls [input_validation] }
  store db "Orders DB" { stores [orders, cards]; controls [encryption_at_rest] }
}
customer -> gateway "Places orders" { protocol "HTTPS"; data [orders, cards] }
gateway -> checkout "Forwards" { protocol "gRPC"; data [orders] }
checkout -> db "Writes" { protocol "SQL" }
checkout -> psp "Charges" { protocol "HTTPS"; data [cards]; controls [tls] }
checkout -> psp "Refunds" { protocol "HTTPS" }
"#;

fn shop_with(rules: &str) -> Compilation {
    compile_text(&format!("{SHOP}\n{rules}"))
}

#[test]
fn roles_fire_where_the_contract_says() {
    let c = shop_with(
        r#"
rule t.element { category tampering; on element store; title "Tamper with {{ element.name }}" }
rule t.target { category spoofing; on target process; title "Spoof {{ target.name }}" }
rule t.source { category repudiation; on source external, actor; title "Deny {{ source.name }}" }
rule t.flow { category information_disclosure; on flow; when flow.crosses_boundary; title "Sniff {{ flow.label }}" }
"#,
    );
    clean(&c);
    assert_eq!(
        ids(&c),
        [
            "t.flow@customer>gateway",
            "t.source@customer>gateway",
            "t.target@customer>gateway",
            "t.flow@gateway>checkout",
            "t.target@gateway>checkout",
            "t.flow@checkout>psp",
            "t.flow@checkout>psp#2",
            "t.element@db",
        ]
    );
    let on_target = threat(&c, "t.target@gateway>checkout");
    assert_eq!(on_target.title, "Spoof Checkout");
    let model = &c.model;
    let element = on_target.subject.element.and_then(|e| model.element(e));
    assert_eq!(element.map(|e| e.id.as_str()), Some("checkout"));
    let flow = on_target.subject.flow.and_then(|f| model.flow(f));
    assert_eq!(flow.map(|f| f.id.as_str()), Some("gateway>checkout"));
    let on_source = threat(&c, "t.source@customer>gateway");
    let element = on_source.subject.element.and_then(|e| model.element(e));
    assert_eq!(element.map(|e| e.id.as_str()), Some("customer"));
    assert_eq!(threat(&c, "t.flow@checkout>psp#2").subject.element, None);
    assert_eq!(threat(&c, "t.element@db").subject.flow, None);
    assert_eq!(threat(&c, "t.flow@checkout>psp#2").title, "Sniff Refunds");
}

/// For each `when`, the subjects a rule `on ROLE` fires on in the shop (ids without `r@`).
fn fires_where(role: &str, cases: &[(&str, &[&str])]) {
    for (when, expected) in cases {
        let c = shop_with(&format!(
            "rule r {{ category tampering; on {role}; when {when}; title \"t\" }}"
        ));
        clean(&c);
        let fired: Vec<&str> = ids(&c)
            .into_iter()
            .map(|id| id.trim_start_matches("r@"))
            .collect();
        assert_eq!(fired, *expected, "when {when}");
    }
}

#[test]
fn when_follows_the_contract() {
    let cases: &[(&str, &[&str])] = &[
        // An unset property is none; none == none.
        (
            "element.owner == none",
            &["customer", "psp", "gateway", "checkout", "db"],
        ),
        ("element.technology != none", &["checkout"]),
        // Lists: has, and none has x is false.
        ("element.controls has authentication", &["gateway"]),
        (
            "not (element.controls has authentication)",
            &["customer", "psp", "checkout", "db"],
        ),
        ("element.tags has partner", &["psp"]),
        // Identifiers equal strings.
        ("element.kind == \"store\"", &["db"]),
        ("element.kind in [actor, external]", &["customer", "psp"]),
        // Ordered classifications; incomparable values are false.
        ("element.max_classification >= confidential", &["db"]),
        ("element.tier > high", &[]),
        // Derived facts and the boundary chain.
        ("element.boundary.name == \"DMZ\"", &["gateway"]),
        ("element.boundary.boundary.id == dc", &["gateway"]),
        ("element.boundary == dc", &["checkout", "db"]),
        ("element.boundaries has dc", &["gateway", "checkout", "db"]),
        ("element.internet_facing", &["gateway"]),
        ("element.inbound >= 2", &["psp"]),
        ("element.outbound > 2", &["checkout"]),
        // Custom properties: read when set, none otherwise.
        ("element.tier == 1", &["gateway"]),
        (
            "element.tier == none and element.kind == process",
            &["checkout"],
        ),
        // contains: case-insensitive on text, membership on lists.
        ("element.name contains \"gate\"", &["gateway"]),
        ("element.data contains cards", &["db"]),
        (
            "element.technology contains \"GO\" or element.id == db",
            &["checkout", "db"],
        ),
    ];
    fires_where("element", cases);
}

#[test]
fn flow_fields_and_precedence() {
    let cases: &[(&str, &[&str])] = &[
        (
            "flow.encrypted",
            &["customer>gateway", "checkout>psp", "checkout>psp#2"],
        ),
        (
            "flow.protocol contains \"https\" and not flow.encrypted",
            &[],
        ),
        (
            "flow.max_classification == restricted",
            &["customer>gateway", "checkout>psp"],
        ),
        ("flow.data == none", &["checkout>db", "checkout>psp#2"]),
        (
            "flow.number == 2 or flow.number == 5",
            &["gateway>checkout", "checkout>psp#2"],
        ),
        (
            "source.kind == actor or target.kind == store and flow.number == 3",
            &["customer>gateway", "checkout>db"],
        ),
        ("flow.controls has tls", &["checkout>psp"]),
        (
            "target.boundary.name == \"Internet\"",
            &["checkout>psp", "checkout>psp#2"],
        ),
        ("flow.id == \"checkout>psp#2\"", &["checkout>psp#2"]),
    ];
    fires_where("flow", cases);
}

#[test]
fn templates_render_paths_lists_and_none() {
    let c = shop_with(
        r#"
rule r {
  category tampering
  on target process
  title "{{ source.name }} → {{target.name}} in {{ target.boundary.name }} ({{ target.boundary.boundary.id }})"
  explanation "controls: {{ target.controls }}; owner: [{{ target.owner }}]; data: {{ flow.data }}; n={{ flow.number }}; {{ target.boundary }}"
  mitigations ["Check {{ flow.protocol }}", "Fix {{ target.id }}"]
}
"#,
    );
    clean(&c);
    let t = threat(&c, "r@customer>gateway");
    assert_eq!(t.title, "Customer → API Gateway in DMZ (dc)");
    assert_eq!(
        t.explanation,
        "controls: authentication, rate_limiting; owner: []; data: orders, cards; n=1; DMZ"
    );
    assert_eq!(t.mitigations.to_vec(), ["Check HTTPS", "Fix gateway"]);
}

#[test]
fn severity_explains_itself() {
    let c = shop_with(
        r#"
rule s.spoof {
  category spoofing
  on target process
  title "Spoof {{ target.name }}"
  explanation "{{ target.name }} trusts its callers."
  mitigated_by [authentication, rate_limiting, mtls]
  likelihood medium
  impact high
}
rule s.fixed { category spoofing; on target process; title "x"; severity low; mitigated_by [authentication] }
rule s.store { category information_disclosure; on element store; title "Read {{ element.name }}"; mitigated_by [encryption_at_rest, encryption_at_rest]; impact high }
rule s.flow { category information_disclosure; on flow; title "Sniff"; mitigated_by [tls] }
"#,
    );
    clean(&c);
    let t = threat(&c, "s.spoof@customer>gateway");
    assert_eq!(t.likelihood, Level::Medium);
    assert_eq!(t.impact, Level::High);
    assert_eq!(
        *t.severity_reasons,
        [
            "likelihood medium × impact high = high",
            "raised to critical: the flow carries restricted data (cards)",
            "lowered to high: API Gateway declares authentication",
            "lowered to medium: API Gateway declares rate_limiting",
        ]
    );
    assert_eq!(t.severity, Level::Medium);
    assert_eq!(
        t.explanation,
        "API Gateway trusts its callers. API Gateway already declares authentication and rate_limiting, which lowers the risk; verify they cover this threat."
    );
    // Nothing declared: nothing claimed.
    let t = threat(&c, "s.spoof@gateway>checkout");
    assert_eq!(t.severity, Level::High);
    assert_eq!(t.explanation, "Checkout trusts its callers.");
    let t = threat(&c, "s.fixed@customer>gateway");
    assert_eq!(t.severity, Level::Low);
    assert_eq!(*t.severity_reasons, ["severity low, set by the rule"]);
    // A control the rule names twice lowers the severity once.
    let t = threat(&c, "s.store@db");
    assert_eq!(
        *t.severity_reasons,
        [
            "likelihood medium × impact high = high",
            "raised to critical: Orders DB stores restricted data (cards)",
            "lowered to high: Orders DB declares encryption_at_rest",
        ]
    );
    let t = threat(&c, "s.flow@checkout>psp");
    assert_eq!(t.severity, Level::Medium);
    assert_eq!(
        t.explanation,
        "The flow already declares tls, which lowers the risk; verify it covers this threat."
    );
}

#[test]
fn hand_written_threats_keep_their_ids_and_sort_with_their_subject() {
    let c = shop_with(
        r#"
rule a.target { category spoofing; on target process; title "x" }
rule z.element { category tampering; on element process; title "x" }
threat card_skimming "Card skimming" {
  on checkout -> psp
  category information_disclosure
}
threat aaa_first "Gateway misconfiguration" {
  on gateway
  category tampering
  severity critical
}
"#,
    );
    clean(&c);
    assert_eq!(
        ids(&c),
        [
            "a.target@customer>gateway",
            "a.target@gateway>checkout",
            "card_skimming",
            "z.element@gateway",
            "aaa_first",
            "z.element@checkout",
        ]
    );
    let t = threat(&c, "card_skimming");
    assert_eq!(t.rule, None);
    assert_eq!(
        *t.severity_reasons,
        [
            "likelihood medium × impact medium = medium",
            "raised to high: the flow carries restricted data (cards)",
        ]
    );
    assert_eq!(threat(&c, "aaa_first").severity, Level::Critical);
}

const DECIDED: &str = r#"
rule spoofing.caller { category spoofing; on target process; title "x" }
rule dos.flood { category denial_of_service; on element process; title "x" }
rule id.sniff { category information_disclosure; on flow; title "x" }
threat skimming "Skimming" { on checkout -> psp; category tampering }
"#;

#[test]
fn decisions_set_statuses() {
    let c = shop_with(&format!(
        r#"{DECIDED}
mitigate "spoofing.caller@customer>gateway" {{ by "API keys" }}
accept "dos.*@gateway" {{ reason "Shield"; until "2027-01-01" }}
accept "*@checkout>psp#2" {{ reason "Refunds are rare"; until "2026-01-01" }}
mitigate "skimming" {{ by "PCI scope" }}
"#
    ));
    assert_eq!(codes(&c), ["W0003 29"]);
    let status = |id: &str| threat(&c, id).status;
    assert_eq!(
        status("spoofing.caller@customer>gateway"),
        Status::Mitigated
    );
    assert_eq!(status("spoofing.caller@gateway>checkout"), Status::Open);
    assert_eq!(status("dos.flood@gateway"), Status::Accepted);
    assert_eq!(status("dos.flood@checkout"), Status::Open);
    assert_eq!(status("skimming"), Status::Mitigated);
    // Lapsed: open again, and the report says why.
    let lapsed = threat(&c, "id.sniff@checkout>psp#2");
    assert_eq!(lapsed.status, Status::Open);
    assert_eq!(lapsed.decision.map(|d| d.lapsed), Some(true));
    // The exact flow, not its sibling.
    assert_eq!(status("id.sniff@checkout>psp"), Status::Open);
}

#[test]
fn decision_mistakes_are_reported() {
    let c = shop_with(&format!(
        r#"{DECIDED}
mitigate "spoofing.caler@customer>gateway" {{ by "API keys" }}
mitigate "*@gateway" {{ by "Hardening" }}
accept "dos.flood@gateway" {{ reason "Shield" }}
"#
    ));
    assert_eq!(codes(&c), ["E0106 27", "W0006 29"]);
    // The misspelt rule is named, with the rule meant.
    let help = c.diagnostics[0].help.as_deref().unwrap_or_default();
    assert_eq!(
        help,
        "no threat comes from a rule `spoofing.caler`; did you mean `spoofing.caller`?"
    );
    // The first decision wins.
    assert_eq!(threat(&c, "dos.flood@gateway").status, Status::Mitigated);
}

#[test]
fn renamed_ids_still_match_with_a_warning() {
    let c = compile_text(
        r#"
actor user "User"
process api "API" { formerly [backend] }
user -> api
rule r { category spoofing; on target process; title "x" }
mitigate "r@user>backend" { by "mTLS" }
"#,
    );
    assert_eq!(codes(&c), ["W0008 6"]);
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("write the current id: \"r@user>api\"")
    );
    assert_eq!(threat(&c, "r@user>api").status, Status::Mitigated);
}

/// A hand-written threat is on an element or one direction of a flow: not on both directions
/// at once (`<->` silently meant the first), nor on a boundary (no rule ever is).
#[test]
fn a_hand_written_threat_is_on_an_element_or_one_flow() {
    let c = compile_text(
        r#"
boundary z "Z" { process a "A" }
process b "B"
a <-> b
threat both "Both ways" { on a <-> b; category spoofing }
threat zone "The zone" { on z; category spoofing }
threat one "One way" { on b -> a; category spoofing }
"#,
    );
    assert_eq!(codes(&c), ["E0018 5", "E0018 6"]);
}

/// An old id that two elements claim, or that is an element's id today, would mean whichever
/// was declared last.
#[test]
fn an_old_id_names_one_element_and_no_current_one() {
    let c = compile_text(
        r#"
process d "D" { formerly [old] }
process c "C" { formerly [old] }
process a "A"
process b "B" { formerly [a] }
"#,
    );
    assert_eq!(codes(&c), ["E0005 3", "E0005 5"]);
    // One element listing an old id twice is only repetition.
    assert_eq!(
        codes(&compile_text(r#"process a "A" { formerly [x, x] }"#)),
        Vec::<String>::new()
    );
    assert!(c.diagnostics[0]
        .message
        .contains("listed in `formerly` by two elements"));
    assert!(c.diagnostics[1]
        .message
        .contains("is the id of an element of this model"));
}

#[test]
fn a_broken_rule_does_not_also_fail_its_decisions() {
    let c = shop_with(
        r#"
rule r { category spoofing; on target process; when target.nmae == x; title "x" }
mitigate "r@customer>gateway" { by "x" }
"#,
    );
    // `nmae` is a custom property (a warning), so the rule is fine and the decision matches none.
    assert_eq!(codes(&c), ["W0005 22", "E0106 23"]);
    let c = shop_with(
        r#"
rule r { category spoofing; on target process; when tagret.name == x; title "x" }
mitigate "r@customer>gateway" { by "x" }
"#,
    );
    assert_eq!(codes(&c), ["E0102 22"]);
}

#[test]
fn rules_from_several_packs_and_duplicates() {
    let pack = r#"
rule team.one { category tampering; on element store; title "x" }
rule shared.id { category tampering; on element store; title "x" }
"#;
    let c = compile_with(
        r#"
use "team.tm"
store s "S"
rule shared.id { category spoofing; on element store; title "y" }
"#,
        &[("team.tm", pack)],
    );
    assert_eq!(codes(&c), ["E0104 4"]);
    let rules: Vec<(&str, &str)> = c
        .threats
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.pack.as_str()))
        .filter(|(_, pack)| *pack == "team.tm")
        .collect();
    assert_eq!(rules, [("shared.id", "team.tm"), ("team.one", "team.tm")]);
    let info = c.threats.rules.iter().find(|r| r.id == "team.one");
    assert_eq!(info.map(|r| r.applies_to.as_str()), Some("element store"));
}

/// A file a pack includes is part of the pack: it may declare rules, and nothing else. A pack
/// shared by many models could otherwise mitigate their threats (`*@*`) without a word.
#[test]
fn a_file_a_pack_includes_may_declare_only_rules_too() {
    let c = compile_with(
        "use \"team.tm\"\nprocess a \"A\"\n",
        &[
            ("team.tm", "include \"more.tm\"\n"),
            (
                "more.tm",
                "rule team.more { category tampering; on element process; title \"x\" }\n\
                 mitigate \"*@a\" { by \"the pack\" }\n\
                 process inpack \"In the pack\"\n",
            ),
        ],
    );
    assert_eq!(codes(&c), ["E0018 2", "E0018 3"]);
    let pack = c.threats.rules.iter().find(|r| r.id == "team.more");
    assert_eq!(pack.map(|r| r.pack.as_str()), Some("team.tm"));
}

#[test]
fn rule_checks_catch_header_and_type_mistakes() {
    let c = compile_text(
        r#"
rule a { category spoofing; on target boundary; title "x" }
rule b { category spoofing; on flow process; title "x" }
rule c { category spoofing; on targte process; title "x" }
rule d { category spofing; on flow; title "x" }
rule e { category spoofing; on flow; title "x"; impactt high }
rule f { category spoofing; on target process; when not target.controls has tls; title "x" }
rule g { category spoofing; on target process; when target.name has x; title "x" }
rule h { category spoofing; on target process; when flow.max_classification > high; title "x" }
rule i { category spoofing; on target process; when flow.number < secret; title "x" }
rule j { category spoofing; on target; title "{{ target.name" }
rule k { category spoofing; on element; title "{{ target.name }}" }
rule l { on element }
rule m { category spoofing; on element; when element.boundary.nmae == x; title "x" }
"#,
    );
    assert_eq!(
        codes(&c),
        [
            "E0101 2", "E0101 3", "E0101 4", "E0101 5", "E0102 6", "E0103 7", "E0103 8", "E0103 9",
            "E0103 10", "E0105 11", "E0105 12", "E0017 13", "E0017 13", "W0005 14",
        ]
    );
    let not = &c.diagnostics[5];
    assert_eq!(
        not.help.as_deref(),
        Some("`not` binds tighter than `has`: write `not (target.controls has tls)`")
    );
    assert_eq!(
        c.diagnostics[2].help.as_deref(),
        Some("did you mean `target`?")
    );
    assert_eq!(
        c.diagnostics[4].help.as_deref(),
        Some("did you mean `impact`?")
    );
}
