//! Many published case studies at once, for benchmarks of the pages and of
//! search at scale: `seed_bench_cases` writes generated cases (the same ones
//! for the same seed, from `beacon_search::corpus`) to the councils already
//! in the database, published with their publications, audiences and the
//! search change log, as publishing them one by one would.
use beacon_core::OrgId;
use beacon_core::exchange::{CaseStatus, Level};
use beacon_db::entity::{case_audience, case_publication, case_study, case_tag, organisation};
use beacon_db::exchange::search_log::{self, Target};
use beacon_db::{Db, organisations};
use sea_orm::{EntityTrait, QueryOrder};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// Cases written per transaction.
const BATCH: usize = 250;

/// Write `count` published cases generated from `seed`, spread over every
/// organisation in the database (each case's council is the generated
/// council's number modulo their count). A partners-level case is read by
/// its council's partners; an anonymised one names no council. Returns how
/// many cases were written.
pub async fn seed_bench_cases(
    db: &Db,
    now: OffsetDateTime,
    count: usize,
    seed: u64,
) -> anyhow::Result<usize> {
    let orgs = organisation::Entity::find()
        .order_by_asc(organisation::Column::CreatedAt)
        .all(db.conn())
        .await?;
    anyhow::ensure!(!orgs.is_empty(), "no organisation to write cases for");
    let mut partners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for o in &orgs {
        let of = organisations::partners_of(db.conn(), OrgId::from_uuid(o.id)).await?;
        partners.insert(o.id, of.into_iter().map(OrgId::uuid).collect());
    }
    let cases = beacon_search::corpus::cases(seed, count);
    for (n, chunk) in cases.chunks(BATCH).enumerate() {
        let txn = db.begin_writing().await?;
        let mut studies = Vec::new();
        let mut tags = Vec::new();
        let mut publications = Vec::new();
        let mut audience = Vec::new();
        let mut changes = Vec::new();
        for (i, c) in chunk.iter().enumerate() {
            let org = &orgs[c.council % orgs.len()];
            let at = now - time::Duration::minutes((n * BATCH + i) as i64);
            let level = if c.public {
                Level::Public
            } else {
                Level::Partners
            };
            let id = Uuid::new_v4();
            let [
                innovative,
                context,
                partners_text,
                users,
                results,
                challenges,
                conditions,
                replication,
                lessons,
                materials,
            ] = c.sections.clone();
            let study = case_study::Model {
                id,
                organisation_id: org.id,
                idea_id: None,
                title: c.title.clone(),
                summary: c.summary.clone(),
                innovative,
                context,
                partners: partners_text,
                users,
                results,
                challenges,
                conditions,
                replication,
                lessons,
                materials,
                service_area: c.service_area.to_owned(),
                facet: c.facet.to_owned(),
                stage: c.stage.to_owned(),
                year: c.year,
                outcome: c.outcome.to_owned(),
                evidence_level: c.evidence_level,
                cashable_savings_pence: 0,
                non_cashable_savings_pence: 0,
                social_value_pence: 0,
                cost_pence: 0,
                funder: String::new(),
                funding_programme: String::new(),
                funding_amount_pence: None,
                funding_awarded_on: None,
                level: level.key().to_owned(),
                anonymous: c.anonymous,
                status: CaseStatus::Published.key().to_owned(),
                version: 1,
                created_by: None,
                created_at: at,
                updated_at: at,
                published_at: Some(at),
            };
            for tag in &c.tags {
                tags.push(case_tag::ActiveModel::from(case_tag::Model {
                    case_id: id,
                    tag: tag.clone(),
                }));
            }
            let publication = Uuid::new_v4();
            let (organisation_id, council_name) = if c.anonymous {
                (None, None)
            } else {
                (Some(org.id), Some(org.name.clone()))
            };
            publications.push(case_publication::ActiveModel::from(
                case_publication::Model {
                    id: publication,
                    case_id: Some(id),
                    organisation_id,
                    council_name,
                    anonymous: c.anonymous,
                    level: level.key().to_owned(),
                    remote_source_id: None,
                    remote_id: None,
                    source_url: None,
                    title: study.title.clone(),
                    summary: study.summary.clone(),
                    innovative: study.innovative.clone(),
                    context: study.context.clone(),
                    partners: study.partners.clone(),
                    users: study.users.clone(),
                    results: study.results.clone(),
                    challenges: study.challenges.clone(),
                    conditions: study.conditions.clone(),
                    replication: study.replication.clone(),
                    lessons: study.lessons.clone(),
                    materials: study.materials.clone(),
                    service_area: study.service_area.clone(),
                    facet: study.facet.clone(),
                    stage: study.stage.clone(),
                    year: study.year,
                    outcome: study.outcome.clone(),
                    evidence_level: study.evidence_level,
                    cashable_savings_pence: 0,
                    non_cashable_savings_pence: 0,
                    social_value_pence: 0,
                    cost_pence: 0,
                    funder: String::new(),
                    funding_programme: String::new(),
                    funding_amount_pence: None,
                    funding_awarded_on: None,
                    tags: c.tags.join(", "),
                    published_at: at,
                    updated_at: at,
                },
            ));
            if level == Level::Partners {
                for p in partners.get(&org.id).into_iter().flatten() {
                    audience.push(case_audience::ActiveModel::from(case_audience::Model {
                        publication_id: publication,
                        organisation_id: *p,
                    }));
                }
            }
            studies.push(case_study::ActiveModel::from(study));
            changes.push(Target::Case(id));
            changes.push(Target::Publication(publication));
        }
        case_study::Entity::insert_many(studies)
            .exec_without_returning(&txn)
            .await?;
        if !tags.is_empty() {
            case_tag::Entity::insert_many(tags)
                .exec_without_returning(&txn)
                .await?;
        }
        case_publication::Entity::insert_many(publications)
            .exec_without_returning(&txn)
            .await?;
        if !audience.is_empty() {
            case_audience::Entity::insert_many(audience)
                .exec_without_returning(&txn)
                .await?;
        }
        for target in changes {
            search_log::changed(&txn, now, target).await?;
        }
        txn.commit().await?;
    }
    Ok(cases.len())
}
