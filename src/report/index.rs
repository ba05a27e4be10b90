//! Stage: report → `index`. The front page of a folder build (`tmc build DIR -o OUT`): every model
//! with its threats counted by status and by severity, linking to its report.
//!
//! Input: one [`IndexEntry`] per model (its report and where its outputs were written), which
//! outputs exist, and the [`Templates`]. Output: `index.md` and `index.html` text. Invariants:
//! models are listed in the order given (the CLI gives them sorted by path); links are relative,
//! percent-encoded paths ([`escape::url_path`]), so a file name never breaks a link; every text
//! is escaped for its format (the `md` filter, HTML autoescaping).

use super::escape;
use super::summary::{open_by_severity, Counts, SEVERITIES};
use super::templates::{Templates, INDEX_HTML, INDEX_MD};
use super::view::Report;
use super::RenderError;
use serde::Serialize;

/// One model of a folder build.
#[derive(Debug, Clone, Copy)]
pub struct IndexEntry<'a> {
    pub report: &'a Report,
    /// The model's root file, relative to the folder that was built, `/`-separated.
    pub source: &'a str,
    /// The directory its outputs were written to, relative to the index, `/`-separated.
    pub dir: &'a str,
    /// The same directory as a path: the link is made of its bytes, so it finds a directory
    /// whose name is not UTF-8 (`dir` shows such a name with U+FFFD).
    pub dir_path: &'a std::path::Path,
}

/// Which per-model reports exist, to choose what the index links to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links {
    /// `threat-model.md` was written.
    pub md: bool,
    /// `threat-model.html` was written.
    pub html: bool,
}

/// Renders `index.md`: links go to each `threat-model.md` (else the HTML page, else the folder).
pub fn index_md(
    entries: &[IndexEntry<'_>],
    links: Links,
    templates: &Templates,
) -> Result<String, RenderError> {
    templates.render(INDEX_MD, &Context::build(entries, links, false))
}

/// Renders `index.html`: links go to each `threat-model.html` (else the Markdown, else the folder).
pub fn index_html(
    entries: &[IndexEntry<'_>],
    links: Links,
    templates: &Templates,
) -> Result<String, RenderError> {
    templates.render(INDEX_HTML, &Context::build(entries, links, true))
}

/// What `index.md.tera` and `index.html.tera` see (documented in docs/outputs.md).
#[derive(Serialize)]
struct Context<'a> {
    tool: Tool,
    /// Names of the severity columns, worst first (the order of each model's `open_by_severity`).
    severities: Vec<&'static str>,
    models: Vec<ModelRow<'a>>,
    /// The sums over all models.
    totals: Counts,
    open_by_severity: Vec<SeverityCount>,
}

/// How many open threats have one severity.
#[derive(Serialize)]
struct SeverityCount {
    /// `Critical`.
    name: &'static str,
    /// `critical`, as in threats.json.
    word: &'static str,
    count: usize,
}

fn severity_counts(open: [usize; 4]) -> Vec<SeverityCount> {
    SEVERITIES
        .iter()
        .zip(open)
        .map(|(level, count)| SeverityCount {
            name: level.display(),
            word: level.word(),
            count,
        })
        .collect()
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ModelRow<'a> {
    name: &'a str,
    description: Option<&'a str>,
    source: &'a str,
    dir: &'a str,
    /// The link to the model's report, relative and percent-encoded.
    href: String,
    counts: Counts,
    open_by_severity: Vec<SeverityCount>,
}

impl<'a> Context<'a> {
    fn build(entries: &[IndexEntry<'a>], links: Links, html_first: bool) -> Self {
        let mut totals = Counts::default();
        let mut all_open = [0; 4];
        let models = entries
            .iter()
            .map(|entry| {
                let counts = Counts::of(entry.report);
                let open = open_by_severity(entry.report);
                for (sum, n) in all_open.iter_mut().zip(open) {
                    *sum += n;
                }
                totals.open += counts.open;
                totals.mitigated += counts.mitigated;
                totals.accepted += counts.accepted;
                totals.total += counts.total;
                totals.open_high += counts.open_high;
                let report = match (html_first, links.md, links.html) {
                    (true, _, true) | (false, false, true) => "threat-model.html",
                    (_, true, _) => "threat-model.md",
                    _ => "",
                };
                let mut target: Vec<u8> = Vec::new();
                for part in entry.dir_path.iter() {
                    target.extend_from_slice(part.as_encoded_bytes());
                    target.push(b'/');
                }
                target.extend_from_slice(report.as_bytes());
                ModelRow {
                    name: &entry.report.model.name,
                    description: entry.report.model.description.as_deref(),
                    source: entry.source,
                    dir: entry.dir,
                    href: escape::url_path(&target),
                    counts,
                    open_by_severity: severity_counts(open),
                }
            })
            .collect();
        Context {
            tool: Tool {
                name: "tmc",
                version: env!("CARGO_PKG_VERSION"),
            },
            severities: SEVERITIES.iter().map(|s| s.display()).collect(),
            models,
            totals,
            open_by_severity: severity_counts(all_open),
        }
    }
}
