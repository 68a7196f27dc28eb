//! Matching through the engine: a vacancy's ranked candidates (with the
//! shared pools of partner councils), a pool member's own opportunities, and
//! the whole pool's assignment proposal that HR edits and turns into
//! invitations.
use super::snapshot::{self, Proposal, Snapshot};
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
    self, Explained, Fit, VacancyFacts, candidate_order, opportunity_order,
};
use beacon_db::DbError;
use beacon_db::entity::vacancy;
use beacon_db::pool::{self, Choice};
use beacon_govuk::components::NotificationBanner;
use serde::Deserialize;
use std::collections::HashSet;
use uuid::Uuid;

/// How many eligible candidates a vacancy's page lists.
const SHOWN: usize = 30;
/// How many of those who miss a requirement it lists.
const SHOWN_INELIGIBLE: usize = 10;
/// Alternatives offered for each person in the proposal.
const ALTERNATIVES: usize = 5;

/// One member of the pool's place in a vacancy's ranking.
struct Ranked {
    /// The member's index in the snapshot.
    member: usize,
    tier: PoolTier,
    fit: Fit,
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

/// A vacancy's facts: the snapshot's for an open vacancy, else read.
async fn facts_of(
    state: &AppState,
    tenant: &Tenant,
    snap: &Snapshot,
    v: &vacancy::Model,
) -> Result<VacancyFacts, AppError> {
    if let Some(j) = snap.vacancy_index(v.id) {
        return Ok(snap.vacancy_facts[j].clone());
    }
    let conn = state.db.conn();
    let framework = pool::framework(conn, tenant.org).await?;
    let index = pool::own_index(&framework);
    pool::vacancy_facts(conn, tenant.org, std::slice::from_ref(v), &index)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Every active pool member ranked for one vacancy, in the order the law and
/// the scores give.
fn ranking(snap: &Snapshot, vf: &VacancyFacts) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = snap
        .fits_for(vf)
        .into_iter()
        .enumerate()
        .map(|(member, fit)| Ranked {
            member,
            tier: snap.tiers[member],
            fit,
        })
        .collect();
    ranked.sort_by_key(|r| candidate_order(r.tier, r.fit));
    ranked
}

fn explained(snap: &Snapshot, member: usize, vf: &VacancyFacts) -> Explained {
    matching::explain(&snap.facts[member], vf, snap.framework_size(), snap.today)
}

fn row(
    lang: Lang,
    snap: &Snapshot,
    r: &Ranked,
    vf: &VacancyFacts,
    invited: &HashSet<Uuid>,
) -> CandidateRow {
    let m = &snap.members[r.member];
    CandidateRow {
        member: m.stay.id,
        name: m.staff.name.clone(),
        job_title: m.staff.job_title.clone(),
        tier: tier_label(lang, r.tier),
        invited: invited.contains(&m.staff.id),
        view: explain(
            lang,
            &explained(snap, r.member, vf),
            &snap.names,
            grade_of(m.staff.grade),
        ),
    }
}

fn grade_of(g: i32) -> u8 {
    u8::try_from(g.clamp(0, 255)).unwrap_or(0)
}

/// Partners' shared pools as candidates: only those who agreed, never their
/// tier.
async fn partner_rows(
    state: &AppState,
    lang: Lang,
    tenant: &Tenant,
    snap: &Snapshot,
    vf: &VacancyFacts,
) -> Result<Vec<PartnerRow>, AppError> {
    let shared = snapshot::partners_shared(state, tenant.org, &snap.names, snap.today).await?;
    let mut scored: Vec<(beacon_db::pool::SharedMember, Explained)> = shared
        .into_iter()
        .map(|m| {
            let e = matching::explain(&m.facts, vf, snap.framework_size(), snap.today);
            (m, e)
        })
        .filter(|(_, e)| e.eligible)
        .collect();
    scored.sort_by_key(|(_, e)| opportunity_order(e.fit()));
    Ok(scored
        .iter()
        .take(SHOWN)
        .map(|(m, e)| PartnerRow {
            name: m.name.clone(),
            home: m.home.clone(),
            view: explain(lang, e, &snap.names, m.facts.grade),
        })
        .collect())
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
    let snap = snapshot::current(state, tenant.org).await?;
    let vf = facts_of(state, tenant, &snap, &v).await?;
    let ranked = ranking(&snap, &vf);
    let invited = pool::invited(state.db.conn(), tenant.org, &[v.id]).await?;
    let invited = invited.get(&v.id).cloned().unwrap_or_default();
    let (good, bad): (Vec<&Ranked>, Vec<&Ranked>) = ranked.iter().partition(|r| r.fit.eligible);
    let eligible: Vec<CandidateRow> = good
        .iter()
        .take(SHOWN)
        .map(|r| row(lang, &snap, r, &vf, &invited))
        .collect();
    let ineligible: Vec<CandidateRow> = bad
        .iter()
        .take(SHOWN_INELIGIBLE)
        .map(|r| row(lang, &snap, r, &vf, &invited))
        .collect();
    let partners = partner_rows(state, lang, tenant, &snap, &vf).await?;
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
    let snap = snapshot::current(&state, tenant.org).await?;
    // Only an active member of this council's pool who meets the vacancy's
    // requirements can be invited from here.
    let Some(i) = snap.members.iter().position(|m| m.stay.id == member) else {
        return Err(AppError::NotFound);
    };
    let vf = facts_of(&state, &tenant, &snap, &v).await?;
    let e = explained(&snap, i, &vf);
    if !e.eligible {
        let mut errors = FormErrors::new(visitor.lang);
        errors.add("candidates", "pool.error.not_eligible");
        return render_candidates(&state, &visitor, &tenant, v, errors, None).await;
    }
    let choice = Choice {
        vacancy: v.id,
        staff: snap.members[i].staff.id,
        interview_guaranteed: e.guaranteed_interview,
    };
    let txn = state.db.begin_writing().await?;
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
        let snap = snapshot::current(&state, tenant.org).await?;
        let facts = pool::staff_facts(conn, tenant.org, &[&me.staff], &snap.index).await?;
        if let Some(f) = facts.first() {
            let mut scored: Vec<(usize, Explained)> = snap
                .vacancy_facts
                .iter()
                .enumerate()
                .map(|(j, vf)| (j, matching::explain(f, vf, snap.framework_size(), today)))
                .filter(|(_, e)| e.eligible)
                .collect();
            scored.sort_by_key(|(_, e)| opportunity_order(e.fit()));
            rows = scored
                .into_iter()
                .take(SHOWN)
                .map(|(j, e)| {
                    let v = snap.vacancies[j].clone();
                    OpportunityRow {
                        area: area_name(lang, &v.service_area),
                        view: explain(lang, &e, &snap.names, f.grade),
                        vacancy: v,
                    }
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

fn pair_value(member: Uuid, vacancy: Uuid) -> String {
    format!("{member}:{vacancy}")
}

fn proposal_rows(
    lang: Lang,
    snap: &Snapshot,
    p: &Proposal,
) -> (Vec<ProposalRow>, Vec<ProposalRow>) {
    let mut proposed = Vec::new();
    let mut unplaced = Vec::new();
    for (i, m) in snap.members.iter().enumerate() {
        let options = &p.options[i];
        if options.is_empty() {
            continue;
        }
        let pick = p.chosen[i];
        let mut shown: Vec<(usize, Fit)> = options.iter().take(ALTERNATIVES).copied().collect();
        if let Some(j) = pick
            && !shown.iter().any(|(k, _)| *k == j)
            && let Some(chosen) = options.iter().find(|(k, _)| *k == j)
        {
            shown.insert(0, *chosen);
        }
        let label = |j: usize, f: Fit| {
            crate::i18n::tf(
                lang,
                "pool.matching.option",
                &[
                    ("vacancy", &snap.vacancies[j].title),
                    ("score", &f.whole_score().to_string()),
                ],
            )
        };
        let row = ProposalRow {
            name: m.staff.name.clone(),
            member: m.stay.id,
            tier: tier_label(lang, snap.tiers[i]),
            chosen: pick
                .map(|j| pair_value(m.stay.id, snap.vacancies[j].id))
                .unwrap_or_default(),
            options: shown
                .iter()
                .map(|&(j, f)| (pair_value(m.stay.id, snap.vacancies[j].id), label(j, f)))
                .collect(),
            chosen_title: pick
                .map(|j| snap.vacancies[j].title.clone())
                .unwrap_or_default(),
            view: pick.map(|j| {
                let e = explained(snap, i, &snap.vacancy_facts[j]);
                explain(lang, &e, &snap.names, snap.facts[i].grade)
            }),
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
    let snap = snapshot::current(state, tenant.org).await?;
    let p = snap.proposal().await?;
    let (proposed, unplaced) = proposal_rows(lang, &snap, &p);
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
        members: snap.members.len(),
        vacancies: snap.vacancies.len(),
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
    let snap = snapshot::current(&state, tenant.org).await?;
    let p = snap.proposal().await?;
    let mut choices = Vec::new();
    for (member, vacancy) in &wanted {
        let i = snap.members.iter().position(|m| m.stay.id == *member);
        let j = snap.vacancy_index(*vacancy);
        // One of the pairs the proposal offers: it meets the vacancy's
        // requirements and is not already on its way.
        let offered = i
            .zip(j)
            .filter(|&(i, j)| p.options[i].iter().any(|(k, _)| *k == j));
        match offered {
            Some((i, j)) => choices.push(Choice {
                vacancy: *vacancy,
                staff: snap.members[i].staff.id,
                interview_guaranteed: explained(&snap, i, &snap.vacancy_facts[j])
                    .guaranteed_interview,
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
    let txn = state.db.begin_writing().await?;
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
