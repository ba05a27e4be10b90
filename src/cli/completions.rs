//! `tmc completions SHELL`: a completion script generated from the clap definition of the
//! command line, so the completions always match the commands and flags that exist.

use super::args::{Cli, CompletionsArgs};
use super::{OK, USAGE};
use clap::CommandFactory;
use std::io::Write;

pub fn print(args: &CompletionsArgs) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "tmc", &mut script);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&script).and_then(|()| stdout.flush()) {
        Ok(()) => OK,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(error) => {
            eprintln!("error: cannot write the completion script: {error}");
            USAGE
        }
    }
}
