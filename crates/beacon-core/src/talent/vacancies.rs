//! Posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
//!
//! When a post falls vacant its manager decides what happens to it (replace,
//! reorganise or delete, with a reason); HR approves or sends the review back.
//! An approved deletion removes the post and keeps its annual cost as a
//! saving; an approved replacement or reorganisation holds the vacancy for the
//! talent pool until `approval date + freeze_days`, after which every member
//! of staff may see it. Going outside the pool earlier needs an exception the
//! manager asks for and HR approves (PROMISES.md 6: the right role, in order).
use super::{Grade, MAX_GRADE, PostStatus, ReviewDecision, Settings, VacancyStatus};
use crate::Role;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use time::{Date, Duration};
use uuid::Uuid;

/// Why a step is refused: the wrong person, or not now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The person's roles do not allow the step.
    WrongRole,
    /// The record is not at the point where the step can be taken.
    WrongOrder,
}

fn has(roles: &[Role], role: Role) -> bool {
    roles.contains(&role)
}

/// A manager starts a review of a post that is not deleted and has no live
/// vacancy already. Starting it marks the post vacant.
pub fn may_start_review(
    roles: &[Role],
    post: PostStatus,
    live_vacancy: bool,
) -> Result<(), Refusal> {
    if !has(roles, Role::Manager) {
        return Err(Refusal::WrongRole);
    }
    if post == PostStatus::Deleted || live_vacancy {
        return Err(Refusal::WrongOrder);
    }
    Ok(())
}

/// A manager (or HR, for a manager) raises a vacancy for a new role; it is
/// reviewed like any other.
pub fn may_raise_new(roles: &[Role]) -> Result<(), Refusal> {
    if has(roles, Role::Manager) || has(roles, Role::Hr) {
        Ok(())
    } else {
        Err(Refusal::WrongRole)
    }
}

/// A vacancy that still takes people: under review, held for the pool or open.
pub fn is_live(status: VacancyStatus) -> bool {
    matches!(
        status,
        VacancyStatus::InReview | VacancyStatus::PoolOnly | VacancyStatus::External
    )
}

/// What HR's approval does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Approval {
    pub vacancy: VacancyStatus,
    /// The post's new status, when it changes.
    pub post: Option<PostStatus>,
    /// The last day the vacancy is held for the pool.
    pub pool_until: Option<Date>,
}

/// HR approves a review still waiting for them. `decision` is `None` for a
/// new role, which is held for the pool like a replacement.
pub fn approve(
    roles: &[Role],
    status: VacancyStatus,
    decision: Option<ReviewDecision>,
    today: Date,
    settings: &Settings,
) -> Result<Approval, Refusal> {
    if !has(roles, Role::Hr) {
        return Err(Refusal::WrongRole);
    }
    if status != VacancyStatus::InReview {
        return Err(Refusal::WrongOrder);
    }
    Ok(match decision {
        Some(ReviewDecision::Delete) => Approval {
            vacancy: VacancyStatus::Withdrawn,
            post: Some(PostStatus::Deleted),
            pool_until: None,
        },
        Some(ReviewDecision::Replace | ReviewDecision::Reorganise) | None => Approval {
            vacancy: VacancyStatus::PoolOnly,
            post: None,
            pool_until: Some(freeze_ends(today, settings)),
        },
    })
}

/// The last day of the freeze that starts on `approved_on`.
pub fn freeze_ends(approved_on: Date, settings: &Settings) -> Date {
    approved_on
        .checked_add(Duration::days(i64::from(settings.freeze_days)))
        .unwrap_or(approved_on)
}

/// HR sends a review back: the vacancy is withdrawn and the manager may start
/// a new review of the post.
pub fn send_back(roles: &[Role], status: VacancyStatus) -> Result<VacancyStatus, Refusal> {
    if !has(roles, Role::Hr) {
        return Err(Refusal::WrongRole);
    }
    if status != VacancyStatus::InReview {
        return Err(Refusal::WrongOrder);
    }
    Ok(VacancyStatus::Withdrawn)
}

/// Who a vacancy is for, today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Waiting for HR: only HR and its manager.
    Review,
    /// Held for the pool during the freeze.
    Pool,
    /// Open to every member of staff (the freeze is over, or an exception).
    AllStaff,
    /// Filled or withdrawn: a record for HR and its manager.
    Closed,
}

/// Derived at read time, so a freeze ends without anyone touching the row.
pub fn audience(status: VacancyStatus, pool_until: Option<Date>, today: Date) -> Audience {
    match status {
        VacancyStatus::InReview => Audience::Review,
        VacancyStatus::PoolOnly => match pool_until {
            Some(last) if today > last => Audience::AllStaff,
            _ => Audience::Pool,
        },
        VacancyStatus::External => Audience::AllStaff,
        VacancyStatus::Filled | VacancyStatus::Withdrawn => Audience::Closed,
    }
}

/// What the rules need to know about the person looking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    /// Of the vacancy's own organisation.
    pub same_org: bool,
    pub hr: bool,
    /// The manager who raised the vacancy.
    pub raised_it: bool,
    /// An active (or on-trial) member of the organisation's pool.
    pub in_pool: bool,
}

/// Whether the person may see the vacancy. Staff of a partner organisation
/// see only shared vacancies open to all staff, and only to read.
pub fn may_see(viewer: Viewer, audience: Audience, shared: bool) -> bool {
    if !viewer.same_org {
        return shared && audience == Audience::AllStaff;
    }
    if viewer.hr || viewer.raised_it {
        return true;
    }
    match audience {
        Audience::AllStaff => true,
        Audience::Pool => viewer.in_pool,
        Audience::Review | Audience::Closed => false,
    }
}

/// The vacancy's details may be changed by HR or its manager while it is live.
pub fn may_edit(viewer: Viewer, status: VacancyStatus) -> Result<(), Refusal> {
    if !viewer.same_org || !(viewer.hr || viewer.raised_it) {
        return Err(Refusal::WrongRole);
    }
    if !is_live(status) {
        return Err(Refusal::WrongOrder);
    }
    Ok(())
}

/// Where an exception to the freeze stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionStatus {
    Requested,
    Approved,
    Refused,
}

impl ExceptionStatus {
    pub const ALL: [ExceptionStatus; 3] = [Self::Requested, Self::Approved, Self::Refused];

    pub const fn key(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// The vacancy's manager asks to go outside the pool while the freeze holds,
/// once at a time.
pub fn may_request_exception(
    roles: &[Role],
    raised_it: bool,
    audience: Audience,
    status: VacancyStatus,
    pending: bool,
) -> Result<(), Refusal> {
    if !(has(roles, Role::Manager) && raised_it) {
        return Err(Refusal::WrongRole);
    }
    if status != VacancyStatus::PoolOnly || audience != Audience::Pool || pending {
        return Err(Refusal::WrongOrder);
    }
    Ok(())
}

/// HR decides a pending exception. Approving opens the vacancy outside the
/// pool at once; refusing leaves the freeze as it was.
pub fn decide_exception(
    roles: &[Role],
    status: VacancyStatus,
    pending: bool,
    approve: bool,
) -> Result<(ExceptionStatus, VacancyStatus), Refusal> {
    if !has(roles, Role::Hr) {
        return Err(Refusal::WrongRole);
    }
    if !pending || status != VacancyStatus::PoolOnly {
        return Err(Refusal::WrongOrder);
    }
    Ok(if approve {
        (ExceptionStatus::Approved, VacancyStatus::External)
    } else {
        (ExceptionStatus::Refused, VacancyStatus::PoolOnly)
    })
}

/// A problem with submitted input: the field it belongs to and the key of its
/// message (under `vacancies.error.`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub key: &'static str,
}

impl Problem {
    fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
        }
    }
}

pub const MAX_REASON: usize = 2_000;
pub const MAX_TITLE: usize = 120;
pub const MAX_SUMMARY: usize = 4_000;
pub const MAX_SITE: usize = 120;
pub const MAX_CODE: usize = 60;
/// A week's hours at most (7 × 24 would be absurd; 48 is the working-time limit
/// without an opt-out, and some posts are contracted above it).
pub const MAX_WEEKLY_MINUTES: i32 = 60 * 60;
pub const MAX_EXPERIENCE_MONTHS: i32 = 600;
pub const MAX_WEIGHT: u8 = 5;

fn text(problems: &mut Vec<Problem>, field: &str, raw: &str, max: usize, required: bool) -> String {
    let t = raw.trim();
    if required && t.is_empty() {
        problems.push(Problem::new(field, "missing"));
    } else if t.chars().count() > max {
        problems.push(Problem::new(field, "too_long"));
    }
    t.to_owned()
}

/// A manager's review, as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub decision: ReviewDecision,
    pub reason: String,
}

pub fn parse_review(decision: &str, reason: &str) -> Result<Review, Vec<Problem>> {
    let mut problems = Vec::new();
    let decision = decision.parse::<ReviewDecision>().ok();
    if decision.is_none() {
        problems.push(Problem::new("decision", "decision"));
    }
    let reason = text(&mut problems, "reason", reason, MAX_REASON, true);
    match decision {
        Some(decision) if problems.is_empty() => Ok(Review { decision, reason }),
        _ => Err(problems),
    }
}

/// A reason given for an exception or a sending back.
pub fn parse_reason(field: &str, raw: &str) -> Result<String, Vec<Problem>> {
    let mut problems = Vec::new();
    let reason = text(&mut problems, field, raw, MAX_REASON, true);
    if problems.is_empty() {
        Ok(reason)
    } else {
        Err(problems)
    }
}

/// Hours a week ("37", "18.5") as minutes.
pub fn parse_hours(raw: &str) -> Option<i32> {
    let d: Decimal = raw.trim().parse().ok()?;
    let minutes = (d * Decimal::from(60)).round();
    if (d * Decimal::from(60)) != minutes {
        return None;
    }
    let m = minutes.to_i32()?;
    (1..=MAX_WEEKLY_MINUTES).contains(&m).then_some(m)
}

/// Minutes as hours for a form ("37.5").
pub fn hours_text(minutes: i32) -> String {
    (Decimal::from(minutes) / Decimal::from(60))
        .normalize()
        .to_string()
}

fn grade(raw: &str) -> Option<Grade> {
    raw.trim()
        .parse::<Grade>()
        .ok()
        .filter(|g| (1..=MAX_GRADE).contains(g))
}

/// British National Grid, in metres: the mainland's bounding box.
fn easting(raw: &str) -> Option<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|v| (0..=700_000).contains(v))
}

fn northing(raw: &str) -> Option<i32> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|v| (0..=1_300_000).contains(v))
}

/// A post as a manager or HR adds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPost {
    pub reference: String,
    pub title: String,
    pub service_area: String,
    pub grade: Grade,
    pub weekly_minutes: i32,
    pub site: String,
    pub annual_cost_pence: i64,
}

pub struct PostInput<'a> {
    pub reference: &'a str,
    pub title: &'a str,
    pub service_area: &'a str,
    pub grade: &'a str,
    pub hours: &'a str,
    pub site: &'a str,
    /// Already parsed from pounds by the caller; `None` when it did not parse.
    pub annual_cost_pence: Option<i64>,
}

pub fn parse_post(input: &PostInput, areas: &[&str]) -> Result<NewPost, Vec<Problem>> {
    let mut problems = Vec::new();
    let reference = text(&mut problems, "reference", input.reference, MAX_CODE, true);
    let title = text(&mut problems, "title", input.title, MAX_TITLE, true);
    let service_area = input.service_area.trim().to_owned();
    if !areas.contains(&service_area.as_str()) {
        problems.push(Problem::new("service_area", "service_area"));
    }
    let g = grade(input.grade);
    if g.is_none() {
        problems.push(Problem::new("grade", "grade"));
    }
    let minutes = parse_hours(input.hours);
    if minutes.is_none() {
        problems.push(Problem::new("hours", "hours"));
    }
    let site = text(&mut problems, "site", input.site, MAX_SITE, true);
    let cost = input.annual_cost_pence.filter(|p| *p > 0);
    if cost.is_none() {
        problems.push(Problem::new("annual_cost", "annual_cost"));
    }
    match (g, minutes, cost) {
        (Some(grade), Some(weekly_minutes), Some(annual_cost_pence)) if problems.is_empty() => {
            Ok(NewPost {
                reference,
                title,
                service_area,
                grade,
                weekly_minutes,
                site,
                annual_cost_pence,
            })
        }
        _ => Err(problems),
    }
}

/// An essential qualification: hard, unless training of `training_days` can
/// close the gap.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Essential {
    pub code: String,
    pub title: String,
    pub training_days: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DesiredStrength {
    pub strength: Uuid,
    pub level: u8,
    pub weight: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Experience {
    pub service_area: String,
    pub months: i32,
}

/// A vacancy's details, checked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Details {
    pub title: String,
    pub summary: String,
    pub service_area: String,
    pub grade_min: Grade,
    pub grade_max: Grade,
    pub weekly_minutes: i32,
    pub site: String,
    pub easting: Option<i32>,
    pub northing: Option<i32>,
    pub remote: bool,
    pub training_limit_days: u16,
    pub shared: bool,
    pub essentials: Vec<Essential>,
    pub strengths: Vec<DesiredStrength>,
    pub experience: Vec<Experience>,
}

/// One row of a repeated group, as typed.
#[derive(Clone, Debug, Default)]
pub struct Row3<'a>(pub &'a str, pub &'a str, pub &'a str);

pub struct DetailsInput<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub service_area: &'a str,
    pub grade_min: &'a str,
    pub grade_max: &'a str,
    pub hours: &'a str,
    pub site: &'a str,
    pub easting: &'a str,
    pub northing: &'a str,
    pub remote: bool,
    pub training_limit: &'a str,
    pub shared: bool,
    /// (code, title, training days)
    pub essentials: Vec<Row3<'a>>,
    /// (strength id, level, weight)
    pub strengths: Vec<Row3<'a>>,
    /// (service area, months, unused)
    pub experience: Vec<Row3<'a>>,
}

/// Check a vacancy's details. `areas` are the service-area keys, `framework`
/// the organisation's strengths (ids), `settings` give the training limit.
/// Empty rows of the repeated groups are skipped; fields are named
/// `<group>_<part>-<n>` with `n` from 1.
pub fn parse_details(
    input: &DetailsInput,
    areas: &[&str],
    framework: &[Uuid],
    settings: &Settings,
) -> Result<Details, Vec<Problem>> {
    let mut problems = Vec::new();
    let title = text(&mut problems, "title", input.title, MAX_TITLE, true);
    let summary = text(&mut problems, "summary", input.summary, MAX_SUMMARY, true);
    let service_area = input.service_area.trim().to_owned();
    if !areas.contains(&service_area.as_str()) {
        problems.push(Problem::new("service_area", "service_area"));
    }
    let grade_min = grade(input.grade_min);
    if grade_min.is_none() {
        problems.push(Problem::new("grade_min", "grade"));
    }
    let grade_max = grade(input.grade_max);
    if grade_max.is_none() {
        problems.push(Problem::new("grade_max", "grade"));
    }
    if let (Some(lo), Some(hi)) = (grade_min, grade_max)
        && lo > hi
    {
        problems.push(Problem::new("grade_max", "grade_order"));
    }
    let minutes = parse_hours(input.hours);
    if minutes.is_none() {
        problems.push(Problem::new("hours", "hours"));
    }
    let site = text(&mut problems, "site", input.site, MAX_SITE, !input.remote);
    let (e, n) = (input.easting.trim(), input.northing.trim());
    let (easting_v, northing_v) = if e.is_empty() && n.is_empty() {
        (None, None)
    } else {
        let ev = easting(e);
        let nv = northing(n);
        if ev.is_none() {
            problems.push(Problem::new("easting", "easting"));
        }
        if nv.is_none() {
            problems.push(Problem::new("northing", "northing"));
        }
        (ev, nv)
    };
    let limit = input
        .training_limit
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|d| *d <= settings.training_limit_days);
    if limit.is_none() {
        problems.push(Problem::new("training_limit", "training_limit"));
    }
    let mut essentials = Vec::new();
    for (i, Row3(code, title, days)) in input.essentials.iter().enumerate() {
        let n = i + 1;
        if code.trim().is_empty() && title.trim().is_empty() && days.trim().is_empty() {
            continue;
        }
        let code = code.trim();
        if code.is_empty()
            || code.len() > MAX_CODE
            || !code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            problems.push(Problem::new(format!("essential_code-{n}"), "code"));
        }
        let title = text(
            &mut problems,
            &format!("essential_title-{n}"),
            title,
            MAX_TITLE,
            true,
        );
        let days = days.trim();
        let training_days = if days.is_empty() {
            None
        } else {
            match days.parse::<u16>() {
                Ok(d) if d >= 1 && limit.is_none_or(|l| d <= l) => Some(d),
                _ => {
                    problems.push(Problem::new(format!("essential_days-{n}"), "training_days"));
                    None
                }
            }
        };
        if essentials.iter().any(|e: &Essential| e.code == code) {
            problems.push(Problem::new(format!("essential_code-{n}"), "duplicate"));
        }
        essentials.push(Essential {
            code: code.to_owned(),
            title,
            training_days,
        });
    }
    let mut strengths = Vec::new();
    for (i, Row3(id, level, weight)) in input.strengths.iter().enumerate() {
        let n = i + 1;
        if id.trim().is_empty() {
            continue;
        }
        let strength = id
            .trim()
            .parse::<Uuid>()
            .ok()
            .filter(|s| framework.contains(s));
        if strength.is_none() {
            problems.push(Problem::new(format!("strength_id-{n}"), "strength"));
        }
        let level = level
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|l| (1..=super::strengths::MAX_LEVEL).contains(l));
        if level.is_none() {
            problems.push(Problem::new(format!("strength_level-{n}"), "level"));
        }
        let weight = weight
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|w| (1..=MAX_WEIGHT).contains(w));
        if weight.is_none() {
            problems.push(Problem::new(format!("strength_weight-{n}"), "weight"));
        }
        if let (Some(strength), Some(level), Some(weight)) = (strength, level, weight) {
            if strengths
                .iter()
                .any(|s: &DesiredStrength| s.strength == strength)
            {
                problems.push(Problem::new(format!("strength_id-{n}"), "duplicate"));
            }
            strengths.push(DesiredStrength {
                strength,
                level,
                weight,
            });
        }
    }
    let mut experience = Vec::new();
    for (i, Row3(area, months, _)) in input.experience.iter().enumerate() {
        let n = i + 1;
        if area.trim().is_empty() && months.trim().is_empty() {
            continue;
        }
        let area = area.trim();
        if !areas.contains(&area) {
            problems.push(Problem::new(format!("experience_area-{n}"), "service_area"));
        }
        let months = months
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=MAX_EXPERIENCE_MONTHS).contains(m));
        match months {
            Some(months) => experience.push(Experience {
                service_area: area.to_owned(),
                months,
            }),
            None => problems.push(Problem::new(format!("experience_months-{n}"), "months")),
        }
    }
    match (grade_min, grade_max, minutes, limit) {
        (Some(grade_min), Some(grade_max), Some(weekly_minutes), Some(training_limit_days))
            if problems.is_empty() =>
        {
            Ok(Details {
                title,
                summary,
                service_area,
                grade_min,
                grade_max,
                weekly_minutes,
                site,
                easting: easting_v,
                northing: northing_v,
                remote: input.remote,
                training_limit_days,
                shared: input.shared,
                essentials,
                strengths,
                experience,
            })
        }
        _ => Err(problems),
    }
}

/// Filters the vacancy list accepts; anything else is ignored (PROMISES.md 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListView {
    /// Open to the viewer: all staff, or the pool for pool members.
    Open,
    /// Reviews waiting for HR (HR) or raised by the manager.
    Reviews,
    /// Shared by partner organisations.
    Partners,
}

impl ListView {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("reviews") => Self::Reviews,
            Some("partners") => Self::Partners,
            _ => Self::Open,
        }
    }

    pub const fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Reviews => "reviews",
            Self::Partners => "partners",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const MANAGER: &[Role] = &[Role::Manager];
    const HR: &[Role] = &[Role::Hr];
    const STAFF: &[Role] = &[Role::Staff];

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn only_a_manager_starts_a_review_of_a_post_not_deleted_and_not_already_live() {
        assert_eq!(may_start_review(MANAGER, PostStatus::Vacant, false), Ok(()));
        assert_eq!(may_start_review(MANAGER, PostStatus::Filled, false), Ok(()));
        assert_eq!(
            may_start_review(HR, PostStatus::Vacant, false),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            may_start_review(STAFF, PostStatus::Vacant, false),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            may_start_review(MANAGER, PostStatus::Deleted, false),
            Err(Refusal::WrongOrder)
        );
        assert_eq!(
            may_start_review(MANAGER, PostStatus::Vacant, true),
            Err(Refusal::WrongOrder)
        );
    }

    #[test]
    fn managers_and_hr_raise_new_roles() {
        assert_eq!(may_raise_new(MANAGER), Ok(()));
        assert_eq!(may_raise_new(HR), Ok(()));
        assert_eq!(may_raise_new(STAFF), Err(Refusal::WrongRole));
    }

    #[test]
    fn approving_a_deletion_deletes_the_post_and_holds_nothing_for_the_pool() {
        let a = approve(
            HR,
            VacancyStatus::InReview,
            Some(ReviewDecision::Delete),
            date!(2026 - 11 - 23),
            &settings(),
        )
        .unwrap();
        assert_eq!(a.vacancy, VacancyStatus::Withdrawn);
        assert_eq!(a.post, Some(PostStatus::Deleted));
        assert_eq!(a.pool_until, None);
    }

    #[test]
    fn approving_a_replacement_holds_it_for_the_pool_for_the_freeze() {
        for decision in [
            Some(ReviewDecision::Replace),
            Some(ReviewDecision::Reorganise),
            None,
        ] {
            let a = approve(
                HR,
                VacancyStatus::InReview,
                decision,
                date!(2026 - 11 - 23),
                &settings(),
            )
            .unwrap();
            assert_eq!(a.vacancy, VacancyStatus::PoolOnly);
            assert_eq!(a.post, None);
            assert_eq!(a.pool_until, Some(date!(2026 - 12 - 21)));
        }
    }

    #[test]
    fn only_hr_approves_and_only_once() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(
            approve(MANAGER, VacancyStatus::InReview, None, today, &settings()),
            Err(Refusal::WrongRole)
        );
        for status in VacancyStatus::ALL
            .iter()
            .filter(|s| **s != VacancyStatus::InReview)
        {
            assert_eq!(
                approve(HR, *status, None, today, &settings()),
                Err(Refusal::WrongOrder)
            );
            assert_eq!(send_back(HR, *status), Err(Refusal::WrongOrder));
        }
        assert_eq!(
            send_back(MANAGER, VacancyStatus::InReview),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            send_back(HR, VacancyStatus::InReview),
            Ok(VacancyStatus::Withdrawn)
        );
    }

    #[test]
    fn the_freeze_ends_after_its_last_day() {
        let last = date!(2026 - 12 - 21);
        assert_eq!(
            audience(VacancyStatus::PoolOnly, Some(last), last),
            Audience::Pool
        );
        assert_eq!(
            audience(VacancyStatus::PoolOnly, Some(last), date!(2026 - 12 - 22)),
            Audience::AllStaff
        );
        assert_eq!(
            audience(VacancyStatus::External, Some(last), last),
            Audience::AllStaff
        );
        assert_eq!(
            audience(VacancyStatus::InReview, None, last),
            Audience::Review
        );
        assert_eq!(
            audience(VacancyStatus::Filled, None, last),
            Audience::Closed
        );
    }

    #[test]
    fn who_sees_what() {
        let staff = Viewer {
            same_org: true,
            ..Viewer::default()
        };
        let pool = Viewer {
            in_pool: true,
            ..staff
        };
        let hr = Viewer { hr: true, ..staff };
        let manager = Viewer {
            raised_it: true,
            ..staff
        };
        let partner = Viewer::default();
        assert!(!may_see(staff, Audience::Pool, false));
        assert!(may_see(pool, Audience::Pool, false));
        assert!(may_see(hr, Audience::Review, false));
        assert!(may_see(manager, Audience::Review, false));
        assert!(!may_see(pool, Audience::Review, false));
        assert!(may_see(staff, Audience::AllStaff, false));
        assert!(!may_see(staff, Audience::Closed, false));
        assert!(!may_see(partner, Audience::AllStaff, false));
        assert!(may_see(partner, Audience::AllStaff, true));
        assert!(!may_see(partner, Audience::Pool, true));
        assert!(
            !may_see(
                Viewer {
                    hr: true,
                    ..partner
                },
                Audience::Review,
                true
            ),
            "HR of a partner is a partner"
        );
    }

    #[test]
    fn exceptions_are_asked_by_the_manager_during_the_freeze_and_decided_by_hr() {
        let r = may_request_exception;
        assert_eq!(
            r(
                MANAGER,
                true,
                Audience::Pool,
                VacancyStatus::PoolOnly,
                false
            ),
            Ok(())
        );
        assert_eq!(
            r(
                MANAGER,
                false,
                Audience::Pool,
                VacancyStatus::PoolOnly,
                false
            ),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            r(HR, true, Audience::Pool, VacancyStatus::PoolOnly, false),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            r(
                MANAGER,
                true,
                Audience::AllStaff,
                VacancyStatus::PoolOnly,
                false
            ),
            Err(Refusal::WrongOrder)
        );
        assert_eq!(
            r(MANAGER, true, Audience::Pool, VacancyStatus::PoolOnly, true),
            Err(Refusal::WrongOrder)
        );
        assert_eq!(
            decide_exception(HR, VacancyStatus::PoolOnly, true, true),
            Ok((ExceptionStatus::Approved, VacancyStatus::External))
        );
        assert_eq!(
            decide_exception(HR, VacancyStatus::PoolOnly, true, false),
            Ok((ExceptionStatus::Refused, VacancyStatus::PoolOnly))
        );
        assert_eq!(
            decide_exception(MANAGER, VacancyStatus::PoolOnly, true, true),
            Err(Refusal::WrongRole)
        );
        assert_eq!(
            decide_exception(HR, VacancyStatus::PoolOnly, false, true),
            Err(Refusal::WrongOrder)
        );
    }

    #[test]
    fn a_review_needs_a_known_decision_and_a_reason() {
        assert!(parse_review("delete", "Service merged").is_ok());
        let p = parse_review("promote", "  ").unwrap_err();
        assert_eq!(
            p.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(),
            ["decision", "reason"]
        );
        assert!(parse_review("replace", &"x".repeat(MAX_REASON + 1)).is_err());
    }

    #[test]
    fn hours_are_whole_minutes_within_a_week() {
        assert_eq!(parse_hours("37"), Some(2220));
        assert_eq!(parse_hours("18.5"), Some(1110));
        assert_eq!(parse_hours("0"), None);
        assert_eq!(parse_hours("61"), None);
        assert_eq!(parse_hours("10.001"), None);
        assert_eq!(parse_hours("lots"), None);
        assert_eq!(hours_text(1110), "18.5");
        assert_eq!(hours_text(2220), "37");
    }

    fn input<'a>() -> DetailsInput<'a> {
        DetailsInput {
            title: "Refuse driver",
            summary: "Drives a collection round.",
            service_area: "waste_and_recycling",
            grade_min: "4",
            grade_max: "5",
            hours: "37",
            site: "Depot",
            easting: "",
            northing: "",
            remote: false,
            training_limit: "90",
            shared: true,
            essentials: vec![Row3("hgv_licence", "HGV licence", "60"), Row3("", "", "")],
            strengths: vec![],
            experience: vec![Row3("waste_and_recycling", "12", "")],
        }
    }

    const AREAS: &[&str] = &["waste_and_recycling", "housing"];

    #[test]
    fn good_details_parse() {
        let d = parse_details(&input(), AREAS, &[], &settings()).unwrap();
        assert_eq!(d.essentials.len(), 1);
        assert_eq!(d.essentials[0].training_days, Some(60));
        assert_eq!(d.weekly_minutes, 2220);
        assert!(d.shared);
    }

    #[test]
    fn bad_details_name_every_field() {
        let id = Uuid::new_v4();
        let other = Uuid::new_v4().to_string();
        let mut i = input();
        i.title = "";
        i.grade_min = "6";
        i.training_limit = "400";
        i.easting = "12";
        i.essentials = vec![Row3("HGV licence", "", "5")];
        i.strengths = vec![Row3(&other, "9", "0")];
        let p = parse_details(&i, AREAS, &[id], &settings()).unwrap_err();
        let fields: Vec<_> = p.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "title",
            "grade_max",
            "northing",
            "training_limit",
            "essential_code-1",
            "essential_title-1",
            "strength_id-1",
            "strength_level-1",
            "strength_weight-1",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn training_may_not_exceed_the_limit() {
        let mut i = input();
        i.training_limit = "30";
        let p = parse_details(&i, AREAS, &[], &settings()).unwrap_err();
        assert_eq!(p[0].field, "essential_days-1");
    }

    #[test]
    fn list_views_are_allow_listed() {
        assert_eq!(ListView::parse(Some("reviews")), ListView::Reviews);
        assert_eq!(ListView::parse(Some("'; drop table")), ListView::Open);
        assert_eq!(ListView::parse(None), ListView::Open);
    }

    proptest! {
        #[test]
        fn the_pool_sees_a_frozen_vacancy_until_its_last_day_and_everyone_after(
            offset in -400i64..400, freeze in 0u16..200
        ) {
            let approved = date!(2026 - 11 - 23);
            let s = Settings { freeze_days: freeze, ..Settings::default() };
            let last = freeze_ends(approved, &s);
            let today = approved + Duration::days(offset);
            let a = audience(VacancyStatus::PoolOnly, Some(last), today);
            let staff = Viewer { same_org: true, ..Viewer::default() };
            prop_assert_eq!(may_see(staff, a, false), offset > i64::from(freeze));
            let pool = Viewer { in_pool: true, ..staff };
            prop_assert!(may_see(pool, a, false));
        }

        #[test]
        fn parse_details_never_panics(title in ".{0,200}", hours in ".{0,10}", g in ".{0,4}") {
            let mut i = input();
            i.title = &title;
            i.hours = &hours;
            i.grade_min = &g;
            let _ = parse_details(&i, AREAS, &[], &Settings::default());
        }

        #[test]
        fn only_in_review_can_be_approved(idx in 0usize..5) {
            let status = VacancyStatus::ALL[idx];
            let r = approve(HR, status, None, date!(2026 - 1 - 1), &Settings::default());
            prop_assert_eq!(r.is_ok(), status == VacancyStatus::InReview);
        }
    }
}
