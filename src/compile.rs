//! The whole pipeline in one call: load → resolve → rules → report. The CLI, the tests and the
//! fuzzer all go through here.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, LoadOptions, Loader, RootUnreadable};
use crate::model::Model;
use crate::report::{self, view::Report};
use crate::resolve;
use crate::rules::{self, RuleOptions, Threats};
use crate::source::SourceMap;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub load: LoadOptions,
    pub rules: RuleOptions,
}

/// Everything one compilation produced. `report` is `None` when there were errors.
pub struct Compilation {
    pub sources: SourceMap,
    /// Sorted, deduplicated.
    pub diagnostics: Vec<Diagnostic>,
    pub model: Model,
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
    let loaded = load::load(root, loader, options.load, &mut sources, &mut sink)?;
    let root_name = root.to_string_lossy().replace('\\', "/");
    let model = resolve::resolve(&loaded, &root_name, &sources, &mut sink);
    // Rules run on a model with resolve errors too, so one run reports rule mistakes as well;
    // the report is only built from a clean model.
    let threats = rules::apply(&model, &options.rules, &mut sink);
    let report = (!sink.has_errors()).then(|| report::build(&model, &threats, &sources));
    Ok(Compilation {
        sources,
        diagnostics: sink.into_sorted(),
        model,
        threats,
        report,
    })
}
