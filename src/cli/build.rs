//! `tmc build FILE -o DIR`: compile, and on success write each requested output into DIR.
//! `tmc build FOLDER -o DIR`: the same for every root model in FOLDER (see [`super::folder`]).
//! On errors nothing is written: the large outputs are streamed into temporary files and renamed
//! into place only when every output succeeded ([`super::outputs`]).
//! Adding an output is one `Emit` variant and one match arm in [`render_all`].

use super::args::{BuildArgs, Drawing, Emit, Format, SharedOptions};
use super::check::{compile_one, fails, print_human, tally};
use super::graphviz;
use super::{FAILED, OK, USAGE};
use std::path::{Path, PathBuf};
use tmc::compile::Compilation;
use tmc::diagnostics::{printable, to_json_values};
use tmc::report::view::Report;
use tmc::report::{HtmlOptions, NotDrawn, Templates};
use tmc::source::{FileId, SourceMap};
use tmc::vocab::ElementKind;

/// The outputs written when `--emit` is not given.
fn default_emits() -> Vec<Emit> {
    let mut emits = vec![Emit::Md, Emit::Dot, Emit::Json];
    if graphviz::available() {
        emits.push(Emit::Svg);
    }
    emits
}

/// The largest template `--templates` reads: far more than any report template needs.
const MAX_TEMPLATE_BYTES: u64 = 16 << 20;

/// Reads `--templates DIR`: every file in it but hidden ones (`.gitkeep`), by file name; folders
/// in it are not read. A name that is not a template's is an error, as a typo
/// (`threat-model.md`) would otherwise leave the embedded template in use without a word.
pub fn read_templates(dir: Option<&Path>) -> Result<Templates, String> {
    let Some(dir) = dir else {
        return Templates::embedded().map_err(|e| e.to_string());
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_template = Templates::NAMES.contains(&name.as_str());
        if name.starts_with('.') || path.is_dir() && !is_template {
            continue;
        }
        if !is_template {
            // Not read: `Templates` names the mistake and lists the templates.
            files.push((name, String::new()));
            continue;
        }
        if path.is_dir() {
            return Err(format!("{} is a folder, not a template", path.display()));
        }
        // A pipe or a device in the folder must not stop the build or fill the memory.
        let cannot_read = |reason: String| format!("cannot read {}: {reason}", path.display());
        let bytes = super::fs::read_at_most(&path, MAX_TEMPLATE_BYTES).map_err(cannot_read)?;
        if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
            return Err(cannot_read(format!(
                "a template may have at most {MAX_TEMPLATE_BYTES} bytes"
            )));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| cannot_read("it is not UTF-8 text".to_string()))?;
        files.push((name, text));
    }
    files.sort();
    Templates::with_overrides(files).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Checks `--diagram-scope` names a boundary; the message suggests the closest boundary ids.
pub fn check_scope(report: &Report, scope: Option<&str>) -> Result<(), String> {
    let Some(scope) = scope else { return Ok(()) };
    let boundaries: Vec<&str> = report
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Boundary)
        .map(|e| &*e.id)
        .collect();
    if boundaries.contains(&scope) {
        return Ok(());
    }
    let hint = match tmc::diagnostics::closest(scope, boundaries.iter().copied()) {
        _ if scope.is_empty() && !boundaries.is_empty() => {
            format!("; the boundaries are {}", boundaries.join(", "))
        }
        Some(best) => format!("; did you mean `{best}`?"),
        None if boundaries.is_empty() => "; the model has no boundaries".to_string(),
        None => format!("; the boundaries are {}", boundaries.join(", ")),
    };
    Err(format!(
        "--diagram-scope: `{scope}` is not a boundary of this model{hint}"
    ))
}

/// The outputs asked for, sorted and deduplicated; `Err` (the exit code) when one cannot be made.
fn emits(args: &BuildArgs) -> Result<Vec<Emit>, i32> {
    let mut emits = if args.emit.is_empty() {
        default_emits()
    } else {
        args.emit.clone()
    };
    emits.sort();
    emits.dedup();
    if emits.contains(&Emit::Svg) && !graphviz::available() {
        errln!(
            "error: --emit svg needs Graphviz's `dot` on PATH (install graphviz, or leave svg out)"
        );
        return Err(USAGE);
    }
    Ok(emits)
}

/// Prints a compilation's diagnostics in the chosen format (JSON goes to `json` for the caller
/// to print once).
pub fn report_diagnostics(
    compilation: &Compilation,
    options: &SharedOptions,
    json: &mut Vec<serde_json::Value>,
) {
    match options.format {
        Format::Human => print_human(compilation, options),
        Format::Json => json.extend(to_json_values(
            &compilation.sources,
            &compilation.diagnostics,
        )),
    }
}

pub fn print_json(json: &[serde_json::Value]) {
    outln!(
        "{}",
        serde_json::to_string_pretty(json).unwrap_or_else(|_| "[]".into())
    );
}

pub fn build(args: &BuildArgs) -> i32 {
    let emits = match emits(args) {
        Ok(emits) => emits,
        Err(code) => return code,
    };
    let templates = match read_templates(args.templates.as_deref()) {
        Ok(templates) => templates,
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };
    if args.file.is_dir() {
        return super::folder::build(args, &emits, &templates);
    }
    let compilation = match compile_one(&args.file, &args.options) {
        Ok(compilation) => compilation,
        Err(code) => return code,
    };
    let mut json = Vec::new();
    report_diagnostics(&compilation, &args.options, &mut json);
    if args.options.format == Format::Json {
        print_json(&json);
    }
    let file = args.file.display();
    let report = match &compilation.report {
        Some(report) if !fails(&compilation, &args.options) => report,
        _ => {
            errln!("{file}: failed ({}); nothing written", tally(&compilation));
            return FAILED;
        }
    };
    let scope = args.diagram_scope.as_deref();
    if let Err(message) = check_scope(report, scope) {
        errln!("error: {message}");
        return USAGE;
    }
    let finals: Vec<PathBuf> = (emits.iter())
        .map(|kind| args.out.join(kind.file_name()))
        .collect();
    if let Err(message) =
        check_not_sources(finals.iter().map(PathBuf::as_path), &[&compilation.sources])
    {
        errln!("error: {message}; nothing written");
        return USAGE;
    }
    let written = match super::outputs::write_outputs(
        &emits,
        report,
        &templates,
        args.drawing(),
        &args.out,
    ) {
        Ok(written) => written,
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };
    warn_of_code_scanning_limit(&emits, report, &args.out);
    errln!(
        "{file}: ok ({}); wrote {}",
        tally(&compilation),
        written.join(", ")
    );
    // The process ends next; freeing a large model string by string can take longer than
    // compiling it did.
    std::mem::forget(compilation);
    OK
}

/// Warns when the `threats.sarif` written into `dir` lists more results than GitHub code
/// scanning takes in a run: the upload would be rejected, and a CI job would learn it only
/// after the build had passed.
pub fn warn_of_code_scanning_limit(emits: &[Emit], report: &Report, dir: &Path) {
    if !emits.contains(&Emit::Sarif) {
        return;
    }
    let most = tmc::report::SARIF_CODE_SCANNING_MOST_RESULTS;
    let results = tmc::report::sarif_result_count(report);
    if results > most {
        let path = dir.join(Emit::Sarif.file_name());
        errln!(
            "warning: {} has {results} results; GitHub code scanning rejects a run of more than {most}\n  \
             split the model (a folder build writes one log per model), or record decisions for \
             whole classes of threats: only open threats are results (docs/large-models.md)",
            path.display()
        );
    }
}

/// Checks, before anything is written, that no path in `files` names a file a model was read
/// from (`tmc build threats.json -o .`, or a model that includes `dfd.dot`): the build would
/// replace the model with its own report. Paths are compared by their real folder and name, so
/// `./m.tm`, `m.tm` and `sub/../m.tm` are one file.
pub fn check_not_sources<'a>(
    files: impl IntoIterator<Item = &'a Path>,
    sources: &[&SourceMap],
) -> Result<(), String> {
    // The built-in packs' names (`<stdlib/stride.tm>`) are no files, and no output's name: not
    // told apart by their names, which a real folder could have.
    let read: std::collections::BTreeMap<PathBuf, &str> = (sources.iter())
        .flat_map(|map| (0..map.len()).map(|i| map.name(FileId(i as u32))))
        .filter_map(|name| Some((real_entry(Path::new(name))?, name)))
        .collect();
    // The hidden files a build writes beside each output (`super::staging`) count too.
    let files = files.into_iter().flat_map(|file| {
        [
            file.to_path_buf(),
            super::staging::beside(file, "tmc-partial"),
            super::staging::beside(file, "tmc-previous"),
        ]
    });
    for file in files {
        if let Some(source) = real_entry(&file).and_then(|entry| read.get(&entry)) {
            return Err(format!(
                "cannot write {}: the model was read from it ({}); write into another directory \
                 with -o",
                printable(&file.display().to_string()),
                printable(source)
            ));
        }
    }
    Ok(())
}

/// `path` as its real folder and its name: the directory entry it names, symbolic links to
/// the folder followed, not one to the file (renaming onto the name replaces that link, not
/// what it points to). Folders the build would create (`-o new/..`) are not links: the part
/// of the path that does not exist yet is resolved as written.
fn real_entry(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let folder = std::env::current_dir().ok()?.join(folder);
    let (existing, real) = (folder.ancestors())
        .find_map(|existing| Some((existing, std::fs::canonicalize(existing).ok()?)))?;
    let missing = folder.strip_prefix(existing).ok()?;
    Some(tmc::load::normalize(&real.join(missing)).join(name))
}

/// Checks, before anything is written, that every path in `files` can be written as a file:
/// none is a directory already, no folder on the way is a file, and no path is the folder of
/// another (a model `index.md.tm` beside the index `index.md` of a folder build). Otherwise a
/// build would stop half-way through writing, with some files new and some old.
pub fn check_destinations<'a>(files: impl IntoIterator<Item = &'a Path>) -> Result<(), String> {
    let files: std::collections::BTreeSet<&Path> = files.into_iter().collect();
    for &file in &files {
        if file.is_dir() {
            return Err(format!(
                "cannot write {}: it is a directory",
                file.display()
            ));
        }
        for folder in file
            .ancestors()
            .skip(1)
            .filter(|d| !d.as_os_str().is_empty())
        {
            if files.contains(folder) {
                return Err(format!(
                    "cannot write both {} and {}: the first would have to be a folder (rename the model that writes it)",
                    folder.display(),
                    file.display()
                ));
            }
            if folder.exists() && !folder.is_dir() {
                return Err(format!(
                    "cannot write {}: {} is not a directory",
                    file.display(),
                    folder.display()
                ));
            }
        }
    }
    Ok(())
}

/// Renders the outputs `kinds` of one model: each file's name and text, in `kinds` order.
/// Graphviz runs at most once, for both `dfd.svg` and the diagram of `threat-model.html`.
/// When `svg` was not asked for explicitly (the default outputs), a Graphviz failure is a
/// warning and `dfd.svg` is left out: Graphviz gives up on some very large graphs.
pub fn render_all(
    kinds: &[Emit],
    report: &Report,
    templates: &Templates,
    drawing: Drawing<'_>,
    svg: &mut Svg,
) -> Result<Vec<(&'static str, String)>, String> {
    let mut outputs = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        let rendered = match kind {
            Emit::Md => tmc::report::markdown(report, templates, drawing.scope),
            Emit::Dot => tmc::report::dot(report, templates, drawing.scope),
            Emit::Json => tmc::report::json(report),
            Emit::Sarif => tmc::report::sarif(report),
            Emit::Svg => {
                match svg.text(report, templates, drawing) {
                    Ok(text) => outputs.push((kind.file_name(), text.to_string())),
                    Err(message) if !drawing.svg_explicit => {
                        let first = message.lines().next().unwrap_or_default();
                        errln!("warning: {first}\n  dfd.svg is left out; dfd.dot has the diagram (try --diagram-scope)");
                    }
                    Err(message) => return Err(message.to_string()),
                }
                continue;
            }
            Emit::Html => {
                let drawn = svg.for_html(report, templates, drawing);
                let options = HtmlOptions {
                    svg: drawn.ok(),
                    not_drawn: drawn.err().unwrap_or_default(),
                    scope: drawing.scope,
                    ..HtmlOptions::default()
                };
                tmc::report::html(report, templates, &options)
            }
        };
        let name = kind.file_name();
        match rendered {
            Ok(text) => outputs.push((name, text)),
            Err(error) => return Err(format!("cannot render {name}: {error}")),
        }
    }
    Ok(outputs)
}

/// Graphviz's drawing of one model, made at most once for `dfd.svg` and the HTML page.
#[derive(Default)]
pub struct Svg {
    made: Option<Result<String, String>>,
}

impl Svg {
    /// The SVG, or what went wrong making it.
    pub fn text(
        &mut self,
        report: &Report,
        templates: &Templates,
        drawing: Drawing<'_>,
    ) -> Result<&str, &str> {
        let made = self.made.get_or_insert_with(|| {
            let drawn = graphviz::drawn_elements(report, drawing.scope);
            if drawn > graphviz::MAX_ELEMENTS && !drawing.svg_explicit {
                return Err(format!(
                    "the diagram has {drawn} elements, more than the {} Graphviz lays out in \
                     reasonable time, so it was not drawn\n  \
                     draw one boundary with --diagram-scope, or ask for it with --emit svg \
                     (and --graphviz-timeout)",
                    graphviz::MAX_ELEMENTS
                ));
            }
            let dot = tmc::report::dot(report, templates, drawing.scope)
                .map_err(|e| format!("cannot render dfd.dot: {e}"))?;
            graphviz::svg(&dot, drawing.graphviz_timeout)
        });
        made.as_deref().map_err(String::as_str)
    }

    /// The drawing for `threat-model.html`: the SVG when Graphviz is there and manages it, else
    /// why not (the page says so and shows the Mermaid source), with a warning when Graphviz
    /// was there but the diagram was not drawn.
    pub fn for_html(
        &mut self,
        report: &Report,
        templates: &Templates,
        drawing: Drawing<'_>,
    ) -> Result<&str, NotDrawn<'_>> {
        if !graphviz::available() {
            return Err(NotDrawn::NoGraphviz);
        }
        let drawn = graphviz::drawn_elements(report, drawing.scope);
        let too_large = drawn > graphviz::MAX_ELEMENTS && !drawing.svg_explicit;
        self.text(report, templates, drawing).map_err(|message| {
            let first = message.lines().next().unwrap_or_default();
            errln!(
                "warning: {first}\n  threat-model.html shows the diagram's Mermaid source instead"
            );
            if too_large {
                NotDrawn::TooLarge {
                    elements: drawn,
                    limit: graphviz::MAX_ELEMENTS,
                }
            } else {
                NotDrawn::Failed { error: first }
            }
        })
    }
}
