//! Demo data: posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
//!
//! A post for every staff record (loaded in bulk), plus a set of vacant posts
//! whose vacancies show every state: reviews waiting for HR, vacancies held
//! for the pool within the freeze, vacancies open to all after it, an
//! approved exception and one waiting, approved deletions with their savings,
//! and shared vacancies a partner council can read.
use crate::demo::{COUNCILS, DemoOrg, Scale};
use beacon_core::Role;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::talent::vacancies::{
    self as rules, DesiredStrength, Details, Essential, ExceptionStatus, Experience, Review,
};
use beacon_core::talent::{PostStatus, ReviewDecision, Settings, VacancyStatus};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::vacancies::{self, PostRow};
use time::{Duration, OffsetDateTime};

/// What a demo post costs a year: a simple pay scale by grade, pro rata to
/// hours, with 30% on-costs. In pence.
fn annual_cost(grade: i32, weekly_minutes: i32) -> i64 {
    let full_time_pay = 2_100_000 + i64::from(grade.clamp(1, 20) - 1) * 240_000;
    let pro_rata = full_time_pay * i64::from(weekly_minutes) / (37 * 60);
    pro_rata * 13 / 10
}

/// Vacant posts made for the demo's vacancies, per council.
fn vacant_posts(scale: Scale, index: usize) -> usize {
    match (scale, index) {
        (Scale::Full, 0) => 64,
        (Scale::Bench, 0) => 376,
        (Scale::Full | Scale::Bench, _) => 16,
        (Scale::Small, 0) => 16,
        (Scale::Small, _) => 8,
    }
}

const ROLES: [(&str, ServiceArea, i32, &str); 16] = [
    (
        "Refuse collection driver",
        ServiceArea::WasteAndRecycling,
        4,
        "Depot",
    ),
    (
        "Social worker",
        ServiceArea::AdultSocialCare,
        9,
        "Civic Centre",
    ),
    ("Housing officer", ServiceArea::Housing, 6, "Civic Centre"),
    ("Planning officer", ServiceArea::Planning, 8, "Civic Centre"),
    (
        "Library assistant",
        ServiceArea::LibrariesAndCulture,
        3,
        "Central Library",
    ),
    (
        "Benefits assessor",
        ServiceArea::RevenuesAndBenefits,
        5,
        "Civic Centre",
    ),
    (
        "Customer adviser",
        ServiceArea::CustomerServices,
        3,
        "Contact Centre",
    ),
    (
        "Environmental health officer",
        ServiceArea::EnvironmentalHealth,
        8,
        "Civic Centre",
    ),
    (
        "Grounds maintenance operative",
        ServiceArea::ParksAndLeisure,
        3,
        "Parks Depot",
    ),
    (
        "Highways inspector",
        ServiceArea::HighwaysAndTransport,
        6,
        "Depot",
    ),
    (
        "Family support worker",
        ServiceArea::ChildrensServices,
        6,
        "Family Hub",
    ),
    (
        "Finance officer",
        ServiceArea::CorporateServices,
        7,
        "Civic Centre",
    ),
    (
        "Occupational therapist",
        ServiceArea::AdultSocialCare,
        10,
        "Civic Centre",
    ),
    (
        "Leisure centre supervisor",
        ServiceArea::ParksAndLeisure,
        5,
        "Leisure Centre",
    ),
    (
        "Data analyst",
        ServiceArea::CorporateServices,
        8,
        "Civic Centre",
    ),
    (
        "Street cleansing operative",
        ServiceArea::WasteAndRecycling,
        2,
        "Depot",
    ),
];

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
) -> anyhow::Result<()> {
    let org = council.org;
    let domain = COUNCILS[council.index].domain;
    let manager_id = council.person(Role::Manager)?;
    let hr_id = council.person(Role::Hr)?;
    let manager = Actor::person(manager_id, &format!("manager@{domain}"));
    let hr = Actor::person(hr_id, &format!("hr@{domain}"));
    let prefix = council
        .slug
        .chars()
        .next()
        .unwrap_or('x')
        .to_ascii_uppercase();
    let settings = Settings::default();
    let areas = ServiceArea::ALL;

    // A post for every member of staff, held by them.
    let jobs = vacancies::staff_jobs(txn, org).await?;
    let mut rows: Vec<PostRow> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| {
            let area = job
                .service_area
                .as_deref()
                .and_then(|a| a.parse::<ServiceArea>().ok())
                .unwrap_or(areas[i % areas.len()]);
            PostRow {
                reference: format!("{prefix}{:05}", i + 1),
                title: job.job_title.clone(),
                service_area: area.key().to_owned(),
                grade: job.grade,
                weekly_minutes: job.weekly_minutes,
                site: job
                    .site
                    .clone()
                    .unwrap_or_else(|| "Civic Centre".to_owned()),
                annual_cost_pence: annual_cost(job.grade, job.weekly_minutes),
                status: PostStatus::Filled,
                holder: Some(job.id),
            }
        })
        .collect();
    // The posts that fall vacant in the demo.
    let vacant = vacant_posts(scale, council.index);
    let first_vacant = rows.len();
    for i in 0..vacant {
        let (title, area, grade, site) = ROLES[i % ROLES.len()];
        let minutes = if i % 5 == 4 { 18 * 60 + 30 } else { 37 * 60 };
        rows.push(PostRow {
            reference: format!("{prefix}V{:04}", i + 1),
            title: title.to_owned(),
            service_area: area.key().to_owned(),
            grade,
            weekly_minutes: minutes,
            site: site.to_owned(),
            annual_cost_pence: annual_cost(grade, minutes),
            status: PostStatus::Vacant,
            holder: None,
        });
    }
    let ids = vacancies::insert_posts(txn, now, &Actor::system("demo"), org, &rows).await?;
    let strengths = vacancies::strengths(txn, org).await?;

    for i in 0..vacant {
        let post_id = ids[first_vacant + i];
        let row = &rows[first_vacant + i];
        let scenario = i % 8;
        let decision = match scenario {
            1 | 5 => ReviewDecision::Delete,
            7 => ReviewDecision::Reorganise,
            _ => ReviewDecision::Replace,
        };
        let reason = match decision {
            ReviewDecision::Delete => "The work has moved to the new digital service.",
            ReviewDecision::Reorganise => "The team is being reshaped around neighbourhoods.",
            ReviewDecision::Replace => "The service still needs this work done.",
        };
        // How long ago HR approved: within the freeze, or long enough ago
        // that the vacancy is open to all. Reviews waiting for HR started in
        // the last fortnight; the others a week before their approval.
        let approved_days_ago = match scenario {
            2 | 7 => 5 + (i % 10) as i64,
            4 => 3,
            _ => 35 + (i % 20) as i64,
        };
        let started = if scenario < 2 {
            now - Duration::days(1 + (i % 14) as i64)
        } else {
            now - Duration::days(approved_days_ago + 7)
        };
        let review = Review {
            decision,
            reason: reason.to_owned(),
        };
        let vacancy =
            vacancies::start_review(txn, started, &manager, org, post_id, manager_id, &review)
                .await?;
        if scenario == 0 || scenario == 1 {
            continue; // waiting for HR
        }
        let approved_at = now - Duration::days(approved_days_ago);
        let approval = rules::approve(
            &[Role::Hr],
            VacancyStatus::InReview,
            Some(decision),
            approved_at.date(),
            &settings,
        )
        .map_err(|r| anyhow::anyhow!("demo approval refused: {r:?}"))?;
        vacancies::approve(txn, approved_at, &hr, org, vacancy, &approval).await?;
        if decision == ReviewDecision::Delete {
            continue; // the saving is kept
        }
        let desired = strengths
            .iter()
            .skip((i * 5) % strengths.len().max(1))
            .take(3)
            .enumerate()
            .map(|(k, s)| DesiredStrength {
                strength: s.id,
                level: 3 + (k % 2) as u8,
                weight: 3 - k as u8,
            })
            .collect();
        let (title, area, _, _) = ROLES[i % ROLES.len()];
        let essentials = match area {
            ServiceArea::WasteAndRecycling | ServiceArea::HighwaysAndTransport => vec![Essential {
                code: "driving_licence".into(),
                title: "Full driving licence".into(),
                training_days: None,
            }],
            ServiceArea::AdultSocialCare | ServiceArea::ChildrensServices => vec![Essential {
                code: "social_work_england".into(),
                title: "Registration with Social Work England".into(),
                training_days: None,
            }],
            _ => vec![Essential {
                code: "level_3_customer_service".into(),
                title: "Level 3 certificate in customer service".into(),
                training_days: Some(30),
            }],
        };
        let details = Details {
            title: title.to_owned(),
            summary: format!(
                "Join our {} team. You will work with residents and colleagues across the borough.",
                title.to_lowercase()
            ),
            service_area: row.service_area.clone(),
            grade_min: u8::try_from(row.grade - 1).unwrap_or(1).max(1),
            grade_max: u8::try_from(row.grade).unwrap_or(1),
            weekly_minutes: row.weekly_minutes,
            site: row.site.clone(),
            easting: Some(430_000 + (i as i32 % 20) * 1_000),
            northing: Some(510_000 + (i as i32 % 15) * 1_000),
            remote: scenario == 6 && i % 16 == 6,
            training_limit_days: settings.training_limit_days,
            // Shared with partners: the open ones of scenario 6.
            shared: scenario == 6 || scenario == 3 && i % 3 == 0,
            essentials,
            strengths: desired,
            experience: vec![Experience {
                service_area: row.service_area.clone(),
                months: 12,
            }],
        };
        vacancies::save_details(txn, approved_at, &manager, org, vacancy, &details).await?;
        if scenario == 4 || scenario == 7 {
            let asked = approved_at + Duration::days(1);
            vacancies::request_exception(
                txn,
                asked,
                &manager,
                org,
                vacancy,
                manager_id,
                "A professional registration nobody in the pool holds; the service cannot wait.",
            )
            .await?;
            if scenario == 4 {
                let decision =
                    rules::decide_exception(&[Role::Hr], VacancyStatus::PoolOnly, true, true)
                        .map_err(|r| anyhow::anyhow!("demo exception refused: {r:?}"))?;
                debug_assert_eq!(decision.0, ExceptionStatus::Approved);
                vacancies::decide_exception(
                    txn,
                    asked + Duration::hours(3),
                    &hr,
                    org,
                    vacancy,
                    decision,
                    "Agreed: nobody in the pool holds the registration.",
                )
                .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_grow_with_grade_and_hours() {
        assert!(annual_cost(5, 2220) > annual_cost(4, 2220));
        assert!(annual_cost(5, 2220) > annual_cost(5, 1110));
        assert_eq!(annual_cost(1, 2220), 2_730_000);
    }
}
