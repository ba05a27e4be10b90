//! The whole pipeline in one call: load → resolve → rules → report. The CLI, the tests and the
//! fuzzer all go through here.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, LoadOptions, Loader, RootUnreadable};
use crate::model::Model;
use crate::report::{self, view::Report};
use crate::resolve;
use crate::rules::{self, RuleOptions, Threats};
use crate::source::SourceMap;
use crate::timings;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub load: LoadOptions,
    pub rules: RuleOptions,
    /// Move the threats into the report instead of copying them: `Compilation::threats` then
    /// holds only the rules when a report was built. The CLI sets it; at 170,000 threats the
    /// copy would be tens of megabytes of fresh memory.
    pub report_takes_threats: bool,
    /// Stop after the rules: `Compilation::report` stays `None` and `threats` keeps every
    /// threat. For callers that need no report (`tmc check`); a large model's report is
    /// a tenth of its compile time and a sixth of its memory.
    pub skip_report: bool,
}

/// Everything one compilation produced. `report` is `None` when there were errors (or when
/// [`Options::skip_report`] asked for none).
pub struct Compilation {
    pub sources: SourceMap,
    /// Sorted, deduplicated.
    pub diagnostics: Vec<Diagnostic>,
    /// Shared with the threats, whose text is rendered from it on demand.
    pub model: Arc<Model>,
    /// The rules, and the threats unless [`Options::report_takes_threats`] moved them into
    /// `report`.
    pub threats: Threats,
    pub report: Option<Report>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles the model rooted at `root`. `Err` only when the root file cannot be read.
pub fn compile(
    root: &Path,
    loader: &dyn Loader,
    options: &Options,
) -> Result<Compilation, RootUnreadable> {
    let mut sources = SourceMap::new();
    let mut sink = Diagnostics::new();
    let loaded = load::load(root, loader, options.load.clone(), &mut sources, &mut sink)?;
    timings::mark("load: read and parse");
    // As the loader names it (`./m.tm` is `m.tm`): the same model, the same report.
    let root_name = load::normalize(root).to_string_lossy().replace('\\', "/");
    let model = Arc::new(resolve::resolve(&loaded, &root_name, &sources, &mut sink));
    // The syntax trees are not needed past resolve; a large model's are tens of megabytes.
    drop(loaded);
    timings::mark("resolve");
    // Rules run on a model with resolve errors too, so one run reports rule mistakes as well;
    // the report is only built from a clean model.
    let mut threats = rules::apply(&model, &options.rules, &mut sink);
    timings::mark("rules: decisions");
    let report = (!sink.has_errors() && !options.skip_report).then(|| {
        if options.report_takes_threats {
            let taken = std::mem::take(&mut threats.threats);
            report::build::build_owned(&model, taken, &threats.rules, &sources)
        } else {
            report::build(&model, &threats, &sources)
        }
    });
    if report.is_some() {
        timings::mark("report");
    }
    Ok(Compilation {
        sources,
        diagnostics: sink.into_sorted(),
        model,
        threats,
        report,
    })
}
