//! Stage 3: resolve. Loaded ASTs → `Model`: ids derived and checked unique, flow endpoints
//! looked up (with "did you mean"), properties checked, boundaries nested, derived facts
//! computed once, and a petgraph graph built in source order.
//!
//! Declarations are taken in textual order, an include standing where its statement is, so
//! flow numbers follow the order a reader meets them.

mod collect;
mod facts;
mod flows;
pub(crate) mod props;
mod threats;

pub use threats::is_date;

use crate::diagnostics::Diagnostics;
use crate::load::Loaded;
use crate::model::Model;
use crate::source::SourceMap;

/// Builds the model. Errors go to `sink`; the model is still returned (as far as it resolved)
/// so later checks can report more in one run, but must not be trusted when there are errors.
pub fn resolve(
    loaded: &Loaded,
    root_name: &str,
    sources: &SourceMap,
    sink: &mut Diagnostics,
) -> Model {
    let decls = collect::collect(loaded, sink);
    let mut model = Model {
        info: collect::model_info(&decls, root_name, sink),
        packs: decls.packs.clone(),
        ..Model::default()
    };
    collect::elements(&decls, &mut model, sink);
    flows::flows(&decls, &mut model, sink);
    facts::derive(&mut model);
    threats::manual_threats(&decls, &mut model, sink);
    threats::decisions(&decls, &mut model, sink);
    threats::rules(&decls, &mut model);
    facts::hints(&decls, &model, sink);
    let _ = sources;
    model
}
