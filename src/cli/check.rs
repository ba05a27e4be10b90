//! `tmc check` and `tmc debug model`: compile and report.

use super::args::{CheckArgs, Color, CompileArgs, Format, IncludeOptions, SharedOptions};
use super::fs::FsLoader;
use super::{FAILED, OK, USAGE};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use tmc::compile::{compile, Compilation, Options};
use tmc::diagnostics::{render_human, to_json_values, ColorChoice, Severity};
use tmc::load::LoadOptions;
use tmc::report::view::ThreatView;
use tmc::rules::RuleOptions;
use tmc::syntax::ParseLimits;

pub fn options(shared: &SharedOptions) -> Result<Options, String> {
    let today = match &shared.today {
        Some(date) if !tmc::resolve::is_date(date) => {
            return Err(format!("--today takes a date as YYYY-MM-DD, not `{date}`"));
        }
        Some(date) => date.clone(),
        None => super::today::today(),
    };
    Ok(Options {
        load: LoadOptions {
            parse: ParseLimits {
                max_depth: shared.max_depth,
                max_string_length: shared.max_string_length,
            },
            allow_outside_includes: shared.includes.allow_outside_includes,
            include_root: include_root(&shared.includes)?,
            max_file_size: shared.max_file_size,
            max_files: shared.max_files,
        },
        rules: RuleOptions {
            today: Some(today),
            max_threats: shared.max_threats,
            max_threat_text: shared.max_threat_text,
        },
        report_takes_threats: true,
        skip_report: false,
    })
}

pub fn color_choice(color: Color) -> ColorChoice {
    match color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto => {
            if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                ColorChoice::Always
            } else {
                ColorChoice::Never
            }
        }
    }
}

/// Compiles one model; prints an I/O error and returns `Err(USAGE)` when the file is unreadable.
pub fn compile_file(file: &Path, options: &Options) -> Result<Compilation, i32> {
    crate::plain_pages_for(file);
    compile(file, &FsLoader, options).map_err(|error| {
        errln!("error: {error}");
        USAGE
    })
}

/// [`compile_file`] for a model found in `folder` (given to `build` or `check`): its includes
/// may reach anywhere in that folder, so models in sibling folders can share files.
pub fn compile_in_folder(
    file: &Path,
    options: &Options,
    folder: Option<&Path>,
) -> Result<Compilation, i32> {
    // `--include-root` says it for every model.
    let Some(folder) = folder.filter(|_| options.load.include_root.is_none()) else {
        return compile_file(file, options);
    };
    let mut options = options.clone();
    options.load.include_root = Some(folder.to_path_buf());
    compile_file(file, &options)
}

/// `--include-root DIR`, which must be a folder: a misspelt one would otherwise refuse every
/// include with a misleading E0008, or pass unnoticed in a model that includes nothing.
pub fn include_root(includes: &IncludeOptions) -> Result<Option<PathBuf>, String> {
    let Some(folder) = &includes.include_root else {
        return Ok(None);
    };
    match std::fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => Ok(Some(folder.clone())),
        Ok(_) => Err(format!("--include-root {} is not a folder", shown(folder))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(format!("--include-root {}: no such folder", shown(folder)))
        }
        Err(error) => Err(format!("--include-root {}: {error}", shown(folder))),
    }
}

/// True when the compilation fails the run (errors, or warnings with --deny-warnings).
pub fn fails(compilation: &Compilation, shared: &SharedOptions) -> bool {
    compilation.has_errors() || shared.deny_warnings && !compilation.diagnostics.is_empty()
}

/// Prints diagnostics in human form on stderr (the JSON form is printed by the caller).
pub fn print_human(compilation: &Compilation, shared: &SharedOptions) {
    let text = render_human(
        &compilation.sources,
        &compilation.diagnostics,
        color_choice(shared.color),
    );
    super::console::stderr_as_is(&text);
}

/// A path for a message: a file in a folder of models may have any name, and control characters
/// in it must not reach the terminal as they are (`\u{1b}` instead).
pub fn shown(path: &Path) -> String {
    tmc::diagnostics::printable(&path.display().to_string()).into_owned()
}

pub fn tally(compilation: &Compilation) -> String {
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = compilation.diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

pub fn check(args: &CheckArgs) -> i32 {
    let options = match options(&args.options) {
        // The gate makes views of the threats it shows; nothing else here reads a report.
        Ok(options) => Options {
            skip_report: true,
            ..options
        },
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };
    let gate = args.fail_on.map(|s| s.level());
    // A folder stands for the root models in it, as for `tmc build`.
    let files = match super::folder::expand(&args.files, &args.options) {
        Ok(files) => files,
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };
    let mut status = OK;
    let mut json = Vec::new();
    let mut gated = Vec::new();
    // A model that does not compile has no threats to gate: the gate cannot have passed.
    let mut unevaluated = 0;
    for (file, folder) in &files {
        let compilation = match compile_in_folder(file, &options, folder.as_deref()) {
            Ok(compilation) => compilation,
            Err(code) => {
                status = status.max(code);
                unevaluated += 1;
                continue;
            }
        };
        if compilation.has_errors() {
            unevaluated += 1;
        }
        if fails(&compilation, &args.options) {
            status = status.max(FAILED);
        }
        let failing: Vec<ThreatView> = match gate {
            Some(level) => super::gate::failing(&compilation, level),
            None => Vec::new(),
        };
        if !failing.is_empty() {
            status = status.max(FAILED);
        }
        match args.options.format {
            Format::Json => {
                json.extend(to_json_values(
                    &compilation.sources,
                    &compilation.diagnostics,
                ));
                gated.extend(failing.iter().map(super::gate::json));
            }
            Format::Human => {
                print_human(&compilation, &args.options);
                // `--deny-warnings` fails a model with warnings, as `tmc build` says too.
                let verdict = if fails(&compilation, &args.options) {
                    "failed"
                } else {
                    "ok"
                };
                errln!("{}: {verdict} ({})", shown(file), tally(&compilation));
                match gate {
                    Some(level) if compilation.has_errors() => outln!(
                        "{}: gate not evaluated: the model does not compile (threats at or above {level} unknown)",
                        shown(file)
                    ),
                    Some(level) => out!("{}", super::gate::human(file, level, &failing)),
                    None => {}
                }
            }
        }
        drop(failing);
        if files.len() == 1 {
            // The process ends next; freeing a large model string by string takes about half
            // as long as compiling it did.
            std::mem::forget(compilation);
        }
    }
    if args.options.format == Format::Json {
        let value = match gate {
            // With a gate the output is an object, so the threats have somewhere to go.
            Some(level) => serde_json::json!({
                "diagnostics": json,
                "gate": {
                    "fail_on": level.word(),
                    "passed": gated.is_empty() && unevaluated == 0,
                    "not_evaluated": unevaluated,
                    "threats": gated,
                },
            }),
            None => serde_json::Value::Array(json),
        };
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| "[]".into())
        );
    }
    status
}

/// Compiles one model with the shared options; the exit code when that cannot start.
pub fn compile_one(file: &Path, shared: &SharedOptions) -> Result<Compilation, i32> {
    let options = options(shared).map_err(|message| {
        errln!("error: {message}");
        USAGE
    })?;
    compile_file(file, &options)
}

pub fn debug_model(args: &CompileArgs) -> i32 {
    let compilation = match compile_one(&args.file, &args.options) {
        Ok(compilation) => compilation,
        Err(code) => return code,
    };
    // Standard output is the model's; the diagnostics go to standard error, in either format.
    if !compilation.diagnostics.is_empty() {
        match args.options.format {
            Format::Human => print_human(&compilation, &args.options),
            Format::Json => errln!(
                "{}",
                serde_json::to_string_pretty(&to_json_values(
                    &compilation.sources,
                    &compilation.diagnostics
                ))
                .unwrap_or_default()
            ),
        }
    }
    if fails(&compilation, &args.options) {
        return FAILED;
    }
    let report = tmc::report::build(
        &compilation.model,
        &tmc::rules::Threats::default(),
        &compilation.sources,
    );
    let value = serde_json::json!({
        "model": report.model,
        "elements": report.elements,
        "data": report.data,
        "flows": report.flows,
        "packs": compilation.model.packs,
        "rules": compilation.model.rules.iter().map(|r| serde_json::json!({"id": r.decl.id.text, "pack": r.pack})).collect::<Vec<_>>(),
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
    OK
}
