//! A stand-alone `beacon match`, for benchmarks and for trying the engine without the rest
//! of Beacon: `beacon-match assign --format orlib --input FILE`.

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "beacon-match",
    about = "Beacon's matching engine on the command line"
)]
struct Cli {
    #[command(subcommand)]
    cmd: beacon_match_cli::MatchCommand,
}

fn main() -> std::process::ExitCode {
    beacon_match_cli::run(Cli::parse().cmd)
}
