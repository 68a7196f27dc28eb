//! Limits on guessing and flooding (PROMISES.md 15): failures counted per
//! account and per client address, in the database so that several servers
//! share one count.
use crate::app::AppState;
use crate::config::Config;
use crate::error::AppError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use beacon_core::account::AttemptLimit;
use beacon_db::attempts;
use std::net::{IpAddr, SocketAddr};
use time::Duration;

/// What is being limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guarded {
    /// Signing in with a password.
    SignIn,
    /// Asking for a password-reset email (each request counts).
    ResetRequest,
    /// Using a reset or invitation link that turns out not to work.
    OneTimeLink,
    /// Sending invitations (each one counts).
    Invitation,
    /// A resident asking to join a council's public challenges: a public
    /// form, so far tighter than an admin's invitations.
    Join,
}

impl Guarded {
    pub fn key(self) -> &'static str {
        match self {
            Guarded::SignIn => "sign_in",
            Guarded::ResetRequest => "reset",
            Guarded::OneTimeLink => "link",
            Guarded::Invitation => "invite",
            Guarded::Join => "join",
        }
    }

    pub fn account_key(self, account: &str) -> String {
        format!("{}:{}", self.key(), attempts::account_key(account))
    }

    pub fn limit(self, config: &Config) -> AttemptLimit {
        match self {
            Guarded::SignIn | Guarded::ResetRequest => config.attempts,
            // Links carry 256 random bits: only the address is counted.
            Guarded::OneTimeLink => AttemptLimit {
                per_account: u32::MAX,
                ..config.attempts
            },
            // An admin may invite a whole team, but not flood the outbox.
            Guarded::Invitation => AttemptLimit {
                window: Duration::hours(1),
                per_account: 100,
                per_address: 200,
            },
            Guarded::Join => AttemptLimit {
                window: Duration::hours(1),
                per_account: 3,
                per_address: 10,
            },
        }
    }
}

/// The socket peer's address, when the server was started with it (tests
/// that call the router directly have none).
pub struct PeerAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// The client's address for rate limits. `X-Forwarded-For` is believed only
/// from a configured proxy, so nobody can pick their own address (PROMISES.md 15).
pub fn client_address(state: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
    let Some(peer) = peer.map(|p| p.ip()) else {
        return "unknown".into();
    };
    if !state.config.trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    // The right-most address not added by one of our own proxies is the client.
    forwarded
        .iter()
        .rev()
        .find(|a| !state.config.trusted_proxies.contains(a))
        .map_or_else(|| peer.to_string(), ToString::to_string)
}

/// Whether the account and address may try again, given recent failures.
pub(crate) async fn within_limits(
    state: &AppState,
    guarded: Guarded,
    account: Option<&str>,
    address: &str,
) -> Result<bool, AppError> {
    let limit = guarded.limit(&state.config);
    let since = state.clock.now() - limit.window;
    let kind = guarded.key();
    let account_failures = match account {
        Some(a) => {
            attempts::count_since(
                state.db.conn(),
                &format!("{kind}:{}", attempts::account_key(a)),
                since,
            )
            .await?
        }
        None => 0,
    };
    let address_failures = attempts::count_since(
        state.db.conn(),
        &format!("{kind}:{}", attempts::address_key(address)),
        since,
    )
    .await?;
    Ok(limit.allows(account_failures, address_failures))
}

pub(crate) async fn record_failure(
    state: &AppState,
    guarded: Guarded,
    account: Option<&str>,
    address: &str,
) -> Result<(), AppError> {
    let kind = guarded.key();
    let mut keys = vec![format!("{kind}:{}", attempts::address_key(address))];
    if let Some(a) = account {
        keys.push(format!("{kind}:{}", attempts::account_key(a)));
    }
    attempts::record(state.db.conn(), &keys, state.clock.now()).await?;
    Ok(())
}
