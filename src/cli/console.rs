//! Standard output and standard error for every command, written without panicking (the std
//! `print!` family panics when a write fails; clippy forbids it in `src/cli`).
//!
//! `out!`/`outln!` write to stdout through its lock (std's line buffer). The first failed write
//! is remembered and every later one is skipped; [`finish`] flushes stdout and turns a failure
//! into exit code 2: silently for a broken pipe (the reader went away on purpose, as with
//! `| head`), with `error: cannot write to standard output: ...` for any other error.
//! `err!`/`errln!` write to stderr; a failed write there is ignored: there is nowhere to report it.

use std::fmt::Arguments;
use std::io::{ErrorKind, Write};
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

/// `eprint!`, without the panic.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::console::stderr(format_args!($($arg)*)) };
}

/// `eprintln!`, without the panic.
macro_rules! errln {
    () => { $crate::cli::console::stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::console::stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// The first error writing to stdout.
static STDOUT_FAILED: OnceLock<std::io::Error> = OnceLock::new();

pub fn stdout(text: Arguments<'_>) {
    if STDOUT_FAILED.get().is_none() {
        if let Err(error) = std::io::stdout().lock().write_fmt(text) {
            failed(error);
        }
    }
}

pub fn stderr(text: Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(text);
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
