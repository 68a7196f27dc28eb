//! `beacon`: serve, demo, migrate, admin, match. The work is in the library.
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    beacon::cli::run(beacon::cli::Cli::parse())
}
