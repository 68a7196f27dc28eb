//! Matching through the engine: a vacancy's ranked candidates (with the
//! shared pools of partner councils), a pool member's own opportunities, and
//! the whole pool's assignment proposal that HR edits and turns into
//! invitations.
use super::{ExplanationView, area_name, explain, hours, tier_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::Lang;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::talent::PoolTier;
use beacon_core::talent::matching::{
    Explained, Pair, StaffFacts, VacancyFacts, candidate_order, opportunity_order, propose,
};
use beacon_core::talent::pool::effective_tier;
use beacon_db::entity::vacancy;
use beacon_db::pool::{self, Choice, Member};
use beacon_db::{DbError, TransactionTrait};
use beacon_govuk::components::NotificationBanner;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use time::Date;
use uuid::Uuid;

/// How many eligible candidates a vacancy's page lists.
const SHOWN: usize = 30;
/// How many of those who miss a requirement it lists.
const SHOWN_INELIGIBLE: usize = 10;
/// Alternatives offered for each person in the proposal.
const ALTERNATIVES: usize = 5;

/// A vacancy with the facts matching needs.
struct Scored {
    member: Member,
    tier: PoolTier,
    explained: Explained,
}

fn names(framework: &[beacon_db::entity::strength::Model]) -> Vec<String> {
    framework.iter().map(|s| s.name.clone()).collect()
}

/// One candidate as the page shows them.
pub(crate) struct CandidateRow {
    pub member: Uuid,
    pub name: String,
    pub job_title: String,
    pub tier: &'static str,
    pub invited: bool,
    pub view: ExplanationView,
}

/// A partner council's shared pool member, as candidate for our vacancy.
pub(crate) struct PartnerRow {
    pub name: String,
    pub home: String,
    pub view: ExplanationView,
}

#[derive(Template)]
#[template(path = "pool/candidates.html")]
struct CandidatesPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    vacancy: vacancy::Model,
    area: String,
    hours: String,
    eligible: Vec<CandidateRow>,
    eligible_total: usize,
    ineligible: Vec<CandidateRow>,
    ineligible_total: usize,
    partners: Vec<PartnerRow>,
}

async fn vacancy_in(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<vacancy::Model, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let id: Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
    pool::vacancy(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every active pool member scored for one vacancy, in the order the law and
/// the scores give.
async fn score_for(
    state: &AppState,
    tenant: &Tenant,
    v: &vacancy::Model,
    today: Date,
) -> Result<(Vec<Scored>, VacancyFacts, Vec<String>), AppError> {
    let conn = state.db.conn();
    let framework = pool::framework(conn, tenant.org).await?;
    let index = pool::own_index(&framework);
    let members = pool::matchable(conn, tenant.org).await?;
    let people: Vec<&beacon_db::entity::staff::Model> = members.iter().map(|m| &m.staff).collect();
    let facts = pool::staff_facts(conn, tenant.org, &people, &index).await?;
    let vf = pool::vacancy_facts(conn, tenant.org, std::slice::from_ref(v), &index)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let mut scored: Vec<Scored> = members
        .into_iter()
        .zip(facts)
        .map(|(member, f)| {
            let tier = stay_tier(&member, today);
            let explained = beacon_core::talent::matching::explain(&f, &vf, framework.len(), today);
            Scored {
                member,
                tier,
                explained,
            }
        })
        .collect();
    scored.sort_by_key(|s| candidate_order(s.tier, &s.explained));
    Ok((scored, vf, names(&framework)))
}

fn stay_tier(m: &Member, today: Date) -> PoolTier {
    let tier = m.stay.tier.parse().unwrap_or(PoolTier::Voluntary);
    effective_tier(tier, m.stay.protected_until, today)
}

fn row(lang: Lang, s: &Scored, names: &[String], invited: bool) -> CandidateRow {
    CandidateRow {
        member: s.member.stay.id,
        name: s.member.staff.name.clone(),
        job_title: s.member.staff.job_title.clone(),
        tier: tier_label(lang, s.tier),
        invited,
        view: explain(lang, &s.explained, names, grade_of(s.member.staff.grade)),
    }
}

fn grade_of(g: i32) -> u8 {
    u8::try_from(g.clamp(0, 255)).unwrap_or(0)
}

async fn render_candidates(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    v: vacancy::Model,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let today = state.clock.now().date();
    let (scored, vf, names) = score_for(state, tenant, &v, today).await?;
    let conn = state.db.conn();
    let invited = pool::invited(conn, tenant.org, &[v.id]).await?;
    let invited = invited.get(&v.id).cloned().unwrap_or_default();
    let (good, bad): (Vec<&Scored>, Vec<&Scored>) =
        scored.iter().partition(|s| s.explained.eligible);
    let eligible: Vec<CandidateRow> = good
        .iter()
        .take(SHOWN)
        .map(|s| row(lang, s, &names, invited.contains(&s.member.staff.id)))
        .collect();
    let ineligible: Vec<CandidateRow> = bad
        .iter()
        .take(SHOWN_INELIGIBLE)
        .map(|s| row(lang, s, &names, invited.contains(&s.member.staff.id)))
        .collect();
    // Partners' shared pools: only those who agreed, never their tier.
    let framework = pool::framework(conn, tenant.org).await?;
    let shared = pool::shared_members(conn, tenant.org, &framework).await?;
    let mut partner_scored: Vec<(beacon_db::pool::SharedMember, Explained)> = shared
        .into_iter()
        .map(|m| {
            let e = beacon_core::talent::matching::explain(&m.facts, &vf, framework.len(), today);
            (m, e)
        })
        .filter(|(_, e)| e.eligible)
        .collect();
    partner_scored.sort_by_key(|(_, e)| opportunity_order(e));
    let partners = partner_scored
        .iter()
        .take(SHOWN)
        .map(|(m, e)| PartnerRow {
            name: m.name.clone(),
            home: m.home.clone(),
            view: explain(lang, e, &names, m.facts.grade),
        })
        .collect();
    let invalid = !errors.is_empty();
    let path = format!("/vacancies/{}/candidates", v.id);
    let shell = Shell::new(
        visitor,
        &path,
        crate::i18n::tf(lang, "pool.candidates.title", &[("vacancy", &v.title)]),
    )
    .with_errors(invalid)
    .crumb(lang.t("pool.list.title"), "/talent");
    let mut response = page(&CandidatesPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        area: area_name(lang, &v.service_area),
        hours: hours(u32::try_from(v.weekly_minutes).unwrap_or(0)),
        vacancy: v,
        eligible_total: good.len(),
        eligible,
        ineligible_total: bad.len(),
        ineligible,
        partners,
    })?;
    if invalid {
        *response.status_mut() = StatusCode::CONFLICT;
    }
    Ok(response)
}

pub async fn candidates(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = &q.lang;
    let v = vacancy_in(&state, &tenant, &id).await?;
    render_candidates(
        &state,
        &visitor,
        &tenant,
        v,
        FormErrors::new(visitor.lang),
        q.notice.as_deref(),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteForm {
    #[serde(default)]
    member: String,
}

pub async fn invite(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let v = vacancy_in(&state, &tenant, &id).await?;
    let member: Uuid = form
        .member
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("member".into()))?;
    let now = state.clock.now();
    let today = now.date();
    let (scored, _, _) = score_for(&state, &tenant, &v, today).await?;
    // Only an active member of this council's pool who meets the vacancy's
    // requirements can be invited from here.
    let Some(s) = scored.iter().find(|s| s.member.stay.id == member) else {
        return Err(AppError::NotFound);
    };
    if !s.explained.eligible {
        let mut errors = FormErrors::new(visitor.lang);
        errors.add("candidates", "pool.error.not_eligible");
        return render_candidates(&state, &visitor, &tenant, v, errors, None).await;
    }
    let choice = Choice {
        vacancy: v.id,
        staff: s.member.staff.id,
        interview_guaranteed: s.explained.guaranteed_interview,
    };
    let txn = state.db.conn().begin().await?;
    match pool::invite_all(
        &txn,
        now,
        today,
        &tenant.who.actor(),
        tenant.org,
        &[choice],
        invitation_email(&state, visitor.lang),
    )
    .await
    {
        Ok(_) => {
            txn.commit().await?;
            Ok(Redirect::to(&format!(
                "/vacancies/{}/candidates?notice=pool_invited",
                v.id
            ))
            .into_response())
        }
        Err(DbError::Conflict(_)) => {
            drop(txn);
            let mut errors = FormErrors::new(visitor.lang);
            errors.add("candidates", "pool.error.already_invited");
            render_candidates(&state, &visitor, &tenant, v, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// A pool member's own opportunities

pub(crate) struct OpportunityRow {
    pub vacancy: vacancy::Model,
    pub area: String,
    pub view: ExplanationView,
}

#[derive(Template)]
#[template(path = "pool/opportunities.html")]
struct OpportunitiesPage {
    shell: Shell,
    in_pool: bool,
    rows: Vec<OpportunityRow>,
}

pub async fn opportunities(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
) -> Result<Response, AppError> {
    tenant.require(Capability::UseJobsMarket)?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let today = state.clock.now().date();
    let me = pool::stay_of_person(conn, tenant.org, tenant.who.person.id).await?;
    let mut rows = Vec::new();
    let in_pool = me.is_some();
    if let Some(me) = me {
        let framework = pool::framework(conn, tenant.org).await?;
        let index = pool::own_index(&framework);
        let names = names(&framework);
        let facts = pool::staff_facts(conn, tenant.org, &[&me.staff], &index).await?;
        let vacancies = pool::open_vacancies(conn, tenant.org).await?;
        let vfs = pool::vacancy_facts(conn, tenant.org, &vacancies, &index).await?;
        if let Some(f) = facts.first() {
            let mut scored: Vec<(vacancy::Model, Explained)> = vacancies
                .into_iter()
                .zip(vfs)
                .map(|(v, vf)| {
                    let e = beacon_core::talent::matching::explain(f, &vf, framework.len(), today);
                    (v, e)
                })
                .collect();
            scored.sort_by_key(|(_, e)| opportunity_order(e));
            rows = scored
                .into_iter()
                .filter(|(_, e)| e.eligible)
                .take(SHOWN)
                .map(|(v, e)| OpportunityRow {
                    area: area_name(lang, &v.service_area),
                    view: explain(lang, &e, &names, f.grade),
                    vacancy: v,
                })
                .collect();
        }
    }
    let shell = Shell::new(
        &visitor,
        "/talent/opportunities",
        lang.t("pool.opportunities.title"),
    );
    page(&OpportunitiesPage {
        shell,
        in_pool,
        rows,
    })
}

// ---------------------------------------------------------------------------
// The pool's assignment proposal

pub(crate) struct ProposalRow {
    pub name: String,
    pub member: Uuid,
    pub tier: &'static str,
    /// The proposed vacancy's value, or empty for none.
    pub chosen: String,
    /// Each eligible vacancy: value, label.
    pub options: Vec<(String, String)>,
    pub chosen_title: String,
    pub view: Option<ExplanationView>,
}

#[derive(Template)]
#[template(path = "pool/matching.html")]
struct ProposalPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    proposed: Vec<ProposalRow>,
    unplaced: Vec<ProposalRow>,
    members: usize,
    vacancies: usize,
}

/// Every active member against every open vacancy, without the pairs
/// already on their way; with the proposal.
struct Problem {
    members: Vec<Member>,
    facts: Vec<StaffFacts>,
    vacancies: Vec<vacancy::Model>,
    tiers: Vec<PoolTier>,
    /// `(member index, vacancy index) → explanation`, eligible pairs only.
    pairs: BTreeMap<(usize, usize), Explained>,
    proposal: Vec<(usize, usize)>,
    names: Vec<String>,
}

async fn problem(state: &AppState, tenant: &Tenant, today: Date) -> Result<Problem, AppError> {
    let conn = state.db.conn();
    let framework = pool::framework(conn, tenant.org).await?;
    let index = pool::own_index(&framework);
    let members = pool::matchable(conn, tenant.org).await?;
    let people: Vec<&beacon_db::entity::staff::Model> = members.iter().map(|m| &m.staff).collect();
    let facts = pool::staff_facts(conn, tenant.org, &people, &index).await?;
    let vacancies = pool::open_vacancies(conn, tenant.org).await?;
    let vfs = pool::vacancy_facts(conn, tenant.org, &vacancies, &index).await?;
    let ids: Vec<Uuid> = vacancies.iter().map(|v| v.id).collect();
    let invited = pool::invited(conn, tenant.org, &ids).await?;
    let none = HashSet::new();
    let mut pairs = BTreeMap::new();
    for (p, f) in facts.iter().enumerate() {
        for (j, vf) in vfs.iter().enumerate() {
            if invited
                .get(&vacancies[j].id)
                .unwrap_or(&none)
                .contains(&members[p].staff.id)
            {
                continue;
            }
            let e = beacon_core::talent::matching::explain(f, vf, framework.len(), today);
            if e.eligible {
                pairs.insert((p, j), e);
            }
        }
    }
    let tiers: Vec<PoolTier> = members.iter().map(|m| stay_tier(m, today)).collect();
    let edges: Vec<Pair> = pairs
        .iter()
        .map(|(&(person, vacancy), e)| Pair {
            person,
            vacancy,
            points: e.points(),
        })
        .collect();
    let proposal = propose(&tiers, vacancies.len(), &edges)
        .map_err(|e| AppError::Internal(format!("assignment: {e}")))?;
    Ok(Problem {
        members,
        facts,
        vacancies,
        tiers,
        pairs,
        proposal,
        names: names(&framework),
    })
}

fn pair_value(member: Uuid, vacancy: Uuid) -> String {
    format!("{member}:{vacancy}")
}

fn proposal_rows(lang: Lang, p: &Problem) -> (Vec<ProposalRow>, Vec<ProposalRow>) {
    let chosen: BTreeMap<usize, usize> = p.proposal.iter().copied().collect();
    let mut proposed = Vec::new();
    let mut unplaced = Vec::new();
    for (i, m) in p.members.iter().enumerate() {
        let mut options: Vec<(usize, &Explained)> = p
            .pairs
            .range((i, 0)..(i + 1, 0))
            .map(|(&(_, j), e)| (j, e))
            .collect();
        if options.is_empty() {
            continue;
        }
        options.sort_by_key(|(_, e)| opportunity_order(e));
        let pick = chosen.get(&i).copied();
        let mut shown: Vec<usize> = options.iter().take(ALTERNATIVES).map(|(j, _)| *j).collect();
        if let Some(j) = pick
            && !shown.contains(&j)
        {
            shown.insert(0, j);
        }
        let label = |j: usize| {
            let e = &p.pairs[&(i, j)];
            crate::i18n::tf(
                lang,
                "pool.matching.option",
                &[
                    ("vacancy", &p.vacancies[j].title),
                    ("score", &e.whole_score().to_string()),
                ],
            )
        };
        let row = ProposalRow {
            name: m.staff.name.clone(),
            member: m.stay.id,
            tier: tier_label(lang, p.tiers[i]),
            chosen: pick
                .map(|j| pair_value(m.stay.id, p.vacancies[j].id))
                .unwrap_or_default(),
            options: shown
                .iter()
                .map(|&j| (pair_value(m.stay.id, p.vacancies[j].id), label(j)))
                .collect(),
            chosen_title: pick
                .map(|j| p.vacancies[j].title.clone())
                .unwrap_or_default(),
            view: pick.map(|j| explain(lang, &p.pairs[&(i, j)], &p.names, p.facts[i].grade)),
        };
        if pick.is_some() {
            proposed.push(row);
        } else {
            unplaced.push(row);
        }
    }
    (proposed, unplaced)
}

async fn render_proposal(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    errors: FormErrors,
    notice_key: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let p = problem(state, tenant, state.clock.now().date()).await?;
    let (proposed, unplaced) = proposal_rows(lang, &p);
    // The summary links to the first choice on the page.
    let errors = match (errors.get("pairs"), proposed.first().or(unplaced.first())) {
        (Some(message), Some(row)) => {
            let mut moved = FormErrors::new(lang);
            moved.add_text(&format!("pair-{}", row.member), message.to_owned());
            moved
        }
        _ => errors,
    };
    let shell = Shell::new(visitor, "/talent/matching", lang.t("pool.matching.title"))
        .with_errors(!errors.is_empty())
        .crumb(lang.t("pool.list.title"), "/talent");
    let mut response = page(&ProposalPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        proposed,
        unplaced,
        members: p.members.len(),
        vacancies: p.vacancies.len(),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = &q.lang;
    tenant.require(Capability::RunTalentPool)?;
    render_proposal(
        &state,
        &visitor,
        &tenant,
        FormErrors::new(visitor.lang),
        q.notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalForm {
    /// "member:vacancy" for each pair HR keeps; empty for "do not invite".
    #[serde(default)]
    pair: Vec<String>,
}

pub async fn invite_proposal(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let lang = visitor.lang;
    let now = state.clock.now();
    let today = now.date();
    let mut wanted: Vec<(Uuid, Uuid)> = Vec::new();
    for raw in form.pair.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let parsed = raw
            .split_once(':')
            .and_then(|(m, v)| Some((m.parse().ok()?, v.parse().ok()?)));
        match parsed {
            Some(pair) => wanted.push(pair),
            None => return Err(AppError::BadRequest("pair".into())),
        }
    }
    let mut errors = FormErrors::new(lang);
    if wanted.is_empty() {
        errors.add("pairs", "pool.error.no_pairs");
    }
    let members: HashSet<Uuid> = wanted.iter().map(|p| p.0).collect();
    let vacancies: HashSet<Uuid> = wanted.iter().map(|p| p.1).collect();
    if members.len() != wanted.len() {
        errors.add("pairs", "pool.error.person_twice");
    }
    if vacancies.len() != wanted.len() {
        errors.add("pairs", "pool.error.vacancy_twice");
    }
    if !errors.is_empty() {
        return render_proposal(
            &state,
            &visitor,
            &tenant,
            errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let p = problem(&state, &tenant, today).await?;
    let mut choices = Vec::new();
    for (member, vacancy) in &wanted {
        let i = p.members.iter().position(|m| m.stay.id == *member);
        let j = p.vacancies.iter().position(|v| v.id == *vacancy);
        let e = i.zip(j).and_then(|ij| p.pairs.get(&ij));
        match (i, e) {
            (Some(i), Some(e)) => choices.push(Choice {
                vacancy: *vacancy,
                staff: p.members[i].staff.id,
                interview_guaranteed: e.guaranteed_interview,
            }),
            // Not a pair of this council's pool that meets the vacancy's
            // requirements (or it is already invited).
            _ => {
                errors.add("pairs", "pool.error.pair_unavailable");
                return render_proposal(
                    &state,
                    &visitor,
                    &tenant,
                    errors,
                    None,
                    StatusCode::CONFLICT,
                )
                .await;
            }
        }
    }
    let txn = state.db.conn().begin().await?;
    match pool::invite_all(
        &txn,
        now,
        today,
        &tenant.who.actor(),
        tenant.org,
        &choices,
        invitation_email(&state, visitor.lang),
    )
    .await
    {
        Ok(_) => {
            txn.commit().await?;
            Ok(Redirect::to("/talent/matching?notice=pool_proposal_invited").into_response())
        }
        Err(DbError::Conflict(_) | DbError::NotFound) => {
            drop(txn);
            errors.add("pairs", "pool.error.pair_unavailable");
            render_proposal(
                &state,
                &visitor,
                &tenant,
                errors,
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The email telling a person they have been invited to a vacancy; the same
/// words the journey uses for its later steps.
fn invitation_email(
    state: &AppState,
    lang: crate::i18n::Lang,
) -> impl Fn(&str, &str) -> beacon_db::journey::Notice {
    let link = format!("{}/talent/journey", state.config.public_url);
    move |name: &str, vacancy: &str| beacon_db::journey::Notice {
        subject: crate::i18n::tf(
            lang,
            "journey.email.subject",
            &[
                ("vacancy", vacancy),
                ("step", lang.t("journey.step.invited")),
            ],
        ),
        body: crate::i18n::tf(
            lang,
            "journey.email.invited",
            &[("name", name), ("vacancy", vacancy), ("link", &link)],
        ),
    }
}
