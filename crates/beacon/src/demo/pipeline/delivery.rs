//! Demo data for the pipeline's delivery part: every idea the ideas part put
//! at `pilot` gets a funded pilot under way (one milestone done, one overdue,
//! some spend, updates and a team with a secondee); every idea at
//! `evaluation` a finished pilot; every adopted idea a pilot, an evaluation
//! with realised savings at evidence level 3 and a draft case study; every
//! stopped idea an evaluation with real lessons (and its pilot, if it got
//! that far). With no ideas there is nothing to do.
use crate::demo::DemoOrg;
use beacon_core::Role;
use beacon_core::pipeline::delivery::{Money, Rag, Transfer, ValidEvaluation};
use beacon_core::pipeline::{EvidenceLevel, Outcome};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::delivery::{self, NewSpend, NewTeamMember, NewUpdate, PilotPlan};
use beacon_db::entity::idea;
use time::{Duration, OffsetDateTime};

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let org = council.org;
    for idea in delivery::ideas_in_stage(txn, org, "pilot").await? {
        pilot(txn, now, &actor, council, &idea, Phase::Running).await?;
    }
    for idea in delivery::ideas_in_stage(txn, org, "evaluation").await? {
        pilot(txn, now, &actor, council, &idea, Phase::Finished).await?;
    }
    for idea in delivery::ideas_in_stage(txn, org, "adopted").await? {
        pilot(txn, now, &actor, council, &idea, Phase::Finished).await?;
        evaluate(txn, now, &actor, council, &idea, Outcome::Adopted).await?;
        delivery::draft_case_study(txn, now, &actor, org, idea.id).await?;
    }
    for idea in delivery::ideas_in_stage(txn, org, "stopped").await? {
        if delivery::progress(txn, org, &idea).await?.pilot {
            pilot(txn, now, &actor, council, &idea, Phase::Finished).await?;
        }
        evaluate(txn, now, &actor, council, &idea, Outcome::Stopped).await?;
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    Finished,
}

/// Pounds as pence, varied a little by council so the three differ.
fn pounds(council: &DemoOrg, pounds: i64) -> i64 {
    let factor = [100, 85, 120][council.index % 3];
    pounds * factor
}

async fn pilot(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    council: &DemoOrg,
    idea: &idea::Model,
    phase: Phase,
) -> anyhow::Result<()> {
    let org = council.org;
    let today = now.date();
    let (starts, ends) = match phase {
        Phase::Running => (today - Duration::days(63), today + Duration::days(119)),
        Phase::Finished => (today - Duration::days(230), today - Duration::days(21)),
    };
    let set_up = now - (today - starts) - Duration::days(14);
    delivery::save_plan(
        txn,
        set_up,
        actor,
        org,
        idea.id,
        PilotPlan {
            starts_on: starts,
            ends_on: ends,
            budget_pence: pounds(council, 24_000),
            baseline: format!(
                "Today: {}",
                if idea.measure_today.trim().is_empty() {
                    "the service's own monthly figures before the pilot"
                } else {
                    idea.measure_today.trim()
                }
            ),
            success_measures: format!(
                "Aspiration: {}\nThe pilot counts as a success if it closes at least half of that gap at no more than its budget.",
                if idea.measure_aspiration.trim().is_empty() {
                    "a clear improvement on the baseline"
                } else {
                    idea.measure_aspiration.trim()
                }
            ),
        },
    )
    .await?;

    let milestones = [
        ("Pilot team in place and briefed", 7, true),
        (
            "First month's results reviewed with the service",
            56,
            phase == Phase::Finished,
        ),
        (
            "Interim report to the service board",
            120,
            phase == Phase::Finished,
        ),
        (
            "Final report and recommendation",
            200,
            phase == Phase::Finished,
        ),
    ];
    for (title, after_start, done) in milestones {
        let due = starts + Duration::days(after_start);
        if phase == Phase::Running && due > ends {
            continue;
        }
        let id = delivery::add_milestone(txn, set_up, actor, org, idea.id, title, due).await?;
        if done {
            let done_on = due - Duration::days(2);
            let at = now - (today - done_on);
            delivery::complete_milestone(txn, at, actor, org, idea.id, id, done_on).await?;
        }
    }

    let spend: &[(i64, &str, i64)] = match phase {
        Phase::Running => &[
            (5, "Equipment and set-up", 6_450),
            (30, "Staff time backfilled while the team trained", 3_200),
            (58, "Printing and postage for residents' letters", 412),
        ],
        Phase::Finished => &[
            (5, "Equipment and set-up", 6_450),
            (30, "Staff time backfilled while the team trained", 3_200),
            (90, "Independent review of the first three months", 4_800),
            (150, "Extending the trial to a second area", 7_150),
            (205, "Final evaluation workshop", 950),
        ],
    };
    for (after_start, description, amount) in spend {
        let spent_on = starts + Duration::days(*after_start);
        delivery::record_spend(
            txn,
            now - (today - spent_on),
            actor,
            org,
            idea.id,
            NewSpend {
                spent_on,
                description: (*description).to_owned(),
                amount_pence: pounds(council, *amount),
            },
        )
        .await?;
    }

    let lead = council.person(Role::InnovationLead)?;
    let staff = council.person(Role::Staff)?;
    let manager = council.person(Role::Manager)?;
    for (person, role, seconded) in [
        (manager, "Service lead", false),
        (staff, "Data analyst", true),
    ] {
        delivery::add_team_member(
            txn,
            set_up,
            actor,
            org,
            idea.id,
            NewTeamMember {
                person,
                role: role.to_owned(),
                seconded,
            },
        )
        .await?;
    }

    let updates: &[(i64, Rag, &str)] = match phase {
        Phase::Running => &[
            (
                20,
                Rag::OnTrack,
                "The team is in place and the equipment is installed. Residents in the pilot area have had their letters.",
            ),
            (
                55,
                Rag::AtRisk,
                "Readings from the first month are patchy in two streets. The supplier is replacing the faulty units, so the monthly review has slipped by a week.",
            ),
        ],
        Phase::Finished => &[
            (
                30,
                Rag::OnTrack,
                "Set-up finished on time and the first results look promising.",
            ),
            (
                120,
                Rag::AtRisk,
                "The interim review found the gains are smaller in the second area; we are looking at why before the final report.",
            ),
            (
                208,
                Rag::OnTrack,
                "The pilot has finished. The final report goes to the service board with a recommendation next month.",
            ),
        ],
    };
    for (after_start, rag, body) in updates {
        let at = now - (today - (starts + Duration::days(*after_start)));
        let author = if *rag == Rag::AtRisk { staff } else { lead };
        delivery::post_update(
            txn,
            at,
            actor,
            org,
            idea.id,
            NewUpdate {
                author,
                body: (*body).to_owned(),
                rag: *rag,
            },
        )
        .await?;
    }
    if phase == Phase::Finished {
        delivery::finish_pilot(txn, now - Duration::days(21), actor, org, idea.id, ends).await?;
    }
    Ok(())
}

async fn evaluate(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    council: &DemoOrg,
    idea: &idea::Model,
    outcome: Outcome,
) -> anyhow::Result<()> {
    let had_pilot = delivery::pilot(txn, council.org, idea.id).await?.is_some();
    let valid = match outcome {
        Outcome::Stopped => ValidEvaluation {
            money: Money {
                cost: if had_pilot { pounds(council, 22_550) } else { 0 },
                cashable: 0,
                non_cashable: if had_pilot { pounds(council, 3_100) } else { 0 },
                social_value: 0,
            },
            outcome,
            results: "Take-up stayed below a fifth of the households invited, against a target of half, and the savings did not cover the running costs.".to_owned(),
            lessons: "Residents told us they wanted a phone call from someone they knew rather than another app. We should have tested that with a handful of households before buying equipment, and we would start there next time.".to_owned(),
            evidence: EvidenceLevel::new(2).unwrap_or(EvidenceLevel::ALL[1]),
            transfer: Transfer::Yes(
                "Any service planning a digital-first change for older residents".to_owned(),
            ),
        },
        _ => ValidEvaluation {
            money: Money {
                cost: pounds(council, 22_550),
                cashable: pounds(council, 61_000),
                non_cashable: pounds(council, 18_400),
                social_value: pounds(council, 35_000),
            },
            outcome,
            results: "Against a comparison area, repeat contacts fell by 31% and the service met its response target in ten of the last twelve weeks.".to_owned(),
            lessons: "Involving the front-line team in the design from the first week made the difference; the second area, which joined late, saw smaller gains.".to_owned(),
            evidence: EvidenceLevel::new(3).unwrap_or(EvidenceLevel::ALL[2]),
            transfer: Transfer::Yes(
                "Other district councils running the same service, and our partner council".to_owned(),
            ),
        },
    };
    delivery::record_evaluation(
        txn,
        now - Duration::days(10),
        actor,
        council.org,
        idea.id,
        &valid,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use beacon_core::pipeline::delivery::PilotStatus;
    use beacon_db::{Db, organisations};
    use std::collections::BTreeMap;

    /// Ideas at every delivery stage (as the ideas part seeds them after the
    /// merge), then this part's seeding, checked against what the pages need.
    #[tokio::test]
    async fn every_delivery_stage_gets_its_records() {
        let dir = std::env::temp_dir().join(format!("beacon-demo-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", dir.join("d.db").display()))
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        crate::demo::seed(&db, now).await.unwrap();
        let org = organisations::by_slug(db.conn(), "northmere")
            .await
            .unwrap()
            .unwrap()
            .id;
        // The demo's own ideas at each delivery stage, as the ideas part
        // seeds them, and this part's records for them.
        let mut ids = BTreeMap::new();
        for stage in ["pilot", "evaluation", "adopted", "stopped"] {
            let idea = delivery::ideas_in_stage(db.conn(), org, stage)
                .await
                .unwrap()
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("the demo has an idea at {stage}"));
            ids.insert(stage, idea.id);
        }

        let conn = db.conn();
        let running = delivery::pilot_record(conn, org, ids["pilot"])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(running.pilot.status, PilotStatus::Active);
        let statuses: Vec<_> = running
            .milestones
            .iter()
            .map(|m| {
                beacon_core::pipeline::delivery::milestone_status(m.due_on, m.done_on, now.date())
            })
            .collect();
        use beacon_core::pipeline::delivery::MilestoneStatus::*;
        assert!(
            statuses.contains(&Done) && statuses.contains(&Overdue),
            "{statuses:?}"
        );
        assert!(!running.spend.is_empty() && running.updates.len() >= 2);
        assert!(running.team.iter().any(|t| t.seconded));

        let finished = delivery::pilot(conn, org, ids["evaluation"])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(finished.status, PilotStatus::Finished);
        assert!(
            delivery::evaluation(conn, org, ids["evaluation"])
                .await
                .unwrap()
                .is_none()
        );

        let adopted = delivery::evaluation(conn, org, ids["adopted"])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(adopted.outcome, Outcome::Adopted);
        assert_eq!(adopted.evidence.get(), 3);
        assert!(adopted.money.cashable > 0);
        assert!(
            delivery::case_study_draft(conn, org, ids["adopted"])
                .await
                .unwrap()
                .is_some()
        );

        let stopped = delivery::evaluation(conn, org, ids["stopped"])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stopped.outcome, Outcome::Stopped);
        assert!(beacon_core::pipeline::delivery::is_a_sentence(
            &stopped.lessons
        ));
        let stopped_idea = beacon_db::ideas::find(conn, org, ids["stopped"])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            delivery::pilot(conn, org, ids["stopped"])
                .await
                .unwrap()
                .is_some(),
            delivery::progress(conn, org, &stopped_idea)
                .await
                .unwrap()
                .pilot,
            "a stopped idea has a pilot exactly when it went through one"
        );
        db.close().await.ok();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
