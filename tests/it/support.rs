//! Shared test helpers: a disk loader and one-call compilation.

use std::path::{Path, PathBuf};
use tmc::compile::{compile, Compilation, Options};
use tmc::load::Loader;

/// Reads real files, as the CLI does.
pub struct DiskLoader;

impl Loader for DiskLoader {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| e.to_string())
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }
}

/// The repository root (tests run with the package root as the working directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Options with a pinned "today" so acceptances lapse the same way every run.
pub fn options() -> Options {
    let mut options = Options::default();
    options.rules.today = Some("2026-11-23".to_string());
    options
}

/// Compiles a file given relative to the repository root (paths in output stay relative).
pub fn compile_path(relative: &str, options: &Options) -> Compilation {
    let previous = std::env::current_dir().ok();
    assert_eq!(
        previous.as_deref(),
        Some(root().as_path()),
        "tests must run from the package root"
    );
    match compile(Path::new(relative), &DiskLoader, options) {
        Ok(compilation) => compilation,
        Err(error) => panic!("{error}"),
    }
}

/// Every file under `dir` with the extension, sorted.
pub fn files_under(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The `tmc` binary, run from the repository root, colour left to the flags.
pub fn tmc() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"));
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

/// A fresh, empty directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tmc-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}
