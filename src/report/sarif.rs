//! Stage: report → `sarif`. `threats.sarif`: open threats as SARIF 2.1.0 results, for GitHub code
//! scanning and other static-analysis dashboards.
//!
//! Input: a [`Report`]. Output: JSON ending in a newline, indented, with one line per rule and
//! per result ([`super::json_format`]).
//! Invariants: one run; `tool.driver.rules` holds every rule that fired (in the report's order),
//! then `tmc.manual` when an open hand-written threat needs it; one result per open threat, in the
//! report's order, located at the declaration the threat is about, with the stable threat id as
//! its partial fingerprint. Columns are declared as Unicode code points (`columnKind`).

use super::shared::{PerList, PerLiteral};
use super::view::{MitigationList, Report, RuleView, ThreatView};
use super::{escape, RenderError};
use crate::vocab::{Level, Status};
use crate::Map;
use serde::Serialize;
use serde_json::{json, Value};

/// The rule id of hand-written threats, which no rule produced.
pub const MANUAL_RULE: &str = "tmc.manual";
/// The key of the stable threat id in `partialFingerprints`.
pub const FINGERPRINT: &str = "tmcThreatId/v1";
/// The most results GitHub code scanning takes in one run of an upload: it rejects a log with
/// more (and of those it takes, stores the 5,000 most severe). GitHub's "SARIF results exceed
/// limits" page lists the limits.
pub const CODE_SCANNING_MOST_RESULTS: usize = 25_000;

/// Whether `threat` is a result: open threats are findings, decided ones are not.
fn listed(threat: &ThreatView) -> bool {
    threat.status == Status::Open
}

/// How many results `threats.sarif` lists for `report`.
pub fn result_count(report: &Report) -> usize {
    report.threats.iter().filter(|t| listed(t)).count()
}

/// Renders `threats.sarif`.
pub fn sarif(report: &Report) -> Result<String, RenderError> {
    let mut out = Vec::new();
    sarif_to(report, &mut out)?;
    String::from_utf8(out).map_err(|e| RenderError::Io(std::io::Error::other(e)))
}

/// Writes `threats.sarif` to `out`: the bytes [`sarif`] returns, with each result made as it
/// is written rather than all held at once. Give it a buffered writer.
pub fn sarif_to(report: &Report, out: &mut dyn std::io::Write) -> Result<(), RenderError> {
    let (rules, rule_index) = descriptors(report);
    // Everything but the results through `Serialize`, with no results: the text ends with the
    // empty list, and the results are written into it directly (they are most of the file).
    let log = log(rules, [(); 0]);
    let mut text = Vec::new();
    // `runs` is one array deep, `rules` and `results` two.
    super::json_format::to_writer(&mut text, &log, 2).map_err(std::io::Error::from)?;
    let (Some(head), Some(tail)) = (
        text.strip_suffix(EMPTY_RESULTS_TO_END),
        EMPTY_RESULTS_TO_END.strip_prefix(b"[]"),
    ) else {
        return Err(RenderError::Io(std::io::Error::other(
            "the SARIF log does not end with its results",
        )));
    };
    out.write_all(head)?;
    let uris = artifact_uris(report);
    let mut lines = Vec::with_capacity(FLUSH_AT + FLUSH_AT / 4);
    lines.push(b'[');
    let mut any = false;
    let (mut lists, mut literals) = (PerList::default(), PerLiteral::default());
    for result in results(report, &rule_index, &uris) {
        lines.extend_from_slice(if any { b",\n        " } else { b"\n        " });
        any = true;
        write_result(&mut lines, &result, &mut lists, &mut literals);
        if lines.len() >= FLUSH_AT {
            out.write_all(&lines)?;
            lines.clear();
        }
    }
    if any {
        lines.extend_from_slice(b"\n      ");
    }
    lines.push(b']');
    lines.extend_from_slice(tail);
    lines.push(b'\n');
    out.write_all(&lines)?;
    Ok(())
}

/// The log around `results`.
fn log<R: Serialize>(rules: Vec<Value>, results: R) -> Log<R> {
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: driver(rules),
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

/// The rule descriptors, and each rule id's index among them.
fn descriptors(report: &Report) -> (Vec<Value>, Map<&str, usize>) {
    // The worst severity each rule produced sets its default level and security-severity.
    let mut worst: Map<&str, Level> = Map::default();
    let mut manual_open = false;
    for threat in &report.threats {
        let rule = threat.rule.as_deref().unwrap_or(MANUAL_RULE);
        let slot = worst.entry(rule).or_insert(threat.severity);
        *slot = (*slot).max(threat.severity);
        manual_open |= threat.rule.is_none() && listed(threat);
    }

    let mut rules: Vec<Value> = report
        .rules
        .iter()
        .map(|rule| rule_descriptor(rule, worst.get(rule.id.as_str())))
        .collect();
    let mut rule_index: Map<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    if manual_open {
        rule_index.insert(MANUAL_RULE, rules.len());
        rules.push(manual_descriptor(worst.get(MANUAL_RULE)));
    }
    (rules, rule_index)
}

/// How the log serialized with no results ends: `results` is the last field of its one run.
const EMPTY_RESULTS_TO_END: &[u8] = b"[]\n    }\n  ]\n}";
/// The results are handed to the writer once this much is written.
const FLUSH_AT: usize = 1 << 20;

/// Each file's URI, made once: the threats are in a few files.
fn artifact_uris(report: &Report) -> Map<&str, (String, bool)> {
    let mut uris: Map<&str, (String, bool)> = Map::default();
    for threat in report.threats.iter().filter(|t| listed(t)) {
        let file = &*threat.source_span.file;
        if !uris.contains_key(file) {
            uris.insert(file, artifact_uri(file));
        }
    }
    uris
}

/// The results, one per open threat, in the report's order, made one at a time.
fn results<'a>(
    report: &'a Report,
    rule_index: &'a Map<&'a str, usize>,
    uris: &'a Map<&'a str, (String, bool)>,
) -> impl Iterator<Item = SarifResult<'a>> + 'a {
    // Neighbouring threats mostly share their file and often their rule (each an `Arc`
    // shared by many threats): look each up only when it changes.
    let mut last_file: Option<(*const u8, (&str, bool))> = None;
    let mut last_rule: Option<(*const u8, Option<usize>, bool)> = None;
    let in_help: Vec<bool> = (report.rules.iter())
        .map(|rule| mitigations_read_as_written(&rule.mitigations))
        .collect();
    let open = report.threats.iter().filter(|t| listed(t));
    open.map(move |threat| {
        let file = &threat.source_span.file;
        let artifact = match last_file {
            Some((seen, artifact)) if seen == file.as_ptr() => artifact,
            _ => {
                let artifact = uris
                    .get(&**file)
                    .map_or(("", false), |(uri, relative)| (uri.as_str(), *relative));
                last_file = Some((file.as_ptr(), artifact));
                artifact
            }
        };
        let rule = threat.rule.as_deref().unwrap_or(MANUAL_RULE);
        let (rule_index, mitigations_in_help) = match last_rule {
            Some((seen, index, in_help)) if seen == rule.as_ptr() => (index, in_help),
            _ => {
                let index = rule_index.get(rule).copied();
                let in_help = index.and_then(|i| in_help.get(i)) == Some(&true);
                last_rule = Some((rule.as_ptr(), index, in_help));
                (index, in_help)
            }
        };
        result(threat, rule, rule_index, artifact, mitigations_in_help)
    })
}

/// One result's line: what `SarifResult`'s `Serialize` gives in a record, written directly.
fn write_result(
    out: &mut Vec<u8>,
    result: &SarifResult<'_>,
    lists: &mut PerList<Vec<u8>>,
    literals: &mut PerLiteral<Vec<u8>>,
) {
    let string = |out: &mut Vec<u8>, text: &str| {
        out.push(b'"');
        escape::json_into(out, text);
        out.push(b'"');
    };
    let mut number = itoa::Buffer::new();
    out.extend_from_slice(b"{\"ruleId\":");
    string(out, result.rule_id);
    if let Some(index) = result.rule_index {
        out.extend_from_slice(b",\"ruleIndex\":");
        out.extend_from_slice(number.format(index).as_bytes());
    }
    out.extend_from_slice(b",\"level\":");
    escape::json_word_into(out, result.level);
    out.extend_from_slice(b",\"message\":{\"text\":\"");
    result.message.text.write_escaped(out, lists, literals);
    out.extend_from_slice(
        b"\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":",
    );
    let [location] = &result.locations;
    let physical = &location.physical_location;
    string(out, physical.artifact_location.uri);
    if let Some(base) = physical.artifact_location.uri_base_id {
        out.extend_from_slice(b",\"uriBaseId\":");
        string(out, base);
    }
    let region = &physical.region;
    for (key, value) in [
        (&b"},\"region\":{\"startLine\":"[..], region.start_line),
        (b",\"startColumn\":", region.start_column),
        (b",\"endLine\":", region.end_line),
        (b",\"endColumn\":", region.end_column),
    ] {
        out.extend_from_slice(key);
        out.extend_from_slice(number.format(value).as_bytes());
    }
    out.extend_from_slice(b"}}}],\"partialFingerprints\":{\"tmcThreatId/v1\":");
    string(out, result.partial_fingerprints.threat_id);
    let properties = &result.properties;
    out.extend_from_slice(b"},\"properties\":{\"security-severity\":");
    escape::json_word_into(out, properties.security_severity);
    out.extend_from_slice(b",\"category\":");
    escape::json_word_into(out, properties.category);
    out.extend_from_slice(b",\"likelihood\":");
    escape::json_word_into(out, properties.likelihood);
    out.extend_from_slice(b",\"impact\":");
    escape::json_word_into(out, properties.impact);
    out.extend_from_slice(b",\"severityReasons\":[");
    for (i, reason) in properties.severity_reasons.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, reason);
    }
    out.extend_from_slice(b"]}}");
}

/// `tool.driver`; `informationUri` is the crate's `repository`, when Cargo.toml names one.
fn driver(rules: Vec<Value>) -> Value {
    let mut driver = serde_json::Map::new();
    driver.insert("name".into(), Value::from("tmc"));
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        driver.insert("informationUri".into(), Value::from(repository));
    }
    driver.insert("version".into(), Value::from(env!("CARGO_PKG_VERSION")));
    driver.insert("rules".into(), Value::from(rules));
    Value::Object(driver)
}

/// SARIF `level`: critical and high are errors, medium a warning, low a note.
fn level(severity: Level) -> &'static str {
    match severity {
        Level::Critical | Level::High => "error",
        Level::Medium => "warning",
        Level::Low => "note",
    }
}

/// GitHub's `security-severity` score for a severity (its bands: ≥9 critical, ≥7 high, ≥4 medium).
fn security_severity(severity: Level) -> &'static str {
    match severity {
        Level::Critical => "9.0",
        Level::High => "7.0",
        Level::Medium => "5.0",
        Level::Low => "2.0",
    }
}

fn rule_descriptor(rule: &RuleView, worst: Option<&Level>) -> Value {
    let title = humanize(&rule.title);
    let explanation = humanize(&rule.explanation);
    let mitigations: Vec<String> = rule.mitigations.iter().map(|m| humanize(m)).collect();
    let category = rule.category.display();

    // help.markdown is rendered by code scanning: rule text (a user's rule file may hold
    // anything) goes through the Markdown escaper there.
    let md = escape::md;
    let mut text = format!("{title}\n");
    let mut markdown = format!("**{}**\n", md(&title));
    if !explanation.is_empty() {
        text.push_str(&format!("\n{explanation}\n"));
        markdown.push_str(&format!("\n{}\n", md(&explanation)));
    }
    if !mitigations.is_empty() {
        text.push_str("\nMitigations:\n");
        markdown.push_str("\n**Mitigations**\n\n");
        for m in &mitigations {
            text.push_str(&format!("- {m}\n"));
            markdown.push_str(&format!("- {}\n", md(m)));
        }
    }
    let facts = format!(
        "STRIDE category: {category}. Applies to: {}. Pack: {}.",
        rule.applies_to, rule.pack
    );
    text.push_str(&format!("\n{facts}\n"));
    markdown.push_str(&format!("\n{}\n", md(&facts)));
    if !rule.references.is_empty() {
        text.push_str(&format!("References: {}.\n", rule.references.join(", ")));
        let links: Vec<String> = rule.references.iter().map(|r| reference_link(r)).collect();
        markdown.push_str(&format!("\n**References:** {}\n", links.join(", ")));
    }

    let mut tags = vec![Value::from("security"), Value::from(category)];
    tags.extend(
        rule.references
            .iter()
            .filter_map(|r| cwe_number(r))
            .map(|n| Value::from(format!("external/cwe/cwe-{n}"))),
    );
    let severity = worst.copied().unwrap_or(Level::Medium);
    json!({
        "id": rule.id,
        "name": pascal_case(&rule.id),
        "shortDescription": { "text": first_line(&title) },
        "fullDescription": { "text": if explanation.is_empty() { title.clone() } else { explanation.clone() } },
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(severity),
        },
    })
}

fn manual_descriptor(worst: Option<&Level>) -> Value {
    let severity = worst.copied().unwrap_or(Level::Medium);
    let text = "A threat written by hand in the model (a `threat` declaration). Its own id, \
                explanation and mitigations are in the result message and in the Markdown threat model.";
    json!({
        "id": MANUAL_RULE,
        "name": "HandWrittenThreat",
        "shortDescription": { "text": "Threat written by hand in the model" },
        "fullDescription": { "text": text },
        "help": { "text": text, "markdown": text },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "tags": ["security"],
            "security-severity": security_severity(severity),
        },
    })
}

/// Whether a rule's mitigation templates have no holes, so that its help lists the very text
/// each of its threats gets: its results' messages then leave the mitigations out.
fn mitigations_read_as_written(templates: &[String]) -> bool {
    templates
        .iter()
        .all(|template| humanize(template) == *template)
}

fn result<'a>(
    threat: &'a ThreatView,
    rule: &'a str,
    rule_index: Option<usize>,
    (uri, relative): (&'a str, bool),
    mitigations_in_help: bool,
) -> SarifResult<'a> {
    let span = &threat.source_span;
    let start_line = span.line.max(1);
    let start_column = span.column.max(1);
    let end_line = span.end_line.max(start_line);
    let end_column = if end_line == start_line {
        span.end_column.max(start_column)
    } else {
        span.end_column.max(1)
    };
    SarifResult {
        rule_id: rule,
        rule_index,
        level: level(threat.severity),
        message: Message {
            text: MessageText {
                threat,
                mitigations: !mitigations_in_help,
            },
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri,
                    uri_base_id: relative.then_some("%SRCROOT%"),
                },
                region: Region {
                    start_line,
                    start_column,
                    end_line,
                    end_column,
                },
            },
        }],
        partial_fingerprints: Fingerprints {
            threat_id: &threat.id,
        },
        properties: ResultProperties {
            security_severity: security_severity(threat.severity),
            category: threat.category.word(),
            likelihood: threat.likelihood.word(),
            impact: threat.impact.word(),
            severity_reasons: &threat.severity_reasons,
        },
    }
}

// Results are the bulk of a SARIF file: typed, so they serialize without a `Value` tree.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Message<'a>,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints<'a>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Message<'a> {
    text: MessageText<'a>,
}

/// A result's message: `TITLE (SEVERITY severity, CATEGORY). EXPLANATION Mitigations: A; B.
/// Threat id: ID.` Serialized as a string written piece by piece (`collect_str`), without
/// putting it together first.
///
/// The mitigations are left out when the rule's help lists them word for word (its templates
/// have no holes): SARIF keeps what all of a rule's results share in the rule, and code
/// scanning shows the rule's help with each alert. They were an eighth of a large log.
struct MessageText<'a> {
    threat: &'a ThreatView,
    mitigations: bool,
}

impl std::fmt::Display for MessageText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let threat = self.threat;
        write!(
            f,
            "{} ({} severity, {}).",
            threat.title,
            threat.severity.display(),
            threat.category.display()
        )?;
        let mut scratch = String::new();
        let explanation = threat.explanation.as_str(&mut scratch);
        if !explanation.is_empty() {
            write!(f, " {explanation}")?;
        }
        let mut rendered = Vec::new();
        let mitigations = if self.mitigations {
            threat.mitigations.as_list(&mut rendered)
        } else {
            MitigationList::Rendered(&[])
        };
        for (i, mitigation) in mitigations.iter().enumerate() {
            f.write_str(if i == 0 { " Mitigations: " } else { "; " })?;
            f.write_str(mitigation)?;
        }
        if !mitigations.is_empty() {
            f.write_str(".")?;
        }
        write!(f, " Threat id: {}.", threat.id)
    }
}

impl MessageText<'_> {
    /// The text escaped for inside a JSON string, each piece as it is written: the bytes its
    /// `Serialize` gives between the quotes.
    fn write_escaped(
        &self,
        out: &mut Vec<u8>,
        lists: &mut PerList<Vec<u8>>,
        literals: &mut PerLiteral<Vec<u8>>,
    ) {
        let threat = self.threat;
        let piece = |out: &mut Vec<u8>, text: &str| escape::json_into(out, text);
        literals.json_into(out, &threat.title);
        piece(out, " (");
        piece(out, threat.severity.display());
        piece(out, " severity, ");
        piece(out, threat.category.display());
        piece(out, ").");
        // " EXPLANATION", or nothing when it is empty.
        let before = out.len();
        piece(out, " ");
        let opened = out.len();
        literals.json_into(out, &threat.explanation);
        if out.len() == opened {
            out.truncate(before);
        }
        let mitigations = |out: &mut Vec<u8>, list: &MitigationList<'_>| {
            for (i, mitigation) in list.iter().enumerate() {
                piece(out, if i == 0 { " Mitigations: " } else { "; " });
                piece(out, mitigation);
            }
            if !list.is_empty() {
                piece(out, ".");
            }
        };
        if self.mitigations {
            lists.write(&threat.mitigations, out, mitigations);
        }
        piece(out, " Threat id: ");
        piece(out, &threat.id);
        piece(out, ".");
    }
}

impl Serialize for MessageText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "tmcThreatId/v1")]
    threat_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    category: &'static str,
    likelihood: &'static str,
    impact: &'static str,
    severity_reasons: &'a [String],
}

#[derive(Serialize)]
struct Log<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R> {
    tool: Tool,
    column_kind: &'static str,
    results: R,
}

#[derive(Serialize)]
struct Tool {
    driver: Value,
}

/// The file as a URI reference: `/` separators, `./` dropped, reserved bytes percent-encoded;
/// relative paths stay relative (to `%SRCROOT%`), absolute ones become `file:` URIs.
fn artifact_uri(file: &str) -> (String, bool) {
    let path = file.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    // `C:/x` (a Windows path, its `\\` made `/`); `c:model.tm` is a relative file name.
    let drive = path.as_bytes().get(1..3) == Some(b":/")
        && path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    let encoded = percent_encode(path);
    if path.starts_with('/') {
        (format!("file://{encoded}"), false)
    } else if drive {
        (format!("file:///{encoded}"), false)
    } else {
        // A `:` in a relative reference would read as a scheme (`team:a.tm`): encoded.
        (encoded.replace(':', "%3A"), true)
    }
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'!'
            | b'$'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b'='
            | b'&'
            | b';' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Rule text templates shown as prose: `{{ target.name }}` → "the target".
fn humanize(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest.get(start..).and_then(|s| s.find("}}")) else {
            break;
        };
        out.push_str(rest.get(..start).unwrap_or_default());
        let expr = rest.get(start + 2..start + len).unwrap_or_default().trim();
        let mut parts = expr.split('.');
        let root = parts.next().unwrap_or_default();
        let field = parts.next().unwrap_or_default();
        rest = rest.get(start + len + 2..).unwrap_or_default();
        let field = field.replace('_', " ");
        match field.as_str() {
            // "Data flow {{ flow.number }} is …": "Data flow N is …"; "{{ element.inbound }}
            // inbound flow(s)": "N inbound flows".
            "number" | "inbound" | "outbound" => {
                out.push('N');
                if let Some(at) = crate::rules::template::counted_noun(rest) {
                    out.push_str(rest.get(..at).unwrap_or_default());
                    out.push('s');
                    rest = rest.get(at + 3..).unwrap_or_default();
                }
            }
            "name" | "id" | "" => out.push_str(&format!("the {root}")),
            // "{{ element.technology }} technology": the word that follows already names it.
            _ if named_next(rest, &field) => out.push_str(&format!("the {root}'s")),
            _ => out.push_str(&format!("the {root}'s {field}")),
        }
    }
    out.push_str(rest);
    // A template that opens with `{{ target.name }}` still reads as a sentence.
    match out.strip_prefix("the ") {
        Some(rest) if template.trim_start().starts_with("{{") => format!("The {rest}"),
        _ => out,
    }
}

fn named_next(rest: &str, field: &str) -> bool {
    rest.strip_prefix(' ')
        .and_then(|next| next.strip_prefix(field))
        .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn cwe_number(reference: &str) -> Option<&str> {
    let number = reference.strip_prefix("CWE-")?;
    number
        .chars()
        .all(|c| c.is_ascii_digit())
        .then_some(number)
        .filter(|n| !n.is_empty())
}

fn reference_link(reference: &str) -> String {
    if let Some(n) = cwe_number(reference) {
        return format!("[{reference}](https://cwe.mitre.org/data/definitions/{n}.html)");
    }
    if let Some(n) = reference
        .strip_prefix("CAPEC-")
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        return format!("[{reference}](https://capec.mitre.org/data/definitions/{n}.html)");
    }
    escape::md(reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole log through `Serialize` in one piece: what [`sarif_to`] must equal.
    fn serialized(report: &Report) -> String {
        struct All<'a> {
            report: &'a Report,
            rule_index: &'a Map<&'a str, usize>,
            uris: &'a Map<&'a str, (String, bool)>,
        }
        impl Serialize for All<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(results(self.report, self.rule_index, self.uris))
            }
        }
        let (rules, rule_index) = descriptors(report);
        let uris = artifact_uris(report);
        let all = All {
            report,
            rule_index: &rule_index,
            uris: &uris,
        };
        let mut out = Vec::new();
        super::super::json_format::to_writer(&mut out, &log(rules, all), 2)
            .unwrap_or_else(|e| panic!("{e}"));
        out.push(b'\n');
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn the_direct_results_equal_the_serialized_log() {
        for report in crate::report::test_reports::reports() {
            let direct = sarif(&report).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(direct, serialized(&report), "{}", report.model.name);
        }
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_uri("./models/app.tm"),
            ("models/app.tm".into(), true)
        );
        assert_eq!(
            artifact_uri("models\\my app.tm"),
            ("models/my%20app.tm".into(), true)
        );
        assert_eq!(
            artifact_uri("/abs/a#b.tm"),
            ("file:///abs/a%23b.tm".into(), false)
        );
        assert_eq!(
            artifact_uri("C:\\x\\a.tm"),
            ("file:///C:/x/a.tm".into(), false)
        );
        assert_eq!(artifact_uri("é.tm"), ("%C3%A9.tm".into(), true));
        assert_eq!(artifact_uri("team:a.tm"), ("team%3Aa.tm".into(), true));
        assert_eq!(artifact_uri("c:model.tm"), ("c%3Amodel.tm".into(), true));
    }

    #[test]
    fn templates_read_as_prose() {
        assert_eq!(
            humanize("{{ target.name }} accepts requests from outside {{ target.boundary.name }}"),
            "The target accepts requests from outside the target's boundary"
        );
        assert_eq!(humanize("no {{ braces"), "no {{ braces");
        assert_eq!(
            humanize("{{ source.name }} takes {{ source.inbound }} inbound flow(s) on data flow {{ flow.number }}; {{ element.inbound }} inbounds, {{ element.max_classification }} data"),
            "The source takes N inbound flows on data flow N; N inbounds, the element's max classification data"
        );
        assert_eq!(
            humanize("({{ element.inbound }} flow(s) in and {{ element.outbound }} out) on {{ element.technology }} technology"),
            "(N flows in and N out) on the element's technology"
        );
    }

    #[test]
    fn names_and_references() {
        assert_eq!(
            pascal_case("spoofing.unauthenticated_source"),
            "SpoofingUnauthenticatedSource"
        );
        assert_eq!(cwe_number("CWE-287"), Some("287"));
        assert_eq!(cwe_number("CWE-"), None);
        assert_eq!(
            reference_link("CAPEC-151"),
            "[CAPEC-151](https://capec.mitre.org/data/definitions/151.html)"
        );
        assert_eq!(reference_link("OWASP LLM01"), "OWASP LLM01");
    }
}
