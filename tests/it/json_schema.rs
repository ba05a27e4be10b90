//! docs/threats.schema.json says what threats.json holds: checked against real output with a
//! small validator (the keywords the schema uses: $ref, type, enum, properties, required,
//! additionalProperties, items, oneOf, minimum).

use crate::rules::compile_text;
use serde_json::Value;

fn validate(value: &Value, schema: &Value, root: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/$defs/");
        validate(value, &root["$defs"][name], root, at, errors);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let passing = options
            .iter()
            .filter(|option| {
                let mut inner = Vec::new();
                validate(value, option, root, at, &mut inner);
                inner.is_empty()
            })
            .count();
        if passing != 1 {
            errors.push(format!("{at}: {passing} of oneOf match"));
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            errors.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !types.contains(&actual) {
            errors.push(format!("{at}: {actual}, expected {types:?}"));
        }
    }
    if let (Some(minimum), Some(n)) = (schema["minimum"].as_i64(), value.as_i64()) {
        if n < minimum {
            errors.push(format!("{at}: {n} < {minimum}"));
        }
    }
    if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
        for (i, item) in values.iter().enumerate() {
            validate(item, items, root, &format!("{at}[{i}]"), errors);
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        for key in schema["required"].as_array().into_iter().flatten() {
            if let Some(key) = key.as_str() {
                if !object.contains_key(key) {
                    errors.push(format!("{at}: missing {key}"));
                }
            }
        }
        for (key, item) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => validate(item, property, root, &format!("{at}.{key}"), errors),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    errors.push(format!("{at}: unexpected {key}"));
                }
                None => {}
            }
        }
    }
}

#[test]
fn threats_json_follows_its_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("docs/threats.schema.json").unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let compilation = compile_text(
        r#"
model "M" { owner "me" }
data secrets "Secrets" { classification restricted }
boundary cloud "Cloud" {
  process api "API" { tier 2; zones [a, b] }
  store db "DB" { stores [secrets] }
}
actor user "User"
user -> api "Calls" { protocol "HTTPS" }
api <-> db { data [secrets] }
rule r.target { category spoofing; on target; title "Spoof {{ target.name }}" }
rule r.element { category tampering; on element store; title "Tamper"; severity low }
threat t "Hand-written" { on api; category repudiation }
accept "r.target@user>api" { reason "ok"; until "2020-01-01" }
mitigate "t" { by "logs" }
"#,
    );
    let report = match &compilation.report {
        Some(report) => report,
        None => panic!("{:?}", compilation.diagnostics),
    };
    let value = serde_json::to_value(report).unwrap_or_else(|e| panic!("{e}"));
    let mut errors = Vec::new();
    validate(&value, &schema, &schema, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator itself notices a mistake.
    let mut broken = value.clone();
    broken["threats"][0]["severity"] = Value::String("extreme".into());
    broken["flows"][0]["extra"] = Value::Null;
    let mut errors = Vec::new();
    validate(&broken, &schema, &schema, "$", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:#?}");
}
