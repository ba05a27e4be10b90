//! `tmc completions SHELL`: a completion script generated from the clap definition of the
//! command line, so the completions always match the commands and flags that exist.

use super::args::{Cli, CompletionsArgs};
use super::OK;
use clap::CommandFactory;

pub fn print(args: &CompletionsArgs) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "tmc", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    OK
}
