//! Questions to the innovators and hosted visits: Aske Vale asks Northmere
//! about one of its shared cases (one question answered, one waiting) and
//! asks to visit it, with a request in every state and a past visit with
//! its feedback and one awaiting it. The demo's seeded history sends no email.
use super::super::{DemoOrg, Scale};
use beacon_core::Role;
use beacon_core::exchange::visits::{Request, Schedule};
use beacon_core::exchange::{Level, Reader};
use beacon_db::audit::Actor;
use beacon_db::exchange::visits::{self as db, fixtures};
use beacon_db::{Db, organisations, people};
use time::{Duration, OffsetDateTime};

pub async fn seed(
    db: &Db,
    now: OffsetDateTime,
    councils: &[DemoOrg],
    _scale: Scale,
) -> anyhow::Result<()> {
    let (Some(host), Some(guest)) = (councils.first(), councils.get(1)) else {
        return Ok(());
    };
    let txn = db.begin_writing().await?;
    // A case Northmere shares by name; the demo's own if the cases seeded
    // none.
    let publication = match fixtures::first_public_case(&txn, host.org).await? {
        Some(p) => p,
        None => {
            fixtures::published_case(
                &txn,
                now - Duration::days(60),
                host.org,
                &fixtures::Shared {
                    title: "Housing advice in community hubs",
                    level: Level::Public,
                    anonymous: false,
                    audience: &[],
                },
            )
            .await?
            .1
        }
    };
    let reader = Reader::Member {
        org: guest.org,
        partners: organisations::partners_of(&txn, guest.org).await?,
    };
    let case = db::case_for(&txn, &reader, publication).await?;
    let actor_of = |id: beacon_core::PersonId| async move {
        let p = people::by_id(db.conn(), id).await?;
        anyhow::Ok(match p {
            Some(p) => Actor::person(p.id, &p.email),
            None => Actor::system("demo"),
        })
    };
    let asker = guest.person(Role::Staff)?;
    let guest_lead = guest.person(Role::InnovationLead)?;
    let host_lead = host.person(Role::InnovationLead)?;
    let asker_actor = actor_of(asker).await?;
    let guest_actor = actor_of(guest_lead).await?;
    let host_actor = actor_of(host_lead).await?;

    // Questions: one answered, one waiting.
    let answered = db::ask(
        &txn,
        now - Duration::days(20),
        &asker_actor,
        guest.org,
        asker,
        &case,
        "How did you staff the hubs on the first day of each week, when demand was highest?",
        &[],
    )
    .await?;
    db::answer(
        &txn,
        now - Duration::days(19),
        &host_actor,
        host.org,
        answered,
        "We moved two caseworkers from the phone line on Mondays; calls fell as people came in person instead.",
        &[],
    )
    .await?;
    db::ask(
        &txn,
        now - Duration::days(2),
        &guest_actor,
        guest.org,
        guest_lead,
        &case,
        "Did you share the hub rooms with the library service, and who paid for them?",
        &[],
    )
    .await?;

    // Visit requests in every state.
    let ask = |party: i32, dates: &str, purpose: &str| {
        Request::parse(&party.to_string(), dates, purpose).map_err(|p| anyhow::anyhow!("{p:?}"))
    };
    let mut made = Vec::new();
    for (days_ago, party, dates, purpose, who) in [
        (
            30,
            3,
            "Any weekday in the autumn",
            "To see a hub at work before we open our own.",
            (&asker_actor, asker),
        ),
        (
            12,
            4,
            "Early next month",
            "Our housing team wants to see the triage desk.",
            (&guest_actor, guest_lead),
        ),
        (
            10,
            2,
            "A Friday",
            "To meet the caseworkers.",
            (&asker_actor, asker),
        ),
        (
            8,
            6,
            "Any Tuesday",
            "A councillor visit.",
            (&guest_actor, guest_lead),
        ),
        (
            6,
            2,
            "Next week",
            "To see the booking system.",
            (&asker_actor, asker),
        ),
        (
            3,
            5,
            "Late next month",
            "Our library service would like to come too.",
            (&guest_actor, guest_lead),
        ),
    ] {
        let id = db::request(
            &txn,
            now - Duration::days(days_ago),
            who.0,
            guest.org,
            who.1,
            &case,
            &ask(party, dates, purpose)?,
            &[],
        )
        .await?;
        made.push(id);
    }
    let visit = |i: usize| {
        let id = made[i];
        let txn = &txn;
        async move { anyhow::Ok(db::visit_in(txn, host.org, id).await?) }
    };
    let schedule = |days: i64, cap: i32| {
        let start = (now + Duration::days(days)).replace_time(time::macros::time!(10:00));
        Schedule::check(
            start,
            start + Duration::hours(3),
            "Northmere Civic Centre, Hub 1",
            cap,
            0,
            now,
        )
        .map_err(|p| anyhow::anyhow!("{p:?}"))
    };
    // The first stays waiting for the host (made[5] too).
    // Accepted onto an upcoming visit.
    let upcoming = schedule(21, 12)?;
    db::accept_new(
        &txn,
        now - Duration::days(11),
        &host_actor,
        host.org,
        &visit(1).await?,
        &upcoming,
        "Looking forward to it.",
    )
    .await?;
    // Declined with a note.
    db::decline(
        &txn,
        now - Duration::days(9),
        &host_actor,
        host.org,
        made[2],
        "Our caseworkers are stretched this month; please ask again in the spring.",
    )
    .await?;
    // Withdrawn by the visitor.
    db::withdraw(
        &txn,
        now - Duration::days(7),
        &guest_actor,
        guest.org,
        made[3],
    )
    .await?;
    // Accepted, then called off.
    let called_off = schedule(10, 4)?;
    db::accept_new(
        &txn,
        now - Duration::days(5),
        &host_actor,
        host.org,
        &visit(4).await?,
        &called_off,
        "",
    )
    .await?;
    db::cancel(
        &txn,
        now - Duration::days(4),
        &host_actor,
        host.org,
        &visit(4).await?,
    )
    .await?;
    // A past visit, with feedback.
    let past_request = db::request(
        &txn,
        now - Duration::days(50),
        &guest_actor,
        guest.org,
        guest_lead,
        &case,
        &ask(
            3,
            "Any time this quarter",
            "To learn how the hubs were set up.",
        )?,
        &[],
    )
    .await?;
    let past = db::accept_new(
        &txn,
        now - Duration::days(45),
        &host_actor,
        host.org,
        &db::visit_in(&txn, host.org, past_request).await?,
        &schedule(5, 8)?,
        "Come to the main entrance.",
    )
    .await?;
    let start = (now - Duration::days(30)).replace_time(time::macros::time!(10:00));
    fixtures::move_slot(&txn, past.id, start, start + Duration::hours(3)).await?;
    db::feedback(
        &txn,
        now - Duration::days(29),
        &guest_actor,
        guest.org,
        past_request,
        5,
        "Seeing the triage desk at work convinced our members. We open our first hub in the spring.",
    )
    .await?;
    // A past visit whose feedback is still to come.
    let recent_request = db::request(
        &txn,
        now - Duration::days(25),
        &asker_actor,
        guest.org,
        asker,
        &case,
        &ask(2, "Any morning", "To see the booking system in use.")?,
        &[],
    )
    .await?;
    let recent = db::accept_new(
        &txn,
        now - Duration::days(24),
        &host_actor,
        host.org,
        &db::visit_in(&txn, host.org, recent_request).await?,
        &schedule(6, 4)?,
        "",
    )
    .await?;
    let start = (now - Duration::days(3)).replace_time(time::macros::time!(9:30));
    fixtures::move_slot(&txn, recent.id, start, start + Duration::hours(2)).await?;
    txn.commit().await?;
    Ok(())
}
