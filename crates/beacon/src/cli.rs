//! The command line. Flags and environment variables are an interface others
//! rely on (DESIGN.md §5): keep them stable.
use crate::logging::{self, LogFormat};
use crate::server::{self, ServeOptions};
use crate::{admin, demo, import, search};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "beacon",
    version,
    about = "Beacon: a council's innovation system"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Database URL: sqlite://PATH or postgres://… (default: SQLite in the data directory).
    #[arg(long = "database", env = "BEACON_DATABASE_URL", global = true)]
    pub database: Option<String>,
    /// Where Beacon keeps its files.
    #[arg(
        long = "data-dir",
        env = "BEACON_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Logs as readable text or as one JSON object per line.
    #[arg(long = "log-format", env = "BEACON_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

impl Global {
    fn database_url(&self, file: &str) -> anyhow::Result<String> {
        if let Some(url) = &self.database {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        Ok(format!(
            "sqlite://{}?mode=rwc",
            self.data_dir.join(file).display()
        ))
    }
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BEACON_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The address people use to reach Beacon, for links in emails (default: http://BIND).
    #[arg(long = "public-url", env = "BEACON_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for email, e.g. smtp://127.0.0.1:25 or smtps://user:pass@mail.example.org.
    /// Without it, email waits in the outbox, which admins can read.
    #[arg(long = "smtp-url", env = "BEACON_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The From address of Beacon's email.
    #[arg(
        long = "smtp-from",
        env = "BEACON_SMTP_FROM",
        default_value = "Beacon <beacon@localhost>"
    )]
    pub smtp_from: String,
    /// Reverse proxies whose X-Forwarded-For header is believed (comma-separated).
    #[arg(
        long = "trusted-proxy",
        env = "BEACON_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,
    /// Keep the search index in this directory between starts (it catches up
    /// from the database at start); without it, the index is built in memory.
    #[arg(long = "search-index", env = "BEACON_SEARCH_INDEX")]
    pub search_index: Option<PathBuf>,
    /// The name this Beacon gives itself to other Beacons and in its Atom
    /// feeds (default: "Beacon" and the public address's host).
    #[arg(long = "instance-name", env = "BEACON_INSTANCE_NAME", value_parser = instance_name)]
    pub instance_name: Option<String>,
    /// Let subscriptions to other Beacons reach loopback and private
    /// addresses, for a closed network (refused by default).
    #[arg(
        long = "federation-private-addresses",
        env = "BEACON_FEDERATION_PRIVATE_ADDRESSES"
    )]
    pub federation_private_addresses: bool,
}

/// An instance name other Beacons accept: plain text, 1 to 100 characters.
fn instance_name(raw: &str) -> Result<String, String> {
    use beacon_core::exchange::federation::{limits, plain_text};
    plain_text(raw, "name", limits::INSTANCE_NAME, true).map_err(|_| {
        format!(
            "an instance name is plain text of 1 to {} characters",
            limits::INSTANCE_NAME
        )
    })
}

impl ServeArgs {
    fn options(&self, database_url: String) -> ServeOptions {
        ServeOptions {
            bind: self.bind,
            database_url,
            public_url: self.public_url.clone(),
            smtp_url: self.smtp_url.clone(),
            smtp_from: self.smtp_from.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            search_index: self.search_index.clone(),
            instance_name: self.instance_name.clone(),
            federation_private_addresses: self.federation_private_addresses,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum DemoScale {
    Full,
    Small,
    Bench,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve Beacon.
    Serve(ServeArgs),
    /// Serve Beacon with demo councils on a fresh SQLite database, and print the accounts.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Also write the demo accounts (council, role, email, password) to this file as JSON.
        #[arg(long = "accounts-json")]
        accounts_json: Option<PathBuf>,
        /// How big the demo councils' workforces are: `full` (Northmere has
        /// about 8,500 staff), `small` (a few hundred, quick to seed) or
        /// `bench` (50,000 staff and 100,000 ideas, for bench/pages/).
        #[arg(long, value_enum, default_value_t = DemoScale::Full)]
        scale: DemoScale,
    },
    /// Apply database migrations and exit (they also run at every start).
    Migrate,
    /// Administer organisations, people and roles from the command line.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Import staff, posts or vacancies from CSV, all or nothing.
    Import(import::ImportArgs),
    /// The practice exchange.
    Exchange {
        #[command(subcommand)]
        command: ExchangeCommand,
    },
    /// The practice exchange's search index.
    Search {
        #[command(subcommand)]
        command: search::SearchCommand,
    },
    /// The matching engine: optimal and stable assignment, ranking.
    Match {
        #[command(subcommand)]
        command: beacon_match_cli::MatchCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExchangeCommand {
    /// Load the case library (real cases from published reports) as public
    /// cases; loading again changes only what changed.
    Library,
}

pub fn run(cli: Cli) -> ExitCode {
    logging::init(cli.global.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("beacon: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("beacon: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    match cli.command {
        Command::Serve(args) => {
            let url = global.database_url("beacon.db")?;
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            server::run(db, &args.options(url), |_| {}).await?;
        }
        Command::Demo {
            serve,
            accounts_json,
            scale,
        } => {
            let url = match &global.database {
                Some(url) => url.clone(),
                None => {
                    // A fresh demo every time: the previous one is removed.
                    let url = global.database_url("demo.db")?;
                    for suffix in ["", "-wal", "-shm"] {
                        let _ =
                            std::fs::remove_file(global.data_dir.join(format!("demo.db{suffix}")));
                    }
                    url
                }
            };
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            let scale = match scale {
                DemoScale::Full => demo::Scale::Full,
                DemoScale::Small => demo::Scale::Small,
                DemoScale::Bench => demo::Scale::Bench,
            };
            let accounts = demo::seed_with(&db, time::OffsetDateTime::now_utc(), scale).await?;
            if let Some(path) = &accounts_json {
                std::fs::write(path, serde_json::to_string_pretty(&accounts)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            server::run(db, &serve.options(url), |bound| {
                demo::print(bound, &accounts)
            })
            .await?;
        }
        Command::Migrate => {
            let url = global.database_url("beacon.db")?;
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            println!("migrations applied: {}", db.applied_migrations().await?);
        }
        Command::Admin { command } => {
            let url = global.database_url("beacon.db")?;
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            return admin::run(&db, command).await;
        }
        Command::Import(args) => {
            let url = global.database_url("beacon.db")?;
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            return import::run(&db, args).await;
        }
        Command::Exchange {
            command: ExchangeCommand::Library,
        } => {
            let url = global.database_url("beacon.db")?;
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            let applied = crate::library::load(&db, time::OffsetDateTime::now_utc()).await?;
            println!(
                "case library: {} added, {} changed, {} removed",
                applied.added, applied.changed, applied.removed
            );
        }
        Command::Search { command } => {
            let url = global.database_url("beacon.db")?;
            let db = beacon_db::Db::connect(&url)
                .await
                .context("cannot open the database")?;
            return search::run(&db, command).await;
        }
        // The engine prints one JSON object and exits 2 on bad input.
        Command::Match { command } => return Ok(beacon_match_cli::run(command)),
    }
    Ok(ExitCode::SUCCESS)
}
