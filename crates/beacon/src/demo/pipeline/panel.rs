//! Demo data for the pipeline's panel. In each innovation challenge the
//! council's panel member has declared and scored the ideas awaiting a
//! decision — all but the newest, which waits for whoever tries the demo —
//! and every idea that went on to a pilot was scored and funded from the pot
//! while it lasted. It all goes through `beacon_db::panel`, so the rules,
//! audit events and notifications are the app's own.
use crate::demo::DemoOrg;
use beacon_core::pipeline::FundingModel;
use beacon_core::pipeline::panel::{Comment, Score, Standing};
use beacon_core::{OrgId, PersonId, Role};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::entity::idea;
use beacon_db::panel::{self, Announcement, Declared, Given, Proposal};
use time::OffsetDateTime;

/// Stages an idea reaches only after its funding was decided.
const FUNDED_STAGES: [&str; 3] = ["pilot", "evaluation", "adopted"];

const COMMENTS: [&str; 4] = [
    "The savings case is well evidenced from the service's own figures.",
    "Delivery rests on one team; the plan should name who covers for its lead.",
    "Fits the council plan's priorities closely.",
    "The evidence comes from one comparable council only; the pilot should test it here.",
];

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let org = council.org;
    let reviewer = council.person(Role::Panel)?;
    let actor = Actor::system("demo");
    let ideas = panel::innovation_ideas(txn, org).await?;
    let mut by_challenge: Vec<(Option<_>, Vec<&idea::Model>)> = Vec::new();
    for found in &ideas {
        match by_challenge
            .iter_mut()
            .find(|(c, _)| *c == found.challenge_id)
        {
            Some((_, list)) => list.push(found),
            None => by_challenge.push((found.challenge_id, vec![found])),
        }
    }
    for (_, list) in by_challenge {
        let waiting: Vec<&idea::Model> = list
            .iter()
            .copied()
            .filter(|i| i.stage == panel::DECISION_STAGE)
            .collect();
        // The newest idea awaiting a decision is left for the visitor.
        for (n, found) in waiting
            .iter()
            .take(waiting.len().saturating_sub(1))
            .enumerate()
        {
            if panel::standing(txn, org, found.id, reviewer).await? != Standing::Undeclared {
                continue;
            }
            panel::declare(
                txn,
                now,
                &actor,
                org,
                found.id,
                reviewer,
                Declared::NoConflict,
            )
            .await?;
            let given = sheet(txn, org, found, n).await?;
            panel::submit_scores(txn, now, &actor, org, found.id, reviewer, &given).await?;
        }
        for (n, found) in list.iter().enumerate() {
            if went_to_pilot(txn, org, found).await?
                && panel::decision(txn, org, found.id).await?.is_none()
                && panel::standing(txn, org, found.id, reviewer).await? == Standing::Undeclared
            {
                fund(txn, now, &actor, org, reviewer, found, n + 1).await?;
            }
        }
    }
    Ok(())
}

/// At a stage after the decision, or stopped after a pilot.
async fn went_to_pilot(
    txn: &DatabaseTransaction,
    org: OrgId,
    found: &idea::Model,
) -> anyhow::Result<bool> {
    Ok(FUNDED_STAGES.contains(&found.stage.as_str())
        || (found.stage == "stopped" && panel::has_been_at(txn, org, found.id, "pilot").await?))
}

/// Scores from 2 to 5 on every criterion (the panel is never unanimous about
/// everything), with a comment on one of them. `n` varies them by idea.
async fn sheet(
    txn: &DatabaseTransaction,
    org: OrgId,
    found: &idea::Model,
    n: usize,
) -> anyhow::Result<Vec<Given>> {
    let criteria = panel::criteria(txn, org, found).await?;
    let commented = n % criteria.len().max(1);
    Ok(criteria
        .iter()
        .enumerate()
        .map(|(i, c)| Given {
            criterion: c.key.clone(),
            score: Score::ALL[2 + (n + i * 3) % 4],
            comment: (i == commented)
                .then(|| Comment::parse(COMMENTS[(n + i) % COMMENTS.len()]).ok())
                .flatten(),
        })
        .collect())
}

/// The panel's past work on an idea now in a pilot or later: scores, and
/// funding from the challenge's pot while it lasts (a third of what is left,
/// or what the business case asked if less), else from a service budget.
async fn fund(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    actor: &Actor,
    org: OrgId,
    reviewer: PersonId,
    found: &idea::Model,
    n: usize,
) -> anyhow::Result<()> {
    let given = sheet(txn, org, found, n).await?;
    let asked = panel::asked(txn, org, found.id).await?;
    let remaining = panel::pot_of(txn, org, found.challenge_id)
        .await?
        .map(|p| p.remaining())
        .unwrap_or(0);
    let from_pot = (asked.unwrap_or(i64::MAX).min(remaining / 3) / 100) * 100;
    let proposal = if from_pot > 0 {
        Proposal::Fund {
            amount: from_pot,
            model: FundingModel::ChallengePot,
        }
    } else {
        Proposal::Fund {
            amount: asked.unwrap_or(1_500_000),
            model: FundingModel::ServiceBudget,
        }
    };
    let announcement = Announcement {
        subject: format!("Funding decision: {}", found.title),
        body: format!("The panel has decided to fund “{}”.", found.title),
    };
    panel::record_past(
        txn,
        now,
        actor,
        org,
        found.id,
        reviewer,
        &given,
        proposal,
        &announcement,
    )
    .await?;
    Ok(())
}
