//! Demo data for the pipeline's participation part: supports from several
//! people on most visible ideas, follows, a few comments, one report waiting
//! for the moderators, one comment hidden with its reason, and a few
//! notifications. Notifications are written in the app only: the demo's
//! outbox stays empty, since it has no mail server.
use crate::demo::DemoOrg;
use beacon_core::text::BoundedText;
use beacon_core::{PersonId, Role};
use beacon_db::DatabaseTransaction;
use beacon_db::audit::Actor;
use beacon_db::participation::{self as db, Subject};
use time::{Duration, OffsetDateTime};

/// Who supports ideas in the demo, in the order they join in.
pub(crate) const SUPPORTERS: [Role; 8] = [
    Role::Resident,
    Role::Staff,
    Role::Manager,
    Role::Councillor,
    Role::Partner,
    Role::Hr,
    Role::Panel,
    Role::Admin,
];

pub(crate) const COMMENTS: [(Role, &str); 4] = [
    (
        Role::Staff,
        "We tried something like this at the depot last year. The hard part was the first month; after that people would not go back. Happy to share our notes.",
    ),
    (
        Role::Resident,
        "This would help my street. Please keep signing up simple: not everyone here is online.",
    ),
    (
        Role::Councillor,
        "Ward members have raised this at three surgeries since the spring. I would like to see the figures for the pilot area before and after.",
    ),
    (
        Role::Manager,
        "My team can spare two people for a trial in the new year if the business case stands up.",
    ),
];

const REPORTED: &str = "This is a waste of money and whoever suggested it should be sacked.";
const REPORT_REASON: &str = "A personal attack on the author rather than a comment on the idea.";
const HIDDEN: &str = "Cheap loft insulation, this week only! Call 07700 900123.";
const HIDDEN_REASON: &str = "Advertising, not about the idea.";

fn text<const N: usize>(s: &str) -> anyhow::Result<BoundedText<N>> {
    BoundedText::parse(s).map_err(|e| anyhow::anyhow!("demo text: {e}"))
}

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    let org = council.org;
    // The ideas part seeds first; without ideas there is nothing to take part in.
    let ideas = db::visible_ideas(txn, org).await?;
    if ideas.is_empty() {
        return Ok(());
    }
    let actor = Actor::system("demo");
    let person = |role: Role| council.person(role);
    let days_ago = |d: i64| now - Duration::days(d);

    // Supports on most ideas (every fifth has none yet), from a varying
    // number of people so the counts differ.
    for (i, found) in ideas.iter().enumerate() {
        if i % 5 == 4 {
            continue;
        }
        let n = 1 + (i * 3 + council.index) % SUPPORTERS.len();
        for (k, role) in SUPPORTERS.iter().take(n).enumerate() {
            let at = days_ago(i64::try_from(n - k).unwrap_or(1));
            db::support(txn, at, &actor, org, found.id, person(*role)?).await?;
        }
    }

    // Follows: the councillor keeps an eye on the first ideas, a resident on one.
    for found in ideas.iter().take(2) {
        db::follow(
            txn,
            days_ago(6),
            &actor,
            org,
            found.id,
            person(Role::Councillor)?,
        )
        .await?;
    }
    db::follow(
        txn,
        days_ago(5),
        &actor,
        org,
        ideas[0].id,
        person(Role::Resident)?,
    )
    .await?;

    // Comments on the first ideas.
    let first = &ideas[0];
    let second = ideas.get(1).unwrap_or(first);
    for (k, (role, body)) in COMMENTS.iter().enumerate() {
        let on = if k < 3 { first } else { second };
        let at = days_ago(4 - i64::try_from(k).unwrap_or(0));
        db::add_comment(txn, at, &actor, org, on.id, person(*role)?, &text(body)?).await?;
    }

    // A comment someone reported, waiting for the moderators.
    let reported = db::add_comment(
        txn,
        days_ago(2),
        &actor,
        org,
        second.id,
        person(Role::Partner)?,
        &text(REPORTED)?,
    )
    .await?;
    db::report(
        txn,
        days_ago(1),
        &actor,
        org,
        Subject::comment(reported),
        person(Role::Staff)?,
        &text(REPORT_REASON)?,
    )
    .await?;

    // An advert, reported and hidden by the innovation lead with the reason.
    let advert = db::add_comment(
        txn,
        days_ago(3),
        &actor,
        org,
        first.id,
        person(Role::Partner)?,
        &text(HIDDEN)?,
    )
    .await?;
    db::report(
        txn,
        days_ago(3),
        &actor,
        org,
        Subject::comment(advert),
        person(Role::Resident)?,
        &text("Spam.")?,
    )
    .await?;
    let lead = Actor {
        id: Some(person(Role::InnovationLead)?),
        label: "demo".into(),
    };
    db::hide(
        txn,
        days_ago(2),
        &lead,
        org,
        Subject::comment(advert),
        &text(HIDDEN_REASON)?,
    )
    .await?;

    // What the first idea's followers were told about its comments: the
    // author has read one and not the next; the resident has one waiting.
    let subject = format!("New comment on “{}”", first.title);
    let body = "Someone commented on an idea you follow. Open the idea to read it.";
    let author = PersonId::from_uuid(first.author_id);
    for (who, at, read) in [
        (author, days_ago(4), true),
        (author, days_ago(1), false),
        (person(Role::Resident)?, days_ago(1), false),
    ] {
        let read_at = read.then_some(at + Duration::hours(2));
        db::notify_in_app_only(txn, at, org, first.id, who, &subject, body, read_at).await?;
    }
    Ok(())
}
