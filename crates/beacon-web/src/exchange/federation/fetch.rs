//! Reading another Beacon's feed: one client with a timeout, no redirects,
//! no proxy and a cap on every body; all pages of a source read before
//! anything is stored, then stored all at once or not at all.
//!
//! Unless the configuration allows private addresses, a source's host is
//! resolved here, every address it resolves to is checked
//! ([`is_private_address`]), and the client is pinned to those checked
//! addresses, so a name that resolves differently a moment later (DNS
//! rebinding) cannot lead the request into the server's own network.
use crate::app::AppState;
use beacon_core::exchange::federation::{
    Refusal, SourceUrl, WireCase, WirePage, instance_name, is_private_address, limits, parse_cases,
};
use beacon_db::DbError;
use beacon_db::exchange::federation::{self as store, Source};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The addresses `base` may be reached at: its own, checked, when it is an
/// address; the ones its name resolves to, all of them checked, otherwise.
/// `None` for an address literal (the client connects to it as it is).
async fn checked_addresses(
    base: &SourceUrl,
    allow_private: bool,
) -> Result<Option<Vec<SocketAddr>>, Refusal> {
    let host = base.host();
    if let Ok(ip) = host.parse::<IpAddr>() {
        if !allow_private && is_private_address(ip) {
            return Err(Refusal::PrivateAddress);
        }
        return Ok(None);
    }
    let lookup = tokio::net::lookup_host((host, base.port()));
    let addrs: Vec<SocketAddr> =
        tokio::time::timeout(Duration::from_secs(limits::TIMEOUT_SECS), lookup)
            .await
            .map_err(|_| Refusal::Unreachable)?
            .map_err(|_| Refusal::Unreachable)?
            .collect();
    if addrs.is_empty() {
        return Err(Refusal::Unreachable);
    }
    // One private address is enough to refuse: which one a connection
    // would use is not ours to choose.
    if !allow_private && addrs.iter().any(|a| is_private_address(a.ip())) {
        return Err(Refusal::PrivateAddress);
    }
    Ok(Some(addrs))
}

/// A client for `base` alone, connecting only to its checked addresses.
async fn client(base: &SourceUrl, allow_private: bool) -> Result<reqwest::Client, Refusal> {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(limits::TIMEOUT_SECS))
        .connect_timeout(Duration::from_secs(limits::TIMEOUT_SECS))
        .redirect(reqwest::redirect::Policy::none())
        // Through a proxy, the address checked would be the proxy's.
        .no_proxy()
        .user_agent(concat!("Beacon/", env!("CARGO_PKG_VERSION")));
    if let Some(addrs) = checked_addresses(base, allow_private).await? {
        builder = builder.resolve_to_addrs(base.host(), &addrs);
    }
    builder.build().map_err(|_| Refusal::Unreachable)
}

/// One page of the feed at `url`, parsed as the schema's JSON.
async fn page(client: &reqwest::Client, url: &str) -> Result<WirePage, Refusal> {
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|_| Refusal::Unreachable)?;
    if !response.status().is_success() {
        return Err(Refusal::Status(response.status().as_u16()));
    }
    if response
        .content_length()
        .is_some_and(|n| n > limits::BODY_BYTES as u64)
    {
        return Err(Refusal::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| Refusal::Unreachable)? {
        if body.len() + chunk.len() > limits::BODY_BYTES {
            return Err(Refusal::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|_| Refusal::NotJson)
}

fn page_url(base: &SourceUrl, cursor: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("limit", &limits::PAGE_SIZE.to_string());
    if let Some(cursor) = cursor {
        query.append_pair("cursor", cursor);
    }
    format!("{}?{}", base.feed(), query.finish())
}

/// The name another Beacon gives itself, read from the first page of its
/// feed: how a subscription is checked before it is stored.
pub async fn name_of(base: &SourceUrl, allow_private: bool) -> Result<String, Refusal> {
    let client = client(base, allow_private).await?;
    let first = page(&client, &page_url(base, None)).await?;
    instance_name(&first)
}

/// Every case the source offers, all pages, checked by the core's rules.
async fn read_all(
    base: &SourceUrl,
    allow_private: bool,
) -> Result<Vec<beacon_core::exchange::federation::RemoteCase>, Refusal> {
    let client = client(base, allow_private).await?;
    let mut cases: Vec<WireCase> = Vec::new();
    let mut cursor: Option<String> = None;
    let most_pages = limits::CASES_PER_FETCH / limits::PAGE_SIZE as usize + 2;
    for _ in 0..most_pages {
        let p = page(&client, &page_url(base, cursor.as_deref())).await?;
        instance_name(&p)?;
        cases.extend(p.cases);
        if cases.len() > limits::CASES_PER_FETCH {
            return Err(Refusal::TooManyCases);
        }
        match p.next {
            None => return parse_cases(&cases),
            Some(next) if Some(&next) == cursor.as_ref() => return Err(Refusal::Paging),
            Some(next) => cursor = Some(next),
        }
    }
    Err(Refusal::Paging)
}

/// What happened to one fetch.
#[derive(Debug)]
pub enum Fetched {
    /// Stored: the source's cases are now exactly what it offers.
    Applied,
    /// Refused, and why recorded with the source; nothing changed.
    Refused,
    /// Another fetch of the same source is under way.
    Busy,
}

/// Fetch one subscribed Beacon now: claim it, read every page, then store
/// all of it or record why not.
pub async fn fetch(state: &AppState, source: &Source) -> Result<Fetched, DbError> {
    let now = state.clock.now();
    let hold = time::Duration::seconds(
        i64::try_from(limits::TIMEOUT_SECS).unwrap_or(60)
            * (limits::CASES_PER_FETCH as i64 / 50 + 4),
    );
    if !store::claim(state.db.conn(), source.id, now, now + hold).await? {
        return Ok(Fetched::Busy);
    }
    let base = source
        .base_url
        .as_deref()
        .map(SourceUrl::parse)
        .and_then(Result::ok);
    let Some(base) = base else {
        store::record_refusal(state.db.conn(), now, source.id, "schema", "").await?;
        return Ok(Fetched::Refused);
    };
    match read_all(&base, state.config.federation_private_addresses).await {
        Ok(cases) => {
            let applied = store::apply(
                state.db.conn(),
                state.clock.now(),
                source.id,
                Some(&base),
                &cases,
            )
            .await?;
            tracing::info!(source = %source.id, added = applied.added, changed = applied.changed, removed = applied.removed, "exchange: fetched");
            Ok(Fetched::Applied)
        }
        Err(refusal) => {
            tracing::warn!(source = %source.id, reason = %refusal, "exchange: fetch refused");
            store::record_refusal(
                state.db.conn(),
                state.clock.now(),
                source.id,
                refusal.key(),
                &refusal.to_string(),
            )
            .await?;
            Ok(Fetched::Refused)
        }
    }
}

/// The background loop's turn: fetch every source that is due.
pub async fn fetch_due(state: &AppState) -> Result<(), DbError> {
    for source in store::due(state.db.conn(), state.clock.now()).await? {
        fetch(state, &source).await?;
    }
    Ok(())
}

/// Runs beside the server: every few minutes, fetch the sources that are due.
pub async fn fetch_loop(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        if let Err(e) = fetch_due(&state).await {
            tracing::warn!(error = %e, "exchange: could not fetch other Beacons");
        }
    }
}
