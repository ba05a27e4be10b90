//! Writing one model's outputs into a directory (`tmc build FILE`).
//!
//! The large outputs (Markdown, JSON, SARIF, HTML: hundreds of megabytes for a 10,000-element
//! model) are streamed into hidden temporary files beside their final names: Markdown, JSON
//! and SARIF each on its own thread, while the small ones (DOT, SVG) are rendered in memory,
//! then HTML, which waits for Graphviz's drawing. Only when every output has succeeded are the
//! temporary files renamed into place, so a failing renderer still leaves no half-written
//! directory.

use super::args::{Drawing, Emit};
use super::build::{render_all, write_all, Svg};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tmc::report::view::Report;
use tmc::report::{RenderError, Templates};

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
    // The directories this build creates, innermost first: removed again when it fails.
    let created: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .collect();
    std::fs::create_dir_all(dir)
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let (streamed, in_memory): (Vec<Emit>, Vec<Emit>) =
        kinds.iter().partition(|kind| kind.is_streamed());
    let temporary = |name: &str| dir.join(format!(".{name}.tmc-partial"));

    let (streams, rendered) = std::thread::scope(|threads| {
        // The HTML page waits for Graphviz's drawing, so it is written on this thread after the
        // in-memory outputs; the others start at once, but for one that this thread writes when
        // there is no page: it reuses memory this thread has freed, where a new thread's
        // allocations start on fresh pages (a fifth of a 1,000-element `--emit json` build).
        // That one is the Markdown when asked for, as it holds the most while it is written
        // (its tables grouped by flow): peak 182 -> 158 MB for four outputs at N = 10,000.
        let mut aside: Vec<Emit> = streamed
            .iter()
            .copied()
            .filter(|&kind| kind != Emit::Html)
            .collect();
        let here = if streamed.contains(&Emit::Html) {
            None
        } else {
            let md = aside.iter().position(|&kind| kind == Emit::Md);
            md.map(|i| aside.remove(i)).or_else(|| aside.pop())
        };
        let handles: Vec<_> = aside
            .into_iter()
            .map(|kind| {
                let path = temporary(kind.file_name());
                threads.spawn(move || {
                    let streamed = stream(kind, report, templates, None, drawing, &path);
                    tmc::timings::mark(kind.file_name());
                    streamed
                })
            })
            .collect();
        let mut svg = Svg::default();
        let rendered = render_all(&in_memory, report, templates, drawing, &mut svg);
        tmc::timings::mark("the in-memory outputs");
        let mut streams: Vec<Result<(), String>> = Vec::new();
        if let Some(kind) = here {
            let path = temporary(kind.file_name());
            streams.push(stream(kind, report, templates, None, drawing, &path));
            tmc::timings::mark(kind.file_name());
        }
        if streamed.contains(&Emit::Html) && rendered.is_ok() {
            let drawn = svg.for_html(report, templates, drawing);
            let path = temporary(Emit::Html.file_name());
            streams.push(stream(Emit::Html, report, templates, drawn, drawing, &path));
        }
        streams.extend(handles.into_iter().map(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err("a renderer stopped unexpectedly".to_string()))
        }));
        (streams, rendered)
    });

    let failure = streams
        .into_iter()
        .find_map(Result::err)
        .or_else(|| rendered.as_ref().err().cloned());
    if let Some(message) = failure {
        for kind in &streamed {
            // Best effort: a file that was never created is already gone.
            let _ = std::fs::remove_file(temporary(kind.file_name()));
        }
        for created in created {
            // Only empty directories go: anything else in them is not this build's.
            let _ = std::fs::remove_dir(created);
        }
        return Err(message);
    }
    let rendered: Vec<(PathBuf, String)> = rendered
        .unwrap_or_default()
        .into_iter()
        .map(|(name, text)| (dir.join(name), text))
        .collect();
    let mut written = write_all(&rendered)?;
    // Removing a previous build's large file is the kernel freeing its pages (about 17 ms for
    // each of a 10,000-element model's three): done side by side, on both cores.
    let replaced: Vec<Result<String, String>> = std::thread::scope(|threads| {
        let handles: Vec<_> = (streamed.iter())
            .map(|kind| {
                let (from, to) = (temporary(kind.file_name()), dir.join(kind.file_name()));
                threads.spawn(move || match replace(&from, &to) {
                    Ok(()) => Ok(to.display().to_string()),
                    Err(error) => Err(format!("cannot write {}: {error}", to.display())),
                })
            })
            .collect();
        let joined = handles.into_iter().map(|handle| {
            (handle.join()).unwrap_or_else(|_| Err("a file could not be moved".to_string()))
        });
        joined.collect()
    });
    if let Some(failure) = replaced.iter().find_map(|path| path.as_ref().err()) {
        for kind in &streamed {
            // Best effort, as above: those already moved are gone from here.
            let _ = std::fs::remove_file(temporary(kind.file_name()));
        }
        return Err(failure.clone());
    }
    written.extend(replaced.into_iter().flatten());
    tmc::timings::mark("outputs in place");
    // The log lists the files in the order they were asked for.
    written.sort_by_key(|path| {
        kinds
            .iter()
            .position(|kind| Path::new(path).file_name() == Some(kind.file_name().as_ref()))
    });
    Ok(written)
}

/// Moves the finished output `from` to `to`, replacing the previous build's file.
///
/// The previous file is removed first rather than renamed over: ext4 (`auto_da_alloc`, on by
/// default) starts writing a file back to disk at once when it is renamed over an existing
/// one, which made rebuilding a 1,000-element model into the same directory take about a
/// quarter longer (wall) than building it into a new one. The cost is a moment in which the old file
/// is gone and the new one not yet in place; both exist only after every renderer succeeded.
fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(to) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    std::fs::rename(from, to)
}

/// Renders one large output into `path` through a buffer; `svg` is the HTML page's drawing.
fn stream(
    kind: Emit,
    report: &Report,
    templates: &Templates,
    svg: Option<&str>,
    drawing: Drawing<'_>,
    path: &Path,
) -> Result<(), String> {
    let cannot_write = |error: std::io::Error| format!("cannot write {}: {error}", path.display());
    let file = File::create(path).map_err(cannot_write)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let rendered = match kind {
        Emit::Md => tmc::report::markdown_to(report, templates, &mut out),
        Emit::Json => tmc::report::json_to(report, &mut out).map_err(RenderError::Io),
        Emit::Sarif => tmc::report::sarif_to(report, &mut out),
        Emit::Html => tmc::report::html_to(report, templates, svg, drawing.scope, &mut out),
        Emit::Dot | Emit::Svg => Ok(()),
    };
    match rendered {
        Ok(()) => out.flush().map_err(cannot_write),
        Err(RenderError::Io(error)) => Err(cannot_write(error)),
        Err(error) => Err(format!("cannot render {}: {error}", kind.file_name())),
    }
}
