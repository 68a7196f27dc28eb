//! Reading another Beacon's feed: one client with a timeout, no redirects
//! and a cap on every body; all pages of a source read before anything is
//! stored, then stored all at once or not at all.
use crate::app::AppState;
use beacon_core::exchange::federation::{
    Refusal, SourceUrl, WireCase, WirePage, instance_name, limits, parse_cases,
};
use beacon_db::DbError;
use beacon_db::exchange::federation::{self as store, Source};
use std::time::Duration;

fn client() -> Result<reqwest::Client, Refusal> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(limits::TIMEOUT_SECS))
        .connect_timeout(Duration::from_secs(limits::TIMEOUT_SECS))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Beacon/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|_| Refusal::Unreachable)
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
pub async fn name_of(base: &SourceUrl) -> Result<String, Refusal> {
    let client = client()?;
    let first = page(&client, &page_url(base, None)).await?;
    instance_name(&first)
}

/// Every case the source offers, all pages, checked by the core's rules.
async fn read_all(
    base: &SourceUrl,
) -> Result<Vec<beacon_core::exchange::federation::RemoteCase>, Refusal> {
    let client = client()?;
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
    match read_all(&base).await {
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
