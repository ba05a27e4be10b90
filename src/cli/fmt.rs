//! `tmc fmt`: rewrite files in the canonical layout, or (`--check`) show how they differ from it.

use super::args::FmtArgs;
use super::check::color_choice;
use super::{FAILED, OK, USAGE};
use std::io::{Read, Write};
use std::path::Path;
use tmc::diagnostics::{printable, printable_lines, render_human};
use tmc::format::{format_file, FormatError};
use tmc::source::SourceMap;
use tmc::syntax::ParseLimits;

pub fn fmt(args: &FmtArgs) -> i32 {
    if args.stdin {
        return fmt_stdin(args);
    }
    let mut status = OK;
    for path in &args.files {
        let files = if path.is_dir() {
            match super::folder::tm_files(path) {
                // As for `check`: a folder without models is a wrong path, not a clean one.
                Ok(files) if files.is_empty() => {
                    errln!("error: {}", super::folder::no_models(path));
                    status = status.max(USAGE);
                    continue;
                }
                Ok(files) => files.into_iter().map(|file| path.join(file)).collect(),
                Err(error) => {
                    errln!("error: {}", printable(&error));
                    status = status.max(USAGE);
                    continue;
                }
            }
        } else {
            vec![path.clone()]
        };
        for file in &files {
            let code = fmt_path(file, args).err().unwrap_or(OK);
            status = status.max(code);
        }
    }
    status
}

/// Formats one file in place (or checks it); `Err` is the exit code of a failure.
fn fmt_path(path: &Path, args: &FmtArgs) -> Result<(), i32> {
    // A file name from a pull request must not reach the terminal as escape sequences.
    let name = printable(&path.display().to_string()).into_owned();
    let bytes = super::fs::read_at_most(path, args.max_file_size as u64).map_err(|error| {
        errln!("error: cannot read {name}: {error}");
        USAGE
    })?;
    let original = utf8(&name, within_limit(&name, bytes, args)?)?;
    let formatted = format_text(&name, &original, args)?;
    if formatted == original {
        if args.verbose {
            errln!("{name}: already formatted");
        }
        return Ok(());
    }
    if args.check {
        out!("{}", diff(&name, &original, &formatted));
        if args.verbose {
            errln!("{name}: not formatted");
        }
        return Err(FAILED);
    }
    replace(path, &formatted).map_err(|error| {
        errln!("error: cannot write {name}: {error}; the file is unchanged");
        USAGE
    })?;
    if args.verbose {
        errln!("{name}: formatted");
    }
    Ok(())
}

/// Replaces the file at `path` (the file a link points to, when it is one) with `text`,
/// keeping its permissions. The text is written beside it and renamed over it, so a full disk
/// or a kill leaves the original whole.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&real)?.permissions();
    let name = real.file_name().unwrap_or_default().to_string_lossy();
    let temporary = real.with_file_name(format!(".{name}.tmc-fmt"));
    let written = super::staging::create_new(&temporary).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.set_permissions(permissions)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, &real));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    renamed
}

fn fmt_stdin(args: &FmtArgs) -> i32 {
    let name = "<stdin>";
    let mut bytes = Vec::new();
    let limit = (args.max_file_size as u64).saturating_add(1);
    if let Err(error) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
        errln!("error: cannot read standard input: {error}");
        return USAGE;
    }
    let result = within_limit(name, bytes, args).and_then(|bytes| utf8(name, bytes));
    let result = result.and_then(|original| {
        let formatted = format_text(name, &original, args)?;
        if !args.check {
            out!("{formatted}");
            return Ok(());
        }
        if formatted == original {
            return Ok(());
        }
        out!("{}", diff(name, &original, &formatted));
        Err(FAILED)
    });
    result.err().unwrap_or(OK)
}

/// `bytes`, read with at most one byte past `--max-file-size`, when they are within it.
fn within_limit(name: &str, bytes: Vec<u8>, args: &FmtArgs) -> Result<Vec<u8>, i32> {
    if bytes.len() <= args.max_file_size {
        return Ok(bytes);
    }
    errln!(
        "error: {name} is over the limit of {} bytes; raise it with `--max-file-size`",
        args.max_file_size
    );
    Err(FAILED)
}

fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, i32> {
    String::from_utf8(bytes).map_err(|_| {
        errln!("error: {name} is not valid UTF-8; a .tm file is UTF-8 text");
        FAILED
    })
}

/// The formatted text, or the diagnostics printed and `Err(FAILED)`.
fn format_text(name: &str, text: &str, args: &FmtArgs) -> Result<String, i32> {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let limits = ParseLimits {
        max_depth: args.max_depth,
        ..ParseLimits::default()
    };
    match format_file(file, text, limits) {
        Ok(formatted) => Ok(formatted),
        Err(FormatError::Syntax(diagnostics)) => {
            super::console::stderr_as_is(&render_human(
                &sources,
                &diagnostics,
                color_choice(args.color),
            ));
            errln!("{name}: not formatted: the file has syntax errors");
            Err(FAILED)
        }
        Err(error @ FormatError::Refused(_)) => {
            errln!("error: {name}: {error}");
            Err(FAILED)
        }
    }
}

/// A unified diff from the file as it is to the file as it would be formatted. The diff is
/// for people: when a huge file changes on almost every line, the exact diff would take
/// quadratic time, so after a second it settles for a coarser one (same exit code either way).
/// Control characters in the file (an escape sequence in a comment) are shown as `\u{1b}`, not
/// sent to the terminal or the CI log that shows the diff.
fn diff(name: &str, original: &str, formatted: &str) -> String {
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_lines(original, formatted)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name}.orig"), name)
        .to_string();
    printable_lines(&diff).into_owned()
}
