//! The filesystem loader: the library's `Loader` over real files.

use std::path::{Path, PathBuf};
use tmc::load::Loader;

pub struct FsLoader;

impl Loader for FsLoader {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => error.to_string(),
        })
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }
}
