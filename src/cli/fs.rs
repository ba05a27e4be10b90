//! The filesystem loader: the library's `Loader` over real files.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use tmc::load::Loader;
use tmc::source::MAX_FILE_BYTES;

pub struct FsLoader;

impl Loader for FsLoader {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        read_at_most(path, MAX_FILE_BYTES as u64)
    }

    fn size(&self, path: &Path) -> Option<u64> {
        std::fs::metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|metadata| metadata.len())
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }
}

/// The bytes of the file at `path`, at most `limit` of them and one more when it is longer
/// (so the caller can tell it is). Pipes, sockets and devices are refused before they are
/// opened: opening a FIFO waits for a writer, and a device such as `/dev/zero` never ends.
pub fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(describe)?;
    if !metadata.is_file() && !metadata.is_dir() {
        return Err("not a regular file (a pipe, socket or device)".to_string());
    }
    let file = File::open(path).map_err(describe)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len().min(limit)).unwrap_or(0));
    (file.take(limit.saturating_add(1)))
        .read_to_end(&mut bytes)
        .map_err(describe)?;
    Ok(bytes)
}

fn describe(error: std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => error.to_string(),
    }
}
