//! The command line, as clap reads it.
//!
//! Conventions follow ruff: `check` is the default command, selectors and
//! output options have the same names, and `redflag` alone checks `.`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "redflag",
    version,
    about = "Lint a repository for backend red flags, each finding mapped to the backend-architecture checklist.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (the default command).
    Check(CheckArgs),
    /// Show the documentation of a rule, or list every rule.
    Rule(RuleArgs),
    /// Print the checklist catalog: every task, scope and red-flag ID.
    Tasks,
    /// Print the service model: services, frameworks, routes, datastores,
    /// specs and probes.
    Inventory(InventoryArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct InventoryArgs {
    /// Files and directories to read [default: .]
    pub paths: Vec<PathBuf>,

    /// How the inventory is printed.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Text)]
    pub output_format: InventoryFormat,

    /// Write the inventory to this file instead of standard output.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Use this configuration file instead of discovering one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Exclude these paths in addition to the configured ones (gitignore syntax).
    #[arg(long, value_delimiter = ',', value_name = "PATTERN")]
    pub extend_exclude: Vec<String>,

    /// Follow symbolic links.
    #[arg(long)]
    pub follow_symlinks: bool,

    /// List errors and notes on standard error.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Code frames with the task each finding violates.
    Full,
    /// One line per finding.
    Concise,
    /// Versioned JSON (see the README).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// The checklist report, Markdown (`TODO_backend-architect.md` unless
    /// `-o` names another file).
    Todo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    Postgresql,
    Mysql,
    Sqlite,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files and directories to scan [default: .]
    pub paths: Vec<PathBuf>,

    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,

    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long = "output-file", value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Rules to run: names, TASK-x.y, TASK-x, SCOPE-x.y, RF-n or ALL (replaces the configured selection).
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub select: Option<Vec<String>>,

    /// Rules to run in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub extend_select: Vec<String>,

    /// Rules not to run.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the exit status 1 [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Exit with status 0 even when findings are reported.
    #[arg(long)]
    pub exit_zero: bool,

    /// Print counts per rule and per task instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// List skipped files, unreadable SQL statements and timings on standard error.
    #[arg(short, long)]
    pub verbose: bool,

    /// Apply excludes to paths named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// Use this configuration file instead of discovering one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Load user rules (YAML) from this directory; may be repeated.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Exclude these paths in addition to the configured ones (gitignore syntax).
    #[arg(long, value_delimiter = ',', value_name = "PATTERN")]
    pub extend_exclude: Vec<String>,

    /// Follow symbolic links.
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Skip files larger than this (bytes, or with KB/KiB/MB/MiB) [default: 1MiB].
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,

    /// Dialect of the SQL migrations (otherwise guessed from their syntax).
    #[arg(long, value_enum)]
    pub sql_dialect: Option<Dialect>,

    /// Show secrets in full instead of their first four characters (local use;
    /// refused with SARIF).
    #[arg(long)]
    pub show_secrets: bool,

    /// When to colour the full output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule to document.
    #[arg(required_unless_present = "all")]
    pub name: Option<String>,

    /// List every rule with its task and red flag.
    #[arg(long, conflicts_with = "name")]
    pub all: bool,
}
