//! `tmc diff OLD NEW` and `tmc diff --base GIT_REV FILE`: the threats added, removed and changed
//! between two versions of a model, as Markdown for a pull-request comment or as JSON.

use super::args::{DiffArgs, Format};
use super::check::{fails, options, print_human, tally};
use super::fs::FsLoader;
use super::{FAILED, OK, USAGE};
use std::path::{Path, PathBuf};
use std::process::Command;
use tmc::compile::{compile, Compilation, Options};
use tmc::diagnostics::printable;
use tmc::load::Loader;

/// Reads files as they were at a git revision: `git -C DIR show REV:./NAME` for the file NAME
/// in folder DIR, so includes are taken from the same revision as the root, and a path works
/// whether it is relative or absolute and wherever tmc runs (CI passes `$GITHUB_WORKSPACE/...`).
/// A folder the working tree no longer has (the change moved or renamed it) is read by its
/// path from the top of the repository instead.
struct GitLoader {
    revision: String,
    /// The repository's top folder, found from the root file's folder when first needed.
    top: std::cell::OnceCell<Option<PathBuf>>,
    /// The root file's folder, where the repository is looked for.
    start: PathBuf,
}

impl GitLoader {
    fn new(revision: &str, root: &Path) -> GitLoader {
        GitLoader {
            revision: revision.to_string(),
            top: std::cell::OnceCell::new(),
            start: folder_of(root).to_path_buf(),
        }
    }

    fn show(&self, folder: &Path, name: &str) -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["show", &format!("{}:{name}", self.revision)])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// `path` from the top of the repository, worked out without the disk (its folder is
    /// gone); `None` outside the repository.
    fn path_in_repository(&self, path: &Path) -> Option<String> {
        let top = self.top.get_or_init(|| {
            let output = Command::new("git")
                .arg("-C")
                .arg(&self.start)
                .args(["rev-parse", "--show-toplevel"])
                .output()
                .ok()
                .filter(|output| output.status.success())?;
            let text = String::from_utf8(output.stdout).ok()?;
            Some(PathBuf::from(text.trim_end_matches(['\n', '\r'])))
        });
        let absolute = std::env::current_dir().ok()?.join(path);
        let inside = tmc::load::normalize(&absolute);
        let relative = inside.strip_prefix(top.as_ref()?).ok()?;
        let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
        Some(parts.join("/"))
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

impl Loader for GitLoader {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        let folder = folder_of(path);
        if !folder.is_dir() {
            // `REV:PATH` without `./` is PATH from the top of the repository.
            if let Some(name) = self.path_in_repository(path) {
                return self.show(&self.start, &name);
            }
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        self.show(folder, &format!("./{name}"))
    }
}

fn compile_side(
    label: &str,
    file: &Path,
    loader: &dyn Loader,
    options: &Options,
) -> Result<Compilation, i32> {
    compile(file, loader, options).map_err(|error| {
        errln!("error: {label}: {error}");
        USAGE
    })
}

pub fn diff(args: &DiffArgs) -> i32 {
    let options = match options(&args.options) {
        Ok(options) => options,
        Err(message) => {
            errln!("error: {message}");
            return USAGE;
        }
    };
    let (old, new): (Result<Compilation, i32>, Result<Compilation, i32>) = match (
        &args.base,
        args.files.as_slice(),
    ) {
        (Some(revision), _) if revision.starts_with('-') || revision.is_empty() => {
            // `git show` would take it for an option (`--output=FILE` writes a file).
            errln!(
                "error: --base takes a git revision (a commit, branch or tag), not `{revision}`"
            );
            return USAGE;
        }
        (Some(revision), [file]) => {
            let git = GitLoader::new(revision, file);
            (
                compile_side(
                    &format!("{revision}:{}", file.display()),
                    file,
                    &git,
                    &options,
                ),
                compile_side("new", file, &FsLoader, &options),
            )
        }
        (None, [old, new]) => (
            compile_side("old", old, &FsLoader, &options),
            compile_side("new", new, &FsLoader, &options),
        ),
        (Some(_), _) => {
            errln!("error: with --base, give one FILE: the model to compare with its version at that revision");
            return USAGE;
        }
        (None, _) => {
            errln!("error: give two files (OLD NEW), or one FILE with --base GIT_REV");
            return USAGE;
        }
    };
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let mut reports = Vec::new();
    let failed = |compilation: &Compilation| compilation.report.is_none();
    let json_failure = args.options.format == Format::Json && (failed(&old) || failed(&new));
    if json_failure {
        // What a tool reading the JSON needs is why: the diagnostics, as `tmc check` prints them,
        // each with the version it is about (with `--base`, both name the same file).
        let json: Vec<serde_json::Value> = [("old", &old), ("new", &new)]
            .into_iter()
            .flat_map(|(side, compilation)| {
                let values = tmc::diagnostics::to_json_values(
                    &compilation.sources,
                    &compilation.diagnostics,
                );
                values.into_iter().map(move |mut value| {
                    if let Some(fields) = value.as_object_mut() {
                        fields.insert("version".to_string(), side.into());
                    }
                    value
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into())
        );
    }
    for (side, compilation) in [("old", &old), ("new", &new)] {
        if !json_failure && !compilation.diagnostics.is_empty() {
            print_human(compilation, &args.options);
        }
        match &compilation.report {
            Some(report) => reports.push(report),
            None => {
                errln!("{side} version: failed ({})", tally(compilation));
                return FAILED;
            }
        }
    }
    let [old_report, new_report] = reports.as_slice() else {
        return FAILED;
    };
    // As for `check` and `build`; the old version's warnings are history, not this change's.
    if fails(&new, &args.options) {
        errln!("new version: failed ({}; --deny-warnings)", tally(&new));
        return FAILED;
    }
    // Elements the new version renamed (`formerly`): their threats are the same threats.
    let renamed: std::collections::BTreeMap<String, String> = (new.model.renamed.iter())
        .filter_map(|(old, index)| {
            let element = new.model.element(*index)?;
            Some((old.clone(), element.id.clone()))
        })
        .collect();
    let diff = tmc::diff::diff_renamed(old_report, new_report, &renamed);
    match args.options.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&diff).unwrap_or_default()
        ),
        Format::Human => out!("{}", diff.markdown(&new_report.model.name)),
    }
    let Some(level) = args.fail_on_new.map(|s| s.level()) else {
        return OK;
    };
    let newly_open = diff.new_open_at_or_above(level);
    if newly_open.is_empty() {
        return OK;
    }
    errln!(
        "{} threat{} newly open at or above {level} (added, reopened or raised):",
        newly_open.len(),
        if newly_open.len() == 1 { "" } else { "s" }
    );
    for threat in newly_open {
        errln!(
            "  {:<8} {}  {}",
            threat.severity.word(),
            printable(&threat.id),
            printable(&threat.title)
        );
    }
    FAILED
}
