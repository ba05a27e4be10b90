//! Putting a build's files in place together.
//!
//! Every file is first written beside its final name, as a hidden temporary file
//! (`.threats.json.tmc-partial`); only when all of them have been written are they renamed into
//! place. A build that stops on the way (a renderer's error, Graphviz, a full disk, a file it
//! cannot create) removes its temporary files and the directories it created, so the previous
//! build's files stay as they were, none of them replaced and none half-written. Dropping a
//! [`Staging`] that was not committed does that cleaning, so an early return cannot skip it.

use std::path::{Path, PathBuf};

/// The most threads that put files in place: one per file for a single model's outputs.
const MOVING_THREADS: usize = 8;

#[derive(Default)]
pub struct Staging {
    /// (temporary, final) for every file, in the order they were added.
    files: Vec<(PathBuf, PathBuf)>,
    /// The directories this build created, outermost first.
    created: Vec<PathBuf>,
}

impl Staging {
    /// The hidden temporary file a build writes for `path`, beside it.
    pub fn temporary(path: &Path) -> PathBuf {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        path.with_file_name(format!(".{name}.tmc-partial"))
    }

    /// Creates `dir` and its missing parents, remembering which ones this build created.
    pub fn create_dir(&mut self, dir: &Path) -> Result<(), String> {
        let mut missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
        missing.reverse();
        self.created.extend(missing);
        Ok(())
    }

    /// Adds `path`, whose temporary file the caller writes; that temporary file's path.
    pub fn add(&mut self, path: &Path) -> PathBuf {
        let temporary = Self::temporary(path);
        self.files.push((temporary.clone(), path.to_path_buf()));
        temporary
    }

    /// Writes `text` as the temporary file of `path`, creating its folder when needed.
    pub fn write(&mut self, path: &Path, text: &str) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            self.create_dir(dir)?;
        }
        let temporary = self.add(path);
        std::fs::write(&temporary, text)
            .map_err(|error| format!("cannot write {}: {error}", temporary.display()))
    }

    /// Renames every temporary file into place; the final paths, in the order they were added.
    pub fn commit(mut self) -> Result<Vec<String>, String> {
        let files = std::mem::take(&mut self.files);
        // Removing a previous build's large file is the kernel freeing its pages, and on a
        // filesystem mounted with `discard` waiting for the disk to discard its blocks (50-100 ms
        // for each of a 10,000-element model's three reports): the large ones side by side.
        let per_thread = files.len().div_ceil(MOVING_THREADS).max(1);
        let replaced: Vec<Result<String, String>> = std::thread::scope(|threads| {
            let handles: Vec<_> = (files.chunks(per_thread))
                .map(|chunk| threads.spawn(move || chunk.iter().map(replace).collect::<Vec<_>>()))
                .collect();
            let joined = handles.into_iter().map(|handle| {
                (handle.join()).unwrap_or_else(|_| vec![Err("a file could not be moved".into())])
            });
            joined.flatten().collect()
        });
        if let Some(failure) = replaced.iter().find_map(|path| path.as_ref().err()) {
            for (temporary, _) in &files {
                // Best effort: those already moved are gone from here.
                let _ = std::fs::remove_file(temporary);
            }
            return Err(failure.clone());
        }
        // Every file is in place: nothing to clean up when `self` is dropped.
        self.created.clear();
        Ok(replaced.into_iter().flatten().collect())
    }
}

impl Drop for Staging {
    /// Not committed: removes the temporary files, then the directories this build created
    /// (only empty ones: anything else in them is not this build's).
    fn drop(&mut self) {
        for (temporary, _) in &self.files {
            // Best effort: a file that was never created is already gone.
            let _ = std::fs::remove_file(temporary);
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Moves the finished file `from` to `to`, replacing the previous build's file; `to` as text.
///
/// The previous file is removed first rather than renamed over: ext4 (`auto_da_alloc`, on by
/// default) starts writing a file back to disk at once when it is renamed over an existing
/// one, which made rebuilding a 1,000-element model into the same directory take about a
/// quarter longer (wall) than building it into a new one. The cost is a moment in which the old
/// file is gone and the new one not yet in place; both exist only after every file was written.
fn replace((from, to): &(PathBuf, PathBuf)) -> Result<String, String> {
    let moved = match std::fs::remove_file(to) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => std::fs::rename(from, to),
    };
    moved
        .map(|()| to.display().to_string())
        .map_err(|error| format!("cannot write {}: {error}", to.display()))
}
