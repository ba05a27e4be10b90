//! The command line, declared with clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "tmc",
    version,
    about = "tmc, the threat model compiler: .tm models in, STRIDE threat models and data-flow diagrams out",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compile models and report errors and warnings
    Check(CheckArgs),
    /// Rewrite .tm files in the canonical layout (--check for CI)
    Fmt(FmtArgs),
    /// Compile a model and write its threat model (threats.json) into a directory
    Build(BuildArgs),
    /// List the rules of the built-in packs (and of a model's own packs)
    Rules(RulesArgs),
    /// Print a rule's source, with where it is declared
    Explain(ExplainArgs),
    /// Print internal views of a model, for tests and bug reports
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum DebugCommand {
    /// Print the resolved model as JSON
    Model(CompileArgs),
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// One model and the options to compile it.
#[derive(Args, Debug, Clone)]
pub struct CompileArgs {
    /// The root `.tm` file of the model
    pub file: PathBuf,
    #[command(flatten)]
    pub options: SharedOptions,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The root `.tm` files of the models to check
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub options: SharedOptions,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// The `.tm` files to format in place
    #[arg(
        value_name = "FILE",
        required_unless_present = "stdin",
        conflicts_with = "stdin"
    )]
    pub files: Vec<PathBuf>,
    /// Write nothing: print a diff for each file that is not formatted, and exit 1 if any
    #[arg(long)]
    pub check: bool,
    /// Format standard input and write the result to standard output
    #[arg(long)]
    pub stdin: bool,
    /// Say what happened to each file
    #[arg(long, short)]
    pub verbose: bool,
    /// Deepest nesting of blocks, lists, parentheses and `not`
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_depth: usize,
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// The root `.tm` file of the model
    pub file: PathBuf,
    /// The directory to write into (created when missing)
    #[arg(short = 'o', long = "out", value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// What to write, comma-separated
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "json",
        value_name = "FORMATS"
    )]
    pub emit: Vec<Emit>,
    #[command(flatten)]
    pub options: SharedOptions,
}

/// An output of `tmc build`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Emit {
    /// threats.json: the report view-model (docs/json.md)
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Only the rules of this pack (`stride`, `llm`, or a path a model `use`s)
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    /// Also list the rules of the packs this model uses
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// How the list is printed
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The rule's id, e.g. `spoofing.unauthenticated_source`
    #[arg(value_name = "RULE_ID")]
    pub rule: String,
    /// Also look in the packs this model uses
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// The `CompileArgs` options without the file, for commands taking several files.
#[derive(Args, Debug, Clone)]
pub struct SharedOptions {
    /// Let `include` and `use` read files outside the root file's directory
    #[arg(long)]
    pub allow_outside_includes: bool,
    /// Deepest nesting of blocks, lists, parentheses and `not`
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_depth: usize,
    /// Largest file to read, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_file_size: usize,
    /// Most files one model may load
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_files: usize,
    /// Most threats the rules may generate
    #[arg(long, value_name = "N", default_value_t = tmc::rules::RuleOptions::MAX_THREATS)]
    pub max_threats: usize,
    /// Most bytes of text (titles, explanations, mitigations) the rules may generate
    #[arg(long, value_name = "BYTES", default_value_t = tmc::rules::RuleOptions::MAX_THREAT_TEXT)]
    pub max_threat_text: usize,
    /// The date acceptances are checked against (YYYY-MM-DD); default: today (UTC)
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Treat warnings as errors
    #[arg(long)]
    pub deny_warnings: bool,
}
