//! Putting a build's files in place together.
//!
//! Every file is first written beside its final name, as a hidden temporary file
//! (`.threats.json.tmc-partial`); only when all of them have been written are they put in
//! place. A build that stops on the way (a renderer's error, Graphviz, a full disk, a file it
//! cannot create) removes its temporary files and the directories it created, so the previous
//! build's files stay as they were, none of them replaced and none half-written. Dropping a
//! [`Staging`] that was not committed does that cleaning, so an early return cannot skip it.
//! Putting the files in place moves the previous ones aside first, so that a rename refused
//! half-way (a file made immutable) can put every previous file back.

use std::path::{Path, PathBuf};

/// The most threads that remove previous files: one per file for a single model's outputs.
const MOVING_THREADS: usize = 8;

#[derive(Default)]
pub struct Staging {
    /// (temporary, final) for every file, in the order they were added.
    files: Vec<(PathBuf, PathBuf)>,
    /// The directories this build created, outermost first.
    created: Vec<PathBuf>,
}

impl Staging {
    /// Creates `dir` and its missing parents, remembering which ones this build created.
    pub fn create_dir(&mut self, dir: &Path) -> Result<(), String> {
        let mut missing: Vec<&Path> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .collect();
        // One at a time, outermost first, so that those made before a failure are removed too.
        while let Some(folder) = missing.pop() {
            match std::fs::create_dir(folder) {
                Ok(()) => self.created.push(folder.to_path_buf()),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(format!("cannot create {}: {error}", folder.display())),
            }
        }
        if dir.is_dir() {
            return Ok(());
        }
        Err(format!("cannot create {}: not a directory", dir.display()))
    }

    /// Adds `path`, whose temporary file (hidden, beside it) the caller writes; that temporary
    /// file's path.
    pub fn add(&mut self, path: &Path) -> PathBuf {
        let temporary = beside(path, "tmc-partial");
        self.files.push((temporary.clone(), path.to_path_buf()));
        temporary
    }

    /// Writes `text` as the temporary file of `path`, creating its folder when needed.
    pub fn write(&mut self, path: &Path, text: &str) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            self.create_dir(dir)?;
        }
        let temporary = self.add(path);
        create_new(&temporary)
            .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()))
            .map_err(|error| format!("cannot write {}: {error}", temporary.display()))
    }

    /// Puts every file in place; the final paths, in the order they were added.
    ///
    /// The previous files are moved aside (`.threats.json.tmc-previous`), the new ones renamed
    /// to their names, and only then are the previous ones removed; when a rename is refused,
    /// the new files go and the previous ones come back. Renaming onto a name that no longer
    /// exists also keeps ext4 (`auto_da_alloc`, on by default) from writing each new file back
    /// to disk at once, as it does when a file is renamed over another: that made rebuilding a
    /// 1,000-element model into the same directory take about a quarter longer.
    pub fn commit(mut self) -> Result<Vec<String>, String> {
        let files = std::mem::take(&mut self.files);
        let mut aside: Vec<(&Path, PathBuf)> = Vec::new();
        let mut placed: Vec<&Path> = Vec::new();
        if let Err(message) = put_in_place(&files, &mut aside, &mut placed) {
            for &path in &placed {
                let _ = std::fs::remove_file(path);
            }
            for (path, previous) in &aside {
                let _ = std::fs::rename(previous, path);
            }
            for (temporary, _) in &files {
                let _ = std::fs::remove_file(temporary);
            }
            return Err(message);
        }
        // Every file is in place: nothing to clean up when `self` is dropped.
        self.created.clear();
        remove_side_by_side(aside.iter().map(|(_, previous)| previous.as_path()));
        Ok(files
            .iter()
            .map(|(_, to)| to.display().to_string())
            .collect())
    }
}

/// Moves each previous file in `files` aside, then each new one into place, recording both
/// for [`Staging::commit`] to undo; stops at the first refusal.
fn put_in_place<'a>(
    files: &'a [(PathBuf, PathBuf)],
    aside: &mut Vec<(&'a Path, PathBuf)>,
    placed: &mut Vec<&'a Path>,
) -> Result<(), String> {
    let cannot =
        |path: &Path, error: std::io::Error| format!("cannot write {}: {error}", path.display());
    for (_, path) in files {
        if path.symlink_metadata().is_ok() {
            let previous = beside(path, "tmc-previous");
            std::fs::rename(path, &previous).map_err(|error| cannot(path, error))?;
            aside.push((path, previous));
        }
    }
    for (temporary, path) in files {
        std::fs::rename(temporary, path).map_err(|error| cannot(path, error))?;
        placed.push(path);
    }
    Ok(())
}

/// Removes `paths`, best effort. Removing a previous build's large file is the kernel freeing
/// its pages, and on a filesystem mounted with `discard` waiting for the disk to discard its
/// blocks (45-105 ms for each of a 10,000-element model's three reports): side by side.
fn remove_side_by_side<'a>(paths: impl Iterator<Item = &'a Path>) {
    let paths: Vec<&Path> = paths.collect();
    let per_thread = paths.len().div_ceil(MOVING_THREADS).max(1);
    std::thread::scope(|threads| {
        for chunk in paths.chunks(per_thread) {
            threads.spawn(move || {
                for path in chunk {
                    let _ = std::fs::remove_file(path);
                }
            });
        }
    });
}

/// `path` with its name hidden and given the suffix `suffix`: `.NAME.SUFFIX`, beside it.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{suffix}"))
}

/// Creates the temporary file `path` for writing. One left there before (by a build that was
/// killed, or planted: a symbolic link would have the build write through it, outside the
/// output directory) is removed first, and the new one is created only if nothing else took
/// its name in between.
pub fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
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
