//! Severity that explains itself: likelihood × impact, raised for restricted data, lowered for
//! each declared control that the rule says mitigates it, or set outright. Every step is kept
//! as a sentence for the report.

use crate::vocab::Level;
use std::sync::{Arc, OnceLock};

/// likelihood × impact. Symmetric; `critical` sits above `high`.
pub fn matrix(likelihood: Level, impact: Level) -> Level {
    use Level::*;
    let (low, high) = if likelihood <= impact {
        (likelihood, impact)
    } else {
        (impact, likelihood)
    };
    match (low, high) {
        (Low, Low | Medium) => Low,
        (Low, High) | (Medium, Medium) => Medium,
        (Medium, High) | (Low, Critical) => High,
        (High, High) | (Medium | High | Critical, Critical) => Critical,
        // `low <= high` by construction; this arm only keeps the match total.
        (_, Low | Medium | High) => high,
    }
}

/// What raises or lowers a computed severity.
#[derive(Debug, Clone, Default)]
pub struct Factors<'a> {
    /// Set by the rule or the hand-written threat: no computation.
    pub fixed: Option<(Level, &'static str)>,
    /// "the flow carries restricted data (patient_records)".
    pub restricted: Option<&'a str>,
    /// One entry per mitigating control found: "API Gateway declares authentication".
    pub controls: Vec<String>,
}

/// The severity and the reasons for it, one sentence per step. Threats whose severity is the
/// plain matrix share one list per likelihood and impact (a large model has hundreds of
/// thousands of them).
pub fn assess(likelihood: Level, impact: Level, factors: &Factors<'_>) -> (Level, Arc<[String]>) {
    if let Some((level, by)) = factors.fixed {
        return (level, Arc::new([format!("severity {level}, set by {by}")]));
    }
    let mut level = matrix(likelihood, impact);
    if factors.restricted.is_none() && factors.controls.is_empty() {
        return (level, plain(likelihood, impact));
    }
    let mut reasons = vec![matrix_reason(likelihood, impact)];
    if let Some(why) = factors.restricted {
        let raised = level.raised();
        reasons.push(if raised == level {
            format!("stays {level}, the highest: {why}")
        } else {
            format!("raised to {raised}: {why}")
        });
        level = raised;
    }
    for why in &factors.controls {
        let lowered = level.lowered();
        reasons.push(if lowered == level {
            format!("stays {level}, the lowest: {why}")
        } else {
            format!("lowered to {lowered}: {why}")
        });
        level = lowered;
    }
    (level, reasons.into())
}

fn matrix_reason(likelihood: Level, impact: Level) -> String {
    let level = matrix(likelihood, impact);
    format!("likelihood {likelihood} × impact {impact} = {level}")
}

/// The reasons of a plain matrix severity, made once per likelihood and impact.
fn plain(likelihood: Level, impact: Level) -> Arc<[String]> {
    static PLAIN: OnceLock<Vec<Arc<[String]>>> = OnceLock::new();
    let table = PLAIN.get_or_init(|| {
        Level::ALL
            .iter()
            .flat_map(|&l| {
                Level::ALL
                    .iter()
                    .map(move |&i| Arc::new([matrix_reason(l, i)]) as _)
            })
            .collect()
    });
    let index = likelihood as usize * Level::ALL.len() + impact as usize;
    match table.get(index) {
        Some(shared) => shared.clone(),
        None => Arc::new([matrix_reason(likelihood, impact)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    #[test]
    fn the_matrix_is_the_contracts() {
        let cases = [
            (Low, Low, Low),
            (Low, Medium, Low),
            (Medium, Medium, Medium),
            (Low, High, Medium),
            (Medium, High, High),
            (High, High, Critical),
            (Low, Critical, High),
            (Medium, Critical, Critical),
            (High, Critical, Critical),
            (Critical, Critical, Critical),
        ];
        for (a, b, expected) in cases {
            assert_eq!(matrix(a, b), expected, "{a} × {b}");
            assert_eq!(matrix(b, a), expected, "{b} × {a}");
        }
    }

    #[test]
    fn reasons_follow_each_step() {
        let factors = Factors {
            fixed: None,
            restricted: Some("the flow carries restricted data (patient_records)"),
            controls: vec![
                "API Gateway declares authentication".into(),
                "the flow declares tls".into(),
            ],
        };
        let (level, reasons) = assess(Medium, High, &factors);
        assert_eq!(level, Medium);
        assert_eq!(
            *reasons,
            [
                "likelihood medium × impact high = high",
                "raised to critical: the flow carries restricted data (patient_records)",
                "lowered to high: API Gateway declares authentication",
                "lowered to medium: the flow declares tls",
            ]
        );
    }

    #[test]
    fn saturation_is_said_honestly_and_fixed_wins() {
        let factors = Factors {
            restricted: Some("x"),
            ..Factors::default()
        };
        assert_eq!(
            assess(High, High, &factors).1.last().map(String::as_str),
            Some("stays critical, the highest: x")
        );
        let fixed = Factors {
            fixed: Some((Low, "the rule")),
            ..factors
        };
        let (level, reasons) = assess(High, High, &fixed);
        assert_eq!(
            (level, &*reasons),
            (Low, &["severity low, set by the rule".to_string()][..])
        );
    }

    #[test]
    fn plain_severities_share_their_reasons() {
        let plain = Factors::default();
        for &likelihood in Level::ALL {
            for &impact in Level::ALL {
                let (level, first) = assess(likelihood, impact, &plain);
                let (_, second) = assess(likelihood, impact, &plain);
                assert!(Arc::ptr_eq(&first, &second));
                assert_eq!(
                    *first,
                    [format!(
                        "likelihood {likelihood} × impact {impact} = {level}"
                    )]
                );
            }
        }
    }
}
