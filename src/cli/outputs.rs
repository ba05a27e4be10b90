//! Writing one model's outputs into a directory (`tmc build FILE`).
//!
//! The large outputs (Markdown, JSON, SARIF, HTML: hundreds of megabytes for a 10,000-element
//! model) are streamed into their temporary files (`staging`): Markdown, JSON and SARIF each on
//! its own thread, while the small ones (DOT, SVG) are rendered in memory, then HTML, which
//! waits for Graphviz's drawing. Only when every output has been written is any put in place,
//! so a failing build leaves the previous one's files as they were.

use super::args::{Drawing, Emit};
use super::build::{render_all, Svg};
use super::staging::Staging;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tmc::report::view::Report;
use tmc::report::{HtmlOptions, NotDrawn, RenderError, Templates};

/// Writes the outputs `kinds` of `report` into `dir`; the paths written, in `kinds` order.
pub fn write_outputs(
    kinds: &[Emit],
    report: &Report,
    templates: &Templates,
    drawing: Drawing<'_>,
    dir: &Path,
) -> Result<Vec<String>, String> {
    let finals: Vec<PathBuf> = kinds
        .iter()
        .map(|kind| dir.join(kind.file_name()))
        .collect();
    super::build::check_destinations(finals.iter().map(PathBuf::as_path))?;
    let mut staging = Staging::default();
    staging.create_dir(dir)?;
    let (streamed, in_memory): (Vec<Emit>, Vec<Emit>) =
        kinds.iter().partition(|kind| kind.is_streamed());
    let temporaries: Vec<(Emit, PathBuf)> = streamed
        .iter()
        .map(|&kind| (kind, staging.add(&dir.join(kind.file_name()))))
        .collect();
    let temporary = |wanted: Emit| {
        let found = temporaries.iter().find(|(kind, _)| *kind == wanted);
        found.map(|(_, path)| path.as_path())
    };

    let (streams, rendered) = std::thread::scope(|threads| {
        // The HTML page waits for Graphviz's drawing, so it is written on this thread after the
        // in-memory outputs; the others start at once, but for one that this thread writes when
        // there is no page: it reuses memory this thread has freed, where a new thread's
        // allocations start on fresh pages (a fifth of a 1,000-element `--emit json` build).
        // That one is the Markdown when asked for, as it holds the most while it is written
        // (its tables grouped by flow): peak 182 -> 158 MB for four outputs at N = 10,000.
        let mut aside: Vec<(Emit, &Path)> = temporaries
            .iter()
            .filter(|(kind, _)| *kind != Emit::Html)
            .map(|(kind, path)| (*kind, path.as_path()))
            .collect();
        let here = if temporary(Emit::Html).is_some() {
            None
        } else {
            let md = aside.iter().position(|&(kind, _)| kind == Emit::Md);
            md.map(|i| aside.remove(i)).or_else(|| aside.pop())
        };
        let handles: Vec<_> = aside
            .into_iter()
            .map(|(kind, path)| {
                threads.spawn(move || {
                    let streamed = stream(kind, report, templates, None, drawing, path);
                    tmc::timings::mark(kind.file_name());
                    streamed
                })
            })
            .collect();
        let mut svg = Svg::default();
        let rendered = render_all(&in_memory, report, templates, drawing, &mut svg);
        tmc::timings::mark("the in-memory outputs");
        let mut streams: Vec<Result<(), String>> = Vec::new();
        if let Some((kind, path)) = here {
            streams.push(stream(kind, report, templates, None, drawing, path));
            tmc::timings::mark(kind.file_name());
        }
        if let (Some(path), Ok(_)) = (temporary(Emit::Html), &rendered) {
            let drawn = svg.for_html(report, templates, drawing);
            streams.push(stream(
                Emit::Html,
                report,
                templates,
                Some(drawn),
                drawing,
                path,
            ));
        }
        streams.extend(handles.into_iter().map(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err("a renderer stopped unexpectedly".to_string()))
        }));
        (streams, rendered)
    });

    // On an error, dropping `staging` removes the temporary files and the directories it made.
    if let Some(message) = streams.into_iter().find_map(Result::err) {
        return Err(message);
    }
    for (name, text) in rendered? {
        staging.write(&dir.join(name), &text)?;
    }
    let mut written = staging.commit()?;
    tmc::timings::mark("outputs in place");
    // The log lists the files in the order they were asked for.
    written.sort_by_key(|path| {
        kinds
            .iter()
            .position(|kind| Path::new(path).file_name() == Some(kind.file_name().as_ref()))
    });
    Ok(written)
}

/// Renders one large output into `path` through a buffer; `svg` is the HTML page's drawing, or
/// why there is none (`None` for the other outputs).
fn stream(
    kind: Emit,
    report: &Report,
    templates: &Templates,
    svg: Option<Result<&str, NotDrawn<'_>>>,
    drawing: Drawing<'_>,
    path: &Path,
) -> Result<(), String> {
    let cannot_write = |error: std::io::Error| format!("cannot write {}: {error}", path.display());
    let file = super::staging::create_new(path).map_err(cannot_write)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let rendered = match kind {
        Emit::Md => tmc::report::markdown_to(report, templates, drawing.scope, &mut out),
        Emit::Json => tmc::report::json_to(report, &mut out).map_err(RenderError::Io),
        Emit::Sarif => tmc::report::sarif_to(report, &mut out),
        Emit::Html => {
            let drawn = svg.unwrap_or(Err(NotDrawn::Unknown));
            let options = HtmlOptions {
                svg: drawn.ok(),
                not_drawn: drawn.err().unwrap_or_default(),
                scope: drawing.scope,
                ..HtmlOptions::default()
            };
            tmc::report::html_to(report, templates, &options, &mut out)
        }
        Emit::Dot | Emit::Svg => Ok(()),
    };
    match rendered {
        Ok(()) => out.flush().map_err(cannot_write),
        Err(RenderError::Io(error)) => Err(cannot_write(error)),
        Err(error) => Err(format!("cannot render {}: {error}", kind.file_name())),
    }
}
