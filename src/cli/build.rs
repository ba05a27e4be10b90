//! `tmc build FILE -o DIR`: compile, and on success write each requested output into DIR.
//! On errors nothing is written. Adding an output is one `Emit` variant and one match arm.

use super::args::{BuildArgs, Emit, Format};
use super::check::{compile_one, fails, print_human, tally};
use super::graphviz;
use super::{FAILED, OK, USAGE};
use std::path::{Path, PathBuf};
use tmc::diagnostics::to_json_values;
use tmc::report::view::Report;
use tmc::report::Templates;
use tmc::vocab::ElementKind;

/// The outputs written when `--emit` is not given.
fn default_emits() -> Vec<Emit> {
    let mut emits = vec![Emit::Md, Emit::Dot, Emit::Json];
    if graphviz::available() {
        emits.push(Emit::Svg);
    }
    emits
}

/// Reads `--templates DIR`: every `*.tera` file in it, by file name.
pub fn read_templates(dir: Option<&Path>) -> Result<Templates, String> {
    let Some(dir) = dir else {
        return Templates::embedded().map_err(|e| e.to_string());
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "tera") {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.push((name, text));
        }
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
        .map(|e| e.id.as_str())
        .collect();
    if boundaries.contains(&scope) {
        return Ok(());
    }
    let hint = match tmc::diagnostics::closest(scope, boundaries.iter().copied()) {
        Some(best) => format!("; did you mean `{best}`?"),
        None if boundaries.is_empty() => "; the model has no boundaries".to_string(),
        None => format!("; the boundaries are {}", boundaries.join(", ")),
    };
    Err(format!(
        "--diagram-scope: `{scope}` is not a boundary of this model{hint}"
    ))
}

pub fn build(args: &BuildArgs) -> i32 {
    let mut emits = if args.emit.is_empty() {
        default_emits()
    } else {
        args.emit.clone()
    };
    emits.sort();
    emits.dedup();
    if emits.contains(&Emit::Svg) && !graphviz::available() {
        eprintln!(
            "error: --emit svg needs Graphviz's `dot` on PATH (install graphviz, or leave svg out)"
        );
        return USAGE;
    }
    let templates = match read_templates(args.templates.as_deref()) {
        Ok(templates) => templates,
        Err(message) => {
            eprintln!("error: {message}");
            return USAGE;
        }
    };
    let compilation = match compile_one(&args.file, &args.options) {
        Ok(compilation) => compilation,
        Err(code) => return code,
    };
    match args.options.format {
        Format::Human => print_human(&compilation, &args.options),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&to_json_values(
                &compilation.sources,
                &compilation.diagnostics
            ))
            .unwrap_or_else(|_| "[]".into())
        ),
    }
    let file = args.file.display();
    let report = match &compilation.report {
        Some(report) if !fails(&compilation, &args.options) => report,
        _ => {
            eprintln!("{file}: failed ({}); nothing written", tally(&compilation));
            return FAILED;
        }
    };
    let scope = args.diagram_scope.as_deref();
    if let Err(message) = check_scope(report, scope) {
        eprintln!("error: {message}");
        return USAGE;
    }
    // Render everything first, so a failing renderer leaves no half-written directory.
    let mut outputs = Vec::new();
    for kind in emits {
        match render(kind, report, &templates, scope) {
            Ok(output) => outputs.push(output),
            Err(message) => {
                eprintln!("error: {message}");
                return USAGE;
            }
        }
    }
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {error}", args.out.display());
        return USAGE;
    }
    let mut written = Vec::new();
    for (name, text) in outputs {
        let path: PathBuf = args.out.join(name);
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("error: cannot write {}: {error}", path.display());
            return USAGE;
        }
        written.push(path.display().to_string());
    }
    eprintln!(
        "{file}: ok ({}); wrote {}",
        tally(&compilation),
        written.join(", ")
    );
    // The process ends next; freeing a large model string by string can take longer than
    // compiling it did.
    std::mem::forget(compilation);
    OK
}

/// Renders one output: its file name and text.
pub fn render(
    kind: Emit,
    report: &Report,
    templates: &Templates,
    scope: Option<&str>,
) -> Result<(&'static str, String), String> {
    let rendered = match kind {
        Emit::Md => ("threat-model.md", tmc::report::markdown(report, templates)),
        Emit::Dot => ("dfd.dot", tmc::report::dot(report, templates, scope)),
        Emit::Json => ("threats.json", tmc::report::json(report)),
        Emit::Sarif => ("threats.sarif", tmc::report::sarif(report)),
        Emit::Svg => {
            let dot = tmc::report::dot(report, templates, scope).map_err(|e| e.to_string())?;
            return graphviz::svg(&dot).map(|svg| ("dfd.svg", svg));
        }
    };
    match rendered {
        (name, Ok(text)) => Ok((name, text)),
        (name, Err(error)) => Err(format!("cannot render {name}: {error}")),
    }
}
