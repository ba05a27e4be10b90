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
    /// Compile a model (or every model in a folder) and write its threat model into a directory
    Build(BuildArgs),
    /// List the rules of the built-in packs (and of a model's own packs)
    Rules(RulesArgs),
    /// Print a rule's source, with where it is declared
    Explain(ExplainArgs),
    /// Compare the threats of two versions of a model (for pull-request comments)
    Diff(DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout
    Completions(CompletionsArgs),
    /// Print internal views of a model, for tests and bug reports
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum DebugCommand {
    /// Print the resolved model as JSON (its diagnostics go to stderr, in the --format asked for)
    Model(CompileArgs),
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

/// A severity on the command line.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn level(self) -> tmc::vocab::Level {
        match self {
            SeverityArg::Low => tmc::vocab::Level::Low,
            SeverityArg::Medium => tmc::vocab::Level::Medium,
            SeverityArg::High => tmc::vocab::Level::High,
            SeverityArg::Critical => tmc::vocab::Level::Critical,
        }
    }
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
    /// The root `.tm` files of the models to check; a folder stands for every `.tm` file in it
    /// that no other file there includes or uses
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Fail (exit 1) when an open threat is at or above this severity, and list those threats;
    /// lapsed acceptances count as open
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub options: SharedOptions,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// The `.tm` files to format in place; a folder stands for every `.tm` file under it
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
    /// Deepest nesting of blocks, lists, parentheses, `not`s and includes (at most 1000)
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = super::depth_limit())]
    pub max_depth: usize,
    /// Largest file (or standard input) to format, in bytes (at most 4 GiB)
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024, value_parser = super::file_size_limit())]
    pub max_file_size: usize,
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old and the new version of the model's root file; with --base, only the new one
    #[arg(required = true, num_args = 1..=2, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Compare FILE with its version (and its includes') at this git revision
    #[arg(long, value_name = "GIT_REV")]
    pub base: Option<String>,
    /// Fail (exit 1) when a threat is open at or above this severity in the new version and was
    /// not in the old: added, reopened (its decision removed or lapsed) or raised to it
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on_new: Option<SeverityArg>,
    #[command(flatten)]
    pub options: SharedOptions,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// The root `.tm` file of the model, or a folder: then every `.tm` file in it that no other
    /// includes or uses is built into OUT/<its path without .tm>/, with OUT/index.md and index.html
    #[arg(value_name = "FILE_OR_DIR")]
    pub file: PathBuf,
    /// The directory to write into (created when missing)
    #[arg(short = 'o', long = "out", value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// What to write, comma-separated [default: md,dot,json, and svg when Graphviz's `dot` is on PATH]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMATS")]
    pub emit: Vec<Emit>,
    /// Read templates from this directory, overriding the embedded ones with the same name
    /// (threat-model.md.tera, threat-table.md.tera, dfd.dot.tera, threat-model.html.tera,
    /// index.md.tera, index.html.tera)
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Draw the diagrams of one trust boundary only (its elements and the flows that touch them);
    /// single models only
    #[arg(long, value_name = "BOUNDARY_ID")]
    pub diagram_scope: Option<String>,
    /// Stop Graphviz's `dot` after this many seconds (0: no limit). Laying out thousands of
    /// nodes can take hours: then dfd.svg is left out with a warning (an error when `--emit`
    /// names svg) and threat-model.html shows the Mermaid source
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub graphviz_timeout: u64,
    #[command(flatten)]
    pub options: SharedOptions,
}

impl BuildArgs {
    /// How the diagrams are drawn, for [`super::build::render_all`].
    pub fn drawing(&self) -> Drawing<'_> {
        Drawing {
            scope: self.diagram_scope.as_deref(),
            svg_explicit: self.emit.contains(&Emit::Svg),
            graphviz_timeout: (self.graphviz_timeout > 0)
                .then(|| std::time::Duration::from_secs(self.graphviz_timeout)),
        }
    }
}

/// How `tmc build` draws the diagrams.
#[derive(Debug, Clone, Copy)]
pub struct Drawing<'a> {
    /// `--diagram-scope`: one boundary only.
    pub scope: Option<&'a str>,
    /// `--emit` names svg: a Graphviz failure is an error, not a warning.
    pub svg_explicit: bool,
    /// `--graphviz-timeout`; `None` for no limit.
    pub graphviz_timeout: Option<std::time::Duration>,
}

/// An output of `tmc build`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Emit {
    /// threat-model.md: the Markdown threat model
    Md,
    /// dfd.dot: the Graphviz data-flow diagram
    Dot,
    /// dfd.svg: the diagram rendered by Graphviz's `dot` (which must be on PATH)
    Svg,
    /// threats.json: the report view-model (docs/json.md)
    Json,
    /// threats.sarif: SARIF 2.1.0 for code scanning
    Sarif,
    /// threat-model.html: one self-contained page with the diagram and a filterable threat table
    Html,
}

impl Emit {
    /// The file it is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            Emit::Md => "threat-model.md",
            Emit::Dot => "dfd.dot",
            Emit::Svg => "dfd.svg",
            Emit::Json => "threats.json",
            Emit::Sarif => "threats.sarif",
            Emit::Html => "threat-model.html",
        }
    }

    /// Whether `tmc build FILE` streams it to its file (the outputs that grow with the threats)
    /// rather than rendering it in memory.
    pub fn is_streamed(self) -> bool {
        matches!(self, Emit::Md | Emit::Json | Emit::Sarif | Emit::Html)
    }
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Only the rules of this pack (`stride`, `llm`, or a path a model `use`s)
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    /// Also list the rules of the packs this model uses
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Which files the model may read (with `--model`)
    #[command(flatten)]
    pub includes: IncludeOptions,
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
    /// Which files the model may read (with `--model`)
    #[command(flatten)]
    pub includes: IncludeOptions,
}

/// Which files a model may read, for every command that compiles one.
#[derive(Args, Debug, Clone, Default)]
pub struct IncludeOptions {
    /// Let `include` and `use` read files outside the root file's directory
    #[arg(long)]
    pub allow_outside_includes: bool,
    /// Let `include` and `use` read any file under DIR (by default, the root file's directory;
    /// for a folder given to `build` or `check`, that folder), as a model of a folder build
    /// that includes `../shared/common.tm` needs when checked on its own
    #[arg(long, value_name = "DIR")]
    pub include_root: Option<PathBuf>,
}

/// The `CompileArgs` options without the file, for commands taking several files.
#[derive(Args, Debug, Clone)]
pub struct SharedOptions {
    #[command(flatten)]
    pub includes: IncludeOptions,
    /// Deepest nesting of blocks, lists, parentheses, `not`s and includes (at most 1000)
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = super::depth_limit())]
    pub max_depth: usize,
    /// Largest file to read, in bytes (at most 4 GiB)
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024, value_parser = super::file_size_limit())]
    pub max_file_size: usize,
    /// Longest string literal, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_string_length: usize,
    /// Most files one model may load, its root file included
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = super::file_count_limit())]
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
    /// How diagnostics are printed (and the changes, for `tmc diff`: Markdown or JSON)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour diagnostics
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Treat warnings as errors (for `tmc diff`, the new version's)
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print when each stage ended (milliseconds from the start) to standard error, with the
    /// memory held then (on Linux: resident, peak, page faults so far)
    #[arg(long)]
    pub timings: bool,
}
