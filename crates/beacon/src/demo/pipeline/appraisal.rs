//! Demo data for the pipeline's appraisal part: a business case for every
//! idea that has reached the business case stage or gone beyond it. Each
//! compares business as usual with a full and a phased roll-out over seven
//! years (year 0 to 6), with social value and its source, three risks and
//! the risk of not innovating. Ideas still at the business case stage have
//! a case in progress (no preferred option, funding model or risk of not
//! innovating yet), so the demo shows what is missing; later ones are
//! complete, as the gate into `decision` requires.
use crate::demo::DemoOrg;
use beacon_core::pipeline::FundingModel;
use beacon_core::pipeline::appraisal::{LineCategory, Mitigation, ProjectType};
use beacon_core::pipeline::risk::{NotInnovating, Response, Risk};
use beacon_db::DatabaseTransaction;
use beacon_db::appraisal::{self, NewLine, WholeCase};
use beacon_db::audit::Actor;
use time::{Duration, OffsetDateTime};

const IN_PROGRESS: &str = "business_case";
/// Stages whose ideas have passed the gate into `decision`.
const DECIDED: [&str; 5] = ["decision", "pilot", "evaluation", "adopted", "stopped"];

fn text<const N: usize>(s: &str) -> anyhow::Result<beacon_core::text::BoundedText<N>> {
    beacon_core::text::BoundedText::parse(s).map_err(|e| anyhow::anyhow!("{s}: {e}"))
}

fn line(year: u16, category: LineCategory, what: &str, pounds: i64) -> NewLine {
    NewLine {
        year,
        category,
        description: what.to_owned(),
        amount: pounds * 100,
        source: None,
    }
}

/// A social value line with its source: the proxy depends on what the
/// idea does. None of these is a licensed value.
fn social_value(year: u16, area: &str, pounds: i64) -> NewLine {
    let (what, source) = if area.contains("waste")
        || area.contains("environment")
        || area.contains("parks")
    {
        (
            "Carbon emissions avoided",
            "Tonnes of CO2e avoided, valued at the government's carbon values for appraisal (DESNZ, central series, 2024 prices)",
        )
    } else if area.contains("care") || area.contains("health") || area.contains("housing") {
        (
            "Fewer emergency hospital attendances",
            "Council proxy list 2026, item 7: an avoided A&E attendance, from the NHS National Cost Collection",
        )
    } else {
        (
            "Volunteer time given by residents",
            "Hours of volunteering valued at the National Living Wage, £12.21 an hour from April 2025 (council proxy list 2026, item 4)",
        )
    };
    NewLine {
        year,
        category: LineCategory::SocialValue,
        description: what.to_owned(),
        amount: pounds * 100,
        source: Some(source.to_owned()),
    }
}

fn risks() -> anyhow::Result<Vec<Risk>> {
    let risk = |d: &str, l, i, o: &str, r, m: Option<&str>| -> anyhow::Result<Risk> {
        Ok(Risk {
            description: text(d)?,
            likelihood: l,
            impact: i,
            owner: text(o)?,
            response: r,
            mitigation: m.map(text).transpose()?,
        })
    };
    Ok(vec![
        risk(
            "Staff do not take to the new way of working, so the old one carries on beside it.",
            3,
            3,
            "Service manager",
            Response::Treat,
            Some(
                "Design the change with the staff who will use it; train everyone before launch; the service manager checks weekly use for the first three months.",
            ),
        )?,
        risk(
            "The supplier's system does not work with the council's case management system.",
            2,
            4,
            "Head of Digital",
            Response::Transfer,
            Some(
                "The contract makes the supplier responsible for the integration and for fixing faults at their own cost.",
            ),
        )?,
        risk(
            "Savings arrive later than planned because demand changes.",
            3,
            2,
            "Finance business partner",
            Response::Tolerate,
            None,
        )?,
    ])
}

/// The case for one idea; `scale` varies the figures between ideas, and
/// `complete` says whether it has passed the gate.
fn case_for(
    idea: &beacon_db::entity::idea::Model,
    scale: i64,
    complete: bool,
    now: OffsetDateTime,
) -> anyhow::Result<WholeCase> {
    use LineCategory::*;
    let s = scale;
    let area = idea.service_area.as_str();
    let title = idea.title.to_lowercase();
    let project_type = if ["sensor", "account", "predict", "system", "app"]
        .iter()
        .any(|w| title.contains(w))
    {
        ProjectType::EquipmentDevelopment
    } else {
        ProjectType::ServiceChange
    };

    // Business as usual: demand keeps rising and is met with overtime and
    // agency staff.
    let bau: Vec<NewLine> = (1..=6)
        .map(|y| {
            line(
                y,
                RevenueCost,
                "Rising demand met with overtime and agency staff",
                4_000 * s * i64::from(y),
            )
        })
        .collect();

    // The whole change at once.
    let mut full = vec![
        line(0, CapitalCost, "Equipment and set-up", 45_000 * s),
        line(0, RevenueCost, "Training and project management", 8_000 * s),
    ];
    for y in 1..=6u16 {
        full.push(line(
            y,
            RevenueCost,
            "Licences, support and maintenance",
            6_000 * s,
        ));
        let saving = if y == 1 { 11_000 } else { 22_000 };
        full.push(line(
            y,
            CashableBenefit,
            "Overtime and agency spending no longer needed",
            saving * s,
        ));
        full.push(line(
            y,
            NonCashableBenefit,
            "Staff time freed for other work",
            9_000 * s,
        ));
        if y >= 2 {
            full.push(social_value(y, area, 5_000 * s));
        }
    }

    // The same change, one area at a time over three years.
    let mut phased = Vec::new();
    for y in 0..=2u16 {
        phased.push(line(
            y,
            CapitalCost,
            "Equipment and set-up for one area",
            16_000 * s,
        ));
        phased.push(line(y, RevenueCost, "Training for one area", 3_000 * s));
    }
    for y in 1..=6u16 {
        let areas_live = i64::from(y.min(3));
        phased.push(line(
            y,
            RevenueCost,
            "Licences, support and maintenance",
            2_000 * s * areas_live,
        ));
        phased.push(line(
            y,
            CashableBenefit,
            "Overtime and agency spending no longer needed",
            7_000 * s * areas_live,
        ));
        if y >= 2 {
            phased.push(line(
                y,
                NonCashableBenefit,
                "Staff time freed for other work",
                3_000 * s * areas_live,
            ));
        }
        if y <= 2 {
            phased.push(line(
                y,
                RevenueCost,
                "Rising demand in areas not yet changed",
                4_000 * s * i64::from(y) * (3 - areas_live) / 3,
            ));
        }
        if y >= 3 {
            phased.push(social_value(y, area, 5_000 * s));
        }
    }

    let not_innovating = NotInnovating {
        statement: text(
            "Demand keeps rising while the budget does not: the service falls further behind each year, waiting times grow, and the gap is filled with overtime and agency staff at a higher cost.",
        )?,
        likelihood: 4,
        impact: 4,
    };
    let funding = if idea.challenge_id.is_some() {
        FundingModel::ChallengePot
    } else {
        FundingModel::ServiceBudget
    };
    Ok(WholeCase {
        appraisal_date: (now - Duration::days(if complete { 90 } else { 14 })).date(),
        project_type,
        // Only evidence reduces optimism bias: a case still being written
        // has none recorded yet.
        mitigation: Mitigation::new(match (complete, project_type) {
            (false, _) => 0,
            (true, ProjectType::EquipmentDevelopment) => 60,
            (true, _) => 20,
        })
        .unwrap_or(Mitigation::NONE),
        mitigation_note: match (complete, project_type) {
            (false, _) => String::new(),
            (true, ProjectType::EquipmentDevelopment) => "An off-the-shelf product already in use at twelve councils; a fixed-price contract for supply, set-up and integration; a two-month trial in one team came in 4% over its budget.".to_owned(),
            (true, _) => "Fixed-price quotes from two suppliers for the equipment and set-up; a two-month trial in one team came in 4% over its budget.".to_owned(),
        },
        funding_model: complete.then_some(funding),
        non_monetised_benefits: format!(
            "{}\n\nBeyond the figures: residents get a quicker and clearer service, staff spend less time on complaints and repeat contacts, and the council learns what works before it spends more.",
            idea.expected_benefit.trim()
        ),
        business_as_usual: bau,
        options: vec![
            (
                "Full roll-out".to_owned(),
                idea.proposal.clone(),
                full,
            ),
            (
                "Phased roll-out over three years".to_owned(),
                "The same change, brought in one area at a time over three years, so that each stage is checked before the next is paid for.".to_owned(),
                phased,
            ),
        ],
        preferred: complete.then_some(1),
        not_innovating: complete.then_some(not_innovating),
        risks: risks()?,
    })
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let mut stages = vec![IN_PROGRESS];
    stages.extend(DECIDED);
    let ideas = appraisal::ideas_in_stages(txn, council.org, &stages).await?;
    for (i, idea) in ideas.iter().enumerate() {
        let complete = idea.stage != IN_PROGRESS;
        let scale = 1 + ((i + council.index) % 3) as i64;
        let case = case_for(idea, scale, complete, now)?;
        appraisal::create_whole(
            txn,
            now - Duration::days(if complete { 90 } else { 14 }),
            &actor,
            council.org,
            idea.id,
            &case,
        )
        .await?;
    }
    Ok(())
}

// The demo's data must pass the rules a person's would.
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use beacon_core::pipeline::appraisal::{GREEN_BOOK_2003, OptimismBias, OptionLines, appraise};

    fn idea(stage: &str) -> beacon_db::entity::idea::Model {
        let now = OffsetDateTime::now_utc();
        beacon_db::entity::idea::Model {
            id: uuid::Uuid::new_v4(),
            organisation_id: uuid::Uuid::new_v4(),
            challenge_id: None,
            author_id: uuid::Uuid::new_v4(),
            pseudonym: None,
            title: "Report potholes with a photo".into(),
            problem: String::new(),
            proposal: "Let people attach a photo.".into(),
            service_area: "highways_and_transport".into(),
            measure_today: String::new(),
            measure_aspiration: String::new(),
            expected_benefit: "Fewer wasted visits.".into(),
            kind: "incremental".into(),
            facet: "enhancement_oriented".into(),
            lever: "new_insight".into(),
            stage: stage.into(),
            hidden: false,
            merged_into: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn the_demo_case_pays_back_and_every_line_is_valid() {
        let now = OffsetDateTime::now_utc();
        let mut sensors = idea("pilot");
        sensors.title = "Home sensors that spot a fall".into();
        for (idea, scale) in [(idea("decision"), 2), (sensors, 3)] {
            check_case(&idea, scale, now);
        }
        let in_progress = case_for(&idea("business_case"), 1, false, now).unwrap();
        assert!(in_progress.preferred.is_none() && in_progress.funding_model.is_none());
    }

    fn check_case(idea: &beacon_db::entity::idea::Model, scale: i64, now: OffsetDateTime) {
        let case = case_for(idea, scale, true, now).unwrap();
        let mut options = vec![OptionLines {
            business_as_usual: true,
            lines: case.business_as_usual.iter().map(|l| l.line()).collect(),
        }];
        for (_, _, lines) in &case.options {
            assert!(lines.iter().all(|l| l.amount > 0 && l.year <= 60));
            assert!(
                lines
                    .iter()
                    .all(|l| !l.category.needs_source() || l.source.is_some())
            );
            options.push(OptionLines {
                business_as_usual: false,
                lines: lines.iter().map(|l| l.line()).collect(),
            });
        }
        let bias = OptimismBias {
            project_type: case.project_type,
            mitigation: case.mitigation,
        };
        let a = appraise(&GREEN_BOOK_2003, bias, &options);
        let preferred = &a.options[case.preferred.unwrap()];
        let gain = preferred.npv_vs_bau.unwrap();
        assert!(gain.is_sign_positive() && !gain.is_zero());
        // Worth doing on its own figures too, and it pays back in the period.
        assert!(
            preferred.npv.is_sign_positive(),
            "{}: {}",
            idea.title,
            preferred.npv
        );
        assert!(preferred.payback_year.is_some(), "{}", idea.title);
        assert!(case.not_innovating.is_some() && case.funding_model.is_some());
    }
}
