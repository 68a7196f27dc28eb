//! Building and serving the app. `main` is a few lines; tests build the same
//! router and serve it on port 0.
use crate::clock::Clock;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::{csrf, email, metrics, public, routes, secure_headers, visitor};
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use beacon_db::Db;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
    /// The practice exchange's search index, built from the database when
    /// the server starts and kept current from its change log.
    pub search: beacon_search::Index,
    /// Each organisation's pool as the matching pages see it, kept until
    /// its change stamp moves (`pool::snapshot`).
    pub(crate) talent: crate::pool::TalentCache,
    /// Each organisation's shared pool as partners read it, kept per its
    /// talent change stamp.
    pub(crate) shared_pools: crate::pool::SharedPools,
    /// Workforce analytics' reads, kept per talent change stamp.
    pub(crate) analytics: crate::stamped::StampedCache<crate::workforce::analytics::Reads>,
    /// The people search's staff directory, kept per talent change stamp.
    pub(crate) directories: crate::stamped::StampedCache<beacon_core::talent::directory::Directory>,
}

impl AppState {
    pub fn new(db: Db, config: Config, clock: Clock) -> Self {
        Self {
            db,
            config: Arc::new(config),
            clock,
            metrics: Arc::new(Metrics::default()),
            search: beacon_search::Index::in_memory(),
            talent: crate::pool::TalentCache::default(),
            shared_pools: crate::pool::SharedPools::default(),
            analytics: crate::stamped::StampedCache::default(),
            directories: crate::stamped::StampedCache::default(),
        }
    }
}

pub fn build_router(state: AppState) -> Router {
    routes::router()
        .fallback(public::not_found)
        .layer(from_fn(csrf::guard))
        .layer(from_fn_with_state(state.clone(), visitor::resolve))
        .layer(CatchPanicLayer::new())
        .layer(from_fn(public::error_pages))
        .layer(from_fn(secure_headers::apply))
        .layer(from_fn_with_state(state.metrics.clone(), metrics::record))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serve until `shutdown` resolves, then finish the requests in flight.
/// Background work (the outbox sender, session clean-up) runs beside it.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The index is made current before the first request is answered.
    let follower = match beacon_search::source::start(state.db.conn(), &state.search).await {
        Ok(follower) => Some(follower),
        Err(e) => {
            tracing::error!(error = %e, "search: could not build the index");
            None
        }
    };
    let search = tokio::spawn(follow_search(state.clone(), follower));
    let background = tokio::spawn(background_work(state.clone()));
    let federation = tokio::spawn(crate::exchange::federation::fetch_loop(state.clone()));
    let app = build_router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    background.abort();
    federation.abort();
    search.abort();
    result
}

/// Apply the search change log every second, so that what any server
/// writes is found on this one within seconds (PROMISES.md 24).
async fn follow_search(state: AppState, mut follower: Option<beacon_search::source::Follower>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let result = match follower.as_mut() {
            Some(f) => f.poll(state.db.conn(), &state.search).await.map(|_| ()),
            None => beacon_search::source::start(state.db.conn(), &state.search)
                .await
                .map(|f| follower = Some(f)),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "search: could not follow the change log");
        }
    }
}

async fn background_work(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    let mut ticks: u64 = 0;
    loop {
        tick.tick().await;
        ticks += 1;
        if let Some(smtp) = &state.config.smtp
            && let Err(e) = email::drain_outbox(&state.db, smtp, &state.clock).await
        {
            tracing::warn!(error = %e, "outbox: could not drain");
        }
        // Every minute: followers' digests that are due.
        if ticks % 12 == 1
            && let Err(e) = crate::exchange::send_due_digests(&state).await
        {
            tracing::warn!(error = %e, "exchange digests: could not send");
        }
        // At start and hourly: the query planner's statistics, so that the
        // pages keep their indexes as the data grows (see `refresh_statistics`).
        if ticks % 720 == 1
            && let Err(e) = state.db.refresh_statistics().await
        {
            tracing::warn!(error = %e, "could not refresh the query planner's statistics");
        }
        // Hourly: forget expired sessions and old attempt counts.
        if ticks % 720 == 1
            && let Err(e) = crate::account::purge_expired(&state).await
        {
            tracing::warn!(error = %e, "could not purge expired sessions");
        }
    }
}
