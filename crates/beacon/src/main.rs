//! `beacon`: serve, demo, migrate, admin, match. The work is in the library.
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    limit_malloc_arenas();
    beacon::cli::run(beacon::cli::Cli::parse())
}

/// glibc gives each thread that allocates a heap of its own ("arena"), up to
/// eight per core, and gives little of their free space back. The runtime's
/// workers, SQLite's connection threads and the blocking pool all allocate,
/// so the demo server held 230 MB after the page benchmark with glibc's
/// default and 122 MB with two arenas (docs/benchmarks.md, "Memory"). An
/// operator's own `MALLOC_ARENA_MAX` still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets one of the allocator's parameters, and
        // this runs first in main, before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
