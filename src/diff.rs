//! Threat diff: what changed in the threat landscape between two compilations of a model.
//! Input: two reports. Output: added, removed and changed threats, keyed by stable threat id,
//! rendered as Markdown for a pull-request comment or as JSON.

use crate::report::escape;
use crate::report::view::{Report, ThreatView};
use crate::vocab::{Level, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// A threat as the diff shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffThreat {
    pub id: String,
    pub title: String,
    pub category: crate::vocab::Category,
    pub severity: Level,
    pub status: Status,
    /// What the threat is on: the element or flow id.
    pub subject: String,
}

/// One field that changed, from what to what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedThreat {
    #[serde(flatten)]
    pub threat: DiffThreat,
    pub changes: Vec<FieldChange>,
    /// The old version's severity and status (the JSON has them in `changes`).
    #[serde(skip)]
    pub before: (Level, Status),
    /// The renames (old element id, current one) that changed the threat's id, in the order
    /// the id names them (the JSON has the old id in `changes`).
    #[serde(skip)]
    pub renames: Vec<(String, String)>,
}

impl ChangedThreat {
    /// Whether the threat's only change is its id, which followed renamed elements: id churn,
    /// which the Markdown counts per rename instead of listing.
    pub fn only_renamed(&self) -> bool {
        !self.renames.is_empty() && self.changes.iter().all(|f| f.field == "id")
    }
}

/// The difference between two versions, each list sorted by threat id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ThreatDiff {
    pub added: Vec<DiffThreat>,
    pub removed: Vec<DiffThreat>,
    pub changed: Vec<ChangedThreat>,
}

fn summary(threat: &ThreatView) -> DiffThreat {
    DiffThreat {
        id: threat.id.to_string(),
        title: threat.title.to_string(),
        category: threat.category,
        severity: threat.severity,
        status: threat.status,
        subject: threat
            .flow
            .as_deref()
            .or(threat.element.as_deref())
            .unwrap_or_default()
            .to_string(),
    }
}

fn decision_text(threat: &ThreatView) -> String {
    match &threat.decision {
        None => "none".to_string(),
        Some(d) => {
            let kind = match d.kind {
                crate::report::view::DecisionKind::Mitigate => "mitigated",
                crate::report::view::DecisionKind::Accept => "accepted",
            };
            match &d.until {
                // A lapsed decision leaves the threat open: say so, or "accepted" would mislead.
                Some(until) if d.lapsed => format!("{kind}: {} (lapsed after {until})", d.text),
                Some(until) => format!("{kind}: {} (until {until})", d.text),
                None => format!("{kind}: {}", d.text),
            }
        }
    }
}

/// Compares two reports by threat id.
pub fn diff(old: &Report, new: &Report) -> ThreatDiff {
    diff_renamed(old, new, &BTreeMap::new())
}

/// Compares two reports by threat id, the old ids read with `renamed` (old element id → the
/// current one, from the new version's `formerly`): a threat whose element was renamed is the
/// same threat, changed in its id, not one removed and one added.
pub fn diff_renamed(old: &Report, new: &Report, renamed: &BTreeMap<String, String>) -> ThreatDiff {
    // Two old threats may come to one id (an element merged into another by `formerly`): the
    // one whose id it already was keeps it, and the other is removed.
    let mut old_by_id: BTreeMap<String, &ThreatView> = BTreeMap::new();
    let mut merged: Vec<&ThreatView> = Vec::new();
    for threat in &old.threats {
        let id = current_id(&threat.id, renamed).0;
        match old_by_id.get(&id) {
            Some(kept) if *kept.id == *id => merged.push(threat),
            Some(_) if *threat.id != *id => merged.push(threat),
            _ => {
                if let Some(replaced) = old_by_id.insert(id, threat) {
                    merged.push(replaced);
                }
            }
        }
    }
    let new_by_id: BTreeMap<&str, &ThreatView> = new.threats.iter().map(|t| (&*t.id, t)).collect();
    let mut result = ThreatDiff::default();
    for (id, threat) in &new_by_id {
        match old_by_id.get(*id) {
            None => result.added.push(summary(threat)),
            Some(before) => {
                let mut changes = Vec::new();
                if before.id != threat.id {
                    changes.push(FieldChange {
                        field: "id",
                        from: before.id.to_string(),
                        to: threat.id.to_string(),
                    });
                }
                if before.severity != threat.severity {
                    changes.push(FieldChange {
                        field: "severity",
                        from: before.severity.word().into(),
                        to: threat.severity.word().into(),
                    });
                }
                if before.status != threat.status {
                    changes.push(FieldChange {
                        field: "status",
                        from: before.status.word().into(),
                        to: threat.status.word().into(),
                    });
                }
                let (was, is) = (decision_text(before), decision_text(threat));
                if was != is {
                    changes.push(FieldChange {
                        field: "decision",
                        from: was,
                        to: is,
                    });
                }
                if !changes.is_empty() {
                    result.changed.push(ChangedThreat {
                        threat: summary(threat),
                        changes,
                        before: (before.severity, before.status),
                        renames: current_id(&before.id, renamed).1,
                    });
                }
            }
        }
    }
    for (id, threat) in &old_by_id {
        if !new_by_id.contains_key(id.as_str()) {
            result.removed.push(summary(threat));
        }
    }
    result.removed.extend(merged.into_iter().map(summary));
    result.removed.sort_by(|a, b| a.id.cmp(&b.id));
    result
}

/// A threat id with the element ids in it (the parts after `@` and `>`) that `renamed` maps
/// replaced by the current ones, and the renames it took (old id, current one), in the order
/// the id names them; the rule id and a flow's `#N` stay as they are.
fn current_id(id: &str, renamed: &BTreeMap<String, String>) -> (String, Vec<(String, String)>) {
    let mut renames = Vec::new();
    if renamed.is_empty() {
        return (id.to_string(), renames);
    }
    let mut out = String::with_capacity(id.len());
    let mut element_part = false;
    for (i, part) in id.split_inclusive(['@', '>', '#']).enumerate() {
        let (name, separator) = match part.char_indices().next_back() {
            Some((at, c @ ('@' | '>' | '#'))) => (part.get(..at).unwrap_or_default(), Some(c)),
            _ => (part, None),
        };
        match renamed.get(name).filter(|_| element_part && i > 0) {
            Some(current) => {
                out.push_str(current);
                let rename = (name.to_string(), current.clone());
                if !renames.contains(&rename) {
                    renames.push(rename);
                }
            }
            None => out.push_str(name),
        }
        out.extend(separator);
        element_part = matches!(separator, Some('@' | '>'));
    }
    (out, renames)
}

impl ThreatDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// Threats open at or above `level` in the new version that were not in the old one:
    /// added, reopened (a decision removed, changed or lapsed) or raised to it. A change that
    /// takes away a `mitigate` or `accept` on a critical threat is as serious as adding one.
    /// Most severe first, then by id, as `tmc check --fail-on` lists its threats.
    pub fn new_open_at_or_above(&self, level: Level) -> Vec<&DiffThreat> {
        let serious = |severity: Level, status: Status| status == Status::Open && severity >= level;
        let added = self.added.iter().filter(|t| serious(t.severity, t.status));
        let changed = (self.changed.iter())
            .filter(|c| {
                serious(c.threat.severity, c.threat.status) && !serious(c.before.0, c.before.1)
            })
            .map(|c| &c.threat);
        let mut threats: Vec<&DiffThreat> = added.chain(changed).collect();
        threats.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
        threats
    }

    /// Markdown for a pull-request comment. A threat whose only change is its id, because an
    /// element in it was renamed with `formerly`, is not a row: each rename gets one line
    /// counting the threats that follow it (the JSON lists them all in `changed`).
    pub fn markdown(&self, model_name: &str) -> String {
        let mut out = format!(
            "## Threat model changes: {}\n\n",
            escape::md_line(model_name)
        );
        if self.is_empty() {
            out.push_str("No threats were added, removed or changed.\n");
            return out;
        }
        let (renamed, changed): (Vec<&ChangedThreat>, Vec<&ChangedThreat>) =
            self.changed.iter().partition(|c| c.only_renamed());
        out.push_str(&format!(
            "{} added, {} removed, {} changed",
            self.added.len(),
            self.removed.len(),
            changed.len()
        ));
        match renamed.len() {
            0 => out.push_str(".\n"),
            1 => out.push_str(", and 1 threat whose id only follows a renamed element.\n"),
            n => out.push_str(&format!(
                ", and {n} threats whose ids only follow renamed elements.\n"
            )),
        }
        let table = |out: &mut String, heading: &str, threats: &[&DiffThreat]| {
            if threats.is_empty() {
                return;
            }
            out.push_str(&format!("\n### {heading}\n\n| Id | Threat | STRIDE category | Risk severity | Status |\n| --- | --- | --- | --- | --- |\n"));
            for t in threats {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    escape::md_code(&t.id),
                    escape::md(&t.title),
                    t.category.display(),
                    t.severity.display(),
                    t.status.display()
                ));
            }
        };
        table(&mut out, "Added", &self.added.iter().collect::<Vec<_>>());
        table(
            &mut out,
            "Removed",
            &self.removed.iter().collect::<Vec<_>>(),
        );
        if !changed.is_empty() {
            out.push_str("\n### Changed\n\n| Id | Threat | Change |\n| --- | --- | --- |\n");
            for c in &changed {
                let what = c
                    .changes
                    .iter()
                    .map(|f| {
                        // An id is a code span, as in the Id column: shown as written (`>`
                        // and all), in the comment and in a log that prints its source.
                        let value = |text: &str| match f.field {
                            "id" => escape::md_code(text),
                            _ => escape::md(text),
                        };
                        format!("{}: {} → {}", f.field, value(&f.from), value(&f.to))
                    })
                    .collect::<Vec<_>>()
                    .join("<br>");
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    escape::md_code(&c.threat.id),
                    escape::md(&c.threat.title),
                    what
                ));
            }
        }
        if !renamed.is_empty() {
            out.push_str("\n### Renamed\n");
            let mut by_renames: BTreeMap<&[(String, String)], usize> = BTreeMap::new();
            for c in &renamed {
                *by_renames.entry(c.renames.as_slice()).or_default() += 1;
            }
            for (renames, count) in by_renames {
                let names = renames
                    .iter()
                    .map(|(old, new)| {
                        format!(
                            "{} to {}",
                            escape::md_code_text(old),
                            escape::md_code_text(new)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" and ");
                let (threats, follow, rename) = match (count, renames.len()) {
                    (1, 1) => ("threat", "follows", "rename"),
                    (1, _) => ("threat", "follows", "renames"),
                    (_, 1) => ("threats", "follow", "rename"),
                    _ => ("threats", "follow", "renames"),
                };
                out.push_str(&format!(
                    "\n{count} {threats} {follow} the {rename} of {names}, with no other change.\n"
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::current_id;
    use std::collections::BTreeMap;

    #[test]
    fn only_element_parts_of_an_id_are_renamed() {
        let renamed: BTreeMap<String, String> = [("web", "storefront"), ("old", "new")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let id = |id: &str| current_id(id, &renamed).0;
        assert_eq!(id("r.web@web"), "r.web@storefront");
        assert_eq!(id("r@customer>web#2"), "r@customer>storefront#2");
        assert_eq!(id("r@web>old"), "r@storefront>new");
        // A hand-written threat's id is one part: never an element id.
        assert_eq!(id("web"), "web");
        assert_eq!(current_id("r@web", &BTreeMap::new()).0, "r@web");
        // The renames an id took, each once, in the order the id names them.
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            current_id("r@old>web", &renamed).1,
            vec![pair("old", "new"), pair("web", "storefront")]
        );
        assert_eq!(
            current_id("r@web>web", &renamed).1,
            vec![pair("web", "storefront")]
        );
        assert!(current_id("web", &renamed).1.is_empty());
    }
}
