//! Command-line parsing and dispatch.

// Output goes through `console` (`out!`, `outln!`, `err!`, `errln!`), which does not panic when
// a write fails.
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod console;

mod args;
mod build;
mod check;
mod completions;
mod diff;
mod fmt;
mod folder;
mod fs;
mod gate;
mod graphviz;
mod outputs;
mod rules;
mod staging;
mod today;

use args::{Cli, Command, DebugCommand};
use clap::Parser;

/// Exit codes.
pub const OK: i32 = 0;
pub const FAILED: i32 = 1;
pub const USAGE: i32 = 2;

/// The most `--max-depth` may be: what the compiler's stacks are sized for (main.rs).
pub const MAX_DEPTH: u64 = 1000;

/// `--max-file-size`'s parser: a number of bytes up to the 4 GiB a source file can have.
fn file_size_limit() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(0..=tmc::source::MAX_FILE_BYTES as u64)
}

/// `--max-files`' parser: at least 1, as the root file is one of them.
fn file_count_limit() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
}

/// `--max-depth`'s parser: a number up to [`MAX_DEPTH`].
fn depth_limit() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(0..=MAX_DEPTH)
}

/// Whether the command line asks for JSON (`--format json`), read before clap has parsed it.
fn asks_for_json() -> bool {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    args.windows(2)
        .any(|pair| pair[0] == "--format" && pair[1] == "json")
        || args.iter().any(|arg| arg == "--format=json")
}

pub fn run() -> i32 {
    let json = asks_for_json();
    // A usage error is not a diagnostic of the model, but a script parsing stdout as JSON
    // still gets an array (docs/diagnostics.md); the exit code tells the cases apart.
    let finish = |code: i32| {
        if code == USAGE && json && !console::wrote_stdout() {
            outln!("[]");
        }
        console::finish(code)
    };
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { USAGE } else { OK };
            // Help and version go to stdout: a failure there is the same as any command's.
            match error.print() {
                Err(failure) if !error.use_stderr() => console::failed(failure),
                _ => {}
            }
            return finish(code);
        }
    };
    let shared = match &cli.command {
        Command::Check(args) => Some(&args.options),
        Command::Diff(args) => Some(&args.options),
        Command::Build(args) => Some(&args.options),
        Command::Debug {
            command: DebugCommand::Model(args),
        } => Some(&args.options),
        _ => None,
    };
    if shared.is_some_and(|options| options.timings) {
        tmc::timings::enable();
    }
    let code = match cli.command {
        Command::Check(args) => check::check(&args),
        Command::Fmt(args) => fmt::fmt(&args),
        Command::Diff(args) => diff::diff(&args),
        Command::Build(args) => build::build(&args),
        Command::Rules(args) => rules::list(&args),
        Command::Explain(args) => rules::explain(&args),
        Command::Completions(args) => completions::print(&args),
        Command::Debug {
            command: DebugCommand::Model(args),
        } => check::debug_model(&args),
    };
    finish(code)
}
