//! The `redflag` command: parses the command line and hands over to
//! `check`, `rule`, `tasks` or `inventory`. Errors end here, printed once, with exit
//! status 2.

mod check;
mod cli;
mod docs;
mod inventory;
mod todo;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    redflag_linter::panic_guard::install_panic_hook();
    let cli = Cli::parse();
    let outcome = match &cli.command {
        None => check::run(&cli.check),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Rule(args)) => docs::rule(args),
        Some(Command::Tasks) => docs::tasks(),
        Some(Command::Inventory(args)) => inventory::run(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("redflag: error: {error:#}");
            ExitCode::from(check::EXIT_ERROR)
        }
    }
}
