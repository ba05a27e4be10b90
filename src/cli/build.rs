//! `tmc build FILE -o DIR`: compile, and on success write each requested output into DIR.
//! On errors nothing is written. Adding an output is one `Emit` variant and one match arm.

use super::args::{BuildArgs, Emit, Format};
use super::check::{compile_one, fails, print_human, tally};
use super::{FAILED, OK, USAGE};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tmc::diagnostics::to_json_values;
use tmc::report::view::Report;

pub fn build(args: &BuildArgs) -> i32 {
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
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {error}", args.out.display());
        return USAGE;
    }
    let mut emits = args.emit.clone();
    emits.sort();
    emits.dedup();
    let mut written = Vec::new();
    for kind in emits {
        match emit(kind, report, &args.out) {
            Ok(path) => written.push(path.display().to_string()),
            Err((path, error)) => {
                eprintln!("error: cannot write {}: {error}", path.display());
                return USAGE;
            }
        }
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

/// Writes one output; the path written, or the path and why it could not be.
fn emit(kind: Emit, report: &Report, dir: &Path) -> Result<PathBuf, (PathBuf, String)> {
    let name = match kind {
        Emit::Json => "threats.json",
    };
    let path = dir.join(name);
    let written = match kind {
        // Streamed to the file rather than rendered into a String first: it is the largest
        // output (260 MB for 10,000 elements), and serializing it cannot fail.
        Emit::Json => stream(&path, |out| tmc::report::json_to(report, out)),
    };
    match written {
        Ok(()) => Ok(path),
        Err(error) => Err((path, error.to_string())),
    }
}

/// Creates `path` and lets `write` fill it through a large buffer.
fn stream(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    write(&mut out)?;
    out.flush()
}
