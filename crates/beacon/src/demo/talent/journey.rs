//! Demo data: journeys from invitation to placement, trials, and the
//! redeployment team (DESIGN.md §3.2).
//!
//! Reads the pool members and vacancies the earlier parts seeded, and puts
//! people on journeys at every step: some invited, interested, assessed and
//! offered (one with a training plan), trials running with their end dates
//! (one extended by written agreement), placements in the past for the
//! analytics, and some back in the pool. People not placed get assignments
//! from the redeployment team, one of them on the council's running pilot.
//!
//! When the council has no pool or no open vacancy (the parts that seed them
//! are absent), it seeds a small workforce of its own first, so every page
//! still has something to show.
use crate::demo::{DemoOrg, Scale};
use beacon_core::talent::journey::{
    Move, TrialOutcome, ValidExtension, ValidMove, ValidOutcome, trial_dates,
};
use beacon_core::talent::{AssignmentKind, JourneyStep, PoolTier};
use beacon_core::{PersonId, Role};
use beacon_db::audit::Actor;
use beacon_db::entity::{pool_member, vacancy};
use beacon_db::journey::fixtures::{self, Job, PoolPerson};
use beacon_db::journey::{self, Invitation, JourneyId, NewAssignment};
use beacon_db::{DatabaseTransaction, DbError};
use std::collections::BTreeSet;
use time::{Date, Duration, OffsetDateTime};

/// Where each journey in a cycle of ten gets to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    Invited,
    Interested,
    Assessed,
    Offered,
    TrialRunning,
    TrialExtended,
    PlacedLongAgo,
    PlacedRecently,
    Declined,
    NotPassed,
}

const CYCLE: [Plan; 10] = [
    Plan::Invited,
    Plan::Interested,
    Plan::Assessed,
    Plan::Offered,
    Plan::TrialRunning,
    Plan::TrialExtended,
    Plan::PlacedLongAgo,
    Plan::PlacedRecently,
    Plan::Declined,
    Plan::NotPassed,
];

fn journeys_for(scale: Scale, index: usize) -> usize {
    match (scale, index) {
        (Scale::Full, 0) => 60,
        (Scale::Bench, 0) => 350,
        (Scale::Full | Scale::Bench, _) => 20,
        (Scale::Small, _) => 10,
    }
}

fn assignments_for(scale: Scale, index: usize) -> usize {
    match (scale, index) {
        (Scale::Full, 0) => 24,
        (Scale::Bench, 0) => 140,
        (Scale::Full | Scale::Bench, _) => 8,
        (Scale::Small, _) => 4,
    }
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
) -> anyhow::Result<()> {
    let org = council.org;
    let hr = council.person(Role::Hr)?;
    let manager = council.person(Role::Manager)?;
    let as_hr = Actor {
        id: Some(hr),
        label: "demo".to_owned(),
    };
    let as_manager = Actor {
        id: Some(manager),
        label: "demo".to_owned(),
    };
    if open_vacancies(txn, council).await?.is_empty()
        || active_stays(txn, council).await?.is_empty()
    {
        own_workforce(txn, now, council).await?;
    }
    let mut vacancies = open_vacancies(txn, council).await?;
    let stays = active_stays(txn, council).await?;
    if vacancies.is_empty() || stays.is_empty() {
        return Ok(());
    }
    // The demo staff account's own journey, when the account has a staff
    // record: an invitation waiting for an answer.
    let mut busy = BTreeSet::new();
    let staff_account = council.person(Role::Staff)?;
    let own = journey::staff_record_of(txn, org, staff_account).await?;
    if let Some(own) = own {
        let today = now.date();
        let invited = journey::invite(
            txn,
            now - Duration::days(2),
            today - Duration::days(2),
            &as_hr,
            org,
            &Invitation {
                vacancy: vacancies
                    .iter()
                    .find(|v| v.raised_by == manager.uuid())
                    .unwrap_or(&vacancies[0])
                    .id,
                staff: own.id,
                owner: manager,
                interview_guaranteed: true,
            },
        )
        .await;
        match invited {
            Ok(_) | Err(DbError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        busy.insert(own.id);
    }
    let mut filled = BTreeSet::new();
    // Leave people free for the redeployment team's assignments.
    let wanted = journeys_for(scale, council.index).min(
        stays
            .len()
            .saturating_sub(assignments_for(scale, council.index) + 1),
    );
    let mut made = 0;
    for stay in &stays {
        if made >= wanted {
            break;
        }
        if busy.contains(&stay.staff_id) {
            continue;
        }
        let mut plan = CYCLE[made % CYCLE.len()];
        let placing = matches!(plan, Plan::PlacedLongAgo | Plan::PlacedRecently);
        // Each placement fills its vacancy, so it needs one of its own.
        let vacancy = if placing {
            match vacancies.iter().find(|v| !filled.contains(&v.id)) {
                Some(v) => v.clone(),
                None => {
                    plan = Plan::TrialRunning;
                    vacancies[made % vacancies.len()].clone()
                }
            }
        } else {
            vacancies[made % vacancies.len()].clone()
        };
        walk(txn, now, council, &as_hr, &as_manager, stay, &vacancy, plan).await?;
        if matches!(plan, Plan::PlacedLongAgo | Plan::PlacedRecently) {
            filled.insert(vacancy.id);
        }
        busy.insert(stay.staff_id);
        made += 1;
    }
    vacancies.retain(|v| !filled.contains(&v.id));
    redeploy(txn, now, council, &as_hr, &stays, &busy, scale).await?;
    Ok(())
}

async fn open_vacancies(
    txn: &DatabaseTransaction,
    council: &DemoOrg,
) -> anyhow::Result<Vec<vacancy::Model>> {
    Ok(journey::open_vacancies(txn, council.org, 500).await?)
}

/// Staff already on a journey (seeded by the pool's part) are left alone.
async fn active_stays(
    txn: &DatabaseTransaction,
    council: &DemoOrg,
) -> anyhow::Result<Vec<pool_member::Model>> {
    Ok(journey::stays_off_journeys(txn, council.org, 2_000).await?)
}

/// One journey, invited long enough ago to have reached its plan's step.
#[allow(clippy::too_many_arguments)]
async fn walk(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    hr: &Actor,
    manager: &Actor,
    stay: &pool_member::Model,
    vacancy: &vacancy::Model,
    plan: Plan,
) -> anyhow::Result<()> {
    let org = council.org;
    let today = now.date();
    let manager_id = PersonId::from_uuid(vacancy.raised_by);
    let hr_id = hr.id.unwrap_or(manager_id);
    // Days before today of each step: invited, interested, assessed,
    // offered, trial start, and the end (placed or returned).
    let (start, stop): (i64, JourneyStep) = match plan {
        Plan::Invited => (3, JourneyStep::Invited),
        Plan::Interested => (10, JourneyStep::Interested),
        Plan::Assessed => (20, JourneyStep::Assessed),
        Plan::Offered => (30, JourneyStep::Offered),
        Plan::TrialRunning => (45, JourneyStep::Trial),
        Plan::TrialExtended => (70, JourneyStep::Trial),
        Plan::PlacedLongAgo => (200, JourneyStep::Placed),
        Plan::PlacedRecently => (100, JourneyStep::Placed),
        Plan::Declined => (25, JourneyStep::Returned),
        Plan::NotPassed => (120, JourneyStep::Returned),
    };
    let day = |ago: i64| today - Duration::days(ago);
    let at = |d: Date| now - Duration::days((today - d).whole_days());
    let invited_on = day(start);
    let id = journey::invite(
        txn,
        at(invited_on),
        invited_on,
        hr,
        org,
        &Invitation {
            vacancy: vacancy.id,
            staff: stay.staff_id,
            owner: manager_id,
            interview_guaranteed: stay.tier != PoolTier::Voluntary.key(),
        },
    )
    .await?;
    let person = Actor {
        id: None,
        label: "demo".to_owned(),
    };
    let step = |mv: Move, note: &str, plan: Option<&str>, trial| ValidMove {
        mv,
        to: mv.target(),
        note: note.to_owned(),
        training_plan: plan.map(str::to_owned),
        trial,
    };
    let mut w = Walk {
        from: JourneyStep::Invited,
        on: invited_on,
    };
    if plan == Plan::Declined {
        w.take(
            txn,
            now,
            org,
            id,
            &person,
            manager_id,
            step(Move::Decline, "", None, None),
            2,
        )
        .await?;
        return Ok(());
    }
    if stop == JourneyStep::Invited {
        return Ok(());
    }
    w.take(
        txn,
        now,
        org,
        id,
        &person,
        manager_id,
        step(Move::Interested, "", None, None),
        3,
    )
    .await?;
    if stop == JourneyStep::Interested {
        return Ok(());
    }
    w.take(
        txn,
        now,
        org,
        id,
        manager,
        manager_id,
        step(
            Move::Assess,
            "Met the manager and the team; a good conversation about the service.",
            None,
            None,
        ),
        5,
    )
    .await?;
    if stop == JourneyStep::Assessed {
        return Ok(());
    }
    let training = (plan == Plan::Offered || plan == Plan::TrialExtended).then_some(
        "Four weeks shadowing the team, then the council's case management course (three days).",
    );
    w.take(
        txn,
        now,
        org,
        id,
        manager,
        manager_id,
        step(Move::Offer, "", training, None),
        6,
    )
    .await?;
    if stop == JourneyStep::Offered {
        return Ok(());
    }
    let trial = trial_dates(w.on + Duration::days(7), 28);
    w.take(
        txn,
        now,
        org,
        id,
        manager,
        manager_id,
        step(Move::StartTrial, "", None, Some(trial)),
        1,
    )
    .await?;
    let trial_on = trial.starts_on;
    if plan == Plan::TrialExtended {
        journey::extend_trial(
            txn,
            at(trial_on + Duration::days(14)),
            hr,
            org,
            id,
            trial,
            &ValidExtension {
                agreement: "Agreed in writing with the person and their union representative: the trial runs to the end of the case management course, on the same pay and hours.".to_owned(),
                ends_on: trial.ends_on + Duration::days(42),
            },
            None,
        )
        .await?;
        return Ok(());
    }
    if stop == JourneyStep::Trial {
        return Ok(());
    }
    let passed = stop == JourneyStep::Placed;
    journey::record_outcome(
        txn,
        at(trial.ends_on),
        trial.ends_on,
        manager,
        org,
        id,
        &ValidOutcome {
            outcome: if passed {
                TrialOutcome::Passed
            } else {
                TrialOutcome::NotPassed
            },
            note: if passed {
                "Settled in quickly and the team would like them to stay.".to_owned()
            } else {
                "The role needs more lone working than suits them; we agreed to look again."
                    .to_owned()
            },
        },
    )
    .await?;
    w.on = trial.ends_on;
    if passed {
        w.take(
            txn,
            now,
            org,
            id,
            hr,
            hr_id,
            step(Move::Place, "", None, None),
            2,
        )
        .await?;
    } else {
        w.take(
            txn,
            now,
            org,
            id,
            hr,
            hr_id,
            step(
                Move::Return,
                "The trial was not passed; they stay in the pool.",
                None,
                None,
            ),
            2,
        )
        .await?;
    }
    Ok(())
}

/// Where a journey being walked has got to.
struct Walk {
    from: JourneyStep,
    on: Date,
}

impl Walk {
    /// Take a move a few days after the last.
    #[allow(clippy::too_many_arguments)]
    async fn take(
        &mut self,
        txn: &DatabaseTransaction,
        now: OffsetDateTime,
        org: beacon_core::OrgId,
        id: JourneyId,
        actor: &Actor,
        owner: PersonId,
        valid: ValidMove,
        gap: i64,
    ) -> Result<(), DbError> {
        self.on += Duration::days(gap);
        let at = now - Duration::days((now.date() - self.on).whole_days());
        journey::advance(
            txn, at, self.on, actor, org, id, self.from, owner, &valid, None,
        )
        .await?;
        self.from = valid.to;
        Ok(())
    }
}

/// Assignments for people in the pool who are not on a journey.
#[allow(clippy::too_many_arguments)]
async fn redeploy(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    hr: &Actor,
    stays: &[pool_member::Model],
    busy: &BTreeSet<JourneyId>,
    scale: Scale,
) -> anyhow::Result<()> {
    let org = council.org;
    let today = now.date();
    let pilots = journey::running_pilots(txn, org).await?;
    let wanted = assignments_for(scale, council.index);
    const WORK: [(AssignmentKind, &str); 4] = [
        (AssignmentKind::Project, "Digitising the planning archive"),
        (
            AssignmentKind::Secondment,
            "Seconded to the partner council's shared revenues team",
        ),
        (
            AssignmentKind::Project,
            "Customer contact review: mapping repeat calls",
        ),
        (
            AssignmentKind::Secondment,
            "Seconded to the local NHS trust's discharge team",
        ),
    ];
    for (i, stay) in stays
        .iter()
        .filter(|s| !busy.contains(&s.staff_id))
        .take(wanted)
        .enumerate()
    {
        let starts_on = today - Duration::days(7 + 3 * i as i64);
        let (kind, title, idea) = match pilots.first() {
            Some((idea, _)) if i == 0 => (
                AssignmentKind::Pilot,
                "Data and outreach on the pilot".to_owned(),
                Some(*idea),
            ),
            _ => {
                let (kind, title) = WORK[i % WORK.len()];
                (kind, title.to_owned(), None)
            }
        };
        journey::assign(
            txn,
            now,
            hr,
            org,
            &NewAssignment {
                staff: stay.staff_id,
                stay: stay.id,
                kind,
                title,
                idea,
                starts_on,
                ends_on: starts_on + Duration::days(90),
            },
        )
        .await?;
    }
    Ok(())
}

/// A few staff, posts, vacancies and pool stays, for a council whose other
/// parts seeded none. The demo staff account is one of them.
async fn own_workforce(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let org = council.org;
    let today = now.date();
    let manager = council.person(Role::Manager)?;
    let staff_account = council.person(Role::Staff)?;
    let account_linked = journey::staff_record_of(txn, org, staff_account)
        .await?
        .is_some();
    const PEOPLE: [(&str, &str); 14] = [
        ("Alys Bevan", "Customer services adviser"),
        ("Ben Okoro", "Revenues officer"),
        ("Carys Lloyd", "Library assistant"),
        ("Deepak Shah", "Highways inspector"),
        ("Eleri Rowlands", "Business support officer"),
        ("Femi Adeyemi", "Housing officer"),
        ("Gwen Parry", "Payroll assistant"),
        ("Harri Jenkins", "Waste services supervisor"),
        ("Imogen Walsh", "Social work assistant"),
        ("Jac Thomas", "Parking enforcement officer"),
        ("Kiran Bains", "Benefits assessor"),
        ("Lena Kowalska", "Community safety officer"),
        ("Mali Roberts", "Leisure centre assistant"),
        ("Nathan Hale", "ICT support analyst"),
    ];
    for (i, (name, job)) in PEOPLE.iter().enumerate() {
        let number = format!("J{:05}", 100 + i);
        fixtures::person_in_pool(
            txn,
            now,
            org,
            &PoolPerson {
                employee_number: &number,
                name,
                job_title: job,
                email: None,
                account: (i == 0 && !account_linked).then_some(staff_account),
                tier: match i % 5 {
                    0 => PoolTier::Protected,
                    4 => PoolTier::Voluntary,
                    _ => PoolTier::RoleRemoved,
                },
                entered_on: today - Duration::days(240 - 10 * i as i64),
            },
        )
        .await?;
    }
    const JOBS: [(&str, &str); 6] = [
        ("Customer contact team leader", "customer_services"),
        ("Council tax officer", "revenues"),
        ("Community hub coordinator", "libraries"),
        ("Tenancy support officer", "housing"),
        ("Fleet scheduler", "waste"),
        ("Data analyst", "ict"),
    ];
    for (i, (title, area)) in JOBS.iter().enumerate() {
        let reference = format!("JP{:04}", 10 + i);
        fixtures::vacancy_with_post(
            txn,
            now,
            org,
            &Job {
                reference: &reference,
                title,
                service_area: area,
                raised_by: manager,
                essentials: &[],
                created_at: now - Duration::days(300 - i as i64),
            },
        )
        .await?;
    }
    Ok(())
}
