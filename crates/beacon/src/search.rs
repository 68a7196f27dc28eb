//! `beacon search rebuild`: build the practice exchange's search index afresh
//! from the database, into the directory a server keeps it in
//! (`--search-index`). A server without one builds its index in memory at
//! every start, and needs no rebuild. `beacon search seed-benchmark` writes
//! generated cases for benchmarks.
use anyhow::Context;
use beacon_db::Db;
use clap::Subcommand;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Rebuild the search index from the database. Stop the servers that use
    /// the directory first: the index has one writer at a time.
    Rebuild {
        /// The index directory, as given to `beacon serve --search-index`.
        #[arg(long = "search-index", env = "BEACON_SEARCH_INDEX")]
        search_index: PathBuf,
    },
    /// Write generated case studies, published, to the councils in the
    /// database: for benchmarks and load tests, never a live database.
    SeedBenchmark {
        /// How many cases.
        #[arg(long, default_value_t = 10_000)]
        cases: usize,
        /// The generator's seed: the same seed writes the same cases.
        #[arg(long, default_value_t = 20_261_124)]
        seed: u64,
    },
}

pub async fn run(db: &Db, command: SearchCommand) -> anyhow::Result<ExitCode> {
    match command {
        SearchCommand::Rebuild { search_index } => {
            let (entries, seq) = rebuild(db, &search_index).await?;
            println!(
                "search index rebuilt in {}: {entries} entries, at change {seq}",
                search_index.display()
            );
        }
        SearchCommand::SeedBenchmark { cases, seed } => {
            let now = time::OffsetDateTime::now_utc();
            let written = crate::demo::bench_cases::seed_bench_cases(db, now, cases, seed).await?;
            println!("{written} generated case studies written and published");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Rebuild the index in `dir` from `db`, with a progress bar on a terminal
/// and progress lines otherwise. Returns the entries written and the change
/// the index reflects.
pub async fn rebuild(db: &Db, dir: &Path) -> anyhow::Result<(u64, i64)> {
    let index = beacon_search::Index::open_dir(dir).with_context(|| {
        format!(
            "cannot open the search index in {} (is a server using it?)",
            dir.display()
        )
    })?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} {bar:40} {pos}/{len} records ({eta} left)",
        ) {
            bar.set_style(style);
        }
        bar.set_message("indexing");
        bar
    });
    let mut last_line = 0u64;
    let mut progress = |done: u64, total: u64| match &bar {
        Some(bar) => {
            bar.set_length(total);
            bar.set_position(done);
        }
        None => {
            let step = (total / 20).max(1_000);
            if done == total || done >= last_line + step {
                last_line = done;
                tracing::info!(done, total, "search rebuild progress");
                eprintln!("indexed {done} of {total} records");
            }
        }
    };
    let entries = beacon_search::source::rebuild(db.conn(), &index, &mut progress).await?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    Ok((entries, index.seq().unwrap_or(0)))
}
