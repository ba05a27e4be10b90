//! The renderers on hand-built reports: golden snapshots of every output, hostile text that must
//! not break any syntax, determinism, template overrides, scopes, and the time a large model takes.

use indexmap::IndexMap;
use tmc::report::view::{
    DataView, DecisionKind, DecisionView, ElementView, FlowView, ModelInfo, Report, RuleView,
    SourceSpan, ThreatView,
};
use tmc::report::{self, RenderError, Templates};
use tmc::vocab::{Category, Classification, ElementKind, Level, Status};

// ------------------------------------------------------------------ fixture builders

fn span(file: &str, line: usize, column: usize, width: usize) -> SourceSpan {
    SourceSpan {
        file: file.into(),
        line,
        column,
        end_line: line,
        end_column: column + width,
    }
}

const FILE: &str = "examples/ai-nutrition-pro.tm";

fn element(
    id: &str,
    name: &str,
    kind: ElementKind,
    boundaries: &[&str],
    line: usize,
) -> ElementView {
    ElementView {
        id: id.into(),
        name: name.into(),
        kind,
        boundary: boundaries.first().map(|b| (*b).into()),
        boundaries: boundaries.iter().map(|b| (*b).into()).collect(),
        description: None,
        technology: None,
        owner: None,
        url: None,
        tags: Vec::new(),
        controls: Vec::new(),
        stores: Vec::new(),
        internet_facing: false,
        properties: IndexMap::new(),
        source_span: span(FILE, line, 3, 20),
    }
}

fn flow(number: usize, source: &str, target: &str, label: Option<&str>, line: usize) -> FlowView {
    FlowView {
        id: format!("{source}>{target}").into(),
        number,
        source: source.into(),
        target: target.into(),
        label: label.map(Into::into),
        protocol: None,
        description: None,
        data: Vec::new(),
        controls: Vec::new(),
        tags: Vec::new(),
        reverse_of: None,
        crosses_boundary: false,
        encrypted: false,
        max_classification: None,
        properties: Default::default(),
        source_span: span(FILE, line, 1, 40),
    }
}

struct T<'a> {
    rule: Option<&'a str>,
    category: Category,
    element: Option<&'a str>,
    flow: Option<&'a str>,
    title: &'a str,
    severity: Level,
}

fn threat(t: T<'_>, explanation: &str, mitigations: &[&str], line: usize) -> ThreatView {
    let on = match (t.element, t.flow) {
        (_, Some(flow)) => flow.to_string(),
        (Some(element), None) => element.to_string(),
        (None, None) => String::new(),
    };
    ThreatView {
        id: match t.rule {
            Some(rule) => format!("{rule}@{on}"),
            None => t.title.to_lowercase().replace(' ', "_"),
        }
        .into(),
        rule: t.rule.map(Into::into),
        category: t.category,
        element: t.element.map(Into::into),
        flow: t.flow.map(Into::into),
        title: t.title.into(),
        explanation: explanation.into(),
        mitigations: mitigations.iter().map(|m| (*m).into()).collect(),
        likelihood: Level::Medium,
        impact: t.severity,
        severity: t.severity,
        severity_reasons: vec![format!("likelihood medium x impact {}", t.severity.word())].into(),
        status: Status::Open,
        decision: None,
        references: Vec::new().into(),
        source_span: span(FILE, line, 1, 30).into(),
    }
}

fn rule(
    id: &str,
    category: Category,
    applies_to: &str,
    title: &str,
    references: &[&str],
    fired: usize,
) -> RuleView {
    RuleView {
        id: id.into(),
        pack: "stride".into(),
        category,
        applies_to: applies_to.into(),
        title: title.into(),
        explanation: format!(
            "{{{{ target.name }}}} is exposed to {}",
            category.display().to_lowercase()
        ),
        mitigations: vec!["Authenticate every caller".into()],
        references: references.iter().map(|r| r.to_string()).collect(),
        fired,
        source_span: span("<stdlib/stride.tm>", 10, 1, 40),
    }
}

fn decision(
    kind: DecisionKind,
    pattern: &str,
    text: &str,
    until: Option<&str>,
    lapsed: bool,
) -> DecisionView {
    DecisionView {
        kind,
        pattern: pattern.into(),
        text: text.into(),
        until: until.map(Into::into),
        lapsed,
        source_span: span(FILE, 90, 1, 30),
    }
}

/// A small AI Nutrition-Pro: three nested boundaries, a `<->` pair, every status and severity.
pub fn nutrition_pro() -> Report {
    use ElementKind::*;
    let mut elements = vec![
        element("internet", "Internet", Boundary, &[], 5),
        element("admin", "Administrator", Actor, &["internet"], 6),
        element(
            "meal_planner",
            "Meal Planner application",
            External,
            &["internet"],
            7,
        ),
        element("chatgpt", "ChatGPT", External, &["internet"], 8),
        element("aws", "AWS Cloud", Boundary, &[], 11),
        element("vpc", "Application VPC", Boundary, &["aws"], 12),
        element("api_gateway", "API Gateway", Process, &["vpc", "aws"], 13),
        element(
            "api_application",
            "API Application",
            Process,
            &["vpc", "aws"],
            18,
        ),
        element("api_db", "API Database", Store, &["vpc", "aws"], 19),
        element(
            "web_control_plane",
            "Web Control Plane",
            Process,
            &["aws"],
            25,
        ),
        element(
            "control_plane_db",
            "Control Plane Database",
            Store,
            &["aws"],
            26,
        ),
    ];
    for e in &mut elements {
        match &*e.id {
            "api_gateway" => {
                e.technology = Some("Kong".into());
                e.controls = vec!["authentication".into(), "rate_limiting".into()];
                e.internet_facing = true;
            }
            "api_application" => e.technology = Some("Golang, AWS ECS".into()),
            "api_db" => {
                e.technology = Some("Amazon RDS".into());
                e.stores = vec!["dietitian_content".into(), "llm_requests".into()];
            }
            "chatgpt" => e.technology = Some("OpenAI API, gpt-4".into()),
            _ => {}
        }
    }
    let data = vec![
        DataView {
            id: "dietitian_content".into(),
            name: "Dietitian content samples".into(),
            classification: Classification::Confidential,
            description: None,
            tags: Vec::new(),
            properties: Default::default(),
            source_span: span(FILE, 30, 1, 50),
        },
        DataView {
            id: "llm_requests".into(),
            name: "LLM requests and responses".into(),
            classification: Classification::Internal,
            description: None,
            tags: vec!["pii".into()],
            properties: Default::default(),
            source_span: span(FILE, 31, 1, 50),
        },
    ];
    let mut flows = vec![
        flow(
            1,
            "meal_planner",
            "api_gateway",
            Some("Uses for AI content generation"),
            34,
        ),
        flow(
            2,
            "api_gateway",
            "api_application",
            Some("Forwards requests"),
            39,
        ),
        flow(
            3,
            "api_application",
            "api_gateway",
            Some("Forwards requests"),
            39,
        ),
        flow(
            4,
            "api_application",
            "chatgpt",
            Some("Generates content"),
            40,
        ),
        flow(5, "api_application", "api_db", Some("read/write data"), 41),
        flow(
            6,
            "admin",
            "web_control_plane",
            Some("Configure system properties"),
            42,
        ),
        flow(7, "web_control_plane", "control_plane_db", None, 43),
    ];
    for f in &mut flows {
        match f.number {
            1 => {
                f.protocol = Some("HTTPS/REST".into());
                f.data = vec!["dietitian_content".into()];
                f.crosses_boundary = true;
                f.max_classification = Some(Classification::Confidential);
            }
            2 => f.reverse_of = Some("api_application>api_gateway".into()),
            3 => f.reverse_of = Some("api_gateway>api_application".into()),
            4 => {
                f.protocol = Some("HTTPS/REST".into());
                f.data = vec!["llm_requests".into()];
                f.crosses_boundary = true;
            }
            5 => f.protocol = Some("TLS".into()),
            6 => f.crosses_boundary = true,
            _ => {}
        }
    }
    let spoof = "spoofing.unauthenticated_source";
    let mut threats = vec![
        threat(
            T {
                rule: Some(spoof),
                category: Category::Spoofing,
                element: Some("api_gateway"),
                flow: Some("meal_planner>api_gateway"),
                title: "Attacker spoofs Meal Planner application to gain unauthorized access to API Gateway",
                severity: Level::High,
            },
            "API Gateway accepts requests from outside Application VPC without authentication",
            &["Authenticate every caller (OAuth 2.0, mTLS or signed API keys)"],
            34,
        ),
        threat(
            T {
                rule: Some("tampering.unvalidated_input"),
                category: Category::Tampering,
                element: Some("api_gateway"),
                flow: Some("meal_planner>api_gateway"),
                title: "Attacker sends malformed input to API Gateway",
                severity: Level::Medium,
            },
            "Input from Meal Planner application is parsed by API Gateway",
            &["Validate input against a schema", "Reject oversized payloads"],
            34,
        ),
        threat(
            T {
                rule: Some("information_disclosure.cleartext_channel"),
                category: Category::InformationDisclosure,
                element: None,
                flow: Some("api_application>chatgpt"),
                title: "Requests to ChatGPT are read in transit",
                severity: Level::Critical,
            },
            "The channel crosses the Internet boundary",
            &["Use TLS 1.2 or higher"],
            40,
        ),
        threat(
            T {
                rule: Some(spoof),
                category: Category::Spoofing,
                element: Some("web_control_plane"),
                flow: Some("admin>web_control_plane"),
                title: "Attacker spoofs Administrator to gain unauthorized access to Web Control Plane",
                severity: Level::High,
            },
            "Web Control Plane accepts requests from outside AWS Cloud without authentication",
            &["Authenticate every caller (OAuth 2.0, mTLS or signed API keys)"],
            42,
        ),
        threat(
            T {
                rule: Some("denial_of_service.flood"),
                category: Category::DenialOfService,
                element: Some("api_gateway"),
                flow: None,
                title: "Attacker floods API Gateway",
                severity: Level::High,
            },
            "API Gateway is internet facing",
            &["Rate limiting", "DDoS protection at the edge"],
            13,
        ),
        threat(
            T {
                rule: Some("repudiation.no_audit_log"),
                category: Category::Repudiation,
                element: Some("web_control_plane"),
                flow: None,
                title: "Administrators deny changes to Web Control Plane",
                severity: Level::Low,
            },
            "Web Control Plane keeps no audit log",
            &[],
            25,
        ),
        threat(
            T {
                rule: None,
                category: Category::Tampering,
                element: None,
                flow: Some("api_application>chatgpt"),
                title: "Prompt injection through dietitian samples",
                severity: Level::High,
            },
            "Samples are passed to the model verbatim",
            &["Strip instructions from samples", "Constrain the output format"],
            60,
        ),
    ];
    threats[1].references = vec!["CWE-20".to_string()].into();
    if let Some(t) = threats.get_mut(3) {
        t.status = Status::Mitigated;
        t.decision = Some(Box::new(decision(
            DecisionKind::Mitigate,
            "spoofing.*@admin>web_control_plane",
            "SSO with hardware keys for administrators",
            None,
            false,
        )));
    }
    if let Some(t) = threats.get_mut(4) {
        t.status = Status::Accepted;
        t.decision = Some(Box::new(decision(
            DecisionKind::Accept,
            "denial_of_service.flood@api_gateway",
            "Covered by AWS Shield Advanced at the edge",
            Some("2027-06-30"),
            false,
        )));
    }
    if let Some(t) = threats.get_mut(5) {
        t.decision = Some(Box::new(decision(
            DecisionKind::Accept,
            "*@web_control_plane",
            "Audit logging ships next quarter",
            Some("2024-01-31"),
            true,
        )));
    }
    threats[6].id = "prompt_injection".into();
    let rules = vec![
        rule(
            "denial_of_service.flood",
            Category::DenialOfService,
            "element process",
            "Attacker floods {{ element.name }}",
            &["CAPEC-125"],
            1,
        ),
        rule(
            "information_disclosure.cleartext_channel",
            Category::InformationDisclosure,
            "flow",
            "Requests to {{ target.name }} are read in transit",
            &["CWE-319"],
            1,
        ),
        rule(
            "repudiation.no_audit_log",
            Category::Repudiation,
            "element process",
            "Users deny changes to {{ element.name }}",
            &[],
            1,
        ),
        rule(
            spoof,
            Category::Spoofing,
            "target process, store",
            "Attacker spoofs {{ source.name }} to gain unauthorized access to {{ target.name }}",
            &["CAPEC-151", "CWE-287"],
            2,
        ),
        rule(
            "tampering.unvalidated_input",
            Category::Tampering,
            "target process",
            "Attacker sends malformed input to {{ target.name }}",
            &["CWE-20"],
            1,
        ),
    ];
    Report {
        model: ModelInfo {
            name: "AI Nutrition-Pro".into(),
            description: Some("Backend that generates diet content with an LLM".into()),
            version: Some("1.2".into()),
            owner: Some("platform-security@example.com".into()),
            file: FILE.into(),
            properties: Default::default(),
        },
        elements,
        data,
        flows,
        threats,
        rules,
    }
}

/// Text that tries to break every syntax we write.
const HOSTILE: &str = "Evil \"quoted\" | pipe \\ back <b>tag</b> & amp {{ brace }} {% x %} #35; semi; `tick` ``two`` \
                       \nnew line\r\n# heading 😈 ünï 中文 [link](x) *em* _u_ -- %%{init: {}}%% end";

/// The fixture with every name, label, description and text replaced by hostile ones.
fn hostile() -> Report {
    let mut report = nutrition_pro();
    let evil = |what: &str| format!("{what}: {HOSTILE}");
    report.model.name = evil("model");
    report.model.description = Some(evil("description"));
    report.model.owner = Some(evil("owner"));
    report.model.file = "models/my \"app\" #1.tm".into();
    for e in &mut report.elements {
        e.name = evil(&e.id);
        e.technology = e.technology.as_ref().map(|_| evil("tech"));
        e.source_span.file = report.model.file.as_str().into();
    }
    for d in &mut report.data {
        d.name = evil(&d.id);
    }
    for f in &mut report.flows {
        f.label = Some(evil("label"));
        f.protocol = Some(evil("protocol"));
    }
    for t in &mut report.threats {
        t.title = evil("title").into();
        t.explanation = evil("explanation").into();
        t.mitigations = std::sync::Arc::<[std::sync::Arc<str>]>::from([
            evil("mitigation 1").into(),
            evil("mitigation 2").into(),
        ])
        .into();
        t.severity_reasons = vec![evil("reason")].into();
        if let Some(d) = &mut t.decision {
            d.text = evil("decision");
        }
        std::sync::Arc::make_mut(&mut t.source_span).file = report.model.file.as_str().into();
    }
    report.threats[6].id = "weird`id|x".into();
    for r in &mut report.rules {
        r.title = evil("rule title");
        r.applies_to = evil("applies");
        r.references.push(evil("reference"));
    }
    report
}

fn templates() -> Templates {
    Templates::embedded().expect("embedded templates parse")
}

// ------------------------------------------------------------------ golden outputs

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.md",
        report::markdown(&nutrition_pro(), &templates(), None).unwrap()
    );
}

#[test]
fn dot_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.dot",
        report::dot(&nutrition_pro(), &templates(), None).unwrap()
    );
}

#[test]
fn dot_scoped_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.vpc.dot",
        report::dot(&nutrition_pro(), &templates(), Some("vpc")).unwrap()
    );
}

#[test]
fn mermaid_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.mmd",
        report::mermaid(&nutrition_pro(), None).unwrap()
    );
}

#[test]
fn mermaid_scoped_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.vpc.mmd",
        report::mermaid(&nutrition_pro(), Some("vpc")).unwrap()
    );
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.sarif",
        report::sarif(&nutrition_pro()).unwrap()
    );
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(
        "nutrition_pro.json",
        report::json(&nutrition_pro()).unwrap()
    );
}

// ------------------------------------------------------------------ structure of the Markdown

#[test]
fn markdown_sections_follow_the_reference_format() {
    let report = nutrition_pro();
    let md = report::markdown(&report, &templates(), None).unwrap();
    assert!(md.starts_with("# Threat Model: AI Nutrition-Pro\n"));
    assert!(md.contains("\n```mermaid\nflowchart LR\n"));
    let header = "| Threat Id | Component name | Threat Name | STRIDE category | Explanation | Mitigations | Risk severity |";
    let mut last = 0;
    for f in &report.flows {
        let heading = format!("\n### Data flow {}: ", f.number);
        assert_eq!(
            md.matches(&heading).count(),
            1,
            "one section for flow {}",
            f.number
        );
        let at = md.find(&heading).unwrap();
        assert!(at > last, "flow sections are in flow order");
        last = at;
    }
    assert!(md.contains("### Data flow 1: Meal Planner application -> API Gateway\n"));
    // A flow with no threats says so, and has no table.
    let flow7 = md
        .split("### Data flow 7: ")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert!(flow7.contains("No threats were found for this data flow."));
    assert!(!flow7.contains(header));
    // Threat Id restarts per table, the stable id is shown.
    let flow1 = md
        .split("### Data flow 1: ")
        .nth(1)
        .unwrap()
        .split("### ")
        .next()
        .unwrap();
    assert!(flow1.contains(header));
    assert!(flow1.contains("\n| 1 | API Gateway |"));
    assert!(flow1.contains("\n| 2 | API Gateway |"));
    assert!(flow1.contains("`spoofing.unauthenticated_source@meal_planner>api_gateway`"));
    let flow4 = md
        .split("### Data flow 4: ")
        .nth(1)
        .unwrap()
        .split("### ")
        .next()
        .unwrap();
    assert!(flow4.contains("\n| 1 | Data flow 4 |"));
    assert!(flow4.contains("Hand-written threats on this flow: `prompt_injection`."));
    // Every category is counted, even at zero; no other category appears.
    for category in Category::ALL {
        assert!(
            md.contains(&format!("\n| {} | ", category.display())),
            "{category}"
        );
    }
    assert!(md.contains("**Lapsed**"));
    assert!(md.contains("Open (acceptance lapsed)"));
    assert!(md.contains("| `denial_of_service.flood` | stride | Denial of Service | element process | CAPEC-125 | 1 |"));
    assert!(
        !md.contains("## Contents"),
        "small models get no table of contents"
    );
}

/// Splits a GFM table row into cells the way GitHub does: on `|` not preceded by a backslash.
fn cells(row: &str) -> usize {
    let mut count = 0usize;
    let mut escaped = false;
    for c in row.trim().chars() {
        match c {
            '|' if !escaped => count += 1,
            _ => {}
        }
        escaped = c == '\\' && !escaped;
    }
    count.saturating_sub(1)
}

/// Every table keeps its header's cell count on every row; returns how many rows were checked.
fn assert_tables_are_rectangular(md: &str) -> usize {
    let mut checked = 0;
    let mut header: Option<usize> = None;
    let mut in_fence = false;
    for line in md.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !line.starts_with('|') {
            header = None;
            continue;
        }
        let n = cells(line);
        match header {
            None => header = Some(n),
            Some(h) => {
                assert_eq!(n, h, "row has {n} cells, header {h}: {line}");
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn markdown_escapes_hostile_text() {
    let md = report::markdown(&hostile(), &templates(), None).unwrap();
    if let Ok(path) = std::env::var("TMC_DUMP") {
        std::fs::write(path, &md).unwrap();
    }
    assert!(assert_tables_are_rectangular(&md) > 20);
    let prose: String = md.split("```").step_by(2).collect();
    assert!(!prose.contains("<b>"), "names never become HTML");
    assert!(!prose.contains("[link](x)"), "names never become links");
    assert!(!prose.contains("*em*"), "names never become emphasis");
    // Headings stay on one line and keep the exact prefix.
    assert!(md.contains("\n### Data flow 1: meal_planner: Evil \"quoted\" \\| pipe"));
    for line in md.lines().filter(|l| l.starts_with('#')) {
        assert!(!line.contains("<br>"), "{line}");
    }
    // The Mermaid block cannot be closed early.
    let mermaid = md
        .split("```mermaid\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    assert!(mermaid.ends_with('\n') && mermaid.contains("flowchart LR"));
    assert!(!mermaid.contains('`'));
    // A backtick in an id gets a longer fence.
    assert!(md.contains("``weird`id\\|x``"));
}

/// The source line is a code span outside any table: a `|` in the file name stays as it is
/// (GFM keeps a backslash before it there), by the Rust writer and by the template.
#[test]
fn the_source_line_shows_a_pipe_as_it_is() {
    let mut report = nutrition_pro();
    report.model.file = "models/a|b.tm".into();
    let page = include_str!("../../src/report/templates/threat-model.md.tera");
    let by_tera =
        Templates::with_overrides(vec![("threat-model.md.tera".to_string(), page.to_string())])
            .unwrap();
    for templates in [templates(), by_tera] {
        let md = report::markdown(&report, &templates, None).unwrap();
        assert!(
            md.contains("\n- Source: `models/a|b.tm`\n"),
            "{}",
            &md[..300]
        );
    }
}

#[test]
fn markdown_of_an_empty_model() {
    let mut report = nutrition_pro();
    report.threats.clear();
    report.rules.clear();
    report.flows.truncate(1);
    report.model.description = None;
    let md = report::markdown(&report, &templates(), None).unwrap();
    assert!(md.contains("No threats were found for this data flow."));
    assert!(md.contains("No threats were found on elements alone."));
    assert!(md.contains("The model has no hand-written threats."));
    assert!(md.contains("No rule fired."));
    assert!(!md.contains("\n\n\n"), "no runs of blank lines");
    assert_tables_are_rectangular(&md);
}

// ------------------------------------------------------------------ DOT and Mermaid

/// Renders DOT with Graphviz into SVG that must parse as XML (see `clients::check_dot`).
fn assert_graphviz_renders(source: &str) {
    crate::clients::assert_dot_renders(source);
}

#[test]
fn dot_renders_with_graphviz() {
    let report = nutrition_pro();
    assert_graphviz_renders(&report::dot(&report, &templates(), None).unwrap());
    assert_graphviz_renders(&report::dot(&report, &templates(), Some("aws")).unwrap());
    assert_graphviz_renders(&report::dot(&hostile(), &templates(), None).unwrap());
    assert_graphviz_renders(&report::dot(&hostile(), &templates(), Some("vpc")).unwrap());
}

/// Graphviz cannot scan a quoted string over 16,384 bytes: long names (escaping makes them
/// longer: `&` is `&amp;`) are written as quoted pieces joined by `+`, drawn whole, by the
/// Rust writer and by the template alike.
#[test]
fn dot_draws_names_longer_than_graphviz_scans_at_once() {
    let mut report = nutrition_pro();
    let long = |end: &str| format!("{}{}{end}", "&\"\\".repeat(3000), "x".repeat(17_000));
    report.model.name = long("modelEND");
    for element in &mut report.elements {
        element.name = long(&format!("{}END", element.id));
        element.technology = Some(long("techEND"));
    }
    for flow in &mut report.flows {
        flow.label = Some(long("labelEND"));
    }
    let template = include_str!("../../src/report/templates/dfd.dot.tera");
    let by_tera =
        Templates::with_overrides(vec![("dfd.dot.tera".to_string(), template.to_string())])
            .unwrap();
    let by_rust = report::dot(&report, &templates(), None).unwrap();
    assert_eq!(by_rust, report::dot(&report, &by_tera, None).unwrap());
    assert!(by_rust.contains("\" + \""), "written in pieces");
    let svg = crate::clients::assert_dot_renders(&by_rust);
    if !svg.is_empty() {
        // (Graphviz writes `-` as `&#45;` in SVG text, hence ends without one.)
        for end in ["modelEND", "api_applicationEND", "techEND", "labelEND"] {
            assert!(svg.contains(&format!("x{end}")), "{end} is drawn");
        }
    }
}

#[test]
fn dot_draws_the_dfd_notation() {
    let dot = report::dot(&nutrition_pro(), &templates(), None).unwrap();
    assert!(dot.starts_with("digraph dfd {\n"));
    assert!(dot.contains("\"admin\" [label=\"Administrator\", shape=box]"));
    assert!(dot.contains(
        "\"api_application\" [label=\"API Application\\n[Golang, AWS ECS]\", shape=ellipse]"
    ));
    assert!(dot.contains("shape=cylinder"));
    // Nested boundaries nest: the VPC cluster opens inside the AWS one.
    let aws = dot.find("label=\"AWS Cloud\"").unwrap();
    let vpc = dot.find("label=\"Application VPC\"").unwrap();
    assert!(aws < vpc);
    assert_eq!(dot.matches("style=dashed").count(), 3);
    // The `<->` pair is one two-headed edge labelled with both numbers.
    assert!(dot.contains(
        "\"api_gateway\" -> \"api_application\" [label=\"2, 3. Forwards requests\", dir=both]"
    ));
    // Open high and critical threats colour their element and flow; mitigated ones do not.
    assert!(dot.contains(
        "\"api_gateway\" [label=\"API Gateway\\n[Kong]\", shape=ellipse, color=\"#d62728\""
    ));
    assert!(dot.contains(
        "\"api_application\" -> \"chatgpt\" [label=\"4. Generates content\\n[HTTPS/REST]\", color="
    ));
    assert!(dot.contains("\"web_control_plane\" [label=\"Web Control Plane\", shape=ellipse]"));
}

#[test]
fn scopes_draw_one_boundary() {
    let report = nutrition_pro();
    let dot = report::dot(&report, &templates(), Some("vpc")).unwrap();
    assert!(
        !dot.contains("AWS Cloud\";"),
        "the enclosing boundary is not drawn"
    );
    assert!(dot.contains(
        "\"meal_planner\" [label=\"Meal Planner application\", shape=box, color=\"#999999\"]"
    ));
    assert!(
        !dot.contains("web_control_plane"),
        "flows not touching the scope are left out"
    );
    let mermaid = report::mermaid(&report, Some("vpc")).unwrap();
    assert!(!mermaid.contains("Control Plane"));
    for bad in ["nope", "api_gateway"] {
        assert!(matches!(
            report::dot(&report, &templates(), Some(bad)),
            Err(RenderError::UnknownScope(_))
        ));
        assert!(matches!(
            report::mermaid(&report, Some(bad)),
            Err(RenderError::UnknownScope(_))
        ));
    }
}

/// Removes Mermaid entity codes (`#35;`) and `<br>` from a label, leaving the literal text.
fn strip_mermaid_codes(label: &str) -> String {
    let mut out = String::new();
    let mut rest = label.replace("<br>", "\n");
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        assert!(
            digits > 0 && rest[at + 1 + digits..].starts_with(';'),
            "stray # in {label}"
        );
        rest = rest[at + digits + 2..].to_string();
    }
    out + &rest
}

#[test]
fn mermaid_labels_stay_quoted() {
    let mermaid = report::mermaid(&hostile(), None).unwrap();
    for line in mermaid.lines() {
        assert_eq!(line.matches('"').count() % 2, 0, "{line}");
        for label in line.split('"').skip(1).step_by(2) {
            let literal = strip_mermaid_codes(label);
            for c in ['<', '>', '&', '{', '}', '`', '|', ';', ':', '%', '\\'] {
                assert!(!literal.contains(c), "{c} in {label}");
            }
        }
    }
    assert!(mermaid.contains("#34;quoted#34;"));
}

// ------------------------------------------------------------------ SARIF and JSON

#[test]
fn sarif_has_the_required_fields() {
    for report in [nutrition_pro(), hostile()] {
        let text = report::sarif(&report).unwrap();
        let log: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(
            log["$schema"],
            "https://json.schemastore.org/sarif-2.1.0.json"
        );
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "tmc");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        let open = report
            .threats
            .iter()
            .filter(|t| t.status == Status::Open)
            .count();
        assert_eq!(results.len(), open);
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(rules[index]["help"]["text"].as_str().is_some());
            assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
            assert!(!result["message"]["text"].as_str().unwrap().is_empty());
            let location = &result["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(result["partialFingerprints"]["tmcThreatId/v1"].is_string());
        }
    }
    let log: serde_json::Value = serde_json::from_str(&report::sarif(&hostile()).unwrap()).unwrap();
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "models/my%20%22app%22%20%231.tm");
}

#[test]
fn json_round_trips() {
    for report in [nutrition_pro(), hostile()] {
        let text = report::json(&report).unwrap();
        assert!(text.ends_with("}\n"));
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
    }
}

#[test]
fn json_streamed_is_the_same_bytes() {
    for report in [nutrition_pro(), hostile()] {
        let mut streamed = Vec::new();
        report::json_to(&report, &mut streamed).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            report::json(&report).unwrap()
        );
    }
}

// ------------------------------------------------------------------ determinism and templates

fn render_all(report: &Report, templates: &Templates) -> Vec<String> {
    vec![
        report::markdown(report, templates, None).unwrap(),
        report::dot(report, templates, None).unwrap(),
        report::dot(report, templates, Some("aws")).unwrap(),
        report::mermaid(report, None).unwrap(),
        report::sarif(report).unwrap(),
        report::json(report).unwrap(),
    ]
}

#[test]
fn rendering_is_deterministic() {
    for report in [nutrition_pro(), hostile()] {
        assert_eq!(
            render_all(&report, &templates()),
            render_all(&report, &Templates::embedded().unwrap())
        );
    }
}

#[test]
fn templates_can_be_overridden() {
    let templates = Templates::with_overrides(vec![(
        "threat-table.md.tera".into(),
        "{% for t in rows %}* {{ t.id | md_code }}: {{ t.title | md }}\n{% endfor %}".into(),
    )])
    .unwrap();
    let md = report::markdown(&nutrition_pro(), &templates, None).unwrap();
    assert!(md.contains("* `denial_of_service.flood@api_gateway`: Attacker floods API Gateway\n"));
    assert!(!md.contains("| Threat Id |"));

    let error = Templates::with_overrides(vec![("threats.md".into(), String::new())]).unwrap_err();
    assert!(matches!(error, RenderError::UnknownTemplate { .. }));
    let broken =
        Templates::with_overrides(vec![("dfd.dot.tera".into(), "{{ nope.field }}".into())])
            .unwrap();
    let error = report::dot(&nutrition_pro(), &broken, None).unwrap_err();
    assert!(error.to_string().contains("dfd.dot.tera"), "{error}");
}

/// A user's page template may print a model's text raw; a name holding a table's stand-in
/// must not take the table's place (the page is then rendered with the tables in line).
#[test]
fn a_model_name_cannot_take_a_tables_place() {
    let mut report = nutrition_pro();
    report.model.name = "\u{1}tmc-table-0\u{1}".into();
    let page =
        "Name: {{ model.name }}\n{% for flow in flows %}{{ flow.threats.table }}{% endfor %}\
                {% for element in elements %}{{ element.threats.table }}{% endfor %}\
                {% if manual.count > 0 %}{{ manual.table }}{% endif %}";
    let templates =
        Templates::with_overrides(vec![("threat-model.md.tera".into(), page.into())]).unwrap();
    let md = report::markdown(&report, &templates, None).unwrap();
    assert!(md.starts_with("Name: \u{1}tmc-table-0\u{1}\n"), "{md}");
    let honest = nutrition_pro();
    let expected = report::markdown(&honest, &templates, None).unwrap();
    let md = md.replacen("\u{1}tmc-table-0\u{1}", &honest.model.name, 1);
    assert_eq!(md, expected);
}

/// Reports that take every branch of `threat-model.md.tera`: empty and missing fields, one
/// threat and many, other threats, lapsed and standing acceptances, a table of contents, and
/// diagrams per boundary with one too large for Mermaid.
fn every_page_shape() -> Vec<Report> {
    let mut bare = nutrition_pro();
    bare.model.description = None;
    bare.model.version = Some(String::new());
    bare.model.owner = None;
    bare.threats.clear();
    bare.rules.clear();
    bare.data.clear();
    for e in &mut bare.elements {
        e.technology = Some(String::new());
    }
    for f in &mut bare.flows {
        f.label = Some(String::new());
        f.protocol = None;
        f.crosses_boundary = false;
    }

    let mut single = nutrition_pro();
    single
        .threats
        .retain(|t| t.severity >= Level::High && t.rule.is_some());
    single.threats.truncate(1);
    for t in &mut single.threats {
        t.status = Status::Open;
        t.decision = None;
    }
    // A threat with nothing to tell beyond its text: no mitigations, reasons or references.
    let mut plain = single.threats[0].clone();
    plain.id = "plain".into();
    plain.rule = None;
    plain.flow = None;
    plain.mitigations = std::sync::Arc::<[std::sync::Arc<str>]>::from(Vec::new()).into();
    plain.severity_reasons = Vec::new().into();
    plain.references = Vec::new().into();
    plain.severity = Level::Low;
    single.threats.push(plain);

    let mut other = nutrition_pro();
    other.threats[0].flow = Some("nowhere>gone".into());
    other.threats[1].element = Some("ghost".into());
    other.threats[1].flow = None;
    other.model.version = None;
    for e in &mut other.elements {
        e.technology = Some(format!("Go \"{}\"\nGin", e.id));
    }
    other.model.owner = Some(String::new());

    let mut lone = large(3, 10);
    // One zone far over Mermaid's limit next to two that fit.
    for e in lone
        .elements
        .iter_mut()
        .filter(|e| e.id.starts_with("svc_0_"))
    {
        e.name = "x".repeat(6000);
    }
    lone.elements[0].name = String::new();
    // Elements outside every zone, drawn in a diagram of their own.
    add_outsiders(&mut lone);
    let mut listed = large(2, 12);
    listed.threats[0].flow = Some("nowhere>gone".into());

    let mut flowless = nutrition_pro();
    flowless.flows.clear();

    // Boundaries with nothing in them (Graphviz leaves out an empty cluster).
    let mut hollow = nutrition_pro();
    hollow.elements.retain(|e| e.kind == ElementKind::Boundary);
    hollow.flows.clear();
    hollow.threats.clear();

    let mut empty = nutrition_pro();
    empty.elements.clear();
    empty.flows.clear();
    empty.threats.clear();

    vec![
        nutrition_pro(),
        hostile(),
        bare,
        flowless,
        hollow,
        empty,
        single,
        other,
        listed,
        large(40, 100),
        lone,
    ]
}

#[test]
fn the_embedded_templates_and_their_fast_paths_agree() {
    // Without an override, the page and its tables are written by Rust code that must match
    // the templates byte for byte. Tera renders them when they are given as overrides.
    let page = include_str!("../../src/report/templates/threat-model.md.tera");
    let table = include_str!("../../src/report/templates/threat-table.md.tera");
    let by_tera = |names: &[(&str, &str)]| {
        Templates::with_overrides(
            names
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string()))
                .collect(),
        )
        .unwrap()
    };
    let tera_page = by_tera(&[("threat-model.md.tera", page)]);
    let tera_table = by_tera(&[("threat-table.md.tera", table)]);
    let tera_both = by_tera(&[
        ("threat-model.md.tera", page),
        ("threat-table.md.tera", table),
    ]);
    let shapes = every_page_shape();
    let pages: Vec<String> = shapes
        .iter()
        .map(|report| report::markdown(report, &templates(), None).unwrap())
        .collect();
    let all = pages.concat();
    for branch in [
        "\n- [Other threats](#other-threats)\n",
        "is larger than Mermaid draws (at most 50,000 characters and 500 arrows); see the \
         Graphviz diagram, dfd.dot (tmc build --emit dot), or draw one boundary with tmc build \
         --diagram-scope.",
        "The model declares no data flows.",
        "The model declares no elements to draw.",
        "### Trust boundary: Zone 1\n",
        "### Outside every trust boundary\n",
        " 1 open threat is high or critical.",
        "No threats were found on elements alone.",
        "No rule fired.",
        "**Lapsed**",
        "In force",
        "\nHand-written threats on this element: `",
        "\nHand-written threats on this flow: `",
        ")\n\nNo threats were found for this element.\n",
    ] {
        assert!(all.contains(branch), "no report shows {branch:?}");
    }
    for (i, (report, fast)) in shapes.iter().zip(pages).enumerate() {
        for slow in [&tera_page, &tera_table, &tera_both] {
            let slow = report::markdown(report, slow, None).unwrap();
            if slow != fast {
                let diff = similar::TextDiff::from_lines(&slow, &fast);
                panic!(
                    "report {i}: Tera (-) and the fast path (+) differ:\n{}",
                    diff.unified_diff().context_radius(2)
                );
            }
        }
    }
}

#[test]
fn the_embedded_html_page_and_its_fast_rows_agree() {
    // Without an override, the page's threat rows are written by Rust code that must match the
    // template's loop exactly; Tera renders the whole page when it is given as an override.
    let tera = Templates::with_overrides(vec![(
        "threat-model.html.tera".into(),
        include_str!("../../src/report/templates/threat-model.html.tera").into(),
    )])
    .unwrap();
    let svg = "<svg width=\"1\"><text>drawn</text></svg>";
    let (mut rows, mut data) = (0, 0);
    for (i, report) in every_page_shape().iter().enumerate() {
        // As a table, and (with no threat listed as a row) as data.
        // Without a drawing, each reason the page can give.
        let too_large = report::NotDrawn::TooLarge {
            elements: 2001,
            limit: 2000,
        };
        let failed = report::NotDrawn::Failed {
            error: "`dot -Tsvg` failed: <trouble> & more",
        };
        let cases = [
            (None, report::NotDrawn::Unknown, usize::MAX),
            (Some(svg), report::NotDrawn::Unknown, usize::MAX),
            (None, report::NotDrawn::NoGraphviz, usize::MAX),
            (None, too_large, usize::MAX),
            (None, failed, 0),
        ];
        for (drawn, not_drawn, table_limit) in cases {
            let options = report::HtmlOptions {
                svg: drawn,
                not_drawn,
                scope: None,
                table_limit,
            };
            let fast = report::html(report, &templates(), &options).unwrap();
            let slow = report::html(report, &tera, &options).unwrap();
            if slow != fast {
                let diff = similar::TextDiff::from_lines(&slow, &fast);
                panic!(
                    "report {i}: Tera (-) and the fast rows (+) differ:\n{}",
                    diff.unified_diff().context_radius(2)
                );
            }
            rows += fast.matches("<tr id=\"threat-").count();
            data += fast
                .matches("<script type=\"application/json\" id=\"threat-data\">")
                .count();
        }
    }
    assert!(rows > 1000, "{rows} rows compared");
    assert!(data > 3, "{data} pages with data compared");
}

#[test]
fn the_embedded_diagram_template_and_its_fast_path_agree() {
    let tera = Templates::with_overrides(vec![(
        "dfd.dot.tera".into(),
        include_str!("../../src/report/templates/dfd.dot.tera").into(),
    )])
    .unwrap();
    let mut drawn = 0;
    for (i, report) in every_page_shape().iter().enumerate() {
        let boundaries = report
            .elements
            .iter()
            .filter(|e| e.kind == ElementKind::Boundary)
            .map(|e| Some(&*e.id));
        for scope in std::iter::once(None).chain(boundaries) {
            let fast = report::dot(report, &templates(), scope).unwrap();
            let slow = report::dot(report, &tera, scope).unwrap();
            if slow != fast {
                let diff = similar::TextDiff::from_lines(&slow, &fast);
                panic!(
                    "report {i}, scope {scope:?}: Tera (-) and the fast path (+) differ:\n{}",
                    diff.unified_diff().context_radius(2)
                );
            }
            drawn += 1;
        }
    }
    assert!(drawn > 50, "{drawn} diagrams");
}

// ------------------------------------------------------------------ large models

/// `boundaries` boundaries of `per` processes each, chained by flows, three threats per flow.
fn large(boundaries: usize, per: usize) -> Report {
    let mut report = nutrition_pro();
    report.elements.clear();
    report.flows.clear();
    report.threats.clear();
    let template = nutrition_pro().threats;
    let mut previous: Option<String> = None;
    for b in 0..boundaries {
        let boundary = format!("zone_{b}");
        report.elements.push(element(
            &boundary,
            &format!("Zone {b}"),
            ElementKind::Boundary,
            &[],
            1,
        ));
        for p in 0..per {
            let id = format!("svc_{b}_{p}");
            let kind = if p % 5 == 4 {
                ElementKind::Store
            } else {
                ElementKind::Process
            };
            report.elements.push(element(
                &id,
                &format!("Service {b}.{p}"),
                kind,
                &[&boundary],
                2,
            ));
            if let Some(prev) = previous.replace(id.clone()) {
                let number = report.flows.len() + 1;
                let f = flow(number, &prev, &id, Some("calls"), 3);
                for t in template.iter().take(3) {
                    let mut t = t.clone();
                    t.id = format!("{}@{}", t.rule.clone().unwrap_or_default(), f.id).into();
                    t.flow = Some(f.id.clone());
                    t.element = t.element.as_ref().map(|_| id.as_str().into());
                    report.threats.push(t);
                }
                report.flows.push(f);
            }
        }
    }
    report
}

/// Mermaid (and GitHub) refuses a flowchart of more than 500 arrows, however short: the whole
/// diagram is then drawn per top-level boundary, and a boundary over the limit gets a note.
#[test]
fn a_diagram_of_more_than_500_arrows_is_drawn_per_boundary() {
    let blocks = |report: &Report| {
        let md = report::markdown(report, &templates(), None).unwrap();
        let arrows: Vec<usize> = md
            .split("```mermaid\n")
            .skip(1)
            .map(|block| {
                block
                    .split("```")
                    .next()
                    .unwrap_or_default()
                    .matches("-->")
                    .count()
            })
            .collect();
        (
            arrows,
            md.contains("at most 50,000 characters and 500 arrows"),
        )
    };
    // A chain of N services has N - 1 flows.
    assert_eq!(blocks(&large(1, 501)), (vec![500], false));
    assert_eq!(blocks(&large(1, 502)), (vec![], true));
    let (arrows, noted) = blocks(&large(2, 300));
    assert_eq!(arrows.len(), 2, "one block per boundary: {arrows:?}");
    assert!(arrows.iter().all(|&n| n <= 500) && !noted, "{arrows:?}");
}

/// Adds two elements outside every boundary to `report` (made by [`large`]), a flow between
/// them and one from them into `zone_1`; the number of the first flow.
fn add_outsiders(report: &mut Report) -> usize {
    report.elements.extend([
        element("drifter", "Drifter", ElementKind::External, &[], 4),
        element("hermit", "Hermit", ElementKind::Actor, &[], 5),
    ]);
    let number = report.flows.len() + 1;
    report.flows.extend([
        flow(number, "drifter", "hermit", Some("waves"), 6),
        flow(number + 1, "drifter", "svc_1_0", None, 7),
    ]);
    number
}

/// Drawn per boundary, the elements outside every boundary get a diagram of their own with
/// the flows that touch them: none of the boundaries' diagrams holds a flow between two of
/// them.
#[test]
fn a_diagram_drawn_per_boundary_keeps_the_elements_outside_every_boundary() {
    let mut report = large(2, 300);
    let number = add_outsiders(&mut report);
    let md = report::markdown(&report, &templates(), None).unwrap();
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings.get(..3),
        Some(
            &[
                "### Trust boundary: Zone 0",
                "### Trust boundary: Zone 1",
                "### Outside every trust boundary"
            ][..]
        ),
        "{headings:?}"
    );
    let outside = md
        .split("### Outside every trust boundary\n\n```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_default();
    assert!(
        outside.contains("[\"Drifter\"]")
            && outside.contains("[\"Hermit\"]")
            && outside.contains("\"Service 1.0\"")
            && outside.contains(&format!("\"{number}. waves\""))
            && outside.matches("-->").count() == 2,
        "{outside}"
    );
    // Every element in one boundary: no such diagram.
    let md = report::markdown(&large(2, 300), &templates(), None).unwrap();
    assert!(!md.contains("Outside every trust boundary"));
}

/// `--diagram-scope` draws the Markdown's diagram of that boundary alone; the report's threats
/// and flows still cover the whole model.
#[test]
fn a_scoped_markdown_report_draws_one_boundary() {
    let report = large(3, 10);
    let whole = report::markdown(&report, &templates(), None).unwrap();
    let scoped = report::markdown(&report, &templates(), Some("zone_1")).unwrap();
    let diagram = |md: &str| {
        let start = md.find("```mermaid\n").unwrap_or_default();
        let end = md[start + 3..].find("```").unwrap_or_default() + start + 3;
        md[start..end].to_string()
    };
    assert_eq!(diagram(&whole).matches("subgraph").count(), 3);
    let drawn = diagram(&scoped);
    assert_eq!(drawn.matches("subgraph").count(), 1, "{drawn}");
    assert!(
        drawn.contains("[\"Zone 1\"]") && !drawn.contains("Zone 0"),
        "{drawn}"
    );
    let after = |md: &str| md[md.find("## Data flows").unwrap_or_default()..].to_string();
    assert_eq!(after(&whole), after(&scoped));
    let error = report::markdown(&report, &templates(), Some("zone_9")).unwrap_err();
    assert!(error.to_string().contains("zone_9"), "{error}");
}

#[test]
fn large_models_get_a_table_of_contents() {
    let md = report::markdown(&large(2, 12), &templates(), None).unwrap();
    assert!(md.contains("## Contents\n"));
    assert!(
        !md.contains("[Other threats]"),
        "only listed when there are such threats"
    );
    assert!(md.contains("  - [Data flow 21: Service 1.8 -> Service 1.9](#flow-21)\n"));
    assert!(md.contains("<a id=\"flow-21\"></a>\n\n### Data flow 21: Service 1.8 -> Service 1.9\n"));
    assert_tables_are_rectangular(&md);
}

#[test]
fn large_models_draw_one_mermaid_diagram_per_boundary() {
    // Speed is measured in benches/, not here; this checks the fallback for diagrams over
    // Mermaid's size limit.
    let big = large(40, 100);
    let md = report::markdown(&big, &templates(), None).unwrap();
    assert!(md.contains("### Trust boundary: Zone 0\n"));
    assert_tables_are_rectangular(&md);
}

// ------------------------------------------------------------------ streamed Markdown

/// The page is rendered with a marker per table and each table written in at its marker; a
/// user's template may show the tables in any order, or twice, and still gets them.
#[test]
fn a_page_template_may_reorder_and_repeat_the_tables() {
    let page =
        "{% for flow in flows | reverse %}## {{ flow.id }}\n{{ flow.threats.table }}{% endfor %}\
                ## again\n{{ flows.0.threats.table }}";
    let templates =
        Templates::with_overrides(vec![("threat-model.md.tera".into(), page.into())]).unwrap();
    let report = nutrition_pro();
    let text = report::markdown(&report, &templates, None).unwrap();
    assert!(!text.contains('\u{1}'), "a marker was left in:\n{text}");
    let mut sections = 0;
    for section in text.split("## ").skip(1) {
        let (flow, table) = section.split_once('\n').unwrap();
        let rows: Vec<&str> = table.lines().filter(|l| l.contains("| `")).collect();
        let flow = if flow == "again" {
            &report.flows[0].id
        } else {
            flow
        };
        let expected = report
            .threats
            .iter()
            .filter(|t| t.flow.as_deref() == Some(flow) && t.rule.is_some())
            .count();
        assert_eq!(rows.len(), expected, "flow {flow}:\n{table}");
        for row in rows {
            assert!(row.contains(&format!("@{flow}`")), "flow {flow}: {row}");
        }
        sections += 1;
    }
    assert_eq!(sections, report.flows.len() + 1);
}

/// Streaming writes the same bytes as rendering to a string, with the embedded templates and
/// with an overridden table template.
#[test]
fn markdown_to_a_writer_is_markdown() {
    let report = nutrition_pro();
    let table = "{% for t in rows %}{{ t.number }}. {{ t.title | md }}\n{% endfor %}";
    let overridden =
        Templates::with_overrides(vec![("threat-table.md.tera".into(), table.into())]).unwrap();
    for templates in [templates(), overridden] {
        let mut streamed = Vec::new();
        report::markdown_to(&report, &templates, None, &mut streamed).unwrap();
        let text = report::markdown(&report, &templates, None).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), text);
        assert!(!text.contains('\u{1}'));
    }
}
