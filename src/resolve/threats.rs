//! Hand-written threats, decisions and rules: checked here, applied by the rules stage.

use super::collect::{declared_id, derived_from, duplicate, Decls};
use super::flows::NameIndex;
use super::props::{self, Props};
use crate::diagnostics::{codes, one_edit_apart, Diagnostic, Diagnostics};
use crate::model::{Decision, DecisionKind, ManualThreat, Model, RuleSource, Subject};
use crate::source::Span;
use crate::syntax::ast;
use crate::vocab::{Category, ElementKind, Level};
use crate::Map;

pub fn manual_threats(decls: &Decls, model: &mut Model, sink: &mut Diagnostics) {
    let names = NameIndex::default();
    let mut seen: Map<String, Span> = Map::default();
    for decl in &decls.threats {
        let (id, id_span) = declared_id(decl.id.as_ref(), decl.name.as_ref());
        if let Some(first) = seen.get(&id) {
            let derived = derived_from("threat", decl.id.as_ref(), decl.name.as_ref());
            sink.push(duplicate(&id, "threat", id_span, *first, derived));
            continue;
        }
        seen.insert(id.clone(), id_span);
        let p = Props::check_as(
            &decl.properties,
            props::THREAT,
            &format_args!("threat `{id}`"),
            props::Block::KeepsNothing,
            sink,
        );
        unread_threat_properties(decl, &id, sink);
        let category = p.word("category", Category::from_word, &Category::words(), sink);
        let severity = p.word("severity", Level::from_word, &Level::words(), sink);
        let likelihood = p.word("likelihood", Level::from_word, &Level::words(), sink);
        let impact = p.word("impact", Level::from_word, &Level::words(), sink);
        for key in ["mitigations", "references"] {
            for (_, span) in p
                .list(key)
                .iter()
                .filter(|(text, _)| text.trim().is_empty())
            {
                sink.push(props::empty_text(
                    key,
                    *span,
                    format!(
                        "remove the empty item, or write the {}",
                        key.trim_end_matches('s')
                    ),
                ));
            }
        }
        if p.get("category").is_none() {
            sink.push(missing(decl.span, &id, "category", "category tampering"));
        }
        let subject = match &decl.on {
            None => {
                sink.push(missing(
                    decl.span,
                    &id,
                    "on",
                    "on api_gateway` or `on client -> api",
                ));
                None
            }
            Some(ast::ThreatOn::Element(endpoint)) => {
                let found = names.lookup(model, endpoint, sink);
                let boundary = found
                    .and_then(|index| model.element(index))
                    .filter(|element| element.kind == ElementKind::Boundary);
                if let Some(boundary) = boundary {
                    sink.push(
                        Diagnostic::new(
                            codes::E0018,
                            endpoint.span(),
                            format!(
                                "`{}` is a trust boundary; threats are on elements and flows",
                                boundary.id
                            ),
                        )
                        .label("a boundary holds elements; it is not one")
                        .with_secondary(boundary.name_span, "declared as a boundary here")
                        .with_help("put the threat on the element or flow it is about"),
                    );
                    None
                } else {
                    found.map(Subject::Element)
                }
            }
            Some(ast::ThreatOn::Flow {
                source,
                target,
                span,
            }) => {
                let source = names.lookup(model, source, sink);
                let target = names.lookup(model, target, sink);
                match (source, target) {
                    (Some(source), Some(target)) => {
                        let flow = model
                            .flows
                            .iter()
                            .position(|f| f.source == source && f.target == target);
                        if flow.is_none() {
                            sink.push(
                                Diagnostic::new(codes::E0004, *span, "there is no such flow")
                                    .label("no flow goes this way")
                                    .with_help("declare the flow first, or name an element with `on ELEMENT`"),
                            );
                        }
                        flow.map(|f| Subject::Flow(crate::model::FlowIdx::new(f)))
                    }
                    _ => None,
                }
            }
        };
        let (Some(subject), Some(category)) = (subject, category) else {
            continue;
        };
        model.threats.push(ManualThreat {
            // A blank title counts as none, as a blank name does.
            title: (decl.name.as_ref())
                .map(|n| n.value.clone())
                .filter(|title| !title.trim().is_empty())
                .unwrap_or_else(|| id.clone()),
            id,
            subject,
            category,
            severity,
            likelihood,
            impact,
            explanation: p
                .text("explanation")
                .or_else(|| p.text("description"))
                .unwrap_or_default(),
            mitigations: p.words("mitigations"),
            references: p.words("references"),
            span: decl.span,
        });
    }
}

fn missing(span: Span, id: &str, key: &str, example: &str) -> Diagnostic {
    Diagnostic::new(codes::E0017, span, format!("threat `{id}` has no `{key}`"))
        .label(format!("`{key}` is required"))
        .with_help(format!("add `{example}`"))
}

/// True for a real calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    // Digits only: `u32::from_str` also takes a leading `+` ("2026-+9-30"), and dates are
    // compared as text, where `+` sorts before every digit.
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

pub fn decisions(decls: &Decls, model: &mut Model, sink: &mut Diagnostics) {
    for decl in &decls.decisions {
        let (kind, schema, text_key, what) = match decl.kind {
            ast::DecisionKind::Mitigate => {
                (DecisionKind::Mitigate, props::MITIGATE, "by", "mitigate")
            }
            ast::DecisionKind::Accept => (DecisionKind::Accept, props::ACCEPT, "reason", "accept"),
        };
        let p = Props::check_as(
            &decl.properties,
            schema,
            &format_args!("`{what}`"),
            props::Block::KeepsNothing,
            sink,
        );
        unread_properties(decl, schema, what, text_key, sink);
        let text = p.text(text_key);
        if text.as_deref().map_or(true, |t| t.trim().is_empty()) {
            sink.push(
                Diagnostic::new(
                    codes::E0017,
                    decl.span,
                    format!("`{what}` needs a `{text_key}`"),
                )
                .label(format!(
                    "says nothing about {}",
                    if kind == DecisionKind::Mitigate {
                        "how it is mitigated"
                    } else {
                        "why it is accepted"
                    }
                ))
                .with_help(format!(
                    "add `{text_key} \"...\"`: reviewers and auditors read it"
                )),
            );
        }
        let mut until = p.text("until");
        if let (DecisionKind::Mitigate, Some(span)) = (kind, p.span("until")) {
            // Checked and then ignored, it read as a mitigation that ends; none does.
            sink.push(
                Diagnostic::new(
                    codes::E0012,
                    span,
                    "`until` is for `accept`, not `mitigate`",
                )
                .label("a mitigation holds as long as its control does")
                .with_help("remove it; for a risk taken for a while, `accept` it with an `until`"),
            );
            until = None;
        }
        if let (Some(until), Some(span)) = (&until, p.span("until")) {
            if !is_date(until) {
                sink.push(
                    Diagnostic::new(codes::E0107, span, format!("`{until}` is not a date"))
                        .label("expected YYYY-MM-DD")
                        .with_help("write the date as `\"2027-06-30\"`"),
                );
            }
        }
        model.decisions.push(Decision {
            kind,
            pattern: decl.pattern.value.clone(),
            pattern_span: decl.pattern.span,
            text: text.unwrap_or_default(),
            until: until.filter(|u| is_date(u)),
            span: decl.span,
        });
    }
}

/// Keys an acceptance might be given for when it ends: it ends on its `until`.
const ENDING_WORDS: &[&str] = &[
    "expires",
    "expire",
    "expiry",
    "expiration",
    "expires_on",
    "expiry_date",
    "valid_until",
    "until_date",
    "due",
    "deadline",
    "end",
    "ends",
    "end_date",
    "review_by",
    "revisit",
];

/// W0011 for each key of a decision that it does not have: a decision keeps nothing else, so
/// `expires "2020-01-01"` on an acceptance would never lapse and `ticket "SEC-1"` would be lost,
/// both without a word. (`until` on a mitigation is E0012; a key one edit from a known one is
/// W0001, with the key it is close to.)
fn unread_properties(
    decl: &ast::Decision,
    schema: props::Schema,
    what: &str,
    text_key: &str,
    sink: &mut Diagnostics,
) {
    let is_accept = what == "accept";
    for property in &decl.properties {
        let key = property.key.text.as_str();
        if key == "until" || schema.iter().any(|(known, _)| *known == key) {
            continue;
        }
        let near_known = schema
            .iter()
            .find(|(known, _)| one_edit_apart(key, known) || key.eq_ignore_ascii_case(known));
        if let Some((known, _)) = near_known {
            sink.push(
                Diagnostic::new(
                    codes::W0001,
                    property.key.span,
                    format!("unknown property `{key}` on `{what}`"),
                )
                .label("ignored: a decision keeps no other key")
                .with_help(format!("did you mean `{known}`?")),
            );
            continue;
        }
        let keys = if is_accept {
            "`reason` and `until`"
        } else {
            "`by`"
        };
        let lower = key.to_ascii_lowercase();
        let is_ending = ENDING_WORDS.contains(&lower.as_str()) || one_edit_apart(&lower, "until");
        let help = if is_ending && is_accept {
            "an acceptance holds through its `until` date, its last day: `until \"2027-06-30\"`"
                .to_string()
        } else if is_ending {
            "a mitigation holds as long as its control does; for a risk taken for a while, \
             `accept` it with an `until`"
                .to_string()
        } else {
            format!("put it in the `{text_key}` text, which the reports show")
        };
        sink.push(
            Diagnostic::new(
                codes::W0011,
                property.key.span,
                format!("`{key}` is not read: `{what}` has only {keys}"),
            )
            .label("ignored")
            .with_help(help),
        );
    }
}

/// Keys one might give a hand-written threat for its status, which decisions set.
const STATUS_WORDS: &[&str] = &["status", "state", "mitigated", "accepted", "resolved"];

/// W0011 for each key of a hand-written threat that it does not have: unlike an element's, a
/// threat's other keys are kept nowhere, so `status mitigated` or `owner "bob"` would be lost
/// without a word. (A misplaced statement, `mitigate` in the block, is E0018 already.)
fn unread_threat_properties(decl: &ast::ThreatDecl, id: &str, sink: &mut Diagnostics) {
    for property in &decl.properties {
        let key = property.key.text.as_str();
        if props::THREAT.iter().any(|(known, _)| *known == key) || props::STATEMENTS.contains(&key)
        {
            continue;
        }
        let lower = key.to_ascii_lowercase();
        let is_ending = lower == "until"
            || ENDING_WORDS.contains(&lower.as_str())
            || one_edit_apart(&lower, "until");
        let help = if STATUS_WORDS.contains(&lower.as_str()) {
            format!(
                "a threat's status comes from the decisions on it: `mitigate \"{id}\" {{ by \"...\" }}` \
                 or `accept \"{id}\" {{ reason \"...\" }}`"
            )
        } else if is_ending {
            format!(
                "a threat's status comes from the decisions on it, and an acceptance ends on its \
                 `until`: `accept \"{id}\" {{ reason \"...\"; until \"2027-06-30\" }}`"
            )
        } else if lower == "mitigated_by" || one_edit_apart(&lower, "mitigated_by") {
            format!(
                "`mitigated_by` is a rule's; a threat's status comes from the decisions on it: \
                 `mitigate \"{id}\" {{ by \"...\" }}`"
            )
        } else if lower == "title" || lower == "name" {
            format!("a threat's title is the string after its id: `threat {id} \"...\"`")
        } else if let Some(known) =
            crate::diagnostics::closest(key, props::THREAT.iter().map(|(known, _)| *known))
        {
            format!("did you mean `{known}`?")
        } else {
            "a hand-written threat has `category`, `severity`, `likelihood`, `impact`, \
             `explanation`, `mitigations` and `references`; write anything else in its \
             `explanation`, which the reports show"
                .to_string()
        };
        sink.push(
            Diagnostic::new(
                codes::W0011,
                property.key.span,
                format!("`{key}` is not read: a hand-written threat has no custom properties"),
            )
            .label("ignored")
            .with_help(help),
        );
    }
}

pub fn rules(decls: &Decls, model: &mut Model) {
    model.rules = decls
        .rules
        .iter()
        .map(|(pack, decl)| RuleSource {
            pack: pack.clone(),
            decl: (*decl).clone(),
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates() {
        assert!(is_date("2027-06-30"));
        assert!(is_date("2028-02-29"));
        assert!(!is_date("2027-02-29"));
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("27-06-30"));
        assert!(!is_date("next year"));
        assert!(!is_date("2026-+9-30"));
        assert!(!is_date("+999-01-01"));
        assert!(!is_date("2026-09-+1"));
        assert!(!is_date("2026-٠٩-30"));
    }
}
