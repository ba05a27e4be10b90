//! Stage 2: load. Reads the root file, follows `include` and `use` through a `Loader` (the disk
//! in the CLI, memory in tests and the fuzzer), and parses every file once. The stdlib packs are
//! embedded and shown to people as `<stdlib/NAME.tm>`.
//!
//! Invariants: a file is loaded once however often it is included; an include cycle is reported
//! with every include in it; no include reaches outside the root file's directory unless allowed.

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span, MAX_FILE_BYTES};
use crate::syntax::{self, ast, ParseLimits};
use crate::Map;
use std::path::{Component, Path, PathBuf};

/// The built-in rule packs, embedded in the binary.
pub const STDLIB: &[(&str, &str)] = &[
    ("stride", include_str!("../stdlib/stride.tm")),
    ("llm", include_str!("../stdlib/llm.tm")),
];

/// Packs that every model uses without saying so.
pub const DEFAULT_PACKS: &[&str] = &["stride"];

/// Where the compiler reads files from.
pub trait Loader {
    /// The bytes of a file, or a message saying why it could not be read.
    fn read(&self, path: &Path) -> Result<Vec<u8>, String>;

    /// The size of a file in bytes, when the loader can tell without reading it: a file over
    /// `--max-file-size` is then refused before it is read into memory.
    fn size(&self, _path: &Path) -> Option<u64> {
        None
    }

    /// The path with links resolved, to check where an include really points; `None` when
    /// the loader has no such notion (memory) or the file does not exist.
    fn real_path(&self, _path: &Path) -> Option<PathBuf> {
        None
    }
}

/// Files kept in memory, for tests and the fuzzer.
#[derive(Debug, Default, Clone)]
pub struct MemoryLoader {
    files: Map<PathBuf, Vec<u8>>,
}

impl MemoryLoader {
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<Vec<u8>>) -> MemoryLoader {
        self.files.insert(normalize(path.as_ref()), text.into());
        self
    }

    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl Into<Vec<u8>>) {
        self.files.insert(normalize(path.as_ref()), text.into());
    }
}

impl Loader for MemoryLoader {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| "no such file".to_string())
    }
}

/// Limits and permissions for loading.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub parse: ParseLimits,
    /// Let includes reach outside the root file's directory tree.
    pub allow_outside_includes: bool,
    /// The folder includes may reach anywhere inside, instead of the root file's own: a folder
    /// build's folder, whose models share files in sibling folders (`../shared/common.tm`).
    pub include_root: Option<PathBuf>,
    /// Largest file, in bytes.
    pub max_file_size: usize,
    /// Most files one model may load (includes and rule files, not the stdlib).
    pub max_files: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            parse: ParseLimits::default(),
            allow_outside_includes: false,
            include_root: None,
            max_file_size: 16 * 1024 * 1024,
            max_files: 1000,
        }
    }
}

/// How a file joined the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Root,
    Include,
    /// A rule pack: a stdlib name (`stride`) or the path a `use` gave.
    Pack(String),
}

#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub id: FileId,
    pub origin: Origin,
    pub ast: ast::File,
}

/// Every file of the model, parsed, in load order (root first, then depth-first).
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<LoadedFile>,
    /// The file each `include` or `use "file"` statement brought in, by the statement's span.
    pub includes: Map<Span, FileId>,
}

impl Loaded {
    pub fn file(&self, id: FileId) -> Option<&LoadedFile> {
        self.files.iter().find(|f| f.id == id)
    }

    pub fn root(&self) -> Option<&LoadedFile> {
        self.files.iter().find(|f| f.origin == Origin::Root)
    }
}

/// The root file could not be read at all: an environment error, not a diagnostic.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {reason}")]
pub struct RootUnreadable {
    pub path: String,
    pub reason: String,
}

/// Removes `.` and resolves `..` without touching the disk: `a/../b` is `b`, `../../b` stays
/// `../../b`, and `/..` is `/`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files a `.tm` file names with `include "..."` and `use "..."` (at any depth), resolved
/// against the file's directory and normalized, in source order; `path` is where the file is
/// (relative paths give relative results). Built-in packs (`use stride`) are not files and are
/// left out. Of a file that does not parse, the lines that start `include "` or `use "` are
/// read: a model with a syntax error still names its parts (which are then not taken for
/// models), and its errors show when it is compiled.
pub fn referenced_files(path: &Path, text: &str, limits: ParseLimits) -> Vec<PathBuf> {
    let mut sources = SourceMap::new();
    let mut sink = Diagnostics::new();
    let file = sources.add(path.display().to_string(), text);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = Vec::new();
    match syntax::parse(file, text, limits, &mut sink) {
        Some(ast) => collect_references(&ast.items, &dir, &mut out),
        None => {
            for line in text.lines() {
                let line = line.trim_start();
                let quoted = ["include", "use"]
                    .iter()
                    .find_map(|keyword| line.strip_prefix(keyword))
                    .map(str::trim_start)
                    .and_then(|rest| rest.strip_prefix('"'))
                    .and_then(|rest| rest.split_once('"'));
                if let Some((name, _)) = quoted.filter(|(name, _)| !name.contains('\\')) {
                    out.push(normalize(&dir.join(name)));
                }
            }
        }
    }
    out
}

fn collect_references(items: &[ast::Item], dir: &Path, out: &mut Vec<PathBuf>) {
    for item in items {
        match item {
            ast::Item::Include(include) => out.push(normalize(&dir.join(&include.path.value))),
            ast::Item::Use(ast::Use {
                target: ast::UseTarget::File(path),
                ..
            }) => out.push(normalize(&dir.join(&path.value))),
            ast::Item::Element(element) => collect_references(&element.children, dir, out),
            _ => {}
        }
    }
}

struct LoadState<'a> {
    loader: &'a dyn Loader,
    options: LoadOptions,
    sources: &'a mut SourceMap,
    sink: &'a mut Diagnostics,
    root_dir: PathBuf,
    real_root_dir: Option<PathBuf>,
    /// Files loaded so far, by [`LoadState::key`].
    by_path: Map<PathBuf, FileId>,
    stdlib_loaded: Map<&'static str, FileId>,
    /// The includes currently being followed, for cycle reports.
    stack: Vec<(PathBuf, Option<Span>)>,
    loaded: Loaded,
    file_count: usize,
}

/// Loads the model rooted at `root`. `Err` only when the root itself cannot be read.
pub fn load(
    root: &Path,
    loader: &dyn Loader,
    options: LoadOptions,
    sources: &mut SourceMap,
    sink: &mut Diagnostics,
) -> Result<Loaded, RootUnreadable> {
    let root_norm = normalize(root);
    let (root_dir, real_root_dir) = match &options.include_root {
        Some(folder) => (normalize(folder), loader.real_path(folder)),
        None => (
            root_norm
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            loader
                .real_path(root)
                .and_then(|p| p.parent().map(Path::to_path_buf)),
        ),
    };
    let mut state = LoadState {
        loader,
        options,
        sources,
        sink,
        root_dir,
        real_root_dir,
        by_path: Map::default(),
        stdlib_loaded: Map::default(),
        stack: Vec::new(),
        loaded: Loaded::default(),
        file_count: 0,
    };
    if let Some(size) = loader.size(root).filter(|&size| state.too_large(size)) {
        state.file_count += 1;
        state.refuse_large(&root_norm, size, None);
        return Ok(state.loaded);
    }
    let bytes = loader.read(root).map_err(|reason| RootUnreadable {
        path: root.display().to_string(),
        reason,
    })?;
    // Checked once the root is known to exist, so a missing file is reported as missing.
    if let Some(folder) = &state.options.include_root {
        if !state.inside_root(root) {
            // A link under the folder that leads out of it: say where it leads.
            let in_place = (root.parent().zip(root.file_name())).and_then(|(folder, name)| {
                let folder = if folder.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    folder
                };
                loader.real_path(folder).map(|real| real.join(name))
            });
            let really = match loader.real_path(root) {
                Some(real) if Some(&real) != in_place.as_ref() => {
                    format!(" (it leads to {})", real.display())
                }
                _ => String::new(),
            };
            return Err(RootUnreadable {
                path: root.display().to_string(),
                reason: format!(
                    "it is not under {}, the folder its includes may read (--include-root){really}",
                    folder.display()
                ),
            });
        }
    }
    state.add_file(root_norm, bytes, Origin::Root, None);
    for pack in DEFAULT_PACKS {
        state.use_builtin(pack, None);
    }
    Ok(state.loaded)
}

impl LoadState<'_> {
    /// The most bytes one file may have.
    fn size_limit(&self) -> usize {
        self.options.max_file_size.min(MAX_FILE_BYTES)
    }

    fn too_large(&self, size: u64) -> bool {
        size > self.size_limit() as u64
    }

    /// Reports that the file at `path`, of `size` bytes, is over the limit (`from`: where it is
    /// included).
    fn refuse_large(&mut self, path: &Path, size: u64, from: Option<Span>) {
        let file = self.sources.add(path.display().to_string(), String::new());
        let mut diagnostic = Diagnostic::new(
            codes::E0016,
            from.unwrap_or(Span::new(file, 0, 0)),
            format!(
                "`{}` is {size} bytes, over the limit of {} bytes",
                path.display(),
                self.size_limit()
            ),
        )
        .with_help(
            "split the model into included files, or raise the limit with `--max-file-size`",
        );
        if from.is_some() {
            diagnostic = diagnostic.label("included here");
        }
        self.sink.push(diagnostic);
    }

    fn add_file(&mut self, path: PathBuf, bytes: Vec<u8>, origin: Origin, from: Option<Span>) {
        let display = path.display().to_string();
        self.file_count += 1;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
                let file = self.sources.add(display, lossy);
                let at = valid.min(self.sources.text(file).len());
                self.sink.push(
                    Diagnostic::new(
                        codes::E0015,
                        Span::new(file, at, at),
                        "file is not valid UTF-8",
                    )
                    .label("the first invalid byte is here")
                    .with_help("save the file as UTF-8"),
                );
                return;
            }
        };
        if self.too_large(text.len() as u64) {
            self.refuse_large(&path, text.len() as u64, from);
            return;
        }
        let file = self.sources.add(display, text);
        let key = self.key(&path);
        self.by_path.insert(key.clone(), file);
        if let Some(at) = from {
            self.loaded.includes.insert(at, file);
        }
        // Borrowed, not copied: the sources and the diagnostics are separate fields.
        let text = self.sources.text(file);
        let Some(ast) = syntax::parse(file, text, self.options.parse, self.sink) else {
            return;
        };
        self.stack.push((key, from));
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.follow(&ast.items, &dir);
        self.stack.pop();
        self.loaded.files.push(LoadedFile {
            id: file,
            origin,
            ast,
        });
    }

    fn follow(&mut self, items: &[ast::Item], dir: &Path) {
        for item in items {
            match item {
                ast::Item::Include(include) => {
                    self.include(&include.path, dir, include.span, Origin::Include);
                }
                ast::Item::Use(usage) => match &usage.target {
                    ast::UseTarget::Builtin(name) => self.use_builtin(&name.text, Some(name.span)),
                    ast::UseTarget::File(path) => {
                        self.include(path, dir, usage.span, Origin::Pack(path.value.clone()))
                    }
                },
                ast::Item::Element(element) => self.follow(&element.children, dir),
                _ => {}
            }
        }
    }

    fn use_builtin(&mut self, name: &str, at: Option<Span>) {
        let Some((pack, text)) = STDLIB.iter().find(|(pack, _)| *pack == name) else {
            if let Some(span) = at {
                let names: Vec<&str> = STDLIB.iter().map(|(n, _)| *n).collect();
                self.sink.push(
                    Diagnostic::new(codes::E0009, span, format!("there is no built-in rule pack `{name}`"))
                        .label("unknown pack")
                        .with_suggestion(name, names.iter().copied())
                        .or_help(format!(
                            "the built-in packs are {}; a pack of your own is `use \"path/to/rules.tm\"`",
                            names.join(", ")
                        )),
                );
            }
            return;
        };
        if self.stdlib_loaded.contains_key(pack) {
            return;
        }
        let file = self.sources.add(format!("<stdlib/{pack}.tm>"), *text);
        self.stdlib_loaded.insert(pack, file);
        // The stdlib ships inside the binary: the user's limits are for their files, not for it.
        if let Some(ast) = syntax::parse(file, text, ParseLimits::default(), self.sink) {
            self.loaded.files.push(LoadedFile {
                id: file,
                origin: Origin::Pack((*pack).to_string()),
                ast,
            });
        }
    }

    /// The key a file is known by: where it really is when the loader can tell (a link, or a
    /// second path through `..`, is the file it leads to), else its normalized path.
    fn key(&self, path: &Path) -> PathBuf {
        self.loader
            .real_path(path)
            .unwrap_or_else(|| path.to_path_buf())
    }

    fn include(&mut self, path: &ast::Str, dir: &Path, at: Span, origin: Origin) {
        let target = normalize(&dir.join(&path.value));
        // `include "."` in the root's folder normalizes to nothing: it names that folder.
        let target = if target.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            target
        };
        let key = self.key(&target);
        if let Some(position) = self.stack.iter().position(|(p, _)| *p == key) {
            let mut diagnostic = Diagnostic::new(
                codes::E0007,
                at,
                format!("include cycle: `{}` includes itself", path.value),
            )
            .label("this include closes the cycle");
            for (_, span) in self.stack.iter().skip(position + 1) {
                if let Some(span) = span {
                    diagnostic = diagnostic.with_secondary(*span, "which includes");
                }
            }
            self.sink
                .push(diagnostic.with_help("remove one of these includes"));
            return;
        }
        if let Some(file) = self.by_path.get(&key) {
            self.loaded.includes.insert(at, *file);
            return;
        }
        // Each level of includes is a level of the loader's recursion.
        if self.stack.len() > self.options.parse.max_depth {
            self.sink.push(
                Diagnostic::new(
                    codes::E0003,
                    path.span,
                    format!(
                        "includes nested more than {} deep",
                        self.options.parse.max_depth
                    ),
                )
                .with_help(
                    "include the files from one place, or raise the limit with `--max-depth`",
                ),
            );
            return;
        }
        if !self.options.allow_outside_includes && !self.inside_root(&target) {
            let (message, label, help) = match &self.options.include_root {
                None => (
                    format!("`{}` is outside the model's directory", path.value),
                    "points outside the directory of the root file".to_string(),
                    "a model may only read files below its own directory; name the folder it may read with `--include-root DIR` (the folder of your models, as a folder build does), or pass `--allow-outside-includes` if you trust it".to_string(),
                ),
                Some(folder) => (
                    format!("`{}` is outside the folder includes may read", path.value),
                    format!("points outside {}, the folder includes may read", folder.display()),
                    "a model in a folder build may read any file in that folder (or under `--include-root DIR`); pass `--allow-outside-includes` if you trust it".to_string(),
                ),
            };
            self.sink.push(
                Diagnostic::new(codes::E0008, path.span, message)
                    .label(label)
                    .with_help(help),
            );
            return;
        }
        if self.file_count >= self.options.max_files {
            self.sink.push(
                Diagnostic::new(
                    codes::E0016,
                    path.span,
                    match self.options.max_files {
                        1 => "more than 1 file in one model".to_string(),
                        most => format!("more than {most} files in one model"),
                    },
                )
                .with_help("raise the limit with `--max-files`"),
            );
            return;
        }
        if let Some(size) = self
            .loader
            .size(&target)
            .filter(|&size| self.too_large(size))
        {
            self.file_count += 1;
            self.refuse_large(&target, size, Some(at));
            return;
        }
        match self.loader.read(&target) {
            Ok(bytes) => self.add_file(target, bytes, origin, Some(at)),
            Err(reason) => {
                self.sink.push(
                    Diagnostic::new(
                        codes::E0006,
                        path.span,
                        format!("cannot read `{}`: {reason}", path.value),
                    )
                    .label(format!("looked for {}", target.display()))
                    .with_help(
                        match STDLIB
                            .iter()
                            .find(|(pack, _)| path.value.trim_end_matches(".tm") == *pack)
                        {
                            Some((pack, _)) => {
                                format!("the built-in pack is named without quotes: `use {pack}`")
                            }
                            None => "paths are relative to the file that names them".to_string(),
                        },
                    ),
                );
            }
        }
    }

    fn inside_root(&self, target: &Path) -> bool {
        // Where both really are decides, whichever way each was written (`--include-root
        // /abs/models` for `models/shop.tm`, `../../models` from inside it), and a link inside
        // the tree that points out of it is outside.
        if let (Some(root), Some(real)) = (&self.real_root_dir, self.loader.real_path(target)) {
            return real.starts_with(root);
        }
        // Otherwise (files in memory, or in git), by the paths: both normalized, so a `..` can
        // only lead them, and below the root is the root's path and then no `..` (the root may
        // be `../models`; `../../x` is not below `..`). One absolute and one relative are
        // compared from the working directory.
        let (root, target) = if self.root_dir.is_absolute() == target.is_absolute() {
            (self.root_dir.clone(), target.to_path_buf())
        } else {
            let absolute = |path: &Path| {
                normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
            };
            (absolute(&self.root_dir), absolute(target))
        };
        target
            .strip_prefix(&root)
            .is_ok_and(|rest| rest.is_relative() && !rest.starts_with(".."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_files_resolve_against_the_file() {
        let text = "include \"common/actors.tm\"\nuse stride\nuse \"../rules/shop.tm\"\n\
                    process p \"P\"\ninclude \"./inner.tm\"\n";
        let found = referenced_files(Path::new("models/shop.tm"), text, ParseLimits::default());
        assert_eq!(
            found,
            [
                PathBuf::from("models/common/actors.tm"),
                PathBuf::from("rules/shop.tm"),
                PathBuf::from("models/inner.tm"),
            ]
        );
        let above = referenced_files(
            Path::new("../../models/shop.tm"),
            "include \"part.tm\"\nuse \"../../x.tm\"\n",
            ParseLimits::default(),
        );
        assert_eq!(
            above,
            [
                PathBuf::from("../../models/part.tm"),
                PathBuf::from("../../../x.tm"),
            ]
        );
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(normalize(Path::new("./a/./../..")), PathBuf::from(".."));
        let broken = referenced_files(
            Path::new("m/x.tm"),
            "include \"a.tm\"\n  use  \"../r.tm\" // rules\nincluded \"no.tm\"\n}}}",
            ParseLimits::default(),
        );
        assert_eq!(broken, [PathBuf::from("m/a.tm"), PathBuf::from("r.tm")]);
    }
}
