//! Demo data for the pipeline's panel. In each innovation challenge the
//! council's panel member has declared and scored the ideas awaiting a
//! decision — all but the newest, which waits for whoever tries the demo —
//! and every idea that went on to a pilot was scored and funded: from its
//! challenge's pot while it lasts, otherwise from a service budget. It all
//! goes through `beacon_db::panel`, so the rules, audit events and
//! notifications are the app's own.
use crate::demo::DemoOrg;
use beacon_core::pipeline::panel::{Comment, Score, Standing};
use beacon_core::pipeline::{FundingModel, Pence};
use beacon_core::{OrgId, PersonId, Role};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::entity::idea;
use beacon_db::panel::{self, Announcement, Declared, Given, Proposal};
use beacon_web::i18n::{Lang, tf};
use time::OffsetDateTime;

/// Stages an idea reaches only after its funding was decided.
const FUNDED_STAGES: [&str; 3] = ["pilot", "evaluation", "adopted"];

/// What a pilot gets from a service budget when its business case does not
/// say what it asked for: £15,000.
const SERVICE_FUNDING: Pence = 1_500_000;

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
    let ideas = panel::ideas_of(txn, org).await?;

    // Ideas awaiting a decision in an innovation challenge, by challenge.
    let mut waiting: Vec<(_, Vec<&idea::Model>)> = Vec::new();
    // The panel member never reviews their own ideas.
    let ideas: Vec<&idea::Model> = ideas
        .iter()
        .filter(|i| i.author_id != reviewer.uuid())
        .collect();
    for found in ideas
        .iter()
        .copied()
        .filter(|i| i.stage == panel::DECISION_STAGE)
    {
        let Some(challenge) = found.challenge_id else {
            continue;
        };
        let innovation = panel::find_challenge(txn, org, challenge)
            .await?
            .is_some_and(|c| c.innovation);
        if !innovation {
            continue;
        }
        match waiting.iter_mut().find(|(c, _)| *c == challenge) {
            Some((_, list)) => list.push(found),
            None => waiting.push((challenge, vec![found])),
        }
    }
    for (_, list) in waiting {
        // The newest is left for the visitor to declare, score and decide.
        for (n, found) in list.iter().take(list.len() - 1).enumerate() {
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
    }

    for (n, found) in ideas.iter().copied().enumerate() {
        if went_to_pilot(txn, org, found).await?
            && panel::decision(txn, org, found.id).await?.is_none()
            && panel::standing(txn, org, found.id, reviewer).await? == Standing::Undeclared
        {
            fund(txn, now, &actor, org, reviewer, found, n + 1).await?;
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

/// The panel's past work on an idea now in a pilot or later: its scores, and
/// funding from its challenge's pot while it lasts (a fifth of what is left,
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
        .map_or(0, |p| p.remaining());
    let from_pot = (asked.unwrap_or(Pence::MAX).min(remaining / 5) / 100) * 100;
    let (amount, model) = if from_pot > 0 {
        (from_pot, FundingModel::ChallengePot)
    } else {
        (
            asked.unwrap_or(SERVICE_FUNDING),
            FundingModel::ServiceBudget,
        )
    };
    panel::record_past(
        txn,
        now,
        actor,
        org,
        found.id,
        reviewer,
        &given,
        Proposal::Fund { amount, model },
        &announcement(&found.title, amount, model),
    )
    .await?;
    Ok(())
}

/// The notification, in English and Welsh as the panel pages send it.
fn announcement(title: &str, amount: Pence, model: FundingModel) -> Announcement {
    let money = whole_pounds(amount);
    let part = |lang: Lang| {
        (
            tf(lang, "panel.notify.subject", &[("title", title)]),
            tf(
                lang,
                "panel.notify.funded",
                &[
                    ("title", title),
                    ("amount", &money),
                    ("model", lang.t(&format!("panel.model.{}", model.key()))),
                ],
            ),
        )
    };
    let (en_subject, en_body) = part(Lang::En);
    let (cy_subject, cy_body) = part(Lang::Cy);
    Announcement {
        subject: format!("{en_subject} / {cy_subject}"),
        body: format!("{en_body}\n\n{cy_body}"),
    }
}

/// "£12,500": the demo's amounts are whole pounds.
fn whole_pounds(pence: Pence) -> String {
    let digits = (pence / 100).to_string();
    let mut out = String::from("£");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
