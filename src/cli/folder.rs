//! `tmc build FOLDER -o OUT`: every root model in FOLDER, each built like a single model into
//! `OUT/<its path without .tm>/`, and an index of them all (`OUT/index.md`, `OUT/index.html`).
//!
//! A root is a `.tm` file under FOLDER that no other `.tm` file there names with `include` or
//! `use "..."`. The folder is walked in sorted order (hidden entries and links to folders are
//! skipped), so the models and the index are in the same order on every machine. Every root is
//! compiled before anything is written: when any fails, nothing is written at all.

use super::args::{BuildArgs, Emit, Format, SharedOptions};
use super::build::{print_json, render_all, report_diagnostics};
use super::check::{compile_in_folder, fails, shown, tally};
use super::staging::Staging;
use super::{FAILED, OK, USAGE};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tmc::compile::Compilation;
use tmc::load::referenced_files;
use tmc::report::{IndexEntry, Links, Templates};
use tmc::syntax::ParseLimits;

pub fn build(args: &BuildArgs, emits: &[Emit], templates: &Templates) -> i32 {
    let folder = &args.file;
    if args.diagram_scope.is_some() {
        errln!(
            "error: --diagram-scope draws one boundary of one model; it cannot be used when building a folder"
        );
        return USAGE;
    }
    // A bad --today would otherwise be reported once per model.
    let options = match super::check::options(&args.options) {
        Ok(options) => options,
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };
    let roots = match roots_of(folder, &args.options) {
        Ok(roots) => roots,
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };

    // Compile every model before writing anything.
    let mut models: Vec<(PathBuf, Compilation)> = Vec::with_capacity(roots.len());
    let mut json = Vec::new();
    let mut failed = 0;
    let mut status = OK;
    for root in roots {
        let path = folder.join(&root);
        let compilation = match compile_in_folder(&path, &options, Some(folder)) {
            Ok(compilation) => compilation,
            Err(code) => {
                status = status.max(code);
                continue;
            }
        };
        report_diagnostics(&compilation, &args.options, &mut json);
        if compilation.report.is_none() || fails(&compilation, &args.options) {
            failed += 1;
            errln!("{}: failed ({})", shown(&path), tally(&compilation));
        } else {
            errln!("{}: ok ({})", shown(&path), tally(&compilation));
        }
        models.push((root, compilation));
    }
    if args.options.format == Format::Json {
        print_json(&json);
    }
    if status != OK {
        return status;
    }
    if failed > 0 {
        errln!(
            "{}: {failed} of {} models failed; nothing written",
            folder.display(),
            models.len()
        );
        return FAILED;
    }

    // Render every file into memory, then write.
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    let mut entries = Vec::with_capacity(models.len());
    let sources: Vec<(String, String, PathBuf)> = models
        .iter()
        .map(|(root, _)| {
            let dir = root.with_extension("");
            (slashes(root), slashes(&dir), dir)
        })
        .collect();
    for ((root, compilation), (source, dir, dir_path)) in models.iter().zip(&sources) {
        let Some(report) = &compilation.report else {
            continue;
        };
        let rendered = match render_all(
            emits,
            report,
            templates,
            args.drawing(),
            &mut super::build::Svg::default(),
        ) {
            Ok(rendered) => rendered,
            Err(message) => {
                errln!("error: {}: {message}", shown(&folder.join(root)));
                return USAGE;
            }
        };
        let out_dir = args.out.join(dir_path);
        super::build::warn_of_code_scanning_limit(emits, report, &out_dir);
        outputs.extend(
            rendered
                .into_iter()
                .map(|(name, text)| (out_dir.join(name), text)),
        );
        entries.push(IndexEntry {
            report,
            source,
            dir,
            dir_path,
        });
    }
    let links = Links {
        md: emits.contains(&Emit::Md),
        html: emits.contains(&Emit::Html),
    };
    for (name, index) in [
        (
            "index.md",
            tmc::report::index_md(&entries, links, templates),
        ),
        (
            "index.html",
            tmc::report::index_html(&entries, links, templates),
        ),
    ] {
        match index {
            Ok(text) => outputs.push((args.out.join(name), text)),
            Err(error) => {
                errln!("error: cannot render {name}: {error}");
                return USAGE;
            }
        }
    }
    let sources: Vec<&tmc::source::SourceMap> = models
        .iter()
        .map(|(_, compilation)| &compilation.sources)
        .collect();
    let checked = super::build::check_destinations(outputs.iter().map(|(path, _)| path.as_path()))
        .and_then(|()| {
            super::build::check_not_sources(
                outputs.iter().map(|(path, _)| path.as_path()),
                &sources,
            )
        });
    if let Err(message) = checked {
        errln!("error: {message}; nothing written");
        return USAGE;
    }
    let mut staging = Staging::default();
    let staged = outputs
        .iter()
        .try_for_each(|(path, text)| staging.write(path, text));
    match staged.and_then(|()| staging.commit()) {
        Ok(written) => errln!(
            "{}: {} {} ok; wrote {} files into {} (index: {})",
            folder.display(),
            entries.len(),
            if entries.len() == 1 {
                "model"
            } else {
                "models"
            },
            written.len(),
            args.out.display(),
            args.out.join("index.html").display()
        ),
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    }
    // As for a single build: the process ends next, so skip freeing the models.
    std::mem::forget(models);
    OK
}

/// The message for a folder without a `.tm` file: a wrong path, not a clean run.
pub fn no_models(folder: &Path) -> String {
    format!("there is no .tm file under {}", folder.display())
}

/// The root models under `folder`, relative to it, in sorted order; an error when there is no
/// `.tm` file under it.
pub fn roots_of(folder: &Path, options: &SharedOptions) -> Result<Vec<PathBuf>, String> {
    let files = tm_files(folder)?;
    if files.is_empty() {
        return Err(no_models(folder));
    }
    // Not empty: a file no root reaches is made one.
    roots(folder, &files, options)
}

/// `paths` with each folder replaced by the root models under it (see [`roots_of`]), each with
/// the folder it was found in (its includes may reach anywhere in it).
pub fn expand(
    paths: &[PathBuf],
    options: &SharedOptions,
) -> Result<Vec<(PathBuf, Option<PathBuf>)>, String> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        if path.is_dir() {
            out.extend(
                roots_of(path, options)?
                    .into_iter()
                    .map(|root| (path.join(root), Some(path.clone()))),
            );
        } else {
            out.push((path.clone(), None));
        }
    }
    Ok(out)
}

/// The `.tm` files under `folder`, as paths relative to it, in sorted order (see [`walk`]),
/// each file once: a link to a file listed under its own name is left out.
pub fn tm_files(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let real_folder = std::fs::canonicalize(folder)
        .map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
    let mut found = Vec::new();
    walk(folder, &real_folder, Path::new(""), &mut found)?;
    let files: BTreeSet<&Path> = found
        .iter()
        .filter(|file| !file.is_link)
        .map(|file| file.real.as_path())
        .collect();
    let mut links = BTreeSet::new();
    Ok(found
        .iter()
        .filter(|file| {
            !file.is_link || !files.contains(file.real.as_path()) && links.insert(&file.real)
        })
        .map(|file| file.relative.clone())
        .collect())
}

/// A `.tm` file found by [`walk`].
struct Found {
    /// Relative to the folder walked.
    relative: PathBuf,
    /// Where it really is, links followed.
    real: PathBuf,
    is_link: bool,
}

/// Appends the `.tm` files under `root.join(dir)` to `files`, in sorted order. Entries whose
/// names start with `.` are skipped, and links to folders are not followed (so a link cannot
/// make the walk loop). A link to a file outside the folder (`real_root`) is skipped with a
/// warning: a pull request that adds `notes.tm -> /etc/passwd` must not get that file read into
/// a CI log as a model's syntax errors, or rewritten by `tmc fmt`.
fn walk(root: &Path, real_root: &Path, dir: &Path, files: &mut Vec<Found>) -> Result<(), String> {
    let here = root.join(dir);
    let entries =
        std::fs::read_dir(&here).map_err(|e| format!("cannot read {}: {e}", here.display()))?;
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", here.display()))?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let relative = dir.join(&name);
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            walk(root, real_root, &relative, files)?;
            continue;
        }
        if Path::new(&name).extension() != Some("tm".as_ref()) {
            continue;
        }
        let path = entry.path();
        // A pipe, a device or a link to nothing (or to a folder) is no model: left out, but said,
        // as a file that vanished from the list would otherwise go unnoticed.
        if !path.is_file() {
            errln!(
                "warning: {} is not a file (a pipe, a device, a link to a folder or to nothing); it is left out",
                shown(&path)
            );
            continue;
        }
        let real = std::fs::canonicalize(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let is_link = kind.is_symlink();
        if is_link && !real.starts_with(real_root) {
            errln!(
                "warning: {} is a link to a file outside {}; it is left out (name the file itself to use it)",
                shown(&path),
                shown(root)
            );
            continue;
        }
        files.push(Found {
            relative,
            real,
            is_link,
        });
    }
    Ok(())
}

/// The files (relative to `folder`) that no file in `files` includes or uses, in `files` order;
/// and, of files in an include cycle that no such file reaches, the first in `files` order of
/// each cycle (so compiling it reports the cycle, where leaving it out would skip it silently).
fn roots(
    folder: &Path,
    files: &[PathBuf],
    options: &SharedOptions,
) -> Result<Vec<PathBuf>, String> {
    let limits = ParseLimits {
        max_depth: options.max_depth,
        max_string_length: options.max_string_length,
    };
    // Files are told apart by where they really are, as the loader does: `include
    // "lnk/part.tm"` through a link, or `"../in/part.tm"`, names `in/part.tm`.
    let key = |file: &Path| {
        let path = folder.join(file);
        std::fs::canonicalize(&path).unwrap_or_else(|_| tmc::load::normalize(&path))
    };
    let mut names: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for file in files {
        let path = folder.join(file);
        // A file over the limit is refused when it is compiled; its start is enough here.
        let bytes = super::fs::read_at_most(&path, options.max_file_size as u64)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // A file that is not UTF-8 names nothing; compiling it reports the problem.
        let text = String::from_utf8_lossy(&bytes);
        let named = referenced_files(file, &text, limits);
        names.insert(key(file), named.iter().map(|named| key(named)).collect());
    }
    let named: BTreeSet<&PathBuf> = names.values().flatten().collect();
    let mut roots: Vec<&PathBuf> = files
        .iter()
        .filter(|file| !named.contains(&key(file)))
        .collect();
    let mut reached = BTreeSet::new();
    let reach = |from: PathBuf, reached: &mut BTreeSet<PathBuf>| {
        let mut stack = vec![from];
        while let Some(file) = stack.pop() {
            if let Some(next) = names.get(&file).filter(|_| reached.insert(file.clone())) {
                stack.extend(next.iter().cloned());
            }
        }
    };
    for root in &roots {
        reach(key(root), &mut reached);
    }
    for file in files {
        let key = key(file);
        if !reached.contains(&key) {
            roots.push(file);
            reach(key, &mut reached);
        }
    }
    roots.sort_by_key(|root| files.iter().position(|file| file == *root));
    Ok(roots.into_iter().cloned().collect())
}

/// A relative path with `/` between its parts, for the index and its links.
fn slashes(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
