//! Feeding the index from the database: an entry from a case or a
//! publication, the full rebuild, and following the change log
//! (`beacon_db::exchange::search_log`), so that several servers on one
//! database converge (PROMISES.md 24).
//!
//! Only published cases are indexed (PROMISES.md 3), and a publication only
//! at a level `readable_by` lets someone read (partners or public). An
//! anonymised publication's entry has no council: the row has none to give.
use crate::SearchError;
use crate::document::{Document, Kind, Visibility};
use crate::index::{Index, Progress};
use beacon_core::exchange::{CaseStatus, Level};
use beacon_db::entity::{
    case_audience, case_publication, case_study, case_tag, organisation, search_change,
};
use beacon_db::exchange::search_log::{self, Target};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rows read per query while rebuilding.
const BATCH: u64 = 500;
/// Changes applied per poll.
const POLL_LIMIT: u64 = 1_000;
/// How long a missing sequence number is waited for: a transaction that
/// took its number earlier may commit after a later one (PostgreSQL); one
/// that rolled back never shows.
const GAP_PATIENCE: Duration = Duration::from_secs(60);
/// How far back a fresh follower looks for such late commits.
const LOOK_BACK: i64 = 1_000;

fn sections_of(summary: &str, rest: [&str; 10]) -> (String, Vec<String>) {
    (
        summary.to_owned(),
        rest.iter().map(|s| (*s).to_owned()).collect(),
    )
}

fn case_document(
    row: case_study::Model,
    tags: Vec<String>,
    council: Option<String>,
) -> Option<Document> {
    if row.status != CaseStatus::Published.key() {
        return None;
    }
    let (summary, sections) = sections_of(
        &row.summary,
        [
            &row.innovative,
            &row.context,
            &row.partners,
            &row.users,
            &row.results,
            &row.challenges,
            &row.conditions,
            &row.replication,
            &row.lessons,
            &row.materials,
        ],
    );
    Some(Document {
        kind: Kind::Case,
        id: row.id,
        case_ref: None,
        owner: Some(row.organisation_id),
        council,
        visibility: Visibility::Councils(vec![row.organisation_id]),
        title: row.title,
        summary,
        sections,
        tags,
        service_area: row.service_area,
        facet: row.facet,
        stage: row.stage,
        outcome: row.outcome,
        evidence_level: row.evidence_level,
        year: row.year,
        published: row.published_at.unwrap_or(row.updated_at).unix_timestamp(),
    })
}

fn publication_document(row: case_publication::Model, audience: Vec<Uuid>) -> Option<Document> {
    let visibility = match row.level.parse::<Level>() {
        Ok(Level::Public) => Visibility::Public,
        Ok(Level::Partners) => Visibility::Councils(audience),
        // Nobody outside the council reads an internal publication.
        Ok(Level::Internal) | Err(_) => return None,
    };
    // An anonymised publication names no council, whatever the row holds.
    let (owner, council) = if row.anonymous {
        (None, None)
    } else {
        (
            row.organisation_id,
            row.council_name.filter(|n| !n.trim().is_empty()),
        )
    };
    let tags = row
        .tags
        .split([',', '\n'])
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let (summary, sections) = sections_of(
        &row.summary,
        [
            &row.innovative,
            &row.context,
            &row.partners,
            &row.users,
            &row.results,
            &row.challenges,
            &row.conditions,
            &row.replication,
            &row.lessons,
            &row.materials,
        ],
    );
    Some(Document {
        kind: Kind::Publication,
        id: row.id,
        case_ref: row.case_id,
        owner,
        council,
        visibility,
        title: row.title,
        summary,
        sections,
        tags,
        service_area: row.service_area,
        facet: row.facet,
        stage: row.stage,
        outcome: row.outcome,
        evidence_level: row.evidence_level,
        year: row.year,
        published: row.published_at.unix_timestamp(),
    })
}

async fn council_name<C: ConnectionTrait>(
    conn: &C,
    org: Uuid,
) -> Result<Option<String>, SearchError> {
    Ok(organisation::Entity::find_by_id(org)
        .one(conn)
        .await?
        .map(|o| o.name))
}

/// The entry of a council's own case, if it is published.
pub async fn case<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<Document>, SearchError> {
    let Some(row) = case_study::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    if row.status != CaseStatus::Published.key() {
        return Ok(None);
    }
    let tags = case_tag::Entity::find()
        .filter(case_tag::Column::CaseId.eq(id))
        .order_by_asc(case_tag::Column::Tag)
        .all(conn)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect();
    let council = council_name(conn, row.organisation_id).await?;
    Ok(case_document(row, tags, council))
}

/// The entry of a publication, if anyone outside its council may read it.
pub async fn publication<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<Document>, SearchError> {
    let Some(row) = case_publication::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let audience = case_audience::Entity::find()
        .filter(case_audience::Column::PublicationId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect();
    Ok(publication_document(row, audience))
}

/// Rebuild `index` from the database: every published case and every
/// readable publication. Readers see the old index until the new one
/// commits. Returns how many entries were written.
pub async fn rebuild<C: ConnectionTrait>(
    conn: &C,
    index: &Index,
    progress: &mut Progress<'_>,
) -> Result<u64, SearchError> {
    // The log position is read first: whatever changes after it is applied
    // again by the follower, which re-reads its target.
    let seq = search_log::latest(conn).await?;
    let result = rebuild_at(conn, index, progress).await;
    match result {
        Ok(n) => {
            index.commit_at(seq)?;
            Ok(n)
        }
        Err(e) => {
            index.rollback()?;
            Err(e)
        }
    }
}

async fn rebuild_at<C: ConnectionTrait>(
    conn: &C,
    index: &Index,
    progress: &mut Progress<'_>,
) -> Result<u64, SearchError> {
    let cases_total = case_study::Entity::find()
        .filter(case_study::Column::Status.eq(CaseStatus::Published.key()))
        .count(conn)
        .await?;
    let publications_total = case_publication::Entity::find().count(conn).await?;
    let total = cases_total + publications_total;
    progress(0, total);
    index.begin_rebuild()?;
    let councils: HashMap<Uuid, String> = organisation::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut done = 0u64;
    let mut written = 0u64;

    let mut after: Option<Uuid> = None;
    loop {
        let mut q = case_study::Entity::find()
            .filter(case_study::Column::Status.eq(CaseStatus::Published.key()))
            .order_by_asc(case_study::Column::Id)
            .limit(BATCH);
        if let Some(a) = after {
            q = q.filter(case_study::Column::Id.gt(a));
        }
        let rows = q.all(conn).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut tags: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
        for t in case_tag::Entity::find()
            .filter(case_tag::Column::CaseId.is_in(ids))
            .order_by_asc(case_tag::Column::Tag)
            .all(conn)
            .await?
        {
            tags.entry(t.case_id).or_default().push(t.tag);
        }
        let n = rows.len() as u64;
        let docs: Vec<Document> = rows
            .into_iter()
            .filter_map(|r| {
                let council = councils.get(&r.organisation_id).cloned();
                let t = tags.remove(&r.id).unwrap_or_default();
                case_document(r, t, council)
            })
            .collect();
        written += docs.len() as u64;
        index.add_uncommitted(&docs)?;
        done += n;
        progress(done, total);
    }

    let mut after: Option<Uuid> = None;
    loop {
        let mut q = case_publication::Entity::find()
            .order_by_asc(case_publication::Column::Id)
            .limit(BATCH);
        if let Some(a) = after {
            q = q.filter(case_publication::Column::Id.gt(a));
        }
        let rows = q.all(conn).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut audience: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        for a in case_audience::Entity::find()
            .filter(case_audience::Column::PublicationId.is_in(ids))
            .all(conn)
            .await?
        {
            audience
                .entry(a.publication_id)
                .or_default()
                .push(a.organisation_id);
        }
        let n = rows.len() as u64;
        let docs: Vec<Document> = rows
            .into_iter()
            .filter_map(|r| {
                let a = audience.remove(&r.id).unwrap_or_default();
                publication_document(r, a)
            })
            .collect();
        written += docs.len() as u64;
        index.add_uncommitted(&docs)?;
        done += n;
        progress(done, total);
    }
    Ok(written)
}

/// Where a follower is in the change log. Changes are applied in order and
/// re-read their target, so applying one twice is harmless; a missing
/// number is waited for a while, since its transaction may still commit.
#[derive(Debug)]
pub struct Follower {
    /// Every change up to here is applied (or given up on).
    cursor: i64,
    /// The highest change applied.
    high: i64,
    /// Numbers below `high` not seen yet, and since when.
    gaps: BTreeMap<i64, Instant>,
}

impl Follower {
    /// A follower for an index that reflects the log up to `seq`.
    pub fn at(seq: i64) -> Self {
        Follower {
            cursor: seq,
            high: seq,
            gaps: BTreeMap::new(),
        }
    }

    /// The position the index reflects without doubt.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// Look back from the start for changes that may have committed late,
    /// and treat the numbers not seen as gaps to wait for.
    async fn look_back<C: ConnectionTrait>(&mut self, conn: &C) -> Result<(), SearchError> {
        let from = (self.cursor - LOOK_BACK).max(0);
        let seen: std::collections::BTreeSet<i64> =
            search_log::changes_after(conn, from, LOOK_BACK as u64 + 1)
                .await?
                .into_iter()
                .map(|(s, _)| s)
                .filter(|s| *s <= self.cursor)
                .collect();
        let now = Instant::now();
        for s in (from + 1)..=self.cursor {
            if !seen.contains(&s) {
                self.gaps.insert(s, now);
            }
        }
        self.cursor = self.gaps.keys().next().map_or(self.cursor, |g| g - 1);
        Ok(())
    }

    /// Apply the changes committed since the last call. Returns how many
    /// changes were applied.
    pub async fn poll<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        index: &Index,
    ) -> Result<usize, SearchError> {
        let now = Instant::now();
        let mut targets: Vec<Target> = Vec::new();
        for (seq, target) in search_log::changes_after(conn, self.high, POLL_LIMIT).await? {
            for missing in (self.high + 1)..seq {
                self.gaps.insert(missing, now);
            }
            self.high = self.high.max(seq);
            targets.push(target);
        }
        if !self.gaps.is_empty() {
            let waiting: Vec<i64> = self
                .gaps
                .keys()
                .take(POLL_LIMIT as usize)
                .copied()
                .collect();
            for row in search_change::Entity::find()
                .filter(search_change::Column::Seq.is_in(waiting))
                .all(conn)
                .await?
            {
                self.gaps.remove(&row.seq);
                match row.kind.as_str() {
                    "case" => targets.push(Target::Case(row.target_id)),
                    "publication" => targets.push(Target::Publication(row.target_id)),
                    _ => {}
                }
            }
        }
        self.gaps
            .retain(|_, since| now.duration_since(*since) < GAP_PATIENCE);
        self.cursor = self.gaps.keys().next().map_or(self.high, |g| g - 1);
        if targets.is_empty() {
            return Ok(0);
        }
        let mut upserts = Vec::new();
        let mut deletions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for target in &targets {
            let (kind, id) = match *target {
                Target::Case(id) => (Kind::Case, id),
                Target::Publication(id) => (Kind::Publication, id),
            };
            // Each target is read once, now: its latest state is what counts.
            if !seen.insert((kind, id)) {
                continue;
            }
            let doc = match kind {
                Kind::Case => case(conn, id).await?,
                Kind::Publication => publication(conn, id).await?,
            };
            match doc {
                Some(d) => upserts.push(d),
                None => deletions.push((kind, id)),
            }
        }
        let index = index.clone();
        let seq = self.cursor;
        tokio::task::spawn_blocking(move || index.apply(&upserts, &deletions, Some(seq)))
            .await
            .map_err(|e| SearchError::Directory(e.to_string()))??;
        Ok(targets.len())
    }
}

/// Make `index` current: rebuild it if it was never built, and return a
/// follower positioned where it stands.
pub async fn start<C: ConnectionTrait>(conn: &C, index: &Index) -> Result<Follower, SearchError> {
    let seq = match index.seq() {
        Some(seq) => seq,
        None => {
            rebuild(conn, index, &mut |_, _| {}).await?;
            index.seq().unwrap_or(0)
        }
    };
    let mut follower = Follower::at(seq);
    follower.look_back(conn).await?;
    // Catch up at once, so the first searches see what is in the database.
    while follower.poll(conn, index).await? > 0 {}
    Ok(follower)
}
