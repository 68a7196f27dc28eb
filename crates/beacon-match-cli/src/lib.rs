//! `beacon match`: the matching engine on the command line.
//!
//! Every subcommand reads its files, prints one JSON object on stdout and exits with 0 on
//! success, 1 when the problem has no solution (it is infeasible), and 2 when the input is
//! bad, with a message on stderr naming the file and line.
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod assign;
mod rank;
mod stable;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use assign::{AssignArgs, Format};
pub use rank::RankArgs;
pub use stable::StableArgs;

/// The `beacon match` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MatchCommand {
    /// Optimal assignment: OR-Library dense matrices, or CSV pairs with capacities and tiers.
    Assign(AssignArgs),
    /// Stable matching by people-proposing deferred acceptance, and what stability costs.
    Stable(StableArgs),
    /// The top candidates for a vacancy, or the top vacancies for a person, explained.
    Rank(RankArgs),
}

/// Bad input: which file, which line (0 when it is the file as a whole), and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
pub struct InputError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl InputError {
    pub fn new(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }

    fn parse(file: &Path, e: beacon_match::parse::ParseError) -> Self {
        Self::new(file, e.line, e.message)
    }
}

/// What a subcommand produced: the JSON to print and whether a solution was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub json: serde_json::Value,
    pub solved: bool,
}

/// Runs a subcommand without printing, for callers and tests that want the JSON.
pub fn execute(cmd: &MatchCommand) -> Result<Outcome, InputError> {
    match cmd {
        MatchCommand::Assign(args) => assign::execute(args),
        MatchCommand::Stable(args) => stable::execute(args),
        MatchCommand::Rank(args) => rank::execute(args),
    }
}

/// Runs a subcommand and prints its JSON; the exit code says how it went.
pub fn run(cmd: MatchCommand) -> ExitCode {
    match execute(&cmd) {
        Ok(outcome) => {
            // A reader that stops early (`| head`) closes the pipe; that is
            // its choice, not an error worth a panic.
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if let Err(e) = writeln!(out, "{}", outcome.json).and_then(|()| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                eprintln!("error: cannot write the answer: {e}");
                return ExitCode::FAILURE;
            }
            if outcome.solved {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn read(file: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(file)
        .map_err(|e| InputError::new(file, 0, format!("cannot read it: {e}")))
}

/// A spinner on stderr while long work runs; invisible when stderr is not a terminal.
pub(crate) fn spinner(message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
