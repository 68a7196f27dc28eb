//! The page benchmark's data (`Scale::Bench`, bench/pages/): on top of the
//! demo, Northmere's pipeline is filled up to 100,000 ideas, spread across
//! the stages with the moves that brought each one there, supports on four in
//! five and comments on one in ten, as the demo's own ideas have them. The
//! practice exchange gets [`CASES`] generated cases (`bench_cases`) once
//! every council and the partnership exist.
//!
//! Rows go in with multi-row inserts, a few hundred ideas at a time, inside
//! the council's transaction: seeding one at a time through the domain
//! functions would take hours at this size. The bulk rows carry no audit
//! events; nothing the benchmark measures reads them.
use super::DemoOrg;
use super::pipeline::ideas::{POOL, path_to};
use super::pipeline::participation::{COMMENTS, SUPPORTERS};
use beacon_core::Role;
use beacon_core::pipeline::Audience;
use beacon_core::pipeline::stages::{
    ADOPTED, BUSINESS_CASE, DECISION, EVALUATION, PILOT, SCREENED, STOPPED, SUBMITTED,
};
use beacon_db::DatabaseTransaction;
use beacon_db::entity::{challenge, idea, idea_comment, idea_move, idea_support};
use sea_orm::prelude::Uuid;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use time::{Duration, OffsetDateTime};

/// How many ideas the benchmark council has in all, the demo's own included.
pub const IDEAS: usize = 100_000;

/// How many published cases the practice exchange holds at this scale,
/// spread over the three councils (DESIGN.md §6).
pub const CASES: usize = 10_000;

/// The generator's seed for those cases, so every run measures the same ones.
pub const CASES_SEED: u64 = 20_261_124;

/// Ideas per round of inserts: with their moves (up to seven each) and
/// supports (up to eight), every statement stays well under SQLite's limit
/// of 32,766 bound parameters.
const CHUNK: usize = 250;

/// Out of every hundred ideas, how many have reached each stage: most are
/// young, few get as far as a pilot.
const SPREAD: [(&str, usize); 8] = [
    (SUBMITTED, 38),
    (SCREENED, 24),
    (BUSINESS_CASE, 12),
    (DECISION, 6),
    (PILOT, 5),
    (EVALUATION, 3),
    (ADOPTED, 6),
    (STOPPED, 6),
];

/// Where in the borough an idea is meant for, so titles differ.
const WARDS: [&str; 24] = [
    "Harbour",
    "Eastgate",
    "Moorside",
    "Westfield",
    "Northmere Central",
    "Old Town",
    "Riverside",
    "Castle",
    "St Anne's",
    "Brookfield",
    "Highcliffe",
    "Marsh End",
    "Priory",
    "Saltwell",
    "Fenwick",
    "Ashgrove",
    "Kingsway",
    "Lowfield",
    "Greenbank",
    "Sandhill",
    "Thornley",
    "Winton",
    "Yewtree",
    "Bankside",
];

fn stage_of(i: usize) -> &'static str {
    let mut at = (i * 37) % 100;
    for (stage, share) in SPREAD {
        if at < share {
            return stage;
        }
        at -= share;
    }
    SUBMITTED
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    ideas(txn, now, council).await
}

async fn ideas(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let org = council.org.uuid();
    let existing = idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org))
        .all(txn)
        .await?
        .len();
    let lead = council.person(Role::InnovationLead)?.uuid();
    let challenges = challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.eq(org))
        .all(txn)
        .await?;
    let answering = |audience: Audience| {
        challenges
            .iter()
            .find(|c| c.audience == audience.key())
            .map(|c| c.id)
    };
    let public = answering(Audience::Public);
    let staff = answering(Audience::Staff);
    let partners = answering(Audience::Partners);
    let authors: Vec<(Role, Uuid)> = council.people.iter().map(|(r, p)| (*r, p.uuid())).collect();
    let supporters: Vec<Uuid> = SUPPORTERS
        .iter()
        .map(|r| council.person(*r).map(|p| p.uuid()))
        .collect::<anyhow::Result<_>>()?;
    let commenters: Vec<(Uuid, &str)> = COMMENTS
        .iter()
        .map(|(r, body)| council.person(*r).map(|p| (p.uuid(), *body)))
        .collect::<anyhow::Result<_>>()?;

    let wanted = IDEAS.saturating_sub(existing);
    let mut start = 0;
    while start < wanted {
        let end = (start + CHUNK).min(wanted);
        let mut rows = Vec::with_capacity(end - start);
        let mut moves = Vec::new();
        let mut supports = Vec::new();
        let mut comments = Vec::new();
        for i in start..end {
            let text = &POOL[i % POOL.len()];
            let ward = WARDS[(i / POOL.len()) % WARDS.len()];
            let (role, author) = authors[(i * 7) % authors.len()];
            let stage = stage_of(i);
            let path = path_to(stage);
            // Written over the last three years; further-on ideas are older.
            let age = 2 + 60 * path.len() as i64 + ((i * 7_919) % 900) as i64;
            let created = now - Duration::days(age) + Duration::minutes((i % 1_440) as i64);
            let challenge = match i % 10 {
                0..=2 => public,
                3 => staff,
                4 => partners,
                _ => None,
            };
            let id = Uuid::new_v4();
            let hidden = i % 997 == 996;
            let pseudonym = (role == Role::Resident && i % 3 == 0).then(|| format!("Resident {i}"));
            let span = (now - Duration::days(1)) - created;
            let step = span / (path.len() as i32 + 1);
            moves.push(idea_move::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org),
                idea_id: Set(id),
                from_stage: Set(None),
                to_stage: Set(SUBMITTED.to_owned()),
                reason: Set(String::new()),
                moved_by: Set(Some(author)),
                moved_at: Set(created),
            });
            let mut from = SUBMITTED;
            let mut updated = created;
            for (k, (to, reason)) in path.iter().enumerate() {
                updated = created + step * (k as i32 + 1);
                moves.push(idea_move::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    organisation_id: Set(org),
                    idea_id: Set(id),
                    from_stage: Set(Some(from.to_owned())),
                    to_stage: Set((*to).to_owned()),
                    reason: Set((*reason).to_owned()),
                    moved_by: Set(Some(lead)),
                    moved_at: Set(updated),
                });
                from = to;
            }
            rows.push(idea::ActiveModel {
                id: Set(id),
                organisation_id: Set(org),
                challenge_id: Set(challenge),
                author_id: Set(author),
                pseudonym: Set(pseudonym),
                title: Set(format!("{}: {ward}", text.title)),
                problem: Set(text.problem.to_owned()),
                proposal: Set(text.proposal.to_owned()),
                service_area: Set(text.area.to_owned()),
                measure_today: Set(text.today.to_owned()),
                measure_aspiration: Set(text.aspiration.to_owned()),
                expected_benefit: Set(text.benefit.to_owned()),
                kind: Set(text.kind.key().to_owned()),
                facet: Set(text.facet.key().to_owned()),
                lever: Set(text.lever.key().to_owned()),
                stage: Set(stage.to_owned()),
                hidden: Set(hidden),
                merged_into: Set(None),
                created_at: Set(created),
                updated_at: Set(updated),
            });
            // As in the demo: every fifth idea has no supports yet, the
            // others from one to eight people.
            if i % 5 != 4 {
                let n = 1 + (i * 3) % supporters.len();
                for (k, person) in supporters.iter().take(n).enumerate() {
                    supports.push(idea_support::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        organisation_id: Set(org),
                        idea_id: Set(id),
                        person_id: Set(*person),
                        created_at: Set(created + Duration::hours(k as i64 + 1)),
                    });
                }
            }
            if i % 10 == 0 {
                for k in 0..1 + (i / 10) % 3 {
                    let (person, body) = commenters[(i + k) % commenters.len()];
                    comments.push(idea_comment::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        organisation_id: Set(org),
                        idea_id: Set(id),
                        author_id: Set(person),
                        body: Set(body.to_owned()),
                        hidden: Set(false),
                        hidden_reason: Set(None),
                        hidden_by: Set(None),
                        hidden_at: Set(None),
                        created_at: Set(created + Duration::days(k as i64 + 1)),
                    });
                }
            }
        }
        idea::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
        idea_move::Entity::insert_many(moves)
            .exec_without_returning(txn)
            .await?;
        if !supports.is_empty() {
            idea_support::Entity::insert_many(supports)
                .exec_without_returning(txn)
                .await?;
        }
        if !comments.is_empty() {
            idea_comment::Entity::insert_many(comments)
                .exec_without_returning(txn)
                .await?;
        }
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_covers_every_hundred_and_every_stage() {
        assert_eq!(SPREAD.iter().map(|(_, n)| n).sum::<usize>(), 100);
        for (stage, share) in SPREAD {
            let found = (0..100).filter(|i| stage_of(*i) == stage).count();
            assert_eq!(found, share, "{stage}");
        }
    }
}
