//! Business cases: options (business as usual always among them), cost and
//! benefit lines by year, optimism bias, the risk register, and each
//! organisation's risk matrix. Every query takes the organisation; another
//! organisation's case, option, line or risk is "not found". Every change
//! writes its audit event in the caller's transaction.
//!
//! A business case comes into being with its first change (never on a page
//! view), with business as usual as its first option; the unique index on
//! `idea_id` makes two first changes at once create one.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    appraisal_line, appraisal_option, business_case, idea, pipeline_stage, risk, risk_matrix,
};
use crate::ideas::idea_meets;
use crate::{DbError, Timestamp};
use beacon_core::OrgId;
use beacon_core::pipeline::appraisal::{
    self as rules, CaseFacts, Line, LineCategory, MAX_LINES_PER_OPTION, MAX_OPTIONS, Mitigation,
    OptimismBias, OptionFacts, OptionLines, ProjectType,
};
use beacon_core::pipeline::risk::{MAX_RISKS, NotInnovating, Response, Risk, RiskMatrix};
use beacon_core::pipeline::{FundingModel, Pence};
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

/// The name stored for business as usual; pages show it in the visitor's
/// language instead.
pub const BUSINESS_AS_USUAL: &str = "Business as usual";

/// A business case's settings, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BusinessCase {
    pub id: Uuid,
    pub idea: Uuid,
    pub appraisal_date: Date,
    pub project_type: ProjectType,
    pub mitigation: Mitigation,
    pub mitigation_note: String,
    pub funding_model: Option<FundingModel>,
    pub non_monetised_benefits: String,
    pub preferred_option: Option<Uuid>,
    pub not_innovating: Option<NotInnovatingStored>,
    pub updated_at: Timestamp,
}

impl BusinessCase {
    pub fn bias(&self) -> OptimismBias {
        OptimismBias {
            project_type: self.project_type,
            mitigation: self.mitigation,
        }
    }
}

/// The risk of not innovating as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotInnovatingStored {
    pub statement: String,
    pub likelihood: u8,
    pub impact: u8,
}

/// An option with its lines, years in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppraisalOption {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub business_as_usual: bool,
    pub lines: Vec<StoredLine>,
}

impl AppraisalOption {
    pub fn for_appraisal(&self) -> OptionLines {
        OptionLines {
            business_as_usual: self.business_as_usual,
            lines: self.lines.iter().map(StoredLine::line).collect(),
        }
    }

    fn facts(&self) -> OptionFacts {
        OptionFacts {
            business_as_usual: self.business_as_usual,
            cost_lines: self.lines.iter().filter(|l| l.category.is_cost()).count(),
            benefit_lines: self
                .lines
                .iter()
                .filter(|l| l.category.is_benefit())
                .count(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredLine {
    pub id: Uuid,
    pub option: Uuid,
    pub year: u16,
    pub category: LineCategory,
    pub description: String,
    pub amount: Pence,
    pub source: Option<String>,
}

impl StoredLine {
    pub fn line(&self) -> Line {
        Line {
            year: self.year,
            category: self.category,
            amount: self.amount,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredRisk {
    pub id: Uuid,
    pub description: String,
    pub likelihood: u8,
    pub impact: u8,
    pub owner: String,
    pub response: Response,
    pub mitigation: String,
}

/// Everything the business case and risk pages show of one idea.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseView {
    /// None until the first change.
    pub case: Option<BusinessCase>,
    /// Business as usual first, then by position.
    pub options: Vec<AppraisalOption>,
    pub risks: Vec<StoredRisk>,
    pub matrix: RiskMatrix,
}

impl CaseView {
    pub fn facts(&self) -> CaseFacts {
        let case = self.case.as_ref();
        CaseFacts {
            options: self.options.iter().map(AppraisalOption::facts).collect(),
            preferred_option: case.is_some_and(|c| {
                c.preferred_option
                    .is_some_and(|p| self.options.iter().any(|o| o.id == p))
            }),
            funding_model: case.is_some_and(|c| c.funding_model.is_some()),
            risk_of_not_innovating: case.is_some_and(|c| c.not_innovating.is_some()),
            risks: self.risks.len(),
        }
    }

    pub fn option(&self, id: Uuid) -> Option<&AppraisalOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

fn corrupt(what: &str, value: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("{what}: {value}"))
}

fn level(raw: i32) -> Result<u8, DbError> {
    u8::try_from(raw).map_err(|_| corrupt("risk level", raw))
}

fn case_from(m: business_case::Model) -> Result<BusinessCase, DbError> {
    let not_innovating = match (
        m.not_innovating.trim().is_empty(),
        m.not_innovating_likelihood,
        m.not_innovating_impact,
    ) {
        (false, Some(l), Some(i)) => Some(NotInnovatingStored {
            statement: m.not_innovating.clone(),
            likelihood: level(l)?,
            impact: level(i)?,
        }),
        _ => None,
    };
    Ok(BusinessCase {
        id: m.id,
        idea: m.idea_id,
        appraisal_date: m.appraisal_date,
        project_type: m
            .project_type
            .parse()
            .map_err(|_| corrupt("project type", &m.project_type))?,
        mitigation: u8::try_from(m.mitigation_percent)
            .ok()
            .and_then(Mitigation::new)
            .ok_or_else(|| corrupt("mitigation", m.mitigation_percent))?,
        mitigation_note: m.mitigation_note,
        funding_model: m
            .funding_model
            .map(|f| f.parse().map_err(|_| corrupt("funding model", &f)))
            .transpose()?,
        non_monetised_benefits: m.non_monetised_benefits,
        preferred_option: m.preferred_option_id,
        not_innovating,
        updated_at: m.updated_at,
    })
}

fn line_from(m: appraisal_line::Model) -> Result<StoredLine, DbError> {
    Ok(StoredLine {
        id: m.id,
        option: m.option_id,
        year: u16::try_from(m.year).map_err(|_| corrupt("year", m.year))?,
        category: m
            .category
            .parse()
            .map_err(|_| corrupt("line category", &m.category))?,
        description: m.description,
        amount: m.amount_pence,
        source: m.source,
    })
}

fn risk_from(m: risk::Model) -> Result<StoredRisk, DbError> {
    Ok(StoredRisk {
        id: m.id,
        description: m.description,
        likelihood: level(m.likelihood)?,
        impact: level(m.impact)?,
        owner: m.owner,
        response: m
            .response
            .parse()
            .map_err(|_| corrupt("response", &m.response))?,
        mitigation: m.mitigation,
    })
}

async fn case_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<business_case::Model>, DbError> {
    Ok(business_case::Entity::find()
        .filter(business_case::Column::OrganisationId.eq(org.uuid()))
        .filter(business_case::Column::IdeaId.eq(idea))
        .one(conn)
        .await?)
}

/// The business case of an idea of `org`, if it has one.
pub async fn case<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<BusinessCase>, DbError> {
    case_row(conn, org, idea).await?.map(case_from).transpose()
}

async fn options_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    ideas: &[Uuid],
) -> Result<Vec<(Uuid, AppraisalOption)>, DbError> {
    let rows = appraisal_option::Entity::find()
        .filter(appraisal_option::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_option::Column::IdeaId.is_in(ideas.iter().copied()))
        .order_by_desc(appraisal_option::Column::BusinessAsUsual)
        .order_by_asc(appraisal_option::Column::Position)
        .order_by_asc(appraisal_option::Column::CreatedAt)
        .order_by_asc(appraisal_option::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    let mut lines: BTreeMap<Uuid, Vec<StoredLine>> = BTreeMap::new();
    if !ids.is_empty() {
        for row in appraisal_line::Entity::find()
            .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
            .filter(appraisal_line::Column::OptionId.is_in(ids))
            .order_by_asc(appraisal_line::Column::Year)
            .order_by_asc(appraisal_line::Column::CreatedAt)
            .order_by_asc(appraisal_line::Column::Id)
            .all(conn)
            .await?
        {
            let line = line_from(row)?;
            lines.entry(line.option).or_default().push(line);
        }
    }
    Ok(rows
        .into_iter()
        .map(|o| {
            (
                o.idea_id,
                AppraisalOption {
                    id: o.id,
                    lines: lines.remove(&o.id).unwrap_or_default(),
                    name: o.name,
                    description: o.description,
                    business_as_usual: o.business_as_usual,
                },
            )
        })
        .collect())
}

async fn risks_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Vec<StoredRisk>, DbError> {
    risk::Entity::find()
        .filter(risk::Column::OrganisationId.eq(org.uuid()))
        .filter(risk::Column::IdeaId.eq(idea))
        .order_by_asc(risk::Column::CreatedAt)
        .order_by_asc(risk::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(risk_from)
        .collect()
}

/// Everything the pages show of an idea's business case and risks. The
/// caller has already found the idea in `org`.
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<CaseView, DbError> {
    let case = case(conn, org, idea).await?;
    let options = options_of(conn, org, &[idea])
        .await?
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    Ok(CaseView {
        case,
        options,
        risks: risks_of(conn, org, idea).await?,
        matrix: matrix(conn, org).await?,
    })
}

/// Whether the idea's business case meets the gate requirement
/// `BusinessCaseComplete` (see `beacon_core::pipeline::stages`).
pub async fn is_complete<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<bool, DbError> {
    if case_row(conn, org, idea).await?.is_none() {
        return Ok(false);
    }
    let view = load(conn, org, idea).await?;
    Ok(rules::is_complete(&view.facts()))
}

/// What an idea's business case expects, for the portfolio: the preferred
/// option's undiscounted totals over its appraisal period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpectedTotals {
    pub idea: Uuid,
    pub cashable_pence: i64,
    pub non_cashable_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
}

/// The expected totals of every idea in `org` that has a business case with
/// a preferred option. Costs are as entered, before optimism bias.
pub async fn expected_totals<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<ExpectedTotals>, DbError> {
    expected_totals_where(conn, org, Condition::all()).await
}

/// The same for the ideas that meet `ideas`, a condition on the `ideas`
/// table (the caller's filter, say the portfolio's visible ideas). It is
/// checked in the query, idea by idea of the business cases, so narrowing
/// never reads the ids of ideas without a case.
pub async fn expected_totals_where<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    ideas: Condition,
) -> Result<Vec<ExpectedTotals>, DbError> {
    let preferred: BTreeMap<Uuid, Uuid> = business_case::Entity::find()
        .filter(business_case::Column::OrganisationId.eq(org.uuid()))
        .filter(business_case::Column::PreferredOptionId.is_not_null())
        .filter(idea_meets(business_case::Column::IdeaId, ideas))
        .order_by_asc(business_case::Column::IdeaId)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|c| c.preferred_option_id.map(|p| (p, c.idea_id)))
        .collect();
    if preferred.is_empty() {
        return Ok(Vec::new());
    }
    let mut totals: BTreeMap<Uuid, ExpectedTotals> = preferred
        .values()
        .map(|idea| {
            (
                *idea,
                ExpectedTotals {
                    idea: *idea,
                    ..ExpectedTotals::default()
                },
            )
        })
        .collect();
    let rows = appraisal_line::Entity::find()
        .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_line::Column::OptionId.is_in(preferred.keys().copied()))
        .all(conn)
        .await?;
    for row in rows {
        let line = line_from(row)?;
        let Some(t) = preferred
            .get(&line.option)
            .and_then(|idea| totals.get_mut(idea))
        else {
            continue;
        };
        let slot = match line.category {
            LineCategory::CapitalCost | LineCategory::RevenueCost => &mut t.cost_pence,
            LineCategory::CashableBenefit => &mut t.cashable_pence,
            LineCategory::NonCashableBenefit => &mut t.non_cashable_pence,
            LineCategory::SocialValue => &mut t.social_value_pence,
        };
        *slot = slot.saturating_add(line.amount);
    }
    Ok(totals.into_values().collect())
}

/// The ideas of `org` in any of `stages`, oldest first: the ideas that
/// ought to have a business case, for the demo and for checks.
pub async fn ideas_in_stages<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    stages: &[&str],
) -> Result<Vec<idea::Model>, DbError> {
    Ok(idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Stage.is_in(stages.iter().copied()))
        .order_by_asc(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::Id)
        .all(conn)
        .await?)
}

/// The name `org` gives a stage, for pages that show where an idea is.
pub async fn stage_name<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    key: &str,
) -> Result<Option<String>, DbError> {
    Ok(pipeline_stage::Entity::find()
        .filter(pipeline_stage::Column::OrganisationId.eq(org.uuid()))
        .filter(pipeline_stage::Column::Key.eq(key))
        .one(conn)
        .await?
        .map(|s| s.name))
}

// ---------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------

/// The business case of the idea, created with business as usual if it has
/// none. Returns the case's id.
async fn ensure_case<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
) -> Result<Uuid, DbError> {
    if let Some(row) = case_row(conn, org, idea).await? {
        return Ok(row.id);
    }
    let id = Uuid::new_v4();
    let inserted = business_case::Entity::insert(business_case::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        appraisal_date: Set(now.date()),
        project_type: Set(ProjectType::ServiceChange.key().to_owned()),
        mitigation_percent: Set(0),
        mitigation_note: Set(String::new()),
        funding_model: Set(None),
        non_monetised_benefits: Set(String::new()),
        preferred_option_id: Set(None),
        not_innovating: Set(String::new()),
        not_innovating_likelihood: Set(None),
        not_innovating_impact: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(business_case::Column::IdeaId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    if inserted == 0 {
        // Someone else's first change won; theirs created business as usual.
        return case_row(conn, org, idea)
            .await?
            .map(|r| r.id)
            .ok_or(DbError::NotFound);
    }
    appraisal_option::Entity::insert(appraisal_option::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        name: Set(BUSINESS_AS_USUAL.to_owned()),
        description: Set(String::new()),
        business_as_usual: Set(true),
        position: Set(0),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("business_case.create", "idea", idea).in_org(org),
    )
    .await?;
    Ok(id)
}

/// Business as usual's option id, creating the business case if need be.
pub async fn business_as_usual<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
) -> Result<Uuid, DbError> {
    ensure_case(conn, now, actor, org, idea).await?;
    appraisal_option::Entity::find()
        .filter(appraisal_option::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_option::Column::IdeaId.eq(idea))
        .filter(appraisal_option::Column::BusinessAsUsual.eq(true))
        .one(conn)
        .await?
        .map(|o| o.id)
        .ok_or(DbError::NotFound)
}

async fn touch<C: ConnectionTrait>(conn: &C, case: Uuid, now: Timestamp) -> Result<(), DbError> {
    business_case::Entity::update_many()
        .col_expr(business_case::Column::UpdatedAt, Expr::value(now))
        .filter(business_case::Column::Id.eq(case))
        .exec(conn)
        .await?;
    Ok(())
}

/// A business case's settings, already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub appraisal_date: Date,
    pub project_type: ProjectType,
    pub mitigation: Mitigation,
    pub mitigation_note: String,
    pub funding_model: Option<FundingModel>,
    pub non_monetised_benefits: String,
    pub preferred_option: Option<Uuid>,
}

/// Save the settings. The preferred option must be one of this idea's
/// options (otherwise "not found" and nothing changes).
pub async fn save_settings<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    settings: &Settings,
) -> Result<(), DbError> {
    if let Some(option) = settings.preferred_option {
        option_row(conn, org, idea, option).await?;
    }
    let id = ensure_case(conn, now, actor, org, idea).await?;
    let before = case(conn, org, idea).await?;
    business_case::Entity::update_many()
        .col_expr(
            business_case::Column::AppraisalDate,
            Expr::value(settings.appraisal_date),
        )
        .col_expr(
            business_case::Column::ProjectType,
            Expr::value(settings.project_type.key()),
        )
        .col_expr(
            business_case::Column::MitigationPercent,
            Expr::value(i32::from(settings.mitigation.percent())),
        )
        .col_expr(
            business_case::Column::MitigationNote,
            Expr::value(settings.mitigation_note.clone()),
        )
        .col_expr(
            business_case::Column::FundingModel,
            Expr::value(settings.funding_model.map(|f| f.key().to_owned())),
        )
        .col_expr(
            business_case::Column::NonMonetisedBenefits,
            Expr::value(settings.non_monetised_benefits.clone()),
        )
        .col_expr(
            business_case::Column::PreferredOptionId,
            Expr::value(settings.preferred_option),
        )
        .col_expr(business_case::Column::UpdatedAt, Expr::value(now))
        .filter(business_case::Column::Id.eq(id))
        .filter(business_case::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("business_case.settings", "idea", idea)
            .in_org(org)
            .before(before.map(|b| Settings {
                appraisal_date: b.appraisal_date,
                project_type: b.project_type,
                mitigation: b.mitigation,
                mitigation_note: b.mitigation_note,
                funding_model: b.funding_model,
                non_monetised_benefits: b.non_monetised_benefits,
                preferred_option: b.preferred_option,
            }))
            .after(settings),
    )
    .await
}

async fn option_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    option: Uuid,
) -> Result<appraisal_option::Model, DbError> {
    appraisal_option::Entity::find_by_id(option)
        .filter(appraisal_option::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_option::Column::IdeaId.eq(idea))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Add an option after the others. `Conflict("options")` when the case
/// already compares as many as it may.
pub async fn add_option<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    name: &str,
    description: &str,
) -> Result<Uuid, DbError> {
    let case = ensure_case(conn, now, actor, org, idea).await?;
    let existing = appraisal_option::Entity::find()
        .filter(appraisal_option::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_option::Column::IdeaId.eq(idea))
        .all(conn)
        .await?;
    if existing.len() >= MAX_OPTIONS {
        return Err(DbError::Conflict("options"));
    }
    let position = existing.iter().map(|o| o.position).max().unwrap_or(0) + 1;
    let id = Uuid::new_v4();
    appraisal_option::Entity::insert(appraisal_option::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        name: Set(name.to_owned()),
        description: Set(description.to_owned()),
        business_as_usual: Set(false),
        position: Set(position),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    touch(conn, case, now).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("appraisal_option.add", "appraisal_option", id)
            .in_org(org)
            .after(serde_json::json!({"idea": idea, "name": name, "description": description})),
    )
    .await?;
    Ok(id)
}

/// Remove an option and its lines. Business as usual stays:
/// `Conflict("business_as_usual")`.
pub async fn remove_option<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    option: Uuid,
) -> Result<(), DbError> {
    let row = option_row(conn, org, idea, option).await?;
    if row.business_as_usual {
        return Err(DbError::Conflict("business_as_usual"));
    }
    let lines = appraisal_line::Entity::find()
        .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_line::Column::OptionId.eq(option))
        .count(conn)
        .await?;
    // Not the preferred option any more (the foreign key would do it, but
    // say so in the same statement order on both databases).
    business_case::Entity::update_many()
        .col_expr(
            business_case::Column::PreferredOptionId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(business_case::Column::UpdatedAt, Expr::value(now))
        .filter(business_case::Column::OrganisationId.eq(org.uuid()))
        .filter(business_case::Column::IdeaId.eq(idea))
        .filter(business_case::Column::PreferredOptionId.eq(option))
        .exec(conn)
        .await?;
    appraisal_line::Entity::delete_many()
        .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_line::Column::OptionId.eq(option))
        .exec(conn)
        .await?;
    appraisal_option::Entity::delete_many()
        .filter(appraisal_option::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_option::Column::Id.eq(option))
        .exec(conn)
        .await?;
    if let Some(case) = case_row(conn, org, idea).await? {
        touch(conn, case.id, now).await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("appraisal_option.remove", "appraisal_option", option)
            .in_org(org)
            .before(serde_json::json!({
                "idea": idea,
                "name": row.name,
                "description": row.description,
                "lines": lines,
            })),
    )
    .await
}

/// A line to add, already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewLine {
    pub year: u16,
    pub category: LineCategory,
    pub description: String,
    pub amount: Pence,
    pub source: Option<String>,
}

impl NewLine {
    pub fn line(&self) -> Line {
        Line {
            year: self.year,
            category: self.category,
            amount: self.amount,
        }
    }
}

/// Add a line to one of the idea's options. `Conflict("lines")` when the
/// option is full.
pub async fn add_line<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    option: Uuid,
    line: &NewLine,
) -> Result<Uuid, DbError> {
    option_row(conn, org, idea, option).await?;
    let count = appraisal_line::Entity::find()
        .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_line::Column::OptionId.eq(option))
        .count(conn)
        .await?;
    if count >= MAX_LINES_PER_OPTION as u64 {
        return Err(DbError::Conflict("lines"));
    }
    let case = ensure_case(conn, now, actor, org, idea).await?;
    let id = Uuid::new_v4();
    appraisal_line::Entity::insert(appraisal_line::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        option_id: Set(option),
        year: Set(i32::from(line.year)),
        category: Set(line.category.key().to_owned()),
        description: Set(line.description.clone()),
        amount_pence: Set(line.amount),
        source: Set(line.source.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    touch(conn, case, now).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("appraisal_line.add", "appraisal_line", id)
            .in_org(org)
            .after(serde_json::json!({"idea": idea, "option": option, "line": line})),
    )
    .await?;
    Ok(id)
}

/// Remove one line of one of the idea's options.
pub async fn remove_line<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    line: Uuid,
) -> Result<(), DbError> {
    let row = appraisal_line::Entity::find_by_id(line)
        .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    // The line's option must be this idea's: an id from another idea of the
    // same council is "not found" here too.
    option_row(conn, org, idea, row.option_id).await?;
    appraisal_line::Entity::delete_many()
        .filter(appraisal_line::Column::OrganisationId.eq(org.uuid()))
        .filter(appraisal_line::Column::Id.eq(line))
        .exec(conn)
        .await?;
    if let Some(case) = case_row(conn, org, idea).await? {
        touch(conn, case.id, now).await?;
    }
    let before = line_from(row)?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("appraisal_line.remove", "appraisal_line", line)
            .in_org(org)
            .before(serde_json::json!({"idea": idea, "line": before})),
    )
    .await
}

/// A whole business case written at once, as an import or the demo does:
/// business as usual's lines first, then each further option with its lines.
#[derive(Clone, Debug)]
pub struct WholeCase {
    pub appraisal_date: Date,
    pub project_type: ProjectType,
    pub mitigation: Mitigation,
    pub mitigation_note: String,
    pub funding_model: Option<FundingModel>,
    pub non_monetised_benefits: String,
    pub business_as_usual: Vec<NewLine>,
    /// Name, description and lines of each option besides business as usual.
    pub options: Vec<(String, String, Vec<NewLine>)>,
    /// 0 is business as usual, 1 the first of `options`, and so on.
    pub preferred: Option<usize>,
    pub not_innovating: Option<NotInnovating>,
    pub risks: Vec<Risk>,
}

/// Write a whole business case for an idea that has none, in a handful of
/// statements, with one audit event. `Conflict("business_case")` if the idea
/// already has one.
pub async fn create_whole<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    whole: &WholeCase,
) -> Result<(), DbError> {
    if case_row(conn, org, idea).await?.is_some() {
        return Err(DbError::Conflict("business_case"));
    }
    let mut option_ids = Vec::new();
    let mut option_rows = Vec::new();
    let mut line_rows = Vec::new();
    let all = std::iter::once((BUSINESS_AS_USUAL, "", &whole.business_as_usual)).chain(
        whole
            .options
            .iter()
            .map(|(name, description, lines)| (name.as_str(), description.as_str(), lines)),
    );
    for (position, (name, description, lines)) in all.enumerate() {
        let id = Uuid::new_v4();
        option_ids.push(id);
        option_rows.push(appraisal_option::ActiveModel {
            id: Set(id),
            organisation_id: Set(org.uuid()),
            idea_id: Set(idea),
            name: Set(name.to_owned()),
            description: Set(description.to_owned()),
            business_as_usual: Set(position == 0),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            created_at: Set(now),
        });
        for line in lines {
            line_rows.push(appraisal_line::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                option_id: Set(id),
                year: Set(i32::from(line.year)),
                category: Set(line.category.key().to_owned()),
                description: Set(line.description.clone()),
                amount_pence: Set(line.amount),
                source: Set(line.source.clone()),
                created_at: Set(now),
            });
        }
    }
    appraisal_option::Entity::insert_many(option_rows)
        .exec_without_returning(conn)
        .await?;
    // In chunks: SQLite allows so many bound values in one statement.
    for chunk in line_rows.chunks(100) {
        appraisal_line::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    business_case::Entity::insert(business_case::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        appraisal_date: Set(whole.appraisal_date),
        project_type: Set(whole.project_type.key().to_owned()),
        mitigation_percent: Set(i32::from(whole.mitigation.percent())),
        mitigation_note: Set(whole.mitigation_note.clone()),
        funding_model: Set(whole.funding_model.map(|f| f.key().to_owned())),
        non_monetised_benefits: Set(whole.non_monetised_benefits.clone()),
        preferred_option_id: Set(whole.preferred.and_then(|i| option_ids.get(i).copied())),
        not_innovating: Set(whole
            .not_innovating
            .as_ref()
            .map(|n| n.statement.as_str().to_owned())
            .unwrap_or_default()),
        not_innovating_likelihood: Set(whole
            .not_innovating
            .as_ref()
            .map(|n| i32::from(n.likelihood))),
        not_innovating_impact: Set(whole.not_innovating.as_ref().map(|n| i32::from(n.impact))),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    let risk_rows: Vec<risk::ActiveModel> = whole
        .risks
        .iter()
        .enumerate()
        .map(|(i, r)| risk::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            idea_id: Set(idea),
            description: Set(r.description.as_str().to_owned()),
            likelihood: Set(i32::from(r.likelihood)),
            impact: Set(i32::from(r.impact)),
            owner: Set(r.owner.as_str().to_owned()),
            response: Set(r.response.key().to_owned()),
            mitigation: Set(r
                .mitigation
                .as_ref()
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default()),
            // Apart by a second each, so the register keeps its order.
            created_at: Set(now + time::Duration::seconds(i as i64)),
            updated_at: Set(now),
        })
        .collect();
    if !risk_rows.is_empty() {
        risk::Entity::insert_many(risk_rows)
            .exec_without_returning(conn)
            .await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("business_case.create", "idea", idea)
            .in_org(org)
            .after(serde_json::json!({
                "options": whole.options.len() + 1,
                "lines": line_rows.len(),
                "risks": whole.risks.len(),
            })),
    )
    .await
}

// ---------------------------------------------------------------------------
// Risks
// ---------------------------------------------------------------------------

/// Add a risk to the idea's register. `Conflict("risks")` when it is full.
pub async fn add_risk<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    new: &Risk,
) -> Result<Uuid, DbError> {
    let count = risk::Entity::find()
        .filter(risk::Column::OrganisationId.eq(org.uuid()))
        .filter(risk::Column::IdeaId.eq(idea))
        .count(conn)
        .await?;
    if count >= MAX_RISKS as u64 {
        return Err(DbError::Conflict("risks"));
    }
    let case = ensure_case(conn, now, actor, org, idea).await?;
    let id = Uuid::new_v4();
    risk::Entity::insert(risk::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        description: Set(new.description.as_str().to_owned()),
        likelihood: Set(i32::from(new.likelihood)),
        impact: Set(i32::from(new.impact)),
        owner: Set(new.owner.as_str().to_owned()),
        response: Set(new.response.key().to_owned()),
        mitigation: Set(new
            .mitigation
            .as_ref()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    touch(conn, case, now).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("risk.add", "risk", id)
            .in_org(org)
            .after(serde_json::json!({"idea": idea, "risk": new})),
    )
    .await?;
    Ok(id)
}

async fn risk_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    id: Uuid,
) -> Result<risk::Model, DbError> {
    risk::Entity::find_by_id(id)
        .filter(risk::Column::OrganisationId.eq(org.uuid()))
        .filter(risk::Column::IdeaId.eq(idea))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// One of the idea's risks.
pub async fn risk<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    id: Uuid,
) -> Result<Option<StoredRisk>, DbError> {
    match risk_row(conn, org, idea, id).await {
        Ok(row) => Ok(Some(risk_from(row)?)),
        Err(DbError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn update_risk<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    id: Uuid,
    new: &Risk,
) -> Result<(), DbError> {
    let before = risk_from(risk_row(conn, org, idea, id).await?)?;
    risk::Entity::update_many()
        .col_expr(
            risk::Column::Description,
            Expr::value(new.description.as_str()),
        )
        .col_expr(
            risk::Column::Likelihood,
            Expr::value(i32::from(new.likelihood)),
        )
        .col_expr(risk::Column::Impact, Expr::value(i32::from(new.impact)))
        .col_expr(risk::Column::Owner, Expr::value(new.owner.as_str()))
        .col_expr(risk::Column::Response, Expr::value(new.response.key()))
        .col_expr(
            risk::Column::Mitigation,
            Expr::value(
                new.mitigation
                    .as_ref()
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default(),
            ),
        )
        .col_expr(risk::Column::UpdatedAt, Expr::value(now))
        .filter(risk::Column::OrganisationId.eq(org.uuid()))
        .filter(risk::Column::Id.eq(id))
        .exec(conn)
        .await?;
    if let Some(case) = case_row(conn, org, idea).await? {
        touch(conn, case.id, now).await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("risk.update", "risk", id)
            .in_org(org)
            .before(&before)
            .after(serde_json::json!({"idea": idea, "risk": new})),
    )
    .await
}

pub async fn remove_risk<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    id: Uuid,
) -> Result<(), DbError> {
    let before = risk_from(risk_row(conn, org, idea, id).await?)?;
    risk::Entity::delete_many()
        .filter(risk::Column::OrganisationId.eq(org.uuid()))
        .filter(risk::Column::Id.eq(id))
        .exec(conn)
        .await?;
    if let Some(case) = case_row(conn, org, idea).await? {
        touch(conn, case.id, now).await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("risk.remove", "risk", id)
            .in_org(org)
            .before(serde_json::json!({"idea": idea, "risk": before})),
    )
    .await
}

/// Record the risk of not innovating.
pub async fn set_not_innovating<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    statement: &NotInnovating,
) -> Result<(), DbError> {
    let id = ensure_case(conn, now, actor, org, idea).await?;
    let before = case(conn, org, idea).await?.and_then(|c| c.not_innovating);
    business_case::Entity::update_many()
        .col_expr(
            business_case::Column::NotInnovating,
            Expr::value(statement.statement.as_str()),
        )
        .col_expr(
            business_case::Column::NotInnovatingLikelihood,
            Expr::value(Some(i32::from(statement.likelihood))),
        )
        .col_expr(
            business_case::Column::NotInnovatingImpact,
            Expr::value(Some(i32::from(statement.impact))),
        )
        .col_expr(business_case::Column::UpdatedAt, Expr::value(now))
        .filter(business_case::Column::Id.eq(id))
        .filter(business_case::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("business_case.not_innovating", "idea", idea)
            .in_org(org)
            .before(before)
            .after(statement),
    )
    .await
}

// ---------------------------------------------------------------------------
// The organisation's risk matrix
// ---------------------------------------------------------------------------

/// The organisation's matrix, or the 5 × 5 default until it sets one.
pub async fn matrix<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<RiskMatrix, DbError> {
    let Some(row) = risk_matrix::Entity::find()
        .filter(risk_matrix::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(RiskMatrix::default());
    };
    let small = |v: i32| u8::try_from(v).map_err(|_| corrupt("risk matrix", v));
    RiskMatrix::new(
        small(row.size)?,
        small(row.medium_from)?,
        small(row.high_from)?,
        small(row.very_high_from)?,
    )
    .map_err(|e| corrupt("risk matrix", e))
}

/// The highest likelihood or impact any of the organisation's risks (or
/// risks of not innovating) uses; 0 when there are none.
pub async fn highest_level_in_use<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<u8, DbError> {
    let mut highest = 0i32;
    for column in [risk::Column::Likelihood, risk::Column::Impact] {
        let max: Option<Option<i32>> = risk::Entity::find()
            .select_only()
            .column_as(Expr::expr(Func::max(Expr::col(column))), "max")
            .filter(risk::Column::OrganisationId.eq(org.uuid()))
            .into_tuple()
            .one(conn)
            .await?;
        highest = highest.max(max.flatten().unwrap_or(0));
    }
    for column in [
        business_case::Column::NotInnovatingLikelihood,
        business_case::Column::NotInnovatingImpact,
    ] {
        let max: Option<Option<i32>> = business_case::Entity::find()
            .select_only()
            .column_as(Expr::expr(Func::max(Expr::col(column))), "max")
            .filter(business_case::Column::OrganisationId.eq(org.uuid()))
            .into_tuple()
            .one(conn)
            .await?;
        highest = highest.max(max.flatten().unwrap_or(0));
    }
    u8::try_from(highest).map_err(|_| corrupt("risk level", highest))
}

#[derive(Debug, thiserror::Error)]
pub enum MatrixChangeError {
    /// Risks use likelihoods or impacts beyond the new size.
    #[error("risks use levels up to {0}")]
    InUse(u8),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Set the organisation's matrix, refusing a size smaller than a level any
/// of its risks already uses.
pub async fn set_matrix<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: RiskMatrix,
) -> Result<(), MatrixChangeError> {
    let highest = highest_level_in_use(conn, org).await?;
    if !RiskMatrix::fits(new.size(), highest) {
        return Err(MatrixChangeError::InUse(highest));
    }
    let before = matrix(conn, org).await?;
    risk_matrix::Entity::insert(risk_matrix::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        size: Set(i32::from(new.size())),
        medium_from: Set(i32::from(new.medium_from())),
        high_from: Set(i32::from(new.high_from())),
        very_high_from: Set(i32::from(new.very_high_from())),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(risk_matrix::Column::OrganisationId)
            .update_columns([
                risk_matrix::Column::Size,
                risk_matrix::Column::MediumFrom,
                risk_matrix::Column::HighFrom,
                risk_matrix::Column::VeryHighFrom,
                risk_matrix::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await
    .map_err(DbError::from)?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("risk_matrix.set", "organisation", org)
            .in_org(org)
            .before(before)
            .after(new),
    )
    .await?;
    Ok(())
}
