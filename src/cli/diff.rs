//! `tmc diff OLD NEW` and `tmc diff --base GIT_REV FILE`: the threats added, removed and changed
//! between two versions of a model, as Markdown for a pull-request comment or as JSON.

use super::args::{DiffArgs, Format};
use super::check::{fails, options, print_human, shown, tally};
use super::fs::FsLoader;
use super::{FAILED, OK, USAGE};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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

    /// The file `name` (`./NAME` in `folder`, or a path from the top) at the revision. A
    /// symbolic link is followed inside the revision's tree, as the disk would follow it: `git
    /// show` would give the link's target path as if it were the file's text.
    fn show(&self, folder: &Path, name: &str) -> Result<Vec<u8>, String> {
        use std::io::Write;
        let object = format!("{}:{name}", self.revision);
        if name.contains(['\n', '\r']) {
            // `--batch` reads one object name per line; such a name is asked for on its own.
            return self.git_show(folder, &object);
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["cat-file", "--batch", "--follow-symlinks"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A write error shows as git's own failure below.
            let _ = writeln!(stdin, "{object}");
        }
        let output = child
            .wait_with_output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
        }
        match batch_blob(&output.stdout) {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(BatchAnswer::OutsideRepository(target)) => Err(format!(
                "at {} it is a symbolic link to `{}`, outside the repository",
                self.revision,
                printable(&target)
            )),
            // Missing, or not a file: `git show` says which, in words a user knows.
            Err(BatchAnswer::Other) => match self.git_show(folder, &object) {
                Ok(_) => Err(format!("not a file at {}", self.revision)),
                Err(message) => Err(message),
            },
        }
    }

    fn git_show(&self, folder: &Path, object: &str) -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["show", object])
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
        let inside = self.real_path(path)?;
        let relative = inside.strip_prefix(top.as_ref()?).ok()?;
        let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
        Some(parts.join("/"))
    }
}

/// `path` with the links in the part of it that still exists resolved, as git names the
/// repository's top (`/tmp` is a link on macOS; CI may check out under a linked folder).
fn physical(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |path, part| path.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// What `git cat-file --batch --follow-symlinks` answered, when it was not a file.
enum BatchAnswer {
    /// `symlink SIZE` and the target: a link that leaves the repository.
    OutsideRepository(String),
    /// `missing`, `dangling`, `loop`, `notdir`, or an object that is not a blob.
    Other,
}

/// The blob in a `--batch` answer: a header `OID blob SIZE`, then SIZE bytes.
fn batch_blob(answer: &[u8]) -> Result<&[u8], BatchAnswer> {
    let newline = answer
        .iter()
        .position(|&b| b == b'\n')
        .ok_or(BatchAnswer::Other)?;
    let (header, rest) = answer.split_at(newline);
    let header = String::from_utf8_lossy(header);
    let rest = rest.get(1..).unwrap_or_default();
    let words: Vec<&str> = header.split(' ').collect();
    match words.as_slice() {
        [_, "blob", size] => {
            let size: usize = size.parse().map_err(|_| BatchAnswer::Other)?;
            rest.get(..size).ok_or(BatchAnswer::Other)
        }
        ["symlink", _] => {
            let target = rest.strip_suffix(b"\n").unwrap_or(rest);
            Err(BatchAnswer::OutsideRepository(
                String::from_utf8_lossy(target).into_owned(),
            ))
        }
        _ => Err(BatchAnswer::Other),
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

impl Loader for GitLoader {
    /// Where the file would be in the working tree: the revision's files are compared with
    /// `--include-root` by the real paths of their folders, as the disk's are.
    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        let absolute = std::env::current_dir().ok()?.join(path);
        Some(physical(&tmc::load::normalize(&absolute)))
    }

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

/// The diagnostics of each version as JSON, each with `"version": "old"` or `"new"`.
fn versioned_json(sides: &[(&str, &Compilation)]) -> Vec<serde_json::Value> {
    (sides.iter())
        .flat_map(|(side, compilation)| {
            let values =
                tmc::diagnostics::to_json_values(&compilation.sources, &compilation.diagnostics);
            values.into_iter().map(move |mut value| {
                if let Some(fields) = value.as_object_mut() {
                    fields.insert("version".to_string(), (*side).into());
                }
                value
            })
        })
        .collect()
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
    // How messages name the two versions.
    let (old_label, new_label) = match (&args.base, args.files.as_slice()) {
        (Some(revision), [file]) => (
            format!("{}:{}", printable(revision), shown(file)),
            shown(file),
        ),
        (_, [old, new]) => (shown(old), shown(new)),
        _ => (String::new(), String::new()),
    };
    let (old, new): (Result<Compilation, i32>, Result<Compilation, i32>) = match (
        &args.base,
        args.files.as_slice(),
    ) {
        (Some(revision), _)
            if revision.starts_with('-')
                || revision.is_empty()
                || revision.chars().any(char::is_control) =>
        {
            // `git show` would take it for an option (`--output=FILE` writes a file).
            errln!(
                "error: --base takes a git revision (a commit, branch or tag), not `{revision}`"
            );
            return USAGE;
        }
        (Some(revision), [file]) => {
            let git = GitLoader::new(revision, file);
            (
                compile_side(&old_label, file, &git, &options),
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
    // The old version's warnings are history, not this change's: they are shown only when
    // that version does not compile. `--deny-warnings` is about the new version, as for `check`.
    let old_failed = old.report.is_none();
    let new_failed = fails(&new, &args.options);
    let shown_sides: Vec<(&str, &Compilation)> = [("old", &old), ("new", &new)]
        .into_iter()
        .filter(|(side, compilation)| {
            !compilation.diagnostics.is_empty() && (*side == "new" || old_failed)
        })
        .collect();
    match args.options.format {
        Format::Json => {
            // Each diagnostic with the version it is about (with `--base`, both name the same
            // file). When a version fails they are the result, on standard output, as
            // `tmc check` prints them; otherwise standard output is the diff's.
            let json = serde_json::to_string_pretty(&versioned_json(&shown_sides))
                .unwrap_or_else(|_| "[]".into());
            if old_failed || new_failed {
                outln!("{json}");
            } else if !shown_sides.is_empty() {
                errln!("{json}");
            }
        }
        Format::Human => {
            for (side, compilation) in &shown_sides {
                // Headed only when both show: the new version's are the usual case.
                if *side == "old" {
                    errln!("in the old version ({old_label}):");
                } else if old_failed {
                    errln!("in the new version ({new_label}):");
                }
                print_human(compilation, &args.options);
            }
        }
    }
    if old_failed {
        errln!("old version: failed ({})", tally(&old));
    }
    if new_failed {
        let reason = if new.report.is_some() {
            "; --deny-warnings"
        } else {
            ""
        };
        errln!("new version: failed ({}{reason})", tally(&new));
    }
    let (Some(old_report), Some(new_report), false) = (&old.report, &new.report, new_failed) else {
        return FAILED;
    };
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
