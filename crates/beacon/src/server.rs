//! Start the server with graceful shutdown on Ctrl-C or SIGTERM.
use beacon_web::{AppState, Clock, Config, SmtpConfig};
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub struct ServeOptions {
    pub bind: SocketAddr,
    pub database_url: String,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The name given to other Beacons and feed readers (default: "Beacon"
    /// and the public address's host).
    pub instance_name: Option<String>,
    /// Let subscriptions to other Beacons reach private and loopback addresses.
    pub federation_private_addresses: bool,
    /// Where the search index is kept between starts (default: in memory,
    /// built at every start).
    pub search_index: Option<std::path::PathBuf>,
}

pub fn config(options: &ServeOptions, bound: SocketAddr) -> Config {
    let mut config = Config::new(
        options
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}")),
    );
    config.smtp = options.smtp_url.clone().map(|url| SmtpConfig {
        url,
        from: options.smtp_from.clone(),
    });
    config.trusted_proxies = options.trusted_proxies.clone();
    if let Some(name) = &options.instance_name {
        config.instance_name = name.clone();
    }
    config.federation_private_addresses = options.federation_private_addresses;
    config
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Serve `db` until a shutdown signal. `on_listening` runs once the socket is
/// bound (the demo prints its accounts there).
pub async fn run(
    db: beacon_db::Db,
    options: &ServeOptions,
    on_listening: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(options.bind).await?;
    let bound = listener.local_addr()?;
    let mut state = AppState::new(db, config(options, bound), Clock::system());
    if let Some(dir) = &options.search_index {
        state.search = beacon_search::Index::open_dir(dir)?;
    }
    tracing::info!(address = %format!("http://{bound}"), database = state.db.backend().name(), "serving");
    on_listening(bound);
    beacon_web::serve(state, listener, shutdown_signal()).await?;
    Ok(())
}
