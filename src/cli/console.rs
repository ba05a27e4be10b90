//! Standard output and standard error for every command, written without panicking (the std
//! `print!` family panics when a write fails; clippy forbids it in `src/cli`).
//!
//! `out!`/`outln!` write to stdout through its lock (std's line buffer). The first failed write
//! is remembered and every later one is skipped; [`finish`] flushes stdout and turns a failure
//! into exit code 2: silently for a broken pipe (the reader went away on purpose, as with
//! `| head`), with `error: cannot write to standard output: ...` for any other error.
//! `errln!` writes to stderr, control characters shown as `\u{1b}`; a failed write there is
//! ignored: there is nowhere to report it.

use std::fmt::Arguments;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// `print!`, without the panic.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::console::stdout(format_args!($($arg)*)) };
}

/// `println!`, without the panic.
macro_rules! outln {
    () => { $crate::cli::console::stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::console::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!`, without the panic.
macro_rules! errln {
    () => { $crate::cli::console::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::console::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// The first error writing to stdout.
static STDOUT_FAILED: OnceLock<std::io::Error> = OnceLock::new();
/// Whether anything was written to stdout.
static STDOUT_WRITTEN: AtomicBool = AtomicBool::new(false);

/// Whether the command has written anything to stdout.
pub fn wrote_stdout() -> bool {
    STDOUT_WRITTEN.load(Ordering::Relaxed)
}

pub fn stdout(text: Arguments<'_>) {
    STDOUT_WRITTEN.store(true, Ordering::Relaxed);
    if STDOUT_FAILED.get().is_none() {
        if let Err(error) = std::io::stdout().lock().write_fmt(text) {
            failed(error);
        }
    }
}

/// Writes a message to stderr with its control characters shown, not acted on (`\u{1b}`):
/// messages name paths and models, which may hold escape sequences that would recolour or
/// retitle the terminal or a CI log. Line breaks and tabs are kept.
pub fn stderr(text: Arguments<'_>) {
    let text = match text.as_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(text.to_string()),
    };
    stderr_as_is(&tmc::diagnostics::printable_lines(&text));
}

/// Writes `text` to stderr unchanged: for diagnostics rendered with their own colours, whose
/// text has already been made printable.
pub fn stderr_as_is(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Records a failed write to stdout made elsewhere (clap's help and version).
pub fn failed(error: std::io::Error) {
    let _ = STDOUT_FAILED.set(error);
}

/// Flushes stdout; the exit code: `code`, or 2 when stdout could not be written.
pub fn finish(code: i32) -> i32 {
    if let Err(error) = std::io::stdout().lock().flush() {
        failed(error);
    }
    let Some(error) = STDOUT_FAILED.get() else {
        return code;
    };
    if error.kind() != ErrorKind::BrokenPipe {
        errln!("error: cannot write to standard output: {error}");
    }
    super::USAGE
}
